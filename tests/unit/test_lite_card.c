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

#include "../lib/testdata.h"
#include "../lib/testnode.h"

static struct tst_node g_fix;
static cJSON *g_ids;

static int
setup_fixture_node(void **state)
{
	(void)state;
	g_ids = tst_node_start_seeded(&g_fix, 1, 60, 65);
	return 0;
}

static int
teardown_fixture_node(void **state)
{
	(void)state;
	tst_node_stop(&g_fix);
	cJSON_Delete(g_ids);
	return 0;
}

/* fact_hashes[i] must be sha256(id) of the fact shown on summary line i:
 * map them back through GET /v1/facts like a client would (§6). */
static void
check_fact_hashes(const struct tst_node *t, const cJSON *card)
{
	char path[1024];
	char *enc = curl_escape(tst_jstr(card, "entity_uri"), 0);
	snprintf(path, sizeof path, "/v1/facts?entity=%s&scope=%s&include_contradicted=true"
				    "&include_expired=true&limit=500",
		 enc, tst_jstr(card, "scope"));
	curl_free(enc);
	struct tst_resp r;
	tst_http(t, "GET", path, NULL, NULL, &r);
	assert_int_equal(r.status, 200);
	const cJSON *hashes = tst_jget(card, "fact_hashes");
	/* summary lines after "Facts:" */
	const char *s = strstr(tst_jstr(card, "summary"), "\nFacts:");
	assert_non_null(s);
	int line = 0;
	const cJSON *h;
	cJSON_ArrayForEach(h, hashes)
	{
		assert_int_equal(strlen(h->valuestring), 64);
		const cJSON *f, *match = NULL;
		cJSON_ArrayForEach(f, tst_jget(r.json, "facts"))
		{
			char hex[STG_HEX_MAX];
			stg_sha256_hex(tst_jstr(f, "id"), strlen(tst_jstr(f, "id")), hex);
			if (strcmp(hex, h->valuestring) == 0)
				match = f;
		}
		if (!match)
			fail_msg("fact_hashes[%d] matches no fact id", line);
		/* the line of that position names the fact's relation */
		s = strstr(s + 1, "\n  ");
		assert_non_null(s);
		char want[256];
		snprintf(want, sizeof want, "\n  %s: ", tst_jstr(match, "relation"));
		assert_memory_equal(s, want, strlen(want));
		assert_true(tst_jnum(match, "confidence") > 0);
		line++;
	}
	assert_null(strstr(s + 1, "\n  ")); /* as many lines as hashes */
	tst_resp_free(&r);
}

static void
check_card_recording(const char *name, bool map_hashes)
{
	cJSON *fx = tst_fixture(name);
	struct tst_resp r;
	tst_http(&g_fix, "GET", tst_jstr(tst_jget(fx, "request"), "path"), NULL, NULL, &r);
	assert_int_equal(r.status, (long)tst_jnum(fx, "status"));
	const cJSON *rec = tst_jget(fx, "body");
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
		assert_string_equal(tst_jstr(r.json, "entity_uri"), tst_jstr(rec, "entity_uri"));
		assert_string_equal(tst_jstr(r.json, "scope"), tst_jstr(rec, "scope"));
		assert_string_equal(tst_jstr(r.json, "summary"), tst_jstr(rec, "summary"));
		assert_true(tst_jnum(r.json, "avg_confidence") == tst_jnum(rec, "avg_confidence"));
		assert_false(cJSON_IsTrue(tst_jget(r.json, "is_stale")));
		assert_int_equal(cJSON_IsTrue(tst_jget(r.json, "has_contradictions")),
				 cJSON_IsTrue(tst_jget(rec, "has_contradictions")));
		assert_int_equal(cJSON_GetArraySize(tst_jget(r.json, "fact_hashes")),
				 cJSON_GetArraySize(tst_jget(rec, "fact_hashes")));
		assert_true(cJSON_IsString(tst_jget(r.json, "refreshed_at")));
		if (map_hashes)
			check_fact_hashes(&g_fix, r.json);
	}
	tst_resp_free(&r);
	cJSON_Delete(fx);
}

