/* recall.c — POST /v1/recall, hybrid recall (stigmem-api.md §5).
 *
 * Stages, like the reference node:
 *  1. lexical: SQLite FTS5 over (entity, relation, value_v); the query has
 *     " ( ) ^ * - : , replaced by spaces and is otherwise FTS syntax
 *     (implicit AND); scores -bm25 / max(-bm25) so the best hit is 1.0.
 *     When FTS raises, a LIKE scan over value_v/entity for up to 5 words
 *     (OR), scored confidence / max confidence. Skipped when
 *     weights.lexical == 0.
 *  2. semantic (only when enabled for the node, see recall.h, and
 *     weights.semantic > 0): cosine of the hashed character-3-gram embedding
 *     of stigmem/embed.h — a small deterministic local embedding, not a
 *     model — between the query and "entity relation value_v".
 *  3. graph: with include_neighbors and weights.graph > 0, the entities of
 *     the top 5 direct hits are expanded over ref edges (both directions,
 *     same scope, edge confidence >= 0.1) up to `depth`; facts of up to 50
 *     reached entities join with hop_distance = their entity's hop count (a
 *     direct hit whose entity is reached keeps its lexical score but takes
 *     that hop count, as the reference does).
 *  All stages: same scope and tenant, confidence >= min_confidence, not
 *  expired. Then the memory-card fast path (§5.5), the read pipeline
 *  (sanitized values, CID check), scoring (§5.4, stigmem/score.h), ordering
 *  by score desc then fact id, and greedy packing into token_budget. */
#include <ctype.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>

#include "node/card.h"
#include "node/chain.h"
#include "node/graph.h"
#include "node/lite_internal.h"
#include "node/recall.h"
#include "stigmem/cid.h"
#include "stigmem/embed.h"
#include "stigmem/score.h"

#define RECALL_SEED_HITS 5
#define RECALL_MAX_REACHED 50
#define RECALL_EDGE_MIN_CONF 0.1
#define RECALL_HARD_CAP 500

/* recall_state: points at this when embeddings are on; NULL when off. */
static const char embeddings_on_marker = 1;

void
lite_recall_set_embeddings(struct lite_node *n, bool on)
{
	n->recall_state = on ? (void *)&embeddings_on_marker : NULL;
}

bool
lite_recall_embeddings(const struct lite_node *n)
{
	return n->recall_state == (const void *)&embeddings_on_marker;
}

char *
lite_recall_fts_query(const char *query)
{
	char *q = strdup(query);
	if (!q)
		return NULL;
	for (char *p = q; *p; p++)
		if (strchr("\"()^*-:,", *p))
			*p = ' ';
	return q;
}

static bool
is_word_byte(unsigned char c)
{
	return c >= 0x80 || isalnum(c) || c == '_';
}

size_t
lite_recall_like_words(const char *query, size_t max, size_t *starts, size_t *lens)
{
	size_t k = 0, i = 0, len = strlen(query);
	while (i < len && k < max) {
		if (!is_word_byte((unsigned char)query[i])) {
			i++;
			continue;
		}
		size_t s = i, cps = 0;
		while (i < len && is_word_byte((unsigned char)query[i])) {
			if (((unsigned char)query[i] & 0xC0) != 0x80)
				cps++;
			i++;
		}
		if (cps >= 2) {
			starts[k] = s;
			lens[k] = i - s;
			k++;
		}
	}
	return k;
}

/* ---- request ------------------------------------------------------------------ */

struct recall_req {
	const char *query;           /* borrowed from the body tree */
	const char *scope;
	long token_budget;
	long depth;
	struct stg_recall_weights w;
	double min_confidence;
	bool include_neighbors;
	long limit;
	bool has_as_of;
};

static cJSON *
dup_input(const cJSON *v)
{
	return v ? cJSON_Duplicate(v, true) : cJSON_CreateNull();
}

static void
range_err(cJSON *items, const char *l1, const char *l2, bool is_ge, double bound, bool as_int,
	  const cJSON *v)
{
	char msg[96], num[STG_PYFLOAT_MAX];
	cJSON *ctx = cJSON_CreateObject();
	if (as_int) {
		snprintf(num, sizeof num, "%lld", (long long)bound);
		cJSON_AddNumberToObject(ctx, is_ge ? "ge" : "le", bound);
	} else {
		stg_pyfloat_format(bound, num);
		cJSON_AddItemToObject(ctx, is_ge ? "ge" : "le", lite_json_float(bound));
	}
	snprintf(msg, sizeof msg, "Input should be %s than or equal to %s",
		 is_ge ? "greater" : "less", num);
	lite_verr_add(items, is_ge ? "greater_than_equal" : "less_than_equal", "body", l1, l2, -1,
		      msg, dup_input(v), ctx);
}

