#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# ctest vm_systemd: boots the VM with systemd 252 as PID 1 (systemd/stage2.sh) and
# runs systemd/check.sh there: the installed user units of scarlettd for real.
#   systemd-test.sh BUILD_DIR [DEB]
# With DEB, a .deb or a directory holding scarlettd_*.deb (ctest passes package_deb's),
# the guest installs that package with dpkg -i, and its maintainer scripts enable the
# user units; without it, or when it was not built (package_deb skipped), the build
# tree's units are installed by hand.
# Exit 77 (skipped) only when qemu is not installed.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
[ $# -ge 1 ] && [ $# -le 2 ] || { echo "usage: systemd-test.sh BUILD_DIR [DEB]" >&2; exit 2; }
if ! command -v qemu-system-x86_64 >/dev/null 2>&1; then
	echo "vm_systemd: SKIPPED: qemu-system-x86_64 not installed (scripts/install-deps.sh --test)"
	exit 77
fi
[ -x "$1/daemon/scarlettd" ] || { echo "vm_systemd: $1/daemon/scarlettd is missing: build first" >&2; exit 1; }
deb=""
if [ $# -eq 2 ]; then
	candidate=$2
	if [ -d "$candidate" ]; then
		candidate=$(ls "$candidate"/scarlettd_*.deb 2>/dev/null | head -1)
	fi
	if [ -n "$candidate" ] && [ -f "$candidate" ]; then
		deb=$(cd "$(dirname "$candidate")" && pwd)/$(basename "$candidate")
		echo "vm_systemd: installing $deb in the guest"
	else
		echo "vm_systemd: $2 not built (package_deb skipped?): testing the build tree's units instead"
	fi
fi
start=$(date +%s)
status=0
SCARLETTD_VM_DEB="$deb" SCARLETTD_VM_STAGE2="$here/systemd/stage2.sh" SCARLETTD_VM_BUILD=$(cd "$1" && pwd) \
	"$here/run.sh" --timeout "${SCARLETTD_VM_TIMEOUT:-600}" -- "$here/systemd/check.sh" || status=$?
echo "vm_systemd: total wall time $(($(date +%s) - start)) s, status $status"
exit "$status"
