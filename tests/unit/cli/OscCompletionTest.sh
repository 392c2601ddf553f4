#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Sources scarlett-osc's bash completion ($1) and checks COMPREPLY for command lines
# as bash hands them over. The function reads the line (COMP_LINE, COMP_POINT), not
# COMP_WORDS, because bash splits words at ":" and "=", so only those are set here.
#   OscCompletionTest.sh cli/completion/scarlett-osc.bash
set -u
completion=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/run/scarlettd" "$work/run/other"
touch "$work/studio.json" "$work/run/file"

# shellcheck source=/dev/null
source "$completion" || exit 1
# shellcheck source=compare-reply.bash
source "$(dirname "$0")/compare-reply.bash" || exit 1
# What an interactive bash has; a script has the same unless it changed it.
COMP_WORDBREAKS=$' \t\n"\'><=;|&(:'

failures=0

# check LINE -- EXPECTED...: completes LINE (the cursor at its end) and compares
# COMPREPLY (sorted) with EXPECTED.
check() {
    local line=$1
    shift 2
    local -a expected=("$@")
    COMP_LINE=$line
    COMP_POINT=${#line}
    COMP_WORDS=()
    COMP_CWORD=0
    compare_reply _scarlett_osc "$line" "${expected[@]}"
}

check 'scarlett-osc ' -- -l --listen -a --allow -s --socket-dir -r --rate --layout -v --verbose -q --quiet \
    -h --help -V --version
check 'scarlett-osc --l' -- --listen --layout
check 'scarlett-osc -v --q' -- --quiet
check 'scarlett-osc --listen 127.0.0.1:7000 --al' -- --allow
# Addresses: readline replaces what follows the last ":", so that is what is given.
check 'scarlett-osc --listen ' -- 127.0.0.1:7000 '[::1]:7000'
check 'scarlett-osc -l 12' -- 127.0.0.1:7000
check 'scarlett-osc --listen 127.0.0.1:' -- 7000
check 'scarlett-osc --listen 127.0.0.1:70' -- 7000
check 'scarlett-osc --listen [' -- '[::1]:7000'
check 'scarlett-osc --listen [:' -- ':1]:7000'
check 'scarlett-osc --listen [::1]:' -- 7000
check 'scarlett-osc --listen=127' -- 127.0.0.1:7000
check 'scarlett-osc --listen=[::1]:7' -- 7000
check 'scarlett-osc --listen 10.' --
# Networks are typed, not completed.
check 'scarlett-osc --allow ' --
check 'scarlett-osc -a 192.168.' --
check 'scarlett-osc --rate 2' -- 200
check 'scarlett-osc -r ' -- 50 100 200 500 1000
# Directories and files.
check "scarlett-osc --socket-dir $work/run/" -- "$work/run/scarlettd" "$work/run/other"
check "scarlett-osc -s $work/run/s" -- "$work/run/scarlettd"
check "scarlett-osc --socket-dir=$work/run/o" -- "$work/run/other"
check "scarlett-osc --layout $work/st" -- "$work/studio.json"
check 'scarlett-osc --layout -' -- -
check "scarlett-osc --layout=$work/studio" -- "$work/studio.json"
(cd "$work" && check 'scarlett-osc --layout ' -- - run studio.json) || ((failures++))

if ((failures)); then
    echo "$failures completion check(s) failed"
    exit 1
fi
echo "all completion checks passed"
