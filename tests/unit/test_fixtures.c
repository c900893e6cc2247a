/* test_fixtures.c — every recorded reference-node response decodes with the
 * decoder of its route (2xx) or stg_decode_error_body (>= 400), and the
 * fields each recording exists to show come out right.
 * Reads $STG_SHARED_DIR/fixtures/reference-node/ (fails when missing). */
#include <dirent.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <cjson/cJSON.h>

#include "core/codec_internal.h"
#include "stigmem/codec.h"

#include "../lib/testdata.h"

/* ---- fixture loading ---------------------------------------------------- */

struct fx {
	cJSON *root;
	const char *name;
	const char *method;
	char path[512];      /* request path without the query string */
	long status;
	const char *body;    /* body_raw: the exact text received */
	size_t body_len;
	const cJSON *json;   /* "body": the recorder's parse, an independent reference */
};

static char *
fx_dir(void)
{
	const char *shared = getenv("STG_SHARED_DIR");
	char *p;

	if (shared == NULL || *shared == '\0')
		fail_msg("STG_SHARED_DIR is not set");
	p = malloc(strlen(shared) + 64);
	assert_non_null(p);
	sprintf(p, "%s/fixtures/reference-node", shared);
	return p;
}

static void
fx_load(struct fx *x, const char *name)
{
	char *text, *q;
	const cJSON *req, *raw, *st;
	size_t len;

	memset(x, 0, sizeof *x);
	text = tst_read_fixture(name, &len);
	x->root = cJSON_ParseWithLength(text, len);
	free(text);
	if (x->root == NULL)
		fail_msg("%s: fixture is not JSON", name);
	x->name = name;
	req = cJSON_GetObjectItemCaseSensitive(x->root, "request");
	x->method = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(req, "method"));
	assert_non_null(x->method);
	snprintf(x->path, sizeof x->path, "%s",
		 cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(req, "path")));
	q = strchr(x->path, '?');
	if (q != NULL)
		*q = '\0';
	st = cJSON_GetObjectItemCaseSensitive(x->root, "status");
	assert_true(cJSON_IsNumber(st));
	x->status = (long)st->valuedouble;
	raw = cJSON_GetObjectItemCaseSensitive(x->root, "body_raw");
	if (!cJSON_IsString(raw))
		fail_msg("%s: no body_raw", name);
	x->body = raw->valuestring;
	x->body_len = strlen(raw->valuestring);
	x->json = cJSON_GetObjectItemCaseSensitive(x->root, "body");
}

static void
fx_done(struct fx *x)
{
	cJSON_Delete(x->root);
}

static const char *
fx_header(const struct fx *x, const char *name)
{
	const cJSON *h = cJSON_GetObjectItemCaseSensitive(x->root, "headers");

	return cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(h, name));
}

/* ---- route -> decoder --------------------------------------------------- */

enum route {
	R_UNKNOWN, R_NODE_INFO, R_ME, R_HEALTH, R_PEERS, R_FACT, R_FACT_PAGE, R_PROVENANCE,
	R_VERIFY_CID, R_RECALL, R_CARD, R_CONFLICTS, R_RESOLVE, R_NEIGHBORS, R_AUDIT,
	R_SUBSCRIPTION, R_SUBSCRIPTIONS, R_EVENTS, R_KEY, R_COUNT
};

static bool
ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && strcmp(s + n - m, suffix) == 0;
}

static enum route
route_of(const char *method, const char *path)
{
	bool get = strcmp(method, "GET") == 0, post = strcmp(method, "POST") == 0;

	if (get && strcmp(path, "/.well-known/stigmem") == 0)
		return R_NODE_INFO;
	if (get && strcmp(path, "/v1/me") == 0)
		return R_ME;
	if (get && strcmp(path, "/healthz") == 0)
		return R_HEALTH;
	if (get && strcmp(path, "/v1/federation/peers") == 0)
		return R_PEERS;
	if (strcmp(path, "/v1/facts") == 0)
		return post ? R_FACT : get ? R_FACT_PAGE : R_UNKNOWN;
	if (strncmp(path, "/v1/facts/", 10) == 0) {
		if (get && ends_with(path, "/provenance"))
			return R_PROVENANCE;
		if (post && ends_with(path, "/verify-cid"))
			return R_VERIFY_CID;
		if (get && strchr(path + 10, '/') == NULL)
			return R_FACT;
		return R_UNKNOWN;
	}
	if (post && strcmp(path, "/v1/recall") == 0)
		return R_RECALL;
	if (get && strncmp(path, "/v1/cards/", 10) == 0)
		return R_CARD;
	if (get && strcmp(path, "/v1/conflicts") == 0)
		return R_CONFLICTS;
	if (post && strncmp(path, "/v1/conflicts/", 14) == 0 && ends_with(path, "/resolve"))
		return R_RESOLVE;
	if (get && strcmp(path, "/v1/graph/neighbors") == 0)
		return R_NEIGHBORS;
	if (get && strcmp(path, "/v1/audit") == 0)
		return R_AUDIT;
	if (strcmp(path, "/v1/subscriptions") == 0)
		return post ? R_SUBSCRIPTION : get ? R_SUBSCRIPTIONS : R_UNKNOWN;
	if (get && strncmp(path, "/v1/subscriptions/", 18) == 0)
		return ends_with(path, "/events") ? R_EVENTS
		       : strchr(path + 18, '/') == NULL ? R_SUBSCRIPTION : R_UNKNOWN;
	if (post && strcmp(path, "/v1/auth/keys") == 0)
		return R_KEY;
	return R_UNKNOWN;
}

/* Decode a 2xx body with its route's decoder; returns the model (arena). */
static void *
decode_route(enum route r, const struct fx *x, struct stg_arena *a, struct stg_error *err)
{
	enum stg_status st = STG_ERR_USAGE;
	void *out = NULL;

#define CASE(R, name, type)                                                              \
	case R: {                                                                        \
		type *p = NULL;                                                          \
		st = stg_decode_##name(x->body, x->body_len, 0, a, &p, err);             \
		out = p;                                                                 \
		break;                                                                   \
	}
	switch (r) {
	CASE(R_NODE_INFO, node_info, struct stg_node_info)
	CASE(R_ME, me, struct stg_me)
	CASE(R_HEALTH, health, struct stg_health)
	CASE(R_PEERS, peer_list, struct stg_peer_list)
	CASE(R_FACT, fact, struct stg_fact)
	CASE(R_FACT_PAGE, fact_page, struct stg_fact_page)
	CASE(R_PROVENANCE, provenance, struct stg_provenance)
	CASE(R_VERIFY_CID, verify_cid, struct stg_verify_cid_result)
	CASE(R_RECALL, recall_response, struct stg_recall_response)
	CASE(R_CARD, card, struct stg_card)
	CASE(R_CONFLICTS, conflict_page, struct stg_conflict_page)
	CASE(R_RESOLVE, resolution, struct stg_resolution)
	CASE(R_NEIGHBORS, neighbors, struct stg_neighbors)
	CASE(R_AUDIT, audit_page, struct stg_audit_page)
	CASE(R_SUBSCRIPTION, subscription, struct stg_subscription)
	CASE(R_SUBSCRIPTIONS, subscription_list, struct stg_subscription_list)
	CASE(R_EVENTS, event_page, struct stg_event_page)
	CASE(R_KEY, api_key_info, struct stg_api_key_info)
	default:
		break;
	}
#undef CASE
	if (st != STG_OK)
		fail_msg("%s: decode failed: %s at '%s': %s", x->name, stg_status_name(st),
			 err->where, err->detail);
	assert_non_null(out);
	return out;
}

/* ---- comparisons against the recorder's parse ------------------------------ */

static void
check_str(const char *got, const cJSON *want, const char *what)
{
	if (want == NULL || cJSON_IsNull(want)) {
		if (got != NULL)
			fail_msg("%s: expected null, got '%s'", what, got);
		return;
	}
	if (!cJSON_IsString(want))
		fail_msg("%s: fixture value is not a string", what);
	if (got == NULL || strcmp(got, want->valuestring) != 0)
		fail_msg("%s: expected '%s', got '%s'", what, want->valuestring,
			 got ? got : "(null)");
}

static void
check_num(double got, const cJSON *want, const char *what)
{
	if (!cJSON_IsNumber(want))
		fail_msg("%s: fixture value is not a number", what);
	if (got != want->valuedouble)
		fail_msg("%s: expected %.17g, got %.17g", what, want->valuedouble, got);
}

static void
check_strs(const char *const *got, size_t n, const cJSON *want, const char *what)
{
	size_t i = 0;
	const cJSON *it;

	if (want == NULL || cJSON_IsNull(want)) {
		assert_int_equal(n, 0);
		return;
	}
	assert_int_equal(n, (size_t)cJSON_GetArraySize(want));
	cJSON_ArrayForEach(it, want)
		check_str(got[i++], it, what);
}

