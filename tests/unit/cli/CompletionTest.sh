#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Sources the bash completion ($1) and checks COMPREPLY for a few command lines, with
# a stub scarlettctl on PATH that prints what 'scarlettctl --json' would.
set -u
completion=$1
stub_dir=$(mktemp -d)
trap 'rm -rf "$stub_dir"' EXIT
export STUB_LOG=$stub_dir/calls

cat >"$stub_dir/scarlettctl" <<'STUB'
#!/bin/bash
printf '%s\n' "$*" >>"$STUB_LOG"
if [[ -n ${STUB_FAIL:-} ]]; then
    echo "scarlettctl: cannot connect" >&2
    exit 3
fi
case " $* " in
*" devices "*)
    cat <<'JSON'
{
  "devices": [
    {
      "card": 1,
      "controls": 3,
      "id": "usb-1235-8215-P9AB",
      "name": "Scarlett 18i20 USB",
      "usb": {
        "product": "8215",
        "serial": "P9AB",
        "vendor": "1235"
      }
    },
    {
      "card": 2,
      "id": "usb-1235-8210-X1",
      "name": "Scarlett 2i2 USB"
    }
  ],
  "seq": 4
}
JSON
    ;;
*" controls "*)
    cat <<'JSON'
{
  "controls": [
    {
      "index": 0,
      "items": [
        "Off",
        "Line In 9"
      ],
      "name": "Line In 1 Air Capture Switch",
      "numid": 12
    },
    {
      "index": 1,
      "name": "Line In 1 Gain Capture Volume",
      "numid": 20
    },
    {
      "index": 0,
      "name": "Mix A Input 01 Playback Volume",
      "numid": 125
    },
    {
      "index": 0,
      "name": "Say \"hi\" \\ Switch",
      "numid": 126
    }
  ],
  "device": "usb-1235-8215-P9AB",
  "seq": 4
}
JSON
    ;;
*" name "*)
    cat <<'JSON'
{
  "controls": [
    {
      "iface": "daemon",
      "name": "Analogue In 1 Name",
      "numid": 1073741825,
      "type": "text",
      "value": [
        "Vocal mic"
      ]
    },
    {
      "name": "S/PDIF In 2 Name",
      "numid": 1073741826
    },
    {
      "name": "Analogue Out 1-2 Name",
      "numid": 1073741827
    },
    {
      "name": "Name",
      "numid": 1073741824
    }
  ],
  "device": "usb-1235-8215-P9AB",
  "seq": 4
}
JSON
    ;;
*" link "*)
    cat <<'JSON'
{
  "controls": [
    {
      "name": "Analogue Out 1-2 Link",
      "numid": 1073741900,
      "value": [
        true
      ]
    },
    {
      "name": "PCM Out 1-2 Link",
      "numid": 1073741901
    }
  ],
  "device": "usb-1235-8215-P9AB",
  "seq": 4
}
JSON
    ;;
*" preset list "*)
    cat <<'JSON'
{
  "presets": [
    {
      "controls": 83,
      "name": "Live set",
      "serial": "P9AB"
    },
    {
      "controls": 2,
      "name": "Podcast",
      "serial": "P9AB"
    }
  ]
}
JSON
    ;;
esac
STUB
chmod +x "$stub_dir/scarlettctl"
PATH=$stub_dir:$PATH

# shellcheck source=/dev/null
source "$completion" || exit 1
# shellcheck source=compare-reply.bash
source "$(dirname "$0")/compare-reply.bash" || exit 1

failures=0

