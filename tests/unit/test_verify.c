/* test_verify.c — fact CID verdicts, chain_proof verification in both
 * modes (fixtures/vectors/proof-vectors.json and the recorded
 * recall-verify-full*.json responses of fixtures/reference-node). */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>
#include <cmocka.h>

#include "stigmem/arena.h"
#include "stigmem/buf.h"
#include "stigmem/cid.h"
#include "stigmem/codec.h"
#include "stigmem/verify.h"

#include "../lib/testdata.h"

/* Decode a chain_proof JSON object with the library codec. */
static struct stg_chain_proof *
decode_proof(const cJSON *pj, struct stg_arena *arena)
{
	char *txt = cJSON_PrintUnformatted(pj);
	struct stg_chain_proof *p = NULL;
	struct stg_error err;

	assert_non_null(txt);
	stg_error_clear(&err);
	if (stg_decode_chain_proof(txt, strlen(txt), 0, arena, &p, &err) != STG_OK)
		fail_msg("decode chain_proof: %s: %s", err.where, err.detail);
	free(txt);
	return p;
}

static const struct stg_proof_check *
find_check(const struct stg_proof_report *r, const char *name)
{
	size_t i;

	for (i = 0; i < r->n_checks; i++)
		if (strcmp(r->checks[i].name, name) == 0)
			return &r->checks[i];
	return NULL;
}

/* SDK mode must give the SDK's verdict; on failure the first failing
 * check's detail is the SDK's error message. */
static void
expect_sdk(const char *name, const struct stg_chain_proof *p, bool require,
	   const cJSON *verdict)
{
	struct stg_proof_report r;
	bool ok = cJSON_IsTrue(tst_jget(verdict, "ok"));
	size_t i;

	stg_verify_chain_proof(p, STG_PROOF_SDK, require, &r);
	assert_int_equal(r.mode, STG_PROOF_SDK);
	assert_int_equal(r.require_checkpoint, require);
	if (r.valid != ok)
		fail_msg("%s require=%d: valid=%d, SDK ok=%d", name, require, r.valid, ok);
	for (i = 0; i < r.n_checks; i++) {
		assert_non_null(r.checks[i].name);
		assert_true(r.checks[i].detail[0] != '\0');
	}
	if (ok) {
		assert_int_equal(r.first_failure, -1);
	} else {
		assert_true(r.first_failure >= 0);
		assert_false(r.checks[r.first_failure].ok);
		if (strcmp(r.checks[r.first_failure].detail, tst_str(verdict, "error")) != 0)
			fail_msg("%s require=%d: first failure '%s', SDK '%s'", name, require,
				 r.checks[r.first_failure].detail, tst_str(verdict, "error"));
	}
}

/* Lag-aware mode: lag and local log link as the generator computed them;
 * valid when the SDK accepts or fails only on a lagging head, and the
 * local log link holds. */
static void
expect_lag_aware(const char *name, const struct stg_chain_proof *p, const cJSON *sdk_false,
		 const cJSON *lag, const cJSON *link_ok)
{
	struct stg_proof_report r;
	const struct stg_proof_check *c;
	bool want;

	stg_verify_chain_proof(p, STG_PROOF_LAG_AWARE, false, &r);
	assert_int_equal(r.mode, STG_PROOF_LAG_AWARE);
	if (cJSON_IsNumber(lag)) {
		assert_true(r.has_lag);
		assert_int_equal(r.lag, (long long)lag->valuedouble);
	} else {
		assert_false(r.has_lag);
	}
	c = find_check(&r, "tl_log_link");
	if (cJSON_IsBool(link_ok)) {
		if (c == NULL)
			fail_msg("%s: no tl_log_link check", name);
		assert_int_equal(c->ok, cJSON_IsTrue(link_ok));
	} else {
		assert_null(c);
	}
	want = cJSON_IsTrue(tst_jget(sdk_false, "ok")) ||
	       (strcmp(tst_str(sdk_false, "error"),
		       "checkpoint chain_hash does not match proof head_hash") == 0 &&
		cJSON_IsNumber(lag) && lag->valuedouble > 0);
	if (cJSON_IsFalse(link_ok))
		want = false;
	if (r.valid != want)
		fail_msg("%s: lag-aware valid=%d, want %d", name, r.valid, want);
	if (r.valid && r.has_lag && r.lag > 0) {
		c = find_check(&r, "checkpoint_head");
		assert_non_null(c);
		assert_true(c->ok);
		assert_non_null(strstr(c->detail, "lags head by"));
	}
}

