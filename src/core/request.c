/* request.c — request builders: method, encoded path + query, JSON bodies
 * (stigmem-api.md §4–§9). Shared by the blocking calls and the async engine. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "core/http_internal.h"
#include "stigmem/buf.h"

/* ---- small JSON writer ----------------------------------------------------- */

struct jw {
	struct stg_buf *b;
	bool any;
};

static void
j_string(struct stg_buf *b, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	size_t i;

	stg_buf_putc(b, '"');
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		switch (c) {
		case '"': stg_buf_puts(b, "\\\""); break;
		case '\\': stg_buf_puts(b, "\\\\"); break;
		case '\n': stg_buf_puts(b, "\\n"); break;
		case '\r': stg_buf_puts(b, "\\r"); break;
		case '\t': stg_buf_puts(b, "\\t"); break;
		case '\b': stg_buf_puts(b, "\\b"); break;
		case '\f': stg_buf_puts(b, "\\f"); break;
		default:
			if (c < 0x20) {
				char esc[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 0xF]};
				stg_buf_append(b, esc, sizeof esc);
			} else {
				stg_buf_putc(b, (char)c);
			}
		}
	}
	stg_buf_putc(b, '"');
}

static void
j_key(struct jw *w, const char *key)
{
	if (w->any)
		stg_buf_putc(w->b, ',');
	w->any = true;
	j_string(w->b, key, strlen(key));
	stg_buf_putc(w->b, ':');
}

static void
j_kstr(struct jw *w, const char *key, const char *val)
{
	if (val == NULL)
		return;
	j_key(w, key);
	j_string(w->b, val, strlen(val));
}

static bool
j_knum(struct jw *w, const char *key, double x)
{
	char txt[40];

	if (!stg_format_double(x, txt, sizeof txt))
		return false;
	j_key(w, key);
	stg_buf_puts(w->b, txt);
	return true;
}

static void
j_kint(struct jw *w, const char *key, long long x)
{
	j_key(w, key);
	stg_buf_printf(w->b, "%lld", x);
}

static void
j_kbool(struct jw *w, const char *key, bool x)
{
	j_key(w, key);
	stg_buf_puts(w->b, x ? "true" : "false");
}

static const char *
value_type_name(const struct stg_value *v)
{
	static const char *const names[] = {
		[STG_VT_STRING] = "string", [STG_VT_TEXT] = "text",
		[STG_VT_NUMBER] = "number", [STG_VT_BOOLEAN] = "boolean",
		[STG_VT_DATETIME] = "datetime", [STG_VT_REF] = "ref",
		[STG_VT_NULL] = "null",
	};

	if ((unsigned)v->type < STG_VT_UNKNOWN)
		return names[v->type];
	return v->type_name;
}

/* {"type":…,"v":…,"interpret_as":…} per §3.2. */
static enum stg_status
j_value(struct stg_buf *b, const struct stg_value *v, struct stg_error *err)
{
	struct jw w = {b, false};
	const char *tname;
	char txt[40];

	tname = value_type_name(v);
	if (tname == NULL || tname[0] == '\0')
		return stg_error_set(err, STG_ERR_USAGE, "value: missing type");
	stg_buf_putc(b, '{');
	j_kstr(&w, "type", tname);
	switch (v->type) {
	case STG_VT_NULL:
		break;
	case STG_VT_NUMBER:
		if (v->is_null) {
			j_key(&w, "v");
			stg_buf_puts(b, "null");
		} else if (!stg_format_double(v->num, txt, sizeof txt)) {
			return stg_error_set(err, STG_ERR_USAGE, "value: number is not finite");
		} else {
			j_key(&w, "v");
			stg_buf_puts(b, txt);
		}
		break;
	case STG_VT_BOOLEAN:
		j_key(&w, "v");
		stg_buf_puts(b, v->is_null ? "null" : v->boolean ? "true" : "false");
		break;
	default: /* string, text, datetime, ref, unknown */
		j_key(&w, "v");
		if (v->is_null || v->str == NULL) {
			stg_buf_puts(b, "null");
		} else {
			size_t n = v->str_len != 0 ? v->str_len : strlen(v->str);
			j_string(b, v->str, n);
		}
		break;
	}
	if (v->has_interpret_as)
		j_kstr(&w, "interpret_as",
		       v->interpret_as == STG_INTERPRET_INSTRUCTION ? "instruction" : "content");
	stg_buf_putc(b, '}');
	return STG_OK;
}

