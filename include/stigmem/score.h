/* stigmem/score.h — the recall scoring arithmetic of a Stigmem node
 * (stigmem-api.md §5.4 and §5.5), shared by stigmem-lite's recall engine
 * and by the inspector's recall lab (local re-rank previews, A/B figures).
 *
 * Everything here is pure: no globals, no I/O, no allocation unless a
 * function says so. Inputs are borrowed for the duration of the call;
 * outputs go into caller-owned structs/arrays; nothing returned needs
 * freeing (text returns are static strings).
 *
 * The node's formula:
 *   graph_signal = 1.0 if hop 0, else 1/(1+hop)
 *   recency      = max(0, 1 - whole_days/365)
 *   W            = w.lexical + w.semantic + w.graph + w.recency  (1.0 if 0)
 *   base         = (w.l*lexical + w.s*semantic + w.g*graph + w.r*recency) / W
 *   score        = round(base * factor, 6)      factor = confidence [* 0.5 garden]
 * and the breakdown carries each signal rounded to 4 decimals
 * (source_trust always 0.0 on the reference ranker) and weighted_total =
 * score. Rounding is Python's round(): half-even on the exact binary value. */
#ifndef STIGMEM_SCORE_H
#define STIGMEM_SCORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "stigmem/buf.h"
#include "stigmem/model.h"

/* §5.1 node default weights. */
#define STG_SCORE_W_LEXICAL 0.35
#define STG_SCORE_W_SEMANTIC 0.35
#define STG_SCORE_W_GRAPH 0.15
#define STG_SCORE_W_SOURCE_TRUST 0.10
#define STG_SCORE_W_RECENCY 0.05

#define STG_SCORE_RECENCY_DAYS 365   /* recency reaches 0 after this many whole days */
#define STG_SCORE_SCORE_DIGITS 6     /* score / weighted_total decimals */
#define STG_SCORE_SIGNAL_DIGITS 4    /* breakdown signal decimals */
#define STG_SCORE_RBO_P 0.9          /* persistence used by the recall lab */

/* The node defaults (0.35, 0.35, 0.15, 0.10, 0.05). */
struct stg_recall_weights stg_recall_weights_default(void);

/* Python round(x, ndigits) for 0 <= ndigits <= 17: the decimal rounding of
 * the exact binary value of x, ties to even, read back as the nearest
 * double. NaN/Inf are returned unchanged; -0.0 and tiny negatives give -0.0
 * like Python. */
double stg_score_pyround(double x, int ndigits);

/* graph_signal(hop): 1.0 for hop <= 0, else 1/(1+hop). */
double stg_score_graph_signal(int hop);

/* recency(whole_days) = max(0, 1 - whole_days/365). Negative day counts
 * (timestamps ahead of "now") are treated as 0 days, i.e. recency 1.0. */
double stg_score_recency(long long whole_days);

/* Parse a node timestamp "YYYY-MM-DDTHH:MM:SS[.f{1,9}](+HH:MM|-HH:MM|Z)"
 * (the node writes "…+00:00" with 6 fraction digits; a space instead of 'T'
 * and a missing offset, taken as UTC, are accepted too) into microseconds
 * since the Unix epoch (UTC). Fraction digits past 6 are truncated. Returns
 * false on anything else (also out-of-range fields). */
bool stg_score_parse_time(const char *s, int64_t *epoch_us);

/* Whole days from `ts` to `now_us` the way Python's (now - ts).days counts
 * them: floor((now - ts) / 86400 s), so negative when ts is in the future.
 * Returns false when ts does not parse (recency is then unknown). */
bool stg_score_whole_days(const char *ts, int64_t now_us, long long *days);

/* recency of a fact timestamp at now_us; 0.0 when ts does not parse. */
double stg_score_recency_at(const char *ts, int64_t now_us);

/* Raw (unrounded) signals of one candidate. */
struct stg_score_signals {
	double lexical;   /* 0..1, normalised FTS / LIKE score; 0 for graph-only facts */
	double semantic;  /* 0..1 cosine; 0 when embeddings are off */
	double graph;     /* stg_score_graph_signal(hop) */
	double recency;   /* stg_score_recency(...) */
};

/* W = l + s + g + r weights (source_trust excluded); 1.0 when that is 0. */
double stg_score_weight_sum(const struct stg_recall_weights *w);

