/* test_score.c — recall scoring arithmetic against the reference-node
 * recordings, Python rounding, the local re-rank preview, rank agreement
 * figures and the local embedding. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>
#include <cmocka.h>

#include "stigmem/embed.h"
#include "stigmem/score.h"

#include "../lib/testdata.h"

/* ---- fixture loading --------------------------------------------------- */

struct rec {
	cJSON *root;             /* whole recording; strings below point into it */
	struct stg_recall_weights w;
	long long token_budget;
	long long tokens_used;
	long long total_scored;
	bool truncated;
	struct stg_scored_fact *facts;
	size_t n;
};

static void
fill_value(const cJSON *jv, struct stg_value *v)
{
	const cJSON *vv = cJSON_GetObjectItemCaseSensitive(jv, "v");

	memset(v, 0, sizeof *v);
	v->type_name = tst_str(jv, "type");
	v->type = stg_value_type_parse(v->type_name);
	if (!vv || cJSON_IsNull(vv)) {
		v->is_null = true;
	} else if (cJSON_IsString(vv)) {
		v->str = vv->valuestring;
		v->str_len = strlen(vv->valuestring);
	} else if (cJSON_IsNumber(vv)) {
		v->num = vv->valuedouble;
	} else if (cJSON_IsBool(vv)) {
		v->boolean = cJSON_IsTrue(vv);
	}
}

static void
load_rec(const char *name, struct rec *r)
{
	const cJSON *req, *w, *body, *facts, *sf;
	size_t i = 0;

	memset(r, 0, sizeof *r);
	r->root = tst_fixture(name);
	assert_non_null(r->root);
	assert_int_equal((int)tst_jnum(r->root, "status"), 200);
	req = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(r->root, "request"),
					       "body");
	r->w = stg_recall_weights_default();
	w = cJSON_GetObjectItemCaseSensitive(req, "weights");
	if (w) {
		r->w.lexical = tst_jnum(w, "lexical");
		r->w.semantic = tst_jnum(w, "semantic");
		r->w.graph = tst_jnum(w, "graph");
		r->w.source_trust = tst_jnum(w, "source_trust");
		r->w.recency = tst_jnum(w, "recency");
	}
	body = cJSON_GetObjectItemCaseSensitive(r->root, "body");
	r->token_budget = (long long)tst_jnum(body, "token_budget");
	r->tokens_used = (long long)tst_jnum(body, "tokens_used");
	r->truncated = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(body, "truncated"));
	r->total_scored = (long long)tst_jnum(body, "total_scored");
	facts = cJSON_GetObjectItemCaseSensitive(body, "facts");
	r->n = (size_t)cJSON_GetArraySize(facts);
	r->facts = calloc(r->n ? r->n : 1, sizeof *r->facts);
	assert_non_null(r->facts);
	cJSON_ArrayForEach(sf, facts)
	{
		struct stg_scored_fact *o = &r->facts[i++];
		const cJSON *f = cJSON_GetObjectItemCaseSensitive(sf, "fact");
		const cJSON *bd = cJSON_GetObjectItemCaseSensitive(sf, "score_breakdown");

		o->fact.id = tst_str(f, "id");
		o->fact.entity = tst_str(f, "entity");
		o->fact.relation = tst_str(f, "relation");
		o->fact.source = tst_str(f, "source");
		o->fact.timestamp = tst_str(f, "timestamp");
		o->fact.confidence = tst_jnum(f, "confidence");
		fill_value(cJSON_GetObjectItemCaseSensitive(f, "value"), &o->fact.value);
		o->score = tst_jnum(sf, "score");
		o->breakdown.lexical = tst_jnum(bd, "lexical");
		o->breakdown.semantic = tst_jnum(bd, "semantic");
		o->breakdown.graph = tst_jnum(bd, "graph");
		o->breakdown.source_trust = tst_jnum(bd, "source_trust");
		o->breakdown.recency = tst_jnum(bd, "recency");
		o->breakdown.weighted_total = tst_jnum(bd, "weighted_total");
		o->hop_distance = (int)tst_jnum(sf, "hop_distance");
		o->token_estimate = (long long)tst_jnum(sf, "token_estimate");
		o->from_card = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(sf, "from_card"));
	}
}

static void
free_rec(struct rec *r)
{
	cJSON_Delete(r->root);
	free(r->facts);
}

