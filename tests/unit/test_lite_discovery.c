/* test_lite_discovery.c — GET /v1/scopes/{scope}/synthesize and
 * GET /v1/entities/resolve of stigmem-lite over real HTTP.
 *
 * The layer-3 scores below were computed with the reference node's
 * formula in CPython 3.11 (token Jaccard, prefix bonus, and
 * difflib.SequenceMatcher(None, a, b).ratio() of the joined tokens),
 * rounded to 4 places as the route does; the mississippi and xabcyabcab
 * pairs depend on SequenceMatcher's choice among equally long blocks. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../lib/testnode.h"

static void
post_fact(int port, const char *entity, const char *relation, const char *value, double conf,
	  const char *scope, const char *valid_until)
{
	char body[900], vu[120] = "";
	if (valid_until)
		snprintf(vu, sizeof vu, ",\"valid_until\":\"%s\"", valid_until);
	snprintf(body, sizeof body,
		 "{\"entity\":\"%s\",\"relation\":\"%s\",\"value\":{\"type\":\"string\",\"v\":\"%s\"},"
		 "\"source\":\"agent:disc\",\"confidence\":%g,\"scope\":\"%s\"%s}",
		 entity, relation, value, conf, scope, vu);
	struct tst_resp r = tst_post(port, "/v1/facts", body);
	if (r.status != 201)
		fprintf(stderr, "POST %s -> %ld %s\n", body, r.status, r.body.data);
	assert_int_equal(r.status, 201);
	tst_resp_free(&r);
}

static cJSON *
find_fact(cJSON *facts, const char *entity, const char *value)
{
	cJSON *f;
	cJSON_ArrayForEach(f, facts)
	{
		if (strcmp(cJSON_GetObjectItem(f, "entity")->valuestring, entity) == 0 &&
		    strcmp(cJSON_GetObjectItem(cJSON_GetObjectItem(f, "value"), "v")->valuestring,
			   value) == 0)
			return f;
	}
	return NULL;
}

static void
t_synthesize(void **state)
{
	(void)state;
	struct lite_node *n = tst_start("synth.db", NULL);
	assert_non_null(n);
	int port = lite_node_port(n);
	post_fact(port, "stigmem://d/user/ann", "memory:role", "lead", 0.9, "company", NULL);
	post_fact(port, "stigmem://d/user/ann", "memory:role", "manager", 0.6, "company", NULL);
	post_fact(port, "stigmem://d/user/bob", "memory:city", "Oslo", 0.8, "company", NULL);
	post_fact(port, "stigmem://d/user/bob", "memory:desk", "4B", 1.0, "company",
		  "2020-01-01T00:00:00+00:00");
	post_fact(port, "stigmem://d/user/cat", "memory:role", "elsewhere", 1.0, "team", NULL);

	struct tst_resp r = tst_get(port, "/v1/scopes/company/synthesize");
	assert_int_equal(r.status, 200);
	assert_string_equal(cJSON_GetObjectItem(r.json, "scope")->valuestring, "company");
	cJSON *facts = cJSON_GetObjectItem(r.json, "facts");
	/* The expired desk fact is left out by default; team facts never
	 * appear; the node's own conflict facts about ann's roles do (system
	 * facts, never flagged as contradicted). */
	int user = 0, system = 0;
	double sum = 0, prev = 2.0;
	cJSON *f;
	cJSON_ArrayForEach(f, facts)
	{
		const char *e = cJSON_GetObjectItem(f, "entity")->valuestring;
		bool sys = strncmp(e, "stigmem:conflict:", 17) == 0;
		user += !sys;
		system += sys;
		if (sys)
			assert_false(cJSON_IsTrue(cJSON_GetObjectItem(f, "contradicted")));
		double c = cJSON_GetObjectItem(f, "confidence")->valuedouble;
		sum += c;
		assert_true(c <= prev); /* confidence descending */
		prev = c;
		assert_true(cJSON_GetObjectItem(f, "age_seconds")->valuedouble >= 0.0);
		assert_true(cJSON_GetObjectItem(f, "age_seconds")->valuedouble < 600.0);
		assert_false(cJSON_IsTrue(cJSON_GetObjectItem(f, "is_expired")));
	}
	assert_true(cJSON_IsTrue(cJSON_GetObjectItem(find_fact(facts, "stigmem://d/user/ann", "lead"),
						     "contradicted")));
	assert_true(cJSON_IsTrue(cJSON_GetObjectItem(
		find_fact(facts, "stigmem://d/user/ann", "manager"), "contradicted")));
	assert_false(cJSON_IsTrue(cJSON_GetObjectItem(find_fact(facts, "stigmem://d/user/bob", "Oslo"),
						      "contradicted")));
	assert_int_equal(user, 3);
	assert_true(system >= 1);
	assert_null(find_fact(facts, "stigmem://d/user/bob", "4B"));
	assert_int_equal(cJSON_GetObjectItem(r.json, "fact_count")->valueint, user + system);
	assert_int_equal(cJSON_GetObjectItem(r.json, "contradiction_count")->valueint, 2);
	assert_true(fabs(cJSON_GetObjectItem(r.json, "mean_confidence")->valuedouble -
			 sum / (user + system)) < 1e-9);
	assert_int_equal(cJSON_GetObjectItem(r.json, "expired_fact_count")->valueint, 0);
	assert_true(cJSON_IsString(cJSON_GetObjectItem(r.json, "freshest_timestamp")));
	assert_true(strcmp(cJSON_GetObjectItem(r.json, "freshest_timestamp")->valuestring,
			   cJSON_GetObjectItem(r.json, "oldest_timestamp")->valuestring) > 0);
	tst_resp_free(&r);

	r = tst_get(port, "/v1/scopes/company/synthesize?include_expired=true&limit=2");
	assert_int_equal(r.status, 200);
	facts = cJSON_GetObjectItem(r.json, "facts");
	assert_int_equal(cJSON_GetArraySize(facts), 2);
	/* Highest confidence first, newest first among equals: the expired
	 * desk (1.0, written after the conflict facts). */
	f = cJSON_GetArrayItem(facts, 0);
	assert_string_equal(cJSON_GetObjectItem(cJSON_GetObjectItem(f, "value"), "v")->valuestring,
			    "4B");
	assert_true(cJSON_IsTrue(cJSON_GetObjectItem(f, "is_expired")));
	assert_int_equal(cJSON_GetObjectItem(r.json, "expired_fact_count")->valueint, 1);
	/* Neither of ann's roles is in this page: no contradiction seen. */
	assert_int_equal(cJSON_GetObjectItem(r.json, "contradiction_count")->valueint, 0);
	tst_resp_free(&r);

	r = tst_get(port, "/v1/scopes/galaxy/synthesize");
	assert_int_equal(r.status, 400);
	tst_resp_free(&r);
	r = tst_get(port, "/v1/scopes/team/synthesize?limit=0");
	assert_int_equal(r.status, 422);
	tst_resp_free(&r);
	r = tst_get(port, "/v1/scopes/team/synthesize?limit=1001");
	assert_int_equal(r.status, 422);
	tst_resp_free(&r);
	r = tst_req(port, "POST", "/v1/scopes/team/synthesize", "{}", NULL);
	assert_int_equal(r.status, 405);
	tst_resp_free(&r);
	lite_node_stop(n);
}

