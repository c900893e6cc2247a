/* graph.c — BFS over the ref-edge index and GET /v1/graph/neighbors
 * (stigmem-api.md §8.2).
 *
 * Edges join a fact's normalized entity (src) to the raw ref string (dst).
 * The walk follows them in both directions, edges of one node in insertion
 * order; each entity is reported once, at its shortest hop count, with the
 * relation/confidence of the edge that first reached it. The neighbour
 * cursor is an offset into the walk recomputed on every call, expiring
 * after 300 s, like the reference. */
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>

#include "node/graph.h"
#include "node/lite_internal.h"
#include "stigmem/cid.h"

#define GRAPH_MAX_DEPTH 3
#define GRAPH_CURSOR_TTL_S 300.0

bool
lite_graph_relation_match(const char *filter, const char *relation)
{
	if (!filter || !*filter)
		return true;
	if (!relation)
		return false;
	size_t fl = strlen(filter);
	if (filter[fl - 1] == '*')
		return strncmp(relation, filter, fl - 1) == 0;
	return strcmp(relation, filter) == 0;
}

/* ---- a small string set (open addressing) --------------------------------- */

struct strset {
	const char **slot;
	long *val;
	size_t cap, n;
};

static uint64_t
str_hash(const char *s)
{
	uint64_t h = 1469598103934665603ULL;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h;
}

static long
strset_get(const struct strset *s, const char *k)
{
	if (!s->cap)
		return -2;
	for (size_t i = str_hash(k) & (s->cap - 1);; i = (i + 1) & (s->cap - 1)) {
		if (!s->slot[i])
			return -2;
		if (strcmp(s->slot[i], k) == 0)
			return s->val[i];
	}
}

/* Insert k (borrowed; must outlive the set). Returns false on OOM. */
static bool
strset_put(struct strset *s, const char *k, long v)
{
	if (2 * (s->n + 1) > s->cap) {
		size_t nc = s->cap ? s->cap * 2 : 64;
		const char **ns = calloc(nc, sizeof *ns);
		long *nv = calloc(nc, sizeof *nv);
		if (!ns || !nv) {
			free(ns);
			free(nv);
			return false;
		}
		for (size_t i = 0; i < s->cap; i++) {
			if (!s->slot[i])
				continue;
			size_t j = str_hash(s->slot[i]) & (nc - 1);
			while (ns[j])
				j = (j + 1) & (nc - 1);
			ns[j] = s->slot[i];
			nv[j] = s->val[i];
		}
		free(s->slot);
		free(s->val);
		s->slot = ns;
		s->val = nv;
		s->cap = nc;
	}
	size_t i = str_hash(k) & (s->cap - 1);
	while (s->slot[i]) {
		if (strcmp(s->slot[i], k) == 0) {
			s->val[i] = v;
			return true;
		}
		i = (i + 1) & (s->cap - 1);
	}
	s->slot[i] = k;
	s->val[i] = v;
	s->n++;
	return true;
}

static void
strset_done(struct strset *s)
{
	free(s->slot);
	free(s->val);
	memset(s, 0, sizeof *s);
}

/* ---- the walk -------------------------------------------------------------- */

void
lite_graph_done(struct lite_graph *g)
{
	if (!g)
		return;
	for (size_t i = 0; i < g->n; i++) {
		free(g->hits[i].entity);
		free(g->hits[i].relation);
	}
	free(g->hits);
	g->hits = NULL;
	g->n = 0;
}

