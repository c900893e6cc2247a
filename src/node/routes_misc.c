/* routes_misc.c — well-known, healthz, me, federation peers, audit, API
 * keys and subscriptions (§4.1, §8.1, §8.3, §8.4, §9). */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "node/lite_internal.h"

/* ---- discovery ------------------------------------------------------------ */

int
lite_route_wellknown(struct lite_req *rq, struct lite_resp *rs)
{
	struct lite_node *n = rq->node;
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "version", "1.0");
	cJSON_AddStringToObject(o, "node_id", n->node_id);
	cJSON_AddStringToObject(o, "node_url", n->node_url ? n->node_url : "");
	cJSON_AddStringToObject(o, "auth", n->auth_required ? "required" : "none");
	cJSON_AddStringToObject(o, "federation", "disabled");
	cJSON_AddStringToObject(o, "source_attestation", "off");
	static const char *const ns[] = {"stigmem:", "rel:",	    "memory:", "intent:",
					 "roadmap:", "preference:", "garden:"};
	cJSON_AddItemToObject(o, "namespaces", cJSON_CreateStringArray(ns, 7));
	cJSON_AddStringToObject(o, "spec",
				"https://github.com/eidetic-labs/stigmem/blob/main/spec/stigmem-spec-v1.0.md");
	cJSON *cors = cJSON_AddObjectToObject(o, "cors");
	cJSON_AddBoolToObject(cors, "dev_localhost", 0);
	cJSON_AddBoolToObject(cors, "configured", 0);
	lite_resp_json(rs, 200, o);
	return 0;
}

int
lite_route_healthz(struct lite_req *rq, struct lite_resp *rs)
{
	(void)rq;
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "status", "ok");
	lite_resp_json(rs, 200, o);
	return 0;
}

int
lite_route_doctor(struct lite_req *rq, struct lite_resp *rs)
{
	(void)rq;
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "status", "ok");
	cJSON_AddStringToObject(o, "memory_garden_acl_filtering", "disabled");
	lite_resp_json(rs, 200, o);
	return 0;
}

/* A minimal OpenAPI document listing the mounted paths and methods. */
int
lite_route_openapi(struct lite_req *rq, struct lite_resp *rs)
{
	(void)rq;
	static const char *const routes[][2] = {
		{"/.well-known/stigmem", "get"}, {"/healthz", "get"}, {"/v1/doctor", "get"},
		{"/v1/me", "get"}, {"/v1/facts", "get post"}, {"/v1/facts/{fact_id}", "get"},
		{"/v1/facts/{fact_id}/provenance", "get"}, {"/v1/facts/{fact_id}/verify-cid", "post"},
		{"/v1/recall", "post"}, {"/v1/cards/{entity_uri}", "get"}, {"/v1/conflicts", "get"},
		{"/v1/conflicts/{conflict_id}/resolve", "post"}, {"/v1/federation/peers", "get"},
		{"/v1/graph/neighbors", "get"}, {"/v1/audit", "get"}, {"/v1/admin/audit", "get"},
		{"/v1/auth/keys", "post"}, {"/v1/subscriptions", "get post"},
		{"/v1/subscriptions/{subscription_id}", "delete get"},
		{"/v1/subscriptions/{subscription_id}/events", "get"},
		{"/v1/entities/resolve", "get"}, {"/v1/scopes/{scope}/synthesize", "get"},
	};
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "openapi", "3.1.0");
	cJSON *info = cJSON_AddObjectToObject(o, "info");
	cJSON_AddStringToObject(info, "title", "stigmem-lite");
	cJSON_AddStringToObject(info, "version", STG_VERSION);
	cJSON *paths = cJSON_AddObjectToObject(o, "paths");
	for (size_t i = 0; i < sizeof routes / sizeof routes[0]; i++) {
		cJSON *p = cJSON_AddObjectToObject(paths, routes[i][0]);
		char m[32];
		snprintf(m, sizeof m, "%s", routes[i][1]);
		for (char *save = NULL, *t = strtok_r(m, " ", &save); t; t = strtok_r(NULL, " ", &save))
			cJSON_AddObjectToObject(p, t);
	}
	lite_resp_json(rs, 200, o);
	return 0;
}

