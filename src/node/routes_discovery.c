/* routes_discovery.c — GET /v1/scopes/{scope}/synthesize and
 * GET /v1/entities/resolve, as the reference node answers them (not
 * tenant-filtered, like the reference).
 *
 * resolve: layer 1 = the normalized URI names a fact with confidence > 0;
 * layer 2 = the operator alias table (normalized, then raw input); layer 3
 * (informal "type:id" URIs only) = up to 2000 live entities of the same
 * type scored on the id part: the best of token Jaccard, a first-letter /
 * first-two-letters prefix bonus (0.3 / 0.5) and the Ratcliff-Obershelp
 * ratio of the joined tokens (Python's difflib.SequenceMatcher, whose
 * tie-breaking is kept so scores match), those >= threshold, best first. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "node/lite_internal.h"

static bool
valid_scope(const char *s)
{
	return strcmp(s, "local") == 0 || strcmp(s, "team") == 0 || strcmp(s, "company") == 0 ||
	       strcmp(s, "public") == 0;
}

static bool
is_system(const char *entity, const char *relation)
{
	bool se = strncmp(entity, "stigmem:", 8) == 0 && strncmp(entity, "stigmem://", 10) != 0;
	bool sr = strncmp(relation, "stigmem:", 8) == 0 && strncmp(relation, "stigmem://", 10) != 0;
	return se || sr;
}

/* Seconds from an ISO timestamp to now; 0.0 when it does not parse. */
static double
age_seconds(const char *ts, double now_s)
{
	int y, mo, d, h, mi;
	double sec;
	if (!ts || sscanf(ts, "%d-%d-%dT%d:%d:%lf", &y, &mo, &d, &h, &mi, &sec) != 6)
		return 0.0;
	/* Days from civil (proleptic Gregorian), UTC; offsets other than
	 * +00:00/Z are applied below. */
	int yy = y - (mo <= 2);
	long era = (yy >= 0 ? yy : yy - 399) / 400;
	long yoe = yy - era * 400;
	long doy = (153 * (mo + (mo > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	double t = (double)(era * 146097 + doe - 719468) * 86400.0 + h * 3600.0 + mi * 60.0 + sec;
	const char *tz = ts + strlen(ts);
	while (tz > ts && tz[-1] != '+' && tz[-1] != '-' && tz[-1] != 'Z' && tz[-1] != 'T')
		tz--;
	if (tz > ts && (tz[-1] == '+' || tz[-1] == '-') && strlen(tz) == 5 && tz[2] == ':') {
		int oh = atoi(tz), om = atoi(tz + 3);
		double off = oh * 3600.0 + om * 60.0;
		t += tz[-1] == '+' ? -off : off;
	}
	return now_s - t;
}

int
lite_route_synthesize(struct lite_req *rq, struct lite_resp *rs)
{
	struct lite_node *n = rq->node;
	if (!lite_require(rq, rs, LITE_PERM_READ, "read"))
		return 0;
	long limit;
	bool include_expired;
	if (!lite_query_bool(rq, rs, "include_expired", false, &include_expired) ||
	    !lite_query_int(rq, rs, "limit", 200, 1, 1000, &limit))
		return 0;
	const char *scope = rq->seg[2];
	if (!valid_scope(scope)) {
		lite_resp_detail(rs, 400,
				 "scope must be one of {'local', 'team', 'company', 'public'}");
		return 0;
	}
	char now[LITE_TS_MAX];
	lite_wall_now(now);
	struct timespec tsn;
	clock_gettime(CLOCK_REALTIME, &tsn);
	double now_s = (double)tsn.tv_sec + (double)tsn.tv_nsec * 1e-9;
	sqlite3_stmt *st = lite_prepare(
		n, "SELECT id, entity, relation, value_type, value_v, confidence, timestamp,"
		   " valid_until, source FROM facts WHERE scope=?1"
		   " AND (?2 = 1 OR valid_until IS NULL OR valid_until > ?3)"
		   " ORDER BY confidence DESC, timestamp DESC LIMIT ?4");
	if (!st) {
		lite_resp_internal(rs, "prepare");
		return 0;
	}
	sqlite3_bind_text(st, 1, scope, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 2, include_expired ? 1 : 0);
	sqlite3_bind_text(st, 3, now, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 4, limit);
	cJSON *facts = cJSON_CreateArray();
	double conf_sum = 0;
	long count = 0, expired = 0;
	char freshest[LITE_TS_MAX] = "", oldest[LITE_TS_MAX] = "";
	while (sqlite3_step(st) == SQLITE_ROW) {
		const char *ts = (const char *)sqlite3_column_text(st, 6);
		const char *vu = (const char *)sqlite3_column_text(st, 7);
		bool is_exp = vu && strcmp(vu, now) <= 0;
		expired += is_exp;
		double conf = sqlite3_column_double(st, 5);
		cJSON *f = cJSON_CreateObject();
		lite_json_add_str(f, "id", (const char *)sqlite3_column_text(st, 0));
		lite_json_add_str(f, "entity", (const char *)sqlite3_column_text(st, 1));
		lite_json_add_str(f, "relation", (const char *)sqlite3_column_text(st, 2));
		cJSON *v = cJSON_AddObjectToObject(f, "value");
		lite_json_add_str(v, "type", (const char *)sqlite3_column_text(st, 3));
		lite_json_add_str(v, "v", (const char *)sqlite3_column_text(st, 4));
		lite_json_add_float(f, "confidence", conf);
		lite_json_add_str(f, "timestamp", ts);
		lite_json_add_str(f, "valid_until", vu);
		cJSON_AddBoolToObject(f, "is_expired", is_exp);
		lite_json_add_float(f, "age_seconds", age_seconds(ts, now_s));
		cJSON_AddBoolToObject(f, "contradicted", false); /* set below */
		lite_json_add_str(f, "source", (const char *)sqlite3_column_text(st, 8));
		cJSON_AddItemToArray(facts, f);
		conf_sum += conf;
		count++;
		if (ts && (!freshest[0] || strcmp(ts, freshest) > 0))
			snprintf(freshest, sizeof freshest, "%s", ts);
		if (ts && (!oldest[0] || strcmp(ts, oldest) < 0))
			snprintf(oldest, sizeof oldest, "%s", ts);
	}
	sqlite3_finalize(st);
	/* contradicted: another non-system fact of the same (entity, relation)
	 * among the rows returned. */
	long contradictions = 0;
	cJSON *a, *b;
	cJSON_ArrayForEach(a, facts)
	{
		const char *ea = cJSON_GetObjectItem(a, "entity")->valuestring;
		const char *ra = cJSON_GetObjectItem(a, "relation")->valuestring;
		if (!ea || !ra || is_system(ea, ra))
			continue;
		int same = 0;
		cJSON_ArrayForEach(b, facts)
		{
			const char *eb = cJSON_GetObjectItem(b, "entity")->valuestring;
			const char *rb = cJSON_GetObjectItem(b, "relation")->valuestring;
			if (eb && rb && strcmp(ea, eb) == 0 && strcmp(ra, rb) == 0)
				same++;
		}
		if (same > 1) {
			cJSON_ReplaceItemInObjectCaseSensitive(a, "contradicted", cJSON_CreateBool(1));
			contradictions++;
		}
	}
	cJSON *o = cJSON_CreateObject();
	lite_json_add_str(o, "scope", scope);
	cJSON_AddNumberToObject(o, "fact_count", (double)count);
	cJSON_AddItemToObject(o, "facts", facts);
	cJSON_AddNumberToObject(o, "contradiction_count", (double)contradictions);
	lite_json_add_float(o, "mean_confidence", count ? conf_sum / (double)count : 0.0);
	lite_json_add_str(o, "freshest_timestamp", freshest[0] ? freshest : NULL);
	lite_json_add_str(o, "oldest_timestamp", oldest[0] ? oldest : NULL);
	cJSON_AddNumberToObject(o, "expired_fact_count", (double)expired);
	lite_json_add_str(o, "synthesized_at", now);
	lite_resp_json(rs, 200, o);
	return 0;
}

/* ---- resolve -------------------------------------------------------------------- */

#define MAX_ID_CPS 512

/* Decode UTF-8 (lowercasing ASCII) into code points; invalid bytes count
 * as themselves. Returns the count (capped at cap). */
static size_t
code_points(const char *s, size_t len, uint32_t *out, size_t cap)
{
	size_t k = 0;
	for (size_t i = 0; i < len && k < cap;) {
		unsigned char c = (unsigned char)s[i];
		uint32_t cp = c;
		size_t l = 1;
		if (c >= 0xC0 && c < 0xE0 && i + 1 < len) {
			cp = (uint32_t)(c & 0x1F) << 6 | ((unsigned char)s[i + 1] & 0x3F);
			l = 2;
		} else if (c >= 0xE0 && c < 0xF0 && i + 2 < len) {
			cp = (uint32_t)(c & 0x0F) << 12 | (uint32_t)((unsigned char)s[i + 1] & 0x3F) << 6 |
			     ((unsigned char)s[i + 2] & 0x3F);
			l = 3;
		} else if (c >= 0xF0 && i + 3 < len) {
			cp = (uint32_t)(c & 0x07) << 18 | (uint32_t)((unsigned char)s[i + 1] & 0x3F) << 12 |
			     (uint32_t)((unsigned char)s[i + 2] & 0x3F) << 6 |
			     ((unsigned char)s[i + 3] & 0x3F);
			l = 4;
		}
		if (cp >= 'A' && cp <= 'Z')
			cp += 'a' - 'A';
		out[k++] = cp;
		i += l;
	}
	return k;
}

struct tokens {
	uint32_t cp[MAX_ID_CPS];     /* the tokens joined */
	size_t n_cp;
	size_t start[MAX_ID_CPS], len[MAX_ID_CPS];
	size_t n;
};

static bool
is_sep(uint32_t c)
{
	return c == '.' || c == '-' || c == '_' || c == '/' || c == ' ' || c == '\t' || c == '\n' ||
	       c == '\r' || c == '\f' || c == '\v';
}

static void
tokenize(const char *id, struct tokens *t)
{
	uint32_t raw[MAX_ID_CPS];
	size_t n = code_points(id, strlen(id), raw, MAX_ID_CPS);
	t->n = t->n_cp = 0;
	for (size_t i = 0; i < n;) {
		while (i < n && is_sep(raw[i]))
			i++;
		if (i >= n)
			break;
		t->start[t->n] = t->n_cp;
		while (i < n && !is_sep(raw[i]))
			t->cp[t->n_cp++] = raw[i++];
		t->len[t->n] = t->n_cp - t->start[t->n];
		t->n++;
	}
}

static bool
tok_eq(const struct tokens *a, size_t i, const struct tokens *b, size_t j)
{
	return a->len[i] == b->len[j] &&
	       memcmp(a->cp + a->start[i], b->cp + b->start[j], a->len[i] * sizeof(uint32_t)) == 0;
}

/* Longest common block of a[alo,ahi) and b[blo,bhi), as difflib finds it
 * (first maximal block in scan order); size 0 when none. */
static size_t
longest(const uint32_t *a, size_t alo, size_t ahi, const uint32_t *b, size_t blo, size_t bhi,
	size_t *bi, size_t *bj, size_t *len_prev, size_t *len_cur)
{
	size_t best = 0;
	*bi = alo;
	*bj = blo;
	for (size_t j = blo; j <= bhi; j++)
		len_prev[j] = 0;
	for (size_t i = alo; i < ahi; i++) {
		for (size_t j = blo; j < bhi; j++) {
			size_t k = a[i] == b[j] ? (j > blo ? len_prev[j - 1] : 0) + 1 : 0;
			len_cur[j] = k;
			if (k > best) {
				best = k;
				*bi = i + 1 - k;
				*bj = j + 1 - k;
			}
		}
		memcpy(len_prev + blo, len_cur + blo, (bhi - blo) * sizeof *len_prev);
	}
	return best;
}

static size_t
matches(const uint32_t *a, size_t alo, size_t ahi, const uint32_t *b, size_t blo, size_t bhi,
	size_t *w1, size_t *w2)
{
	if (alo >= ahi || blo >= bhi)
		return 0;
	size_t i, j;
	size_t k = longest(a, alo, ahi, b, blo, bhi, &i, &j, w1, w2);
	if (k == 0)
		return 0;
	return k + matches(a, alo, i, b, blo, j, w1, w2) +
	       matches(a, i + k, ahi, b, j + k, bhi, w1, w2);
}

/* difflib.SequenceMatcher(None, a, b).ratio() for strings under 200
 * characters (no automatic junk there). */
static double
seq_ratio(const uint32_t *a, size_t la, const uint32_t *b, size_t lb)
{
	if (la + lb == 0)
		return 1.0;
	size_t w1[MAX_ID_CPS + 1], w2[MAX_ID_CPS + 1];
	return 2.0 * (double)matches(a, 0, la, b, 0, lb, w1, w2) / (double)(la + lb);
}

static double
token_score(const struct tokens *a, const struct tokens *b)
{
	if (!a->n || !b->n)
		return 0.0;
	/* Jaccard over distinct tokens. */
	size_t inter = 0, ua = 0, ub = 0;
	for (size_t i = 0; i < a->n; i++) {
		bool dup = false;
		for (size_t k = 0; k < i && !dup; k++)
			dup = tok_eq(a, i, a, k);
		if (dup)
			continue;
		ua++;
		for (size_t j = 0; j < b->n; j++)
			if (tok_eq(a, i, b, j)) {
				inter++;
				break;
			}
	}
	for (size_t j = 0; j < b->n; j++) {
		bool dup = false;
		for (size_t k = 0; k < j && !dup; k++)
			dup = tok_eq(b, j, b, k);
		ub += !dup;
	}
	double jaccard = (double)inter / (double)(ua + ub - inter);
	double prefix = 0.0;
	for (size_t i = 0; i < a->n; i++)
		for (size_t j = 0; j < b->n; j++) {
			const uint32_t *ta = a->cp + a->start[i], *tb = b->cp + b->start[j];
			if (a->len[i] >= 1 && b->len[j] >= 1 && tb[0] == ta[0] && prefix < 0.3)
				prefix = 0.3;
			if (a->len[i] > 1 && b->len[j] >= 2 && tb[0] == ta[0] && tb[1] == ta[1])
				prefix = 0.5;
		}
	double seq = seq_ratio(a->cp, a->n_cp, b->cp, b->n_cp);
	double m = jaccard > prefix ? jaccard : prefix;
	if (seq > m)
		m = seq;
	return m < 1.0 ? m : 1.0;
}

/* Python's repr() of a string, near enough: single quotes unless the text
 * has one and no double quote; backslash, the quote, \t \n \r and other
 * control or invisible characters escaped. */
static void
py_repr(struct stg_buf *b, const char *s)
{
	char q = strchr(s, '\'') && !strchr(s, '"') ? '"' : '\'';
	stg_buf_putc(b, q);
	for (const unsigned char *p = (const unsigned char *)s; *p;) {
		unsigned c = *p;
		if (c == '\\' || c == (unsigned char)q) {
			stg_buf_putc(b, '\\');
			stg_buf_putc(b, (char)c);
			p++;
			continue;
		}
		if (c == '\t' || c == '\n' || c == '\r') {
			stg_buf_puts(b, c == '\t' ? "\\t" : c == '\n' ? "\\n" : "\\r");
			p++;
			continue;
		}
		if (c < 0x80) {
			if (c < 0x20 || c == 0x7f)
				stg_buf_printf(b, "\\x%02x", c);
			else
				stg_buf_putc(b, (char)c);
			p++;
			continue;
		}
		size_t bytes = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
		for (size_t k = 1; k < bytes; k++)
			if ((p[k] & 0xC0) != 0x80) {
				bytes = 1;
				break;
			}
		if (bytes == 1) {
			stg_buf_printf(b, "\\x%02x", c);
			p++;
			continue;
		}
		uint32_t cp;
		code_points((const char *)p, bytes, &cp, 1);
		bool invisible = (cp >= 0x80 && cp <= 0xA0) || cp == 0xAD ||
				 (cp >= 0x2000 && cp <= 0x200F) || (cp >= 0x2028 && cp <= 0x202F) ||
				 (cp >= 0x205F && cp <= 0x206F) || cp == 0xFEFF;
		if (invisible)
			stg_buf_printf(b, cp <= 0xFF ? "\\x%02x" : "\\u%04x", (unsigned)cp);
		else
			stg_buf_append(b, (const char *)p, bytes);
		p += bytes;
	}
	stg_buf_putc(b, q);
}

struct cand {
	char *uri;
	double score;
	char *note;
};

static int
cand_cmp(const void *x, const void *y)
{
	const struct cand *a = x, *b = y;
	if (a->score != b->score)
		return a->score > b->score ? -1 : 1;
	return 0;
}

int
lite_route_entity_resolve(struct lite_req *rq, struct lite_resp *rs)
{
	struct lite_node *n = rq->node;
	if (!lite_require(rq, rs, LITE_PERM_READ, "read"))
		return 0;
	const char *uri = lite_req_query(rq, "uri");
	if (!uri) {
		cJSON *items = cJSON_CreateArray();
		lite_verr_add(items, "missing", "query", "uri", NULL, -1, "Field required", NULL, NULL);
		lite_resp_422(rs, items);
		return 0;
	}
	long top_k;
	double threshold;
	if (!lite_query_int(rq, rs, "top_k", 5, 1, 20, &top_k) ||
	    !lite_query_float(rq, rs, "threshold", 0.5, 0.0, 1.0, &threshold))
		return 0;
	cJSON *o = cJSON_CreateObject();
	lite_json_add_str(o, "query", uri);
	char *canonical = lite_normalize_uri(NULL, uri);
	bool l1 = false;
	char *l2 = NULL;
	struct cand *cands = NULL;
	size_t n_cands = 0;
	if (canonical) {
		sqlite3_stmt *st = lite_stmt(n, "SELECT 1 FROM facts WHERE entity=? AND confidence > 0"
						" LIMIT 1");
		if (st) {
			sqlite3_bind_text(st, 1, canonical, -1, SQLITE_STATIC);
			l1 = sqlite3_step(st) == SQLITE_ROW;
			lite_stmt_done(st);
		}
		for (int k = 0; !l1 && !l2 && k < 2; k++) {
			st = lite_stmt(n, "SELECT canonical FROM entity_aliases WHERE alias=?");
			if (!st)
				break;
			sqlite3_bind_text(st, 1, k == 0 ? canonical : uri, -1, SQLITE_STATIC);
			if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
				l2 = strdup((const char *)sqlite3_column_text(st, 0));
			lite_stmt_done(st);
		}
		const char *colon = strchr(canonical, ':');
		bool informal = colon && strncmp(canonical, "stigmem://", 10) != 0;
		struct tokens *qt = informal && !l1 && !l2 ? malloc(sizeof *qt) : NULL;
		struct tokens *ct = qt ? malloc(sizeof *ct) : NULL;
		if (qt && ct)
			tokenize(colon + 1, qt);
		if (qt && ct && qt->n > 0) {
			char *pattern = NULL;
			size_t plen = (size_t)(colon - canonical);
			pattern = malloc(plen + 3);
			if (pattern) {
				memcpy(pattern, canonical, plen);
				memcpy(pattern + plen, ":%", 3);
			}
			st = pattern ? lite_prepare(n, "SELECT DISTINCT entity FROM facts WHERE entity LIKE ?"
						       " AND confidence > 0.0 LIMIT 2000")
				     : NULL;
			if (st) {
				sqlite3_bind_text(st, 1, pattern, -1, SQLITE_STATIC);
				while (sqlite3_step(st) == SQLITE_ROW) {
					const char *e = (const char *)sqlite3_column_text(st, 0);
					if (!e || strcmp(e, canonical) == 0)
						continue;
					const char *ec = strchr(e, ':');
					const char *cid = ec && strncmp(e, "stigmem://", 10) != 0 ? ec + 1 : e;
					tokenize(cid, ct);
					double sc = token_score(qt, ct);
					if (sc < threshold)
						continue;
					struct cand *p = realloc(cands, (n_cands + 1) * sizeof *cands);
					if (!p)
						break;
					cands = p;
					struct stg_buf nb;
					stg_buf_init(&nb);
					stg_buf_printf(&nb, "token_score=%.2f (", sc);
					py_repr(&nb, colon + 1);
					stg_buf_puts(&nb, " ~ ");
					py_repr(&nb, cid);
					stg_buf_putc(&nb, ')');
					cands[n_cands].uri = strdup(e);
					cands[n_cands].score = sc;
					cands[n_cands].note = stg_buf_take(&nb);
					n_cands++;
				}
				sqlite3_finalize(st);
			}
			free(pattern);
		}
		free(qt);
		free(ct);
		/* Stable: equal scores keep the order they were found in. */
		for (size_t i = 1; i < n_cands; i++)
			for (size_t j = i; j > 0 && cand_cmp(&cands[j - 1], &cands[j]) > 0; j--) {
				struct cand t = cands[j];
				cands[j] = cands[j - 1];
				cands[j - 1] = t;
			}
	}
	size_t shown = n_cands < (size_t)top_k ? n_cands : (size_t)top_k;
	lite_json_add_str(o, "canonical", canonical);
	const char *best = l2 ? l2 : (canonical && l1) ? canonical : shown ? cands[0].uri : canonical;
	lite_json_add_str(o, "best", best);
	if (l1 || l2 || shown)
		cJSON_AddNumberToObject(o, "resolution_layer", l1 ? 1 : l2 ? 2 : 3);
	else
		cJSON_AddNullToObject(o, "resolution_layer");
	cJSON_AddBoolToObject(o, "layer1_match", l1);
	lite_json_add_str(o, "layer2_match", l2);
	cJSON *arr = cJSON_AddArrayToObject(o, "layer3_candidates");
	for (size_t i = 0; i < shown; i++) {
		cJSON *c = cJSON_CreateObject();
		lite_json_add_str(c, "uri", cands[i].uri);
		lite_json_add_float(c, "score", round(cands[i].score * 10000.0) / 10000.0);
		lite_json_add_str(c, "match_note", cands[i].note);
		cJSON_AddItemToArray(arr, c);
	}
	for (size_t i = 0; i < n_cands; i++) {
		free(cands[i].uri);
		free(cands[i].note);
	}
	free(cands);
	free(l2);
	free(canonical);
	lite_resp_json(rs, 200, o);
	return 0;
}
