/* pane_card.c — the memory card of the entity selected in the browser
 * (stigmem-api.md §6) in one scope the user cycles through.
 *
 * The card's fact_hashes (hex SHA-256 of fact ids) are mapped back to the
 * entity's facts in that scope (GET /v1/facts … include_contradicted,
 * include_expired, limit 500); relations appearing twice among the card's
 * lines are the contradictions, highlighted and linked to the facts pane.
 * The node always sends is_stale false, so staleness is observed here:
 * while the pane is visible, GET /v1/facts?after=<refreshed_at> every few
 * seconds counts the facts asserted since the card was built that the card
 * does not hold ("stale: N newer facts"). `r` rebuilds with refresh=true. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "stigmem/cid.h"
#include "stigmem/codec.h"
#include "stigmem/sanitize.h"
#include "stigmem/verify.h"
#include "ui/ui.h"

#define CARD_POLL_MS 5000
#define CARD_SCOPES 4

enum { TAG_PROBE = 1, TAG_CARD, TAG_FACTS, TAG_POLL };

static const char *const scope_names[CARD_SCOPES] = {"local", "team", "company", "public"};

/* One summary line of the card: its hash and the fact it names. */
struct card_line {
	const char *hash;               /* into card_res */
	const struct stg_fact *fact;    /* into facts_res; NULL = unmatched */
	struct stg_fact_cid_check cid;  /* computed locally (matched only) */
	bool contradicts;               /* its relation appears twice among the lines */
};

/* A row of the scrollable body. */
enum row_kind { ROW_HEAD_LINES, ROW_LINE, ROW_BLANK, ROW_HEAD_SUMMARY, ROW_SUMMARY };
struct card_row {
	enum row_kind kind;
	size_t i;                       /* ROW_LINE: line index; ROW_SUMMARY: byte offset */
	size_t len;                     /* ROW_SUMMARY: bytes */
};

struct cardp {
	char entity[2048];
	uint64_t shown_gen;             /* ui_shared.selected_gen loaded */
	int scope;                      /* index into scope_names */
	bool scope_known;               /* probed or chosen by the user */
	bool has_scope[CARD_SCOPES];    /* scopes the probe saw facts in */
	bool probed;
	bool loading_probe, loading_card, loading_facts, polling;
	struct stg_async_result *card_res;   /* owned */
	struct stg_async_result *facts_res;  /* owned */
	struct card_line *lines;
	size_t n_lines, n_matched;
	struct card_row *rows;
	size_t n_rows;
	char contra[512];               /* contradicting relations, sanitized, ", "-joined */
	char error[700];                /* card request failed (clean text) */
	bool not_found;
	char facts_error[400];          /* fact lookup failed (clean text) */
	/* staleness observed by polling */
	size_t stale;
	bool polled;
	bool poll_armed;
	struct timespec poll_due;
	/* view */
	size_t cursor, top, body_rows;
};

/* ---- time --------------------------------------------------------------------- */

static struct timespec
mono_now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return t;
}

static long
ms_until(struct timespec due)
{
	struct timespec n = mono_now();
	return (long)(due.tv_sec - n.tv_sec) * 1000 + (due.tv_nsec - n.tv_nsec) / 1000000L;
}

static void
arm_poll(struct cardp *c)
{
	c->poll_due = mono_now();
	c->poll_due.tv_sec += CARD_POLL_MS / 1000;
	c->poll_armed = true;
}

/* ---- life cycle ------------------------------------------------------------------ */

static int
card_init(struct pane *p)
{
	struct cardp *c = calloc(1, sizeof(*c));
	if (c == NULL)
		return -1;
	p->priv = c;
	return 0;
}

static void
drop_lines(struct cardp *c)
{
	free(c->lines);
	free(c->rows);
	c->lines = NULL;
	c->rows = NULL;
	c->n_lines = c->n_rows = c->n_matched = 0;
	c->contra[0] = '\0';
}

static void
drop_all(struct cardp *c)
{
	drop_lines(c);
	stg_async_result_free(c->card_res);
	stg_async_result_free(c->facts_res);
	c->card_res = NULL;
	c->facts_res = NULL;
}

static void
card_free(struct pane *p)
{
	struct cardp *c = p->priv;
	if (c == NULL)
		return;
	drop_all(c);
	free(c);
	p->priv = NULL;
}

