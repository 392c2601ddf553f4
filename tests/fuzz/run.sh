#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Builds fuzz_rpc with clang (libFuzzer, ASan, UBSan) and fuzzes the control socket
# for SECONDS (default 60). Fails on any crash, leak or sanitizer report, leaving the
# input in $FUZZ_BUILD_DIR/artifacts/. Reproduce one with:
#   $FUZZ_BUILD_DIR/tests/fuzz/fuzz_rpc ARTIFACT
# FUZZ_BUILD_DIR defaults to build-fuzz in the source tree; FUZZ_SOURCE_DIR (default
# this checkout) is the tree configured with -DSCARLETTD_FUZZ=ON. New inputs go to
# $FUZZ_BUILD_DIR/corpus; the committed seeds in tests/fuzz/corpus are only read.
set -eu
seconds=${1:-60}
here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/../.." && pwd)
build=${FUZZ_BUILD_DIR:-$src/build-fuzz}

if ! command -v clang++ >/dev/null 2>&1 ||
	! ls /usr/lib/llvm-*/lib/clang/*/lib/linux/libclang_rt.fuzzer-x86_64.a >/dev/null 2>&1; then
	echo "fuzz: clang++ or libFuzzer missing (Debian: clang libclang-rt-14-dev); skipped" >&2
	exit 77
fi

cmake -S "${FUZZ_SOURCE_DIR:-$src}" -B "$build" -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE=RelWithDebInfo \
	-DSCARLETTD_FUZZ=ON >/dev/null
cmake --build "$build" --target fuzz_rpc -j"${FUZZ_JOBS:-$(nproc)}"

mkdir -p "$build/corpus" "$build/artifacts"
tmp=$(mktemp -d "$build/tmp.XXXXXX")
log="$build/fuzz.log"
trap 'rm -rf "$tmp"' EXIT INT TERM

status=0
SCARLETTD_FUZZ_TMP="$tmp" ASAN_OPTIONS="detect_leaks=1:malloc_context_size=8" \
	UBSAN_OPTIONS="print_stacktrace=1" \
	"$build/tests/fuzz/fuzz_rpc" -max_total_time="$seconds" -max_len=8192 -timeout=10 \
	-rss_limit_mb=4096 -print_final_stats=1 -dict="$here/rpc.dict" \
	-artifact_prefix="$build/artifacts/" "$build/corpus" "$here/corpus" >"$log" 2>&1 || status=$?

execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
echo "fuzz: ${execs:-0} executions in ${seconds} s (log: $log)"
if [ "$status" -ne 0 ] || grep -q -E "ERROR: (Address|Leak|UndefinedBehavior)Sanitizer|runtime error:|deadly signal" "$log"; then
	tail -n 60 "$log" >&2
	echo "fuzz: FAILED (exit status $status); inputs in $build/artifacts/" >&2
	exit 1
fi
