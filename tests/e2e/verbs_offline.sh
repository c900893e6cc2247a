#!/usr/bin/env bash
# Headless verbs that need no node: cid and verify-proof on the recorded
# reference-node responses and the §10.5 worked examples; option handling,
# exit codes and the key-file rules.
set -u
. "$(dirname "$0")/lib.bash"
FX="$SHARED/fixtures/reference-node"
T="$BUILD/stigmem-tui"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/stg-verbs.XXXXXX")
trap 'rm -rf "$tmp"' EXIT


expect "version" 0 '^stigmem-tui [0-9]' -- "$T" --version
expect "help to stdout" 0 'verify-proof' -- "$T" --help
expect "unknown verb is a usage error" 2 "unknown verb" -- "$T" frobnicate
expect "key on the command line refused" 2 "not accepted on the command line" -- "$T" --api-key s3cret info

# cid: a fact read back from the node verifies and prints the stored cid.
stored=$(grep -o '"cid": "sha256:[0-9a-f]*"' "$FX/fact-get.json" | head -1 | sed 's/.*"\(sha256:[0-9a-f]*\)"/\1/')
expect "cid of fact-get equals the stored cid" 0 "^$stored\$" -- "$T" cid "$FX/fact-get.json"
expect "cid --verify verified" 0 "verdict: verified$" -- "$T" cid --verify "$FX/fact-get.json"
expect "cid --verify integer spelling (JSON 42)" 0 "verdict: verified-integer-spelling" -- \
	"$T" cid --verify "$FX/fact-get-number-int.json"
expect "cid --verify read-path rewrite is a flagged mismatch, exit 1" 1 "verdict: mismatch .*possibly rewritten" -- \
	"$T" cid --verify "$FX/fact-get-adversarial-ansi.json"
expect "cid --verify no cid on a meta-fact" 0 "verdict: no-cid" -- \
	"$T" cid --verify "$FX/fact-get-conflict-metafact.json"

# Worked example A of the wire reference (§10.5), from stdin, with --json.
cat > "$tmp/a.json" <<'J'
{"id":"11111111-1111-4111-8111-111111111111","entity":"stigmem://testnode/user/cid-subject","relation":"memory:role","value":{"type":"string","v":"cid-conformance-test-value","interpret_as":"content"},"source":"stigmem://testnode/agent/test","timestamp":"2026-05-21T12:00:00+00:00","hlc":null,"received_from":null,"valid_until":null,"confidence":1,"scope":"local","attested_key_id":null,"origin_node_id":null,"origin_allowed_scopes":null,"garden_id":null,"attested":null,"contradicted":false,"warnings":[],"source_trust":null,"quarantine_status":null,"quarantine_garden_id":null,"effective_confidence":null,"sanitizer_warnings":[],"sanitizer_redacted":false,"cid":null,"derived_from":[]}
J
expect "cid --json example A (confidence written as 1 still hashes 1.0)" 0 \
	'"cid":"sha256:34f271dac8194bddb60b645e4683443426373b9f7628f75443db1f1a0d1e750f"' -- \
	sh -c "\"$T\" --json cid - < \"$tmp/a.json\""
expect "cid --json canonical text" 0 \
	'"canonical":"\{\\"confidence\\":1.0,\\"entity\\":\\"stigmem://testnode/user/cid-subject\\"' -- \
	"$T" cid --json "$tmp/a.json"
sed -e 's/"relation":"memory:role"/"relation":"memory:manager"/' \
    -e 's/"value":{"type":"string","v":"cid-conformance-test-value","interpret_as":"content"}/"value":{"type":"ref","v":null,"interpret_as":"content"}/' \
    -e 's/"sanitizer_redacted":false/"sanitizer_redacted":true/' \
    -e 's/"cid":null/"cid":"sha256:0000000000000000000000000000000000000000000000000000000000000000"/' \
    "$tmp/a.json" > "$tmp/redacted.json"
expect "cid --verify redacted informal ref is unverifiable, not a mismatch" 0 "verdict: unverifiable-redacted" -- \
	"$T" cid --verify "$tmp/redacted.json"
printf '{"entity": 3}' > "$tmp/bad.json"
expect "cid on a malformed fact is an input error naming the field" 2 "entity" -- "$T" cid "$tmp/bad.json"
printf 'not json' > "$tmp/garbage.json"
expect "cid on garbage is an input error" 2 "" -- "$T" cid "$tmp/garbage.json"
expect "cid on a missing file is an input error" 2 "No such file" -- "$T" cid "$tmp/nope.json"

# verify-proof on recorded recall responses.
expect "proof at the head: valid (lag-aware)" 0 "chain proof: VALID" -- \
	"$T" verify-proof "$FX/recall-verify-full.json"
expect "proof at the head: valid (sdk)" 0 "chain proof: VALID" -- \
	"$T" verify-proof --mode sdk "$FX/recall-verify-full.json"
expect "lagging checkpoint: sdk fails" 1 "FAIL\] checkpoint_head" -- \
	"$T" verify-proof --mode sdk "$FX/recall-verify-full-checkpoint-lagging.json"
expect "lagging checkpoint: lag-aware passes and reports the lag of 2" 0 "lags the head by 2 entries" -- \
	"$T" verify-proof --mode lag-aware "$FX/recall-verify-full-checkpoint-lagging.json"
expect "empty chain passes without --require-checkpoint" 0 "VALID" -- \
	"$T" verify-proof "$FX/recall-verify-full-empty-chain.json"
expect "empty chain fails with --require-checkpoint" 1 "INVALID" -- \
	"$T" verify-proof --require-checkpoint --mode sdk "$FX/recall-verify-full-empty-chain.json"
expect "verify-proof --json shape (invalid, exit 1)" 1 '"valid":false' -- \
	"$T" verify-proof --json --mode sdk "$FX/recall-verify-full-checkpoint-lagging.json"
out=$("$T" verify-proof --json --mode sdk "$FX/recall-verify-full-checkpoint-lagging.json" 2>&1)
if printf '%s' "$out" | grep -q '"mode":"sdk"' && printf '%s' "$out" | grep -q '"name":"checkpoint_head","ok":false' &&
   printf '%s' "$out" | grep -q '"checkpoint_lag":2'; then
	pass "verify-proof --json lists named checks and the lag"
else
	fail "verify-proof --json lists named checks and the lag" "$out"
fi
expect "recall response without a proof is invalid" 1 "proof_present" -- \
	"$T" verify-proof "$FX/recall-team.json"
expect "bad --mode is a usage error" 2 "sdk or lag-aware" -- "$T" verify-proof --mode strict "$FX/recall-team.json"

# Key file permissions.
printf 'k3y\n' > "$tmp/key"
chmod 644 "$tmp/key"
expect "group/other-readable key file refused" 2 "chmod 600" -- "$T" --key-file "$tmp/key" --url http://127.0.0.1:9 info
chmod 600 "$tmp/key"
out=$(STIGMEM_API_KEY_FILE="$tmp/key" "$T" --url http://192.0.2.1:8765 info 2>&1)
rc=$?
if [ "$rc" -eq 1 ] && printf '%s' "$out" | grep -q "plain HTTP" && ! printf '%s' "$out" | grep -q k3y; then
	pass "key never sent over plain http to a non-loopback host (and never printed)"
else
	fail "key never sent over plain http to a non-loopback host (and never printed)" "rc=$rc $out"
fi
expect "unreachable node is a remote error (exit 1)" 1 "could not connect" -- \
	"$T" --url http://127.0.0.1:9 --timeout 3000 info
