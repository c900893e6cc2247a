/* test_recall_preview.c — the recall lab's local re-rank preview against
 * stigmem-lite, plus its preset file and exports.
 *
 * Property: for random weight vectors that keep every candidate stage
 * enabled (lexical, graph and recency weights > 0), the preview ranking
 * (stg_score_rerank over a default-weights response) equals the node's own
 * ranking for the new weights, over the candidates present in both; pairs
 * whose node scores are within 1e-6 may come in either order.
 *
 * Known limit (stigmem/score.h): when lexical AND semantic signals are both
 * non-zero on a fact, the 6-dp score cannot tell them apart and the
 * residual is shared between them, so the preview is approximate. The demo
 * node runs with embeddings off (every semantic signal is 0), so the
 * semantic weight can take any value here: it only rescales scores. On a
 * node with embeddings the vectors would have to keep semantic at 0.
 *
 * The node is the demo dataset (lite_options.demo), started in-process. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "../lib/testnode.h"
#include "node/demo.h"
#include "node/lite.h"
#include "stigmem/arena.h"
#include "stigmem/codec.h"
#include "stigmem/score.h"
#include "ui/recall_store.h"

static struct lite_node *g_node;
static int g_port;

static int
setup(void **state)
{
	(void)state;
	struct lite_options o;
	lite_options_init(&o);
	o.demo = true;
	o.checkpoint_interval = LITE_DEMO_CHECKPOINT_INTERVAL;
	g_node = tst_start("recall_preview.db", &o);
	if (g_node == NULL)
		return -1;
	g_port = lite_node_port(g_node);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	lite_node_stop(g_node);
	g_node = NULL;
	return 0;
}

/* POST /v1/recall with these weights (every candidate kept: limit 500 and
 * the largest budget, so packing drops nothing). */
static struct stg_recall_response *
recall(struct stg_arena *a, const char *query, const struct stg_recall_weights *w)
{
	char body[600];
	snprintf(body, sizeof(body),
		 "{\"query\":\"%s\",\"limit\":500,\"token_budget\":200000,\"weights\":{"
		 "\"lexical\":%.2f,\"semantic\":%.2f,\"graph\":%.2f,\"source_trust\":%.2f,"
		 "\"recency\":%.2f}}",
		 query, w->lexical, w->semantic, w->graph, w->source_trust, w->recency);
	struct tst_resp r = tst_post(g_port, "/v1/recall", body);
	assert_int_equal(r.status, 200);
	struct stg_recall_response *out = NULL;
	struct stg_error err;
	stg_error_clear(&err);
	assert_int_equal(stg_decode_recall_response(r.body.data, r.body.len, 0, a, &out, &err), STG_OK);
	tst_resp_free(&r);
	assert_non_null(out);
	return out;
}

/* xorshift64*: deterministic vectors on every run. */
static uint64_t
rnd(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * UINT64_C(2685821657736338717);
}

/* A weight in [lo, 1] with 2 decimals. */
static double
rweight(uint64_t *s, double lo)
{
	int lo100 = (int)lround(lo * 100);
	return (lo100 + (int)(rnd(s) % (uint64_t)(101 - lo100))) / 100.0;
}

static const char *
sid(const struct stg_scored_fact *sf)
{
	return sf->fact.id ? sf->fact.id : "";
}

/* Compare one preview with one node run; returns the number of candidates
 * compared. */