static void
body_int(const cJSON *body, const char *name, long def, long min, long max, long *out,
	 cJSON *items)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(body, name);
	*out = def;
	if (!v)
		return;
	double x;
	if (cJSON_IsNumber(v) && !cJSON_IsBool(v)) {
		x = v->valuedouble;
		if (x != floor(x) || !isfinite(x)) {
			lite_verr_add(items, "int_from_float", "body", name, NULL, -1,
				      "Input should be a valid integer, got a number with a fractional part",
				      dup_input(v), NULL);
			return;
		}
	} else if (cJSON_IsString(v)) {
		char *end;
		const char *p = v->valuestring;
		while (isspace((unsigned char)*p))
			p++;
		long long y = strtoll(p, &end, 10);
		while (*end && isspace((unsigned char)*end))
			end++;
		if (!*p || *end) {
			lite_verr_add(items, "int_parsing", "body", name, NULL, -1,
				      "Input should be a valid integer, unable to parse string as an integer",
				      dup_input(v), NULL);
			return;
		}
		x = (double)y;
	} else {
		lite_verr_add(items, "int_type", "body", name, NULL, -1,
			      "Input should be a valid integer", dup_input(v), NULL);
		return;
	}
	if (x < (double)min) {
		range_err(items, name, NULL, true, (double)min, true, v);
		return;
	}
	if (x > (double)max) {
		range_err(items, name, NULL, false, (double)max, true, v);
		return;
	}
	*out = (long)x;
}

static void
body_float(const cJSON *obj, const char *name, const char *l1, const char *l2, double def,
	   double *out, cJSON *items)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, name);
	*out = def;
	if (!v)
		return;
	double x;
	if (cJSON_IsNumber(v) && !cJSON_IsBool(v)) {
		x = v->valuedouble;
	} else if (cJSON_IsString(v)) {
		char *end;
		const char *p = v->valuestring;
		while (isspace((unsigned char)*p))
			p++;
		x = strtod(p, &end);
		while (*end && isspace((unsigned char)*end))
			end++;
		if (!*p || *end || strchr(p, 'x') || strchr(p, 'X')) {
			lite_verr_add(items, "float_parsing", "body", l1, l2, -1,
				      "Input should be a valid number, unable to parse string as a number",
				      dup_input(v), NULL);
			return;
		}
	} else {
		lite_verr_add(items, "float_type", "body", l1, l2, -1,
			      "Input should be a valid number", dup_input(v), NULL);
		return;
	}
	if (!(x >= 0.0)) {
		range_err(items, l1, l2, true, 0.0, false, v);
		return;
	}
	if (x > 1.0) {
		range_err(items, l1, l2, false, 1.0, false, v);
		return;
	}
	*out = x;
}

static void
body_bool(const cJSON *body, const char *name, bool def, bool *out, cJSON *items)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(body, name);
	*out = def;
	if (!v)
		return;
	if (cJSON_IsBool(v)) {
		*out = cJSON_IsTrue(v);
		return;
	}
	if (cJSON_IsNumber(v) && (v->valuedouble == 0.0 || v->valuedouble == 1.0)) {
		*out = v->valuedouble == 1.0;
		return;
	}
	if (cJSON_IsString(v)) {
		static const char *const t[] = {"true", "1", "yes", "on", "t", "y"};
		static const char *const f[] = {"false", "0", "no", "off", "f", "n"};
		for (size_t i = 0; i < 6; i++) {
			if (strcasecmp(v->valuestring, t[i]) == 0) {
				*out = true;
				return;
			}
			if (strcasecmp(v->valuestring, f[i]) == 0) {
				*out = false;
				return;
			}
		}
		lite_verr_add(items, "bool_parsing", "body", name, NULL, -1,
			      "Input should be a valid boolean, unable to interpret input",
			      dup_input(v), NULL);
		return;
	}
	lite_verr_add(items, "bool_type", "body", name, NULL, -1, "Input should be a valid boolean",
		      dup_input(v), NULL);
}

/* Validate the body like the reference's pydantic model. Returns false with
 * a 422 in rs. */
static bool
parse_request(const cJSON *body, struct recall_req *r, struct lite_resp *rs)
{
	cJSON *items = cJSON_CreateArray();
	memset(r, 0, sizeof *r);
	const cJSON *q = cJSON_GetObjectItemCaseSensitive(body, "query");
	if (!q) {
		lite_verr_add(items, "missing", "body", "query", NULL, -1, "Field required",
			      cJSON_Duplicate(body, true), NULL);
	} else if (!cJSON_IsString(q)) {
		lite_verr_add(items, "string_type", "body", "query", NULL, -1,
			      "Input should be a valid string", dup_input(q), NULL);
	} else if (q->valuestring[0] == '\0') {
		cJSON *ctx = cJSON_CreateObject();
		cJSON_AddNumberToObject(ctx, "min_length", 1);
		lite_verr_add(items, "string_too_short", "body", "query", NULL, -1,
			      "String should have at least 1 character", dup_input(q), ctx);
	} else {
		r->query = q->valuestring;
	}
	const cJSON *s = cJSON_GetObjectItemCaseSensitive(body, "scope");
	r->scope = "local";
	if (s && !cJSON_IsString(s))
		lite_verr_add(items, "string_type", "body", "scope", NULL, -1,
			      "Input should be a valid string", dup_input(s), NULL);
	else if (s)
		r->scope = s->valuestring;
	body_int(body, "token_budget", 4000, 1, 200000, &r->token_budget, items);
	body_int(body, "depth", 2, 1, 3, &r->depth, items);
	r->w = stg_recall_weights_default();
	const cJSON *w = cJSON_GetObjectItemCaseSensitive(body, "weights");
	if (w && !cJSON_IsNull(w)) {
		if (!cJSON_IsObject(w)) {
			lite_verr_add(items, "model_type", "body", "weights", NULL, -1,
				      "Input should be a valid dictionary or instance of RecallWeights",
				      dup_input(w), NULL);
		} else {
			body_float(w, "lexical", "weights", "lexical", STG_SCORE_W_LEXICAL,
				   &r->w.lexical, items);
			body_float(w, "semantic", "weights", "semantic", STG_SCORE_W_SEMANTIC,
				   &r->w.semantic, items);
			body_float(w, "graph", "weights", "graph", STG_SCORE_W_GRAPH, &r->w.graph,
				   items);
			body_float(w, "source_trust", "weights", "source_trust",
				   STG_SCORE_W_SOURCE_TRUST, &r->w.source_trust, items);
			body_float(w, "recency", "weights", "recency", STG_SCORE_W_RECENCY,
				   &r->w.recency, items);
		}
	}
	body_float(body, "min_confidence", "min_confidence", NULL, 0.1, &r->min_confidence, items);
	body_bool(body, "include_neighbors", true, &r->include_neighbors, items);
	body_int(body, "limit", 100, 1, 500, &r->limit, items);
	const cJSON *a = cJSON_GetObjectItemCaseSensitive(body, "as_of");
	if (a && !cJSON_IsNull(a) && !cJSON_IsString(a))
		lite_verr_add(items, "string_type", "body", "as_of", NULL, -1,
			      "Input should be a valid string", dup_input(a), NULL);
	r->has_as_of = a && cJSON_IsString(a);
	if (cJSON_GetArraySize(items) > 0) {
		lite_resp_422(rs, items);
		return false;
	}
	cJSON_Delete(items);
	return true;
}

