/* pane_conflicts.c — the conflict queue (§7): filter unresolved / resolved
 * / all, newest first; the selected conflict's two facts side by side with
 * every field (differences marked), CID badges, HLC order, a suggested
 * winner, the entity's other facts for the relation and the resolution
 * fact of a resolved conflict. Resolving (a, b, or a typed new value with
 * a note) always goes through a confirmation that shows the exact request;
 * a 409 is explained with who resolved it and to what. Every write action
 * is absent in read-only mode. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stigmem/sanitize.h"
#include "stigmem/verify.h"
#include "ui/ui.h"
#include "ui/value_editor.h"

enum {
	TAG_LIST,
	TAG_OTHERS,
	TAG_RESFACT,
	TAG_RESOLVE,
	TAG_RACE_LIST,
	TAG_RACE_FACT,
	TAG_NEWFACT,
};

enum cf_filter { CF_UNRESOLVED, CF_RESOLVED, CF_ALL };
enum cf_mode { CM_LIST, CM_EDIT, CM_CONFIRM };

#define CF_OUT_LINES 8
#define CF_EDIT_MAX 512

#define N_VTYPES UI_VALUE_TYPES

struct cf {
	enum cf_filter filter;
	enum cf_mode mode;
	struct stg_async_result *list;   /* owned: GET /v1/conflicts (all) */
	bool loading;
	size_t *order;                   /* owned: conflict indices of the current filter */
	size_t n_order;
	size_t n_unresolved, n_resolved;
	struct ui_list ul;

	/* Detail requests of the selected conflict. */
	char detail_id[128];             /* conflict the detail results belong to */
	struct stg_async_result *others; /* owned: facts of entity/relation */
	struct stg_async_result *resfact;/* owned: resolution fact (resolved_by) */

	/* Typed editor. */
	int ed_field;                    /* 0 type, 1 value, 2 note */
	int ed_type;
	char ed_value[CF_EDIT_MAX];
	char ed_note[CF_EDIT_MAX];
	char ed_error[256];

	/* Confirmation: the request that will be sent (owned until sent). */
	struct stg_request *pending;
	char pending_id[128];
	char pending_what[160];

	/* Outcome of the last resolve (clean local text). */
	char out[CF_OUT_LINES][512];
	enum ui_role out_role[CF_OUT_LINES];
	int n_out;
	char race_id[128];
	char newfact_id[128];
};

/* ---- helpers ------------------------------------------------------------ */

static void
clean(char *dst, size_t size, const char *s)
{
	if (s == NULL) {
		snprintf(dst, size, "(null)");
		return;
	}
	stg_text_sanitize(s, strlen(s), NULL, dst, size, NULL);
}

static const struct stg_conflict_page *
page(const struct cf *o)
{
	return o->list && o->list->status == STG_OK ? o->list->value : NULL;
}

static const struct stg_conflict *
conflict_at(const struct cf *o, size_t i)
{
	const struct stg_conflict_page *pg = page(o);
	return pg && i < pg->n_conflicts ? &pg->conflicts[i] : NULL;
}

static const struct stg_conflict *
selected(const struct cf *o)
{
	return conflict_at(o, ui_list_selected(&o->ul));
}

static bool
is_resolved(const struct stg_conflict *c)
{
	return c->status && strcmp(c->status, "resolved") == 0;
}

/* Value of a fact as display text (raw node text for strings). */
static const char *
value_text(const struct stg_fact *f, char *buf, size_t size)
{
	const struct stg_value *v = &f->value;
	if (v->is_null || v->type == STG_VT_NULL)
		return "null";
	if (v->type == STG_VT_NUMBER) {
		snprintf(buf, size, "%.17g", v->num);
		return buf;
	}
	if (v->type == STG_VT_BOOLEAN)
		return v->boolean ? "true" : "false";
	return v->str ? v->str : "";
}

