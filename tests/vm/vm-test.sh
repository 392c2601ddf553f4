#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# ctest vm_kernel: boots the VM once (prepare.sh + run.sh) and runs test_kernel in it.
#   vm-test.sh TEST_KERNEL [BINARY...]   (the binaries must exist; they run in the VM)
# Exit 77 (skipped) only when qemu is not installed; everything else fails loudly.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
[ $# -ge 1 ] || { echo "usage: vm-test.sh TEST_KERNEL [BINARY...]" >&2; exit 2; }
if ! command -v qemu-system-x86_64 >/dev/null 2>&1; then
	echo "vm_kernel: SKIPPED: qemu-system-x86_64 not installed (scripts/install-deps.sh --test)"
	exit 77
fi
for binary in "$@"; do
	[ -x "$binary" ] || { echo "vm_kernel: $binary is missing: build first (cmake --build)" >&2; exit 1; }
done
start=$(date +%s)
status=0
"$here/run.sh" --timeout "${SCARLETTD_VM_TIMEOUT:-840}" -- "$1" --no-colors=true ||
	status=$?
echo "vm_kernel: total wall time $(($(date +%s) - start)) s (prepare + boot + tests), status $status"
exit "$status"