/* Every field of a decoded fact against the fixture's parsed object. */
static void
check_fact(const struct stg_fact *f, const cJSON *o)
{
	const cJSON *v = tst_jget(o, "value"), *jv = tst_jget(v, "v"), *df, *it;
	size_t i = 0;

	assert_true(cJSON_IsObject(o));
	check_str(f->id, tst_jget(o, "id"), "id");
	check_str(f->entity, tst_jget(o, "entity"), f->id);
	check_str(f->relation, tst_jget(o, "relation"), f->id);
	check_str(f->source, tst_jget(o, "source"), f->id);
	check_str(f->timestamp, tst_jget(o, "timestamp"), f->id);
	check_str(f->hlc, tst_jget(o, "hlc"), f->id);
	check_str(f->received_from, tst_jget(o, "received_from"), f->id);
	check_str(f->valid_until, tst_jget(o, "valid_until"), f->id);
	check_num(f->confidence, tst_jget(o, "confidence"), f->id);
	check_str(f->scope, tst_jget(o, "scope"), f->id);
	check_str(f->attested_key_id, tst_jget(o, "attested_key_id"), f->id);
	check_str(f->origin_node_id, tst_jget(o, "origin_node_id"), f->id);
	check_str(f->garden_id, tst_jget(o, "garden_id"), f->id);
	check_str(f->quarantine_status, tst_jget(o, "quarantine_status"), f->id);
	check_str(f->quarantine_garden_id, tst_jget(o, "quarantine_garden_id"), f->id);
	check_str(f->cid, tst_jget(o, "cid"), f->id);
	assert_int_equal(f->contradicted, cJSON_IsTrue(tst_jget(o, "contradicted")));
	assert_int_equal(f->sanitizer_redacted, cJSON_IsTrue(tst_jget(o, "sanitizer_redacted")));
	assert_int_equal(f->attested, cJSON_IsNull(tst_jget(o, "attested")) ? STG_NULL
				      : cJSON_IsTrue(tst_jget(o, "attested")) ? STG_TRUE : STG_FALSE);
	check_strs(f->warnings, f->n_warnings, tst_jget(o, "warnings"), "warnings");
	check_strs(f->sanitizer_warnings, f->n_sanitizer_warnings, tst_jget(o, "sanitizer_warnings"),
		   "sanitizer_warnings");
	assert_int_equal(f->has_origin_allowed_scopes,
			 cJSON_IsArray(tst_jget(o, "origin_allowed_scopes")));
	assert_int_equal(f->has_source_trust, cJSON_IsNumber(tst_jget(o, "source_trust")));
	if (f->has_source_trust)
		check_num(f->source_trust, tst_jget(o, "source_trust"), "source_trust");
	assert_int_equal(f->has_effective_confidence,
			 cJSON_IsNumber(tst_jget(o, "effective_confidence")));
	if (f->has_effective_confidence)
		check_num(f->effective_confidence, tst_jget(o, "effective_confidence"),
			  "effective_confidence");
	/* value */
	check_str(f->value.type_name, tst_jget(v, "type"), "value.type");
	assert_int_equal(f->value.type, stg_value_type_parse(tst_jget(v, "type")->valuestring));
	assert_true(f->value.has_interpret_as);
	assert_int_equal(f->value.interpret_as,
			 strcmp(tst_jget(v, "interpret_as")->valuestring, "instruction") == 0
				 ? STG_INTERPRET_INSTRUCTION : STG_INTERPRET_CONTENT);
	assert_int_equal(f->value.is_null, jv == NULL || cJSON_IsNull(jv));
	if (cJSON_IsString(jv)) {
		check_str(f->value.str, jv, "value.v");
		assert_int_equal(f->value.str_len, strlen(jv->valuestring));
	} else if (cJSON_IsNumber(jv)) {
		assert_int_equal(f->value.type, STG_VT_NUMBER);
		check_num(f->value.num, jv, "value.v");
	} else if (cJSON_IsBool(jv)) {
		assert_int_equal(f->value.type, STG_VT_BOOLEAN);
		assert_int_equal(f->value.boolean, cJSON_IsTrue(jv));
	}
	/* derived_from */
	df = tst_jget(o, "derived_from");
	assert_int_equal(f->n_derived_from, (size_t)cJSON_GetArraySize(df));
	cJSON_ArrayForEach(it, df) {
		const struct stg_derived *d = &f->derived_from[i++];
		cJSON *back;

		assert_non_null(d->json);
		back = cJSON_Parse(d->json);
		assert_non_null(back);
		assert_true(cJSON_Compare(back, it, 1));
		cJSON_Delete(back);
		if (cJSON_IsString(tst_jget(it, "fact_id")))
			check_str(d->fact_id, tst_jget(it, "fact_id"), "derived_from.fact_id");
		else
			assert_null(d->fact_id);
		if (cJSON_IsString(tst_jget(it, "hash")))
			check_str(d->hash, tst_jget(it, "hash"), "derived_from.hash");
		else
			assert_null(d->hash);
	}
}

static void
check_scored_list(const struct stg_scored_fact *s, size_t n, const cJSON *arr)
{
	const cJSON *it, *bd;
	size_t i = 0;

	assert_int_equal(n, (size_t)cJSON_GetArraySize(arr));
	cJSON_ArrayForEach(it, arr) {
		check_fact(&s[i].fact, tst_jget(it, "fact"));
		check_num(s[i].score, tst_jget(it, "score"), "score");
		bd = tst_jget(it, "score_breakdown");
		check_num(s[i].breakdown.lexical, tst_jget(bd, "lexical"), "lexical");
		check_num(s[i].breakdown.semantic, tst_jget(bd, "semantic"), "semantic");
		check_num(s[i].breakdown.graph, tst_jget(bd, "graph"), "graph");
		check_num(s[i].breakdown.source_trust, tst_jget(bd, "source_trust"), "source_trust");
		check_num(s[i].breakdown.recency, tst_jget(bd, "recency"), "recency");
		check_num(s[i].breakdown.weighted_total, tst_jget(bd, "weighted_total"), "weighted_total");
		check_num(s[i].hop_distance, tst_jget(it, "hop_distance"), "hop_distance");
		check_num((double)s[i].token_estimate, tst_jget(it, "token_estimate"), "token_estimate");
		assert_int_equal(s[i].from_card, cJSON_IsTrue(tst_jget(it, "from_card")));
		i++;
	}
}

/* ---- fast path vs cJSON path -------------------------------------------- */

static bool
str_eq(const char *a, const char *b)
{
	return (a == NULL && b == NULL) || (a != NULL && b != NULL && strcmp(a, b) == 0);
}

static bool
json_text_eq(const char *a, const char *b)
{
	cJSON *x, *y;
	bool eq;

	if (a == NULL || b == NULL)
		return a == b;
	x = cJSON_Parse(a);
	y = cJSON_Parse(b);
	eq = x != NULL && y != NULL && cJSON_Compare(x, y, 1);
	cJSON_Delete(x);
	cJSON_Delete(y);
	return eq;
}

static bool
strs_eq(const char *const *a, size_t na, const char *const *b, size_t nb)
{
	size_t i;

	if (na != nb)
		return false;
	for (i = 0; i < na; i++)
		if (!str_eq(a[i], b[i]))
			return false;
	return true;
}

static bool
num_eq(double a, double b)
{
	return memcmp(&a, &b, sizeof a) == 0 || (isnan(a) && isnan(b));
}

/* Field-by-field equality of two decoded facts (JSON texts compared as JSON). */
static void
assert_fact_same(const struct stg_fact *a, const struct stg_fact *b)
{
	size_t i;

	assert_true(str_eq(a->id, b->id));
	assert_true(str_eq(a->entity, b->entity));
	assert_true(str_eq(a->relation, b->relation));
	assert_int_equal(a->value.type, b->value.type);
	assert_true(str_eq(a->value.type_name, b->value.type_name));
	assert_int_equal(a->value.is_null, b->value.is_null);
	assert_int_equal(a->value.str_len, b->value.str_len);
	assert_true((a->value.str == NULL) == (b->value.str == NULL));
	if (a->value.str != NULL)
		assert_memory_equal(a->value.str, b->value.str, a->value.str_len + 1);
	assert_true(num_eq(a->value.num, b->value.num));
	assert_int_equal(a->value.boolean, b->value.boolean);
	assert_int_equal(a->value.interpret_as, b->value.interpret_as);
	assert_int_equal(a->value.has_interpret_as, b->value.has_interpret_as);
	assert_true(str_eq(a->source, b->source));
	assert_true(str_eq(a->timestamp, b->timestamp));
	assert_true(str_eq(a->hlc, b->hlc));
	assert_true(str_eq(a->received_from, b->received_from));
	assert_true(str_eq(a->valid_until, b->valid_until));
	assert_true(num_eq(a->confidence, b->confidence));
	assert_true(str_eq(a->scope, b->scope));
	assert_true(str_eq(a->attested_key_id, b->attested_key_id));
	assert_true(str_eq(a->origin_node_id, b->origin_node_id));
	assert_int_equal(a->has_origin_allowed_scopes, b->has_origin_allowed_scopes);
	assert_true(strs_eq(a->origin_allowed_scopes, a->n_origin_allowed_scopes,
			    b->origin_allowed_scopes, b->n_origin_allowed_scopes));
	assert_true(str_eq(a->garden_id, b->garden_id));
	assert_int_equal(a->attested, b->attested);
	assert_int_equal(a->contradicted, b->contradicted);
	assert_true(strs_eq(a->warnings, a->n_warnings, b->warnings, b->n_warnings));
	assert_int_equal(a->has_source_trust, b->has_source_trust);
	assert_true(num_eq(a->source_trust, b->source_trust));
	assert_true(str_eq(a->quarantine_status, b->quarantine_status));
	assert_true(str_eq(a->quarantine_garden_id, b->quarantine_garden_id));
	assert_int_equal(a->has_effective_confidence, b->has_effective_confidence);
	assert_true(num_eq(a->effective_confidence, b->effective_confidence));
	assert_true(strs_eq(a->sanitizer_warnings, a->n_sanitizer_warnings, b->sanitizer_warnings,
			    b->n_sanitizer_warnings));
	assert_int_equal(a->sanitizer_redacted, b->sanitizer_redacted);
	assert_true(str_eq(a->cid, b->cid));
	assert_int_equal(a->n_derived_from, b->n_derived_from);
	for (i = 0; i < a->n_derived_from; i++) {
		assert_true(str_eq(a->derived_from[i].fact_id, b->derived_from[i].fact_id));
		assert_true(str_eq(a->derived_from[i].hash, b->derived_from[i].hash));
		assert_true(json_text_eq(a->derived_from[i].json, b->derived_from[i].json));
	}
	assert_true(json_text_eq(a->raw_json, b->raw_json));
}

