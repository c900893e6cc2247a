/* codec.c — node responses (cJSON trees) into the structs of stigmem/model.h.
 *
 * Required members follow stigmem-api.md: what identifies an object or is
 * always sent (§3.1 "all keys are always present") is required when a
 * missing value would leave the model meaningless (ids, the fact's core
 * fields, list members of pages); everything the reference says may be
 * null or missing (fact_a/fact_b, total, hlc, checkpoint, …) is optional. */
#include <stdio.h>
#include <string.h>

#include "core/codec_internal.h"

typedef int (*decode_fn)(struct codec_ctx *c, const cJSON *obj, void *dst);

/* Parse, check the root is an object, decode into a fresh arena struct of
 * `size` bytes, free the tree. */
static enum stg_status
run_decoder(const char *json, size_t len, unsigned flags, struct stg_arena *arena,
	    bool have_out, void **out, size_t size, decode_fn fn, struct stg_error *err)
{
	struct codec_ctx c;
	cJSON *root;
	void *dst;
	int rc;

	stg_error_clear(err);
	*out = NULL;
	if (arena == NULL || !have_out)
		return stg_error_set(err, STG_ERR_USAGE, "decoder needs an arena and an out pointer");
	stg_codec_ctx_init(&c, arena, err, flags);
	root = stg_codec_parse(&c, json, len);
	if (root == NULL)
		return err != NULL ? err->status : STG_ERR_DECODE;
	if (!cJSON_IsObject(root)) {
		stg_codec_fail(&c, NULL, "expected object, got %s", stg_codec_cjson_type(root));
		cJSON_Delete(root);
		return STG_ERR_DECODE;
	}
	dst = stg_arena_alloc(arena, size);
	if (dst == NULL) {
		stg_codec_nomem(&c);
		cJSON_Delete(root);
		return STG_ERR_NOMEM;
	}
	rc = fn(&c, root, dst);
	cJSON_Delete(root);
	if (rc != 0)
		return err != NULL && err->status != STG_OK ? err->status : STG_ERR_DECODE;
	*out = dst;
	return STG_OK;
}

/* Iterate an array member of objects: decode each with fn into
 * elem_size-byte slots of a fresh arena array. */
static int
obj_array(struct codec_ctx *c, const cJSON *obj, const char *key, bool req,
	  size_t elem_size, int (*fn)(struct codec_ctx *, const cJSON *, void *),
	  void **out, size_t *n, bool *present)
{
	const cJSON *arr, *it;
	unsigned char *v;
	size_t count, i = 0, old, old2;

	*out = NULL;
	*n = 0;
	if (present != NULL)
		*present = false;
	if (stg_codec_get_arr(c, obj, key, req, &arr) != 0)
		return -1;
	if (arr == NULL)
		return 0;
	count = (size_t)cJSON_GetArraySize(arr);
	v = stg_arena_calloc(c->arena, count ? count : 1, elem_size);
	if (v == NULL)
		return stg_codec_nomem(c);
	old = stg_codec_path_key(c, key);
	cJSON_ArrayForEach(it, arr) {
		old2 = stg_codec_path_index(c, i);
		if (!cJSON_IsObject(it)) {
			stg_codec_fail(c, NULL, "expected object, got %s", stg_codec_cjson_type(it));
			stg_codec_path_pop(c, old);
			return -1;
		}
		if (fn(c, it, v + i * elem_size) != 0) {
			stg_codec_path_pop(c, old);
			return -1;
		}
		stg_codec_path_pop(c, old2);
		i++;
	}
	stg_codec_path_pop(c, old);
	*out = v;
	*n = i;
	if (present != NULL)
		*present = true;
	return 0;
}

/* Decode member `key` (an object, or null when !req) with fn into a fresh
 * arena struct; *out NULL when null/absent. */
static int
obj_member(struct codec_ctx *c, const cJSON *obj, const char *key, bool req, size_t size,
	   int (*fn)(struct codec_ctx *, const cJSON *, void *), void **out)
{
	const cJSON *it;
	size_t old;
	void *dst;
	int rc;

	*out = NULL;
	if (stg_codec_get_obj(c, obj, key, req, &it) != 0)
		return -1;
	if (it == NULL)
		return 0;
	dst = stg_arena_alloc(c->arena, size);
	if (dst == NULL)
		return stg_codec_nomem(c);
	old = stg_codec_path_key(c, key);
	rc = fn(c, it, dst);
	stg_codec_path_pop(c, old);
	if (rc == 0)
		*out = dst;
	return rc;
}

