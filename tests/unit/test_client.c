/* test_client.c — blocking client calls against the scripted responder:
 * request building (paths, percent-encoding, bodies, headers), status
 * classes with real reference-node error bodies, transport faults, the body
 * cap, the insecure-key refusal and key hygiene. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <cjson/cJSON.h>

#include "../lib/responder.h"
#include "../lib/testclient.h"
#include "../lib/testdata.h"
#include "node/lite.h"
#include "stigmem/client.h"
#include "stigmem/codec.h"
#include "stigmem/stigmem.h"

#define TEST_KEY "sk-test-9f8e7d6c5b4a"

struct fx {
	struct responder *rsp;
	struct stg_client *cl;
	struct stg_arena arena;
};

static int
setup(void **state)
{
	struct fx *f = calloc(1, sizeof *f);

	assert_non_null(f);
	f->rsp = responder_start();
	assert_non_null(f->rsp);
	f->cl = tst_client_new(responder_url(f->rsp), TEST_KEY, 5000, 0);
	stg_arena_init(&f->arena);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fx *f = *state;

	stg_client_free(f->cl);
	responder_free(f->rsp);
	stg_arena_done(&f->arena);
	free(f);
	return 0;
}

/* Read a fixture's parsed "body" member (caller deletes) — expected values
 * come from the recording, not from the code under test. */
static cJSON *
fixture_body(const char *name)
{
	cJSON *root = tst_fixture(name);
	cJSON *body = cJSON_DetachItemFromObjectCaseSensitive(root, "body");

	cJSON_Delete(root);
	return body;
}

static void
add_body(struct responder *r, int status, const char *headers, const char *body)
{
	struct responder_step s = {0};

	s.status = status;
	s.headers = headers;
	s.body = body;
	assert_true(responder_add(r, &s));
}

/* ---- status classes with real error bodies ------------------------------------ */

struct err_case {
	const char *fixture;
	long http;
	enum stg_status st;
	const char *code;
	const char *detail_part;
};

static void
test_error_classes(void **state)
{
	static const struct err_case cases[] = {
		{"error-400-cid-malformed.json", 400, STG_ERR_HTTP, "cid_malformed",
		 "CID must be 'sha256:' followed by 64 hex chars"},
		{"error-400-invalid-scope.json", 400, STG_ERR_HTTP, "", "scope must be one of"},
		{"error-401-bad-key.json", 401, STG_ERR_AUTH, "", "Invalid or expired API key"},
		{"error-401-no-key.json", 401, STG_ERR_AUTH, "", "Authorization header required"},
		{"error-403-audit-read-capability.json", 403, STG_ERR_AUTH, "",
		 "audit.read capability required"},
		{"error-404-fact-not-found.json", 404, STG_ERR_NOT_FOUND, "", "fact not found"},
		{"poison-facts-list-409.json", 409, STG_ERR_CONFLICT, "cid_mismatch",
		 "stored CID does not match"},
		{"error-422-query-limit.json", 422, STG_ERR_HTTP, "",
		 "Input should be less than or equal to 500"},
		{"error-500-number-not-numeric.json", 500, STG_ERR_SERVER, "", "Internal Server Error"},
	};
	struct fx *f = *state;
	size_t i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++)
		tst_add_fixture(f->rsp, cases[i].fixture, 1);
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct stg_error err;
		struct stg_call_info info;
		struct stg_fact *fact = (struct stg_fact *)1;
		enum stg_status st;

		st = stg_client_get_fact(f->cl, "481506c5-4d0a-46ef-a928-c6bf9c34685b", NULL,
					 &f->arena, &fact, &info, &err);
		if (st != cases[i].st)
			fail_msg("%s: got %s (%s)", cases[i].fixture, stg_status_name(st), err.detail);
		assert_int_equal(err.status, cases[i].st);
		assert_null(fact);
		assert_int_equal(err.http_status, cases[i].http);
		assert_int_equal(info.http_status, cases[i].http);
		assert_string_equal(err.code, cases[i].code);
		if (strstr(err.detail, cases[i].detail_part) == NULL)
			fail_msg("%s: detail '%s' lacks '%s'", cases[i].fixture, err.detail,
				 cases[i].detail_part);
		/* raw body available for the raw view */
		assert_non_null(info.body);
		assert_true(info.body_len > 0);
	}
	/* the 422 list names the location */
	assert_int_equal(responder_count(f->rsp), (int)(sizeof cases / sizeof cases[0]));
}

static void
test_rate_limited(void **state)
{
	struct fx *f = *state;
	struct stg_error err;
	struct stg_call_info info;
	struct stg_fact_page *page = NULL;
	struct stg_query_params q = {0};

	add_body(f->rsp, 429, "Retry-After: 13\r\n",
		 "{\"error\":\"quota_exceeded\",\"dimension\":\"fact_read\","
		 "\"principal\":\"anon:trusted\",\"retry_after\":12.5}");
	add_body(f->rsp, 429, "Retry-After: 7\r\n", "");
	assert_int_equal(stg_client_query(f->cl, &q, &f->arena, &page, &info, &err),
			 STG_ERR_RATE_LIMITED);
	assert_int_equal(err.http_status, 429);
	assert_true(err.retry_after > 12.49 && err.retry_after < 12.51);
	assert_true(info.has_retry_after);
	assert_true(info.retry_after > 12.99 && info.retry_after < 13.01);
	assert_non_null(strstr(err.detail, "fact_read"));
	/* no body value: the header gives retry_after */
	assert_int_equal(stg_client_query(f->cl, &q, &f->arena, &page, &info, &err),
			 STG_ERR_RATE_LIMITED);
	assert_true(err.retry_after > 6.99 && err.retry_after < 7.01);
}

/* ---- successful decoding + call info ------------------------------------------- */

static void
test_get_fact_decodes(void **state)
{
	struct fx *f = *state;
	struct stg_error err;
	struct stg_call_info info;
	struct stg_fact *fact = NULL;
	cJSON *want = fixture_body("fact-get.json");
	const struct responder_request *rq;
	char hv[256];

	tst_add_fixture(f->rsp, "fact-get.json", 1);
	assert_int_equal(stg_client_get_fact(f->cl, "481506c5-4d0a-46ef-a928-c6bf9c34685b", "sess-1",
					     &f->arena, &fact, &info, &err),
			 STG_OK);
	assert_non_null(fact);
	assert_string_equal(fact->id, cJSON_GetObjectItem(want, "id")->valuestring);
	assert_string_equal(fact->entity, cJSON_GetObjectItem(want, "entity")->valuestring);
	assert_string_equal(fact->value.str,
			    cJSON_GetObjectItem(cJSON_GetObjectItem(want, "value"), "v")->valuestring);
	assert_int_equal(info.http_status, 200);
	assert_true(info.latency_ms >= 0.0 && info.latency_ms < 5000.0);
	assert_false(info.has_total_count);
	assert_non_null(info.body);
	assert_int_equal(info.body_len, 744); /* content-length of the recording */
	assert_int_equal(info.body[0], '{');
	cJSON_Delete(want);

	rq = responder_request(f->rsp, 0);
	assert_non_null(rq);
	assert_string_equal(rq->method, "GET");
	assert_string_equal(rq->target, "/v1/facts/481506c5-4d0a-46ef-a928-c6bf9c34685b");
	assert_true(responder_header(rq, "Authorization", hv, sizeof hv));
	assert_string_equal(hv, "Bearer " TEST_KEY);
	assert_true(responder_header(rq, "Stigmem-Session", hv, sizeof hv));
	assert_string_equal(hv, "sess-1");
	assert_true(responder_header(rq, "User-Agent", hv, sizeof hv));
	assert_string_equal(hv, "stigmem-tui/" STG_VERSION);
	assert_true(responder_header(rq, "Accept", hv, sizeof hv));
	assert_string_equal(hv, "application/json");
	assert_false(responder_header(rq, "Stigmem-Verify", hv, sizeof hv));
}