static void
test_proof_vectors(void **state)
{
	cJSON *root = tst_load_json("fixtures/vectors/proof-vectors.json");
	const cJSON *pv;
	int n = 0;

	(void)state;
	cJSON_ArrayForEach(pv, tst_jget(root, "proofs")) {
		const char *name = tst_str(pv, "name");
		const cJSON *sdk = tst_jget(pv, "sdk_verify_fact_chain_proof");
		struct stg_arena arena;
		struct stg_chain_proof *p;

		stg_arena_init(&arena);
		p = decode_proof(tst_jget(pv, "chain_proof"), &arena);
		expect_sdk(name, p, false, tst_jget(sdk, "require_checkpoint_false"));
		expect_sdk(name, p, true, tst_jget(sdk, "require_checkpoint_true"));
		expect_lag_aware(name, p, tst_jget(sdk, "require_checkpoint_false"),
				 tst_jget(pv, "checkpoint_lag_entries"), tst_jget(pv, "local_tl_link_ok"));
		stg_arena_done(&arena);
		n++;
	}
	assert_int_equal(n, 11);
	cJSON_Delete(root);
}

static void
test_proof_lagging_accepted_only_lag_aware(void **state)
{
	cJSON *root = tst_load_json("fixtures/vectors/proof-vectors.json");
	const cJSON *pv;
	struct stg_arena arena;
	struct stg_chain_proof *p = NULL;
	struct stg_proof_report r;
	const struct stg_proof_check *c;

	(void)state;
	stg_arena_init(&arena);
	cJSON_ArrayForEach(pv, tst_jget(root, "proofs"))
		if (strcmp(tst_str(pv, "name"), "lagging-checkpoint") == 0)
			p = decode_proof(tst_jget(pv, "chain_proof"), &arena);
	assert_non_null(p);
	stg_verify_chain_proof(p, STG_PROOF_SDK, false, &r);
	assert_false(r.valid);
	assert_string_equal(r.checks[r.first_failure].name, "checkpoint_head");
	stg_verify_chain_proof(p, STG_PROOF_LAG_AWARE, false, &r);
	assert_true(r.valid);
	assert_int_equal(r.lag, 2);
	c = find_check(&r, "checkpoint_head");
	assert_string_equal(c->detail,
		"checkpoint lags head by 2 entries (covers 3 of 5); chain_hash not comparable with head_hash");
	assert_true(find_check(&r, "tl_log_link")->ok);
	assert_true(find_check(&r, "tl_raw_leaf_hash")->ok);
	/* lag-aware still demands equality once the checkpoint covers the head */
	p->checkpoint->covered_chain_seq = p->checked_entries;
	stg_verify_chain_proof(p, STG_PROOF_LAG_AWARE, false, &r);
	assert_false(r.valid);
	assert_false(find_check(&r, "checkpoint_head")->ok);
	/* ... and rejects a checkpoint ahead of the chain */
	p->checkpoint->covered_chain_seq = p->checked_entries + 1;
	stg_verify_chain_proof(p, STG_PROOF_LAG_AWARE, false, &r);
	assert_false(find_check(&r, "checkpoint_covered_seq")->ok);
	/* a broken tl_raw.leaf_hash link */
	p->checkpoint->covered_chain_seq = 3;
	p->checkpoint->tl_raw_leaf_hash = "00";
	stg_verify_chain_proof(p, STG_PROOF_LAG_AWARE, false, &r);
	assert_false(r.valid);
	assert_false(find_check(&r, "tl_raw_leaf_hash")->ok);
	assert_false(find_check(&r, "tl_log_link")->ok);
	stg_arena_done(&arena);
	cJSON_Delete(root);
}

