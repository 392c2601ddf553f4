#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Runs every benchmark of issue #6 and prints one summary table.
#
#   bench/run.sh [--smoke] [--build DIR] [--results DIR] [--no-vm] [--no-host]
#
# Builds what it needs (cmake, in DIR, default build/), then:
#  * host, on the virtual device (scarlett-sim serving the Scarlett 18i20 3rd Gen dump
#    through the scarlett_sim ALSA plugin): fan-out, burst, snapshot, slow consumer, startup of
#    every fixture dump; the memory bound under as many hostile clients as allowed;
#  * VM, on the real kernel (tests/vm/run.sh, snd-dummy carrying the same dump as user
#    controls): idle, per-change syscalls, latency vs `alsactl monitor` and the pollers.
# Results: DIR/results.txt (raw RESULT lines), results.csv, summary.json, summary.txt,
# rss-*.dat; default directory bench/results/<UTC time> (git-ignored).
# --smoke: the same rows with tiny durations and counts (about 2-3 min); used by the
# ctest bench_smoke, which checks the rows, never a time.
# SCARLETTD_BENCH_DAEMON=PATH runs another scarlettd binary (a before/after comparison).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
smoke=0 build="$root/build" results="" vm=1 host=1
while [ $# -gt 0 ]; do
	case $1 in
	--smoke) smoke=1 ;;
	--build) build=$(cd "$2" 2>/dev/null && pwd || echo "$2"); shift ;;
	--results) results=$2; shift ;;
	--no-vm) vm=0 ;;
	--no-host) host=0 ;;
	-h | --help) sed -n '3,18p' "$0"; exit 0 ;;
	*) echo "bench/run.sh: unknown argument $1" >&2; exit 2 ;;
	esac
	shift
done
[ -n "$results" ] || results="$here/results/$(date -u +%Y%m%dT%H%M%SZ)$([ $smoke = 1 ] && echo -smoke)"
mkdir -p "$results"
results=$(cd "$results" && pwd)
raw="$results/results.txt"
: >"$raw"

fixtures="${SCARLETTD_SHARED_DIR:-$root/../shared}/fixtures/alsa-state"
dump="$fixtures/scarlett-gen3-18i20.state"
block=USB_1
[ -f "$dump" ] || { echo "bench/run.sh: $dump not found (set SCARLETTD_SHARED_DIR)" >&2; exit 1; }

if [ $smoke = 1 ]; then
	fan_s=0.5 fan_n="1 10 100 1000" burst_n=2000 slow_s=2 startup_runs=1 startup_all=0
	idle_s=3 per_change=20 latency_n=50 poller_n=10 mem_clients=64 mem_s=1 snapshot_n=20
else
	fan_s=3 fan_n="1 10 100 1000" burst_n=10000 slow_s=10 startup_runs=7 startup_all=1
	idle_s=60 per_change=200 latency_n=2000 poller_n=100 mem_clients=1024 mem_s=10 snapshot_n=1000
fi

# perf and gnuplot (bench/install-deps.sh); without perf the counts fall back to
# strace. The smoke run draws no figure: it uses what scripts/install-deps.sh --test
# installed (linux-perf among it).
if [ $smoke = 0 ]; then
	"$here/install-deps.sh" || echo "bench: could not install linux-perf/gnuplot-nox; continuing" >&2
fi
echo "bench: building in $build" >&2
[ -f "$build/CMakeCache.txt" ] || cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$build" -j2 --target scarlettd scarlett-sim scarlett_sim_plugin scarlett-load-state \
	scd-bench scd-poller >/dev/null
bench="$build/bench/scd-bench"
daemon_bin="${SCARLETTD_BENCH_DAEMON:-$build/daemon/scarlettd}"  # override: a before/after comparison
sim="$build/sim/server/scarlett-sim"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/scd-bench.XXXXXX")
pids=""
cleanup() {
	for p in $pids; do kill "$p" 2>/dev/null || true; done
	wait 2>/dev/null || true
	rm -rf "$tmp"
}
trap cleanup EXIT INT TERM

record() { tee -a "$raw" | sed 's/^/  /' >&2; }

