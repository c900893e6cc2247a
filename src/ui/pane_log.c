/* pane_log.c — the message log: every error and notice, newest last. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ui/ui.h"

struct logp {
	struct ui_list list;
	size_t *order;
	size_t cap;
	size_t seen;           /* entries when last rebuilt */
	bool follow;           /* cursor sticks to the newest entry */
};

static const char *
log_text(void *ctx, size_t i)
{
	struct pane *p = ctx;
	enum ui_log_level lvl;
	return ui_log_entry(p->ui, i, &lvl, NULL, 0);
}

static int
log_init(struct pane *p)
{
	struct logp *lp = calloc(1, sizeof(*lp));
	if (lp == NULL)
		return -1;
	p->priv = lp;
	lp->follow = true;
	ui_list_init(&lp->list, (struct ui_list_src){.ctx = p, .text = log_text});
	return 0;
}

static void
log_free(struct pane *p)
{
	struct logp *lp = p->priv;
	if (lp == NULL)
		return;
	ui_list_done(&lp->list);
	free(lp->order);
	free(lp);
	p->priv = NULL;
}

static void
rebuild(struct pane *p)
{
	struct logp *lp = p->priv;
	size_t n = ui_log_count(p->ui);
	if (n > lp->cap) {
		size_t *no = realloc(lp->order, (n + 64) * sizeof(*no));
		if (no == NULL)
			return;
		lp->order = no;
		lp->cap = n + 64;
	}
	for (size_t i = 0; i < n; i++)
		lp->order[i] = i;
	bool at_end = lp->follow || lp->list.cursor + 1 >= lp->list.n_view;
	ui_list_rebuild(&lp->list, lp->order, n);
	if (at_end && lp->list.n_view > 0) {
		lp->list.cursor = lp->list.n_view - 1;
		ui_list_rebuild(&lp->list, lp->order, n);
	}
	lp->seen = n;
}

static void
log_draw(struct pane *p, WINDOW *w, int h, int width)
{
	struct logp *lp = p->priv;
	struct ui *ui = p->ui;
	bool prompt = lp->list.editing || lp->list.filter[0];
	int rows = h - 1 - (prompt ? 1 : 0);
	lp->list.rows = rows > 0 ? (size_t)rows : 1;
	rebuild(p);
	ui_fill_row(ui, w, 0, 0, width, UI_ROLE_LIST_HEADER);
	char head[128];
	snprintf(head, sizeof(head), "Messages (%zu)  - every error and notice, newest last",
		 ui_log_count(ui));
	ui_draw_text(ui, w, 0, 1, width - 1, UI_ROLE_LIST_HEADER, head);
	if (lp->list.n_view == 0)
		ui_draw_text(ui, w, 1, 2, width - 2, UI_ROLE_LIST_DIM,
			     ui_log_count(ui) ? "no message matches the filter" : "no messages yet");
	for (int r = 0; r < rows && lp->list.top + (size_t)r < lp->list.n_view; r++) {
		size_t vi = lp->list.top + (size_t)r;
		size_t i = lp->list.view[vi];
		enum ui_log_level lvl;
		char when[16];
		const char *text = ui_log_entry(ui, i, &lvl, when, sizeof(when));
		bool sel = vi == lp->list.cursor;
		int y = 1 + r;
		if (sel)
			ui_fill_row(ui, w, y, 0, width, UI_ROLE_CURSOR);
		static const char *const tag[] = {"info ", "WARN ", "ERROR"};
		enum ui_role role = lvl == UI_LOG_ERROR  ? UI_ROLE_LOG_ERROR
				    : lvl == UI_LOG_WARN ? UI_ROLE_LOG_WARN
							 : UI_ROLE_LOG_INFO;
		int x = 1;
		x += ui_draw_text(ui, w, y, x, width - x, sel ? UI_ROLE_CURSOR : UI_ROLE_LIST_DIM, when);
		x += 1;
		x += ui_draw_text(ui, w, y, x, width - x, sel ? UI_ROLE_CURSOR : role, tag[lvl]);
		x += 1;
		/* Log text was sanitized when logged. */
		ui_draw_text(ui, w, y, x, width - x, sel ? UI_ROLE_CURSOR : role, text);
	}
	if (prompt)
		ui_list_draw_prompt(ui, &lp->list, w, h - 1, width);
}

static unsigned
log_key(struct pane *p, int key, enum ui_action a)
{
	struct logp *lp = p->priv;
	bool changed;
	unsigned r = ui_list_key(&lp->list, key, a, &changed);
	if (r & UI_HANDLED)
		lp->follow = lp->list.n_view == 0 || lp->list.cursor + 1 >= lp->list.n_view;
	return r;
}

static void
log_summary(struct pane *p, char *buf, size_t size)
{
	snprintf(buf, size, "%zu messages", ui_log_count(p->ui));
}

static bool
log_raw(struct pane *p, const char **label, const char **data, size_t *len)
{
	struct logp *lp = p->priv;
	size_t i = ui_list_selected(&lp->list);
	if (i == SIZE_MAX)
		return false;
	enum ui_log_level lvl;
	*data = ui_log_entry(p->ui, i, &lvl, NULL, 0);
	*len = strlen(*data);
	*label = "message";
	return true;
}

static unsigned
log_click(struct pane *p, int y, int x)
{
	struct logp *lp = p->priv;
	(void)x;
	if (y < 1)
		return 0;
	size_t vi = lp->list.top + (size_t)(y - 1);
	if (vi < lp->list.n_view) {
		lp->list.cursor = vi;
		return UI_REDRAW;
	}
	return 0;
}

static bool
log_text_input(struct pane *p)
{
	const struct logp *lp = p->priv;
	return lp != NULL && lp->list.editing;
}

const struct pane_ops pane_log_ops = {
	.text_input = log_text_input,
	.name = "log",
	.title = "Log",
	.tab_key = "0",
	.init = log_init,
	.free = log_free,
	.draw = log_draw,
	.on_key = log_key,
	.summary = log_summary,
	.raw_value = log_raw,
	.on_click = log_click,
	.help = "The log keeps every error and notice of this run (also written to --log-file).",
};
