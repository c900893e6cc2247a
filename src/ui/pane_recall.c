/* pane_recall.c — the recall lab (tab 5): run POST /v1/recall with every
 * parameter editable in place, see why each result ranked where it did (a
 * stacked bar of each signal's contribution, the raw signals), re-rank the
 * current candidates locally the moment a weight changes ("preview"),
 * compare two weight sets side by side (A/B), keep named weight presets and
 * export the request (curl, Python) and the response (JSON).
 *
 * Scoring arithmetic lives in libstigmem (stigmem/score.h); this file only
 * draws and keeps state. Node strings go through ui_draw_node_text(). */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "stigmem/codec.h"
#include "stigmem/sanitize.h"
#include "stigmem/score.h"
#include "stigmem/verify.h"
#include "ui/recall_store.h"
#include "ui/ui.h"

#define Q_MAX 1024
#define HIST_MAX 16
#define BAR_W 16

enum rfield {
	F_SCOPE, F_BUDGET, F_DEPTH, F_NEIGH, F_MINCONF, F_LIMIT, F_VERIFY,
	F_WL, F_WS, F_WG, F_WT, F_WR, F_COUNT
};

static const char *const field_names[F_COUNT] = {
	"scope", "token_budget", "depth", "include_neighbors", "min_confidence", "limit",
	"verify", "lexical", "semantic", "graph", "source_trust", "recency",
};

static const char *const scopes[] = {"local", "team", "company", "public"};

enum rinput { IN_NONE, IN_QUERY, IN_VALUE, IN_PRESET_SAVE, IN_PRESET_LOAD };

/* Signals of the stacked bar: glyph (meaning not by colour alone) and role. */
static const char *const sig_glyph[4] = {"█", "▓", "▒", "░"};
static const char *const sig_name[4] = {"lexical", "semantic", "graph", "recency"};
static const enum ui_role sig_role[4] = {UI_ROLE_SCORE_LEXICAL, UI_ROLE_SCORE_SEMANTIC,
					 UI_ROLE_SCORE_GRAPH, UI_ROLE_SCORE_RECENCY};
#define CARD_GLYPH "▪"

struct recallp {
	/* query line and history */
	char query[Q_MAX];
	char hist[HIST_MAX][Q_MAX];
	int n_hist, hist_pos;
	enum rinput input;
	char edit[Q_MAX];
	/* request parameters */
	int scope_i, budget, depth, limit;
	bool neigh, verify;
	double minconf;
	struct stg_recall_weights w;
	int field;
	/* the last server run */
	struct stg_async_result *res;          /* owned */
	const struct stg_recall_response *rr;  /* in res */
	struct stg_recall_weights served_w, pending_w;
	char served_query[Q_MAX], pending_query[Q_MAX];
	struct stg_rerank_entry *ent;          /* rerank output, new order */
	size_t *ent_of;                        /* fact index -> position in ent */
	struct stg_fact_cid_check *cid;        /* per fact index */
	bool *expanded;                        /* per fact index (card entries) */
	long *run_delta;                       /* per fact index, vs the previous run */
	size_t n;                              /* facts in rr */
	unsigned notes;
	bool preview;
	bool semantic_zero;                    /* every semantic signal of the run is 0 */
	size_t n_gone;
	bool have_prev_run;
	char **prev_ids;                       /* previous server run (owned) */
	size_t n_prev;
	char prev_query[Q_MAX];
	/* list */
	struct ui_list list;
	size_t *order;                         /* display order (fact indices) */
	size_t n_order;
	int channel;                           /* 0 facts, 1 content, 2 instructions */
	bool loading;
	char error[700];
	char error_hint[200];
	/* A/B */
	bool a_pinned, ab_view;
	struct stg_recall_weights wa;
	char **a_ids;                          /* owned */
	double *a_scores;
	size_t n_a;
	bool a_preview;
	/* presets / exports */
	unsigned export_seq;
};

/* ---- small helpers ---------------------------------------------------------- */

static void
copy_str(char *dst, size_t size, const char *src)
{
	size_t n = strnlen(src, size - 1);
	memmove(dst, src, n);
	dst[n] = '\0';
}

static void
free_ids(char **ids, size_t n)
{
	for (size_t i = 0; ids && i < n; i++)
		free(ids[i]);
	free(ids);
}

static const char *
fact_id(const struct recallp *r, size_t i)
{
	const char *id = r->rr && i < r->n ? r->rr->facts[i].fact.id : NULL;
	return id ? id : "";
}

static const char *
item_id(void *ctx, size_t i)
{
	return fact_id(ctx, i);
}

static const char *
item_text(void *ctx, size_t i)
{
	struct recallp *r = ctx;
	if (r->rr == NULL || i >= r->n)
		return "";
	const struct stg_fact *f = &r->rr->facts[i].fact;
	if (f->value.str && ui_list_match(f->value.str, r->list.filter))
		return f->value.str;
	if (f->relation && ui_list_match(f->relation, r->list.filter))
		return f->relation;
	return f->entity ? f->entity : "";
}

static bool
weights_equal(const struct stg_recall_weights *a, const struct stg_recall_weights *b)
{
	return fabs(a->lexical - b->lexical) < 1e-9 && fabs(a->semantic - b->semantic) < 1e-9 &&
	       fabs(a->graph - b->graph) < 1e-9 && fabs(a->source_trust - b->source_trust) < 1e-9 &&
	       fabs(a->recency - b->recency) < 1e-9;
}

static double *
weight_ref(struct recallp *r, int f)
{
	switch (f) {
	case F_WL: return &r->w.lexical;
	case F_WS: return &r->w.semantic;
	case F_WG: return &r->w.graph;
	case F_WT: return &r->w.source_trust;
	case F_WR: return &r->w.recency;
	default: return NULL;
	}
}

static double
clamp01(double x)
{
	x = round(x * 10000.0) / 10000.0;
	return x < 0.0 ? 0.0 : x > 1.0 ? 1.0 : x;
}

static bool
is_instruction(const struct stg_scored_fact *sf)
{
	return sf->fact.value.interpret_as == STG_INTERPRET_INSTRUCTION;
}

/* ---- life cycle ------------------------------------------------------------------ */

static int
recall_init(struct pane *p)
{
	struct recallp *r = calloc(1, sizeof(*r));
	if (r == NULL)
		return -1;
	ui_list_init(&r->list, (struct ui_list_src){.ctx = r, .id = item_id, .text = item_text});
	r->budget = 4000;
	r->depth = 2;
	r->limit = 100;
	r->neigh = true;
	r->minconf = 0.1;
	r->w = stg_recall_weights_default();
	r->served_w = r->w;
	r->field = F_WL;
	p->priv = r;
	return 0;
}

static void
drop_run(struct recallp *r)
{
	free(r->ent);
	free(r->ent_of);
	free(r->cid);
	free(r->expanded);
	free(r->run_delta);
	free(r->order);
	r->ent = NULL;
	r->ent_of = NULL;
	r->cid = NULL;
	r->expanded = NULL;
	r->run_delta = NULL;
	r->order = NULL;
	r->n = r->n_order = 0;
	stg_async_result_free(r->res);
	r->res = NULL;
	r->rr = NULL;
}

static void
recall_free(struct pane *p)
{
	struct recallp *r = p->priv;
	if (r == NULL)
		return;
	drop_run(r);
	free_ids(r->prev_ids, r->n_prev);
	free_ids(r->a_ids, r->n_a);
	free(r->a_scores);
	ui_list_done(&r->list);
	free(r);
	p->priv = NULL;
}

/* ---- preview / ordering ------------------------------------------------------------ */

/* Display order from the rerank entries, filtered by channel. */
static void
rebuild_order(struct recallp *r)
{
	r->n_order = 0;
	for (size_t k = 0; k < r->n && r->order; k++) {
		size_t i = r->ent[k].index;
		const struct stg_scored_fact *sf = &r->rr->facts[i];
		if (r->channel == 1 && is_instruction(sf))
			continue;
		if (r->channel == 2 && !is_instruction(sf))
			continue;
		r->order[r->n_order++] = i;
	}
	ui_list_rebuild(&r->list, r->order, r->n_order);
}

