/* test_lite_chain.c — the fact chain of stigmem-lite over real HTTP: chain
 * rows recomputed with cid.h, checkpoints (interval, max age, lag after a
 * restart), the local transparency-log file (line links recomputed), the
 * proof of `Stigmem-Verify: full` against the recorded shape, and tampered
 * rows caught as 409 fact_chain_mismatch with the right reason, fact and seq. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>
#include <cJSON.h>
#include <curl/curl.h>
#include <sqlite3.h>

#include "node/chain.h"
#include "node/lite.h"
#include "node/lite_internal.h"
#include "stigmem/buf.h"
#include "stigmem/cid.h"

#include "../lib/testdata.h"
#include "../lib/testnode.h"

/* ---- helpers ----------------------------------------------------------------- */

static const char *fact_json_fmt =
	"{\"entity\":\"stigmem://c.example/user/u%d\",\"relation\":\"memory:n\","
	"\"value\":{\"type\":\"string\",\"v\":\"value %d\"},\"source\":\"agent:c\",\"scope\":\"team\"}";

static void
post_n(const struct tst_node *t, int from, int count, char ids[][64])
{
	char body[512];
	for (int i = from; i < from + count; i++) {
		snprintf(body, sizeof body, fact_json_fmt, i, i);
		tst_post_fact(t, body, ids ? ids[i - from] : NULL);
	}
}

/* POST /v1/recall with Stigmem-Verify: full; returns the response. */
static void
recall_full(const struct tst_node *t, const char *query, struct tst_resp *r)
{
	char body[256];
	snprintf(body, sizeof body, "{\"query\":\"%s\",\"scope\":\"team\"}", query);
	tst_http(t, "POST", "/v1/recall", body, "Stigmem-Verify: full", r);
}

/* Lines of the local transparency-log file, parsed. */
static cJSON *
tl_lines(const char *path)
{
	cJSON *arr = cJSON_CreateArray();
	char *s = tst_read_file(path, NULL);
	if (!s)
		return arr;
	char *save = NULL;
	for (char *ln = strtok_r(s, "\n", &save); ln; ln = strtok_r(NULL, "\n", &save)) {
		cJSON *j = cJSON_Parse(ln);
		assert_non_null(j);
		cJSON_AddItemToArray(arr, j);
	}
	free(s);
	return arr;
}

static void
hex_of(const char *s, char out[STG_HEX_MAX])
{
	stg_sha256_hex(s, strlen(s), out);
}

/* ---- tests ------------------------------------------------------------------- */

static void
test_chain_empty_proof(void **state)
{
	(void)state;
	struct tst_node t = {0};
	tst_node_start(&t, 1, 60);
	struct tst_resp r;
	recall_full(&t, "phoenix", &r);
	assert_int_equal(r.status, 200);
	/* Recorded shape: recall-verify-full-empty-chain.json */
	cJSON *fx = tst_fixture("recall-verify-full-empty-chain.json");
	char *a = cJSON_PrintUnformatted(tst_jget(r.json, "chain_proof"));
	char *b = cJSON_PrintUnformatted(tst_jget(tst_jget(fx, "body"), "chain_proof"));
	assert_string_equal(a, b);
	free(a);
	free(b);
	cJSON_Delete(fx);
	tst_resp_free(&r);
	/* Without the header (or with another value) chain_proof is null. */
	tst_http(&t, "POST", "/v1/recall", "{\"query\":\"x\"}", "Stigmem-Verify: FULL", &r);
	assert_true(cJSON_IsNull(tst_jget(r.json, "chain_proof")));
	tst_resp_free(&r);
	tst_node_stop(&t);
}