/* base = (Σ w_i * signal_i) / W, unrounded. */
double stg_score_base(const struct stg_recall_weights *w, const struct stg_score_signals *s);

/* Score a candidate exactly like the node and return round(base*factor, 6).
 * When bd is not NULL it gets the signals rounded to 4 decimals,
 * source_trust 0.0 and weighted_total = the returned score.
 * factor = fact confidence (× 0.5 for garden-gated facts). */
double stg_score_compute(const struct stg_recall_weights *w, const struct stg_score_signals *s,
			 double factor, struct stg_score_breakdown *bd);

/* §5.5 card entry: score = weighted_total = round(avg_confidence, 6),
 * breakdown.source_trust = round(avg_confidence, 4), other signals 0. */
double stg_score_card(double avg_confidence, struct stg_score_breakdown *bd);

/* §5.4 value text V: Python str() of value.v, or "" when v is falsy
 * (null, "", 0.0, -0.0, false). Strings/text/datetime/ref as is (str_len
 * bytes), numbers via stg_pyfloat_format ("42.0", "2.5e-07"), booleans
 * "True". Appends to `out`; false on OOM. */
bool stg_score_value_text(const struct stg_value *v, struct stg_buf *out);

/* Unicode code points in n bytes of UTF-8 (what Python len() gives for
 * valid text): every byte that is not a continuation byte 10xxxxxx counts. */
size_t stg_score_codepoints(const char *s, size_t n);

/* token_estimate = max(1, floor(len(entity + " " + relation + " " + V + " "
 * + source) / 4)) with len in code points. NULL strings count as "". No
 * allocation. */
long long stg_score_token_estimate(const char *entity, const char *relation,
				   const struct stg_value *v, const char *source);
/* Same with the value text already rendered (value_len bytes). */
long long stg_score_token_estimate_text(const char *entity, const char *relation,
					const char *value_text, size_t value_len,
					const char *source);

/* Stable order by score descending (ties keep input order, like Python's
 * sort). Writes a permutation of 0..n-1 into order[n]. Allocates a
 * temporary array; false on OOM (order untouched). */
bool stg_score_order(const double *scores, size_t n, size_t *order);

/* §5.4 greedy packing over candidates ALREADY in score order: walk them and
 * keep each whose token estimate still fits in what is left of `budget`;
 * a candidate that does not fit is skipped (later smaller ones may still
 * fit) and sets *truncated. selected[i] tells whether tokens[i] was kept
 * (selected may be NULL). Returns the number kept; *tokens_used and
 * *truncated may be NULL. */
size_t stg_score_pack(const long long *tokens, size_t n, long long budget, bool *selected,
		      long long *tokens_used, bool *truncated);

/* ---- Local re-rank preview (recall lab) ------------------------------ */

/* Why a preview may differ from what the node would answer. Bit flags. */
enum stg_rerank_note {
	STG_RERANK_EXACT = 0,
	STG_RERANK_LEXICAL_OFF = 1u << 0,   /* lexical weight now 0: the node skips the lexical
					       stage (no direct hits, hence no graph expansion) */
	STG_RERANK_LEXICAL_ON = 1u << 1,    /* lexical weight was 0: the node would find lexical
					       candidates that are not in this list */
	STG_RERANK_GRAPH_OFF = 1u << 2,     /* graph weight now 0: expansion disabled, hop>0 facts
					       would be gone (marked likely_absent) */
	STG_RERANK_GRAPH_ON = 1u << 3,      /* graph weight was 0: expansion would add facts */
	STG_RERANK_SEMANTIC_OFF = 1u << 4,  /* semantic weight now 0: semantic-only hits would go */
	STG_RERANK_SEMANTIC_ON = 1u << 5,   /* semantic weight was 0: semantic hits would be added */
	STG_RERANK_SOURCE_TRUST_NOOP = 1u << 6, /* source_trust changed: no effect on the reference ranker */
	STG_RERANK_SEMANTIC_ZERO = 1u << 7, /* semantic changed but every semantic signal is 0 (node has
					       embeddings off): it only rescales non-card scores */
	STG_RERANK_FACTOR_GUESSED = 1u << 8, /* some fact had base 0 under the old weights: its factor
						was taken from fact.confidence */
	STG_RERANK_TRUNCATED = 1u << 9,     /* the response was truncated (or total_scored > n):
					       candidates dropped by packing are not in the preview */
};