static void
test_total_count_header(void **state)
{
	struct fx *f = *state;
	struct stg_error err;
	struct stg_call_info info;
	struct stg_fact_page *page = NULL;
	struct stg_query_params q = {0};
	cJSON *want = fixture_body("facts-limit3-page1.json");

	tst_add_fixture(f->rsp, "facts-limit3-page1.json", 1);
	q.include_contradicted = STG_OPT_TRUE;
	q.include_expired = STG_OPT_TRUE;
	q.limit = 3;
	assert_int_equal(stg_client_query(f->cl, &q, &f->arena, &page, &info, &err), STG_OK);
	assert_true(info.has_total_count);
	assert_int_equal(info.total_count, 3);
	assert_int_equal(page->n_facts, (size_t)cJSON_GetArraySize(cJSON_GetObjectItem(want, "facts")));
	assert_string_equal(page->facts[0].id,
			    cJSON_GetObjectItem(cJSON_GetArrayItem(cJSON_GetObjectItem(want, "facts"), 0),
						"id")->valuestring);
	/* same target the recorder sent */
	assert_string_equal(responder_request(f->rsp, 0)->target,
			    "/v1/facts?include_contradicted=true&include_expired=true&limit=3");
	cJSON_Delete(want);
}

static void
test_small_routes(void **state)
{
	struct fx *f = *state;
	struct stg_error err;
	struct stg_node_info *ni = NULL;
	struct stg_health *h = NULL;
	struct stg_subscription *sub = NULL;
	struct stg_subscription_params sp = {0};
	struct stg_call_info info;
	cJSON *body;

	tst_add_fixture(f->rsp, "wellknown.json", 1);
	tst_add_fixture(f->rsp, "healthz.json", 1);
	tst_add_fixture(f->rsp, "subscription-create-scope.json", 1);
	add_body(f->rsp, 204, NULL, NULL);
	assert_int_equal(stg_client_node_info(f->cl, &f->arena, &ni, NULL, &err), STG_OK);
	assert_string_equal(ni->node_id, "stigmem:node:55cd7245-111d-48ec-ae73-e8feca90e1d3");
	assert_string_equal(ni->auth, "none");
	assert_int_equal(stg_client_healthz(f->cl, &f->arena, &h, NULL, &err), STG_OK);
	assert_string_equal(h->status, "ok");
	sp.target = "team";
	sp.on_change = "webhook";
	sp.delivery_address = "http://127.0.0.1:9/stigmem-hook";
	sp.idempotency_key = "fixtures-team-webhook";
	assert_int_equal(stg_client_subscription_create(f->cl, &sp, &f->arena, &sub, &info, &err),
			 STG_OK);
	assert_int_equal(info.http_status, 201);
	assert_string_equal(sub->id, "2f961c35-7aad-496d-95b2-1222d649b56f");
	assert_string_equal(sub->target_kind, "scope");
	assert_int_equal(stg_client_subscription_delete(f->cl, sub->id, &f->arena, &info, &err),
			 STG_OK);
	assert_int_equal(info.http_status, 204);

	assert_string_equal(responder_request(f->rsp, 0)->target, "/.well-known/stigmem");
	assert_string_equal(responder_request(f->rsp, 1)->target, "/healthz");
	assert_string_equal(responder_request(f->rsp, 2)->method, "POST");
	assert_string_equal(responder_request(f->rsp, 2)->target, "/v1/subscriptions");
	body = cJSON_Parse(responder_request(f->rsp, 2)->body);
	assert_non_null(body);
	assert_string_equal(cJSON_GetObjectItem(body, "target")->valuestring, "team");
	assert_string_equal(cJSON_GetObjectItem(body, "on_change")->valuestring, "webhook");
	assert_string_equal(cJSON_GetObjectItem(body, "delivery_address")->valuestring,
			    "http://127.0.0.1:9/stigmem-hook");
	assert_string_equal(cJSON_GetObjectItem(body, "idempotency_key")->valuestring,
			    "fixtures-team-webhook");
	cJSON_Delete(body);
	assert_string_equal(responder_request(f->rsp, 3)->method, "DELETE");
	assert_string_equal(responder_request(f->rsp, 3)->target,
			    "/v1/subscriptions/2f961c35-7aad-496d-95b2-1222d649b56f");
}

static void
test_decode_error_on_2xx(void **state)
{
	struct fx *f = *state;
	struct stg_error err;
	struct stg_call_info info;
	struct stg_fact_page *page = (struct stg_fact_page *)1;
	struct stg_query_params q = {0};
	struct stg_health *h = NULL;

	add_body(f->rsp, 200, NULL, "{\"facts\":\"not a list\",\"total\":1}");
	add_body(f->rsp, 200, NULL, "this is not json");
	assert_int_equal(stg_client_query(f->cl, &q, &f->arena, &page, &info, &err), STG_ERR_DECODE);
	assert_null(page);
	assert_int_equal(err.http_status, 200);
	assert_non_null(strstr(err.where, "facts"));
	assert_int_equal(stg_client_healthz(f->cl, &f->arena, &h, &info, &err), STG_ERR_DECODE);
	assert_null(h);
	/* the raw body is still there for the raw view */
	assert_string_equal(info.body, "this is not json");
}

static void
test_raw_request_and_flags(void **state)
{
	struct fx *f = *state;
	struct stg_error err;
	struct stg_call_info info;
	struct stg_request *r;
	void *v = (void *)1;
	struct stg_fact *fact;

	add_body(f->rsp, 200, NULL,
		 "{\"status\":\"ok\",\"memory_garden_acl_filtering\":\"disabled\"}");
	tst_add_fixture(f->rsp, "fact-get.json", 1);
	tst_add_fixture(f->rsp, "fact-get.json", 1);
	/* any route, no decoding: raw body only */
	r = stg_request_raw(STG_METHOD_GET, "/v1/doctor", NULL, STG_KIND_NONE, &err);
	assert_non_null(r);
	assert_int_equal(stg_client_execute(f->cl, r, &f->arena, &v, &info, &err), STG_OK);
	assert_null(v);
	assert_string_equal(info.body,
			    "{\"status\":\"ok\",\"memory_garden_acl_filtering\":\"disabled\"}");
	stg_request_free(r);
	assert_true(responder_request(f->rsp, 0)->matched);
	assert_string_equal(responder_request(f->rsp, 0)->target, "/v1/doctor");

	/* default flags: no per-fact raw JSON; per-request KEEP_RAW: present */
	r = stg_request_get_fact("481506c5-4d0a-46ef-a928-c6bf9c34685b", NULL, &err);
	assert_int_equal(stg_client_execute(f->cl, r, &f->arena, &v, NULL, &err), STG_OK);
	fact = v;
	assert_null(fact->raw_json);
	stg_request_set_decode_flags(r, STG_DECODE_KEEP_RAW);
	assert_int_equal(stg_client_execute(f->cl, r, &f->arena, &v, NULL, &err), STG_OK);
	fact = v;
	assert_non_null(fact->raw_json);
	assert_non_null(strstr(fact->raw_json, "\"id\":\"481506c5-4d0a-46ef-a928-c6bf9c34685b\""));
	stg_request_free(r);
}

