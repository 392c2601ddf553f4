#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# User-space instructions of a start (issue 17), inside the real-kernel VM:
#   tests/vm/run.sh --timeout 1500 -- sh bench/vm-startup-profile.sh BUILD_DIR FIXTURE [DAEMON]
# FIXTURE's first block as snd-dummy user controls; the daemon under callgrind from
# exec until it is idle (its CPU time still for 2 s; the count stops there, before the
# shutdown), then `amixer -c0 contents` under callgrind, the reference of the READY
# target. Prints "RESULT startup_instructions", then both profiles. Needs valgrind on
# the host, whose root the VM sees. About 2 minutes.
set -u
build=$1 fixture=$2
daemon_bin=${3:-$build/daemon/scarlettd}
out=/tmp/scd-startup-profile
mkdir -p "$out/sock"
modprobe -d "$SCARLETTD_VM_TREE" snd-dummy enable=1 || exit 1
"$build/sim/scarlett-load-state" --quiet --card hw:0 "$fixture" || exit 1
echo "controls on the card: $(amixer -c0 controls | wc -l)"

# shellcheck source=bench/callgrind-report.sh
. "$(dirname "$0")/callgrind-report.sh"

valgrind --tool=callgrind --callgrind-out-file="$out/daemon" \
	"$daemon_bin" --card hw:0 --socket-dir "$out/sock" -q 2>"$out/daemon.vg" &
daemon=$!
sleep 5
previous=-1
i=0
while [ $i -lt 200 ]; do
	ticks=$(awk '{ print $14 + $15 }' "/proc/$daemon/stat")
	[ "$ticks" = "$previous" ] && break
	previous=$ticks
	sleep 2
	i=$((i + 1))
done
callgrind_control -i off "$daemon" >/dev/null
kill "$daemon"
wait "$daemon" 2>/dev/null
sleep 2
valgrind --tool=callgrind --callgrind-out-file="$out/amixer" amixer -c0 contents >/dev/null 2>"$out/amixer.vg"
echo "RESULT startup_instructions daemon_ir=$(CallgrindTotal "$out/daemon") amixer_ir=$(CallgrindTotal "$out/amixer")"
CallgrindReport daemon "$out/daemon" 90 50 200
CallgrindReport "amixer contents" "$out/amixer" 40 0 160