static void
assert_scored_same(const struct stg_scored_fact *a, size_t na, const struct stg_scored_fact *b,
		   size_t nb)
{
	size_t i;

	assert_int_equal(na, nb);
	for (i = 0; i < na; i++) {
		assert_fact_same(&a[i].fact, &b[i].fact);
		assert_true(num_eq(a[i].score, b[i].score));
		assert_memory_equal(&a[i].breakdown, &b[i].breakdown, sizeof a[i].breakdown);
		assert_int_equal(a[i].hop_distance, b[i].hop_distance);
		assert_int_equal(a[i].token_estimate, b[i].token_estimate);
		assert_int_equal(a[i].from_card, b[i].from_card);
	}
}

static void
assert_checkpoint_same(const struct stg_checkpoint *a, const struct stg_checkpoint *b)
{
	assert_true((a == NULL) == (b == NULL));
	if (a == NULL)
		return;
	assert_true(str_eq(a->id, b->id));
	assert_true(str_eq(a->tenant_id, b->tenant_id));
	assert_int_equal(a->covered_chain_seq, b->covered_chain_seq);
	assert_true(str_eq(a->chain_hash, b->chain_hash));
	assert_true(str_eq(a->status, b->status));
	assert_int_equal(a->attempt_count, b->attempt_count);
	assert_true(str_eq(a->created_at, b->created_at));
	assert_true(str_eq(a->submitted_at, b->submitted_at));
	assert_true(str_eq(a->last_error, b->last_error));
	assert_true(str_eq(a->tl_backend, b->tl_backend));
	assert_true(str_eq(a->tl_log_id, b->tl_log_id));
	assert_true(str_eq(a->tl_leaf_hash, b->tl_leaf_hash));
	assert_int_equal(a->has_tl_log_index, b->has_tl_log_index);
	assert_int_equal(a->tl_log_index, b->tl_log_index);
	assert_int_equal(a->has_tl_integrated_time, b->has_tl_integrated_time);
	assert_int_equal(a->tl_integrated_time, b->tl_integrated_time);
	assert_true(str_eq(a->tl_inclusion_proof_json, b->tl_inclusion_proof_json));
	assert_true(str_eq(a->tl_raw_json, b->tl_raw_json));
	assert_true(str_eq(a->tl_raw_leaf_hash, b->tl_raw_leaf_hash));
	assert_true(str_eq(a->tl_raw_prev_hash, b->tl_raw_prev_hash));
	assert_true(str_eq(a->tl_raw_chain_hash, b->tl_raw_chain_hash));
	assert_int_equal(a->has_tl_raw_index, b->has_tl_raw_index);
	assert_int_equal(a->tl_raw_index, b->tl_raw_index);
	assert_true((a->tl_raw_payload == NULL) == (b->tl_raw_payload == NULL));
	if (a->tl_raw_payload != NULL) {
		assert_true(str_eq(a->tl_raw_payload->json, b->tl_raw_payload->json));
		assert_true(str_eq(a->tl_raw_payload->chain_hash, b->tl_raw_payload->chain_hash));
		assert_int_equal(a->tl_raw_payload->covered_chain_seq,
				 b->tl_raw_payload->covered_chain_seq);
		assert_int_equal(a->tl_raw_payload->version, b->tl_raw_payload->version);
	}
}

static void
assert_recall_same(const struct stg_recall_response *a, const struct stg_recall_response *b)
{
	assert_true(str_eq(a->recall_id, b->recall_id));
	assert_true(str_eq(a->query_hash, b->query_hash));
	assert_scored_same(a->facts, a->n_facts, b->facts, b->n_facts);
	assert_int_equal(a->has_channels, b->has_channels);
	assert_scored_same(a->content, a->n_content, b->content, b->n_content);
	assert_scored_same(a->instructions, a->n_instructions, b->instructions, b->n_instructions);
	assert_int_equal(a->has_total_scored, b->has_total_scored);
	assert_int_equal(a->total_scored, b->total_scored);
	assert_int_equal(a->token_budget, b->token_budget);
	assert_int_equal(a->tokens_used, b->tokens_used);
	assert_int_equal(a->truncated, b->truncated);
	assert_int_equal(a->n_tombstone_notices, b->n_tombstone_notices);
	assert_true((a->chain_proof == NULL) == (b->chain_proof == NULL));
	if (a->chain_proof != NULL) {
		assert_true(str_eq(a->chain_proof->tenant_id, b->chain_proof->tenant_id));
		assert_int_equal(a->chain_proof->checked_entries, b->chain_proof->checked_entries);
		assert_true(str_eq(a->chain_proof->head_hash, b->chain_proof->head_hash));
		assert_checkpoint_same(a->chain_proof->checkpoint, b->chain_proof->checkpoint);
	}
}

static void
assert_conflicts_same(const struct stg_conflict_page *a, const struct stg_conflict_page *b)
{
	size_t i;

	assert_int_equal(a->n_conflicts, b->n_conflicts);
	assert_true(str_eq(a->cursor, b->cursor));
	assert_int_equal(a->has_more, b->has_more);
	for (i = 0; i < a->n_conflicts; i++) {
		const struct stg_conflict *x = &a->conflicts[i], *y = &b->conflicts[i];

		assert_true(str_eq(x->conflict_id, y->conflict_id));
		assert_true(str_eq(x->status, y->status));
		assert_true(str_eq(x->resolved_by, y->resolved_by));
		assert_true(str_eq(x->detected_at, y->detected_at));
		assert_true((x->fact_a == NULL) == (y->fact_a == NULL));
		assert_true((x->fact_b == NULL) == (y->fact_b == NULL));
		if (x->fact_a != NULL)
			assert_fact_same(x->fact_a, y->fact_a);
		if (x->fact_b != NULL)
			assert_fact_same(x->fact_b, y->fact_b);
	}
}

/* Both paths on one body (fact, fact page, recall, conflicts), with and
 * without KEEP_RAW. */
static void
check_paths_agree(const struct fx *x, enum route r)
{
	unsigned flags;

	for (flags = 0; flags <= STG_DECODE_KEEP_RAW; flags += STG_DECODE_KEEP_RAW) {
		struct stg_arena a;
		struct stg_error e1, e2;
		size_t i;

		stg_arena_init(&a);
		if (r == R_FACT) {
			struct stg_fact *f1 = NULL, *f2 = NULL;

			assert_int_equal(stg_codec_fact_fast(x->body, x->body_len, flags, &a, &f1, &e1),
					 STG_OK);
			assert_int_equal(stg_codec_fact_cjson(x->body, x->body_len, flags, &a, &f2, &e2),
					 STG_OK);
			assert_fact_same(f1, f2);
			if (flags)
				assert_non_null(f1->raw_json);
		} else if (r == R_RECALL) {
			struct stg_recall_response *r1 = NULL, *r2 = NULL;

			assert_int_equal(stg_codec_recall_response_fast(x->body, x->body_len, flags, &a,
									&r1, &e1), STG_OK);
			assert_int_equal(stg_codec_recall_response_cjson(x->body, x->body_len, flags, &a,
									 &r2, &e2), STG_OK);
			assert_recall_same(r1, r2);
		} else if (r == R_CONFLICTS) {
			struct stg_conflict_page *c1 = NULL, *c2 = NULL;

			assert_int_equal(stg_codec_conflict_page_fast(x->body, x->body_len, flags, &a,
								      &c1, &e1), STG_OK);
			assert_int_equal(stg_codec_conflict_page_cjson(x->body, x->body_len, flags, &a,
								       &c2, &e2), STG_OK);
			assert_conflicts_same(c1, c2);
		} else {
			struct stg_fact_page *p1 = NULL, *p2 = NULL;

			assert_int_equal(stg_codec_fact_page_fast(x->body, x->body_len, flags, &a, &p1,
								  &e1), STG_OK);
			assert_int_equal(stg_codec_fact_page_cjson(x->body, x->body_len, flags, &a, &p2,
								   &e2), STG_OK);
			assert_int_equal(p1->n_facts, p2->n_facts);
			assert_int_equal(p1->has_total, p2->has_total);
			assert_int_equal(p1->total, p2->total);
			assert_true(str_eq(p1->cursor, p2->cursor));
			assert_int_equal(p1->n_tombstone_notices, p2->n_tombstone_notices);
			for (i = 0; i < p1->n_facts; i++)
				assert_fact_same(&p1->facts[i], &p2->facts[i]);
		}
		stg_arena_done(&a);
	}
}

/* Every fact object anywhere in a recorded body (recall entries, conflict
 * sides, pages), re-serialized, decodes identically on both paths. */