/* ---- request building: paths, queries, bodies ------------------------------------ */

static void
test_percent_encoding(void **state)
{
	struct fx *f = *state;
	struct stg_error err;
	struct stg_query_params q = {0};
	struct stg_audit_params a = {0};
	struct stg_fact_page *page;
	struct stg_audit_page *ap;
	struct stg_card *card;
	int i;

	for (i = 0; i < 4; i++)
		add_body(f->rsp, 404, NULL, "{\"detail\":\"nope\"}");
	q.entity = "stigmem://acme.example/meeting/kickoff-\xe6\x9d\xb1\xe4\xba\xac";
	q.source = "agent:a+b c";
	q.after = "2026-11-21T04:39:42.204835+00:00";
	stg_client_query(f->cl, &q, &f->arena, &page, NULL, &err);
	a.cursor = "2026-11-21T04:39:42.741015+00:00|c2f2e56b-17ba-4359-a81a-de66f71496e4";
	a.limit = 500;
	stg_client_audit(f->cl, &a, &f->arena, &ap, NULL, &err);
	stg_client_get_card(f->cl, "stigmem://acme.example/user/alice", "team", true, &f->arena,
			    &card, NULL, &err);
	stg_client_get_fact(f->cl,
			    "sha256:cc627cbe04ea2f8400c6126075775920cc627cbe04ea2f8400c6126075775920",
			    NULL, &f->arena, NULL, NULL, &err);
	assert_true(responder_wait_requests(f->rsp, 4, 2000));
	assert_string_equal(responder_request(f->rsp, 0)->target,
			    "/v1/facts?entity=stigmem%3A%2F%2Facme.example%2Fmeeting%2Fkickoff-"
			    "%E6%9D%B1%E4%BA%AC&source=agent%3Aa%2Bb%20c"
			    "&after=2026-11-21T04%3A39%3A42.204835%2B00%3A00");
	assert_string_equal(responder_request(f->rsp, 1)->target,
			    "/v1/audit?limit=500&cursor=2026-11-21T04%3A39%3A42.741015%2B00%3A00"
			    "%7Cc2f2e56b-17ba-4359-a81a-de66f71496e4");
	assert_string_equal(responder_request(f->rsp, 2)->target,
			    "/v1/cards/stigmem%3A%2F%2Facme.example%2Fuser%2Falice?scope=team&refresh=true");
	assert_string_equal(responder_request(f->rsp, 3)->target,
			    "/v1/facts/sha256%3Acc627cbe04ea2f8400c6126075775920cc627cbe04ea2f8400c6126075775920");
}

static void
test_query_every_filter(void **state)
{
	struct fx *f = *state;
	struct stg_error err;
	struct stg_query_params q = {0};
	struct stg_fact_page *page;
	char hv[64];

	add_body(f->rsp, 404, NULL, "{\"detail\":\"nope\"}");
	q.entity = "e";
	q.relation = "memory:role";
	q.source = "s";
	q.scope = "team";
	q.has_min_confidence = true;
	q.min_confidence = 0.25;
	q.include_contradicted = STG_OPT_TRUE;
	q.include_expired = STG_OPT_FALSE;
	q.after = "a";
	q.cursor = "c";
	q.limit = 500;
	q.garden_id = "stigmem://acme.example/garden/g";
	q.attested = STG_OPT_TRUE;
	q.include_low_trust = STG_OPT_TRUE;
	q.as_of = "2026-01-01T00:00:00+00:00";
	q.session_id = "s1";
	assert_int_equal(stg_client_query(f->cl, &q, &f->arena, &page, NULL, &err), STG_ERR_NOT_FOUND);
	assert_string_equal(responder_request(f->rsp, 0)->target,
			    "/v1/facts?entity=e&relation=memory%3Arole&source=s&scope=team"
			    "&min_confidence=0.25&include_contradicted=true&include_expired=false"
			    "&after=a&cursor=c&limit=500&garden_id=stigmem%3A%2F%2Facme.example%2Fgarden%2Fg"
			    "&attested=true&include_low_trust=true&as_of=2026-01-01T00%3A00%3A00%2B00%3A00");
	assert_true(responder_header(responder_request(f->rsp, 0), "Stigmem-Session", hv, sizeof hv));
	assert_string_equal(hv, "s1");
}

static void
test_other_targets(void **state)
{
	struct fx *f = *state;
	struct stg_error err;
	struct stg_neighbors_params np = {0};
	struct stg_conflict_params cp = {0};
	struct stg_events_params ep = {0};
	struct stg_request *r;
	size_t blen;

	(void)f;
	np.entity = "stigmem://acme.example/user/alice";
	np.scope = "team";
	np.depth = 2;
	np.relation_filter = "memory:*";
	np.has_min_confidence = true;
	np.min_confidence = 0.1;
	np.has_min_trust = true;
	np.min_trust = 0.0;
	np.page_size = 200;
	np.cursor = "eyJvZmZzZXQiOjIwfQ";
	r = stg_request_neighbors(&np, &err);
	assert_non_null(r);
	assert_string_equal(stg_request_target(r),
			    "/v1/graph/neighbors?entity=stigmem%3A%2F%2Facme.example%2Fuser%2Falice"
			    "&scope=team&depth=2&relation_filter=memory%3A%2A&min_confidence=0.1"
			    "&min_trust=0.0&page_size=200&cursor=eyJvZmZzZXQiOjIwfQ");
	assert_int_equal(stg_request_decoder(r), STG_KIND_NEIGHBORS);
	stg_request_free(r);

	cp.status = "unresolved";
	cp.cursor = "stigmem:conflict:1";
	cp.limit = 10;
	r = stg_request_conflicts(&cp, &err);
	assert_string_equal(stg_request_target(r),
			    "/v1/conflicts?status=unresolved&cursor=stigmem%3Aconflict%3A1&limit=10");
	stg_request_free(r);
	r = stg_request_conflicts(NULL, &err);
	assert_string_equal(stg_request_target(r), "/v1/conflicts");
	stg_request_free(r);

	ep.subscription_id = "2f961c35";
	ep.since = "2026-11-21T00:00:00+00:00";
	ep.cursor = "17";
	ep.limit = 5;
	r = stg_request_subscription_events(&ep, &err);
	assert_string_equal(stg_request_target(r),
			    "/v1/subscriptions/2f961c35/events?since=2026-11-21T00%3A00%3A00%2B00%3A00"
			    "&cursor=17&limit=5");
	stg_request_free(r);

	r = stg_request_provenance("481506c5", &err);
	assert_string_equal(stg_request_target(r), "/v1/facts/481506c5/provenance");
	assert_int_equal(stg_request_method(r), STG_METHOD_GET);
	stg_request_free(r);
	r = stg_request_verify_cid("481506c5", &err);
	assert_string_equal(stg_request_target(r), "/v1/facts/481506c5/verify-cid");
	assert_int_equal(stg_request_method(r), STG_METHOD_POST);
	assert_string_equal(stg_request_body(r, &blen), "{}");
	stg_request_free(r);
	r = stg_request_peers(&err);
	assert_string_equal(stg_request_target(r), "/v1/federation/peers");
	stg_request_free(r);
	r = stg_request_me(&err);
	assert_string_equal(stg_request_target(r), "/v1/me");
	stg_request_free(r);
	r = stg_request_subscription_list(&err);
	assert_string_equal(stg_request_target(r), "/v1/subscriptions");
	stg_request_free(r);

	/* missing required parameters */
	np.scope = NULL;
	assert_null(stg_request_neighbors(&np, &err));
	assert_int_equal(err.status, STG_ERR_USAGE);
	assert_null(stg_request_get_fact("", NULL, &err));
	assert_int_equal(err.status, STG_ERR_USAGE);
	assert_null(stg_request_raw(STG_METHOD_GET, "no-slash", NULL, STG_KIND_NONE, &err));
	assert_int_equal(err.status, STG_ERR_USAGE);
}

