/* test_lite_delivery.c — subscription event delivery of stigmem-lite
 * (src/node/delivery.c) against a real webhook receiver (a small
 * libmicrohttpd server in this test): the POST body and headers, the
 * recorded outcome of each answer class (2xx delivered; 5xx retried later
 * with the subscription's failure count, the 10th failure opening its
 * circuit; 410 cancelling the subscription; an unreachable address), and
 * the wake line on stderr (ASCII-only JSON even for hostile values). */
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
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
#include <microhttpd.h>
#include <sqlite3.h>

#include "../lib/testnode.h"

#if MHD_VERSION < 0x00097002
typedef int MHD_RESULT_T;
#else
typedef enum MHD_Result MHD_RESULT_T;
#endif

/* ---- the webhook receiver ------------------------------------------------ */

#define MAX_HITS 32

struct hit {
	char event_id_header[64];
	char content_type[64];
	char *body;
};

struct receiver {
	struct MHD_Daemon *d;
	int port;
	pthread_mutex_t mu;
	int answer;                  /* status to answer with */
	int n_hits;
	struct hit hits[MAX_HITS];
};

struct upload {
	char *data;
	size_t len;
};

static MHD_RESULT_T
on_hook(void *cls, struct MHD_Connection *c, const char *url, const char *method,
	const char *version, const char *data, size_t *size, void **ctx)
{
	(void)url;
	(void)method;
	(void)version;
	struct receiver *rv = cls;
	struct upload *u = *ctx;
	if (!u) {
		*ctx = calloc(1, sizeof *u);
		return *ctx ? MHD_YES : MHD_NO;
	}
	if (*size) {
		char *p = realloc(u->data, u->len + *size + 1);
		if (!p)
			return MHD_NO;
		memcpy(p + u->len, data, *size);
		u->data = p;
		u->len += *size;
		u->data[u->len] = 0;
		*size = 0;
		return MHD_YES;
	}
	pthread_mutex_lock(&rv->mu);
	int status = rv->answer;
	if (rv->n_hits < MAX_HITS) {
		struct hit *h = &rv->hits[rv->n_hits++];
		const char *id = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "X-Stigmem-Event-Id");
		const char *ct = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Type");
		snprintf(h->event_id_header, sizeof h->event_id_header, "%s", id ? id : "");
		snprintf(h->content_type, sizeof h->content_type, "%s", ct ? ct : "");
		h->body = u->data ? strdup(u->data) : strdup("");
	}
	pthread_mutex_unlock(&rv->mu);
	struct MHD_Response *r = MHD_create_response_from_buffer(2, (void *)"ok",
								 MHD_RESPMEM_PERSISTENT);
	MHD_RESULT_T ret = MHD_queue_response(c, (unsigned)status, r);
	MHD_destroy_response(r);
	return ret;
}

static void
on_hook_done(void *cls, struct MHD_Connection *c, void **ctx, enum MHD_RequestTerminationCode t)
{
	(void)cls;
	(void)c;
	(void)t;
	struct upload *u = *ctx;
	if (u) {
		free(u->data);
		free(u);
		*ctx = NULL;
	}
}

static void
receiver_start(struct receiver *rv, int answer)
{
	memset(rv, 0, sizeof *rv);
	pthread_mutex_init(&rv->mu, NULL);
	rv->answer = answer;
	struct sockaddr_in sa;
	memset(&sa, 0, sizeof sa);
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	rv->d = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD, 0, NULL, NULL, on_hook, rv,
				 MHD_OPTION_SOCK_ADDR, &sa, MHD_OPTION_NOTIFY_COMPLETED, on_hook_done,
				 NULL, MHD_OPTION_END);
	assert_non_null(rv->d);
	const union MHD_DaemonInfo *di = MHD_get_daemon_info(rv->d, MHD_DAEMON_INFO_BIND_PORT);
	assert_non_null(di);
	rv->port = di->port;
}

static int
receiver_hits(struct receiver *rv)
{
	pthread_mutex_lock(&rv->mu);
	int k = rv->n_hits;
	pthread_mutex_unlock(&rv->mu);
	return k;
}

