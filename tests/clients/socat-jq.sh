#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
set -eu
#
# scarlettd driven by Debian's socat and jq, the way the README and protocol-v1
# tell shell users to: request/response, batches, notifications, the events socket
# and half-close. The daemon is scarlettd-testbed (the real daemon on an in-memory
# device) whose command socket makes changes "from outside".
#
# Usage: socat-jq.sh PATH/TO/scarlettd-testbed
# Exit: 0 passed, 1 failed, 77 skipped (socat or jq missing).

set -o pipefail

testbed=${1:?usage: socat-jq.sh PATH/TO/scarlettd-testbed}
for tool in socat jq; do
	if ! command -v "$tool" >/dev/null; then
		echo "SKIP: $tool is not installed (apt-get install $tool)"
		exit 77
	fi
done

dev=usb-1235-8215-TESTBED
dir=$(mktemp -d)
sock=$dir/sock
pids=()
cleanup() {
	for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
	wait 2>/dev/null || true
	rm -rf "$dir"
}
trap cleanup EXIT

failures=0
fail() {
	echo "FAIL: $*"
	failures=$((failures + 1))
}
pass() { echo "ok: $*"; }

# wait_for SECONDS COMMAND...: polls COMMAND until it succeeds; false on timeout.
wait_for() {
	local deadline=$((SECONDS + $1))
	shift
	until "$@"; do
		[ "$SECONDS" -lt "$deadline" ] || return 1
		sleep 0.05
	done
}

# has_line FILE: FILE holds at least one complete line (socat may write a line in parts).
has_line() { [ -s "$1" ] && [ -z "$(tail -c 1 "$1")" ]; }

# check NAME JSON JQ-FILTER: the filter must be true for JSON.
check() {
	if printf '%s' "$2" | jq -e "$3" >/dev/null 2>&1; then
		pass "$1"
	else
		fail "$1: '$3' is not true for: $2"
	fi
}

# tb COMMAND...: one command on the testbed's socket; prints the reply, fails unless ok.
tb() {
	local reply
	reply=$(printf '%s\n' "$*" | socat -t 10 - "UNIX-CONNECT:$dir/cmd")
	case $reply in
	ok*) printf '%s\n' "$reply" ;;
	*) fail "testbed '$*': $reply"; return 1 ;;
	esac
}

"$testbed" --socket-dir "$sock" --control "$dir/cmd" --small --max-line 4096 \
	>"$dir/testbed.out" 2>"$dir/testbed.err" &
pids+=($!)
if ! wait_for 20 grep -qx ready "$dir/testbed.out"; then
	cat "$dir/testbed.err"
	echo "FAIL: the testbed did not get ready"
	exit 1
fi

# One long-lived control connection through fifos: call JSON prints the next line.
mkfifo "$dir/requests" "$dir/replies"
socat - "UNIX-CONNECT:$sock/control.sock" <"$dir/requests" >"$dir/replies" &
control_pid=$!
pids+=($control_pid)
exec 3>"$dir/requests" 4<"$dir/replies"
# Requests are written over several lines here for reading; the wire wants one.
oneline() { printf '%s\n' "${1//[$'\n\t']/ }"; }
call() {
	oneline "$1" >&3
	local line
	if ! IFS= read -r -t 10 line <&4; then
		fail "no reply within 10 s to: $1"
		return 1
	fi
	printf '%s\n' "$line"
}
send() { oneline "$1" >&3; }

# --- request / response ---------------------------------------------------------

r=$(call '{"jsonrpc":"2.0","id":1,"method":"daemon.info"}')
check "daemon.info" "$r" '.jsonrpc == "2.0" and .id == 1 and .result.name == "scarlettd"
	and .result.protocol.major == 1 and (.result.pid | type) == "number"
	and .result.devices == 1'

r=$(call '{"jsonrpc":"2.0","id":"text-id","method":"devices.list"}')
check "devices.list, string id echoed" "$r" '.id == "text-id" and (.result.seq | type) == "number"
	and (.result.devices | length) == 1
	and .result.devices[0].id == "'$dev'" and .result.devices[0].online == true
	and .result.devices[0].usb.vendor == "1235" and .result.devices[0].controls == 15'

r=$(call '{"jsonrpc":"2.0","id":2,"method":"controls.get","params":{"device":"'$dev'",
	"controls":[1,"Line In 1 Air Capture Switch",{"numid":3},{"name":"Firmware Version","iface":"card"}]}}')
check "controls.get by numid, name and objects" "$r" '.id == 2 and .result.device == "'$dev'"
	and ([.result.controls[].numid] == [1,2,3,6])
	and .result.controls[0].value == [160] and .result.controls[0].db.min == -80
	and .result.controls[1].value == [false] and .result.controls[1].type == "boolean"
	and .result.controls[2].value == ["Analogue 1"] and .result.controls[2].items[2] == "Analogue 2"
	and .result.controls[3].iface == "card" and .result.controls[3].writable == false'