/* Interval 1: every write cuts a checkpoint; the log lines link up. */
static void
test_chain_interval_one_tl_links(void **state)
{
	(void)state;
	struct tst_node t = {0};
	tst_node_start(&t, 1, 60);
	char ids[4][64];
	post_n(&t, 0, 4, ids);
	/* A de-duplicated write adds no chain entry and no checkpoint. */
	char body[512], again[64];
	snprintf(body, sizeof body, fact_json_fmt, 0, 0);
	tst_post_fact(&t, body, again);
	assert_string_equal(again, ids[0]);

	struct tst_resp r;
	recall_full(&t, "value", &r);
	assert_int_equal(r.status, 200);
	const cJSON *p = tst_jget(r.json, "chain_proof");
	assert_string_equal(tst_jstr(p, "tenant_id"), "default");
	assert_true(tst_jnum(p, "checked_entries") == 4);
	const cJSON *cp = tst_jget(p, "checkpoint");
	assert_true(tst_jnum(cp, "covered_chain_seq") == 4);
	assert_string_equal(tst_jstr(cp, "chain_hash"), tst_jstr(p, "head_hash"));
	assert_string_equal(tst_jstr(cp, "status"), "submitted");
	assert_string_equal(tst_jstr(cp, "tl_backend"), "local");
	assert_true(tst_jnum(cp, "attempt_count") == 1);
	assert_true(strncmp(tst_jstr(cp, "id"), "chaincp_", 8) == 0 && strlen(tst_jstr(cp, "id")) == 40);
	assert_string_equal(tst_jstr(cp, "submitted_at"), tst_jstr(cp, "created_at"));
	assert_true(cJSON_IsNull(tst_jget(cp, "last_error")));
	/* Same key order as the recorded proof. */
	cJSON *fx = tst_fixture("recall-verify-full.json");
	const cJSON *rcp = tst_jget(tst_jget(tst_jget(fx, "body"), "chain_proof"), "checkpoint");
	const cJSON *ka = cp->child, *kb = rcp->child;
	for (; ka && kb; ka = ka->next, kb = kb->next)
		assert_string_equal(ka->string, kb->string);
	assert_null(ka);
	assert_null(kb);
	ka = tst_jget(cp, "tl_raw")->child;
	kb = tst_jget(rcp, "tl_raw")->child;
	for (; ka && kb; ka = ka->next, kb = kb->next)
		assert_string_equal(ka->string, kb->string);
	assert_null(ka);
	assert_null(kb);
	cJSON_Delete(fx);

	/* tl_log_id = first 16 hex of sha256(absolute path of the log). */
	char cwd[2048], abs[2600], hex[STG_HEX_MAX];
	assert_non_null(getcwd(cwd, sizeof cwd));
	snprintf(abs, sizeof abs, "%s/%s", cwd, t.tl);
	hex_of(abs, hex);
	assert_memory_equal(tst_jstr(cp, "tl_log_id"), hex, 16);
	assert_int_equal(strlen(tst_jstr(cp, "tl_log_id")), 16);

	/* The log file: one line per checkpoint, linked by sha256(prev + leaf). */
	cJSON *lines = tl_lines(t.tl);
	assert_int_equal(cJSON_GetArraySize(lines), 4);
	char prev[STG_HEX_MAX];
	memset(prev, '0', 64);
	prev[64] = '\0';
	int i = 0;
	const cJSON *ln;
	cJSON_ArrayForEach(ln, lines)
	{
		assert_true(tst_jnum(ln, "index") == i);
		assert_string_equal(tst_jstr(ln, "prev_hash"), prev);
		const cJSON *pl = tst_jget(ln, "payload");
		assert_string_equal(tst_jstr(pl, "kind"), "stigmem.fact_chain_checkpoint");
		assert_true(tst_jnum(pl, "version") == 1);
		assert_true(tst_jnum(pl, "covered_chain_seq") == i + 1);
		/* leaf = sha256 of the canonical payload text */
		char canon[1024], leaf[STG_HEX_MAX];
		snprintf(canon, sizeof canon,
			 "{\"chain_hash\":\"%s\",\"covered_chain_seq\":%d,\"created_at\":\"%s\","
			 "\"kind\":\"stigmem.fact_chain_checkpoint\",\"tenant_id\":\"default\","
			 "\"version\":1}",
			 tst_jstr(pl, "chain_hash"), i + 1, tst_jstr(pl, "created_at"));
		hex_of(canon, leaf);
		assert_string_equal(tst_jstr(ln, "leaf_hash"), leaf);
		char cat[200], ch[STG_HEX_MAX];
		snprintf(cat, sizeof cat, "%s%s", prev, leaf);
		hex_of(cat, ch);
		assert_string_equal(tst_jstr(ln, "chain_hash"), ch);
		snprintf(prev, sizeof prev, "%s", ch);
		i++;
	}
	/* The proof's checkpoint is the last line. */
	const cJSON *last = cJSON_GetArrayItem(lines, 3);
	assert_true(tst_jnum(cp, "tl_log_index") == 3);
	assert_string_equal(tst_jstr(cp, "tl_leaf_hash"), tst_jstr(last, "leaf_hash"));
	assert_true(tst_jnum(cp, "tl_integrated_time") == tst_jnum(last, "ts"));
	assert_string_equal(tst_jstr(tst_jget(cp, "tl_inclusion_proof"), "chain_hash"), tst_jstr(last, "chain_hash"));
	assert_string_equal(tst_jstr(tst_jget(cp, "tl_inclusion_proof"), "prev_hash"), tst_jstr(last, "prev_hash"));
	char *a = cJSON_PrintUnformatted(tst_jget(cp, "tl_raw"));
	struct stg_buf canon_last;
	stg_buf_init(&canon_last);
	char *lt = cJSON_PrintUnformatted(last);
	assert_true(stg_json_canonicalize(lt, strlen(lt), &canon_last));
	assert_string_equal(a, canon_last.data);
	free(lt);
	free(a);
	stg_buf_done(&canon_last);
	assert_string_equal(tst_jstr(tst_jget(tst_jget(cp, "tl_raw"), "payload"), "chain_hash"),
			    tst_jstr(p, "head_hash"));
	cJSON_Delete(lines);
	tst_resp_free(&r);
	tst_node_stop(&t);
}