/* ---- requests -------------------------------------------------------------------- */

static void
set_error_text(char *out, size_t size, const struct stg_async_result *res)
{
	char d[400];
	stg_text_sanitize(res->error.detail, strnlen(res->error.detail, sizeof(res->error.detail)),
			  NULL, d, sizeof(d), NULL);
	if (res->error.http_status)
		snprintf(out, size, "%s (HTTP %ld)%s%s", stg_status_message(res->status),
			 res->error.http_status, d[0] ? ": " : "", d);
	else
		snprintf(out, size, "%s%s%s", stg_status_message(res->status), d[0] ? ": " : "", d);
}

static void
submit_query(struct pane *p, const char *scope, const char *after, int tag)
{
	struct cardp *c = p->priv;
	struct stg_error err;
	stg_error_clear(&err);
	struct stg_query_params q = {0};
	q.entity = c->entity;
	q.scope = scope;
	q.after = after;
	q.include_contradicted = STG_OPT_TRUE;
	q.include_expired = after ? STG_OPT_UNSET : STG_OPT_TRUE;
	q.limit = 500;
	struct stg_request *req = stg_request_query(&q, &err);
	if (req == NULL) {
		ui_log_error(p->ui, "GET /v1/facts", &err);
		return;
	}
	if (ui_submit(p->ui, p, req, tag) == 0)
		return;
	if (tag == TAG_PROBE)
		c->loading_probe = true;
	else if (tag == TAG_FACTS)
		c->loading_facts = true;
	else
		c->polling = true;
}

/* Fetch the card and the facts it names in the current scope. */
static void
load_card(struct pane *p, bool refresh)
{
	struct cardp *c = p->priv;
	p->gen++;  /* drops probe, card, facts and poll answers still to come */
	c->loading_probe = c->loading_card = c->loading_facts = c->polling = false;
	c->poll_armed = false;
	c->error[0] = c->facts_error[0] = '\0';
	c->not_found = false;
	c->stale = 0;
	c->polled = false;
	drop_all(c);
	c->cursor = c->top = 0;
	const char *scope = scope_names[c->scope];
	struct stg_error err;
	stg_error_clear(&err);
	struct stg_request *req = stg_request_card(c->entity, scope, refresh, &err);
	if (req == NULL) {
		ui_log_error(p->ui, "GET /v1/cards", &err);
		snprintf(c->error, sizeof(c->error), "%s", stg_status_message(err.status));
		return;
	}
	if (ui_submit(p->ui, p, req, TAG_CARD) != 0)
		c->loading_card = true;
	submit_query(p, scope, NULL, TAG_FACTS);
	ui_pane_dirty(p);
}

/* A new entity: find a scope it has facts in, then load. */
static void
load_entity(struct pane *p)
{
	struct cardp *c = p->priv;
	struct ui_shared *sh = ui_shared(p->ui);
	c->shown_gen = sh->selected_gen;
	snprintf(c->entity, sizeof(c->entity), "%s", sh->selected_entity);
	p->gen++;
	drop_all(c);
	c->loading_probe = c->loading_card = c->loading_facts = c->polling = false;
	c->poll_armed = false;
	c->error[0] = c->facts_error[0] = '\0';
	c->not_found = false;
	c->stale = 0;
	c->polled = false;
	c->probed = false;
	c->scope_known = false;
	memset(c->has_scope, 0, sizeof(c->has_scope));
	c->cursor = c->top = 0;
	if (c->entity[0] == '\0')
		return;
	submit_query(p, NULL, NULL, TAG_PROBE);
	ui_pane_dirty(p);
}

static void
start_poll(struct pane *p)
{
	struct cardp *c = p->priv;
	const struct stg_card *card = c->card_res ? c->card_res->value : NULL;
	c->poll_armed = false;
	if (card == NULL || card->refreshed_at == NULL || c->polling)
		return;
	submit_query(p, scope_names[c->scope], card->refreshed_at, TAG_POLL);
	if (!c->polling)
		arm_poll(c);  /* not submitted (logged): try again later */
}

/* ---- mapping hashes to facts ---------------------------------------------------- */

static int
scope_index(const char *s)
{
	for (int i = 0; s && i < CARD_SCOPES; i++)
		if (strcmp(s, scope_names[i]) == 0)
			return i;
	return -1;
}

