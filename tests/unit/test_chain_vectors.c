/* test_chain_vectors.c — fact chains and checkpoints against
 * fixtures/vectors/chain-vectors.json: every entry's event/link canonical
 * text and hashes, every chain's expected_verification (the node's own
 * verify_fact_chain), every checkpoint's payload canonical text, leaf hash
 * and local transparency-log link. */
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

static int
state_setup(void **state)
{
	*state = tst_load_json("fixtures/vectors/chain-vectors.json");
	return 0;
}

static int
state_teardown(void **state)
{
	cJSON_Delete(*state);
	return 0;
}

/* Entries of one chain as verify.h structs (strings borrowed from the tree). */
struct chain_in {
	struct stg_chain_entry *entries;
	struct stg_chain_fact_row *rows;
	size_t n;
};

static void
chain_in_build(const cJSON *chain, struct chain_in *ci)
{
	const cJSON *entries = cJSON_GetObjectItemCaseSensitive(chain, "entries"), *e;
	size_t i = 0;

	ci->n = (size_t)cJSON_GetArraySize(entries);
	ci->entries = calloc(ci->n + 1, sizeof *ci->entries);
	ci->rows = calloc(ci->n + 1, sizeof *ci->rows);
	assert_non_null(ci->entries);
	assert_non_null(ci->rows);
	cJSON_ArrayForEach(e, entries) {
		const cJSON *fr = cJSON_GetObjectItemCaseSensitive(e, "fact_row");
		struct stg_chain_entry *en = &ci->entries[i];
		struct stg_chain_fact_row *r = &ci->rows[i];

		en->chain_seq = (long long)tst_jnum(e, "chain_seq");
		en->created_at = tst_str(e, "created_at");
		en->event_hash = tst_str(e, "event_hash");
		en->previous_hash = tst_str(e, "previous_hash");
		en->chain_hash = tst_str(e, "chain_hash");
		en->fact_id = tst_str(fr, "id");
		en->tenant_id = tst_str(chain, "tenant_id");
		r->id = tst_str(fr, "id");
		r->tenant_id = tst_str(fr, "tenant_id");
		r->entity = tst_str(fr, "entity");
		r->relation = tst_str(fr, "relation");
		r->value_type = tst_str(fr, "value_type");
		r->value_v = tst_str(fr, "value_v");
		r->value_v_len = (size_t)-1;
		r->source = tst_str(fr, "source");
		r->confidence = tst_jnum(fr, "confidence");
		r->scope = tst_str(fr, "scope");
		r->cid = tst_str(fr, "cid");
		en->fact = r;
		i++;
	}
}

static void
chain_in_free(struct chain_in *ci)
{
	free(ci->entries);
	free(ci->rows);
}

