/* bench_node.c — stigmem-lite write and recall throughput over real
 * loopback HTTP with libstigmem as the client.
 *
 *   bench_node [facts] [queries]
 *     facts    size of the generated recall dataset (default 100000)
 *     queries  timed recall requests, cycling over the fixed query list
 *              (default 5 passes over the list)
 *   BENCH_NODE_QUICK=1     shrink everything (10k facts, 1000 asserts, 2 passes)
 *   BENCH_NODE_ASSERTS=N   facts asserted per client mode (default 5000)
 *
 * Part 1 (asserts): a fresh node with a temporary database and the
 * stigmem-lite defaults (WAL, synchronous=NORMAL, one event loop,
 * checkpoint every 1000 facts). N distinct facts are asserted by one client
 * thread and N others by 8 client threads (each with its own stg_client);
 * the two modes, GET /healthz bursts (1 and 8 clients) and a raw libcurl
 * keep-alive baseline run in alternating rounds so that a load spike on the
 * shared machine hits all of them alike. Printed: 8 clients / 1 client,
 * 1-client asserts/s / 1-client healthz/s (the HTTP round-trip floor of the
 * same node and client), process CPU per request (client and node share the
 * process, so this is the machine-load-independent cost), and asserts/s
 * with raw libcurl on one reused connection (what stg_client costs over
 * the bare HTTP exchange).
 *
 * Part 2 (recall): a second node starts with `--generate facts` (the
 * deterministic dataset of src/node/demo.c, loaded through the node's own
 * assert path in one transaction, timed as the load rate). A fixed list of
 * queries of different selectivity runs once, reported apart as "cold"
 * (the first recall of an entity materialises its memory card), then `queries`
 * timed requests in scope "team" (users and projects: half the dataset)
 * with default weights, each preceded by a timed GET /healthz; printed:
 * recall p50/p99/max and recall p50 / healthz p50. */
#include <dirent.h>
#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>

#include "../tests/lib/benchstat.h"

#include <sqlite3.h>

#include "node/lite.h"
#include "stigmem/arena.h"
#include "stigmem/client.h"

#define N_CLIENTS 8
#define ROUNDS 5
#define HEALTHZ_PER_ROUND 200
#define RECALL_SCOPE "team"

/* Fixed queries over the generated vocabulary (src/node/demo.c: words[],
 * entity URIs stigmem://gen.example/<type>/<type>-<n>, string values
 * "<word> <word> <i>", relations like memory:role). */
enum qclass { Q_RARE, Q_RELATION, Q_COMMON, Q_MULTI, Q_NCLASS };
static const char *const class_name[Q_NCLASS] = {"rare (entity/number)", "relation word",
						  "common word", "multi-word"};
static const struct {
	const char *q;
	enum qclass cls;
} queries[] = {
	{"user-120", Q_RARE}, {"project-453", Q_RARE}, {"user-771", Q_RARE}, {"1234", Q_RARE},
	{"6789", Q_RARE}, {"9001", Q_RARE}, {"user-42", Q_RARE}, {"nonexistentword", Q_RARE},
	{"role", Q_RELATION}, {"email", Q_RELATION}, {"location", Q_RELATION},
	{"status", Q_RELATION},
	{"phoenix", Q_COMMON}, {"latency", Q_COMMON}, {"roadmap", Q_COMMON}, {"budget", Q_COMMON},
	{"memory", Q_COMMON}, {"Zürich", Q_COMMON}, {"東京", Q_COMMON}, {"the", Q_COMMON},
	{"customer", Q_COMMON}, {"deploy", Q_COMMON},
	{"deploy latency", Q_MULTI}, {"customer release schema", Q_MULTI},
	{"phoenix roadmap quarter", Q_MULTI}, {"trust policy audit", Q_MULTI},
	{"memory graph recall", Q_MULTI}, {"budget risk review deadline", Q_MULTI},
	{"privacy security design feedback", Q_MULTI}, {"data pipeline owner", Q_MULTI},
};
#define N_QUERIES (sizeof queries / sizeof queries[0])

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* CPU seconds (user + system) of the whole process: client threads and
 * the in-process node's HTTP threads together. */