/* ---- request object ------------------------------------------------------------- */

static struct stg_request *
req_new(enum stg_method m, enum stg_decoder_kind kind, struct stg_error *err)
{
	struct stg_request *r = calloc(1, sizeof *r);

	if (r == NULL) {
		stg_error_set(err, STG_ERR_NOMEM, "out of memory");
		return NULL;
	}
	r->method = m;
	r->kind = kind;
	return r;
}

void
stg_request_free(struct stg_request *r)
{
	if (r == NULL)
		return;
	free(r->target);
	free(r->body);
	free(r->session_id);
	free(r);
}

enum stg_method
stg_request_method(const struct stg_request *r)
{
	return r->method;
}

const char *
stg_request_target(const struct stg_request *r)
{
	return r->target;
}

const char *
stg_request_body(const struct stg_request *r, size_t *len)
{
	if (len != NULL)
		*len = r->body != NULL ? r->body_len : 0;
	return r->body;
}

enum stg_decoder_kind
stg_request_decoder(const struct stg_request *r)
{
	return r->kind;
}

void
stg_request_set_decode_flags(struct stg_request *r, unsigned flags)
{
	r->has_decode_flags = true;
	r->decode_flags = flags;
}

enum stg_status
stg_request_set_session(struct stg_request *r, const char *session_id, struct stg_error *err)
{
	char *copy = NULL;

	if (session_id != NULL && session_id[0] != '\0') {
		if (strpbrk(session_id, "\r\n") != NULL)
			return stg_error_set(err, STG_ERR_USAGE, "session id contains a line break");
		copy = strdup(session_id);
		if (copy == NULL)
			return stg_error_set(err, STG_ERR_NOMEM, "out of memory");
	}
	free(r->session_id);
	r->session_id = copy;
	return STG_OK;
}

/* Finish a request from the target buffer and optional body buffer; both
 * are consumed. Returns r or NULL (r freed) on failure. */
static struct stg_request *
req_finish(struct stg_request *r, struct stg_buf *target, struct stg_buf *body,
	   const char *session_id, struct stg_error *err)
{
	if (target->oom || (body != NULL && body->oom)) {
		stg_buf_done(target);
		if (body != NULL)
			stg_buf_done(body);
		stg_request_free(r);
		stg_error_set(err, STG_ERR_NOMEM, "out of memory");
		return NULL;
	}
	r->target = stg_buf_take(target);
	if (body != NULL) {
		r->body_len = body->len;
		r->body = stg_buf_take(body);
	}
	if (r->target == NULL || (body != NULL && r->body == NULL)) {
		stg_request_free(r);
		stg_error_set(err, STG_ERR_NOMEM, "out of memory");
		return NULL;
	}
	if (stg_request_set_session(r, session_id, err) != STG_OK) {
		stg_request_free(r);
		return NULL;
	}
	return r;
}

static struct stg_request *
fail_usage(struct stg_buf *t, struct stg_buf *b, struct stg_request *r, struct stg_error *err,
	   const char *what)
{
	if (t != NULL)
		stg_buf_done(t);
	if (b != NULL)
		stg_buf_done(b);
	stg_request_free(r);
	stg_error_set(err, STG_ERR_USAGE, "%s", what);
	return NULL;
}

static bool
nonempty(const char *s)
{
	return s != NULL && s[0] != '\0';
}

static bool
bad_double(bool has, double x)
{
	return has && !isfinite(x);
}

