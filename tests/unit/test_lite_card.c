/* test_lite_card.c — memory cards of stigmem-lite over real HTTP: the
 * recorded cards replayed (summary text, avg_confidence, fact_hashes mapped
 * back to fact ids, raw adversarial text), the build rules (confidence > 0,
 * unexpired, ordering, at most 20 rows, 2-decimal conf, stored value text,
 * retraction and repeated-relation behaviour), stale marking, refresh and
 * path forms. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cmocka.h>
#include <cJSON.h>
#include <curl/curl.h>

#include "node/card.h"
#include "node/lite.h"
#include "node/lite_internal.h"
#include "stigmem/buf.h"
#include "stigmem/cid.h"
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
	return 0;
}

/* fact_hashes[i] must be sha256(id) of the fact shown on summary line i:
 * map them back through GET /v1/facts like a client would (§6). */
static void
check_fact_hashes(const struct tnode *t, const cJSON *card)
{
	char path[1024];
	char *enc = curl_escape(jstr(card, "entity_uri"), 0);
	snprintf(path, sizeof path, "/v1/facts?entity=%s&scope=%s&include_contradicted=true"
				    "&include_expired=true&limit=500",
		 enc, jstr(card, "scope"));
	curl_free(enc);
	struct http_resp r;
	http(t, "GET", path, NULL, NULL, &r);
	assert_int_equal(r.status, 200);
	const cJSON *hashes = jget(card, "fact_hashes");
	/* summary lines after "Facts:" */
	const char *s = strstr(jstr(card, "summary"), "\nFacts:");
	assert_non_null(s);
	int line = 0;
	const cJSON *h;
	cJSON_ArrayForEach(h, hashes)
	{
		assert_int_equal(strlen(h->valuestring), 64);
		const cJSON *f, *match = NULL;
		cJSON_ArrayForEach(f, jget(r.json, "facts"))
		{
			char hex[STG_HEX_MAX];
			stg_sha256_hex(jstr(f, "id"), strlen(jstr(f, "id")), hex);
			if (strcmp(hex, h->valuestring) == 0)
				match = f;
		}
		if (!match)
			fail_msg("fact_hashes[%d] matches no fact id", line);
		/* the line of that position names the fact's relation */
		s = strstr(s + 1, "\n  ");
		assert_non_null(s);
		char want[256];
		snprintf(want, sizeof want, "\n  %s: ", jstr(match, "relation"));
		assert_memory_equal(s, want, strlen(want));
		assert_true(jnum(match, "confidence") > 0);
		line++;
	}
	assert_null(strstr(s + 1, "\n  ")); /* as many lines as hashes */
	http_done(&r);
}

static void
check_card_recording(const char *name, bool map_hashes)
{
	cJSON *fx = fixture(name);
	struct http_resp r;
	http(&g_fix, "GET", jstr(jget(fx, "request"), "path"), NULL, NULL, &r);
	assert_int_equal(r.status, (long)jnum(fx, "status"));
	const cJSON *rec = jget(fx, "body");
	if (r.status != 200) {
		char *a = cJSON_PrintUnformatted(r.json), *b = cJSON_PrintUnformatted(rec);
		assert_string_equal(a, b);
		free(a);
		free(b);
	} else {
		const cJSON *ka = r.json->child, *kb = rec->child;
		for (; ka && kb; ka = ka->next, kb = kb->next)
			assert_string_equal(ka->string, kb->string);
		assert_null(ka);
		assert_null(kb);
		assert_string_equal(jstr(r.json, "entity_uri"), jstr(rec, "entity_uri"));
		assert_string_equal(jstr(r.json, "scope"), jstr(rec, "scope"));
		assert_string_equal(jstr(r.json, "summary"), jstr(rec, "summary"));
		assert_true(jnum(r.json, "avg_confidence") == jnum(rec, "avg_confidence"));
		assert_false(cJSON_IsTrue(jget(r.json, "is_stale")));
		assert_int_equal(cJSON_IsTrue(jget(r.json, "has_contradictions")),
				 cJSON_IsTrue(jget(rec, "has_contradictions")));
		assert_int_equal(cJSON_GetArraySize(jget(r.json, "fact_hashes")),
				 cJSON_GetArraySize(jget(rec, "fact_hashes")));
		assert_true(cJSON_IsString(jget(r.json, "refreshed_at")));
		if (map_hashes)
			check_fact_hashes(&g_fix, r.json);
	}
	http_done(&r);
	cJSON_Delete(fx);
}

