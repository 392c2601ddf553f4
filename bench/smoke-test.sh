#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# ctest bench_smoke: `bench/run.sh --smoke` must produce every metric row of the
# summary (none "MISSING"). It never checks a time or a verdict: CI machines are noisy.
#   smoke-test.sh BUILD_DIR
set -eu
here=$(cd "$(dirname "$0")" && pwd)
out=$(mktemp -d "${TMPDIR:-/tmp}/scd-bench-smoke.XXXXXX")
trap 'rm -rf "$out"' EXIT
vm=""
command -v qemu-system-x86_64 >/dev/null 2>&1 || vm=--no-vm
"$here/run.sh" --smoke --build "$1" --results "$out" $vm
status=0
for id in fanout_1 fanout_10 fanout_100 fanout_floor_100 fanout_floor_paced_100 fanout_1000 fanout_floor_1000 fanout_floor_paced_1000 burst snapshot slow_consumer memory startup startup_all; do
	grep -q "\"id\":\"$id\"" "$out/summary.json" || { echo "bench_smoke: row $id absent"; status=1; }
done
if [ -z "$vm" ]; then
	for id in idle idle_alsactl-monitor idle_poll-10hz idle_poll-busy per_change_0 per_change_1 \
		per_change_10 per_change_100 latency startup_vm; do
		grep -q "\"id\":\"$id\"" "$out/summary.json" || { echo "bench_smoke: row $id absent"; status=1; }
	done
fi
if grep -q '"result":"MISSING"' "$out/summary.json"; then
	echo "bench_smoke: rows without a result:"
	grep '"result":"MISSING"' "$out/summary.json"
	status=1
fi
[ $status -eq 0 ] && echo "bench_smoke: every metric row present"
exit $status
