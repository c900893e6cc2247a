/* routes_facts.c — POST/GET /v1/facts, GET /v1/facts/{id}, provenance and
 * verify-cid (§4.2–§4.6). */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "node/lite_internal.h"
#include "stigmem/cid.h"

static const char scope_set_msg[] = "scope must be one of {'team', 'company', 'public', 'local'}";

/* ---- small helpers ---------------------------------------------------------- */

static cJSON *
dup_input(const cJSON *v)
{
	return v ? cJSON_Duplicate(v, 1) : cJSON_CreateNull();
}

static void
err_missing(cJSON *items, const char *loc1, const char *loc2, const cJSON *parent)
{
	lite_verr_add(items, "missing", "body", loc1, loc2, -1, "Field required", dup_input(parent),
		      NULL);
}

/* Validate a required/optional string member. Returns the string or NULL
 * (error added when it was present but not a string / too short, or
 * missing when required). */
static const char *
want_str(cJSON *items, const cJSON *obj, const char *key, const char *loc1, bool required,
	 bool nullable, size_t min_len)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
	const char *l1 = loc1 ? loc1 : key;
	const char *l2 = loc1 ? key : NULL;
	if (!v) {
		if (required)
			err_missing(items, l1, l2, obj);
		return NULL;
	}
	if (cJSON_IsNull(v) && nullable)
		return NULL;
	if (!cJSON_IsString(v)) {
		lite_verr_add(items, "string_type", "body", l1, l2, -1, "Input should be a valid string",
			      dup_input(v), NULL);
		return NULL;
	}
	if (strlen(v->valuestring) < min_len) {
		cJSON *ctx = cJSON_CreateObject();
		cJSON_AddNumberToObject(ctx, "min_length", (double)min_len);
		lite_verr_add(items, "string_too_short", "body", l1, l2, -1,
			      min_len == 1 ? "String should have at least 1 character"
					   : "String should have at least 16 characters",
			      dup_input(v), ctx);
		return NULL;
	}
	return v->valuestring;
}

static void
literal_err(cJSON *items, const char *l1, const char *l2, const char *expected, const cJSON *v)
{
	char msg[256];
	snprintf(msg, sizeof msg, "Input should be %s", expected);
	cJSON *ctx = cJSON_CreateObject();
	cJSON_AddStringToObject(ctx, "expected", expected);
	lite_verr_add(items, "literal_error", "body", l1, l2, -1, msg, dup_input(v), ctx);
}

static bool
recompute_cid(const struct lite_fact_row *r, char out[STG_HASH_MAX])
{
	struct stg_cid_input ci = {
		.confidence = r->confidence,
		.entity = r->entity,
		.relation = r->relation,
		.scope = r->scope,
		.source = r->source,
		.value_type = r->value_type,
		.value_v = r->value_v ? r->value_v : "",
		.value_v_len = r->value_v ? r->value_v_len : 0,
	};
	return stg_cid_compute(&ci, out);
}

/* 409 cid_mismatch when a stored CID no longer matches its row. */
static bool
cid_check(const struct lite_fact_row *r, struct lite_resp *rs)
{
	if (!r->cid)
		return true;
	char c[STG_HASH_MAX];
	if (!recompute_cid(r, c) || strcmp(c, r->cid) == 0)
		return true;
	cJSON *x = cJSON_CreateObject();
	cJSON_AddStringToObject(x, "fact_id", r->id);
	cJSON_AddStringToObject(x, "computed_cid", c);
	cJSON_AddStringToObject(x, "stored_cid", r->cid);
	lite_resp_detail_code(rs, 409, "cid_mismatch",
			      "stored fact no longer matches its content id", x);
	return false;
}

static bool
session_check(struct lite_req *rq, struct lite_resp *rs)
{
	char sid[LITE_SESSION_ID_MAX + 1];
	if (lite_session_header(rq, sid) != 0) {
		lite_resp_detail(rs, 400, "session_id_too_long");
		return false;
	}
	return true;
}

/* ---- POST /v1/facts --------------------------------------------------------- */

/* lite_facts_post_body() plus the feedback-loop guard of session `sid`
 * (NULL or "" = none), checked after validation and encoding (§3.5 step 5). */
