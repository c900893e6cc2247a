/* test_lite_recall.c — stigmem-lite POST /v1/recall and GET /v1/graph/neighbors
 * over real HTTP against an in-process node: the reference recordings
 * replayed (scores, breakdowns, packing, card fast path, graph walks),
 * the §5.4 formula recomputed from the breakdown, validation errors, the
 * LIKE fallback, the semantic stage and the neighbour cursor. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/time.h>

#include <cmocka.h>
#include <cJSON.h>
#include <curl/curl.h>

#include "node/graph.h"
#include "node/lite.h"
#include "node/lite_internal.h"
#include "node/recall.h"
#include "stigmem/buf.h"
#include "stigmem/cid.h"
#include "stigmem/embed.h"
#include "stigmem/score.h"

/* ---- in-process node + HTTP helpers (libcurl) ------------------------------ */

struct tnode {
	struct lite_node *node;
	char dir[256];               /* scratch directory of this node */
	char db[320];
	char tl[320];
	int port;
	const char *bootstrap_key;   /* set => auth required with this admin key */
};

static __attribute__((unused)) void
tnode_paths(struct tnode *t)
{
	snprintf(t->db, sizeof t->db, "%s/node.db", t->dir);
	snprintf(t->tl, sizeof t->tl, "%s/tl.jsonl", t->dir);
}

/* Start a node in a fresh scratch directory (or reuse t->dir when set). */
static __attribute__((unused)) void
tnode_start(struct tnode *t, long interval, long max_age)
{
	if (!t->dir[0]) {
		snprintf(t->dir, sizeof t->dir, "lite-XXXXXX");
		assert_non_null(mkdtemp(t->dir));
	}
	tnode_paths(t);
	struct lite_options o;
	lite_options_init(&o);
	o.host = "127.0.0.1";
	o.port = 0;
	o.db_path = t->db;
	o.tl_path = t->tl;
	o.auth = t->bootstrap_key ? LITE_AUTH_REQUIRED : LITE_AUTH_NONE;
	o.bootstrap_key = t->bootstrap_key;
	o.quiet = true;
	o.checkpoint_interval = interval;
	o.checkpoint_max_age_s = max_age;
	char err[256] = "";
	t->node = lite_node_start(&o, err, sizeof err);
	if (!t->node)
		fail_msg("lite_node_start: %s", err);
	t->port = lite_node_port(t->node);
	assert_true(t->port > 0);
}

static __attribute__((unused)) void
tnode_stop(struct tnode *t)
{
	lite_node_stop(t->node);
	t->node = NULL;
}

struct http_resp {
	long status;
	struct stg_buf body;
	char total_count[32];        /* X-Total-Count, "" when absent */
	cJSON *json;                 /* parsed body (NULL when not JSON) */
};

static __attribute__((unused)) size_t
on_body(char *p, size_t sz, size_t n, void *ud)
{
	stg_buf_append(ud, p, sz * n);
	return sz * n;
}

static __attribute__((unused)) size_t
on_header(char *p, size_t sz, size_t n, void *ud)
{
	struct http_resp *r = ud;
	size_t len = sz * n;
	if (len > 14 && strncasecmp(p, "x-total-count:", 14) == 0) {
		size_t k = 0;
		for (size_t i = 14; i < len && k + 1 < sizeof r->total_count; i++)
			if (p[i] >= '0' && p[i] <= '9')
				r->total_count[k++] = p[i];
		r->total_count[k] = '\0';
	}
	return len;
}

static __attribute__((unused)) void
http_done(struct http_resp *r)
{
	stg_buf_done(&r->body);
	cJSON_Delete(r->json);
	memset(r, 0, sizeof *r);
}

/* One request; `hdr` is an extra header line or NULL. Fills r (http_done it). */
static __attribute__((unused)) void
http(const struct tnode *t, const char *method, const char *path, const char *body,
     const char *hdr, struct http_resp *r)
{
	memset(r, 0, sizeof *r);
	stg_buf_init(&r->body);
	CURL *c = curl_easy_init();
	assert_non_null(c);
	char url[4096];
	snprintf(url, sizeof url, "http://127.0.0.1:%d%s", t->port, path);
	struct curl_slist *h = curl_slist_append(NULL, "Content-Type: application/json");
	/* hdr: one or more header lines separated by '\n' */
	for (const char *p = hdr; p && *p;) {
		const char *e = strchr(p, '\n');
		size_t l = e ? (size_t)(e - p) : strlen(p);
		char line[1024];
		snprintf(line, sizeof line, "%.*s", (int)l, p);
		h = curl_slist_append(h, line);
		p = e ? e + 1 : p + l;
	}
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
	curl_easy_setopt(c, CURLOPT_PATH_AS_IS, 1L);
	if (body)
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &r->body);
	curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(c, CURLOPT_HEADERDATA, r);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, 30L);
	CURLcode cc = curl_easy_perform(c);
	if (cc != CURLE_OK)
		fail_msg("curl %s %s: %s", method, path, curl_easy_strerror(cc));
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r->status);
	curl_slist_free_all(h);
	curl_easy_cleanup(c);
	if (r->body.len)
		r->json = cJSON_ParseWithLength(r->body.data, r->body.len);
}