static void
set_out(struct cf *o, int i, enum ui_role r, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void
set_out(struct cf *o, int i, enum ui_role r, const char *fmt, ...)
{
	va_list ap;
	if (i < 0 || i >= CF_OUT_LINES)
		return;
	va_start(ap, fmt);
	vsnprintf(o->out[i], sizeof(o->out[i]), fmt, ap);
	va_end(ap);
	o->out_role[i] = r;
	if (o->n_out <= i)
		o->n_out = i + 1;
}

/* ---- list source ---------------------------------------------------------- */

static const char *
row_id(void *ctx, size_t i)
{
	const struct stg_conflict *c = conflict_at(ctx, i);
	return c && c->conflict_id ? c->conflict_id : "";
}

static const char *
row_text(void *ctx, size_t i)
{
	const struct stg_conflict *c = conflict_at(ctx, i);
	if (c == NULL)
		return "";
	if (c->fact_a && c->fact_a->entity)
		return c->fact_a->entity;
	return c->conflict_id ? c->conflict_id : "";
}

/* ---- lifecycle ------------------------------------------------------------ */

static int
cf_init(struct pane *p)
{
	struct cf *o = calloc(1, sizeof(*o));
	if (o == NULL)
		return -1;
	ui_list_init(&o->ul, (struct ui_list_src){.ctx = o, .id = row_id, .text = row_text});
	p->priv = o;
	return 0;
}

static void
cf_free(struct pane *p)
{
	struct cf *o = p->priv;
	if (o == NULL)
		return;
	stg_async_result_free(o->list);
	stg_async_result_free(o->others);
	stg_async_result_free(o->resfact);
	stg_request_free(o->pending);
	ui_list_done(&o->ul);
	free(o->order);
	free(o);
	p->priv = NULL;
}

static void
cf_load(struct pane *p)
{
	struct cf *o = p->priv;
	struct stg_error err;
	struct stg_conflict_params q = {.status = NULL, .limit = 500};
	stg_error_clear(&err);
	o->loading = true;
	ui_submit(p->ui, p, stg_request_conflicts(&q, &err), TAG_LIST);
	ui_pane_dirty(p);
}

static int
cmp_newest(const void *x, const void *y, void *ctx)
{
	const struct cf *o = ctx;
	const struct stg_conflict *a = conflict_at(o, *(const size_t *)x);
	const struct stg_conflict *b = conflict_at(o, *(const size_t *)y);
	int c = strcmp(b->detected_at ? b->detected_at : "", a->detected_at ? a->detected_at : "");
	if (c == 0)
		c = strcmp(b->conflict_id ? b->conflict_id : "", a->conflict_id ? a->conflict_id : "");
	return c;
}

/* Insertion sort (a few hundred conflicts at most; stable, no qsort_r). */
static void
sort_order(struct cf *o)
{
	for (size_t i = 1; i < o->n_order; i++) {
		size_t v = o->order[i], j = i;
		while (j > 0 && cmp_newest(&o->order[j - 1], &v, o) > 0) {
			o->order[j] = o->order[j - 1];
			j--;
		}
		o->order[j] = v;
	}
}

static void
rebuild(struct cf *o)
{
	const struct stg_conflict_page *pg = page(o);
	size_t n = pg ? pg->n_conflicts : 0;
	free(o->order);
	o->order = n ? calloc(n, sizeof(size_t)) : NULL;
	o->n_order = 0;
	o->n_unresolved = o->n_resolved = 0;
	for (size_t i = 0; i < n && o->order; i++) {
		bool r = is_resolved(&pg->conflicts[i]);
		if (r)
			o->n_resolved++;
		else
			o->n_unresolved++;
		if (o->filter == CF_ALL || (o->filter == CF_RESOLVED) == r)
			o->order[o->n_order++] = i;
	}
	sort_order(o);
	ui_list_rebuild(&o->ul, o->order, o->n_order);
}

/* Publish the unresolved count for the status bar. */
static void
publish_counts(struct pane *p)
{
	struct cf *o = p->priv;
	struct ui_shared *sh = ui_shared(p->ui);
	const struct stg_conflict_page *pg = page(o);

	if (pg == NULL)
		return;
	sh->conflicts_known = true;
	sh->conflicts_open = o->n_unresolved;
	sh->conflicts_more = pg->has_more;
	ui_touch_all(p->ui, false);
}

/* Load the detail of the selected conflict when it changed. */
static void
load_detail(struct pane *p)
{
	struct cf *o = p->priv;
	const struct stg_conflict *c = selected(o);
	struct stg_error err;
	if (c == NULL || c->conflict_id == NULL) {
		o->detail_id[0] = '\0';
		return;
	}
	if (strcmp(o->detail_id, c->conflict_id) == 0)
		return;
	snprintf(o->detail_id, sizeof(o->detail_id), "%s", c->conflict_id);
	stg_async_result_free(o->others);
	stg_async_result_free(o->resfact);
	o->others = o->resfact = NULL;
	stg_error_clear(&err);
	const struct stg_fact *f = c->fact_a ? c->fact_a : c->fact_b;
	if (f && f->entity && f->relation) {
		struct stg_query_params q = {.entity = f->entity,
					     .relation = f->relation,
					     .include_contradicted = STG_OPT_TRUE,
					     .include_expired = STG_OPT_TRUE,
					     .limit = 50};
		ui_submit(p->ui, p, stg_request_query(&q, &err), TAG_OTHERS);
	}
	if (c->resolved_by)
		ui_submit(p->ui, p, stg_request_get_fact(c->resolved_by, NULL, &err), TAG_RESFACT);
}

static void
cf_show(struct pane *p)
{
	struct cf *o = p->priv;
	if (o->list == NULL && !o->loading)
		cf_load(p);
}

/* ---- responses ------------------------------------------------------------ */

static void
explain_fact(struct cf *o, int line, const char *label, const struct stg_fact *f)
{
	char id[80], src[256], val[300], num[64], ts[64];
	clean(id, sizeof(id), f->id);
	clean(src, sizeof(src), f->source);
	const char *v = value_text(f, num, sizeof(num));
	stg_text_sanitize(v, f->value.str && v == f->value.str ? f->value.str_len : strlen(v),
			  NULL, val, sizeof(val), NULL);
	clean(ts, sizeof(ts), f->timestamp);
	set_out(o, line, UI_ROLE_VALUE, "%s fact %s", label, id);
	set_out(o, line + 1, UI_ROLE_VALUE, "  who:  %s   at %s", src, ts);
	set_out(o, line + 2, UI_ROLE_VALUE, "  what: (%s) %s",
		f->value.type_name ? f->value.type_name : "?", val);
}

static void
cf_response(struct pane *p, int tag, struct stg_async_result *res)
{
	struct cf *o = p->priv;
	struct stg_error err;
	stg_error_clear(&err);
	switch (tag) {
	case TAG_LIST:
		o->loading = false;
		ui_list_remember(&o->ul);
		stg_async_result_free(o->list);
		o->list = res;
		o->detail_id[0] = '\0';
		rebuild(o);
		publish_counts(p);
		load_detail(p);
		break;
	case TAG_OTHERS:
	case TAG_RESFACT:
		if (tag == TAG_OTHERS) {
			stg_async_result_free(o->others);
			o->others = res;
		} else {
			stg_async_result_free(o->resfact);
			o->resfact = res;
		}
		break;
	case TAG_RESOLVE:
		o->n_out = 0;
		if (res->status == STG_OK && res->value) {
			const struct stg_resolution *r = res->value;
			char id[80];
			clean(id, sizeof(id), r->resolution_fact_id);
			set_out(o, 0, UI_ROLE_STATUS_OK, "\u2713 resolved: resolution fact %s", id);
			ui_log(p->ui, UI_LOG_INFO, "Resolved %s: resolution fact %s", o->pending_id,
			       id);
			if (r->resolution_fact_id) {
				snprintf(o->newfact_id, sizeof(o->newfact_id), "%s",
					 r->resolution_fact_id);
				ui_submit(p->ui, p,
					  stg_request_get_fact(r->resolution_fact_id, NULL, &err),
					  TAG_NEWFACT);
			}
		} else if (res->error.http_status == 409) {
			set_out(o, 0, UI_ROLE_STATUS_WARN,
				"! 409: someone resolved this conflict first (nothing changed)");
			snprintf(o->race_id, sizeof(o->race_id), "%s", o->pending_id);
			struct stg_conflict_params q = {.status = "resolved", .limit = 500};
			ui_submit(p->ui, p, stg_request_conflicts(&q, &err), TAG_RACE_LIST);
		} else {
			char detail[400];
			stg_text_sanitize(res->error.detail,
					  strnlen(res->error.detail, sizeof(res->error.detail)), NULL,
					  detail, sizeof(detail), NULL);
			set_out(o, 0, UI_ROLE_STATUS_ERROR, "\u2717 HTTP %ld: %s",
				res->error.http_status, stg_status_message(res->status));
			set_out(o, 1, UI_ROLE_STATUS_ERROR, "  node: %s", detail[0] ? detail : "-");
		}
		stg_async_result_free(res);
		/* The queue stays consistent with the node whatever happened. */
		cf_load(p);
		ui_pane_dirty(p);
		return;
	case TAG_RACE_LIST:
		if (res->status == STG_OK && res->value) {
			const struct stg_conflict_page *pg = res->value;
			for (size_t i = 0; i < pg->n_conflicts; i++) {
				const struct stg_conflict *c = &pg->conflicts[i];
				if (c->conflict_id && strcmp(c->conflict_id, o->race_id) == 0 &&
				    c->resolved_by) {
					ui_submit(p->ui, p,
						  stg_request_get_fact(c->resolved_by, NULL, &err),
						  TAG_RACE_FACT);
					break;
				}
			}
		}
		stg_async_result_free(res);
		ui_pane_dirty(p);
		return;
	case TAG_RACE_FACT:
	case TAG_NEWFACT:
		if (res->status == STG_OK && res->value)
			explain_fact(o, 1, tag == TAG_RACE_FACT ? "  already resolved by" : "  resolution",
				     res->value);
		stg_async_result_free(res);
		ui_pane_dirty(p);
		return;
	default:
		stg_async_result_free(res);
		return;
	}
	ui_pane_dirty(p);
}

/* ---- typed editor ------------------------------------------------------- */

/* Validate the editor's value like the node would; fill *v (borrowing
 * o->ed_value). False with o->ed_error set. */
static bool
editor_value(struct cf *o, struct stg_value *v)
{
	return ui_value_parse(o->ed_type, o->ed_value, v, o->ed_error, sizeof(o->ed_error));
}

static void
text_key(char *buf, size_t size, int key)
{
	size_t n = strlen(buf);
	if (key == UI_KEY_FN(KEY_BACKSPACE)) {
		while (n > 0 && ((unsigned char)buf[n - 1] & 0xC0) == 0x80)
			n--;
		if (n > 0)
			n--;
		buf[n] = '\0';
		return;
	}
	if (key < 0x20 || key == 0x7f || key >= UI_KEY_FN_BASE || key > 0x10FFFF)
		return;
	char enc[4];
	size_t k;
	if (key < 0x80) {
		enc[0] = (char)key;
		k = 1;
	} else if (key < 0x800) {
		enc[0] = (char)(0xC0 | (key >> 6));
		enc[1] = (char)(0x80 | (key & 0x3F));
		k = 2;
	} else if (key < 0x10000) {
		enc[0] = (char)(0xE0 | (key >> 12));
		enc[1] = (char)(0x80 | ((key >> 6) & 0x3F));
		enc[2] = (char)(0x80 | (key & 0x3F));
		k = 3;
	} else {
		enc[0] = (char)(0xF0 | (key >> 18));
		enc[1] = (char)(0x80 | ((key >> 12) & 0x3F));
		enc[2] = (char)(0x80 | ((key >> 6) & 0x3F));
		enc[3] = (char)(0x80 | (key & 0x3F));
		k = 4;
	}
	if (n + k + 1 > size)
		return;
	memcpy(buf + n, enc, k);
	buf[n + k] = '\0';
}

/* ---- resolve -------------------------------------------------------------- */

static bool
read_only(struct pane *p)
{
	return ui_conn(p->ui)->read_only;
}

/* Build the request for the selected conflict and open the confirmation.
 * which: 'a', 'b' or 'v' (the editor's value). */
static void
prepare(struct pane *p, int which)
{
	struct cf *o = p->priv;
	const struct stg_conflict *c = selected(o);
	struct stg_error err;
	struct stg_value nv;
	if (c == NULL || c->conflict_id == NULL || read_only(p))
		return;
	struct stg_resolve_params rp = {.conflict_id = c->conflict_id};
	if (which == 'v') {
		if (!editor_value(o, &nv))
			return;
		rp.new_value = &nv;
		rp.resolution_note = o->ed_note[0] ? o->ed_note : NULL;
		snprintf(o->pending_what, sizeof(o->pending_what), "a new %s value",
			 ui_value_type_name(o->ed_type));
	} else {
		const struct stg_fact *f = which == 'a' ? c->fact_a : c->fact_b;
		if (f == NULL || f->id == NULL) {
			ui_log(p->ui, UI_LOG_WARN, "Fact %c of this conflict is missing", which);
			return;
		}
		rp.winning_fact_id = f->id;
		snprintf(o->pending_what, sizeof(o->pending_what), "fact %c wins", which);
	}
	stg_error_clear(&err);
	stg_request_free(o->pending);
	o->pending = stg_request_resolve(&rp, &err);
	if (o->pending == NULL) {
		ui_log_error(p->ui, "resolve", &err);
		return;
	}
	snprintf(o->pending_id, sizeof(o->pending_id), "%s", c->conflict_id);
	o->mode = CM_CONFIRM;
}

static void
send_pending(struct pane *p)
{
	struct cf *o = p->priv;
	o->mode = CM_LIST;
	if (o->pending == NULL || read_only(p)) {
		stg_request_free(o->pending);
		o->pending = NULL;
		return;
	}
	o->n_out = 0;
	set_out(o, 0, UI_ROLE_LIST_DIM, "sending...");
	ui_submit(p->ui, p, o->pending, TAG_RESOLVE);
	o->pending = NULL;
}

static void
next_unresolved(struct pane *p)
{
	struct cf *o = p->priv;
	size_t n = o->ul.n_view;
	for (size_t k = 1; k <= n; k++) {
		size_t pos = (o->ul.cursor + k) % n;
		const struct stg_conflict *c = conflict_at(o, o->ul.view[pos]);
		if (c && !is_resolved(c)) {
			o->ul.cursor = pos;
			if (pos < o->ul.top || pos >= o->ul.top + (o->ul.rows ? o->ul.rows : 1))
				o->ul.top = pos;
			return;
		}
	}
	if (o->filter != CF_UNRESOLVED && o->n_unresolved) {
		o->filter = CF_UNRESOLVED;
		rebuild(o);
		o->ul.cursor = 0;
		o->ul.top = 0;
		return;
	}
	ui_log(p->ui, UI_LOG_INFO, "No unresolved conflict left");
}

/* ---- keys ----------------------------------------------------------------- */

static unsigned
edit_key(struct pane *p, int key, enum ui_action a)
{
	struct cf *o = p->priv;
	if (key == 0x1b || a == UI_ACTION_CANCEL) {
		o->mode = CM_LIST;
		return UI_HANDLED;
	}
	if (key == '\n') {
		prepare(p, 'v');
		return UI_HANDLED;
	}
	if (key == '\t' || key == UI_KEY_FN(KEY_DOWN)) {
		o->ed_field = (o->ed_field + 1) % 3;
		return UI_HANDLED;
	}
	if (key == UI_KEY_FN(KEY_BTAB) || key == UI_KEY_FN(KEY_UP)) {
		o->ed_field = (o->ed_field + 2) % 3;
		return UI_HANDLED;
	}
	if (o->ed_field == 0) {
		if (key == UI_KEY_FN(KEY_LEFT))
			o->ed_type = (o->ed_type + N_VTYPES - 1) % N_VTYPES;
		else if (key == UI_KEY_FN(KEY_RIGHT) || key == ' ')
			o->ed_type = (o->ed_type + 1) % N_VTYPES;
		o->ed_error[0] = '\0';
		return UI_HANDLED;
	}
	text_key(o->ed_field == 1 ? o->ed_value : o->ed_note, CF_EDIT_MAX, key);
	o->ed_error[0] = '\0';
	return UI_HANDLED;
}

static unsigned
cf_key(struct pane *p, int key, enum ui_action a)
{
	struct cf *o = p->priv;
	if (o->mode == CM_EDIT)
		return edit_key(p, key, a);
	if (o->mode == CM_CONFIRM) {
		if (key == 'y' || key == '\n') {
			send_pending(p);
		} else if (key == 'n' || key == 0x1b || a == UI_ACTION_CANCEL) {
			stg_request_free(o->pending);
			o->pending = NULL;
			o->mode = CM_LIST;
			ui_log(p->ui, UI_LOG_INFO, "Resolve cancelled: nothing sent");
		}
		return UI_HANDLED;
	}
	if (o->ul.editing || a == UI_ACTION_SEARCH) {
		bool changed = false;
		unsigned r = ui_list_key(&o->ul, key, a, &changed);
		if (changed)
			rebuild(o);
		load_detail(p);
		return r;
	}
	bool ro = read_only(p);
	switch (a) {
	case UI_ACTION_REFRESH:
		o->n_out = 0;
		cf_load(p);
		return UI_HANDLED;
	case UI_ACTION_CONFLICT_FILTER:
		o->filter = (enum cf_filter)((o->filter + 1) % 3);
		ui_list_remember(&o->ul);
		rebuild(o);
		load_detail(p);
		return UI_HANDLED;
	case UI_ACTION_NEXT_UNRESOLVED:
		next_unresolved(p);
		load_detail(p);
		return UI_HANDLED;
	case UI_ACTION_RESOLVE_A:
	case UI_ACTION_RESOLVE_B:
		if (ro)
			return UI_UNHANDLED;
		if (selected(o) && is_resolved(selected(o))) {
			ui_log(p->ui, UI_LOG_INFO, "This conflict is already resolved");
			return UI_HANDLED;
		}
		prepare(p, a == UI_ACTION_RESOLVE_A ? 'a' : 'b');
		return UI_HANDLED;
	case UI_ACTION_RESOLVE_VALUE:
		if (ro || selected(o) == NULL)
			return ro ? UI_UNHANDLED : UI_HANDLED;
		if (is_resolved(selected(o))) {
			ui_log(p->ui, UI_LOG_INFO, "This conflict is already resolved");
			return UI_HANDLED;
		}
		o->mode = CM_EDIT;
		o->ed_field = 1;
		o->ed_error[0] = '\0';
		return UI_HANDLED;
	case UI_ACTION_OPEN: {
		const struct stg_conflict *c = selected(o);
		const struct stg_fact *f = c ? (c->fact_a ? c->fact_a : c->fact_b) : NULL;
		if (f && f->entity) {
			struct ui_shared *sh = ui_shared(p->ui);
			snprintf(sh->selected_entity, sizeof(sh->selected_entity), "%s", f->entity);
			sh->selected_gen++;
			ui_focus_name(p->ui, "facts");
		}
		return UI_HANDLED;
	}
	default:
		break;
	}
	bool changed = false;
	unsigned r = ui_list_key(&o->ul, key, a, &changed);
	if (changed)
		rebuild(o);
	if (r)
		load_detail(p);
	return r;
}

/* ---- drawing -------------------------------------------------------------- */

struct fieldrow {
	const char *label;
	char a[320], b[320];
	size_t alen, blen;      /* bytes (node text may hold U+0000) */
	bool node;              /* node text: draw sanitized */
};

static void
fmt_field(const struct stg_fact *f, int k, char *out, size_t size, size_t *len, bool *node)
{
	char tmp[64];
	const char *s = NULL;
	*node = true;
	*len = (size_t)-1;
	if (f == NULL) {
		snprintf(out, size, "(null)");
		*node = false;
		*len = strlen(out);
		return;
	}
	switch (k) {
	case 0: s = f->id; break;
	case 1: s = f->entity; break;
	case 2: s = f->relation; break;
	case 3: s = f->value.type_name; break;
	case 4: {
		s = value_text(f, tmp, sizeof(tmp));
		size_t n = (f->value.str && s == f->value.str) ? f->value.str_len : strlen(s);
		if (n >= size)
			n = size - 1;
		memcpy(out, s, n);
		out[n] = '\0';
		*len = n;
		return;
	}
	case 5: s = f->source; break;
	case 6:
		*node = false;
		if (f->has_source_trust)
			snprintf(out, size, "%.2f", f->source_trust);
		else
			snprintf(out, size, "-");
		*len = strlen(out);
		return;
	case 7:
		*node = false;
		snprintf(out, size, "%.2f", f->confidence);
		*len = strlen(out);
		return;
	case 8: s = f->scope; break;
	case 9: s = f->timestamp; break;
	case 10: s = f->hlc; break;
	case 11: s = f->valid_until; break;
	case 12: s = f->origin_node_id; break;
	case 13: s = f->received_from; break;
	case 14:
		*node = false;
		snprintf(out, size, "%s", f->attested == STG_TRUE	 ? "yes"
					  : f->attested == STG_FALSE ? "no"
									 : "-");
		*len = strlen(out);
		return;
	case 15: s = f->cid; break;
	default: break;
	}
	snprintf(out, size, "%s", s ? s : "-");
	*len = strlen(out);
}

static const char *const field_labels[] = {
	"id",	     "entity", "relation", "value type",  "value",	  "source",
	"source_trust", "confidence", "scope",	  "timestamp", "hlc",	  "valid_until",
	"origin node", "received from", "attested", "cid",
};
#define N_FIELDS 16

static enum ui_role
cid_role(enum stg_cid_verdict v, bool sanitized)
{
	switch (v) {
	case STG_CID_VERIFIED: return UI_ROLE_CID_VERIFIED;
	case STG_CID_VERIFIED_INTEGER_SPELLING: return UI_ROLE_CID_INTEGER;
	case STG_CID_MISMATCH: return sanitized ? UI_ROLE_CID_UNVERIFIABLE : UI_ROLE_CID_MISMATCH;
	case STG_CID_UNVERIFIABLE_REDACTED: return UI_ROLE_CID_UNVERIFIABLE;
	default: return UI_ROLE_CID_NONE;
	}
}

static void
cid_badge(const struct stg_fact *f, char *buf, size_t size, enum ui_role *r)
{
	struct stg_fact_cid_check chk;
	if (f == NULL) {
		snprintf(buf, size, "-");
		*r = UI_ROLE_CID_NONE;
		return;
	}
	stg_verify_fact_cid(f, &chk);
	const char *g = chk.verdict == STG_CID_VERIFIED			 ? "\u2713"
			: chk.verdict == STG_CID_VERIFIED_INTEGER_SPELLING ? "\u2713"
			: chk.verdict == STG_CID_MISMATCH		 ? "\u2717"
			: chk.verdict == STG_CID_NO_CID			 ? "\u2205"
									 : "?";
	snprintf(buf, size, "%s CID %s%s", g, stg_cid_verdict_name(chk.verdict),
		 chk.verdict == STG_CID_MISMATCH && chk.possibly_sanitized ? " (possibly sanitized)"
									  : "");
	*r = cid_role(chk.verdict, chk.possibly_sanitized);
}

static void
draw_editor(struct pane *p, WINDOW *w, int y, int h, int width)
{
	struct cf *o = p->priv;
	struct ui *ui = p->ui;
	char buf[700];
	if (y >= h)
		return;
	ui_draw_text(ui, w, y++, 1, width - 2, UI_ROLE_LIST_HEADER,
		     "Resolve with a new value (Tab next field, \u2190/\u2192 type, Enter review, Esc cancel)");
	for (int f = 0; f < 3 && y < h; f++, y++) {
		static const char *const lab[] = {"type", "value", "note"};
		snprintf(buf, sizeof(buf), "%s %-6s", o->ed_field == f ? ">" : " ", lab[f]);
		ui_draw_text(ui, w, y, 1, 10, UI_ROLE_LABEL, buf);
		if (f == 0) {
			int x = 11;
			for (int t = 0; t < N_VTYPES; t++) {
				snprintf(buf, sizeof(buf), t == o->ed_type ? "[%s]" : " %s ", ui_value_type_name(t));
				x += ui_draw_text(ui, w, y, x, width - x,
						  t == o->ed_type ? UI_ROLE_CURSOR : UI_ROLE_VALUE, buf);
			}
		} else {
			snprintf(buf, sizeof(buf), "%s%s", f == 1 ? o->ed_value : o->ed_note,
				 o->ed_field == f ? "_" : "");
			ui_draw_text(ui, w, y, 11, width - 12, UI_ROLE_VALUE, buf);
		}
	}
	if (o->ed_error[0] && y < h) {
		snprintf(buf, sizeof(buf), "\u2717 invalid: %s", o->ed_error);
		ui_draw_text(ui, w, y++, 1, width - 2, UI_ROLE_STATUS_ERROR, buf);
	}
}

static void
draw_confirm(struct pane *p, WINDOW *w, int y, int h, int width)
{
	struct cf *o = p->priv;
	struct ui *ui = p->ui;
	char buf[300];
	size_t blen = 0;
	const char *body = stg_request_body(o->pending, &blen);
	if (y >= h)
		return;
	snprintf(buf, sizeof(buf), "Confirm: %s. Send this request? y/Enter send, n/Esc cancel",
		 o->pending_what);
	ui_draw_text(ui, w, y++, 1, width - 2, UI_ROLE_NOTICE, buf);
	if (y < h) {
		ui_draw_text(ui, w, y, 3, 5, UI_ROLE_LABEL, "POST");
		const char *t = stg_request_target(o->pending);
		ui_draw_node_text(ui, w, y++, 8, width - 9, UI_ROLE_VALUE, t, strlen(t), NULL);
	}
	/* The body, wrapped over as many rows as it needs. */
	size_t off = 0, per = width > 12 ? (size_t)(width - 12) : 1;
	bool first = true;
	while (body && off < blen && y < h) {
		size_t n = blen - off < per ? blen - off : per;
		if (first)
			ui_draw_text(ui, w, y, 3, 5, UI_ROLE_LABEL, "body");
		ui_draw_node_text(ui, w, y++, 8, width - 9, UI_ROLE_VALUE, body + off, n, NULL);
		off += n;
		first = false;
	}
}

static void
draw_detail(struct pane *p, WINDOW *w, int y, int h, int width)
{
	struct cf *o = p->priv;
	struct ui *ui = p->ui;
	const struct stg_conflict *c = selected(o);
	char buf[600];
	if (c == NULL || y >= h)
		return;
	const struct stg_fact *fa = c->fact_a, *fb = c->fact_b;
	int lw = 15, cw = (width - lw - 3) / 2;
	if (cw < 4)
		return;
	int xa = lw + 1, xb = lw + 2 + cw;
	ui_draw_text(ui, w, y, 1, lw, UI_ROLE_LIST_HEADER, "field");
	ui_draw_text(ui, w, y, xa, cw, UI_ROLE_CONFLICT_A, "A (newer write)");
	ui_draw_text(ui, w, y, xb, cw, UI_ROLE_CONFLICT_B, "B (existing)");
	y++;
	struct fieldrow fr;
	for (int k = 0; k < N_FIELDS && y < h; k++) {
		bool na, nb;
		fmt_field(fa, k, fr.a, sizeof(fr.a), &fr.alen, &na);
		fmt_field(fb, k, fr.b, sizeof(fr.b), &fr.blen, &nb);
		if (k == 1 || k == 2) {
			/* Same by construction (the key collision): one column. */
		}
		bool differ = fr.alen != fr.blen || memcmp(fr.a, fr.b, fr.alen) != 0;
		if (k == 0)
			differ = false; /* ids always differ: not a field difference */
		snprintf(buf, sizeof(buf), "%s%s", differ ? "\u2260 " : "  ", field_labels[k]);
		ui_draw_text(ui, w, y, 0, lw, differ ? UI_ROLE_STATUS_WARN : UI_ROLE_LABEL, buf);
		enum ui_role r = differ ? UI_ROLE_STATUS_WARN : UI_ROLE_VALUE;
		if (na)
			ui_draw_node_text(ui, w, y, xa, cw, r, fr.a, fr.alen, NULL);
		else
			ui_draw_text(ui, w, y, xa, cw, r, fr.a);
		if (nb)
			ui_draw_node_text(ui, w, y, xb, cw, r, fr.b, fr.blen, NULL);
		else
			ui_draw_text(ui, w, y, xb, cw, r, fr.b);
		y++;
	}
	if (y < h) {
		enum ui_role ra, rb;
		char ba[96], bb[96];
		cid_badge(fa, ba, sizeof(ba), &ra);
		cid_badge(fb, bb, sizeof(bb), &rb);
		ui_draw_text(ui, w, y, 0, lw, UI_ROLE_LABEL, "  cid check");
		ui_draw_text(ui, w, y, xa, cw, ra, ba);
		ui_draw_text(ui, w, y, xb, cw, rb, bb);
		y++;
	}
	if (fa && fb && y < h) {
		int hc = stg_hlc_compare(fa->hlc, fb->hlc);
		snprintf(buf, sizeof(buf), "HLC order: %s",
			 hc > 0	  ? "A after B (A is the later write)"
			 : hc < 0 ? "B after A (B is the later write)"
				  : "equal HLCs");
		ui_draw_text(ui, w, y++, 1, width - 2, UI_ROLE_VALUE, buf);
		const char *sug, *why;
		if (fa->confidence != fb->confidence) {
			sug = fa->confidence > fb->confidence ? "A" : "B";
			why = "higher confidence";
		} else if (hc != 0) {
			sug = hc > 0 ? "A" : "B";
			why = "equal confidence, later HLC";
		} else {
			sug = NULL;
			why = "equal confidence and HLC";
		}
		if (y < h) {
			if (sug)
				snprintf(buf, sizeof(buf),
					 "Suggested winner: %s (%s) - a suggestion only, you decide",
					 sug, why);
			else
				snprintf(buf, sizeof(buf), "Suggested winner: none (%s)", why);
			ui_draw_text(ui, w, y++, 1, width - 2, UI_ROLE_NOTICE, buf);
		}
	}
	if (c->resolved_by && y < h) {
		ui_draw_text(ui, w, y, 1, 14, UI_ROLE_LABEL, "Resolved by");
		ui_draw_node_text(ui, w, y, 15, 40, UI_ROLE_STATUS_OK, c->resolved_by,
				  strlen(c->resolved_by), NULL);
		const struct stg_fact *rf =
			o->resfact && o->resfact->status == STG_OK ? o->resfact->value : NULL;
		if (rf) {
			char num[64];
			const char *v = value_text(rf, num, sizeof(num));
			snprintf(buf, sizeof(buf), "= ");
			int x = 56 + ui_draw_text(ui, w, y, 56, 2, UI_ROLE_LABEL, buf);
			x += ui_draw_node_text(ui, w, y, x, width - x - 1, UI_ROLE_VALUE, v,
					       v == rf->value.str ? rf->value.str_len : strlen(v),
					       NULL);
			if (x + 4 < width) {
				ui_draw_text(ui, w, y, x + 1, 4, UI_ROLE_LABEL, "by");
				ui_draw_node_text(ui, w, y, x + 4, width - x - 5, UI_ROLE_VALUE,
						  rf->source ? rf->source : "-",
						  rf->source ? strlen(rf->source) : 1, NULL);
			}
		}
		y++;
	}
	/* The entity's other facts for this relation. */
	if (y < h) {
		const struct stg_fact_page *fp =
			o->others && o->others->status == STG_OK ? o->others->value : NULL;
		size_t n_other = 0;
		for (size_t i = 0; fp && i < fp->n_facts; i++) {
			const char *id = fp->facts[i].id;
			if (id && !((fa && fa->id && strcmp(id, fa->id) == 0) ||
				    (fb && fb->id && strcmp(id, fb->id) == 0)))
				n_other++;
		}
		snprintf(buf, sizeof(buf), "Other facts of this entity for the relation: %s",
			 fp ? "" : "loading...");
		if (fp)
			snprintf(buf + strlen(buf), sizeof(buf) - strlen(buf), "%zu", n_other);
		ui_draw_text(ui, w, y++, 1, width - 2, UI_ROLE_LIST_HEADER, buf);
		for (size_t i = 0; fp && i < fp->n_facts && y < h; i++) {
			const struct stg_fact *f = &fp->facts[i];
			if (f->id && ((fa && fa->id && strcmp(f->id, fa->id) == 0) ||
				      (fb && fb->id && strcmp(f->id, fb->id) == 0)))
				continue;
			char num[64];
			const char *v = value_text(f, num, sizeof(num));
			snprintf(buf, sizeof(buf), "%.2f", f->confidence);
			ui_draw_text(ui, w, y, 3, 5, UI_ROLE_VALUE, buf);
			int x = 9 + ui_draw_node_text(ui, w, y, 9, (width - 10) / 2, UI_ROLE_VALUE, v,
						      v == f->value.str ? f->value.str_len : strlen(v),
						      NULL);
			ui_draw_node_text(ui, w, y, x + 2, width - x - 3, UI_ROLE_LIST_DIM,
					  f->source ? f->source : "-", f->source ? strlen(f->source) : 1,
					  NULL);
			y++;
		}
	}
}

static void
cf_draw(struct pane *p, WINDOW *w, int h, int width)
{
	struct cf *o = p->priv;
	struct ui *ui = p->ui;
	char buf[600];
	int y = 0;
	static const char *const fname[] = {"unresolved", "resolved", "all"};

	snprintf(buf, sizeof(buf), "Conflicts  filter: %s  (%zu unresolved, %zu resolved)%s",
		 fname[o->filter], o->n_unresolved, o->n_resolved,
		 read_only(p) ? "  READ-ONLY" : "");
	ui_draw_text(ui, w, y++, 1, width - 2, UI_ROLE_LIST_HEADER, buf);
	if (o->list == NULL) {
		snprintf(buf, sizeof(buf), "%s loading...", ui_spinner(ui));
		ui_draw_text(ui, w, y, 1, width - 2, UI_ROLE_LIST_DIM, buf);
		return;
	}
	if (o->list->status != STG_OK) {
		snprintf(buf, sizeof(buf), "GET /v1/conflicts failed: %s",
			 stg_status_message(o->list->status));
		ui_draw_text(ui, w, y, 1, width - 2, UI_ROLE_LOG_ERROR, buf);
		return;
	}
	/* The queue: about a third of the pane. */
	int rows = h / 4;
	if (rows < 3)
		rows = 3;
	if ((size_t)rows > o->n_order)
		rows = o->n_order ? (int)o->n_order : 1;
	o->ul.rows = (size_t)rows;
	if (o->ul.cursor < o->ul.top)
		o->ul.top = o->ul.cursor;
	if (o->ul.cursor >= o->ul.top + o->ul.rows)
		o->ul.top = o->ul.cursor - o->ul.rows + 1;
	if (o->ul.n_view == 0) {
		ui_draw_text(ui, w, y, 3, width - 4, UI_ROLE_LIST_DIM,
			     o->filter == CF_UNRESOLVED ? "no unresolved conflicts: the queue is clear"
							: "no conflicts");
	}
	for (int r = 0; r < rows && o->ul.top + (size_t)r < o->ul.n_view; r++) {
		size_t pos = o->ul.top + (size_t)r;
		const struct stg_conflict *c = conflict_at(o, o->ul.view[pos]);
		bool cur = pos == o->ul.cursor;
		enum ui_role base = cur ? UI_ROLE_CURSOR : UI_ROLE_VALUE;
		if (cur)
			ui_fill_row(ui, w, y + r, 0, width, UI_ROLE_CURSOR);
		bool res = is_resolved(c);
		ui_draw_text(ui, w, y + r, 1, 12,
			     cur ? UI_ROLE_CURSOR : res ? UI_ROLE_STATUS_OK : UI_ROLE_STATUS_WARN,
			     res ? "\u2713 resolved" : "\u25cf open");
		char dt[32];
		clean(dt, sizeof(dt), c->detected_at);
		dt[19 < sizeof(dt) ? 19 : 0] = '\0';
		ui_draw_text(ui, w, y + r, 13, 20, cur ? UI_ROLE_CURSOR : UI_ROLE_LIST_DIM, dt);
		const struct stg_fact *f = c->fact_a ? c->fact_a : c->fact_b;
		int x = 34;
		if (f) {
			x += ui_draw_node_text(ui, w, y + r, x, (width - x) / 2, base,
					       f->entity ? f->entity : "-",
					       f->entity ? strlen(f->entity) : 1, NULL);
			ui_draw_node_text(ui, w, y + r, x + 2, width - x - 3, base,
					  f->relation ? f->relation : "-",
					  f->relation ? strlen(f->relation) : 1, NULL);
		}
	}
	y += rows;
	if (o->ul.editing || o->ul.filter[0]) {
		ui_list_draw_prompt(ui, &o->ul, w, y, width);
	}
	y++;
	/* Outcome of the last resolve. */
	for (int i = 0; i < o->n_out && y < h; i++)
		ui_draw_text(ui, w, y++, 1, width - 2, o->out_role[i], o->out[i]);
	if (o->mode == CM_CONFIRM && o->pending) {
		draw_confirm(p, w, y, h, width);
		return;
	}
	if (o->mode == CM_EDIT) {
		draw_editor(p, w, y, h, width);
		y += 5;
	}
	draw_detail(p, w, y, h, width);
}

static void
cf_summary(struct pane *p, char *buf, size_t size)
{
	struct cf *o = p->priv;
	if (o->list == NULL)
		buf[0] = '\0';
	else
		snprintf(buf, size, "%zu open of %zu", o->n_unresolved,
			 o->n_unresolved + o->n_resolved);
}

static bool
cf_raw(struct pane *p, const char **label, const char **data, size_t *len)
{
	struct cf *o = p->priv;
	const struct stg_conflict *c = selected(o);
	if (c == NULL || c->fact_a == NULL || c->fact_a->value.str == NULL)
		return false;
	*label = "fact A value";
	*data = c->fact_a->value.str;
	*len = c->fact_a->value.str_len;
	return true;
}

static bool
cf_text_input(struct pane *p)
{
	const struct cf *o = p->priv;
	return o != NULL && o->ul.editing;
}

const struct pane_ops pane_conflicts_ops = {
	.text_input = cf_text_input,
	.name = "conflicts",
	.title = "Conflicts",
	.tab_key = "6",
	.init = cf_init,
	.free = cf_free,
	.show = cf_show,
	.draw = cf_draw,
	.on_key = cf_key,
	.on_response = cf_response,
	.summary = cf_summary,
	.raw_value = cf_raw,
	.help = "Conflicts: f cycles unresolved / resolved / all; u jumps to the next\n"
		"unresolved one; Enter shows the entity's facts; r reloads the queue.",
};
