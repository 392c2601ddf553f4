#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# ctest package_deb: builds the .deb of the checkout's HEAD with packaging/build-deb.sh
# into OUTDIR, checks its contents, control data and maintainer scripts, and runs
# lintian (Debian 12's), which must report no error and no warning that is not
# overridden (packaging/debian/scarlettd.lintian-overrides).
#   deb-test.sh SOURCE_DIR OUTDIR
# Exit 77 (skipped) when SOURCE_DIR is not a git checkout or the tools are missing.
set -eu
[ $# -eq 2 ] || { echo "usage: deb-test.sh SOURCE_DIR OUTDIR" >&2; exit 2; }
src=$1
out=$2
skip() { echo "package_deb: SKIPPED: $*"; exit 77; }
git -C "$src" rev-parse --verify -q HEAD >/dev/null 2>&1 || skip "$src is not a git checkout"
for tool in dpkg-buildpackage dh lintian; do
	command -v $tool >/dev/null 2>&1 || skip "$tool not installed (scripts/install-deps.sh --test)"
done

rm -rf "$out"
start=$(date +%s)
# One job per core (CI has two); dpkg-buildflags' -O2, as every Debian package, with
# minimal debug information (-g1 after its -g): what is tested is the packaging, and
# full -g is 40% of the compile time. SCARLETTD_PACKAGE_NOOPT=1 (the ctest sets it):
# Debian's noopt build option, -O0, a third less compile time again (CI's own build
# is the optimised one); lintian reports the fortify functions it loses as info.
options="parallel=$(nproc)"
[ "${SCARLETTD_PACKAGE_NOOPT:-0}" = 1 ] && options="noopt $options"
DEB_CXXFLAGS_APPEND=-g1 DEB_BUILD_OPTIONS="$options" "$src/packaging/build-deb.sh" "$out" HEAD
echo "package_deb: built in $(($(date +%s) - start)) s"
version=$(dpkg-parsechangelog -l "$src/packaging/debian/changelog" -S Version)
deb="$out/scarlettd_${version}_$(dpkg --print-architecture).deb"

failures=0
ok() { echo "ok - $*"; }
bad() { echo "FAIL - $*"; failures=$((failures + 1)); }
[ -f "$deb" ] && ok "$(basename "$deb")" || { bad "no $deb"; exit 1; }

contents=$(dpkg-deb -c "$deb")
echo "$contents"
has() { # path [link target]
	if echo "$contents" | awk '{ print (NF >= 8 ? $6 " -> " $8 : $6) }' | grep -qxF ".$1${2:+ -> $2}"; then ok "contains $1${2:+ -> $2}"; else bad "missing $1${2:+ -> $2}"; fi
}
multiarch=$(dpkg-architecture -qDEB_HOST_MULTIARCH)
for f in /usr/bin/scarlettd /usr/bin/scarlettctl /usr/bin/scarlett-sim /usr/bin/scarlett-osc \
	"/usr/lib/$multiarch/alsa-lib/libasound_module_ctl_scarlett_sim.so" \
	/usr/share/alsa/alsa.conf.d/50-scarlett-sim.conf \
	/usr/share/man/man1/scarlettctl.1.gz /usr/share/man/man1/scarlett-sim.1.gz /usr/share/man/man8/scarlettd.8.gz \
	/usr/share/man/man1/scarlett-osc.1.gz \
	/usr/share/bash-completion/completions/scarlettctl /usr/share/bash-completion/completions/scarlett-sim \
	/usr/share/bash-completion/completions/scarlett-osc \
	/usr/lib/systemd/user/scarlettd.service /usr/lib/systemd/user/scarlettd.socket \
	/usr/lib/systemd/user/scarlettd-events.socket /usr/lib/systemd/user/scarlettd-device.target \
	/usr/lib/systemd/user/scarlett-osc.service \
	/lib/systemd/system/scarlettd-system.service /lib/systemd/system/scarlettd-system.socket \
	/lib/systemd/system/scarlettd-system-events.socket /lib/systemd/system/scarlettd-device.target \
	/usr/lib/udev/rules.d/70-scarlettd.rules \
	/usr/share/doc/scarlettd/README.md.gz /usr/share/doc/scarlettd/copyright; do
	has "$f"
done
has /etc/alsa/conf.d/50-scarlett-sim.conf /usr/share/alsa/alsa.conf.d/50-scarlett-sim.conf

depends=$(dpkg-deb -f "$deb" Depends)
for d in libasound2 libsystemd0 liblo7 init-system-helpers; do
	case "$depends" in *"$d"*) ok "Depends: $d" ;; *) bad "Depends lacks $d: $depends" ;; esac
