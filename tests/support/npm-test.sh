#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
set -eu
# Runs a Node test file against libraries from npm: installs the locked dependencies
# of PACKAGE_DIR into WORK_DIR (npm ci, only when the lock changed), then
# `node --test TEST_FILE` with NODE_PATH there and the NAME=VALUE pairs given.
# Usage: npm-test.sh PACKAGE_DIR WORK_DIR TEST_FILE [NAME=VALUE]...
# Exit: the tests' status, or 77 (skipped) without node/npm or when npm ci fails.
src=$1
work=$2
test_file=$3
shift 3
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
exec env "$@" NODE_PATH="$work/node_modules" node --test "$test_file"