static int
facts_post_body(struct lite_node *n, const cJSON *body, const struct lite_principal *who,
		const char *ts_override, struct lite_resp *rs, cJSON **out_json,
		char id_out[LITE_ID_MAX], const char *sid)
{
	bool out_json_wanted = out_json != NULL;
	cJSON *unused_json = NULL;
	if (!out_json)
		out_json = &unused_json;
	*out_json = NULL;
	cJSON *items = cJSON_CreateArray();
	const char *entity = want_str(items, body, "entity", NULL, true, false, 1);
	const char *relation = want_str(items, body, "relation", NULL, true, false, 1);
	const cJSON *value = cJSON_GetObjectItemCaseSensitive(body, "value");
	const char *vtype = NULL, *interp = "content";
	const cJSON *vv = NULL;
	if (!value) {
		err_missing(items, "value", NULL, body);
	} else if (!cJSON_IsObject(value)) {
		lite_verr_add(items, "model_attributes_type", "body", "value", NULL, -1,
			      "Input should be a valid dictionary or object to extract fields from",
			      dup_input(value), NULL);
	} else {
		const cJSON *t = cJSON_GetObjectItemCaseSensitive(value, "type");
		static const char *const types[] = {"string", "text",	"number", "boolean",
						    "datetime", "ref", "null"};
		if (!t) {
			err_missing(items, "value", "type", value);
		} else {
			bool ok = false;
			for (size_t i = 0; cJSON_IsString(t) && i < 7; i++)
				ok |= strcmp(t->valuestring, types[i]) == 0;
			if (!ok)
				literal_err(items, "value", "type",
					    "'string', 'text', 'number', 'boolean', 'datetime', 'ref' or 'null'",
					    t);
			else
				vtype = t->valuestring;
		}
		vv = cJSON_GetObjectItemCaseSensitive(value, "v");
		const cJSON *ia = cJSON_GetObjectItemCaseSensitive(value, "interpret_as");
		if (ia && !cJSON_IsNull(ia)) {
			if (cJSON_IsString(ia) && (strcmp(ia->valuestring, "content") == 0 ||
						   strcmp(ia->valuestring, "instruction") == 0))
				interp = ia->valuestring;
			else
				literal_err(items, "value", "interpret_as", "'content' or 'instruction'",
					    ia);
		}
	}
	const char *source = want_str(items, body, "source", NULL, true, false, 1);
	double confidence = 1.0;
	const cJSON *c = cJSON_GetObjectItemCaseSensitive(body, "confidence");
	if (c) {
		bool okc = true;
		if (cJSON_IsNumber(c)) {
			confidence = c->valuedouble;
		} else if (cJSON_IsBool(c)) {
			confidence = cJSON_IsTrue(c) ? 1.0 : 0.0;
		} else if (cJSON_IsString(c)) {
			char *end;
			confidence = strtod(c->valuestring, &end);
			if (end == c->valuestring || *end) {
				lite_verr_add(items, "float_parsing", "body", "confidence", NULL, -1,
					      "Input should be a valid number, unable to parse string as a number",
					      dup_input(c), NULL);
				okc = false;
			}
		} else {
			lite_verr_add(items, "float_type", "body", "confidence", NULL, -1,
				      "Input should be a valid number", dup_input(c), NULL);
			okc = false;
		}
		if (okc && !isfinite(confidence)) {
			lite_verr_add(items, "finite_number", "body", "confidence", NULL, -1,
				      "Input should be a finite number", dup_input(c), NULL);
		} else if (okc && confidence > 1.0) {
			cJSON *ctx = cJSON_CreateObject();
			cJSON_AddItemToObject(ctx, "le", lite_json_float(1.0));
			lite_verr_add(items, "less_than_equal", "body", "confidence", NULL, -1,
				      "Input should be less than or equal to 1", dup_input(c), ctx);
		} else if (okc && confidence < 0.0) {
			cJSON *ctx = cJSON_CreateObject();
			cJSON_AddItemToObject(ctx, "ge", lite_json_float(0.0));
			lite_verr_add(items, "greater_than_equal", "body", "confidence", NULL, -1,
				      "Input should be greater than or equal to 0", dup_input(c), ctx);
		}
	}
	if (confidence == 0.0)
		confidence = 0.0; /* -0.0 is stored and hashed as 0.0 (the reference poisons it) */
	const char *scope = "local";
	const cJSON *sc = cJSON_GetObjectItemCaseSensitive(body, "scope");
	if (sc) {
		if (!cJSON_IsString(sc)) {
			lite_verr_add(items, "string_type", "body", "scope", NULL, -1,
				      "Input should be a valid string", dup_input(sc), NULL);
		} else if (!lite_scope_valid(sc->valuestring)) {
			char msg[160];
			snprintf(msg, sizeof msg, "Value error, %s", scope_set_msg);
			cJSON *ctx = cJSON_CreateObject();
			cJSON_AddItemToObject(ctx, "error", cJSON_CreateObject());
			lite_verr_add(items, "value_error", "body", "scope", NULL, -1, msg,
				      dup_input(sc), ctx);
		} else {
			scope = sc->valuestring;
		}
	}
	const char *valid_until = want_str(items, body, "valid_until", NULL, false, true, 0);
	const char *garden = want_str(items, body, "garden_id", NULL, false, true, 0);
	const char *write_mode = "assert";
	const cJSON *wm = cJSON_GetObjectItemCaseSensitive(body, "write_mode");
	if (wm) {
		if (cJSON_IsString(wm) && (strcmp(wm->valuestring, "assert") == 0 ||
					   strcmp(wm->valuestring, "summarize_with_provenance") == 0))
			write_mode = wm->valuestring;
		else
			literal_err(items, "write_mode", NULL, "'assert' or 'summarize_with_provenance'",
				    wm);
	}
	const cJSON *df = cJSON_GetObjectItemCaseSensitive(body, "derived_from");
	if (df && !cJSON_IsNull(df) && !cJSON_IsArray(df)) {
		lite_verr_add(items, "list_type", "body", "derived_from", NULL, -1,
			      "Input should be a valid list", dup_input(df), NULL);
	} else if (cJSON_IsArray(df)) {
		int i = 0;
		for (const cJSON *e = df->child; e; e = e->next, i++) {
			if (!cJSON_IsObject(e)) {
				cJSON *it = cJSON_CreateObject();
				cJSON_AddStringToObject(it, "type", "dict_type");
				cJSON *loc = cJSON_AddArrayToObject(it, "loc");
				cJSON_AddItemToArray(loc, cJSON_CreateString("body"));
				cJSON_AddItemToArray(loc, cJSON_CreateString("derived_from"));
				cJSON_AddItemToArray(loc, cJSON_CreateNumber(i));
				cJSON_AddStringToObject(it, "msg", "Input should be a valid dictionary");
				cJSON_AddItemToObject(it, "input", dup_input(e));
				cJSON_AddItemToArray(items, it);
			}
		}
	}
	const cJSON *att = cJSON_GetObjectItemCaseSensitive(body, "attestation");
	if (cJSON_GetArraySize(items) > 0) {
		lite_resp_422(rs, items);
		return 422;
	}
	cJSON_Delete(items);
	if (att && !cJSON_IsNull(att)) {
		const cJSON *kid = cJSON_GetObjectItemCaseSensitive(att, "key_id");
		char msg[300];
		snprintf(msg, sizeof msg, "attestation.key_id '%s' not found",
			 cJSON_IsString(kid) ? kid->valuestring : "");
		lite_resp_detail(rs, 400, msg);
		return 400;
	}
	/* Normalization failures (§3.4) are 400 string details. */
	/* Emptiness does not depend on the alias table: no lookup here. */
	char *ne = lite_normalize_uri(NULL, entity), *ns = lite_normalize_uri(NULL, source);
	bool bad_uri = !ne || !ns;
	free(ne);
	free(ns);
	if (bad_uri) {
		lite_resp_detail(rs, 400, !ne ? "invalid_entity_uri: entity must not be empty"
					      : "invalid_entity_uri: source must not be empty");
		return 400;
	}
	if (garden) {
		lite_resp_detail(rs, 404, "garden not found");
		return 404;
	}
	if (strcmp(interp, "instruction") == 0 && !(who->perms & LITE_PERM_INSTRUCTION_WRITE)) {
		lite_resp_detail_code(rs, 403, "instruction_write_required",
				      "writing interpret_as=instruction requires instruction:write",
				      NULL);
		return 403;
	}
	bool bad = false;
	char *venc = lite_value_encode(vtype, vv, &bad);
	if (bad) {
		cJSON *it = cJSON_CreateArray();
		lite_verr_add(it, "float_parsing", "body", "value", "v", -1,
			      "Input should be a valid number, unable to parse string as a number",
			      dup_input(vv), NULL);
		lite_resp_422(rs, it);
		return 422;
	}
	if (!venc) {
		lite_resp_internal(rs, "out of memory");
		return 500;
	}
	if (!lite_session_guard(n, sid, who, scope, write_mode, df, rs)) {
		free(venc);
		return 403;
	}
	char *dftxt = cJSON_IsArray(df) ? cJSON_PrintUnformatted(df) : NULL;
	struct lite_fact_in in = {
		.entity = entity,
		.relation = relation,
		.value_type = vtype,
		.value_v = venc,
		.value_v_len = (size_t)-1,
		.interpret_as = interp,
		.source = source,
		.confidence = confidence,
		.scope = scope,
		.valid_until = valid_until,
		.derived_from = dftxt,
		.write_mode = write_mode,
		.tenant_id = who->tenant_id[0] ? who->tenant_id : "default",
		.principal = who->entity_uri,
		.timestamp = ts_override,
	};
	struct lite_fact_out fo;
	char err[256];
	int rc = lite_fact_assert(n, &in, &fo, err, sizeof err);
	free(venc);
	free(dftxt);
	if (rc != 0) {
		lite_log(n, "assert failed: %s", err);
		lite_resp_internal(rs, err);
		return 500;
	}
	if (id_out)
		snprintf(id_out, LITE_ID_MAX, "%s", fo.id);
	if (!out_json_wanted)
		return 201;
	struct lite_fact_row row;
	sqlite3_stmt *st = lite_stmt(n, "SELECT " LITE_FACT_COLS " FROM facts WHERE seq=?");
	if (!st || (sqlite3_bind_int64(st, 1, fo.seq), sqlite3_step(st)) != SQLITE_ROW) {
		lite_stmt_done(st);
		lite_resp_internal(rs, "fact vanished");
		return 500;
	}
	lite_fact_row_load(st, 0, &row);
	cJSON *warn = cJSON_CreateArray();
	if (!fo.deduplicated) {
		char msg[LITE_URI_MAX * 2 + 200];
		if (!strchr(row.relation, ':')) {
			snprintf(msg, sizeof msg,
				 "bare relation '%s' has no namespace prefix; rename to "
				 "'your-prefix:%s' to prevent silent collisions (see "
				 "relation-convention.md)",
				 row.relation, row.relation);
			cJSON_AddItemToArray(warn, cJSON_CreateString(msg));
		} else if (strncmp(row.relation, "stigmem:", 8) == 0) {
			snprintf(msg, sizeof msg,
				 "relation '%s' uses the reserved 'stigmem:' namespace", row.relation);
			cJSON_AddItemToArray(warn, cJSON_CreateString(msg));
		}
	}
	*out_json = lite_fact_json(n, &row, fo.contradicted ? LITE_FJ_CONTRADICTED : 0, warn);
	lite_stmt_done(st);
	return 201;
}

