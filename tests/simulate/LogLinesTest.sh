#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# scarlett-sim writes each line of its log in one write(2), so that the lines of
# scarlettd --simulate, which shares its stderr, never come out mixed (issue 14.10).
#   LogLinesTest.sh BUILD_DIR
set -u
build=$1
work=$(mktemp -d)
sim=
trap '[ -n "$sim" ] && kill "$sim" 2>/dev/null; rm -rf "$work"' EXIT
if ! command -v strace >/dev/null; then
	echo "log lines: strace missing (Debian: strace); skipped" >&2
	exit 77
fi
export SCARLETT_SIM_DIR=$work/sim
export ALSA_CONFIG_PATH=/usr/share/alsa/alsa.conf:$build/sim/plugin/scarlett-sim.conf
mkdir -m 0700 "$SCARLETT_SIM_DIR"
strace -f -qq -e trace=write -s 1000 -o "$work/trace" \
	"$build/sim/server/scarlett-sim" serve scarlett-gen4-2i2 --name lines 2>"$work/err" >/dev/null &
sim=$!
for _ in $(seq 100); do [ -S "$SCARLETT_SIM_DIR/lines.sock" ] && break; sleep 0.05; done
# Clients coming and going, and a button: each logs a line.
for _ in 1 2 3; do amixer -q -D scarlett_sim:lines contents >/dev/null; done
"$build/sim/server/scarlett-sim" -d lines press phantom 1 >/dev/null
# The simulator itself (strace's tracee, the first pid of its trace) is stopped:
# strace then ends with it.
kill "$(awk 'NR == 1 { print $1 }' "$work/trace")"
wait "$sim"
lines=$(grep -c . "$work/err")
writes=$(grep -c 'write(2, ' "$work/trace")
pieces=$(grep 'write(2, ' "$work/trace" | grep -vc '\\n", [0-9]*) *= ')
echo "log lines: $lines lines in $writes writes, $pieces of them not ending a line"
[ "$lines" -ge 6 ] && [ "$writes" -eq "$lines" ] && [ "$pieces" -eq 0 ]