static bool
card_has_hash(const struct stg_card *card, const char *hex)
{
	for (size_t i = 0; i < card->n_fact_hashes; i++)
		if (card->fact_hashes[i] && strcmp(card->fact_hashes[i], hex) == 0)
			return true;
	return false;
}

static void
append_contra(struct cardp *c, const char *rel)
{
	char clean[256];
	stg_text_sanitize(rel, strlen(rel), NULL, clean, sizeof(clean), NULL);
	size_t n = strlen(c->contra);
	snprintf(c->contra + n, sizeof(c->contra) - n, "%s%s", n ? ", " : "", clean);
}

/* (Re)build lines and body rows from the card and the fact lookup. */
static void
build(struct cardp *c)
{
	drop_lines(c);
	const struct stg_card *card = c->card_res ? c->card_res->value : NULL;
	if (card == NULL)
		return;
	const struct stg_fact_page *pg = c->facts_res ? c->facts_res->value : NULL;
	size_t nf = pg ? pg->n_facts : 0;
	char (*hex)[STG_HEX_MAX] = nf ? calloc(nf, sizeof(*hex)) : NULL;
	for (size_t j = 0; hex && j < nf; j++)
		if (pg->facts[j].id)
			stg_sha256_hex(pg->facts[j].id, strlen(pg->facts[j].id), hex[j]);
	c->n_lines = card->n_fact_hashes;
	c->lines = calloc(c->n_lines + 1, sizeof(*c->lines));
	if (c->lines == NULL) {
		free(hex);
		c->n_lines = 0;
		return;
	}
	for (size_t i = 0; i < c->n_lines; i++) {
		struct card_line *ln = &c->lines[i];
		ln->hash = card->fact_hashes[i] ? card->fact_hashes[i] : "";
		for (size_t j = 0; hex && j < nf; j++) {
			if (hex[j][0] && strcmp(hex[j], ln->hash) == 0) {
				ln->fact = &pg->facts[j];
				break;
			}
		}
		if (ln->fact) {
			c->n_matched++;
			stg_verify_fact_cid(ln->fact, &ln->cid);
		}
	}
	free(hex);
	/* Contradictions: a relation appearing twice among the card's lines. */
	for (size_t i = 0; i < c->n_lines; i++) {
		const struct stg_fact *a = c->lines[i].fact;
		if (a == NULL || a->relation == NULL)
			continue;
		bool first = true;
		for (size_t j = 0; j < c->n_lines; j++) {
			const struct stg_fact *b = c->lines[j].fact;
			if (j == i || b == NULL || b->relation == NULL || strcmp(a->relation, b->relation) != 0)
				continue;
			c->lines[i].contradicts = true;
			if (j < i)
				first = false;
		}
		if (c->lines[i].contradicts && first)
			append_contra(c, a->relation);
	}
	/* Body rows: the lines, then the summary split at newlines. */
	const char *s = card->summary ? card->summary : "";
	size_t n_sum = 1;
	for (const char *q = s; *q; q++)
		n_sum += *q == '\n';
	c->rows = calloc(c->n_lines + n_sum + 3, sizeof(*c->rows));
	if (c->rows == NULL)
		return;
	size_t r = 0;
	c->rows[r++] = (struct card_row){ROW_HEAD_LINES, 0, 0};
	for (size_t i = 0; i < c->n_lines; i++)
		c->rows[r++] = (struct card_row){ROW_LINE, i, 0};
	c->rows[r++] = (struct card_row){ROW_BLANK, 0, 0};
	c->rows[r++] = (struct card_row){ROW_HEAD_SUMMARY, 0, 0};
	size_t off = 0, len = strlen(s);
	for (;;) {
		const char *nl = memchr(s + off, '\n', len - off);
		size_t e = nl ? (size_t)(nl - s) : len;
		c->rows[r++] = (struct card_row){ROW_SUMMARY, off, e - off};
		if (nl == NULL)
			break;
		off = e + 1;
	}
	c->n_rows = r;
	if (c->cursor >= c->n_rows)
		c->cursor = c->n_rows ? c->n_rows - 1 : 0;
}

/* ---- responses ------------------------------------------------------------------ */

