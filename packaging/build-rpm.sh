#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Builds the RPM from a commit (default HEAD) of this repository with rpmbuild and a
# private _topdir:
#   packaging/build-rpm.sh OUTDIR [REF] [RPMBUILD OPTIONS...]
# The source tarball is git archive of REF; the spec is REF's packaging/rpm/scarlettd.spec.
# OUTDIR receives the binary .rpm (and the .src.rpm). Off Fedora (on Debian, with
# Debian's rpm package) the build dependencies are Debian's, so rpmbuild runs with
# --nodeps; on Fedora, SCARLETTD_RPM_NODEPS=0 makes rpmbuild check them.
# Extra options go to rpmbuild, e.g. --with tests. Uncommitted changes are not
# built: commit first, or pass REF=$(git stash create).
set -eu

[ $# -ge 1 ] || { echo "usage: build-rpm.sh OUTDIR [REF] [RPMBUILD OPTIONS...]" >&2; exit 2; }
out=$1
shift
ref=HEAD
if [ $# -ge 1 ]; then ref=$1; shift; fi
src=$(cd "$(dirname "$0")/.." && pwd)
git -C "$src" rev-parse --verify -q "$ref^{commit}" >/dev/null ||
	{ echo "build-rpm.sh: $ref is not a commit of $src" >&2; exit 2; }
command -v rpmbuild >/dev/null 2>&1 || { echo "build-rpm.sh: rpmbuild not found (Debian: apt-get install rpm)" >&2; exit 2; }
mkdir -p "$out"
out=$(cd "$out" && pwd)

tmp=$(mktemp -d "${TMPDIR:-/tmp}/scarlettd-rpm.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
top="$tmp/rpmbuild"
mkdir -p "$top/SOURCES" "$top/SPECS" "$top/BUILD" "$top/RPMS" "$top/SRPMS"

git -C "$src" archive --format=tar "$ref" packaging/rpm/scarlettd.spec CMakeLists.txt | tar -x -C "$tmp"
spec="$top/SPECS/scarlettd.spec"
cp "$tmp/packaging/rpm/scarlettd.spec" "$spec"
version=$(rpmspec -q --srpm --qf '%{VERSION}' "$spec" 2>/dev/null || sed -n 's/^Version:[[:space:]]*//p' "$spec")
cmake_version=$(sed -n 's/^project(scarlettd VERSION \([0-9.]*\).*/\1/p' "$tmp/CMakeLists.txt")
if [ "$version" != "$cmake_version" ]; then
	echo "build-rpm.sh: the spec says $version, CMakeLists.txt $cmake_version: update Version: and %changelog" >&2
	exit 1
fi
git -C "$src" archive --format=tar.gz --prefix="scarlettd-$version/" -o "$top/SOURCES/scarlettd-$version.tar.gz" "$ref"

nodeps=--nodeps
[ "${SCARLETTD_RPM_NODEPS:-1}" = 0 ] && nodeps=""
echo "build-rpm.sh: building scarlettd $version from $(git -C "$src" rev-parse --short "$ref") in $top"
# shellcheck disable=SC2086 # $nodeps is one option or none
rpmbuild -ba $nodeps --define "_topdir $top" "$@" "$spec"

found=0
for f in "$top"/RPMS/*/*.rpm "$top"/SRPMS/*.rpm; do
	[ -e "$f" ] || continue
	cp "$f" "$out/"
	echo "build-rpm.sh: $out/$(basename "$f")"
	found=1
done
[ $found -eq 1 ] || { echo "build-rpm.sh: rpmbuild produced nothing" >&2; exit 1; }