int
lite_route_me(struct lite_req *rq, struct lite_resp *rs)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "entity_uri", rq->who.entity_uri);
	cJSON_AddItemToObject(o, "permissions", lite_perms_json(rq->who.perms));
	cJSON_AddNullToObject(o, "oidc_sub");
	cJSON_AddStringToObject(o, "tenant_id", rq->who.tenant_id);
	lite_resp_json(rs, 200, o);
	return 0;
}

/* ---- peers ------------------------------------------------------------------ */

static char *
read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	struct stg_buf b;
	stg_buf_init(&b);
	char tmp[4096];
	size_t k;
	while ((k = fread(tmp, 1, sizeof tmp, f)) > 0 && b.len < (8u << 20))
		stg_buf_append(&b, tmp, k);
	fclose(f);
	*len = b.len;
	char *r = stg_buf_take(&b);
	stg_buf_done(&b);
	return r;
}

static void
copy_str(cJSON *dst, const cJSON *src, const char *key, const char *def)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(src, key);
	lite_json_add_str(dst, key, cJSON_IsString(v) ? v->valuestring : def);
}

int
lite_route_peers(struct lite_req *rq, struct lite_resp *rs)
{
	struct lite_node *n = rq->node;
	if (!lite_require(rq, rs, LITE_PERM_FEDERATE, "federate"))
		return 0;
	cJSON *o = cJSON_CreateObject();
	cJSON *arr = cJSON_AddArrayToObject(o, "peers");
	size_t len = 0;
	char *txt = n->peers_file ? read_file(n->peers_file, &len) : NULL;
	cJSON *doc = txt ? cJSON_ParseWithLength(txt, len) : NULL;
	free(txt);
	const cJSON *list = cJSON_IsArray(doc) ? doc : cJSON_GetObjectItemCaseSensitive(doc, "peers");
	if (n->peers_file && !cJSON_IsArray(list))
		lite_log(n, "peers file %s is not a JSON list (or {\"peers\": [...]})", n->peers_file);
	for (const cJSON *p = cJSON_IsArray(list) ? list->child : NULL; p; p = p->next) {
		if (!cJSON_IsObject(p))
			continue;
		cJSON *e = cJSON_CreateObject();
		copy_str(e, p, "peer_id", "");
		copy_str(e, p, "node_id", "");
		copy_str(e, p, "node_url", "");
		copy_str(e, p, "status", "pending_verification");
		const cJSON *sc = cJSON_GetObjectItemCaseSensitive(p, "allowed_scopes");
		cJSON *scopes = cJSON_AddArrayToObject(e, "allowed_scopes");
		for (const cJSON *s = cJSON_IsArray(sc) ? sc->child : NULL; s; s = s->next)
			if (cJSON_IsString(s))
				cJSON_AddItemToArray(scopes, cJSON_CreateString(s->valuestring));
		copy_str(e, p, "established_at", NULL);
		cJSON_AddItemToArray(arr, e);
	}
	cJSON_Delete(doc);
	lite_resp_json(rs, 200, o);
	return 0;
}

/* ---- audit ------------------------------------------------------------------- */