/* Length of an array member (0 when absent/null). */
static int
array_len(struct codec_ctx *c, const cJSON *obj, const char *key, size_t *n)
{
	const cJSON *arr;

	*n = 0;
	if (stg_codec_get_arr(c, obj, key, false, &arr) != 0)
		return -1;
	if (arr != NULL)
		*n = (size_t)cJSON_GetArraySize(arr);
	return 0;
}

#define STR(key, req, dst) \
	if (stg_codec_get_str(c, o, key, req, &(dst)) != 0) \
		return -1
#define NUM(key, req, dst, has) \
	if (stg_codec_get_num(c, o, key, req, &(dst), has) != 0) \
		return -1
#define LL(key, req, dst, has) \
	if (stg_codec_get_ll(c, o, key, req, &(dst), has) != 0) \
		return -1
#define INT(key, req, dst) \
	if (stg_codec_get_int(c, o, key, req, &(dst)) != 0) \
		return -1
#define BOOL(key, req, dst) \
	if (stg_codec_get_bool(c, o, key, req, &(dst)) != 0) \
		return -1
#define TRI(key, dst) \
	if (stg_codec_get_tristate(c, o, key, &(dst)) != 0) \
		return -1
#define STRS(key, req, dst, n, has) \
	if (stg_codec_get_str_array(c, o, key, req, &(dst), &(n), has) != 0) \
		return -1

/* ---- §3.2 value ------------------------------------------------------- */

int
stg_codec_value_from(struct codec_ctx *c, const cJSON *o, struct stg_value *v)
{
	const cJSON *jv = cJSON_GetObjectItemCaseSensitive(o, "v");
	const char *ia;

	memset(v, 0, sizeof *v);
	STR("type", true, v->type_name);
	v->type = stg_value_type_parse(v->type_name);
	STR("interpret_as", false, ia);
	if (ia != NULL) {
		v->has_interpret_as = true;
		v->interpret_as = strcmp(ia, "instruction") == 0 ? STG_INTERPRET_INSTRUCTION
								: STG_INTERPRET_CONTENT;
	}
	if (jv == NULL || cJSON_IsNull(jv) || v->type == STG_VT_NULL) {
		v->is_null = true;
		return 0;
	}
	switch (v->type) {
	case STG_VT_STRING:
	case STG_VT_TEXT:
	case STG_VT_DATETIME:
	case STG_VT_REF:
		if (!cJSON_IsString(jv))
			return stg_codec_fail(c, "v", "expected string or null for type %s, got %s",
					      v->type_name, stg_codec_cjson_type(jv));
		return stg_codec_strdup_len(c, jv->valuestring, &v->str, &v->str_len);
	case STG_VT_NUMBER:
		if (!cJSON_IsNumber(jv))
			return stg_codec_fail(c, "v", "expected number or null for type number, got %s",
					      stg_codec_cjson_type(jv));
		v->num = jv->valuedouble;
		return 0;
	case STG_VT_BOOLEAN:
		if (!cJSON_IsBool(jv))
			return stg_codec_fail(c, "v", "expected boolean or null for type boolean, got %s",
					      stg_codec_cjson_type(jv));
		v->boolean = cJSON_IsTrue(jv);
		return 0;
	default:
		/* Unknown type: keep strings as text, anything else as compact JSON. */
		if (cJSON_IsString(jv))
			return stg_codec_strdup_len(c, jv->valuestring, &v->str, &v->str_len);
		if (stg_codec_compact(c, jv, &v->str) != 0)
			return -1;
		v->str_len = v->str != NULL ? strlen(v->str) : 0;
		return 0;
	}
}

/* ---- §3.1 FactRecord ---------------------------------------------------- */

static int
derived_from(struct codec_ctx *c, const cJSON *o, struct stg_fact *f)
{
	const cJSON *arr, *it, *m;
	size_t i = 0, count;

	if (stg_codec_get_arr(c, o, "derived_from", false, &arr) != 0)
		return -1;
	if (arr == NULL)
		return 0;
	count = (size_t)cJSON_GetArraySize(arr);
	f->derived_from = stg_arena_calloc(c->arena, count ? count : 1, sizeof *f->derived_from);
	if (f->derived_from == NULL)
		return stg_codec_nomem(c);
	cJSON_ArrayForEach(it, arr) {
		struct stg_derived *d = &f->derived_from[i++];

		m = cJSON_GetObjectItemCaseSensitive(it, "fact_id");
		if (cJSON_IsString(m) && stg_codec_strdup(c, m->valuestring, &d->fact_id) != 0)
			return -1;
		m = cJSON_GetObjectItemCaseSensitive(it, "hash");
		if (cJSON_IsString(m) && stg_codec_strdup(c, m->valuestring, &d->hash) != 0)
			return -1;
		if (stg_codec_compact(c, it, &d->json) != 0)
			return -1;
	}
	f->n_derived_from = i;
	return 0;
}

