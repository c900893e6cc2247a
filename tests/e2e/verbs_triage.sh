#!/usr/bin/env bash
# Operator verbs against a real stigmem-lite (demo dataset): resolve by
# winner and by new value, the confirmation and read-only refusals (no write
# reaches the node), the 409 race, and verify — passing, then after a fact
# row is altered in the node's database (fact_chain_mismatch with the fact).
set -u
. "$(dirname "$0")/lib.bash"
T="$BUILD/stigmem-tui"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/stg-triage.XXXXXX")
pid=
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; wait 2>/dev/null; rm -rf "$tmp"; }
trap cleanup EXIT

start_lite "$tmp" node --demo --checkpoint-interval 250 || { fail "node starts" "$(tail -3 "$tmp/node.log")"; exit 1; }
pid=$LITE_PID
port=$LITE_PORT
U="http://127.0.0.1:$port"
tui() { "$T" --url "$U" "$@"; }
unresolved() { tui --json conflicts --status unresolved | grep -o '"conflict_id":"stigmem:conflict:[^"]*"' | cut -d'"' -f4; }
resolutions() { tui --json conflicts --status resolved | grep -o '"conflict_id":"' | wc -l; }

ids=$(unresolved)
n0=$(printf '%s\n' "$ids" | grep -c .)
r0=$(resolutions)
c1=$(printf '%s\n' "$ids" | sed -n 1p)
c2=$(printf '%s\n' "$ids" | sed -n 2p)
if [ "$n0" -ge 2 ]; then pass "demo node has unresolved conflicts ($n0)"; else fail "demo node has unresolved conflicts" "$n0"; fi

expect "resolve without --yes shows the exact request and sends nothing" 2 \
	'would send: POST /v1/conflicts/stigmem%3Aconflict%3A.*/resolve' -- tui resolve "$c1" --winner a
expect "the shown body names the winning fact" 2 '"winning_fact_id":"[0-9a-f-]{36}"' -- tui resolve "$c1" --winner b
expect "read-only refuses resolve" 2 "read-only" -- tui --read-only resolve "$c1" --winner a --yes
expect "invalid typed value is refused before sending" 2 "numeric" -- \
	tui resolve "$c1" --value '{"type":"number","v":"many"}' --yes
expect "informal ref value is refused before sending" 2 "URI" -- \
	tui resolve "$c1" --value '{"type":"ref","v":"user:bob"}' --yes
if [ "$(unresolved | grep -c .)" -eq "$n0" ] && [ "$(resolutions)" -eq "$r0" ]; then
	pass "refused and unconfirmed resolves wrote nothing"
else
	fail "refused and unconfirmed resolves wrote nothing"
fi

expect "resolve by winner" 0 "resolution fact [0-9a-f-]{36}" -- tui resolve "$c1" --winner a --yes
expect "second resolve loses the race: 409 with who and what" 1 "already resolved by fact" -- \
	tui resolve "$c1" --winner b --yes
expect "409 names the resolver" 1 "who:  anon:trusted" -- tui resolve "$c1" --winner b --yes
expect "resolve with a new value" 0 '"conflict_status":"resolved"' -- \
	tui --json resolve "$c2" --value '{"type":"string","v":"settled by the operator"}' --note "checked" --yes
expect "the resolution fact holds the new value" 0 "settled by the operator" -- \
	tui facts --entity "stigmem:resolution:$c2"
if [ "$(unresolved | grep -c .)" -eq $((n0 - 2)) ] && [ "$(resolutions)" -eq $((r0 + 2)) ]; then
	pass "queue counts moved by exactly the two resolutions"
else
	fail "queue counts moved by exactly the two resolutions"
fi
expect "unknown conflict: the node's 404" 1 "HTTP 404" -- \
	tui resolve stigmem:conflict:00000000-0000-4000-8000-000000000000 \
	--winner 11111111-1111-4111-8111-111111111111 --yes

expect "verify: chain valid (lag-aware)" 0 "fact chain: VALID" -- tui verify
expect "verify --json" 0 '"valid":true' -- tui --json verify
expect "verify --require-checkpoint passes with checkpoints" 0 "VALID" -- tui verify --require-checkpoint

# Tamper: alter a stored value behind the node's back.
victim=$(sqlite3 "$tmp/node.db" "select id from facts where is_system = 0 and cid is not null order by seq limit 1 offset 100")
seq=$(sqlite3 "$tmp/node.db" "select seq from facts where id = '$victim'")
sqlite3 "$tmp/node.db" "update facts set value_v = 'tampered' where id = '$victim'"
expect "verify after tampering: TAMPERED, exit 1" 1 "fact chain: TAMPERED" -- tui verify
expect "the tampered fact is named" 1 "fact +$victim" -- tui verify
expect "the reason is explained" 1 "event_hash_mismatch" -- tui verify
expect "verify --json carries reason and fact id" 1 "\"mismatch_reason\":\"event_hash_mismatch\".*\"fact_id\":\"$victim\"" -- \
	tui --json verify
[ -n "$seq" ] && pass "tampered row located (seq $seq)"
