#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# The benchmarks' guest mode for the real-kernel VM (tests/vm/run.sh): runs inside the
# VM, as root, in the source tree. Prints "RESULT tag key=value..." lines, which
# bench/run.sh collects from the VM's output.
#   vm-guest.sh BUILD_DIR FIXTURE BLOCK IDLE_S CHANGES LATENCY_N POLLER_N [DAEMON]
# DAEMON: the scarlettd binary to measure (default BUILD_DIR's; a before/after run).
# The device: snd-dummy carrying every control of FIXTURE's BLOCK as user controls
# (scarlett-load-state), so the kernel sends real control events for them.
set -u
build=$1 fixture=$2 block=$3 idle_s=$4 changes=$5 latency_n=$6 poller_n=$7
daemon_bin=${8:-$build/daemon/scarlettd}
bench=$build/bench/scd-bench
poller=$build/bench/scd-poller
sock=/tmp/scd-bench-sock
mkdir -p "$sock"

# two cards: hw:0 for everything below, hw:1 for the startup of the largest dump
modprobe -d "$SCARLETTD_VM_TREE" snd-dummy enable=1,1 || { echo "RESULT vm_error what=modprobe"; exit 1; }
"$build/sim/scarlett-load-state" --quiet --block "$block" "$fixture" ||
	{ echo "RESULT vm_error what=load-state"; exit 1; }
controls=$(amixer -c0 controls | wc -l)
echo "RESULT vm_device fixture=$(basename "$fixture"):$block controls_on_card=$controls kernel=$(uname -r)"

"$daemon_bin" --card hw:0 --socket-dir "$sock" -q &
daemon=$!
i=0
while [ ! -S "$sock/control.sock" ] && [ $i -lt 200 ]; do sleep 0.05; i=$((i + 1)); done
sleep 1