int
lite_facts_post_body(struct lite_node *n, const cJSON *body, const struct lite_principal *who,
		     const char *ts_override, struct lite_resp *rs, cJSON **out_json,
		     char id_out[LITE_ID_MAX])
{
	return facts_post_body(n, body, who, ts_override, rs, out_json, id_out, NULL);
}

int
lite_route_facts_post(struct lite_req *rq, struct lite_resp *rs)
{
	if (!lite_require(rq, rs, LITE_PERM_WRITE, "write"))
		return 0;
	if (!session_check(rq, rs))
		return 0;
	cJSON *body = lite_req_json_object(rq, rs);
	if (!body)
		return 0;
	cJSON *out = NULL;
	/* One transaction around the write and the read-back of the stored
	 * row: statements outside it would each take the read lock alone. */
	if (lite_tx_begin(rq->node) != 0) {
		cJSON_Delete(body);
		lite_resp_internal(rs, "database busy");
		return 0;
	}
	char sid[LITE_SESSION_ID_MAX + 1];
	lite_session_header(rq, sid); /* length already checked */
	int st = facts_post_body(rq->node, body, &rq->who, NULL, rs, &out, NULL, sid);
	cJSON_Delete(body);
	if (st == 201 && lite_tx_commit(rq->node) != 0) {
		cJSON_Delete(out);
		lite_resp_internal(rs, "database write failed");
		return 0;
	}
	if (st != 201)
		lite_tx_rollback(rq->node);
	if (st == 201)
		lite_resp_json(rs, 201, out);
	return 0;
}

