/* test_lite_session.c — stigmem-lite's Stigmem-Session feedback-loop guard
 * (stigmem-api.md §4.2.4) and per-key quotas (§1.3), over real HTTP. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "../lib/testnode.h"

#define KEY "quota-admin-key-0123456789"

static const char fact_team[] =
	"{\"entity\":\"stigmem://t/user/alice\",\"relation\":\"memory:role\","
	"\"value\":{\"type\":\"string\",\"v\":\"engineer\"},"
	"\"source\":\"stigmem://t/agent/a\",\"scope\":\"team\"}";

static void
rm_db(const char *db)
{
	char p[128];
	const char *sfx[] = {"", "-wal", "-shm", ".tl.jsonl"};
	for (size_t i = 0; i < 4; i++) {
		snprintf(p, sizeof p, "%s%s", db, sfx[i]);
		unlink(p);
	}
}

/* POST /v1/facts with optional header lines; returns the status and copies
 * the id and cid of a 201 (when out buffers given). */
static long
post(int port, const char *body, const char *const *hdrs, char id[64], char cid[80])
{
	struct tst_resp r = tst_req(port, "POST", "/v1/facts", body, hdrs);
	long st = r.status;
	if (st == 201) {
		const cJSON *i = cJSON_GetObjectItemCaseSensitive(r.json, "id");
		const cJSON *c = cJSON_GetObjectItemCaseSensitive(r.json, "cid");
		assert_true(cJSON_IsString(i) && cJSON_IsString(c));
		if (id)
			snprintf(id, 64, "%s", i->valuestring);
		if (cid)
			snprintf(cid, 80, "%s", c->valuestring);
	}
	tst_resp_free(&r);
	return st;
}

static long
get_status(int port, const char *method, const char *path, const char *body,
	   const char *const *hdrs)
{
	struct tst_resp r = tst_req(port, method, path, body, hdrs);
	long st = r.status;
	tst_resp_free(&r);
	return st;
}

