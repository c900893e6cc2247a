/* test_async.c — the curl_multi engine: callbacks with decoded results,
 * many concurrent requests, cancel, timeouts, the single wait point with
 * extra fds and wakeup, and teardown with requests in flight. */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <cjson/cJSON.h>

#include "../lib/responder.h"
#include "../lib/testclient.h"
#include "stigmem/async.h"
#include "stigmem/client.h"
#include "stigmem/stigmem.h"

#define TEST_KEY "sk-async-1234567"

struct fx {
	struct responder *rsp;
	struct stg_client *cl;
	struct stg_async *eng;
};

/* What a callback saw. */
struct seen {
	int calls;
	uint64_t id;
	enum stg_status status;
	long http;
	char detail[STG_ERROR_DETAIL_MAX];
	char health[32];
	char first_id[64];
	size_t n_facts;
	size_t body_len;
	bool body_starts_ok;
	char target[128];
	enum stg_method method;
};

static int
setup(void **state)
{
	struct fx *f = calloc(1, sizeof *f);
	struct stg_error err;

	assert_non_null(f);
	f->rsp = responder_start();
	assert_non_null(f->rsp);
	f->cl = tst_client_new(responder_url(f->rsp), TEST_KEY, 5000, 0);
	f->eng = stg_async_new(f->cl, &err);
	assert_non_null(f->eng);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fx *f = *state;

	stg_async_free(f->eng);
	stg_client_free(f->cl);
	responder_free(f->rsp);
	free(f);
	return 0;
}

static void
on_done(struct stg_async_result *res, void *ud)
{
	struct seen *s = ud;

	assert_non_null(res);
	s->calls++;
	s->id = res->id;
	s->status = res->status;
	s->http = res->info.http_status;
	snprintf(s->detail, sizeof s->detail, "%s", res->error.detail);
	s->body_len = res->info.body_len;
	s->body_starts_ok = res->info.body != NULL && res->info.body[0] == '{';
	snprintf(s->target, sizeof s->target, "%s", res->target != NULL ? res->target : "");
	s->method = res->method;
	if (res->status == STG_OK && res->kind == STG_KIND_HEALTH) {
		const struct stg_health *h = res->value;
		snprintf(s->health, sizeof s->health, "%s", h->status);
	}
	if (res->status == STG_OK && res->kind == STG_KIND_FACT_PAGE) {
		const struct stg_fact_page *p = res->value;
		s->n_facts = p->n_facts;
		if (p->n_facts > 0)
			snprintf(s->first_id, sizeof s->first_id, "%s", p->facts[0].id);
	}
	if (res->status != STG_OK)
		assert_null(res->value);
	stg_async_result_free(res);
}

/* Drive the loop until nothing is pending or the deadline passes. */
static void
drive(struct stg_async *eng, int max_ms)
{
	double end = tst_now_ms() + max_ms;

	while (stg_async_pending(eng) > 0 && tst_now_ms() < end) {
		assert_true(stg_async_wait(eng, NULL, 0, 50, NULL) >= 0);
		assert_true(stg_async_perform(eng, NULL) >= 0);
	}
}

static void
test_single_request(void **state)
{
	struct fx *f = *state;
	struct seen s = {0};
	struct stg_error err;
	uint64_t id;

	tst_add_fixture(f->rsp, "healthz.json", 1);
	id = stg_async_submit(f->eng, stg_request_healthz(&err), on_done, &s, &err);
	assert_true(id != 0);
	assert_int_equal(stg_async_pending(f->eng), 1);
	assert_int_equal(s.calls, 0); /* never inside submit */
	drive(f->eng, 3000);
	assert_int_equal(s.calls, 1);
	assert_int_equal(s.id, id);
	assert_int_equal(s.status, STG_OK);
	assert_int_equal(s.http, 200);
	assert_string_equal(s.health, "ok");
	assert_int_equal(s.body_len, 15);
	assert_string_equal(s.target, "/healthz");
	assert_int_equal(s.method, STG_METHOD_GET);
	assert_true(s.body_starts_ok);
	assert_int_equal(stg_async_pending(f->eng), 0);
	assert_int_equal(stg_async_timeout_ms(f->eng), -1);
}

static void
test_error_via_callback(void **state)
{
	struct fx *f = *state;
	struct seen s = {0};
	struct stg_error err;

	tst_add_fixture(f->rsp, "error-404-fact-not-found.json", 1);
	assert_true(stg_async_submit(f->eng, stg_request_get_fact("nope", NULL, &err), on_done, &s,
				     &err) != 0);
	drive(f->eng, 3000);
	assert_int_equal(s.calls, 1);
	assert_int_equal(s.status, STG_ERR_NOT_FOUND);
	assert_int_equal(s.http, 404);
	assert_string_equal(s.detail, "fact not found");
}