static const char *const recall_files[] = {
	"recall-adversarial-card.json", "recall-company.json", "recall-defaults.json",
	"recall-depth-1.json", "recall-legacy-format.json", "recall-no-neighbors.json",
	"recall-team.json", "recall-truncated.json", "recall-verify-full.json",
	"recall-verify-full-checkpoint-lagging.json", "recall-verify-full-empty-chain.json",
	"recall-weights-lexical-only.json",
};
#define N_RECALL_FILES (sizeof recall_files / sizeof recall_files[0])

/* ---- Python round() ---------------------------------------------------- */

static void
test_pyround(void **state)
{
	/* Expected values printed by CPython's round(x, n). */
	static const struct {
		double x;
		int n;
		double want;
	} cases[] = {
		{0.125, 2, 0.12},           {0.375, 2, 0.38},        {2.675, 2, 2.67},
		{0.5, 0, 0.0},              {1.5, 0, 2.0},           {2.5, 0, 2.0},
		{0.0078125, 6, 0.007812},   {0.0234375, 6, 0.023438}, {-0.0078125, 6, -0.007812},
		{1.0000005, 6, 1.000001},   {0.1111115, 6, 0.111112}, {5e-05, 4, 0.0001},
		{0.00015, 4, 0.0001},       {0.33333333, 4, 0.3333},  {1.0 / 3.0, 4, 0.3333},
		{0.611111111, 6, 0.611111}, {123456789.1234565, 6, 123456789.123456},
		{1e17, 6, 1e17},            {2.5, 17, 2.5},
	};
	size_t i;
	double r;

	(void)state;
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		r = stg_score_pyround(cases[i].x, cases[i].n);
		if (r != cases[i].want)
			fail_msg("round(%.17g, %d) = %.17g, want %.17g", cases[i].x, cases[i].n, r,
				 cases[i].want);
	}
	/* Signed zeros like Python: round(-0.5) == -0.0, round(-1e-9, 6) == -0.0. */
	r = stg_score_pyround(-0.5, 0);
	assert_true(r == 0.0 && signbit(r));
	r = stg_score_pyround(-1e-9, 6);
	assert_true(r == 0.0 && signbit(r));
	r = stg_score_pyround(1e-9, 6);
	assert_true(r == 0.0 && !signbit(r));
	assert_true(isnan(stg_score_pyround(NAN, 6)));
	assert_true(isinf(stg_score_pyround(INFINITY, 4)));
	/* (0.35 + 0.15 + 0.05) / 0.9 -> 0.611111 (the §5.4 example). */
	assert_true(stg_score_pyround((0.35 + 0.15 + 0.05) / 0.9, 6) == 0.611111);
}

/* Fast path against the exact printf path over many values. */
static void
test_pyround_agrees_with_printf(void **state)
{
	uint64_t s = 12345;
	int i, nd;

	(void)state;
	for (i = 0; i < 200000; i++) {
		double x, want, got;
		char buf[64];

		s = s * 6364136223846793005ULL + 1442695040888963407ULL;
		x = (double)(s >> 11) / 9007199254740992.0; /* [0,1) */
		if (i % 3 == 0)
			x = floor(x * 1e7) / 1e7 + 5e-8; /* near 6/7-digit boundaries */
		if (i % 5 == 0)
			x = -x;
		nd = (i & 1) ? 6 : 4;
		snprintf(buf, sizeof buf, "%.*f", nd, x);
		want = strtod(buf, NULL);
		got = stg_score_pyround(x, nd);
		if (memcmp(&want, &got, sizeof want) != 0)
			fail_msg("x=%.17g nd=%d got %.17g want %.17g", x, nd, got, want);
	}
}

/* ---- signals, time ----------------------------------------------------- */

static void
test_signals(void **state)
{
	(void)state;
	assert_true(stg_score_graph_signal(0) == 1.0);
	assert_true(stg_score_graph_signal(1) == 0.5);
	assert_true(stg_score_pyround(stg_score_graph_signal(2), 4) == 0.3333);
	assert_true(stg_score_graph_signal(3) == 0.25);
	assert_true(stg_score_recency(0) == 1.0);
	assert_true(stg_score_recency(-3) == 1.0);
	assert_true(stg_score_pyround(stg_score_recency(364), 4) == 0.0027);
	assert_true(stg_score_recency(365) == 0.0);
	assert_true(stg_score_recency(1000) == 0.0);
	{
		struct stg_recall_weights w = stg_recall_weights_default();
		struct stg_recall_weights z = {0, 0, 0, 0.7, 0};

		assert_true(w.lexical == 0.35 && w.semantic == 0.35 && w.graph == 0.15 &&
			    w.source_trust == 0.10 && w.recency == 0.05);
		assert_true(fabs(stg_score_weight_sum(&w) - 0.9) < 1e-15);
		assert_true(stg_score_weight_sum(&z) == 1.0); /* source_trust excluded, 0 -> 1 */
	}
}