static void
test_card_fresh_matches_recording(void **state)
{
	(void)state;
	check_card_recording("card-fresh.json", true);
	/* The kickoff hashes are sha256 of the replayed fact ids, in line order. */
	struct tst_resp r;
	tst_http(&g_fix, "GET", "/v1/cards/stigmem://acme.example/meeting/kickoff-%E6%9D%B1%E4%BA%AC?scope=team",
	     NULL, NULL, &r);
	const char *refs[] = {"kickoff.organizer", "kickoff.project", "kickoff.starts", "kickoff.title",
			      "kickoff.room"};
	for (int i = 0; i < 5; i++) {
		const char *id = tst_jstr(g_ids, refs[i]);
		char hex[STG_HEX_MAX];
		stg_sha256_hex(id, strlen(id), hex);
		assert_string_equal(cJSON_GetArrayItem(tst_jget(r.json, "fact_hashes"), i)->valuestring, hex);
	}
	tst_resp_free(&r);
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
		struct tst_resp r;
		tst_http(&g_fix, "GET", paths[i], NULL, NULL, &r);
		assert_int_equal(r.status, 200);
		assert_string_equal(tst_jstr(r.json, "entity_uri"),
				    "stigmem://acme.example/meeting/kickoff-\xe6\x9d\xb1\xe4\xba\xac");
		char *s = cJSON_PrintUnformatted(r.json);
		if (i == 0)
			snprintf(first, sizeof first, "%s", s);
		else
			assert_string_equal(s, first); /* cached: identical, same refreshed_at */
		free(s);
		tst_resp_free(&r);
	}
	struct tst_resp r;
	tst_http(&g_fix, "GET", "/v1/cards/stigmem://acme.example/meeting/kickoff-%E6%9D%B1%E4%BA%AC?scope=team&refresh=true",
	     NULL, NULL, &r);
	assert_int_equal(r.status, 200);
	cJSON *old = cJSON_Parse(first);
	assert_string_not_equal(tst_jstr(r.json, "refreshed_at"), tst_jstr(old, "refreshed_at"));
	assert_string_equal(tst_jstr(r.json, "summary"), tst_jstr(old, "summary"));
	cJSON_Delete(old);
	tst_resp_free(&r);
	tst_http(&g_fix, "GET", "/v1/cards/stigmem://acme.example/user/bob?refresh=maybe", NULL, NULL, &r);
	assert_int_equal(r.status, 422);
	tst_resp_free(&r);
}

static const char *card_path = "/v1/cards/stigmem://k.example/user/kay?scope=team";

static void
post_kay(const struct tst_node *t, const char *rel, const char *value_json, double conf,
	 const char *extra, char id[64])
{
	char body[1024];
	snprintf(body, sizeof body,
		 "{\"entity\":\"stigmem://k.example/user/kay\",\"relation\":\"%s\",\"value\":%s,"
		 "\"source\":\"agent:k\",\"scope\":\"team\",\"confidence\":%.17g%s}",
		 rel, value_json, conf, extra ? extra : "");
	tst_post_fact(t, body, id);
}