static void
on_probe(struct pane *p, struct stg_async_result *res)
{
	struct cardp *c = p->priv;
	c->loading_probe = false;
	c->probed = true;
	if (res->status == STG_OK) {
		const struct stg_fact_page *pg = res->value;
		int pick = -1;
		for (size_t i = 0; pg && i < pg->n_facts; i++) {
			int k = scope_index(pg->facts[i].scope);
			if (k < 0)
				continue;
			c->has_scope[k] = true;
			/* Newest first: the scope of the first live fact. */
			if (pick < 0 && pg->facts[i].confidence > 0.0)
				pick = k;
		}
		for (int k = 0; pick < 0 && k < CARD_SCOPES; k++)
			if (c->has_scope[k])
				pick = k;
		c->scope = pick < 0 ? 0 : pick;
	} else if (res->status != STG_ERR_CANCELLED) {
		ui_log_error(p->ui, "GET /v1/facts (card scope)", &res->error);
	}
	stg_async_result_free(res);
	c->scope_known = true;
	load_card(p, false);
}

static void
on_card(struct pane *p, struct stg_async_result *res)
{
	struct cardp *c = p->priv;
	c->loading_card = false;
	if (res->status != STG_OK) {
		if (res->status != STG_ERR_CANCELLED)
			ui_log_error(p->ui, "GET /v1/cards", &res->error);
		c->not_found = res->status == STG_ERR_NOT_FOUND;
		set_error_text(c->error, sizeof(c->error), res);
		stg_async_result_free(res);
		return;
	}
	stg_async_result_free(c->card_res);
	c->card_res = res;
	c->stale = 0;
	c->polled = false;
	arm_poll(c);
	build(c);
}

static void
on_facts(struct pane *p, struct stg_async_result *res)
{
	struct cardp *c = p->priv;
	c->loading_facts = false;
	if (res->status != STG_OK) {
		if (res->status != STG_ERR_CANCELLED)
			ui_log_error(p->ui, "GET /v1/facts (card facts)", &res->error);
		set_error_text(c->facts_error, sizeof(c->facts_error), res);
		stg_async_result_free(res);
		build(c);
		return;
	}
	stg_async_result_free(c->facts_res);
	c->facts_res = res;
	build(c);
}

static void
on_poll(struct pane *p, struct stg_async_result *res)
{
	struct cardp *c = p->priv;
	c->polling = false;
	const struct stg_card *card = c->card_res ? c->card_res->value : NULL;
	if (res->status != STG_OK) {
		if (res->status != STG_ERR_CANCELLED)
			ui_log_error(p->ui, "GET /v1/facts (card staleness)", &res->error);
	} else if (card) {
		const struct stg_fact_page *pg = res->value;
		size_t n = 0;
		for (size_t i = 0; pg && i < pg->n_facts; i++) {
			const char *id = pg->facts[i].id;
			if (id == NULL)
				continue;
			bool dup = false;
			for (size_t j = 0; j < i && !dup; j++)
				dup = pg->facts[j].id && strcmp(pg->facts[j].id, id) == 0;
			char hex[STG_HEX_MAX];
			stg_sha256_hex(id, strlen(id), hex);
			if (!dup && !card_has_hash(card, hex))
				n++;
		}
		if (n != c->stale && n > 0)
			ui_log(p->ui, UI_LOG_INFO, "memory card: %zu newer fact%s since the card was built",
			       n, n == 1 ? "" : "s");
		c->stale = n;
		c->polled = true;
	}
	stg_async_result_free(res);
	arm_poll(c);
}

static void
card_response(struct pane *p, int tag, struct stg_async_result *res)
{
	switch (tag) {
	case TAG_PROBE: on_probe(p, res); break;
	case TAG_CARD: on_card(p, res); break;
	case TAG_FACTS: on_facts(p, res); break;
	case TAG_POLL: on_poll(p, res); break;
	default: stg_async_result_free(res); break;
	}
	ui_pane_dirty(p);
}

/* ---- show, timer ------------------------------------------------------------------- */

static void
sync_selection(struct pane *p)
{
	struct cardp *c = p->priv;
	if (ui_shared(p->ui)->selected_gen != c->shown_gen)
		load_entity(p);
}