static void
test_entry_hashes(void **state)
{
	const cJSON *chains = cJSON_GetObjectItemCaseSensitive(*state, "chains"), *c, *e;
	struct stg_buf b;
	int n_entries = 0, n_link_differs = 0;

	stg_buf_init(&b);
	cJSON_ArrayForEach(c, chains) {
		const cJSON *exp = cJSON_GetObjectItemCaseSensitive(c, "expected_verification");

		cJSON_ArrayForEach(e, cJSON_GetObjectItemCaseSensitive(c, "entries")) {
			const cJSON *fr = cJSON_GetObjectItemCaseSensitive(e, "fact_row");
			struct stg_chain_event ev;
			struct stg_chain_link ln;
			char h[STG_HASH_MAX];

			ev.cid = tst_str(fr, "cid");
			ev.confidence = tst_jnum(fr, "confidence");
			ev.entity = tst_str(fr, "entity");
			ev.fact_id = tst_str(fr, "id");
			ev.relation = tst_str(fr, "relation");
			ev.scope = tst_str(fr, "scope");
			ev.source = tst_str(fr, "source");
			ev.tenant_id = tst_str(fr, "tenant_id");
			ev.value_type = tst_str(fr, "value_type");
			ev.value_v = tst_str(fr, "value_v");
			ev.value_v_len = (size_t)-1;
			stg_buf_reset(&b);
			assert_true(stg_chain_event_canonical(&ev, &b));
			if (strcmp(b.data, tst_str(e, "event_canonical")) != 0)
				fail_msg("%s #%d event:\n got %s\nwant %s", tst_str(c, "name"),
					 (int)tst_jnum(e, "chain_seq"), b.data, tst_str(e, "event_canonical"));
			assert_true(stg_chain_event_hash(&ev, h));
			assert_string_equal(h, tst_str(e, "event_hash"));

			ln.chain_seq = (long long)tst_jnum(e, "chain_seq");
			ln.created_at = tst_str(e, "created_at");
			ln.event_hash = tst_str(e, "event_hash");
			ln.fact_id = tst_str(fr, "id");
			ln.previous_hash = tst_str(e, "previous_hash");
			ln.tenant_id = tst_str(c, "tenant_id");
			stg_buf_reset(&b);
			assert_true(stg_chain_link_canonical(&ln, &b));
			assert_true(stg_chain_link_hash(&ln, h));
			if (strcmp(b.data, tst_str(e, "link_canonical")) == 0) {
				assert_string_equal(h, tst_str(e, "chain_hash"));
			} else {
				/* a tampered entry: the node must have reported this very link */
				n_link_differs++;
				assert_string_not_equal(h, tst_str(e, "chain_hash"));
				assert_string_equal(tst_str(exp, "mismatch_reason"), "chain_hash_mismatch");
				assert_int_equal((int)tst_jnum(exp, "chain_seq"), (int)tst_jnum(e, "chain_seq"));
			}
			n_entries++;
		}
	}
	assert_int_equal(n_link_differs, 1);
	assert_true(n_entries >= 80);
	stg_buf_done(&b);
}

static void
test_expected_verification(void **state)
{
	const cJSON *chains = cJSON_GetObjectItemCaseSensitive(*state, "chains"), *c;
	int n_chains = 0, n_invalid = 0;

	cJSON_ArrayForEach(c, chains) {
		const cJSON *exp = cJSON_GetObjectItemCaseSensitive(c, "expected_verification");
		const char *name = tst_str(c, "name");
		struct chain_in ci;
		struct stg_chain_verification res;
		bool valid;
		size_t i;

		chain_in_build(c, &ci);
		if (strcmp(name, "tamper-fact-missing") == 0) {
			/* notes: "the facts row of entry 2 is absent" */
			assert_non_null(strstr(tst_str(c, "notes"), "entry 2"));
			for (i = 0; i < ci.n; i++)
				if (ci.entries[i].chain_seq == 2)
					ci.entries[i].fact = NULL;
		}
		valid = stg_verify_chain_entries(ci.entries, ci.n, &res);
		assert_int_equal(valid, res.valid);
		if (res.valid != cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(exp, "valid")))
			fail_msg("%s: valid=%d", name, res.valid);
		assert_int_equal(res.checked_entries, (long long)tst_jnum(exp, "checked_entries"));
		if (res.valid) {
			assert_int_equal(res.mismatch, STG_CHAIN_OK);
			assert_null(stg_chain_mismatch_name(res.mismatch));
			assert_null(res.fact_id);
			assert_false(res.has_chain_seq);
			assert_string_equal(res.head_hash, tst_str(c, "head_hash"));
		} else {
			n_invalid++;
			assert_string_equal(stg_chain_mismatch_name(res.mismatch),
					    tst_str(exp, "mismatch_reason"));
			assert_string_equal(res.fact_id, tst_str(exp, "fact_id"));
			assert_true(res.has_chain_seq);
			assert_int_equal(res.chain_seq, (long long)tst_jnum(exp, "chain_seq"));
		}
		chain_in_free(&ci);
		n_chains++;
	}
	assert_int_equal(n_chains, 11);
	assert_int_equal(n_invalid, 3);
}