int
lite_route_audit(struct lite_req *rq, struct lite_resp *rs)
{
	struct lite_node *n = rq->node;
	if (rq->n_seg == 3) { /* /v1/admin/audit */
		if (!(rq->who.perms & LITE_PERM_AUDIT_READ)) {
			lite_resp_detail(rs, 403, "audit.read capability required");
			return 0;
		}
	} else if (!lite_require(rq, rs, LITE_PERM_READ, "read")) {
		return 0;
	}
	long limit;
	bool att = false;
	bool has_att = lite_req_query(rq, "attested") != NULL;
	if (!lite_query_int(rq, rs, "limit", 50, 1, 500, &limit) ||
	    (has_att && !lite_query_bool(rq, rs, "attested", false, &att)))
		return 0;
	const char *cursor = lite_req_query(rq, "cursor");
	char cts[LITE_TS_MAX] = "", cid[64] = "";
	bool use_cursor = cursor && *cursor;
	if (use_cursor) {
		const char *bar = strchr(cursor, '|');
		if (!bar || bar == cursor || (size_t)(bar - cursor) >= sizeof cts ||
		    strlen(bar + 1) >= sizeof cid || !bar[1]) {
			lite_resp_detail(rs, 400, "invalid cursor: expected '<ts>|<id>'");
			return 0;
		}
		memcpy(cts, cursor, (size_t)(bar - cursor));
		cts[bar - cursor] = 0;
		snprintf(cid, sizeof cid, "%s", bar + 1);
	}
	const char *f_ent = lite_req_query(rq, "entity_uri");
	const char *f_src = lite_req_query(rq, "source");
	const char *f_fact = lite_req_query(rq, "fact_id");
	const char *f_oidc = lite_req_query(rq, "oidc_sub");
	struct stg_buf sql;
	stg_buf_init(&sql);
	stg_buf_puts(&sql, "SELECT id, fact_id, event_type, entity_uri, oidc_sub, source,"
			   " attested_key_id, ts, fact_entity, fact_relation, fact_value_type,"
			   " fact_value_v, fact_scope FROM audit WHERE tenant_id=?1");
	if (f_ent)
		stg_buf_puts(&sql, " AND entity_uri=?2");
	if (f_src)
		stg_buf_puts(&sql, " AND source=?3");
	if (f_fact)
		stg_buf_puts(&sql, " AND fact_id=?4");
	if (f_oidc)
		stg_buf_puts(&sql, " AND oidc_sub=?5");
	if (has_att)
		stg_buf_puts(&sql, att ? " AND attested_key_id IS NOT NULL" : " AND attested_key_id IS NULL");
	if (use_cursor)
		stg_buf_puts(&sql, " AND (ts < ?6 OR (ts = ?6 AND id < ?7))");
	stg_buf_puts(&sql, " ORDER BY ts DESC, id DESC LIMIT ?8");
	sqlite3_stmt *st = sql.data ? lite_prepare(n, sql.data) : NULL;
	stg_buf_done(&sql);
	if (!st) {
		lite_resp_internal(rs, "prepare");
		return 0;
	}
	sqlite3_bind_text(st, 1, rq->who.tenant_id, -1, SQLITE_STATIC);
	if (f_ent)
		sqlite3_bind_text(st, 2, f_ent, -1, SQLITE_STATIC);
	if (f_src)
		sqlite3_bind_text(st, 3, f_src, -1, SQLITE_STATIC);
	if (f_fact)
		sqlite3_bind_text(st, 4, f_fact, -1, SQLITE_STATIC);
	if (f_oidc)
		sqlite3_bind_text(st, 5, f_oidc, -1, SQLITE_STATIC);
	if (use_cursor) {
		sqlite3_bind_text(st, 6, cts, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 7, cid, -1, SQLITE_STATIC);
	}
	sqlite3_bind_int64(st, 8, (sqlite3_int64)limit + 1);
	cJSON *o = cJSON_CreateObject();
	cJSON *arr = cJSON_AddArrayToObject(o, "entries");
	long cnt = 0;
	bool more = false;
	char last[LITE_TS_MAX + 70] = "";
	static const char *const cols[] = {"id",	  "fact_id",	    "event_type",
					   "entity_uri",  "oidc_sub",	    "source",
					   "attested_key_id", "ts",	    "fact_entity",
					   "fact_relation", "fact_value_type", "fact_value_v",
					   "fact_scope"};
	while (sqlite3_step(st) == SQLITE_ROW) {
		if (cnt == limit) {
			more = true;
			break;
		}
		cJSON *e = cJSON_CreateObject();
		for (int i = 0; i < 13; i++) {
			lite_json_add_str(e, cols[i], (const char *)sqlite3_column_text(st, i));
			if (i == 7) {
				cJSON_AddNullToObject(e, "attested_key_entity_uri");
				cJSON_AddNullToObject(e, "attested_key_description");
			}
		}
		snprintf(last, sizeof last, "%s|%s", (const char *)sqlite3_column_text(st, 7),
			 (const char *)sqlite3_column_text(st, 0));
		cJSON_AddItemToArray(arr, e);
		cnt++;
	}
	sqlite3_finalize(st);
	cJSON_AddNumberToObject(o, "total", (double)cnt);
	lite_json_add_str(o, "cursor", more ? last : NULL);
	lite_resp_json(rs, 200, o);
	return 0;
}

/* ---- API keys ------------------------------------------------------------------ */