int
lite_graph_walk(struct lite_node *n, const char *const *seeds, size_t n_seeds,
		const struct lite_graph_opts *o, struct lite_graph *out)
{
	memset(out, 0, sizeof *out);
	struct strset seen = {0};
	size_t cap = 0;
	int rc = 0;
	for (size_t i = 0; i < n_seeds; i++)
		if (!strset_put(&seen, seeds[i], -1))
			return -1;
	sqlite3_stmt *st = lite_prepare(
		n, "SELECT src, dst, relation, confidence, source_trust FROM edges"
		   " WHERE (src=?1 OR dst=?1) AND scope=?2 AND tenant_id=?3 AND confidence >= ?4"
		   " AND (?5 OR federated = 0) ORDER BY seq");
	if (!st) {
		strset_done(&seen);
		return -1;
	}
	/* Frontier: seeds (level 0), then hits of each level in order. */
	size_t level_start = 0, level_end = 0; /* range of hits forming the current frontier */
	for (int hop = 1; hop <= o->depth && rc == 0; hop++) {
		size_t n_front = hop == 1 ? n_seeds : level_end - level_start;
		size_t new_start = out->n;
		for (size_t f = 0; f < n_front && rc == 0; f++) {
			const char *cur = hop == 1 ? seeds[f] : out->hits[level_start + f].entity;
			long parent = hop == 1 ? -1 : (long)(level_start + f);
			size_t seed = hop == 1 ? f : out->hits[level_start + f].seed;
			sqlite3_reset(st);
			sqlite3_bind_text(st, 1, cur, -1, SQLITE_TRANSIENT);
			sqlite3_bind_text(st, 2, o->scope, -1, SQLITE_TRANSIENT);
			sqlite3_bind_text(st, 3, o->tenant, -1, SQLITE_TRANSIENT);
			sqlite3_bind_double(st, 4, o->min_confidence);
			sqlite3_bind_int(st, 5, o->include_federated ? 1 : 0);
			int s;
			while ((s = sqlite3_step(st)) == SQLITE_ROW) {
				const char *src = (const char *)sqlite3_column_text(st, 0);
				const char *dst = (const char *)sqlite3_column_text(st, 1);
				const char *rel = (const char *)sqlite3_column_text(st, 2);
				if (!src || !dst)
					continue;
				const char *other = strcmp(src, cur) == 0 ? dst : src;
				if (strcmp(other, cur) == 0)
					continue;
				if (!lite_graph_relation_match(o->relation_filter, rel))
					continue;
				bool has_trust = sqlite3_column_type(st, 4) != SQLITE_NULL;
				double trust = has_trust ? sqlite3_column_double(st, 4) : 0.0;
				if (o->use_min_trust && has_trust && trust < o->min_trust)
					continue;
				if (strset_get(&seen, other) != -2)
					continue;
				if (out->n == cap) {
					size_t nc = cap ? cap * 2 : 32;
					void *p = realloc(out->hits, nc * sizeof *out->hits);
					if (!p) {
						rc = -1;
						break;
					}
					out->hits = p;
					cap = nc;
				}
				struct lite_graph_hit *h = &out->hits[out->n];
				memset(h, 0, sizeof *h);
				h->entity = strdup(other);
				h->relation = strdup(rel ? rel : "");
				if (!h->entity || !h->relation) {
					free(h->entity);
					free(h->relation);
					rc = -1;
					break;
				}
				h->hops = hop;
				h->confidence = sqlite3_column_double(st, 3);
				h->has_trust = has_trust;
				h->trust = trust;
				h->parent = parent;
				h->seed = seed;
				out->n++;
				/* The hits array may move: re-read cur for the next edge. */
				if (hop > 1)
					cur = out->hits[level_start + f].entity;
				if (!strset_put(&seen, h->entity, (long)(out->n - 1))) {
					rc = -1;
					break;
				}
				if (o->max_hits && out->n >= o->max_hits)
					break;
			}
			if (s != SQLITE_ROW && s != SQLITE_DONE)
				rc = -1;
			if (o->max_hits && out->n >= o->max_hits)
				goto done;
		}
		level_start = new_start;
		level_end = out->n;
		if (level_end == level_start)
			break;
	}
done:
	sqlite3_finalize(st);
	strset_done(&seen);
	if (rc != 0)
		lite_graph_done(out);
	return rc;
}

/* ---- cursor ---------------------------------------------------------------- */

static const char b64url[] =
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