# Sum of voluntary + involuntary context switches over every thread of PID.
ctxt() {
	cat /proc/"$1"/task/*/status 2>/dev/null |
		awk '/^voluntary_ctxt_switches|^nonvoluntary_ctxt_switches/ { s += $2 } END { print s + 0 }'
}
# CPU ticks (utime + stime) of PID.
ticks() { awk '{ print $14 + $15 }' /proc/"$1"/stat; }
# strace -c -f on PID for SECONDS into FILE; prints the total number of calls.
trace() {
	strace -c -f -q -o "$3" -p "$1" &
	tp=$!
	sleep "$2"
	kill -INT $tp
	wait $tp 2>/dev/null
	awk '$NF == "total" { print $4 + 0; found = 1 } END { if (!found) print 0 }' "$3"
}
# Exact syscall count of PID over SECONDS from the kernel's raw_syscalls tracepoint
# (perf stat counts in the kernel: no ptrace stops, so the tracee runs at its speed);
# prints "" when perf cannot count here.
mount -t tracefs nodev /sys/kernel/tracing 2>/dev/null || true
mount -t debugfs nodev /sys/kernel/debug 2>/dev/null || true
pcount() {
	perf stat -x, -e raw_syscalls:sys_enter -p "$1" -- sleep "$2" 2>/tmp/perf.out >/dev/null
	awk -F, '/raw_syscalls/ && $1 ~ /^[0-9]+$/ { print $1 }' /tmp/perf.out
}
# The per-kind counts of a strace -c file as "kind:calls,kind:calls".
kinds() {
	awk 'NR > 2 && $1 !~ /^-/ && $NF != "total" && NF >= 5 { printf "%s%s:%s", sep, $NF, $4; sep = "," }' "$1"
}

# ---- idle: 100 subscribed clients, nothing changes ----
fifo=/tmp/scd-bench-hold
rm -f "$fifo"
mkfifo "$fifo"
"$bench" idle --socket-dir "$sock" --clients 100 --tag vm_idle_clients <"$fifo" >/tmp/scd-idle.out &
holder=$!
exec 9>"$fifo"
i=0
until grep -q ready /tmp/scd-idle.out 2>/dev/null || [ $i -gt 600 ]; do sleep 0.1; i=$((i + 1)); done
sleep 1
c0=$(ctxt $daemon) t0=$(ticks $daemon)
sleep "$idle_s"
c1=$(ctxt $daemon) t1=$(ticks $daemon)
calls=$(trace $daemon "$idle_s" /tmp/idle.strace)
pc=$(pcount $daemon "$idle_s")
echo "RESULT vm_idle who=scarlettd clients=100 seconds=$idle_s syscalls=$calls perf_syscalls=${pc:-na} ctxt_switches=$((c1 - c0)) cpu_ticks=$((t1 - t0)) syscalls_per_min=$((calls * 60 / idle_s)) ctxt_per_min=$(((c1 - c0) * 60 / idle_s))"
exec 9>&-
wait $holder
cat /tmp/scd-idle.out | grep RESULT

# ---- the baselines, idle: same window, same device ----
base_s=$idle_s
[ "$base_s" -gt 10 ] && base_s=10
for who in alsactl-monitor poll-10hz poll-busy; do
	rm -f /tmp/poller.err
	case $who in
	alsactl-monitor) alsactl monitor hw:0 >/dev/null & ;;
	poll-10hz) "$poller" --hz 10 hw:0 >/dev/null 2>/tmp/poller.err & ;;
	poll-busy) "$poller" --busy hw:0 >/dev/null 2>/tmp/poller.err & ;;
	esac
	p=$!
	sleep 1
	kill -USR1 $p
	c0=$(ctxt $p) t0=$(ticks $p)
	sleep "$base_s"
	kill -USR1 $p
	c1=$(ctxt $p) t1=$(ticks $p)
	sleep 0.5
	# the pollers count their own reads (one ioctl each) and rounds (one
	# clock_nanosleep each at 10 Hz): exact, with no tracer slowing them down
	self=$(awk -v busy=$([ $who = poll-busy ] && echo 1 || echo 0) '/^reads/ { r[n] = $2; o[n] = $4; n++ }
		END { if (n >= 2) print (r[n-1] - r[n-2]) + (busy ? 0 : o[n-1] - o[n-2]) }' /tmp/poller.err 2>/dev/null)
	pc=$(pcount $p "$base_s")
	calls=$(trace $p "$base_s" /tmp/base.strace)
	total=${pc:-${self:-$calls}}
	echo "RESULT vm_idle who=$who clients=0 seconds=$base_s syscalls=$total self_counted=${self:-na} strace_syscalls=$calls perf_syscalls=${pc:-na} ctxt_switches=$((c1 - c0)) cpu_ticks=$((t1 - t0)) syscalls_per_min=$((total * 60 / base_s)) ctxt_per_min=$(((c1 - c0) * 60 / base_s)) kinds=$(kinds /tmp/base.strace)"
	kill $p
	wait $p 2>/dev/null
done

# ---- per external change: daemon syscalls by kind, 0 / 1 / 10 / 100 subscribers ----
for n in 0 1 10 100; do
	rm -f /tmp/scd-idle.out
	"$bench" idle --socket-dir "$sock" --clients $n --tag vm_hold <"$fifo" >/tmp/scd-idle.out &
	holder=$!
	exec 9>"$fifo"
	i=0
	until grep -q ready /tmp/scd-idle.out 2>/dev/null || [ $i -gt 600 ]; do sleep 0.1; i=$((i + 1)); done
	sleep 1
	# paced: one change at a time, so nothing coalesces (the worst case per change).
	# Pass 1: exact total with perf; pass 2: by kind with strace (settled attach).
	write_s=$(awk -v k="$changes" 'BEGIN { print int(k / 50) + 4 }')
	perf stat -x, -e raw_syscalls:sys_enter -p $daemon -- sleep "$write_s" 2>/tmp/perf.out >/dev/null &
	pp=$!
	sleep 1
	"$bench" fanout --socket-dir "$sock" --ctl hw:0 --clients 0 --changes "$changes" --rate 50 \
		--controls 1 --tag vm_writer >/dev/null
	wait $pp
	pc=$(awk -F, '/raw_syscalls/ && $1 ~ /^[0-9]+$/ { print $1 }' /tmp/perf.out)
	strace -c -f -q -o /tmp/change.strace -p $daemon &
	tp=$!
	sleep 3
	"$bench" fanout --socket-dir "$sock" --ctl hw:0 --clients 0 --changes "$changes" --rate 50 \
		--controls 1 --tag vm_writer >/dev/null
	kill -INT $tp
	wait $tp 2>/dev/null
	calls=$(awk '$NF == "total" { print $4 + 0 }' /tmp/change.strace)
	sends=$(awk '$NF == "sendto" || $NF == "sendmsg" || $NF == "write" { s += $4 } END { print s + 0 }' /tmp/change.strace)
	[ -n "$pc" ] && total=$pc || total=$calls
	echo "RESULT vm_per_change clients=$n changes=$changes syscalls=$total perf_syscalls=${pc:-na} strace_syscalls=$calls flushes_seen=$([ $n -gt 0 ] && echo $((sends / n)) || echo na) per_change=$(awk -v c="$total" -v k="$changes" 'BEGIN { printf "%.2f", c / k }') target=$((4 + n)) kinds=$(kinds /tmp/change.strace)"
	exec 9>&-
	wait $holder
done

# ---- latency: write -> subscriber has it, vs alsactl monitor (and the pollers), same run ----
"$bench" latency --socket-dir "$sock" --ctl hw:0 --count "$latency_n" --tag vm_latency \
	--observer "alsactl monitor hw:0"
"$bench" latency --socket-dir "$sock" --ctl hw:0 --count "$poller_n" --tag vm_latency_pollers \
	--observer "alsactl monitor hw:0" --observer "$poller --hz 10 hw:0" --observer "$poller --busy hw:0"

kill $daemon
wait $daemon 2>/dev/null

# ---- startup on the real kernel: time to READY=1 and RSS, every control read ----
# (TCG inflates times: compare with `amixer contents`, which reads the same controls)
big=$(dirname "$fixture")/scarlett-gen4-18i20.state
if [ -f "$big" ] && "$build/sim/scarlett-load-state" --quiet --card hw:1 "$big"; then
	n1=$(amixer -c1 controls | wc -l)
	"$bench" startup --tag vm_startup_gen4-18i20 --runs 5 -- "$daemon_bin" --card hw:1 \
		--socket-dir /tmp/scd-bench-s1 -q | sed "s/\$/ controls=$n1/"
	a0=$(date +%s%N)
	amixer -c1 contents >/dev/null
	a1=$(date +%s%N)
	echo "RESULT vm_startup_ref who=amixer-contents controls=$n1 ms=$(((a1 - a0) / 1000000))"
fi
"$bench" startup --tag vm_startup_gen3-18i20 --runs 5 -- "$daemon_bin" --card hw:0 \
	--socket-dir /tmp/scd-bench-s0 -q | sed "s/\$/ controls=$controls/"
echo "RESULT vm_done ok=1"
