#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# scarlett-osc driven by liblo's own command-line tools (liblo-tools), which nobody
# here wrote: oscsend sets through every semantic family and the raw form on the
# simulated Scarlett 18i20 3rd Gen and 2i2 4th Gen, oscdump is the registered peer
# (`/subscribe i PORT`: oscsend cannot receive where it sends from). Each set must
# reach amixer (another process, the ALSA side), scarlettctl (the daemon's side) and
# oscdump (feedback); a change made by amixer reaches oscdump too.
#   liblo-tools.sh BUILD_DIR        exit 77 (skipped) without oscsend/oscdump/amixer
set -u
build=$1
for tool in oscsend oscdump amixer; do
	command -v "$tool" >/dev/null || { echo "SKIP: $tool is not installed"; exit 77; }
done
work=$(mktemp -d)
pids=()
cleanup() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
	wait 2>/dev/null
	[ -n "${KEEP:-}" ] && echo "kept $work" || rm -rf "$work"
}
trap cleanup EXIT
export XDG_RUNTIME_DIR=$work/run XDG_CONFIG_HOME=$work/config SCARLETT_SIM_DIR=$work/sim HOME=$work
export ALSA_CONFIG_PATH=/usr/share/alsa/alsa.conf:$build/sim/plugin/scarlett-sim.conf
unset SCARLETTD_SOCKET_DIR
mkdir -m 0700 "$XDG_RUNTIME_DIR" "$SCARLETT_SIM_DIR"
ctl=$build/cli/scarlettctl
big=sim-scarlett-gen3-18i20
small=sim-scarlett-gen4-2i2

"$build/daemon/scarlettd" -q --simulate scarlett-gen3-18i20 --simulate scarlett-gen4-2i2 >"$work/daemon.log" 2>&1 &
pids+=($!)
for _ in $(seq 100); do
	[ "$("$ctl" devices 2>/dev/null | grep -c ' yes ')" = 2 ] && break
	sleep 0.1
done
"$build/bridges/osc/scarlett-osc" --listen 127.0.0.1:0 >"$work/osc.log" 2>&1 &
pids+=($!)
port=
for _ in $(seq 100); do
	port=$(sed -n 's/.*listening on 127\.0\.0\.1:\([0-9]*\) (UDP).*/\1/p' "$work/osc.log")
	[ -n "$port" ] && grep -q 'serving 2 devices' "$work/osc.log" && break
	sleep 0.1
done
[ -n "$port" ] || { echo "FAIL: scarlett-osc did not start"; cat "$work/osc.log"; exit 1; }

# oscdump on a free port (it exits at once when the port is taken).
for dump_port in $(shuf -i 20000-60000 -n 20); do
	oscdump -L "$dump_port" >"$work/dump.log" 2>&1 &
	dump_pid=$!
	sleep 0.2
	kill -0 "$dump_pid" 2>/dev/null && break
done
pids+=("$dump_pid")
oscsend localhost "$port" /subscribe i "$dump_port"

failed=0
count=0
# check NAME WHAT: fails the case when the last command did not succeed.
fail() {
	failed=$((failed + 1))
	echo "FAIL: $*"
}
# waitfor FILE REGEX: up to 3 s.
waitfor() {
	for _ in $(seq 60); do
		grep -Eq -- "$2" "$1" && return 0
		sleep 0.05
	done
	return 1
}

# case DEVICE_PREFIX ADDRESS TYPES VALUE | MODEL CONTROL AMIXER_VALUE | FEEDBACK_REGEX
run_case() {
	local prefix=$1 address=$2 types=$3 value=$4 model=$5 control=$6 expected=$7 feedback=$8 id
	count=$((count + 1))
	id=$([ "$model" = scarlett-gen3-18i20 ] && echo "$big" || echo "$small")
	# A registration lasts 10 s: renewed as a peer must.
	oscsend localhost "$port" /subscribe i "$dump_port"
	if ! oscsend localhost "$port" "$prefix$address" "$types" "$value"; then
		fail "oscsend $prefix$address $types $value"
		return
	fi
	# Feedback carries the device's id (two devices), the address and the new value.
	if ! waitfor "$work/dump.log" "/$id$feedback"; then
		fail "no feedback /$id$feedback for $prefix$address $types $value"
		return
	fi
	local shown
	shown=$(amixer -D "scarlett_sim:$model" cget "name=$control" | sed -n 's/^  : values=//p')
	if [ "$shown" != "$expected" ]; then
		fail "amixer shows '$shown' for '$control', not '$expected' ($prefix$address)"
		return
	fi
	if ! "$ctl" -d "$id" get "$control" >"$work/get" 2>&1; then
		fail "scarlettctl get '$control'"
		return
	fi
	echo "ok: $prefix$address $types $value -> $control = $expected"
}