static double
cpu_s(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec * 1e-6 +
	       (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec * 1e-6;
}

static double
median_of(const double *v, size_t n)
{
	double *t = malloc((n ? n : 1) * sizeof *t), m;

	if (!t)
		return 0.0;
	memcpy(t, v, n * sizeof *t);
	qsort(t, n, sizeof *t, tst_cmp_double);
	m = tst_percentile(t, n, 0.5);
	free(t);
	return m;
}

/* The machine is shared: record its load next to the numbers. */
/* ---- temporary node ------------------------------------------------------ */

struct tmp_node {
	char dir[256];
	char db[300];
	char tl[300];
	struct lite_node *node;
	struct stg_client *client;   /* the single-client handle */
	char url[64];
};

static struct stg_client *
client_for(const char *url)
{
	struct stg_client_options o;
	struct stg_error e;
	struct stg_client *c;

	stg_client_options_init(&o);
	o.base_url = url;
	c = stg_client_new(&o, &e);
	if (!c)
		fprintf(stderr, "bench_node: client: %s\n", e.detail);
	return c;
}

static int
tmp_node_start(struct tmp_node *t, long generate)
{
	const char *td = getenv("TMPDIR");
	struct lite_options o;
	char err[512];

	memset(t, 0, sizeof *t);
	snprintf(t->dir, sizeof t->dir, "%s/bench_node.XXXXXX", td && *td ? td : "/tmp");
	if (!mkdtemp(t->dir)) {
		perror("bench_node: mkdtemp");
		return -1;
	}
	snprintf(t->db, sizeof t->db, "%s/lite.db", t->dir);
	snprintf(t->tl, sizeof t->tl, "%s/tl.jsonl", t->dir);
	lite_options_init(&o);
	o.port = 0;
	o.db_path = t->db;
	o.tl_path = t->tl;
	o.quiet = true;
	o.generate = generate;
	t->node = lite_node_start(&o, err, sizeof err);
	if (!t->node) {
		fprintf(stderr, "bench_node: node start: %s\n", err);
		return -1;
	}
	snprintf(t->url, sizeof t->url, "http://127.0.0.1:%d", lite_node_port(t->node));
	t->client = client_for(t->url);
	return t->client ? 0 : -1;
}

static void
tmp_node_stop(struct tmp_node *t)
{
	DIR *d;
	struct dirent *de;
	char p[600];

	stg_client_free(t->client);
	lite_node_stop(t->node);
	t->client = NULL;
	t->node = NULL;
	if (!t->dir[0])
		return;
	d = opendir(t->dir);
	while (d && (de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		snprintf(p, sizeof p, "%s/%s", t->dir, de->d_name);
		unlink(p);
	}
	if (d)
		closedir(d);
	rmdir(t->dir);
}

/* ---- requests --------------------------------------------------------------- */

static int
do_healthz(struct stg_client *c)
{
	struct stg_arena a;
	struct stg_health *h = NULL;
	struct stg_error e;
	enum stg_status st;

	stg_arena_init(&a);
	st = stg_client_healthz(c, &a, &h, NULL, &e);
	stg_arena_done(&a);
	if (st != STG_OK) {
		fprintf(stderr, "bench_node: healthz: %s %s\n", stg_status_name(st), e.detail);
		return -1;
	}
	return 0;
}

/* Assert fact number i (distinct entity per i). */
static int
do_assert(struct stg_client *c, long i)
{
	char ent[96], val[64];
	struct stg_assert_params p;
	struct stg_arena a;
	struct stg_fact *f = NULL;
	struct stg_error e;
	enum stg_status st;

	snprintf(ent, sizeof ent, "stigmem://bench.example/item/item-%ld", i);
	snprintf(val, sizeof val, "bench value %ld", i);
	memset(&p, 0, sizeof p);
	p.entity = ent;
	p.relation = "bench:value";
	p.value = stg_value_string(val);
	p.source = "agent:bench";
	stg_arena_init(&a);
	st = stg_client_assert_fact(c, &p, &a, &f, NULL, &e);
	if (st == STG_OK && (!f || !f->id || strcmp(f->entity, ent) != 0))
		st = STG_ERR_DECODE;
	stg_arena_done(&a);
	if (st != STG_OK) {
		fprintf(stderr, "bench_node: assert %ld: %s %s\n", i, stg_status_name(st), e.detail);
		return -1;
	}
	return 0;
}

/* ---- raw keep-alive baseline ------------------------------------------------ */

static size_t
discard(char *p, size_t sz, size_t n, void *ud)
{
	(void)p;
	(void)ud;
	return sz * n;
}

/* `count` requests on ONE reused libcurl handle (HTTP/1.1 keep-alive),
 * GET /healthz or POST /v1/facts with fact numbers first..; the same
 * requests stg_client sends, minus connection setup. Returns seconds or
 * -1. */
static double
raw_keepalive(const char *base, bool healthz, long first, long count)
{
	CURL *h = curl_easy_init();
	struct curl_slist *hd = curl_slist_append(NULL, "Content-Type: application/json");
	char url[128], body[256];
	double t0, t = -1;
	long code = 0, i;

	if (!h || !hd)
		goto out;
	snprintf(url, sizeof url, "%s%s", base, healthz ? "/healthz" : "/v1/facts");
	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, discard);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	if (!healthz)
		curl_easy_setopt(h, CURLOPT_HTTPHEADER, hd);
	t0 = now_s();
	for (i = 0; i < count; i++) {
		if (!healthz) {
			snprintf(body, sizeof body,
				 "{\"entity\":\"stigmem://bench.example/raw/raw-%ld\","
				 "\"relation\":\"bench:value\",\"value\":{\"type\":\"string\","
				 "\"v\":\"raw value %ld\"},\"source\":\"agent:bench\"}",
				 first + i, first + i);
			curl_easy_setopt(h, CURLOPT_COPYPOSTFIELDS, body);
		}
		if (curl_easy_perform(h) != CURLE_OK)
			break;
		curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &code);
		if (code != (healthz ? 200 : 201))
			break;
	}
	if (i == count)
		t = now_s() - t0;
	else
		fprintf(stderr, "bench_node: keep-alive %s failed (HTTP %ld)\n",
			healthz ? "healthz" : "assert", code);
out:
	curl_slist_free_all(hd);
	if (h)
		curl_easy_cleanup(h);
	return t;
}