int
stg_codec_fact_from(struct codec_ctx *c, const cJSON *o, struct stg_fact *f)
{
	const cJSON *val;
	size_t old;
	int rc;

	memset(f, 0, sizeof *f);
	STR("id", true, f->id);
	STR("entity", true, f->entity);
	STR("relation", true, f->relation);
	if (stg_codec_get_obj(c, o, "value", true, &val) != 0)
		return -1;
	old = stg_codec_path_key(c, "value");
	rc = stg_codec_value_from(c, val, &f->value);
	stg_codec_path_pop(c, old);
	if (rc != 0)
		return -1;
	STR("source", true, f->source);
	STR("timestamp", true, f->timestamp);
	STR("hlc", false, f->hlc);
	STR("received_from", false, f->received_from);
	STR("valid_until", false, f->valid_until);
	NUM("confidence", true, f->confidence, NULL);
	STR("scope", true, f->scope);
	STR("attested_key_id", false, f->attested_key_id);
	STR("origin_node_id", false, f->origin_node_id);
	STRS("origin_allowed_scopes", false, f->origin_allowed_scopes, f->n_origin_allowed_scopes,
	     &f->has_origin_allowed_scopes);
	STR("garden_id", false, f->garden_id);
	TRI("attested", f->attested);
	BOOL("contradicted", false, f->contradicted);
	STRS("warnings", false, f->warnings, f->n_warnings, NULL);
	NUM("source_trust", false, f->source_trust, &f->has_source_trust);
	STR("quarantine_status", false, f->quarantine_status);
	STR("quarantine_garden_id", false, f->quarantine_garden_id);
	NUM("effective_confidence", false, f->effective_confidence, &f->has_effective_confidence);
	STRS("sanitizer_warnings", false, f->sanitizer_warnings, f->n_sanitizer_warnings, NULL);
	BOOL("sanitizer_redacted", false, f->sanitizer_redacted);
	STR("cid", false, f->cid);
	if (derived_from(c, o, f) != 0)
		return -1;
	if ((c->flags & STG_DECODE_KEEP_RAW) && stg_codec_compact(c, o, &f->raw_json) != 0)
		return -1;
	return 0;
}

static int
fact_fn(struct codec_ctx *c, const cJSON *o, void *dst)
{
	return stg_codec_fact_from(c, o, dst);
}

/* ---- §4.3 fact page ----------------------------------------------------- */

static int
fact_page_fn(struct codec_ctx *c, const cJSON *o, void *dst)
{
	struct stg_fact_page *p = dst;
	void *facts;

	if (obj_array(c, o, "facts", true, sizeof(struct stg_fact), fact_fn, &facts, &p->n_facts,
		      NULL) != 0)
		return -1;
	p->facts = facts;
	LL("total", false, p->total, &p->has_total);
	STR("cursor", false, p->cursor);
	return array_len(c, o, "tombstone_notices", &p->n_tombstone_notices);
}

/* ---- §4.1 well-known ---------------------------------------------------- */

static int
node_info_fn(struct codec_ctx *c, const cJSON *o, void *dst)
{
	struct stg_node_info *n = dst;
	const cJSON *sub;
	size_t old;

	STR("version", false, n->version);
	STR("node_id", true, n->node_id);
	STR("node_url", false, n->node_url);
	STR("auth", false, n->auth);
	STR("federation", false, n->federation);
	STR("source_attestation", false, n->source_attestation);
	STRS("namespaces", false, n->namespaces, n->n_namespaces, NULL);
	STR("spec", false, n->spec);
	STR("federation_pubkey", false, n->federation_pubkey);
	STR("federation_version", false, n->federation_version);
	n->cors_dev_localhost = STG_NULL;
	n->cors_configured = STG_NULL;
	if (stg_codec_get_obj(c, o, "cors", false, &sub) != 0)
		return -1;
	if (sub != NULL) {
		const cJSON *outer = o;

		old = stg_codec_path_key(c, "cors");
		o = sub;
		if (stg_codec_get_tristate(c, o, "dev_localhost", &n->cors_dev_localhost) != 0 ||
		    stg_codec_get_tristate(c, o, "configured", &n->cors_configured) != 0)
			return -1;
		o = outer;
		stg_codec_path_pop(c, old);
	}
	if (stg_codec_get_obj(c, o, "federation_endpoints", false, &sub) != 0)
		return -1;
	if (sub != NULL) {
		old = stg_codec_path_key(c, "federation_endpoints");
		o = sub;
		STR("peers", false, n->federation_peers_endpoint);
		STR("facts", false, n->federation_facts_endpoint);
		STR("push", false, n->federation_push_endpoint);
		stg_codec_path_pop(c, old);
	}
	return 0;
}