#define NCONC 40

static void
test_many_concurrent(void **state)
{
	struct fx *f = *state;
	struct seen s[NCONC];
	uint64_t ids[NCONC];
	struct responder_step st = {0};
	struct stg_error err;
	cJSON *root;
	char path[1024];
	int i;

	memset(s, 0, sizeof s);
	assert_true(responder_fixture_path("facts-limit3-page1.json", path, sizeof path));
	/* Arrival order is not submit order, so serve every request the same
	 * fact page and check each callback got its own id and a full decode. */
	memset(&st, 0, sizeof st);
	st.fixture = path;
	st.delay_ms = 30;
	st.repeat = NCONC;
	assert_true(responder_add(f->rsp, &st));
	for (i = 0; i < NCONC; i++) {
		struct stg_query_params q = {0};
		q.limit = i + 1; /* distinct targets */
		ids[i] = stg_async_submit(f->eng, stg_request_query(&q, &err), on_done, &s[i], &err);
		assert_true(ids[i] != 0);
	}
	assert_int_equal(stg_async_pending(f->eng), NCONC);
	drive(f->eng, 20000);
	assert_int_equal(stg_async_pending(f->eng), 0);
	/* transfers overlapped (the server side may briefly see a closing
	 * connection next to its replacement, so no upper bound here) */
	assert_true(responder_max_active(f->rsp) >= 2);
	root = NULL;
	{
		FILE *fp = fopen(path, "rb");
		char *txt;
		long n;
		assert_non_null(fp);
		fseek(fp, 0, SEEK_END);
		n = ftell(fp);
		fseek(fp, 0, SEEK_SET);
		txt = malloc((size_t)n + 1);
		assert_int_equal(fread(txt, 1, (size_t)n, fp), (size_t)n);
		txt[n] = '\0';
		fclose(fp);
		root = cJSON_Parse(txt);
		free(txt);
	}
	for (i = 0; i < NCONC; i++) {
		cJSON *facts = cJSON_GetObjectItem(cJSON_GetObjectItem(root, "body"), "facts");
		assert_int_equal(s[i].calls, 1);
		assert_int_equal(s[i].id, ids[i]);
		assert_int_equal(s[i].status, STG_OK);
		assert_int_equal(s[i].n_facts, (size_t)cJSON_GetArraySize(facts));
		assert_string_equal(s[i].first_id,
				    cJSON_GetObjectItem(cJSON_GetArrayItem(facts, 0), "id")->valuestring);
	}
	cJSON_Delete(root);
	/* every distinct target arrived exactly once */
	assert_int_equal(responder_count(f->rsp), NCONC);
	for (i = 0; i < NCONC; i++) {
		char want[64];
		int j, hits = 0;
		snprintf(want, sizeof want, "/v1/facts?limit=%d", i + 1);
		for (j = 0; j < NCONC; j++)
			if (strcmp(responder_request(f->rsp, j)->target, want) == 0)
				hits++;
		assert_int_equal(hits, 1);
	}
}

static void
test_cancel_in_flight(void **state)
{
	struct fx *f = *state;
	struct seen hang = {0}, ok = {0};
	struct responder_step st = {0};
	struct stg_error err;
	uint64_t id_hang, id_ok;
	double t0;

	st.fault = RESPONDER_HANG;
	st.path_prefix = "/v1/me";
	assert_true(responder_add(f->rsp, &st));
	id_hang = stg_async_submit(f->eng, stg_request_me(&err), on_done, &hang, &err);
	/* let the request reach the responder */
	t0 = tst_now_ms();
	while (responder_count(f->rsp) < 1 && tst_now_ms() - t0 < 3000) {
		stg_async_wait(f->eng, NULL, 0, 20, NULL);
		stg_async_perform(f->eng, NULL);
	}
	assert_int_equal(responder_count(f->rsp), 1);
	assert_true(responder_request(f->rsp, 0)->matched);
	assert_int_equal(hang.calls, 0);
	assert_true(stg_async_cancel(f->eng, id_hang));
	assert_int_equal(hang.calls, 0);             /* not inside cancel */
	assert_int_equal(stg_async_timeout_ms(f->eng), 0); /* a callback is due */
	/* the queued callback makes wait return at once */
	t0 = tst_now_ms();
	assert_int_equal(stg_async_wait(f->eng, NULL, 0, 2000, NULL), 0);
	assert_true(tst_now_ms() - t0 < 500);
	assert_int_equal(stg_async_perform(f->eng, NULL), 1);
	assert_int_equal(hang.calls, 1);
	assert_int_equal(hang.id, id_hang);
	assert_int_equal(hang.status, STG_ERR_CANCELLED);
	assert_int_equal(stg_async_pending(f->eng), 0);
	/* cancelling again / an unknown id does nothing */
	assert_false(stg_async_cancel(f->eng, id_hang));
	assert_false(stg_async_cancel(f->eng, 9999));
	/* the engine keeps working */
	tst_add_fixture(f->rsp, "healthz.json", 1);
	id_ok = stg_async_submit(f->eng, stg_request_healthz(&err), on_done, &ok, &err);
	assert_true(id_ok > id_hang);
	drive(f->eng, 3000);
	assert_int_equal(ok.status, STG_OK);
	assert_int_equal(hang.calls, 1);
}

