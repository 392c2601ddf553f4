#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Exercises packaging/arch/PKGBUILD without makepkg (this is Debian): sources it in
# bash, checks its metadata, unpacks a git archive of REF (default HEAD) into
# $srcdir as makepkg would, runs prepare/build/check/package (those defined) each in
# $srcdir with errexit, like makepkg, and checks that $pkgdir holds the package.
#   packaging/test-pkgbuild.sh [REF]
# SCARLETTD_PKGBUILD_NOCHECK=1 skips check() (makepkg --nocheck).
# SCARLETTD_PKGBUILD_KEEP=1 keeps the temporary directory.
set -euo pipefail

ref=${1:-HEAD}
src=$(cd "$(dirname "$0")/.." && pwd)
git -C "$src" rev-parse --git-dir >/dev/null 2>&1 ||
	{ echo "test-pkgbuild: SKIPPED: $src is not a git checkout"; exit 77; }
git -C "$src" rev-parse --verify -q "$ref^{commit}" >/dev/null ||
	{ echo "test-pkgbuild: $ref is not a commit of $src" >&2; exit 2; }

tmp=$(mktemp -d "${TMPDIR:-/tmp}/scarlettd-pkgbuild.XXXXXX")
[ "${SCARLETTD_PKGBUILD_KEEP:-0}" = 1 ] && echo "test-pkgbuild: keeping $tmp" || trap 'rm -rf "$tmp"' EXIT
startdir="$tmp/start" srcdir="$tmp/src" pkgdir="$tmp/pkg"
mkdir -p "$startdir" "$srcdir" "$pkgdir"
git -C "$src" archive --format=tar "$ref" packaging/arch/PKGBUILD CMakeLists.txt | tar -x -C "$tmp"
cp "$tmp/packaging/arch/PKGBUILD" "$startdir/"

failures=0
fail() { echo "FAIL - $*"; failures=$((failures + 1)); }
ok() { echo "ok - $*"; }

# The PKGBUILD's variables, as makepkg sees them (sourced in a subshell: its
# functions and variables must not leak into this script's).
meta=$( (
	set -e
	unset -f fail ok
	# shellcheck disable=SC1091
	source "$startdir/PKGBUILD"
	printf 'pkgname=%s\npkgver=%s\npkgrel=%s\narch=%s\nsource=%s\n' \
		"$pkgname" "$pkgver" "$pkgrel" "${arch[*]}" "${source[*]}"
	printf 'functions=%s\n' "$(declare -F | awk '{print $3}' | tr '\n' ' ')"
	[ "${#sha256sums[@]}" -eq "${#source[@]}" ] && echo "sums=ok"
))
echo "$meta"
get() { sed -n "s/^$1=//p" <<<"$meta"; }
pkgname=$(get pkgname)
pkgver=$(get pkgver)
cmake_version=$(sed -n 's/^project(scarlettd VERSION \([0-9.]*\).*/\1/p' "$tmp/CMakeLists.txt")
[ "$pkgname" = scarlettd ] && ok "pkgname scarlettd" || fail "pkgname is '$pkgname'"
[ "$pkgver" = "$cmake_version" ] && ok "pkgver $pkgver is the project's version" ||
	fail "pkgver $pkgver, CMakeLists.txt $cmake_version"
[[ "$(get pkgrel)" =~ ^[0-9]+$ ]] && ok "pkgrel" || fail "pkgrel '$(get pkgrel)'"
[[ " $(get arch) " == *" x86_64 "* ]] && ok "arch x86_64" || fail "arch '$(get arch)'"
[ "$(get sums)" = ok ] && ok "one checksum per source" || fail "sha256sums and source differ in length"
[ "$(get source)" = "$pkgname-$pkgver.tar.gz" ] && ok "source is the git archive tarball" ||
	fail "source '$(get source)'"
functions=$(get functions)
for f in build package; do
	[[ " $functions " == *" $f "* ]] && ok "defines $f()" || fail "no $f()"
done
[ $failures -eq 0 ] || { echo "test-pkgbuild: $failures failures in the metadata"; exit 1; }

# makepkg: the source next to the PKGBUILD, extracted into $srcdir.
git -C "$src" archive --format=tar.gz --prefix="$pkgname-$pkgver/" -o "$startdir/$pkgname-$pkgver.tar.gz" "$ref"
tar -xzf "$startdir/$pkgname-$pkgver.tar.gz" -C "$srcdir"

# makepkg.conf's build environment (Arch's defaults, less -march, which this
# machine's compiler need not know), and one job per core as MAKEFLAGS.
export CFLAGS="-O2 -pipe -fno-plt -fexceptions -Wp,-D_FORTIFY_SOURCE=2 -Wformat -Werror=format-security -fstack-clash-protection -fcf-protection"
# SCARLETTD_PACKAGE_NOOPT=1 (the ctest sets it): -O0, without the fortify that needs
# optimising; what is tested is the packaging, in a third less compile time.
[ "${SCARLETTD_PACKAGE_NOOPT:-0}" = 1 ] && CFLAGS="-O0 -pipe -fno-plt -fexceptions -Wformat -Werror=format-security"
export CXXFLAGS="$CFLAGS -Wp,-D_GLIBCXX_ASSERTIONS"
export LDFLAGS="-Wl,-O1,--sort-common,--as-needed,-z,relro,-z,now"
export MAKEFLAGS="${MAKEFLAGS:--j$(nproc)}"
export CMAKE_BUILD_PARALLEL_LEVEL="${CMAKE_BUILD_PARALLEL_LEVEL:-$(nproc)}"
export startdir srcdir pkgdir

