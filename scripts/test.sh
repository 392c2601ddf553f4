#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# The whole test suite from a clean clone: installs what it needs, builds, and runs
# every test (doctest units, then the real-kernel tests in a qemu VM).
# BUILD_DIR overrides the build directory (default: build).
set -eu
cd "$(dirname "$0")/.."
./scripts/install-deps.sh
build=${BUILD_DIR:-build}
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$build" -j"$(nproc)"
ctest --test-dir "$build" --output-on-failure