/* "/prefix/<encoded id>/suffix" */
static struct stg_request *
simple_path(enum stg_method m, enum stg_decoder_kind kind, const char *prefix, const char *id,
	    const char *suffix, const char *json_body, struct stg_error *err)
{
	struct stg_request *r;
	struct stg_buf t, b;

	if (id != NULL && id[0] == '\0')
		return fail_usage(NULL, NULL, NULL, err, "empty id");
	r = req_new(m, kind, err);
	if (r == NULL)
		return NULL;
	stg_buf_init(&t);
	stg_buf_puts(&t, prefix);
	if (id != NULL)
		stg_url_encode(&t, id);
	if (suffix != NULL)
		stg_buf_puts(&t, suffix);
	if (json_body == NULL)
		return req_finish(r, &t, NULL, NULL, err);
	stg_buf_init(&b);
	stg_buf_puts(&b, json_body);
	return req_finish(r, &t, &b, NULL, err);
}

struct stg_request *
stg_request_raw(enum stg_method m, const char *path, const char *json_body,
		enum stg_decoder_kind kind, struct stg_error *err)
{
	if (path == NULL || path[0] != '/' || strpbrk(path, " \r\n\t") != NULL)
		return fail_usage(NULL, NULL, NULL, err, "path must start with '/' and hold no spaces");
	if ((unsigned)kind >= STG_KIND_COUNT)
		return fail_usage(NULL, NULL, NULL, err, "unknown decoder kind");
	return simple_path(m, kind, path, NULL, NULL, json_body, err);
}

/* ---- facts ------------------------------------------------------------------------ */

static enum stg_status
put_derived_from(struct jw *w, const char *json, struct stg_error *err)
{
	cJSON *root = cJSON_ParseWithLength(json, strlen(json));
	char *txt;

	if (root == NULL || !cJSON_IsArray(root)) {
		cJSON_Delete(root);
		return stg_error_set(err, STG_ERR_USAGE, "derived_from: not a JSON array");
	}
	txt = cJSON_PrintUnformatted(root);
	cJSON_Delete(root);
	if (txt == NULL)
		return stg_error_set(err, STG_ERR_NOMEM, "out of memory");
	j_key(w, "derived_from");
	stg_buf_puts(w->b, txt);
	cJSON_free(txt);
	return STG_OK;
}

struct stg_request *
stg_request_assert(const struct stg_assert_params *p, struct stg_error *err)
{
	struct stg_request *r;
	struct stg_buf t, b;
	struct jw w;

	if (p == NULL || !nonempty(p->entity) || !nonempty(p->relation) || !nonempty(p->source))
		return fail_usage(NULL, NULL, NULL, err, "assert: entity, relation and source are required");
	if (bad_double(p->has_confidence, p->confidence))
		return fail_usage(NULL, NULL, NULL, err, "assert: confidence is not finite");
	if ((p->attestation_key_id == NULL) != (p->attestation_signature == NULL))
		return fail_usage(NULL, NULL, NULL, err,
				  "assert: attestation needs both key_id and signature");
	r = req_new(STG_METHOD_POST, STG_KIND_FACT, err);
	if (r == NULL)
		return NULL;
	stg_buf_init(&t);
	stg_buf_init(&b);
	stg_buf_puts(&t, "/v1/facts");
	w.b = &b;
	w.any = false;
	stg_buf_putc(&b, '{');
	j_kstr(&w, "entity", p->entity);
	j_kstr(&w, "relation", p->relation);
	j_key(&w, "value");
	if (j_value(&b, &p->value, err) != STG_OK) {
		stg_buf_done(&t);
		stg_buf_done(&b);
		stg_request_free(r);
		return NULL;
	}
	j_kstr(&w, "source", p->source);
	if (p->has_confidence)
		j_knum(&w, "confidence", p->confidence);
	j_kstr(&w, "scope", p->scope);
	j_kstr(&w, "valid_until", p->valid_until);
	j_kstr(&w, "garden_id", p->garden_id);
	j_kstr(&w, "write_mode", p->write_mode);
	if (p->derived_from_json != NULL && put_derived_from(&w, p->derived_from_json, err) != STG_OK) {
		stg_buf_done(&t);
		stg_buf_done(&b);
		stg_request_free(r);
		return NULL;
	}
	if (p->attestation_key_id != NULL) {
		struct jw a = {&b, false};
		j_key(&w, "attestation");
		stg_buf_putc(&b, '{');
		j_kstr(&a, "key_id", p->attestation_key_id);
		j_kstr(&a, "signature", p->attestation_signature);
		stg_buf_putc(&b, '}');
	}
	stg_buf_putc(&b, '}');
	return req_finish(r, &t, &b, p->session_id, err);
}

