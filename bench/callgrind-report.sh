# SPDX-License-Identifier: GPL-3.0-or-later
# Sourced by the VM's callgrind measurements (vm-instructions.sh, vm-startup-profile.sh).

CallgrindTotal() { # FILE: its total Ir
	callgrind_annotate "$1" 2>/dev/null | sed -n 's/ *\([0-9,]*\) .*PROGRAM TOTALS.*/\1/p' | tr -d ,
}

CallgrindReport() { # TITLE FILE INCLUSIVE_LINES SELF_LINES (0: none) WIDTH
	echo "== $1, inclusive"
	callgrind_annotate --inclusive=yes "$2" 2>/dev/null | head -n "$3" | cut -c1-"$5"
	[ "$4" -gt 0 ] || return 0
	echo "== $1, self"
	callgrind_annotate "$2" 2>/dev/null | head -n "$4" | cut -c1-"$5"
}