static void
t_guard(void **state)
{
	(void)state;
	struct lite_node *n = tst_start("session-guard.db", NULL);
	assert_non_null(n);
	int port = lite_node_port(n);
	char id[64], cid[80], body[1024];
	const char *s1[] = {"Stigmem-Session: s-one", NULL};
	const char *s1sp[] = {"Stigmem-Session:   s-one  ", NULL};
	const char *s2[] = {"Stigmem-Session: s-two", NULL};

	/* Writes before any read in the session pass. */
	assert_int_equal(post(port, fact_team, s1, id, cid), 201);
	/* A read of a team fact with the header records scope team. */
	char path[160];
	snprintf(path, sizeof path, "/v1/facts/%s", id);
	assert_int_equal(get_status(port, "GET", path, NULL, s1), 200);

	const char *w2 = "{\"entity\":\"stigmem://t/user/alice\",\"relation\":\"memory:summary\","
			 "\"value\":{\"type\":\"string\",\"v\":\"sum\"},"
			 "\"source\":\"stigmem://t/agent/a\",\"scope\":\"team\"}";
	struct tst_resp r = tst_req(port, "POST", "/v1/facts", w2, s1sp);
	assert_int_equal(r.status, 403);
	assert_string_equal(r.body.data,
			    "{\"detail\":{\"code\":\"feedback_loop_provenance_required\","
			    "\"message\":\"scope 'team' was read in this session; writing into it "
			    "requires write_mode=summarize_with_provenance and derived_from naming "
			    "a fact of that scope\",\"session_id\":\"s-one\",\"scope\":\"team\"}}");
	tst_resp_free(&r);
	/* Nothing was stored. */
	r = tst_req(port, "GET", "/v1/facts?relation=memory:summary", NULL, NULL);
	assert_int_equal(r.status, 200);
	assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(r.json, "facts")), 0);
	tst_resp_free(&r);

	/* Other scopes, other sessions and requests without the header pass. */
	const char *w_local = "{\"entity\":\"stigmem://t/user/alice\",\"relation\":\"memory:x\","
			      "\"value\":{\"type\":\"string\",\"v\":\"l\"},"
			      "\"source\":\"stigmem://t/agent/a\",\"scope\":\"local\"}";
	assert_int_equal(post(port, w_local, s1, NULL, NULL), 201);
	assert_int_equal(post(port, w2, s2, NULL, NULL), 201);
	const char *w3 = "{\"entity\":\"stigmem://t/user/alice\",\"relation\":\"memory:y\","
			 "\"value\":{\"type\":\"string\",\"v\":\"y\"},"
			 "\"source\":\"stigmem://t/agent/a\",\"scope\":\"team\"}";
	assert_int_equal(post(port, w3, NULL, NULL, NULL), 201);

	/* summarize_with_provenance alone is not enough; a same-scope parent is. */
	const char *fmt = "{\"entity\":\"stigmem://t/user/alice\",\"relation\":\"memory:s%d\","
			  "\"value\":{\"type\":\"string\",\"v\":\"s\"},"
			  "\"source\":\"stigmem://t/agent/a\",\"scope\":\"team\","
			  "\"write_mode\":\"%s\",\"derived_from\":[%s]}";
	char df[200];
	snprintf(df, sizeof df, "{\"fact_id\":\"%s\"}", id);
	snprintf(body, sizeof body, fmt, 1, "assert", df);
	assert_int_equal(post(port, body, s1, NULL, NULL), 403);
	snprintf(body, sizeof body, fmt, 2, "summarize_with_provenance", "");
	assert_int_equal(post(port, body, s1, NULL, NULL), 403);
	snprintf(body, sizeof body, fmt, 3, "summarize_with_provenance",
		 "{\"fact_id\":\"00000000-0000-4000-8000-000000000000\"}");
	assert_int_equal(post(port, body, s1, NULL, NULL), 403);
	snprintf(body, sizeof body, fmt, 4, "summarize_with_provenance", df);
	assert_int_equal(post(port, body, s1, NULL, NULL), 201);
	snprintf(df, sizeof df, "{\"hash\":\"%s\"}", cid);
	snprintf(body, sizeof body, fmt, 5, "summarize_with_provenance", df);
	assert_int_equal(post(port, body, s1, NULL, NULL), 201);

	/* A parent in another scope does not count. */
	char lid[64], lcid[80];
	const char *w_pub = "{\"entity\":\"stigmem://t/user/bob\",\"relation\":\"memory:role\","
			    "\"value\":{\"type\":\"string\",\"v\":\"pm\"},"
			    "\"source\":\"stigmem://t/agent/a\",\"scope\":\"public\"}";
	assert_int_equal(post(port, w_pub, NULL, lid, lcid), 201);
	snprintf(df, sizeof df, "{\"fact_id\":\"%s\"},{\"hash\":\"%s\"}", lid, lcid);
	snprintf(body, sizeof body, fmt, 6, "summarize_with_provenance", df);
	assert_int_equal(post(port, body, s1, NULL, NULL), 403);

	/* GET /v1/facts and POST /v1/recall record too (session s2, s3). */
	assert_int_equal(get_status(port, "GET", "/v1/facts?scope=public", NULL, s2), 200);
	const char *wp = "{\"entity\":\"stigmem://t/user/bob\",\"relation\":\"memory:z\","
			 "\"value\":{\"type\":\"string\",\"v\":\"z\"},"
			 "\"source\":\"stigmem://t/agent/a\",\"scope\":\"public\"}";
	assert_int_equal(post(port, wp, s2, NULL, NULL), 403);
	const char *s3[] = {"Stigmem-Session: s-three", NULL};
	assert_int_equal(post(port, wp, s3, NULL, NULL), 201);
	r = tst_req(port, "POST", "/v1/recall", "{\"query\":\"pm\",\"scope\":\"public\"}", s3);
	assert_int_equal(r.status, 200);
	const cJSON *res = cJSON_GetObjectItem(r.json, "facts");
	assert_true(cJSON_GetArraySize(res) > 0);
	assert_string_equal(
		cJSON_GetObjectItem(cJSON_GetObjectItem(res->child, "fact"), "scope")->valuestring,
		"public");
	tst_resp_free(&r);
	const char *wp2 = "{\"entity\":\"stigmem://t/user/bob\",\"relation\":\"memory:w\","
			  "\"value\":{\"type\":\"string\",\"v\":\"w\"},"
			  "\"source\":\"stigmem://t/agent/a\",\"scope\":\"public\"}";
	assert_int_equal(post(port, wp2, s3, NULL, NULL), 403);

	/* An over-long id is still 400. */
	char longh[200];
	snprintf(longh, sizeof longh, "Stigmem-Session: %0129d", 0);
	const char *lh[] = {longh, NULL};
	assert_int_equal(post(port, wp2, lh, NULL, NULL), 400);
	lite_node_stop(n);
	rm_db("session-guard.db");
}