/* Re-rank the current candidates under the current weights. */
static void
repreview_keep(struct recallp *r, bool remember)
{
	if (r->rr == NULL || r->ent == NULL) {
		r->preview = false;
		r->notes = 0;
		return;
	}
	r->preview = !weights_equal(&r->w, &r->served_w);
	r->notes = stg_score_rerank(r->rr->facts, r->n, &r->served_w, &r->w,
				    r->rr->has_total_scored ? r->rr->total_scored : -1,
				    r->rr->truncated, r->ent);
	for (size_t k = 0; k < r->n; k++)
		r->ent_of[r->ent[k].index] = k;
	if (remember)
		ui_list_remember(&r->list);
	rebuild_order(r);
}

/* After a weight change: the cursor stays on the same item. */
static void
repreview(struct recallp *r)
{
	repreview_keep(r, true);
}

/* Marker text of fact index i: vs the server order in preview mode, vs the
 * previous server run otherwise. */
static void
marker(const struct recallp *r, size_t i, char *buf, size_t size, enum ui_role *role)
{
	long d;
	*role = UI_ROLE_LIST_DIM;
	if (r->preview) {
		d = (long)i + 1 - (long)r->ent[r->ent_of[i]].new_rank;
	} else {
		if (!r->have_prev_run) {
			snprintf(buf, size, "    ");
			return;
		}
		d = r->run_delta[i];
		if (d == STG_SCORE_RANK_NEW) {
			snprintf(buf, size, "new ");
			*role = UI_ROLE_STATUS_OK;
			return;
		}
	}
	if (d > 0) {
		snprintf(buf, size, "▲%-3ld", d);
		*role = UI_ROLE_STATUS_OK;
	} else if (d < 0) {
		snprintf(buf, size, "▼%-3ld", -d);
		*role = UI_ROLE_STATUS_WARN;
	} else {
		snprintf(buf, size, "=   ");
	}
}

/* ---- requests -------------------------------------------------------------------- */

static void
fill_params(const struct recallp *r, const struct stg_recall_weights *w,
	    struct stg_recall_params *q)
{
	memset(q, 0, sizeof(*q));
	q->query = r->query;
	q->scope = scopes[r->scope_i];
	q->token_budget = r->budget;
	q->depth = r->depth;
	q->has_weights = true;
	q->weights = *w;
	q->has_min_confidence = true;
	q->min_confidence = r->minconf;
	q->include_neighbors = r->neigh ? STG_OPT_TRUE : STG_OPT_FALSE;
	q->limit = r->limit;
	q->verify_full = r->verify;
}

static void
history_add(struct recallp *r, const char *q)
{
	if (r->n_hist > 0 && strcmp(r->hist[r->n_hist - 1], q) == 0)
		return;
	if (r->n_hist == HIST_MAX) {
		memmove(r->hist[0], r->hist[1], sizeof(r->hist[0]) * (HIST_MAX - 1));
		r->n_hist--;
	}
	copy_str(r->hist[r->n_hist++], Q_MAX, q);
}

static void
run_query(struct pane *p)
{
	struct recallp *r = p->priv;
	if (r->query[0] == '\0') {
		ui_log(p->ui, UI_LOG_INFO, "Recall lab: type i and a query first");
		return;
	}
	struct stg_recall_params q;
	fill_params(r, &r->w, &q);
	struct stg_error err;
	stg_error_clear(&err);
	struct stg_request *req = stg_request_recall(&q, &err);
	if (req == NULL) {
		ui_log_error(p->ui, "POST /v1/recall", &err);
		return;
	}
	p->gen++;
	r->pending_w = r->w;
	copy_str(r->pending_query, sizeof(r->pending_query), r->query);
	r->loading = true;
	ui_submit(p->ui, p, req, 0);
	ui_pane_dirty(p);
}

static void
recall_response(struct pane *p, int tag, struct stg_async_result *res)
{
	struct recallp *r = p->priv;
	(void)tag;
	r->loading = false;
	if (res->status != STG_OK) {
		char d[400];
		stg_text_sanitize(res->error.detail, strnlen(res->error.detail, sizeof(res->error.detail)),
				  NULL, d, sizeof(d), NULL);
		if (res->status == STG_ERR_CANCELLED) {
			snprintf(r->error, sizeof(r->error), "Cancelled.");
			snprintf(r->error_hint, sizeof(r->error_hint), "Press r to run the query again.");
		} else if (res->error.http_status == 0) {
			snprintf(r->error, sizeof(r->error), "The node did not answer: %s%s%s",
				 stg_status_message(res->status), d[0] ? ": " : "", d);
			snprintf(r->error_hint, sizeof(r->error_hint),
				 "Press r to retry, P to connect elsewhere (or the demo node).");
		} else {
			snprintf(r->error, sizeof(r->error), "HTTP %ld from the node: %s%s%s",
				 res->error.http_status, stg_status_message(res->status),
				 d[0] ? ": " : "", d);
			snprintf(r->error_hint, sizeof(r->error_hint), "%s",
				 res->error.http_status == 422 || res->error.http_status == 400
					 ? "Check the parameters above (token_budget 1-200000, depth 1-3, "
					   "limit 1-500, min_conf 0-1, weights 0-1)."
					 : "Press r to run the query again.");
		}
		ui_list_remember(&r->list);
		drop_run(r);
		ui_list_rebuild(&r->list, NULL, 0);
		stg_async_result_free(res);
		ui_pane_dirty(p);
		return;
	}
	r->error[0] = '\0';
	ui_list_remember(&r->list);
	/* Keep the previous run's ids for the rank-change markers. */
	bool same_query = strcmp(r->prev_query, r->pending_query) == 0;
	drop_run(r);
	r->res = res;
	r->rr = res->value;
	r->served_w = r->pending_w;
	copy_str(r->served_query, sizeof(r->served_query), r->pending_query);
	r->n = r->rr ? r->rr->n_facts : 0;
	size_t n = r->n;
	r->ent = calloc(n + 1, sizeof(*r->ent));
	r->ent_of = calloc(n + 1, sizeof(*r->ent_of));
	r->cid = calloc(n + 1, sizeof(*r->cid));
	r->expanded = calloc(n + 1, sizeof(*r->expanded));
	r->run_delta = calloc(n + 1, sizeof(*r->run_delta));
	r->order = calloc(n + 1, sizeof(*r->order));
	const char **ids = calloc(n + 1, sizeof(*ids));
	if (!r->ent || !r->ent_of || !r->cid || !r->expanded || !r->run_delta || !r->order || !ids) {
		free(ids);
		drop_run(r);
		snprintf(r->error, sizeof(r->error), "Out of memory");
		ui_pane_dirty(p);
		return;
	}
	r->semantic_zero = true;
	for (size_t i = 0; i < n; i++) {
		const struct stg_scored_fact *sf = &r->rr->facts[i];
		ids[i] = fact_id(r, i);
		if (!sf->from_card)
			stg_verify_fact_cid(&sf->fact, &r->cid[i]);
		if (!sf->from_card && sf->breakdown.semantic != 0.0)
			r->semantic_zero = false;
	}
	r->have_prev_run = same_query && r->prev_ids != NULL;
	r->n_gone = 0;
	if (r->have_prev_run)
		stg_score_rank_changes((const char *const *)r->prev_ids, r->n_prev, ids, n,
				       r->run_delta, &r->n_gone);
	free_ids(r->prev_ids, r->n_prev);
	r->prev_ids = calloc(n + 1, sizeof(*r->prev_ids));
	r->n_prev = 0;
	for (size_t i = 0; r->prev_ids && i < n; i++) {
		r->prev_ids[i] = strdup(ids[i]);
		if (r->prev_ids[i] == NULL)
			break;
		r->n_prev++;
	}
	copy_str(r->prev_query, sizeof(r->prev_query), r->pending_query);
	free(ids);
	/* The cursor's id was noted before the old run was dropped. */
	repreview_keep(r, false);
	if (r->rr && r->rr->chain_proof)
		ui_log(p->ui, UI_LOG_INFO, "Recall: chain_proof received (%lld entries checked)",
		       r->rr->chain_proof->checked_entries);
	ui_pane_dirty(p);
}