static void
test_parse_time(void **state)
{
	int64_t us;
	long long d;

	(void)state;
	assert_true(stg_score_parse_time("2026-11-21T04:39:42.204835+00:00", &us));
	assert_true(us == INT64_C(1795235982204835));
	assert_true(stg_score_parse_time("1969-12-31T23:59:59.5+00:00", &us));
	assert_true(us == INT64_C(-500000));
	assert_true(stg_score_parse_time("2024-02-29T12:00:00+05:30", &us));
	assert_true(us == INT64_C(1709188200) * 1000000);
	assert_true(stg_score_parse_time("2024-02-29T06:30:00Z", &us));
	assert_true(us == INT64_C(1709188200) * 1000000);
	assert_false(stg_score_parse_time("2023-02-29T00:00:00+00:00", &us));
	assert_false(stg_score_parse_time("2026-11-21T04:39:42.+00:00", &us));
	assert_false(stg_score_parse_time("2026-11-21T24:00:00+00:00", &us));
	assert_false(stg_score_parse_time("2026-11-21", &us));
	assert_false(stg_score_parse_time("2026-11-21T04:39:42+00:00x", &us));
	assert_false(stg_score_parse_time(NULL, &us));

	/* timedelta.days semantics (values printed by Python). */
	assert_true(stg_score_parse_time("2026-11-21T04:39:41.999999+00:00", &us));
	assert_true(stg_score_whole_days("2025-11-21T04:39:42+00:00", us, &d));
	assert_true(d == 364);
	assert_true(stg_score_parse_time("2025-11-21T04:39:42+00:00", &us));
	assert_true(stg_score_whole_days("2026-11-21T04:39:41.999999+00:00", us, &d));
	assert_true(d == -365);
	assert_false(stg_score_whole_days("yesterday", us, &d));
	assert_true(stg_score_recency_at("2025-11-21T04:39:42+00:00", us) == 1.0);
}

/* ---- the formula against every recorded scored fact -------------------- */

static void
test_formula_recordings(void **state)
{
	size_t fi, i, checked = 0, exact = 0, cards = 0;

	(void)state;
	for (fi = 0; fi < N_RECALL_FILES; fi++) {
		struct rec r;

		load_rec(recall_files[fi], &r);
		for (i = 0; i < r.n; i++) {
			const struct stg_scored_fact *sf = &r.facts[i];
			struct stg_score_breakdown bd;
			struct stg_score_signals s;
			double got, W;

			assert_true(sf->breakdown.weighted_total == sf->score);
			if (sf->from_card) {
				got = stg_score_card(sf->fact.confidence, &bd);
				assert_true(got == sf->score);
				assert_memory_equal(&bd, &sf->breakdown, sizeof bd);
				assert_int_equal(sf->hop_distance, 0);
				cards++;
				checked++;
				continue;
			}
			/* graph and recency are exact functions of hop and days. */
			assert_true(stg_score_pyround(stg_score_graph_signal(sf->hop_distance), 4) ==
				    sf->breakdown.graph);
			assert_true(sf->breakdown.recency == stg_score_recency(0));
			assert_true(sf->breakdown.source_trust == 0.0);
			s.lexical = sf->breakdown.lexical;
			s.semantic = sf->breakdown.semantic;
			s.graph = stg_score_graph_signal(sf->hop_distance);
			s.recency = sf->breakdown.recency;
			W = stg_score_weight_sum(&r.w);
			if (s.lexical != 0.0 && s.lexical != 1.0) {
				/* The breakdown shows lexical to 4 dp; the score used the
				 * full value. Recover it from the score and check it
				 * rounds to the recorded 4-dp value. */
				double solved = (sf->score / sf->fact.confidence * W -
						 r.w.semantic * s.semantic - r.w.graph * s.graph -
						 r.w.recency * s.recency) / r.w.lexical;

				/* 6-dp rounding of the score leaves the solved value
				 * uncertain by 5e-7*W/(conf*w_lexical). */
				assert_true(fabs(solved - s.lexical) <=
					    5e-5 + 5e-7 * W / (sf->fact.confidence * r.w.lexical) + 1e-12);
				/* Rounded signals still land within what 4-dp
				 * rounding can move the score. */
				got = stg_score_base(&r.w, &s) * sf->fact.confidence;
				assert_true(fabs(got - sf->score) <=
					    r.w.lexical * 5e-5 / W * sf->fact.confidence + 5e-7);
				s.lexical = solved;
			} else {
				exact++;
			}
			got = stg_score_compute(&r.w, &s, sf->fact.confidence, &bd);
			if (fabs(got - sf->score) > 1e-6)
				fail_msg("%s fact %zu: recomputed %.9f, recorded %.9f", recall_files[fi],
					 i, got, sf->score);
			assert_true(bd.graph == sf->breakdown.graph);
			assert_true(bd.recency == sf->breakdown.recency);
			assert_true(bd.semantic == sf->breakdown.semantic);
			assert_true(bd.weighted_total == got);
			checked++;
		}
		free_rec(&r);
	}
	/* 1+5+1+16+25+1+25+2+25+27+0+13 scored facts in the recordings. */
	assert_int_equal(checked, 141);
	assert_true(cards >= 8);
	assert_true(exact >= 60);
}