/* ---- cursor ------------------------------------------------------------------ */

static const char b64u[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

void
lite_b64url_encode(const char *s, size_t n, struct stg_buf *out)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;
	for (; i + 2 < n; i += 3) {
		unsigned v = (unsigned)p[i] << 16 | (unsigned)p[i + 1] << 8 | p[i + 2];
		char q[4] = {b64u[v >> 18], b64u[(v >> 12) & 63], b64u[(v >> 6) & 63], b64u[v & 63]};
		stg_buf_append(out, q, 4);
	}
	if (n - i == 1) {
		unsigned v = (unsigned)p[i] << 16;
		char q[2] = {b64u[v >> 18], b64u[(v >> 12) & 63]};
		stg_buf_append(out, q, 2);
	} else if (n - i == 2) {
		unsigned v = (unsigned)p[i] << 16 | (unsigned)p[i + 1] << 8;
		char q[3] = {b64u[v >> 18], b64u[(v >> 12) & 63], b64u[(v >> 6) & 63]};
		stg_buf_append(out, q, 3);
	}
	if (!out->data)
		stg_buf_append(out, "", 0);
}

bool
lite_b64url_decode(const char *s, struct stg_buf *out)
{
	unsigned acc = 0;
	int bits = 0;
	for (; *s; s++) {
		const char *q = strchr(b64u, *s);
		if (!q || !*s)
			return false;
		acc = (acc << 6) | (unsigned)(q - b64u);
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			stg_buf_putc(out, (char)((acc >> bits) & 0xFF));
		}
	}
	if (!out->data)
		stg_buf_append(out, "", 0);
	return !out->oom;
}