/* Sessions are per caller: the same id of another principal is separate. */
static void
t_guard_per_principal(void **state)
{
	(void)state;
	struct lite_options o;
	lite_options_init(&o);
	o.bootstrap_key = KEY;
	struct lite_node *n = tst_start("session-principal.db", &o);
	assert_non_null(n);
	int port = lite_node_port(n);
	char id[64];
	const char *anon_s[] = {"Stigmem-Session: shared", NULL};
	const char *key_s[] = {"Stigmem-Session: shared", "Authorization: Bearer " KEY, NULL};
	assert_int_equal(post(port, fact_team, NULL, id, NULL), 201);
	assert_int_equal(get_status(port, "GET", "/v1/facts?scope=team", NULL, anon_s), 200);
	const char *w = "{\"entity\":\"stigmem://t/user/alice\",\"relation\":\"memory:q\","
			"\"value\":{\"type\":\"string\",\"v\":\"q\"},"
			"\"source\":\"stigmem://t/agent/a\",\"scope\":\"team\"}";
	assert_int_equal(post(port, w, key_s, NULL, NULL), 201);
	assert_int_equal(post(port, w, anon_s, NULL, NULL), 403);
	lite_node_stop(n);
	rm_db("session-principal.db");
}

static void
t_quota(void **state)
{
	(void)state;
	struct lite_options o;
	lite_options_init(&o);
	assert_int_equal(o.quota_read_per_hour, 5000);
	assert_int_equal(o.quota_write_per_hour, 1000);
	o.bootstrap_key = KEY;
	o.quota_write_per_hour = 3;
	o.quota_read_per_hour = 2;
	struct lite_node *n = tst_start("session-quota.db", &o);
	assert_non_null(n);
	int port = lite_node_port(n);
	const char *kh[] = {"Authorization: Bearer " KEY, NULL};
	char body[512], id[64];
	for (int i = 0; i < 3; i++) {
		snprintf(body, sizeof body,
			 "{\"entity\":\"stigmem://t/user/q%d\",\"relation\":\"memory:role\","
			 "\"value\":{\"type\":\"string\",\"v\":\"v\"},"
			 "\"source\":\"stigmem://t/agent/a\"}",
			 i);
		assert_int_equal(post(port, body, kh, i == 0 ? id : NULL, NULL), 201);
	}
	struct tst_resp r = tst_req(port, "POST", "/v1/facts", fact_team, kh);
	assert_int_equal(r.status, 429);
	assert_string_equal(cJSON_GetObjectItem(r.json, "error")->valuestring, "quota_exceeded");
	assert_string_equal(cJSON_GetObjectItem(r.json, "dimension")->valuestring, "fact_write");
	assert_string_equal(cJSON_GetObjectItem(r.json, "principal")->valuestring, "agent:admin");
	const cJSON *ra = cJSON_GetObjectItem(r.json, "retry_after");
	assert_true(cJSON_IsNumber(ra));
	/* One token per 1200 s at 3 per hour. */
	assert_true(ra->valuedouble > 1100.0 && ra->valuedouble <= 1200.0);
	assert_null(cJSON_GetObjectItem(r.json, "detail"));
	char h[32];
	assert_true(tst_header(&r, "Retry-After", h, sizeof h));
	long hs = atol(h);
	assert_true(hs >= 1100 && hs <= 1200 && hs >= (long)ra->valuedouble);
	tst_resp_free(&r);
	/* verify-cid counts as a write. */
	char path[160];
	snprintf(path, sizeof path, "/v1/facts/%s/verify-cid", id);
	assert_int_equal(get_status(port, "POST", path, "{}", kh), 429);
	/* Requests without a key are not limited. */
	for (int i = 0; i < 5; i++)
		assert_int_equal(post(port, fact_team, NULL, NULL, NULL), 201);
	assert_int_equal(get_status(port, "POST", path, "{}", NULL), 200);
	/* Reads have their own bucket (2), recall included. */
	assert_int_equal(get_status(port, "GET", "/v1/facts", NULL, kh), 200);
	assert_int_equal(get_status(port, "POST", "/v1/recall", "{\"query\":\"v\"}", kh), 200);
	r = tst_req(port, "GET", "/v1/facts", NULL, kh);
	assert_int_equal(r.status, 429);
	assert_string_equal(cJSON_GetObjectItem(r.json, "dimension")->valuestring, "fact_read");
	tst_resp_free(&r);
	for (int i = 0; i < 5; i++)
		assert_int_equal(get_status(port, "GET", "/v1/facts", NULL, NULL), 200);
	/* Not-limited routes and federation stay open for the key. */
	for (int i = 0; i < 4; i++) {
		long st = get_status(port, "GET", "/v1/federation/peers", NULL, kh);
		assert_true(st != 429);
		assert_int_equal(get_status(port, "GET", "/v1/conflicts", NULL, kh), 200);
	}
	lite_node_stop(n);
	rm_db("session-quota.db");
}