static void
test_proof_null_and_edges(void **state)
{
	struct stg_proof_report r;
	struct stg_chain_proof p;

	(void)state;
	stg_verify_chain_proof(NULL, STG_PROOF_SDK, false, &r);
	assert_false(r.valid);
	assert_int_equal(r.n_checks, 1);
	assert_string_equal(r.checks[0].name, "proof_present");
	assert_string_equal(r.checks[0].detail, "missing fact-chain proof");
	stg_verify_chain_proof(NULL, STG_PROOF_LAG_AWARE, false, &r);
	assert_false(r.valid);

	memset(&p, 0, sizeof p);
	p.tenant_id = "default";
	p.checked_entries = -1;
	stg_verify_chain_proof(&p, STG_PROOF_SDK, false, &r);
	assert_false(r.valid);
	assert_string_equal(r.checks[r.first_failure].detail,
			    "fact-chain proof has negative checked_entries");
	p.checked_entries = 3;
	p.head_hash = "";
	stg_verify_chain_proof(&p, STG_PROOF_SDK, false, &r);
	assert_string_equal(r.checks[r.first_failure].detail,
			    "fact-chain proof is missing head_hash");
	p.checked_entries = 0;
	p.head_hash = NULL;
	stg_verify_chain_proof(&p, STG_PROOF_SDK, false, &r);
	assert_true(r.valid);
	assert_false(r.has_lag);
	assert_string_equal(stg_proof_mode_name(STG_PROOF_SDK), "sdk");
	assert_string_equal(stg_proof_mode_name(STG_PROOF_LAG_AWARE), "lag-aware");
}

/* ---- recorded Stigmem-Verify: full responses ----------------------------- */

static enum stg_cid_verdict
verdict_from_analysis(const char *v)
{
	if (strcmp(v, "match") == 0)
		return STG_CID_VERIFIED;
	if (strcmp(v, "no_cid") == 0)
		return STG_CID_NO_CID;
	if (strcmp(v, "sdk_model_rejects_fact") == 0)
		return STG_CID_UNVERIFIABLE_REDACTED;
	return STG_CID_MISMATCH;
}

static int
check_recall_fixture(const char *rel)
{
	cJSON *root = tst_load_json(rel);
	const cJSON *body = tst_jget(root, "body"), *an = tst_jget(root, "analysis"), *af;
	const char *raw = tst_str(root, "body_raw");
	struct stg_arena arena;
	struct stg_chain_proof *p;
	struct stg_recall_response *rr = NULL;
	struct stg_error err;
	size_t i;
	int n_facts = 0;

	stg_arena_init(&arena);
	p = decode_proof(tst_jget(body, "chain_proof"), &arena);
	expect_sdk(rel, p, false, tst_jget(an, "require_checkpoint_false"));
	expect_sdk(rel, p, true, tst_jget(an, "require_checkpoint_true"));
	expect_lag_aware(rel, p, tst_jget(an, "require_checkpoint_false"),
			 tst_jget(an, "checkpoint_lag_entries"), tst_jget(an, "local_tl_link_ok"));

	/* every fact's verdict against the SDK's own run */
	stg_error_clear(&err);
	if (stg_decode_recall_response(raw, strlen(raw), 0, &arena, &rr, &err) != STG_OK)
		fail_msg("%s: decode recall: %s: %s", rel, err.where, err.detail);
	cJSON_ArrayForEach(af, tst_jget(an, "facts")) {
		const char *id = tst_str(af, "id");
		const struct stg_fact *f = NULL;
		struct stg_fact_cid_check chk;
		enum stg_cid_verdict want = verdict_from_analysis(tst_str(af, "verdict"));

		for (i = 0; i < rr->n_facts && f == NULL; i++)
			if (strcmp(rr->facts[i].fact.id, id) == 0)
				f = &rr->facts[i].fact;
		if (f == NULL)
			fail_msg("%s: fact %s not decoded", rel, id);
		assert_true(stg_verify_fact_cid(f, &chk));
		if (tst_str(af, "sdk_computed_cid") != NULL)
			assert_string_equal(chk.computed_cid, tst_str(af, "sdk_computed_cid"));
		if (want == STG_CID_MISMATCH && f->value.type == STG_VT_NUMBER &&
		    f->value.num == floor(f->value.num))
			want = STG_CID_VERIFIED_INTEGER_SPELLING; /* §10.6 integer trap */
		if (chk.verdict != want)
			fail_msg("%s: fact %s verdict %s, want %s", rel, id,
				 stg_cid_verdict_name(chk.verdict), stg_cid_verdict_name(want));
		n_facts++;
	}
	stg_arena_done(&arena);
	cJSON_Delete(root);
	return n_facts;
}