static void
card_show(struct pane *p)
{
	struct cardp *c = p->priv;
	if (ui_shared(p->ui)->selected_gen != c->shown_gen) {
		load_entity(p);
		return;
	}
	if (c->entity[0] && !c->probed && !c->loading_probe)
		load_entity(p);
	else if (c->card_res && !c->polling)
		start_poll(p);  /* coming back: look for newer facts at once */
}

static int
card_timer_ms(struct pane *p)
{
	struct cardp *c = p->priv;
	if (c == NULL || !c->poll_armed || c->polling || c->card_res == NULL || !ui_pane_focused(p))
		return -1;
	long d = ms_until(c->poll_due);
	return d < 0 ? 0 : (int)d;
}

static void
card_timer(struct pane *p)
{
	start_poll(p);
	ui_pane_dirty(p);
}

/* ---- drawing ------------------------------------------------------------------- */


static const char *
cid_badge(const struct stg_fact_cid_check *ck, enum ui_role *role)
{
	switch (ck->verdict) {
	case STG_CID_VERIFIED: *role = UI_ROLE_CID_VERIFIED; return "cid:ok";
	case STG_CID_VERIFIED_INTEGER_SPELLING: *role = UI_ROLE_CID_INTEGER; return "cid:int";
	case STG_CID_MISMATCH:
		*role = ck->possibly_sanitized ? UI_ROLE_CID_UNVERIFIABLE : UI_ROLE_CID_MISMATCH;
		return ck->possibly_sanitized ? "cid:san?" : "cid:BAD";
	case STG_CID_NO_CID: *role = UI_ROLE_CID_NONE; return "cid:-";
	case STG_CID_UNVERIFIABLE_REDACTED: *role = UI_ROLE_CID_UNVERIFIABLE; return "cid:red";
	}
	*role = UI_ROLE_CID_UNVERIFIABLE;
	return "cid:?";
}

static void
draw_line(struct pane *p, WINDOW *w, int y, int width, const struct card_line *ln, bool sel)
{
	struct ui *ui = p->ui;
	struct cardp *c = p->priv;
	enum ui_role base = sel ? UI_ROLE_CURSOR : UI_ROLE_NORMAL;
	if (ln->fact == NULL) {
		char b[160];
		if (c->facts_res != NULL)
			snprintf(b, sizeof(b), "? unmatched hash %.12s…: no %s fact of this entity has this id",
				 ln->hash, scope_names[c->scope]);
		else
			snprintf(b, sizeof(b), "? unmatched hash %.12s…: %s", ln->hash,
				 c->loading_facts ? "looking up the facts" : "the fact lookup failed");
		ui_draw_text(ui, w, y, 1, width - 2, sel ? base : UI_ROLE_LIST_DIM, b);
		return;
	}
	const struct stg_fact *x = ln->fact;
	int cx = 1;
	/* Contradicting relations: a glyph and the marker role, never colour alone. */
	cx += ui_draw_text(ui, w, y, cx, 2, sel ? base : ln->contradicts ? UI_ROLE_MARKER_CONTRADICTED : base,
			   ln->contradicts ? "! " : "  ");
	int relw = width / 4;
	if (relw < 12)
		relw = 12;
	const char *rel = x->relation ? x->relation : "";
	ui_draw_node_text(ui, w, y, cx, relw, sel ? base : ln->contradicts ? UI_ROLE_MARKER_CONTRADICTED : UI_ROLE_LABEL,
			  rel, strlen(rel), NULL);
	cx += relw + 1;
	int valw = width - cx - 30;
	if (valw < 8)
		valw = 8;
	char vb[64];
	const char *raw;
	size_t rawlen;
	ui_fact_value_text(x, vb, sizeof(vb), &raw, &rawlen);
	if (raw)
		ui_draw_node_text(ui, w, y, cx, valw, base, raw, rawlen, NULL);
	else
		ui_draw_text(ui, w, y, cx, valw, base, vb);
	cx += valw + 1;
	char conf[16];
	snprintf(conf, sizeof(conf), "%4.2f", x->confidence);
	cx += ui_draw_text(ui, w, y, cx, 5, base, conf) + 1;
	enum ui_role br;
	const char *badge = cid_badge(&ln->cid, &br);
	ui_draw_text(ui, w, y, cx, 8, sel ? base : br, badge);
	cx += 9;
	if (cx >= width - 1)
		return;
	if (x->contradicted)
		cx += ui_draw_text(ui, w, y, cx, width - cx - 1, sel ? base : UI_ROLE_MARKER_CONTRADICTED, "[contradicted] ");
	else if (ln->contradicts)
		cx += ui_draw_text(ui, w, y, cx, width - cx - 1, sel ? base : UI_ROLE_MARKER_CONTRADICTED, "[twice] ");
	if (x->confidence == 0.0 && x->value.str && strcmp(x->value.str, "retracted") == 0 && cx < width - 1)
		ui_draw_text(ui, w, y, cx, width - cx - 1, sel ? base : UI_ROLE_MARKER_RETRACTED, "[retracted]");
}

