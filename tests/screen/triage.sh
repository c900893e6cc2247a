#!/usr/bin/env bash
# triage.sh — headless screen tests of conflict triage, the verify view and
# read-only mode against a real stigmem-lite (demo dataset, temp database).
#
# The inspector runs with --script (keys from a file, curses into
# /dev/null) and `dump NAME` writes the screen; dumps are normalized
# (ports, times, ids, hashes, HLCs) and compared with
# tests/screen/goldens/triage-*.golden. UPDATE_GOLDENS=1 rewrites them.
# Writes are counted in the node's database (sqlite3) to prove that
# read-only mode sends none. Prints "PASS: name" / "FAIL: name" lines.
set -u
SUITE=triage SUITE_SIZE="40 120" SUITE_NEEDS=sqlite3
NORMALIZE_EXTRA=(-e 's/chaincp_[0-9a-f]+/chaincp_ID/g'
	-e 's/sha256:[0-9a-f]+…?/sha256:HASH/g'
	-e 's/[0-9]{13}\.[0-9]+ +/HLC  /g' -e 's/[0-9]{13}\.[0-9]+/HLC/g'
	-e 's/hh:mm:ss\.[0-9]+/hh:mm:ss.frac/g'
	-e 's/integrated time [0-9]+/integrated time T/g')
. "$(dirname "$0")/../lib/screen.sh"

ok() { if [ "$1" = "$2" ]; then echo "PASS: triage/$3"; else echo "FAIL: triage/$3 (got '$1', want '$2')"; fi; }

# Two demo nodes: checkpoints every 250 and every 300 facts.
start_node main --demo --checkpoint-interval 250 || exit 1
start_node lag --demo --checkpoint-interval 300 || exit 1
DB=$TMP/main-node/node.db
tui() { "$BIN" --config /dev/null --url "$URL_main" "$@"; }
unresolved() { tui --json conflicts --status unresolved | grep -o '"conflict_id":"stigmem:conflict:[^"]*"' | cut -d'"' -f4; }
writes() { sqlite3 "$DB" "select (select count(*) from facts) || ' ' || (select count(*) from conflicts where status = 'resolved')"; }

n0=$(unresolved | grep -c .)
ok "$n0" 16 "demo node starts with 16 unresolved conflicts"

# ---- the queue, the side-by-side view, the filter, a resolved conflict -------
run queue "$URL_main" <<'S'
wait-idle
key 6
wait-idle
dump queue
key j
wait-idle
dump side
key f
wait-idle
dump resolved
key u
wait-idle
dump next-unresolved
S
expect_rc queue
check queue queue
check queue side
check queue resolved
has queue queue "(16 unresolved, 11 resolved)" counts
has queue side "Suggested winner: B (higher confidence) - a suggestion only" suggestion
has queue side "≠ value" differing-field-marked
has queue resolved "Resolved by" resolution-fact-shown
has queue next-unresolved "filter: unresolved" next-unresolved-switches-filter

# ---- read-only: no write action anywhere, nothing written ----------------------
w0=$(writes)
run ro "$URL_main" --read-only <<'S'
wait-idle
key 6
wait-idle
key a
key b
key e
type 42
key <Enter>
key y
wait-idle
dump queue
key :
type resolve
dump palette
key <Esc>
key ?
type resolve
dump help
key <Esc>
S
expect_rc ro
lacks ro queue "Confirm:" no-confirmation
has ro queue "READ-ONLY" badge
lacks ro palette "resolve-a" palette-hides-writes
lacks ro help "resolve-value" help-hides-writes
ok "$(writes)" "$w0" "read-only flag: the node saw no write"
# Runtime toggle: W switches read-only on; then a does nothing.
run toggle "$URL_main" <<'S'
wait-idle
key 6
wait-idle
key W
key a
key y
wait-idle
dump queue
key W
key a
dump confirm
key n
S
expect_rc toggle
lacks toggle queue "Confirm:" toggled-read-only-no-confirmation
has toggle confirm "Confirm: fact a wins" toggle-back-allows-resolve
ok "$(writes)" "$w0" "read-only toggle: the node saw no write"

# ---- resolve by winner (a) and by a typed new value -------------------------
run resolve "$URL_main" <<'S'
wait-idle
key 6
wait-idle
key a
dump confirm
key y
wait-idle
dump resolved-a
key e
key <Up>
key <Right>
key <Right>
key <Tab>
type many
key <Enter>
dump invalid
key <Backspace>
key <Backspace>
key <Backspace>
key <Backspace>
type 42
key <Tab>
type checked by the operator
key <Enter>
dump confirm-value
key y
wait-idle
dump resolved-value
S
expect_rc resolve
check resolve confirm
check resolve resolved-a
check resolve invalid
check resolve confirm-value
has resolve confirm "POST /v1/conflicts/stigmem%3Aconflict%3A" confirm-shows-target
has resolve confirm '{"winning_fact_id":"' confirm-shows-body
has resolve confirm-value '"new_value":{"type":"number","v":42.0}' confirm-shows-typed-value
has resolve confirm-value '"resolution_note":"checked by the operator"' confirm-shows-note
has resolve invalid "invalid: a number value needs a finite decimal number" editor-validates
has resolve resolved-a "(15 unresolved, 12 resolved)" queue-refreshed-after-a
has resolve resolved-value "(14 unresolved, 13 resolved)" queue-refreshed-after-value
has resolve resolved-value "what: (number) 42" resolution-fact-shown
ok "$(unresolved | grep -c .)" 14 "the node has exactly two fewer unresolved conflicts"

