/* pane_facts.c — facts of the entity selected in the browser
 * (include_contradicted and include_expired), grouped by relation, the
 * winner per relation+scope first (higher confidence, then higher HLC),
 * with text markers for retracted / expired / contradicted / redacted /
 * quarantined facts. Facts are de-duplicated by id (the node's cursor
 * paging is unsound; stigmem-api.md §12). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "stigmem/codec.h"
#include "stigmem/sanitize.h"
#include "stigmem/verify.h"
#include "ui/ui.h"

struct factsp {
	struct stg_async_result *res;  /* owned: the current page */
	struct stg_fact **rows;        /* into res->arena, sorted; NULL = group header */
	size_t n_rows;
	bool *winner;
	struct stg_fact_cid_check *cid; /* per row (facts only) */
	size_t *order;
	struct ui_list list;
	uint64_t shown_gen;            /* ui_shared.selected_gen loaded */
	char entity[2048];
	bool loading;
	size_t detail;                 /* row shown in the detail view, SIZE_MAX = list */
	size_t detail_top;             /* first detail line shown */
	char error[600];
	size_t dupes;
	uint64_t filter_gen;           /* ui_shared.facts_filter_gen applied */
};

static const char *
row_id(void *ctx, size_t i)
{
	struct factsp *f = ctx;
	return i < f->n_rows && f->rows[i] && f->rows[i]->id ? f->rows[i]->id : "";
}

static const char *
row_text(void *ctx, size_t i)
{
	struct factsp *f = ctx;
	if (i >= f->n_rows || f->rows[i] == NULL)
		return "";
	const struct stg_fact *x = f->rows[i];
	/* Match on relation or value text. */
	if (x->relation && x->value.str && ui_list_match(x->value.str, f->list.filter))
		return x->value.str;
	return x->relation ? x->relation : "";
}

static int
facts_init(struct pane *p)
{
	struct factsp *f = calloc(1, sizeof(*f));
	if (f == NULL)
		return -1;
	ui_list_init(&f->list, (struct ui_list_src){.ctx = f, .id = row_id, .text = row_text});
	f->detail = SIZE_MAX;
	p->priv = f;
	return 0;
}

static void
drop_rows(struct factsp *f)
{
	free(f->rows);
	free(f->winner);
	free(f->cid);
	free(f->order);
	f->rows = NULL;
	f->cid = NULL;
	f->winner = NULL;
	f->order = NULL;
	f->n_rows = 0;
	stg_async_result_free(f->res);
	f->res = NULL;
}

static void
facts_free(struct pane *p)
{
	struct factsp *f = p->priv;
	if (f == NULL)
		return;
	drop_rows(f);
	ui_list_done(&f->list);
	free(f);
	p->priv = NULL;
}

static void
load(struct pane *p)
{
	struct factsp *f = p->priv;
	struct ui_shared *sh = ui_shared(p->ui);
	f->shown_gen = sh->selected_gen;
	snprintf(f->entity, sizeof(f->entity), "%s", sh->selected_entity);
	f->error[0] = '\0';
	if (f->entity[0] == '\0')
		return;
	p->gen++;
	struct stg_error err;
	stg_error_clear(&err);
	struct stg_query_params q = {0};
	q.entity = f->entity;
	q.include_contradicted = STG_OPT_TRUE;
	q.include_expired = STG_OPT_TRUE;
	q.limit = 500;
	struct stg_request *req = stg_request_query(&q, &err);
	if (req == NULL) {
		ui_log_error(p->ui, "GET /v1/facts", &err);
		return;
	}
	/* Keep each fact's JSON for the detail view. */
	stg_request_set_decode_flags(req, STG_DECODE_KEEP_RAW);
	f->detail = SIZE_MAX;
	f->loading = true;
	ui_submit(p->ui, p, req, 0);
	ui_pane_dirty(p);
}