static void
test_token_estimate_recordings(void **state)
{
	size_t fi, i, checked = 0;

	(void)state;
	for (fi = 0; fi < N_RECALL_FILES; fi++) {
		struct rec r;
		long long sum = 0;

		load_rec(recall_files[fi], &r);
		for (i = 0; i < r.n; i++) {
			const struct stg_fact *f = &r.facts[i].fact;
			long long t = stg_score_token_estimate(f->entity, f->relation, &f->value,
							       f->source);

			if (t != r.facts[i].token_estimate)
				fail_msg("%s fact %zu (%s): estimate %lld, recorded %lld",
					 recall_files[fi], i, f->relation, t,
					 r.facts[i].token_estimate);
			sum += t;
			checked++;
		}
		assert_true(sum == r.tokens_used);
		free_rec(&r);
	}
	assert_int_equal(checked, 141);
}

static void
test_token_estimate_values(void **state)
{
	struct stg_value v;
	struct stg_buf b;

	(void)state;
	/* "e r  s" = 6 code points -> 1; value text adds code points. */
	v = stg_value_boolean(false);
	assert_int_equal(stg_score_token_estimate("e", "r", &v, "s"), 1);
	v = stg_value_boolean(true); /* "True" */
	assert_int_equal(stg_score_token_estimate("e", "r", &v, "s"), 2);
	v = stg_value_number(0.0);
	assert_int_equal(stg_score_token_estimate("ab", "cd", &v, "ef"), 2);
	v = stg_value_number(42.0); /* "42.0": 9 + 4 = 13 -> 3 */
	assert_int_equal(stg_score_token_estimate("ab", "cd", &v, "ef"), 3);
	v = stg_value_string("東京東京"); /* 4 code points, 12 bytes */
	assert_int_equal(stg_score_token_estimate("ab", "cd", &v, "ef"), 3);
	v = stg_value_null();
	assert_int_equal(stg_score_token_estimate("", "", &v, ""), 1);

	stg_buf_init(&b);
	v = stg_value_number(2.5e-07);
	assert_true(stg_score_value_text(&v, &b));
	v = stg_value_boolean(true);
	assert_true(stg_score_value_text(&v, &b));
	v = stg_value_number(7.0);
	assert_true(stg_score_value_text(&v, &b));
	assert_string_equal(b.data, "2.5e-07True7.0");
	stg_buf_done(&b);
	assert_int_equal(stg_score_codepoints("Fénix 🔥", strlen("Fénix 🔥")), 7);
}

/* ---- packing ----------------------------------------------------------- */

static void
test_packing_reproduces_truncated(void **state)
{
	struct rec team, trunc;
	long long *tok, used;
	double *scores;
	size_t *order, i, kept, k = 0;
	bool *sel, t;

	(void)state;
	/* recall-truncated.json is recall-team.json's query with budget 40;
	 * team's 25 facts are every candidate (total_scored 25, nothing
	 * skipped), so packing them under 40 must give truncated's selection. */
	load_rec("recall-team.json", &team);
	load_rec("recall-truncated.json", &trunc);
	assert_int_equal(team.n, 25);
	assert_int_equal(team.total_scored, 25);
	assert_int_equal(trunc.total_scored, 25);
	tok = calloc(team.n, sizeof *tok);
	scores = calloc(team.n, sizeof *scores);
	order = calloc(team.n, sizeof *order);
	sel = calloc(team.n, sizeof *sel);
	assert_true(tok && scores && order && sel);
	for (i = 0; i < team.n; i++)
		scores[i] = team.facts[i].score;
	assert_true(stg_score_order(scores, team.n, order));
	for (i = 0; i < team.n; i++) {
		assert_int_equal(order[i], i); /* the node's output is score-sorted */
		tok[i] = team.facts[order[i]].token_estimate;
	}
	kept = stg_score_pack(tok, team.n, 4000, sel, &used, &t);
	assert_int_equal(kept, 25);
	assert_true(used == team.tokens_used && !t);

	kept = stg_score_pack(tok, team.n, trunc.token_budget, sel, &used, &t);
	assert_int_equal(kept, trunc.n);
	assert_true(used == trunc.tokens_used);
	assert_true(t == trunc.truncated && t);
	for (i = 0; i < team.n; i++) {
		if (!sel[i])
			continue;
		assert_string_equal(team.facts[order[i]].fact.id, trunc.facts[k].fact.id);
		k++;
	}
	assert_int_equal(k, 2);
	/* The first candidate (card, 106 tokens) was skipped, later ones kept. */
	assert_false(sel[0]);
	free(tok);
	free(scores);
	free(order);
	free(sel);
	free_rec(&team);
	free_rec(&trunc);
}

