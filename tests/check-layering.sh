#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# The layering rules of the README, checked on the includes (the CMake link edges
# enforce the same at link time): each line is "folder: forbidden include pattern".
set -eu
cd "$(dirname "$0")/.."
status=0
check() {
	folder=$1
	pattern=$2
	hits=$(grep -rnE "#include [<\"]($pattern)" "$folder" --include='*.hpp' --include='*.cpp' || true)
	if [ -n "$hits" ]; then
		echo "layering violation in $folder/ (must not include $pattern):"
		echo "$hits"
		status=1
	fi
}
check alsa 'nlohmann/|ipc/|daemon/|cli/|sim/|systemd/'
check ipc 'alsa|daemon/core|daemon/[A-Z]|cli/|sim/|systemd/'
check event 'alsa|nlohmann/|ipc/|daemon/|cli/|sim/|systemd/'
check daemon/core 'alsa/asoundlib|alsa/Card|alsa/Discovery|alsa/Identity|nlohmann/|ipc/|daemon/event|daemon/[A-Z]|systemd/'
check cli 'alsa|ipc/|daemon/|sim/|systemd/'
check systemd 'alsa|nlohmann/|ipc/|daemon/|cli/'
# sim/: of alsa/ only Types.hpp (plain data, no libasound); nothing of daemon/.
check sim 'nlohmann/|ipc/|daemon/|cli/|systemd/|alsa/([A-SU-Z]|T[^y])'
[ $status -eq 0 ] && echo "layering: ok"
exit $status