/* A link from another pane (the memory card) asks for one relation. */
static void
apply_shared_filter(struct factsp *f, struct ui_shared *sh)
{
	if (sh->facts_filter_gen == f->filter_gen)
		return;
	f->filter_gen = sh->facts_filter_gen;
	size_t n = strnlen(sh->facts_filter, sizeof(f->list.filter) - 1);
	memcpy(f->list.filter, sh->facts_filter, n);
	f->list.filter[n] = '\0';
	f->list.editing = false;
	f->detail = SIZE_MAX;
	if (f->order)
		ui_list_rebuild(&f->list, f->order, f->n_rows);
}

static void
facts_show(struct pane *p)
{
	struct factsp *f = p->priv;
	apply_shared_filter(f, ui_shared(p->ui));
	if (ui_shared(p->ui)->selected_gen != f->shown_gen || (f->res == NULL && !f->loading))
		load(p);
}

static bool
is_retracted(const struct stg_fact *x)
{
	return x->confidence == 0.0 && x->value.str && strcmp(x->value.str, "retracted") == 0;
}

static bool
is_expired(const struct stg_fact *x)
{
	if (x->valid_until == NULL)
		return false;
	char now[40];
	time_t t = time(NULL);
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(now, sizeof(now), "%Y-%m-%dT%H:%M:%S", &tm);
	return strncmp(x->valid_until, now, 19) < 0;
}

static int
cmp_fact(const void *a, const void *b)
{
	const struct stg_fact *x = *(struct stg_fact *const *)a, *y = *(struct stg_fact *const *)b;
	int c = strcmp(x->relation ? x->relation : "", y->relation ? y->relation : "");
	if (c)
		return c;
	c = strcmp(x->scope ? x->scope : "", y->scope ? y->scope : "");
	if (c)
		return c;
	if (x->confidence != y->confidence)
		return x->confidence > y->confidence ? -1 : 1;
	return -stg_hlc_compare(x->hlc, y->hlc);
}

static void
build_rows(struct factsp *f)
{
	const struct stg_fact_page *pg = f->res ? f->res->value : NULL;
	size_t n = pg ? pg->n_facts : 0;
	struct stg_fact **tmp = calloc(n + 1, sizeof(*tmp));
	f->rows = calloc(2 * n + 1, sizeof(*f->rows));
	f->winner = calloc(2 * n + 1, sizeof(*f->winner));
	f->order = calloc(2 * n + 1, sizeof(*f->order));
	f->cid = calloc(2 * n + 1, sizeof(*f->cid));
	if (tmp == NULL || f->rows == NULL || f->winner == NULL || f->order == NULL || f->cid == NULL) {
		free(tmp);
		return;
	}
	size_t k = 0;
	f->dupes = 0;
	for (size_t i = 0; i < n; i++) {
		struct stg_fact *x = &pg->facts[i];
		bool dup = false;
		for (size_t j = 0; j < k && x->id; j++)
			if (tmp[j]->id && strcmp(tmp[j]->id, x->id) == 0)
				dup = true;
		if (dup) {
			f->dupes++;
			continue;
		}
		tmp[k++] = x;
	}
	qsort(tmp, k, sizeof(*tmp), cmp_fact);
	size_t r = 0;
	const char *prev_rel = NULL, *prev_scope = NULL;
	for (size_t i = 0; i < k; i++) {
		const char *rel = tmp[i]->relation ? tmp[i]->relation : "";
		const char *sc = tmp[i]->scope ? tmp[i]->scope : "";
		if (prev_rel == NULL || strcmp(prev_rel, rel) != 0) {
			f->rows[r++] = NULL;  /* relation header */
			prev_scope = NULL;
		}
		bool first = prev_scope == NULL || strcmp(prev_scope, sc) != 0 || strcmp(prev_rel, rel) != 0;
		f->winner[r] = first && !is_retracted(tmp[i]);
		/* The CID is computed locally, never trusted from the node. */
		stg_verify_fact_cid(tmp[i], &f->cid[r]);
		f->rows[r++] = tmp[i];
		prev_rel = rel;
		prev_scope = sc;
	}
	f->n_rows = r;
	for (size_t i = 0; i < r; i++)
		f->order[i] = i;
	free(tmp);
	ui_list_rebuild(&f->list, f->order, f->n_rows);
}

