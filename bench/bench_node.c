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
 * stigmem-lite defaults (WAL, synchronous=NORMAL, 4 HTTP threads,
 * checkpoint every 1000 facts). N distinct facts are asserted by one client
 * thread and N others by 8 client threads (each with its own stg_client);
 * both modes and a GET /healthz burst run in alternating rounds so that a
 * load spike on the shared machine hits all three alike. Ratios printed:
 * 8 clients / 1 client, and 1-client asserts/s / 1-client healthz/s (the
 * HTTP round-trip floor of the same node and client).
 *
 * Part 2 (recall): a second node starts with `--generate facts` (the
 * deterministic dataset of src/node/demo.c, loaded through the node's own
 * assert path in one transaction, timed as the load rate). A fixed list of
 * queries of different selectivity runs once untimed-as-steady ("cold":
 * first recall of an entity materialises its memory card), then `queries`
 * timed requests in scope "team" (users and projects: half the dataset)
 * with default weights, each preceded by a timed GET /healthz; printed:
 * recall p50/p99/max and recall p50 / healthz p50. */
#include <dirent.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

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
static const char *const queries[] = {
	/* rare: one entity or one number */
	"user-120", "project-453", "user-771", "1234", "6789", "9001", "user-42",
	"nonexistentword",
	/* relation names */
	"role", "email", "location", "status",
	/* common single words */
	"phoenix", "latency", "roadmap", "budget", "memory", "Zürich", "東京", "the",
	"customer", "deploy",
	/* multi-word */
	"deploy latency", "customer release schema", "phoenix roadmap quarter",
	"trust policy audit", "memory graph recall", "budget risk review deadline",
	"privacy security design feedback", "data pipeline owner",
};
#define N_QUERIES (sizeof queries / sizeof queries[0])

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* Nearest-rank percentile of a sorted array. */
static double
pct(const double *v, size_t n, double p)
{
	size_t k;

	if (n == 0)
		return 0.0;
	k = (size_t)ceil(p * (double)n);
	if (k < 1)
		k = 1;
	if (k > n)
		k = n;
	return v[k - 1];
}

static double
median_of(const double *v, size_t n)
{
	double *t = malloc((n ? n : 1) * sizeof *t), m;

	if (!t)
		return 0.0;
	memcpy(t, v, n * sizeof *t);
	qsort(t, n, sizeof *t, cmp_double);
	m = pct(t, n, 0.5);
	free(t);
	return m;
}

static long
env_long(const char *name, long def)
{
	const char *s = getenv(name);
	char *end;
	long x;

	if (!s || !*s)
		return def;
	x = strtol(s, &end, 10);
	return *end || x <= 0 ? def : x;
}

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

struct worker {
	pthread_t th;
	struct stg_client *c;
	long first, count;
	int rc;
};

static void *
assert_worker(void *arg)
{
	struct worker *w = arg;

	for (long i = 0; i < w->count && w->rc == 0; i++)
		w->rc = do_assert(w->c, w->first + i);
	return NULL;
}

/* ---- part 1: asserts ---------------------------------------------------------- */

