#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Debian 12 packages the full benchmark run needs beyond scripts/install-deps.sh --test (which
# bench/run.sh does not repeat): idempotent, called by bench/run.sh.
#   linux-perf   perf stat -e raw_syscalls:sys_enter: exact syscall counts in the VM
#                without slowing the process down (strace stops it at every call)
#   gnuplot-nox  bench/plot.sh: the PNG figures of docs/BENCHMARKS.md
set -eu
PKGS="linux-perf gnuplot-nox"
missing=""
for p in $PKGS; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
[ -n "$missing" ] || exit 0
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO=sudo
echo "bench: installing$missing" >&2
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