static void
facts_response(struct pane *p, int tag, struct stg_async_result *res)
{
	struct factsp *f = p->priv;
	(void)tag;
	f->loading = false;
	if (res->status != STG_OK) {
		if (res->status != STG_ERR_CANCELLED)
			ui_log_error(p->ui, "GET /v1/facts", &res->error);
		char d[400];
		stg_text_sanitize(res->error.detail, strnlen(res->error.detail, sizeof(res->error.detail)),
				  NULL, d, sizeof(d), NULL);
		snprintf(f->error, sizeof(f->error), "%s%s%s", stg_status_message(res->status),
			 d[0] ? ": " : "", d);
		stg_async_result_free(res);
		ui_pane_dirty(p);
		return;
	}
	ui_list_remember(&f->list);
	drop_rows(f);
	f->detail = SIZE_MAX;
	f->res = res;
	build_rows(f);
	ui_pane_dirty(p);
}


/* ---- detail view ------------------------------------------------------------ */

struct dctx {
	struct ui *ui;
	WINDOW *w;
	int h, width;
	size_t line;    /* logical line being produced */
	size_t top;     /* first logical line shown */
	int y;
};

static void
d_row(struct dctx *d, const char *label, enum ui_role r, const char *val, bool node)
{
	size_t ln = d->line++;
	if (ln < d->top || d->y >= d->h)
		return;
	int y = d->y++;
	ui_draw_text(d->ui, d->w, y, 2, 22, UI_ROLE_LABEL, label);
	if (val == NULL)
		ui_draw_text(d->ui, d->w, y, 25, d->width - 26, UI_ROLE_LIST_DIM, "(null)");
	else if (node)
		ui_draw_node_text(d->ui, d->w, y, 25, d->width - 26, r, val, strlen(val), NULL);
	else
		ui_draw_text(d->ui, d->w, y, 25, d->width - 26, r, val);
}

static void
d_head(struct dctx *d, const char *title)
{
	size_t ln = d->line++;
	if (ln >= d->top && d->y < d->h)
		d->y++;
	ln = d->line++;
	if (ln < d->top || d->y >= d->h)
		return;
	ui_draw_text(d->ui, d->w, d->y++, 1, d->width - 1, UI_ROLE_LIST_HEADER, title);
}

static const char *
tri_name(enum stg_tristate t)
{
	return t == STG_TRUE ? "true" : t == STG_FALSE ? "false" : "null";
}

