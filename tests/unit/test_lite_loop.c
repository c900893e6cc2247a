/* test_lite_loop.c — stigmem-lite's event loop: writers on keep-alive
 * connections share group commits and still read their own writes at once,
 * every acknowledged fact is stored and chained, a delayed request (fault
 * injection) holds back no other request, and a stop with requests still
 * suspended returns promptly. */
#include <math.h>
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
#include <sqlite3.h>

#include "../lib/testnode.h"

#define WRITERS 8
#define PER_WRITER 60

static double
now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static long long
sql_count(const char *db, const char *q)
{
	sqlite3 *h = NULL;
	sqlite3_stmt *st = NULL;
	long long v = -1;
	if (sqlite3_open_v2(db, &h, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK &&
	    sqlite3_prepare_v2(h, q, -1, &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(h);
	return v;
}

struct writer {
	int port;
	int idx;
	int acked;                   /* 201 with an id */
	int read_back;               /* the id read back at once on the same connection */
	int reused;                  /* requests that went over an already open connection */
	char first_error[200];
};

/* Assert facts on one keep-alive connection; after each 201, read the fact
 * back on the same connection before asserting the next. */
static void *
writer_main(void *arg)
{
	struct writer *w = arg;
	CURL *c = curl_easy_init();
	if (!c)
		return NULL;
	for (int i = 0; i < PER_WRITER; i++) {
		char body[400], path[128];
		snprintf(body, sizeof body,
			 "{\"entity\":\"stigmem://loop/item/w%d-%d\",\"relation\":\"loop:seq\","
			 "\"value\":{\"type\":\"number\",\"v\":%d},\"source\":\"agent:w%d\","
			 "\"scope\":\"team\"}",
			 w->idx, i, i, w->idx);
		struct tst_resp r = tst_req_keep(c, w->port, "POST", "/v1/facts", body, NULL);
		long connects = -1;
		curl_easy_getinfo(c, CURLINFO_NUM_CONNECTS, &connects);
		if (connects == 0)
			w->reused++;
		const cJSON *id = cJSON_GetObjectItem(r.json, "id");
		if (r.status != 201 || !cJSON_IsString(id)) {
			if (!w->first_error[0])
				snprintf(w->first_error, sizeof w->first_error, "POST %ld rc %d", r.status,
					 (int)r.rc);
			tst_resp_free(&r);
			continue;
		}
		w->acked++;
		snprintf(path, sizeof path, "/v1/facts/%s", id->valuestring);
		struct tst_resp g = tst_req_keep(c, w->port, "GET", path, NULL, NULL);
		const cJSON *gid = cJSON_GetObjectItem(g.json, "id");
		const cJSON *v = cJSON_GetObjectItem(cJSON_GetObjectItem(g.json, "value"), "v");
		if (g.status == 200 && cJSON_IsString(gid) &&
		    strcmp(gid->valuestring, id->valuestring) == 0 && cJSON_IsNumber(v) &&
		    v->valueint == i)
			w->read_back++;
		else if (!w->first_error[0])
			snprintf(w->first_error, sizeof w->first_error, "GET %s: %ld", path, g.status);
		tst_resp_free(&g);
		tst_resp_free(&r);
	}
	curl_easy_cleanup(c);
	return NULL;
}

static void
t_keepalive_writers(void **state)
{
	(void)state;
	struct lite_options o;
	lite_options_init(&o);
	o.checkpoint_interval = 100;
	struct lite_node *n = tst_start("loop.db", &o);
	assert_non_null(n);
	long long before = sql_count("loop.db", "SELECT count(*) FROM facts");
	struct writer w[WRITERS];
	pthread_t th[WRITERS];
	for (int i = 0; i < WRITERS; i++) {
		w[i] = (struct writer){.port = lite_node_port(n), .idx = i};
		assert_int_equal(pthread_create(&th[i], NULL, writer_main, &w[i]), 0);
	}
	int acked = 0, read_back = 0, reused = 0;
	for (int i = 0; i < WRITERS; i++) {
		pthread_join(th[i], NULL);
		if (w[i].first_error[0])
			fprintf(stderr, "writer %d: %s\n", i, w[i].first_error);
		acked += w[i].acked;
		read_back += w[i].read_back;
		reused += w[i].reused;
	}
	assert_int_equal(acked, WRITERS * PER_WRITER);
	assert_int_equal(read_back, WRITERS * PER_WRITER);
	/* The connections really were kept open (the case the group-commit
	 * wait is for): all but each writer's first request. */
	assert_int_equal(reused, WRITERS * (PER_WRITER - 1));
	assert_int_equal(sql_count("loop.db", "SELECT count(*) FROM facts WHERE relation = 'loop:seq'"),
			 WRITERS * PER_WRITER);
	assert_true(sql_count("loop.db", "SELECT count(*) FROM facts") >= before + acked);

	/* Every write is in the chain and the chain re-verifies. */
	const char *vh[] = {"Stigmem-Verify: full", NULL};
	struct tst_resp r = tst_req(lite_node_port(n), "POST", "/v1/recall",
				    "{\"query\":\"loop\",\"scope\":\"team\"}", vh);
	assert_int_equal(r.status, 200);
	cJSON *proof = cJSON_GetObjectItem(r.json, "chain_proof");
	assert_true(cJSON_IsObject(proof));
	assert_true(cJSON_GetObjectItem(proof, "checked_entries")->valueint >= acked);
	tst_resp_free(&r);
	lite_node_stop(n);
}

struct slow {
	int port;
	const char *path;
	long status;
	double ms;                   /* how long it took */
	double end;                  /* now_ms() when it was answered */
};

static void *
slow_main(void *arg)
{
	struct slow *s = arg;
	double t0 = now_ms();
	struct tst_resp r = tst_get(s->port, s->path);
	s->end = now_ms();
	s->ms = s->end - t0;
	s->status = r.status;
	tst_resp_free(&r);
	return NULL;
}

/* A request held by --fault-delay-ms waits on a timer, not in the loop:
 * other requests are answered meanwhile, and two delayed requests wait
 * side by side rather than one after the other. */
static void
t_delay_holds_nothing_else(void **state)
{
	(void)state;
	struct lite_options o;
	lite_options_init(&o);
	char spec[] = "400,1.0,/healthz";
	assert_true(lite_parse_fault(spec, true, &o.fault_delay));
	struct lite_node *n = tst_start("loopdelay.db", &o);
	assert_non_null(n);
	int port = lite_node_port(n);
	struct slow a = {.port = port, .path = "/healthz"}, b = {.port = port, .path = "/healthz"};
	pthread_t ta, tb;
	assert_int_equal(pthread_create(&ta, NULL, slow_main, &a), 0);
	assert_int_equal(pthread_create(&tb, NULL, slow_main, &b), 0);
	struct timespec d = {0, 50 * 1000000L};
	nanosleep(&d, NULL);
	struct tst_resp r = tst_get(port, "/v1/me");
	double me_end = now_ms();
	assert_int_equal(r.status, 200);
	tst_resp_free(&r);
	pthread_join(ta, NULL);
	pthread_join(tb, NULL);
	assert_int_equal(a.status, 200);
	assert_int_equal(b.status, 200);
	assert_true(a.ms >= 390 && b.ms >= 390);
	/* Answered while both delayed requests were still waiting. */
	assert_true(me_end < a.end && me_end < b.end);
	/* Side by side: one after the other would end 400 ms apart. */
	assert_true(fabs(a.end - b.end) < 250);
	lite_node_stop(n);
}

/* Stopping the node while a request is suspended (waiting out a long
 * delay) returns at once; the suspended client gets no success. */
static void
t_stop_with_suspended(void **state)
{
	(void)state;
	struct lite_options o;
	lite_options_init(&o);
	char spec[] = "20000,1.0,/healthz";
	assert_true(lite_parse_fault(spec, true, &o.fault_delay));
	struct lite_node *n = tst_start("loopstop.db", &o);
	assert_non_null(n);
	struct slow a = {.port = lite_node_port(n), .path = "/healthz"};
	pthread_t ta;
	assert_int_equal(pthread_create(&ta, NULL, slow_main, &a), 0);
	struct timespec d = {0, 150 * 1000000L};
	nanosleep(&d, NULL);
	double t0 = now_ms();
	lite_node_stop(n);
	double stop_ms = now_ms() - t0;
	pthread_join(ta, NULL);
	assert_true(stop_ms < 2000);
	assert_int_not_equal(a.status, 200);
	assert_true(a.ms < 10000);
}

int
main(void)
{
	curl_global_init(CURL_GLOBAL_ALL);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(t_keepalive_writers),
		cmocka_unit_test(t_delay_holds_nothing_else),
		cmocka_unit_test(t_stop_with_suspended),
	};
	int rc = cmocka_run_group_tests_name("lite_loop", tests, NULL, NULL);
	curl_global_cleanup();
	return rc;
}