/* POST /v1/facts; returns the new id (static buffer copy in out). */
static __attribute__((unused)) void
post_fact(const struct tnode *t, const char *json, char out[64])
{
	struct http_resp r;
	http(t, "POST", "/v1/facts", json, NULL, &r);
	if (r.status != 201)
		fail_msg("POST /v1/facts %ld: %s", r.status, r.body.data ? r.body.data : "");
	const cJSON *id = cJSON_GetObjectItemCaseSensitive(r.json, "id");
	assert_true(cJSON_IsString(id));
	if (out)
		snprintf(out, 64, "%s", id->valuestring);
	http_done(&r);
}

static __attribute__((unused)) char *
read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	struct stg_buf b;
	stg_buf_init(&b);
	char tmp[65536];
	size_t k;
	while ((k = fread(tmp, 1, sizeof tmp, f)) > 0)
		stg_buf_append(&b, tmp, k);
	fclose(f);
	if (len)
		*len = b.len;
	return stg_buf_take(&b);
}

/* A fixture file of the reference node as parsed JSON; fails when absent. */
static __attribute__((unused)) cJSON *
fixture(const char *name)
{
	const char *dir = getenv("STG_SHARED_DIR");
	if (!dir)
		fail_msg("STG_SHARED_DIR is not set");
	char path[1024];
	snprintf(path, sizeof path, "%s/fixtures/reference-node/%s", dir, name);
	char *s = read_file(path, NULL);
	if (!s)
		fail_msg("missing fixture %s", path);
	cJSON *j = cJSON_Parse(s);
	free(s);
	assert_non_null(j);
	return j;
}

/* Replay the phase-A fact writes of seed-requests.json (steps <= upto),
 * remembering each fact id under its ref in `ids` (an object ref -> id). */
static __attribute__((unused)) cJSON *
replay_seed(const struct tnode *t, int upto)
{
	cJSON *seed = fixture("seed-requests.json");
	cJSON *ids = cJSON_CreateObject();
	const cJSON *s;
	cJSON_ArrayForEach(s, cJSON_GetObjectItemCaseSensitive(seed, "seeds"))
	{
		int step = cJSON_GetObjectItemCaseSensitive(s, "step")->valueint;
		const char *path = cJSON_GetObjectItemCaseSensitive(s, "path")->valuestring;
		if (step > upto)
			break;
		if (strcmp(path, "/v1/facts") != 0)
			continue;
		const cJSON *b = cJSON_GetObjectItemCaseSensitive(s, "body_template");
		if (!b)
			b = cJSON_GetObjectItemCaseSensitive(s, "body");
		char *txt = cJSON_PrintUnformatted(b);
		/* Substitute ${fact:<ref>} with the ids seen so far. */
		struct stg_buf out;
		stg_buf_init(&out);
		for (const char *p = txt; *p;) {
			if (strncmp(p, "${fact:", 7) == 0 && strchr(p, '}')) {
				const char *e = strchr(p, '}');
				char ref[128];
				snprintf(ref, sizeof ref, "%.*s", (int)(e - p - 7), p + 7);
				const cJSON *id = cJSON_GetObjectItemCaseSensitive(ids, ref);
				assert_non_null(id);
				stg_buf_puts(&out, id->valuestring);
				p = e + 1;
			} else {
				stg_buf_putc(&out, *p++);
			}
		}
		char id[64];
		post_fact(t, out.data, id);
		const char *ref = cJSON_GetObjectItemCaseSensitive(s, "ref")->valuestring;
		if (!cJSON_GetObjectItemCaseSensitive(ids, ref))
			cJSON_AddStringToObject(ids, ref, id);
		stg_buf_done(&out);
		free(txt);
	}
	cJSON_Delete(seed);
	return ids;
}

static __attribute__((unused)) const cJSON *
jget(const cJSON *o, const char *k)
{
	return cJSON_GetObjectItemCaseSensitive(o, k);
}

static __attribute__((unused)) double
jnum(const cJSON *o, const char *k)
{
	const cJSON *v = jget(o, k);
	if (!cJSON_IsNumber(v))
		fail_msg("member %s is not a number", k);
	return v->valuedouble;
}

static __attribute__((unused)) const char *
jstr(const cJSON *o, const char *k)
{
	const cJSON *v = jget(o, k);
	if (!cJSON_IsString(v))
		fail_msg("member %s is not a string", k);
	return v->valuestring;
}

/* ---- shared fixture node ----------------------------------------------------- */

static struct tnode g_fix;
static cJSON *g_ids;

static int
setup_fixture_node(void **state)
{
	(void)state;
	memset(&g_fix, 0, sizeof g_fix);
	tnode_start(&g_fix, 1, 60);
	g_ids = replay_seed(&g_fix, 65);
	return 0;
}

static int
teardown_fixture_node(void **state)
{
	(void)state;
	tnode_stop(&g_fix);
	cJSON_Delete(g_ids);
	g_ids = NULL;
	return 0;
}

