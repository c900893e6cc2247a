/* card.c — memory cards (stigmem-api.md §6) and GET /v1/cards/{entity_uri}.
 *
 * A card is built from the entity's facts in one scope and tenant: stored
 * confidence > 0, not expired (stored valid_until null or later than now),
 * ordered confidence desc then timestamp desc, at most 20 rows; no
 * sanitizer, stored value_v text. Cards are cached in `memory_cards` and
 * rebuilt when missing, when marked stale by a new assertion for the same
 * (entity, scope, tenant), or on refresh=true. Expiry and conflict
 * resolution do not invalidate a cached card (as the reference). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "node/card.h"
#include "node/lite_internal.h"
#include "stigmem/cid.h"
#include "stigmem/score.h"

static const char card_schema_sql[] =
	"CREATE TABLE IF NOT EXISTS memory_cards("
	" entity TEXT NOT NULL, scope TEXT NOT NULL, tenant_id TEXT NOT NULL,"
	" summary TEXT NOT NULL, fact_hashes TEXT NOT NULL, avg_confidence REAL NOT NULL,"
	" refreshed_at TEXT NOT NULL, is_stale INTEGER NOT NULL DEFAULT 0,"
	" has_contradictions INTEGER NOT NULL DEFAULT 0,"
	" PRIMARY KEY(entity, scope, tenant_id));";

int
lite_card_schema(struct lite_node *n)
{
	return lite_exec(n, card_schema_sql);
}

int
lite_card_mark_stale(struct lite_node *n, const char *entity, const char *scope,
		     const char *tenant)
{
	sqlite3_stmt *st = lite_stmt(n, "UPDATE memory_cards SET is_stale=1"
					" WHERE entity=? AND scope=? AND tenant_id=?");
	if (!st)
		return -1;
	sqlite3_bind_text(st, 1, entity, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 2, scope ? scope : "local", -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 3, tenant ? tenant : "default", -1, SQLITE_TRANSIENT);
	int rc = sqlite3_step(st) == SQLITE_DONE ? 0 : -1;
	lite_stmt_done(st);
	return rc;
}

void
lite_card_done(struct lite_card *c)
{
	if (!c)
		return;
	free(c->summary);
	free(c->fact_hashes);
	c->summary = NULL;
	c->fact_hashes = NULL;
}

bool
lite_card_summary(const char *entity, size_t n_rows, const char *const *relations,
		  const char *const *values, const size_t *value_lens, const double *confidences,
		  struct stg_buf *out)
{
	stg_buf_puts(out, "Entity: ");
	stg_buf_puts(out, entity);
	stg_buf_puts(out, "\nFacts:");
	for (size_t i = 0; i < n_rows; i++) {
		stg_buf_puts(out, "\n  ");
		stg_buf_puts(out, relations[i] ? relations[i] : "None");
		stg_buf_puts(out, ": ");
		if (values[i])
			stg_buf_append(out, values[i], value_lens ? value_lens[i] : strlen(values[i]));
		else
			stg_buf_puts(out, "None");
		stg_buf_printf(out, " (conf=%.2f)", confidences[i]);
	}
	return !out->oom;
}

static const char *
col_str(sqlite3_stmt *st, int i)
{
	return (const char *)sqlite3_column_text(st, i);
}

/* Read the cached card; 1 found (fresh or not, *stale says), 0 none, -1 error. */
static int
card_load(struct lite_node *n, const char *entity, const char *scope, const char *tenant,
	  struct lite_card *c, bool *stale)
{
	sqlite3_stmt *st = lite_stmt(
		n, "SELECT summary, fact_hashes, avg_confidence, refreshed_at, is_stale,"
		   " has_contradictions FROM memory_cards WHERE entity=? AND scope=? AND tenant_id=?");
	if (!st)
		return -1;
	sqlite3_bind_text(st, 1, entity, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 2, scope, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 3, tenant, -1, SQLITE_TRANSIENT);
	int rc = 0;
	if (sqlite3_step(st) == SQLITE_ROW) {
		size_t sl = (size_t)sqlite3_column_bytes(st, 0);
		const char *s = col_str(st, 0);
		c->summary = malloc(sl + 1);
		c->fact_hashes = strdup(col_str(st, 1) ? col_str(st, 1) : "[]");
		if (!c->summary || !c->fact_hashes) {
			lite_card_done(c);
			rc = -1;
		} else {
			memcpy(c->summary, s ? s : "", s ? sl : 0);
			c->summary[s ? sl : 0] = '\0';
			c->summary_len = s ? sl : 0;
			c->avg_confidence = sqlite3_column_double(st, 2);
			snprintf(c->refreshed_at, sizeof c->refreshed_at, "%s",
				 col_str(st, 3) ? col_str(st, 3) : "");
			*stale = sqlite3_column_int(st, 4) != 0;
			c->has_contradictions = sqlite3_column_int(st, 5) != 0;
			rc = 1;
		}
	}
	lite_stmt_done(st);
	return rc;
}