/* Cursor = "c1." + base64url("<timestamp>|<id>"). The prefix keeps it
 * apart from a bare fact id (whose characters are all base64url). */
static bool
cursor_decode(const char *c, char ts[LITE_TS_MAX], char id[LITE_CONFLICT_ID_MAX])
{
	if (strncmp(c, "c1.", 3) != 0)
		return false;
	c += 3;
	struct stg_buf b;
	stg_buf_init(&b);
	bool ok = lite_b64url_decode(c, &b) && b.data && strlen(b.data) == b.len;
	if (ok) {
		char *bar = strchr(b.data, '|');
		ok = bar && (size_t)(bar - b.data) < LITE_TS_MAX && strlen(bar + 1) < LITE_CONFLICT_ID_MAX &&
		     bar > b.data && bar[1];
		if (ok) {
			memcpy(ts, b.data, (size_t)(bar - b.data));
			ts[bar - b.data] = 0;
			snprintf(id, LITE_CONFLICT_ID_MAX, "%s", bar + 1);
		}
	}
	stg_buf_done(&b);
	return ok;
}

static char *
cursor_encode(const char *ts, const char *id)
{
	struct stg_buf raw, out;
	stg_buf_init(&raw);
	stg_buf_init(&out);
	stg_buf_printf(&raw, "%s|%s", ts, id);
	stg_buf_puts(&out, "c1.");
	lite_b64url_encode(raw.data ? raw.data : "", raw.len, &out);
	stg_buf_done(&raw);
	char *r = stg_buf_take(&out);
	stg_buf_done(&out);
	return r;
}

/* ---- GET /v1/facts ------------------------------------------------------------ */

struct key_count {
	const char *e, *r, *s;
};

