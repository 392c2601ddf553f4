# SPDX-License-Identifier: GPL-3.0-or-later
# Sourced by the completion tests: the check they share.
#
# compare_reply FUNCTION WHAT EXPECTED...: runs the completion FUNCTION (the caller
# set COMP_LINE, COMP_POINT, COMP_WORDS and COMP_CWORD) and compares COMPREPLY,
# sorted, with EXPECTED; a difference, or anything FUNCTION wrote to stderr, is a
# failure named by WHAT (counted in the caller's $failures).
compare_reply() {
    local function=$1 what=$2
    shift 2
    local -a expected=("$@")
    COMPREPLY=()
    local errors
    errors=$("$function" 2>&1 >/dev/null)
    "$function" 2>/dev/null
    local got want
    got=$(printf '%s\n' "${COMPREPLY[@]}" | sort)
    want=$(printf '%s\n' "${expected[@]}" | sort)
    if [[ $got != "$want" || -n $errors ]]; then
        echo "FAIL: ${what@Q}"
        echo "  expected: ${expected[*]@Q}"
        echo "  got:      ${COMPREPLY[*]@Q}"
        [[ -n $errors ]] && echo "  stderr:   $errors"
        ((failures++))
    fi
}