/* Build the card from the fact rows and store it. 1 built, 0 no rows
 * (any cached card is dropped), -1 error. */
static int
card_build(struct lite_node *n, const char *entity, const char *scope, const char *tenant,
	   struct lite_card *c)
{
	char now[LITE_TS_MAX];
	lite_wall_now(now);
	sqlite3_stmt *st = lite_prepare(
		n, "SELECT id, relation, value_v, confidence FROM facts"
		   " WHERE entity=? AND scope=? AND tenant_id=? AND confidence > 0"
		   " AND (valid_until IS NULL OR valid_until > ?)"
		   " ORDER BY confidence DESC, timestamp DESC, seq DESC LIMIT " "20");
	if (!st)
		return -1;
	sqlite3_bind_text(st, 1, entity, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 2, scope, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 3, tenant, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 4, now, -1, SQLITE_TRANSIENT);

	char *rel[LITE_CARD_MAX_ROWS] = {0}, *val[LITE_CARD_MAX_ROWS] = {0};
	size_t vlen[LITE_CARD_MAX_ROWS] = {0};
	double conf[LITE_CARD_MAX_ROWS] = {0};
	struct stg_buf hashes;
	stg_buf_init(&hashes);
	stg_buf_putc(&hashes, '[');
	size_t k = 0;
	int rc = 0;
	while (k < LITE_CARD_MAX_ROWS && sqlite3_step(st) == SQLITE_ROW) {
		const char *id = col_str(st, 0);
		char hex[STG_HEX_MAX];
		stg_sha256_hex(id ? id : "", id ? strlen(id) : 0, hex);
		stg_buf_printf(&hashes, "%s\"%s\"", k ? "," : "", hex);
		rel[k] = strdup(col_str(st, 1) ? col_str(st, 1) : "");
		if (sqlite3_column_type(st, 2) != SQLITE_NULL) {
			size_t l = (size_t)sqlite3_column_bytes(st, 2);
			val[k] = malloc(l + 1);
			if (val[k]) {
				memcpy(val[k], col_str(st, 2), l);
				val[k][l] = '\0';
			}
			vlen[k] = l;
			if (!val[k])
				rc = -1;
		}
		conf[k] = sqlite3_column_double(st, 3);
		if (!rel[k])
			rc = -1;
		k++;
	}
	sqlite3_finalize(st);
	stg_buf_putc(&hashes, ']');