# ---- the 409 race: another client resolves between display and confirm ------
mkdir -p "$TMP/race"
first=$(unresolved | sed -n 1p)
(
	for _ in $(seq 1 300); do [ -f "$TMP/race/confirm.txt" ] && break; sleep 0.1; done
	tui resolve "$first" --winner b --yes >"$TMP/race/other.out" 2>&1
	touch "$TMP/race/other.done"
) &
PIDS="$PIDS $!"
run race "$URL_main" <<'S'
wait-idle
key 6
wait-idle
key a
dump confirm
sleep 4000
key y
wait-idle
sleep 300
wait-idle
dump after
S
expect_rc race
if [ -f "$TMP/race/other.done" ] && grep -q "resolution fact" "$TMP/race/other.out"; then
	echo "PASS: triage-race/other-client-won"
else
	echo "FAIL: triage-race/other-client-won ($(cat "$TMP/race/other.out" 2>/dev/null))"
fi
check race after
has race after "409: someone resolved this conflict first" race-409-explained
has race after "who:  anon:trusted" race-who
has race after "(13 unresolved, 14 resolved)" race-queue-consistent

# ---- verify: passing, lagging, tampered ------------------------------------------
run verify "$URL_main" <<'S'
wait-idle
key 7
wait-idle
key v
wait-idle
dump pass
S
expect_rc verify
check verify pass
has verify pass "verdict: sdk ✓ VALID   lag-aware ✓ VALID" verdict-valid

run lag "$URL_lag" <<'S'
wait-idle
key 7
wait-idle
key v
wait-idle
dump lagging
S
expect_rc lag
check lag lagging
has lag lagging "head is past the checkpoint" lag-shown
has lag lagging "verdict: sdk ✗ INVALID   lag-aware ✓ VALID" lag-verdicts

LDB=$TMP/lag-node/node.db
victim=$(sqlite3 "$LDB" "select id from facts where is_system = 0 and cid is not null order by seq limit 1 offset 100")
ventity=$(sqlite3 "$LDB" "select entity from facts where id = '$victim'")
sqlite3 "$LDB" "update facts set value_v = 'x' where id = '$victim'"
run tamper "$URL_lag" <<'S'
wait-idle
key 7
wait-idle
key v
wait-idle
dump tampered
key <Enter>
wait-idle
dump jumped
key 7
wait-idle
dump audit
key V
wait-idle
dump vcid
S
expect_rc tamper
check tamper tampered
has tamper tampered "TAMPERED: the node answered 409 fact_chain_mismatch" tamper-shown
has tamper tampered "event_hash_mismatch" tamper-reason
has tamper tampered "$victim" tamper-right-fact
has tamper jumped "[3 Facts]" jump-focuses-facts
has tamper jumped "$ventity" jump-shows-entity

# CID audit over what is loaded now (the victim's entity is selected): the
# altered row is flagged client-side; V asks the node's verify-cid.
has tamper audit "the selected entity's facts: HTTP 409 cid_mismatch" audit-shows-refusal
has tamper audit "$victim" audit-names-the-fact
has tamper vcid "node:   cid_valid false" vcid-node-answer
has tamper vcid "client: no local copy" vcid-client-answer

# Hostile strings: the read path rewrites them, so their CIDs are
# unverifiable client-side; V shows the node's own answer beside ours.
run hostile "$URL_lag" <<'S'
wait-idle
key 2
wait-idle
key /
type hostile
key <Enter>
key <Enter>
wait-idle
key 7
wait-idle
dump audit
key V
wait-idle
dump vcid
S
expect_rc hostile
check hostile audit
check hostile vcid
has hostile audit "? unverifiable (possibly sanitized)" audit-unverifiable-listed
has hostile vcid "node:   cid_valid true" vcid-node-valid
has hostile vcid "client: mismatch" vcid-client-mismatch

# ---- node view: well-known, /v1/me, health history, peers -------------------------
run node "$URL_main" <<'S'
wait-idle
key 1
wait-idle
key r
wait-idle
key r
wait-idle
dump overview
S
expect_rc node
check node overview
has node overview "Federation peers (GET /v1/federation/peers)" peers-section
has node overview "3 samples, 0 failed" health-history
has node overview "Permissions" me-permissions