r=$(call '{"jsonrpc":"2.0","id":3,"method":"controls.set","params":{"changes":[{"control":1,"value":100}]}}')
check "controls.set (device omitted: only one)" "$r" '.id == 3 and .result.controls[0].value == [100]
	and .result.controls[0].db_value == [-30]'
if [ "$(tb get $dev 1)" = "ok 100" ]; then pass "controls.set reached the device"; else fail "device value after controls.set"; fi

# The README's one-shot idiom: socat half-closes after the request, the reply still
# comes, and then the daemon closes (nothing more can come for a client that did not
# subscribe), so socat ends at once instead of waiting its -t.
printf '%s\n' '{"jsonrpc":"2.0","id":4,"method":"controls.get","params":{"controls":[4]}}' |
	socat -t 30 - "UNIX-CONNECT:$sock/control.sock" >"$dir/oneshot" &
oneshot_pid=$!
pids+=($oneshot_pid)
if wait_for 10 has_line "$dir/oneshot"; then
	check "one-shot echo | socat" "$(cat "$dir/oneshot")" '.id == 4 and .result.controls[0].value == [10,20]'
else
	fail "one-shot echo | socat: no reply"
fi
gone() { ! kill -0 "$oneshot_pid" 2>/dev/null; }
if wait_for 5 gone; then pass "one-shot socat ends once answered, not after its -t 30"; else fail "socat still waiting: the daemon kept the half-closed connection"; fi

# --- batches and notifications ------------------------------------------------------

r=$(call '[{"jsonrpc":"2.0","id":10,"method":"daemon.info"},
	{"jsonrpc":"2.0","method":"controls.set","params":{"changes":[{"control":2,"toggle":true}]}},
	{"jsonrpc":"2.0","id":11,"method":"controls.get","params":{"controls":[2]}},
	{"jsonrpc":"2.0","id":12,"method":"no.such.method"}]')
check "batch: one array, no entry for the notification, in order" "$r" 'type == "array" and length == 3
	and ([.[].id] == [10,11,12]) and .[0].result.name == "scarlettd"
	and .[1].result.controls[0].value == [true] and .[2].error.code == -32601'

r=$(call '[]')
check "empty batch: one -32600 error, not an array" "$r" 'type == "object" and .id == null
	and .error.code == -32600 and .error.data.code == "invalid_request"'

# Notifications are executed and never answered: the next line is the request's reply.
send '{"jsonrpc":"2.0","method":"controls.set","params":{"changes":[{"control":4,"value":[30,40]}]}}'
send '{"jsonrpc":"2.0","method":"no.such.method"}'
send '   '
r=$(call '{"jsonrpc":"2.0","id":13,"method":"controls.get","params":{"controls":[4]}}')
check "notifications: executed, not answered; blank line ignored" "$r" '.id == 13 and .result.controls[0].value == [30,40]'

# --- errors -----------------------------------------------------------------------

r=$(call '{"jsonrpc":"2.0","id":20,"method":"controls.frobnicate"}')
check "method.not_found" "$r" '.id == 20 and .error.code == -32601 and .error.data.code == "method.not_found"
	and (.error.message | type) == "string" and (has("result") | not)'

r=$(call '{"jsonrpc":"2.0","id":21,"method":"controls.get","params":{"controls":[1],"bogus":1}}')
check "params.invalid names the field" "$r" '.error.code == -32602 and .error.data.code == "params.invalid"
	and .error.data.field == "bogus"'

r=$(call '{"jsonrpc":"2.0","id":22,"method":"controls.set","params":{"changes":[{"control":1,"value":500}]}}')
check "value.invalid carries min/max" "$r" '.error.code == -32005 and .error.data.code == "value.invalid"
	and .error.data.min == 0 and .error.data.max == 172'

r=$(call '{"jsonrpc":"2.0","id":23,"method":"controls.set","params":{"changes":[{"control":5,"value":"Locked"}]}}')
check "control.read_only" "$r" '.error.code == -32004 and .error.data.code == "control.read_only"'

r=$(call '{not json')
check "parse_error" "$r" '.id == null and .error.code == -32700 and .error.data.code == "parse_error"'

r=$(call '{"jsonrpc":"2.0","id":24,"method":"controls.get","params":{"device":"usb-0000-0000-NOPE","controls":[1]}}')
check "device.not_found" "$r" '.error.code == -32001 and .error.data.code == "device.not_found"'

# --- subscription on the control connection --------------------------------------------