static void
test_assert_body(void **state)
{
	struct fx *f = *state;
	struct stg_error err;
	struct stg_assert_params p = {0};
	struct stg_fact *fact = NULL;
	cJSON *b, *v, *want;
	char hv[64];

	tst_add_fixture(f->rsp, "post-fact-string.json", 1);
	p.entity = "stigmem://acme.example/user/alice";
	p.relation = "memory:name";
	p.value.type = STG_VT_TEXT;
	p.value.str = "line1\nline2 \"q\" \xc3\xa9";
	p.value.has_interpret_as = true;
	p.value.interpret_as = STG_INTERPRET_INSTRUCTION;
	p.source = "agent:hr-bot";
	p.has_confidence = true;
	p.confidence = 0.9;
	p.scope = "team";
	p.valid_until = "2027-01-01T00:00:00+00:00";
	p.garden_id = "stigmem://acme.example/garden/hr";
	p.write_mode = "summarize_with_provenance";
	p.derived_from_json = "[{\"fact_id\": \"abc\"}, {\"hash\": \"sha256:00\"}]";
	p.attestation_key_id = "k1";
	p.attestation_signature = "c2ln";
	p.session_id = "sess-9";
	assert_int_equal(stg_client_assert_fact(f->cl, &p, &f->arena, &fact, NULL, &err), STG_OK);
	want = fixture_body("post-fact-string.json");
	assert_string_equal(fact->id, cJSON_GetObjectItem(want, "id")->valuestring);
	cJSON_Delete(want);

	assert_string_equal(responder_request(f->rsp, 0)->method, "POST");
	assert_string_equal(responder_request(f->rsp, 0)->target, "/v1/facts");
	assert_true(responder_header(responder_request(f->rsp, 0), "Content-Type", hv, sizeof hv));
	assert_string_equal(hv, "application/json");
	assert_true(responder_header(responder_request(f->rsp, 0), "Stigmem-Session", hv, sizeof hv));
	assert_string_equal(hv, "sess-9");
	b = cJSON_Parse(responder_request(f->rsp, 0)->body);
	assert_non_null(b);
	assert_string_equal(cJSON_GetObjectItem(b, "entity")->valuestring, p.entity);
	assert_string_equal(cJSON_GetObjectItem(b, "relation")->valuestring, "memory:name");
	v = cJSON_GetObjectItem(b, "value");
	assert_string_equal(cJSON_GetObjectItem(v, "type")->valuestring, "text");
	assert_string_equal(cJSON_GetObjectItem(v, "v")->valuestring, p.value.str);
	assert_string_equal(cJSON_GetObjectItem(v, "interpret_as")->valuestring, "instruction");
	assert_string_equal(cJSON_GetObjectItem(b, "source")->valuestring, "agent:hr-bot");
	assert_true(cJSON_GetObjectItem(b, "confidence")->valuedouble == 0.9);
	assert_string_equal(cJSON_GetObjectItem(b, "scope")->valuestring, "team");
	assert_string_equal(cJSON_GetObjectItem(b, "valid_until")->valuestring,
			    "2027-01-01T00:00:00+00:00");
	assert_string_equal(cJSON_GetObjectItem(b, "garden_id")->valuestring,
			    "stigmem://acme.example/garden/hr");
	assert_string_equal(cJSON_GetObjectItem(b, "write_mode")->valuestring,
			    "summarize_with_provenance");
	assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(b, "derived_from")), 2);
	assert_string_equal(
		cJSON_GetObjectItem(cJSON_GetArrayItem(cJSON_GetObjectItem(b, "derived_from"), 0),
				    "fact_id")->valuestring,
		"abc");
	assert_string_equal(
		cJSON_GetObjectItem(cJSON_GetObjectItem(b, "attestation"), "key_id")->valuestring, "k1");
	assert_string_equal(
		cJSON_GetObjectItem(cJSON_GetObjectItem(b, "attestation"), "signature")->valuestring,
		"c2ln");
	cJSON_Delete(b);

	/* derived_from must be a JSON array */
	p.derived_from_json = "{\"fact_id\":1}";
	assert_int_equal(stg_client_assert_fact(f->cl, &p, &f->arena, &fact, NULL, &err),
			 STG_ERR_USAGE);
	assert_int_equal(responder_count(f->rsp), 1);
}

static void
test_value_encodings(void **state)
{
	struct stg_error err;
	struct stg_assert_params p = {0};
	struct stg_request *r;
	size_t len;

	(void)state;
	p.entity = "e";
	p.relation = "r";
	p.source = "s";
	/* numbers go out as Python floats (the SDK sends 42.0, not 42: §12.12) */
	p.value.type = STG_VT_NUMBER;
	p.value.num = 42.0;
	r = stg_request_assert(&p, &err);
	assert_string_equal(stg_request_body(r, &len),
			    "{\"entity\":\"e\",\"relation\":\"r\",\"value\":{\"type\":\"number\","
			    "\"v\":42.0},\"source\":\"s\"}");
	stg_request_free(r);
	p.value.type = STG_VT_BOOLEAN;
	p.value.boolean = false;
	r = stg_request_assert(&p, &err);
	assert_non_null(strstr(stg_request_body(r, &len), "{\"type\":\"boolean\",\"v\":false}"));
	stg_request_free(r);
	p.value.type = STG_VT_NULL;
	r = stg_request_assert(&p, &err);
	assert_non_null(strstr(stg_request_body(r, &len), "\"value\":{\"type\":\"null\"}"));
	stg_request_free(r);
	/* embedded U+0000 and control characters are escaped */
	p.value.type = STG_VT_STRING;
	p.value.str = "a\0b\x1b";
	p.value.str_len = 4;
	r = stg_request_assert(&p, &err);
	assert_non_null(strstr(stg_request_body(r, &len), "\"v\":\"a\\u0000b\\u001b\""));
	stg_request_free(r);
	p.value.type = STG_VT_NUMBER;
	p.value.num = 1.0 / 0.0;
	assert_null(stg_request_assert(&p, &err));
	assert_int_equal(err.status, STG_ERR_USAGE);
}

