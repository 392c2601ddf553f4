#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Stage 2 inside the VM (PID 1 after switch_root onto the overlay of the host root):
# mounts what programs expect, mounts run.sh's writable share at its host path, runs
# the command file run.sh wrote there, records its exit status and powers off.
set -eu

share=""
# shellcheck disable=SC2013 # the command line is split into words on purpose
for arg in $(cat /proc/cmdline); do
	case "$arg" in scd.share=*) share="${arg#scd.share=}" ;; esac
done

mount -t tmpfs -o mode=0755 tmpfs /run
mkdir -p /dev/pts /dev/shm
mount -t devpts devpts /dev/pts
mount -t tmpfs -o mode=1777 tmpfs /dev/shm
# Without this every "\n" reaches the host as "\r\n".
stty -onlcr </dev/console 2>/dev/null || true

rc=125
if [ -n "$share" ] && mount -t 9p -o trans=virtio,version=9p2000.L,msize=512000 scdshare "$share"; then
	set +e
	/bin/sh "$share/cmd" </dev/null >/dev/console 2>&1
	rc=$?
	set -e
	echo "$rc" >"$share/rc.new" && mv "$share/rc.new" "$share/rc"
	umount "$share" || true
else
	echo "scd-vm: cannot mount the result share '$share'" >/dev/console
fi
sync
# reboot(2) needs no userspace; if it fails, PID 1 exiting panics and qemu exits
# anyway (panic=-1 with -no-reboot).
/bin/busybox poweroff -f 2>/dev/null || echo o >/proc/sysrq-trigger
sleep 10
exit "$rc"
