#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# The whole test suite from a clean clone: installs what it needs, builds, and runs
# every test (doctest units, the clients, the fuzzer, the packages, then the
# real-kernel and real-systemd tests in a qemu VM).
# BUILD_DIR overrides the build directory (default: build). With CI set (CI=true),
# a test that skips itself (a missing tool) fails the run: the gate never drops a
# test silently.
set -eu
cd "$(dirname "$0")/.."
start=$(date +%s)
./scripts/install-deps.sh --test
build=${BUILD_DIR:-build}
# Assertions in the standard library (bounds of operator[], front() of an empty
# container...) while testing, as Fedora's and Arch's package builds have them.
# Optimised as released, with minimal debug information (functions and line tables,
# enough for backtraces): full -g is 40% of a translation unit's compile time here
# (nlohmann::json's templates), and CI has a time budget.
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSCARLETTD_BUILD_TESTS=ON \
	-DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O2 -g1 -DNDEBUG" -DSCARLETTD_ASSERTIONS=ON >/dev/null
cmake --build "$build" -j"$(nproc)"
built=$(date +%s)
echo "scarlettd: installed and built in $((built - start)) s; running the tests" >&2

# Two at a time: the light tests run beside the builds of the package and fuzz tests
# (which take turns: resource "compile"). Tests that time things (the VM ones, the
# chaos test) are RUN_SERIAL and run alone; the benchmarks' smoke run checks rows,
# never a time, and runs beside the others.
log=$(mktemp "${TMPDIR:-/tmp}/scarlettd-ctest.XXXXXX")
trap 'rm -f "$log" "$log.rc"' EXIT
{
	rc=0
	ctest --test-dir "$build" --output-on-failure -j"$(nproc)" 2>&1 || rc=$?
	echo "$rc" >"$log.rc"
} | tee "$log"
status=$(cat "$log.rc")
if [ -n "${CI:-}" ] && grep -q "^The following tests did not run:" "$log"; then
	echo "scarlettd: CI is set and tests were skipped (above): every test must run in CI" >&2
	[ "$status" -ne 0 ] || status=1
fi
echo "scarlettd: tests done in $(($(date +%s) - built)) s, $(($(date +%s) - start)) s in all (status $status)" >&2
exit "$status"