int
lite_route_auth_keys(struct lite_req *rq, struct lite_resp *rs)
{
	if (!(rq->who.perms & LITE_PERM_ADMIN)) {
		lite_resp_detail(rs, 403, "admin permission required to mint API keys");
		return 0;
	}
	cJSON *body = lite_req_json_object(rq, rs);
	if (!body)
		return 0;
	cJSON *items = cJSON_CreateArray();
	const cJSON *rk = cJSON_GetObjectItemCaseSensitive(body, "raw_key");
	const cJSON *eu = cJSON_GetObjectItemCaseSensitive(body, "entity_uri");
	const cJSON *pm = cJSON_GetObjectItemCaseSensitive(body, "permissions");
	const cJSON *ds = cJSON_GetObjectItemCaseSensitive(body, "description");
	const cJSON *tn = cJSON_GetObjectItemCaseSensitive(body, "tenant_id");
	if (!rk)
		lite_verr_add(items, "missing", "body", "raw_key", NULL, -1, "Field required",
			      cJSON_Duplicate(body, 1), NULL);
	else if (!cJSON_IsString(rk))
		lite_verr_add(items, "string_type", "body", "raw_key", NULL, -1,
			      "Input should be a valid string", cJSON_Duplicate(rk, 1), NULL);
	else if (strlen(rk->valuestring) < 16) {
		cJSON *ctx = cJSON_CreateObject();
		cJSON_AddNumberToObject(ctx, "min_length", 16);
		lite_verr_add(items, "string_too_short", "body", "raw_key", NULL, -1,
			      "String should have at least 16 characters", cJSON_Duplicate(rk, 1), ctx);
	}
	if (!eu)
		lite_verr_add(items, "missing", "body", "entity_uri", NULL, -1, "Field required",
			      cJSON_Duplicate(body, 1), NULL);
	else if (!cJSON_IsString(eu) || !eu->valuestring[0])
		lite_verr_add(items, "string_type", "body", "entity_uri", NULL, -1,
			      "Input should be a valid string", cJSON_Duplicate(eu, 1), NULL);
	unsigned perms = LITE_PERM_READ;
	if (pm) {
		if (!cJSON_IsArray(pm)) {
			lite_verr_add(items, "list_type", "body", "permissions", NULL, -1,
				      "Input should be a valid list", cJSON_Duplicate(pm, 1), NULL);
		} else {
			perms = 0;
			for (const cJSON *p = pm->child; p; p = p->next) {
				unsigned b = cJSON_IsString(p) ? lite_perm_bit(p->valuestring) : 0;
				if (!b) {
					char msg[200];
					snprintf(msg, sizeof msg,
						 "Value error, unknown permission; allowed: admin, audit.read,"
						 " federate, instruction:write, read, write");
					cJSON *ctx = cJSON_CreateObject();
					cJSON_AddItemToObject(ctx, "error", cJSON_CreateObject());
					lite_verr_add(items, "value_error", "body", "permissions", NULL, -1,
						      msg, cJSON_Duplicate(p, 1), ctx);
				}
				perms |= b;
			}
		}
	}
	if (ds && !cJSON_IsNull(ds) && !cJSON_IsString(ds))
		lite_verr_add(items, "string_type", "body", "description", NULL, -1,
			      "Input should be a valid string", cJSON_Duplicate(ds, 1), NULL);
	if (tn && !cJSON_IsNull(tn) && !cJSON_IsString(tn))
		lite_verr_add(items, "string_type", "body", "tenant_id", NULL, -1,
			      "Input should be a valid string", cJSON_Duplicate(tn, 1), NULL);
	if (cJSON_GetArraySize(items) > 0) {
		lite_resp_422(rs, items);
		cJSON_Delete(body);
		return 0;
	}
	cJSON_Delete(items);
	const char *desc = cJSON_IsString(ds) ? ds->valuestring : NULL;
	const char *tenant = cJSON_IsString(tn) && tn->valuestring[0] ? tn->valuestring : "default";
	char id[37], ca[LITE_TS_MAX], ea[LITE_TS_MAX];
	int rc = lite_auth_add_key(rq->node, rk->valuestring, eu->valuestring, perms, desc, tenant,
				   id, ca, ea);
	if (rc == 1) {
		lite_resp_detail(rs, 409, "API key already registered");
	} else if (rc != 0) {
		lite_resp_internal(rs, "key insert");
	} else {
		cJSON *o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "id", id);
		cJSON_AddStringToObject(o, "entity_uri", eu->valuestring);
		cJSON_AddItemToObject(o, "permissions", lite_perms_json(perms));
		lite_json_add_str(o, "description", desc);
		cJSON_AddStringToObject(o, "created_at", ca);
		cJSON_AddStringToObject(o, "expires_at", ea);
		cJSON_AddStringToObject(o, "tenant_id", tenant);
		lite_resp_json(rs, 201, o);
	}
	cJSON_Delete(body);
	return 0;
}