/* ---- A/B ------------------------------------------------------------------------- */

static void
pin_a(struct pane *p)
{
	struct recallp *r = p->priv;
	if (r->rr == NULL) {
		ui_log(p->ui, UI_LOG_INFO, "Recall lab: run a query before pinning weights as A");
		return;
	}
	free_ids(r->a_ids, r->n_a);
	free(r->a_scores);
	r->n_a = 0;
	r->a_ids = calloc(r->n + 1, sizeof(*r->a_ids));
	r->a_scores = calloc(r->n + 1, sizeof(*r->a_scores));
	if (r->a_ids == NULL || r->a_scores == NULL)
		return;
	for (size_t k = 0; k < r->n; k++) {
		r->a_ids[k] = strdup(fact_id(r, r->ent[k].index));
		if (r->a_ids[k] == NULL)
			break;
		r->a_scores[k] = r->ent[k].new_score;
		r->n_a++;
	}
	r->wa = r->w;
	r->a_pinned = true;
	r->a_preview = r->preview;
	ui_log(p->ui, UI_LOG_INFO,
	       "Recall lab: pinned A = %.2f,%.2f,%.2f,%.2f,%.2f (%zu results); change weights, then b",
	       r->w.lexical, r->w.semantic, r->w.graph, r->w.source_trust, r->w.recency, r->n_a);
}

/* ---- exports and presets ------------------------------------------------------------- */

static void
export_all(struct pane *p)
{
	struct recallp *r = p->priv;
	if (r->query[0] == '\0') {
		ui_log(p->ui, UI_LOG_INFO, "Recall lab: nothing to export yet (type i and a query)");
		return;
	}
	const char *url = ui_conn(p->ui)->url;
	struct stg_recall_params q;
	fill_params(r, &r->w, &q);
	char base[64], path[300], msg[512];
	r->export_seq++;
	snprintf(base, sizeof(base), "stigmem-recall-%u", r->export_seq);
	struct stg_buf b;
	stg_buf_init(&b);
	bool ok = recall_export_curl(&q, url[0] ? url : "http://127.0.0.1:8765", &b);
	snprintf(path, sizeof(path), "%s.curl.sh", base);
	if (!ok || recall_write_file(path, b.data, b.len, msg, sizeof(msg)) != 0) {
		ui_log(p->ui, UI_LOG_ERROR, "Export failed: %s", ok ? msg : "cannot build the request");
		stg_buf_done(&b);
		return;
	}
	stg_buf_reset(&b);
	ok = recall_export_python(&q, url[0] ? url : "http://127.0.0.1:8765", &b);
	snprintf(path, sizeof(path), "%s.py", base);
	if (!ok || recall_write_file(path, b.data, b.len, msg, sizeof(msg)) != 0) {
		ui_log(p->ui, UI_LOG_ERROR, "Export failed: %s", ok ? msg : "out of memory");
		stg_buf_done(&b);
		return;
	}
	stg_buf_done(&b);
	bool json = r->res && r->res->info.body;
	if (json) {
		snprintf(path, sizeof(path), "%s.json", base);
		if (recall_write_file(path, r->res->info.body, r->res->info.body_len, msg,
				      sizeof(msg)) != 0) {
			ui_log(p->ui, UI_LOG_ERROR, "Export failed: %s", msg);
			return;
		}
	}
	char cwd[1024];
	if (getcwd(cwd, sizeof(cwd)) == NULL)
		snprintf(cwd, sizeof(cwd), ".");
	ui_log(p->ui, UI_LOG_INFO,
	       "Exported to the current directory: %s.curl.sh (request as curl), %s.py (Python SDK)%s%s%s"
	       " in %s — the API key is not in them ($STIGMEM_API_KEY)",
	       base, base, json ? ", " : "", json ? base : "", json ? ".json (the response)" : "", cwd);
}

static void
preset_save(struct pane *p, const char *name)
{
	struct recallp *r = p->priv;
	char path[4096], msg[600];
	if (!recall_presets_path(path, sizeof(path))) {
		ui_log(p->ui, UI_LOG_ERROR, "Presets: neither XDG_CONFIG_HOME nor HOME is set");
		return;
	}
	if (recall_presets_save(path, name, &r->w, msg, sizeof(msg)) != 0) {
		ui_log(p->ui, UI_LOG_ERROR, "Preset not saved: %s", msg);
		return;
	}
	ui_log(p->ui, UI_LOG_INFO, "Preset %s saved to %s", name, path);
}

static void
preset_load(struct pane *p, const char *name)
{
	struct recallp *r = p->priv;
	char path[4096];
	struct stg_recall_weights w;
	if (!recall_presets_path(path, sizeof(path)) || !recall_presets_get(path, name, &w)) {
		ui_log(p->ui, UI_LOG_WARN, "No preset named %s (w saves one)", name);
		return;
	}
	r->w = w;
	repreview(r);
	ui_log(p->ui, UI_LOG_INFO, "Preset %s loaded: %.2f,%.2f,%.2f,%.2f,%.2f%s", name, w.lexical,
	       w.semantic, w.graph, w.source_trust, w.recency, r->preview ? " (preview; r runs it)" : "");
}

static void
preset_names(char *buf, size_t size)
{
	char path[4096];
	struct recall_preset ps[RECALL_PRESETS_MAX];
	int n = recall_presets_path(path, sizeof(path)) ? recall_presets_load(path, ps, RECALL_PRESETS_MAX) : 0;
	size_t used = 0;
	buf[0] = '\0';
	for (int i = 0; i < n && used + 2 < size; i++) {
		int k = snprintf(buf + used, size - used, "%s%s", i ? " " : "", ps[i].name);
		if (k < 0)
			break;
		used += (size_t)k;
		if (used >= size)
			break;
	}
	if (n <= 0)
		snprintf(buf, size, "(none saved yet)");
}

/* ---- parameters ------------------------------------------------------------------- */

static void
nudge(struct pane *p, int dir)
{
	struct recallp *r = p->priv;
	double *wr = weight_ref(r, r->field);
	switch (r->field) {
	case F_SCOPE: r->scope_i = (r->scope_i + 4 + dir) % 4; break;
	case F_BUDGET: r->budget += dir * (r->budget >= 2000 || (r->budget == 1000 && dir > 0) ? 500 : 100);
		if (r->budget < 100) r->budget = 100;
		break;
	case F_DEPTH: r->depth += dir; if (r->depth < 1) r->depth = 1; if (r->depth > 3) r->depth = 3; break;
	case F_NEIGH: r->neigh = !r->neigh; break;
	case F_MINCONF: r->minconf = clamp01(r->minconf + dir * 0.05); break;
	case F_LIMIT: r->limit += dir * 10; if (r->limit < 10) r->limit = 10; if (r->limit > 500) r->limit = 500; break;
	case F_VERIFY: r->verify = !r->verify; break;
	default:
		if (wr) {
			*wr = clamp01(*wr + dir * 0.05);
			repreview(r);
		}
		break;
	}
	if (wr == NULL && r->rr)
		ui_log(p->ui, UI_LOG_INFO, "%s changed: press r to run the query on the node",
		       field_names[r->field]);
}