int
lite_route_facts_list(struct lite_req *rq, struct lite_resp *rs)
{
	struct lite_node *n = rq->node;
	if (!lite_require(rq, rs, LITE_PERM_READ, "read"))
		return 0;
	if (!session_check(rq, rs))
		return 0;
	long limit;
	double minc;
	bool inc_contra, inc_exp, inc_low;
	if (!lite_query_int(rq, rs, "limit", 50, 1, 500, &limit) ||
	    !lite_query_float(rq, rs, "min_confidence", 0.0, 0.0, 1.0, &minc) ||
	    !lite_query_bool(rq, rs, "include_contradicted", false, &inc_contra) ||
	    !lite_query_bool(rq, rs, "include_expired", false, &inc_exp) ||
	    !lite_query_bool(rq, rs, "include_low_trust", false, &inc_low))
		return 0;
	bool attested_f = false, has_attested = lite_req_query(rq, "attested") != NULL;
	if (has_attested && !lite_query_bool(rq, rs, "attested", false, &attested_f))
		return 0;
	const char *scope = lite_req_query(rq, "scope");
	if (scope && !lite_scope_valid(scope)) {
		lite_resp_detail(rs, 400, scope_set_msg);
		return 0;
	}
	if (lite_req_query(rq, "as_of")) {
		lite_resp_detail_code(rs, 501, "time_travel_plugin_not_loaded",
				      "as_of requires the time-travel plugin, which this node does not provide",
				      NULL);
		return 0;
	}
	if (lite_req_query(rq, "garden_id")) {
		lite_resp_detail(rs, 404, "garden not found");
		return 0;
	}
	const char *cursor = lite_req_query(rq, "cursor");
	char cts[LITE_TS_MAX], cid[LITE_CONFLICT_ID_MAX];
	if (cursor && *cursor && !cursor_decode(cursor, cts, cid)) {
		/* A reference-style cursor (a fact id) is accepted too: it is
		 * turned into that fact's (timestamp, id) keyset position. */
		struct lite_fact_row cr;
		sqlite3_stmt *cst = NULL;
		if (lite_fact_get(n, cursor, rq->who.tenant_id, &cr, &cst) != 1) {
			sqlite3_finalize(cst);
			lite_resp_detail_code(rs, 400, "invalid_cursor", "cursor could not be decoded",
					      NULL);
			return 0;
		}
		snprintf(cts, sizeof cts, "%s", cr.timestamp);
		snprintf(cid, sizeof cid, "%s", cr.id);
		sqlite3_finalize(cst);
	}
	bool use_cursor = cursor && *cursor;
	const char *qe = lite_req_query(rq, "entity");
	const char *qs = lite_req_query(rq, "source");
	char *ent = qe ? lite_normalize_uri(n, qe) : NULL;
	char *src = qs ? lite_normalize_uri(n, qs) : NULL;
	const char *relation = lite_req_query(rq, "relation");
	const char *after = lite_req_query(rq, "after");
	char now[LITE_TS_MAX];
	lite_wall_now(now);

	struct stg_buf sql;
	stg_buf_init(&sql);
	stg_buf_puts(&sql, "SELECT " LITE_FACT_COLS " FROM facts WHERE tenant_id=?1 AND confidence >= ?2");
	if (qe)
		stg_buf_puts(&sql, " AND entity=?3");
	if (relation)
		stg_buf_puts(&sql, " AND relation=?4");
	if (qs)
		stg_buf_puts(&sql, " AND source=?5");
	if (scope)
		stg_buf_puts(&sql, " AND scope=?6");
	if (!inc_exp)
		stg_buf_puts(&sql, " AND (valid_until IS NULL OR valid_until > ?7)");
	if (after)
		stg_buf_puts(&sql, " AND timestamp > ?8");
	if (use_cursor)
		stg_buf_puts(&sql, " AND (timestamp < ?9 OR (timestamp = ?9 AND id < ?10))");
	if (has_attested)
		stg_buf_puts(&sql, " AND 0"); /* nothing is attested on this node */
	stg_buf_puts(&sql, " ORDER BY timestamp DESC, id DESC LIMIT ?11");
	sqlite3_stmt *st = sql.data ? lite_prepare(n, sql.data) : NULL;
	stg_buf_done(&sql);
	if (!st) {
		free(ent);
		free(src);
		lite_resp_internal(rs, "prepare");
		return 0;
	}
	sqlite3_bind_text(st, 1, rq->who.tenant_id, -1, SQLITE_STATIC);
	sqlite3_bind_double(st, 2, minc);
	if (qe)
		sqlite3_bind_text(st, 3, ent ? ent : qe, -1, SQLITE_STATIC);
	if (relation)
		sqlite3_bind_text(st, 4, relation, -1, SQLITE_STATIC);
	if (qs)
		sqlite3_bind_text(st, 5, src ? src : qs, -1, SQLITE_STATIC);
	if (scope)
		sqlite3_bind_text(st, 6, scope, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 7, now, -1, SQLITE_STATIC);
	if (after)
		sqlite3_bind_text(st, 8, after, -1, SQLITE_STATIC);
	if (use_cursor) {
		sqlite3_bind_text(st, 9, cts, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 10, cid, -1, SQLITE_STATIC);
	}
	sqlite3_bind_int64(st, 11, (sqlite3_int64)limit + 1);

	/* Materialize the page as JSON + key strings. */
	size_t cap = (size_t)limit + 1, cnt = 0;
	cJSON **objs = calloc(cap, sizeof *objs);
	char **keys = calloc(cap, sizeof *keys);
	bool more = false, failed = !objs || !keys;
	char last_ts[LITE_TS_MAX] = "", last_id[LITE_CONFLICT_ID_MAX] = "";
	int rc;
	while (!failed && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (cnt == (size_t)limit) {
			more = true;
			break;
		}
		struct lite_fact_row r;
		lite_fact_row_load(st, 0, &r);
		if (!cid_check(&r, rs)) {
			failed = true;
			break;
		}
		objs[cnt] = lite_fact_json(n, &r, LITE_FJ_READ, NULL);
		size_t kl = strlen(r.entity) + strlen(r.relation) + strlen(r.scope) + 3;
		keys[cnt] = malloc(kl);
		if (keys[cnt])
			snprintf(keys[cnt], kl, "%s\x1f%s\x1f%s", r.entity, r.relation, r.scope);
		snprintf(last_ts, sizeof last_ts, "%s", r.timestamp);
		snprintf(last_id, sizeof last_id, "%s", r.id);
		cnt++;
	}
	sqlite3_finalize(st);
	free(ent);
	free(src);
	if (!failed) {
		cJSON *o = cJSON_CreateObject();
		cJSON *arr = cJSON_AddArrayToObject(o, "facts");
		int total = 0;
		for (size_t i = 0; i < cnt; i++) {
			bool contra = false;
			for (size_t j = 0; j < cnt && keys[i]; j++)
				if (j != i && keys[j] && strcmp(keys[i], keys[j]) == 0) {
					contra = true;
					break;
				}
			if (contra && !inc_contra)
				continue;
			if (contra)
				cJSON_ReplaceItemInObjectCaseSensitive(objs[i], "contradicted",
								       cJSON_CreateTrue());
			cJSON_AddItemToArray(arr, objs[i]);
			objs[i] = NULL;
			total++;
		}
		cJSON_AddNumberToObject(o, "total", total);
		char *cur = more ? cursor_encode(last_ts, last_id) : NULL;
		lite_json_add_str(o, "cursor", cur);
		free(cur);
		cJSON_AddArrayToObject(o, "tombstone_notices");
		lite_session_record_json(rq, o);
		lite_resp_json(rs, 200, o);
		char tc[32];
		snprintf(tc, sizeof tc, "%d", total);
		lite_resp_header(rs, "X-Total-Count", tc);
	} else if (rs->status != 409) {
		lite_resp_internal(rs, "listing failed");
	}
	for (size_t i = 0; objs && keys && i < cap; i++) {
		cJSON_Delete(objs[i]);
		free(keys[i]);
	}
	free(objs);
	free(keys);
	return 0;
}

