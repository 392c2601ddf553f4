#!/bin/sh
# Installs every Debian 12 package the build, the daemon and the test suite need.
# Idempotent: packages already present are left alone. systemd brings
# systemd-analyze, which the systemd-units test runs on our unit files.
# The package tests (ctest -L package, packaging/): debhelper (dh, dpkg-buildpackage
# with its cmake build system) builds the .deb, lintian checks it; rpm brings rpmbuild
# for the .rpm, rpm2cpio to look inside it; git archive makes every source tarball.
set -eu
PKGS="build-essential cmake pkg-config libasound2-dev libsystemd-dev nlohmann-json3-dev doctest-dev
alsa-utils strace qemu-system-x86 busybox-static cpio kmod udev util-linux
socat jq clang libclang-rt-14-dev groff-base man-db
systemd
debhelper lintian rpm rpm2cpio git"
missing=""
for p in $PKGS; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
# The Node client test needs node and npm; the machines ship a newer Node than
# Debian's, so Debian's is only a fallback.
command -v npm >/dev/null 2>&1 || missing="$missing nodejs npm"
if [ -n "$missing" ]; then
	SUDO=""
	[ "$(id -u)" -eq 0 ] || SUDO=sudo
	echo "scarlettd: installing$missing" >&2
	$SUDO apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi
