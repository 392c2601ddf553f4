#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# summary.sh RESULTS.txt SUMMARY.json: the one summary table of bench/run.sh (stdout)
# and the same rows as JSON. A row whose inputs are absent says "MISSING".
set -eu
awk -v json="$2" '
function get(tag, sel, key,    i, r) {
	# the value of key in the first RESULT line of tag whose fields contain sel
	for (i = 1; i <= n; i++) {
		if (T[i] != tag) continue
		if (sel != "" && index(" " L[i] " ", " " sel " ") == 0) continue
		if ((i, key) in V) return V[i, key]
	}
	return ""
}
function row(id, metric, cond, result, target, verdict) {
	if (result == "" || result ~ /^ *$/ || result ~ /(^|[^0-9a-z])nan/) { result = "MISSING"; verdict = "MISSING" }
	printf "%-13s %-38s %-44s %-22s %s\n", metric, cond, result, target, verdict
	js = js sprintf("%s\n  {\"id\":\"%s\",\"metric\":\"%s\",\"condition\":\"%s\",\"result\":\"%s\",\"target\":\"%s\",\"verdict\":\"%s\"}",
		(js == "" ? "" : ","), id, metric, cond, result, target, verdict)
}
function ok(c) { return c ? "met" : "MISSED" }
function vs_floor(id, cond, cpu, fl) { # CPU per notification of the daemon against the floor
	row(id, "  vs floor", cond, (has(fl) && fl + 0 > 0 && has(cpu)) ? sprintf("%.2f / %.2f us = %.2fx", cpu, fl, cpu / fl) : "", "<= 1.5x", (has(fl) && fl + 0 > 0 && has(cpu)) ? ok(cpu / fl <= 1.5) : "")
}
function has(x) { return x != "" }
/^RESULT/ {
	n++; T[n] = $2; L[n] = ""
	for (i = 3; i <= NF; i++) {
		L[n] = L[n] " " $i
		eq = index($i, "="); V[n, substr($i, 1, eq - 1)] = substr($i, eq + 1)
	}
	L[n] = substr(L[n], 2)
}
END {
	printf "%-13s %-38s %-44s %-22s %s\n", "metric", "condition", "result", "target", "verdict"
	printf "%s\n", "------------------------------------------------------------------------------------------------------------------------------"
	# idle (VM)
	s = get("vm_idle", "who=scarlettd", "syscalls_per_min"); c = get("vm_idle", "who=scarlettd", "ctxt_per_min")
	row("idle", "idle", "VM, 100 subscribed clients, per minute", has(s) ? s " syscalls, " c " ctx switches" : "", "0 / 0", ok(s + 0 == 0 && c + 0 == 0))
	for (w = 1; w <= 3; w++) {
		who = w == 1 ? "alsactl-monitor" : (w == 2 ? "poll-10hz" : "poll-busy")
		s = get("vm_idle", "who=" who, "syscalls_per_min"); c = get("vm_idle", "who=" who, "ctxt_per_min")
		row("idle_" who, "  baseline", who ", per minute", has(s) ? s " syscalls, " c " ctx switches" : "", "(reference)", "-")
	}
	# per change (VM)
	for (k = 0; k <= 3; k++) {
		cl = k == 0 ? 0 : (k == 1 ? 1 : (k == 2 ? 10 : 100))
		p = get("vm_per_change", "clients=" cl, "per_change")
		kinds = get("vm_per_change", "clients=" cl, "kinds")
		row("per_change_" cl, "per change", "VM, daemon syscalls, " cl " subscribers", has(p) ? p " (" kinds ")" : "", "<= " 4 + cl, has(p) ? ok(p + 0 <= 4 + cl) : "")
	}
	# latency (VM)
	d50 = get("vm_latency", "observer=scarlettd", "p50_us"); d99 = get("vm_latency", "observer=scarlettd", "p99_us")
	a50 = get("vm_latency", "observer=alsactl", "p50_us"); a99 = get("vm_latency", "observer=alsactl", "p99_us")
	r50 = get("vm_latency", "observer=alsactl", "daemon_p50_ratio"); r99 = get("vm_latency", "observer=alsactl", "daemon_p99_ratio")
	nn = get("vm_latency", "observer=scarlettd", "n")
	row("latency", "latency", "VM, write->subscriber, n=" nn, has(r50) ? sprintf("p50 %.0f/%.0f us = %.2fx, p99 %.0f/%.0f us = %.2fx", d50, a50, r50, d99, a99, r99) : "", "p50<=1.25x p99<=1.5x", has(r50) ? ok(r50 + 0 <= 1.25 && r99 + 0 <= 1.5) : "")
	for (w = 1; w <= 2; w++) {
		who = w == 1 ? "scd-poller" : ""
	}
	# pollers latency (same run as a daemon subscriber and alsactl monitor)
	m = 0
	for (i = 1; i <= n; i++) if (T[i] == "vm_latency_pollers" && index(L[i], "observer=scd-poller") == 0 && index(L[i], "observer=scarlettd") == 0) m = i
	for (i = 1; i <= n; i++) {
		if (T[i] != "vm_latency_pollers") continue
		split(L[i], f, " "); obs = f[1]; sub("observer=", "", obs)
		row("latency_" obs NR i, "  baseline", "latency " obs ", n=" V[i, "n"], sprintf("p50 %.0f us, p99 %.0f us", V[i, "p50_us"], V[i, "p99_us"]), "(reference)", "-")
	}
	# fan-out (host)
	for (k = 1; k <= 4; k++) {
		cl = k == 1 ? 1 : (k == 2 ? 10 : (k == 3 ? 100 : 1000))
		r = get("fanout", "clients=" cl, "notifications_per_s"); cpu = get("fanout", "clients=" cl, "cpu_us_per_notification")
		row("fanout_" cl, "fan-out", "host, " cl " subscribers", has(r) ? sprintf("%d notif/s, %.2f us CPU/notif", r, cpu) : "", ">= 300000/s", has(r) ? ok(r + 0 >= 300000) : "")
		if (cl < 100) continue
		fl = get("floor", "clients=" cl " paced=0", "cpu_us_per_notification"); lb = get("floor", "clients=" cl " paced=0", "line_bytes")
		vs_floor("fanout_floor_" cl, "CPU/notif, " cl " sockets, " lb " B lines", cpu, fl)
		vs_floor("fanout_floor_paced_" cl, "the same, at the daemon'"'"'s pace", cpu, get("floor", "clients=" cl " paced=1", "cpu_us_per_notification"))
	}
	# burst
	cv = get("burst", "", "converged"); ch = get("burst", "", "changes"); mpc = get("burst", "", "messages_per_change"); ws = get("burst", "", "write_s")
	row("burst", "burst", "host, " ch " changes in " ws " s, 10 subscribers", has(cv) ? cv "/10 converged, " mpc " messages/change" : "", "all converge", has(cv) ? ok(cv + 0 == 10) : "")
	# a client subscribing with a snapshot (context: no issue sets a target)
	sc = get("snapshot", "", "cpu_us_per_snapshot"); sb = get("snapshot", "", "reply_bytes")
	row("snapshot", "snapshot", "host, subscribe + snapshot, 1 at a time", has(sc) ? sprintf("%.0f us CPU per snapshot of %d B", sc, sb) : "", "(context)", has(sc) ? "-" : "")
	# slow consumer
	rw = get("slow_with", "", "rss_max_kb"); rwo = get("slow_without", "", "rss_max_kb")
	rf = get("slow_with", "", "rss_first_kb")
	p1 = get("slow_with", "", "p99_us"); p0 = get("slow_without", "", "p99_us")
	ratio = (p0 + 0 > 0) ? p1 / p0 : ""
	row("slow_consumer", "slow consumer", "host, 10k changes/s, 1 stalled + 10", has(rw) && ratio != "" ? sprintf("RSS max %d KiB (without: %d); p99 %.0f/%.0f us = %.2fx", rw, rwo, p1, p0, ratio) : "", "RSS bounded, p99<=1.1x", has(rw) && ratio != "" ? ok(rw + 0 <= rwo + 8192 && ratio + 0 <= 1.1) : "")
	# memory bound (issue 11.4)
	mx = get("memory", "", "rss_max_kb"); bd = get("memory", "", "bound_kb"); ri = get("memory", "", "rss_idle_kb")
	ra = get("memory", "", "rss_after_kb"); mc = get("memory", "", "clients")
	row("memory", "memory", "host, " mc " clients: half stalled, half partial", has(mx) ? sprintf("RSS max %.1f MiB (idle %.1f, after %.1f)", mx / 1024, ri / 1024, ra / 1024) : "", has(bd) ? sprintf("<= %.0f MiB (limits)", bd / 1024) : "<= bound", has(mx) ? ok(mx + 0 <= bd + 0) : "")
	# chaos (issue 11; not in --smoke, so the row is there only when it ran)
	q = get("chaos", "", "quiet_p99_ms"); cp = get("chaos", "", "chaos_p99_ms")
	if (has(q)) row("chaos", "chaos", "host, 100 clients, 1000 changes/s, 50 replugs", sprintf("probe p99 %.2f ms (quiet %.2f ms) = %.1fx, p50 %.2f ms", cp, q, cp / q, get("chaos", "", "chaos_p50_ms")), "p99 <= 5x quiet", ok(cp + 0 <= 5 * q))
	# startup
	big = ""; worst = 0; worst_rss = 0; cnt = 0
	for (i = 1; i <= n; i++) {
		if (T[i] !~ /^startup_/) continue
		cnt++
		if (V[i, "ready_ms_median"] + 0 > worst) worst = V[i, "ready_ms_median"] + 0
		if (V[i, "rss_kb"] + 0 > worst_rss) worst_rss = V[i, "rss_kb"] + 0
		if (T[i] == "startup_scarlett-gen4-18i20") { big = sprintf("%.1f ms, RSS %.1f MiB (%s controls)", V[i, "ready_ms_median"], V[i, "rss_kb"] / 1024, V[i, "controls"]); bigok = V[i, "ready_ms_median"] + 0 <= 20 && V[i, "rss_kb"] + 0 <= 8192 }
	}
	row("startup", "startup", "host, Gen 4 18i20 dump (936 controls)", big, "<= 20 ms, <= 8 MiB", big != "" ? ok(bigok) : "")
	vt = get("vm_startup_gen4-18i20", "", "ready_ms_median"); vr = get("vm_startup_gen4-18i20", "", "rss_kb")
	am = get("vm_startup_ref", "", "ms")
	row("startup_vm", "  startup", "VM, Gen 4 18i20 dump, real kernel (TCG)", has(vt) ? sprintf("%.0f ms (amixer contents: %d ms), RSS %.1f MiB", vt, am, vr / 1024) : "", "RSS <= 8 MiB", has(vr) ? ok(vr + 0 <= 8192) : "")
	row("startup_all", "  startup", "host, every dump (" cnt " files)", cnt ? sprintf("worst %.1f ms, worst RSS %.1f MiB", worst, worst_rss / 1024) : "", "(reference)", "-")
	print "[" js "\n]" > json
}' "$1"