static void
draw_detail(struct pane *p, WINDOW *w, int h, int width)
{
	struct factsp *f = p->priv;
	const struct stg_fact *x = f->rows[f->detail];
	const struct stg_fact_cid_check *ck = &f->cid[f->detail];
	struct dctx d = {p->ui, w, h - 1, width, 0, f->detail_top, 1};
	char buf[512];
	ui_draw_text(p->ui, w, 0, 1, width - 1, UI_ROLE_LABEL,
		     "Fact detail   (h/Esc back, j/k scroll, R raw bytes of the value)");
	d_head(&d, "Identity");
	d_row(&d, "id", UI_ROLE_VALUE, x->id, true);
	d_row(&d, "cid (node)", UI_ROLE_VALUE, x->cid, true);
	snprintf(buf, sizeof(buf), "%s%s", stg_cid_verdict_name(ck->verdict),
		 ck->possibly_sanitized ? " (the node may have sanitized the value on read)" : "");
	d_row(&d, "cid check (local)",
	      ck->verdict == STG_CID_VERIFIED || ck->verdict == STG_CID_VERIFIED_INTEGER_SPELLING
		      ? UI_ROLE_CID_VERIFIED
	      : ck->verdict == STG_CID_MISMATCH && !ck->possibly_sanitized ? UI_ROLE_CID_MISMATCH
									   : UI_ROLE_CID_UNVERIFIABLE,
	      buf, false);
	d_row(&d, "cid computed", UI_ROLE_VALUE, ck->computed_cid[0] ? ck->computed_cid : "-", false);
	if (ck->has_integer_cid)
		d_row(&d, "cid (integer spelling)", UI_ROLE_VALUE, ck->integer_cid, false);
	d_head(&d, "Statement");
	d_row(&d, "entity", UI_ROLE_VALUE, x->entity, true);
	d_row(&d, "relation", UI_ROLE_VALUE, x->relation, true);
	d_row(&d, "value type", UI_ROLE_VALUE, x->value.type_name, true);
	char vb[64];
	const char *raw;
	size_t rawlen;
	ui_fact_value_text(x, vb, sizeof(vb), &raw, &rawlen);
	if (raw) {
		size_t ln = d.line++;
		if (ln >= d.top && d.y < d.h) {
			ui_draw_text(p->ui, w, d.y, 2, 22, UI_ROLE_LABEL, "value");
			ui_draw_node_text(p->ui, w, d.y, 25, width - 26, UI_ROLE_VALUE, raw, rawlen, NULL);
			d.y++;
		}
	} else {
		d_row(&d, "value", UI_ROLE_VALUE, vb, false);
	}
	d_row(&d, "interpret_as", UI_ROLE_VALUE,
	      !x->value.has_interpret_as ? "(absent)"
	      : x->value.interpret_as == STG_INTERPRET_INSTRUCTION ? "instruction" : "content", false);
	d_row(&d, "source", UI_ROLE_VALUE, x->source, true);
	d_row(&d, "scope", UI_ROLE_VALUE, x->scope, true);
	snprintf(buf, sizeof(buf), "%.4f", x->confidence);
	d_row(&d, "confidence", UI_ROLE_VALUE, buf, false);
	if (x->has_effective_confidence) {
		snprintf(buf, sizeof(buf), "%.4f", x->effective_confidence);
		d_row(&d, "effective confidence", UI_ROLE_VALUE, buf, false);
	}
	if (x->has_source_trust) {
		snprintf(buf, sizeof(buf), "%.4f", x->source_trust);
		d_row(&d, "source trust", UI_ROLE_VALUE, buf, false);
	}
	d_head(&d, "Time");
	d_row(&d, "timestamp", UI_ROLE_VALUE, x->timestamp, true);
	uint64_t wall, counter;
	if (x->hlc && stg_hlc_parse(x->hlc, &wall, &counter)) {
		time_t secs = (time_t)(wall / 1000);
		struct tm tm;
		char when[40];
		gmtime_r(&secs, &tm);
		strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%S", &tm);
		snprintf(buf, sizeof(buf), "%s.%03uZ, counter %llu", when, (unsigned)(wall % 1000),
			 (unsigned long long)counter);
		d_row(&d, "hlc", UI_ROLE_VALUE, x->hlc, true);
		d_row(&d, "hlc decoded", UI_ROLE_VALUE, buf, false);
	} else {
		d_row(&d, "hlc", UI_ROLE_VALUE, x->hlc, true);
	}
	d_row(&d, "valid_until", is_expired(x) ? UI_ROLE_MARKER_EXPIRED : UI_ROLE_VALUE,
	      x->valid_until, true);
	d_head(&d, "State");
	d_row(&d, "contradicted", x->contradicted ? UI_ROLE_MARKER_CONTRADICTED : UI_ROLE_VALUE,
	      x->contradicted ? "true" : "false", false);
	d_row(&d, "retracted", UI_ROLE_VALUE, is_retracted(x) ? "yes (value \"retracted\", confidence 0)" : "no", false);
	d_row(&d, "sanitizer_redacted", x->sanitizer_redacted ? UI_ROLE_MARKER_REDACTED : UI_ROLE_VALUE,
	      x->sanitizer_redacted ? "true" : "false", false);
	for (size_t i = 0; i < x->n_sanitizer_warnings; i++)
		d_row(&d, "sanitizer warning", UI_ROLE_VALUE, x->sanitizer_warnings[i], true);
	for (size_t i = 0; i < x->n_warnings; i++)
		d_row(&d, "warning", UI_ROLE_VALUE, x->warnings[i], true);
	d_row(&d, "quarantine", UI_ROLE_VALUE, x->quarantine_status, true);
	d_row(&d, "attested", UI_ROLE_VALUE, tri_name(x->attested), false);
	d_row(&d, "attested_key_id", UI_ROLE_VALUE, x->attested_key_id, true);
	d_row(&d, "origin_node_id", UI_ROLE_VALUE, x->origin_node_id, true);
	d_row(&d, "received_from", UI_ROLE_VALUE, x->received_from, true);
	d_row(&d, "garden_id", UI_ROLE_VALUE, x->garden_id, true);
	d_head(&d, "Provenance (derived_from)");
	if (x->n_derived_from == 0)
		d_row(&d, "", UI_ROLE_LIST_DIM, "(none)", false);
	for (size_t i = 0; i < x->n_derived_from; i++)
		d_row(&d, x->derived_from[i].fact_id ? "fact_id" : "entry", UI_ROLE_VALUE,
		      x->derived_from[i].fact_id ? x->derived_from[i].fact_id : x->derived_from[i].json, true);
	d_head(&d, "Raw JSON (sanitized)");
	const char *js = x->raw_json ? x->raw_json : "(not kept)";
	size_t jl = strlen(js), step = width > 8 ? (size_t)width - 6 : 8, off = 0;
	while (off < jl) {
		size_t n = jl - off < step ? jl - off : step;
		size_t ln = d.line++;
		if (ln >= d.top && d.y < d.h) {
			ui_draw_node_text(p->ui, w, d.y, 2, width - 3, UI_ROLE_VALUE, js + off, n, NULL);
			d.y++;
		}
		off += n;
	}
	if (f->detail_top + 1 > d.line)
		f->detail_top = d.line ? d.line - 1 : 0;
}