/* ---- candidates ----------------------------------------------------------------- */

struct cand {
	sqlite3_int64 seq;           /* 0 for a card entry */
	char *id;                    /* owned */
	char *entity;                /* owned */
	double confidence;
	char *timestamp;             /* owned */
	double lexical, semantic;
	int hop;
	bool direct;                 /* found by the lexical or semantic stage */
	bool dropped;                /* replaced by a card entry */
	int order;                   /* discovery order */
	/* filled while building the response */
	struct lite_card card;       /* card entries only */
	bool from_card;
	double score;
	struct stg_score_breakdown bd;
	long long tokens;
	cJSON *json;                 /* ScoredFact object (owned) */
	bool instruction;
};

struct cands {
	struct cand *v;
	size_t n, cap;
};

static void
cands_done(struct cands *c)
{
	for (size_t i = 0; i < c->n; i++) {
		free(c->v[i].id);
		free(c->v[i].entity);
		free(c->v[i].timestamp);
		lite_card_done(&c->v[i].card);
		cJSON_Delete(c->v[i].json);
	}
	free(c->v);
	memset(c, 0, sizeof *c);
}

static struct cand *
cands_find(struct cands *c, sqlite3_int64 seq)
{
	for (size_t i = 0; i < c->n; i++)
		if (c->v[i].seq == seq && seq != 0)
			return &c->v[i];
	return NULL;
}

static struct cand *
cands_add(struct cands *c, sqlite3_int64 seq, const char *id, const char *entity, double conf,
	  const char *ts)
{
	if (c->n == c->cap) {
		size_t nc = c->cap ? c->cap * 2 : 64;
		void *p = realloc(c->v, nc * sizeof *c->v);
		if (!p)
			return NULL;
		c->v = p;
		c->cap = nc;
	}
	struct cand *x = &c->v[c->n];
	memset(x, 0, sizeof *x);
	x->seq = seq;
	x->id = strdup(id ? id : "");
	x->entity = strdup(entity ? entity : "");
	x->timestamp = strdup(ts ? ts : "");
	x->confidence = conf;
	x->order = (int)c->n;
	if (!x->id || !x->entity || !x->timestamp) {
		free(x->id);
		free(x->entity);
		free(x->timestamp);
		return NULL;
	}
	c->n++;
	return x;
}

#define CAND_COLS "f.seq, f.id, f.entity, f.confidence, f.timestamp"
#define CAND_FILTER                                                              \
	" f.scope=?2 AND f.tenant_id=?3 AND f.confidence >= ?4"                  \
	" AND (f.valid_until IS NULL OR f.valid_until > ?5)"

struct stage_ctx {
	struct lite_node *n;
	const struct recall_req *r;
	const char *tenant;
	char now[LITE_TS_MAX];
	struct cands *c;
};

static void
bind_filter(sqlite3_stmt *st, const struct stage_ctx *x)
{
	sqlite3_bind_text(st, 2, x->r->scope, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 3, x->tenant, -1, SQLITE_TRANSIENT);
	sqlite3_bind_double(st, 4, x->r->min_confidence);
	sqlite3_bind_text(st, 5, x->now, -1, SQLITE_TRANSIENT);
}

/* Merge one direct hit. */
static int
add_direct(struct stage_ctx *x, sqlite3_stmt *st, double lexical, double semantic)
{
	sqlite3_int64 seq = sqlite3_column_int64(st, 0);
	struct cand *c = cands_find(x->c, seq);
	if (!c)
		c = cands_add(x->c, seq, (const char *)sqlite3_column_text(st, 1),
			      (const char *)sqlite3_column_text(st, 2), sqlite3_column_double(st, 3),
			      (const char *)sqlite3_column_text(st, 4));
	if (!c)
		return -1;
	if (lexical > c->lexical)
		c->lexical = lexical;
	if (semantic > c->semantic)
		c->semantic = semantic;
	c->direct = true;
	return 0;
}

