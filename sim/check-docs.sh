#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Checks that docs/man/scarlett-sim.1 documents every command, option and action
# word scarlett-sim knows, and that the page renders without warnings.
#   sim/check-docs.sh BUILD/sim/server/scarlett-sim
# Commands and options come from `scarlett-sim --help` and `show`/`diff`'s usage;
# action words from `scarlett-sim actions` of a Scarlett 18i20 3rd Gen and a 2i2 4th
# Gen served in a temporary SCARLETT_SIM_DIR. Exit status 0 when all is well.
set -u

SIM=${1:?usage: $0 PATH/TO/scarlett-sim}
SOURCE_DIR=$(cd "$(dirname "$0")/.." && pwd)
PAGE=$SOURCE_DIR/docs/man/scarlett-sim.1
COMPLETION=$SOURCE_DIR/cli/completion/scarlett-sim.bash
MODELS=(scarlett-gen3-18i20 scarlett-gen4-2i2)
failures=0

fail() {
    echo "check-docs: $*" >&2
    failures=$((failures + 1))
}

SCARLETT_SIM_DIR=$(mktemp -d "${TMPDIR:-/tmp}/check-docs.XXXXXX") || exit 1
export SCARLETT_SIM_DIR
pids=()
cleanup() {
    local pid
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null; done
    rm -rf "$SCARLETT_SIM_DIR"
}
trap cleanup EXIT

# The page's words as a reader sees them: roff escapes for '-' undone.
text=$(sed -e 's/\\-/-/g' -e 's/\\f[BIPR]//g' "$PAGE")
documented() {
    grep -qw -e "$1" <<<"$text"
}

# Commands and options of the usage lines.
usage=$("$SIM" --help; "$SIM" show 2>&1; "$SIM" diff --bad-option 2>&1)
words=$(grep -E '^ *(usage: )?(scarlett-sim|models|show|diff)' <<<"$usage" |
    sed -e 's/^ *usage://' | tr -s ' []|,' '\n' | grep -E -- '^(--?[a-z][a-z-]*|[a-z][a-z-]+)$' | sort -u)
for word in $words; do
    [[ $word == scarlett-sim ]] && continue
    documented "$word" || fail "'$word' from the usage is not in the man page"
done

# Action words of the models, from running simulators.
for model in "${MODELS[@]}"; do
    exec {ready}< <("$SIM" serve "$model")
    pids+=($!)
    if ! read -r -t 10 line <&"$ready" || [[ $line != ready ]]; then
        fail "the simulator of $model did not start"
        continue
    fi
    actions=$("$SIM" -d "$model" actions) || {
        fail "scarlett-sim -d $model actions failed"
        continue
    }
    # The usage part of each line ("press phantom INPUT"), literal words only.
    for word in $(sed -e 's/  .*//' -e 's/[][|]/ /g' <<<"$actions" | tr ' ' '\n' |
        grep -E '^[a-z]+$' | sort -u); do
        documented "$word" || fail "action word '$word' ($model) is not in the man page"
    done
done

# The page renders without warnings, with groff and with man.
warnings=$(groff -ww -man -z "$PAGE" 2>&1)
[[ -z $warnings ]] || fail "groff -ww -man -z warns: $warnings"
if command -v man >/dev/null; then
    warnings=$(MANWIDTH=80 man --warnings=w -l "$PAGE" 2>&1 >/dev/null)
    [[ -z $warnings ]] || fail "man --warnings=w -l warns: $warnings"
fi
bash -n "$COMPLETION" || fail "$COMPLETION has a syntax error"

if ((failures)); then
    echo "check-docs: $failures problem(s)" >&2
    exit 1
fi
echo "check-docs: the man page documents every command, option and action word"