# Values as amixer prints them: enums by index, levels raw (the 2i2's gain moves in
# steps of 69/70 dB: 30 dB is raw 30, 29.57 dB).
# The 18i20 3rd Gen by position (/1: ids sort as devices.list does), the 2i2 by id.
g3=scarlett-gen3-18i20
g4=scarlett-gen4-2i2
run_case /1 /input/1/air i 1 $g3 'Line In 1 Air Capture Switch' on '/input/1/air i 1'
run_case /1 /input/2/pad T '' $g3 'Line In 2 Pad Capture Switch' on '/input/2/pad i 1'
run_case /1 /input/1/inst s Inst $g3 'Line In 1 Level Capture Enum' 1 '/input/1/inst is 1 "Inst"'
run_case /1 /input/3/phantom f 1 $g3 'Line In 1-4 Phantom Power Capture Switch' on '/input/4/phantom i 1'
# Line volumes follow the front panel until set to SW: the raw form sets that.
run_case /1 /control/Line_Out_01_Volume_Control_Playback_Enum s SW $g3 'Line Out 01 Volume Control Playback Enum' 0 '/control/Line_Out_01_Volume_Control_Playback_Enum is 0 "SW"'
run_case /1 /output/1/volume f -20 $g3 'Line 01 (Monitor 1 L) Playback Volume' 107 '/output/1/volume f -20\.0'
run_case /1 /output/1/mute i 1 $g3 'Line 01 Mute Playback Switch' on '/output/1/mute i 1'
run_case /1 /mix/B/input/3 f -12 $g3 'Mix B Input 03 Playback Volume' 136 '/mix/B/input/3 f -12\.0'
run_case /1 /route/Analogue_Output_03 s 'PCM 5' $g3 'Analogue Output 03 Playback Enum' 36 '/route/Analogue_Output_03 is 36 "PCM 5"'
run_case /1 /route/Analogue_Output_04 i 2 $g3 'Analogue Output 04 Playback Enum' 2 '/route/Analogue_Output_04 is 2 "Analogue 2"'
run_case /1 /monitor/dim i 1 $g3 'Dim Playback Switch' on '/monitor/dim i 1'
run_case /1 /monitor/mute T '' $g3 'Mute Playback Switch' on '/monitor/mute i 1'
run_case /1 /talkback/enable s On $g3 'Talkback Playback Enum' 2 '/talkback/enable is 2 "On"'
run_case /1 /talkback/mix/C i 1 $g3 'Talkback Mix C Playback Switch' on '/talkback/mix/C i 1'
run_case "/$small" /input/2/gain f 30 $g4 'Line In 2 Gain Capture Volume' 30 '/input/2/gain f 29\.57'
run_case "/$small" /input/1/air s Presence $g4 'Line In 1 Air Capture Enum' 1 '/input/1/air is 1 "Presence"'
run_case "/$small" /input/2/inst i 1 $g4 'Line In 2 Level Capture Enum' 1 '/input/2/inst is 1 "Inst"'
run_case "/$small" /input/1/phantom i 1 $g4 'Line In 1-2 Phantom Power Capture Switch' on '/input/2/phantom i 1'
run_case "/$small" /mix/A/input/2 f -6 $g4 'Mix A Input 02 Playback Volume' 148 '/mix/A/input/2 f -6\.0'
run_case "/$small" /route/PCM_03 s 'Mix A' $g4 'PCM 03 Capture Enum' 3 '/route/PCM_03 is 3 "Mix A"'
run_case "/$small" '/control/Direct_Monitor_Playback_Enum' s Mono $g4 'Direct Monitor Playback Enum' 1 '/control/Direct_Monitor_Playback_Enum is 1 "Mono"'

# A change made by amixer, in another process, reaches the registered peer.
count=$((count + 1))
oscsend localhost "$port" /subscribe i "$dump_port"
amixer -q -D scarlett_sim:$g3 cset 'name=Line In 5 Air Capture Switch' on
if waitfor "$work/dump.log" "/$big/input/5/air i 1"; then
	echo "ok: amixer's change reached oscdump"
else
	fail "amixer's change did not reach oscdump"
fi

# Nothing refused: oscsend cannot read /error, so the bridge's log must be clean.
if grep -q ': /' "$work/osc.log"; then
	fail "scarlett-osc answered errors:"
	grep ': /' "$work/osc.log"
fi
echo "$((count - failed)) of $count passed"
[ "$failed" -eq 0 ]
