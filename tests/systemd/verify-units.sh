#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# systemd-analyze verify on the configured units (user and system). It exits 0 on
# unknown keys and values and only warns, so any output at all is a failure.
# Usage: verify-units.sh UNITS_DIR MAN_PAGE_DIR
set -eu
units=$1
man_src=$2
command -v systemd-analyze >/dev/null 2>&1 || { echo "no systemd-analyze: skipped"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# Documentation=man:scarlettd(8), man:scarlett-osc(1) are checked with man(1): show
# it the pages.
mkdir -p "$tmp/runtime"
for page in "$man_src"/*.[1-8]; do
	mkdir -p "$tmp/man/man${page##*.}"
	ln -s "$page" "$tmp/man/man${page##*.}/"
done
export MANPATH="$tmp/man" XDG_RUNTIME_DIR="$tmp/runtime"
status=0
for mode in user system; do
	flag=""
	[ $mode = user ] && flag="--user"
	if ! out=$(systemd-analyze $flag verify "$units/$mode"/* 2>&1) || [ -n "$out" ]; then
		echo "systemd-analyze $flag verify ($mode units):"
		echo "$out"
		status=1
	fi
done
[ $status -eq 0 ] && echo "units: ok"
exit $status