static size_t
paths_agree_on_embedded(const cJSON *node)
{
	const cJSON *it;
	size_t n = 0;

	if (cJSON_IsObject(node) && cJSON_IsString(tst_jget(node, "id")) &&
	    cJSON_IsObject(tst_jget(node, "value")) && cJSON_IsString(tst_jget(node, "relation"))) {
		char *text = cJSON_PrintUnformatted(node);
		struct stg_arena a;
		struct stg_error e1, e2;
		struct stg_fact *f1 = NULL, *f2 = NULL;

		assert_non_null(text);
		stg_arena_init(&a);
		assert_int_equal(stg_codec_fact_fast(text, strlen(text), STG_DECODE_KEEP_RAW, &a, &f1,
						     &e1), STG_OK);
		assert_int_equal(stg_codec_fact_cjson(text, strlen(text), STG_DECODE_KEEP_RAW, &a, &f2,
						      &e2), STG_OK);
		/* (No check_fact here: cJSON's printer rounds some doubles, e.g.
		 * 0.25200000000000006 -> 0.252, so `text` is not the recording;
		 * body_raw is checked exactly by the route decoders above.) */
		assert_fact_same(f1, f2);
		stg_arena_done(&a);
		cJSON_free(text);
		return 1;
	}
	if (cJSON_IsObject(node) || cJSON_IsArray(node))
		cJSON_ArrayForEach(it, node)
			n += paths_agree_on_embedded(it);
	return n;
}

/* ---- the sweep over the directory ------------------------------------------ */

static int
name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void
test_every_fixture_decodes(void **state)
{
	char *dir = fx_dir();
	DIR *d = opendir(dir);
	struct dirent *de;
	char **names = NULL;
	size_t n = 0, cap = 0, i, per_route[R_COUNT] = {0}, errors = 0, embedded = 0;

	(void)state;
	if (d == NULL)
		fail_msg("cannot open %s", dir);
	while ((de = readdir(d)) != NULL) {
		if (!ends_with(de->d_name, ".json") || strcmp(de->d_name, "seed-requests.json") == 0)
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 64;
			names = realloc(names, cap * sizeof *names);
			assert_non_null(names);
		}
		names[n++] = strdup(de->d_name);
	}
	closedir(d);
	free(dir);
	qsort(names, n, sizeof *names, name_cmp);
	assert_true(n >= 130);

	for (i = 0; i < n; i++) {
		struct fx x;
		struct stg_arena a;
		struct stg_error err;
		enum route r;

		fx_load(&x, names[i]);
		stg_arena_init(&a);
		if (x.status >= 400) {
			stg_decode_error_body(x.status, x.body, x.body_len,
					      fx_header(&x, "retry-after"), &err);
			assert_int_equal(err.status, stg_status_from_http(x.status));
			assert_int_equal(err.http_status, x.status);
			if (err.detail[0] == '\0')
				fail_msg("%s: empty error detail", x.name);
			errors++;
		} else {
			void *m;

			r = route_of(x.method, x.path);
			if (r == R_UNKNOWN)
				fail_msg("%s: no decoder for %s %s", x.name, x.method, x.path);
			m = decode_route(r, &x, &a, &err);
			per_route[r]++;
			/* Facts and pages: every fact against the recorder's parse, and
			 * both decoding paths must agree. */
			if (r == R_FACT) {
				check_fact(m, x.json);
				check_paths_agree(&x, r);
			} else if (r == R_FACT_PAGE) {
				const struct stg_fact_page *p = m;
				const cJSON *it;
				size_t k = 0;

				assert_int_equal(p->n_facts,
						 (size_t)cJSON_GetArraySize(tst_jget(x.json, "facts")));
				cJSON_ArrayForEach(it, tst_jget(x.json, "facts"))
					check_fact(&p->facts[k++], it);
				check_str(p->cursor, tst_jget(x.json, "cursor"), "cursor");
				/* X-Total-Count is sent exactly when total is not null. */
				assert_int_equal(p->has_total, fx_header(&x, "x-total-count") != NULL);
				if (p->has_total)
					assert_int_equal(p->total,
							 strtoll(fx_header(&x, "x-total-count"), NULL, 10));
				check_paths_agree(&x, r);
			} else if (r == R_RECALL) {
				const struct stg_recall_response *rr = m;

				check_scored_list(rr->facts, rr->n_facts, tst_jget(x.json, "facts"));
				if (rr->has_channels) {
					check_scored_list(rr->content, rr->n_content,
							  tst_jget(x.json, "content"));
					check_scored_list(rr->instructions, rr->n_instructions,
							  tst_jget(x.json, "instructions"));
				}
				assert_int_equal(rr->chain_proof != NULL,
						 cJSON_IsObject(tst_jget(x.json, "chain_proof")));
				assert_int_equal(rr->has_total_scored,
						 fx_header(&x, "x-total-count") != NULL);
				if (rr->has_total_scored)
					assert_int_equal(rr->total_scored,
							 strtoll(fx_header(&x, "x-total-count"), NULL, 10));
				assert_int_equal(rr->has_channels,
						 cJSON_IsArray(tst_jget(x.json, "content")));
				check_paths_agree(&x, r);
			} else if (r == R_CONFLICTS) {
				const struct stg_conflict_page *cp = m;
				const cJSON *it;
				size_t k = 0;

				cJSON_ArrayForEach(it, tst_jget(x.json, "conflicts")) {
					const struct stg_conflict *c = &cp->conflicts[k++];

					check_str(c->conflict_id, tst_jget(it, "conflict_id"), "conflict_id");
					check_str(c->status, tst_jget(it, "status"), "status");
					check_str(c->resolved_by, tst_jget(it, "resolved_by"), "resolved_by");
					check_str(c->detected_at, tst_jget(it, "detected_at"), "detected_at");
					if (c->fact_a != NULL)
						check_fact(c->fact_a, tst_jget(it, "fact_a"));
					else
						assert_true(cJSON_IsNull(tst_jget(it, "fact_a")));
					if (c->fact_b != NULL)
						check_fact(c->fact_b, tst_jget(it, "fact_b"));
					else
						assert_true(cJSON_IsNull(tst_jget(it, "fact_b")));
				}
				assert_int_equal(k, cp->n_conflicts);
				check_paths_agree(&x, r);
			}
		}
		if (x.status < 400)
			embedded += paths_agree_on_embedded(x.json);
		stg_arena_done(&a);
		fx_done(&x);
		free(names[i]);
	}
	free(names);
	/* Every route family of the recording set was exercised. */
	for (i = R_NODE_INFO; i < R_COUNT; i++)
		if (per_route[i] == 0)
			fail_msg("no 2xx fixture for route %zu", i);
	assert_true(errors >= 20);
	assert_true(embedded >= 500); /* 549 fact objects in the public set */
}

/* ---- file-specific assertions --------------------------------------------- */