/* ---- GET /v1/facts/{id} -------------------------------------------------------- */

/* Resolve a path id (UUID, or CID when allow_cid) to a row in the caller's
 * tenant. Returns 1 found, 0 (response filled). */
static int
resolve_fact(struct lite_req *rq, struct lite_resp *rs, bool allow_cid, struct lite_fact_row *row,
	     sqlite3_stmt **st)
{
	const char *id = rq->seg[2];
	char fid[LITE_ID_MAX + 16];
	snprintf(fid, sizeof fid, "%s", id);
	if (strncmp(id, "sha256:", 7) == 0 && allow_cid) {
		if (!stg_cid_is_wellformed(id)) {
			lite_resp_detail_code(rs, 400, "cid_malformed",
					      "CID must be 'sha256:' followed by 64 hex chars", NULL);
			return 0;
		}
		sqlite3_stmt *a = lite_prepare(rq->node, "SELECT id FROM facts WHERE cid=? ORDER BY seq LIMIT 1");
		if (!a) {
			lite_resp_internal(rs, "prepare");
			return 0;
		}
		sqlite3_bind_text(a, 1, id, -1, SQLITE_STATIC);
		fid[0] = 0;
		if (sqlite3_step(a) == SQLITE_ROW)
			snprintf(fid, sizeof fid, "%s", (const char *)sqlite3_column_text(a, 0));
		sqlite3_finalize(a);
		if (!fid[0]) {
			lite_resp_detail(rs, 404, "fact not found");
			return 0;
		}
	}
	int f = lite_fact_get(rq->node, fid, rq->who.tenant_id, row, st);
	if (f < 0) {
		lite_resp_internal(rs, "lookup");
		return 0;
	}
	if (f == 0) {
		lite_resp_detail(rs, 404, "fact not found");
		return 0;
	}
	return 1;
}

int
lite_route_fact_get(struct lite_req *rq, struct lite_resp *rs)
{
	if (!lite_require(rq, rs, LITE_PERM_READ, "read"))
		return 0;
	if (!session_check(rq, rs))
		return 0;
	struct lite_fact_row r;
	sqlite3_stmt *st = NULL;
	if (!resolve_fact(rq, rs, true, &r, &st))
		return 0;
	if (!cid_check(&r, rs)) {
		sqlite3_finalize(st);
		return 0;
	}
	sqlite3_stmt *c = lite_prepare(rq->node,
				       "SELECT count(*) FROM facts WHERE tenant_id=? AND entity=? AND"
				       " relation=? AND scope=?");
	long long k = 0;
	if (c) {
		sqlite3_bind_text(c, 1, r.tenant_id, -1, SQLITE_STATIC);
		sqlite3_bind_text(c, 2, r.entity, -1, SQLITE_STATIC);
		sqlite3_bind_text(c, 3, r.relation, -1, SQLITE_STATIC);
		sqlite3_bind_text(c, 4, r.scope, -1, SQLITE_STATIC);
		if (sqlite3_step(c) == SQLITE_ROW)
			k = sqlite3_column_int64(c, 0);
		sqlite3_finalize(c);
	}
	cJSON *o = lite_fact_json(rq->node, &r, LITE_FJ_READ | (k >= 2 ? LITE_FJ_CONTRADICTED : 0),
				  NULL);
	sqlite3_finalize(st);
	lite_session_record_json(rq, o);
	lite_resp_json(rs, 200, o);
	return 0;
}