/* ---- §8.4 helpers ------------------------------------------------------- */

static int
me_fn(struct codec_ctx *c, const cJSON *o, void *dst)
{
	struct stg_me *m = dst;

	STR("entity_uri", true, m->entity_uri);
	STRS("permissions", false, m->permissions, m->n_permissions, NULL);
	STR("oidc_sub", false, m->oidc_sub);
	STR("tenant_id", false, m->tenant_id);
	return 0;
}

static int
health_fn(struct codec_ctx *c, const cJSON *o, void *dst)
{
	struct stg_health *h = dst;

	STR("status", true, h->status);
	return 0;
}

/* ---- §8.1 peers --------------------------------------------------------- */

static int
peer_fn(struct codec_ctx *c, const cJSON *o, void *dst)
{
	struct stg_peer *p = dst;

	STR("peer_id", true, p->peer_id);
	STR("node_id", false, p->node_id);
	STR("node_url", false, p->node_url);
	STR("status", false, p->status);
	STRS("allowed_scopes", false, p->allowed_scopes, p->n_allowed_scopes, NULL);
	STR("established_at", false, p->established_at);
	return 0;
}

static int
peer_list_fn(struct codec_ctx *c, const cJSON *o, void *dst)
{
	struct stg_peer_list *l = dst;
	void *v;

	if (obj_array(c, o, "peers", true, sizeof(struct stg_peer), peer_fn, &v, &l->n_peers,
		      NULL) != 0)
		return -1;
	l->peers = v;
	return 0;
}

/* ---- §7 conflicts ------------------------------------------------------- */

static int
conflict_fn(struct codec_ctx *c, const cJSON *o, void *dst)
{
	struct stg_conflict *k = dst;
	void *f;

	STR("conflict_id", true, k->conflict_id);
	if (obj_member(c, o, "fact_a", false, sizeof(struct stg_fact), fact_fn, &f) != 0)
		return -1;
	k->fact_a = f;
	if (obj_member(c, o, "fact_b", false, sizeof(struct stg_fact), fact_fn, &f) != 0)
		return -1;
	k->fact_b = f;
	STR("status", false, k->status);
	STR("resolved_by", false, k->resolved_by);
	STR("detected_at", false, k->detected_at);
	return 0;
}

static int
conflict_page_fn(struct codec_ctx *c, const cJSON *o, void *dst)
{
	struct stg_conflict_page *p = dst;
	void *v;

	if (obj_array(c, o, "conflicts", true, sizeof(struct stg_conflict), conflict_fn, &v,
		      &p->n_conflicts, NULL) != 0)
		return -1;
	p->conflicts = v;
	STR("cursor", false, p->cursor);
	BOOL("has_more", false, p->has_more);
	return 0;
}

static int
resolution_fn(struct codec_ctx *c, const cJSON *o, void *dst)
{
	struct stg_resolution *r = dst;

	STR("resolution_fact_id", true, r->resolution_fact_id);
	STR("conflict_status", false, r->conflict_status);
	return 0;
}

/* ---- §11 checkpoint and chain proof ------------------------------------- */

static int
payload_fn(struct codec_ctx *c, const cJSON *o, void *dst)
{
	struct stg_checkpoint_payload *p = dst;

	STR("chain_hash", false, p->chain_hash);
	LL("covered_chain_seq", false, p->covered_chain_seq, NULL);
	STR("created_at", false, p->created_at);
	STR("kind", false, p->kind);
	STR("tenant_id", false, p->tenant_id);
	LL("version", false, p->version, NULL);
	return stg_codec_compact(c, o, &p->json);
}