static size_t
compare(const char *query, const struct stg_recall_response *base,
	const struct stg_recall_weights *w0, const struct stg_recall_weights *w1,
	const struct stg_recall_response *node)
{
	size_t n = base->n_facts;
	struct stg_rerank_entry *ent = calloc(n + 1, sizeof(*ent));
	double *node_score = calloc(n + 1, sizeof(*node_score));
	bool *common = calloc(n + 1, sizeof(*common));
	assert_non_null(ent);
	assert_non_null(node_score);
	assert_non_null(common);
	unsigned notes = stg_score_rerank(base->facts, n, w0, w1,
					  base->has_total_scored ? base->total_scored : -1,
					  base->truncated, ent);
	/* Every stage stays on: no note may say the preview is inexact. */
	assert_int_equal(notes & (STG_RERANK_LEXICAL_OFF | STG_RERANK_LEXICAL_ON |
				  STG_RERANK_GRAPH_OFF | STG_RERANK_GRAPH_ON),
			 0);
	size_t n_common = 0;
	for (size_t k = 0; k < n; k++) {
		const struct stg_scored_fact *bf = &base->facts[ent[k].index];
		for (size_t j = 0; j < node->n_facts; j++) {
			if (strcmp(sid(&node->facts[j]), sid(bf)) == 0) {
				common[k] = true;
				node_score[k] = node->facts[j].score;
				n_common++;
				/* The preview score is the node's to about 1e-5. */
				if (fabs(ent[k].new_score - node_score[k]) > 2e-5)
					fail_msg("%s: %s preview %.6f node %.6f (w %.2f,%.2f,%.2f,%.2f,%.2f)",
						 query, sid(bf), ent[k].new_score, node_score[k], w1->lexical,
						 w1->semantic, w1->graph, w1->source_trust, w1->recency);
				break;
			}
		}
	}
	/* Order: a before b in the preview means the node did not rank b
	 * strictly higher (beyond a 1e-6 tie). */
	for (size_t a = 0; a < n; a++) {
		if (!common[a])
			continue;
		for (size_t b = a + 1; b < n; b++) {
			if (common[b] && node_score[b] > node_score[a] + 1e-6)
				fail_msg("%s: preview ranks %s (node %.6f) above %s (node %.6f)", query,
					 sid(&base->facts[ent[a].index]), node_score[a],
					 sid(&base->facts[ent[b].index]), node_score[b]);
		}
	}
	free(ent);
	free(node_score);
	free(common);
	return n_common;
}

static void
test_preview_matches_node(void **state)
{
	(void)state;
	static const char *const queries[] = {"team", "database", "project"};
	struct stg_recall_weights w0 = stg_recall_weights_default();
	uint64_t seed = UINT64_C(0x5EED0F5C0FE5);
	size_t total = 0, runs = 0;
	for (size_t q = 0; q < sizeof(queries) / sizeof(queries[0]); q++) {
		struct stg_arena a;
		stg_arena_init(&a);
		const struct stg_recall_response *base = recall(&a, queries[q], &w0);
		/* The demo dataset answers these with non-card facts at hop 0
		 * and hop > 0: the property is not vacuous. */
		size_t direct = 0, graph = 0;
		for (size_t i = 0; i < base->n_facts; i++) {
			if (base->facts[i].from_card)
				continue;
			if (base->facts[i].hop_distance == 0)
				direct++;
			else
				graph++;
		}
		assert_true(direct >= 3);
		if (strcmp(queries[q], "database") == 0)
			assert_true(graph >= 1);
		for (int v = 0; v < 12; v++) {
			struct stg_recall_weights w1;
			w1.lexical = rweight(&seed, 0.05);
			w1.semantic = rnd(&seed) % 2 ? rweight(&seed, 0.0) : 0.0;
			w1.graph = rweight(&seed, 0.05);
			w1.source_trust = rweight(&seed, 0.0);
			w1.recency = rweight(&seed, 0.05);
			struct stg_arena a1;
			stg_arena_init(&a1);
			const struct stg_recall_response *node = recall(&a1, queries[q], &w1);
			size_t c = compare(queries[q], base, &w0, &w1, node);
			/* Most candidates survive a weight change. */
			assert_true(c * 2 >= base->n_facts);
			total += c;
			runs++;
			stg_arena_done(&a1);
		}
		stg_arena_done(&a);
	}
	assert_int_equal(runs, 36);
	assert_true(total > 200);
}

