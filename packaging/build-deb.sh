#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Builds the Debian package from a commit (default HEAD) of this repository:
#   packaging/build-deb.sh OUTDIR [REF]
# dpkg-buildpackage wants debian/ at the top of the source tree, so the commit is
# exported with git archive into a temporary tree (also written as the .orig
# tarball, for the "3.0 (quilt)" format), the commit's packaging/debian is copied to
# its debian/, and the binary package is built there with dpkg-buildpackage -us -uc -b.
# OUTDIR receives scarlettd_VERSION_ARCH.deb, its -dbgsym .deb, .buildinfo and
# .changes. Uncommitted changes are not built: commit first, or pass
# REF=$(git stash create). Build dependencies: scripts/install-deps.sh --test.
# DEB_BUILD_OPTIONS is honoured; parallel=$(nproc) is added unless it says parallel=.
set -eu

[ $# -ge 1 ] && [ $# -le 2 ] || { echo "usage: build-deb.sh OUTDIR [REF]" >&2; exit 2; }
out=$1
ref=${2:-HEAD}
src=$(cd "$(dirname "$0")/.." && pwd)
git -C "$src" rev-parse --verify -q "$ref^{commit}" >/dev/null ||
	{ echo "build-deb.sh: $ref is not a commit of $src" >&2; exit 2; }
mkdir -p "$out"
out=$(cd "$out" && pwd)

tmp=$(mktemp -d "${TMPDIR:-/tmp}/scarlettd-deb.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

# The upstream version is the one in debian/changelog (Debian revision stripped);
# it must be the project's version, or the package would lie about its contents.
git -C "$src" archive --format=tar "$ref" packaging/debian CMakeLists.txt | tar -x -C "$tmp"
deb_version=$(dpkg-parsechangelog -l "$tmp/packaging/debian/changelog" -S Version)
upstream=${deb_version%-*}
cmake_version=$(sed -n 's/^project(scarlettd VERSION \([0-9.]*\).*/\1/p' "$tmp/CMakeLists.txt")
if [ "$upstream" != "$cmake_version" ]; then
	echo "build-deb.sh: debian/changelog says $upstream, CMakeLists.txt $cmake_version: add a changelog entry (dch -v $cmake_version-1)" >&2
	exit 1
fi

tree="$tmp/scarlettd-$upstream"
git -C "$src" archive --format=tar.gz --prefix="scarlettd-$upstream/" -o "$tmp/scarlettd_$upstream.orig.tar.gz" "$ref"
tar -xzf "$tmp/scarlettd_$upstream.orig.tar.gz" -C "$tmp"
cp -a "$tree/packaging/debian" "$tree/debian"

case " ${DEB_BUILD_OPTIONS:-} " in
*" parallel="*) ;;
*) DEB_BUILD_OPTIONS="${DEB_BUILD_OPTIONS:+$DEB_BUILD_OPTIONS }parallel=$(nproc)" ;;
esac
export DEB_BUILD_OPTIONS
echo "build-deb.sh: building scarlettd $deb_version from $(git -C "$src" rev-parse --short "$ref") in $tree (DEB_BUILD_OPTIONS=$DEB_BUILD_OPTIONS)"
(cd "$tree" && dpkg-buildpackage -us -uc -b)

found=0
for f in "$tmp"/*.deb "$tmp"/*.ddeb "$tmp"/*.buildinfo "$tmp"/*.changes; do
	[ -e "$f" ] || continue
	cp "$f" "$out/"
	echo "build-deb.sh: $out/$(basename "$f")"
	found=1
done
[ $found -eq 1 ] || { echo "build-deb.sh: dpkg-buildpackage produced nothing" >&2; exit 1; }