struct worker {
	pthread_t th;
	struct stg_client *c;
	bool healthz;                /* GET /healthz instead of asserts */
	long first, count;
	int rc;
};

static void *
worker_main(void *arg)
{
	struct worker *w = arg;

	for (long i = 0; i < w->count && w->rc == 0; i++)
		w->rc = w->healthz ? do_healthz(w->c) : do_assert(w->c, w->first + i);
	return NULL;
}

/* Run `total` requests split over N_CLIENTS threads; asserts use fact
 * numbers first.. (distinct per thread). Returns -1 on any failure. */
static int
run_clients(struct worker *w, bool healthz, long first, long total)
{
	int rc = 0;

	for (int k = 0; k < N_CLIENTS; k++) {
		w[k].healthz = healthz;
		w[k].first = first + k * (total / N_CLIENTS + 1);
		w[k].count = total / N_CLIENTS + (k < total % N_CLIENTS);
		w[k].rc = 0;
		if (pthread_create(&w[k].th, NULL, worker_main, &w[k]) != 0) {
			w[k].count = -1;
			rc = -1;
		}
	}
	for (int k = 0; k < N_CLIENTS; k++) {
		if (w[k].count < 0)
			continue;
		pthread_join(w[k].th, NULL);
		if (w[k].rc != 0)
			rc = -1;
	}
	return rc;
}