static void
test_card_build_rules(void **state)
{
	(void)state;
	struct tst_node t = {0};
	tst_node_start(&t, 1000, 60);
	struct tst_resp r;
	tst_http(&t, "GET", card_path, NULL, NULL, &r);
	assert_int_equal(r.status, 404);
	assert_string_equal(tst_jstr(r.json, "detail"), "no facts found for entity");
	tst_resp_free(&r);
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
	tst_http(&t, "GET", card_path, NULL, NULL, &r);
	assert_int_equal(r.status, 200);
	const char *sum = tst_jstr(r.json, "summary");
	const char *head = "Entity: stigmem://k.example/user/kay\nFacts:\n  ";
	assert_true(strncmp(sum, head, strlen(head)) == 0);
	assert_null(strstr(sum, "k:expired"));
	assert_null(strstr(sum, "k:r07"));
	/* at most 20 rows: the 20 highest confidences */
	assert_int_equal(cJSON_GetArraySize(tst_jget(r.json, "fact_hashes")), 20);
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
	assert_true(tst_jnum(r.json, "avg_confidence") == stg_score_pyround(total / 20, 6));
	assert_non_null(strstr(sum, "\n  k:num: 42 (conf=0.99)"));   /* stored text, not 42.0 */
	assert_non_null(strstr(sum, "\n  k:flag: true (conf=0.99)"));
	assert_null(strstr(sum, "k:r05")); /* 0.125 is among the lowest: cut by the 20 limit */
	assert_false(cJSON_IsTrue(tst_jget(r.json, "has_contradictions")));
	char first_ts[64];
	snprintf(first_ts, sizeof first_ts, "%s", tst_jstr(r.json, "refreshed_at"));
	tst_resp_free(&r);

	/* 2-decimal text on a small card */
	struct tst_node u = {0};
	tst_node_start(&u, 1000, 60);
	post_kay(&u, "k:a", "{\"type\":\"string\",\"v\":\"a\"}", 0.125, NULL, NULL);
	post_kay(&u, "k:b", "{\"type\":\"string\",\"v\":\"b\"}", 0.375, NULL, NULL);
	post_kay(&u, "k:c", "{\"type\":\"number\",\"v\":42.0}", 0.005, NULL, NULL);
	tst_http(&u, "GET", card_path, NULL, NULL, &r);
	assert_string_equal(tst_jstr(r.json, "summary"),
			    "Entity: stigmem://k.example/user/kay\nFacts:\n"
			    "  k:b: b (conf=0.38)\n  k:a: a (conf=0.12)\n  k:c: 42.0 (conf=0.01)");
	assert_true(tst_jnum(r.json, "avg_confidence") == stg_score_pyround((0.125 + 0.375 + 0.005) / 3, 6));
	tst_resp_free(&r);
	tst_node_stop(&u);

	/* Stale marking: a new assertion for (entity, scope) rebuilds; another
	 * scope does not touch this card; refresh=true always rebuilds. */
	post_kay(&t, "k:zz", "{\"type\":\"string\",\"v\":\"late\"}", 1.0, NULL, NULL);
	tst_http(&t, "GET", card_path, NULL, NULL, &r);
	assert_string_not_equal(tst_jstr(r.json, "refreshed_at"), first_ts);
	assert_non_null(strstr(tst_jstr(r.json, "summary"), "k:zz: late (conf=1.00)"));
	assert_false(cJSON_IsTrue(tst_jget(r.json, "is_stale")));
	char second_ts[64];
	snprintf(second_ts, sizeof second_ts, "%s", tst_jstr(r.json, "refreshed_at"));
	tst_resp_free(&r);
	tst_post_fact(&t, "{\"entity\":\"stigmem://k.example/user/kay\",\"relation\":\"k:other\","
		      "\"value\":{\"type\":\"string\",\"v\":\"x\"},\"source\":\"agent:k\",\"scope\":\"local\"}",
		  NULL);
	tst_http(&t, "GET", card_path, NULL, NULL, &r);
	assert_string_equal(tst_jstr(r.json, "refreshed_at"), second_ts);
	tst_resp_free(&r);
	tst_http(&t, "GET", "/v1/cards/stigmem://k.example/user/kay?scope=local", NULL, NULL, &r);
	assert_int_equal(r.status, 200);
	assert_string_equal(tst_jstr(r.json, "summary"),
			    "Entity: stigmem://k.example/user/kay\nFacts:\n  k:other: x (conf=1.00)");
	tst_resp_free(&r);
	tst_node_stop(&t);
}