static void
test_timeout_async(void **state)
{
	struct fx *f = *state;
	struct stg_client *c = tst_client_new(responder_url(f->rsp), NULL, 250, 0);
	struct stg_async *eng = stg_async_new(c, NULL);
	struct responder_step st = {0};
	struct seen s = {0};
	struct stg_error err;
	double t0 = tst_now_ms();

	st.fault = RESPONDER_HANG;
	assert_true(responder_add(f->rsp, &st));
	assert_true(stg_async_submit(eng, stg_request_healthz(&err), on_done, &s, &err) != 0);
	assert_true(stg_async_timeout_ms(eng) >= 0);
	drive(eng, 5000);
	assert_int_equal(s.calls, 1);
	assert_int_equal(s.status, STG_ERR_TIMEOUT);
	assert_true(tst_now_ms() - t0 >= 240 && tst_now_ms() - t0 < 3000);
	stg_async_free(eng);
	stg_client_free(c);
}

static void
test_insecure_async(void **state)
{
	struct fx *f = *state;
	struct stg_client_options o;
	struct stg_client *c;
	struct stg_async *eng;
	struct seen s = {0};
	struct stg_error err;
	double t0;

	setenv("http_proxy", responder_url(f->rsp), 1); /* any attempt would show up here */
	stg_client_options_init(&o);
	o.base_url = "http://192.0.2.1";
	o.api_key = TEST_KEY;
	c = stg_client_new(&o, &err);
	assert_non_null(c);
	eng = stg_async_new(c, &err);
	t0 = tst_now_ms();
	assert_true(stg_async_submit(eng, stg_request_me(&err), on_done, &s, &err) != 0);
	assert_int_equal(s.calls, 0);
	assert_int_equal(stg_async_perform(eng, NULL), 1);
	assert_true(tst_now_ms() - t0 < 100);
	assert_int_equal(s.calls, 1);
	assert_int_equal(s.status, STG_ERR_INSECURE);
	assert_null(strstr(s.detail, TEST_KEY));
	assert_int_equal(responder_connections(f->rsp), 0);
	stg_async_free(eng);
	stg_client_free(c);
	unsetenv("http_proxy");
}

static void
test_wait_extra_fds(void **state)
{
	struct fx *f = *state;
	int p[2];
	struct stg_pollfd fds[2];
	double t0;

	assert_int_equal(pipe(p), 0);
	fds[0].fd = p[0];
	fds[0].events = STG_POLLIN;
	fds[1].fd = p[1];
	fds[1].events = 0;
	/* nothing ready: times out */
	t0 = tst_now_ms();
	assert_int_equal(stg_async_wait(f->eng, fds, 1, 100, NULL), 0);
	assert_true(tst_now_ms() - t0 >= 90);
	assert_int_equal(fds[0].revents, 0);
	/* readable pipe: reported */
	assert_int_equal(write(p[1], "k", 1), 1);
	t0 = tst_now_ms();
	assert_int_equal(stg_async_wait(f->eng, fds, 2, 5000, NULL), 1);
	assert_true(tst_now_ms() - t0 < 1000);
	assert_true(fds[0].revents & STG_POLLIN);
	assert_int_equal(fds[1].revents, 0);
	close(p[0]);
	close(p[1]);
}

static void *
wake_later(void *arg)
{
	usleep(100 * 1000);
	stg_async_wakeup(arg);
	return NULL;
}