/* Tampering the vectors do not list: every reason must be reachable. */
static void
test_own_tampering(void **state)
{
	const cJSON *chains = cJSON_GetObjectItemCaseSensitive(*state, "chains"), *c;
	struct chain_in ci;
	struct stg_chain_verification res;
	struct stg_chain_fact_row row;
	const cJSON *base = NULL;

	cJSON_ArrayForEach(c, chains)
		if (strcmp(tst_str(c, "name"), "tamper-base-untouched") == 0)
			base = c;
	assert_non_null(base);

	/* value_v edited in the facts table */
	chain_in_build(base, &ci);
	row = ci.rows[2];
	row.value_v = "v2-edited";
	ci.entries[2].fact = &row;
	assert_false(stg_verify_chain_entries(ci.entries, ci.n, &res));
	assert_string_equal(stg_chain_mismatch_name(res.mismatch), "event_hash_mismatch");
	assert_int_equal(res.chain_seq, 3);
	assert_int_equal(res.checked_entries, 2);
	/* confidence edited */
	row = ci.rows[2];
	row.confidence = row.confidence == 1.0 ? 0.5 : 1.0;
	assert_false(stg_verify_chain_entries(ci.entries, ci.n, &res));
	assert_int_equal(res.mismatch, STG_CHAIN_EVENT_HASH_MISMATCH);
	/* NULL and "" value_v hash alike (Python `value_v or ""`) */
	{
		struct stg_chain_event ev = { NULL, 1.0, "e", "f", "r", "local", "s", "t", "string",
					      NULL, (size_t)-1 };
		char h1[STG_HASH_MAX], h2[STG_HASH_MAX];

		assert_true(stg_chain_event_hash(&ev, h1));
		ev.value_v = "";
		assert_true(stg_chain_event_hash(&ev, h2));
		assert_string_equal(h1, h2);
	}
	ci.entries[2].fact = &ci.rows[2];
	/* previous_hash rewritten */
	ci.entries[3].previous_hash = ci.entries[1].chain_hash;
	assert_false(stg_verify_chain_entries(ci.entries, ci.n, &res));
	assert_int_equal(res.mismatch, STG_CHAIN_PREVIOUS_HASH_MISMATCH);
	assert_int_equal(res.chain_seq, 4);
	assert_int_equal(res.checked_entries, 3);
	assert_string_equal(res.fact_id, ci.entries[3].fact_id);
	chain_in_free(&ci);

	/* the chain must start at 1 */
	chain_in_build(base, &ci);
	assert_false(stg_verify_chain_entries(ci.entries + 1, ci.n - 1, &res));
	assert_int_equal(res.mismatch, STG_CHAIN_SEQ_GAP);
	assert_int_equal(res.checked_entries, 0);
	assert_int_equal(res.chain_seq, 2);
	/* empty chain is valid */
	assert_true(stg_verify_chain_entries(ci.entries, 0, &res));
	assert_int_equal(res.checked_entries, 0);
	assert_string_equal(res.head_hash, "");
	chain_in_free(&ci);

	assert_string_equal(stg_chain_mismatch_name(STG_CHAIN_SEQ_GAP), "chain_seq_gap");
	assert_string_equal(stg_chain_mismatch_name(STG_CHAIN_FACT_MISSING), "fact_missing");
	assert_string_equal(stg_chain_mismatch_name(STG_CHAIN_HASH_MISMATCH), "chain_hash_mismatch");
}

