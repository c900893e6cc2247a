#!/usr/bin/env bash
# Headless verbs against a real stigmem-lite (demo dataset) over loopback:
# info, facts, card, recall --verify, conflicts, their --json forms, and the
# hostile strings of the demo data rendered harmlessly.
set -u
. "$(dirname "$0")/lib.bash"
T="$BUILD/stigmem-tui"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/stg-vnode.XXXXXX")
pid=
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; wait 2>/dev/null; rm -rf "$tmp"; }
trap cleanup EXIT


if ! start_lite "$tmp" node --demo --checkpoint-interval 250; then
	fail "stigmem-lite --demo starts" "$(tail -5 "$tmp/node.log")"
	exit 1
fi
pid=$LITE_PID
port=$LITE_PORT
pass "stigmem-lite --demo starts"
U="http://127.0.0.1:$port"
A=stigmem://acme.example/user/alice-martin
H=stigmem://acme.example/doc/hostile-strings

expect "info: auth mode and anonymous principal" 0 "principal +anon:trusted" -- "$T" --url "$U" info
expect "info --json carries the node's documents" 0 '"auth":"none"' -- "$T" --url "$U" --json info
expect "facts: grouped by relation with a winner mark and CID verdicts" 0 "cid:verified" -- \
	"$T" --url "$U" facts --entity "$A"
out=$("$T" --url "$U" facts --entity "$A" 2>&1)
if printf '%s\n' "$out" | grep -qE '^  \* ' && printf '%s\n' "$out" | grep -qE "^$A — [1-9][0-9]* facts"; then
	pass "facts: header counts facts, winners marked with *"
else
	fail "facts: header counts facts, winners marked with *" "$(printf '%s' "$out" | head -5)"
fi
expect "facts --json annotates each fact" 0 '"cid_check":"verified' -- "$T" --url "$U" --json facts --entity "$A"
expect "facts without a filter is a usage error" 2 "entity" -- "$T" --url "$U" facts

# Hostile strings: sanitized in human output (no raw ESC/BEL/C1/bidi bytes), markers visible.
"$T" --url "$U" facts --entity "$H" > "$tmp/hostile.txt" 2>&1
if LC_ALL=C grep -q $'[\x1b\x07]' "$tmp/hostile.txt" || LC_ALL=C grep -q $'\xc2\x9b\|\xe2\x80\xae\|\xe2\x80\x8b' "$tmp/hostile.txt"; then
	fail "hostile strings leave no raw control/bidi/zero-width bytes"
else
	pass "hostile strings leave no raw control/bidi/zero-width bytes"
fi
# The node strips ESC/bidi/zero-width from values on read (as the reference
# does) but not from relations and sources, nor C1, DEL and CR in values.
if grep -q 'note:\^\[\[1mbold-relation' "$tmp/hostile.txt" && grep -q 'agent:evil<U+202E>tob' "$tmp/hostile.txt" &&
   grep -q 'text\^MEVIL' "$tmp/hostile.txt" && grep -qF '\u{9b}31m' "$tmp/hostile.txt"; then
	pass "hostile strings show visible escape and bidi/zero-width markers"
else
	fail "hostile strings show visible escape and bidi/zero-width markers" "$(head -20 "$tmp/hostile.txt")"
fi

expect "card: summary and fact_hashes mapped to facts" 0 "-> [0-9a-f-]{36}" -- \
	"$T" --url "$U" card "$A" --scope team
expect "card of an unknown entity is a remote 404 (exit 1)" 1 "HTTP 404" -- \
	"$T" --url "$U" card stigmem://acme.example/user/nobody --scope team
expect "card with a bad scope shows the node's 400 detail" 1 "HTTP 400" -- \
	"$T" --url "$U" card "$A" --scope universe

expect "recall with the proof: lag-aware valid" 0 "chain proof: VALID \(lag-aware\)" -- \
	"$T" --url "$U" recall "engineer" --scope team --verify
expect "recall lists scored results with breakdown columns" 0 "^ +1  [01]\.[0-9]{6}" -- \
	"$T" --url "$U" recall "engineer" --scope team
expect "recall --weights is sent and echoed in scores" 0 '"token_budget":500' -- \
	"$T" --url "$U" --json recall "engineer" --scope team --budget 500 --weights 1,0,0,0,0
expect "recall bad weights is a usage error" 2 "five numbers" -- "$T" --url "$U" recall x --weights 1,2
expect "recall invalid scope shows the node's 400" 1 "HTTP 400" -- "$T" --url "$U" recall x --scope universe

expect "recall --compare: both rankings with moves" 0 " (up|down) [0-9]+" -- \
	"$T" --url "$U" recall engineer --scope team --compare 0.35,0.35,0.15,0.1,0.05 1,0,0,0,0
expect "recall --compare: agreement figures" 0 "overlap@10 [01]\.[0-9]{3}, rank-biased overlap \(p=0\.9\) [01]\.[0-9]{3}" -- \
	"$T" --url "$U" recall engineer --scope team --compare 0.35,0.35,0.15,0.1,0.05 1,0,0,0,0
expect "recall --compare of a weight set with itself agrees fully" 0 '"overlap_at_k":1,.*"rbo":1' -- \
	"$T" --url "$U" --json recall engineer --scope team --compare 1,0,0,0,0 1,0,0,0,0
expect "conflicts: unresolved queue with suggested winners" 0 "suggested winner: [ab]" -- \
	"$T" --url "$U" conflicts --status unresolved
expect "conflicts --json adds suggested_winner" 0 '"suggested_winner":' -- \
	"$T" --url "$U" --json conflicts
expect "conflicts resolved ones carry resolved_by" 0 "resolved by fact" -- \
	"$T" --url "$U" conflicts --status resolved

# Semantic weight only: the lexical stage is off (weight 0), so without
# embeddings there are no candidates at all.
expect "semantic-only recall finds nothing without --embeddings" 0 '"total_scored":0' -- \
	"$T" --url "$U" --json recall engineer --scope team --weights 0,1,0,0,0

kill "$pid" 2>/dev/null
wait "$pid" 2>/dev/null
pid=

# --embeddings: the semantic stage contributes non-zero signals.
start_lite "$tmp" emb --demo --embeddings
pid=$LITE_PID
port2=$LITE_PORT
expect "--embeddings: the semantic stage finds candidates" 0 '"total_scored":[1-9]' -- \
	"$T" --url "http://127.0.0.1:$port2" --json recall engineer --scope team --weights 0,1,0,0,0
kill "$pid" 2>/dev/null
wait "$pid" 2>/dev/null
pid=
expect "node gone: clear connection error, exit 1" 1 "could not connect" -- "$T" --url "$U" --timeout 2000 info