/* ---- subscriptions ---------------------------------------------------------------- */

#define SUB_COLS                                                                        \
	"id, subscriber_identity, target, target_kind, on_change, delivery_address,"   \
	" idempotency_key, created_at, last_delivered_at, circuit_open, consecutive_failures"

static cJSON *
sub_json(sqlite3_stmt *st)
{
	cJSON *o = cJSON_CreateObject();
	static const char *const k[] = {"id",	   "subscriber_identity", "target",
					"target_kind", "on_change",	  "delivery_address",
					"idempotency_key", "created_at",  "last_delivered_at"};
	for (int i = 0; i < 9; i++)
		lite_json_add_str(o, k[i], (const char *)sqlite3_column_text(st, i));
	cJSON_AddBoolToObject(o, "circuit_open", sqlite3_column_int(st, 9) != 0);
	cJSON_AddNumberToObject(o, "consecutive_failures", sqlite3_column_int(st, 10));
	return o;
}

/* Find a subscription of `who` by a WHERE fragment with ?1 = subscriber and
 * ?2, ?3, ?4 = a, b, c. Returns its JSON or NULL. */
static cJSON *
sub_find(struct lite_node *n, const char *where, const char *who, const char *a, const char *b,
	 const char *c)
{
	char sql[512];
	snprintf(sql, sizeof sql, "SELECT " SUB_COLS " FROM subscriptions WHERE subscriber_identity=?1 AND %s",
		 where);
	sqlite3_stmt *st = lite_prepare(n, sql);
	if (!st)
		return NULL;
	sqlite3_bind_text(st, 1, who, -1, SQLITE_STATIC);
	if (a)
		sqlite3_bind_text(st, 2, a, -1, SQLITE_STATIC);
	if (b)
		sqlite3_bind_text(st, 3, b, -1, SQLITE_STATIC);
	if (c)
		sqlite3_bind_text(st, 4, c, -1, SQLITE_STATIC);
	cJSON *o = sqlite3_step(st) == SQLITE_ROW ? sub_json(st) : NULL;
	sqlite3_finalize(st);
	return o;
}

