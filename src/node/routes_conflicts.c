/* routes_conflicts.c — GET /v1/conflicts and
 * POST /v1/conflicts/{id}/resolve (§7). Listing uses sound keyset paging
 * over (detected_at, id) instead of the reference's `id >` cursor. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "node/lite_internal.h"

static cJSON *
fact_or_null(struct lite_node *n, const char *id)
{
	struct lite_fact_row r;
	sqlite3_stmt *st = NULL;
	if (!id || lite_fact_get(n, id, NULL, &r, &st) != 1) {
		sqlite3_finalize(st);
		return cJSON_CreateNull();
	}
	cJSON *o = lite_fact_json(n, &r, 0, NULL);
	sqlite3_finalize(st);
	return o;
}

static char *
enc_cursor(const char *ts, const char *id)
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

int
lite_route_conflicts_list(struct lite_req *rq, struct lite_resp *rs)
{
	struct lite_node *n = rq->node;
	if (!lite_require(rq, rs, LITE_PERM_READ, "read"))
		return 0;
	long limit;
	if (!lite_query_int(rq, rs, "limit", 50, 1, 500, &limit))
		return 0;
	const char *status = lite_req_query(rq, "status");
	const char *cursor = lite_req_query(rq, "cursor");
	char cts[LITE_TS_MAX] = "", cid[LITE_CONFLICT_ID_MAX] = "";
	bool use_cursor = cursor && *cursor;
	if (use_cursor) {
		struct stg_buf b;
		stg_buf_init(&b);
		bool ok = strncmp(cursor, "c1.", 3) == 0 && lite_b64url_decode(cursor + 3, &b) &&
			  b.data && strlen(b.data) == b.len;
		char *bar = ok ? strchr(b.data, '|') : NULL;
		ok = ok && bar && bar > b.data && (size_t)(bar - b.data) < sizeof cts &&
		     strlen(bar + 1) < sizeof cid;
		if (ok) {
			memcpy(cts, b.data, (size_t)(bar - b.data));
			cts[bar - b.data] = 0;
			snprintf(cid, sizeof cid, "%s", bar + 1);
		}
		stg_buf_done(&b);
		if (!ok) {
			/* A reference-style cursor (a conflict id) resumes after it. */
			sqlite3_stmt *q = lite_prepare(n, "SELECT detected_at, id FROM conflicts WHERE id=?");
			if (q) {
				sqlite3_bind_text(q, 1, cursor, -1, SQLITE_STATIC);
				if (sqlite3_step(q) == SQLITE_ROW) {
					snprintf(cts, sizeof cts, "%s", (const char *)sqlite3_column_text(q, 0));
					snprintf(cid, sizeof cid, "%s", (const char *)sqlite3_column_text(q, 1));
					ok = true;
				}
				sqlite3_finalize(q);
			}
		}
		if (!ok) {
			lite_resp_detail_code(rs, 400, "invalid_cursor", "cursor could not be decoded",
					      NULL);
			return 0;
		}
	}
	struct stg_buf sql;
	stg_buf_init(&sql);
	stg_buf_puts(&sql, "SELECT id, fact_a, fact_b, status, resolved_by, detected_at FROM conflicts"
			   " WHERE 1");
	if (status)
		stg_buf_puts(&sql, " AND status=?1");
	if (use_cursor)
		stg_buf_puts(&sql, " AND (detected_at < ?2 OR (detected_at = ?2 AND id < ?3))");
	stg_buf_puts(&sql, " ORDER BY detected_at DESC, id DESC LIMIT ?4");
	sqlite3_stmt *st = sql.data ? lite_prepare(n, sql.data) : NULL;
	stg_buf_done(&sql);
	if (!st) {
		lite_resp_internal(rs, "prepare");
		return 0;
	}
	if (status)
		sqlite3_bind_text(st, 1, status, -1, SQLITE_STATIC);
	if (use_cursor) {
		sqlite3_bind_text(st, 2, cts, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 3, cid, -1, SQLITE_STATIC);
	}
	sqlite3_bind_int64(st, 4, (sqlite3_int64)limit + 1);
	/* Collect ids first: fact lookups prepare other statements. */
	struct row {
		char *id, *a, *b, *status, *by, *at;
	} *rows = calloc((size_t)limit + 1, sizeof *rows);
	size_t cnt = 0;
	bool more = false;
	while (rows && sqlite3_step(st) == SQLITE_ROW) {
		if (cnt == (size_t)limit) {
			more = true;
			break;
		}
		struct row *r = &rows[cnt++];
		const char *v;
		r->id = strdup((const char *)sqlite3_column_text(st, 0));
		r->a = strdup((const char *)sqlite3_column_text(st, 1));
		r->b = strdup((const char *)sqlite3_column_text(st, 2));
		r->status = strdup((const char *)sqlite3_column_text(st, 3));
		v = (const char *)sqlite3_column_text(st, 4);
		r->by = v ? strdup(v) : NULL;
		r->at = strdup((const char *)sqlite3_column_text(st, 5));
	}
	sqlite3_finalize(st);
	if (!rows) {
		lite_resp_internal(rs, "oom");
		return 0;
	}
	cJSON *o = cJSON_CreateObject();
	cJSON *arr = cJSON_AddArrayToObject(o, "conflicts");
	for (size_t i = 0; i < cnt; i++) {
		struct row *r = &rows[i];
		cJSON *c = cJSON_CreateObject();
		lite_json_add_str(c, "conflict_id", r->id);
		cJSON_AddItemToObject(c, "fact_a", fact_or_null(n, r->a));
		cJSON_AddItemToObject(c, "fact_b", fact_or_null(n, r->b));
		lite_json_add_str(c, "status", r->status);
		lite_json_add_str(c, "resolved_by", r->by);
		lite_json_add_str(c, "detected_at", r->at);
		cJSON_AddItemToArray(arr, c);
	}
	char *cur = (more && cnt) ? enc_cursor(rows[cnt - 1].at, rows[cnt - 1].id) : NULL;
	lite_json_add_str(o, "cursor", cur);
	free(cur);
	cJSON_AddBoolToObject(o, "has_more", more);
	for (size_t i = 0; i < cnt; i++) {
		free(rows[i].id);
		free(rows[i].a);
		free(rows[i].b);
		free(rows[i].status);
		free(rows[i].by);
		free(rows[i].at);
	}
	free(rows);
	lite_resp_json(rs, 200, o);
	return 0;
}