if [ $host = 1 ]; then
	export SCARLETT_SIM_DIR="$tmp/sim"
	export ALSA_CONFIG_PATH="/usr/share/alsa/alsa.conf:$build/sim/plugin/scarlett-sim.conf"
	mkdir -p "$SCARLETT_SIM_DIR"
	ulimit -n 4096 2>/dev/null || true

	# One simulator per dump; wait for its "ready".
	start_sim() { # NAME FILE [BLOCK]
		if [ -n "${3:-}" ]; then
			"$sim" serve --state "$2" --block "$3" --name "$1" >"$tmp/sim-$1.out" 2>&1 &
		else
			"$sim" serve --state "$2" --name "$1" >"$tmp/sim-$1.out" 2>&1 &
		fi
		pids="$pids $!"
		sim_pid=$!
		i=0
		until grep -qs ready "$tmp/sim-$1.out" || [ $i -gt 200 ]; do sleep 0.05; i=$((i + 1)); done
	}

	echo "bench: host, virtual device ($(basename "$dump"):$block)" >&2
	start_sim gen3 "$dump" $block
	sock="$tmp/sock"
	"$daemon_bin" --card scarlett_sim:gen3 --socket-dir "$sock" -q --max-clients 2048 &
	dpid=$!
	pids="$pids $dpid"
	i=0
	while [ ! -S "$sock/control.sock" ] && [ $i -lt 200 ]; do sleep 0.05; i=$((i + 1)); done
	common="--socket-dir $sock --ctl scarlett_sim:gen3 --pid $dpid"

	for n in $fan_n; do
		"$bench" fanout $common --clients "$n" --seconds "$fan_s" --tag fanout | record
		# The floor (issue 17): lines of the size the daemon sent, written to as many
		# sockets by a program that does nothing else.
		case " 100 1000 " in *" $n "*)
			bytes=$(sed -n "s/^RESULT fanout clients=$n .*bytes_per_notification=\([0-9]*\).*/\1/p" "$raw" | tail -1)
			"$bench" floor --clients "$n" --seconds "$fan_s" --line-bytes "${bytes:-300}" | record
			# ...and at the daemon's pace, each write waking a reader as the daemon's do.
			rate=$(sed -n "s/^RESULT fanout clients=$n .* notifications_per_s=\([0-9]*\).*/\1/p" "$raw" | tail -1)
			"$bench" floor --clients "$n" --seconds "$fan_s" --line-bytes "${bytes:-300}" \
				--rate "${rate:-100000}" | record ;;
		esac
	done
	"$bench" fanout $common --clients 10 --changes "$burst_n" --rate "$burst_n" --controls 1 \
		--tag burst | record
	"$bench" snapshot --socket-dir "$sock" --pid "$dpid" --count "$snapshot_n" | record
	"$bench" fanout $common --clients 10 --seconds "$slow_s" --rate 10000 --tag slow_without \
		--rss-out "$results/rss-without.dat" | record
	"$bench" fanout $common --clients 10 --stalled 1 --seconds "$slow_s" --rate 10000 \
		--tag slow_with --rss-out "$results/rss-with.dat" | record
	kill $dpid
	wait $dpid 2>/dev/null || true

	# The memory bound (issue 11.4): the daemon with its default limits, as many
	# clients as it allows, each asking for as much as it can.
	echo "bench: host, memory with $mem_clients hostile clients" >&2
	"$daemon_bin" --card scarlett_sim:gen3 --socket-dir "$tmp/sock-memory" -q &
	dpid=$!
	pids="$pids $dpid"
	i=0
	while [ ! -S "$tmp/sock-memory/control.sock" ] && [ $i -lt 200 ]; do sleep 0.05; i=$((i + 1)); done
	"$bench" memory --socket-dir "$tmp/sock-memory" --ctl scarlett_sim:gen3 --pid $dpid \
		--clients "$mem_clients" --seconds "$mem_s" --tag memory | record
	kill $dpid
	wait $dpid 2>/dev/null || true

	# Chaos (issue 11): the ctest test_chaos, whose RESULT line has the probe's answer
	# times during the chaos against its quiet ones. Not in --smoke: CI runs it anyway.
	if [ $smoke = 0 ] && cmake --build "$build" -j2 --target test_chaos >/dev/null 2>&1; then
		echo "bench: host, chaos (about 70 s)" >&2
		"$build/tests/chaos/test_chaos" 2>/dev/null | grep '^RESULT chaos' | record || true
	fi

	echo "bench: host, startup of every dump" >&2
	for f in "$fixtures"/*.state; do
		slug=$(basename "$f" .state)
		[ $startup_all = 1 ] || case $slug in scarlett-gen3-18i20 | scarlett-gen4-18i20 | scarlett-gen3-2i2) ;; *) continue ;; esac
		start_sim "$slug" "$f"
		controls=$(sed -n 's/^control_count \(.*\)/\1/p' "$tmp/sim-$slug.out" | head -1)
		[ -n "$controls" ] || controls=$(ALSA_CONFIG_PATH=$ALSA_CONFIG_PATH amixer -D "scarlett_sim:$slug" controls | wc -l)
		"$bench" startup --tag "startup_$slug" --runs "$startup_runs" -- "$daemon_bin" \
			--card "scarlett_sim:$slug" --socket-dir "$tmp/sock-$slug" -q |
			sed "s/\$/ controls=$controls/" | record
		kill "$sim_pid"
		wait "$sim_pid" 2>/dev/null || true
	done
fi

if [ $vm = 1 ]; then
	if command -v qemu-system-x86_64 >/dev/null 2>&1; then
		echo "bench: VM, real kernel (snd-dummy + $(basename "$dump"):$block)" >&2
		(cd "$root" && SCARLETTD_VM_TIMEOUT=${SCARLETTD_VM_TIMEOUT:-1500} "$root/tests/vm/run.sh" -- \
			sh "$here/vm-guest.sh" "$build" "$dump" $block $idle_s $per_change $latency_n $poller_n "$daemon_bin") \
			2>&1 | tee "$results/vm.log" | grep '^RESULT' | record || true
	else
		echo "RESULT vm_skipped reason=no-qemu" | record
	fi
fi

# ---- CSV, JSON and the summary table ----
awk '{ tag = $2; for (i = 3; i <= NF; i++) { split($i, kv, "="); print tag "," NR "," kv[1] "," substr($i, length(kv[1]) + 2) } }' \
	"$raw" | sed '1i tag,row,key,value' >"$results/results.csv"
sh "$here/summary.sh" "$raw" "$results/summary.json" | tee "$results/summary.txt"
echo "bench: results in $results" >&2