int
lite_route_subs_create(struct lite_req *rq, struct lite_resp *rs)
{
	struct lite_node *n = rq->node;
	if (!lite_require(rq, rs, LITE_PERM_READ, "read"))
		return 0;
	cJSON *body = lite_req_json_object(rq, rs);
	if (!body)
		return 0;
	cJSON *items = cJSON_CreateArray();
	const char *names[] = {"target", "on_change", "delivery_address"};
	const char *vals[3] = {NULL, NULL, NULL};
	for (int i = 0; i < 3; i++) {
		const cJSON *v = cJSON_GetObjectItemCaseSensitive(body, names[i]);
		if (!v)
			lite_verr_add(items, "missing", "body", names[i], NULL, -1, "Field required",
				      cJSON_Duplicate(body, 1), NULL);
		else if (!cJSON_IsString(v))
			lite_verr_add(items, "string_type", "body", names[i], NULL, -1,
				      "Input should be a valid string", cJSON_Duplicate(v, 1), NULL);
		else
			vals[i] = v->valuestring;
	}
	if (vals[1] && strcmp(vals[1], "webhook") != 0 && strcmp(vals[1], "wake") != 0) {
		cJSON *ctx = cJSON_CreateObject();
		cJSON_AddStringToObject(ctx, "expected", "'webhook' or 'wake'");
		lite_verr_add(items, "literal_error", "body", "on_change", NULL, -1,
			      "Input should be 'webhook' or 'wake'", cJSON_CreateString(vals[1]), ctx);
	}
	const cJSON *ik = cJSON_GetObjectItemCaseSensitive(body, "idempotency_key");
	if (ik && !cJSON_IsNull(ik) && !cJSON_IsString(ik))
		lite_verr_add(items, "string_type", "body", "idempotency_key", NULL, -1,
			      "Input should be a valid string", cJSON_Duplicate(ik, 1), NULL);
	if (cJSON_GetArraySize(items) > 0) {
		lite_resp_422(rs, items);
		cJSON_Delete(body);
		return 0;
	}
	cJSON_Delete(items);
	const char *key = cJSON_IsString(ik) ? ik->valuestring : NULL;
	const char *who = rq->who.entity_uri;
	cJSON *found = key ? sub_find(n, "idempotency_key=?2", who, key, NULL, NULL) : NULL;
	if (!found)
		found = sub_find(n, "target=?2 AND on_change=?3 AND delivery_address=?4", who, vals[0],
				 vals[1], vals[2]);
	if (found) {
		lite_resp_json(rs, 201, found);
		cJSON_Delete(body);
		return 0;
	}
	char id[37], ts[LITE_TS_MAX];
	lite_uuid4(id);
	lite_now(n, ts);
	sqlite3_stmt *st = lite_prepare(
		n, "INSERT INTO subscriptions(id, subscriber_identity, target, target_kind, on_change,"
		   " delivery_address, idempotency_key, created_at, tenant_id)"
		   " VALUES (?,?,?,?,?,?,?,?,?)");
	int rc = -1;
	if (st) {
		sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, who, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 3, vals[0], -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 4, lite_scope_valid(vals[0]) ? "scope" : "entity", -1,
				  SQLITE_STATIC);
		sqlite3_bind_text(st, 5, vals[1], -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 6, vals[2], -1, SQLITE_STATIC);
		if (key)
			sqlite3_bind_text(st, 7, key, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 8, ts, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 9, rq->who.tenant_id, -1, SQLITE_STATIC);
		rc = sqlite3_step(st) == SQLITE_DONE ? 0 : -1;
		sqlite3_finalize(st);
	}
	cJSON_Delete(body);
	found = rc == 0 ? sub_find(n, "id=?2", who, id, NULL, NULL) : NULL;
	if (!found) {
		lite_resp_internal(rs, "subscription insert");
		return 0;
	}
	lite_resp_json(rs, 201, found);
	return 0;
}

int
lite_route_subs_list(struct lite_req *rq, struct lite_resp *rs)
{
	if (!lite_require(rq, rs, LITE_PERM_READ, "read"))
		return 0;
	sqlite3_stmt *st = lite_prepare(rq->node, "SELECT " SUB_COLS " FROM subscriptions WHERE"
						  " subscriber_identity=? ORDER BY seq DESC");
	if (!st) {
		lite_resp_internal(rs, "prepare");
		return 0;
	}
	sqlite3_bind_text(st, 1, rq->who.entity_uri, -1, SQLITE_STATIC);
	cJSON *o = cJSON_CreateObject();
	cJSON *arr = cJSON_AddArrayToObject(o, "subscriptions");
	int cnt = 0;
	while (sqlite3_step(st) == SQLITE_ROW) {
		cJSON_AddItemToArray(arr, sub_json(st));
		cnt++;
	}
	sqlite3_finalize(st);
	cJSON_AddNumberToObject(o, "total", cnt);
	lite_resp_json(rs, 200, o);
	return 0;
}

int
lite_route_sub_get(struct lite_req *rq, struct lite_resp *rs)
{
	if (!lite_require(rq, rs, LITE_PERM_READ, "read"))
		return 0;
	cJSON *o = sub_find(rq->node, "id=?2", rq->who.entity_uri, rq->seg[2], NULL, NULL);
	if (!o) {
		lite_resp_detail(rs, 404, "subscription not found");
		return 0;
	}
	lite_resp_json(rs, 200, o);
	return 0;
}

