#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# scarlett-osc's documentation says what the program does: every option of
# `scarlett-osc --help` is in the OPTIONS of scarlett-osc(1) and in the bash
# completion, and neither has one that --help does not; the page renders without
# warnings (groff, man; each where installed), and the completion parses.
#   OscDocsTest.sh BUILD/bridges/osc/scarlett-osc docs/man/scarlett-osc.1 cli/completion/scarlett-osc.bash
set -u
program=$1
page=$2
completion=$3
failures=0
fail() {
    echo "FAIL: $*"
    failures=$((failures + 1))
}

help=$("$program" --help) || fail "scarlett-osc --help exited $?"
# The option column of --help: lines that start with spaces and a dash.
help_options=$(grep -E '^ +-' <<<"$help" | grep -oE -- '(^|[ ,])--?[a-zA-Z][a-z-]*' | tr -d ' ,' | sort -u)
[ -n "$help_options" ] || fail "no options found in --help"

# The OPTIONS section of the page, as a reader sees it ("\-" is "-").
page_options=$(sed -n '/^\.SH OPTIONS/,/^\.SH /p' "$page" | sed -e 's/\\-/-/g' -e 's/\\f[BIPR]//g' |
    awk '/^\.TP/ { getline; print }' | grep -oE -- '(^|[ "])--?[a-zA-Z][a-z-]*' | tr -d ' "' | sort -u)
# The completion's option list.
completion_options=$(sed -n "s/^ *local options='\(.*\)'$/\1/p" "$completion" | tr ' ' '\n' | sort -u)
[ -n "$completion_options" ] || fail "no 'local options=' list in $completion"

for option in $help_options; do
    grep -qxF -- "$option" <<<"$page_options" || fail "$option (--help) is not in OPTIONS of $page"
    grep -qxF -- "$option" <<<"$completion_options" || fail "$option (--help) is not completed by $completion"
done
for option in $page_options; do
    grep -qxF -- "$option" <<<"$help_options" || fail "$option (OPTIONS of $page) is not in --help"
done
for option in $completion_options; do
    grep -qxF -- "$option" <<<"$help_options" || fail "$option (completion) is not in --help"
done

# Where they are (a package's check() may run without them).
if command -v groff >/dev/null; then
    warnings=$(groff -ww -man -z "$page" 2>&1)
    [ -z "$warnings" ] || fail "groff -ww -man -z warns: $warnings"
fi
if command -v man >/dev/null; then
    warnings=$(MANWIDTH=80 man --warnings=w -l "$page" 2>&1 >/dev/null)
    [ -z "$warnings" ] || fail "man --warnings=w -l warns: $warnings"
fi
bash -n "$completion" || fail "$completion does not parse"

if ((failures)); then
    echo "$failures documentation check(s) failed"
    exit 1
fi
echo "scarlett-osc's page and completion name every option of --help ($(wc -w <<<"$help_options") options), and only those"
