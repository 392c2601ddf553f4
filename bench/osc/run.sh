#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# The OSC latency benchmark (docs/BENCHMARKS.md, "OSC"): builds what it needs,
# installs osc.js (tests/osc/node's locked version) and runs latency.js.
#   bench/osc/run.sh [BUILD_DIR] [N]       (default: build, 2000 changes)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
build=${1:-$root/build}
[ -f "$build/CMakeCache.txt" ] || cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$build" -j"$(nproc)" --target scarlettd scarlett-sim scarlett_sim_plugin scarlett-osc >/dev/null
deps=$build/bench/osc-node
mkdir -p "$deps"
if ! cmp -s "$root/tests/osc/node/package-lock.json" "$deps/package-lock.json" || [ ! -d "$deps/node_modules" ]; then
	cp "$root/tests/osc/node/package.json" "$root/tests/osc/node/package-lock.json" "$deps/"
	(cd "$deps" && npm ci --no-audit --no-fund --loglevel=error)
fi
NODE_PATH=$deps/node_modules SCARLETTD_BUILD=$build N=${2:-2000} exec node "$here/latency.js"
