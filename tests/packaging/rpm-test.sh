#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# ctest package_rpm: builds the RPM of the checkout's HEAD with packaging/build-rpm.sh
# (Debian's rpmbuild, --nodeps) into OUTDIR and checks its file list, scriptlets and
# dependencies.
#   rpm-test.sh SOURCE_DIR OUTDIR
# Exit 77 (skipped) when SOURCE_DIR is not a git checkout or rpmbuild is missing.
set -eu
[ $# -eq 2 ] || { echo "usage: rpm-test.sh SOURCE_DIR OUTDIR" >&2; exit 2; }
src=$1
out=$2
skip() { echo "package_rpm: SKIPPED: $*"; exit 77; }
git -C "$src" rev-parse --verify -q HEAD >/dev/null 2>&1 || skip "$src is not a git checkout"
command -v rpmbuild >/dev/null 2>&1 || skip "rpmbuild not installed (scripts/install-deps.sh --test)"

rm -rf "$out"
start=$(date +%s)
# Minimal debug information (-g1 after %optflags' -g): what is tested is the
# packaging, and full -g is 40% of the compile time. SCARLETTD_PACKAGE_NOOPT=1 (the
# ctest sets it): -O0 and no fortify (it needs optimising), a third less again.
optflags="$(rpm --eval '%optflags') -g1"
[ "${SCARLETTD_PACKAGE_NOOPT:-0}" = 1 ] && optflags="-O0 -g1 -pipe -Wall -fexceptions"
"$src/packaging/build-rpm.sh" "$out" HEAD --define "optflags $optflags"
echo "package_rpm: built in $(($(date +%s) - start)) s"

failures=0
ok() { echo "ok - $*"; }
bad() { echo "FAIL - $*"; failures=$((failures + 1)); }
rpm=$(ls "$out"/scarlettd-[0-9]*.x86_64.rpm 2>/dev/null | head -1)
[ -n "$rpm" ] && ok "$(basename "$rpm")" || { bad "no binary rpm in $out"; exit 1; }

files=$(rpm -qlp "$rpm")
echo "$files"
# Man pages compressed or not (Fedora's brp-compress runs, Debian's rpm does not);
# %doc in /usr/share/doc/scarlettd (Fedora) or scarlettd-VERSION (rpm's default).
for f in /usr/bin/scarlettd /usr/bin/scarlettctl /usr/bin/scarlett-sim /usr/bin/scarlett-osc \
	/usr/lib64/alsa-lib/libasound_module_ctl_scarlett_sim.so \
	/usr/share/alsa/alsa.conf.d/50-scarlett-sim.conf /etc/alsa/conf.d/50-scarlett-sim.conf \
	'/usr/share/man/man1/scarlettctl.1(.gz)?' '/usr/share/man/man1/scarlett-sim.1(.gz)?' \
	'/usr/share/man/man8/scarlettd.8(.gz)?' '/usr/share/man/man1/scarlett-osc.1(.gz)?' \
	/usr/share/bash-completion/completions/scarlettctl /usr/share/bash-completion/completions/scarlett-sim \
	/usr/share/bash-completion/completions/scarlett-osc \
	/usr/lib/systemd/user/scarlettd.service /usr/lib/systemd/user/scarlettd.socket \
	/usr/lib/systemd/user/scarlettd-events.socket /usr/lib/systemd/user/scarlettd-device.target \
	/usr/lib/systemd/user/scarlett-osc.service \
	/usr/lib/systemd/system/scarlettd-system.service /usr/lib/systemd/system/scarlettd-system.socket \
	/usr/lib/systemd/system/scarlettd-system-events.socket /usr/lib/systemd/system/scarlettd-device.target \
	/usr/lib/udev/rules.d/70-scarlettd.rules '/usr/share/doc/scarlettd(-[0-9.]+)?/README.md'; do
	if echo "$files" | grep -qxE "$f"; then ok "contains $f"; else bad "missing $f"; fi
done
# The link, and the installed files' paths.
link=$(rpm -qp --qf '[%{FILENAMES} %{FILELINKTOS}\n]' "$rpm" | grep '^/etc/alsa/conf.d/50-scarlett-sim.conf ')
[ "$link" = "/etc/alsa/conf.d/50-scarlett-sim.conf /usr/share/alsa/alsa.conf.d/50-scarlett-sim.conf" ] &&
	ok "/etc/alsa/conf.d link to /usr/share/alsa/alsa.conf.d" || bad "the /etc/alsa/conf.d link: '$link'"

requires=$(rpm -qp --requires "$rpm")
for r in 'libasound.so.2()(64bit)' 'libsystemd.so.0()(64bit)' 'liblo.so.7()(64bit)' systemd; do
	if echo "$requires" | grep -q "^$r"; then ok "Requires: $r"; else bad "Requires lacks $r"; fi
done
scripts=$(rpm -qp --scripts "$rpm")
for s in 'systemctl --no-reload preset scarlettd-system.service' 'systemctl --no-reload preset --global scarlettd.service' \
	'systemctl --no-reload disable --now scarlettd-system.service' 'systemctl try-restart scarlettd-system.service' \
	'disable --global scarlettd.service scarlettd.socket scarlettd-events.socket scarlett-osc.service' \
	'udevadm control --reload'; do
	if echo "$scripts" | grep -qF "$s"; then ok "scriptlet: $s"; else bad "no scriptlet '$s'"; fi
done
if echo "$scripts" | grep -Eq 'useradd|adduser'; then bad "scriptlets create users"; else ok "no users created (DynamicUser=)"; fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && rpm2cpio "$rpm" | cpio -idm --quiet)
grep -q '^ExecStart=/usr/bin/scarlettd --system$' "$tmp/usr/lib/systemd/system/scarlettd-system.service" &&
	ok "system unit: ExecStart=/usr/bin/scarlettd --system" || bad "system unit ExecStart="
grep -q '^ExecStart=/usr/bin/scarlett-osc$' "$tmp/usr/lib/systemd/user/scarlett-osc.service" &&
	ok "scarlett-osc unit: ExecStart=/usr/bin/scarlett-osc" || bad "scarlett-osc unit ExecStart="
grep -q 'lib "/usr/lib64/alsa-lib/libasound_module_ctl_scarlett_sim.so"' "$tmp/usr/share/alsa/alsa.conf.d/50-scarlett-sim.conf" &&
	ok "plugin conf names /usr/lib64/alsa-lib" || bad "plugin conf does not name /usr/lib64/alsa-lib"
"$tmp/usr/bin/scarlettd" --list-models | grep -q scarlett-gen3-18i20 && ok "scarlettd --list-models runs" ||
	bad "scarlettd --list-models"
"$tmp/usr/bin/scarlett-osc" --version | grep -q '^scarlett-osc ' && ok "scarlett-osc --version runs" ||
	bad "scarlett-osc --version"

if [ $failures -eq 0 ]; then echo "package_rpm: every check passed"; else echo "package_rpm: $failures checks failed"; fi
[ $failures -eq 0 ]