/* FTS5 stage. Returns 0 done, 1 when FTS raised (caller falls back), -1 error. */
static int
stage_fts(struct stage_ctx *x)
{
	if (lite_fts_catch_up(x->n) != 0)
		return -1;
	char *q = lite_recall_fts_query(x->r->query);
	if (!q)
		return -1;
	sqlite3_stmt *st = lite_stmt(
		x->n, "SELECT " CAND_COLS ", bm25(facts_fts) FROM facts_fts JOIN facts f"
		      " ON f.seq = facts_fts.rowid WHERE facts_fts MATCH ?1 AND" CAND_FILTER
		      " ORDER BY bm25(facts_fts), f.seq LIMIT ?6");
	if (!st) {
		free(q);
		return -1;
	}
	sqlite3_bind_text(st, 1, q, -1, SQLITE_TRANSIENT);
	bind_filter(st, x);
	sqlite3_bind_int64(st, 6, x->r->limit);
	free(q);
	/* Collect first: scores are normalised by the best one. */
	size_t first = x->c->n;
	double *raw = NULL;
	size_t nraw = 0, cap = 0;
	int s, rc = 0;
	while ((s = sqlite3_step(st)) == SQLITE_ROW) {
		if (nraw == cap) {
			cap = cap ? cap * 2 : 64;
			void *p = realloc(raw, cap * sizeof *raw);
			if (!p) {
				rc = -1;
				break;
			}
			raw = p;
		}
		raw[nraw++] = -sqlite3_column_double(st, 5);
		if (add_direct(x, st, 0.0, 0.0) != 0) {
			rc = -1;
			break;
		}
	}
	if (rc == 0 && s != SQLITE_DONE)
		rc = 1; /* FTS raised (syntax error and the like) */
	lite_stmt_done(st);
	if (rc != 0) {
		free(raw);
		/* Forget the partial hits of a failed FTS run. */
		if (rc == 1) {
			for (size_t i = first; i < x->c->n; i++) {
				free(x->c->v[i].id);
				free(x->c->v[i].entity);
				free(x->c->v[i].timestamp);
			}
			x->c->n = first;
		}
		return rc;
	}
	double best = 0.0;
	for (size_t i = 0; i < nraw; i++)
		if (raw[i] > best)
			best = raw[i];
	/* Direct hits were appended in the order of raw[]: first..first+nraw
	 * (the candidate list was empty before this stage). */
	for (size_t i = 0; i < nraw && first + i < x->c->n; i++)
		x->c->v[first + i].lexical = best > 0 ? raw[i] / best : 1.0;
	free(raw);
	return 0;
}

/* LIKE fallback over value_v / entity for up to 5 words, OR-ed. */
static int
stage_like(struct stage_ctx *x)
{
	size_t starts[5], lens[5];
	size_t nw = lite_recall_like_words(x->r->query, 5, starts, lens);
	if (nw == 0)
		return 0;
	struct stg_buf sql;
	stg_buf_init(&sql);
	stg_buf_puts(&sql, "SELECT " CAND_COLS " FROM facts f WHERE" CAND_FILTER " AND (");
	for (size_t i = 0; i < nw; i++)
		stg_buf_printf(&sql, "%sf.value_v LIKE ?%zu ESCAPE '\\' OR f.entity LIKE ?%zu ESCAPE '\\'",
			       i ? " OR " : "", 7 + i, 7 + i);
	stg_buf_puts(&sql, ") ORDER BY f.confidence DESC, f.seq LIMIT ?6");
	sqlite3_stmt *st = sql.oom ? NULL : lite_prepare(x->n, sql.data);
	stg_buf_done(&sql);
	if (!st)
		return -1;
	bind_filter(st, x);
	sqlite3_bind_int64(st, 6, x->r->limit);
	for (size_t i = 0; i < nw; i++) {
		char pat[512];
		size_t k = 0;
		pat[k++] = '%';
		for (size_t j = 0; j < lens[i] && k + 3 < sizeof pat; j++) {
			char ch = x->r->query[starts[i] + j];
			if (ch == '%' || ch == '_' || ch == '\\')
				pat[k++] = '\\';
			pat[k++] = ch;
		}
		pat[k++] = '%';
		pat[k] = '\0';
		sqlite3_bind_text(st, (int)(7 + i), pat, -1, SQLITE_TRANSIENT);
	}
	size_t first = x->c->n;
	int s, rc = 0;
	while ((s = sqlite3_step(st)) == SQLITE_ROW)
		if (add_direct(x, st, 0.0, 0.0) != 0) {
			rc = -1;
			break;
		}
	if (rc == 0 && s != SQLITE_DONE)
		rc = -1;
	sqlite3_finalize(st);
	if (rc != 0)
		return rc;
	double best = 0.0;
	for (size_t i = first; i < x->c->n; i++)
		if (x->c->v[i].confidence > best)
			best = x->c->v[i].confidence;
	for (size_t i = first; i < x->c->n; i++)
		x->c->v[i].lexical = best > 0 ? x->c->v[i].confidence / best : 0.0;
	return 0;
}

