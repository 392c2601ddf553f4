#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Stage 2 for the real-systemd test (run.sh with SCARLETTD_VM_STAGE2 naming this
# file): PID 1 on the overlay of the host root. Mounts run.sh's share, installs the
# units, a test user and a one-shot check unit into the overlay, then becomes
# systemd 252 itself; the check unit runs run.sh's command file and powers off.
set -eu

share=""
# shellcheck disable=SC2013 # the command line is split into words on purpose
for arg in $(cat /proc/cmdline); do
	case "$arg" in scd.share=*) share="${arg#scd.share=}" ;; esac
done
fail() {
	echo "scd-vm-systemd: $*" >/dev/console
	/bin/busybox poweroff -f
}
[ -n "$share" ] || fail "no scd.share= on the kernel command line"
mount -t 9p -o trans=virtio,version=9p2000.L,msize=512000 scdshare "$share" || fail "cannot mount the share"
src=$(cd "$(dirname "$0")/../../.." && pwd)
build=$(sed -n "s/^export SCARLETTD_VM_BUILD='\(.*\)'$/\1/p" "$share/cmd")
[ -n "$build" ] || build="$src/build"

deb=$(sed -n "s/^export SCARLETTD_VM_DEB='\(.*\)'$/\1/p" "$share/cmd")

# A user with a uid of its own, in group audio as a headless user would be.
useradd -m -u 1500 -G audio scd
# Lingering (what `loginctl enable-linger scd` writes): logind starts the user's
# manager at boot, without a login, as on a headless box.
mkdir -p /var/lib/systemd/linger && touch /var/lib/systemd/linger/scd
if [ -n "$deb" ]; then
	# The package as a user installs it: its postinst enables the user units globally
	# (deb-systemd-helper works without a running systemd). No triggers: man-db's
	# would rebuild the whole index under TCG, for nothing.
	# The guest's root is the host's: hide a "cmake --install" into /usr/local there
	# (in the overlay only), or its units would shadow the package's.
	rm -f /usr/local/lib/systemd/user/scarlettd* /usr/local/lib/systemd/system/scarlettd* \
		/usr/local/lib/udev/rules.d/70-scarlettd.rules /usr/local/bin/scarlettd \
		/usr/local/bin/scarlettctl /usr/local/bin/scarlett-sim
	DEBIAN_FRONTEND=noninteractive dpkg -i --no-triggers "$deb" >/dev/console 2>&1 || fail "dpkg -i $deb"
	[ "$(readlink /etc/systemd/user/scarlettd-device.target.wants/scarlettd.service)" = \
		/usr/lib/systemd/user/scarlettd.service ] ||
		fail "the package's postinst did not enable its scarlettd.service"
	exe=/usr/bin/scarlettd
else
	# Units as installed, ExecStart= in the build tree; enabled as a package would.
	mkdir -p /etc/systemd/user
	cp "$build"/systemd/units-test/user/* /etc/systemd/user/
	systemctl --global enable scarlettd.service >/dev/null 2>&1 || fail "systemctl --global enable"
	cp "$src/systemd/udev/70-scarlettd.rules" /etc/udev/rules.d/
	exe=$build/daemon/scarlettd
fi
# Test settings: serve the (non-Focusrite) dummy card, and a short watchdog so that
# a few seconds prove the pings arrive.
mkdir -p /etc/systemd/user/scarlettd.service.d
cat >/etc/systemd/user/scarlettd.service.d/vm-test.conf <<EOT
[Service]
ExecStart=
ExecStart=$exe --all-cards
WatchdogSec=3s
EOT
# snd-dummy has no USB vendor: the same wants, matched on its card id instead.
cat >/etc/udev/rules.d/71-scarlettd-vm-test.rules <<'EOT'
ACTION=="remove", GOTO="scd_test_end"
SUBSYSTEM=="sound", KERNEL=="controlC*", ATTRS{id}=="Dummy", TAG+="systemd", ENV{SYSTEMD_USER_WANTS}+="scarlettd-device.target"
LABEL="scd_test_end"
EOT
# A stored state for the card: with alsa-utils' rule active, the daemon must warn.
mkdir -p /var/lib/alsa
printf 'state.Dummy {\n}\n' >/var/lib/alsa/asound.state

cat >/usr/local/sbin/scd-vm-check <<EOT
#!/bin/sh
/bin/sh '$share/cmd' >/dev/console 2>&1
echo \$? >'$share/rc.new' && mv '$share/rc.new' '$share/rc'
sync
systemctl poweroff --force --force
EOT
chmod 755 /usr/local/sbin/scd-vm-check
cat >/etc/systemd/system/scd-vm-check.service <<'EOT'
[Unit]
Description=scarlettd VM checks
After=multi-user.target
[Service]
Type=oneshot
ExecStart=/usr/local/sbin/scd-vm-check
EOT
mkdir -p /etc/systemd/system/multi-user.target.wants
ln -s /etc/systemd/system/scd-vm-check.service /etc/systemd/system/multi-user.target.wants/
# tmpfiles' 'D /tmp' would empty /tmp at boot, hiding a checkout or build tree that
# lives there (CI clones may): keep /tmp as the host has it.
mkdir -p /etc/tmpfiles.d
printf 'd /tmp 1777 root root -\n' >/etc/tmpfiles.d/tmp.conf
# Boot to multi-user.target, whatever the host's default is.
ln -sf /lib/systemd/system/multi-user.target /etc/systemd/system/default.target
exec /lib/systemd/systemd
