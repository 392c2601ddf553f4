#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Runs CI as a newcomer's fresh Debian 12 would: a minimal Debian 12 root made by
# debootstrap, a clone of this repository's HEAD in it (and ../shared beside it, as
# the tests expect), then `CI=true bash .ci/run` inside a chroot, with nothing
# installed by hand. Proves that the project's own scripts install everything.
#
#   scripts/ci-pristine.sh [--first-run] DIR [MIRROR]
#
# --first-run: instead of CI, the README's first command as a newcomer types it,
# twice: in a root shell without XDG_RUNTIME_DIR (it must stop at once and say what
# to do), then with it, timed until the daemon serves (scarlettctl devices answers).
# Transcripts: DIR.first-run-no-xdg.log, DIR.first-run.log.
#
# DIR is created (and must not exist): about 3 GB once CI has installed its packages.
# Needs root, debootstrap and network access to Debian's archive (MIRROR, default
# http://deb.debian.org/debian). Prints the packages CI installed and the wall time
# of each stage; the transcript of .ci/run goes to DIR.log as well.
# The chroot gets /proc, /sys and /dev of this machine (qemu, /dev/snd-less),
# /etc/resolv.conf and /etc/npmrc (the Node test's registry settings), and the
# machine's local CA certificates, if present: the network as it is here.
set -eu
first_run=
[ "${1:-}" = --first-run ] && { first_run=1; shift; }
[ $# -ge 1 ] && [ $# -le 2 ] || { echo "usage: ci-pristine.sh [--first-run] DIR [MIRROR]" >&2; exit 2; }
root=$1
mirror=${2:-http://deb.debian.org/debian}
[ "$(id -u)" -eq 0 ] || { echo "ci-pristine.sh: needs root (debootstrap, chroot, mounts)" >&2; exit 2; }
command -v debootstrap >/dev/null 2>&1 || { echo "ci-pristine.sh: apt-get install debootstrap" >&2; exit 2; }
[ ! -e "$root" ] || { echo "ci-pristine.sh: $root exists; give a new directory" >&2; exit 2; }
src=$(cd "$(dirname "$0")/.." && pwd)
shared=$(cd "$src/.." && pwd)/shared
log="$root.log"

t0=$(date +%s)
echo "== debootstrap --variant=minbase bookworm $root"
debootstrap --variant=minbase bookworm "$root" "$mirror" >"$root.debootstrap.log" 2>&1 ||
	{ tail -20 "$root.debootstrap.log" >&2; exit 1; }
t1=$(date +%s)

# The same layout as here: the checkout and ../shared beside it.
inside=/work/$(basename "$src")
mkdir -p "$root/work"
git clone -q --no-hardlinks "$src" "$root$inside"
[ -d "$shared" ] && cp -a "$shared" "$root/work/shared"
for f in /etc/resolv.conf /etc/npmrc; do [ -f "$f" ] && cp "$f" "$root$f"; done
# This machine's own trust anchors (a TLS-intercepting egress proxy, say: regular
# files among /etc/ssl/certs' links), where update-ca-certificates finds them once CI
# installs ca-certificates: the network as it is here, like resolv.conf.
mkdir -p "$root/usr/local/share/ca-certificates"
for f in /etc/ssl/certs/*.pem; do
	[ -f "$f" ] && [ ! -L "$f" ] || continue
	cp "$f" "$root/usr/local/share/ca-certificates/$(basename "$f" .pem).crt"
done
dpkg-query --admindir="$root/var/lib/dpkg" -W -f='${Package}\n' | sort >"$root.packages-before"

mounted=""
cleanup() {
	for m in $mounted; do umount -l "$root$m" 2>/dev/null || true; done
}
trap cleanup EXIT INT TERM
mount -t proc proc "$root/proc" && mounted="/proc $mounted"
mount --rbind /sys "$root/sys" && mounted="/sys $mounted"
mount --rbind /dev "$root/dev" && mounted="/dev $mounted"

In() { # ENV=VALUE... -- COMMAND: a login-less root shell in the chroot, in the clone
	local env=()
	while [ "$1" != -- ]; do env+=("$1"); shift; done
	shift
	chroot "$root" /usr/bin/env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
		HOME=/root LANG=C.UTF-8 "${env[@]}" /bin/bash -c "cd $inside && $*"
}

if [ -n "$first_run" ]; then
	echo "== ./scripts/run.sh without XDG_RUNTIME_DIR (transcript: $root.first-run-no-xdg.log)"
	status=0
	In -- ./scripts/run.sh >"$root.first-run-no-xdg.log" 2>&1 || status=$?
	t2=$(date +%s)
	echo "   exit status $status after $((t2 - t1)) s:"
	sed 's/^/   | /' "$root.first-run-no-xdg.log"
	echo "== ./scripts/run.sh with XDG_RUNTIME_DIR=/run/user/0 (transcript: $root.first-run.log)"
	mkdir -p "$root/run/user" && mkdir -m 0700 "$root/run/user/0"
	setsid bash -c "$(declare -f In); root='$root'; inside='$inside'; In XDG_RUNTIME_DIR=/run/user/0 -- exec ./scripts/run.sh" \
		>"$root.first-run.log" 2>&1 &
	run=$!
	serving=
	while kill -0 "$run" 2>/dev/null && [ $(($(date +%s) - t2)) -lt 1800 ]; do
		if In XDG_RUNTIME_DIR=/run/user/0 -- ./build/cli/scarlettctl devices >"$root.first-run.devices" 2>&1; then
			serving=$(($(date +%s) - t2))
			break
		fi
		sleep 1
	done
	kill -TERM -- "-$run" 2>/dev/null || true
	wait "$run" 2>/dev/null || true
	sed 's/^/   | /' "$root.first-run.log" | grep -v '^   | \[ *[0-9]*%\]' | tail -n 40
	echo "   scarlettctl devices, once it answered:"
	sed 's/^/   | /' "$root.first-run.devices"
	dpkg-query --admindir="$root/var/lib/dpkg" -W -f='${Package}\n' | sort >"$root.packages-after"
	echo "== packages run.sh installed: $(comm -13 "$root.packages-before" "$root.packages-after" | wc -l)"
	comm -13 "$root.packages-before" "$root.packages-after" | tr '\n' ' ' | fold -s -w 100
	echo
	[ -n "$serving" ] || { echo "== the daemon never served" >&2; exit 1; }
	echo "== times: debootstrap $((t1 - t0)) s; run.sh served after $serving s ($((serving / 60)) min $((serving % 60)) s)"
	exit 0
fi

echo "== CI=true bash .ci/run in the chroot (transcript: $log)"
status=0
chroot "$root" /usr/bin/env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
	HOME=/root LANG=C.UTF-8 CI=true /bin/bash -c "cd $inside && bash .ci/run" >"$log" 2>&1 || status=$?
t2=$(date +%s)

dpkg-query --admindir="$root/var/lib/dpkg" -W -f='${Package}\n' | sort >"$root.packages-after"
added=$(comm -13 "$root.packages-before" "$root.packages-after")
echo "== packages CI installed: $(echo "$added" | wc -l)"
echo "$added" | tr '\n' ' ' | fold -s -w 100
echo
echo "== the run's summary"
grep -E "^scarlettd: |tests passed|tests failed|Total Test time|^[a-z]+ +=|did not run|FAILED|\(Failed\)|\(Skipped\)" "$log" || true
echo "== times: debootstrap $((t1 - t0)) s, .ci/run $((t2 - t1)) s ($(((t2 - t1) / 60)) min $(((t2 - t1) % 60)) s), status $status"
exit "$status"