static void
facts_draw(struct pane *p, WINDOW *w, int h, int width)
{
	struct factsp *f = p->priv;
	struct ui *ui = p->ui;
	if (ui_shared(ui)->selected_gen != f->shown_gen)
		load(p);
	if (f->detail < f->n_rows && f->rows[f->detail] != NULL) {
		draw_detail(p, w, h, width);
		return;
	}
	bool prompt = f->list.editing || f->list.filter[0];
	int rows = h - 2 - (prompt ? 1 : 0);
	f->list.rows = rows > 0 ? (size_t)rows : 1;
	if (f->entity[0] == '\0') {
		ui_draw_text(ui, w, 0, 1, width - 1, UI_ROLE_LIST_DIM,
			     "No entity selected: pick one in the entity browser (2) and press Enter.");
		return;
	}
	int x = ui_draw_text(ui, w, 0, 1, width - 1, UI_ROLE_LABEL, "Facts of ");
	x += 1 + ui_draw_node_text(ui, w, 0, 1 + x, width - x - 30, UI_ROLE_VALUE, f->entity,
				   strlen(f->entity), NULL);
	char st[96];
	const struct stg_fact_page *pg = f->res ? f->res->value : NULL;
	if (f->loading)
		snprintf(st, sizeof(st), "  %s loading", ui_spinner(ui));
	else if (pg)
		snprintf(st, sizeof(st), "  %zu facts%s", pg->n_facts - f->dupes,
			 pg->n_facts >= 500 ? " (first 500)" : "");
	else
		st[0] = '\0';
	ui_draw_text(ui, w, 0, 1 + x, width - x - 1, UI_ROLE_LIST_DIM, st);
	ui_fill_row(ui, w, 1, 0, width, UI_ROLE_LIST_HEADER);
	ui_draw_text(ui, w, 1, 1, width - 1, UI_ROLE_LIST_HEADER,
		     "  CID      Value                            Conf  Scope     Source / markers");
	if (f->error[0]) {
		ui_draw_text(ui, w, 2, 2, width - 2, UI_ROLE_LOG_ERROR, f->error);
		return;
	}
	int valw = width / 2 - 13;
	if (valw < 12)
		valw = 12;
	for (int r = 0; r < rows && f->list.top + (size_t)r < f->list.n_view; r++) {
		size_t vi = f->list.top + (size_t)r;
		size_t i = f->list.view[vi];
		int y = 2 + r;
		bool sel = vi == f->list.cursor;
		if (sel)
			ui_fill_row(ui, w, y, 0, width, UI_ROLE_CURSOR);
		const struct stg_fact *fx = f->rows[i];
		if (fx == NULL) {
			const struct stg_fact *nx = i + 1 < f->n_rows ? f->rows[i + 1] : NULL;
			const char *rel = nx && nx->relation ? nx->relation : "";
			int cx = ui_draw_text(ui, w, y, 1, 2, sel ? UI_ROLE_CURSOR : UI_ROLE_LIST_GROUP, "# ");
			ui_draw_node_text(ui, w, y, 1 + cx, width - cx - 2,
					  sel ? UI_ROLE_CURSOR : UI_ROLE_LIST_GROUP, rel, strlen(rel), NULL);
			continue;
		}
		bool retr = is_retracted(fx), exp = is_expired(fx);
		enum ui_role base = sel ? UI_ROLE_CURSOR : (retr || exp ? UI_ROLE_LIST_DIM : UI_ROLE_NORMAL);
		int cx = 3;
		cx += ui_draw_text(ui, w, y, cx, 2, base, f->winner[i] ? "* " : "  ");
		/* CID badge: a text label, coloured by its role. */
		const struct stg_fact_cid_check *ck = &f->cid[i];
		const char *badge = "cid:?";
		enum ui_role br = UI_ROLE_CID_UNVERIFIABLE;
		switch (ck->verdict) {
		case STG_CID_VERIFIED: badge = "cid:ok"; br = UI_ROLE_CID_VERIFIED; break;
		case STG_CID_VERIFIED_INTEGER_SPELLING: badge = "cid:int"; br = UI_ROLE_CID_INTEGER; break;
		case STG_CID_MISMATCH:
			badge = ck->possibly_sanitized ? "cid:san?" : "cid:BAD";
			br = ck->possibly_sanitized ? UI_ROLE_CID_UNVERIFIABLE : UI_ROLE_CID_MISMATCH;
			break;
		case STG_CID_NO_CID: badge = "cid:-"; br = UI_ROLE_CID_NONE; break;
		case STG_CID_UNVERIFIABLE_REDACTED: badge = "cid:red"; br = UI_ROLE_CID_UNVERIFIABLE; break;
		}
		ui_draw_text(ui, w, y, cx, 8, sel ? base : br, badge);
		cx += 9;
		char vb[64];
		const char *raw;
		size_t rawlen;
		ui_fact_value_text(fx, vb, sizeof(vb), &raw, &rawlen);
		if (raw)
			ui_draw_node_text(ui, w, y, cx, valw, base, raw, rawlen, NULL);
		else
			ui_draw_text(ui, w, y, cx, valw, base, vb);
		cx += valw + 1;
		char conf[16];
		snprintf(conf, sizeof(conf), "%4.2f", fx->confidence);
		cx += ui_draw_text(ui, w, y, cx, 5, base, conf) + 1;
		ui_draw_node_text(ui, w, y, cx, 9, base, fx->scope ? fx->scope : "", fx->scope ? strlen(fx->scope) : 0, NULL);
		cx += 10;
		if (retr)
			cx += ui_draw_text(ui, w, y, cx, width - cx, sel ? base : UI_ROLE_MARKER_RETRACTED, "[retracted] ");
		if (exp)
			cx += ui_draw_text(ui, w, y, cx, width - cx, sel ? base : UI_ROLE_MARKER_EXPIRED, "[expired] ");
		if (fx->contradicted)
			cx += ui_draw_text(ui, w, y, cx, width - cx, sel ? base : UI_ROLE_MARKER_CONTRADICTED, "[contradicted] ");
		if (fx->sanitizer_redacted)
			cx += ui_draw_text(ui, w, y, cx, width - cx, sel ? base : UI_ROLE_MARKER_REDACTED, "[redacted] ");
		if (fx->quarantine_status && strcmp(fx->quarantine_status, "pending") == 0)
			cx += ui_draw_text(ui, w, y, cx, width - cx, sel ? base : UI_ROLE_MARKER_QUARANTINE, "[quarantine] ");
		if (fx->source && cx < width - 1)
			ui_draw_node_text(ui, w, y, cx, width - cx - 1, base, fx->source, strlen(fx->source), NULL);
	}
	if (prompt)
		ui_list_draw_prompt(ui, &f->list, w, h - 1, width);
}