static void
draw_body(struct pane *p, WINDOW *w, int y0, int h, int width)
{
	struct ui *ui = p->ui;
	struct cardp *c = p->priv;
	const struct stg_card *card = c->card_res->value;
	int rows = h - y0;
	if (rows < 1)
		return;
	c->body_rows = (size_t)rows;
	if (c->cursor < c->top)
		c->top = c->cursor;
	if (c->cursor >= c->top + (size_t)rows)
		c->top = c->cursor - (size_t)rows + 1;
	for (int r = 0; r < rows && c->top + (size_t)r < c->n_rows; r++) {
		size_t ri = c->top + (size_t)r;
		const struct card_row *row = &c->rows[ri];
		int y = y0 + r;
		bool sel = ri == c->cursor;
		if (sel)
			ui_fill_row(ui, w, y, 0, width, UI_ROLE_CURSOR);
		char b[512];
		switch (row->kind) {
		case ROW_HEAD_LINES:
			snprintf(b, sizeof(b), "Card lines (fact_hashes -> facts): %zu, %zu matched%s%s", c->n_lines,
				 c->n_matched, c->loading_facts ? "  looking up facts " : "",
				 c->loading_facts ? ui_spinner(ui) : "");
			ui_draw_text(ui, w, y, 1, width - 2, sel ? UI_ROLE_CURSOR : UI_ROLE_LIST_GROUP, b);
			break;
		case ROW_LINE:
			draw_line(p, w, y, width, &c->lines[row->i], sel);
			break;
		case ROW_BLANK:
			if (c->facts_error[0]) {
				snprintf(b, sizeof(b), "fact lookup failed: %s", c->facts_error);
				ui_draw_text(ui, w, y, 1, width - 2, sel ? UI_ROLE_CURSOR : UI_ROLE_LOG_ERROR, b);
			}
			break;
		case ROW_HEAD_SUMMARY:
			ui_draw_text(ui, w, y, 1, width - 2, sel ? UI_ROLE_CURSOR : UI_ROLE_LIST_GROUP,
				     "Summary (as sent, sanitized)");
			break;
		case ROW_SUMMARY:
			ui_draw_node_text(ui, w, y, 2, width - 3, sel ? UI_ROLE_CURSOR : UI_ROLE_VALUE,
					  card->summary + row->i, row->len, NULL);
			break;
		}
	}
}

