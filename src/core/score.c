/* score.c — recall scoring arithmetic (stigmem-api.md §5.4, §5.5), the
 * recall lab's local re-rank and rank-agreement figures. Pure; no globals. */
#include "stigmem/score.h"

#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stigmem/cid.h"

static const double pow10_tab[18] = {
	1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8,
	1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17,
};

struct stg_recall_weights
stg_recall_weights_default(void)
{
	struct stg_recall_weights w = {
		.lexical = STG_SCORE_W_LEXICAL,
		.semantic = STG_SCORE_W_SEMANTIC,
		.graph = STG_SCORE_W_GRAPH,
		.source_trust = STG_SCORE_W_SOURCE_TRUST,
		.recency = STG_SCORE_W_RECENCY,
	};
	return w;
}

/* Exact path: the decimal text of the exact binary value rounded half-even
 * by printf, read back by strtod (what CPython's round() does with dtoa). */
static double
pyround_slow(double x, int nd)
{
	char buf[400];
	int len;

	len = snprintf(buf, sizeof buf, "%.*f", nd, x);
	if (len < 0 || (size_t)len >= sizeof buf)
		return x;
	return strtod(buf, NULL);
}

double
stg_score_pyround(double x, int nd)
{
	double p, y, fl, frac, dist, r;

	if (!isfinite(x) || x == 0.0)
		return x;
	if (nd > 17)
		return x;
	if (nd < 0)
		nd = 0;
	p = pow10_tab[nd];
	y = x * p;
	/* y = x*p*(1+d), |d| <= 2^-53. When y is clearly away from a .5
	 * boundary the exact product rounds to the same integer, and r/p (a
	 * correctly rounded quotient of two exact values) is the double
	 * nearest to the decimal r * 10^-nd, which is what strtod returns. */
	if (fabs(y) < 4503599627370496.0) { /* 2^52: floor and frac exact */
		fl = floor(y);
		frac = y - fl;
		dist = fabs(frac - 0.5);
		if (dist > fabs(y) * 4.5e-16 + 1e-300) {
			r = frac < 0.5 ? fl : fl + 1.0;
			if (r == 0.0)
				return x < 0 ? -0.0 : 0.0;
			return r / p;
		}
	}
	return pyround_slow(x, nd);
}

double
stg_score_graph_signal(int hop)
{
	if (hop <= 0)
		return 1.0;
	return 1.0 / (1.0 + (double)hop);
}

double
stg_score_recency(long long whole_days)
{
	double r;

	if (whole_days <= 0)
		return 1.0;
	if (whole_days >= STG_SCORE_RECENCY_DAYS)
		return 0.0;
	r = 1.0 - (double)whole_days / (double)STG_SCORE_RECENCY_DAYS;
	return r > 0.0 ? r : 0.0;
}

/* ---- time ------------------------------------------------------------ */

static bool
digits(const char *s, int n, int *out)
{
	int v = 0, i;

	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return true;
}