/* One candidate of a preview; out[k] is the k-th in the new order. */
struct stg_rerank_entry {
	size_t index;            /* position of the fact in the input array (= old rank - 1) */
	size_t new_rank;         /* 1-based rank in the preview */
	double factor;           /* inferred score / base_old (confidence × garden factor) */
	double old_score;        /* score as returned by the node */
	double new_score;        /* preview score, rounded to 6 decimals like the node */
	struct stg_score_breakdown breakdown; /* signals as returned; weighted_total = new_score */
	bool from_card;          /* card entries keep score = avg_confidence under any weights */
	bool factor_guessed;     /* see STG_RERANK_FACTOR_GUESSED */
	bool likely_absent;      /* the node would not return it under the new weights */
};

/* Re-rank the facts of one recall response (facts[0..n) in the returned
 * order) under new weights. old_w = the weights of the request that
 * produced them. For each non-card fact: graph comes exactly from
 * hop_distance and recency from the whole day count its 4-dp value implies;
 * the factor is fact.confidence (or half of it, garden-gated) when that is
 * consistent with score and breakdown, and the unrounded lexical (or
 * semantic) signal is then solved from the 6-dp score; when both lexical
 * and semantic are in play the residual is shared between them; with no
 * consistent confidence, factor = score / base_old; when base_old == 0 the
 * factor is guessed as fact.confidence. new_score = round(base_new × factor,
 * 6), accurate to about 1e-5 (4-dp signals). Card entries keep their score.
 * The new order is score descending, ties by old position. out must have
 * room for n entries. total_scored / truncated come from the response
 * (pass total_scored < 0 when unknown). Returns the OR of enum
 * stg_rerank_note bits; with equal weights the preview reproduces the
 * input order and scores. No allocation. */
unsigned stg_score_rerank(const struct stg_scored_fact *facts, size_t n,
			  const struct stg_recall_weights *old_w,
			  const struct stg_recall_weights *new_w, long long total_scored,
			  bool truncated, struct stg_rerank_entry *out);

/* One-line English explanation of the highest-priority note bit set in
 * `notes` ("" for STG_RERANK_EXACT). Static string. */
const char *stg_score_rerank_note_text(unsigned notes);

/* Per-signal contributions of a non-card fact for the recall lab's stacked
 * bar: out[0..3] = w_i × signal_i / W × factor for lexical, semantic,
 * graph, recency (graph from hop_distance, recency to the whole day where
 * the 4-dp breakdown allows). They sum to the unrounded score. */
void stg_score_contributions(const struct stg_recall_weights *w,
			     const struct stg_score_breakdown *bd, int hop_distance, double factor,
			     double out[4]);

/* ---- Rank agreement (A/B) -------------------------------------------- */

/* overlap@k = |A[:k] ∩ B[:k]| / k over item ids (strcmp equality; an id
 * repeated within one list counts once). When both lists are shorter than
 * k, k is lowered to the longer length; two empty lists give 1.0. */
double stg_score_overlap_at_k(const char *const *a, size_t na, const char *const *b, size_t nb,
			      size_t k);

/* Rank-biased overlap, extrapolated form RBO_ext (Webber, Moffat & Zobel
 * 2010, eq. 32) at depth D = max(na, nb), the shorter list padded with
 * items that match nothing:
 *   RBO = (X_D/D)·p^D + ((1-p)/p)·Σ_{d=1..D} (X_d/d)·p^d,  X_d = |A[:d] ∩ B[:d]|.
 * Identical lists give 1.0, disjoint 0.0; two empty lists give 1.0.
 * 0 < p < 1 (the recall lab uses STG_SCORE_RBO_P). Allocates a temporary
 * array; returns NaN on OOM or a bad p. */
double stg_score_rbo(const char *const *a, size_t na, const char *const *b, size_t nb, double p);

/* Rank movement of each item of `cur` against `prev` (ids by strcmp):
 * delta[i] = prev_rank - cur_rank (positive = moved up), or
 * STG_SCORE_RANK_NEW when cur[i] is not in prev. Items of prev missing from
 * cur ("gone") are counted in *n_gone (may be NULL). O(n·m); fine for the
 * ≤ 500 candidates of one recall. */
#define STG_SCORE_RANK_NEW (-2147483647L - 1L)
void stg_score_rank_changes(const char *const *prev, size_t np, const char *const *cur,
			    size_t nc, long *delta, size_t *n_gone);

#endif