static void
test_card_fresh_matches_recording(void **state)
{
	(void)state;
	check_card_recording("card-fresh.json", true);
	/* The kickoff hashes are sha256 of the replayed fact ids, in line order. */
	struct http_resp r;
	http(&g_fix, "GET", "/v1/cards/stigmem://acme.example/meeting/kickoff-%E6%9D%B1%E4%BA%AC?scope=team",
	     NULL, NULL, &r);
	const char *refs[] = {"kickoff.organizer", "kickoff.project", "kickoff.starts", "kickoff.title",
			      "kickoff.room"};
	for (int i = 0; i < 5; i++) {
		const char *id = jstr(g_ids, refs[i]);
		char hex[STG_HEX_MAX];
		stg_sha256_hex(id, strlen(id), hex);
		assert_string_equal(cJSON_GetArrayItem(jget(r.json, "fact_hashes"), i)->valuestring, hex);
	}
	http_done(&r);
}

static void
test_card_retraction_and_adversarial(void **state)
{
	(void)state;
	/* The retraction (confidence 0) is left out; the original stays;
	 * has_contradictions false; number text "4096" as stored. */
	check_card_recording("card-retraction.json", true);
	/* Cards are not sanitized: raw ESC / OSC 52 / CR / bidi / C1 text. */
	check_card_recording("card-adversarial-raw.json", true);
	check_card_recording("card-404.json", false);
	check_card_recording("card-invalid-scope.json", false);
}

static void
test_card_path_forms_and_refresh(void **state)
{
	(void)state;
	const char *paths[] = {
		"/v1/cards/stigmem://acme.example/meeting/kickoff-%E6%9D%B1%E4%BA%AC?scope=team",
		"/v1/cards/stigmem%3A%2F%2Facme.example%2Fmeeting%2Fkickoff-%E6%9D%B1%E4%BA%AC?scope=team",
		"/v1/cards/stigmem://ACME.example/Meeting/kickoff-%E6%9D%B1%E4%BA%AC?scope=team",
	};
	char first[4096] = "";
	for (size_t i = 0; i < 3; i++) {
		struct http_resp r;
		http(&g_fix, "GET", paths[i], NULL, NULL, &r);
		assert_int_equal(r.status, 200);
		assert_string_equal(jstr(r.json, "entity_uri"),
				    "stigmem://acme.example/meeting/kickoff-\xe6\x9d\xb1\xe4\xba\xac");
		char *s = cJSON_PrintUnformatted(r.json);
		if (i == 0)
			snprintf(first, sizeof first, "%s", s);
		else
			assert_string_equal(s, first); /* cached: identical, same refreshed_at */
		free(s);
		http_done(&r);
	}
	struct http_resp r;
	http(&g_fix, "GET", "/v1/cards/stigmem://acme.example/meeting/kickoff-%E6%9D%B1%E4%BA%AC?scope=team&refresh=true",
	     NULL, NULL, &r);
	assert_int_equal(r.status, 200);
	cJSON *old = cJSON_Parse(first);
	assert_string_not_equal(jstr(r.json, "refreshed_at"), jstr(old, "refreshed_at"));
	assert_string_equal(jstr(r.json, "summary"), jstr(old, "summary"));
	cJSON_Delete(old);
	http_done(&r);
	http(&g_fix, "GET", "/v1/cards/stigmem://acme.example/user/bob?refresh=maybe", NULL, NULL, &r);
	assert_int_equal(r.status, 422);
	http_done(&r);
}

static const char *card_path = "/v1/cards/stigmem://k.example/user/kay?scope=team";

static void
post_kay(const struct tnode *t, const char *rel, const char *value_json, double conf,
	 const char *extra, char id[64])
{
	char body[1024];
	snprintf(body, sizeof body,
		 "{\"entity\":\"stigmem://k.example/user/kay\",\"relation\":\"%s\",\"value\":%s,"
		 "\"source\":\"agent:k\",\"scope\":\"team\",\"confidence\":%.17g%s}",
		 rel, value_json, conf, extra ? extra : "");
	post_fact(t, body, id);
}

