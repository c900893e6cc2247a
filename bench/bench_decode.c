/* bench_decode.c — decode throughput of a GET /v1/facts page.
 *
 * Builds a 100k-fact page in memory (facts shaped like the reference node's
 * facts-all.json: every value type, nulls, unicode, escapes, warnings,
 * derived_from) and times, best of N runs:
 *   - stg_decode_fact_page()          (the public decoder, single-pass reader),
 *                                      also with STG_DECODE_KEEP_RAW
 *   - the cJSON reference decoder      (parse + copy into the arena)
 *   - cJSON_Parse alone                (tree only, no copy)
 * Prints MB/s (10^6 bytes), facts/s and ratios, including against the
 * Python SDK's ~20 MB/s. Usage: bench_decode [n_facts] [runs] [fast]. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cjson/cJSON.h>

#include "core/codec_internal.h"
#include "stigmem/buf.h"
#include "stigmem/codec.h"

#define PY_SDK_MBPS 20.0
#define TARGET_MBPS 200.0

/* Timing clock: thread CPU time by default, so a loaded machine does not
 * count time spent descheduled; BENCH_WALL=1 in the environment uses the
 * monotonic wall clock instead. */
static double
now_s(void)
{
	const char *w = getenv("BENCH_WALL");
	struct timespec ts;

	clock_gettime(w != NULL && strcmp(w, "1") == 0 ? CLOCK_MONOTONIC : CLOCK_THREAD_CPUTIME_ID,
		      &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Deterministic pseudo-random numbers (xorshift). */
static unsigned long long
rnd(unsigned long long *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

static void
uuid(struct stg_buf *b, unsigned long long *s)
{
	unsigned long long a = rnd(s), c = rnd(s);

	stg_buf_printf(b, "%08llx-%04llx-4%03llx-8%03llx-%012llx", a & 0xffffffffULL,
		       (a >> 32) & 0xffff, (a >> 48) & 0xfff, c & 0xfff, (c >> 12) & 0xffffffffffffULL);
}

static const char *const entities[] = {
	"stigmem://acme.example/user/alice", "stigmem://acme.example/user/bob",
	"stigmem://acme.example/project/phoenix", "stigmem://acme.example/team/platform",
	"stigmem://acme.example/meeting/kickoff-東京", "stigmem://acme.example/doc/roadmap-2026",
	"stigmem://acme.example/agent/planner", "stigmem://acme.example/user/carol-jones",
};
static const char *const relations[] = {
	"memory:name", "memory:role", "project:status", "project:summary", "team:member",
	"meeting:title", "agent:temperature", "doc:review_due", "memory:bio",
};
static const char *const sources[] = { "agent:hr-bot", "agent:crm-sync", "agent:planner",
				       "system:stigmem", "agent:pm-tool" };
static const char *const scopes[] = { "team", "local", "company", "public" };

static void
one_fact(struct stg_buf *b, unsigned long long *s, size_t i)
{
	unsigned k = (unsigned)(rnd(s) % 10);
	bool read = (i % 3) != 0;

	stg_buf_puts(b, "{\"id\":\"");
	uuid(b, s);
	stg_buf_printf(b, "\",\"entity\":\"%s\",\"relation\":\"%s\",\"value\":{",
		       entities[rnd(s) % 8], relations[rnd(s) % 9]);
	switch (k) {
	case 0:
		stg_buf_printf(b, "\"type\":\"string\",\"v\":\"Alice Martin %zu\"", i);
		break;
	case 1:
		stg_buf_puts(b, "\"type\":\"text\",\"v\":\"Phoenix is the 2026 platform rewrite.\\n"
				"Owner: Bob — status green ✅, \\\"launch\\\" planned for Q3; "
				"会議室 3F, café.\"");
		break;
	case 2:
		stg_buf_printf(b, "\"type\":\"number\",\"v\":%s",
			       (i & 1) ? "0.75" : (i & 2) ? "42.0" : "2.5e-7");
		break;
	case 3:
		stg_buf_printf(b, "\"type\":\"boolean\",\"v\":%s", (i & 1) ? "true" : "false");
		break;
	case 4:
		stg_buf_puts(b, "\"type\":\"ref\",\"v\":\"stigmem://acme.example/project/phoenix\"");
		break;
	case 5:
		stg_buf_puts(b, "\"type\":\"datetime\",\"v\":\"2026-12-01T01:00:00+00:00\"");
		break;
	case 6:
		stg_buf_puts(b, "\"type\":\"null\",\"v\":null");
		break;
	case 7:
		stg_buf_puts(b, "\"type\":\"ref\",\"v\":null");
		break;
	default:
		stg_buf_printf(b, "\"type\":\"string\",\"v\":\"Principal engineer, team %u\"",
			       (unsigned)(rnd(s) % 100));
		break;
	}
	stg_buf_puts(b, ",\"interpret_as\":\"content\"},");
	stg_buf_printf(b, "\"source\":\"%s\",\"timestamp\":\"2026-11-21T04:39:42.%06u+00:00\","
			  "\"hlc\":\"17952359822%02u.%u\",\"received_from\":null,",
		       sources[rnd(s) % 5], (unsigned)(rnd(s) % 1000000), (unsigned)(i % 100),
		       (unsigned)(i % 13));
	stg_buf_printf(b, "\"valid_until\":%s,\"confidence\":%s,\"scope\":\"%s\",",
		       (k == 5) ? "\"2027-01-01T00:00:00+00:00\"" : "null",
		       (i % 7 == 0) ? "0.8" : (i % 11 == 0) ? "1e-05" : "1.0", scopes[rnd(s) % 4]);
	stg_buf_puts(b, "\"attested_key_id\":null,\"origin_node_id\":null,"
			"\"origin_allowed_scopes\":null,\"garden_id\":null,\"attested\":null,");
	stg_buf_printf(b, "\"contradicted\":%s,\"warnings\":[],", (i % 5 == 0) ? "true" : "false");
	if (read)
		stg_buf_puts(b, "\"source_trust\":0.22000000000000003,");
	else
		stg_buf_puts(b, "\"source_trust\":null,");
	stg_buf_puts(b, "\"quarantine_status\":null,\"quarantine_garden_id\":null,");
	if (read)
		stg_buf_puts(b, "\"effective_confidence\":0.22000000000000003,");
	else
		stg_buf_puts(b, "\"effective_confidence\":null,");
	if (i % 50 == 0)
		stg_buf_puts(b, "\"sanitizer_warnings\":[\"(?i)ignore (all )?previous instructions\"],");
	else
		stg_buf_puts(b, "\"sanitizer_warnings\":[],");
	stg_buf_printf(b, "\"sanitizer_redacted\":%s,", k == 7 ? "true" : "false");
	if (k == 6)
		stg_buf_puts(b, "\"cid\":null,");
	else
		stg_buf_printf(b, "\"cid\":\"sha256:%016llx%016llx%016llx%016llx\",", rnd(s), rnd(s),
			       rnd(s), rnd(s));
	if (i % 40 == 0) {
		stg_buf_puts(b, "\"derived_from\":[{\"fact_id\":\"");
		uuid(b, s);
		stg_buf_puts(b, "\"},{\"hash\":\"sha256:0000000000000000000000000000000000000000000000000000000000000000\"}]}");
	} else {
		stg_buf_puts(b, "\"derived_from\":[]}");
	}
}

static char *
build_page(size_t n, size_t *len)
{
	struct stg_buf b;
	unsigned long long seed = 0x9e3779b97f4a7c15ULL;
	size_t i;

	stg_buf_init(&b);
	stg_buf_puts(&b, "{\"facts\":[");
	for (i = 0; i < n; i++) {
		if (i)
			stg_buf_putc(&b, ',');
		one_fact(&b, &seed, i);
	}
	stg_buf_printf(&b, "],\"total\":%zu,\"cursor\":null,\"tombstone_notices\":[]}", n);
	if (b.oom) {
		fprintf(stderr, "out of memory building the page\n");
		exit(1);
	}
	*len = b.len;
	return stg_buf_take(&b);
}

typedef enum stg_status (*page_fn)(const char *, size_t, unsigned, struct stg_arena *,
				   struct stg_fact_page **, struct stg_error *);

static double
time_decoder(page_fn fn, unsigned flags, const char *json, size_t len, size_t n, int runs)
{
	double best = 1e30;
	int r;

	for (r = 0; r < runs; r++) {
		struct stg_arena a;
		struct stg_error err;
		struct stg_fact_page *p = NULL;
		double t0, t;

		stg_arena_init(&a);
		t0 = now_s();
		if (fn(json, len, flags, &a, &p, &err) != STG_OK) {
			fprintf(stderr, "decode failed: %s at %s: %s\n", stg_status_name(err.status),
				err.where, err.detail);
			exit(1);
		}
		t = now_s() - t0;
		if (p->n_facts != n) {
			fprintf(stderr, "decoded %zu facts, expected %zu\n", p->n_facts, n);
			exit(1);
		}
		stg_arena_done(&a);
		if (t < best)
			best = t;
	}
	return best;
}

static double
time_cjson_parse(const char *json, size_t len, int runs)
{
	double best = 1e30;
	int r;

	for (r = 0; r < runs; r++) {
		double t0 = now_s(), t;
		cJSON *root = cJSON_ParseWithLength(json, len);

		t = now_s() - t0;
		if (root == NULL) {
			fprintf(stderr, "cJSON_Parse failed\n");
			exit(1);
		}
		cJSON_Delete(root);
		if (t < best)
			best = t;
	}
	return best;
}

int
main(int argc, char **argv)
{
	size_t n = argc > 1 ? (size_t)strtoul(argv[1], NULL, 10) : 100000;
	int runs = argc > 2 ? atoi(argv[2]) : 5;
	size_t len;
	char *json = build_page(n, &len);
	double mb = (double)len / 1e6;
	bool only_fast = argc > 3 && strcmp(argv[3], "fast") == 0; /* for profiling */
	double t_fast = time_decoder(stg_decode_fact_page, 0, json, len, n, runs);
	double t_raw = only_fast ? 1 : time_decoder(stg_decode_fact_page, STG_DECODE_KEEP_RAW, json,
						    len, n, runs);
	double t_cjdec = only_fast ? 1 : time_decoder(stg_codec_fact_page_cjson, 0, json, len, n,
						      runs);
	double t_parse = only_fast ? 1 : time_cjson_parse(json, len, runs);
	double mbps = mb / t_fast;

	printf("bench_decode: %zu facts, %.1f MB page, best of %d runs (%s time)\n", n, mb, runs,
	       getenv("BENCH_WALL") != NULL && strcmp(getenv("BENCH_WALL"), "1") == 0 ? "wall"
										: "thread CPU");
	printf("  stg_decode_fact_page       %8.2f ms  %8.1f MB/s  %10.0f facts/s\n",
	       t_fast * 1e3, mbps, (double)n / t_fast);
	printf("  ... with STG_DECODE_KEEP_RAW %6.2f ms  %8.1f MB/s\n", t_raw * 1e3, mb / t_raw);
	printf("  cJSON parse + copy (ref)   %8.2f ms  %8.1f MB/s  %10.0f facts/s\n",
	       t_cjdec * 1e3, mb / t_cjdec, (double)n / t_cjdec);
	printf("  cJSON_Parse alone          %8.2f ms  %8.1f MB/s\n", t_parse * 1e3, mb / t_parse);
	printf("  ratio vs cJSON_Parse alone %8.2fx\n", t_parse / t_fast);
	printf("  ratio vs Python SDK (~%.0f MB/s) %6.1fx  (target >= %.0f MB/s: %s)\n",
	       PY_SDK_MBPS, mbps / PY_SDK_MBPS, TARGET_MBPS, mbps >= TARGET_MBPS ? "met" : "NOT met");
	free(json);
	return 0;
}