static void
test_card_retraction_and_repeats(void **state)
{
	(void)state;
	struct tst_node t = {0};
	tst_node_start(&t, 1000, 60);
	char orig[64], retr[64];
	post_kay(&t, "k:role", "{\"type\":\"string\",\"v\":\"lead\"}", 0.9, NULL, orig);
	post_kay(&t, "k:name", "{\"type\":\"string\",\"v\":\"Kay\"}", 1.0, NULL, NULL);
	struct tst_resp r;
	tst_http(&t, "GET", card_path, NULL, NULL, &r);
	assert_true(tst_jnum(r.json, "avg_confidence") == 0.95);
	tst_resp_free(&r);
	/* SDK-style retraction: the original stays on the card, the
	 * retraction (confidence 0) is not a row; no contradiction. */
	post_kay(&t, "k:role", "{\"type\":\"string\",\"v\":\"retracted\"}", 0.0, NULL, retr);
	tst_http(&t, "GET", card_path, NULL, NULL, &r);
	assert_string_equal(tst_jstr(r.json, "summary"), "Entity: stigmem://k.example/user/kay\nFacts:\n"
						     "  k:name: Kay (conf=1.00)\n  k:role: lead (conf=0.90)");
	assert_false(cJSON_IsTrue(tst_jget(r.json, "has_contradictions")));
	char hex[STG_HEX_MAX];
	stg_sha256_hex(orig, strlen(orig), hex);
	assert_string_equal(cJSON_GetArrayItem(tst_jget(r.json, "fact_hashes"), 1)->valuestring, hex);
	assert_true(tst_jnum(r.json, "avg_confidence") == 0.95);
	tst_resp_free(&r);
	/* Recall serves the entity as a card (no repeated relation among rows). */
	tst_http(&t, "POST", "/v1/recall", "{\"query\":\"kay\",\"scope\":\"team\"}", NULL, &r);
	assert_int_equal(r.status, 200);
	assert_int_equal(cJSON_GetArraySize(tst_jget(r.json, "facts")), 1);
	assert_true(cJSON_IsTrue(tst_jget(cJSON_GetArrayItem(tst_jget(r.json, "facts"), 0), "from_card")));
	tst_resp_free(&r);
	/* A second live value for k:role => has_contradictions; recall returns
	 * the individual facts instead of the card. */
	tst_post_fact(&t, "{\"entity\":\"stigmem://k.example/user/kay\",\"relation\":\"k:role\","
		      "\"value\":{\"type\":\"string\",\"v\":\"manager\"},\"source\":\"agent:other\","
		      "\"scope\":\"team\",\"confidence\":0.6}",
		  NULL);
	tst_http(&t, "GET", card_path, NULL, NULL, &r);
	assert_true(cJSON_IsTrue(tst_jget(r.json, "has_contradictions")));
	assert_int_equal(cJSON_GetArraySize(tst_jget(r.json, "fact_hashes")), 3);
	tst_resp_free(&r);
	tst_http(&t, "POST", "/v1/recall", "{\"query\":\"kay\",\"scope\":\"team\"}", NULL, &r);
	const cJSON *e;
	int n = 0;
	cJSON_ArrayForEach(e, tst_jget(r.json, "facts"))
	{
		assert_false(cJSON_IsTrue(tst_jget(e, "from_card")));
		n++;
	}
	assert_int_equal(n, 3); /* the retraction is below min_confidence 0.1 */
	tst_resp_free(&r);
	/* A low average (< 0.5) is never served as a card either. */
	tst_post_fact(&t, "{\"entity\":\"stigmem://k.example/user/low\",\"relation\":\"k:x\","
		      "\"value\":{\"type\":\"string\",\"v\":\"lowkey\"},\"source\":\"agent:k\","
		      "\"scope\":\"team\",\"confidence\":0.4}",
		  NULL);
	tst_http(&t, "POST", "/v1/recall", "{\"query\":\"lowkey\",\"scope\":\"team\"}", NULL, &r);
	e = cJSON_GetArrayItem(tst_jget(r.json, "facts"), 0);
	assert_non_null(e);
	assert_false(cJSON_IsTrue(tst_jget(e, "from_card")));
	tst_resp_free(&r);
	tst_node_stop(&t);
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