int
lite_route_sub_delete(struct lite_req *rq, struct lite_resp *rs)
{
	struct lite_node *n = rq->node;
	if (!lite_require(rq, rs, LITE_PERM_READ, "read"))
		return 0;
	sqlite3_stmt *st = lite_prepare(n, "DELETE FROM subscriptions WHERE id=? AND subscriber_identity=?");
	if (!st) {
		lite_resp_internal(rs, "prepare");
		return 0;
	}
	sqlite3_bind_text(st, 1, rq->seg[2], -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, rq->who.entity_uri, -1, SQLITE_STATIC);
	int rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		lite_resp_internal(rs, "delete");
		return 0;
	}
	if (sqlite3_changes(n->db) == 0) {
		lite_resp_detail(rs, 404, "subscription not found");
		return 0;
	}
	st = lite_prepare(n, "DELETE FROM sub_retry WHERE event_id IN"
			     " (SELECT id FROM sub_events WHERE subscription_id=?)");
	if (st) {
		sqlite3_bind_text(st, 1, rq->seg[2], -1, SQLITE_STATIC);
		sqlite3_step(st);
		sqlite3_finalize(st);
	}
	st = lite_prepare(n, "DELETE FROM sub_events WHERE subscription_id=?");
	if (st) {
		sqlite3_bind_text(st, 1, rq->seg[2], -1, SQLITE_STATIC);
		sqlite3_step(st);
		sqlite3_finalize(st);
	}
	stg_buf_reset(&rs->body);
	rs->status = 204;
	return 0;
}

cJSON *
lite_sub_payload(const char *ptxt)
{
	cJSON *p = ptxt ? cJSON_Parse(ptxt) : NULL;
	if (!p)
		p = cJSON_CreateObject();
	const cJSON *vt = cJSON_GetObjectItemCaseSensitive(p, "value_type");
	cJSON *vv = cJSON_GetObjectItemCaseSensitive(p, "value_v");
	if (cJSON_IsString(vt) && cJSON_IsString(vv) &&
	    (strcmp(vt->valuestring, "string") == 0 || strcmp(vt->valuestring, "text") == 0)) {
		size_t l;
		char *clean = lite_sanitize_text(vv->valuestring, strlen(vv->valuestring), &l);
		if (clean) {
			cJSON *w = cJSON_CreateArray();
			lite_sanitizer_warnings(clean, w);
			cJSON_ReplaceItemInObjectCaseSensitive(p, "value_v", cJSON_CreateString(clean));
			if (cJSON_GetArraySize(w) > 0)
				cJSON_AddItemToObject(p, "sanitizer_warnings", w);
			else
				cJSON_Delete(w);
			free(clean);
		}
	}
	return p;
}

int
lite_route_sub_events(struct lite_req *rq, struct lite_resp *rs)
{
	struct lite_node *n = rq->node;
	if (!lite_require(rq, rs, LITE_PERM_READ, "read"))
		return 0;
	long limit, cursor;
	if (!lite_query_int(rq, rs, "limit", 50, 1, 500, &limit) ||
	    !lite_query_int(rq, rs, "cursor", 0, 0, 0x7FFFFFFFFFFFFFFFL, &cursor))
		return 0;
	cJSON *sub = sub_find(n, "id=?2", rq->who.entity_uri, rq->seg[2], NULL, NULL);
	if (!sub) {
		lite_resp_detail(rs, 404, "subscription not found");
		return 0;
	}
	cJSON_Delete(sub);
	/* Replay window: created_at >= max(since, now - 86400 s). */
	char floor_ts[LITE_TS_MAX];
	{
		time_t t = time(NULL) - 86400;
		struct tm tm;
		gmtime_r(&t, &tm);
		strftime(floor_ts, sizeof floor_ts, "%Y-%m-%dT%H:%M:%S+00:00", &tm);
	}
	const char *since = lite_req_query(rq, "since");
	const char *lo = (since && strcmp(since, floor_ts) > 0) ? since : floor_ts;
	sqlite3_stmt *st = lite_prepare(
		n, "SELECT seq, id, subscription_id, event_type, entity_uri, fact_id, payload,"
		   " created_at, delivered_at, delivery_status, delivery_attempts FROM sub_events"
		   " WHERE subscription_id=? AND seq > ? AND created_at >= ? ORDER BY seq LIMIT ?");
	if (!st) {
		lite_resp_internal(rs, "prepare");
		return 0;
	}
	sqlite3_bind_text(st, 1, rq->seg[2], -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, cursor);
	sqlite3_bind_text(st, 3, lo, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, (sqlite3_int64)limit + 1);
	cJSON *o = cJSON_CreateObject();
	cJSON *arr = cJSON_AddArrayToObject(o, "events");
	long cnt = 0;
	bool more = false;
	long long last = 0;
	while (sqlite3_step(st) == SQLITE_ROW) {
		if (cnt == limit) {
			more = true;
			break;
		}
		last = sqlite3_column_int64(st, 0);
		cJSON *e = cJSON_CreateObject();
		lite_json_add_str(e, "id", (const char *)sqlite3_column_text(st, 1));
		lite_json_add_str(e, "subscription_id", (const char *)sqlite3_column_text(st, 2));
		lite_json_add_str(e, "event_type", (const char *)sqlite3_column_text(st, 3));
		lite_json_add_str(e, "entity_uri", (const char *)sqlite3_column_text(st, 4));
		lite_json_add_str(e, "fact_id", (const char *)sqlite3_column_text(st, 5));
		cJSON_AddItemToObject(e, "payload",
				      lite_sub_payload((const char *)sqlite3_column_text(st, 6)));
		lite_json_add_str(e, "created_at", (const char *)sqlite3_column_text(st, 7));
		lite_json_add_str(e, "delivered_at", (const char *)sqlite3_column_text(st, 8));
		lite_json_add_str(e, "delivery_status", (const char *)sqlite3_column_text(st, 9));
		cJSON_AddNumberToObject(e, "delivery_attempts", sqlite3_column_int(st, 10));
		cJSON_AddItemToArray(arr, e);
		cnt++;
	}
	sqlite3_finalize(st);
	cJSON_AddNumberToObject(o, "total", (double)cnt);
	if (more) {
		char c[32];
		snprintf(c, sizeof c, "%lld", last);
		cJSON_AddStringToObject(o, "cursor", c);
	} else {
		cJSON_AddNullToObject(o, "cursor");
	}
	lite_resp_json(rs, 200, o);
	return 0;
}

