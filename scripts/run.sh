#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Installs what scarlettd needs, builds it, and runs it in the foreground on every
# Focusrite card it finds (now or plugged in later). Without Focusrite hardware it
# also serves a simulated Scarlett 18i20 3rd Gen (SCARLETTD_SIMULATE=MODEL picks
# another, "none" none). Extra arguments go to scarlettd.
set -eu
cd "$(dirname "$0")/.."

# Before minutes of installing and building: the daemon needs a private directory
# for its sockets, and scarlettctl must find the same one.
if [ -z "${SCARLETTD_SOCKET_DIR:-}" ] && [ -z "${XDG_RUNTIME_DIR:-}" ]; then
	cat >&2 <<HINT
scarlettd: XDG_RUNTIME_DIR is not set (a root shell, ssh without a login session, a
container?), so there is no private directory for the daemon's sockets. Either
  export XDG_RUNTIME_DIR=/run/user/\$(id -u); mkdir -p -m 0700 "\$XDG_RUNTIME_DIR"
or choose one for scarlettd and scarlettctl alone:
  export SCARLETTD_SOCKET_DIR=\$HOME/.scarlettd
then run $0 again, and use the same setting in the terminal where you try scarlettctl.
HINT
	exit 1
fi

./scripts/install-deps.sh
# Only what runs: the test suite (and doctest) is scripts/test.sh's job.
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSCARLETTD_BUILD_TESTS=OFF >/dev/null
cmake --build build -j"$(nproc)" --target scarlettd scarlettctl scarlett-sim scarlett_sim_plugin

has_focusrite() {
	grep -qiE 'Scarlett|Clarett|Vocaster' /proc/asound/cards 2>/dev/null && return 0
	grep -qs '^1235:' /proc/asound/card*/usbid
}

model=${SCARLETTD_SIMULATE:-}
if [ -z "$model" ]; then
	if has_focusrite; then model=none; else model=scarlett-gen3-18i20; fi
fi

# What the other terminal needs to find this daemon's sockets, when it is not the default.
same_env=""
[ -n "${SCARLETTD_SOCKET_DIR:-}" ] && same_env="export SCARLETTD_SOCKET_DIR=$SCARLETTD_SOCKET_DIR; "

if [ "$model" = none ]; then
	echo "scarlettd: built. Starting it; try '${same_env}./build/cli/scarlettctl devices' in another terminal." >&2
	exec ./build/daemon/scarlettd -v "$@"
fi

conf="/usr/share/alsa/alsa.conf:$PWD/build/sim/plugin/scarlett-sim.conf"
cat >&2 <<HINT
scarlettd: built. No Focusrite hardware here, so it serves a simulated $model.
In another terminal, try:${same_env:+
  $same_env}
  ./build/cli/scarlettctl devices                 # the virtual device (and any real one)
  ./build/cli/scarlettctl watch                   # every change, as it happens
  ./build/cli/scarlettctl meters                  # live level meters
  ./build/sim/server/scarlett-sim actions         # what you can do as the hardware:
  ./build/sim/server/scarlett-sim knob 40         #   turn the monitor knob
  ./build/sim/server/scarlett-sim signal 1 -12    #   sing into input 1
  ALSA_CONFIG_PATH=$conf alsamixer -D scarlett_sim:$model
HINT
exec ./build/daemon/scarlettd -v --simulate "$model" "$@"