static void
test_retract_body(void **state)
{
	struct stg_error err;
	struct stg_retract_params p = {0};
	struct stg_request *r;
	size_t len;

	(void)state;
	p.entity = "stigmem://acme.example/agent/planner";
	p.relation = "agent:temperature";
	p.source = "agent:ops";
	r = stg_request_retract(&p, &err);
	assert_non_null(r);
	assert_string_equal(stg_request_body(r, &len),
			    "{\"entity\":\"stigmem://acme.example/agent/planner\","
			    "\"relation\":\"agent:temperature\",\"value\":{\"type\":\"string\","
			    "\"v\":\"retracted\"},\"source\":\"agent:ops\",\"confidence\":0.0,"
			    "\"scope\":\"local\"}");
	stg_request_free(r);
	p.scope = "company";
	r = stg_request_retract(&p, &err);
	assert_non_null(strstr(stg_request_body(r, &len), "\"scope\":\"company\""));
	stg_request_free(r);
}

static void
test_recall_request(void **state)
{
	struct fx *f = *state;
	struct stg_error err;
	struct stg_recall_params p = {0};
	struct stg_recall_response *rr = NULL;
	cJSON *b, *w;
	char hv[64];

	tst_add_fixture(f->rsp, "recall-verify-full-empty-chain.json", 1);
	p.query = "who is alice?";
	p.scope = "team";
	p.token_budget = 2000;
	p.depth = 3;
	p.has_weights = true;
	p.weights.lexical = 0.5;
	p.weights.semantic = 0.2;
	p.weights.graph = 0.15;
	p.weights.source_trust = 0.1;
	p.weights.recency = 0.05;
	p.has_min_confidence = true;
	p.min_confidence = 0.0;
	p.include_neighbors = STG_OPT_FALSE;
	p.limit = 50;
	p.as_of = "2026-11-21T00:00:00+00:00";
	p.verify_full = true;
	p.session_id = "sess-r";
	p.legacy_format = true;
	assert_int_equal(stg_client_recall(f->cl, &p, &f->arena, &rr, NULL, &err), STG_OK);
	assert_non_null(rr);
	assert_non_null(rr->chain_proof);
	assert_int_equal(rr->chain_proof->checked_entries, 0);

	assert_string_equal(responder_request(f->rsp, 0)->target, "/v1/recall?legacy_format=true");
	assert_true(responder_header(responder_request(f->rsp, 0), "Stigmem-Verify", hv, sizeof hv));
	assert_string_equal(hv, "full");
	assert_true(responder_header(responder_request(f->rsp, 0), "Stigmem-Session", hv, sizeof hv));
	assert_string_equal(hv, "sess-r");
	b = cJSON_Parse(responder_request(f->rsp, 0)->body);
	assert_non_null(b);
	assert_string_equal(cJSON_GetObjectItem(b, "query")->valuestring, "who is alice?");
	assert_string_equal(cJSON_GetObjectItem(b, "scope")->valuestring, "team");
	assert_int_equal(cJSON_GetObjectItem(b, "token_budget")->valueint, 2000);
	assert_int_equal(cJSON_GetObjectItem(b, "depth")->valueint, 3);
	w = cJSON_GetObjectItem(b, "weights");
	assert_true(cJSON_GetObjectItem(w, "lexical")->valuedouble == 0.5);
	assert_true(cJSON_GetObjectItem(w, "semantic")->valuedouble == 0.2);
	assert_true(cJSON_GetObjectItem(w, "graph")->valuedouble == 0.15);
	assert_true(cJSON_GetObjectItem(w, "source_trust")->valuedouble == 0.1);
	assert_true(cJSON_GetObjectItem(w, "recency")->valuedouble == 0.05);
	assert_true(cJSON_GetObjectItem(b, "min_confidence")->valuedouble == 0.0);
	assert_true(cJSON_IsFalse(cJSON_GetObjectItem(b, "include_neighbors")));
	assert_int_equal(cJSON_GetObjectItem(b, "limit")->valueint, 50);
	assert_string_equal(cJSON_GetObjectItem(b, "as_of")->valuestring, "2026-11-21T00:00:00+00:00");
	cJSON_Delete(b);
}

static void
test_resolve_body(void **state)
{
	struct fx *f = *state;
	struct stg_error err;
	struct stg_resolve_params p = {0};
	struct stg_resolution *res = NULL;
	struct stg_value nv = {0};
	cJSON *b, *want;

	tst_add_fixture(f->rsp, "conflict-resolve-new-value.json", 1);
	nv.type = STG_VT_STRING;
	nv.str = "at-risk";
	p.conflict_id = "stigmem:conflict:9827d813-87c1-4723-866a-93722a6f0452";
	p.new_value = &nv;
	p.resolution_note = "ops call";
	assert_int_equal(stg_client_resolve_conflict(f->cl, &p, &f->arena, &res, NULL, &err), STG_OK);
	want = fixture_body("conflict-resolve-new-value.json");
	assert_string_equal(res->resolution_fact_id,
			    cJSON_GetObjectItem(want, "resolution_fact_id")->valuestring);
	assert_string_equal(res->conflict_status, "resolved");
	cJSON_Delete(want);
	assert_string_equal(responder_request(f->rsp, 0)->target,
			    "/v1/conflicts/stigmem%3Aconflict%3A9827d813-87c1-4723-866a-93722a6f0452/resolve");
	b = cJSON_Parse(responder_request(f->rsp, 0)->body);
	assert_string_equal(
		cJSON_GetObjectItem(cJSON_GetObjectItem(b, "new_value"), "v")->valuestring, "at-risk");
	assert_string_equal(cJSON_GetObjectItem(b, "resolution_note")->valuestring, "ops call");
	assert_null(cJSON_GetObjectItem(b, "winning_fact_id"));
	cJSON_Delete(b);
	p.new_value = NULL;
	assert_int_equal(stg_client_resolve_conflict(f->cl, &p, &f->arena, &res, NULL, &err),
			 STG_ERR_USAGE);
}

/* ---- transport faults ------------------------------------------------------------- */

static void
test_timeout(void **state)
{
	struct fx *f = *state;
	struct stg_client *c = tst_client_new(responder_url(f->rsp), TEST_KEY, 300, 0);
	struct responder_step s = {0};
	struct stg_error err;
	struct stg_call_info info;
	double t0;

	s.fault = RESPONDER_HANG;
	assert_true(responder_add(f->rsp, &s));
	t0 = tst_now_ms();
	assert_int_equal(stg_client_healthz(c, &f->arena, NULL, &info, &err), STG_ERR_TIMEOUT);
	assert_true(tst_now_ms() - t0 < 3000);
	assert_true(info.latency_ms >= 250);
	assert_int_equal(err.http_status, 0);
	assert_null(strstr(err.detail, TEST_KEY));
	stg_client_free(c);
}

static void
test_delay_within_timeout(void **state)
{
	struct fx *f = *state;
	struct responder_step s = {0};
	struct stg_error err;
	struct stg_call_info info;
	struct stg_health *h = NULL;

	s.body = "{\"status\":\"ok\"}";
	s.delay_ms = 150;
	assert_true(responder_add(f->rsp, &s));
	assert_int_equal(stg_client_healthz(f->cl, &f->arena, &h, &info, &err), STG_OK);
	assert_string_equal(h->status, "ok");
	assert_true(info.latency_ms >= 140);
}