static bool
set_value(struct pane *p, const char *text)
{
	struct recallp *r = p->priv;
	char *end = NULL;
	double x = strtod(text, &end);
	bool num = end && end != text && *end == '\0';
	double *wr = weight_ref(r, r->field);
	switch (r->field) {
	case F_SCOPE:
		for (int i = 0; i < 4; i++)
			if (strcmp(text, scopes[i]) == 0) {
				r->scope_i = i;
				return true;
			}
		ui_log(p->ui, UI_LOG_WARN, "scope is one of local, team, company, public");
		return false;
	case F_NEIGH:
	case F_VERIFY: {
		bool on = strcmp(text, "on") == 0 || strcmp(text, "true") == 0 || strcmp(text, "1") == 0;
		bool off = strcmp(text, "off") == 0 || strcmp(text, "false") == 0 || strcmp(text, "0") == 0;
		if (!on && !off) {
			ui_log(p->ui, UI_LOG_WARN, "%s is on or off", field_names[r->field]);
			return false;
		}
		*(r->field == F_NEIGH ? &r->neigh : &r->verify) = on;
		return true;
	}
	default:
		break;
	}
	if (!num) {
		ui_log(p->ui, UI_LOG_WARN, "%s wants a number", field_names[r->field]);
		return false;
	}
	/* Integers are sent as typed (the node validates: out-of-range values
	 * come back as 422 and are shown as such); weights are kept in 0..1. */
	switch (r->field) {
	case F_BUDGET: r->budget = (int)x; break;
	case F_DEPTH: r->depth = (int)x; break;
	case F_LIMIT: r->limit = (int)x; break;
	case F_MINCONF: r->minconf = x; break;
	default:
		if (wr) {
			if (x < 0.0 || x > 1.0) {
				ui_log(p->ui, UI_LOG_WARN, "weights are within 0..1");
				return false;
			}
			*wr = clamp01(x);
			repreview(r);
		}
		break;
	}
	return true;
}

/* ---- text input --------------------------------------------------------------------- */