/* The id-free signature of one ScoredFact: what must equal the recording. */
static void
entry_sig(const cJSON *e, char *out, size_t cap)
{
	const cJSON *f = jget(e, "fact"), *bd = jget(e, "score_breakdown");
	char *v = cJSON_PrintUnformatted(jget(f, "value"));
	snprintf(out, cap, "%s|%s|%s|%s|%.6f|%.4f,%.4f,%.4f,%.4f,%.4f,%.6f|%d|%d|%d|%.6f",
		 jstr(f, "entity"), jstr(f, "relation"), jstr(f, "source"), v, jnum(e, "score"),
		 jnum(bd, "lexical"), jnum(bd, "semantic"), jnum(bd, "graph"),
		 jnum(bd, "source_trust"), jnum(bd, "recency"), jnum(bd, "weighted_total"),
		 (int)jnum(e, "hop_distance"), (int)jnum(e, "token_estimate"),
		 cJSON_IsTrue(jget(e, "from_card")), jnum(f, "confidence"));
	free(v);
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Sorted signatures of an array of ScoredFacts (caller frees each + array). */
static char **
sigs(const cJSON *arr, int *n)
{
	*n = cJSON_GetArraySize(arr);
	char **s = calloc((size_t)*n + 1, sizeof *s);
	int i = 0;
	const cJSON *e;
	cJSON_ArrayForEach(e, arr)
	{
		s[i] = malloc(4096);
		entry_sig(e, s[i], 4096);
		i++;
	}
	qsort(s, (size_t)*n, sizeof *s, cmp_str);
	return s;
}

static void
free_sigs(char **s, int n)
{
	for (int i = 0; i < n; i++)
		free(s[i]);
	free(s);
}

/* Every non-card score equals round(base * confidence, 6) recomputed from
 * the breakdown and the request weights; card scores equal avg_confidence;
 * order is score desc, then fact id. */
static void
check_formula(const cJSON *resp, struct stg_recall_weights w)
{
	const cJSON *e, *prev = NULL;
	double W = w.lexical + w.semantic + w.graph + w.recency;
	if (W == 0)
		W = 1.0;
	cJSON_ArrayForEach(e, jget(resp, "facts"))
	{
		const cJSON *f = jget(e, "fact"), *bd = jget(e, "score_breakdown");
		double score = jnum(e, "score");
		assert_true(jnum(bd, "weighted_total") == score);
		if (cJSON_IsTrue(jget(e, "from_card"))) {
			assert_true(score == jnum(f, "confidence"));
			assert_true(jnum(bd, "source_trust") == jnum(f, "confidence"));
			assert_true(jnum(bd, "lexical") == 0 && jnum(bd, "graph") == 0);
			assert_int_equal((int)jnum(e, "hop_distance"), 0);
			assert_true(strncmp(jstr(f, "id"), "card:", 5) == 0);
			assert_string_equal(jstr(f, "relation"), "stigmem:card:summary");
		} else {
			int hop = (int)jnum(e, "hop_distance");
			double g = hop == 0 ? 1.0 : 1.0 / (1.0 + hop);
			assert_true(fabs(jnum(bd, "graph") - g) < 5.1e-5);
			double base = (w.lexical * jnum(bd, "lexical") + w.semantic * jnum(bd, "semantic") +
				       w.graph * g + w.recency * jnum(bd, "recency")) / W;
			double expect = base * jnum(f, "confidence");
			/* breakdown signals carry 4 decimals: allow their rounding */
			double tol = 5.01e-5 * (w.lexical + w.semantic + w.recency) / W *
					     jnum(f, "confidence") + 1e-6;
			if (fabs(expect - score) > tol)
				fail_msg("%s %s: score %.6f, formula gives %.6f", jstr(f, "entity"),
					 jstr(f, "relation"), score, expect);
			assert_true(jnum(bd, "source_trust") == 0.0);
		}
		if (prev) {
			double ps = jnum(prev, "score");
			assert_true(ps >= score);
			if (ps == score)
				assert_true(strcmp(jstr(jget(prev, "fact"), "id"),
						   jstr(jget(e, "fact"), "id")) < 0);
		}
		prev = e;
	}
}

static struct stg_recall_weights
req_weights(const cJSON *body)
{
	struct stg_recall_weights w = {0.35, 0.35, 0.15, 0.10, 0.05};
	const cJSON *wj = jget(body, "weights");
	if (wj) {
		w.lexical = jnum(wj, "lexical");
		w.semantic = jnum(wj, "semantic");
		w.graph = jnum(wj, "graph");
		w.source_trust = jnum(wj, "source_trust");
		w.recency = jnum(wj, "recency");
	}
	return w;
}

/* Send the recorded request and compare with the recorded response. */
static void
check_recording(const char *name)
{
	cJSON *fx = fixture(name);
	const cJSON *rq = jget(fx, "request");
	char *body = cJSON_PrintUnformatted(jget(rq, "body"));
	const cJSON *hv = jget(jget(rq, "headers"), "Stigmem-Verify");
	struct http_resp r;
	http(&g_fix, "POST", jstr(rq, "path"), body,
	     cJSON_IsString(hv) ? "Stigmem-Verify: full" : NULL, &r);
	int want_status = (int)jnum(fx, "status");
	if (r.status != want_status)
		fail_msg("%s: status %ld, recorded %d: %s", name, r.status, want_status,
			 r.body.data ? r.body.data : "");
	const cJSON *rec = jget(fx, "body");
	assert_non_null(r.json);
	if (want_status != 200) {
		char *a = cJSON_PrintUnformatted(r.json), *b = cJSON_PrintUnformatted(rec);
		assert_string_equal(a, b);
		free(a);
		free(b);
		goto out;
	}
	/* Same top-level keys in the same order. */
	const cJSON *ka = r.json->child, *kb = rec->child;
	for (; ka && kb; ka = ka->next, kb = kb->next)
		assert_string_equal(ka->string, kb->string);
	assert_null(ka);
	assert_null(kb);
	assert_true(jnum(r.json, "total_scored") == jnum(rec, "total_scored"));
	assert_true(jnum(r.json, "tokens_used") == jnum(rec, "tokens_used"));
	assert_true(jnum(r.json, "token_budget") == jnum(rec, "token_budget"));
	assert_int_equal(cJSON_IsTrue(jget(r.json, "truncated")), cJSON_IsTrue(jget(rec, "truncated")));
	assert_string_equal(r.total_count,
			    jstr(jget(fx, "headers"), "x-total-count"));
	assert_string_equal(jstr(r.json, "query_hash"), jstr(rec, "query_hash"));
	int na, nb;
	char **sa = sigs(jget(r.json, "facts"), &na), **sb = sigs(jget(rec, "facts"), &nb);
	assert_int_equal(na, nb);
	for (int i = 0; i < na; i++)
		if (strcmp(sa[i], sb[i]) != 0)
			fail_msg("%s entry %d:\n ours %s\n rec  %s", name, i, sa[i], sb[i]);
	free_sigs(sa, na);
	free_sigs(sb, nb);
	if (jget(rec, "content")) {
		assert_int_equal(cJSON_GetArraySize(jget(r.json, "content")),
				 cJSON_GetArraySize(jget(rec, "content")));
		assert_int_equal(cJSON_GetArraySize(jget(r.json, "instructions")), 0);
	}
	/* Every FactRecord carries the recorded key set in the recorded order. */
	const cJSON *fa = cJSON_GetArrayItem(jget(r.json, "facts"), 0);
	const cJSON *fb = cJSON_GetArrayItem(jget(rec, "facts"), 0);
	if (fa && fb) {
		ka = jget(fa, "fact")->child;
		kb = jget(fb, "fact")->child;
		for (; ka && kb; ka = ka->next, kb = kb->next)
			assert_string_equal(ka->string, kb->string);
		assert_null(ka);
		assert_null(kb);
	}
	check_formula(r.json, req_weights(jget(rq, "body")));
out:
	http_done(&r);
	free(body);
	cJSON_Delete(fx);
}

static void
test_recall_team_matches_recording(void **state)
{
	(void)state;
	check_recording("recall-team.json");
}

static void
test_recall_defaults_card_fast_path(void **state)
{
	(void)state;
	check_recording("recall-defaults.json");
	/* The planner's local facts come back as ONE card entry whose summary
	 * covers its live facts (the retraction excluded). */
	struct http_resp r;
	http(&g_fix, "POST", "/v1/recall", "{\"query\":\"phoenix\"}", NULL, &r);
	assert_int_equal(r.status, 200);
	const cJSON *e = cJSON_GetArrayItem(jget(r.json, "facts"), 0);
	const cJSON *f = jget(e, "fact");
	assert_string_equal(jstr(f, "id"), "card:stigmem://acme.example/agent/planner");
	assert_string_equal(jstr(f, "source"), "system:stigmem:materializer");
	assert_true(cJSON_IsNull(jget(f, "cid")) && cJSON_IsNull(jget(f, "hlc")));
	assert_string_equal(jstr(jget(f, "value"), "type"), "text");
	assert_non_null(strstr(jstr(jget(f, "value"), "v"), "agent:temperature: 0.2 (conf=0.90)"));
	assert_null(strstr(jstr(jget(f, "value"), "v"), "retracted"));
	assert_true(jnum(e, "score") == 0.98);
	http_done(&r);
}

static void
test_recall_lexical_only_depth_neighbors(void **state)
{
	(void)state;
	check_recording("recall-weights-lexical-only.json");
	check_recording("recall-depth-1.json");
	check_recording("recall-no-neighbors.json");
	check_recording("recall-company.json");
}

static void
test_recall_truncated_packing(void **state)
{
	(void)state;
	check_recording("recall-truncated.json");
	/* Packing rule: walk in score order, skip what does not fit. */
	struct http_resp all, cut;
	http(&g_fix, "POST", "/v1/recall", "{\"query\":\"phoenix\",\"scope\":\"team\"}", NULL, &all);
	http(&g_fix, "POST", "/v1/recall", "{\"query\":\"phoenix\",\"scope\":\"team\",\"token_budget\":60}",
	     NULL, &cut);
	assert_int_equal(all.status, 200);
	assert_int_equal(cut.status, 200);
	long long left = 60, used = 0;
	int k = 0;
	const cJSON *e;
	const cJSON *got = jget(cut.json, "facts");
	bool skipped = false;
	cJSON_ArrayForEach(e, jget(all.json, "facts"))
	{
		long long t = (long long)jnum(e, "token_estimate");
		if (t <= left) {
			const cJSON *g = cJSON_GetArrayItem(got, k++);
			assert_non_null(g);
			assert_string_equal(jstr(jget(g, "fact"), "id"), jstr(jget(e, "fact"), "id"));
			left -= t;
			used += t;
		} else {
			skipped = true;
		}
	}
	assert_int_equal(cJSON_GetArraySize(got), k);
	assert_true(jnum(cut.json, "tokens_used") == (double)used);
	assert_int_equal(cJSON_IsTrue(jget(cut.json, "truncated")), skipped);
	assert_true(jnum(cut.json, "total_scored") == jnum(all.json, "total_scored"));
	http_done(&all);
	http_done(&cut);
}

static void
test_recall_adversarial_card_and_legacy(void **state)
{
	(void)state;
	check_recording("recall-adversarial-card.json");
	check_recording("recall-legacy-format.json");
	check_recording("error-400-recall-invalid-scope.json");
}

static void
test_recall_token_estimate_rule(void **state)
{
	(void)state;
	/* token_estimate = max(1, len(entity + " " + relation + " " + V + " " + source) // 4)
	 * with V the sanitized value text ("" when falsy, True, 42.0 ...). */
	struct http_resp r;
	http(&g_fix, "POST", "/v1/recall", "{\"query\":\"phoenix\",\"scope\":\"team\",\"limit\":500}",
	     NULL, &r);
	assert_int_equal(r.status, 200);
	const cJSON *e;
	int checked = 0;
	cJSON_ArrayForEach(e, jget(r.json, "facts"))
	{
		const cJSON *f = jget(e, "fact");
		if (cJSON_IsTrue(jget(e, "from_card")))
			continue;
		const cJSON *v = jget(jget(f, "value"), "v");
		char vt[512] = "";
		if (cJSON_IsString(v))
			snprintf(vt, sizeof vt, "%s", v->valuestring);
		else if (cJSON_IsTrue(v))
			snprintf(vt, sizeof vt, "True");
		else if (cJSON_IsNumber(v) && v->valuedouble != 0.0)
			stg_pyfloat_format(v->valuedouble, vt);
		char all[2048];
		snprintf(all, sizeof all, "%s %s %s %s", jstr(f, "entity"), jstr(f, "relation"), vt,
			 jstr(f, "source"));
		size_t cps = 0;
		for (const char *p = all; *p; p++)
			cps += ((unsigned char)*p & 0xC0) != 0x80;
		long long want = (long long)(cps / 4) > 1 ? (long long)(cps / 4) : 1;
		assert_true(jnum(e, "token_estimate") == (double)want);
		checked++;
	}
	assert_true(checked >= 20);
	http_done(&r);
}

static void
test_recall_like_fallback(void **state)
{
	(void)state;
	/* An apostrophe makes FTS5 raise: the LIKE scan takes over, scored
	 * confidence / max confidence of the LIKE hits. */
	struct http_resp r;
	http(&g_fix, "POST", "/v1/recall",
	     "{\"query\":\"Alice's\",\"scope\":\"team\",\"include_neighbors\":false}", NULL, &r);
	assert_int_equal(r.status, 200);
	const cJSON *e;
	double maxc = 0;
	int n = 0;
	cJSON_ArrayForEach(e, jget(r.json, "facts"))
	{
		double c = jnum(jget(e, "fact"), "confidence");
		if (c > maxc)
			maxc = c;
		n++;
	}
	assert_true(n >= 2);
	bool saw_name = false;
	cJSON_ArrayForEach(e, jget(r.json, "facts"))
	{
		const cJSON *f = jget(e, "fact");
		double lex = jnum(jget(e, "score_breakdown"), "lexical");
		assert_true(fabs(lex - stg_score_pyround(jnum(f, "confidence") / maxc, 4)) < 1e-9);
		if (strcmp(jstr(f, "relation"), "memory:name") == 0)
			saw_name = true;
	}
	assert_true(saw_name);
	http_done(&r);
}

static void
test_recall_validation(void **state)
{
	(void)state;
	struct {
		const char *body;
		long status;
		const char *type;
		const char *loc1, *loc2;
	} cases[] = {
		{"{\"query\":\"x\",\"depth\":4}", 422, "less_than_equal", "depth", NULL},
		{"{\"query\":\"x\",\"depth\":0}", 422, "greater_than_equal", "depth", NULL},
		{"{\"scope\":\"team\"}", 422, "missing", "query", NULL},
		{"{\"query\":\"\"}", 422, "string_too_short", "query", NULL},
		{"{\"query\":\"x\",\"token_budget\":200001}", 422, "less_than_equal", "token_budget", NULL},
		{"{\"query\":\"x\",\"limit\":0}", 422, "greater_than_equal", "limit", NULL},
		{"{\"query\":\"x\",\"weights\":{\"lexical\":1.5}}", 422, "less_than_equal", "weights",
		 "lexical"},
		{"{\"query\":\"x\",\"min_confidence\":\"abc\"}", 422, "float_parsing", "min_confidence",
		 NULL},
		{"{\"query\":\"x\",\"include_neighbors\":\"maybe\"}", 422, "bool_parsing",
		 "include_neighbors", NULL},
		{"{\"query\":\"x\",\"depth\":1.5}", 422, "int_from_float", "depth", NULL},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct http_resp r;
		http(&g_fix, "POST", "/v1/recall", cases[i].body, NULL, &r);
		if (r.status != cases[i].status)
			fail_msg("%s: status %ld", cases[i].body, r.status);
		const cJSON *it = cJSON_GetArrayItem(jget(r.json, "detail"), 0);
		assert_non_null(it);
		assert_string_equal(jstr(it, "type"), cases[i].type);
		const cJSON *loc = jget(it, "loc");
		assert_string_equal(cJSON_GetArrayItem(loc, 0)->valuestring, "body");
		assert_string_equal(cJSON_GetArrayItem(loc, 1)->valuestring, cases[i].loc1);
		if (cases[i].loc2)
			assert_string_equal(cJSON_GetArrayItem(loc, 2)->valuestring, cases[i].loc2);
		http_done(&r);
	}
	/* Semantic 400s come after validation: invalid scope, as_of. */
	struct http_resp r;
	http(&g_fix, "POST", "/v1/recall", "{\"query\":\"x\",\"scope\":\"universe\"}", NULL, &r);
	assert_int_equal(r.status, 400);
	assert_string_equal(jstr(r.json, "detail"),
			    "invalid_scope: must be one of ['company', 'local', 'public', 'team']");
	http_done(&r);
	http(&g_fix, "POST", "/v1/recall", "{\"query\":\"x\",\"as_of\":\"2026-01-01T00:00:00+00:00\"}",
	     NULL, &r);
	assert_int_equal(r.status, 501);
	assert_string_equal(jstr(jget(r.json, "detail"), "code"), "time_travel_plugin_not_loaded");
	http_done(&r);
	char big[300];
	memset(big, 's', sizeof big);
	snprintf(big, sizeof big, "Stigmem-Session: %0200d", 7);
	http(&g_fix, "POST", "/v1/recall", "{\"query\":\"x\"}", big, &r);
	assert_int_equal(r.status, 400);
	assert_string_equal(jstr(r.json, "detail"), "session_id_too_long");
	http_done(&r);
}

static void
test_recall_query_helpers(void **state)
{
	(void)state;
	char *q = lite_recall_fts_query("a-b:c\"d(e)^f*g,h.i'j");
	assert_string_equal(q, "a b c d e  f g h.i'j");
	free(q);
	size_t st[5], ln[5];
	const char *s = "Alice's x café, b2 __ q";
	size_t n = lite_recall_like_words(s, 5, st, ln);
	assert_int_equal(n, 4);
	assert_memory_equal(s + st[0], "Alice", ln[0]);
	assert_memory_equal(s + st[1], "café", ln[1]);
	assert_memory_equal(s + st[2], "b2", ln[2]);
	assert_memory_equal(s + st[3], "__", ln[3]);
	assert_int_equal(lite_recall_like_words("a b c d e f g h i j ab cd ef gh ij kl", 5, st, ln), 5);
}

/* A fresh node: the top lexical hit of a confidence-1.0 fact scores
 * (0.35 + 0.15 + 0.05) / 0.90 = 0.611111 with the default weights. */
static void
test_recall_fresh_top_hit(void **state)
{
	(void)state;
	struct tnode t = {0};
	tnode_start(&t, 1000, 60);
	post_fact(&t, "{\"entity\":\"stigmem://x.example/user/zed\",\"relation\":\"memory:name\","
		      "\"value\":{\"type\":\"string\",\"v\":\"Zed Quixote\"},\"source\":\"agent:t\"}",
		  NULL);
	post_fact(&t, "{\"entity\":\"stigmem://x.example/user/zed\",\"relation\":\"memory:name\","
		      "\"value\":{\"type\":\"string\",\"v\":\"Zed Q.\"},\"source\":\"agent:u\","
		      "\"confidence\":0.5}",
		  NULL);
	struct http_resp r;
	http(&t, "POST", "/v1/recall", "{\"query\":\"quixote\"}", NULL, &r);
	assert_int_equal(r.status, 200);
	const cJSON *e = cJSON_GetArrayItem(jget(r.json, "facts"), 0);
	assert_non_null(e);
	assert_false(cJSON_IsTrue(jget(e, "from_card"))); /* repeated relation: no card */
	assert_true(jnum(e, "score") == 0.611111);
	const cJSON *bd = jget(e, "score_breakdown");
	assert_true(jnum(bd, "lexical") == 1.0 && jnum(bd, "semantic") == 0.0 &&
		    jnum(bd, "graph") == 1.0 && jnum(bd, "recency") == 1.0 &&
		    jnum(bd, "source_trust") == 0.0);
	http_done(&r);
	/* Lexical weight only: score = lexical x confidence. */
	http(&t, "POST", "/v1/recall",
	     "{\"query\":\"zed\",\"weights\":{\"lexical\":1,\"semantic\":0,\"graph\":0,"
	     "\"source_trust\":0,\"recency\":0}}",
	     NULL, &r);
	assert_int_equal(r.status, 200);
	assert_int_equal(cJSON_GetArraySize(jget(r.json, "facts")), 2);
	check_formula(r.json, (struct stg_recall_weights){1, 0, 0, 0, 0});
	http_done(&r);
	/* Lexical weight 0 and embeddings off: no direct hits at all. */
	http(&t, "POST", "/v1/recall", "{\"query\":\"zed\",\"weights\":{\"lexical\":0}}", NULL, &r);
	assert_int_equal(r.status, 200);
	assert_int_equal(cJSON_GetArraySize(jget(r.json, "facts")), 0);
	assert_string_equal(r.total_count, "0");
	http_done(&r);
	tnode_stop(&t);
}

static void
test_recall_semantic_stage(void **state)
{
	(void)state;
	struct tnode t = {0};
	tnode_start(&t, 1000, 60);
	post_fact(&t, "{\"entity\":\"doc:a\",\"relation\":\"doc:topic\",\"value\":{\"type\":\"string\","
		      "\"v\":\"colour palettes for dashboards\"},\"source\":\"agent:t\"}",
		  NULL);
	post_fact(&t, "{\"entity\":\"doc:b\",\"relation\":\"doc:topic\",\"value\":{\"type\":\"string\","
		      "\"v\":\"kernel scheduler latency\"},\"source\":\"agent:t\",\"confidence\":0.8}",
		  NULL);
	const char *q = "{\"query\":\"color palette\",\"include_neighbors\":false,\"weights\":{"
			"\"lexical\":0,\"semantic\":1,\"graph\":0,\"source_trust\":0,\"recency\":0}}";
	struct http_resp r;
	http(&t, "POST", "/v1/recall", q, NULL, &r);
	assert_int_equal(cJSON_GetArraySize(jget(r.json, "facts")), 0); /* off by default */
	http_done(&r);
	lite_recall_set_embeddings(t.node, true);
	http(&t, "POST", "/v1/recall", q, NULL, &r);
	assert_int_equal(r.status, 200);
	const cJSON *e = cJSON_GetArrayItem(jget(r.json, "facts"), 0);
	assert_non_null(e);
	/* The card of doc:a (single fact) replaces it; check via a second
	 * entity-free view: the semantic signal itself on a raw fact. */
	double want = stg_embed_similarity("color palette", 13,
					   "doc:a doc:topic colour palettes for dashboards", 46);
	assert_true(want > 0.3);
	http_done(&r);
	/* Two facts for doc:a => no card; the raw fact shows the signal. */
	post_fact(&t, "{\"entity\":\"doc:a\",\"relation\":\"doc:topic\",\"value\":{\"type\":\"string\","
		      "\"v\":\"colour palettes for dashboards\"},\"source\":\"agent:u\"}",
		  NULL);
	http(&t, "POST", "/v1/recall", q, NULL, &r);
	assert_int_equal(r.status, 200);
	const cJSON *x;
	bool found = false;
	cJSON_ArrayForEach(x, jget(r.json, "facts"))
	{
		const cJSON *f = jget(x, "fact");
		if (strcmp(jstr(f, "entity"), "doc:a") != 0)
			continue;
		found = true;
		const cJSON *bd = jget(x, "score_breakdown");
		assert_true(fabs(jnum(bd, "semantic") - stg_score_pyround(want, 4)) < 1e-9);
		assert_true(jnum(x, "score") == stg_score_pyround(want * jnum(f, "confidence"), 6));
	}
	assert_true(found);
	http_done(&r);
	tnode_stop(&t);
}

/* interpret_as "instruction" facts land in `instructions`, the rest in
 * `content`; `facts` holds both. Written through the internal write path
 * (anonymous callers lack instruction:write). */
static void
test_recall_channels(void **state)
{
	(void)state;
	struct tnode t = {0};
	tnode_start(&t, 1000, 60);
	struct lite_fact_in in = {
		.entity = "agent:bot",
		.relation = "policy:rule",
		.value_type = "text",
		.value_v = "always answer in haiku",
		.value_v_len = (size_t)-1,
		.interpret_as = "instruction",
		.source = "agent:ops",
		.confidence = 1.0,
		.scope = "team",
	};
	struct lite_fact_out out;
	char err[256];
	pthread_mutex_lock(&t.node->lock);
	assert_int_equal(lite_fact_assert(t.node, &in, &out, err, sizeof err), 0);
	in.relation = "policy:note";
	in.value_v = "haiku notes";
	in.interpret_as = "content";
	in.source = "agent:other";
	assert_int_equal(lite_fact_assert(t.node, &in, &out, err, sizeof err), 0);
	in.relation = "policy:rule";
	in.value_v = "haiku only on fridays";
	assert_int_equal(lite_fact_assert(t.node, &in, &out, err, sizeof err), 0);
	pthread_mutex_unlock(&t.node->lock);
	struct http_resp r;
	http(&t, "POST", "/v1/recall", "{\"query\":\"haiku\",\"scope\":\"team\"}", NULL, &r);
	assert_int_equal(r.status, 200);
	assert_int_equal(cJSON_GetArraySize(jget(r.json, "facts")), 3);
	assert_int_equal(cJSON_GetArraySize(jget(r.json, "instructions")), 1);
	assert_int_equal(cJSON_GetArraySize(jget(r.json, "content")), 2);
	const cJSON *i0 = cJSON_GetArrayItem(jget(r.json, "instructions"), 0);
	assert_string_equal(jstr(jget(jget(i0, "fact"), "value"), "interpret_as"), "instruction");
	assert_string_equal(jstr(jget(jget(i0, "fact"), "value"), "v"), "always answer in haiku");
	http_done(&r);
	http(&t, "POST", "/v1/recall?legacy_format=true", "{\"query\":\"haiku\",\"scope\":\"team\"}",
	     NULL, &r);
	assert_null(jget(r.json, "content"));
	assert_null(jget(r.json, "instructions"));
	assert_int_equal(cJSON_GetArraySize(jget(r.json, "facts")), 3);
	http_done(&r);
	tnode_stop(&t);
}

/* ---- graph neighbours ---------------------------------------------------------- */

static void
check_graph_recording(const char *name)
{
	cJSON *fx = fixture(name);
	struct http_resp r;
	http(&g_fix, "GET", jstr(jget(fx, "request"), "path"), NULL, NULL, &r);
	assert_int_equal(r.status, (long)jnum(fx, "status"));
	char *a = cJSON_PrintUnformatted(r.json), *b = cJSON_PrintUnformatted(jget(fx, "body"));
	assert_string_equal(a, b);
	free(a);
	free(b);
	http_done(&r);
	cJSON_Delete(fx);
}

static void
test_graph_neighbors_match_recordings(void **state)
{
	(void)state;
	check_graph_recording("graph-neighbors-depth1.json");
	check_graph_recording("graph-neighbors-depth2.json");
	check_graph_recording("graph-neighbors-relation-filter.json");
	check_graph_recording("graph-depth-exceeded.json");
}

static void
test_graph_cursor_paging(void **state)
{
	(void)state;
	const char *base = "/v1/graph/neighbors?entity=stigmem%3A%2F%2Facme.example%2Fuser%2Falice"
			   "&scope=team&depth=3&page_size=1";
	char path[1024];
	snprintf(path, sizeof path, "%s", base);
	int pages = 0, total = -1;
	char seen[16][256];
	for (;;) {
		struct http_resp r;
		http(&g_fix, "GET", path, NULL, NULL, &r);
		assert_int_equal(r.status, 200);
		const cJSON *nb = jget(r.json, "neighbors");
		assert_int_equal(cJSON_GetArraySize(nb), 1);
		snprintf(seen[pages], sizeof seen[pages], "%s", jstr(cJSON_GetArrayItem(nb, 0), "entity"));
		for (int i = 0; i < pages; i++)
			assert_string_not_equal(seen[i], seen[pages]);
		total = (int)jnum(r.json, "total_hint");
		pages++;
		const cJSON *nc = jget(r.json, "next_cursor");
		if (cJSON_IsNull(nc)) {
			http_done(&r);
			break;
		}
		long long off;
		double ts;
		assert_int_equal(lite_graph_cursor_decode(nc->valuestring, &off, &ts), 0);
		assert_int_equal(off, pages);
		assert_null(strchr(nc->valuestring, '='));
		snprintf(path, sizeof path, "%s&cursor=%s", base, nc->valuestring);
		http_done(&r);
		assert_true(pages < 16);
	}
	assert_int_equal(pages, total);
	assert_true(total >= 4);
	/* Undecodable and expired cursors. */
	struct http_resp r;
	snprintf(path, sizeof path, "%s&cursor=%%21%%21%%21", base);
	http(&g_fix, "GET", path, NULL, NULL, &r);
	assert_int_equal(r.status, 400);
	assert_string_equal(jstr(jget(r.json, "detail"), "code"), "invalid_cursor");
	http_done(&r);
	struct timeval tv;
	gettimeofday(&tv, NULL);
	char *old = lite_graph_cursor_encode(1, (double)tv.tv_sec - 301.0);
	snprintf(path, sizeof path, "%s&cursor=%s", base, old);
	free(old);
	http(&g_fix, "GET", path, NULL, NULL, &r);
	assert_int_equal(r.status, 400);
	assert_string_equal(jstr(jget(r.json, "detail"), "code"), "cursor_expired");
	http_done(&r);
	/* Cursor text is base64url of {"offset": N, "ts": T}. */
	char *c = lite_graph_cursor_encode(20, 1795235982.5);
	assert_string_equal(c, "eyJvZmZzZXQiOiAyMCwgInRzIjogMTc5NTIzNTk4Mi41fQ");
	free(c);
	/* Missing entity: 422 from query validation. */
	http(&g_fix, "GET", "/v1/graph/neighbors?scope=team", NULL, NULL, &r);
	assert_int_equal(r.status, 422);
	http_done(&r);
}

int
main(void)
{
	curl_global_init(CURL_GLOBAL_DEFAULT);
	const struct CMUnitTest fixture_tests[] = {
		cmocka_unit_test(test_recall_team_matches_recording),
		cmocka_unit_test(test_recall_defaults_card_fast_path),
		cmocka_unit_test(test_recall_lexical_only_depth_neighbors),
		cmocka_unit_test(test_recall_truncated_packing),
		cmocka_unit_test(test_recall_adversarial_card_and_legacy),
		cmocka_unit_test(test_recall_token_estimate_rule),
		cmocka_unit_test(test_recall_like_fallback),
		cmocka_unit_test(test_recall_validation),
		cmocka_unit_test(test_graph_neighbors_match_recordings),
		cmocka_unit_test(test_graph_cursor_paging),
	};
	const struct CMUnitTest solo_tests[] = {
		cmocka_unit_test(test_recall_query_helpers),
		cmocka_unit_test(test_recall_fresh_top_hit),
		cmocka_unit_test(test_recall_semantic_stage),
		cmocka_unit_test(test_recall_channels),
	};
	int rc = cmocka_run_group_tests_name("lite_recall_fixture", fixture_tests,
					     setup_fixture_node, teardown_fixture_node);
	rc += cmocka_run_group_tests_name("lite_recall", solo_tests, NULL, NULL);
	curl_global_cleanup();
	return rc;
}