	struct stg_buf sum;
	stg_buf_init(&sum);
	if (rc == 0 && k > 0) {
		/* has_contradictions: some relation appears twice among the rows. */
		bool dup = false;
		for (size_t i = 0; i < k && !dup; i++)
			for (size_t j = i + 1; j < k && !dup; j++)
				dup = strcmp(rel[i], rel[j]) == 0;
		/* avg = Σ(conf·w)/Σw, w = max(0.01, stored trust or 1.0): local
		 * writes store no trust, so every w is 1.0. */
		double num = 0.0, den = 0.0;
		for (size_t i = 0; i < k; i++) {
			num += conf[i] * 1.0;
			den += 1.0;
		}
		if (!lite_card_summary(entity, k, (const char *const *)rel,
				       (const char *const *)val, vlen, conf, &sum) ||
		    hashes.oom) {
			rc = -1;
		} else {
			c->summary_len = sum.len;
			c->summary = stg_buf_take(&sum);
			c->fact_hashes = stg_buf_take(&hashes);
			c->avg_confidence = stg_score_pyround(num / den, 6);
			c->has_contradictions = dup;
			lite_now(n, c->refreshed_at);
			if (!c->summary || !c->fact_hashes)
				rc = -1;
		}
	}
	for (size_t i = 0; i < k; i++) {
		free(rel[i]);
		free(val[i]);
	}
	stg_buf_done(&sum);
	stg_buf_done(&hashes);
	if (rc != 0) {
		lite_card_done(c);
		return -1;
	}
	if (k == 0) {
		st = lite_prepare(n, "DELETE FROM memory_cards WHERE entity=? AND scope=? AND tenant_id=?");
		if (!st)
			return -1;
		sqlite3_bind_text(st, 1, entity, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(st, 2, scope, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(st, 3, tenant, -1, SQLITE_TRANSIENT);
		rc = sqlite3_step(st) == SQLITE_DONE ? 0 : -1;
		sqlite3_finalize(st);
		return rc;
	}
	st = lite_prepare(n, "INSERT OR REPLACE INTO memory_cards(entity, scope, tenant_id, summary,"
			     " fact_hashes, avg_confidence, refreshed_at, is_stale, has_contradictions)"
			     " VALUES (?,?,?,?,?,?,?,0,?)");
	if (!st) {
		lite_card_done(c);
		return -1;
	}
	sqlite3_bind_text(st, 1, entity, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 2, scope, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 3, tenant, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 4, c->summary, (int)c->summary_len, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 5, c->fact_hashes, -1, SQLITE_TRANSIENT);
	sqlite3_bind_double(st, 6, c->avg_confidence);
	sqlite3_bind_text(st, 7, c->refreshed_at, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int(st, 8, c->has_contradictions ? 1 : 0);
	rc = sqlite3_step(st) == SQLITE_DONE ? 1 : -1;
	sqlite3_finalize(st);
	if (rc < 0)
		lite_card_done(c);
	return rc;
}

int
lite_card_get(struct lite_node *n, const char *entity, const char *scope, const char *tenant,
	      bool refresh, struct lite_card *card)
{
	memset(card, 0, sizeof *card);
	if (!refresh) {
		bool stale = false;
		int rc = card_load(n, entity, scope, tenant, card, &stale);
		if (rc < 0)
			return -1;
		if (rc == 1 && !stale)
			return 1;
		lite_card_done(card);
		memset(card, 0, sizeof *card);
	}
	return card_build(n, entity, scope, tenant, card);
}

cJSON *
lite_card_json(const struct lite_card *c, const char *entity, const char *scope)
{
	cJSON *o = cJSON_CreateObject();
	if (!o)
		return NULL;
	cJSON_AddStringToObject(o, "entity_uri", entity);
	cJSON_AddStringToObject(o, "scope", scope);
	cJSON_AddStringToObject(o, "summary", c->summary ? c->summary : "");
	cJSON *h = cJSON_Parse(c->fact_hashes ? c->fact_hashes : "[]");
	cJSON_AddItemToObject(o, "fact_hashes", h ? h : cJSON_CreateArray());
	cJSON_AddItemToObject(o, "avg_confidence", lite_json_float(c->avg_confidence));
	if (c->refreshed_at[0])
		cJSON_AddStringToObject(o, "refreshed_at", c->refreshed_at);
	else
		cJSON_AddNullToObject(o, "refreshed_at");
	cJSON_AddFalseToObject(o, "is_stale"); /* stale cards are rebuilt before answering */
	cJSON_AddBoolToObject(o, "has_contradictions", c->has_contradictions);
	return o;
}

int
lite_route_card(struct lite_req *rq, struct lite_resp *rs)
{
	bool refresh = false;
	if (!lite_require(rq, rs, LITE_PERM_READ, "read"))
		return 0;
	if (!lite_query_bool(rq, rs, "refresh", false, &refresh))
		return 0;
	const char *scope = lite_req_query(rq, "scope");
	if (!scope)
		scope = "local";
	if (!lite_scope_valid(scope)) {
		lite_resp_detail(rs, 400, "scope must be one of ['company', 'local', 'public', 'team']");
		return 0;
	}
	const char *prefix = "/v1/cards/";
	const char *raw = rq->path && strncmp(rq->path, prefix, strlen(prefix)) == 0
				  ? rq->path + strlen(prefix)
				  : "";
	char *entity = lite_normalize_uri(rq->node, raw);
	if (!entity) {
		lite_resp_detail(rs, 400, "invalid_entity_uri: empty URI");
		return 0;
	}
	const char *tenant = rq->who.tenant_id[0] ? rq->who.tenant_id : "default";
	struct lite_card c;
	int rc = lite_card_get(rq->node, entity, scope, tenant, refresh, &c);
	if (rc < 0) {
		lite_resp_internal(rs, "card: build failed");
	} else if (rc == 0) {
		lite_resp_detail(rs, 404, "no facts found for entity");
	} else {
		cJSON *o = lite_card_json(&c, entity, scope);
		if (o)
			lite_resp_json(rs, 200, o);
		else
			lite_resp_internal(rs, "card: out of memory");
		lite_card_done(&c);
	}
	free(entity);
	return 0;
}