static void
test_connect_refused(void **state)
{
	struct fx *f = *state;
	struct sockaddr_in sa;
	socklen_t sl = sizeof sa;
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	char url[64];
	struct stg_client *c;
	struct stg_error err;

	/* grab a free port, then close it so nothing listens there */
	memset(&sa, 0, sizeof sa);
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof sa), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&sa, &sl), 0);
	close(fd);
	snprintf(url, sizeof url, "http://127.0.0.1:%d", ntohs(sa.sin_port));
	c = tst_client_new(url, TEST_KEY, 2000, 0);
	assert_int_equal(stg_client_healthz(c, &f->arena, NULL, NULL, &err), STG_ERR_CONNECT);
	assert_int_equal(err.http_status, 0);
	assert_null(strstr(err.detail, TEST_KEY));
	stg_client_free(c);
}

static void
test_truncated_body(void **state)
{
	struct fx *f = *state;
	char path[1024];
	struct responder_step s = {0};
	struct stg_error err;
	struct stg_fact *fact = (struct stg_fact *)1;

	assert_true(responder_fixture_path("fact-get.json", path, sizeof path));
	s.fixture = path;
	s.fault = RESPONDER_TRUNCATE;
	assert_true(responder_add(f->rsp, &s));
	assert_int_equal(stg_client_get_fact(f->cl, "x", NULL, &f->arena, &fact, NULL, &err),
			 STG_ERR_TRANSPORT);
	assert_null(fact);
	assert_int_equal(err.http_status, 200);
}

static void
test_garbage_and_close(void **state)
{
	struct fx *f = *state;
	struct responder_step s = {0};
	struct stg_error err;

	s.fault = RESPONDER_GARBAGE;
	assert_true(responder_add(f->rsp, &s));
	s.fault = RESPONDER_CLOSE;
	assert_true(responder_add(f->rsp, &s));
	assert_int_equal(stg_client_healthz(f->cl, &f->arena, NULL, NULL, &err), STG_ERR_TRANSPORT);
	assert_int_equal(err.http_status, 0);
	assert_true(err.detail[0] != '\0');
	assert_int_equal(stg_client_healthz(f->cl, &f->arena, NULL, NULL, &err), STG_ERR_TRANSPORT);
	assert_int_equal(responder_count(f->rsp), 2);
}

static void
test_body_cap(void **state)
{
	struct fx *f = *state;
	struct stg_client *c = tst_client_new(responder_url(f->rsp), NULL, 5000, 64 * 1024);
	struct responder_step s = {0};
	struct stg_error err;
	struct stg_call_info info;
	struct stg_health *h = NULL;

	s.fault = RESPONDER_HUGE;
	s.huge_bytes = 8u * 1024 * 1024;
	assert_true(responder_add(f->rsp, &s));
	s.fault = RESPONDER_HUGE_DECLARED;
	assert_true(responder_add(f->rsp, &s));
	/* exactly at the cap is fine */
	memset(&s, 0, sizeof s);
	{
		static char body[64 * 1024 + 1];
		memset(body, ' ', 64 * 1024);
		memcpy(body, "{\"status\":\"ok\"}", 15);
		body[64 * 1024] = '\0';
		s.body = body;
		assert_true(responder_add(f->rsp, &s));
	}
	assert_int_equal(stg_client_healthz(c, &f->arena, &h, &info, &err), STG_ERR_TOO_LARGE);
	assert_null(h);
	assert_int_equal(stg_client_healthz(c, &f->arena, &h, &info, &err), STG_ERR_TOO_LARGE);
	assert_int_equal(stg_client_healthz(c, &f->arena, &h, &info, &err), STG_OK);
	assert_string_equal(h->status, "ok");
	assert_int_equal(info.body_len, 64 * 1024);
	stg_client_free(c);
}

static void
test_no_redirects(void **state)
{
	struct fx *f = *state;
	struct stg_error err;

	add_body(f->rsp, 302, "Location: /healthz\r\n", "");
	add_body(f->rsp, 200, NULL, "{\"status\":\"ok\"}");
	assert_int_equal(stg_client_healthz(f->cl, &f->arena, NULL, NULL, &err), STG_ERR_HTTP);
	assert_int_equal(err.http_status, 302);
	usleep(100 * 1000);
	assert_int_equal(responder_count(f->rsp), 1);
}

/* ---- key hygiene ------------------------------------------------------------------------ */

static void
test_key_header_presence(void **state)
{
	struct fx *f = *state;
	struct stg_client *nokey = tst_client_new(responder_url(f->rsp), NULL, 5000, 0);
	struct stg_client *empty = tst_client_new(responder_url(f->rsp), "", 5000, 0);
	struct stg_error err;
	char hv[128];

	add_body(f->rsp, 200, NULL, "{\"status\":\"ok\"}");
	add_body(f->rsp, 200, NULL, "{\"status\":\"ok\"}");
	add_body(f->rsp, 200, NULL, "{\"status\":\"ok\"}");
	assert_int_equal(stg_client_healthz(f->cl, &f->arena, NULL, NULL, &err), STG_OK);
	assert_int_equal(stg_client_healthz(nokey, &f->arena, NULL, NULL, &err), STG_OK);
	assert_int_equal(stg_client_healthz(empty, &f->arena, NULL, NULL, &err), STG_OK);
	assert_true(responder_header(responder_request(f->rsp, 0), "Authorization", hv, sizeof hv));
	assert_string_equal(hv, "Bearer " TEST_KEY);
	assert_false(responder_header(responder_request(f->rsp, 1), "Authorization", hv, sizeof hv));
	assert_false(responder_header(responder_request(f->rsp, 2), "Authorization", hv, sizeof hv));
	assert_true(stg_client_has_key(f->cl));
	assert_false(stg_client_has_key(nokey));
	assert_false(stg_client_has_key(empty));
	stg_client_free(nokey);
	stg_client_free(empty);
}

static void
test_key_never_in_error(void **state)
{
	struct fx *f = *state;
	struct stg_error err;
	struct stg_call_info info;

	/* a node that echoes the credential back must not get it on screen */
	add_body(f->rsp, 401, "WWW-Authenticate: Bearer\r\n",
		 "{\"detail\":\"Invalid or expired API key: " TEST_KEY "\"}");
	add_body(f->rsp, 400, NULL,
		 "{\"detail\":{\"code\":\"" TEST_KEY "\",\"message\":\"bad " TEST_KEY "\"}}");
	assert_int_equal(stg_client_healthz(f->cl, &f->arena, NULL, &info, &err), STG_ERR_AUTH);
	assert_null(strstr(err.detail, TEST_KEY));
	assert_non_null(strstr(err.detail, "Invalid or expired API key"));
	assert_int_equal(stg_client_healthz(f->cl, &f->arena, NULL, &info, &err), STG_ERR_HTTP);
	assert_null(strstr(err.detail, TEST_KEY));
	assert_null(strstr(err.code, TEST_KEY));
}

/* The key must not go over plain http to a non-loopback host. The responder
 * is installed as the HTTP proxy: any attempt to reach 192.0.2.1 would show
 * up there as a request. */