static void
receiver_stop(struct receiver *rv)
{
	MHD_stop_daemon(rv->d);
	for (int i = 0; i < rv->n_hits; i++)
		free(rv->hits[i].body);
	pthread_mutex_destroy(&rv->mu);
}

/* ---- helpers ----------------------------------------------------------------- */

static void
sleep_ms(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
	nanosleep(&ts, NULL);
}

/* Wait up to 5 s for `want` hits. */
static bool
wait_hits(struct receiver *rv, int want)
{
	for (int i = 0; i < 250; i++) {
		if (receiver_hits(rv) >= want)
			return true;
		sleep_ms(20);
	}
	return false;
}

static struct lite_node *
node(const char *db)
{
	struct lite_options o;
	lite_options_init(&o);
	o.delivery_interval_ms = 40;
	struct lite_node *n = tst_start(db, &o);
	assert_non_null(n);
	return n;
}

/* POST a subscription; its id into id[64]. */
static void
subscribe(int port, const char *target, const char *on_change, const char *address, char id[64])
{
	char body[600];
	snprintf(body, sizeof body,
		 "{\"target\":\"%s\",\"on_change\":\"%s\",\"delivery_address\":\"%s\"}", target,
		 on_change, address);
	struct tst_resp r = tst_post(port, "/v1/subscriptions", body);
	assert_int_equal(r.status, 201);
	snprintf(id, 64, "%s", cJSON_GetObjectItem(r.json, "id")->valuestring);
	tst_resp_free(&r);
}

static void
assert_fact(int port, const char *entity, const char *scope, const char *value, char id[64])
{
	char body[800];
	snprintf(body, sizeof body,
		 "{\"entity\":\"%s\",\"relation\":\"memory:note\",\"value\":{\"type\":\"string\","
		 "\"v\":\"%s\"},\"source\":\"agent:hooks\",\"scope\":\"%s\"}",
		 entity, value, scope);
	struct tst_resp r = tst_post(port, "/v1/facts", body);
	assert_int_equal(r.status, 201);
	if (id)
		snprintf(id, 64, "%s", cJSON_GetObjectItem(r.json, "id")->valuestring);
	tst_resp_free(&r);
}

/* The events of subscription sid (caller frees). */
static struct tst_resp
events(int port, const char *sid)
{
	char path[200];
	return tst_get(port, tst_fmt(path, sizeof path, "/v1/subscriptions/%s/events", sid));
}