static void
card_draw(struct pane *p, WINDOW *w, int h, int width)
{
	struct cardp *c = p->priv;
	struct ui *ui = p->ui;
	sync_selection(p);
	if (c->entity[0] == '\0') {
		ui_draw_text(ui, w, 0, 1, width - 1, UI_ROLE_LIST_DIM,
			     "No entity selected: pick one in the entity browser (2) and press Enter.");
		return;
	}
	int x = ui_draw_text(ui, w, 0, 1, width - 1, UI_ROLE_LABEL, "Card of ");
	x += 1 + ui_draw_node_text(ui, w, 0, 1 + x, width - x - 34, UI_ROLE_VALUE, c->entity,
				   strlen(c->entity), NULL);
	char st[128];
	bool busy = c->loading_probe || c->loading_card;
	snprintf(st, sizeof(st), "  scope %s (c: next)%s%s", c->scope_known ? scope_names[c->scope] : "?",
		 busy ? "  loading " : "", busy ? ui_spinner(ui) : "");
	ui_draw_text(ui, w, 0, 1 + x, width - x - 1, UI_ROLE_LIST_DIM, st);
	if (c->error[0]) {
		char b[900];
		snprintf(b, sizeof(b), "Card in scope %s: %s", scope_names[c->scope], c->error);
		ui_draw_text(ui, w, 2, 2, width - 3, UI_ROLE_LOG_ERROR, b);
		if (c->not_found) {
			char sc[64] = "";
			for (int k = 0; k < CARD_SCOPES; k++) {
				if (!c->has_scope[k] || k == c->scope)
					continue;
				size_t n = strlen(sc);
				snprintf(sc + n, sizeof(sc) - n, "%s%s", n ? ", " : "", scope_names[k]);
			}
			snprintf(b, sizeof(b), "No facts found for this entity in scope %s. Press c for another scope%s%s%s.",
				 scope_names[c->scope], sc[0] ? " (it has facts in: " : "", sc, sc[0] ? ")" : "");
			ui_draw_text(ui, w, 3, 2, width - 3, UI_ROLE_NOTICE, b);
		} else {
			ui_draw_text(ui, w, 3, 2, width - 3, UI_ROLE_NOTICE, "Press r to try again, c for another scope.");
		}
		return;
	}
	const struct stg_card *card = c->card_res ? c->card_res->value : NULL;
	if (card == NULL)
		return;
	char b[600];
	x = 1;
	snprintf(b, sizeof(b), "avg_confidence %.6g   refreshed_at ", card->avg_confidence);
	x += ui_draw_text(ui, w, 1, x, width - x - 1, UI_ROLE_LABEL, b);
	const char *ra = card->refreshed_at ? card->refreshed_at : "(null)";
	x += ui_draw_node_text(ui, w, 1, x, 34, UI_ROLE_VALUE, ra, strlen(ra), NULL);
	snprintf(b, sizeof(b), "   is_stale %s (as sent)", card->is_stale ? "true" : "false");
	ui_draw_text(ui, w, 1, x, width - x - 1, UI_ROLE_LABEL, b);
	if (card->has_contradictions) {
		snprintf(b, sizeof(b), "has_contradictions true  ! contradicting: %s  (Enter on a line: its facts)",
			 c->contra[0] ? c->contra : c->loading_facts ? "…" : "(relations not matched)");
		ui_draw_text(ui, w, 2, 1, width - 2, UI_ROLE_MARKER_CONTRADICTED, b);
	} else {
		ui_draw_text(ui, w, 2, 1, width - 2, UI_ROLE_LABEL, "has_contradictions false");
	}
	if (c->stale > 0) {
		snprintf(b, sizeof(b), "stale: %zu newer fact%s since refreshed_at (r rebuilds the card)", c->stale,
			 c->stale == 1 ? "" : "s");
		ui_fill_row(ui, w, 3, 0, width, UI_ROLE_STATUS_WARN);
		ui_draw_text(ui, w, 3, 1, width - 2, UI_ROLE_STATUS_WARN, b);
	} else if (c->polled) {
		ui_draw_text(ui, w, 3, 1, width - 2, UI_ROLE_STATUS_OK,
			     "fresh: no newer facts seen since refreshed_at (checked every 5 s while shown)");
	} else {
		ui_draw_text(ui, w, 3, 1, width - 2, UI_ROLE_LIST_DIM,
			     "staleness: not checked yet (every 5 s while shown)");
	}
	draw_body(p, w, 5, h, width);
}

/* ---- keys ---------------------------------------------------------------------- */

static void
move_cursor(struct cardp *c, long d)
{
	if (c->n_rows == 0)
		return;
	long v = (long)c->cursor + d;
	if (v < 0)
		v = 0;
	if (v >= (long)c->n_rows)
		v = (long)c->n_rows - 1;
	c->cursor = (size_t)v;
}