static void
test_insecure_key_refused(void **state)
{
	struct fx *f = *state;
	struct stg_client_options o;
	struct stg_client *c;
	struct stg_error err;
	struct stg_call_info info;
	double t0;
	char hv[128];

	setenv("http_proxy", responder_url(f->rsp), 1);
	add_body(f->rsp, 200, NULL, "{\"status\":\"ok\"}");
	add_body(f->rsp, 200, NULL, "{\"status\":\"ok\"}");

	stg_client_options_init(&o);
	o.base_url = "http://192.0.2.1:8765";
	o.api_key = TEST_KEY;
	o.connect_timeout_ms = 3000;
	c = stg_client_new(&o, &err);
	assert_non_null(c);
	assert_true(stg_client_key_refused(c));
	assert_false(stg_client_is_loopback(c));
	t0 = tst_now_ms();
	assert_int_equal(stg_client_healthz(c, &f->arena, NULL, &info, &err), STG_ERR_INSECURE);
	assert_true(tst_now_ms() - t0 < 100);
	assert_int_equal(info.http_status, 0);
	assert_null(strstr(err.detail, TEST_KEY));
	usleep(50 * 1000);
	assert_int_equal(responder_connections(f->rsp), 0);
	stg_client_free(c);

	/* control 1: without a key the same URL is used (via the proxy) */
	o.api_key = NULL;
	c = stg_client_new(&o, &err);
	assert_false(stg_client_key_refused(c));
	assert_int_equal(stg_client_healthz(c, &f->arena, NULL, NULL, &err), STG_OK);
	assert_int_equal(responder_count(f->rsp), 1);
	assert_string_equal(responder_request(f->rsp, 0)->target, "http://192.0.2.1:8765/healthz");
	assert_false(responder_header(responder_request(f->rsp, 0), "Authorization", hv, sizeof hv));
	stg_client_free(c);

	/* control 2: with allow_insecure_key the key does travel */
	o.api_key = TEST_KEY;
	o.allow_insecure_key = true;
	c = stg_client_new(&o, &err);
	assert_int_equal(stg_client_healthz(c, &f->arena, NULL, NULL, &err), STG_OK);
	assert_true(responder_header(responder_request(f->rsp, 1), "Authorization", hv, sizeof hv));
	assert_string_equal(hv, "Bearer " TEST_KEY);
	stg_client_free(c);

	/* loopback names are exempt and never use the proxy */
	o.allow_insecure_key = false;
	o.base_url = "http://localhost:1";
	c = stg_client_new(&o, &err);
	assert_true(stg_client_is_loopback(c));
	assert_false(stg_client_key_refused(c));
	stg_client_free(c);
	o.base_url = "https://192.0.2.1";
	c = stg_client_new(&o, &err);
	assert_false(stg_client_key_refused(c));
	assert_true(stg_client_is_https(c));
	stg_client_free(c);
	unsetenv("http_proxy");
}

static void
test_client_options(void **state)
{
	struct stg_client_options o;
	struct stg_client *c;
	struct stg_error err;

	(void)state;
	stg_client_options_init(&o);
	assert_string_equal(o.base_url, "http://localhost:8765");
	o.base_url = "http://127.0.0.1:8765///";
	o.insecure = true;
	c = stg_client_new(&o, &err);
	assert_non_null(c);
	assert_string_equal(stg_client_base_url(c), "http://127.0.0.1:8765");
	assert_true(stg_client_tls_insecure(c));
	stg_client_free(c);

	o.base_url = "ftp://127.0.0.1/";
	assert_null(stg_client_new(&o, &err));
	assert_int_equal(err.status, STG_ERR_USAGE);
	o.base_url = "http://127.0.0.1";
	o.ca_file = "/nonexistent/ca.pem";
	assert_null(stg_client_new(&o, &err));
	assert_int_equal(err.status, STG_ERR_IO);
	o.ca_file = NULL;
	o.ca_dir = "/nonexistent/dir";
	assert_null(stg_client_new(&o, &err));
	assert_int_equal(err.status, STG_ERR_IO);
	o.ca_dir = NULL;
	o.api_key = "a\r\nX-Evil: 1";
	assert_null(stg_client_new(&o, &err));
	assert_int_equal(err.status, STG_ERR_USAGE);
	assert_null(strstr(err.detail, "Evil"));
}

static void
test_tls_error_mapping(void **state)
{
	struct fx *f = *state;
	struct stg_client_options o;
	struct stg_client *c;
	struct stg_error err;
	char url[64];

	/* https to a plain-HTTP responder: the handshake fails */
	add_body(f->rsp, 200, NULL, "{\"status\":\"ok\"}");
	snprintf(url, sizeof url, "https://127.0.0.1:%d", responder_port(f->rsp));
	stg_client_options_init(&o);
	o.base_url = url;
	o.timeout_ms = 20000;  /* generous: loading TLS state is slow under sanitizers */
	o.insecure = true;     /* the handshake itself must fail, verification or not */
	c = stg_client_new(&o, &err);
	assert_non_null(c);
	assert_int_equal(stg_client_healthz(c, &f->arena, NULL, NULL, &err), STG_ERR_TLS);
	stg_client_free(c);
}

/* ---- against stigmem-lite (real server, auth required) ---------------------------- */