struct stg_request *
stg_request_retract(const struct stg_retract_params *p, struct stg_error *err)
{
	struct stg_assert_params a;

	if (p == NULL)
		return fail_usage(NULL, NULL, NULL, err, "retract: no parameters");
	memset(&a, 0, sizeof a);
	a.entity = p->entity;
	a.relation = p->relation;
	a.source = p->source;
	a.value.type = STG_VT_STRING;
	a.value.str = "retracted";
	a.value.str_len = strlen("retracted");
	a.has_confidence = true;
	a.confidence = 0.0;
	a.scope = p->scope != NULL ? p->scope : "local";
	a.session_id = p->session_id;
	return stg_request_assert(&a, err);
}

struct stg_request *
stg_request_get_fact(const char *id_or_cid, const char *session_id, struct stg_error *err)
{
	struct stg_request *r;

	if (!nonempty(id_or_cid))
		return fail_usage(NULL, NULL, NULL, err, "get: fact id required");
	r = simple_path(STG_METHOD_GET, STG_KIND_FACT, "/v1/facts/", id_or_cid, NULL, NULL, err);
	if (r != NULL && stg_request_set_session(r, session_id, err) != STG_OK) {
		stg_request_free(r);
		return NULL;
	}
	return r;
}

struct stg_request *
stg_request_query(const struct stg_query_params *p, struct stg_error *err)
{
	struct stg_request *r;
	struct stg_buf t;
	struct stg_query q;

	if (p == NULL)
		return fail_usage(NULL, NULL, NULL, err, "query: no parameters");
	if (bad_double(p->has_min_confidence, p->min_confidence))
		return fail_usage(NULL, NULL, NULL, err, "query: min_confidence is not finite");
	r = req_new(STG_METHOD_GET, STG_KIND_FACT_PAGE, err);
	if (r == NULL)
		return NULL;
	stg_buf_init(&t);
	stg_buf_puts(&t, "/v1/facts");
	q.b = &t;
	q.any = false;
	stg_query_str(&q, "entity", p->entity);
	stg_query_str(&q, "relation", p->relation);
	stg_query_str(&q, "source", p->source);
	stg_query_str(&q, "scope", p->scope);
	if (p->has_min_confidence)
		stg_query_double(&q, "min_confidence", p->min_confidence);
	stg_query_opt_bool(&q, "include_contradicted", p->include_contradicted);
	stg_query_opt_bool(&q, "include_expired", p->include_expired);
	stg_query_str(&q, "after", p->after);
	stg_query_str(&q, "cursor", p->cursor);
	if (p->limit > 0)
		stg_query_int(&q, "limit", p->limit);
	stg_query_str(&q, "garden_id", p->garden_id);
	stg_query_opt_bool(&q, "attested", p->attested);
	stg_query_opt_bool(&q, "include_low_trust", p->include_low_trust);
	stg_query_str(&q, "as_of", p->as_of);
	return req_finish(r, &t, NULL, p->session_id, err);
}

/* ---- recall, cards ------------------------------------------------------------------ */

