#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
set -eu
# Installs the locked npm dependencies into WORK_DIR (npm ci, only when the lock
# changed) and runs the Node client tests against scarlettd-testbed.
# Usage: run.sh SOURCE_DIR WORK_DIR PATH/TO/scarlettd-testbed
# Exit: the tests' status, or 77 (skipped) without node/npm or when npm ci fails.
src=$1
work=$2
testbed=$3
for tool in node npm; do
	if ! command -v "$tool" >/dev/null; then
		echo "SKIP: $tool is not installed"
		exit 77
	fi
done
mkdir -p "$work"
if ! cmp -s "$src/package-lock.json" "$work/package-lock.json" || [ ! -d "$work/node_modules" ]; then
	cp "$src/package.json" "$src/package-lock.json" "$work/"
	if ! (cd "$work" && npm ci --no-audit --no-fund --loglevel=error); then
		rm -f "$work/package-lock.json"
		echo "SKIP: npm ci failed (is the npm registry reachable?)"
		exit 77
	fi
fi
# The test file stays in the source tree; its require() finds the library through NODE_PATH.
NODE_PATH=$work/node_modules SCARLETTD_TESTBED=$testbed exec node --test "$src/scarlettd.test.js"