static void
test_order_stable(void **state)
{
	double s[6] = {0.5, 0.7, 0.5, NAN, 0.7, 0.1};
	size_t o[6];
	const size_t want[6] = {1, 4, 0, 2, 5, 3};
	long long tok[4] = {5, 10, 3, 1};
	bool sel[4];
	long long used;
	bool tr;

	(void)state;
	assert_true(stg_score_order(s, 6, o));
	assert_memory_equal(o, want, sizeof want);
	assert_int_equal(stg_score_pack(tok, 4, 9, sel, &used, &tr), 3);
	assert_true(sel[0] && !sel[1] && sel[2] && sel[3] && used == 9 && tr);
	assert_int_equal(stg_score_pack(tok, 4, 19, NULL, NULL, NULL), 4);
}

/* ---- re-rank ----------------------------------------------------------- */

static void
test_rerank_identity(void **state)
{
	size_t fi, i;

	(void)state;
	for (fi = 0; fi < N_RECALL_FILES; fi++) {
		struct rec r;
		struct stg_rerank_entry *e;
		unsigned notes;

		load_rec(recall_files[fi], &r);
		e = calloc(r.n ? r.n : 1, sizeof *e);
		assert_non_null(e);
		notes = stg_score_rerank(r.facts, r.n, &r.w, &r.w, r.total_scored, r.truncated, e);
		assert_int_equal(notes & ~(unsigned)STG_RERANK_TRUNCATED, 0);
		assert_int_equal(!!(notes & STG_RERANK_TRUNCATED), r.truncated);
		for (i = 0; i < r.n; i++) {
			assert_int_equal(e[i].index, i);
			assert_int_equal(e[i].new_rank, i + 1);
			if (e[i].new_score != r.facts[i].score)
				fail_msg("%s[%zu]: %.17g != %.17g", recall_files[fi], i, e[i].new_score,
					 r.facts[i].score);
			assert_false(e[i].likely_absent);
			if (!e[i].from_card)
				assert_true(fabs(e[i].factor - r.facts[i].fact.confidence) < 1e-12);
		}
		free(e);
		free_rec(&r);
	}
}

/* Preview of team (default weights) under lexical-only weights against
 * what the node answered for exactly that request. */
static void
test_rerank_matches_node_lexical_only(void **state)
{
	struct rec team, lex;
	struct stg_rerank_entry *e;
	unsigned notes;
	size_t i, j, present = 0, rank = 0;

	(void)state;
	load_rec("recall-team.json", &team);
	load_rec("recall-weights-lexical-only.json", &lex);
	e = calloc(team.n, sizeof *e);
	assert_non_null(e);
	notes = stg_score_rerank(team.facts, team.n, &team.w, &lex.w, team.total_scored,
				 team.truncated, e);
	assert_true(notes & STG_RERANK_GRAPH_OFF);
	assert_true(notes & STG_RERANK_SEMANTIC_OFF);
	assert_true(notes & STG_RERANK_SOURCE_TRUST_NOOP);
	assert_false(notes & STG_RERANK_LEXICAL_OFF);
	assert_false(notes & STG_RERANK_TRUNCATED);
	assert_true(strlen(stg_score_rerank_note_text(notes)) > 0);
	for (i = 0; i < team.n; i++) {
		if (e[i].likely_absent)
			continue;
		present++;
		/* The preview, minus the facts it says would be gone, must be
		 * the node's answer in the node's order, with the node's scores
		 * to within what the 6-dp rounding of the old score allows: the
		 * recovered lexical is uncertain by 5e-7*0.9/(conf*0.35), which
		 * moves the new score by up to 5e-7*0.9/0.35 = 1.3e-6, plus 5e-7
		 * from rounding each of the two new scores. */
		j = rank++;
		assert_true(j < lex.n);
		assert_string_equal(team.facts[e[i].index].fact.id, lex.facts[j].fact.id);
		if (fabs(e[i].new_score - lex.facts[j].score) > 2.3e-6 + 1e-9)
			fail_msg("rank %zu: preview %.6f node %.6f", j, e[i].new_score,
				 lex.facts[j].score);
	}
	assert_int_equal(present, lex.n);
	free(e);
	free_rec(&team);
	free_rec(&lex);
}