static void
sql(const char *db, const char *q)
{
	sqlite3 *h = NULL;
	assert_int_equal(sqlite3_open(db, &h), SQLITE_OK);
	sqlite3_busy_timeout(h, 5000);
	assert_int_equal(sqlite3_exec(h, q, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(h);
}

/* ---- tests --------------------------------------------------------------------- */

static void
t_webhook_delivered(void **state)
{
	(void)state;
	struct receiver rv;
	receiver_start(&rv, 200);
	struct lite_node *n = node("hook1.db");
	int port = lite_node_port(n);
	char sid[64], addr[128], f1[64], f2[64];
	snprintf(addr, sizeof addr, "http://127.0.0.1:%d/hook", rv.port);
	subscribe(port, "team", "webhook", addr, sid);
	assert_fact(port, "stigmem://hooks/user/ann", "team", "first", f1);
	assert_fact(port, "stigmem://hooks/user/bob", "local", "other scope", NULL);
	assert_fact(port, "stigmem://hooks/user/cid", "team", "second", f2);
	assert_true(wait_hits(&rv, 2));
	sleep_ms(200);
	assert_int_equal(receiver_hits(&rv), 2); /* nothing for the other scope, no repeats */
	const char *facts[2] = {f1, f2};
	for (int i = 0; i < 2; i++) {
		cJSON *b = cJSON_Parse(rv.hits[i].body);
		assert_non_null(b);
		const char *eid = cJSON_GetObjectItem(b, "event_id")->valuestring;
		assert_string_equal(eid, rv.hits[i].event_id_header);
		assert_string_equal(cJSON_GetObjectItem(b, "idempotency_key")->valuestring, eid);
		assert_string_equal(cJSON_GetObjectItem(b, "subscription_id")->valuestring, sid);
		assert_string_equal(cJSON_GetObjectItem(b, "event_type")->valuestring,
				    "fact_asserted");
		assert_string_equal(rv.hits[i].content_type, "application/json");
		cJSON *fact = cJSON_GetObjectItem(b, "fact");
		assert_string_equal(cJSON_GetObjectItem(fact, "id")->valuestring, facts[i]);
		assert_string_equal(cJSON_GetObjectItem(fact, "value_v")->valuestring,
				    i == 0 ? "first" : "second");
		assert_string_equal(cJSON_GetObjectItem(fact, "scope")->valuestring, "team");
		cJSON_Delete(b);
	}
	struct tst_resp r = events(port, sid);
	assert_int_equal(r.status, 200);
	cJSON *ev = cJSON_GetObjectItem(r.json, "events");
	assert_int_equal(cJSON_GetArraySize(ev), 2);
	for (int i = 0; i < 2; i++) {
		cJSON *e = cJSON_GetArrayItem(ev, i);
		assert_string_equal(cJSON_GetObjectItem(e, "delivery_status")->valuestring,
				    "delivered");
		assert_int_equal(cJSON_GetObjectItem(e, "delivery_attempts")->valueint, 1);
		assert_true(cJSON_IsString(cJSON_GetObjectItem(e, "delivered_at")));
	}
	tst_resp_free(&r);
	char path[200];
	r = tst_get(port, tst_fmt(path, sizeof path, "/v1/subscriptions/%s", sid));
	assert_true(cJSON_IsString(cJSON_GetObjectItem(r.json, "last_delivered_at")));
	assert_int_equal(cJSON_GetObjectItem(r.json, "consecutive_failures")->valueint, 0);
	tst_resp_free(&r);
	lite_node_stop(n);
	receiver_stop(&rv);
}

/* 500: the event stays pending with one attempt and is not retried before
 * its backoff (2 s); the failure that makes ten in a row opens the circuit
 * and fails the event. */
static void
t_webhook_failures(void **state)
{
	(void)state;
	struct receiver rv;
	receiver_start(&rv, 500);
	struct lite_node *n = node("hook2.db");
	int port = lite_node_port(n);
	char sid[64], addr[128];
	snprintf(addr, sizeof addr, "http://127.0.0.1:%d/hook", rv.port);
	subscribe(port, "stigmem://hooks/user/dee", "webhook", addr, sid);
	assert_fact(port, "stigmem://hooks/user/dee", "team", "one", NULL);
	assert_true(wait_hits(&rv, 1));
	sleep_ms(400);
	assert_int_equal(receiver_hits(&rv), 1);
	struct tst_resp r = events(port, sid);
	cJSON *e = cJSON_GetArrayItem(cJSON_GetObjectItem(r.json, "events"), 0);
	assert_string_equal(cJSON_GetObjectItem(e, "delivery_status")->valuestring, "pending");
	assert_int_equal(cJSON_GetObjectItem(e, "delivery_attempts")->valueint, 1);
	assert_true(cJSON_IsNull(cJSON_GetObjectItem(e, "delivered_at")));
	tst_resp_free(&r);
	char path[200];
	r = tst_get(port, tst_fmt(path, sizeof path, "/v1/subscriptions/%s", sid));
	assert_int_equal(cJSON_GetObjectItem(r.json, "consecutive_failures")->valueint, 1);
	assert_false(cJSON_IsTrue(cJSON_GetObjectItem(r.json, "circuit_open")));
	tst_resp_free(&r);

	/* Nine failures already: the next one opens the circuit. */
	sql("hook2.db", "UPDATE subscriptions SET consecutive_failures = 9; DELETE FROM sub_retry;");
	assert_true(wait_hits(&rv, 2));
	sleep_ms(300);
	r = tst_get(port, tst_fmt(path, sizeof path, "/v1/subscriptions/%s", sid));
	assert_true(cJSON_IsTrue(cJSON_GetObjectItem(r.json, "circuit_open")));
	assert_int_equal(cJSON_GetObjectItem(r.json, "consecutive_failures")->valueint, 10);
	tst_resp_free(&r);
	r = events(port, sid);
	e = cJSON_GetArrayItem(cJSON_GetObjectItem(r.json, "events"), 0);
	assert_string_equal(cJSON_GetObjectItem(e, "delivery_status")->valuestring, "failed");
	assert_int_equal(cJSON_GetObjectItem(e, "delivery_attempts")->valueint, 2);
	tst_resp_free(&r);
	/* An open circuit records no new events and delivers nothing more. */
	assert_fact(port, "stigmem://hooks/user/dee", "team", "two", NULL);
	sleep_ms(300);
	assert_int_equal(receiver_hits(&rv), 2);
	r = events(port, sid);
	assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(r.json, "events")), 1);
	tst_resp_free(&r);
	lite_node_stop(n);
	receiver_stop(&rv);
}

