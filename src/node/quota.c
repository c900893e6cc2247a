/* quota.c — per-key request quotas (§1.3).
 *
 * Token buckets per principal, only for requests whose Bearer token mapped
 * to a key (not anon:trusted); the /v1/federation/ routes are exempt. Dimensions:
 * fact_read (GET /v1/facts..., anything under /v1/recall) and fact_write
 * (POST/PUT/PATCH/DELETE /v1/facts..., including .../verify-cid). Each
 * bucket holds opt.quota_read_per_hour / opt.quota_write_per_hour tokens
 * (0 = unlimited) and refills continuously at that rate per hour. A request
 * with no token left answers 429 {"error":"quota_exceeded","dimension",
 * "principal","retry_after"} and Retry-After (whole seconds, at least 1).
 *
 * State: node->quota_state, in memory only, under the node lock. At most
 * LITE_QUOTA_CAP buckets; a new principal in a full table takes the slot of
 * the least recently used bucket (which then starts full again). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "node/lite_internal.h"

struct bucket {
	char principal[LITE_URI_MAX];
	char tenant[LITE_TENANT_MAX];
	double tokens[2];            /* fact_read, fact_write */
	double at;                   /* monotonic seconds of the last refill */
};

struct quota_table {
	struct bucket *v;
	size_t n, cap;
};

static double
mono_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static struct bucket *
bucket_of(struct lite_node *n, const struct lite_principal *who, double now)
{
	struct quota_table *t = n->quota_state;
	if (!t) {
		t = calloc(1, sizeof *t);
		if (!t)
			return NULL;
		n->quota_state = t;
	}
	for (size_t i = 0; i < t->n; i++)
		if (strcmp(t->v[i].principal, who->entity_uri) == 0 &&
		    strcmp(t->v[i].tenant, who->tenant_id) == 0)
			return &t->v[i];
	struct bucket *b;
	if (t->n == t->cap && t->cap < LITE_QUOTA_CAP) {
		size_t nc = t->cap ? t->cap * 2 : 8;
		if (nc > LITE_QUOTA_CAP)
			nc = LITE_QUOTA_CAP;
		struct bucket *nv = realloc(t->v, nc * sizeof *nv);
		if (!nv)
			return NULL;
		t->v = nv;
		t->cap = nc;
	}
	if (t->n < t->cap) {
		b = &t->v[t->n++];
	} else {
		b = &t->v[0];
		for (size_t i = 1; i < t->n; i++)
			if (t->v[i].at < b->at)
				b = &t->v[i];
	}
	memset(b, 0, sizeof *b);
	snprintf(b->principal, sizeof b->principal, "%s", who->entity_uri);
	snprintf(b->tenant, sizeof b->tenant, "%s", who->tenant_id);
	b->tokens[0] = (double)n->opt.quota_read_per_hour;
	b->tokens[1] = (double)n->opt.quota_write_per_hour;
	b->at = now;
	return b;
}

bool
lite_quota_check(struct lite_req *rq, struct lite_resp *rs)
{
	struct lite_node *n = rq->node;
	if (rq->who.anonymous || rq->n_seg < 2 || strcmp(rq->seg[0], "v1") != 0)
		return true;
	const char *s1 = rq->seg[1], *m = rq->method;
	int dim;
	if (strcmp(s1, "recall") == 0)
		dim = 0;
	else if (strcmp(s1, "facts") != 0)
		return true; /* federation, cards, conflicts, ...: not limited */
	else if (strcmp(m, "GET") == 0 || strcmp(m, "HEAD") == 0)
		dim = 0;
	else if (strcmp(m, "POST") == 0 || strcmp(m, "PUT") == 0 || strcmp(m, "PATCH") == 0 ||
		 strcmp(m, "DELETE") == 0)
		dim = 1;
	else
		return true;
	long cap = dim ? n->opt.quota_write_per_hour : n->opt.quota_read_per_hour;
	if (cap <= 0)
		return true;
	double now = mono_now();
	struct bucket *b = bucket_of(n, &rq->who, now);
	if (!b)
		return true;
	double rate = (double)cap / 3600.0; /* tokens per second */
	double el = now - b->at;
	for (int d = 0; d < 2; d++) {
		long c = d ? n->opt.quota_write_per_hour : n->opt.quota_read_per_hour;
		if (c > 0 && el > 0)
			b->tokens[d] = fmin((double)c, b->tokens[d] + el * (double)c / 3600.0);
	}
	b->at = now;
	if (b->tokens[dim] >= 1.0) {
		b->tokens[dim] -= 1.0;
		return true;
	}
	double retry = (1.0 - b->tokens[dim]) / rate;
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "error", "quota_exceeded");
	cJSON_AddStringToObject(o, "dimension", dim ? "fact_write" : "fact_read");
	cJSON_AddStringToObject(o, "principal", rq->who.entity_uri);
	lite_json_add_float(o, "retry_after", retry);
	lite_resp_json(rs, 429, o);
	char ra[32];
	double up = ceil(retry);
	snprintf(ra, sizeof ra, "%ld", up < 1.0 ? 1L : (long)up);
	lite_resp_header(rs, "Retry-After", ra);
	return false;
}

void
lite_quota_free(struct lite_node *n)
{
	struct quota_table *t = n->quota_state;
	if (t) {
		free(t->v);
		free(t);
	}
	n->quota_state = NULL;
}
