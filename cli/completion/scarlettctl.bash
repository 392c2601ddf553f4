# bash completion for scarlettctl(1)                       -*- shell-script -*-
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Completes commands and options; device ids after -d from 'scarlettctl devices
# --json', control names for get, set, watch, controls and --waybar from
# 'scarlettctl controls --json', ports for name and pairs for link from 'scarlettctl
# name --json' and 'scarlettctl link --json', all asked quietly: without a running
# scarlettd there is simply nothing to offer.

# Prints the string values of "KEY" members of pretty-printed JSON on stdin (one
# member per line, as scarlettctl --json writes it), one per line, unescaped.
_scarlettctl_json_strings() {
    local key=$1 line value
    local re='^[[:space:]]*"'"$key"'": "(.*)",?$'
    while IFS= read -r line; do
        [[ $line =~ $re ]] || continue
        value=${BASH_REMATCH[1]}
        value=${value//\\\"/\"}
        value=${value//\\\\/\\}
        printf '%s\n' "$value"
    done
}

# Runs scarlettctl quietly; a daemon that hangs must not hang the shell.
_scarlettctl_ask() {
    timeout 2 scarlettctl "$@" 2>/dev/null
}

# Sets COMPREPLY to the lines of stdin that start with $1; they may hold spaces.
_scarlettctl_reply_lines() {
    local prefix=$1 line
    COMPREPLY=()
    while IFS= read -r line; do
        [[ -n $line && $line == "$prefix"* ]] && COMPREPLY+=("$line")
    done
    # Let readline quote names with spaces, as it does for file names.
    compopt -o filenames 2>/dev/null
    return 0
}

_scarlettctl() {
    local cur=${COMP_WORDS[COMP_CWORD]}
    local prev=''
    ((COMP_CWORD > 0)) && prev=${COMP_WORDS[COMP_CWORD - 1]}
    COMPREPLY=()

    local commands='devices controls get set watch meters name link info preset configure help'
    local options='-d --device --socket-dir --json -n --dry-run --overwrite --on-attach --guard --no-guards --nickname --no-nickname --clear --waybar --rate -h --help --version'

    # "--device=ID" reaches us as "--device" "=" "ID" (= is a word break).
    if [[ $cur == = ]]; then
        prev=${COMP_WORDS[COMP_CWORD - 1]}
        cur=
    elif [[ $prev == = ]] && ((COMP_CWORD > 1)); then
        prev=${COMP_WORDS[COMP_CWORD - 2]}
    fi

    # What was typed before the cursor: the options that choose the daemon and the
    # device (passed on to scarlettctl), the command and how many arguments it has.
    local -a daemon_args=()
    local command='' action='' word i arg_count=0 options_done=''
    for ((i = 1; i < COMP_CWORD; i++)); do
        word=${COMP_WORDS[i]}
        if [[ -z $options_done ]]; then
            case $word in
                -d | --device | --socket-dir)
                    local value=${COMP_WORDS[i + 1]}
                    if [[ $value == = ]]; then
                        ((i++))
                        value=${COMP_WORDS[i + 1]}
                    fi
                    ((i + 1 < COMP_CWORD)) && daemon_args+=("$word" "$value")
                    ((i++))
                    continue
                    ;;
                --waybar | --rate | --guard | --nickname)
                    [[ ${COMP_WORDS[i + 1]} == = ]] && ((i++))
                    ((i++))
                    continue
                    ;;
                --on-attach)
                    [[ ${COMP_WORDS[i + 1]} == = ]] && ((i++))
                    ((i++))
                    # "preset NAME": the name is the option's too.
                    [[ ${COMP_WORDS[i]} == preset ]] && ((i++))
                    continue
                    ;;
                -d?*) daemon_args+=("$word"); continue ;;
                --) options_done=1; continue ;;
                -[0-9]* | -.[0-9]*) ;;
                -*) continue ;;
            esac
        fi
        if [[ -z $command ]]; then
            command=$word
        else
            ((arg_count == 0)) && action=$word
            ((arg_count++))
        fi
    done

    # Quotes and backslashes the user typed are not part of the name.
    local bare=${cur#[\'\"]}
    bare=${bare//\\/}

    case $prev in
        -d | --device)
            _scarlettctl_reply_lines "$bare" < <(_scarlettctl_ask "${daemon_args[@]}" --json devices |
                _scarlettctl_json_strings id)
            return 0
            ;;
        --socket-dir)
            compopt -o filenames 2>/dev/null
            mapfile -t COMPREPLY < <(compgen -d -- "$cur")
            return 0
            ;;
        --rate)
            mapfile -t COMPREPLY < <(compgen -W '1 5 10 20 30 60' -- "$cur")
            return 0
            ;;
        --on-attach)
            mapfile -t COMPREPLY < <(compgen -W 'off last preset' -- "$cur")
            return 0
            ;;
        preset)
            # --on-attach preset NAME: the device's presets.
            if [[ ${COMP_WORDS[COMP_CWORD - 2]} == --on-attach ]]; then
                _scarlettctl_reply_lines "$bare" < <(_scarlettctl_ask "${daemon_args[@]}" --json preset list |
                    _scarlettctl_json_strings name | sort -u)
                return 0
            fi
            ;;
        --guard | --nickname)
            return 0
            ;;
        --waybar)
            _scarlettctl_complete_controls "$bare"
            return 0
            ;;
    esac

    if [[ $cur == -* && $cur != -[0-9.]* ]]; then
        mapfile -t COMPREPLY < <(compgen -W "$options" -- "$cur")
        return 0
    fi

    case $command in
        '')
            mapfile -t COMPREPLY < <(compgen -W "$commands" -- "$cur")
            ;;
        help)
            ((arg_count == 0)) && mapfile -t COMPREPLY < <(compgen -W "$commands" -- "$cur")
            ;;
        get)
            _scarlettctl_complete_controls "$bare"
            ;;
        controls | watch)
            ((arg_count == 0)) && _scarlettctl_complete_controls "$bare"
            ;;
        preset)
            if ((arg_count == 0)); then
                mapfile -t COMPREPLY < <(compgen -W 'list save load diff rm' -- "$cur")
            elif ((arg_count == 1)) && [[ $action == @(save|load|diff|rm) ]]; then
                _scarlettctl_reply_lines "$bare" < <(_scarlettctl_ask "${daemon_args[@]}" --json preset list |
                    _scarlettctl_json_strings name | sort -u)
                # load and diff also take a file: a .conf, or alsactl's .state.
                if [[ $action == @(load|diff) && ( $cur == */* || $cur == .* ) ]]; then
                    local file
                    while IFS= read -r file; do
                        [[ -d $file || $file == *.conf || $file == *.state ]] && COMPREPLY+=("$file")
                    done < <(compgen -f -- "$cur")
                fi
            fi
            ;;
        name)
            ((arg_count == 0)) && _scarlettctl_complete_stems name Name "$bare"
            ;;
        link)
            if ((arg_count == 0)); then
                _scarlettctl_complete_stems link Link "$bare"
            elif ((arg_count == 1)); then
                mapfile -t COMPREPLY < <(compgen -W 'on off toggle' -- "$cur")
            fi
            ;;
        set)
            if ((arg_count % 2 == 0)); then
                _scarlettctl_complete_controls "$bare"
            else
                mapfile -t COMPREPLY < <(compgen -W 'on off toggle min max' -- "$cur")
            fi
            ;;
    esac
    return 0
}

# Control names of the chosen device that start with $1.
_scarlettctl_complete_controls() {
    _scarlettctl_reply_lines "$1" < <(_scarlettctl_ask "${daemon_args[@]}" --json controls |
        _scarlettctl_json_strings name | sort -u)
}

# The ports (name) or pairs (link) of the chosen device that start with $3: the
# names of 'scarlettctl $1 --json' without their " $2"; the device's own Name is
# "device", as name takes it.
_scarlettctl_complete_stems() {
    local command=$1 suffix=$2 prefix=$3 line
    _scarlettctl_reply_lines "$prefix" < <(_scarlettctl_ask "${daemon_args[@]}" --json "$command" |
        _scarlettctl_json_strings name | while IFS= read -r line; do
            if [[ $line == Name ]]; then
                echo device
            elif [[ $line == *" $suffix" ]]; then
                printf '%s\n' "${line%" $suffix"}"
            fi
        done | sort -u)
}

complete -F _scarlettctl scarlettctl