static void
test_wakeup(void **state)
{
	struct fx *f = *state;
	pthread_t th;
	double t0 = tst_now_ms(), dt;

	assert_int_equal(pthread_create(&th, NULL, wake_later, f->eng), 0);
	assert_int_equal(stg_async_wait(f->eng, NULL, 0, 5000, NULL), 0);
	dt = tst_now_ms() - t0;
	pthread_join(th, NULL);
	assert_true(dt >= 80 && dt < 2000);
}

static int free_calls;

static void
on_free_cb(struct stg_async_result *res, void *ud)
{
	(void)ud;
	assert_non_null(res);
	assert_int_equal(res->status, STG_ERR_CANCELLED);
	free_calls++;
	stg_async_result_free(res);
}

static void
test_free_with_pending(void **state)
{
	struct fx *f = *state;
	struct stg_client *c = tst_client_new(responder_url(f->rsp), NULL, 5000, 0);
	struct stg_async *eng = stg_async_new(c, NULL);
	struct responder_step st = {0};
	struct stg_error err;
	int i;

	st.fault = RESPONDER_HANG;
	st.repeat = 3;
	assert_true(responder_add(f->rsp, &st));
	free_calls = 0;
	for (i = 0; i < 3; i++)
		assert_true(stg_async_submit(eng, stg_request_healthz(&err), on_free_cb, NULL, &err) != 0);
	for (i = 0; i < 5; i++) {
		stg_async_wait(eng, NULL, 0, 20, NULL);
		stg_async_perform(eng, NULL);
	}
	assert_int_equal(stg_async_pending(eng), 3);
	stg_async_free(eng);
	assert_int_equal(free_calls, 3);
	stg_client_free(c);
}

static void
test_submit_rejects(void **state)
{
	struct fx *f = *state;
	struct stg_error err;

	assert_int_equal(stg_async_submit(f->eng, NULL, on_done, NULL, &err), 0);
	assert_int_equal(err.status, STG_ERR_USAGE);
	/* request is freed even when refused (ASan checks the leak) */
	assert_int_equal(stg_async_submit(f->eng, stg_request_me(NULL), NULL, NULL, &err), 0);
	assert_int_equal(stg_async_pending(f->eng), 0);
}

/* A callback that submits a follow-up request (pane refresh chains). */
struct chain {
	struct stg_async *eng;
	int step;
	enum stg_status last;
};

static void
on_chain(struct stg_async_result *res, void *ud)
{
	struct chain *c = ud;

	c->step++;
	c->last = res->status;
	stg_async_result_free(res);
	if (c->step == 1)
		assert_true(stg_async_submit(c->eng, stg_request_healthz(NULL), on_chain, c, NULL) != 0);
}

static void
test_submit_from_callback(void **state)
{
	struct fx *f = *state;
	struct chain c = {f->eng, 0, STG_ERR_USAGE};

	tst_add_fixture(f->rsp, "healthz.json", 2);
	assert_true(stg_async_submit(f->eng, stg_request_healthz(NULL), on_chain, &c, NULL) != 0);
	drive(f->eng, 3000);
	assert_int_equal(c.step, 2);
	assert_int_equal(c.last, STG_OK);
	assert_int_equal(responder_count(f->rsp), 2);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_single_request, setup, teardown),
		cmocka_unit_test_setup_teardown(test_error_via_callback, setup, teardown),
		cmocka_unit_test_setup_teardown(test_many_concurrent, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cancel_in_flight, setup, teardown),
		cmocka_unit_test_setup_teardown(test_timeout_async, setup, teardown),
		cmocka_unit_test_setup_teardown(test_insecure_async, setup, teardown),
		cmocka_unit_test_setup_teardown(test_wait_extra_fds, setup, teardown),
		cmocka_unit_test_setup_teardown(test_wakeup, setup, teardown),
		cmocka_unit_test_setup_teardown(test_free_with_pending, setup, teardown),
		cmocka_unit_test_setup_teardown(test_submit_rejects, setup, teardown),
		cmocka_unit_test_setup_teardown(test_submit_from_callback, setup, teardown),
	};
	int rc;

	if (stg_global_init(NULL) != STG_OK)
		return 1;
	unsetenv("http_proxy");
	unsetenv("HTTP_PROXY");
	unsetenv("all_proxy");
	unsetenv("ALL_PROXY");
	unsetenv("no_proxy");
	unsetenv("NO_PROXY");
	rc = cmocka_run_group_tests_name("async", tests, NULL, NULL);
	stg_global_cleanup();
	return rc;
}