/* 410 cancels the subscription; an unreachable address is a failure. */
static void
t_webhook_gone_and_unreachable(void **state)
{
	(void)state;
	struct receiver rv;
	receiver_start(&rv, 410);
	struct lite_node *n = node("hook3.db");
	int port = lite_node_port(n);
	char gone[64], dead[64], addr[128];
	snprintf(addr, sizeof addr, "http://127.0.0.1:%d/hook", rv.port);
	subscribe(port, "stigmem://hooks/user/eve", "webhook", addr, gone);
	/* A port nothing listens on: the receiver's, once it is stopped. */
	struct receiver tmp;
	receiver_start(&tmp, 200);
	char dead_addr[128];
	snprintf(dead_addr, sizeof dead_addr, "http://127.0.0.1:%d/hook", tmp.port);
	receiver_stop(&tmp);
	subscribe(port, "stigmem://hooks/user/fay", "webhook", dead_addr, dead);
	assert_fact(port, "stigmem://hooks/user/eve", "team", "gone", NULL);
	assert_fact(port, "stigmem://hooks/user/fay", "team", "nobody home", NULL);
	assert_true(wait_hits(&rv, 1));
	char path[200];
	struct tst_resp r = {0};
	for (int i = 0; i < 100; i++) {
		r = tst_get(port, tst_fmt(path, sizeof path, "/v1/subscriptions/%s", gone));
		if (r.status == 404)
			break;
		tst_resp_free(&r);
		sleep_ms(20);
	}
	assert_int_equal(r.status, 404);
	tst_resp_free(&r);
	for (int i = 0; i < 100; i++) {
		r = tst_get(port, tst_fmt(path, sizeof path, "/v1/subscriptions/%s", dead));
		if (cJSON_GetObjectItem(r.json, "consecutive_failures")->valueint == 1)
			break;
		tst_resp_free(&r);
		sleep_ms(20);
	}
	assert_int_equal(cJSON_GetObjectItem(r.json, "consecutive_failures")->valueint, 1);
	assert_true(cJSON_IsNull(cJSON_GetObjectItem(r.json, "last_delivered_at")));
	tst_resp_free(&r);
	lite_node_stop(n);
	receiver_stop(&rv);
}