static int
checkpoint_fn(struct codec_ctx *c, const cJSON *o, void *dst)
{
	struct stg_checkpoint *k = dst;
	const cJSON *raw;

	STR("id", true, k->id);
	STR("tenant_id", false, k->tenant_id);
	LL("covered_chain_seq", true, k->covered_chain_seq, NULL);
	STR("chain_hash", true, k->chain_hash);
	STR("status", false, k->status);
	LL("attempt_count", false, k->attempt_count, NULL);
	STR("created_at", false, k->created_at);
	STR("submitted_at", false, k->submitted_at);
	STR("last_error", false, k->last_error);
	STR("tl_backend", false, k->tl_backend);
	STR("tl_log_id", false, k->tl_log_id);
	STR("tl_leaf_hash", false, k->tl_leaf_hash);
	LL("tl_log_index", false, k->tl_log_index, &k->has_tl_log_index);
	LL("tl_integrated_time", false, k->tl_integrated_time, &k->has_tl_integrated_time);
	if (stg_codec_compact(c, cJSON_GetObjectItemCaseSensitive(o, "tl_inclusion_proof"),
			      &k->tl_inclusion_proof_json) != 0)
		return -1;
	raw = cJSON_GetObjectItemCaseSensitive(o, "tl_raw");
	if (stg_codec_compact(c, raw, &k->tl_raw_json) != 0)
		return -1;
	if (cJSON_IsObject(raw)) {
		size_t old = stg_codec_path_key(c, "tl_raw");
		void *p;

		o = raw;
		STR("leaf_hash", false, k->tl_raw_leaf_hash);
		STR("prev_hash", false, k->tl_raw_prev_hash);
		STR("chain_hash", false, k->tl_raw_chain_hash);
		LL("index", false, k->tl_raw_index, &k->has_tl_raw_index);
		if (obj_member(c, o, "payload", false, sizeof(struct stg_checkpoint_payload),
			       payload_fn, &p) != 0)
			return -1;
		k->tl_raw_payload = p;
		stg_codec_path_pop(c, old);
	}
	return 0;
}

static int
chain_proof_fn(struct codec_ctx *c, const cJSON *o, void *dst)
{
	struct stg_chain_proof *p = dst;
	void *k;

	STR("tenant_id", false, p->tenant_id);
	LL("checked_entries", true, p->checked_entries, NULL);
	STR("head_hash", false, p->head_hash);
	if (obj_member(c, o, "checkpoint", false, sizeof(struct stg_checkpoint), checkpoint_fn,
		       &k) != 0)
		return -1;
	p->checkpoint = k;
	return 0;
}

int
stg_codec_chain_proof_from(struct codec_ctx *c, const cJSON *o, struct stg_chain_proof *p)
{
	return chain_proof_fn(c, o, p);
}

/* ---- §5.2 recall -------------------------------------------------------- */

static int
scored_fn(struct codec_ctx *c, const cJSON *o, void *dst)
{
	struct stg_scored_fact *s = dst;
	const cJSON *fo, *bd;
	size_t old;
	long long hop = 0;
	int rc;

	if (stg_codec_get_obj(c, o, "fact", true, &fo) != 0)
		return -1;
	old = stg_codec_path_key(c, "fact");
	rc = stg_codec_fact_from(c, fo, &s->fact);
	stg_codec_path_pop(c, old);
	if (rc != 0)
		return -1;
	NUM("score", true, s->score, NULL);
	if (stg_codec_get_obj(c, o, "score_breakdown", false, &bd) != 0)
		return -1;
	if (bd != NULL) {
		const cJSON *outer = o;

		old = stg_codec_path_key(c, "score_breakdown");
		o = bd;
		NUM("lexical", false, s->breakdown.lexical, NULL);
		NUM("semantic", false, s->breakdown.semantic, NULL);
		NUM("graph", false, s->breakdown.graph, NULL);
		NUM("source_trust", false, s->breakdown.source_trust, NULL);
		NUM("recency", false, s->breakdown.recency, NULL);
		NUM("weighted_total", false, s->breakdown.weighted_total, NULL);
		o = outer;
		stg_codec_path_pop(c, old);
	}
	LL("hop_distance", false, hop, NULL);
	if (hop < -2147483647LL || hop > 2147483647LL)
		return stg_codec_fail(c, "hop_distance", "integer %lld out of range", hop);
	s->hop_distance = (int)hop;
	LL("token_estimate", false, s->token_estimate, NULL);
	BOOL("from_card", false, s->from_card);
	return 0;
}