static void
test_checkpoints(void **state)
{
	const cJSON *cps = cJSON_GetObjectItemCaseSensitive(*state, "checkpoints"), *k;
	const char *prev_tl = NULL;
	double prev_index = -1;
	struct stg_buf b;
	int n = 0;

	stg_buf_init(&b);
	cJSON_ArrayForEach(k, cps) {
		const cJSON *p = cJSON_GetObjectItemCaseSensitive(k, "payload");
		const cJSON *line = cJSON_GetObjectItemCaseSensitive(k, "tl_line");
		const cJSON *cpj = cJSON_GetObjectItemCaseSensitive(k, "checkpoint");
		char leaf[STG_HEX_MAX], tl[STG_HEX_MAX], *txt;
		struct stg_arena arena;
		struct stg_checkpoint *cp = NULL;
		struct stg_chain_proof proof;
		struct stg_proof_report rep;
		struct stg_error err;

		/* payload from its fields */
		stg_buf_reset(&b);
		assert_true(stg_checkpoint_payload_canonical(tst_str(p, "chain_hash"),
							     (long long)tst_jnum(p, "covered_chain_seq"),
							     tst_str(p, "created_at"), tst_str(p, "tenant_id"), &b));
		assert_string_equal(b.data, tst_str(k, "payload_canonical"));
		assert_string_equal(tst_str(p, "kind"), "stigmem.fact_chain_checkpoint");
		assert_int_equal((int)tst_jnum(p, "version"), 1);
		/* payload from the text the node stored, and from the log line */
		stg_buf_reset(&b);
		assert_true(stg_json_canonicalize(tst_str(k, "stored_payload_text"),
						  strlen(tst_str(k, "stored_payload_text")), &b));
		assert_string_equal(b.data, tst_str(k, "payload_canonical"));
		txt = cJSON_Print(cJSON_GetObjectItemCaseSensitive(line, "payload"));
		stg_buf_reset(&b);
		assert_true(stg_json_canonicalize(txt, strlen(txt), &b));
		assert_string_equal(b.data, tst_str(k, "payload_canonical"));
		free(txt);

		assert_true(stg_checkpoint_leaf_hash(tst_str(p, "chain_hash"),
						     (long long)tst_jnum(p, "covered_chain_seq"),
						     tst_str(p, "created_at"), tst_str(p, "tenant_id"), leaf));
		assert_string_equal(leaf, tst_str(k, "leaf_hash"));
		assert_string_equal(leaf, tst_str(line, "leaf_hash"));
		/* the log: the first line links to 64 zeros, a line right after
		 * another links to its chain_hash (other log users own the gaps) */
		if (tst_jnum(k, "tl_index") == 0)
			assert_string_equal(tst_str(k, "prev_hash"),
				"0000000000000000000000000000000000000000000000000000000000000000");
		else if (prev_tl != NULL && tst_jnum(k, "tl_index") == prev_index + 1)
			assert_string_equal(tst_str(k, "prev_hash"), prev_tl);
		assert_true(tst_jnum(k, "tl_index") > prev_index);
		prev_index = tst_jnum(k, "tl_index");
		stg_tl_chain_hash(tst_str(k, "prev_hash"), leaf, tl);
		assert_string_equal(tl, tst_str(k, "tl_chain_hash"));
		assert_string_equal(tl, tst_str(line, "chain_hash"));
		b.len = 0;
		assert_true(stg_buf_puts(&b, tst_str(k, "prev_hash")) && stg_buf_puts(&b, leaf));
		assert_string_equal(b.data, tst_str(k, "tl_chain_input"));
		prev_tl = tst_str(k, "tl_chain_hash");

		/* the checkpoint object as a proof carries it */
		txt = cJSON_PrintUnformatted(cpj);
		stg_arena_init(&arena);
		stg_error_clear(&err);
		if (stg_decode_checkpoint(txt, strlen(txt), 0, &arena, &cp, &err) != STG_OK)
			fail_msg("decode checkpoint: %s %s", err.where, err.detail);
		proof.tenant_id = cp->tenant_id;
		proof.checked_entries = cp->covered_chain_seq;
		proof.head_hash = cp->chain_hash;
		proof.checkpoint = cp;
		stg_verify_chain_proof(&proof, STG_PROOF_SDK, true, &rep);
		assert_int_equal(rep.valid,
				 cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(k, "sdk_verify_checkpoint_proof")));
		stg_verify_chain_proof(&proof, STG_PROOF_LAG_AWARE, true, &rep);
		assert_true(rep.valid);
		assert_int_equal(rep.lag, 0);
		stg_arena_done(&arena);
		free(txt);
		n++;
	}
	assert_int_equal(n, 5);
	stg_buf_done(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_entry_hashes),
		cmocka_unit_test(test_expected_verification),
		cmocka_unit_test(test_own_tampering),
		cmocka_unit_test(test_checkpoints),
	};

	return cmocka_run_group_tests_name("chain_vectors", tests, state_setup, state_teardown);
}