static void
utf8_append(char *buf, size_t size, int cp)
{
	char enc[5];
	size_t n;
	if (cp < 0x80) {
		enc[0] = (char)cp;
		n = 1;
	} else if (cp < 0x800) {
		enc[0] = (char)(0xC0 | (cp >> 6));
		enc[1] = (char)(0x80 | (cp & 0x3F));
		n = 2;
	} else if (cp < 0x10000) {
		enc[0] = (char)(0xE0 | (cp >> 12));
		enc[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
		enc[2] = (char)(0x80 | (cp & 0x3F));
		n = 3;
	} else {
		enc[0] = (char)(0xF0 | (cp >> 18));
		enc[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
		enc[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
		enc[3] = (char)(0x80 | (cp & 0x3F));
		n = 4;
	}
	size_t len = strlen(buf);
	if (len + n + 1 > size)
		return;
	memcpy(buf + len, enc, n);
	buf[len + n] = '\0';
}

static void
utf8_backspace(char *buf)
{
	size_t len = strlen(buf);
	while (len > 0) {
		len--;
		if (((unsigned char)buf[len] & 0xC0) != 0x80)
			break;
	}
	buf[len] = '\0';
}

static void
input_commit(struct pane *p)
{
	struct recallp *r = p->priv;
	enum rinput in = r->input;
	r->input = IN_NONE;
	switch (in) {
	case IN_QUERY:
		if (r->edit[0] == '\0')
			return;
		copy_str(r->query, sizeof(r->query), r->edit);
		history_add(r, r->query);
		run_query(p);
		break;
	case IN_VALUE:
		set_value(p, r->edit);
		break;
	case IN_PRESET_SAVE:
		preset_save(p, r->edit);
		break;
	case IN_PRESET_LOAD:
		preset_load(p, r->edit);
		break;
	default:
		break;
	}
}

static unsigned
input_key(struct pane *p, int key)
{
	struct recallp *r = p->priv;
	if (key == '\n') {
		input_commit(p);
	} else if (key == 0x1b || key == 0x03) {
		r->input = IN_NONE;
	} else if (key == UI_KEY_FN(KEY_BACKSPACE)) {
		utf8_backspace(r->edit);
	} else if (key == 0x15) {
		r->edit[0] = '\0';
	} else if (r->input == IN_QUERY && (key == UI_KEY_FN(KEY_UP) || key == UI_KEY_FN(KEY_DOWN))) {
		if (r->n_hist == 0)
			return UI_HANDLED;
		if (key == UI_KEY_FN(KEY_UP) && r->hist_pos > 0)
			r->hist_pos--;
		else if (key == UI_KEY_FN(KEY_DOWN) && r->hist_pos < r->n_hist)
			r->hist_pos++;
		if (r->hist_pos < r->n_hist)
			copy_str(r->edit, sizeof(r->edit), r->hist[r->hist_pos]);
		else
			r->edit[0] = '\0';
	} else if (key >= 0x20 && key != 0x7f && !(key >= 0x80 && key < 0xa0) &&
		   !(key >= 0xd800 && key < 0xe000) && key < 0x110000) {
		/* Pasted text arrives as keys too; a pasted newline submits. */
		utf8_append(r->edit, r->input == IN_QUERY ? sizeof(r->edit) : 64, key);
	}
	return UI_HANDLED;
}

static void
input_start(struct recallp *r, enum rinput in, const char *initial)
{
	r->input = in;
	copy_str(r->edit, sizeof(r->edit), initial ? initial : "");
	r->hist_pos = r->n_hist;
}

/* ---- keys ----------------------------------------------------------------------------- */

static void
open_entity(struct pane *p, size_t i)
{
	struct recallp *r = p->priv;
	const struct stg_fact *f = &r->rr->facts[i].fact;
	if (f->entity == NULL)
		return;
	struct ui_shared *sh = ui_shared(p->ui);
	snprintf(sh->selected_entity, sizeof(sh->selected_entity), "%s", f->entity);
	sh->selected_gen++;
	ui_focus_name(p->ui, "facts");
}

static unsigned
recall_key(struct pane *p, int key, enum ui_action a)
{
	struct recallp *r = p->priv;
	if (r->input != IN_NONE)
		return input_key(p, key);
	if (r->list.editing) {
		bool changed = false;
		unsigned res = ui_list_key(&r->list, key, a, &changed);
		if (changed)
			ui_list_rebuild(&r->list, r->order, r->n_order);
		return res;
	}
	char buf[200];
	switch (key) {
	case 'i':
		input_start(r, IN_QUERY, r->query);
		return UI_HANDLED;
	case ']':
		r->field = (r->field + 1) % F_COUNT;
		return UI_HANDLED;
	case '[':
		r->field = (r->field + F_COUNT - 1) % F_COUNT;
		return UI_HANDLED;
	case '+':
		nudge(p, 1);
		return UI_HANDLED;
	case '-':
		nudge(p, -1);
		return UI_HANDLED;
	case '=':
		input_start(r, IN_VALUE, NULL);
		return UI_HANDLED;
	case 'c':
		r->channel = (r->channel + 1) % 3;
		ui_list_remember(&r->list);
		rebuild_order(r);
		return UI_HANDLED;
	case 'a':
		pin_a(p);
		return UI_HANDLED;
	case 'b':
		if (!r->a_pinned) {
			ui_log(p->ui, UI_LOG_INFO, "Recall lab: pin weights as A first (a)");
			return UI_HANDLED;
		}
		r->ab_view = !r->ab_view;
		return UI_HANDLED;
	case 'w':
		input_start(r, IN_PRESET_SAVE, NULL);
		return UI_HANDLED;
	case 'o':
		preset_names(buf, sizeof(buf));
		ui_log(p->ui, UI_LOG_INFO, "Presets: %s", buf);
		input_start(r, IN_PRESET_LOAD, NULL);
		return UI_HANDLED;
	case 'x':
		export_all(p);
		return UI_HANDLED;
	case 'e': {
		size_t i = ui_list_selected(&r->list);
		if (i != SIZE_MAX && i < r->n && r->rr->facts[i].from_card)
			r->expanded[i] = !r->expanded[i];
		return UI_HANDLED;
	}
	case 'f': {
		size_t i = ui_list_selected(&r->list);
		if (i != SIZE_MAX && i < r->n)
			open_entity(p, i);
		return UI_HANDLED;
	}
	default:
		break;
	}
	if (r->ab_view && (a == UI_ACTION_CANCEL || a == UI_ACTION_BACK)) {
		r->ab_view = false;
		return UI_HANDLED;
	}
	bool changed = false;
	unsigned res = ui_list_key(&r->list, key, a, &changed);
	if (changed)
		ui_list_rebuild(&r->list, r->order, r->n_order);
	if (res & UI_HANDLED)
		return res;
	if (a == UI_ACTION_REFRESH) {
		run_query(p);
		return UI_HANDLED;
	}
	if (a == UI_ACTION_OPEN) {
		size_t i = ui_list_selected(&r->list);
		if (i == SIZE_MAX || i >= r->n)
			return UI_HANDLED;
		if (r->rr->facts[i].from_card)
			r->expanded[i] = !r->expanded[i];
		else
			open_entity(p, i);
		return UI_HANDLED;
	}
	return UI_UNHANDLED;
}

/* ---- drawing ------------------------------------------------------------------------- */

static int
draw_field(struct pane *p, WINDOW *w, int y, int x, int width, int f, const char *label,
	   const char *val)
{
	struct recallp *r = p->priv;
	if (x >= width)
		return x;
	bool sel = r->field == f;
	char buf[96];
	snprintf(buf, sizeof(buf), "%s%s %s%s", sel ? "[" : " ", label, val, sel ? "]" : " ");
	return x + ui_draw_text(p->ui, w, y, x, width - x, sel ? UI_ROLE_CURSOR : UI_ROLE_VALUE, buf);
}

static void
draw_params(struct pane *p, WINDOW *w, int width)
{
	struct recallp *r = p->priv;
	char v[32];
	/* Short labels on narrow screens so every field stays visible. */
	bool nar = width < 104;
	int x = nar ? 1 : ui_draw_text(p->ui, w, 1, 1, width - 1, UI_ROLE_LABEL, "Request") + 2;
	x = draw_field(p, w, 1, x, width, F_SCOPE, nar ? "sc" : "scope", scopes[r->scope_i]);
	snprintf(v, sizeof(v), "%d", r->budget);
	x = draw_field(p, w, 1, x, width, F_BUDGET, nar ? "budget" : "budget", v);
	snprintf(v, sizeof(v), "%d", r->depth);
	x = draw_field(p, w, 1, x, width, F_DEPTH, nar ? "depth" : "depth", v);
	x = draw_field(p, w, 1, x, width, F_NEIGH, nar ? "nbrs" : "neighbors", r->neigh ? "on" : "off");
	snprintf(v, sizeof(v), "%.2f", r->minconf);
	x = draw_field(p, w, 1, x, width, F_MINCONF, nar ? "minconf" : "min_conf", v);
	snprintf(v, sizeof(v), "%d", r->limit);
	x = draw_field(p, w, 1, x, width, F_LIMIT, nar ? "lim" : "limit", v);
	draw_field(p, w, 1, x, width, F_VERIFY, nar ? "verify" : "verify-full", r->verify ? "on" : "off");

	static const char *const short_w[5] = {"lex", "sem", "graph", "trust", "rec"};
	x = nar ? 1 : ui_draw_text(p->ui, w, 2, 1, width - 1, UI_ROLE_LABEL, "Weights") + 2;
	const double wv[5] = {r->w.lexical, r->w.semantic, r->w.graph, r->w.source_trust, r->w.recency};
	const int fl[5] = {F_WL, F_WS, F_WG, F_WT, F_WR};
	const char *gl[5] = {sig_glyph[0], sig_glyph[1], sig_glyph[2], CARD_GLYPH, sig_glyph[3]};
	const enum ui_role rl[5] = {sig_role[0], sig_role[1], sig_role[2], UI_ROLE_SCORE_SOURCE_TRUST,
				    sig_role[3]};
	for (int k = 0; k < 5 && x < width - 2; k++) {
		x += ui_draw_text(p->ui, w, 2, x, 2, rl[k], gl[k]);
		snprintf(v, sizeof(v), "%.2f", wv[k]);
		x = draw_field(p, w, 2, x, width, fl[k], nar ? short_w[k] : field_names[fl[k]], v);
	}
	snprintf(v, sizeof(v), " W=%.2f", stg_score_weight_sum(&r->w));
	if (x < width - 1)
		ui_draw_text(p->ui, w, 2, x, width - x, UI_ROLE_LIST_DIM, v);
}

static void
draw_gauge(struct pane *p, WINDOW *w, int y, int width)
{
	struct recallp *r = p->priv;
	const struct stg_recall_response *rr = r->rr;
	char buf[256];
	long long used = rr->tokens_used, budget = rr->token_budget > 0 ? rr->token_budget : 1;
	int cells = 12, fill = (int)((used * cells + budget / 2) / budget);
	if (fill > cells)
		fill = cells;
	int x = ui_draw_text(p->ui, w, y, 1, width - 1, UI_ROLE_LABEL, "Tokens [");
	for (int i = 0; i < cells; i++)
		x += ui_draw_text(p->ui, w, y, 1 + x, 1, i < fill ? UI_ROLE_STATUS_OK : UI_ROLE_LIST_DIM,
				  i < fill ? "#" : "-");
	char ts[40];
	if (rr->has_total_scored)
		snprintf(ts, sizeof(ts), "%lld", rr->total_scored);
	else
		snprintf(ts, sizeof(ts), "null (tombstones filtered)");
	snprintf(buf, sizeof(buf),
		 width < 104 ? "] %lld/%lld %lld%% trunc:%s scored:%s"
			     : "] %lld/%lld (%lld%%)  truncated:%s  total_scored:%s",
		 used, rr->token_budget, used * 100 / budget, rr->truncated ? "YES" : "no", ts);
	x += ui_draw_text(p->ui, w, y, 1 + x, width - x - 1, UI_ROLE_VALUE, buf) + 2;
	static const char *const ch[3] = {"facts", "content", "instructions"};
	size_t cnt[3] = {r->n, rr->has_channels ? rr->n_content : 0,
			 rr->has_channels ? rr->n_instructions : 0};
	if (width < 104)
		x -= 1;
	x += ui_draw_text(p->ui, w, y, 1 + x, width - x - 1, UI_ROLE_LABEL, "c:");
	static const char *const chs[3] = {"all", "cont", "instr"};
	for (int i = 0; i < 3 && x < width - 2; i++) {
		snprintf(buf, sizeof(buf), r->channel == i ? "[%s %zu]" : " %s %zu ",
			 width < 104 ? chs[i] : ch[i], cnt[i]);
		x += ui_draw_text(p->ui, w, y, 1 + x, width - x - 1,
				  r->channel == i ? UI_ROLE_PANE_TITLE_FOCUS : UI_ROLE_LIST_DIM, buf);
	}
}

/* The line that says what the list is and what a change did. */
static void
draw_note(struct pane *p, WINDOW *w, int y, int width)
{
	struct recallp *r = p->priv;
	char buf[600];
	enum ui_role role = UI_ROLE_NOTICE;
	if (r->field == F_WT) {
		snprintf(buf, sizeof(buf),
			 "source_trust has NO EFFECT on this node: its ranker ignores it (breakdown "
			 "source_trust is always 0).");
		role = UI_ROLE_STATUS_WARN;
	} else if (r->field == F_WS && r->semantic_zero && r->rr) {
		snprintf(buf, sizeof(buf),
			 "semantic has NO EFFECT on the order here: every semantic signal is 0 "
			 "(embeddings off), it only rescales scores.");
		role = UI_ROLE_STATUS_WARN;
	} else if (r->preview) {
		const char *nt = stg_score_rerank_note_text(r->notes);
		bool exact = (r->notes & (STG_RERANK_LEXICAL_OFF | STG_RERANK_LEXICAL_ON |
					  STG_RERANK_GRAPH_OFF | STG_RERANK_GRAPH_ON |
					  STG_RERANK_SEMANTIC_OFF | STG_RERANK_SEMANTIC_ON)) == 0;
		if (exact)
			snprintf(buf, sizeof(buf), "PREVIEW (local re-rank, markers vs the node's order; r "
				 "runs it on the node)%s%s", nt[0] ? ": " : "", nt);
		else
			snprintf(buf, sizeof(buf), "PREVIEW, NOT EXACT: %s (r runs it on the node)", nt);
		role = exact ? UI_ROLE_STATUS_WARN : UI_ROLE_STATUS_ERROR;
	} else if (r->have_prev_run) {
		size_t up = 0, down = 0, nw = 0;
		for (size_t i = 0; i < r->n; i++) {
			long d = r->run_delta[i];
			if (d == STG_SCORE_RANK_NEW)
				nw++;
			else if (d > 0)
				up++;
			else if (d < 0)
				down++;
		}
		snprintf(buf, sizeof(buf), "Node run; vs the previous run: %zu up, %zu down, %zu new, %zu gone",
			 up, down, nw, r->n_gone);
	} else {
		snprintf(buf, sizeof(buf), "Node run (weights %.2f,%.2f,%.2f,%.2f,%.2f). Change a weight: "
			 "the list re-ranks at once.", r->served_w.lexical, r->served_w.semantic,
			 r->served_w.graph, r->served_w.source_trust, r->served_w.recency);
		role = UI_ROLE_LIST_DIM;
	}
	ui_draw_text(p->ui, w, y, 1, width - 2, role, buf);
}

/* Stacked bar of fact index i, scaled so `top` fills BAR_W cells. */
/* Node text clipped from the left ("…" + tail): entity URIs share their
 * prefix, the tail tells them apart. */
static int
draw_tail(struct ui *ui, WINDOW *w, int y, int x, int width, enum ui_role role, const char *s)
{
	size_t len = s ? strlen(s) : 0;
	if (width <= 1)
		return 0;
	size_t cps = stg_score_codepoints(s ? s : "", len);
	if (cps <= (size_t)width)
		return ui_draw_node_text(ui, w, y, x, width, role, s ? s : "", len, NULL);
	size_t skip = cps - (size_t)width + 1, off = 0;
	while (off < len && skip > 0) {
		off++;
		while (off < len && ((unsigned char)s[off] & 0xC0) == 0x80)
			off++;
		skip--;
	}
	int used = ui_draw_text(ui, w, y, x, 1, UI_ROLE_LIST_DIM, "…");
	return used + ui_draw_node_text(ui, w, y, x + used, width - used, role, s + off, len - off, NULL);
}

static void
draw_bar(struct pane *p, WINDOW *w, int y, int x, size_t i, double top)
{
	struct recallp *r = p->priv;
	const struct stg_rerank_entry *e = &r->ent[r->ent_of[i]];
	const struct stg_scored_fact *sf = &r->rr->facts[i];
	double scale = top > 0 ? BAR_W / top : 0;
	if (sf->from_card) {
		int cells = (int)lround(e->new_score * scale);
		for (int c = 0; c < cells && c < BAR_W; c++)
			ui_draw_text(p->ui, w, y, x + c, 1, UI_ROLE_SCORE_SOURCE_TRUST, CARD_GLYPH);
		return;
	}
	double contrib[4];
	stg_score_contributions(&r->w, &e->breakdown, sf->hop_distance, e->factor, contrib);
	double cum = 0;
	int done = 0;
	for (int k = 0; k < 4; k++) {
		cum += contrib[k];
		int end = (int)lround(cum * scale);
		if (end > BAR_W)
			end = BAR_W;
		for (; done < end; done++)
			ui_draw_text(p->ui, w, y, x + done, 1, sig_role[k], sig_glyph[k]);
	}
}

static void
cid_badge(const struct recallp *r, size_t i, const char **badge, enum ui_role *role)
{
	if (r->rr->facts[i].from_card) {
		*badge = "card";
		*role = UI_ROLE_CID_NONE;
		return;
	}
	const struct stg_fact_cid_check *ck = &r->cid[i];
	*badge = "cid:?";
	*role = UI_ROLE_CID_UNVERIFIABLE;
	switch (ck->verdict) {
	case STG_CID_VERIFIED: *badge = "cid:ok"; *role = UI_ROLE_CID_VERIFIED; break;
	case STG_CID_VERIFIED_INTEGER_SPELLING: *badge = "cid:int"; *role = UI_ROLE_CID_INTEGER; break;
	case STG_CID_MISMATCH:
		*badge = ck->possibly_sanitized ? "cid:san?" : "cid:BAD";
		*role = ck->possibly_sanitized ? UI_ROLE_CID_UNVERIFIABLE : UI_ROLE_CID_MISMATCH;
		break;
	case STG_CID_NO_CID: *badge = "cid:-"; *role = UI_ROLE_CID_NONE; break;
	case STG_CID_UNVERIFIABLE_REDACTED: *badge = "cid:red"; *role = UI_ROLE_CID_UNVERIFIABLE; break;
	}
}

static int
draw_value(struct ui *ui, WINDOW *w, int y, int x, int width, enum ui_role role,
	   const struct stg_value *v)
{
	char b[64];
	if (v->is_null)
		return ui_draw_text(ui, w, y, x, width, UI_ROLE_LIST_DIM, "null");
	if (v->type == STG_VT_NUMBER) {
		snprintf(b, sizeof(b), "%.15g", v->num);
		return ui_draw_text(ui, w, y, x, width, role, b);
	}
	if (v->type == STG_VT_BOOLEAN)
		return ui_draw_text(ui, w, y, x, width, role, v->boolean ? "true" : "false");
	return ui_draw_node_text(ui, w, y, x, width, role, v->str ? v->str : "", v->str ? v->str_len : 0, NULL);
}

/* Card text under an expanded card row; returns the rows used. */
static int
draw_card_text(struct ui *ui, WINDOW *w, int y, int maxy, int width, const struct stg_value *v)
{
	const char *s = v->str ? v->str : "";
	size_t len = v->str ? v->str_len : 0, off = 0;
	size_t step = width > 16 ? (size_t)width - 10 : 8;
	int used = 0;
	while (off < len && y + used < maxy && used < 12) {
		size_t n = len - off < step ? len - off : step;
		const char *nl = memchr(s + off, '\n', n);
		bool at_nl = nl != NULL;
		if (at_nl)
			n = (size_t)(nl - (s + off));
		while (!at_nl && off + n < len && n > 1 && ((unsigned char)s[off + n] & 0xC0) == 0x80)
			n--;
		ui_draw_text(ui, w, y + used, 6, 2, UI_ROLE_LIST_DIM, "│");
		ui_draw_node_text(ui, w, y + used, 8, width - 9, UI_ROLE_VALUE, s + off, n, NULL);
		off += n + (at_nl ? 1 : 0);
		used++;
	}
	if (len == 0 && y < maxy) {
		ui_draw_text(ui, w, y, 8, width - 9, UI_ROLE_LIST_DIM, "(empty card)");
		used = 1;
	}
	return used;
}

static void
draw_results(struct pane *p, WINDOW *w, int y0, int maxy, int width)
{
	struct recallp *r = p->priv;
	struct ui *ui = p->ui;
	bool wide = width >= 110;
	ui_fill_row(ui, w, y0, 0, width, UI_ROLE_LIST_HEADER);
	ui_draw_text(ui, w, y0, 1, width - 1, UI_ROLE_LIST_HEADER,
		     wide ? "  #  move score    contributions     lex    sem    graph  recency hop  tok badge    entity  relation  value"
			  : "  #  move score    contributions     hop  tok badge    entity  relation  value");
	int rows = maxy - y0 - 1;
	r->list.rows = rows > 0 ? (size_t)rows : 1;
	double top = 0;
	for (size_t k = 0; k < r->n_order; k++) {
		double s = r->ent[r->ent_of[r->order[k]]].new_score;
		if (s > top)
			top = s;
	}
	int y = y0 + 1;
	for (size_t vi = r->list.top; vi < r->list.n_view && y < maxy; vi++) {
		size_t i = r->list.view[vi];
		const struct stg_scored_fact *sf = &r->rr->facts[i];
		const struct stg_rerank_entry *e = &r->ent[r->ent_of[i]];
		bool sel = vi == r->list.cursor;
		enum ui_role base = sel ? UI_ROLE_CURSOR : (e->likely_absent ? UI_ROLE_LIST_DIM : UI_ROLE_NORMAL);
		if (sel)
			ui_fill_row(ui, w, y, 0, width, UI_ROLE_CURSOR);
		char b[160];
		snprintf(b, sizeof(b), "%3zu", e->new_rank);
		int x = 1 + ui_draw_text(ui, w, y, 1, 4, base, b) + 1;
		enum ui_role mr;
		marker(r, i, b, sizeof(b), &mr);
		x += ui_draw_text(ui, w, y, x, 5, sel ? base : mr, b) + 1;
		snprintf(b, sizeof(b), "%.6f", e->new_score);
		x += ui_draw_text(ui, w, y, x, 8, base, b) + 1;
		draw_bar(p, w, y, x, i, top);
		x += BAR_W + 2;
		if (wide) {
			snprintf(b, sizeof(b), "%.4f %.4f %.4f %.4f", sf->breakdown.lexical,
				 sf->breakdown.semantic, sf->breakdown.graph, sf->breakdown.recency);
			if (sf->from_card)
				snprintf(b, sizeof(b), "card: avg confidence %.4f", sf->breakdown.source_trust);
			ui_draw_text(ui, w, y, x, 27, sel ? base : UI_ROLE_LIST_DIM, b);
			x += 28;
		}
		snprintf(b, sizeof(b), "%3d %4lld", sf->hop_distance, sf->token_estimate);
		x += ui_draw_text(ui, w, y, x, 8, base, b) + 1;
		const char *badge;
		enum ui_role br;
		cid_badge(r, i, &badge, &br);
		ui_draw_text(ui, w, y, x, 8, sel ? base : br, badge);
		x += 9;
		const struct stg_fact *f = &sf->fact;
		if (sf->from_card) {
			x += ui_draw_text(ui, w, y, x, width - x, base, r->expanded[i] ? "▾ " : "▸ ");
		}
		int ew = (width - x) * 2 / 5;
		if (ew < 12)
			ew = 12;
		if (x < width - 1) {
			draw_tail(ui, w, y, x, ew < width - x - 1 ? ew : width - x - 1, base, f->entity);
			x += ew + 1;
		}
		if (!sf->from_card && x < width - 1) {
			int rw = (width - x) / 2 < 14 ? (width - x) / 2 : 14;
			draw_tail(ui, w, y, x, rw, base, f->relation);
			x += rw + 1;
		}
		if (x < width - 1)
			draw_value(ui, w, y, x, width - x - 1, base, &f->value);
		if (e->likely_absent && !sel)
			ui_draw_text(ui, w, y, width - 9, 8, UI_ROLE_STATUS_WARN, " [gone?]");
		y++;
		if (sf->from_card && r->expanded[i])
			y += draw_card_text(ui, w, y, maxy, width, &f->value);
	}
	if (r->list.n_view == 0 && y < maxy)
		ui_draw_text(ui, w, y, 3, width - 4, UI_ROLE_LIST_DIM,
			     r->channel ? "Nothing in this channel (c switches)." : "");
}

static void
draw_ab(struct pane *p, WINDOW *w, int y0, int maxy, int width)
{
	struct recallp *r = p->priv;
	struct ui *ui = p->ui;
	size_t nb = r->n;
	const char **bids = calloc(nb + 1, sizeof(*bids));
	long *delta = calloc(nb + 1, sizeof(*delta));
	if (bids == NULL || delta == NULL) {
		free(bids);
		free(delta);
		return;
	}
	for (size_t k = 0; k < nb; k++)
		bids[k] = fact_id(r, r->ent[k].index);
	size_t gone = 0;
	stg_score_rank_changes((const char *const *)r->a_ids, r->n_a, bids, nb, delta, &gone);
	size_t k10 = 10;
	double ov = stg_score_overlap_at_k((const char *const *)r->a_ids, r->n_a, bids, nb, k10);
	double rbo = stg_score_rbo((const char *const *)r->a_ids, r->n_a, bids, nb, STG_SCORE_RBO_P);
	char b[300];
	snprintf(b, sizeof(b), "A %.2f,%.2f,%.2f,%.2f,%.2f%s  vs  B %.2f,%.2f,%.2f,%.2f,%.2f%s   "
		 "overlap@10 %.2f  RBO(p=%.1f) %.3f  %zu only in A",
		 r->wa.lexical, r->wa.semantic, r->wa.graph, r->wa.source_trust, r->wa.recency,
		 r->a_preview ? " (preview)" : "", r->w.lexical, r->w.semantic, r->w.graph,
		 r->w.source_trust, r->w.recency, r->preview ? " (preview)" : "", ov, STG_SCORE_RBO_P,
		 rbo, gone);
	ui_draw_text(ui, w, y0, 1, width - 2, UI_ROLE_NOTICE, b);
	int half = width / 2;
	ui_fill_row(ui, w, y0 + 1, 0, width, UI_ROLE_LIST_HEADER);
	ui_draw_text(ui, w, y0 + 1, 1, half - 1, UI_ROLE_LIST_HEADER, "  #  A score    entity  relation");
	ui_draw_text(ui, w, y0 + 1, half + 1, width - half - 1, UI_ROLE_LIST_HEADER,
		     "  #  move B score    entity  relation");
	for (size_t k = 0; y0 + 2 + (int)k < maxy; k++) {
		int y = y0 + 2 + (int)k;
		if (k < r->n_a) {
			size_t j = SIZE_MAX;
			for (size_t q = 0; q < r->n && j == SIZE_MAX; q++)
				if (strcmp(fact_id(r, q), r->a_ids[k]) == 0)
					j = q;
			bool in_b = false;
			for (size_t q = 0; q < nb && !in_b; q++)
				in_b = strcmp(bids[q], r->a_ids[k]) == 0;
			snprintf(b, sizeof(b), "%3zu  %.6f ", k + 1, r->a_scores[k]);
			int x = 1 + ui_draw_text(ui, w, y, 1, half - 2, in_b ? UI_ROLE_NORMAL : UI_ROLE_LIST_DIM, b);
			if (j != SIZE_MAX) {
				const struct stg_fact *f = &r->rr->facts[j].fact;
				int ew = (half - x) * 3 / 5;
				draw_tail(ui, w, y, x, ew, UI_ROLE_NORMAL, f->entity);
				x += ew + 1;
				if (x < half - 1)
					ui_draw_node_text(ui, w, y, x, half - x - 1, UI_ROLE_LIST_DIM,
							  f->relation ? f->relation : "",
							  f->relation ? strlen(f->relation) : 0, NULL);
			} else {
				ui_draw_node_text(ui, w, y, x, half - x - 1, UI_ROLE_LIST_DIM, r->a_ids[k],
						  strlen(r->a_ids[k]), NULL);
			}
			if (!in_b)
				ui_draw_text(ui, w, y, half - 7, 6, UI_ROLE_STATUS_WARN, "[gone]");
		}
		if (k < nb) {
			size_t i = r->ent[k].index;
			const struct stg_fact *f = &r->rr->facts[i].fact;
			snprintf(b, sizeof(b), "%3zu  ", k + 1);
			int x = half + 1 + ui_draw_text(ui, w, y, half + 1, 5, UI_ROLE_NORMAL, b);
			enum ui_role mr = UI_ROLE_LIST_DIM;
			long d = delta[k];
			if (d == STG_SCORE_RANK_NEW) {
				snprintf(b, sizeof(b), "new ");
				mr = UI_ROLE_STATUS_OK;
			} else if (d > 0) {
				snprintf(b, sizeof(b), "▲%-3ld", d);
				mr = UI_ROLE_STATUS_OK;
			} else if (d < 0) {
				snprintf(b, sizeof(b), "▼%-3ld", -d);
				mr = UI_ROLE_STATUS_WARN;
			} else {
				snprintf(b, sizeof(b), "=   ");
			}
			x += ui_draw_text(ui, w, y, x, 5, mr, b) + 1;
			snprintf(b, sizeof(b), "%.6f ", r->ent[k].new_score);
			x += ui_draw_text(ui, w, y, x, 10, UI_ROLE_NORMAL, b);
			int ew = (width - x) * 3 / 5;
			draw_tail(ui, w, y, x, ew, UI_ROLE_NORMAL, f->entity);
			x += ew + 1;
			if (x < width - 1)
				ui_draw_node_text(ui, w, y, x, width - x - 1, UI_ROLE_LIST_DIM,
						  f->relation ? f->relation : "",
						  f->relation ? strlen(f->relation) : 0, NULL);
		}
		if (k >= r->n_a && k >= nb)
			break;
	}
	free(bids);
	free(delta);
}

static void
recall_draw(struct pane *p, WINDOW *w, int h, int width)
{
	struct recallp *r = p->priv;
	struct ui *ui = p->ui;
	/* Query line. */
	int x = ui_draw_text(ui, w, 0, 1, width - 1, UI_ROLE_LABEL, "Query ›") + 2;
	if (r->input == IN_QUERY) {
		/* Typed or pasted text is drawn sanitized like node text. */
		x += ui_draw_node_text(ui, w, 0, x, width - x - 1, UI_ROLE_FILTER_PROMPT, r->edit,
				       strlen(r->edit), NULL);
		ui_draw_text(ui, w, 0, x, 1, UI_ROLE_CURSOR, " ");
	} else if (r->query[0]) {
		ui_draw_node_text(ui, w, 0, x, width - x - 24, UI_ROLE_VALUE, r->query, strlen(r->query),
				  NULL);
	} else {
		ui_draw_text(ui, w, 0, x, width - x - 24, UI_ROLE_LIST_DIM, "(press i to type a query)");
	}
	if (r->loading) {
		char b[40];
		snprintf(b, sizeof(b), "%s running", ui_spinner(ui));
		ui_draw_text(ui, w, 0, width - 12, 11, UI_ROLE_STATUS_SPINNER, b);
	} else if (r->rr) {
		ui_draw_text(ui, w, 0, width - 12, 11, r->preview ? UI_ROLE_STATUS_WARN : UI_ROLE_STATUS_OK,
			     r->preview ? "◆ PREVIEW" : "● node run");
	}
	draw_params(p, w, width);
	int foot = h - 2;
	/* Footer: legend and keys (or a prompt). */
	if (h >= 8) {
		x = ui_draw_text(ui, w, foot, 1, width - 1, UI_ROLE_LABEL, "Legend ");
		for (int k = 0; k < 4; k++) {
			x += ui_draw_text(ui, w, foot, 1 + x, 2, sig_role[k], sig_glyph[k]);
			x += ui_draw_text(ui, w, foot, 1 + x, width - x - 1, UI_ROLE_LIST_DIM, sig_name[k]) + 1;
			x += ui_draw_text(ui, w, foot, 1 + x, 1, UI_ROLE_LIST_DIM, " ");
		}
		x += ui_draw_text(ui, w, foot, 1 + x, 2, UI_ROLE_SCORE_SOURCE_TRUST, CARD_GLYPH);
		x += ui_draw_text(ui, w, foot, 1 + x, width - x - 1, UI_ROLE_LIST_DIM,
				  "card  ▲▼ moved  new  [gone?] not on the node under these weights");
	}
	const char *prompt = NULL;
	switch (r->input) {
	case IN_VALUE: prompt = field_names[r->field]; break;
	case IN_PRESET_SAVE: prompt = "save weights as preset"; break;
	case IN_PRESET_LOAD: prompt = "load preset"; break;
	default: break;
	}
	if (prompt) {
		char b[200];
		snprintf(b, sizeof(b), "%s = ", prompt);
		x = ui_draw_text(ui, w, h - 1, 1, width - 1, UI_ROLE_FILTER_PROMPT, b);
		x += ui_draw_node_text(ui, w, h - 1, 1 + x, width - x - 2, UI_ROLE_FILTER_PROMPT, r->edit,
				       strlen(r->edit), NULL);
		ui_draw_text(ui, w, h - 1, 1 + x, 1, UI_ROLE_CURSOR, " ");
	} else if (r->list.editing || r->list.filter[0]) {
		ui_list_draw_prompt(ui, &r->list, w, h - 1, width);
	} else {
		ui_draw_text(ui, w, h - 1, 1, width - 1, UI_ROLE_LIST_DIM,
			     r->input == IN_QUERY ? "Enter run  Up/Down history  Esc cancel  C-u clear"
			     : "i query  [ ] field  + - nudge  = type  r run  c channel  e card  f facts  a pin A  b A/B  w/o presets  x export");
	}
	if (r->error[0]) {
		ui_draw_text(ui, w, 4, 1, width - 2, UI_ROLE_LOG_ERROR, r->error);
		ui_draw_text(ui, w, 5, 1, width - 2, UI_ROLE_LIST_DIM, r->error_hint);
		return;
	}
	if (r->rr == NULL) {
		if (!r->loading) {
			ui_draw_text(ui, w, 4, 1, width - 2, UI_ROLE_LIST_DIM,
				     "Recall lab: press i, type what you would ask the memory (e.g. team), "
				     "Enter runs it.");
			ui_draw_text(ui, w, 5, 1, width - 2, UI_ROLE_LIST_DIM,
				     "Then select a weight with [ ] and press + or -: the results re-rank "
				     "at once (preview); r asks the node.");
		}
		return;
	}
	draw_gauge(p, w, 3, width);
	if (r->n == 0) {
		char b[200];
		int nx = 1 + ui_draw_text(ui, w, 5, 1, width - 2, UI_ROLE_LIST_DIM, "No results for \"");
		nx += ui_draw_node_text(ui, w, 5, nx, width / 3, UI_ROLE_VALUE, r->served_query,
					strlen(r->served_query), NULL);
		snprintf(b, sizeof(b), "\" (total_scored %lld). Try other words, a lower min_conf or "
			 "another scope.", r->rr->has_total_scored ? r->rr->total_scored : 0);
		if (nx < width - 2)
			ui_draw_text(ui, w, 5, nx, width - nx - 1, UI_ROLE_LIST_DIM, b);
		return;
	}
	if (r->ab_view) {
		draw_ab(p, w, 4, foot, width);
		return;
	}
	draw_note(p, w, 4, width);
	draw_results(p, w, 5, foot, width);
}

static void
recall_show(struct pane *p)
{
	(void)p;
}

static void
recall_summary(struct pane *p, char *buf, size_t size)
{
	struct recallp *r = p->priv;
	if (r->loading)
		snprintf(buf, size, "running");
	else if (r->rr)
		snprintf(buf, size, "%zu results%s", r->n, r->preview ? " (preview)" : "");
	else
		buf[0] = '\0';
}

static bool
recall_raw(struct pane *p, const char **label, const char **data, size_t *len)
{
	struct recallp *r = p->priv;
	size_t i = ui_list_selected(&r->list);
	if (r->rr == NULL || i == SIZE_MAX || i >= r->n)
		return false;
	const struct stg_value *v = &r->rr->facts[i].fact.value;
	if (v->str == NULL)
		return false;
	*label = r->rr->facts[i].from_card ? "card summary" : "fact value";
	*data = v->str;
	*len = v->str_len;
	return true;
}

static bool
rc_text_input(struct pane *p)
{
	const struct recallp *r = p->priv;
	return r != NULL && r->input != IN_NONE;
}

const struct pane_ops pane_recall_ops = {
	.text_input = rc_text_input,
	.name = "recall",
	.title = "Recall",
	.tab_key = "5",
	.init = recall_init,
	.free = recall_free,
	.show = recall_show,
	.draw = recall_draw,
	.on_key = recall_key,
	.on_response = recall_response,
	.summary = recall_summary,
	.raw_value = recall_raw,
	.help = "Recall lab: i types a query (Up/Down history), Enter runs it; r runs it again.\n"
		"[ ] select a parameter or weight, + - nudge it (weights by 0.05), = types a value.\n"
		"A weight change re-ranks the current results locally at once (PREVIEW);\n"
		"r asks the node. After each node run: ▲N up, ▼N down, new, and how many are gone.\n"
		"Bar: each signal's share of the score (█ lexical ▓ semantic ▒ graph ░ recency, ▪ card).\n"
		"c cycles facts/content/instructions; Enter opens the entity's facts, f too (also for a\n"
		"card); e or Enter expands a card to its text. R shows the raw bytes of the value.\n"
		"a pins the weights as A, b shows A and B side by side (overlap@10, RBO).\n"
		"w saves the weights as a preset, o loads one ($XDG_CONFIG_HOME/stigmem-tui/presets).\n"
		"x exports the request (curl, Python) and the response (JSON) to the current directory.",
};