static void
test_recall_verify_full_fixtures(void **state)
{
	(void)state;
	assert_int_equal(check_recall_fixture("fixtures/reference-node/recall-verify-full.json"), 25);
	assert_int_equal(check_recall_fixture(
		"fixtures/reference-node/recall-verify-full-checkpoint-lagging.json"), 27);
	assert_int_equal(check_recall_fixture(
		"fixtures/reference-node/recall-verify-full-empty-chain.json"), 0);
}

/* ---- fact CID verdicts ---------------------------------------------------- */

static void
base_fact(struct stg_fact *f)
{
	memset(f, 0, sizeof *f);
	f->id = "f1";
	f->entity = "stigmem://testnode/user/alice";
	f->relation = "memory:note";
	f->source = "stigmem://testnode/agent/test";
	f->scope = "local";
	f->confidence = 1.0;
}

static void
cid_of(const struct stg_fact *f, const char *value_v, char out[STG_HASH_MAX])
{
	struct stg_cid_input in;
	char scratch[STG_PYFLOAT_MAX];

	stg_fact_cid_input(f, &in, scratch);
	in.value_v = value_v;
	in.value_v_len = strlen(value_v);
	assert_true(stg_cid_compute(&in, out));
}

static void
test_fact_verdicts(void **state)
{
	struct stg_fact f;
	struct stg_fact_cid_check chk;
	char stored[STG_HASH_MAX];

	(void)state;
	/* numeric string written by the node as "1e3", read back as 1000.0 */
	base_fact(&f);
	f.value.type = STG_VT_NUMBER;
	f.value.type_name = "number";
	f.value.num = 1000.0;
	cid_of(&f, "1e3", stored);
	f.cid = stored;
	assert_true(stg_verify_fact_cid(&f, &chk));
	assert_int_equal(chk.verdict, STG_CID_MISMATCH);
	assert_false(chk.possibly_sanitized);
	assert_true(chk.has_integer_cid);
	cid_of(&f, "1000.0", stored);
	assert_string_equal(chk.computed_cid, stored);
	/* integer spelling of 10**16 */
	f.value.num = 1e16;
	cid_of(&f, "10000000000000000", stored);
	assert_true(stg_verify_fact_cid(&f, &chk));
	assert_int_equal(chk.verdict, STG_CID_VERIFIED_INTEGER_SPELLING);
	cid_of(&f, "1e+16", stored);
	assert_string_equal(chk.computed_cid, stored);
	/* a non-integral number has no integer retry */
	f.value.num = 2.5;
	cid_of(&f, "2.5", stored);
	assert_true(stg_verify_fact_cid(&f, &chk));
	assert_int_equal(chk.verdict, STG_CID_VERIFIED);
	assert_false(chk.has_integer_cid);

	/* string rewritten by the read path: mismatch, possibly sanitized */
	base_fact(&f);
	f.value.type = STG_VT_STRING;
	f.value.type_name = "string";
	f.value.str = "caf\xc3\xa9";
	f.value.str_len = 5;
	cid_of(&f, "cafe\xcc\x81", stored);
	f.cid = stored;
	assert_true(stg_verify_fact_cid(&f, &chk));
	assert_int_equal(chk.verdict, STG_CID_MISMATCH);
	assert_true(chk.possibly_sanitized);
	assert_false(chk.has_integer_cid);
	f.value.type = STG_VT_TEXT;
	f.value.type_name = "text";
	assert_true(stg_verify_fact_cid(&f, &chk));
	assert_true(chk.possibly_sanitized);
	/* datetime mismatch is not a sanitizer effect */
	f.value.type = STG_VT_DATETIME;
	f.value.type_name = "datetime";
	assert_true(stg_verify_fact_cid(&f, &chk));
	assert_int_equal(chk.verdict, STG_CID_MISMATCH);
	assert_false(chk.possibly_sanitized);

	/* informal ref blanked on read */
	base_fact(&f);
	f.value.type = STG_VT_REF;
	f.value.type_name = "ref";
	f.value.is_null = true;
	f.sanitizer_redacted = true;
	cid_of(&f, "user:alice", stored);
	f.cid = stored;
	assert_true(stg_verify_fact_cid(&f, &chk));
	assert_int_equal(chk.verdict, STG_CID_UNVERIFIABLE_REDACTED);
	cid_of(&f, "", stored);
	assert_string_equal(chk.computed_cid, stored); /* null v hashes as "" */

	assert_string_equal(stg_cid_verdict_name(STG_CID_VERIFIED), "verified");
	assert_string_equal(stg_cid_verdict_name(STG_CID_VERIFIED_INTEGER_SPELLING),
			    "verified-integer-spelling");
	assert_string_equal(stg_cid_verdict_name(STG_CID_MISMATCH), "mismatch");
	assert_string_equal(stg_cid_verdict_name(STG_CID_NO_CID), "no-cid");
	assert_string_equal(stg_cid_verdict_name(STG_CID_UNVERIFIABLE_REDACTED),
			    "unverifiable-redacted");
	assert_string_equal(stg_cid_verdict_name((enum stg_cid_verdict)99), "unknown");
}

