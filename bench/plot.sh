#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# plot.sh RESULTS_DIR OUT_DIR: the PNG figures of docs/BENCHMARKS.md from one
# bench/run.sh results directory (gnuplot, Debian package gnuplot-nox).
set -eu
in=$1 out=$2
command -v gnuplot >/dev/null 2>&1 || { echo "plot.sh: gnuplot missing (apt-get install gnuplot-nox)" >&2; exit 1; }
mkdir -p "$out"
raw="$in/results.txt"
field() { # TAG SELECTOR KEY -> values, one per matching line
	awk -v t="$1" -v s="$2" -v k="$3" '$2 == t && (s == "" || index($0, " " s " ")) {
		for (i = 3; i <= NF; i++) { e = index($i, "="); if (substr($i, 1, e - 1) == k) print substr($i, e + 1) } }' "$raw"
}

# fan-out: notifications/s and CPU per notification against subscribers
for n in 1 10 100 1000; do
	echo "$n $(field fanout clients=$n notifications_per_s) $(field fanout clients=$n cpu_us_per_notification)"
done >"$in/fanout.dat"
gnuplot <<EOF
set terminal pngcairo size 720,400 font ",10" noenhanced
set output "$out/fanout.png"
set title "Fan-out on the virtual 18i20 3rd Gen (host, 2 cores shared with the writer and clients)"
set logscale x
set xlabel "subscribers"
set ylabel "notifications delivered per second"
set y2label "daemon CPU per notification (us)"
set y2tics
set ytics nomirror
set yrange [0:*]
set y2range [0:*]
set key top left
set grid
plot "$in/fanout.dat" using 1:2 with linespoints lw 2 title "notifications/s", \
     "$in/fanout.dat" using 1:3 axes x1y2 with linespoints lw 2 dt 2 title "CPU us/notification", \
     300000 with lines lc rgb "gray" dt 3 title "target 300k/s"
EOF

# slow consumer: RSS over time
if [ -s "$in/rss-with.dat" ]; then
	gnuplot <<EOF
set terminal pngcairo size 720,360 font ",10" noenhanced
set output "$out/slow-consumer-rss.png"
set title "Daemon RSS while 10k changes/s flow to 10 clients"
set xlabel "seconds"
set ylabel "RSS (MiB)"
set yrange [0:*]
set grid
set key bottom right
plot "$in/rss-with.dat" using 1:(\$2/1024) with lines lw 2 title "with one stalled client", \
     "$in/rss-without.dat" using 1:(\$2/1024) with lines lw 2 dt 2 title "without"
EOF
fi

# latency: write -> observer, p50 and p99, same VM run
{
	for o in scarlettd alsactl; do
		echo "$o-monitor $(field vm_latency observer=$o p50_us) $(field vm_latency observer=$o p99_us)" | sed 's/scarlettd-monitor/scarlettd/'
	done
	for o in scd-poller; do
		field vm_latency_pollers observer=$o p50_us >/dev/null
	done
	awk '$2 == "vm_latency_pollers" { o = ""; p50 = ""; p99 = ""
		for (i = 3; i <= NF; i++) { e = index($i, "="); k = substr($i, 1, e - 1); v = substr($i, e + 1)
			if (k == "observer") o = v; if (k == "p50_us") p50 = v; if (k == "p99_us") p99 = v }
		if (o == "scd-poller") { n++; o = (n == 1 ? "poll-10Hz" : "poll-busy") }
		if (o != "scarlettd" && o != "alsactl") print o " " p50 " " p99 }' "$raw"
} | awk 'NF == 3' >"$in/latency.dat"
if [ -s "$in/latency.dat" ]; then
	gnuplot <<EOF
set terminal pngcairo size 720,380 font ",10" noenhanced
set output "$out/latency.png"
set title "ALSA write -> observer has the change (real kernel, qemu TCG VM)"
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.8 border -1
set logscale y
set ylabel "microseconds (log)"
set grid ytics
set key top left
plot "$in/latency.dat" using 2:xtic(1) title "p50", "" using 3 title "p99"
EOF
fi

# idle: syscalls per minute (log; 0 drawn as 0.5 and labelled)
awk '$2 == "vm_idle" { w = ""; s = ""; c = ""
	for (i = 3; i <= NF; i++) { e = index($i, "="); k = substr($i, 1, e - 1); v = substr($i, e + 1)
		if (k == "who") w = v; if (k == "syscalls_per_min") s = v; if (k == "ctxt_per_min") c = v }
	print w " " (s > 0 ? s : 0.5) " " s " " (c > 0 ? c : 0.5) " " c }' "$raw" >"$in/idle.dat"
if [ -s "$in/idle.dat" ]; then
	gnuplot <<EOF
set terminal pngcairo size 720,380 font ",10" noenhanced
set output "$out/idle.png"
set title "Idle, per minute (real kernel VM; scarlettd with 100 subscribed clients)"
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.8 border -1
set logscale y
set yrange [0.3:*]
set ylabel "per minute (log; 0 shown at the floor)"
set grid ytics
set key top left
plot "$in/idle.dat" using 2:xtic(1) title "syscalls", "" using 4 title "context switches", \
     "" using 0:(\$2*1.6):3 with labels offset -2,0 notitle
EOF
fi
ls "$out"/*.png