static void
test_rerank_edge_cases(void **state)
{
	struct stg_scored_fact f[3];
	struct stg_rerank_entry e[3];
	struct stg_recall_weights w = stg_recall_weights_default(), w2;
	unsigned notes;

	(void)state;
	memset(f, 0, sizeof f);
	/* 0: graph-only hop-1 fact, conf 1.0: 0.15*0.5+0.05 / 0.9. */
	f[0].fact.id = "a";
	f[0].fact.confidence = 1.0;
	f[0].hop_distance = 1;
	f[0].breakdown = (struct stg_score_breakdown){0, 0, 0.5, 0, 1.0, 0.138889};
	f[0].score = 0.138889;
	/* 1: a card entry. */
	f[1].fact.id = "card:x";
	f[1].fact.confidence = 0.9;
	f[1].from_card = true;
	f[1].breakdown = (struct stg_score_breakdown){0, 0, 0, 0.9, 0, 0.9};
	f[1].score = 0.9;
	/* 2: a fact with score 0 (base 0 under old weights is impossible for
	 * recency 1, so use recency 0 and no lexical/graph weight). */
	f[2].fact.id = "c";
	f[2].fact.confidence = 0.5;
	f[2].breakdown = (struct stg_score_breakdown){0, 0, 1.0, 0, 0, 0};
	f[2].score = 0.0;

	w2 = w;
	w2.graph = 0.0;
	notes = stg_score_rerank(f, 2, &w, &w2, -1, false, e);
	assert_true(notes & STG_RERANK_GRAPH_OFF);
	/* Card first and unchanged; graph-only fact likely absent, score
	 * (0.05*1)/(0.75) = 0.066667. */
	assert_string_equal(f[e[0].index].fact.id, "card:x");
	assert_true(e[0].new_score == 0.9 && e[0].from_card && !e[0].likely_absent);
	assert_true(e[1].likely_absent);
	assert_true(e[1].new_score == 0.066667);

	/* Raising graph puts the hop fact above nothing else; card stays 0.9. */
	w2 = (struct stg_recall_weights){0.0, 0.0, 1.0, 0.0, 0.0};
	notes = stg_score_rerank(f, 3, &(struct stg_recall_weights){0.35, 0.35, 0.0, 0.1, 0.0}, &w2,
				 -1, true, e);
	assert_true(notes & STG_RERANK_FACTOR_GUESSED);
	assert_true(notes & STG_RERANK_TRUNCATED);
	assert_true(notes & STG_RERANK_GRAPH_ON);
	assert_true(notes & STG_RERANK_LEXICAL_OFF);
	/* c: factor guessed = confidence 0.5, graph 1.0 -> 0.5. */
	for (size_t i = 0; i < 3; i++)
		if (e[i].index == 2)
			assert_true(e[i].factor_guessed && e[i].new_score == 0.5);
	assert_string_equal(stg_score_rerank_note_text(STG_RERANK_EXACT), "");
}

static void
test_contributions(void **state)
{
	struct stg_recall_weights w = stg_recall_weights_default();
	/* recall-depth-1.json: hop 1, conf 0.9, score 0.125 =
	 * (0.15*0.5 + 0.05*1) / 0.9 * 0.9. */
	struct stg_score_breakdown bd = {0.0, 0.0, 0.5, 0.0, 1.0, 0.125};
	struct stg_score_breakdown bd2 = {0.0, 0.0, 0.3333, 0.0, 0.0027, 0.0};
	double c[4];

	(void)state;
	stg_score_contributions(&w, &bd, 1, 0.9, c);
	assert_true(c[0] == 0.0 && c[1] == 0.0);
	assert_true(fabs(c[2] - 0.075) < 1e-15 && fabs(c[3] - 0.05) < 1e-15);
	assert_true(fabs(c[0] + c[1] + c[2] + c[3] - 0.125) < 1e-15);
	/* Exact 1/3 from hop 2 and 1 - 364/365 from the 4-dp recency. */
	stg_score_contributions(&w, &bd2, 2, 1.0, c);
	assert_true(fabs(c[2] - 0.15 / 3.0 / 0.9) < 1e-15);
	assert_true(fabs(c[3] - 0.05 * (1.0 / 365.0) / 0.9) < 1e-15);
}