static int
recall_fn(struct codec_ctx *c, const cJSON *o, void *dst)
{
	struct stg_recall_response *r = dst;
	bool has_content = false, has_instr = false;
	void *v;

	STR("recall_id", false, r->recall_id);
	STR("query_hash", false, r->query_hash);
	if (obj_array(c, o, "facts", true, sizeof(struct stg_scored_fact), scored_fn, &v,
		      &r->n_facts, NULL) != 0)
		return -1;
	r->facts = v;
	if (obj_array(c, o, "content", false, sizeof(struct stg_scored_fact), scored_fn, &v,
		      &r->n_content, &has_content) != 0)
		return -1;
	r->content = v;
	if (obj_array(c, o, "instructions", false, sizeof(struct stg_scored_fact), scored_fn, &v,
		      &r->n_instructions, &has_instr) != 0)
		return -1;
	r->instructions = v;
	r->has_channels = has_content || has_instr;
	LL("total_scored", false, r->total_scored, &r->has_total_scored);
	LL("token_budget", false, r->token_budget, NULL);
	LL("tokens_used", false, r->tokens_used, NULL);
	BOOL("truncated", false, r->truncated);
	if (array_len(c, o, "tombstone_notices", &r->n_tombstone_notices) != 0)
		return -1;
	if (obj_member(c, o, "chain_proof", false, sizeof(struct stg_chain_proof), chain_proof_fn,
		       &v) != 0)
		return -1;
	r->chain_proof = v;
	return 0;
}

/* ---- §6 card ------------------------------------------------------------ */

static int
card_fn(struct codec_ctx *c, const cJSON *o, void *dst)
{
	struct stg_card *k = dst;

	STR("entity_uri", true, k->entity_uri);
	STR("scope", false, k->scope);
	STR("summary", true, k->summary);
	STRS("fact_hashes", false, k->fact_hashes, k->n_fact_hashes, NULL);
	NUM("avg_confidence", false, k->avg_confidence, NULL);
	STR("refreshed_at", false, k->refreshed_at);
	BOOL("is_stale", false, k->is_stale);
	BOOL("has_contradictions", false, k->has_contradictions);
	return 0;
}

/* ---- §4.5 / §4.6 -------------------------------------------------------- */

static int
prov_entry_fn(struct codec_ctx *c, const cJSON *o, void *dst)
{
	struct stg_provenance_entry *e = dst;

	STR("hash", false, e->hash);
	STR("fact_id", false, e->fact_id);
	STR("entity", false, e->entity);
	BOOL("exists", false, e->exists);
	return 0;
}

static int
provenance_fn(struct codec_ctx *c, const cJSON *o, void *dst)
{
	struct stg_provenance *p = dst;
	void *v;

	STR("fact_id", true, p->fact_id);
	STR("cid", false, p->cid);
	if (obj_array(c, o, "derived_from", false, sizeof(struct stg_provenance_entry),
		      prov_entry_fn, &v, &p->n_derived_from, NULL) != 0)
		return -1;
	p->derived_from = v;
	return 0;
}

static int
verify_cid_fn(struct codec_ctx *c, const cJSON *o, void *dst)
{
	struct stg_verify_cid_result *r = dst;

	BOOL("cid_valid", true, r->cid_valid);
	STR("computed_cid", false, r->computed_cid);
	STR("stored_cid", false, r->stored_cid);
	STR("mismatch_reason", false, r->mismatch_reason);
	return 0;
}

/* ---- §8.2 graph --------------------------------------------------------- */

static int
neighbor_fn(struct codec_ctx *c, const cJSON *o, void *dst)
{
	struct stg_neighbor *n = dst;

	STR("entity", true, n->entity);
	STR("relation", false, n->relation);
	INT("hops", false, n->hops);
	NUM("confidence", false, n->confidence, NULL);
	NUM("source_trust", false, n->source_trust, &n->has_source_trust);
	STRS("path", false, n->path, n->n_path, NULL);
	return 0;
}

static int
neighbors_fn(struct codec_ctx *c, const cJSON *o, void *dst)
{
	struct stg_neighbors *n = dst;
	void *v;

	STR("entity", false, n->entity);
	INT("depth", false, n->depth);
	if (obj_array(c, o, "neighbors", true, sizeof(struct stg_neighbor), neighbor_fn, &v,
		      &n->n_neighbors, NULL) != 0)
		return -1;
	n->neighbors = v;
	STR("next_cursor", false, n->next_cursor);
	LL("total_hint", false, n->total_hint, NULL);
	return 0;
}

/* ---- §9 audit ----------------------------------------------------------- */

static int
audit_entry_fn(struct codec_ctx *c, const cJSON *o, void *dst)
{
	struct stg_audit_entry *e = dst;

	STR("id", true, e->id);
	STR("fact_id", false, e->fact_id);
	STR("event_type", false, e->event_type);
	STR("entity_uri", false, e->entity_uri);
	STR("oidc_sub", false, e->oidc_sub);
	STR("source", false, e->source);
	STR("attested_key_id", false, e->attested_key_id);
	STR("ts", false, e->ts);
	STR("attested_key_entity_uri", false, e->attested_key_entity_uri);
	STR("attested_key_description", false, e->attested_key_description);
	STR("fact_entity", false, e->fact_entity);
	STR("fact_relation", false, e->fact_relation);
	STR("fact_value_type", false, e->fact_value_type);
	STR("fact_value_v", false, e->fact_value_v);
	STR("fact_scope", false, e->fact_scope);
	return 0;
}

