#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# The layering rules of the README, checked twice: on the includes of every folder,
# and on the link edges CMake has between the project's targets (cmake --graphviz of
# a scratch configure). The rules:
#   event/    nothing of ours            alsa/     nothing of ours but its types
#   ipc/      event/ only                systemd/  nothing of ours
#   daemon/core/  alsa/Types only        cli/      nothing of ours (a client)
#   daemon/state/ alsa/Types and sim/StateFile (files and their formats: no loop,
#             no JSON; alsactl's format has one reader, shared with the simulator)
#   sim/      event/ and alsa/Types.hpp, never daemon/, ipc/ or systemd/
#   bench/    nothing of ours (the public protocol only)
#   bridges/  bridges/, event/, the public client (cli/Client), the journal check
#             (systemd/Journal.hpp) and the version, never the daemon
#   daemon/   the only folder that sees all
#   layering.sh [SOURCE_DIR]   (default: this checkout)
set -eu
src=$(cd "${1:-$(dirname "$0")/..}" && pwd)
cd "$src"
status=0

# folder, forbidden include pattern, allowed exceptions (grep -E over "file:line:text")
check() {
	hits=$(grep -rnE "#include ($2)" "$1" --include='*.hpp' --include='*.cpp' || true)
	[ -z "${3:-}" ] || hits=$(echo "$hits" | grep -vE "$3" || true)
	if [ -n "$hits" ]; then
		echo "layering violation in $1/ (must not include $2):"
		echo "$hits"
		status=1
	fi
}
ours='"(alsa|ipc|daemon|cli|sim|systemd|event|bench|bridges|generated)/|<nlohmann/'
check event "$ours" '#include "event/'
check alsa "$ours" '#include "alsa/'
check ipc "$ours" '#include "(ipc|event)/|#include <nlohmann/'
check systemd "$ours" '#include "systemd/'
check daemon/core "$ours" '#include "(daemon/core|alsa/Types)'
check daemon/state "$ours" '#include "(daemon/state|alsa/Types|sim/StateFile\.hpp)'
check cli "$ours" '#include ("cli/|"generated/|<nlohmann/)'
check sim "$ours" '#include "(sim/|event/|alsa/Types\.hpp)'
check bench "$ours" '#include "bench/'
check bridges "$ours" '#include ("bridges/|"cli/Client\.hpp|"event/|"systemd/Journal\.hpp|"generated/|<nlohmann/)'

# Link edges: "target dependency" for every direct dependency CMake knows.
scratch=$(mktemp -d "${TMPDIR:-/tmp}/scd-layering.XXXXXX")
trap 'rm -rf "$scratch"' EXIT
if cmake -S "$src" -B "$scratch" --graphviz="$scratch/deps.dot" -DSCARLETTD_BUILD_TESTS=OFF \
	>"$scratch/cmake.log" 2>&1; then
	edges=$(sed -n 's|.*// \(.*\) -> \(.*\)$|\1 \2|p' "$scratch/deps.dot" | sort -u)
	# target pattern, allowed project dependencies (a project dependency is scd_*)
	link_rule() {
		bad=$(echo "$edges" | awk -v t="^($1)\$" -v ok="^($2)\$" \
			'$1 ~ t && $2 ~ /^scd_/ && $2 != "scd_warnings" && $2 !~ ok { print "  " $1 " -> " $2 }')
		if [ -n "$bad" ]; then
			echo "layering violation in the link edges (allowed for $1: ${2:-nothing of ours}):"
			echo "$bad"
			status=1
		fi
	}
	link_rule 'scd_event' '-'
	link_rule 'scd_alsa_types' '-'
	link_rule 'scd_alsa' 'scd_alsa_types'
	link_rule 'scd_ipc' 'scd_event'
	link_rule 'scd_systemd' '-'
	link_rule 'scd_core' 'scd_alsa_types'
	link_rule 'scd_state' 'scd_alsa_types|scd_sim_state'
	link_rule 'scd_client|scd_cli|scarlettctl' 'scd_client|scd_cli'
	link_rule 'scd_sim_.*|scarlett-sim|scarlett_sim_plugin|scarlett-load-state' \
		'scd_sim_.*|scd_event|scd_alsa_types'
	link_rule 'scd-bench|scd-poller' '-'
	link_rule 'scd_osc_.*|scd_bridge_.*|scarlett-osc' 'scd_osc_.*|scd_bridge_.*|scd_client|scd_event|scd_systemd'
	# Everything above is something daemon/ may use; nothing may use daemon/.
	users=$(echo "$edges" | awk '$2 ~ /^scd_(daemon|simulate)$/ && $1 !~ /^(scd_simulate|scarlettd)$/ { print "  " $1 " -> " $2 }')
	if [ -n "$users" ]; then
		echo "layering violation: only scarlettd links the daemon:"
		echo "$users"
		status=1
	fi
	echo "layering: $(echo "$edges" | wc -l) link edges checked"
else
	echo "layering: cmake --graphviz failed:"
	tail -20 "$scratch/cmake.log"
	status=1
fi
[ $status -eq 0 ] && echo "layering: ok"
exit $status