/* Semantic stage: top `limit` facts by cosine (> 0). */
static int
stage_semantic(struct stage_ctx *x)
{
	struct stg_embedding qe, fe;
	stg_embed_text(x->r->query, strlen(x->r->query), &qe);
	sqlite3_stmt *st = lite_prepare(x->n, "SELECT " CAND_COLS ", f.relation, f.value_v"
					      " FROM facts f WHERE" CAND_FILTER " ORDER BY f.seq");
	if (!st)
		return -1;
	bind_filter(st, x);
	struct hit {
		sqlite3_int64 seq;
		double cos;
	} *hits = NULL;
	size_t nh = 0, cap = 0;
	struct stg_buf text;
	stg_buf_init(&text);
	int s, rc = 0;
	while ((s = sqlite3_step(st)) == SQLITE_ROW) {
		stg_buf_reset(&text);
		stg_buf_puts(&text, (const char *)sqlite3_column_text(st, 2));
		stg_buf_putc(&text, ' ');
		stg_buf_puts(&text, (const char *)sqlite3_column_text(st, 5));
		stg_buf_putc(&text, ' ');
		if (sqlite3_column_type(st, 6) != SQLITE_NULL)
			stg_buf_append(&text, sqlite3_column_text(st, 6),
				       (size_t)sqlite3_column_bytes(st, 6));
		if (text.oom) {
			rc = -1;
			break;
		}
		stg_embed_text(text.data, text.len, &fe);
		double cs = stg_embed_cosine(&qe, &fe);
		if (cs <= 0.0)
			continue;
		if (nh == cap) {
			cap = cap ? cap * 2 : 256;
			void *p = realloc(hits, cap * sizeof *hits);
			if (!p) {
				rc = -1;
				break;
			}
			hits = p;
		}
		hits[nh].seq = sqlite3_column_int64(st, 0);
		hits[nh].cos = cs;
		nh++;
	}
	if (rc == 0 && s != SQLITE_DONE)
		rc = -1;
	sqlite3_finalize(st);
	stg_buf_done(&text);
	if (rc != 0) {
		free(hits);
		return -1;
	}
	/* Keep the best `limit` (selection by repeated max; limit <= 500). */
	size_t keep = nh < (size_t)x->r->limit ? nh : (size_t)x->r->limit;
	sqlite3_stmt *one = keep ? lite_prepare(x->n, "SELECT " CAND_COLS " FROM facts f WHERE f.seq=?1")
				 : NULL;
	for (size_t k = 0; k < keep && rc == 0; k++) {
		size_t bi = k;
		for (size_t i = k + 1; i < nh; i++)
			if (hits[i].cos > hits[bi].cos)
				bi = i;
		struct hit t = hits[k];
		hits[k] = hits[bi];
		hits[bi] = t;
		if (!one) {
			rc = -1;
			break;
		}
		sqlite3_reset(one);
		sqlite3_bind_int64(one, 1, hits[k].seq);
		if (sqlite3_step(one) == SQLITE_ROW && add_direct(x, one, 0.0, hits[k].cos) != 0)
			rc = -1;
	}
	sqlite3_finalize(one);
	free(hits);
	return rc;
}

static int
direct_cmp(const void *a, const void *b)
{
	const struct cand *x = *(const struct cand *const *)a, *y = *(const struct cand *const *)b;
	double sx = x->lexical > x->semantic ? x->lexical : x->semantic;
	double sy = y->lexical > y->semantic ? y->lexical : y->semantic;
	if (sx != sy)
		return sx > sy ? -1 : 1;
	return x->order - y->order;
}

/* Graph stage: expand from the entities of the top 5 direct hits. */
static int
stage_graph(struct stage_ctx *x)
{
	size_t nd = 0;
	for (size_t i = 0; i < x->c->n; i++)
		nd += x->c->v[i].direct;
	if (nd == 0)
		return 0;
	struct cand **d = malloc(nd * sizeof *d);
	if (!d)
		return -1;
	size_t k = 0;
	for (size_t i = 0; i < x->c->n; i++)
		if (x->c->v[i].direct)
			d[k++] = &x->c->v[i];
	qsort(d, nd, sizeof *d, direct_cmp);
	const char *seeds[RECALL_SEED_HITS];
	size_t ns = 0;
	for (size_t i = 0; i < nd && i < RECALL_SEED_HITS; i++) {
		bool dup = false;
		for (size_t j = 0; j < ns; j++)
			dup = dup || strcmp(seeds[j], d[i]->entity) == 0;
		if (!dup)
			seeds[ns++] = d[i]->entity;
	}
	/* Seeds point into candidates; copy them since the array may move. */
	char *seed_copy[RECALL_SEED_HITS];
	for (size_t i = 0; i < ns; i++)
		seed_copy[i] = strdup(seeds[i]);
	free(d);
	int rc = 0;
	for (size_t i = 0; i < ns; i++)
		if (!seed_copy[i])
			rc = -1;
	struct lite_graph g = {0};
	struct lite_graph_opts o = {
		.scope = x->r->scope,
		.tenant = x->tenant,
		.depth = (int)x->r->depth,
		.min_confidence = RECALL_EDGE_MIN_CONF,
		.use_min_trust = false,
		.relation_filter = NULL,
		.include_federated = true,
		.max_hits = RECALL_MAX_REACHED,
	};
	if (rc == 0)
		rc = lite_graph_walk(x->n, (const char *const *)seed_copy, ns, &o, &g);
	for (size_t i = 0; i < ns; i++)
		free(seed_copy[i]);
	if (rc != 0)
		return -1;
	sqlite3_stmt *st = g.n ? lite_stmt(x->n, "SELECT " CAND_COLS " FROM facts f"
						 " WHERE f.entity=?1 AND" CAND_FILTER
						 " ORDER BY f.seq")
			       : NULL;
	long taken = 0;
	for (size_t i = 0; i < g.n && rc == 0 && taken < x->r->limit; i++) {
		if (!st) {
			rc = -1;
			break;
		}
		sqlite3_reset(st);
		sqlite3_bind_text(st, 1, g.hits[i].entity, -1, SQLITE_TRANSIENT);
		bind_filter(st, x);
		int s;
		while (taken < x->r->limit && (s = sqlite3_step(st)) == SQLITE_ROW) {
			sqlite3_int64 seq = sqlite3_column_int64(st, 0);
			struct cand *c = cands_find(x->c, seq);
			if (!c)
				c = cands_add(x->c, seq, (const char *)sqlite3_column_text(st, 1),
					      (const char *)sqlite3_column_text(st, 2),
					      sqlite3_column_double(st, 3),
					      (const char *)sqlite3_column_text(st, 4));
			if (!c) {
				rc = -1;
				break;
			}
			c->hop = g.hits[i].hops;
			taken++;
		}
	}
	lite_stmt_done(st);
	lite_graph_done(&g);
	return rc;
}