/* Synthetic candidates with both lexical and semantic signals (what
 * stigmem-lite sends with its local embedding): identity must hold, and a
 * preview under other weights must be within what 4-dp signals allow of
 * the score computed from the true, unrounded signals. */
static void
test_rerank_two_signals(void **state)
{
	enum { N = 300 };
	struct stg_scored_fact *f = calloc(N, sizeof *f);
	struct stg_score_signals *truth = calloc(N, sizeof *truth);
	struct stg_rerank_entry *e = calloc(N, sizeof *e);
	struct stg_recall_weights w0 = stg_recall_weights_default();
	struct stg_recall_weights w1 = {0.6, 0.1, 0.2, 0.1, 0.1};
	uint64_t s = 99;
	size_t i;

	(void)state;
	assert_true(f && truth && e);
	for (i = 0; i < N; i++) {
		s = s * 6364136223846793005ULL + 1442695040888963407ULL;
		truth[i].lexical = (double)((s >> 20) % 1000003) / 1000003.0;
		truth[i].semantic = (double)((s >> 40) % 999983) / 999983.0;
		f[i].hop_distance = (int)((s >> 8) % 3);
		truth[i].graph = stg_score_graph_signal(f[i].hop_distance);
		truth[i].recency = stg_score_recency((long long)((s >> 12) % 400));
		f[i].fact.confidence = (double)(50 + (s >> 30) % 51) / 100.0;
		f[i].score = stg_score_compute(&w0, &truth[i], f[i].fact.confidence, &f[i].breakdown);
	}
	/* Identity (input need not be sorted: compare per index). */
	stg_score_rerank(f, N, &w0, &w0, -1, false, e);
	for (i = 0; i < N; i++) {
		assert_true(e[i].new_score == f[e[i].index].score);
		assert_false(e[i].factor_guessed);
	}
	stg_score_rerank(f, N, &w0, &w1, -1, false, e);
	for (i = 0; i < N; i++) {
		size_t k = e[i].index;
		double want = stg_score_compute(&w1, &truth[k], f[k].fact.confidence, NULL);
		/* Each of lexical/semantic is off by at most 5e-5 (+ score
		 * rounding), weighted by w1 / W1 = 0.7 / 1.0. */
		double tol = (0.6 + 0.1) * (5e-5 + 2e-6) + 1e-6;

		if (fabs(e[i].new_score - want) > tol)
			fail_msg("fact %zu: preview %.6f, true %.6f", k, e[i].new_score, want);
	}
	free(f);
	free(truth);
	free(e);
}

/* ---- rank agreement ---------------------------------------------------- */

static void
test_rank_agreement(void **state)
{
	const char *abc[] = {"a", "b", "c"}, *bac[] = {"b", "a", "c"}, *cba[] = {"c", "b", "a"};
	const char *xyz[] = {"x", "y", "z"}, *ab[] = {"a", "b"}, *a1[] = {"a"};
	const char *abcd[] = {"a", "b", "c", "d"}, *axcy[] = {"a", "x", "c", "y"};
	long delta[3];
	size_t gone;

	(void)state;
	/* Hand-computed, p = 0.9:
	 *  abc/bac: X = 0,2,3 -> 0.729 + (1/9)(0.81 + 0.729) = 0.9
	 *  abc/cba: X = 0,1,3 -> 0.729 + (1/9)(0.405 + 0.729) = 0.855
	 *  ab/a   : X = 1,1   -> 0.5*0.81 + (1/9)(0.9 + 0.405) = 0.55 */
	assert_true(fabs(stg_score_rbo(abc, 3, abc, 3, 0.9) - 1.0) < 1e-12);
	assert_true(fabs(stg_score_rbo(abc, 3, bac, 3, 0.9) - 0.9) < 1e-12);
	assert_true(fabs(stg_score_rbo(abc, 3, cba, 3, 0.9) - 0.855) < 1e-12);
	assert_true(fabs(stg_score_rbo(ab, 2, a1, 1, 0.9) - 0.55) < 1e-12);
	assert_true(fabs(stg_score_rbo(a1, 1, ab, 2, 0.9) - 0.55) < 1e-12);
	assert_true(stg_score_rbo(abc, 3, xyz, 3, 0.9) == 0.0);
	assert_true(stg_score_rbo(NULL, 0, NULL, 0, 0.9) == 1.0);
	assert_true(isnan(stg_score_rbo(abc, 3, abc, 3, 1.0)));

	assert_true(stg_score_overlap_at_k(abc, 3, bac, 3, 2) == 1.0);
	assert_true(stg_score_overlap_at_k(abc, 3, bac, 3, 1) == 0.0);
	assert_true(stg_score_overlap_at_k(abcd, 4, axcy, 4, 2) == 0.5);
	assert_true(stg_score_overlap_at_k(abcd, 4, axcy, 4, 4) == 0.5);
	assert_true(stg_score_overlap_at_k(abcd, 4, axcy, 4, 10) == 0.5); /* k lowered to 4 */
	assert_true(stg_score_overlap_at_k(ab, 2, a1, 1, 2) == 0.5);
	assert_true(stg_score_overlap_at_k(NULL, 0, NULL, 0, 5) == 1.0);

	stg_score_rank_changes(abc, 3, (const char *[]){"c", "a", "q"}, 3, delta, &gone);
	assert_int_equal(delta[0], 2);  /* c: 3rd -> 1st */
	assert_int_equal(delta[1], -1); /* a: 1st -> 2nd */
	assert_true(delta[2] == STG_SCORE_RANK_NEW);
	assert_int_equal(gone, 1); /* b */
}

