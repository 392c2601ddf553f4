#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Boots Debian's kernel (prepared by prepare.sh) in qemu with the host root as a
# read-only 9p lower layer under a tmpfs overlay, runs COMMAND inside the VM in the
# current directory, streams its output to stdout and exits with its status.
#
#   run.sh [--timeout SEC] [--accel tcg|kvm] [--mem MB] [--smp N] [--] COMMAND [ARG...]
#
# Inside the VM: SCARLETTD_VM_TREE is the unpacked kernel tree (modprobe -d), every
# SCARLETTD_* variable of the caller is passed on, /dev/snd appears once a sound
# module is loaded. Exit status: the command's, 124 on the hard timeout, 125 when the
# VM failed before running it.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
timeout_s="${SCARLETTD_VM_TIMEOUT:-600}"
accel="${SCARLETTD_VM_ACCEL:-tcg}"
mem=1024
smp="${SCARLETTD_VM_SMP:-2}"
while [ $# -gt 0 ]; do
	case "$1" in
	--timeout) timeout_s="$2"; shift 2 ;;
	--accel) accel="$2"; shift 2 ;;
	--mem) mem="$2"; shift 2 ;;
	--smp) smp="$2"; shift 2 ;;
	--) shift; break ;;
	-*) echo "run.sh: unknown option $1" >&2; exit 2 ;;
	*) break ;;
	esac
done
[ $# -gt 0 ] || { echo "usage: run.sh [--timeout SEC] [--accel tcg|kvm] [--] COMMAND [ARG...]" >&2; exit 2; }

entry=$("$here/prepare.sh")
version="${entry##*/linux-image-}"

share=$(mktemp -d "${TMPDIR:-/tmp}/scarlettd-vm.XXXXXX")
trap 'rm -rf "$share"' EXIT INT TERM

Quote() { printf "'%s'" "$(printf '%s' "$1" | sed "s/'/'\\\\''/g")"; }
{
	echo "cd $(Quote "$PWD") || exit 125"
	echo "export PATH=$(Quote "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin")"
	echo "export HOME=$(Quote "${HOME:-/root}") TERM=dumb LANG=C.UTF-8"
	echo "export SCARLETTD_IN_VM=1 SCARLETTD_VM_TREE=$(Quote "$entry/tree") SCARLETTD_VM_KVER=$(Quote "$version")"
	env | sed -n 's/^\(SCARLETTD_[A-Za-z0-9_]*\)=.*/\1/p' | while read -r name; do
		case "$name" in SCARLETTD_VM_TREE | SCARLETTD_VM_KVER | SCARLETTD_IN_VM) continue ;; esac
		value=$(printenv "$name")
		echo "export $name=$(Quote "$value")"
	done
	printf 'exec'
	for arg in "$@"; do printf ' %s' "$(Quote "$arg")"; done
	echo
} >"$share/cmd"

case "$accel" in
kvm) [ -w /dev/kvm ] || { echo "run.sh: /dev/kvm not usable, using tcg" >&2; accel=tcg; } ;;
tcg) ;;
*) echo "run.sh: --accel must be tcg or kvm" >&2; exit 2 ;;
esac
accel_opt="$accel"
[ "$accel" = tcg ] && accel_opt="tcg,thread=multi"
cpu=max
[ "$accel" = kvm ] && cpu=qemu64

echo "run.sh: booting $version ($accel, ${smp} cpu, ${mem} MB, timeout ${timeout_s}s)" >&2
start=$(date +%s)
set +e
timeout -k 10 "$timeout_s" qemu-system-x86_64 -accel "$accel_opt" -cpu "$cpu" -smp "$smp" -m "$mem" \
	-display none -monitor none -serial stdio -no-reboot \
	-kernel "$entry/vmlinuz" -initrd "$entry/initrd.gz" \
	-append "console=ttyS0 panic=-1 loglevel=3 quiet scd.stage2=${SCARLETTD_VM_STAGE2:-$here/guest-init.sh} scd.share=$share" \
	-virtfs "local,path=/,mount_tag=hostroot,security_model=none,readonly=on,multidevs=remap" \
	-virtfs "local,path=$share,mount_tag=scdshare,security_model=none,multidevs=remap" \
	</dev/null
qemu_rc=$?
set -e
elapsed=$(($(date +%s) - start))

if [ -f "$share/rc" ]; then
	rc=$(cat "$share/rc")
	echo "run.sh: VM finished in ${elapsed}s, command exit status $rc" >&2
elif [ "$qemu_rc" -eq 124 ] || [ "$qemu_rc" -eq 137 ]; then
	echo "run.sh: VM killed after the ${timeout_s}s timeout" >&2
	rc=124
else
	echo "run.sh: VM ended after ${elapsed}s without running the command (qemu status $qemu_rc)" >&2
	rc=125
fi
exit "$rc"