/* ---- card fast path --------------------------------------------------------------- */

static int
card_fast_path(struct stage_ctx *x)
{
	size_t n0 = x->c->n;
	bool tx = lite_tx_begin(x->n) == 0;
	int rc = 0;
	for (size_t i = 0; i < n0 && rc == 0; i++) {
		struct cand *c = &x->c->v[i];
		if (c->dropped)
			continue;
		bool first = true;
		for (size_t j = 0; j < i && first; j++)
			if (strcmp(x->c->v[j].entity, c->entity) == 0)
				first = false;
		if (!first)
			continue;
		struct lite_card card;
		int g = lite_card_get(x->n, c->entity, x->r->scope, x->tenant, false, &card);
		if (g < 0) {
			rc = -1;
			break;
		}
		if (g == 0)
			continue;
		if (card.has_contradictions || card.avg_confidence < 0.5) {
			lite_card_done(&card);
			continue;
		}
		size_t il = strlen(c->entity) + 6;
		char *id = malloc(il);
		char *entity = strdup(c->entity);
		if (!entity || !id) {
			free(id);
			free(entity);
			lite_card_done(&card);
			rc = -1;
			break;
		}
		snprintf(id, il, "card:%s", c->entity);
		for (size_t j = 0; j < x->c->n; j++)
			if (x->c->v[j].seq != 0 && strcmp(x->c->v[j].entity, entity) == 0)
				x->c->v[j].dropped = true;
		struct cand *e = cands_add(x->c, 0, id, entity, card.avg_confidence, card.refreshed_at);
		free(entity);
		free(id);
		if (!e) {
			lite_card_done(&card);
			rc = -1;
			break;
		}
		e->card = card;
		e->from_card = true;
	}
	if (tx) {
		if (rc == 0)
			rc = lite_tx_commit(x->n) == 0 ? 0 : -1;
		else
			lite_tx_rollback(x->n);
	}
	return rc;
}

/* ---- response pieces ----------------------------------------------------------------- */

/* §5.4 V: Python str() of the (sanitized) value.v, "" when falsy. */
static void
value_text(const cJSON *v, struct stg_buf *out)
{
	if (!v || cJSON_IsNull(v) || cJSON_IsFalse(v))
		return;
	if (cJSON_IsTrue(v)) {
		stg_buf_puts(out, "True");
	} else if (cJSON_IsString(v)) {
		stg_buf_puts(out, v->valuestring);
	} else if (cJSON_IsRaw(v) || cJSON_IsNumber(v)) {
		char num[STG_PYFLOAT_MAX];
		const char *t = v->valuestring;
		if (!cJSON_IsRaw(v)) {
			stg_pyfloat_format(v->valuedouble, num);
			t = num;
		}
		if (strtod(t, NULL) != 0.0)
			stg_buf_puts(out, t);
	}
}

static cJSON *
breakdown_json(const struct stg_score_breakdown *bd)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddItemToObject(o, "lexical", lite_json_float(bd->lexical));
	cJSON_AddItemToObject(o, "semantic", lite_json_float(bd->semantic));
	cJSON_AddItemToObject(o, "graph", lite_json_float(bd->graph));
	cJSON_AddItemToObject(o, "source_trust", lite_json_float(bd->source_trust));
	cJSON_AddItemToObject(o, "recency", lite_json_float(bd->recency));
	cJSON_AddItemToObject(o, "weighted_total", lite_json_float(bd->weighted_total));
	return o;
}

/* The synthetic FactRecord of a card entry (§5.5). */
static cJSON *
card_fact_json(const struct cand *c, const char *scope)
{
	cJSON *f = cJSON_CreateObject();
	cJSON_AddStringToObject(f, "id", c->id);
	cJSON_AddStringToObject(f, "entity", c->entity);
	cJSON_AddStringToObject(f, "relation", "stigmem:card:summary");
	cJSON *v = cJSON_AddObjectToObject(f, "value");
	cJSON_AddStringToObject(v, "type", "text");
	cJSON_AddStringToObject(v, "v", c->card.summary ? c->card.summary : "");
	cJSON_AddStringToObject(v, "interpret_as", "content");
	cJSON_AddStringToObject(f, "source", "system:stigmem:materializer");
	cJSON_AddStringToObject(f, "timestamp", c->card.refreshed_at);
	cJSON_AddNullToObject(f, "hlc");
	cJSON_AddNullToObject(f, "received_from");
	cJSON_AddNullToObject(f, "valid_until");
	cJSON_AddItemToObject(f, "confidence", lite_json_float(c->card.avg_confidence));
	cJSON_AddStringToObject(f, "scope", scope);
	cJSON_AddNullToObject(f, "attested_key_id");
	cJSON_AddNullToObject(f, "origin_node_id");
	cJSON_AddNullToObject(f, "origin_allowed_scopes");
	cJSON_AddNullToObject(f, "garden_id");
	cJSON_AddNullToObject(f, "attested");
	cJSON_AddFalseToObject(f, "contradicted");
	cJSON_AddArrayToObject(f, "warnings");
	cJSON_AddNullToObject(f, "source_trust");
	cJSON_AddNullToObject(f, "quarantine_status");
	cJSON_AddNullToObject(f, "quarantine_garden_id");
	cJSON_AddNullToObject(f, "effective_confidence");
	cJSON_AddArrayToObject(f, "sanitizer_warnings");
	cJSON_AddFalseToObject(f, "sanitizer_redacted");
	cJSON_AddNullToObject(f, "cid");
	cJSON_AddArrayToObject(f, "derived_from");
	return f;
}

