#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# User-space instructions per change (issue 17), inside the real-kernel VM:
#   tests/vm/run.sh --timeout 1500 -- sh bench/vm-instructions.sh BUILD_DIR FIXTURE BLOCK [CHANGES] [DAEMON]
# The daemon (one subscriber) and `alsactl monitor hw:0` both run under callgrind
# with instrumentation off; it is switched on for CHANGES (default 200) paced changes
# of one control and off after them, so each count is exactly the changes' work,
# independent of the emulation's speed (perf has no counters under TCG). Prints a
# "RESULT vm_instructions" line, then both profiles. Needs valgrind (Debian:
# valgrind) on the host, whose root the VM sees. About 10 minutes.
set -u
build=$1 fixture=$2 block=$3 k=${4:-200}
daemon_bin=${5:-$build/daemon/scarlettd}
bench=$build/bench/scd-bench
sock=/tmp/scd-instr
out=/tmp/scd-instr-out
mkdir -p "$sock" "$out"
modprobe -d "$SCARLETTD_VM_TREE" snd-dummy enable=1 || exit 1
"$build/sim/scarlett-load-state" --quiet --block "$block" "$fixture" || exit 1

# shellcheck source=bench/callgrind-report.sh
. "$(dirname "$0")/callgrind-report.sh"

valgrind --tool=callgrind --instr-atstart=no --callgrind-out-file="$out/daemon" \
	"$daemon_bin" --card hw:0 --socket-dir "$sock" -q 2>"$out/daemon.vg" &
daemon=$!
i=0
while [ ! -S "$sock/control.sock" ] && [ $i -lt 600 ]; do sleep 0.5; i=$((i + 1)); done
# One subscriber, held open by a fifo until the end.
mkfifo "$out/hold"
"$bench" idle --socket-dir "$sock" --clients 1 --tag hold <"$out/hold" >"$out/hold.txt" &
holder=$!
exec 9>"$out/hold"
i=0
until grep -q ready "$out/hold.txt" 2>/dev/null || [ $i -gt 1200 ]; do sleep 0.1; i=$((i + 1)); done
valgrind --tool=callgrind --instr-atstart=no --callgrind-out-file="$out/alsactl" \
	alsactl monitor hw:0 >"$out/events.txt" 2>"$out/alsactl.vg" &
alsactl=$!
# alsactl listens once it prints an event (instrumentation still off everywhere).
i=0
while [ ! -s "$out/events.txt" ] && [ $i -lt 120 ]; do
	"$bench" fanout --socket-dir "$sock" --ctl hw:0 --clients 0 --changes 1 --rate 10 --controls 1 --tag warm >/dev/null
	sleep 2
	i=$((i + 1))
done
sleep 5
callgrind_control -i on "$daemon" >/dev/null
callgrind_control -i on "$alsactl" >/dev/null
before=$(wc -l <"$out/events.txt")
"$bench" fanout --socket-dir "$sock" --ctl hw:0 --clients 0 --changes "$k" --rate 10 --controls 1 --tag w >/dev/null
sleep 10
callgrind_control -i off "$daemon" >/dev/null
callgrind_control -i off "$alsactl" >/dev/null
events=$(($(wc -l <"$out/events.txt") - before))
kill "$alsactl"
wait "$alsactl" 2>/dev/null
exec 9>&-
wait "$holder"
kill "$daemon"
wait "$daemon" 2>/dev/null
sleep 2
di=$(CallgrindTotal "$out/daemon")
ai=$(CallgrindTotal "$out/alsactl")
echo "RESULT vm_instructions changes=$k daemon_ir=$di alsactl_ir=$ai alsactl_events=$events" \
	"daemon_per_change=$((di / k)) alsactl_per_event=$((ai / events))" \
	"ratio=$(awk -v d="$di" -v k="$k" -v a="$ai" -v e="$events" 'BEGIN { printf "%.2f", (d / k) / (a / e) }')"
CallgrindReport daemon "$out/daemon" 200 80 220
CallgrindReport "alsactl monitor" "$out/alsactl" 30 0 160