/* Equal weights: the preview is the node's answer, order and scores. */
static void
test_preview_identity(void **state)
{
	(void)state;
	struct stg_recall_weights w0 = stg_recall_weights_default();
	struct stg_arena a;
	stg_arena_init(&a);
	const struct stg_recall_response *base = recall(&a, "team", &w0);
	assert_true(base->n_facts > 10);
	struct stg_rerank_entry *ent = calloc(base->n_facts, sizeof(*ent));
	assert_non_null(ent);
	unsigned notes = stg_score_rerank(base->facts, base->n_facts, &w0, &w0, base->total_scored,
					  base->truncated, ent);
	assert_int_equal(notes & ~(unsigned)STG_RERANK_FACTOR_GUESSED, 0);
	for (size_t k = 0; k < base->n_facts; k++) {
		assert_int_equal(ent[k].index, k);
		assert_int_equal(ent[k].new_rank, k + 1);
		assert_true(fabs(ent[k].new_score - base->facts[k].score) < 1e-9);
	}
	free(ent);
	stg_arena_done(&a);
}

/* Lexical weight 0 removes the lexical stage on the node: the preview says
 * it cannot be exact, and the node indeed answers with other candidates. */
static void
test_preview_stage_off(void **state)
{
	(void)state;
	struct stg_recall_weights w0 = stg_recall_weights_default(), w1 = w0;
	w1.lexical = 0.0;
	struct stg_arena a;
	stg_arena_init(&a);
	const struct stg_recall_response *base = recall(&a, "database", &w0);
	const struct stg_recall_response *node = recall(&a, "database", &w1);
	struct stg_rerank_entry *ent = calloc(base->n_facts, sizeof(*ent));
	assert_non_null(ent);
	unsigned notes = stg_score_rerank(base->facts, base->n_facts, &w0, &w1, base->total_scored,
					  base->truncated, ent);
	assert_true(notes & STG_RERANK_LEXICAL_OFF);
	assert_true(stg_score_rerank_note_text(notes)[0] != '\0');
	assert_true(node->n_facts < base->n_facts);
	free(ent);
	/* source_trust alone: no effect, and said so. */
	w1 = w0;
	w1.source_trust = 0.9;
	ent = calloc(base->n_facts, sizeof(*ent));
	assert_non_null(ent);
	notes = stg_score_rerank(base->facts, base->n_facts, &w0, &w1, base->total_scored,
				 base->truncated, ent);
	assert_true(notes & STG_RERANK_SOURCE_TRUST_NOOP);
	for (size_t k = 0; k < base->n_facts; k++)
		assert_int_equal(ent[k].index, k);
	free(ent);
	stg_arena_done(&a);
}

/* ---- presets and exports ---------------------------------------------------- */

static void
test_presets_roundtrip(void **state)
{
	(void)state;
	char dir[] = "presets-XXXXXX";
	assert_non_null(mkdtemp(dir));
	char path[256], msg[300];
	snprintf(path, sizeof(path), "%s/sub/stigmem-tui/presets", dir);
	struct stg_recall_weights w = {0.5, 0.0, 0.25, 0.1, 0.15}, got;
	assert_false(recall_presets_get(path, "lexheavy", &got));
	assert_int_equal(recall_presets_save(path, "lexheavy", &w, msg, sizeof(msg)), 0);
	w.graph = 0.6;
	assert_int_equal(recall_presets_save(path, "graphy", &w, msg, sizeof(msg)), 0);
	w.lexical = 0.05;
	assert_int_equal(recall_presets_save(path, "lexheavy", &w, msg, sizeof(msg)), 0);
	struct recall_preset ps[8];
	assert_int_equal(recall_presets_load(path, ps, 8), 2);
	assert_string_equal(ps[0].name, "lexheavy");
	assert_true(fabs(ps[0].w.lexical - 0.05) < 1e-12);
	assert_true(fabs(ps[0].w.graph - 0.6) < 1e-12);
	assert_string_equal(ps[1].name, "graphy");
	assert_true(fabs(ps[1].w.lexical - 0.5) < 1e-12);
	assert_true(recall_presets_get(path, "graphy", &got));
	assert_true(fabs(got.recency - 0.15) < 1e-12);
	/* Bad names and weights are refused; no temp file is left behind. */
	assert_int_equal(recall_presets_save(path, "a b", &w, msg, sizeof(msg)), -1);
	w.recency = 1.5;
	assert_int_equal(recall_presets_save(path, "x", &w, msg, sizeof(msg)), -1);
	char tmp[300];
	snprintf(tmp, sizeof(tmp), "%s.tmp.%ld", path, (long)getpid());
	assert_int_not_equal(access(tmp, F_OK), 0);
	struct stat st;
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 077, 0);
	assert_int_equal(unlink(path), 0);
	char d2[256];
	snprintf(d2, sizeof(d2), "%s/sub/stigmem-tui", dir);
	assert_int_equal(rmdir(d2), 0);
	snprintf(d2, sizeof(d2), "%s/sub", dir);
	assert_int_equal(rmdir(d2), 0);
	assert_int_equal(rmdir(dir), 0);
	/* The path comes from XDG_CONFIG_HOME. */
	setenv("XDG_CONFIG_HOME", "/cfg", 1);
	assert_true(recall_presets_path(path, sizeof(path)));
	assert_string_equal(path, "/cfg/stigmem-tui/presets");
	unsetenv("XDG_CONFIG_HOME");
	setenv("HOME", "/home/u", 1);
	assert_true(recall_presets_path(path, sizeof(path)));
	assert_string_equal(path, "/home/u/.config/stigmem-tui/presets");
}