static int
audit_page_fn(struct codec_ctx *c, const cJSON *o, void *dst)
{
	struct stg_audit_page *p = dst;
	void *v;

	if (obj_array(c, o, "entries", true, sizeof(struct stg_audit_entry), audit_entry_fn, &v,
		      &p->n_entries, NULL) != 0)
		return -1;
	p->entries = v;
	LL("total", false, p->total, &p->has_total);
	STR("cursor", false, p->cursor);
	return 0;
}

/* ---- §8.3 subscriptions ------------------------------------------------- */

static int
subscription_fn(struct codec_ctx *c, const cJSON *o, void *dst)
{
	struct stg_subscription *s = dst;

	STR("id", true, s->id);
	STR("subscriber_identity", false, s->subscriber_identity);
	STR("target", false, s->target);
	STR("target_kind", false, s->target_kind);
	STR("on_change", false, s->on_change);
	STR("delivery_address", false, s->delivery_address);
	STR("idempotency_key", false, s->idempotency_key);
	STR("created_at", false, s->created_at);
	STR("last_delivered_at", false, s->last_delivered_at);
	BOOL("circuit_open", false, s->circuit_open);
	LL("consecutive_failures", false, s->consecutive_failures, NULL);
	return 0;
}

static int
subscription_list_fn(struct codec_ctx *c, const cJSON *o, void *dst)
{
	struct stg_subscription_list *l = dst;
	void *v;

	if (obj_array(c, o, "subscriptions", true, sizeof(struct stg_subscription),
		      subscription_fn, &v, &l->n_subscriptions, NULL) != 0)
		return -1;
	l->subscriptions = v;
	LL("total", false, l->total, NULL);
	return 0;
}

static int
event_payload(struct codec_ctx *c, const cJSON *o, struct stg_event_payload *p)
{
	BOOL("redacted", false, p->redacted);
	STR("id", false, p->id);
	if (p->id == NULL)
		STR("fact_id", false, p->id);
	STR("entity", false, p->entity);
	STR("relation", false, p->relation);
	STR("value_type", false, p->value_type);
	STR("value_v", false, p->value_v);
	STR("source", false, p->source);
	STR("timestamp", false, p->timestamp);
	STR("scope", false, p->scope);
	NUM("confidence", false, p->confidence, &p->has_confidence);
	STR("garden_id", false, p->garden_id);
	STRS("sanitizer_warnings", false, p->sanitizer_warnings, p->n_sanitizer_warnings, NULL);
	return 0;
}

static int
event_fn(struct codec_ctx *c, const cJSON *o, void *dst)
{
	struct stg_event *e = dst;
	const cJSON *pl;
	size_t old;
	int rc;

	STR("id", true, e->id);
	STR("subscription_id", false, e->subscription_id);
	STR("event_type", false, e->event_type);
	STR("entity_uri", false, e->entity_uri);
	STR("fact_id", false, e->fact_id);
	if (stg_codec_get_obj(c, o, "payload", false, &pl) != 0)
		return -1;
	if (pl != NULL) {
		old = stg_codec_path_key(c, "payload");
		rc = event_payload(c, pl, &e->payload);
		stg_codec_path_pop(c, old);
		if (rc != 0)
			return -1;
	}
	STR("created_at", false, e->created_at);
	STR("delivered_at", false, e->delivered_at);
	STR("delivery_status", false, e->delivery_status);
	LL("delivery_attempts", false, e->delivery_attempts, NULL);
	return 0;
}

static int
event_page_fn(struct codec_ctx *c, const cJSON *o, void *dst)
{
	struct stg_event_page *p = dst;
	const cJSON *cur = cJSON_GetObjectItemCaseSensitive(o, "cursor");
	void *v;

	if (obj_array(c, o, "events", true, sizeof(struct stg_event), event_fn, &v, &p->n_events,
		      NULL) != 0)
		return -1;
	p->events = v;
	LL("total", false, p->total, NULL);
	if (cJSON_IsNumber(cur)) {
		/* The wire sends a decimal string; accept a bare integer too. */
		long long n;
		char buf[32];

		if (stg_codec_num_to_ll(c, "cursor", cur->valuedouble, &n) != 0)
			return -1;
		snprintf(buf, sizeof buf, "%lld", n);
		return stg_codec_strdup(c, buf, &p->cursor);
	}
	STR("cursor", false, p->cursor);
	return 0;
}