int
lite_route_conflict_resolve(struct lite_req *rq, struct lite_resp *rs)
{
	if (!lite_require(rq, rs, LITE_PERM_WRITE, "write"))
		return 0;
	cJSON *body = lite_req_json_object(rq, rs);
	if (!body)
		return 0;
	cJSON *items = cJSON_CreateArray();
	const cJSON *w = cJSON_GetObjectItemCaseSensitive(body, "winning_fact_id");
	const cJSON *nv = cJSON_GetObjectItemCaseSensitive(body, "new_value");
	const cJSON *note = cJSON_GetObjectItemCaseSensitive(body, "resolution_note");
	const char *winner = NULL, *ntype = NULL;
	if (w && !cJSON_IsNull(w)) {
		if (cJSON_IsString(w))
			winner = w->valuestring;
		else
			lite_verr_add(items, "string_type", "body", "winning_fact_id", NULL, -1,
				      "Input should be a valid string", cJSON_Duplicate(w, 1), NULL);
	}
	if (note && !cJSON_IsString(note))
		lite_verr_add(items, "string_type", "body", "resolution_note", NULL, -1,
			      "Input should be a valid string", cJSON_Duplicate(note, 1), NULL);
	if (nv && !cJSON_IsNull(nv)) {
		if (!cJSON_IsObject(nv)) {
			lite_verr_add(items, "model_attributes_type", "body", "new_value", NULL, -1,
				      "Input should be a valid dictionary or object to extract fields from",
				      cJSON_Duplicate(nv, 1), NULL);
		} else {
			const cJSON *t = cJSON_GetObjectItemCaseSensitive(nv, "type");
			static const char *const types[] = {"string", "text", "number", "boolean",
							    "datetime", "ref", "null"};
			bool ok = false;
			for (size_t i = 0; cJSON_IsString(t) && i < 7; i++)
				ok |= strcmp(t->valuestring, types[i]) == 0;
			if (!t) {
				lite_verr_add(items, "missing", "body", "new_value", "type", -1,
					      "Field required", cJSON_Duplicate(nv, 1), NULL);
			} else if (!ok) {
				const char *exp = "'string', 'text', 'number', 'boolean', 'datetime', 'ref' or 'null'";
				char msg[160];
				snprintf(msg, sizeof msg, "Input should be %s", exp);
				cJSON *ctx = cJSON_CreateObject();
				cJSON_AddStringToObject(ctx, "expected", exp);
				lite_verr_add(items, "literal_error", "body", "new_value", "type", -1, msg,
					      cJSON_Duplicate(t, 1), ctx);
			} else {
				ntype = t->valuestring;
			}
		}
	}
	if (cJSON_GetArraySize(items) > 0) {
		lite_resp_422(rs, items);
		cJSON_Delete(body);
		return 0;
	}
	cJSON_Delete(items);
	char *nvv = NULL;
	if (ntype) {
		bool bad = false;
		nvv = lite_value_encode(ntype, cJSON_GetObjectItemCaseSensitive(nv, "v"), &bad);
		if (bad) {
			cJSON *it = cJSON_CreateArray();
			const cJSON *v = cJSON_GetObjectItemCaseSensitive(nv, "v");
			lite_verr_add(it, "float_parsing", "body", "new_value", "v", -1,
				      "Input should be a valid number, unable to parse string as a number",
				      v ? cJSON_Duplicate(v, 1) : NULL, NULL);
			lite_resp_422(rs, it);
			cJSON_Delete(body);
			return 0;
		}
	}
	char rid[LITE_ID_MAX];
	int st = lite_conflict_resolve(rq->node, rq->seg[2], winner, ntype, nvv, rq->who.entity_uri,
				       rid);
	free(nvv);
	cJSON_Delete(body);
	switch (st) {
	case 200: {
		cJSON *o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "resolution_fact_id", rid);
		cJSON_AddStringToObject(o, "conflict_status", "resolved");
		lite_resp_json(rs, 200, o);
		break;
	}
	case 404:
		lite_resp_detail(rs, 404, "conflict not found");
		break;
	case 409:
		lite_resp_detail(rs, 409, "conflict already resolved");
		break;
	case 422:
		lite_resp_detail(rs, 422, "provide winning_fact_id or new_value");
		break;
	case 423:
		lite_resp_detail(rs, 422, "winning_fact_id must be one of the conflicting facts");
		break;
	default:
		lite_resp_internal(rs, "conflicting facts not found in store");
		break;
	}
	return 0;
}
