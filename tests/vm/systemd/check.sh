#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Runs inside the VM booted by stage2.sh, as root under systemd 252: the user
# service for real. Socket activation, start on plug, Type=notify and STATUS=,
# the watchdog, restart without losing connections, journal fields, hardening.
set -u
uid=1500
export XDG_RUNTIME_DIR=/run/user/$uid
sockdir=$XDG_RUNTIME_DIR/scarlettd
failures=0
ok() { echo "ok - $*"; }
bad() { echo "FAIL - $*"; failures=$((failures + 1)); }
check() { # description command...
	d=$1; shift
	if "$@"; then ok "$d"; else bad "$d"; fi
}
as_user() { runuser -u scd -- env XDG_RUNTIME_DIR="$XDG_RUNTIME_DIR" "$@"; }
us() { as_user systemctl --user "$@"; }
prop() { us show --value -p "$2" "$1"; }
# wait_until SECONDS command...: polls until the deadline (a systemctl call alone
# can take a second under TCG, so count time, not tries)
wait_until() {
	deadline=$(($(date +%s) + $1)); shift
	while :; do
		"$@" >/dev/null 2>&1 && return 0
		[ "$(date +%s)" -lt "$deadline" ] || return 1
		sleep 0.2
	done
}
is_active() { [ "$(us is-active "$1")" = active ]; }
status_is() { [ "$(prop scarlettd.service StatusText)" = "$1" ]; }
rpc() { # method: one request on control.sock, as the user
	printf '{"jsonrpc":"2.0","id":1,"method":"%s"}\n' "$1" |
		as_user socat -t 5 - UNIX-CONNECT:"$sockdir/control.sock"
}
mode_of() { stat -c %a "$1"; }

echo "== systemd $(systemctl --version | head -1)"
check "linger enabled for the test user" [ "$(loginctl show-user --value -p Linger scd 2>/dev/null)" = yes ]
check "user manager started at boot by linger" wait_until 60 sh -c "systemctl is-active -q user@$uid.service"
systemctl start user@$uid.service || bad "user@$uid.service starts"
check "user manager running" wait_until 60 is_active default.target

# 1. Enabled and idle: sockets listen, nothing runs.
check "scarlettd.socket listening" is_active scarlettd.socket
check "scarlettd-events.socket listening" is_active scarlettd-events.socket
check "scarlettd.service not started yet" [ "$(us is-active scarlettd.service)" = inactive ]
check "socket directory 0700" [ "$(mode_of "$sockdir")" = 700 ]
check "control.sock 0600" [ "$(mode_of "$sockdir/control.sock")" = 600 ]
check "events.sock 0600" [ "$(mode_of "$sockdir/events.sock")" = 600 ]

# 2. Plug a card: udev -> device unit -> scarlettd-device.target -> the service.
modprobe -d "$SCARLETTD_VM_TREE" snd-dummy
if wait_until 30 is_active scarlettd.service; then
	ok "started on plug (scarlettd-device.target)"
