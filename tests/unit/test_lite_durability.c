/* test_lite_durability.c — an acknowledged write (201) survives kill -9 of
 * the node under concurrent writers, and the fact chain still verifies
 * after the restart. The node runs in a forked child; the parent writes
 * with 8 threads, kills the child mid-flight, restarts the node in-process
 * on the same database and reads every acknowledged fact back. */
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "../lib/testdata.h"
#include "../lib/testnode.h"

#define WRITERS 8
#define MAX_ACK 20000

struct writer {
	int port;
	int idx;
	int *stop;
	char (*ids)[40];
	int n_ack;
	int n_err;
};

/* Even-numbered writers keep one connection open (as the SDK does, so
 * their asserts meet in the node's group commits); odd ones connect per
 * request. */
static void *
writer_main(void *arg)
{
	struct writer *w = arg;
	CURL *keep = w->idx % 2 == 0 ? curl_easy_init() : NULL;
	/* stop and n_ack are shared with the main thread: atomics. */
	for (int i = 0; !__atomic_load_n(w->stop, __ATOMIC_ACQUIRE) && w->n_ack < MAX_ACK / WRITERS;
	     i++) {
		char body[400];
		snprintf(body, sizeof body,
			 "{\"entity\":\"stigmem://dur/item/w%d-%d\",\"relation\":\"dur:seq\",\"value\":"
			 "{\"type\":\"number\",\"v\":%d},\"source\":\"agent:w%d\",\"scope\":\"team\"}",
			 w->idx, i, i, w->idx);
		struct tst_resp r = keep ? tst_req_keep(keep, w->port, "POST", "/v1/facts", body, NULL)
				       : tst_post(w->port, "/v1/facts", body);
		if (r.status == 201 && tst_str(r.json, "id")) {
			snprintf(w->ids[w->n_ack], 40, "%s", tst_str(r.json, "id"));
			__atomic_store_n(&w->n_ack, w->n_ack + 1, __ATOMIC_RELEASE);
		} else {
			w->n_err++;
			if (r.rc != CURLE_OK) {
				tst_resp_free(&r);
				break; /* node gone */
			}
		}
		tst_resp_free(&r);
	}
	if (keep)
		curl_easy_cleanup(keep);
	return NULL;
}

static double
now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* The node of this test: dur.db and dur_tl.jsonl in the current directory,
 * checkpoint every 50 facts, any port. */
static void
dur_options(struct lite_options *o)
{
	lite_options_init(o);
	o->port = 0;
	o->db_path = "dur.db";
	o->tl_path = "dur_tl.jsonl";
	o->checkpoint_interval = 50;
	o->quiet = true;
}

static void
t_kill9_keeps_acknowledged(void **state)
{
	(void)state;
	unlink("dur.db");
	unlink("dur.db-wal");
	unlink("dur.db-shm");
	unlink("dur_tl.jsonl");
	int pfd[2];
	assert_int_equal(pipe(pfd), 0);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		close(pfd[0]);
		struct lite_options o;
		dur_options(&o);
		struct lite_node *n = lite_node_start(&o, NULL, 0);
		int port = n ? lite_node_port(n) : -1;
		if (write(pfd[1], &port, sizeof port) != (ssize_t)sizeof port)
			_exit(3);
		for (;;)
			pause();
	}
	close(pfd[1]);
	int port = -1;
	assert_int_equal(read(pfd[0], &port, sizeof port), (ssize_t)sizeof port);
	close(pfd[0]);
	assert_true(port > 0);

	int stop = 0;
	struct writer w[WRITERS];
	pthread_t th[WRITERS];
	for (int i = 0; i < WRITERS; i++) {
		w[i] = (struct writer){port, i, &stop, calloc(MAX_ACK / WRITERS, 40), 0, 0};
		pthread_create(&th[i], NULL, writer_main, &w[i]);
	}
	double t0 = now_s();
	/* Let writes flow, then kill -9 while they are in flight. */
	for (;;) {
		struct timespec d = {0, 50 * 1000000L};
		nanosleep(&d, NULL);
		int acks = 0;
		for (int i = 0; i < WRITERS; i++)
			acks += __atomic_load_n(&w[i].n_ack, __ATOMIC_ACQUIRE);
		if (acks >= 400 || now_s() - t0 > 20)
			break;
	}
	double t1 = now_s();
	int acks_at_kill = 0;
	for (int i = 0; i < WRITERS; i++)
		acks_at_kill += __atomic_load_n(&w[i].n_ack, __ATOMIC_ACQUIRE);
	kill(pid, SIGKILL);
	int status;
	waitpid(pid, &status, 0);
	assert_true(WIFSIGNALED(status));
	__atomic_store_n(&stop, 1, __ATOMIC_RELEASE);
	int total = 0;
	for (int i = 0; i < WRITERS; i++) {
		pthread_join(th[i], NULL);
		total += w[i].n_ack;
	}
	fprintf(stderr, "durability: %d acknowledged writes (%.0f/s with %d writers) before kill -9\n",
		total, acks_at_kill / (t1 - t0), WRITERS);
	assert_true(total >= 400);

	/* Restart on the same files and read every acknowledged fact. */
	struct lite_options o;
	dur_options(&o);
	char err[256];
	struct lite_node *n = lite_node_start(&o, err, sizeof err);
	assert_non_null(n);
	int p2 = lite_node_port(n);
	int missing = 0;
	for (int i = 0; i < WRITERS; i++)
		for (int k = 0; k < w[i].n_ack; k++) {
			char path[128];
			struct tst_resp r = tst_get(p2, tst_fmt(path, sizeof path, "/v1/facts/%s", w[i].ids[k]));
			if (r.status != 200)
				missing++;
			tst_resp_free(&r);
		}
	assert_int_equal(missing, 0);
	/* The chain re-verifies over every stored fact. */
	const char *vh[] = {"Stigmem-Verify: full", NULL};
	struct tst_resp r = tst_req(p2, "POST", "/v1/recall", "{\"query\":\"dur\",\"scope\":\"team\"}", vh);
	assert_int_equal(r.status, 200);
	cJSON *proof = cJSON_GetObjectItem(r.json, "chain_proof");
	assert_true(cJSON_IsObject(proof));
	assert_true(cJSON_GetObjectItem(proof, "checked_entries")->valueint >= total);
	tst_resp_free(&r);
	/* And the node accepts new writes after recovery. */
	r = tst_post(p2, "/v1/facts",
		    "{\"entity\":\"stigmem://dur/item/after\",\"relation\":\"dur:seq\",\"value\":"
		    "{\"type\":\"number\",\"v\":1},\"source\":\"agent:after\",\"scope\":\"team\"}");
	assert_int_equal(r.status, 201);
	tst_resp_free(&r);
	lite_node_stop(n);
	for (int i = 0; i < WRITERS; i++)
		free(w[i].ids);
}

int
main(void)
{
	curl_global_init(CURL_GLOBAL_ALL);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(t_kill9_keeps_acknowledged),
	};
	int rc = cmocka_run_group_tests_name("lite_durability", tests, NULL, NULL);
	curl_global_cleanup();
	return rc;
}