static const struct {
	const char *query, *cand;
	double score;
} vectors[] = {
	{"alice", "alice-smith", 0.6667}, {"alice", "a.smith", 0.3636},
	{"alice", "alan", 0.5},           {"alice", "bob", 0.0},
	{"alice", "alicia-keys", 0.6667}, {"xabcyabcab", "yabcabxab", 0.6316},
	{"mississippi", "sippimissis", 0.5455},
	{"data.pipeline.owner", "owner-of-data-pipeline", 0.75},
	{"q1-roadmap", "roadmap-q1-2026", 0.6667},
	{"kk", "k", 0.6667},
};

static cJSON *
resolve(int port, const char *query_string, long want_status)
{
	char path[400];
	struct tst_resp r =
		tst_get(port, tst_fmt(path, sizeof path, "/v1/entities/resolve?%s", query_string));
	assert_int_equal(r.status, want_status);
	cJSON *j = r.json;
	r.json = NULL;
	tst_resp_free(&r);
	return j;
}

static void
t_resolve(void **state)
{
	(void)state;
	struct lite_node *n = tst_start("resolve.db", NULL);
	assert_non_null(n);
	int port = lite_node_port(n);
	for (size_t i = 0; i < sizeof vectors / sizeof vectors[0]; i++) {
		char ent[160];
		snprintf(ent, sizeof ent, "v%zu:%s", i, vectors[i].cand);
		post_fact(port, ent, "memory:tag", "x", 1.0, "local", NULL);
	}
	post_fact(port, "user:retired", "memory:tag", "x", 0.0, "local", NULL);

	for (size_t i = 0; i < sizeof vectors / sizeof vectors[0]; i++) {
		char qs[200], want[160];
		snprintf(qs, sizeof qs, "uri=v%zu:%s&threshold=0&top_k=20", i, vectors[i].query);
		snprintf(want, sizeof want, "v%zu:%s", i, vectors[i].cand);
		cJSON *j = resolve(port, qs, 200);
		cJSON *c = cJSON_GetArrayItem(cJSON_GetObjectItem(j, "layer3_candidates"), 0);
		assert_non_null(c);
		assert_string_equal(cJSON_GetObjectItem(c, "uri")->valuestring, want);
		double got = cJSON_GetObjectItem(c, "score")->valuedouble;
		if (fabs(got - vectors[i].score) > 1e-9)
			fprintf(stderr, "%s ~ %s: %.4f, want %.4f\n", vectors[i].query, vectors[i].cand,
				got, vectors[i].score);
		assert_true(fabs(got - vectors[i].score) < 1e-9);
		assert_int_equal(cJSON_GetObjectItem(j, "resolution_layer")->valueint, 3);
		assert_string_equal(cJSON_GetObjectItem(j, "best")->valuestring, want);
		cJSON_Delete(j);
	}

	/* Ranking, threshold and top_k, and the note. */
	cJSON *j = resolve(port, "uri=v0:alice&threshold=0.5&top_k=2", 200);
	cJSON *arr = cJSON_GetObjectItem(j, "layer3_candidates");
	assert_int_equal(cJSON_GetArraySize(j ? arr : NULL), 1); /* only v0:alice-smith in type v0 */
	assert_string_equal(cJSON_GetObjectItem(cJSON_GetArrayItem(arr, 0), "match_note")->valuestring,
			    "token_score=0.67 ('alice' ~ 'alice-smith')");
	cJSON_Delete(j);

	/* Layer 1: an existing entity, whatever its case and spacing. */
	j = resolve(port, "uri=%20V0:Alice-Smith%20", 200);
	assert_true(cJSON_IsTrue(cJSON_GetObjectItem(j, "layer1_match")));
	assert_int_equal(cJSON_GetObjectItem(j, "resolution_layer")->valueint, 1);
	assert_string_equal(cJSON_GetObjectItem(j, "canonical")->valuestring, "v0:alice-smith");
	assert_string_equal(cJSON_GetObjectItem(j, "best")->valuestring, "v0:alice-smith");
	assert_string_equal(cJSON_GetObjectItem(j, "query")->valuestring, " V0:Alice-Smith ");
	assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(j, "layer3_candidates")), 0);
	cJSON_Delete(j);
	/* Confidence 0 does not count as live. */
	j = resolve(port, "uri=user:retired", 200);
	assert_false(cJSON_IsTrue(cJSON_GetObjectItem(j, "layer1_match")));
	assert_true(cJSON_IsNull(cJSON_GetObjectItem(j, "resolution_layer")));
	assert_string_equal(cJSON_GetObjectItem(j, "best")->valuestring, "user:retired");
	cJSON_Delete(j);
	/* Formal URIs get no fuzzy candidates; nothing normalizes from blanks. */
	j = resolve(port, "uri=stigmem://d/user/nobody", 200);
	assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(j, "layer3_candidates")), 0);
	assert_true(cJSON_IsNull(cJSON_GetObjectItem(j, "resolution_layer")));
	cJSON_Delete(j);
	j = resolve(port, "uri=%20%20", 200);
	assert_true(cJSON_IsNull(cJSON_GetObjectItem(j, "canonical")));
	assert_true(cJSON_IsNull(cJSON_GetObjectItem(j, "best")));
	cJSON_Delete(j);

	/* Validation as FastAPI reports it. */
	j = resolve(port, "top_k=3", 422);
	cJSON *d = cJSON_GetArrayItem(cJSON_GetObjectItem(j, "detail"), 0);
	assert_string_equal(cJSON_GetObjectItem(d, "type")->valuestring, "missing");
	cJSON_Delete(j);
	cJSON_Delete(resolve(port, "uri=a:b&top_k=0", 422));
	cJSON_Delete(resolve(port, "uri=a:b&top_k=21", 422));
	cJSON_Delete(resolve(port, "uri=a:b&threshold=1.5", 422));
	cJSON_Delete(resolve(port, "uri=a:b&threshold=abc", 422));
	lite_node_stop(n);
}

int
main(void)
{
	curl_global_init(CURL_GLOBAL_ALL);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(t_synthesize),
		cmocka_unit_test(t_resolve),
	};
	int rc = cmocka_run_group_tests_name("lite_discovery", tests, NULL, NULL);
	curl_global_cleanup();
	return rc;
}