/* wake: one JSON line on stderr per event, ASCII only. */
static void
t_wake_line(void **state)
{
	(void)state;
	fflush(stderr);
	int saved = dup(2);
	int fd = open("wake.err", O_CREAT | O_TRUNC | O_WRONLY, 0600);
	assert_true(saved >= 0 && fd >= 0);
	dup2(fd, 2);
	close(fd);
	struct lite_node *n = node("wake.db");
	int port = lite_node_port(n);
	char sid[64], fid[64];
	subscribe(port, "stigmem://hooks/agent/zoe", "wake", "stigmem://hooks/agent/watcher", sid);
	/* ESC [ 2 J, a right-to-left override and a non-ASCII letter. */
	assert_fact(port, "stigmem://hooks/agent/zoe", "team", "caf\\u00e9 \\u001b[2J \\u202e", fid);
	for (int i = 0; i < 200; i++) {
		struct tst_resp r = events(port, sid);
		cJSON *e = cJSON_GetArrayItem(cJSON_GetObjectItem(r.json, "events"), 0);
		bool done = e && strcmp(cJSON_GetObjectItem(e, "delivery_status")->valuestring,
					"delivered") == 0;
		tst_resp_free(&r);
		if (done)
			break;
		sleep_ms(20);
	}
	lite_node_stop(n);
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	FILE *f = fopen("wake.err", "r");
	assert_non_null(f);
	char line[8192];
	int wakes = 0;
	while (fgets(line, sizeof line, f)) {
		if (!strstr(line, "stigmem_wake"))
			continue;
		wakes++;
		for (const unsigned char *p = (const unsigned char *)line; *p; p++)
			assert_true(*p >= 0x20 ? *p < 0x7f : *p == '\n');
		cJSON *j = cJSON_Parse(line);
		assert_non_null(j);
		cJSON *w = cJSON_GetObjectItem(j, "stigmem_wake");
		assert_string_equal(cJSON_GetObjectItem(w, "subscription_id")->valuestring, sid);
		assert_string_equal(cJSON_GetObjectItem(w, "subscriber_identity")->valuestring,
				    "anon:trusted");
		assert_string_equal(cJSON_GetObjectItem(w, "delivery_address")->valuestring,
				    "stigmem://hooks/agent/watcher");
		assert_string_equal(cJSON_GetObjectItem(w, "event_type")->valuestring,
				    "fact_asserted");
		assert_true(cJSON_IsString(cJSON_GetObjectItem(w, "event_id")));
		assert_true(cJSON_IsString(cJSON_GetObjectItem(w, "ts")));
		cJSON *fact = cJSON_GetObjectItem(w, "fact");
		assert_string_equal(cJSON_GetObjectItem(fact, "id")->valuestring, fid);
		/* The value arrives sanitized as GET .../events serves it (no ESC,
		 * no override), "é" intact. */
		const char *v = cJSON_GetObjectItem(fact, "value_v")->valuestring;
		assert_non_null(strstr(v, "caf\xc3\xa9"));
		assert_null(strchr(v, 0x1b));
		assert_null(strstr(v, "\xe2\x80\xae"));
		cJSON_Delete(j);
	}
	fclose(f);
	assert_int_equal(wakes, 1);
}

/* --delivery-interval 0: events stay pending. */
static void
t_no_delivery(void **state)
{
	(void)state;
	struct receiver rv;
	receiver_start(&rv, 200);
	struct lite_options o;
	lite_options_init(&o);
	o.delivery_interval_ms = 0;
	struct lite_node *n = tst_start("nohook.db", &o);
	int port = lite_node_port(n);
	char sid[64], addr[128];
	snprintf(addr, sizeof addr, "http://127.0.0.1:%d/hook", rv.port);
	subscribe(port, "team", "webhook", addr, sid);
	assert_fact(port, "stigmem://hooks/user/gus", "team", "kept", NULL);
	sleep_ms(300);
	assert_int_equal(receiver_hits(&rv), 0);
	struct tst_resp r = events(port, sid);
	cJSON *e = cJSON_GetArrayItem(cJSON_GetObjectItem(r.json, "events"), 0);
	assert_string_equal(cJSON_GetObjectItem(e, "delivery_status")->valuestring, "pending");
	tst_resp_free(&r);
	lite_node_stop(n);
	receiver_stop(&rv);
}

int
main(void)
{
	curl_global_init(CURL_GLOBAL_ALL);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(t_webhook_delivered),
		cmocka_unit_test(t_webhook_failures),
		cmocka_unit_test(t_webhook_gone_and_unreachable),
		cmocka_unit_test(t_wake_line),
		cmocka_unit_test(t_no_delivery),
	};
	int rc = cmocka_run_group_tests_name("lite_delivery", tests, NULL, NULL);
	curl_global_cleanup();
	return rc;
}
