#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Installs what scarlettd needs, builds it, and runs it in the foreground on every
# Focusrite card it finds (now or plugged in later). Extra arguments go to scarlettd.
set -eu
cd "$(dirname "$0")/.."
./scripts/install-deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j"$(nproc)"
echo "scarlettd: built. Starting it; try './build/cli/scarlettctl devices' in another terminal." >&2
exec ./build/daemon/scarlettd -v "$@"