static void
test_card_build_rules(void **state)
{
	(void)state;
	struct tnode t = {0};
	tnode_start(&t, 1000, 60);
	struct http_resp r;
	http(&t, "GET", card_path, NULL, NULL, &r);
	assert_int_equal(r.status, 404);
	assert_string_equal(jstr(r.json, "detail"), "no facts found for entity");
	http_done(&r);
	/* 24 relations; confidences chosen so Python's 2-decimal rounding
	 * (half-even on the binary value) shows: 0.125 -> 0.12, 0.375 -> 0.38. */
	double confs[24];
	for (int i = 0; i < 24; i++)
		confs[i] = 0.3 + 0.025 * i;
	confs[5] = 0.125;
	confs[6] = 0.375;
	confs[7] = 0.0;                                    /* retraction-like: excluded */
	for (int i = 0; i < 24; i++) {
		char rel[32], v[64];
		snprintf(rel, sizeof rel, "k:r%02d", i);
		snprintf(v, sizeof v, "{\"type\":\"string\",\"v\":\"v%d\"}", i);
		post_kay(&t, rel, v, confs[i], NULL, NULL);
	}
	post_kay(&t, "k:expired", "{\"type\":\"string\",\"v\":\"old\"}", 1.0,
		 ",\"valid_until\":\"2000-01-01T00:00:00+00:00\"", NULL);
	post_kay(&t, "k:num", "{\"type\":\"number\",\"v\":42}", 0.99, NULL, NULL);
	post_kay(&t, "k:flag", "{\"type\":\"boolean\",\"v\":true}", 0.99, NULL, NULL);
	http(&t, "GET", card_path, NULL, NULL, &r);
	assert_int_equal(r.status, 200);
	const char *sum = jstr(r.json, "summary");
	const char *head = "Entity: stigmem://k.example/user/kay\nFacts:\n  ";
	assert_true(strncmp(sum, head, strlen(head)) == 0);
	assert_null(strstr(sum, "k:expired"));
	assert_null(strstr(sum, "k:r07"));
	/* at most 20 rows: the 20 highest confidences */
	assert_int_equal(cJSON_GetArraySize(jget(r.json, "fact_hashes")), 20);
	int lines = 0;
	double prev = 2.0, total = 0;
	for (const char *p = strstr(sum, "\n  "); p; p = strstr(p + 1, "\n  ")) {
		const char *c = strstr(p, "(conf=");
		assert_non_null(c);
		double x = strtod(c + 6, NULL);
		assert_true(x <= prev + 1e-9);
		prev = x;
		lines++;
	}
	assert_int_equal(lines, 20);
	/* the kept rows: k:num, k:flag (0.99) and the 18 best of r00..r23 */
	double kept[24];
	int nk = 0;
	for (int i = 0; i < 24; i++)
		if (confs[i] > 0)
			kept[nk++] = confs[i];
	for (int i = 0; i < nk; i++)
		for (int j = i + 1; j < nk; j++)
			if (kept[j] > kept[i]) {
				double tmp = kept[i];
				kept[i] = kept[j];
				kept[j] = tmp;
			}
	total = 0.99 * 2;
	for (int i = 0; i < 18; i++)
		total += kept[i];
	assert_true(jnum(r.json, "avg_confidence") == stg_score_pyround(total / 20, 6));
	assert_non_null(strstr(sum, "\n  k:num: 42 (conf=0.99)"));   /* stored text, not 42.0 */
	assert_non_null(strstr(sum, "\n  k:flag: true (conf=0.99)"));
	assert_null(strstr(sum, "k:r05")); /* 0.125 is among the lowest: cut by the 20 limit */
	assert_false(cJSON_IsTrue(jget(r.json, "has_contradictions")));
	char first_ts[64];
	snprintf(first_ts, sizeof first_ts, "%s", jstr(r.json, "refreshed_at"));
	http_done(&r);

	/* 2-decimal text on a small card */
	struct tnode u = {0};
	tnode_start(&u, 1000, 60);
	post_kay(&u, "k:a", "{\"type\":\"string\",\"v\":\"a\"}", 0.125, NULL, NULL);
	post_kay(&u, "k:b", "{\"type\":\"string\",\"v\":\"b\"}", 0.375, NULL, NULL);
	post_kay(&u, "k:c", "{\"type\":\"number\",\"v\":42.0}", 0.005, NULL, NULL);
	http(&u, "GET", card_path, NULL, NULL, &r);
	assert_string_equal(jstr(r.json, "summary"),
			    "Entity: stigmem://k.example/user/kay\nFacts:\n"
			    "  k:b: b (conf=0.38)\n  k:a: a (conf=0.12)\n  k:c: 42.0 (conf=0.01)");
	assert_true(jnum(r.json, "avg_confidence") == stg_score_pyround((0.125 + 0.375 + 0.005) / 3, 6));
	http_done(&r);
	tnode_stop(&u);

	/* Stale marking: a new assertion for (entity, scope) rebuilds; another
	 * scope does not touch this card; refresh=true always rebuilds. */
	post_kay(&t, "k:zz", "{\"type\":\"string\",\"v\":\"late\"}", 1.0, NULL, NULL);
	http(&t, "GET", card_path, NULL, NULL, &r);
	assert_string_not_equal(jstr(r.json, "refreshed_at"), first_ts);
	assert_non_null(strstr(jstr(r.json, "summary"), "k:zz: late (conf=1.00)"));
	assert_false(cJSON_IsTrue(jget(r.json, "is_stale")));
	char second_ts[64];
	snprintf(second_ts, sizeof second_ts, "%s", jstr(r.json, "refreshed_at"));
	http_done(&r);
	post_fact(&t, "{\"entity\":\"stigmem://k.example/user/kay\",\"relation\":\"k:other\","
		      "\"value\":{\"type\":\"string\",\"v\":\"x\"},\"source\":\"agent:k\",\"scope\":\"local\"}",
		  NULL);
	http(&t, "GET", card_path, NULL, NULL, &r);
	assert_string_equal(jstr(r.json, "refreshed_at"), second_ts);
	http_done(&r);
	http(&t, "GET", "/v1/cards/stigmem://k.example/user/kay?scope=local", NULL, NULL, &r);
	assert_int_equal(r.status, 200);
	assert_string_equal(jstr(r.json, "summary"),
			    "Entity: stigmem://k.example/user/kay\nFacts:\n  k:other: x (conf=1.00)");
	http_done(&r);
	tnode_stop(&t);
}