/* ---- storage work: WAL frames and commits ------------------------------------ */

static uint32_t
be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* Frames and commit frames of the WAL's current generation (frames whose
 * salt matches the header; a commit frame records the database size).
 * Counts what SQLite wrote, independent of the machine's speed. */
static int
wal_scan(const char *db, long *frames, long *commits)
{
	char path[600];
	unsigned char hdr[32], fh[24];
	FILE *f;
	uint32_t psz;

	*frames = *commits = 0;
	snprintf(path, sizeof path, "%s-wal", db);
	f = fopen(path, "rb");
	if (!f)
		return 0; /* no WAL yet: nothing written */
	if (fread(hdr, 1, sizeof hdr, f) != sizeof hdr) {
		fclose(f);
		return 0; /* empty after a TRUNCATE checkpoint */
	}
	psz = be32(hdr + 8);
	while (fread(fh, 1, sizeof fh, f) == sizeof fh) {
		if (memcmp(fh + 8, hdr + 16, 8) != 0)
			break; /* a frame of an earlier generation */
		(*frames)++;
		if (be32(fh + 4) != 0)
			(*commits)++;
		if (fseek(f, (long)psz, SEEK_CUR) != 0)
			break;
	}
	fclose(f);
	return 0;
}

/* Empty the WAL (a TRUNCATE checkpoint through a second connection while
 * the node is idle), so a measured segment starts a fresh generation and
 * the node's own automatic checkpoint does not fall inside it. */
static int
wal_reset(const char *db)
{
	sqlite3 *h = NULL;
	int rc = sqlite3_open(db, &h) == SQLITE_OK &&
			 sqlite3_exec(h, "PRAGMA wal_checkpoint(TRUNCATE)", NULL, NULL, NULL) ==
				 SQLITE_OK
		 ? 0
		 : -1;
	sqlite3_close(h);
	return rc;
}

/* ---- part 1: asserts ---------------------------------------------------------- */

