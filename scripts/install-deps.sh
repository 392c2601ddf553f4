#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Installs the Debian 12 packages scarlettd needs. Idempotent: packages already
# present are left alone, and apt is not called at all when nothing is missing.
#
#   install-deps.sh          to build and run it (scripts/run.sh): compiler, CMake,
#                            the libraries, and alsa-utils to try the virtual device
#   install-deps.sh --test   also everything the test suite needs (scripts/test.sh)
#
# Every package a test uses is here: CI starts from a fresh Debian 12, where only
# these scripts install anything.
set -eu

BUILD="build-essential cmake pkg-config libasound2-dev libsystemd-dev nlohmann-json3-dev liblo-dev alsa-utils"
# The test suite, by what needs it:
#   units: doctest-dev; the completion and man page checks: groff-base man-db;
#     the format check: clang-format
#   clients, stress, simulate: socat jq strace, and Node with npm (below)
#   OSC tests: liblo-tools (oscsend, oscdump), and npm's osc package
#   fuzz: clang libclang-rt-14-dev (libFuzzer, ASan, UBSan)
#   VM (tests/vm): qemu-system-x86 busybox-static cpio kmod udev util-linux; the VM's
#     root is this machine's, so systemd-logind and the user manager of vm_systemd
#     need dbus (logind's bus), dbus-user-session and libpam-systemd (the user's bus
#     and session), passwd (useradd) and procps; linux-perf counts syscalls in
#     bench_smoke's guest
#   systemd-units: systemd (systemd-analyze verify)
#   packages: debhelper (dpkg-buildpackage, dh), lintian, rpm (rpmbuild),
#     rpm2cpio, git (git archive of HEAD)
TEST="doctest-dev groff-base man-db clang-format socat jq strace liblo-tools clang libclang-rt-14-dev
qemu-system-x86 busybox-static cpio kmod udev util-linux systemd dbus dbus-user-session libpam-systemd
passwd procps linux-perf debhelper lintian rpm rpm2cpio git ca-certificates"

pkgs=$BUILD
case "${1:-}" in
--test) pkgs="$BUILD $TEST" ;;
"") ;;
*) echo "usage: install-deps.sh [--test]" >&2; exit 2 ;;
esac

missing=""
for p in $pkgs; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
# The Node client test needs node and npm; the machines ship a newer Node than
# Debian's, so Debian's is only a fallback.
if [ "${1:-}" = --test ] && ! command -v npm >/dev/null 2>&1; then missing="$missing nodejs npm"; fi
[ -n "$missing" ] || exit 0

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
	command -v sudo >/dev/null 2>&1 || {
		echo "scarlettd: these packages are missing:$missing; install them as root (apt-get install$missing)" >&2
		exit 1
	}
	SUDO=sudo
fi
count=$(echo "$missing" | wc -w)
echo "scarlettd: installing $count Debian packages:$missing" >&2
start=$(date +%s)
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
echo "scarlettd: installed in $(($(date +%s) - start)) s" >&2