/* The chain rows hash exactly as §11.1 says (recomputed with cid.h). */
static void
test_chain_rows_recompute(void **state)
{
	(void)state;
	struct tst_node t = {0};
	tst_node_start(&t, 1000, 60);
	post_n(&t, 0, 3, NULL);
	tst_node_stop(&t);
	sqlite3 *db;
	assert_int_equal(sqlite3_open(t.db, &db), SQLITE_OK);
	sqlite3_stmt *st;
	assert_int_equal(
		sqlite3_prepare_v2(db,
				   "SELECT c.chain_seq, c.created_at, c.event_hash, c.previous_hash,"
				   " c.chain_hash, c.fact_id, f.entity, f.relation, f.value_type,"
				   " f.value_v, f.source, f.confidence, f.scope, f.cid"
				   " FROM fact_chain c JOIN facts f ON f.id=c.fact_id"
				   " WHERE c.tenant_id='default' ORDER BY c.chain_seq",
				   -1, &st, NULL),
		SQLITE_OK);
	int k = 0;
	char prev[STG_HASH_MAX] = "";
	while (sqlite3_step(st) == SQLITE_ROW) {
		k++;
		assert_int_equal(sqlite3_column_int(st, 0), k);
		struct stg_chain_event ev = {
			.cid = (const char *)sqlite3_column_text(st, 13),
			.confidence = sqlite3_column_double(st, 11),
			.entity = (const char *)sqlite3_column_text(st, 6),
			.fact_id = (const char *)sqlite3_column_text(st, 5),
			.relation = (const char *)sqlite3_column_text(st, 7),
			.scope = (const char *)sqlite3_column_text(st, 12),
			.source = (const char *)sqlite3_column_text(st, 10),
			.tenant_id = "default",
			.value_type = (const char *)sqlite3_column_text(st, 8),
			.value_v = (const char *)sqlite3_column_text(st, 9),
			.value_v_len = (size_t)-1,
		};
		char eh[STG_HASH_MAX], ch[STG_HASH_MAX];
		assert_true(stg_chain_event_hash(&ev, eh));
		assert_string_equal(eh, (const char *)sqlite3_column_text(st, 2));
		if (k == 1)
			assert_int_equal(sqlite3_column_type(st, 3), SQLITE_NULL);
		else
			assert_string_equal(prev, (const char *)sqlite3_column_text(st, 3));
		struct stg_chain_link ln = {
			.chain_seq = k,
			.created_at = (const char *)sqlite3_column_text(st, 1),
			.event_hash = eh,
			.fact_id = ev.fact_id,
			.previous_hash = k == 1 ? NULL : prev,
			.tenant_id = "default",
		};
		assert_true(stg_chain_link_hash(&ln, ch));
		assert_string_equal(ch, (const char *)sqlite3_column_text(st, 4));
		snprintf(prev, sizeof prev, "%s", ch);
	}
	assert_int_equal(k, 3);
	sqlite3_finalize(st);
	/* interval 1000 and no previous checkpoint: none cut yet */
	assert_int_equal(sqlite3_prepare_v2(db, "SELECT count(*) FROM fact_chain_checkpoints", -1, &st,
					    NULL),
			 SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_int_equal(sqlite3_column_int(st, 0), 0);
	sqlite3_finalize(st);
	sqlite3_close(db);
}

/* Checkpoint lag: interval N cuts at multiples of N; a restart with a large
 * interval and max age leaves the checkpoint behind the head (phase B of the
 * recordings: covered = checked_entries - 2, chain_hash != head_hash). */
static void
test_chain_checkpoint_lag(void **state)
{
	(void)state;
	struct tst_node t = {0};
	tst_node_start(&t, 1000, 60);
	post_n(&t, 0, 5, NULL);
	struct tst_resp r;
	recall_full(&t, "value", &r);
	assert_true(tst_jnum(tst_jget(r.json, "chain_proof"), "checked_entries") == 5);
	assert_true(cJSON_IsNull(tst_jget(tst_jget(r.json, "chain_proof"), "checkpoint")));
	tst_resp_free(&r);
	tst_node_stop(&t);

	struct tst_node u = {0};
	tst_node_start(&u, 2, 3600);
	post_n(&u, 0, 5, NULL);
	recall_full(&u, "value", &r);
	const cJSON *p = tst_jget(r.json, "chain_proof");
	assert_true(tst_jnum(p, "checked_entries") == 5);
	assert_true(tst_jnum(tst_jget(p, "checkpoint"), "covered_chain_seq") == 4);
	assert_string_not_equal(tst_jstr(tst_jget(p, "checkpoint"), "chain_hash"), tst_jstr(p, "head_hash"));
	tst_resp_free(&r);
	tst_node_stop(&u);

	/* Phase B: interval 1, then restart with 1000 / 86400 and two writes. */
	struct tst_node v = {0};
	tst_node_start(&v, 1, 60);
	post_n(&v, 0, 3, NULL);
	recall_full(&v, "value", &r);
	char head3[STG_HASH_MAX];
	snprintf(head3, sizeof head3, "%s", tst_jstr(tst_jget(r.json, "chain_proof"), "head_hash"));
	tst_resp_free(&r);
	tst_node_stop(&v);
	tst_node_start(&v, 1000, 86400);
	post_n(&v, 10, 2, NULL);
	recall_full(&v, "value", &r);
	p = tst_jget(r.json, "chain_proof");
	const cJSON *cp = tst_jget(p, "checkpoint");
	assert_true(tst_jnum(p, "checked_entries") == 5);
	assert_true(tst_jnum(cp, "covered_chain_seq") == 3);
	assert_true(tst_jnum(p, "checked_entries") - tst_jnum(cp, "covered_chain_seq") == 2);
	assert_string_equal(tst_jstr(cp, "chain_hash"), head3);
	assert_string_not_equal(tst_jstr(cp, "chain_hash"), tst_jstr(p, "head_hash"));
	tst_resp_free(&r);
	tst_node_stop(&v);
	cJSON *lines = tl_lines(v.tl);
	assert_int_equal(cJSON_GetArraySize(lines), 3);
	cJSON_Delete(lines);

	/* Max age 1 s, interval 3: with no checkpoint yet the age rule never
	 * fires (it compares against the entry just written); after the first
	 * checkpoint a write >= 1 s later cuts one although the interval is
	 * not reached. */
	struct tst_node w = {0};
	tst_node_start(&w, 3, 1);
	post_n(&w, 0, 1, NULL);
	usleep(1100000);
	post_n(&w, 1, 1, NULL);
	recall_full(&w, "value", &r);
	assert_true(cJSON_IsNull(tst_jget(tst_jget(r.json, "chain_proof"), "checkpoint")));
	tst_resp_free(&r);
	post_n(&w, 2, 1, NULL); /* seq 3 reaches the interval */
	recall_full(&w, "value", &r);
	assert_true(tst_jnum(tst_jget(tst_jget(r.json, "chain_proof"), "checkpoint"), "covered_chain_seq") == 3);
	tst_resp_free(&r);
	usleep(1100000);
	post_n(&w, 3, 1, NULL); /* age rule */
	recall_full(&w, "value", &r);
	assert_true(tst_jnum(tst_jget(tst_jget(r.json, "chain_proof"), "checkpoint"), "covered_chain_seq") == 4);
	tst_resp_free(&r);
	tst_node_stop(&w);
}

/* Tampering with a stored row is caught only by Stigmem-Verify: full. */
static void
tamper(const struct tst_node *t, const char *sql, const char *id)
{
	sqlite3 *db;
	assert_int_equal(sqlite3_open(t->db, &db), SQLITE_OK);
	sqlite3_stmt *st;
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	assert_int_equal(sqlite3_step(st), SQLITE_DONE);
	assert_int_equal(sqlite3_changes(db), 1);
	sqlite3_finalize(st);
	sqlite3_close(db);
}

static void
expect_mismatch(const struct tst_node *t, const char *reason, const char *fact_id, int seq)
{
	struct tst_resp r;
	recall_full(t, "value", &r);
	assert_int_equal(r.status, 409);
	const cJSON *d = tst_jget(r.json, "detail");
	assert_string_equal(tst_jstr(d, "code"), "fact_chain_mismatch");
	assert_true(cJSON_IsString(tst_jget(d, "message")));
	assert_string_equal(tst_jstr(d, "mismatch_reason"), reason);
	assert_string_equal(tst_jstr(d, "fact_id"), fact_id);
	assert_true(tst_jnum(d, "chain_seq") == seq);
	tst_resp_free(&r);
}

static void
test_chain_tamper_detected(void **state)
{
	(void)state;
	struct tst_node t = {0};
	tst_node_start(&t, 1, 60);
	char ids[5][64];
	post_n(&t, 0, 5, ids);
	struct tst_resp r;
	recall_full(&t, "value", &r);
	assert_int_equal(r.status, 200);
	tst_resp_free(&r);
	tst_node_stop(&t);

	/* 1. value_v of fact #3 rewritten AND its cid recomputed to match:
	 * reads pass, only the chain check catches it. */
	char body[512];
	snprintf(body, sizeof body, fact_json_fmt, 2, 2);
	struct stg_cid_input ci = {
		.confidence = 1.0,
		.entity = "stigmem://c.example/user/u2",
		.relation = "memory:n",
		.scope = "team",
		.source = "agent:c",
		.value_type = "string",
		.value_v = "forged value",
		.value_v_len = (size_t)-1,
	};
	char cid[STG_HASH_MAX], sql[512];
	assert_true(stg_cid_compute(&ci, cid));
	snprintf(sql, sizeof sql, "UPDATE facts SET value_v='forged value', cid='%s' WHERE id=?1", cid);
	tamper(&t, sql, ids[2]);
	tst_node_start(&t, 1, 60);
	tst_http(&t, "POST", "/v1/recall", "{\"query\":\"forged\",\"scope\":\"team\"}", NULL, &r);
	assert_int_equal(r.status, 200); /* unverified read serves the forged row */
	assert_true(cJSON_GetArraySize(tst_jget(r.json, "facts")) >= 1);
	tst_resp_free(&r);
	snprintf(sql, sizeof sql, "/v1/facts/%s/verify-cid", ids[2]);
	tst_http(&t, "POST", sql, "{}", NULL, &r);
	if (r.status == 200)
		assert_true(cJSON_IsTrue(tst_jget(r.json, "cid_valid")));
	tst_resp_free(&r);
	expect_mismatch(&t, "event_hash_mismatch", ids[2], 3);
	tst_node_stop(&t);

	/* 2. Restore it; then the confidence of fact #2 (not recalled). */
	snprintf(sql, sizeof sql, "UPDATE facts SET value_v='value 2', cid=NULL WHERE id=?1");
	tamper(&t, sql, ids[2]);
	/* cid NULL now differs from the chained cid too: still event_hash_mismatch on #3 */
	tst_node_start(&t, 1, 60);
	expect_mismatch(&t, "event_hash_mismatch", ids[2], 3);
	tst_node_stop(&t);

	/* 3. A missing fact row comes first in chain order. */
	tamper(&t, "DELETE FROM facts WHERE id=?1", ids[1]);
	tst_node_start(&t, 1, 60);
	expect_mismatch(&t, "fact_missing", ids[1], 2);
	tst_node_stop(&t);

	/* 4. A confidence tamper on the first fact. */
	tamper(&t, "UPDATE facts SET confidence=0.5 WHERE id=?1", ids[0]);
	tst_node_start(&t, 1, 60);
	expect_mismatch(&t, "event_hash_mismatch", ids[0], 1);
	tst_node_stop(&t);
}

/* A log that cannot be written leaves the checkpoint pending with the
 * error recorded; the chain itself still verifies. */
static void
test_chain_checkpoint_pending(void **state)
{
	(void)state;
	struct tst_node t = {0};
	snprintf(t.dir, sizeof t.dir, "lite-XXXXXX");
	assert_non_null(mkdtemp(t.dir));
	tst_node_paths(&t);
	assert_int_equal(mkdir(t.tl, 0755), 0); /* the log path is a directory */
	tst_node_start(&t, 1, 60);
	post_n(&t, 0, 2, NULL);
	struct tst_resp r;
	recall_full(&t, "value", &r);
	assert_int_equal(r.status, 200);
	const cJSON *p = tst_jget(r.json, "chain_proof");
	const cJSON *cp = tst_jget(p, "checkpoint");
	assert_true(tst_jnum(p, "checked_entries") == 2);
	assert_string_equal(tst_jstr(cp, "status"), "pending");
	assert_true(tst_jnum(cp, "covered_chain_seq") == 2);
	assert_true(tst_jnum(cp, "attempt_count") >= 1);
	assert_true(cJSON_IsString(tst_jget(cp, "last_error")));
	assert_true(cJSON_IsNull(tst_jget(cp, "submitted_at")));
	assert_true(cJSON_IsNull(tst_jget(cp, "tl_log_index")));
	assert_true(cJSON_IsNull(tst_jget(cp, "tl_leaf_hash")));
	assert_string_equal(tst_jstr(cp, "chain_hash"), tst_jstr(p, "head_hash"));
	tst_resp_free(&r);
	tst_node_stop(&t);
}

/* One chain per tenant (§11.1) sharing one log file; route permissions. */
static void
test_chain_per_tenant_and_permissions(void **state)
{
	(void)state;
	struct tst_node t = {0};
	t.bootstrap_key = "bootstrap-admin-key-0123456789";
	tst_node_start(&t, 1, 60);
	const char *admin = "Authorization: Bearer bootstrap-admin-key-0123456789";
	const char *acme = "Authorization: Bearer tenant-acme-key-0123456789";
	const char *writer = "Authorization: Bearer writer-only-key-0123456789";
	struct tst_resp r;
	tst_http(&t, "POST", "/v1/auth/keys",
	     "{\"raw_key\":\"tenant-acme-key-0123456789\",\"entity_uri\":\"agent:acme\","
	     "\"permissions\":[\"read\",\"write\"],\"tenant_id\":\"acme\"}",
	     admin, &r);
	assert_int_equal(r.status, 201);
	tst_resp_free(&r);
	tst_http(&t, "POST", "/v1/auth/keys",
	     "{\"raw_key\":\"writer-only-key-0123456789\",\"entity_uri\":\"agent:w\","
	     "\"permissions\":[\"write\"]}",
	     admin, &r);
	assert_int_equal(r.status, 201);
	tst_resp_free(&r);
	char body[512], hdr[256];
	for (int i = 0; i < 5; i++) {
		snprintf(body, sizeof body, fact_json_fmt, i, i);
		tst_http(&t, "POST", "/v1/facts", body, i < 2 ? admin : acme, &r);
		assert_int_equal(r.status, 201);
		tst_resp_free(&r);
	}
	const char *rb = "{\"query\":\"value\",\"scope\":\"team\"}";
	snprintf(hdr, sizeof hdr, "%s\nStigmem-Verify: full", admin);
	tst_http(&t, "POST", "/v1/recall", rb, hdr, &r);
	assert_int_equal(r.status, 200);
	const cJSON *p = tst_jget(r.json, "chain_proof");
	assert_string_equal(tst_jstr(p, "tenant_id"), "default");
	assert_true(tst_jnum(p, "checked_entries") == 2);
	assert_string_equal(tst_jstr(tst_jget(p, "checkpoint"), "tenant_id"), "default");
	assert_true(tst_jnum(tst_jget(p, "checkpoint"), "covered_chain_seq") == 2);
	assert_int_equal(cJSON_GetArraySize(tst_jget(r.json, "facts")), 2); /* tenant-filtered */
	tst_resp_free(&r);
	snprintf(hdr, sizeof hdr, "%s\nStigmem-Verify: full", acme);
	tst_http(&t, "POST", "/v1/recall", rb, hdr, &r);
	assert_int_equal(r.status, 200);
	p = tst_jget(r.json, "chain_proof");
	assert_string_equal(tst_jstr(p, "tenant_id"), "acme");
	assert_true(tst_jnum(p, "checked_entries") == 3);
	assert_true(tst_jnum(tst_jget(p, "checkpoint"), "covered_chain_seq") == 3);
	assert_true(tst_jnum(tst_jget(p, "checkpoint"), "tl_log_index") == 4); /* one file, global index */
	assert_int_equal(cJSON_GetArraySize(tst_jget(r.json, "facts")), 3);
	tst_resp_free(&r);
	/* the log links across tenants */
	cJSON *lines = tl_lines(t.tl);
	assert_int_equal(cJSON_GetArraySize(lines), 5);
	char prev[STG_HEX_MAX];
	memset(prev, '0', 64);
	prev[64] = '\0';
	const cJSON *ln;
	int i = 0;
	cJSON_ArrayForEach(ln, lines)
	{
		assert_true(tst_jnum(ln, "index") == i++);
		assert_string_equal(tst_jstr(ln, "prev_hash"), prev);
		char cat[200], ch[STG_HEX_MAX];
		snprintf(cat, sizeof cat, "%s%s", prev, tst_jstr(ln, "leaf_hash"));
		hex_of(cat, ch);
		assert_string_equal(tst_jstr(ln, "chain_hash"), ch);
		snprintf(prev, sizeof prev, "%s", ch);
	}
	assert_string_equal(tst_jstr(tst_jget(cJSON_GetArrayItem(lines, 4), "payload"), "tenant_id"), "acme");
	cJSON_Delete(lines);
	/* cards are per tenant too */
	tst_http(&t, "GET", "/v1/cards/stigmem://c.example/user/u3?scope=team", NULL, admin, &r);
	assert_int_equal(r.status, 404);
	tst_resp_free(&r);
	tst_http(&t, "GET", "/v1/cards/stigmem://c.example/user/u3?scope=team", NULL, acme, &r);
	assert_int_equal(r.status, 200);
	tst_resp_free(&r);
	/* a key without read: 403 on recall, cards and graph; no key: 401 */
	tst_http(&t, "POST", "/v1/recall", rb, writer, &r);
	assert_int_equal(r.status, 403);
	assert_string_equal(tst_jstr(r.json, "detail"), "read permission required");
	tst_resp_free(&r);
	tst_http(&t, "GET", "/v1/cards/stigmem://c.example/user/u0?scope=team", NULL, writer, &r);
	assert_int_equal(r.status, 403);
	tst_resp_free(&r);
	tst_http(&t, "GET", "/v1/graph/neighbors?entity=stigmem%3A%2F%2Fc.example%2Fuser%2Fu0&scope=team",
	     NULL, writer, &r);
	assert_int_equal(r.status, 403);
	tst_resp_free(&r);
	tst_http(&t, "POST", "/v1/recall", rb, NULL, &r);
	assert_int_equal(r.status, 401);
	tst_resp_free(&r);
	tst_node_stop(&t);
}

static void
test_chain_tl_log_id_paths(void **state)
{
	(void)state;
	char a[17], b[17], hex[STG_HEX_MAX];
	lite_chain_tl_log_id("/var/lib/stigmem/./stigmem_tl.jsonl", a);
	lite_chain_tl_log_id("/var/lib//stigmem/stigmem_tl.jsonl", b);
	assert_string_equal(a, b);
	hex_of("/var/lib/stigmem/stigmem_tl.jsonl", hex);
	assert_memory_equal(a, hex, 16);
	lite_chain_tl_log_id("/var/lib/x/../stigmem/stigmem_tl.jsonl", b);
	assert_string_equal(a, b);
}

int
main(void)
{
	curl_global_init(CURL_GLOBAL_DEFAULT);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_chain_empty_proof),
		cmocka_unit_test(test_chain_interval_one_tl_links),
		cmocka_unit_test(test_chain_rows_recompute),
		cmocka_unit_test(test_chain_checkpoint_lag),
		cmocka_unit_test(test_chain_tamper_detected),
		cmocka_unit_test(test_chain_checkpoint_pending),
		cmocka_unit_test(test_chain_per_tenant_and_permissions),
		cmocka_unit_test(test_chain_tl_log_id_paths),
	};
	int rc = cmocka_run_group_tests_name("lite_chain", tests, NULL, NULL);
	curl_global_cleanup();
	return rc;
}