static void
test_card_retraction_and_repeats(void **state)
{
	(void)state;
	struct tnode t = {0};
	tnode_start(&t, 1000, 60);
	char orig[64], retr[64];
	post_kay(&t, "k:role", "{\"type\":\"string\",\"v\":\"lead\"}", 0.9, NULL, orig);
	post_kay(&t, "k:name", "{\"type\":\"string\",\"v\":\"Kay\"}", 1.0, NULL, NULL);
	struct http_resp r;
	http(&t, "GET", card_path, NULL, NULL, &r);
	assert_true(jnum(r.json, "avg_confidence") == 0.95);
	http_done(&r);
	/* SDK-style retraction: the original stays on the card, the
	 * retraction (confidence 0) is not a row; no contradiction. */
	post_kay(&t, "k:role", "{\"type\":\"string\",\"v\":\"retracted\"}", 0.0, NULL, retr);
	http(&t, "GET", card_path, NULL, NULL, &r);
	assert_string_equal(jstr(r.json, "summary"), "Entity: stigmem://k.example/user/kay\nFacts:\n"
						     "  k:name: Kay (conf=1.00)\n  k:role: lead (conf=0.90)");
	assert_false(cJSON_IsTrue(jget(r.json, "has_contradictions")));
	char hex[STG_HEX_MAX];
	stg_sha256_hex(orig, strlen(orig), hex);
	assert_string_equal(cJSON_GetArrayItem(jget(r.json, "fact_hashes"), 1)->valuestring, hex);
	assert_true(jnum(r.json, "avg_confidence") == 0.95);
	http_done(&r);
	/* Recall serves the entity as a card (no repeated relation among rows). */
	http(&t, "POST", "/v1/recall", "{\"query\":\"kay\",\"scope\":\"team\"}", NULL, &r);
	assert_int_equal(r.status, 200);
	assert_int_equal(cJSON_GetArraySize(jget(r.json, "facts")), 1);
	assert_true(cJSON_IsTrue(jget(cJSON_GetArrayItem(jget(r.json, "facts"), 0), "from_card")));
	http_done(&r);
	/* A second live value for k:role => has_contradictions; recall returns
	 * the individual facts instead of the card. */
	post_fact(&t, "{\"entity\":\"stigmem://k.example/user/kay\",\"relation\":\"k:role\","
		      "\"value\":{\"type\":\"string\",\"v\":\"manager\"},\"source\":\"agent:other\","
		      "\"scope\":\"team\",\"confidence\":0.6}",
		  NULL);
	http(&t, "GET", card_path, NULL, NULL, &r);
	assert_true(cJSON_IsTrue(jget(r.json, "has_contradictions")));
	assert_int_equal(cJSON_GetArraySize(jget(r.json, "fact_hashes")), 3);
	http_done(&r);
	http(&t, "POST", "/v1/recall", "{\"query\":\"kay\",\"scope\":\"team\"}", NULL, &r);
	const cJSON *e;
	int n = 0;
	cJSON_ArrayForEach(e, jget(r.json, "facts"))
	{
		assert_false(cJSON_IsTrue(jget(e, "from_card")));
		n++;
	}
	assert_int_equal(n, 3); /* the retraction is below min_confidence 0.1 */
	http_done(&r);
	/* A low average (< 0.5) is never served as a card either. */
	post_fact(&t, "{\"entity\":\"stigmem://k.example/user/low\",\"relation\":\"k:x\","
		      "\"value\":{\"type\":\"string\",\"v\":\"lowkey\"},\"source\":\"agent:k\","
		      "\"scope\":\"team\",\"confidence\":0.4}",
		  NULL);
	http(&t, "POST", "/v1/recall", "{\"query\":\"lowkey\",\"scope\":\"team\"}", NULL, &r);
	e = cJSON_GetArrayItem(jget(r.json, "facts"), 0);
	assert_non_null(e);
	assert_false(cJSON_IsTrue(jget(e, "from_card")));
	http_done(&r);
	tnode_stop(&t);
}

