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
SUITE=card SUITE_NEEDS=curl
# The tab bar lists every pane (it changes whenever a pane is added): keep
# the focused tab only.
NORMALIZE_EXTRA=(-e '1s/^.*(\[[0-9] [^]]*\]).*$/TABS \1/'
	-e 's/hh:mm:ss\.[0-9]+/hh:mm:ss.frac/g'
	-e 's/sha256:[0-9a-f]+…?/sha256:HASH/g'
	-e 's/unmatched hash [0-9a-f]{12}/unmatched hash HEX/g'
	-e 's/  idle  [0-9]+ms/  idle  #ms/')
. "$(dirname "$0")/../lib/screen.sh"

start_node demo --demo --quiet || exit 1

# ---- a fact asserted while the card is shown ----------------------------------
# Once the UI has dumped the hostile-strings card, assert one more fact for
# that entity and scope; the script then sleeps, leaves the pane and comes
# back (the pane polls when shown again).
mkdir -p "$TMP/main"
(
	for _ in $(seq 1 600); do
		[ -f "$TMP/main/hostile.txt" ] && break
		sleep 0.1
	done
	curl -s -o "$TMP/main/assert.json" -w '%{http_code}' -H 'Content-Type: application/json' \
		--data-binary '{"entity":"stigmem://acme.example/doc/hostile-strings","relation":"note:added","value":{"type":"string","v":"asserted while the card was shown"},"source":"agent:card-test","scope":"company","confidence":0.9}' \
		"$URL/v1/facts" > "$TMP/main/assert.code"
) &
BG_PID=$!

run main "$URL" <<'S'
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
wait "$BG_PID" 2>/dev/null
expect_rc main
if [ "$(cat "$TMP/main/assert.code" 2>/dev/null)" = 201 ]; then
	pass main/assert
else
	fail main/assert "POST /v1/facts: $(cat "$TMP/main/assert.code" 2>/dev/null)"
fi

for d in contra contra-facts hostile stale refreshed notfound; do
	check main "$d"
done

# Contradictions: flagged, both doc:status lines marked, linked to the facts pane.
has main contra "has_contradictions true  ! contradicting: doc:status" contra-flag
if [ "$(grep -c '^ ! doc:status ' "$TMP/main/contra.txt" 2>/dev/null)" = 2 ]; then
	pass main/contra-lines
else
	fail main/contra-lines "want 2 marked doc:status lines"
fi
has main contra "Card lines (fact_hashes -> facts): 11, 11 matched" contra-matched
has main contra-facts "[3 Facts]" link-focus
has main contra-facts "/doc:status  3 matches" link-relation
has main contra-facts "draft" link-other-value
lacks main contra-facts "onboarding guide" link-filtered
# Hostile strings: markers, never raw control bytes.
has main hostile "note:^[[1mbold-relation" hostile-esc-token
has main hostile "11, 11 matched" hostile-matched
if LC_ALL=C grep -q "$(printf '[\001-\010\013-\037\177]')" "$TMP"/main/*.txt; then
	fail main/no-control-bytes
else
	pass main/no-control-bytes
fi
# Staleness observed by the inspector; the node's is_stale stays false.
has main stale "stale: 1 newer fact since refreshed_at" stale-marker
has main stale "is_stale false (as sent)" stale-as-sent
lacks main refreshed "stale:" refresh-clears
has main refreshed "12, 12 matched" refresh-rebuilt
has main refreshed "note:added" refresh-new-line
# A scope without facts: the 404 is explained, the others offered.
has main notfound "No facts found for this entity in scope public" notfound-text
has main notfound "it has facts in: company" notfound-hint
has main log "GET /v1/cards: " log-404

# ---- the fact lookup fails: every card line is shown as an unmatched hash ------
stop_node demo
start_node demo --fault-status 500,1,/v1/facts --quiet || exit 1
run lookupfail "$URL" <<'S'
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
expect_rc lookupfail
check lookupfail unmatched
has lookupfail unmatched "Card lines (fact_hashes -> facts): 12, 0 matched" unmatched-count
has lookupfail unmatched "fact lookup failed: node internal error (HTTP 500)" unmatched-error
if [ "$(grep -c '^ ? unmatched hash HEX' "$TMP/lookupfail/unmatched.txt.norm" 2>/dev/null)" -ge 10 ]; then
	pass lookupfail/unmatched-lines
else
	fail lookupfail/unmatched-lines
fi
exit 0