else
	bad "started on plug (scarlettd-device.target)"
	echo "-- diagnostics"
	ls -la /dev/snd
	udevadm info /sys/class/sound/controlC0 | grep -E 'TAGS|SYSTEMD|ID_|DEVPATH'
	systemctl list-units --all --no-legend --no-pager '*controlC0*' '*sound*'
	us list-units --all --no-legend --no-pager '*controlC0*' '*sound*' 'scarlettd*'
	ls -la /etc/systemd/user/*.wants
	us status --no-pager scarlettd-device.target scarlettd.service 2>&1 | head -30
	journalctl -q --no-pager _UID=$uid | tail -20
	echo "-- end of diagnostics; starting it by hand"
	us start scarlettd.service
fi
check "Type=notify: STATUS=1 device online, 0 clients" wait_until 10 status_is "1 device online, 0 clients"
check "scarlettd-device.target active" is_active scarlettd-device.target
us status --no-pager scarlettd.service 2>&1 | grep -E '^ +(Active|Status|Main PID):'
info=$(rpc daemon.info)
echo "daemon.info: $info"
check "daemon.info over the adopted socket" [ "$(echo "$info" | jq -r .result.devices)" = 1 ]
check "alsa_restore warning for the card" \
	[ "$(echo "$info" | jq -r '.result.warnings[0].code + " " + .result.warnings[0].device')" = "alsa_restore card-Dummy" ]

# 3. STATUS= follows clients.
# runuser does not pass SIGTERM on: kill socat itself, by the pid it reports.
as_user sh -c 'echo $$ >/tmp/scd-watcher.pid; exec socat -u UNIX-CONNECT:"$1" - >/dev/null' \
	sh "$sockdir/events.sock" &
check "STATUS=1 device online, 1 client" wait_until 10 status_is "1 device online, 1 client"
kill "$(cat /tmp/scd-watcher.pid)"
check "STATUS=back to 0 clients" wait_until 10 status_is "1 device online, 0 clients"

# 4. Journal fields (the journal is the system one: no persistent user journals).
check "journal: SCARLETTD_DEVICE on the device's messages" \
	wait_until 10 sh -c "journalctl -q -o cat _SYSTEMD_USER_UNIT=scarlettd.service SCARLETTD_DEVICE=card-Dummy | grep -q online"
journalctl -q -o verbose _SYSTEMD_USER_UNIT=scarlettd.service SCARLETTD_DEVICE=card-Dummy PRIORITY=4 |
	grep -E '^ +(PRIORITY|MESSAGE|SCARLETTD_DEVICE|CODE_FILE|CODE_LINE)=' | head -10
check "journal: the alsa-restore warning at PRIORITY=4" \
	sh -c "journalctl -q -o cat _SYSTEMD_USER_UNIT=scarlettd.service SCARLETTD_DEVICE=card-Dummy PRIORITY=4 | grep -q alsa-utils"
journalctl -q -o json _SYSTEMD_USER_UNIT=scarlettd.service SCARLETTD_DEVICE=card-Dummy PRIORITY=4 | head -1 |
	jq -M -c '{PRIORITY, SCARLETTD_DEVICE, CODE_FILE, CODE_LINE, CODE_FUNC, SYSLOG_IDENTIFIER, _SYSTEMD_USER_UNIT}'

# 5. Hardening is in force (and the daemon works under it).
pid=$(prop scarlettd.service MainPID)
check "NoNewPrivs" grep -q '^NoNewPrivs:[[:space:]]*1' /proc/"$pid"/status
check "seccomp filter" grep -q '^Seccomp:[[:space:]]*2' /proc/"$pid"/status
check "own user namespace (PrivateUsers=)" [ "$(readlink /proc/"$pid"/ns/user)" != "$(readlink /proc/1/ns/user)" ]
# The home is read-only to the service but for its ConfigurationDirectory= entries.
check "a preset saved under ProtectHome=read-only" sh -c \
	"runuser -u scd -- env XDG_RUNTIME_DIR=$XDG_RUNTIME_DIR scarlettctl preset save vm >/dev/null &&
	 [ -s /home/scd/.config/alsa-scarlett-gui/card-Dummy-vm.conf ]"
check "settings kept in ~/.config/scarlettd" sh -c \
	"runuser -u scd -- env XDG_RUNTIME_DIR=$XDG_RUNTIME_DIR scarlettctl configure --nickname VM >/dev/null &&
	 jq -e '.nickname == \"VM\"' /home/scd/.config/scarlettd/devices/card-Dummy.json >/dev/null"

# 6. Watchdog: WatchdogSec=3s (test drop-in); 8 s later it was never killed.
sleep 8
check "watchdog pinged: no restart after 8 s" [ "$(prop scarlettd.service NRestarts)" = 0 ]
check "still the same process" [ "$(prop scarlettd.service MainPID)" = "$pid" ]

# 7. Crash: Restart=on-failure, and a client connecting meanwhile is not refused.
us kill -s KILL scarlettd.service
reply=$(rpc devices.list)
check "connection during the restart answered" [ "$(echo "$reply" | jq -r '.result.devices | length')" = 1 ]
check "restarted once" wait_until 10 sh -c "[ \"\$(runuser -u scd -- env XDG_RUNTIME_DIR=$XDG_RUNTIME_DIR systemctl --user show --value -p NRestarts scarlettd.service)\" = 1 ]"

# 7b. Hung loop: SIGSTOP stops the pings; after WatchdogSec systemd aborts the daemon
# (SIGABRT, followed by SIGCONT) and Restart=on-failure starts a new one.
pid=$(prop scarlettd.service MainPID)
kill -s STOP "$pid"
check "watchdog: stopped daemon restarted" wait_until 30 sh -c \
	"[ \"\$(runuser -u scd -- env XDG_RUNTIME_DIR=$XDG_RUNTIME_DIR systemctl --user show --value -p NRestarts scarlettd.service)\" = 2 ]"
check "watchdog: a new process" wait_until 10 sh -c \
	"p=\$(runuser -u scd -- env XDG_RUNTIME_DIR=$XDG_RUNTIME_DIR systemctl --user show --value -p MainPID scarlettd.service); [ \"\$p\" != 0 ] && [ \"\$p\" != $pid ]"
check "watchdog: the result says so" sh -c "journalctl -q -o cat _UID=$uid | grep -q 'Watchdog timeout'"
reply=$(rpc devices.list)
check "watchdog: answering again" [ "$(echo "$reply" | jq -r '.result.devices | length')" = 1 ]

# 8. Stopped: the socket starts it again on the first connection.
us stop scarlettd.service
check "stopped" [ "$(us is-active scarlettd.service)" = inactive ]
reply=$(rpc daemon.info)
check "socket activation on connect" [ "$(echo "$reply" | jq -r .result.name)" = scarlettd ]
check "running again" is_active scarlettd.service

# 9. scarlett-osc.service, the OSC bridge: installed by the package, not enabled;
# started, it connects to the daemon and answers OSC on 127.0.0.1:7000 under its
# hardening (PrivateUsers=, ProtectHome=read-only, the network families only).
check "scarlett-osc.service installed, not enabled" [ "$(us is-enabled scarlett-osc.service)" = disabled ]
us start scarlett-osc.service
check "scarlett-osc.service running" wait_until 20 is_active scarlett-osc.service
check "scarlett-osc has scarlettd's devices" wait_until 20 sh -c \
	"journalctl -q -o cat _SYSTEMD_USER_UNIT=scarlett-osc.service | grep -Eq 'serving [1-9][0-9]* device'"
# A /devices query (OSC: the address and the empty type tag, each padded to 4 bytes),
# answered to socat's port: one /devices message per device, with its id.
osc_answers() {
	printf '/devices\000\000\000\000,\000\000\000' | socat -t 3 - UDP:127.0.0.1:7000 |
		tr -d '\000' | grep -qa '^/devices,issi'
}
check "scarlett-osc answers an OSC query" wait_until 20 osc_answers
osc_pid=$(prop scarlett-osc.service MainPID)
check "scarlett-osc: NoNewPrivs and seccomp" sh -c \
	"grep -q '^NoNewPrivs:[[:space:]]*1' /proc/$osc_pid/status && grep -q '^Seccomp:[[:space:]]*2' /proc/$osc_pid/status"
us stop scarlett-osc.service

echo "== journal of scarlettd.service"
journalctl -q --no-pager -o short-monotonic _SYSTEMD_USER_UNIT=scarlettd.service | tail -20
echo "== $failures failure(s)"
[ $failures -eq 0 ]
