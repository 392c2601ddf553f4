#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Builds fuzz_rpc with clang (libFuzzer, ASan, UBSan) and fuzzes the control socket.
#
#   run.sh [RUNS]              the gate (ctest fuzz_smoke): replays every committed
#                              input (corpus/ and regressions/), then RUNS executions
#                              (default 8000) from a fixed seed (FUZZ_SEED, default
#                              1), so the same tree always runs the same inputs
#   run.sh --explore SECONDS   a random seed for SECONDS (default 600): for finding
#                              new faults, never in CI
#
# Fails on any crash, leak, sanitizer report or harness oracle, leaving the input in
# $FUZZ_BUILD_DIR/artifacts/. Reproduce one with:
#   $FUZZ_BUILD_DIR/tests/fuzz/fuzz_rpc ARTIFACT
# and, once fixed, commit it to tests/fuzz/regressions/ so the gate replays it.
# FUZZ_BUILD_DIR defaults to build-fuzz in the source tree; FUZZ_SOURCE_DIR (default
# this checkout) is the tree configured with -DSCARLETTD_FUZZ=ON. Explored inputs
# accumulate in $FUZZ_BUILD_DIR/corpus; the gate's new inputs go to a temporary
# directory, so that one run does not change what the next one executes.
set -eu
mode=gate
if [ "${1:-}" = --explore ]; then
	mode=explore
	shift
	amount=${1:-600}
else
	amount=${1:-8000}
fi
here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/../.." && pwd)
build=${FUZZ_BUILD_DIR:-$src/build-fuzz}

if ! command -v clang++ >/dev/null 2>&1 ||
	! ls /usr/lib/llvm-*/lib/clang/*/lib/linux/libclang_rt.fuzzer-x86_64.a >/dev/null 2>&1; then
	echo "fuzz: clang++ or libFuzzer missing (Debian: clang libclang-rt-14-dev); skipped" >&2
	exit 77
fi

# Line tables only: sanitizer reports still name file and line, at a fraction of full
# debug information's compile time. A unity build (eight sources to a compile): half
# the compile time again; reports still name each source's own file and line.
cmake -S "${FUZZ_SOURCE_DIR:-$src}" -B "$build" -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE=RelWithDebInfo \
	-DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O2 -gline-tables-only -DNDEBUG" -DSCARLETTD_FUZZ=ON -DCMAKE_UNITY_BUILD=ON >/dev/null
cmake --build "$build" --target fuzz_rpc -j"${FUZZ_JOBS:-$(nproc)}"

mkdir -p "$build/corpus" "$build/artifacts"
tmp=$(mktemp -d "$build/tmp.XXXXXX")
log="$build/fuzz.log"
trap 'rm -rf "$tmp"' EXIT INT TERM
mkdir "$tmp/sock" "$tmp/new"

Fuzz() { # libFuzzer arguments...
	SCARLETTD_FUZZ_TMP="$tmp/sock" ASAN_OPTIONS="detect_leaks=1:malloc_context_size=8" \
		UBSAN_OPTIONS="print_stacktrace=1" \
		"$build/tests/fuzz/fuzz_rpc" -max_len=8192 -timeout=10 -rss_limit_mb=4096 \
		-artifact_prefix="$build/artifacts/" "$@" >>"$log" 2>&1
}
Check() { # status what
	if [ "$1" -ne 0 ] || grep -q -E "ERROR: (Address|Leak|UndefinedBehavior)Sanitizer|runtime error:|deadly signal|^fuzz_rpc: " "$log"; then
		tail -n 60 "$log" >&2
		echo "fuzz: FAILED in the $2 (exit status $1); inputs in $build/artifacts/" >&2
		exit 1
	fi
}
: >"$log"
status=0

if [ "$mode" = explore ]; then
	Fuzz -max_total_time="$amount" -print_final_stats=1 -dict="$here/rpc.dict" \
		"$build/corpus" "$here/corpus" "$here/regressions" || status=$?
	seed=$(sed -n 's/.*Seed: \([0-9]*\).*/\1/p' "$log" | head -n 1)
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
	echo "fuzz: ${execs:-0} executions in $amount s from seed ${seed:-?} (log: $log)"
	Check "$status" "exploration (seed ${seed:-?})"
	exit 0
fi

# Every committed input, each once: the regressions must stay fixed.
inputs=$(find "$here/corpus" "$here/regressions" -type f ! -name '*.md' | sort)
count=$(echo "$inputs" | wc -l)
# shellcheck disable=SC2086 # one argument per file; the names have no spaces
Fuzz $inputs || status=$?
Check "$status" "replay of the $count committed inputs"
echo "fuzz: replayed $count committed inputs"

seed=${FUZZ_SEED:-1}
Fuzz -seed="$seed" -runs="$amount" -print_final_stats=1 -dict="$here/rpc.dict" \
	"$tmp/new" "$here/corpus" "$here/regressions" || status=$?
Check "$status" "session of $amount runs from seed $seed"
echo "fuzz: $amount executions from seed $seed passed (log: $log)"