/* ---- provenance / verify-cid --------------------------------------------------- */

int
lite_route_fact_provenance(struct lite_req *rq, struct lite_resp *rs)
{
	struct lite_node *n = rq->node;
	if (!lite_require(rq, rs, LITE_PERM_READ, "read"))
		return 0;
	struct lite_fact_row r;
	sqlite3_stmt *st = NULL;
	if (!resolve_fact(rq, rs, false, &r, &st))
		return 0;
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "fact_id", rq->seg[2]);
	lite_json_add_str(o, "cid", r.cid);
	cJSON *arr = cJSON_AddArrayToObject(o, "derived_from");
	cJSON *df = r.derived_from ? cJSON_Parse(r.derived_from) : NULL;
	char tenant[LITE_TENANT_MAX];
	snprintf(tenant, sizeof tenant, "%s", r.tenant_id);
	sqlite3_finalize(st);
	for (const cJSON *e = cJSON_IsArray(df) ? df->child : NULL; e; e = e->next) {
		if (!cJSON_IsObject(e))
			continue;
		const cJSON *fi = cJSON_GetObjectItemCaseSensitive(e, "fact_id");
		const cJSON *h = cJSON_GetObjectItemCaseSensitive(e, "hash");
		const char *hash = cJSON_IsString(h) ? h->valuestring : "";
		sqlite3_stmt *q = NULL;
		if (cJSON_IsString(fi)) {
			q = lite_prepare(n, "SELECT id, entity FROM facts WHERE id=? AND tenant_id=?");
			if (q)
				sqlite3_bind_text(q, 1, fi->valuestring, -1, SQLITE_STATIC);
		} else if (strncmp(hash, "sha256:", 7) == 0) {
			q = lite_prepare(n, "SELECT id, entity FROM facts WHERE cid=? AND tenant_id=?"
					    " ORDER BY seq LIMIT 1");
			if (q)
				sqlite3_bind_text(q, 1, hash, -1, SQLITE_STATIC);
		}
		cJSON *it = cJSON_CreateObject();
		cJSON_AddStringToObject(it, "hash", hash);
		if (q) {
			sqlite3_bind_text(q, 2, tenant, -1, SQLITE_STATIC);
		}
		if (q && sqlite3_step(q) == SQLITE_ROW) {
			cJSON_AddStringToObject(it, "fact_id", (const char *)sqlite3_column_text(q, 0));
			cJSON_AddStringToObject(it, "entity", (const char *)sqlite3_column_text(q, 1));
			cJSON_AddBoolToObject(it, "exists", 1);
		} else {
			cJSON_AddNullToObject(it, "fact_id");
			cJSON_AddNullToObject(it, "entity");
			cJSON_AddBoolToObject(it, "exists", 0);
		}
		sqlite3_finalize(q);
		cJSON_AddItemToArray(arr, it);
	}
	cJSON_Delete(df);
	lite_resp_json(rs, 200, o);
	return 0;
}

int
lite_route_fact_verify_cid(struct lite_req *rq, struct lite_resp *rs)
{
	if (!lite_require(rq, rs, LITE_PERM_READ, "read"))
		return 0;
	struct lite_fact_row r;
	sqlite3_stmt *st = NULL;
	if (!resolve_fact(rq, rs, false, &r, &st))
		return 0;
	char c[STG_HASH_MAX];
	if (!recompute_cid(&r, c)) {
		sqlite3_finalize(st);
		lite_resp_internal(rs, "cid");
		return 0;
	}
	cJSON *o = cJSON_CreateObject();
	bool valid = r.cid && strcmp(r.cid, c) == 0;
	cJSON_AddBoolToObject(o, "cid_valid", valid);
	cJSON_AddStringToObject(o, "computed_cid", c);
	lite_json_add_str(o, "stored_cid", r.cid);
	lite_json_add_str(o, "mismatch_reason",
			  valid ? NULL
				: !r.cid ? "stored_cid is null (pre-Phase-13 record pending backfill)"
					 : "stored_cid does not match computed_cid");
	sqlite3_finalize(st);
	lite_resp_json(rs, 200, o);
	return 0;
}