static int
bench_asserts(long n_asserts)
{
	struct tmp_node t;
	struct worker w[N_CLIENTS];
	double t_h = 0, t_h8 = 0, t_a1 = 0, t_a8 = 0, t_kh = 0, t_ka = 0, t0, dt, c0;
	double c_h = 0, c_a1 = 0, c_a8 = 0;
	long n_h = 0, n_h8 = 0, n_a1 = 0, n_a8 = 0, n_kh = 0, n_ka = 0, next = 0;
	long per_round = n_asserts / ROUNDS > 0 ? n_asserts / ROUNDS : 1;
	long wf[3] = {0}, wc[3] = {0};
	bool wal_ok = false;
	int rc = 0;

	memset(w, 0, sizeof w);
	if (tmp_node_start(&t, 0) != 0) {
		tmp_node_stop(&t);
		return -1;
	}
	for (int k = 0; k < N_CLIENTS; k++)
		if (!(w[k].c = client_for(t.url)))
			rc = -1;
	fprintf(stderr, "bench_node: asserting\n");
	/* Warm-up: connection setup paths, statement caches. */
	for (int k = 0; k < 20 && rc == 0; k++)
		rc = do_healthz(t.client);
	for (int r = 0; r < ROUNDS && rc == 0; r++) {
		t0 = now_s();
		c0 = cpu_s();
		for (int k = 0; k < HEALTHZ_PER_ROUND && rc == 0; k++)
			rc = do_healthz(t.client);
		t_h += now_s() - t0;
		c_h += cpu_s() - c0;
		n_h += HEALTHZ_PER_ROUND;

		if (r == 0)
			wal_ok = wal_reset(t.db) == 0 && wal_scan(t.db, &wf[0], &wc[0]) == 0;
		t0 = now_s();
		c0 = cpu_s();
		for (long k = 0; k < per_round && rc == 0; k++)
			rc = do_assert(t.client, next++);
		t_a1 += now_s() - t0;
		c_a1 += cpu_s() - c0;
		n_a1 += per_round;
		if (r == 0 && wal_ok)
			wal_ok = wal_scan(t.db, &wf[1], &wc[1]) == 0 && wal_reset(t.db) == 0;

		t0 = now_s();
		c0 = cpu_s();
		if (rc == 0)
			rc = run_clients(w, false, next, per_round);
		t_a8 += now_s() - t0;
		c_a8 += cpu_s() - c0;
		n_a8 += per_round;
		if (r == 0 && wal_ok)
			wal_ok = wal_scan(t.db, &wf[2], &wc[2]) == 0 && wf[1] >= wf[0];

		t0 = now_s();
		if (rc == 0)
			rc = run_clients(w, true, 0, HEALTHZ_PER_ROUND);
		t_h8 += now_s() - t0;
		n_h8 += HEALTHZ_PER_ROUND;

		dt = rc == 0 ? raw_keepalive(t.url, true, 0, HEALTHZ_PER_ROUND) : -1;
		rc = dt < 0 ? -1 : rc;
		t_kh += dt;
		n_kh += HEALTHZ_PER_ROUND;
		dt = rc == 0 ? raw_keepalive(t.url, false, 10000000L + n_ka, per_round) : -1;
		rc = dt < 0 ? -1 : rc;
		t_ka += dt;
		n_ka += per_round;
		next += N_CLIENTS * (per_round / N_CLIENTS + 1);
	}
	for (int k = 0; k < N_CLIENTS; k++)
		stg_client_free(w[k].c);
	tmp_node_stop(&t);
	if (rc != 0)
		return -1;
	{
		double h = (double)n_h / t_h, a1 = (double)n_a1 / t_a1, a8 = (double)n_a8 / t_a8;
		double h8 = (double)n_h8 / t_h8, kh = (double)n_kh / t_kh, ka = (double)n_ka / t_ka;

		printf("asserts: %ld facts per mode, %d alternating rounds, fresh node, defaults\n",
		       n_a1, ROUNDS);
		printf("  GET /healthz, 1 client     %9.0f req/s  (%.3f ms each)\n", h, 1e3 / h);
		printf("  GET /healthz, %d clients    %9.0f req/s  (ratio 8/1 %.2f: transport scaling)\n",
		       N_CLIENTS, h8, h8 / h);
		printf("  assert, 1 client           %9.0f facts/s (%.3f ms each)\n", a1, 1e3 / a1);
		printf("  assert, %d clients          %9.0f facts/s\n", N_CLIENTS, a8);
		printf("  ratio 8 clients / 1 client      %.2f\n", a8 / a1);
		printf("  ratio assert / healthz (1 client) %.2f\n", a1 / h);
		printf("  process CPU (client + node) per request: healthz %.3f ms, assert 1 client"
		       " %.3f ms, 8 clients %.3f ms\n",
		       1e3 * c_h / (double)n_h, 1e3 * c_a1 / (double)n_a1, 1e3 * c_a8 / (double)n_a8);
		printf("  => CPU-bound ceiling on this %ld-CPU machine: %.0f asserts/s\n",
		       sysconf(_SC_NPROCESSORS_ONLN),
		       (double)sysconf(_SC_NPROCESSORS_ONLN) / (c_a8 / (double)n_a8));
		printf("  baseline with one reused connection (raw libcurl keep-alive, 1 client):\n");
		printf("    GET /healthz             %9.0f req/s  (%.3f ms each)\n", kh, 1e3 / kh);
		printf("    POST /v1/facts           %9.0f facts/s (%.3f ms each)\n", ka, 1e3 / ka);
		printf("    ratio stg_client assert / keep-alive assert %.2f\n", a1 / ka);
		if (wal_ok && wc[1] > wc[0] && wc[2] > 0)
			printf("  storage work (first round, WAL frames of 4 KiB): 1 client %.1f frames"
			       " per assert, %.2f asserts per commit; %d clients %.1f frames per"
			       " assert, %.2f asserts per commit\n",
			       (double)(wf[1] - wf[0]) / (double)per_round,
			       (double)per_round / (double)(wc[1] - wc[0]), N_CLIENTS,
			       (double)wf[2] / (double)per_round, (double)per_round / (double)wc[2]);
		else
			printf("  storage work: WAL not readable or checkpointed during the round\n");
		/* The target is the node's rate under concurrent writers; one
		 * client measures a round trip (its rate is 1 / latency). */
		printf("  target >= 5000 asserts/s (node, %d concurrent clients): %s; 1 client"
		       " (one request at a time) %s 5000\n",
		       N_CLIENTS, a8 >= 5000 ? "met" : "NOT met", a1 >= 5000 ? "reaches" : "below");
	}
	return 0;
}