struct stg_request *
stg_request_recall(const struct stg_recall_params *p, struct stg_error *err)
{
	struct stg_request *r;
	struct stg_buf t, b;
	struct jw w;

	if (p == NULL || !nonempty(p->query))
		return fail_usage(NULL, NULL, NULL, err, "recall: query is required");
	if (bad_double(p->has_min_confidence, p->min_confidence) ||
	    (p->has_weights &&
	     (!isfinite(p->weights.lexical) || !isfinite(p->weights.semantic) ||
	      !isfinite(p->weights.graph) || !isfinite(p->weights.source_trust) ||
	      !isfinite(p->weights.recency))))
		return fail_usage(NULL, NULL, NULL, err, "recall: a number is not finite");
	r = req_new(STG_METHOD_POST, STG_KIND_RECALL, err);
	if (r == NULL)
		return NULL;
	r->verify_full = p->verify_full;
	stg_buf_init(&t);
	stg_buf_init(&b);
	stg_buf_puts(&t, "/v1/recall");
	if (p->legacy_format)
		stg_buf_puts(&t, "?legacy_format=true");
	w.b = &b;
	w.any = false;
	stg_buf_putc(&b, '{');
	j_kstr(&w, "query", p->query);
	j_kstr(&w, "scope", p->scope);
	if (p->token_budget > 0)
		j_kint(&w, "token_budget", p->token_budget);
	if (p->depth > 0)
		j_kint(&w, "depth", p->depth);
	if (p->has_weights) {
		struct jw ww = {&b, false};
		j_key(&w, "weights");
		stg_buf_putc(&b, '{');
		j_knum(&ww, "lexical", p->weights.lexical);
		j_knum(&ww, "semantic", p->weights.semantic);
		j_knum(&ww, "graph", p->weights.graph);
		j_knum(&ww, "source_trust", p->weights.source_trust);
		j_knum(&ww, "recency", p->weights.recency);
		stg_buf_putc(&b, '}');
	}
	if (p->has_min_confidence)
		j_knum(&w, "min_confidence", p->min_confidence);
	if (p->include_neighbors != STG_OPT_UNSET)
		j_kbool(&w, "include_neighbors", p->include_neighbors == STG_OPT_TRUE);
	if (p->limit > 0)
		j_kint(&w, "limit", p->limit);
	j_kstr(&w, "as_of", p->as_of);
	stg_buf_putc(&b, '}');
	return req_finish(r, &t, &b, p->session_id, err);
}

struct stg_request *
stg_request_card(const char *entity_uri, const char *scope, bool refresh, struct stg_error *err)
{
	struct stg_request *r;
	struct stg_buf t;
	struct stg_query q;

	if (!nonempty(entity_uri))
		return fail_usage(NULL, NULL, NULL, err, "card: entity required");
	r = req_new(STG_METHOD_GET, STG_KIND_CARD, err);
	if (r == NULL)
		return NULL;
	stg_buf_init(&t);
	stg_buf_puts(&t, "/v1/cards/");
	stg_url_encode(&t, entity_uri);
	q.b = &t;
	q.any = false;
	stg_query_str(&q, "scope", scope);
	if (refresh)
		stg_query_bool(&q, "refresh", true);
	return req_finish(r, &t, NULL, NULL, err);
}

/* ---- conflicts ------------------------------------------------------------------------ */

struct stg_request *
stg_request_conflicts(const struct stg_conflict_params *p, struct stg_error *err)
{
	struct stg_request *r;
	struct stg_buf t;
	struct stg_query q;

	r = req_new(STG_METHOD_GET, STG_KIND_CONFLICT_PAGE, err);
	if (r == NULL)
		return NULL;
	stg_buf_init(&t);
	stg_buf_puts(&t, "/v1/conflicts");
	q.b = &t;
	q.any = false;
	if (p != NULL) {
		stg_query_str(&q, "status", p->status);
		stg_query_str(&q, "cursor", p->cursor);
		if (p->limit > 0)
			stg_query_int(&q, "limit", p->limit);
	}
	return req_finish(r, &t, NULL, NULL, err);
}

struct stg_request *
stg_request_resolve(const struct stg_resolve_params *p, struct stg_error *err)
{
	struct stg_request *r;
	struct stg_buf t, b;
	struct jw w;

	if (p == NULL || !nonempty(p->conflict_id))
		return fail_usage(NULL, NULL, NULL, err, "resolve: conflict id required");
	if (p->winning_fact_id == NULL && p->new_value == NULL)
		return fail_usage(NULL, NULL, NULL, err,
				  "resolve: provide winning_fact_id or new_value");
	r = req_new(STG_METHOD_POST, STG_KIND_RESOLUTION, err);
	if (r == NULL)
		return NULL;
	stg_buf_init(&t);
	stg_buf_init(&b);
	stg_buf_puts(&t, "/v1/conflicts/");
	stg_url_encode(&t, p->conflict_id);
	stg_buf_puts(&t, "/resolve");
	w.b = &b;
	w.any = false;
	stg_buf_putc(&b, '{');
	j_kstr(&w, "winning_fact_id", p->winning_fact_id);
	if (p->new_value != NULL) {
		j_key(&w, "new_value");
		if (j_value(&b, p->new_value, err) != STG_OK) {
			stg_buf_done(&t);
			stg_buf_done(&b);
			stg_request_free(r);
			return NULL;
		}
	}
	j_kstr(&w, "resolution_note", p->resolution_note);
	stg_buf_putc(&b, '}');
	return req_finish(r, &t, &b, NULL, err);
}