int
lite_subs_on_insert(struct lite_node *n, const struct lite_fact_row *r)
{
	sqlite3_stmt *st = lite_stmt(
		n, "SELECT id, target_kind FROM subscriptions WHERE circuit_open=0 AND tenant_id=?1 AND"
		   " ((target_kind='scope' AND target=?2) OR (target_kind='entity' AND target=?3))"
		   " ORDER BY seq");
	if (!st)
		return -1;
	sqlite3_bind_text(st, 1, r->tenant_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, r->scope, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, r->entity, -1, SQLITE_STATIC);
	char (*ids)[40] = NULL;
	size_t cnt = 0, cap = 0;
	while (sqlite3_step(st) == SQLITE_ROW) {
		if (cnt == cap) {
			cap = cap ? cap * 2 : 4;
			void *p = realloc(ids, cap * sizeof *ids);
			if (!p)
				break;
			ids = p;
		}
		snprintf(ids[cnt++], 40, "%s", (const char *)sqlite3_column_text(st, 0));
	}
	lite_stmt_done(st);
	if (cnt == 0) {
		free(ids);
		return 0;
	}
	cJSON *p = cJSON_CreateObject();
	lite_json_add_str(p, "id", r->id);
	lite_json_add_str(p, "entity", r->entity);
	lite_json_add_str(p, "relation", r->relation);
	lite_json_add_str(p, "value_type", r->value_type);
	lite_json_add_str(p, "value_v", r->value_v);
	lite_json_add_str(p, "source", r->source);
	lite_json_add_str(p, "timestamp", r->timestamp);
	lite_json_add_str(p, "scope", r->scope);
	lite_json_add_float(p, "confidence", r->confidence);
	lite_json_add_str(p, "garden_id", r->garden_id);
	char *ptxt = cJSON_PrintUnformatted(p);
	cJSON_Delete(p);
	int rc = ptxt ? 0 : -1;
	for (size_t i = 0; rc == 0 && i < cnt; i++) {
		char eid[37], ts[LITE_TS_MAX];
		lite_uuid4(eid);
		lite_now(n, ts);
		st = lite_stmt(n, "INSERT INTO sub_events(id, subscription_id, event_type, entity_uri,"
				     " fact_id, payload, created_at) VALUES (?,?, 'fact_asserted', ?,?,?,?)");
		if (!st) {
			rc = -1;
			break;
		}
		sqlite3_bind_text(st, 1, eid, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, ids[i], -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 3, r->entity, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 4, r->id, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 5, ptxt, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 6, ts, -1, SQLITE_STATIC);
		if (sqlite3_step(st) != SQLITE_DONE)
			rc = -1;
		lite_stmt_done(st);
	}
	free(ptxt);
	free(ids);
	return rc;
}
