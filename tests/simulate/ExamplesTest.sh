#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Every example of README.md, `scarlettctl --help` and the man pages runs (issue 14.8):
# * each scarlettctl example of README.md, --help and scarlettctl(1) (its EXAMPLES
#   and the waybar configuration), against the device README.md's first command
#   starts (`scarlettd --simulate scarlett-gen3-18i20`). It succeeds when it exits 0;
#   watch and meters, which run until stopped, when they are still running after
#   1 s and printed no error;
# * the EXAMPLES of scarlett-sim(1) and scarlettd(8), which name their own devices,
#   as a user types them into one terminal: each run of blocks in one shell, in a
#   fresh environment, commands ending in & left running (1.5 s to start). Left out:
#   alsamixer (interactive) and `--card hw:CARD=USB` (hardware).
#   ExamplesTest.sh SOURCE_DIR BUILD_DIR
set -u
src=$1
build=$2
model=scarlett-gen3-18i20
device=sim-$model
work=$(mktemp -d)
daemon_pid=
cleanup() {
	[ -n "$daemon_pid" ] && kill "$daemon_pid" 2>/dev/null && wait "$daemon_pid" 2>/dev/null
	rm -rf "$work"
}
trap cleanup EXIT
export XDG_RUNTIME_DIR=$work/run XDG_CONFIG_HOME=$work/config SCARLETT_SIM_DIR=$work/sim HOME=$work
unset SCARLETTD_SOCKET_DIR
mkdir -m 0700 "$XDG_RUNTIME_DIR" "$SCARLETT_SIM_DIR"
mkdir -p "$work/bin"
ln -s "$build/cli/scarlettctl" "$work/bin/scarlettctl"
export PATH=$work/bin:$PATH

"$build/daemon/scarlettd" -q --simulate "$model" >"$work/daemon.log" 2>&1 &
daemon_pid=$!
for _ in $(seq 100); do
	scarlettctl devices >/dev/null 2>&1 && break
	sleep 0.1
done

# groff's escapes in the examples: \(aq is ', \- is -, \e is \.
unroff() { sed -e "s/\\\\(aq/'/g" -e 's/\\-/-/g' -e 's/\\e/\\/g'; }

{
	# README.md: the command lines of its code blocks, and `scarlettctl ...` in text.
	awk '/^```/ { inside = !inside; next } inside && /^\.\/build\/cli\/scarlettctl / { sub(/ +#.*/, ""); print }' \
		"$src/README.md"
	# shellcheck disable=SC2016 # backquotes, not an expansion
	grep -o '`scarlettctl [^`]*`' "$src/README.md" | tr -d '`'
	# --help: the lines under "Examples:".
	scarlettctl --help | awk '/^Examples:/ { on = 1; next } on && /^$/ { exit } on { sub(/^ +/, ""); print }'
	# scarlettctl(1): EXAMPLES, and the commands of its waybar configuration.
	awk '/^\.SH EXAMPLES/ { on = 1 } on && /^\.EE/ { exit } on && /^scarlettctl/' "$src/docs/man/scarlettctl.1" | unroff
	grep -o '"\(exec\|on-click\|on-scroll-up\|on-scroll-down\)": "scarlettctl[^"]*"' \
		<(unroff <"$src/docs/man/scarlettctl.1") | sed 's/^[^:]*: "//; s/"$//'
} >"$work/examples"

count=0
failed=0
while IFS= read -r example; do
	[ -n "$example" ] || continue
	# The placeholder ID is this device; ./build/ is the build tree.
	cmd=$(printf '%s' "$example" | sed -e "s/ -d ID / -d $device /" -e "s| \./build/cli/scarlettctl| scarlettctl|; s|^\./build/cli/scarlettctl|scarlettctl|")
	count=$((count + 1))
	case $cmd in
	*" watch"* | *" meters"*) limit=1 ;;
	*) limit=20 ;;
	esac
	timeout "$limit" bash -c "$cmd" >"$work/out" 2>"$work/err" </dev/null
	status=$?
	case $cmd in
	*" watch"* | *" meters"*) [ "$status" -eq 124 ] && [ ! -s "$work/err" ] && ok=1 || ok=0 ;;
	*) [ "$status" -eq 0 ] && ok=1 || ok=0 ;;
	esac
	if [ "$ok" -eq 1 ]; then
		echo "ok: $example"
	else
		failed=$((failed + 1))
		echo "FAIL (exit $status): $example"
		sed 's/^/    /' "$work/err" | head -n 5
	fi
done <"$work/examples"

# The EXAMPLES blocks of a man page, unescaped, one block per paragraph (the blocks
# separated by a line "--"); a line ending in | goes on with the next one.
ManBlocks() {
	awk '/^\.SH / { on = ($2 == "EXAMPLES") } on && /^\.EX/ { inside = 1; next }
	     on && /^\.EE/ { inside = 0; print "--"; next } inside' "$1" | unroff |
		awk '/\|$/ { printf "%s ", $0; next } { print }'
}
# Runs blocks (numbers, from 1) of a man page's EXAMPLES as one terminal session.
Session() { # label manpage block...
	local label=$1 page=$2
	shift 2
	local dir=$work/session-$label
	mkdir -p "$dir/run" "$dir/sim" "$dir/home"
	chmod 0700 "$dir/run" "$dir/sim"
	ln -s "$build" "$dir/build"
	ManBlocks "$page" | awk -v dir="$dir" '$0 == "--" { n++; next } { print > (dir "/block" n + 1) }'
	{
		# shellcheck disable=SC2016 # written into the session's script
		echo 'trap '"'"'kill $(jobs -p) 2>/dev/null; wait'"'"' EXIT'
		echo 'set -e'
		for block in "$@"; do
			awk '/^alsamixer/ || /hw:CARD=USB/ { next } { print } / &$/ { print "sleep 1.5" }' \
				"$dir/block$block"
		done
	} >"$dir/session.sh"
	count=$((count + 1))
	(cd "$dir" && env -i PATH="$build/daemon:$build/cli:$build/sim/server:/usr/bin:/bin" \
		HOME="$dir/home" XDG_RUNTIME_DIR="$dir/run" XDG_CONFIG_HOME="$dir/home/.config" \
		SCARLETT_SIM_DIR="$dir/sim" timeout 60 bash session.sh) >"$work/out" 2>"$work/err" </dev/null
	status=$?
	if [ "$status" -eq 0 ]; then
		echo "ok: $label (blocks $*: $(grep -vc '^sleep\|^set\|^trap' "$dir/session.sh") commands)"
	else
		failed=$((failed + 1))
		echo "FAIL (exit $status): $label"
		sed 's/^/    | /' "$dir/session.sh"
		tail -n 5 "$work/err" | sed 's/^/    /'
	fi
}
Session scarlett-sim-1 "$src/docs/man/scarlett-sim.1" 1 2
Session scarlett-sim-2 "$src/docs/man/scarlett-sim.1" 3
Session scarlettd-1 "$src/docs/man/scarlettd.8" 3 2

echo "examples: $count run, $failed failed"
[ "$count" -ge 20 ] || { echo "examples: too few found ($count): the extraction broke" >&2; exit 1; }
[ "$failed" -eq 0 ]