/* ---- small routes ---------------------------------------------------------------------- */

struct stg_request *
stg_request_node_info(struct stg_error *err)
{
	return simple_path(STG_METHOD_GET, STG_KIND_NODE_INFO, "/.well-known/stigmem", NULL, NULL,
			   NULL, err);
}

struct stg_request *
stg_request_me(struct stg_error *err)
{
	return simple_path(STG_METHOD_GET, STG_KIND_ME, "/v1/me", NULL, NULL, NULL, err);
}

struct stg_request *
stg_request_healthz(struct stg_error *err)
{
	return simple_path(STG_METHOD_GET, STG_KIND_HEALTH, "/healthz", NULL, NULL, NULL, err);
}

struct stg_request *
stg_request_peers(struct stg_error *err)
{
	return simple_path(STG_METHOD_GET, STG_KIND_PEER_LIST, "/v1/federation/peers", NULL, NULL,
			   NULL, err);
}

struct stg_request *
stg_request_provenance(const char *fact_id, struct stg_error *err)
{
	if (!nonempty(fact_id))
		return fail_usage(NULL, NULL, NULL, err, "provenance: fact id required");
	return simple_path(STG_METHOD_GET, STG_KIND_PROVENANCE, "/v1/facts/", fact_id,
			   "/provenance", NULL, err);
}

struct stg_request *
stg_request_verify_cid(const char *fact_id, struct stg_error *err)
{
	if (!nonempty(fact_id))
		return fail_usage(NULL, NULL, NULL, err, "verify-cid: fact id required");
	/* The node ignores the body (§4.6); send an empty object. */
	return simple_path(STG_METHOD_POST, STG_KIND_VERIFY_CID, "/v1/facts/", fact_id,
			   "/verify-cid", "{}", err);
}

struct stg_request *
stg_request_neighbors(const struct stg_neighbors_params *p, struct stg_error *err)
{
	struct stg_request *r;
	struct stg_buf t;
	struct stg_query q;

	if (p == NULL || !nonempty(p->entity) || !nonempty(p->scope))
		return fail_usage(NULL, NULL, NULL, err, "neighbors: entity and scope are required");
	if (bad_double(p->has_min_confidence, p->min_confidence) ||
	    bad_double(p->has_min_trust, p->min_trust))
		return fail_usage(NULL, NULL, NULL, err, "neighbors: a number is not finite");
	r = req_new(STG_METHOD_GET, STG_KIND_NEIGHBORS, err);
	if (r == NULL)
		return NULL;
	stg_buf_init(&t);
	stg_buf_puts(&t, "/v1/graph/neighbors");
	q.b = &t;
	q.any = false;
	stg_query_str(&q, "entity", p->entity);
	stg_query_str(&q, "scope", p->scope);
	if (p->depth > 0)
		stg_query_int(&q, "depth", p->depth);
	stg_query_str(&q, "relation_filter", p->relation_filter);
	if (p->has_min_confidence)
		stg_query_double(&q, "min_confidence", p->min_confidence);
	if (p->has_min_trust)
		stg_query_double(&q, "min_trust", p->min_trust);
	if (p->page_size > 0)
		stg_query_int(&q, "page_size", p->page_size);
	stg_query_str(&q, "cursor", p->cursor);
	return req_finish(r, &t, NULL, NULL, err);
}