/* ---- part 2: recall ------------------------------------------------------------ */

static int
do_recall(struct stg_client *c, const char *q, double *ms, long long *scored, size_t *returned)
{
	struct stg_recall_params p;
	struct stg_arena a;
	struct stg_recall_response *r = NULL;
	struct stg_error e;
	enum stg_status st;
	double t0;

	memset(&p, 0, sizeof p);
	p.query = q;
	p.scope = RECALL_SCOPE;
	stg_arena_init(&a);
	t0 = now_s();
	st = stg_client_recall(c, &p, &a, &r, NULL, &e);
	*ms = (now_s() - t0) * 1e3;
	if (st == STG_OK && r) {
		*scored = r->has_total_scored ? r->total_scored : -1;
		*returned = r->n_facts;
	}
	stg_arena_done(&a);
	if (st != STG_OK) {
		fprintf(stderr, "bench_node: recall \"%s\": %s %s\n", q, stg_status_name(st), e.detail);
		return -1;
	}
	return 0;
}

static int
timed_healthz(struct stg_client *c, double *ms)
{
	double t0 = now_s();
	int rc = do_healthz(c);

	*ms = (now_s() - t0) * 1e3;
	return rc;
}

static int
bench_recall(long n_facts, long n_timed)
{
	struct tmp_node t;
	double t0, t_load, *rec, *hz, *per_q, cold[N_QUERIES], c_rec = 0;
	long long scored[N_QUERIES];
	size_t returned[N_QUERIES], passes;
	int rc = 0;

	rec = malloc((size_t)n_timed * sizeof *rec);
	hz = malloc((size_t)n_timed * sizeof *hz);
	per_q = malloc((size_t)n_timed * sizeof *per_q);
	if (!rec || !hz || !per_q) {
		free(rec);
		free(hz);
		free(per_q);
		return -1;
	}
	fprintf(stderr, "bench_node: loading %ld generated facts\n", n_facts);
	t0 = now_s();
	rc = tmp_node_start(&t, n_facts);
	t_load = now_s() - t0;
	for (int k = 0; k < 20 && rc == 0; k++)
		rc = do_healthz(t.client);
	fprintf(stderr, "bench_node: recall dataset loaded (%.1f s), querying\n", t_load);
	/* Cold pass: the first recall touching an entity builds its card. */
	for (size_t q = 0; q < N_QUERIES && rc == 0; q++)
		rc = do_recall(t.client, queries[q].q, &cold[q], &scored[q], &returned[q]);
	for (long i = 0; i < n_timed && rc == 0; i++) {
		long long s;
		size_t nr;
		double c0;

		rc = timed_healthz(t.client, &hz[i]);
		c0 = cpu_s();
		if (rc == 0)
			rc = do_recall(t.client, queries[(size_t)i % N_QUERIES].q, &rec[i], &s, &nr);
		c_rec += cpu_s() - c0;
	}
	tmp_node_stop(&t);
	if (rc != 0) {
		free(rec);
		free(hz);
		free(per_q);
		return -1;
	}
	passes = (size_t)n_timed / N_QUERIES;
	printf("recall: %ld generated facts, scope \"%s\", default weights, %zu queries,"
	       " %ld timed requests\n",
	       n_facts, RECALL_SCOPE, N_QUERIES, n_timed);
	printf("  load (--generate, one transaction) %.1f s = %.0f facts/s\n", t_load,
	       (double)n_facts / t_load);
	printf("  %-34s %8s %8s %9s %9s\n", "query", "scored", "returned", "cold ms", "p50 ms");
	for (size_t q = 0; q < N_QUERIES; q++) {
		size_t m = 0;

		for (long i = (long)q; i < n_timed; i += (long)N_QUERIES)
			per_q[m++] = rec[i];
		printf("  %-34s %8lld %8zu %9.1f %9.1f\n", queries[q].q, scored[q], returned[q],
		       cold[q], m ? median_of(per_q, m) : 0.0);
	}
	for (int k = 0; k < Q_NCLASS; k++) {
		size_t m = 0;

		for (long i = 0; i < n_timed; i++)
			if (queries[(size_t)i % N_QUERIES].cls == (enum qclass)k)
				per_q[m++] = rec[i];
		printf("  class %-22s p50 %7.2f ms over %zu requests\n", class_name[k],
		       m ? median_of(per_q, m) : 0.0, m);
	}
	printf("  cold pass (first request of each query) p50 %.2f ms\n",
	       median_of(cold, N_QUERIES));
	qsort(rec, (size_t)n_timed, sizeof *rec, tst_cmp_double);
	qsort(hz, (size_t)n_timed, sizeof *hz, tst_cmp_double);
	{
		double p50 = tst_percentile(rec, (size_t)n_timed, 0.5), p99 = tst_percentile(rec, (size_t)n_timed, 0.99);
		double h50 = tst_percentile(hz, (size_t)n_timed, 0.5);

		printf("  recall ms   p50 %.2f  p99 %.2f  max %.2f  (%zu full passes)\n", p50, p99,
		       rec[n_timed - 1], passes);
		printf("  healthz ms  p50 %.3f  p99 %.3f\n", h50, tst_percentile(hz, (size_t)n_timed, 0.99));
		printf("  process CPU (client + node) per recall, mean %.2f ms\n",
		       1e3 * c_rec / (double)n_timed);
		printf("  ratio recall p50 / healthz p50  %.1f\n", p50 / h50);
		printf("  target recall p50 <= 20 ms at %ld facts: %s\n", n_facts,
		       p50 <= 20.0 ? "met" : "NOT met");
	}
	free(rec);
	free(hz);
	free(per_q);
	return 0;
}

int
main(int argc, char **argv)
{
	bool quick = getenv("BENCH_NODE_QUICK") && strcmp(getenv("BENCH_NODE_QUICK"), "0") != 0;
	long n_facts = quick ? 10000 : 100000;
	long n_timed = (long)N_QUERIES * (quick ? 2 : 5);
	long n_asserts = tst_env_long("BENCH_NODE_ASSERTS", quick ? 1000 : 5000);
	struct stg_error e;
	int rc = 0;

	if (argc > 1)
		n_facts = strtol(argv[1], NULL, 10);
	if (argc > 2)
		n_timed = strtol(argv[2], NULL, 10);
	if (n_facts < 1 || n_timed < 1 || argc > 3) {
		fprintf(stderr, "usage: bench_node [facts] [queries]\n");
		return 2;
	}
	tst_print_load("start");
	if (stg_global_init(&e) != STG_OK) {
		fprintf(stderr, "bench_node: %s\n", e.detail);
		return 1;
	}
	if (bench_asserts(n_asserts) != 0)
		rc = 1;
	if (rc == 0 && bench_recall(n_facts, n_timed) != 0)
		rc = 1;
	stg_global_cleanup();
	tst_print_load("end");
	return rc;
}