static unsigned
card_key(struct pane *p, int key, enum ui_action a)
{
	struct cardp *c = p->priv;
	struct ui_shared *sh = ui_shared(p->ui);
	(void)key;
	long page = c->body_rows > 1 ? (long)c->body_rows - 1 : 1;
	switch (a) {
	case UI_ACTION_MOVE_DOWN: move_cursor(c, 1); return UI_HANDLED;
	case UI_ACTION_MOVE_UP: move_cursor(c, -1); return UI_HANDLED;
	case UI_ACTION_PAGE_DOWN: move_cursor(c, page); return UI_HANDLED;
	case UI_ACTION_PAGE_UP: move_cursor(c, -page); return UI_HANDLED;
	case UI_ACTION_HALF_PAGE_DOWN: move_cursor(c, page / 2 ? page / 2 : 1); return UI_HANDLED;
	case UI_ACTION_HALF_PAGE_UP: move_cursor(c, -(page / 2 ? page / 2 : 1)); return UI_HANDLED;
	case UI_ACTION_FIRST: c->cursor = 0; return UI_HANDLED;
	case UI_ACTION_LAST: c->cursor = c->n_rows ? c->n_rows - 1 : 0; return UI_HANDLED;
	case UI_ACTION_REFRESH:
		if (c->entity[0] == '\0')
			return UI_HANDLED;
		if (!c->scope_known)
			load_entity(p);
		else
			load_card(p, true);
		return UI_HANDLED;
	case UI_ACTION_CARD_SCOPE:
		if (c->entity[0] == '\0')
			return UI_HANDLED;
		c->scope = (c->scope + 1) % CARD_SCOPES;
		c->scope_known = true;
		c->probed = true;
		load_card(p, false);
		return UI_HANDLED;
	case UI_ACTION_BACK:
		ui_focus_name(p->ui, "entities");
		return UI_HANDLED;
	case UI_ACTION_OPEN:
		if (c->cursor < c->n_rows && c->rows[c->cursor].kind == ROW_LINE) {
			const struct stg_fact *x = c->lines[c->rows[c->cursor].i].fact;
			if (x && x->relation) {
				/* The facts pane shows the selected entity: make sure it is
				 * this card's, then filter on the relation. */
				if (strcmp(sh->selected_entity, c->entity) != 0) {
					snprintf(sh->selected_entity, sizeof(sh->selected_entity), "%s", c->entity);
					sh->selected_gen++;
					c->shown_gen = sh->selected_gen;
				}
				snprintf(sh->facts_filter, sizeof(sh->facts_filter), "%s", x->relation);
				sh->facts_filter_gen++;
				ui_focus_name(p->ui, "facts");
			}
		}
		return UI_HANDLED;
	default:
		return UI_UNHANDLED;
	}
}

/* A click on a body row moves the cursor there. */
static unsigned
card_click(struct pane *p, int y, int x)
{
	struct cardp *c = p->priv;
	(void)x;
	if (y < 5 || c->n_rows == 0)
		return UI_UNHANDLED;
	size_t r = c->top + (size_t)(y - 5);
	if (r >= c->n_rows)
		return UI_UNHANDLED;
	c->cursor = r;
	return UI_HANDLED | UI_REDRAW;
}

static bool
card_raw(struct pane *p, const char **label, const char **data, size_t *len)
{
	struct cardp *c = p->priv;
	if (c->cursor < c->n_rows && c->rows[c->cursor].kind == ROW_LINE) {
		const struct stg_fact *x = c->lines[c->rows[c->cursor].i].fact;
		if (x && x->value.str) {
			*label = "card line value";
			*data = x->value.str;
			*len = x->value.str_len;
			return true;
		}
	}
	const struct stg_card *card = c->card_res ? c->card_res->value : NULL;
	if (card == NULL || card->summary == NULL)
		return false;
	*label = "card summary";
	*data = card->summary;
	*len = strlen(card->summary);
	return true;
}

static void
card_summary(struct pane *p, char *buf, size_t size)
{
	struct cardp *c = p->priv;
	if (c->loading_probe || c->loading_card)
		snprintf(buf, size, "loading");
	else if (c->stale)
		snprintf(buf, size, "stale: %zu", c->stale);
	else
		buf[0] = '\0';
}

const struct pane_ops pane_card_ops = {
	.name = "card",
	.title = "Card",
	.tab_key = "4",
	.init = card_init,
	.free = card_free,
	.show = card_show,
	.draw = card_draw,
	.on_key = card_key,
	.on_response = card_response,
	.summary = card_summary,
	.raw_value = card_raw,
	.on_click = card_click,
	.timer_ms = card_timer_ms,
	.on_timer = card_timer,
	.help = "The memory card of the selected entity in one scope; c shows the next scope.\n"
		"Each card line is matched to its fact by SHA-256 of the fact id (? = unmatched).\n"
		"! marks a relation appearing twice (a contradiction); Enter opens its facts.\n"
		"The node always says is_stale false: the pane polls for newer facts every 5 s\n"
		"and shows \"stale: N newer facts\"; r rebuilds the card (refresh=true).",
};
