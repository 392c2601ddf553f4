#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# One format: every C++ file of the tree as clang-format (.clang-format) writes it.
# Fails listing the files that differ; `clang-format -i FILE...` mends them.
# Exit 77 (skipped) without clang-format (Debian: clang-format).
set -eu
cd "$(dirname "$0")/.."
command -v clang-format >/dev/null 2>&1 || { echo "format: clang-format not installed; skipped"; exit 77; }
if git rev-parse --git-dir >/dev/null 2>&1; then
	files=$(git ls-files '*.cpp' '*.hpp' '*.h' '*.c')
else
	files=$(find . -path ./build -prune -o \( -name '*.cpp' -o -name '*.hpp' -o -name '*.h' -o -name '*.c' \) -print)
fi
bad=""
for f in $files; do
	[ -f "$f" ] || continue
	clang-format --style=file "$f" | cmp -s - "$f" || bad="$bad $f"
done
if [ -n "$bad" ]; then
	echo "format: these files differ from clang-format's output ($(clang-format --version)):"
	for f in $bad; do echo "  $f"; done
	echo "mend with: clang-format -i$bad"
	exit 1
fi
echo "format: $(echo "$files" | wc -w) files as clang-format writes them"