static void
test_against_lite(void **state)
{
	struct lite_options lo;
	struct lite_node *node;
	struct stg_client *c, *anon;
	struct stg_arena a;
	struct stg_error err;
	struct stg_call_info info;
	char emsg[256], url[64], tl[64];
	struct stg_assert_params ap = {0};
	struct stg_query_params q = {0};
	struct stg_retract_params rp = {0};
	struct stg_recall_params rc = {0};
	struct stg_subscription_params sp = {0};
	struct stg_events_params ep = {0};
	struct stg_audit_params aup = {0};
	struct stg_fact *fact = NULL, *byid = NULL, *bycid = NULL, *retr = NULL;
	struct stg_fact_page *page = NULL;
	struct stg_me *me = NULL;
	struct stg_node_info *ni = NULL;
	struct stg_card *card = NULL;
	struct stg_recall_response *rr = NULL;
	struct stg_verify_cid_result *vc = NULL;
	struct stg_subscription *sub = NULL, *sub2 = NULL;
	struct stg_subscription_list *subs = NULL;
	struct stg_event_page *events = NULL;
	struct stg_audit_page *audit = NULL;
	struct stg_conflict_page *conflicts = NULL;
	const char *entity = "stigmem://acme.example/meeting/kickoff-\xe6\x9d\xb1\xe4\xba\xac";
	size_t i;
	bool found;

	(void)state;
	snprintf(tl, sizeof tl, "client-test-tl-%d.jsonl", (int)getpid());
	lite_options_init(&lo);
	lo.port = 0;
	lo.db_path = ":memory:";
	lo.tl_path = tl;
	lo.auth = LITE_AUTH_REQUIRED;
	lo.bootstrap_key = TEST_KEY;
	lo.quiet = true;
	node = lite_node_start(&lo, emsg, sizeof emsg);
	if (node == NULL)
		fail_msg("lite_node_start: %s", emsg);
	snprintf(url, sizeof url, "http://127.0.0.1:%d", lite_node_port(node));
	c = tst_client_new(url, TEST_KEY, 10000, 0);
	anon = tst_client_new(url, NULL, 10000, 0);
	stg_arena_init(&a);

	assert_int_equal(stg_client_node_info(anon, &a, &ni, NULL, &err), STG_OK);
	assert_string_equal(ni->auth, "required");
	assert_int_equal(stg_client_me(anon, &a, &me, &info, &err), STG_ERR_AUTH);
	assert_int_equal(info.http_status, 401);
	assert_int_equal(stg_client_me(c, &a, &me, NULL, &err), STG_OK);
	assert_non_null(me->entity_uri);
	/* federation_status is the SDK's peer list (GET /v1/federation/peers,
	 * permission `federate`): the bootstrap admin key, like the reference
	 * node's (admin, read, write), gets 403; no key gets 401. The
	 * well-known document would have answered 200. */
	{
		struct stg_peer_list *peers = NULL;

		assert_int_equal(stg_client_federation_status(c, &a, &peers, &info, &err),
				 STG_ERR_AUTH);
		assert_int_equal(info.http_status, 403);
		assert_non_null(strstr(err.detail, "federate permission required"));
		assert_int_equal(stg_client_federation_status(anon, &a, &peers, &info, &err),
				 STG_ERR_AUTH);
		assert_int_equal(info.http_status, 401);
	}

	/* write with characters that need encoding everywhere */
	ap.entity = entity;
	ap.relation = "memory:note";
	ap.value.type = STG_VT_STRING;
	ap.value.str = "a+b c|d";
	ap.source = "agent:client-test";
	ap.has_confidence = true;
	ap.confidence = 0.75;
	ap.scope = "team";
	assert_int_equal(stg_client_assert_fact(c, &ap, &a, &fact, &info, &err), STG_OK);
	assert_int_equal(info.http_status, 201);
	assert_string_equal(fact->value.str, "a+b c|d");
	assert_non_null(fact->cid);

	assert_int_equal(stg_client_get_fact(c, fact->id, NULL, &a, &byid, NULL, &err), STG_OK);
	assert_string_equal(byid->id, fact->id);
	assert_int_equal(stg_client_get_fact(c, fact->cid, NULL, &a, &bycid, NULL, &err), STG_OK);
	assert_string_equal(bycid->id, fact->id);

	q.entity = entity;
	q.scope = "team";
	q.include_contradicted = STG_OPT_TRUE;
	q.include_expired = STG_OPT_TRUE;
	q.limit = 500;
	assert_int_equal(stg_client_query(c, &q, &a, &page, &info, &err), STG_OK);
	found = false;
	for (i = 0; i < page->n_facts; i++)
		found = found || strcmp(page->facts[i].id, fact->id) == 0;
	assert_true(found);

	assert_int_equal(stg_client_get_card(c, entity, "team", true, &a, &card, NULL, &err), STG_OK);
	assert_string_equal(card->entity_uri, entity);
	assert_int_equal(card->n_fact_hashes, 1);

	assert_int_equal(stg_client_verify_cid(c, fact->id, &a, &vc, NULL, &err), STG_OK);
	assert_true(vc->cid_valid);
	assert_string_equal(vc->computed_cid, fact->cid);

	rc.query = "kickoff";
	rc.scope = "team";
	rc.verify_full = true;
	assert_int_equal(stg_client_recall(c, &rc, &a, &rr, NULL, &err), STG_OK);
	assert_non_null(rr->chain_proof);
	assert_true(rr->chain_proof->checked_entries >= 1);

	aup.limit = 10;
	assert_int_equal(stg_client_audit(c, &aup, &a, &audit, NULL, &err), STG_OK);
	assert_true(audit->n_entries >= 1);

	rp.entity = entity;
	rp.relation = "memory:note";
	rp.source = "agent:client-test";
	rp.scope = "team";
	assert_int_equal(stg_client_retract(c, &rp, &a, &retr, NULL, &err), STG_OK);
	assert_true(retr->confidence == 0.0);
	assert_string_equal(retr->value.str, "retracted");
	assert_string_equal(retr->scope, "team");
	assert_int_equal(stg_client_list_conflicts(c, NULL, &a, &conflicts, NULL, &err), STG_OK);
	assert_true(conflicts->n_conflicts >= 1);

	sp.target = "team";
	sp.on_change = "wake";
	sp.delivery_address = "client-test";
	assert_int_equal(stg_client_subscription_create(c, &sp, &a, &sub, &info, &err), STG_OK);
	assert_int_equal(info.http_status, 201);
	assert_int_equal(stg_client_subscription_get(c, sub->id, &a, &sub2, NULL, &err), STG_OK);
	assert_string_equal(sub2->id, sub->id);
	assert_int_equal(stg_client_subscription_list(c, &a, &subs, NULL, &err), STG_OK);
	assert_true(subs->n_subscriptions >= 1);
	ep.subscription_id = sub->id;
	ep.since = "2000-01-01T00:00:00+00:00";
	assert_int_equal(stg_client_subscription_events(c, &ep, &a, &events, NULL, &err), STG_OK);
	assert_int_equal(stg_client_subscription_delete(c, sub->id, &a, &info, &err), STG_OK);
	assert_int_equal(info.http_status, 204);
	assert_int_equal(stg_client_subscription_get(c, sub->id, &a, &sub2, NULL, &err),
			 STG_ERR_NOT_FOUND);

	stg_arena_done(&a);
	stg_client_free(c);
	stg_client_free(anon);
	lite_node_stop(node);
	unlink(tl);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_error_classes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rate_limited, setup, teardown),
		cmocka_unit_test_setup_teardown(test_get_fact_decodes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_total_count_header, setup, teardown),
		cmocka_unit_test_setup_teardown(test_small_routes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_decode_error_on_2xx, setup, teardown),
		cmocka_unit_test_setup_teardown(test_raw_request_and_flags, setup, teardown),
		cmocka_unit_test_setup_teardown(test_percent_encoding, setup, teardown),
		cmocka_unit_test_setup_teardown(test_query_every_filter, setup, teardown),
		cmocka_unit_test_setup_teardown(test_other_targets, setup, teardown),
		cmocka_unit_test_setup_teardown(test_assert_body, setup, teardown),
		cmocka_unit_test(test_value_encodings),
		cmocka_unit_test(test_retract_body),
		cmocka_unit_test_setup_teardown(test_recall_request, setup, teardown),
		cmocka_unit_test_setup_teardown(test_resolve_body, setup, teardown),
		cmocka_unit_test_setup_teardown(test_timeout, setup, teardown),
		cmocka_unit_test_setup_teardown(test_delay_within_timeout, setup, teardown),
		cmocka_unit_test_setup_teardown(test_connect_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_truncated_body, setup, teardown),
		cmocka_unit_test_setup_teardown(test_garbage_and_close, setup, teardown),
		cmocka_unit_test_setup_teardown(test_body_cap, setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_redirects, setup, teardown),
		cmocka_unit_test_setup_teardown(test_key_header_presence, setup, teardown),
		cmocka_unit_test_setup_teardown(test_key_never_in_error, setup, teardown),
		cmocka_unit_test_setup_teardown(test_insecure_key_refused, setup, teardown),
		cmocka_unit_test(test_client_options),
		cmocka_unit_test_setup_teardown(test_tls_error_mapping, setup, teardown),
		cmocka_unit_test(test_against_lite),
	};
	int rc;

	if (stg_global_init(NULL) != STG_OK)
		return 1;
	unsetenv("http_proxy");
	unsetenv("HTTP_PROXY");
	unsetenv("https_proxy");
	unsetenv("HTTPS_PROXY");
	unsetenv("all_proxy");
	unsetenv("ALL_PROXY");
	unsetenv("no_proxy");
	unsetenv("NO_PROXY");
	rc = cmocka_run_group_tests_name("client", tests, NULL, NULL);
	stg_global_cleanup();
	return rc;
}