static void
test_card_summary_pure(void **state)
{
	(void)state;
	const char *rel[] = {"a:x", "a:y"};
	const char *val[] = {"one\0two", NULL};
	size_t len[] = {7, 0};
	double conf[] = {0.005, 0.995};
	struct stg_buf b;
	stg_buf_init(&b);
	assert_true(lite_card_summary("e:1", 2, rel, val, len, conf, &b));
	assert_int_equal(b.len, strlen("Entity: e:1\nFacts:\n  a:x: one") + 1 + strlen("two (conf=0.01)\n  a:y: None (conf=0.99)"));
	assert_memory_equal(b.data, "Entity: e:1\nFacts:\n  a:x: one\0two (conf=0.01)\n  a:y: None (conf=0.99)", b.len);
	stg_buf_done(&b);
}

int
main(void)
{
	curl_global_init(CURL_GLOBAL_DEFAULT);
	const struct CMUnitTest fixture_tests[] = {
		cmocka_unit_test(test_card_fresh_matches_recording),
		cmocka_unit_test(test_card_retraction_and_adversarial),
		cmocka_unit_test(test_card_path_forms_and_refresh),
	};
	const struct CMUnitTest solo_tests[] = {
		cmocka_unit_test(test_card_build_rules),
		cmocka_unit_test(test_card_retraction_and_repeats),
		cmocka_unit_test(test_card_summary_pure),
	};
	int rc = cmocka_run_group_tests_name("lite_card_fixture", fixture_tests, setup_fixture_node,
					     teardown_fixture_node);
	rc += cmocka_run_group_tests_name("lite_card", solo_tests, NULL, NULL);
	curl_global_cleanup();
	return rc;
}
