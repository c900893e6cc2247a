#!/usr/bin/env bash
# card.sh — headless screen tests of the memory card pane (tab 4).
#
# A stigmem-lite node with the demo dataset runs on 127.0.0.1:0 with a
# throwaway database; the inspector connects with --url and is driven by a
# --script (see ui_frame.sh). Covered: a card with contradictions and its
# link to the facts pane, the hostile-strings card (visible markers, no raw
# control bytes), staleness observed by the inspector (a fact asserted by
# this script while the card is shown gives "stale: 1 newer fact"), the
# rebuild with refresh=true, and a scope without facts (404 explained).
# UPDATE_GOLDENS=1 rewrites the goldens. Prints PASS:/FAIL: lines.
set -u
ROOT=${ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
BUILD=${BUILD:-$ROOT/build}
case "$BUILD" in /*) ;; *) BUILD="$ROOT/$BUILD" ;; esac
BIN=$BUILD/stigmem-tui
LITE=$BUILD/stigmem-lite
GOLD=$ROOT/tests/screen/goldens
TMP=$(mktemp -d "${TMPDIR:-/tmp}/stigmem-card.XXXXXX")
NODE_PID=
BG_PID=
cleanup() {
	[ -n "$BG_PID" ] && kill "$BG_PID" 2>/dev/null
	[ -n "$NODE_PID" ] && kill "$NODE_PID" 2>/dev/null && wait "$NODE_PID" 2>/dev/null
	rm -rf "$TMP"
}
trap cleanup EXIT

for b in "$BIN" "$LITE"; do
	if [ ! -x "$b" ]; then
		echo "FAIL: card (no binary at $b)"
		exit 1
	fi
done
if ! command -v curl > /dev/null; then
	echo "FAIL: card (curl is needed to assert a fact)"
	exit 1
fi

mkdir -p "$TMP/home" "$TMP/xdg" "$TMP/node"
export LINES=30 COLUMNS=110 TERM=dumb LC_ALL=C.UTF-8 TZ=UTC HOME="$TMP/home" \
	XDG_CONFIG_HOME="$TMP/xdg"
unset NO_COLOR STIGMEM_URL STIGMEM_API_KEY STIGMEM_API_KEY_FILE STIGMEM_PROFILE \
	STIGMEM_TUI_CONFIG STIGMEM_TUI_THEME STIGMEM_TUI_SCRIPT STIGMEM_TUI_DUMP_DIR ESCDELAY

# ---- the node ------------------------------------------------------------------
"$LITE" --listen 127.0.0.1:0 --db "$TMP/node/demo.db" --tl-file "$TMP/node/tl.jsonl" --demo \
	--quiet > "$TMP/node/out" 2> "$TMP/node/err" &
NODE_PID=$!
URL=
for _ in $(seq 1 300); do
	URL=$(sed -n 's/^stigmem-lite listening on \(127\.0\.0\.1:[0-9]*\).*/http:\/\/\1/p' "$TMP/node/out")
	[ -n "$URL" ] && break
	kill -0 "$NODE_PID" 2>/dev/null || break
	sleep 0.1
done
if [ -z "$URL" ]; then
	echo "FAIL: card (stigmem-lite did not start)"
	sed -n 1,20p "$TMP/node/err"
	exit 1
fi

# The tab bar lists every pane (it changes whenever a pane is added): keep
# the focused tab only.
normalize() {
	sed -E -e '1s/^.*(\[[0-9] [^]]*\]).*$/TABS \1/' \
		-e 's/127\.0\.0\.1:[0-9]+/127.0.0.1:PORT/g' \
		-e 's/[0-9]{4}-[0-9]{2}-[0-9]{2}[ T][0-9]{2}:[0-9]{2}:[0-9]{2}/YYYY-MM-DD hh:mm:ss/g' \
		-e 's/hh:mm:ss\.[0-9]+/hh:mm:ss.frac/g' \
		-e 's/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/UUID/g' \
		-e 's/sha256:[0-9a-f]+…?/sha256:HASH/g' \
		-e 's/unmatched hash [0-9a-f]{12}/unmatched hash HEX/g' \
		-e 's/  idle  [0-9]+ms/  idle  #ms/' "$1"
}

# check NAME : compare the dump NAME with goldens/card-NAME.golden.
check() {
	local got=$TMP/run/$1.txt gold=$GOLD/card-$1.golden
	if [ ! -f "$got" ]; then
		echo "FAIL: card/$1 (no dump)"
		sed -n 1,20p "$TMP/run/stderr"
		return
	fi
	normalize "$got" > "$got.norm"
	if [ "${UPDATE_GOLDENS:-}" = 1 ]; then
		cp "$got.norm" "$gold"
	fi
	if [ -f "$gold" ] && diff -u "$gold" "$got.norm" > "$TMP/$1.diff"; then
		echo "PASS: card/$1"
	else
		echo "FAIL: card/$1"
		head -n 40 "$TMP/$1.diff" 2>/dev/null
	fi
}

# has NAME TEXT LABEL / hasnt NAME TEXT LABEL : fixed-string checks on a dump.
has() {
	if grep -qF -- "$2" "$TMP/run/$1.txt" 2>/dev/null; then
		echo "PASS: card/$3"
	else
		echo "FAIL: card/$3 ('$2' not in $1)"
	fi
}
hasnt() {
	if [ -f "$TMP/run/$1.txt" ] && ! grep -qF -- "$2" "$TMP/run/$1.txt"; then
		echo "PASS: card/$3"
	else
		echo "FAIL: card/$3 ('$2' in $1)"
	fi
}

# ---- a fact asserted while the card is shown ----------------------------------
# Once the UI has dumped the hostile-strings card, assert one more fact for
# that entity and scope; the script then sleeps, leaves the pane and comes
# back (the pane polls when shown again).
mkdir -p "$TMP/run"
(
	for _ in $(seq 1 600); do
		[ -f "$TMP/run/hostile.txt" ] && break
		sleep 0.1
	done
	curl -s -o "$TMP/run/assert.json" -w '%{http_code}' -H 'Content-Type: application/json' \
		--data-binary '{"entity":"stigmem://acme.example/doc/hostile-strings","relation":"note:added","value":{"type":"string","v":"asserted while the card was shown"},"source":"agent:card-test","scope":"company","confidence":0.9}' \
		"$URL/v1/facts" > "$TMP/run/assert.code"
) &
BG_PID=$!

cat > "$TMP/run/script" <<'S'
wait-idle 30000
key /
type onboarding-guide
key <Enter>
key <Enter>
wait-idle
key 4
wait-idle
dump contra
key j
key <Enter>
wait-idle
dump contra-facts
key 2
key <Esc>
key /
type hostile
key <Enter>
key <Enter>
wait-idle
key 4
wait-idle
dump hostile
sleep 3000
key 1
wait-idle
key 4
wait-idle
dump stale
key r
wait-idle
dump refreshed
key c
wait-idle
dump notfound
key 0
dump log
S
(cd "$TMP/run" && timeout 120 "$BIN" --config /dev/null --url "$URL" --script script \
	--dump-dir . > stdout 2> stderr)
rc=$?
wait "$BG_PID" 2>/dev/null
BG_PID=
if [ "$rc" = 0 ] && [ ! -s "$TMP/run/stdout" ]; then
	echo "PASS: card/exit"
else
	echo "FAIL: card/exit (rc $rc; stdout $(wc -c < "$TMP/run/stdout") bytes)"
	sed -n 1,20p "$TMP/run/stderr"
fi
if [ "$(cat "$TMP/run/assert.code" 2>/dev/null)" = 201 ]; then
	echo "PASS: card/assert"
else
	echo "FAIL: card/assert (POST /v1/facts: $(cat "$TMP/run/assert.code" 2>/dev/null))"
fi

check contra
check contra-facts
check hostile
check stale
check refreshed
check notfound

# Contradictions: flagged, both doc:status lines marked, linked to the facts pane.
has contra "has_contradictions true  ! contradicting: doc:status" contra-flag
if [ "$(grep -c '^ ! doc:status ' "$TMP/run/contra.txt" 2>/dev/null)" = 2 ]; then
	echo "PASS: card/contra-lines"
else
	echo "FAIL: card/contra-lines (want 2 marked doc:status lines)"
fi
has contra "Card lines (fact_hashes -> facts): 11, 11 matched" contra-matched
has contra-facts "[3 Facts]" link-focus
has contra-facts "/doc:status  3 matches" link-relation
has contra-facts "draft" link-other-value
hasnt contra-facts "onboarding guide" link-filtered
# Hostile strings: markers, never raw control bytes.
has hostile "note:^[[1mbold-relation" hostile-esc-token
has hostile "11, 11 matched" hostile-matched
if LC_ALL=C grep -q "$(printf '[\001-\010\013-\037\177]')" "$TMP"/run/*.txt; then
	echo "FAIL: card/no-control-bytes"
else
	echo "PASS: card/no-control-bytes"
fi
# Staleness observed by the inspector; the node's is_stale stays false.
has stale "stale: 1 newer fact since refreshed_at" stale-marker
has stale "is_stale false (as sent)" stale-as-sent
hasnt refreshed "stale:" refresh-clears
has refreshed "12, 12 matched" refresh-rebuilt
has refreshed "note:added" refresh-new-line
# A scope without facts: the 404 is explained, the others offered.
has notfound "No facts found for this entity in scope public" notfound-text
has notfound "it has facts in: company" notfound-hint
has log "GET /v1/cards: " log-404

# ---- the fact lookup fails: every card line is shown as an unmatched hash ------
kill "$NODE_PID" 2>/dev/null
wait "$NODE_PID" 2>/dev/null
NODE_PID=
"$LITE" --listen 127.0.0.1:0 --db "$TMP/node/demo.db" --tl-file "$TMP/node/tl.jsonl" \
	--fault-status 500,1,/v1/facts --quiet > "$TMP/node/out2" 2> "$TMP/node/err2" &
NODE_PID=$!
URL=
for _ in $(seq 1 300); do
	URL=$(sed -n 's/^stigmem-lite listening on \(127\.0\.0\.1:[0-9]*\).*/http:\/\/\1/p' "$TMP/node/out2")
	[ -n "$URL" ] && break
	kill -0 "$NODE_PID" 2>/dev/null || break
	sleep 0.1
done
rm -rf "$TMP/run" && mkdir -p "$TMP/run"
cat > "$TMP/run/script" <<'S'
wait-idle 30000
key /
type hostile
key <Enter>
key <Enter>
wait-idle
key 4
wait-idle
key c
wait-idle
key c
wait-idle
dump unmatched
S
(cd "$TMP/run" && timeout 120 "$BIN" --config /dev/null --url "$URL" --script script \
	--dump-dir . > stdout 2> stderr)
rc=$?
if [ "$rc" = 0 ] && [ ! -s "$TMP/run/stdout" ]; then
	echo "PASS: card/unmatched-exit"
else
	echo "FAIL: card/unmatched-exit (rc $rc)"
	sed -n 1,20p "$TMP/run/stderr"
fi
check unmatched
has unmatched "Card lines (fact_hashes -> facts): 12, 0 matched" unmatched-count
has unmatched "fact lookup failed: node internal error (HTTP 500)" unmatched-error
if [ "$(grep -c '^ ? unmatched hash HEX' "$TMP/run/unmatched.txt.norm" 2>/dev/null)" -ge 10 ]; then
	echo "PASS: card/unmatched-lines"
else
	echo "FAIL: card/unmatched-lines"
fi
exit 0