# complete WORD... -- EXPECTED...: completes the last WORD and compares COMPREPLY
# (sorted, one per line) with EXPECTED.
complete_and_check() {
    local -a words=() expected=()
    while (($#)) && [[ $1 != -- ]]; do
        words+=("$1")
        shift
    done
    shift
    expected=("$@")
    COMP_WORDS=("${words[@]}")
    COMP_CWORD=$((${#words[@]} - 1))
    COMP_LINE="${words[*]}"
    COMP_POINT=${#COMP_LINE}
    compare_reply _scarlettctl "${words[*]}" "${expected[@]}"
}

# last_call EXPECTED: the arguments of the stub's last run.
check_last_call() {
    local got
    got=$(tail -n 1 "$STUB_LOG")
    if [[ $got != "$1" ]]; then
        echo "FAIL: scarlettctl ran with '$got', expected '$1'"
        ((failures++))
    fi
}

complete_and_check scarlettctl '' -- devices controls get set watch meters name link info preset configure \
    help
complete_and_check scarlettctl me -- meters
complete_and_check scarlettctl --j -- --json
complete_and_check scarlettctl --d -- --device --dry-run
complete_and_check scarlettctl help w -- watch
complete_and_check scarlettctl -d '' -- usb-1235-8215-P9AB usb-1235-8210-X1
complete_and_check scarlettctl --device = usb-1235-82 -- usb-1235-8215-P9AB usb-1235-8210-X1
complete_and_check scarlettctl --socket-dir /run/sd -d usb-1235-8210 -- usb-1235-8210-X1
check_last_call '--socket-dir /run/sd --json devices'
complete_and_check scarlettctl -d usb-1235-8215-P9AB get Line -- \
    'Line In 1 Air Capture Switch' 'Line In 1 Gain Capture Volume'
check_last_call '-d usb-1235-8215-P9AB --json controls'
complete_and_check scarlettctl get "'Line In 1 A" -- 'Line In 1 Air Capture Switch'
complete_and_check scarlettctl get 'Line\ In\ 1\ G' -- 'Line In 1 Gain Capture Volume'
complete_and_check scarlettctl get Say -- 'Say "hi" \ Switch'
complete_and_check scarlettctl set 'Line In 1 Air Capture Switch' t -- toggle
complete_and_check scarlettctl set 'Line In 1 Air Capture Switch' on Mi -- \
    'Mix A Input 01 Playback Volume'
complete_and_check scarlettctl set Mix -6dB Mi -- 'Mix A Input 01 Playback Volume'
complete_and_check scarlettctl watch --waybar Mix -- 'Mix A Input 01 Playback Volume'
complete_and_check scarlettctl watch 'Line*' '' --
complete_and_check scarlettctl meters --rate 2 -- 20
complete_and_check scarlettctl devices '' --
complete_and_check scarlettctl preset '' -- list save load diff rm
complete_and_check scarlettctl -d usb-1235-8215-P9AB preset load L -- 'Live set'
check_last_call '-d usb-1235-8215-P9AB --json preset list'
complete_and_check scarlettctl preset rm '' -- 'Live set' Podcast
complete_and_check scarlettctl preset list '' --
complete_and_check scarlettctl preset save --ov -- --overwrite
complete_and_check scarlettctl configure --on-attach '' -- off last preset
complete_and_check scarlettctl configure --on-attach preset P -- Podcast
complete_and_check scarlettctl configure --no- -- --no-guards --no-nickname
complete_and_check scarlettctl name '' -- device 'Analogue In 1' 'S/PDIF In 2' 'Analogue Out 1-2'
check_last_call '--json name'
complete_and_check scarlettctl -d usb-1235-8215-P9AB name "'Analogue O" -- 'Analogue Out 1-2'
check_last_call '-d usb-1235-8215-P9AB --json name'
complete_and_check scarlettctl name --clear 'S/PDIF\ ' -- 'S/PDIF In 2'
complete_and_check scarlettctl name 'Analogue In 1' '' --
complete_and_check scarlettctl name --cl -- --clear
complete_and_check scarlettctl link '' -- 'Analogue Out 1-2' 'PCM Out 1-2'
check_last_call '--json link'
complete_and_check scarlettctl link 'Analogue Out 1' '' -- on off toggle
complete_and_check scarlettctl link 'PCM Out 1-2' t -- toggle
complete_and_check scarlettctl link 'PCM Out 1-2' on '' --
mkdir -p "$stub_dir/presets/sub"
touch "$stub_dir/presets/a.conf" "$stub_dir/presets/b.state" "$stub_dir/presets/c.txt"
complete_and_check scarlettctl preset diff "$stub_dir/presets/" -- \
    "$stub_dir/presets/a.conf" "$stub_dir/presets/b.state" "$stub_dir/presets/sub"
STUB_FAIL=1 complete_and_check scarlettctl get '' --
STUB_FAIL=1 complete_and_check scarlettctl -d '' --
STUB_FAIL=1 complete_and_check scarlettctl link '' --

if ((failures)); then
    echo "$failures completion check(s) failed"
    exit 1
fi
echo "all completion checks passed"