char *
lite_graph_cursor_encode(long long offset, double ts)
{
	char num[STG_PYFLOAT_MAX], json[96];
	stg_pyfloat_format(ts, num);
	int jl = snprintf(json, sizeof json, "{\"offset\": %lld, \"ts\": %s}", offset, num);
	if (jl < 0 || (size_t)jl >= sizeof json)
		return NULL;
	size_t outcap = ((size_t)jl + 2) / 3 * 4 + 1;
	char *out = malloc(outcap);
	if (!out)
		return NULL;
	size_t k = 0;
	const unsigned char *in = (const unsigned char *)json;
	for (int i = 0; i < jl; i += 3) {
		uint32_t v = (uint32_t)in[i] << 16;
		int rem = jl - i;
		if (rem > 1)
			v |= (uint32_t)in[i + 1] << 8;
		if (rem > 2)
			v |= in[i + 2];
		out[k++] = b64url[(v >> 18) & 63];
		out[k++] = b64url[(v >> 12) & 63];
		if (rem > 1)
			out[k++] = b64url[(v >> 6) & 63];
		if (rem > 2)
			out[k++] = b64url[v & 63];
	}
	out[k] = '\0';
	return out;
}

static int
b64_val(int c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '-' || c == '+')
		return 62;
	if (c == '_' || c == '/')
		return 63;
	return -1;
}

int
lite_graph_cursor_decode(const char *cursor, long long *offset, double *ts)
{
	size_t len = strlen(cursor);
	while (len > 0 && cursor[len - 1] == '=')
		len--;
	if (len == 0 || len > 4096 || len % 4 == 1)
		return -1;
	char *buf = malloc(len + 1);
	if (!buf)
		return -1;
	size_t k = 0;
	uint32_t acc = 0;
	int bits = 0;
	for (size_t i = 0; i < len; i++) {
		int v = b64_val((unsigned char)cursor[i]);
		if (v < 0) {
			free(buf);
			return -1;
		}
		acc = (acc << 6) | (uint32_t)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			buf[k++] = (char)((acc >> bits) & 0xFF);
		}
	}
	buf[k] = '\0';
	int rc = -1;
	cJSON *j = cJSON_ParseWithLength(buf, k);
	const cJSON *off = cJSON_GetObjectItemCaseSensitive(j, "offset");
	const cJSON *t = cJSON_GetObjectItemCaseSensitive(j, "ts");
	if (cJSON_IsObject(j) && cJSON_IsNumber(off) && cJSON_IsNumber(t) && off->valuedouble >= 0 &&
	    off->valuedouble <= 1e15 && off->valuedouble == floor(off->valuedouble) &&
	    isfinite(t->valuedouble)) {
		*offset = (long long)off->valuedouble;
		*ts = t->valuedouble;
		rc = 0;
	}
	cJSON_Delete(j);
	free(buf);
	return rc;
}

/* ---- GET /v1/graph/neighbors ------------------------------------------------- */

static bool
require_query(struct lite_req *rq, struct lite_resp *rs, const char *name, const char **out)
{
	*out = lite_req_query(rq, name);
	if (*out)
		return true;
	cJSON *items = cJSON_CreateArray();
	lite_verr_add(items, "missing", "query", name, NULL, -1, "Field required", NULL, NULL);
	lite_resp_422(rs, items);
	return false;
}