/* Days since 1970-01-01 of a proleptic Gregorian date (civil algorithm). */
static long long
days_from_civil(long long y, int m, int d)
{
	long long era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static int
days_in_month(int y, int m)
{
	static const int dm[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

	return m == 2 && leap ? 29 : dm[m - 1];
}

bool
stg_score_parse_time(const char *s, int64_t *epoch_us)
{
	int y, mo, d, h, mi, sec, oh = 0, om = 0, sign = 0;
	long long frac_us = 0, days, total;
	const char *p;
	int nfrac = 0;

	if (!s || !epoch_us || strlen(s) < 19)
		return false;
	if (!digits(s, 4, &y) || s[4] != '-' || !digits(s + 5, 2, &mo) || s[7] != '-' ||
	    !digits(s + 8, 2, &d) || (s[10] != 'T' && s[10] != 't' && s[10] != ' ') ||
	    !digits(s + 11, 2, &h) || s[13] != ':' || !digits(s + 14, 2, &mi) || s[16] != ':' ||
	    !digits(s + 17, 2, &sec))
		return false;
	if (mo < 1 || mo > 12 || d < 1 || d > days_in_month(y, mo) || h > 23 || mi > 59 ||
	    sec > 59)
		return false;
	p = s + 19;
	if (*p == '.') {
		p++;
		while (*p >= '0' && *p <= '9') {
			if (nfrac < 6)
				frac_us = frac_us * 10 + (*p - '0');
			nfrac++;
			p++;
		}
		if (nfrac == 0 || nfrac > 9)
			return false;
		for (int i = nfrac; i < 6; i++)
			frac_us *= 10;
	}
	if (*p == 'Z' || *p == 'z') {
		p++;
	} else if (*p == '+' || *p == '-') {
		sign = *p == '-' ? -1 : 1;
		if (!digits(p + 1, 2, &oh) || p[3] != ':' || !digits(p + 4, 2, &om) || oh > 23 ||
		    om > 59)
			return false;
		p += 6;
	}
	if (*p != '\0')
		return false;
	days = days_from_civil(y, mo, d);
	total = days * 86400LL + h * 3600LL + mi * 60LL + sec;
	total -= (long long)sign * (oh * 3600LL + om * 60LL);
	*epoch_us = (int64_t)(total * 1000000LL + frac_us);
	return true;
}

bool
stg_score_whole_days(const char *ts, int64_t now_us, long long *days)
{
	int64_t t, diff;
	const int64_t day_us = 86400LL * 1000000LL;

	if (!stg_score_parse_time(ts, &t))
		return false;
	diff = now_us - t;
	/* Floor division, like timedelta.days. */
	if (diff >= 0)
		*days = diff / day_us;
	else
		*days = -((-diff + day_us - 1) / day_us);
	return true;
}

double
stg_score_recency_at(const char *ts, int64_t now_us)
{
	long long d;

	if (!stg_score_whole_days(ts, now_us, &d))
		return 0.0;
	return stg_score_recency(d);
}

/* ---- score ----------------------------------------------------------- */

double
stg_score_weight_sum(const struct stg_recall_weights *w)
{
	double W = w->lexical + w->semantic + w->graph + w->recency;

	return W == 0.0 ? 1.0 : W;
}

double
stg_score_base(const struct stg_recall_weights *w, const struct stg_score_signals *s)
{
	double num = w->lexical * s->lexical + w->semantic * s->semantic + w->graph * s->graph +
		     w->recency * s->recency;

	return num / stg_score_weight_sum(w);
}

double
stg_score_compute(const struct stg_recall_weights *w, const struct stg_score_signals *s,
		  double factor, struct stg_score_breakdown *bd)
{
	double score = stg_score_pyround(stg_score_base(w, s) * factor, STG_SCORE_SCORE_DIGITS);

	if (bd) {
		bd->lexical = stg_score_pyround(s->lexical, STG_SCORE_SIGNAL_DIGITS);
		bd->semantic = stg_score_pyround(s->semantic, STG_SCORE_SIGNAL_DIGITS);
		bd->graph = stg_score_pyround(s->graph, STG_SCORE_SIGNAL_DIGITS);
		bd->source_trust = 0.0;
		bd->recency = stg_score_pyround(s->recency, STG_SCORE_SIGNAL_DIGITS);
		bd->weighted_total = score;
	}
	return score;
}

double
stg_score_card(double avg_confidence, struct stg_score_breakdown *bd)
{
	double score = stg_score_pyround(avg_confidence, STG_SCORE_SCORE_DIGITS);

	if (bd) {
		memset(bd, 0, sizeof *bd);
		bd->source_trust = stg_score_pyround(avg_confidence, STG_SCORE_SIGNAL_DIGITS);
		bd->weighted_total = score;
	}
	return score;
}

/* ---- token estimate -------------------------------------------------- */

size_t
stg_score_codepoints(const char *s, size_t n)
{
	size_t i, c = 0;

	if (!s)
		return 0;
	for (i = 0; i < n; i++)
		if (((unsigned char)s[i] & 0xC0) != 0x80)
			c++;
	return c;
}

/* Python str() of a float, for the value text (NaN/Inf as Python str()). */
static size_t
pyfloat_str(double x, char out[STG_PYFLOAT_MAX])
{
	if (isnan(x)) {
		memcpy(out, "nan", 4);
		return 3;
	}
	if (isinf(x)) {
		if (x < 0) {
			memcpy(out, "-inf", 5);
			return 4;
		}
		memcpy(out, "inf", 4);
		return 3;
	}
	return stg_pyfloat_format(x, out);
}

/* Pointer/length of V for a value; number text goes into tmp. */
static void
value_text(const struct stg_value *v, char tmp[STG_PYFLOAT_MAX], const char **p, size_t *n)
{
	*p = "";
	*n = 0;
	if (!v || v->is_null)
		return;
	switch (v->type) {
	case STG_VT_NULL:
		return;
	case STG_VT_NUMBER:
		if (v->num == 0.0)
			return;
		*n = pyfloat_str(v->num, tmp);
		*p = tmp;
		return;
	case STG_VT_BOOLEAN:
		if (v->boolean) {
			*p = "True";
			*n = 4;
		}
		return;
	default:
		if (v->str) {
			*p = v->str;
			*n = v->str_len ? v->str_len : strlen(v->str);
		}
		return;
	}
}

bool
stg_score_value_text(const struct stg_value *v, struct stg_buf *out)
{
	char tmp[STG_PYFLOAT_MAX];
	const char *p;
	size_t n;

	value_text(v, tmp, &p, &n);
	return stg_buf_append(out, p, n);
}

long long
stg_score_token_estimate_text(const char *entity, const char *relation, const char *value_text_,
			      size_t value_len, const char *source)
{
	size_t cp = 3; /* the three separating spaces */
	long long t;

	cp += entity ? stg_score_codepoints(entity, strlen(entity)) : 0;
	cp += relation ? stg_score_codepoints(relation, strlen(relation)) : 0;
	cp += stg_score_codepoints(value_text_, value_len);
	cp += source ? stg_score_codepoints(source, strlen(source)) : 0;
	t = (long long)(cp / 4);
	return t < 1 ? 1 : t;
}

long long
stg_score_token_estimate(const char *entity, const char *relation, const struct stg_value *v,
			 const char *source)
{
	char tmp[STG_PYFLOAT_MAX];
	const char *p;
	size_t n;

	value_text(v, tmp, &p, &n);
	return stg_score_token_estimate_text(entity, relation, p, n, source);
}

/* ---- order and packing ----------------------------------------------- */

struct order_item {
	double score;
	size_t index;
};

static int
order_cmp(const void *pa, const void *pb)
{
	const struct order_item *a = pa, *b = pb;

	if (a->score > b->score)
		return -1;
	if (a->score < b->score)
		return 1;
	return a->index < b->index ? -1 : a->index > b->index;
}

bool
stg_score_order(const double *scores, size_t n, size_t *order)
{
	struct order_item *it;
	size_t i;

	if (n == 0)
		return true;
	it = malloc(n * sizeof *it);
	if (!it)
		return false;
	for (i = 0; i < n; i++) {
		it[i].score = isnan(scores[i]) ? -INFINITY : scores[i];
		it[i].index = i;
	}
	qsort(it, n, sizeof *it, order_cmp);
	for (i = 0; i < n; i++)
		order[i] = it[i].index;
	free(it);
	return true;
}

size_t
stg_score_pack(const long long *tokens, size_t n, long long budget, bool *selected,
	       long long *tokens_used, bool *truncated)
{
	long long used = 0;
	bool trunc = false;
	size_t i, kept = 0;

	for (i = 0; i < n; i++) {
		bool fit = used + tokens[i] <= budget;

		if (fit) {
			used += tokens[i];
			kept++;
		} else {
			trunc = true;
		}
		if (selected)
			selected[i] = fit;
	}
	if (tokens_used)
		*tokens_used = used;
	if (truncated)
		*truncated = trunc;
	return kept;
}

/* ---- re-rank --------------------------------------------------------- */

/* The graph signal the node used: exact 1/(1+hop) when the 4-dp breakdown
 * value agrees with it, else the breakdown value. */
static double
exact_graph(double bd_graph, int hop)
{
	double g = stg_score_graph_signal(hop);

	if (stg_score_pyround(g, STG_SCORE_SIGNAL_DIGITS) == bd_graph)
		return g;
	return bd_graph;
}

/* The recency the node used: 1 - d/365 for the whole day count d that
 * rounds to the breakdown value. */
static double
exact_recency(double bd_rec)
{
	long long d;
	double r;

	if (bd_rec <= 0.0)
		return 0.0;
	if (bd_rec >= 1.0)
		return 1.0;
	d = llround((1.0 - bd_rec) * STG_SCORE_RECENCY_DAYS);
	r = stg_score_recency(d);
	if (stg_score_pyround(r, STG_SCORE_SIGNAL_DIGITS) == bd_rec)
		return r;
	return bd_rec;
}

/* Infer factor and, when possible, the unrounded lexical (or semantic)
 * signal of one non-card fact. Returns false when the factor had to be
 * guessed (base_old == 0). */
static bool
infer_fact(const struct stg_scored_fact *sf, const struct stg_recall_weights *w,
	   struct stg_score_signals *s, double *factor)
{
	const struct stg_score_breakdown *bd = &sf->breakdown;
	double W = stg_score_weight_sum(w), base_r, tol, cands[2], f;
	int i;

	s->lexical = bd->lexical;
	s->semantic = bd->semantic;
	s->graph = exact_graph(bd->graph, sf->hop_distance);
	s->recency = exact_recency(bd->recency);
	base_r = stg_score_base(w, s);
	/* What 4-dp rounding of lexical/semantic can move base by. */
	tol = (w->lexical + w->semantic) * 5e-5 / W;

	if (!(base_r > 1e-12)) {
		*factor = sf->fact.confidence;
		return false;
	}
	cands[0] = sf->fact.confidence;
	cands[1] = sf->fact.confidence * 0.5;
	for (i = 0; i < 2; i++) {
		double target, other, solved, *slot, wt, lo, hi, slack;

		f = cands[i];
		if (!(f > 0.0))
			continue;
		if (fabs(base_r * f - sf->score) > tol * f + 5e-7 + 1e-12)
			continue;
		/* Consistent: factor is f. Recover the unrounded lexical /
		 * semantic signal(s) from the 6-dp score. */
		target = sf->score / f * W;
		if (w->lexical + w->semantic == 0.0) {
			*factor = f;
			return true;
		}
		if (w->lexical > 0.0 && (w->semantic == 0.0 || bd->semantic == 0.0)) {
			slot = &s->lexical;
			wt = w->lexical;
			other = w->semantic * s->semantic;
		} else if (w->semantic > 0.0 && (w->lexical == 0.0 || bd->lexical == 0.0)) {
			slot = &s->semantic;
			wt = w->semantic;
			other = w->lexical * s->lexical;
		} else {
			/* Both rounded and both weighted: one equation, two
			 * unknowns. Shift both by the same amount so the old
			 * score is reproduced exactly (the split is a guess
			 * within the 4-dp boxes). */
			double d = (target - stg_score_base(w, s) * W) / (w->lexical + w->semantic);

			slack = 5e-7 * W / (f * (w->lexical + w->semantic)) + 1e-9;
			if (fabs(d) > 5e-5 + slack)
				break;
			s->lexical += d;
			s->semantic += d;
			*factor = f;
			return true;
		}
		solved = (target - other - w->graph * s->graph - w->recency * s->recency) / wt;
		/* Accept it when it agrees with the 4-dp value, allowing for the
		 * 6-dp rounding of the score itself. */
		slack = 5e-7 * W / (f * wt) + 1e-9;
		lo = *slot - 5e-5 - slack;
		hi = *slot + 5e-5 + slack;
		if (solved < lo || solved > hi)
			break;
		*slot = solved;
		*factor = f;
		return true;
	}
	/* No consistent confidence factor (a plugin delta, an unknown
	 * multiplier): take the ratio, which still reproduces the old score. */
	*factor = sf->score / base_r;
	return true;
}

static int
rerank_cmp(const void *pa, const void *pb)
{
	const struct stg_rerank_entry *a = pa, *b = pb;

	if (a->new_score > b->new_score)
		return -1;
	if (a->new_score < b->new_score)
		return 1;
	return a->index < b->index ? -1 : a->index > b->index;
}

unsigned
stg_score_rerank(const struct stg_scored_fact *facts, size_t n,
		 const struct stg_recall_weights *old_w, const struct stg_recall_weights *new_w,
		 long long total_scored, bool truncated, struct stg_rerank_entry *out)
{
	unsigned notes = STG_RERANK_EXACT;
	bool any_semantic = false, lex_off, graph_off;
	size_t i;

	for (i = 0; i < n; i++)
		if (!facts[i].from_card && facts[i].breakdown.semantic != 0.0)
			any_semantic = true;

	if (old_w->lexical > 0.0 && new_w->lexical <= 0.0)
		notes |= STG_RERANK_LEXICAL_OFF;
	if (old_w->lexical <= 0.0 && new_w->lexical > 0.0)
		notes |= STG_RERANK_LEXICAL_ON;
	if (old_w->graph > 0.0 && new_w->graph <= 0.0)
		notes |= STG_RERANK_GRAPH_OFF;
	if (old_w->graph <= 0.0 && new_w->graph > 0.0)
		notes |= STG_RERANK_GRAPH_ON;
	if (old_w->semantic > 0.0 && new_w->semantic <= 0.0)
		notes |= STG_RERANK_SEMANTIC_OFF;
	if (old_w->semantic <= 0.0 && new_w->semantic > 0.0)
		notes |= STG_RERANK_SEMANTIC_ON;
	if (old_w->source_trust != new_w->source_trust)
		notes |= STG_RERANK_SOURCE_TRUST_NOOP;
	if (old_w->semantic != new_w->semantic && !any_semantic)
		notes |= STG_RERANK_SEMANTIC_ZERO;
	if (truncated || (total_scored >= 0 && (unsigned long long)total_scored > n))
		notes |= STG_RERANK_TRUNCATED;
	lex_off = (notes & STG_RERANK_LEXICAL_OFF) != 0;
	graph_off = (notes & STG_RERANK_GRAPH_OFF) != 0;

	for (i = 0; i < n; i++) {
		const struct stg_scored_fact *sf = &facts[i];
		struct stg_rerank_entry *e = &out[i];

		memset(e, 0, sizeof *e);
		e->index = i;
		e->old_score = sf->score;
		e->breakdown = sf->breakdown;
		e->from_card = sf->from_card;
		if (sf->from_card) {
			e->factor = 1.0;
			e->new_score = sf->score;
		} else {
			struct stg_score_signals s;
			double f;

			if (!infer_fact(sf, old_w, &s, &f)) {
				e->factor_guessed = true;
				notes |= STG_RERANK_FACTOR_GUESSED;
			}
			e->factor = f;
			e->new_score = stg_score_pyround(stg_score_base(new_w, &s) * f,
							 STG_SCORE_SCORE_DIGITS);
			/* Graph-only facts vanish without expansion. */
			if (graph_off && sf->hop_distance > 0 && sf->breakdown.lexical == 0.0 &&
			    sf->breakdown.semantic == 0.0)
				e->likely_absent = true;
		}
		/* Without the lexical stage and no semantic hits there are no
		 * direct hits at all, hence no expansion and no cards. */
		if (lex_off && !(any_semantic && new_w->semantic > 0.0))
			e->likely_absent = true;
		e->breakdown.weighted_total = e->new_score;
	}
	if (n > 1)
		qsort(out, n, sizeof *out, rerank_cmp);
	for (i = 0; i < n; i++)
		out[i].new_rank = i + 1;
	return notes;
}

const char *
stg_score_rerank_note_text(unsigned notes)
{
	static const struct {
		unsigned bit;
		const char *text;
	} tab[] = {
		{STG_RERANK_LEXICAL_OFF,
		 "lexical weight 0: the node skips text search, so it would return (almost) nothing"},
		{STG_RERANK_GRAPH_OFF,
		 "graph weight 0: the node does no graph expansion; graph-only facts would be gone"},
		{STG_RERANK_SEMANTIC_OFF, "semantic weight 0: semantic-only hits would be gone"},
		{STG_RERANK_LEXICAL_ON,
		 "lexical weight was 0: the node would find text hits not shown in this preview"},
		{STG_RERANK_GRAPH_ON,
		 "graph weight was 0: the node would add graph neighbours not shown in this preview"},
		{STG_RERANK_SEMANTIC_ON,
		 "semantic weight was 0: the node would add semantic hits not shown in this preview"},
		{STG_RERANK_TRUNCATED,
		 "the response was truncated: candidates that did not fit the budget are not in the preview"},
		{STG_RERANK_FACTOR_GUESSED,
		 "some facts scored 0 before: their confidence factor is a guess"},
		{STG_RERANK_SEMANTIC_ZERO,
		 "every semantic signal is 0 on this node: the semantic weight only rescales scores"},
		{STG_RERANK_SOURCE_TRUST_NOOP,
		 "source_trust has no effect on the reference ranker"},
	};
	size_t i;

	for (i = 0; i < sizeof tab / sizeof tab[0]; i++)
		if (notes & tab[i].bit)
			return tab[i].text;
	return "";
}

void
stg_score_contributions(const struct stg_recall_weights *w, const struct stg_score_breakdown *bd,
			int hop_distance, double factor, double out[4])
{
	double W = stg_score_weight_sum(w);

	out[0] = w->lexical * bd->lexical / W * factor;
	out[1] = w->semantic * bd->semantic / W * factor;
	out[2] = w->graph * exact_graph(bd->graph, hop_distance) / W * factor;
	out[3] = w->recency * exact_recency(bd->recency) / W * factor;
}

/* ---- rank agreement -------------------------------------------------- */

static bool
in_prefix(const char *const *l, size_t upto, const char *id)
{
	size_t i;

	for (i = 0; i < upto; i++)
		if (l[i] && id && strcmp(l[i], id) == 0)
			return true;
	return false;
}

double
stg_score_overlap_at_k(const char *const *a, size_t na, const char *const *b, size_t nb,
		       size_t k)
{
	size_t ka, kb, i, hits = 0, longest = na > nb ? na : nb;

	if (k > longest)
		k = longest;
	if (k == 0)
		return 1.0;
	ka = na < k ? na : k;
	kb = nb < k ? nb : k;
	for (i = 0; i < ka; i++) {
		if (!a[i] || in_prefix(a, i, a[i]))
			continue;
		if (in_prefix(b, kb, a[i]))
			hits++;
	}
	return (double)hits / (double)k;
}

double
stg_score_rbo(const char *const *a, size_t na, const char *const *b, size_t nb, double p)
{
	size_t D = na > nb ? na : nb, d;
	double sum = 0.0, pd = 1.0, x = 0.0;

	if (!(p > 0.0 && p < 1.0))
		return NAN;
	if (D == 0)
		return 1.0;
	/* X_d grows by the new items of depth d that are now in both
	 * prefixes: a[d-1] if it was already in b[:d], b[d-1] if already in
	 * a[:d] (counted once when a[d-1] == b[d-1]). */
	for (d = 1; d <= D; d++) {
		const char *ea = d <= na ? a[d - 1] : NULL;
		const char *eb = d <= nb ? b[d - 1] : NULL;
		size_t pa = d <= na ? d : na, pb = d <= nb ? d : nb;

		if (ea && !in_prefix(a, d - 1, ea) && in_prefix(b, pb, ea))
			x += 1.0;
		if (eb && !in_prefix(b, d - 1, eb) && in_prefix(a, pa, eb) &&
		    !(ea && strcmp(ea, eb) == 0))
			x += 1.0;
		pd *= p;
		sum += x / (double)d * pd;
	}
	return x / (double)D * pd + (1.0 - p) / p * sum;
}

void
stg_score_rank_changes(const char *const *prev, size_t np, const char *const *cur, size_t nc,
		       long *delta, size_t *n_gone)
{
	size_t i, j, gone = 0;

	for (i = 0; i < nc; i++) {
		delta[i] = STG_SCORE_RANK_NEW;
		for (j = 0; j < np; j++) {
			if (cur[i] && prev[j] && strcmp(cur[i], prev[j]) == 0) {
				delta[i] = (long)j - (long)i;
				break;
			}
		}
	}
	if (n_gone) {
		for (j = 0; j < np; j++)
			if (!in_prefix(cur, nc, prev[j]))
				gone++;
		*n_gone = gone;
	}
}