static void
test_value_v_rules(void **state)
{
	struct stg_fact f;
	char scratch[STG_PYFLOAT_MAX];
	const char *v;
	size_t len;

	(void)state;
	base_fact(&f);
	f.value.type = STG_VT_NULL;
	f.value.is_null = true;
	v = stg_fact_value_v(&f, scratch, &len);
	assert_string_equal(v, "null");
	assert_int_equal(len, 4);
	f.value.type = STG_VT_BOOLEAN;
	f.value.is_null = false;
	f.value.boolean = true;
	assert_string_equal(stg_fact_value_v(&f, scratch, &len), "true");
	f.value.boolean = false;
	assert_string_equal(stg_fact_value_v(&f, scratch, &len), "false");
	f.value.type = STG_VT_NUMBER;
	f.value.num = 42.0;
	assert_string_equal(stg_fact_value_v(&f, scratch, &len), "42.0");
	f.value.num = 2.5e-7;
	assert_string_equal(stg_fact_value_v(&f, scratch, &len), "2.5e-07");
	f.value.is_null = true;
	v = stg_fact_value_v(&f, scratch, &len);
	assert_string_equal(v, "");
	assert_int_equal(len, 0);
	f.value.type = STG_VT_STRING;
	f.value.is_null = false;
	f.value.str = "a\0b";
	f.value.str_len = 3;
	v = stg_fact_value_v(&f, scratch, &len);
	assert_int_equal(len, 3);
	assert_memory_equal(v, "a\0b", 3);
}

static void
test_mismatch_meaning(void **state)
{
	(void)state;
	assert_string_equal(stg_chain_mismatch_meaning("event_hash_mismatch"),
			    "a stored fact no longer hashes to its chain entry (altered after the write)");
	assert_string_equal(stg_chain_mismatch_meaning("fact_missing"), "a chained fact's row is gone");
	assert_string_equal(stg_chain_mismatch_meaning("chain_seq_gap"),
			    "chain entries are missing (sequence gap)");
	assert_string_equal(stg_chain_mismatch_meaning("nonsense"), "");
	assert_string_equal(stg_chain_mismatch_meaning(NULL), "");
	/* Every wire name has a meaning. */
	for (int m = STG_CHAIN_SEQ_GAP; m <= STG_CHAIN_HASH_MISMATCH; m++)
		assert_true(stg_chain_mismatch_meaning(stg_chain_mismatch_name(m))[0] != '\0');
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mismatch_meaning),
		cmocka_unit_test(test_proof_vectors),
		cmocka_unit_test(test_proof_lagging_accepted_only_lag_aware),
		cmocka_unit_test(test_proof_null_and_edges),
		cmocka_unit_test(test_recall_verify_full_fixtures),
		cmocka_unit_test(test_fact_verdicts),
		cmocka_unit_test(test_value_v_rules),
	};

	return cmocka_run_group_tests_name("verify", tests, NULL, NULL);
}