static cJSON *
scored_json(cJSON *fact, const struct cand *c)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddItemToObject(o, "fact", fact);
	cJSON_AddItemToObject(o, "score", lite_json_float(c->score));
	cJSON_AddItemToObject(o, "score_breakdown", breakdown_json(&c->bd));
	cJSON_AddNumberToObject(o, "hop_distance", c->from_card ? 0 : c->hop);
	cJSON_AddNumberToObject(o, "token_estimate", (double)c->tokens);
	cJSON_AddBoolToObject(o, "from_card", c->from_card);
	return o;
}

/* Score one candidate and build its ScoredFact. Returns 0, 1 when a stored
 * row fails its CID (rs holds the 409), -1 on error. */
static int
build_entry(struct stage_ctx *x, sqlite3_stmt *row_st, const struct recall_req *r,
	    int64_t now_us, struct cand *c, struct lite_resp *rs)
{
	struct stg_buf vt;
	stg_buf_init(&vt);
	cJSON *fact;
	if (c->from_card) {
		c->score = stg_score_card(c->card.avg_confidence, &c->bd);
		fact = card_fact_json(c, r->scope);
		c->tokens = stg_score_token_estimate_text(c->entity, "stigmem:card:summary",
							  c->card.summary, c->card.summary_len,
							  "system:stigmem:materializer");
		c->instruction = false;
	} else {
		sqlite3_reset(row_st);
		sqlite3_bind_int64(row_st, 1, c->seq);
		if (sqlite3_step(row_st) != SQLITE_ROW)
			return -1;
		struct lite_fact_row row;
		lite_fact_row_load(row_st, 0, &row);
		if (row.cid) {
			struct stg_cid_input ci = {
				.confidence = row.confidence,
				.entity = row.entity,
				.relation = row.relation,
				.scope = row.scope,
				.source = row.source,
				.value_type = row.value_type,
				.value_v = row.value_v ? row.value_v : "",
				.value_v_len = row.value_v ? row.value_v_len : 0,
			};
			char cid[STG_HASH_MAX];
			if (stg_cid_compute(&ci, cid) && strcmp(cid, row.cid) != 0) {
				cJSON *ex = cJSON_CreateObject();
				cJSON_AddStringToObject(ex, "fact_id", row.id);
				cJSON_AddStringToObject(ex, "computed_cid", cid);
				cJSON_AddStringToObject(ex, "stored_cid", row.cid);
				lite_resp_detail_code(rs, 409, "cid_mismatch",
						      "stored fact no longer matches its content id", ex);
				return 1;
			}
		}
		struct stg_score_signals s = {
			.lexical = c->lexical,
			.semantic = c->semantic,
			.graph = stg_score_graph_signal(c->hop),
			.recency = stg_score_recency_at(row.timestamp, now_us),
		};
		c->score = stg_score_compute(&r->w, &s, row.confidence, &c->bd);
		c->instruction = row.interpret_as && strcmp(row.interpret_as, "instruction") == 0;
		fact = lite_fact_json(x->n, &row, LITE_FJ_READ, NULL);
		if (!fact)
			return -1;
		const cJSON *val = cJSON_GetObjectItemCaseSensitive(fact, "value");
		value_text(cJSON_GetObjectItemCaseSensitive(val, "v"), &vt);
		c->tokens = stg_score_token_estimate_text(row.entity, row.relation,
							  vt.data ? vt.data : "", vt.len, row.source);
	}
	stg_buf_done(&vt);
	if (!fact)
		return -1;
	c->json = scored_json(fact, c);
	return c->json ? 0 : -1;
}

static int
final_cmp(const void *a, const void *b)
{
	const struct cand *x = *(const struct cand *const *)a, *y = *(const struct cand *const *)b;
	if (x->score != y->score)
		return x->score > y->score ? -1 : 1;
	int c = strcmp(x->id, y->id);
	if (c)
		return c;
	return x->order - y->order;
}