/* ---- embedding --------------------------------------------------------- */

static void
test_embed(void **state)
{
	struct stg_embedding e, f;
	double s1, s2;
	size_t k, nz = 0;

	(void)state;
	/* "abc" -> grams " ab", "abc", "bc " at FNV-1a % 256 = 136, 11, 150
	 * (computed independently). */
	stg_embed_text("abc", 3, &e);
	for (k = 0; k < STG_EMBED_DIM; k++)
		if (e.v[k] != 0.0f)
			nz++;
	assert_int_equal(nz, 3);
	assert_true(fabs(e.v[136] - 1.0 / sqrt(3.0)) < 1e-6);
	assert_true(fabs(e.v[11] - 1.0 / sqrt(3.0)) < 1e-6);
	assert_true(fabs(e.v[150] - 1.0 / sqrt(3.0)) < 1e-6);
	/* Case and punctuation folding. */
	stg_embed_text("  ABC!!", 7, &f);
	assert_memory_equal(&e, &f, sizeof e);
	stg_embed_text("Zürich", strlen("Zürich"), &e);
	stg_embed_text("ZÜRICH", strlen("ZÜRICH"), &f);
	assert_true(fabs(stg_embed_cosine(&e, &f) - 1.0) < 1e-6);
	assert_true(e.v[120] > 0.0f && e.v[240] > 0.0f && e.v[83] > 0.0f && e.v[42] > 0.0f);

	s1 = stg_embed_similarity("phoenix migration", 17, "Phoenix migrations", 18);
	s2 = stg_embed_similarity("phoenix migration", 17, "quarterly budget", 16);
	assert_true(s1 > 0.7 && s1 <= 1.0);
	assert_true(s2 >= 0.0 && s2 < 0.2);
	assert_true(stg_embed_similarity("", 0, "abc", 3) == 0.0);
	assert_true(stg_embed_similarity(NULL, 0, NULL, 0) == 0.0);
	/* Invalid UTF-8 and controls do not break it. */
	s1 = stg_embed_similarity("\xff\xfe\x1bRed\x07", 6, "red", 3);
	assert_true(s1 > 0.99);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pyround),
		cmocka_unit_test(test_pyround_agrees_with_printf),
		cmocka_unit_test(test_signals),
		cmocka_unit_test(test_parse_time),
		cmocka_unit_test(test_formula_recordings),
		cmocka_unit_test(test_token_estimate_recordings),
		cmocka_unit_test(test_token_estimate_values),
		cmocka_unit_test(test_packing_reproduces_truncated),
		cmocka_unit_test(test_order_stable),
		cmocka_unit_test(test_rerank_identity),
		cmocka_unit_test(test_rerank_matches_node_lexical_only),
		cmocka_unit_test(test_rerank_edge_cases),
		cmocka_unit_test(test_rerank_two_signals),
		cmocka_unit_test(test_contributions),
		cmocka_unit_test(test_rank_agreement),
		cmocka_unit_test(test_embed),
	};

	return cmocka_run_group_tests_name("score", tests, NULL, NULL);
}