/* 0 = unlimited. */
static void
t_quota_unlimited(void **state)
{
	(void)state;
	struct lite_options o;
	lite_options_init(&o);
	o.bootstrap_key = KEY;
	o.quota_write_per_hour = 0;
	o.quota_read_per_hour = 1;
	struct lite_node *n = tst_start("session-quota0.db", &o);
	assert_non_null(n);
	int port = lite_node_port(n);
	const char *kh[] = {"Authorization: Bearer " KEY, NULL};
	char body[512];
	for (int i = 0; i < 20; i++) {
		snprintf(body, sizeof body,
			 "{\"entity\":\"stigmem://t/user/u%d\",\"relation\":\"memory:role\","
			 "\"value\":{\"type\":\"string\",\"v\":\"v\"},"
			 "\"source\":\"stigmem://t/agent/a\"}",
			 i);
		assert_int_equal(post(port, body, kh, NULL, NULL), 201);
	}
	assert_int_equal(get_status(port, "GET", "/v1/facts", NULL, kh), 200);
	struct tst_resp r = tst_req(port, "GET", "/v1/facts", NULL, kh);
	assert_int_equal(r.status, 429);
	char h[32];
	assert_true(tst_header(&r, "Retry-After", h, sizeof h));
	assert_true(atol(h) >= 3500 && atol(h) <= 3600);
	tst_resp_free(&r);
	lite_node_stop(n);
	rm_db("session-quota0.db");
}

int
main(void)
{
	curl_global_init(CURL_GLOBAL_ALL);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(t_guard),
		cmocka_unit_test(t_guard_per_principal),
		cmocka_unit_test(t_quota),
		cmocka_unit_test(t_quota_unlimited),
	};
	int rc = cmocka_run_group_tests_name("lite_session", tests, NULL, NULL);
	curl_global_cleanup();
	return rc;
}