done

# Maintainer scripts: user units enabled globally, the system units not enabled.
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
dpkg-deb -e "$deb" "$tmp/control"
postinst="$tmp/control/postinst"
grep -q "deb-systemd-helper --user enable 'scarlettd.service'" "$postinst" &&
	ok "postinst enables the user service" || bad "postinst does not enable scarlettd.service"
if grep -q "deb-systemd-helper enable 'scarlettd-system" "$postinst" &&
	! grep -q "if deb-systemd-helper --quiet was-enabled 'scarlettd-system" "$postinst"; then
	bad "postinst enables the system units on install"
else
	ok "postinst leaves the system units disabled (re-enables only what was enabled)"
fi
grep -q "deb-systemd-helper debian-installed 'scarlettd-system.service'" "$postinst" &&
	ok "postinst: system service handled by dh_installsystemd --no-enable" ||
	bad "postinst: no dh_installsystemd --no-enable block for scarlettd-system.service"
# scarlett-osc.service: only dh_installsystemduser --no-enable's block, which enables
# it again only where it was enabled before (debian-installed, was-enabled).
if grep -q "deb-systemd-helper --user debian-installed 'scarlett-osc.service'" "$postinst" &&
	[ "$(grep -c "deb-systemd-helper --user enable 'scarlett-osc.service'" "$postinst")" -eq 1 ]; then
	ok "postinst leaves scarlett-osc.service disabled (dh_installsystemduser --no-enable)"
else
	bad "postinst enables scarlett-osc.service, or has no block for it"
fi
if grep -Eq 'useradd|adduser' "$tmp/control/"*; then bad "maintainer scripts create users"; else ok "no users created (DynamicUser=)"; fi

# The installed files point at installed paths.
dpkg-deb -x "$deb" "$tmp/root"
grep -q '^ExecStart=/usr/bin/scarlettd$' "$tmp/root/usr/lib/systemd/user/scarlettd.service" &&
	ok "user unit: ExecStart=/usr/bin/scarlettd" || bad "user unit ExecStart="
grep -q '^ExecStart=/usr/bin/scarlett-osc$' "$tmp/root/usr/lib/systemd/user/scarlett-osc.service" &&
	ok "scarlett-osc unit: ExecStart=/usr/bin/scarlett-osc" || bad "scarlett-osc unit ExecStart="
grep -q "lib \"/usr/lib/$multiarch/alsa-lib/libasound_module_ctl_scarlett_sim.so\"" \
	"$tmp/root/usr/share/alsa/alsa.conf.d/50-scarlett-sim.conf" &&
	ok "plugin conf names the multiarch module" || bad "plugin conf does not name /usr/lib/$multiarch/alsa-lib"
"$tmp/root/usr/bin/scarlettd" --list-models | grep -q scarlett-gen3-18i20 &&
	ok "scarlettd --list-models runs" || bad "scarlettd --list-models"
"$tmp/root/usr/bin/scarlett-osc" --version | grep -q '^scarlett-osc ' &&
	ok "scarlett-osc --version runs" || bad "scarlett-osc --version"

echo "== lintian"
# lintian warns when run as root, which CI is; its verdict does not depend on it.
status=0
lintian --fail-on error,warning --info "$out"/scarlettd_*.changes >"$tmp/lintian" 2>&1 || status=$?
grep -v 'running with root privileges' "$tmp/lintian" || echo "(lintian: no output)"
[ $status -eq 0 ] && ok "lintian: no errors, no warnings" || bad "lintian reported errors or warnings (exit $status)"

if [ $failures -eq 0 ]; then echo "package_deb: every check passed"; else echo "package_deb: $failures checks failed"; fi
[ $failures -eq 0 ]