run_step() { # name: runs the PKGBUILD's function NAME as makepkg would
	echo "== $1()"
	local start=$SECONDS
	if (
		set -e
		# shellcheck disable=SC1091
		source "$startdir/PKGBUILD"
		cd "$srcdir"
		"$1"
	); then
		ok "$1() ($((SECONDS - start)) s)"
	else
		fail "$1()"
		exit 1
	fi
}
for step in prepare build check package; do
	[[ " $functions " == *" $step "* ]] || continue
	if [ $step = check ] && [ "${SCARLETTD_PKGBUILD_NOCHECK:-0}" = 1 ]; then
		echo "== check() skipped (SCARLETTD_PKGBUILD_NOCHECK=1)"
		continue
	fi
	run_step $step
done

# The package tree.
expect_file() { [ -f "$pkgdir/$1" ] && ok "/$1" || fail "missing /$1"; }
expect_exec() { [ -f "$pkgdir/$1" ] && [ -x "$pkgdir/$1" ] && ok "/$1 (executable)" || fail "missing or not executable /$1"; }
for exe in usr/bin/scarlettd usr/bin/scarlettctl usr/bin/scarlett-sim usr/bin/scarlett-osc; do expect_exec "$exe"; done
for f in usr/lib/alsa-lib/libasound_module_ctl_scarlett_sim.so \
	usr/share/alsa/alsa.conf.d/50-scarlett-sim.conf \
	usr/share/man/man1/scarlettctl.1 usr/share/man/man1/scarlett-sim.1 usr/share/man/man8/scarlettd.8 \
	usr/share/man/man1/scarlett-osc.1 \
	usr/share/bash-completion/completions/scarlettctl usr/share/bash-completion/completions/scarlett-osc \
	usr/lib/systemd/user/scarlettd.service usr/lib/systemd/user/scarlettd.socket \
	usr/lib/systemd/user/scarlettd-events.socket usr/lib/systemd/user/scarlettd-device.target \
	usr/lib/systemd/user/scarlett-osc.service \
	usr/lib/systemd/system/scarlettd-system.service usr/lib/systemd/system/scarlettd-system.socket \
	usr/lib/systemd/system/scarlettd-system-events.socket usr/lib/systemd/system/scarlettd-device.target \
	usr/lib/udev/rules.d/70-scarlettd.rules \
	usr/share/doc/scarlettd/README.md usr/share/doc/scarlettd/PROTOCOL.md; do
	expect_file "$f"
done
link="$pkgdir/etc/alsa/conf.d/50-scarlett-sim.conf"
[ -L "$link" ] && [ "$(readlink "$link")" = /usr/share/alsa/alsa.conf.d/50-scarlett-sim.conf ] &&
	ok "/etc/alsa/conf.d/50-scarlett-sim.conf -> /usr/share/alsa/alsa.conf.d/50-scarlett-sim.conf" ||
	fail "/etc/alsa/conf.d/50-scarlett-sim.conf is not the link to /usr/share/alsa/alsa.conf.d"
# Arch paths only: nothing in lib64, /lib, /usr/local or /usr/sbin.
stray=$(cd "$pkgdir" && find . -path ./usr/lib64 -o -path ./lib -o -path ./usr/local -o -path ./usr/sbin -o -path ./lib64 | head -5)
[ -z "$stray" ] && ok "no files outside Arch's directories" || fail "files outside Arch's directories: $stray"
# The installed units and plugin conf point at the installed paths, not the build tree.
grep -q '^ExecStart=/usr/bin/scarlettd$' "$pkgdir/usr/lib/systemd/user/scarlettd.service" &&
	ok "user unit runs /usr/bin/scarlettd" || fail "user unit ExecStart= is not /usr/bin/scarlettd"
grep -q '^ExecStart=/usr/bin/scarlett-osc$' "$pkgdir/usr/lib/systemd/user/scarlett-osc.service" &&
	ok "scarlett-osc unit runs /usr/bin/scarlett-osc" || fail "scarlett-osc unit ExecStart= is not /usr/bin/scarlett-osc"
grep -q 'lib "/usr/lib/alsa-lib/libasound_module_ctl_scarlett_sim.so"' "$pkgdir/usr/share/alsa/alsa.conf.d/50-scarlett-sim.conf" &&
	ok "plugin conf names /usr/lib/alsa-lib" || fail "plugin conf does not name /usr/lib/alsa-lib"
if grep -rlq "$srcdir" "$pkgdir/usr/lib/systemd" "$pkgdir/usr/share/alsa"; then fail "build paths in units or conf"; else ok "no build paths in units or conf"; fi
"$pkgdir/usr/bin/scarlettd" --list-models | grep -q scarlett-gen3-18i20 && ok "scarlettd --list-models runs" ||
	fail "scarlettd --list-models"
"$pkgdir/usr/bin/scarlett-osc" --version | grep -q '^scarlett-osc ' && ok "scarlett-osc --version runs" ||
	fail "scarlett-osc --version"
echo "package tree:"
(cd "$pkgdir" && find . ! -type d | sort | sed 's|^\.||')

if [ $failures -eq 0 ]; then echo "test-pkgbuild: every check passed"; else echo "test-pkgbuild: $failures checks failed"; fi
[ $failures -eq 0 ]