/* ---- POST /v1/auth/keys ------------------------------------------------- */

static int
api_key_info_fn(struct codec_ctx *c, const cJSON *o, void *dst)
{
	struct stg_api_key_info *k = dst;

	STR("id", true, k->id);
	STR("entity_uri", false, k->entity_uri);
	STRS("permissions", false, k->permissions, k->n_permissions, NULL);
	STR("description", false, k->description);
	STR("created_at", false, k->created_at);
	STR("expires_at", false, k->expires_at);
	STR("tenant_id", false, k->tenant_id);
	return 0;
}

/* ---- public entry points ------------------------------------------------ */

#define DEFINE_DECODER(fname, type, fn)                                                   \
	enum stg_status fname(const char *json, size_t len, unsigned flags,               \
			      struct stg_arena *arena, type **out, struct stg_error *err) \
	{                                                                                 \
		void *p;                                                                  \
		enum stg_status st = run_decoder(json, len, flags, arena, out != NULL,    \
						 &p, sizeof(type), fn, err);              \
		if (out != NULL)                                                          \
			*out = p;                                                         \
		return st;                                                                \
	}

DEFINE_DECODER(stg_codec_fact_cjson, struct stg_fact, fact_fn)
DEFINE_DECODER(stg_codec_fact_page_cjson, struct stg_fact_page, fact_page_fn)

DEFINE_DECODER(stg_decode_node_info, struct stg_node_info, node_info_fn)
DEFINE_DECODER(stg_decode_me, struct stg_me, me_fn)
DEFINE_DECODER(stg_decode_health, struct stg_health, health_fn)
DEFINE_DECODER(stg_decode_peer_list, struct stg_peer_list, peer_list_fn)
DEFINE_DECODER(stg_codec_conflict_page_cjson, struct stg_conflict_page, conflict_page_fn)
DEFINE_DECODER(stg_decode_resolution, struct stg_resolution, resolution_fn)
DEFINE_DECODER(stg_codec_recall_response_cjson, struct stg_recall_response, recall_fn)
DEFINE_DECODER(stg_decode_chain_proof, struct stg_chain_proof, chain_proof_fn)
DEFINE_DECODER(stg_decode_checkpoint, struct stg_checkpoint, checkpoint_fn)
DEFINE_DECODER(stg_decode_card, struct stg_card, card_fn)
DEFINE_DECODER(stg_decode_provenance, struct stg_provenance, provenance_fn)
DEFINE_DECODER(stg_decode_verify_cid, struct stg_verify_cid_result, verify_cid_fn)
DEFINE_DECODER(stg_decode_neighbors, struct stg_neighbors, neighbors_fn)
DEFINE_DECODER(stg_decode_audit_page, struct stg_audit_page, audit_page_fn)
DEFINE_DECODER(stg_decode_subscription, struct stg_subscription, subscription_fn)
DEFINE_DECODER(stg_decode_subscription_list, struct stg_subscription_list, subscription_list_fn)
DEFINE_DECODER(stg_decode_event_page, struct stg_event_page, event_page_fn)
DEFINE_DECODER(stg_decode_api_key_info, struct stg_api_key_info, api_key_info_fn)

/* Hot paths: the single-pass reader (codec_fast.c). */
enum stg_status
stg_decode_fact(const char *json, size_t len, unsigned flags, struct stg_arena *arena,
		struct stg_fact **out, struct stg_error *err)
{
	return stg_codec_fact_fast(json, len, flags, arena, out, err);
}

enum stg_status
stg_decode_fact_page(const char *json, size_t len, unsigned flags, struct stg_arena *arena,
		     struct stg_fact_page **out, struct stg_error *err)
{
	return stg_codec_fact_page_fast(json, len, flags, arena, out, err);
}

enum stg_status
stg_decode_recall_response(const char *json, size_t len, unsigned flags, struct stg_arena *arena,
			   struct stg_recall_response **out, struct stg_error *err)
{
	return stg_codec_recall_response_fast(json, len, flags, arena, out, err);
}

enum stg_status
stg_decode_conflict_page(const char *json, size_t len, unsigned flags, struct stg_arena *arena,
			 struct stg_conflict_page **out, struct stg_error *err)
{
	return stg_codec_conflict_page_fast(json, len, flags, arena, out, err);
}