int
lite_route_recall(struct lite_req *rq, struct lite_resp *rs)
{
	struct lite_node *n = rq->node;
	bool legacy = false;
	if (!lite_query_bool(rq, rs, "legacy_format", false, &legacy))
		return 0;
	cJSON *body = lite_req_json_object(rq, rs);
	if (!body)
		return 0;
	struct recall_req r;
	struct cands cs = {0};
	cJSON *proof = NULL, *root = NULL;
	struct cand **order = NULL;
	sqlite3_stmt *row_st = NULL;
	if (!lite_require(rq, rs, LITE_PERM_READ, "read"))
		goto out;
	if (!parse_request(body, &r, rs))
		goto out;
	const char *sess = lite_req_header(rq, "Stigmem-Session");
	if (sess) {
		while (isspace((unsigned char)*sess))
			sess++;
		size_t l = strlen(sess);
		while (l && isspace((unsigned char)sess[l - 1]))
			l--;
		if (l > 128) {
			lite_resp_detail(rs, 400, "session_id_too_long");
			goto out;
		}
	}
	if (!lite_scope_valid(r.scope)) {
		lite_resp_detail(rs, 400,
				 "invalid_scope: must be one of ['company', 'local', 'public', 'team']");
		goto out;
	}
	if (r.has_as_of) {
		lite_resp_detail_code(rs, 501, "time_travel_plugin_not_loaded",
				      "as_of requires the time-travel plugin, which this node does not provide",
				      NULL);
		goto out;
	}
	const char *tenant = rq->who.tenant_id[0] ? rq->who.tenant_id : "default";
	const char *verify = lite_req_header(rq, "Stigmem-Verify");
	if (verify && strcmp(verify, "full") == 0) {
		if (lite_chain_proof(n, tenant, rs, &proof) != 0)
			goto out;
	}

	struct stage_ctx x = {.n = n, .r = &r, .tenant = tenant, .c = &cs};
	lite_wall_now(x.now);
	int rc = 0;
	if (r.w.lexical > 0) {
		rc = stage_fts(&x);
		if (rc == 1)
			rc = stage_like(&x);
	}
	if (rc == 0 && r.w.semantic > 0 && lite_recall_embeddings(n))
		rc = stage_semantic(&x);
	if (rc == 0 && r.include_neighbors && r.w.graph > 0)
		rc = stage_graph(&x);
	if (rc == 0)
		rc = card_fast_path(&x);
	if (rc != 0) {
		lite_resp_internal(rs, "recall: candidate search failed");
		goto out;
	}

	/* Score and render every surviving candidate (hard cap 500). */
	struct timeval tv;
	gettimeofday(&tv, NULL);
	int64_t now_us = (int64_t)tv.tv_sec * 1000000 + tv.tv_usec;
	row_st = lite_stmt(n, "SELECT " LITE_FACT_COLS " FROM facts WHERE facts.seq=?1");
	order = malloc((cs.n ? cs.n : 1) * sizeof *order);
	if (!row_st || !order) {
		lite_resp_internal(rs, "recall: prepare");
		goto out;
	}
	size_t m = 0;
	for (size_t i = 0; i < cs.n; i++) {
		if (cs.v[i].dropped)
			continue;
		int b = build_entry(&x, row_st, &r, now_us, &cs.v[i], rs);
		if (b == 1)
			goto out;
		if (b != 0) {
			lite_resp_internal(rs, "recall: build entry");
			goto out;
		}
		order[m++] = &cs.v[i];
	}
	qsort(order, m, sizeof *order, final_cmp);
	size_t total_scored = m;
	if (m > RECALL_HARD_CAP)
		m = RECALL_HARD_CAP;

	long long *tokens = malloc((m ? m : 1) * sizeof *tokens);
	bool *sel = malloc((m ? m : 1) * sizeof *sel);
	if (!tokens || !sel) {
		free(tokens);
		free(sel);
		lite_resp_internal(rs, "recall: out of memory");
		goto out;
	}
	for (size_t i = 0; i < m; i++)
		tokens[i] = order[i]->tokens;
	long long used = 0;
	bool truncated = false;
	stg_score_pack(tokens, m, r.token_budget, sel, &used, &truncated);

	root = cJSON_CreateObject();
	char rid[37], qh[STG_HEX_MAX];
	lite_uuid4(rid);
	stg_sha256_hex(r.query, strlen(r.query), qh);
	cJSON_AddStringToObject(root, "recall_id", rid);
	cJSON_AddStringToObject(root, "query_hash", qh);
	cJSON *facts = cJSON_AddArrayToObject(root, "facts");
	cJSON *content = legacy ? NULL : cJSON_AddArrayToObject(root, "content");
	cJSON *instr = legacy ? NULL : cJSON_AddArrayToObject(root, "instructions");
	for (size_t i = 0; i < m; i++) {
		if (!sel[i])
			continue;
		struct cand *c = order[i];
		if (!legacy)
			cJSON_AddItemToArray(c->instruction ? instr : content,
					     cJSON_Duplicate(c->json, true));
		cJSON_AddItemToArray(facts, c->json);
		c->json = NULL;
	}
	free(tokens);
	free(sel);
	cJSON_AddNumberToObject(root, "total_scored", (double)total_scored);
	cJSON_AddNumberToObject(root, "token_budget", (double)r.token_budget);
	cJSON_AddNumberToObject(root, "tokens_used", (double)used);
	cJSON_AddBoolToObject(root, "truncated", truncated);
	cJSON_AddArrayToObject(root, "tombstone_notices");
	if (proof) {
		cJSON_AddItemToObject(root, "chain_proof", proof);
		proof = NULL;
	} else {
		cJSON_AddNullToObject(root, "chain_proof");
	}
	char tc[32];
	snprintf(tc, sizeof tc, "%zu", total_scored);
	lite_resp_header(rs, "X-Total-Count", tc);
	lite_session_record_json(rq, root);
	lite_resp_json(rs, 200, root);
	root = NULL;
out:
	lite_stmt_done(row_st);
	free(order);
	cJSON_Delete(root);
	cJSON_Delete(proof);
	cands_done(&cs);
	cJSON_Delete(body);
	return 0;
}
