#!/usr/bin/env bash
# lite_cli.sh — the stigmem-lite command end to end: flags, start/stop,
# auth modes, --demo, --peers, faults, persistence. Prints PASS:/FAIL: lines.
set -u
ROOT=${ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
BUILD=${BUILD:-$ROOT/build}
case "$BUILD" in /*) ;; *) BUILD="$ROOT/$BUILD" ;; esac
LITE="$BUILD/stigmem-lite"
W=$(mktemp -d "${TMPDIR:-/tmp}/lite-cli.XXXXXX")
PIDS=()
cleanup() {
	for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done
	rm -rf "$W"
}
trap cleanup EXIT

pass() { echo "PASS: $1"; }
fail() { echo "FAIL: $1${2:+ ($2)}"; }
check() { if eval "$2"; then pass "$1"; else fail "$1" "${3:-}"; fi; }

if [ ! -x "$LITE" ]; then
	fail "binary exists" "$LITE"
	exit 1
fi

# start NAME ARGS... : starts the node in $W, sets PORT and PID.
start() {
	local name=$1
	shift
	: > "$W/$name.out"
	"$LITE" "$@" > "$W/$name.out" 2> "$W/$name.err" &
	PID=$!
	PIDS+=("$PID")
	PORT=""
	for _ in $(seq 1 300); do
		if grep -q 'listening on' "$W/$name.out" 2>/dev/null; then
			PORT=$(sed -n 's/.*:\([0-9]*\)$/\1/p' "$W/$name.out" | head -1)
			return 0
		fi
		kill -0 "$PID" 2>/dev/null || return 1
		sleep 0.05
	done
	return 1
}

# stop PID : SIGTERM and wait; sets RC to the exit status.
stop() {
	kill -TERM "$1" 2>/dev/null
	wait "$1" 2>/dev/null
	RC=$?
}

code() { curl -s -o /dev/null -w '%{http_code}' "$@"; }

# --- flags -----------------------------------------------------------------
out=$("$LITE" --version)
check "version" '[[ "$out" == "stigmem-lite "* ]]' "$out"
"$LITE" --help | grep -q -- '--listen HOST:PORT'
check "help" '[ $? -eq 0 ]'
"$LITE" --no-such-flag >/dev/null 2>&1
check "unknown flag exits 2" '[ $? -eq 2 ]'
"$LITE" --listen nonsense >/dev/null 2>&1
check "bad --listen exits 2" '[ $? -eq 2 ]'

# --- ephemeral port, healthz, SIGTERM ---------------------------------------
cd "$W" || exit 1
if start basic --listen 127.0.0.1:0 --db "$W/basic.db" --quiet; then
	pass "starts on port 0 and prints the port"
	check "healthz" '[ "$(curl -s http://127.0.0.1:$PORT/healthz)" = "{\"status\":\"ok\"}" ]'
	body='{"entity":"stigmem://e2e/user/a","relation":"memory:name","value":{"type":"string","v":"A"},"source":"agent:e2e"}'
	id=$(curl -s -H 'Content-Type: application/json' -d "$body" "http://127.0.0.1:$PORT/v1/facts" |
		sed -n 's/^{"id":"\([^"]*\)".*/\1/p')
	check "assert over HTTP" '[ -n "$id" ]'
	stop "$PID"
	check "SIGTERM exits 0" '[ "$RC" = 0 ]' "rc=$RC"
	if start basic2 --listen 127.0.0.1:0 --db "$W/basic.db" --quiet; then
		check "fact persists across restart" '[ "$(code http://127.0.0.1:$PORT/v1/facts/$id)" = 200 ]'
		kill -INT "$PID"
		wait "$PID"
		RC=$?
		check "SIGINT exits 0" '[ "$RC" = 0 ]' "rc=$RC"
	else
		fail "restart on the same db"
	fi
else
	fail "starts on port 0 and prints the port" "$(cat "$W/basic.err")"
fi

# --- auth ----------------------------------------------------------------------
"$LITE" --listen 0.0.0.0:0 --auth none --db :memory: >/dev/null 2>"$W/open.err"
check "auth none refused off loopback" '[ $? -ne 0 ] && grep -q "non-loopback" "$W/open.err"'
printf 'e2e-admin-key-0123456789\n' > "$W/key"
chmod 644 "$W/key"
"$LITE" --listen 127.0.0.1:0 --db :memory: --bootstrap-key-file "$W/key" >/dev/null 2>"$W/key.err"
check "readable key file refused" '[ $? -ne 0 ] && grep -q "group/other" "$W/key.err"'
chmod 600 "$W/key"
if start auth --listen 127.0.0.1:0 --db :memory: --auth required --bootstrap-key-file "$W/key" --quiet; then
	check "401 without key" '[ "$(code http://127.0.0.1:$PORT/v1/me)" = 401 ]'
	check "WWW-Authenticate" 'curl -s -i http://127.0.0.1:$PORT/v1/me | grep -qi "^www-authenticate: Bearer"'
	check "bootstrap key works" '[ "$(curl -s -H "Authorization: Bearer e2e-admin-key-0123456789" http://127.0.0.1:$PORT/v1/me | grep -c admin)" = 1 ]'
	stop "$PID"
else
	fail "auth required node starts" "$(cat "$W/auth.err")"
fi
if STIGMEM_LITE_BOOTSTRAP_KEY=env-admin-key-0123456789 start envkey --listen 127.0.0.1:0 --db :memory: --auth required --quiet; then
	check "bootstrap key from environment" '[ "$(code -H "Authorization: Bearer env-admin-key-0123456789" http://127.0.0.1:$PORT/v1/me)" = 200 ]'
	stop "$PID"
else
	fail "env key node starts"
fi

# --- peers, faults ---------------------------------------------------------------
printf '[{"peer_id":"p1","node_id":"stigmem:node:x","node_url":"http://x","status":"active","allowed_scopes":["public"]}]' > "$W/peers.json"
if start peers --listen 127.0.0.1:0 --db :memory: --peers "$W/peers.json" --fault-status 503,1.0,/healthz --quiet; then
	check "peers file served" 'curl -s http://127.0.0.1:$PORT/v1/federation/peers | grep -q "\"status\":\"active\""'
	check "fault status on matching route" '[ "$(code http://127.0.0.1:$PORT/healthz)" = 503 ]'
	check "fault spares other routes" '[ "$(code http://127.0.0.1:$PORT/.well-known/stigmem)" = 200 ]'
	stop "$PID"
else
	fail "peers/fault node starts"
fi
"$LITE" --fault-status abc --db :memory: >/dev/null 2>&1
check "bad fault spec exits 2" '[ $? -eq 2 ]'

# --- demo ---------------------------------------------------------------------------
if start demo --listen 127.0.0.1:0 --db "$W/demo.db" --tl-file "$W/demo_tl.jsonl" --demo --quiet; then
	n=$(curl -s "http://127.0.0.1:$PORT/v1/audit?limit=500" | grep -o '"fact_write"' | wc -l)
	check "demo has facts" '[ "$n" -ge 500 ]' "n=$n"
	c=$(curl -s "http://127.0.0.1:$PORT/v1/conflicts?limit=500" | grep -o '"conflict_id"' | wc -l)
	check "demo has conflicts" '[ "$c" -ge 25 ]' "c=$c"
	check "demo wrote the transparency log" '[ -s "$W/demo_tl.jsonl" ]'
	stop "$PID"
else
	fail "demo node starts" "$(cat "$W/demo.err")"
fi
exit 0