static int
bench_asserts(long n_asserts)
{
	struct tmp_node t;
	struct worker w[N_CLIENTS];
	double t_h = 0, t_a1 = 0, t_a8 = 0, t0;
	long n_h = 0, n_a1 = 0, n_a8 = 0, next = 0;
	long per_round = n_asserts / ROUNDS > 0 ? n_asserts / ROUNDS : 1;
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
		for (int k = 0; k < HEALTHZ_PER_ROUND && rc == 0; k++)
			rc = do_healthz(t.client);
		t_h += now_s() - t0;
		n_h += HEALTHZ_PER_ROUND;

		t0 = now_s();
		for (long k = 0; k < per_round && rc == 0; k++)
			rc = do_assert(t.client, next++);
		t_a1 += now_s() - t0;
		n_a1 += per_round;

		t0 = now_s();
		for (int k = 0; k < N_CLIENTS; k++) {
			w[k].first = next + k * (per_round / N_CLIENTS + 1);
			w[k].count = per_round / N_CLIENTS + (k < per_round % N_CLIENTS);
			w[k].rc = 0;
			if (pthread_create(&w[k].th, NULL, assert_worker, &w[k]) != 0) {
				w[k].count = 0;
				w[k].rc = -1;
			}
		}
		for (int k = 0; k < N_CLIENTS; k++) {
			if (w[k].count > 0 || w[k].rc == 0)
				pthread_join(w[k].th, NULL);
			if (w[k].rc != 0)
				rc = -1;
			n_a8 += w[k].count;
		}
		t_a8 += now_s() - t0;
		next += N_CLIENTS * (per_round / N_CLIENTS + 1);
	}
	for (int k = 0; k < N_CLIENTS; k++)
		stg_client_free(w[k].c);
	tmp_node_stop(&t);
	if (rc != 0)
		return -1;
	{
		double h = (double)n_h / t_h, a1 = (double)n_a1 / t_a1, a8 = (double)n_a8 / t_a8;

		printf("asserts: %ld facts per mode, %d alternating rounds, fresh node, defaults\n",
		       n_a1, ROUNDS);
		printf("  GET /healthz, 1 client     %9.0f req/s  (%.3f ms each)\n", h, 1e3 / h);
		printf("  assert, 1 client           %9.0f facts/s (%.3f ms each)\n", a1, 1e3 / a1);
		printf("  assert, %d clients          %9.0f facts/s\n", N_CLIENTS, a8);
		printf("  ratio 8 clients / 1 client      %.2f\n", a8 / a1);
		printf("  ratio assert / healthz (1 client) %.2f\n", a1 / h);
		printf("  target >= 5000 asserts/s: 1 client %s, %d clients %s\n",
		       a1 >= 5000 ? "met" : "NOT met", N_CLIENTS, a8 >= 5000 ? "met" : "NOT met");
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
	double t0, t_load, *rec, *hz, *per_q, cold[N_QUERIES];
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
		rc = do_recall(t.client, queries[q], &cold[q], &scored[q], &returned[q]);
	for (long i = 0; i < n_timed && rc == 0; i++) {
		long long s;
		size_t nr;

		rc = timed_healthz(t.client, &hz[i]);
		if (rc == 0)
			rc = do_recall(t.client, queries[(size_t)i % N_QUERIES], &rec[i], &s, &nr);
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
		printf("  %-34s %8lld %8zu %9.1f %9.1f\n", queries[q], scored[q], returned[q], cold[q],
		       m ? median_of(per_q, m) : 0.0);
	}
	qsort(rec, (size_t)n_timed, sizeof *rec, cmp_double);
	qsort(hz, (size_t)n_timed, sizeof *hz, cmp_double);
	{
		double p50 = pct(rec, (size_t)n_timed, 0.5), p99 = pct(rec, (size_t)n_timed, 0.99);
		double h50 = pct(hz, (size_t)n_timed, 0.5);

		printf("  recall ms   p50 %.2f  p99 %.2f  max %.2f  (%zu full passes)\n", p50, p99,
		       rec[n_timed - 1], passes);
		printf("  healthz ms  p50 %.3f  p99 %.3f\n", h50, pct(hz, (size_t)n_timed, 0.99));
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
	long n_asserts = env_long("BENCH_NODE_ASSERTS", quick ? 1000 : 5000);
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
	if (stg_global_init(&e) != STG_OK) {
		fprintf(stderr, "bench_node: %s\n", e.detail);
		return 1;
	}
	if (bench_asserts(n_asserts) != 0)
		rc = 1;
	if (rc == 0 && bench_recall(n_facts, n_timed) != 0)
		rc = 1;
	stg_global_cleanup();
	return rc;
}