r=$(call '{"jsonrpc":"2.0","id":30,"method":"subscribe","params":{"controls":["Mix A *"],"snapshot":false}}')
check "subscribe" "$r" '.id == 30 and (.result.subscription | type) == "number" and (.result | has("snapshot") | not)'
sub=$(printf '%s' "$r" | jq '.result.subscription')
seq=$(printf '%s' "$r" | jq '.result.seq')
tb set $dev 2 0 >/dev/null
tb set $dev 1 50 >/dev/null
r=$(call '{"jsonrpc":"2.0","id":31,"method":"daemon.info"}')
check "filtered controls.changed arrives before the next reply" "$r" '.method == "controls.changed"
	and (has("id") | not) and .params.subscription == '"$sub"' and .params.seq > '"$seq"'
	and .params.device == "'$dev'" and ([.params.controls[].numid] == [1])
	and .params.controls[0].value == [50] and .params.controls[0].db_value == [-55]'
r=$(IFS= read -r -t 10 line <&4 && printf '%s' "$line")
check "then the reply" "$r" '.id == 31'
exec 3>&- 4<&-
kill "$control_pid"

# --- the events socket ---------------------------------------------------------------

socat -u "UNIX-CONNECT:$sock/events.sock" - >"$dir/events" &
pids+=($!)
if wait_for 10 has_line "$dir/events"; then
	check "events.sock starts with a snapshot" "$(head -n 1 "$dir/events")" '.jsonrpc == "2.0"
		and .method == "snapshot" and (has("id") | not) and (.params.seq | type) == "number"
		and .params.snapshot.devices[0].id == "'$dev'" and (.params.snapshot.controls["'$dev'"] | map(select(.iface != "daemon")) | length) == 6
		and (.params | has("subscription") | not)'
else
	fail "no snapshot on events.sock"
fi
tb set $dev 3 2 >/dev/null
changed_on_events() {
	jq -e -s 'map(select(.method == "controls.changed" and .params.controls[0].numid == 3
		and .params.controls[0].value == ["Analogue 2"])) | length == 1' "$dir/events" >/dev/null 2>&1
}
if wait_for 10 changed_on_events; then
	check "events.sock: external change as controls.changed, no subscription member" \
		"$(grep controls.changed "$dir/events" | tail -n 1)" '(.params | has("subscription") | not)
		and .params.device == "'$dev'"'
else
	fail "no controls.changed on events.sock: $(cat "$dir/events")"
fi
tb unplug $dev >/dev/null
tb replug $dev >/dev/null
removed_added() {
	[ "$(jq -r 'select(.method | startswith("device.")) | .method + " " + (.params.device.online | tostring)' \
		"$dir/events" 2>/dev/null | tr '\n' ' ')" = "device.removed false device.added true " ]
}
if wait_for 10 removed_added; then pass "events.sock: unplug and replug"; else fail "device events: $(cat "$dir/events")"; fi

# --- half-close: a subscriber that shut its write side keeps receiving ---------------

printf '%s\n' '{"jsonrpc":"2.0","id":40,"method":"subscribe","params":{"snapshot":false}}' |
	socat -t 60 - "UNIX-CONNECT:$sock/control.sock" >"$dir/halfclosed" &
socat_pid=$!
pids+=($socat_pid)
if wait_for 10 grep -q '"id":40' "$dir/halfclosed"; then
	pass "half-close: subscribe answered"
else
	fail "half-close: no reply to subscribe"
fi
final=$(tb burst $dev 4 25)
final=${final#ok final }
halfclosed_final() {
	jq -e -s --argjson want "[${final}]" \
		'map(select(.method == "controls.changed") | .params.controls[] | select(.numid == 4))
		| last | .value == $want' "$dir/halfclosed" >/dev/null 2>&1
}
if wait_for 10 halfclosed_final; then
	pass "half-close: notifications keep coming, the latest value last ($final)"
else
	fail "half-close: want $final, got: $(cat "$dir/halfclosed")"
fi
if kill -0 "$socat_pid" 2>/dev/null; then pass "half-close: the daemon kept the connection"; else fail "half-close: connection closed"; fi

# --- a line over the limit: request.too_large, then EOF ------------------------------

long=$(printf '{"jsonrpc":"2.0","id":50,"method":"daemon.info","params":{"pad":"%05000d"}}' 0)
start=$SECONDS
# socat half-closes after the line and would wait 30 s for more: only the daemon's close ends it early.
r=$(printf '%s\n' "$long" | socat -t 30 - "UNIX-CONNECT:$sock/control.sock")
r=${r%%$'\n'*}
check "line over --max-line: request.too_large" "$r" '.id == null and .error.code == -32600
	and .error.data.code == "request.too_large"'
if [ $((SECONDS - start)) -lt 20 ]; then pass "line over the limit: connection closed"; else fail "no EOF after request.too_large"; fi

if [ "$failures" -ne 0 ]; then
	echo "$failures check(s) failed; testbed log:"
	cat "$dir/testbed.err"
	exit 1
fi
echo "all socat/jq client checks passed"