static unsigned
facts_key(struct pane *p, int key, enum ui_action a)
{
	struct factsp *f = p->priv;
	bool changed = false;
	if (f->detail != SIZE_MAX) {
		switch (a) {
		case UI_ACTION_MOVE_DOWN: f->detail_top++; return UI_HANDLED;
		case UI_ACTION_MOVE_UP: if (f->detail_top) f->detail_top--; return UI_HANDLED;
		case UI_ACTION_PAGE_DOWN: f->detail_top += 10; return UI_HANDLED;
		case UI_ACTION_PAGE_UP: f->detail_top = f->detail_top > 10 ? f->detail_top - 10 : 0; return UI_HANDLED;
		case UI_ACTION_FIRST: f->detail_top = 0; return UI_HANDLED;
		case UI_ACTION_BACK:
		case UI_ACTION_CANCEL:
			f->detail = SIZE_MAX;
			return UI_HANDLED;
		default:
			break;
		}
		if (a == UI_ACTION_RAW || a == UI_ACTION_QUIT || a == UI_ACTION_HELP)
			return UI_UNHANDLED;
		return a == UI_ACTION_NONE ? UI_HANDLED : UI_UNHANDLED;
	}
	unsigned r = ui_list_key(&f->list, key, a, &changed);
	if (changed)
		ui_list_rebuild(&f->list, f->order, f->n_rows);
	if (r & UI_HANDLED)
		return r;
	if (a == UI_ACTION_REFRESH) {
		load(p);
		return UI_HANDLED;
	}
	if (a == UI_ACTION_BACK) {
		ui_focus_name(p->ui, "entities");
		return UI_HANDLED;
	}
	if (a == UI_ACTION_OPEN) {
		size_t i = ui_list_selected(&f->list);
		if (i != SIZE_MAX && i < f->n_rows && f->rows[i] != NULL) {
			f->detail = i;
			f->detail_top = 0;
		}
		return UI_HANDLED;
	}
	return UI_UNHANDLED;
}