static void
test_export_curl_python(void **state)
{
	(void)state;
	struct stg_recall_params p = {0};
	p.query = "it's a \"test\"";
	p.scope = "team";
	p.token_budget = 1500;
	p.depth = 3;
	p.has_weights = true;
	p.weights = (struct stg_recall_weights){0.4, 0.0, 0.3, 0.1, 0.2};
	p.has_min_confidence = true;
	p.min_confidence = 0.25;
	p.include_neighbors = STG_OPT_FALSE;
	p.limit = 50;
	p.verify_full = true;
	setenv("STIGMEM_API_KEY", "sk-secret-should-not-appear", 1);
	struct stg_buf b;
	stg_buf_init(&b);
	assert_true(recall_export_curl(&p, "http://127.0.0.1:8765/", &b));
	assert_non_null(strstr(b.data, "curl -sS -X POST 'http://127.0.0.1:8765/v1/recall'"));
	assert_non_null(strstr(b.data, "Authorization: Bearer $STIGMEM_API_KEY"));
	assert_non_null(strstr(b.data, "Stigmem-Verify: full"));
	/* The single quote of the query is shell-escaped inside the body. */
	assert_non_null(strstr(b.data, "\"query\":\"it'\\''s a \\\"test\\\"\""));
	assert_non_null(strstr(b.data, "\"token_budget\":1500"));
	assert_non_null(strstr(b.data, "\"include_neighbors\":false"));
	assert_null(strstr(b.data, "sk-secret"));
	stg_buf_reset(&b);
	assert_true(recall_export_python(&p, "http://127.0.0.1:8765", &b));
	assert_non_null(strstr(b.data, "client = StigmemClient(\"http://127.0.0.1:8765\", "
				       "api_key=os.environ.get(\"STIGMEM_API_KEY\"))"));
	assert_non_null(strstr(b.data, "query=\"it's a \\\"test\\\"\","));
	assert_non_null(strstr(b.data, "scope=\"team\","));
	assert_non_null(strstr(b.data, "token_budget=1500,"));
	assert_non_null(strstr(b.data, "depth=3,"));
	assert_non_null(strstr(b.data, "\"graph\": 0.3,"));
	assert_non_null(strstr(b.data, "include_neighbors=False,"));
	assert_non_null(strstr(b.data, "limit=50,"));
	assert_null(strstr(b.data, "sk-secret"));
	stg_buf_done(&b);
	unsetenv("STIGMEM_API_KEY");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_preview_matches_node),
		cmocka_unit_test(test_preview_identity),
		cmocka_unit_test(test_preview_stage_off),
		cmocka_unit_test(test_presets_roundtrip),
		cmocka_unit_test(test_export_curl_python),
	};
	return cmocka_run_group_tests_name("recall_preview", tests, setup, teardown);
}
