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

#include "stigmem/sanitize.h"
#include "ui/ui.h"

struct factsp {
	struct stg_async_result *res;  /* owned: the current page */
	struct stg_fact **rows;        /* into res->arena, sorted; NULL = group header */
	size_t n_rows;
	bool *winner;
	size_t *order;
	struct ui_list list;
	uint64_t shown_gen;            /* ui_shared.selected_gen loaded */
	char entity[2048];
	bool loading;
	char error[600];
	size_t dupes;
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
	ui_list_init(&f->list, (struct ui_list_src){f, row_id, row_text});
	p->priv = f;
	return 0;
}

static void
drop_rows(struct factsp *f)
{
	free(f->rows);
	free(f->winner);
	free(f->order);
	f->rows = NULL;
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
	f->loading = true;
	ui_submit(p->ui, p, req, 0);
	ui_pane_dirty(p);
}

static void
facts_show(struct pane *p)
{
	struct factsp *f = p->priv;
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
	if (tmp == NULL || f->rows == NULL || f->winner == NULL || f->order == NULL) {
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
	f->res = res;
	build_rows(f);
	ui_pane_dirty(p);
}

static void
value_text(const struct stg_fact *x, char *buf, size_t size, const char **raw, size_t *rawlen)
{
	*raw = NULL;
	*rawlen = 0;
	const struct stg_value *v = &x->value;
	if (v->is_null) {
		snprintf(buf, size, "null");
	} else if (v->type == STG_VT_NUMBER) {
		snprintf(buf, size, "%.15g", v->num);
	} else if (v->type == STG_VT_BOOLEAN) {
		snprintf(buf, size, "%s", v->boolean ? "true" : "false");
	} else {
		buf[0] = '\0';
		*raw = v->str;
		*rawlen = v->str ? v->str_len : 0;
	}
}

static void
facts_draw(struct pane *p, WINDOW *w, int h, int width)
{
	struct factsp *f = p->priv;
	struct ui *ui = p->ui;
	if (ui_shared(ui)->selected_gen != f->shown_gen)
		load(p);
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
		     "  Value                              Conf  Scope     Source / markers");
	if (f->error[0]) {
		ui_draw_text(ui, w, 2, 2, width - 2, UI_ROLE_LOG_ERROR, f->error);
		return;
	}
	int valw = width / 2 - 4;
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
		char vb[64];
		const char *raw;
		size_t rawlen;
		value_text(fx, vb, sizeof(vb), &raw, &rawlen);
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
	return UI_UNHANDLED;
}

static bool
facts_raw(struct pane *p, const char **label, const char **data, size_t *len)
{
	struct factsp *f = p->priv;
	size_t i = ui_list_selected(&f->list);
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

const struct pane_ops pane_facts_ops = {
	.name = "facts",
	.title = "Facts",
	.init = facts_init,
	.free = facts_free,
	.show = facts_show,
	.draw = facts_draw,
	.on_key = facts_key,
	.on_response = facts_response,
	.summary = facts_summary,
	.raw_value = facts_raw,
	.help = "* marks the winner per relation and scope (higher confidence, then higher HLC).\n"
		"Markers: [retracted] [expired] [contradicted] [redacted] [quarantine].",
};