#define WITH(file, type, name)                                                          \
	struct fx x;                                                                    \
	struct stg_arena a;                                                             \
	struct stg_error err;                                                           \
	type *m = NULL;                                                                 \
	fx_load(&x, file);                                                              \
	stg_arena_init(&a);                                                             \
	if (stg_decode_##name(x.body, x.body_len, 0, &a, &m, &err) != STG_OK)           \
		fail_msg("%s: %s at %s: %s", file, stg_status_name(err.status), err.where, \
			 err.detail)

#define DONE()              \
	stg_arena_done(&a); \
	fx_done(&x)

static void
test_facts_all(void **state)
{
	size_t i, meta = 0, nocid = 0;

	(void)state;
	WITH("facts-all.json", struct stg_fact_page, fact_page);
	assert_int_equal(m->n_facts, 71);
	assert_true(m->has_total);
	assert_int_equal(m->total, 71);
	assert_int_equal(strtoll(fx_header(&x, "x-total-count"), NULL, 10), m->total);
	assert_null(m->cursor);
	assert_int_equal(m->n_tombstone_notices, 0);
	assert_string_equal(m->facts[0].id, "933938b8-a999-455b-bd4e-3e4f5ac248b0");
	assert_string_equal(m->facts[0].hlc, "1795235982741.0");
	assert_string_equal(m->facts[70].id, "481506c5-4d0a-46ef-a928-c6bf9c34685b");
	for (i = 0; i < m->n_facts; i++) {
		if (strncmp(m->facts[i].entity, "stigmem:conflict:", 17) == 0) {
			meta++;
			assert_null(m->facts[i].cid);
			assert_string_equal(m->facts[i].source, "system:stigmem");
		}
		if (m->facts[i].cid == NULL)
			nocid++;
	}
	assert_int_equal(meta, 10);
	assert_int_equal(nocid, 10);
	DONE();
}

static void
test_fact_get_number_int(void **state)
{
	(void)state;
	WITH("fact-get-number-int.json", struct stg_fact, fact);
	assert_int_equal(m->value.type, STG_VT_NUMBER);
	assert_false(m->value.is_null);
	assert_true(m->value.num == 42.0);
	assert_string_equal(m->cid,
			    "sha256:f2d3ee1fbeac30898188969452184e798d42a759977d7cdf153ef1fd006b0df7");
	assert_true(m->has_source_trust);
	assert_true(m->source_trust == 0.22000000000000003);
	assert_true(m->has_effective_confidence);
	DONE();
}

static void
test_post_fact_shapes(void **state)
{
	(void)state;
	{
		WITH("post-fact-string.json", struct stg_fact, fact);
		assert_string_equal(m->value.str, "Alice Martin");
		assert_int_equal(m->value.str_len, 12);
		assert_false(m->has_source_trust);
		assert_false(m->has_effective_confidence);
		assert_int_equal(m->attested, STG_NULL);
		assert_false(m->has_origin_allowed_scopes);
		assert_true(m->confidence == 1.0);
		DONE();
	}
	{
		WITH("post-fact-number-small.json", struct stg_fact, fact);
		/* pydantic wrote 2.5e-7; the double must be exactly 2.5e-07. */
		assert_non_null(strstr(x.body, "2.5e-7"));
		assert_true(m->value.num == 2.5e-07);
		DONE();
	}
	{
		WITH("post-fact-confidence-1e-05.json", struct stg_fact, fact);
		assert_true(m->confidence == 1e-05);
		DONE();
	}
	{
		WITH("post-fact-null.json", struct stg_fact, fact);
		assert_int_equal(m->value.type, STG_VT_NULL);
		assert_true(m->value.is_null);
		assert_null(m->value.str);
		DONE();
	}
	{
		WITH("post-fact-boolean-string-false.json", struct stg_fact, fact);
		assert_int_equal(m->value.type, STG_VT_BOOLEAN);
		assert_true(m->value.boolean);
		DONE();
	}
	{
		WITH("post-fact-warning-bare-relation.json", struct stg_fact, fact);
		assert_true(m->n_warnings >= 1);
		DONE();
	}
	{
		WITH("post-fact-normalized-entity.json", struct stg_fact, fact);
		assert_string_equal(m->entity, "stigmem://acme.example/user/carol-jones");
		DONE();
	}
	{
		WITH("post-fact-provenance.json", struct stg_fact, fact);
		assert_true(m->n_derived_from >= 2);
		assert_non_null(m->derived_from[0].json);
		DONE();
	}
	{
		WITH("post-fact-adversarial-osc52.json", struct stg_fact, fact);
		assert_non_null(memchr(m->value.str, 0x1b, m->value.str_len));
		DONE();
	}
}

static void
test_ref_informal_redacted_on_read(void **state)
{
	size_t i;
	bool seen = false;

	(void)state;
	WITH("facts-entity-alice.json", struct stg_fact_page, fact_page);
	for (i = 0; i < m->n_facts; i++) {
		if (m->facts[i].value.type == STG_VT_REF && m->facts[i].sanitizer_redacted) {
			assert_true(m->facts[i].value.is_null);
			assert_null(m->facts[i].value.str);
			seen = true;
		}
	}
	assert_true(seen);
	DONE();
}

static void
test_recall_team(void **state)
{
	size_t i;
	bool hop1 = false;

	(void)state;
	WITH("recall-team.json", struct stg_recall_response, recall_response);
	assert_true(m->has_channels);
	assert_int_equal(m->n_facts, 25);
	assert_int_equal(m->n_content, 25);
	assert_int_equal(m->n_instructions, 0);
	assert_true(m->has_total_scored);
	assert_int_equal(m->total_scored, strtoll(fx_header(&x, "x-total-count"), NULL, 10));
	assert_int_equal(m->token_budget, 4000);
	assert_int_equal(m->tokens_used, 584);
	assert_false(m->truncated);
	assert_null(m->chain_proof);
	assert_true(m->facts[0].from_card);
	assert_int_equal(m->facts[0].hop_distance, 0);
	assert_string_equal(m->facts[0].fact.id, "card:stigmem://acme.example/meeting/kickoff-東京");
	assert_null(m->facts[0].fact.cid);
	assert_null(m->facts[0].fact.hlc);
	assert_true(m->facts[0].score == 0.98);
	assert_true(m->facts[0].breakdown.source_trust == 0.98);
	assert_int_equal(m->facts[0].token_estimate, 106);
	assert_false(m->facts[1].from_card);
	assert_true(m->facts[1].breakdown.lexical == 0.861);
	assert_true(m->facts[1].score == 0.557051);
	for (i = 0; i < m->n_facts; i++)
		if (m->facts[i].hop_distance == 1 &&
		    strcmp(m->facts[i].fact.relation, "memory:works_on") == 0)
			hop1 = true;
	assert_true(hop1);
	assert_int_equal(m->facts[10].hop_distance, 1);
	DONE();
}

static void
test_recall_legacy(void **state)
{
	size_t i;
	bool small = false;

	(void)state;
	WITH("recall-legacy-format.json", struct stg_recall_response, recall_response);
	assert_false(m->has_channels);
	assert_int_equal(m->n_content, 0);
	assert_int_equal(m->n_instructions, 0);
	assert_int_equal(m->n_facts, 25);
	/* Python json spelling 2.5e-07 decodes to the same double. */
	assert_non_null(strstr(x.body, "2.5e-07"));
	for (i = 0; i < m->n_facts; i++)
		if (m->facts[i].fact.value.type == STG_VT_NUMBER && m->facts[i].fact.value.num == 2.5e-7)
			small = true;
	assert_true(small);
	DONE();
}

static void
test_recall_chain_proofs(void **state)
{
	(void)state;
	{
		WITH("recall-verify-full.json", struct stg_recall_response, recall_response);
		const struct stg_chain_proof *p = m->chain_proof;
		const struct stg_checkpoint *k;

		assert_non_null(p);
		assert_string_equal(p->tenant_id, "default");
		assert_int_equal(p->checked_entries, 61);
		assert_string_equal(p->head_hash,
				    "sha256:5ac92f4b46cf44f1b4be15a8f5a7bd921becd341e3c6718e1528231945566c4d");
		k = p->checkpoint;
		assert_non_null(k);
		assert_string_equal(k->id, "chaincp_01bc3fc4e5f644f9976a7e9da37a467c");
		assert_int_equal(k->covered_chain_seq, 61);
		assert_string_equal(k->chain_hash, p->head_hash);
		assert_string_equal(k->status, "submitted");
		assert_int_equal(k->attempt_count, 1);
		assert_null(k->last_error);
		assert_string_equal(k->tl_backend, "local");
		assert_string_equal(k->tl_log_id, "244536dbb6546356");
		assert_true(k->has_tl_log_index);
		assert_int_equal(k->tl_log_index, 60);
		assert_true(k->has_tl_integrated_time);
		assert_int_equal(k->tl_integrated_time, 1795235982);
		assert_string_equal(k->tl_inclusion_proof_json,
				    "{\"chain_hash\":\"08ae5bf421d1854096df5ddaf8dc247d808c47e14ad1fbdbc5cb56b69362d9bd\","
				    "\"prev_hash\":\"809d898a5b41fd3fe8f7712ab4afdf8437a6fece1f77dfd0b6a6e973a1b871d0\"}");
		assert_non_null(k->tl_raw_json);
		assert_string_equal(k->tl_raw_leaf_hash, k->tl_leaf_hash);
		assert_string_equal(k->tl_raw_prev_hash,
				    "809d898a5b41fd3fe8f7712ab4afdf8437a6fece1f77dfd0b6a6e973a1b871d0");
		assert_string_equal(k->tl_raw_chain_hash,
				    "08ae5bf421d1854096df5ddaf8dc247d808c47e14ad1fbdbc5cb56b69362d9bd");
		assert_true(k->has_tl_raw_index);
		assert_int_equal(k->tl_raw_index, 60);
		assert_non_null(k->tl_raw_payload);
		assert_string_equal(k->tl_raw_payload->kind, "stigmem.fact_chain_checkpoint");
		assert_int_equal(k->tl_raw_payload->covered_chain_seq, 61);
		assert_int_equal(k->tl_raw_payload->version, 1);
		assert_string_equal(k->tl_raw_payload->tenant_id, "default");
		assert_string_equal(k->tl_raw_payload->created_at, "2026-11-21T04:39:42.741206+00:00");
		assert_string_equal(k->tl_raw_payload->json,
				    "{\"chain_hash\":\"sha256:5ac92f4b46cf44f1b4be15a8f5a7bd921becd341e3c6718e1528231945566c4d\","
				    "\"covered_chain_seq\":61,\"created_at\":\"2026-11-21T04:39:42.741206+00:00\","
				    "\"kind\":\"stigmem.fact_chain_checkpoint\",\"tenant_id\":\"default\",\"version\":1}");
		DONE();
	}
	{
		WITH("recall-verify-full-checkpoint-lagging.json", struct stg_recall_response,
		     recall_response);
		assert_non_null(m->chain_proof);
		assert_int_equal(m->chain_proof->checked_entries, 63);
		assert_non_null(m->chain_proof->checkpoint);
		assert_int_equal(m->chain_proof->checkpoint->covered_chain_seq, 61);
		assert_string_not_equal(m->chain_proof->checkpoint->chain_hash,
					m->chain_proof->head_hash);
		DONE();
	}
	{
		WITH("recall-verify-full-empty-chain.json", struct stg_recall_response,
		     recall_response);
		assert_non_null(m->chain_proof);
		assert_int_equal(m->chain_proof->checked_entries, 0);
		assert_null(m->chain_proof->head_hash);
		assert_null(m->chain_proof->checkpoint);
		assert_int_equal(m->n_facts, 0);
		DONE();
	}
}

static void
test_card_and_conflicts(void **state)
{
	(void)state;
	{
		WITH("card-fresh.json", struct stg_card, card);
		assert_string_equal(m->entity_uri, "stigmem://acme.example/meeting/kickoff-東京");
		assert_int_equal(m->n_fact_hashes, 5);
		assert_string_equal(m->fact_hashes[0],
				    "ab98228188d0ac0032129903e288ad8194fd6f81af5cb51185992e5121d11315");
		assert_true(m->avg_confidence == 0.98);
		assert_false(m->is_stale);
		assert_false(m->has_contradictions);
		assert_non_null(strstr(m->summary, "\nFacts:\n"));
		DONE();
	}
	{
		WITH("card-adversarial-raw.json", struct stg_card, card);
		assert_non_null(strchr(m->summary, 0x1b));
		DONE();
	}
	{
		size_t i, resolved = 0;

		WITH("conflicts-all.json", struct stg_conflict_page, conflict_page);
		assert_int_equal(m->n_conflicts, 5);
		assert_null(m->cursor);
		assert_false(m->has_more);
		for (i = 0; i < m->n_conflicts; i++) {
			const struct stg_conflict *c = &m->conflicts[i];

			assert_non_null(c->fact_a);
			assert_non_null(c->fact_b);
			assert_false(c->fact_a->contradicted);
			if (strcmp(c->conflict_id,
				   "stigmem:conflict:9827d813-87c1-4723-866a-93722a6f0452") == 0) {
				assert_string_equal(c->status, "resolved");
				assert_string_equal(c->resolved_by,
						    "454bbceb-6b58-4b92-8365-43d59294b4c6");
				resolved++;
			} else if (strcmp(c->status, "resolved") == 0) {
				assert_string_equal(c->resolved_by,
						    "732681dc-44a9-4da5-a505-ec2265e69f95");
				resolved++;
			} else {
				assert_null(c->resolved_by);
			}
		}
		assert_int_equal(resolved, 2);
		DONE();
	}
	{
		WITH("conflict-resolve-winner.json", struct stg_resolution, resolution);
		assert_string_equal(m->resolution_fact_id, "454bbceb-6b58-4b92-8365-43d59294b4c6");
		assert_string_equal(m->conflict_status, "resolved");
		DONE();
	}
}

static void
test_audit_and_events(void **state)
{
	(void)state;
	{
		WITH("audit-page1.json", struct stg_audit_page, audit_page);
		assert_int_equal(m->n_entries, 10);
		assert_true(m->has_total);
		assert_int_equal(m->total, 10);
		assert_string_equal(m->cursor,
				    "2026-11-21T04:39:42.663161+00:00|cc22215d-3793-4137-add1-ddf802148f5f");
		assert_string_equal(m->entries[0].event_type, "fact_write");
		assert_string_equal(m->entries[0].fact_id, "dc1bc124-f21b-4c0d-b310-58dc71ab3dfe");
		assert_string_equal(m->entries[0].fact_value_v, "Principal engineer");
		assert_null(m->entries[0].oidc_sub);
		DONE();
	}
	{
		WITH("subscription-events-page1.json", struct stg_event_page, event_page);
		assert_int_equal(m->n_events, 5);
		assert_int_equal(m->total, 5);
		assert_string_equal(m->cursor, "10");
		assert_string_equal(m->events[0].payload.id, "481506c5-4d0a-46ef-a928-c6bf9c34685b");
		assert_string_equal(m->events[0].payload.value_v, "Alice Martin");
		assert_true(m->events[0].payload.has_confidence);
		assert_true(m->events[0].payload.confidence == 1.0);
		assert_false(m->events[0].payload.redacted);
		assert_string_equal(m->events[0].delivery_status, "pending");
		DONE();
	}
	{
		WITH("subscription-events-page2.json", struct stg_event_page, event_page);
		assert_string_equal(m->cursor, "21");
		DONE();
	}
	{
		size_t i, redacted = 0;

		WITH("subscription-events-entity.json", struct stg_event_page, event_page);
		assert_int_equal(m->n_events, 12);
		assert_null(m->cursor);
		for (i = 0; i < m->n_events; i++) {
			if (m->events[i].payload.redacted) {
				redacted++;
				assert_string_equal(m->events[i].payload.id,
						    "ec42c0c0-96e0-4db4-b93d-ca175045cb8e");
				assert_null(m->events[i].payload.entity);
			}
		}
		assert_int_equal(redacted, 1);
		DONE();
	}
	{
		WITH("subscriptions-list.json", struct stg_subscription_list, subscription_list);
		assert_int_equal(m->n_subscriptions, 2);
		assert_int_equal(m->total, 2);
		assert_string_equal(m->subscriptions[1].idempotency_key, "fixtures-team-webhook");
		assert_string_equal(m->subscriptions[0].target_kind, "entity");
		assert_null(m->subscriptions[0].idempotency_key);
		DONE();
	}
}

static void
test_small_routes(void **state)
{
	(void)state;
	{
		WITH("wellknown.json", struct stg_node_info, node_info);
		assert_string_equal(m->version, "1.0");
		assert_string_equal(m->auth, "none");
		assert_string_equal(m->federation, "disabled");
		assert_int_equal(m->n_namespaces, 7);
		assert_string_equal(m->namespaces[6], "garden:");
		assert_int_equal(m->cors_dev_localhost, STG_FALSE);
		assert_int_equal(m->cors_configured, STG_FALSE);
		assert_null(m->federation_pubkey);
		DONE();
	}
	{
		WITH("auth-wellknown.json", struct stg_node_info, node_info);
		assert_string_equal(m->auth, "required");
		DONE();
	}
	{
		WITH("me-anon.json", struct stg_me, me);
		assert_string_equal(m->entity_uri, "anon:trusted");
		assert_int_equal(m->n_permissions, 3);
		assert_string_equal(m->permissions[0], "federate");
		assert_null(m->oidc_sub);
		assert_string_equal(m->tenant_id, "default");
		DONE();
	}
	{
		WITH("healthz.json", struct stg_health, health);
		assert_string_equal(m->status, "ok");
		DONE();
	}
	{
		WITH("federation-peers.json", struct stg_peer_list, peer_list);
		assert_int_equal(m->n_peers, 0);
		DONE();
	}
	{
		WITH("provenance.json", struct stg_provenance, provenance);
		assert_int_equal(m->n_derived_from, 4);
		assert_true(m->derived_from[0].exists);
		assert_string_equal(m->derived_from[0].hash, "");
		assert_false(m->derived_from[2].exists);
		assert_null(m->derived_from[2].fact_id);
		DONE();
	}
	{
		WITH("poison-verify-cid.json", struct stg_verify_cid_result, verify_cid);
		assert_false(m->cid_valid);
		DONE();
	}
	{
		WITH("verify-cid-valid.json", struct stg_verify_cid_result, verify_cid);
		assert_true(m->cid_valid);
		assert_string_equal(m->computed_cid, m->stored_cid);
		assert_null(m->mismatch_reason);
		DONE();
	}
	{
		WITH("graph-neighbors-depth2.json", struct stg_neighbors, neighbors);
		assert_int_equal(m->depth, 2);
		assert_int_equal(m->n_neighbors, 4);
		assert_int_equal(m->total_hint, 4);
		assert_null(m->next_cursor);
		assert_int_equal(m->neighbors[2].hops, 2);
		assert_int_equal(m->neighbors[2].n_path, 2);
		assert_string_equal(m->neighbors[2].path[1], "stigmem://acme.example/project/phoenix");
		assert_false(m->neighbors[0].has_source_trust);
		assert_true(m->neighbors[0].confidence == 0.95);
		DONE();
	}
	{
		WITH("auth-key-create.json", struct stg_api_key_info, api_key_info);
		assert_string_equal(m->entity_uri, "agent:client-test");
		assert_int_equal(m->n_permissions, 2);
		assert_null(m->description);
		assert_string_equal(m->created_at, "2026-11-21T04:39:55+00:00");
		DONE();
	}
}

/* Fact pages: facts, total, cursor and contradicted rows, per recording. */
static void
test_fact_pages_table(void **state)
{
	static const struct {
		const char *file;
		size_t n;
		const char *cursor;
		size_t contradicted;
	} t[] = {
		{ "facts-default.json", 46, "d6344977-83e1-4643-b092-79f2048b2966", 0 },
		{ "facts-limit3-page1.json", 3, "dc1bc124-f21b-4c0d-b310-58dc71ab3dfe", 0 },
		{ "facts-limit3-page2.json", 3, "e8506524-1891-41c1-a080-a6560071a004", 0 },
		{ "facts-limit3-page3.json", 3, "ec42c0c0-96e0-4db4-b93d-ca175045cb8e", 0 },
		{ "facts-entity-planner-default.json", 4, NULL, 0 },
		{ "facts-entity-planner-min-confidence.json", 5, NULL, 0 },
		{ "facts-roadmap-default.json", 3, NULL, 0 },
		{ "facts-roadmap-include-expired.json", 4, NULL, 0 },
		{ "facts-after.json", 39, NULL, 4 },
		{ "facts-entity-unnormalized-query.json", 3, NULL, 0 },
		{ "facts-conflict-entity.json", 3, NULL, 2 },
		{ "facts-relation-role.json", 3, NULL, 2 },
		{ "facts-source-planner.json", 16, NULL, 0 },
		{ "facts-entity-alice.json", 12, NULL, 2 },
	};
	size_t i, k;

	(void)state;
	for (i = 0; i < sizeof t / sizeof t[0]; i++) {
		size_t contradicted = 0;

		WITH(t[i].file, struct stg_fact_page, fact_page);
		if (m->n_facts != t[i].n)
			fail_msg("%s: %zu facts, want %zu", t[i].file, m->n_facts, t[i].n);
		assert_true(m->has_total);
		assert_int_equal(m->total, t[i].n);
		if (t[i].cursor != NULL)
			assert_string_equal(m->cursor, t[i].cursor);
		else
			assert_null(m->cursor);
		for (k = 0; k < m->n_facts; k++)
			contradicted += m->facts[k].contradicted;
		assert_int_equal(contradicted, t[i].contradicted);
		DONE();
	}
	{
		/* include_expired adds the fact whose valid_until is in the past. */
		size_t expired = 0;

		WITH("facts-roadmap-include-expired.json", struct stg_fact_page, fact_page);
		for (k = 0; k < m->n_facts; k++)
			if (m->facts[k].valid_until != NULL &&
			    strcmp(m->facts[k].valid_until, m->facts[k].timestamp) < 0)
				expired++;
		assert_int_equal(expired, 1);
		DONE();
	}
	{
		WITH("facts-entity-unnormalized-query.json", struct stg_fact_page, fact_page);
		for (k = 0; k < m->n_facts; k++)
			assert_string_equal(m->facts[k].entity, "stigmem://acme.example/user/carol-jones");
		DONE();
	}
}

/* Single facts: the value or flag each recording exists to show. */
static void
test_single_facts_table(void **state)
{
	(void)state;
	{
		WITH("fact-get-retraction.json", struct stg_fact, fact);
		assert_true(m->confidence == 0.0);
		assert_true(m->contradicted);
		assert_string_equal(m->value.str, "retracted");
		DONE();
	}
	{
		WITH("fact-get-conflict-metafact.json", struct stg_fact, fact);
		assert_null(m->cid);
		assert_string_equal(m->source, "system:stigmem");
		assert_int_equal(m->value.type, STG_VT_TEXT);
		assert_string_equal(m->value.str,
				    "dc1bc124-f21b-4c0d-b310-58dc71ab3dfe 97bc6666-2d87-44c3-8b96-87542c38a412");
		DONE();
	}
	{
		WITH("fact-get-resolution.json", struct stg_fact, fact);
		assert_null(m->cid);
		assert_string_equal(m->source, "anon:trusted");
		assert_int_equal(strncmp(m->entity, "stigmem:resolution:stigmem:conflict:", 36), 0);
		DONE();
	}
	{
		WITH("fact-get-adversarial-ansi.json", struct stg_fact, fact);
		assert_string_equal(m->value.str, "[31mRED ALERT[0m build failed");
		DONE();
	}
	{
		WITH("fact-get-adversarial-nfkc.json", struct stg_fact, fact);
		assert_string_equal(m->value.str, "finance ABC 1");
		DONE();
	}
	{
		WITH("post-fact-adversarial-nfkc.json", struct stg_fact, fact);
		assert_string_equal(m->value.str, "\xef\xac\x81nance \xef\xbc\xa1\xef\xbc\xa2\xef\xbc\xa3 \xe2\x91\xa0");
		DONE();
	}
	{
		WITH("post-fact-adversarial-c1.json", struct stg_fact, fact);
		assert_string_equal(m->value.str, "C1 CSI:\xc2\x9b" "31m NEL:\xc2\x85 DEL:\x7f end");
		DONE();
	}
	{
		WITH("fact-get-sanitizer-warning.json", struct stg_fact, fact);
		assert_int_equal(m->n_sanitizer_warnings, 2);
		assert_string_equal(m->sanitizer_warnings[0],
				    "\\bignore\\s+(all\\s+)?previous\\s+instructions?\\b");
		assert_string_equal(m->sanitizer_warnings[1], "\\bsystem\\s+prompt\\s*:\\s*");
		assert_false(m->sanitizer_redacted);
		DONE();
	}
	{
		WITH("fact-get-contradicted.json", struct stg_fact, fact);
		assert_true(m->contradicted);
		DONE();
	}
	{
		WITH("post-fact-datetime-z.json", struct stg_fact, fact);
		assert_int_equal(m->value.type, STG_VT_DATETIME);
		assert_string_equal(m->value.str, "2026-12-31T23:59:59Z");
		DONE();
	}
	{
		WITH("post-fact-duplicate-dedup.json", struct stg_fact, fact);
		assert_string_equal(m->id, "481506c5-4d0a-46ef-a928-c6bf9c34685b");
		assert_null(m->valid_until);
		assert_int_equal(m->n_warnings, 0);
		assert_false(m->contradicted);
		DONE();
	}
	{
		WITH("post-fact-contradicting.json", struct stg_fact, fact);
		assert_true(m->contradicted);
		DONE();
	}
	{
		WITH("poison-post-negative-zero-confidence.json", struct stg_fact, fact);
		assert_true(m->confidence == 0.0);
		DONE();
	}
}

static void
test_recall_table(void **state)
{
	static const struct {
		const char *file;
		size_t n, from_card;
		bool truncated;
		long long total_scored, tokens_used;
		int max_hop;
	} t[] = {
		{ "recall-defaults.json", 1, 1, false, 1, 88, 0 },
		{ "recall-adversarial-card.json", 1, 1, false, 1, 192, 0 },
		{ "recall-company.json", 5, 1, false, 5, 141, 0 },
		{ "recall-depth-1.json", 16, 0, false, 16, 307, 1 },
		{ "recall-no-neighbors.json", 1, 0, false, 1, 17, 0 },
		{ "recall-truncated.json", 2, 0, true, 25, 36, 0 },
		{ "recall-weights-lexical-only.json", 13, 1, false, 13, 374, 0 },
	};
	size_t i, k;

	(void)state;
	for (i = 0; i < sizeof t / sizeof t[0]; i++) {
		size_t cards = 0;
		int max_hop = 0;

		WITH(t[i].file, struct stg_recall_response, recall_response);
		assert_int_equal(m->n_facts, t[i].n);
		assert_int_equal(m->truncated, t[i].truncated);
		assert_int_equal(m->total_scored, t[i].total_scored);
		assert_int_equal(m->tokens_used, t[i].tokens_used);
		for (k = 0; k < m->n_facts; k++) {
			cards += m->facts[k].from_card;
			if (m->facts[k].hop_distance > max_hop)
				max_hop = m->facts[k].hop_distance;
			if (m->facts[k].from_card) {
				assert_int_equal(strncmp(m->facts[k].fact.id, "card:", 5), 0);
				assert_string_equal(m->facts[k].fact.relation, "stigmem:card:summary");
			}
		}
		assert_int_equal(cards, t[i].from_card);
		assert_int_equal(max_hop, t[i].max_hop);
		assert_true(m->has_channels);
		DONE();
	}
	{
		WITH("recall-adversarial-card.json", struct stg_recall_response, recall_response);
		assert_non_null(strchr(m->facts[0].fact.value.str, 0x1b));
		DONE();
	}
}

static void
test_misc_table(void **state)
{
	(void)state;
	{
		WITH("card-retraction.json", struct stg_card, card);
		assert_false(m->has_contradictions);
		assert_non_null(strstr(m->summary, "agent:max_tokens: 4096 (conf=1.00)"));
		assert_non_null(strstr(m->summary, "agent:temperature: 0.2 (conf=0.90)"));
		DONE();
	}
	{
		WITH("card-refresh.json", struct stg_card, card);
		assert_string_equal(m->refreshed_at, "2026-11-21T04:39:43.177987+00:00");
		assert_int_equal(m->n_fact_hashes, 5);
		DONE();
	}
	{
		WITH("graph-neighbors-relation-filter.json", struct stg_neighbors, neighbors);
		assert_int_equal(m->n_neighbors, 1);
		assert_string_equal(m->neighbors[0].relation, "memory:works_on");
		DONE();
	}
	{
		WITH("graph-neighbors-depth1.json", struct stg_neighbors, neighbors);
		assert_int_equal(m->n_neighbors, 2);
		assert_string_equal(m->neighbors[1].entity, "stigmem://acme.example/user/bob");
		DONE();
	}
	{
		WITH("subscription-create-duplicate.json", struct stg_subscription, subscription);
		assert_string_equal(m->id, "2f961c35-7aad-496d-95b2-1222d649b56f");
		assert_string_equal(m->target_kind, "scope");
		DONE();
	}
	{
		WITH("verify-cid-number-int.json", struct stg_verify_cid_result, verify_cid);
		assert_true(m->cid_valid);
		assert_string_equal(m->stored_cid,
				    "sha256:f2d3ee1fbeac30898188969452184e798d42a759977d7cdf153ef1fd006b0df7");
		DONE();
	}
	{
		WITH("audit-page2.json", struct stg_audit_page, audit_page);
		assert_string_equal(m->cursor,
				    "2026-11-21T04:39:42.577726+00:00|4f181597-db1d-4972-8bf2-be46322d416f");
		DONE();
	}
}

static void
error_of(const char *file, struct stg_error *err)
{
	struct fx x;

	fx_load(&x, file);
	stg_decode_error_body(x.status, x.body, x.body_len, fx_header(&x, "retry-after"), err);
	fx_done(&x);
}

static void
test_error_fixtures(void **state)
{
	struct stg_error e;

	(void)state;
	error_of("error-422-query-limit.json", &e);
	assert_int_equal(e.status, STG_ERR_HTTP);
	assert_string_equal(e.detail, "query.limit: Input should be less than or equal to 500");
	error_of("error-422-json-invalid.json", &e);
	assert_string_equal(e.detail, "body.15: JSON decode error");
	error_of("error-401-no-key.json", &e);
	assert_int_equal(e.status, STG_ERR_AUTH);
	assert_int_equal(e.http_status, 401);
	assert_string_equal(e.detail, "Authorization header required");
	assert_string_equal(e.code, "");
	error_of("error-401-bad-key.json", &e);
	assert_string_equal(e.detail, "Invalid or expired API key");
	error_of("poison-facts-list-409.json", &e);
	assert_int_equal(e.status, STG_ERR_CONFLICT);
	assert_string_equal(e.code, "cid_mismatch");
	assert_non_null(strstr(e.detail, "stored CID does not match the fact canonical body"));
	assert_non_null(strstr(e.detail, "fact_id: 720044c0-0907-4dbe-a431-4989f5ab270e"));
	error_of("error-400-cid-malformed.json", &e);
	assert_int_equal(e.status, STG_ERR_HTTP);
	assert_string_equal(e.code, "cid_malformed");
	assert_string_equal(e.detail, "CID must be 'sha256:' followed by 64 hex chars");
	error_of("graph-depth-exceeded.json", &e);
	assert_string_equal(e.code, "graph_depth_exceeded");
	assert_string_equal(e.detail, "depth must be ≤ 3");
	error_of("error-500-number-not-numeric.json", &e);
	assert_int_equal(e.status, STG_ERR_SERVER);
	assert_string_equal(e.detail, "Internal Server Error");
	error_of("error-500-subscription-events-cursor.json", &e);
	assert_int_equal(e.status, STG_ERR_SERVER);
	error_of("error-404-fact-not-found.json", &e);
	assert_int_equal(e.status, STG_ERR_NOT_FOUND);
	assert_string_equal(e.detail, "fact not found");
	error_of("error-405-get-recall.json", &e);
	assert_string_equal(e.detail, "Method Not Allowed");
	error_of("conflict-resolve-409-already-resolved.json", &e);
	assert_int_equal(e.status, STG_ERR_CONFLICT);
	assert_string_equal(e.detail, "conflict already resolved");
	error_of("card-404.json", &e);
	assert_string_equal(e.detail, "no facts found for entity");
	error_of("error-403-non-admin-mint-key.json", &e);
	assert_int_equal(e.status, STG_ERR_AUTH);
	assert_string_equal(e.detail, "admin permission required to mint API keys");
}

/* Random byte flips, insertions and truncations of recorded bodies: every
 * decoder returns OK or STG_ERR_DECODE with a terminated message (run under
 * ASan this also checks bounds); when both fact paths accept a mutant they
 * must agree. */
static void
test_mutated_bodies(void **state)
{
	static const char *const files[] = {
		"facts-limit3-page1.json", "post-fact-provenance.json", "recall-verify-full-empty-chain.json",
		"recall-truncated.json", "conflicts-unresolved.json", "recall-verify-full-checkpoint-lagging.json",
		"conflict-resolve-winner.json", "subscription-events-page2.json", "provenance.json",
		"graph-neighbors-depth2.json", "card-fresh.json", "audit-page1.json",
		"wellknown.json", "error-422-query-limit.json", "poison-facts-list-409.json",
	};
	static const char alphabet[] = "{}[]\",:\\0123456789-+.eEntrufals \t\n\x01\xff";
	unsigned long long seed = 0x1234567887654321ULL;
	size_t fi, round, agreed = 0;

	(void)state;
	for (fi = 0; fi < sizeof files / sizeof files[0]; fi++) {
		struct fx x;
		enum route r;

		fx_load(&x, files[fi]);
		r = x.status >= 400 ? R_UNKNOWN : route_of(x.method, x.path);
		for (round = 0; round < 400; round++) {
			char *m = malloc(x.body_len + 2);
			size_t len = x.body_len, pos;
			struct stg_arena a;
			struct stg_error e1, e2;
			unsigned op;

			memcpy(m, x.body, len);
			seed ^= seed << 13, seed ^= seed >> 7, seed ^= seed << 17;
			pos = (size_t)(seed >> 20) % (len ? len : 1);
			op = (unsigned)(seed % 4);
			if (op == 0) {
				m[pos] = alphabet[(seed >> 8) % (sizeof alphabet - 1)];
			} else if (op == 1) {
				memmove(m + pos + 1, m + pos, len - pos);
				m[pos] = alphabet[(seed >> 8) % (sizeof alphabet - 1)];
				len++;
			} else if (op == 2) {
				len = pos;
			} else {
				memmove(m + pos, m + pos + 1, len - pos - 1);
				len--;
			}
			stg_arena_init(&a);
			stg_decode_error_body(x.status, m, len, NULL, &e1);
			assert_non_null(memchr(e1.detail, '\0', sizeof e1.detail));
			if (r == R_RECALL || r == R_CONFLICTS) {
				enum stg_status s1, s2;

				if (r == R_RECALL) {
					struct stg_recall_response *r1 = NULL, *r2 = NULL;

					s1 = stg_codec_recall_response_fast(m, len, 0, &a, &r1, &e1);
					s2 = stg_codec_recall_response_cjson(m, len, 0, &a, &r2, &e2);
					if (s1 == STG_OK && s2 == STG_OK) {
						assert_recall_same(r1, r2);
						agreed++;
					}
				} else {
					struct stg_conflict_page *c1 = NULL, *c2 = NULL;

					s1 = stg_codec_conflict_page_fast(m, len, 0, &a, &c1, &e1);
					s2 = stg_codec_conflict_page_cjson(m, len, 0, &a, &c2, &e2);
					if (s1 == STG_OK && s2 == STG_OK) {
						assert_conflicts_same(c1, c2);
						agreed++;
					}
				}
				assert_true(s1 == STG_OK || s1 == STG_ERR_DECODE);
				assert_true(s2 == STG_OK || s2 == STG_ERR_DECODE);
				assert_non_null(memchr(e1.detail, '\0', sizeof e1.detail));
			} else if (r == R_FACT || r == R_FACT_PAGE) {
				enum stg_status s1, s2;

				if (r == R_FACT) {
					struct stg_fact *f1 = NULL, *f2 = NULL;

					s1 = stg_codec_fact_fast(m, len, 0, &a, &f1, &e1);
					s2 = stg_codec_fact_cjson(m, len, 0, &a, &f2, &e2);
					if (s1 == STG_OK && s2 == STG_OK) {
						assert_fact_same(f1, f2);
						agreed++;
					}
				} else {
					struct stg_fact_page *p1 = NULL, *p2 = NULL;
					size_t k;

					s1 = stg_codec_fact_page_fast(m, len, 0, &a, &p1, &e1);
					s2 = stg_codec_fact_page_cjson(m, len, 0, &a, &p2, &e2);
					if (s1 == STG_OK && s2 == STG_OK) {
						assert_int_equal(p1->n_facts, p2->n_facts);
						for (k = 0; k < p1->n_facts; k++)
							assert_fact_same(&p1->facts[k], &p2->facts[k]);
						agreed++;
					}
				}
				assert_true(s1 == STG_OK || s1 == STG_ERR_DECODE);
				assert_true(s2 == STG_OK || s2 == STG_ERR_DECODE);
				assert_non_null(memchr(e1.detail, '\0', sizeof e1.detail));
				assert_non_null(memchr(e2.detail, '\0', sizeof e2.detail));
			} else if (r != R_UNKNOWN) {
				struct fx y = x;

				y.body = m;
				y.body_len = len;
				/* decode_route fails the test on error; call the decoders directly. */
				{
					struct stg_card *c;
					struct stg_neighbors *nb;
					struct stg_recall_response *rr;
					struct stg_provenance *pv;
					struct stg_audit_page *ap;
					struct stg_event_page *ev;
					struct stg_node_info *ni;
					struct stg_resolution *rs;
					enum stg_status st = STG_OK;

					switch (r) {
					case R_CARD: st = stg_decode_card(m, len, 0, &a, &c, &e1); break;
					case R_NEIGHBORS: st = stg_decode_neighbors(m, len, 0, &a, &nb, &e1); break;
					case R_RECALL: st = stg_decode_recall_response(m, len, 0, &a, &rr, &e1); break;
					case R_PROVENANCE: st = stg_decode_provenance(m, len, 0, &a, &pv, &e1); break;
					case R_AUDIT: st = stg_decode_audit_page(m, len, 0, &a, &ap, &e1); break;
					case R_EVENTS: st = stg_decode_event_page(m, len, 0, &a, &ev, &e1); break;
					case R_NODE_INFO: st = stg_decode_node_info(m, len, 0, &a, &ni, &e1); break;
					case R_RESOLVE: st = stg_decode_resolution(m, len, 0, &a, &rs, &e1); break;
					default: fail_msg("%s: route not covered", y.name);
					}
					assert_true(st == STG_OK || st == STG_ERR_DECODE);
					assert_non_null(memchr(e1.detail, '\0', sizeof e1.detail));
				}
			}
			stg_arena_done(&a);
			free(m);
		}
		fx_done(&x);
	}
	assert_true(agreed > 50);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_fixture_decodes),
		cmocka_unit_test(test_facts_all),
		cmocka_unit_test(test_fact_get_number_int),
		cmocka_unit_test(test_post_fact_shapes),
		cmocka_unit_test(test_ref_informal_redacted_on_read),
		cmocka_unit_test(test_recall_team),
		cmocka_unit_test(test_recall_legacy),
		cmocka_unit_test(test_recall_chain_proofs),
		cmocka_unit_test(test_card_and_conflicts),
		cmocka_unit_test(test_audit_and_events),
		cmocka_unit_test(test_small_routes),
		cmocka_unit_test(test_fact_pages_table),
		cmocka_unit_test(test_single_facts_table),
		cmocka_unit_test(test_recall_table),
		cmocka_unit_test(test_misc_table),
		cmocka_unit_test(test_error_fixtures),
		cmocka_unit_test(test_mutated_bodies),
	};

	return cmocka_run_group_tests_name("fixtures", tests, NULL, NULL);
}