static bool
facts_raw(struct pane *p, const char **label, const char **data, size_t *len)
{
	struct factsp *f = p->priv;
	size_t i = f->detail != SIZE_MAX ? f->detail : ui_list_selected(&f->list);
	if (i == SIZE_MAX || i >= f->n_rows || f->rows[i] == NULL)
		return false;
	const struct stg_fact *x = f->rows[i];
	if (x->value.str == NULL)
		return false;
	*label = "fact value";
	*data = x->value.str;
	*len = x->value.str_len;
	return true;
}

static void
facts_summary(struct pane *p, char *buf, size_t size)
{
	struct factsp *f = p->priv;
	snprintf(buf, size, "%s", f->loading ? "loading" : "");
}

static bool
facts_text_input(struct pane *p)
{
	const struct factsp *f = p->priv;
	return f != NULL && f->list.editing;
}

const struct pane_ops pane_facts_ops = {
	.text_input = facts_text_input,
	.name = "facts",
	.title = "Facts",
	.tab_key = "3",
	.init = facts_init,
	.free = facts_free,
	.show = facts_show,
	.draw = facts_draw,
	.on_key = facts_key,
	.on_response = facts_response,
	.summary = facts_summary,
	.raw_value = facts_raw,
	.help = "* marks the winner per relation and scope (higher confidence, then higher HLC).\n"
		"Markers: [retracted] [expired] [contradicted] [redacted] [quarantine].\n"
		"CID computed locally: cid:ok verified, cid:int integer spelling, cid:BAD mismatch,\n"
		"cid:san? mismatch on text the node may have sanitized, cid:red redacted, cid:- none.\n"
		"Enter shows every field of a fact: HLC decoded, provenance, raw JSON.",
};