struct stg_request *
stg_request_audit(const struct stg_audit_params *p, struct stg_error *err)
{
	struct stg_request *r;
	struct stg_buf t;
	struct stg_query q;

	r = req_new(STG_METHOD_GET, STG_KIND_AUDIT_PAGE, err);
	if (r == NULL)
		return NULL;
	stg_buf_init(&t);
	stg_buf_puts(&t, "/v1/audit");
	q.b = &t;
	q.any = false;
	if (p != NULL) {
		if (p->limit > 0)
			stg_query_int(&q, "limit", p->limit);
		stg_query_str(&q, "cursor", p->cursor);
		stg_query_str(&q, "entity_uri", p->entity_uri);
		stg_query_str(&q, "source", p->source);
		stg_query_str(&q, "fact_id", p->fact_id);
		stg_query_str(&q, "oidc_sub", p->oidc_sub);
		stg_query_opt_bool(&q, "attested", p->attested);
	}
	return req_finish(r, &t, NULL, NULL, err);
}

/* ---- subscriptions ------------------------------------------------------------------------ */

struct stg_request *
stg_request_subscription_create(const struct stg_subscription_params *p, struct stg_error *err)
{
	struct stg_request *r;
	struct stg_buf t, b;
	struct jw w;

	if (p == NULL || !nonempty(p->target) || !nonempty(p->on_change) ||
	    p->delivery_address == NULL)
		return fail_usage(NULL, NULL, NULL, err,
				  "subscription: target, on_change and delivery_address are required");
	r = req_new(STG_METHOD_POST, STG_KIND_SUBSCRIPTION, err);
	if (r == NULL)
		return NULL;
	stg_buf_init(&t);
	stg_buf_init(&b);
	stg_buf_puts(&t, "/v1/subscriptions");
	w.b = &b;
	w.any = false;
	stg_buf_putc(&b, '{');
	j_kstr(&w, "target", p->target);
	j_kstr(&w, "on_change", p->on_change);
	j_kstr(&w, "delivery_address", p->delivery_address);
	j_kstr(&w, "idempotency_key", p->idempotency_key);
	stg_buf_putc(&b, '}');
	return req_finish(r, &t, &b, NULL, err);
}

struct stg_request *
stg_request_subscription_list(struct stg_error *err)
{
	return simple_path(STG_METHOD_GET, STG_KIND_SUBSCRIPTION_LIST, "/v1/subscriptions", NULL,
			   NULL, NULL, err);
}

struct stg_request *
stg_request_subscription_get(const char *id, struct stg_error *err)
{
	if (!nonempty(id))
		return fail_usage(NULL, NULL, NULL, err, "subscription: id required");
	return simple_path(STG_METHOD_GET, STG_KIND_SUBSCRIPTION, "/v1/subscriptions/", id, NULL,
			   NULL, err);
}

struct stg_request *
stg_request_subscription_delete(const char *id, struct stg_error *err)
{
	if (!nonempty(id))
		return fail_usage(NULL, NULL, NULL, err, "subscription: id required");
	return simple_path(STG_METHOD_DELETE, STG_KIND_NONE, "/v1/subscriptions/", id, NULL,
			   NULL, err);
}

struct stg_request *
stg_request_subscription_events(const struct stg_events_params *p, struct stg_error *err)
{
	struct stg_request *r;
	struct stg_buf t;
	struct stg_query q;

	if (p == NULL || !nonempty(p->subscription_id))
		return fail_usage(NULL, NULL, NULL, err, "events: subscription id required");
	r = req_new(STG_METHOD_GET, STG_KIND_EVENT_PAGE, err);
	if (r == NULL)
		return NULL;
	stg_buf_init(&t);
	stg_buf_puts(&t, "/v1/subscriptions/");
	stg_url_encode(&t, p->subscription_id);
	stg_buf_puts(&t, "/events");
	q.b = &t;
	q.any = false;
	stg_query_str(&q, "since", p->since);
	stg_query_str(&q, "cursor", p->cursor);
	if (p->limit > 0)
		stg_query_int(&q, "limit", p->limit);
	return req_finish(r, &t, NULL, NULL, err);
}