int
lite_route_neighbors(struct lite_req *rq, struct lite_resp *rs)
{
	const char *entity_raw, *scope;
	long depth, page_size;
	double min_conf, min_trust;
	if (!lite_require(rq, rs, LITE_PERM_READ, "read"))
		return 0;
	if (!require_query(rq, rs, "entity", &entity_raw) ||
	    !require_query(rq, rs, "scope", &scope) ||
	    !lite_query_int(rq, rs, "depth", 1, 1, LONG_MAX, &depth) ||
	    !lite_query_float(rq, rs, "min_confidence", 0.1, 0.0, 1.0, &min_conf) ||
	    !lite_query_float(rq, rs, "min_trust", 0.0, 0.0, 1.0, &min_trust) ||
	    !lite_query_int(rq, rs, "page_size", 20, 1, 200, &page_size))
		return 0;
	char *entity = lite_normalize_uri(rq->node, entity_raw);
	if (!entity) {
		lite_resp_detail(rs, 400, "invalid_entity_uri: empty URI");
		return 0;
	}
	if (depth > GRAPH_MAX_DEPTH) {
		lite_resp_detail_code(rs, 400, "graph_depth_exceeded", "depth must be \xe2\x89\xa4 3",
				      NULL);
		free(entity);
		return 0;
	}
	struct timeval tv;
	gettimeofday(&tv, NULL);
	double now = (double)tv.tv_sec + (double)tv.tv_usec / 1e6;
	long long offset = 0;
	const char *cursor = lite_req_query(rq, "cursor");
	if (cursor && *cursor) {
		double ts;
		if (lite_graph_cursor_decode(cursor, &offset, &ts) != 0) {
			lite_resp_detail_code(rs, 400, "invalid_cursor", "cursor could not be decoded",
					      NULL);
			free(entity);
			return 0;
		}
		if (now - ts > GRAPH_CURSOR_TTL_S) {
			lite_resp_detail_code(rs, 400, "cursor_expired",
					      "cursor expired; restart from the first page", NULL);
			free(entity);
			return 0;
		}
	}
	struct lite_graph_opts o = {
		.scope = scope,
		.tenant = rq->who.tenant_id[0] ? rq->who.tenant_id : "default",
		.depth = (int)depth,
		.min_confidence = min_conf,
		.use_min_trust = true,
		.min_trust = min_trust,
		.relation_filter = lite_req_query(rq, "relation_filter"),
		.include_federated = (rq->who.perms & LITE_PERM_FEDERATE) != 0,
		.max_hits = 0,
	};
	const char *seeds[1] = {entity};
	struct lite_graph g;
	if (lite_graph_walk(rq->node, seeds, 1, &o, &g) != 0) {
		free(entity);
		lite_resp_internal(rs, "graph: walk failed");
		return 0;
	}
	cJSON *root = cJSON_CreateObject();
	cJSON_AddStringToObject(root, "entity", entity);
	cJSON_AddNumberToObject(root, "depth", (double)depth);
	cJSON *arr = cJSON_AddArrayToObject(root, "neighbors");
	size_t start = (size_t)offset < g.n ? (size_t)offset : g.n;
	size_t end = start + (size_t)page_size < g.n ? start + (size_t)page_size : g.n;
	for (size_t i = start; i < end; i++) {
		const struct lite_graph_hit *h = &g.hits[i];
		cJSON *it = cJSON_CreateObject();
		cJSON_AddStringToObject(it, "entity", h->entity);
		cJSON_AddStringToObject(it, "relation", h->relation);
		cJSON_AddNumberToObject(it, "hops", h->hops);
		cJSON_AddItemToObject(it, "confidence", lite_json_float(h->confidence));
		if (h->has_trust)
			cJSON_AddItemToObject(it, "source_trust", lite_json_float(h->trust));
		else
			cJSON_AddNullToObject(it, "source_trust");
		/* path: seed ... parent (the neighbour itself excluded). */
		int depth_of = h->hops;
		cJSON *path = cJSON_AddArrayToObject(it, "path");
		const char **chain = calloc((size_t)depth_of + 1, sizeof *chain);
		if (chain) {
			int k = 0;
			for (long p = h->parent; p >= 0 && k < depth_of; p = g.hits[p].parent)
				chain[k++] = g.hits[p].entity;
			chain[k++] = entity;
			for (int j = k - 1; j >= 0; j--)
				cJSON_AddItemToArray(path, cJSON_CreateString(chain[j]));
			free(chain);
		}
		cJSON_AddItemToArray(arr, it);
	}
	if (end < g.n) {
		char *next = lite_graph_cursor_encode((long long)end, now);
		lite_json_add_str(root, "next_cursor", next);
		free(next);
	} else {
		cJSON_AddNullToObject(root, "next_cursor");
	}
	cJSON_AddNumberToObject(root, "total_hint", (double)g.n);
	lite_graph_done(&g);
	free(entity);
	lite_resp_json(rs, 200, root);
	return 0;
}
