/* pane_verify.c — integrity view: the node's fact chain proved on demand
 * (recall with Stigmem-Verify: full, §11.4) and checked in both modes of
 * stg_verify_chain_proof() (sdk, lag-aware) as a checklist; a 409
 * fact_chain_mismatch explained with a jump to the fact; and a CID audit
 * (§10.6) of the facts the inspector has loaded — the conflict queue's
 * facts and the selected entity's facts — with the node's verify-cid
 * answer next to the client's for a chosen fact. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "stigmem/sanitize.h"
#include "stigmem/verify.h"
#include "ui/ui.h"

enum { TAG_RECALL, TAG_TAMPER_FACT, TAG_TAMPER_AUDIT, TAG_AUD_CONFLICTS, TAG_AUD_FACTS, TAG_VCID };

enum aud_class { AC_VERIFIED, AC_INTEGER, AC_MISMATCH, AC_UNVERIFIABLE, AC_NONE, AC_COUNT };

static const char *const class_name[AC_COUNT] = {"verified", "integer spelling", "mismatch",
						 "unverifiable", "none"};
static const char *const class_glyph[AC_COUNT] = {"\u2713", "\u2713", "\u2717", "?", "\u2205"};
static const enum ui_role class_role[AC_COUNT] = {UI_ROLE_CID_VERIFIED, UI_ROLE_CID_INTEGER,
						  UI_ROLE_CID_MISMATCH, UI_ROLE_CID_UNVERIFIABLE,
						  UI_ROLE_CID_NONE};

struct aud_item {
	const struct stg_fact *f;        /* borrowed from an audit result */
	struct stg_fact_cid_check chk;
	enum aud_class cls;
};

struct vf {
	bool started;
	/* Chain proof. */
	bool running;
	struct stg_async_result *recall; /* owned */
	struct stg_proof_report sdk, lag;
	/* 409 fact_chain_mismatch. */
	bool tampered;
	char t_reason[64];
	bool t_has_seq;
	long long t_seq;
	char t_fact[128];
	struct stg_async_result *t_factres; /* owned: GET /v1/facts/{id} */
	/* Where the fact lives (from the fact, or from its audit entry when
	 * the node refuses to serve the altered row); raw node text. */
	char t_entity[2048];
	char t_relation[512];
	char t_written[512];             /* value at write time (audit), "" if unknown */
	char t_refused[160];             /* why GET /v1/facts/{id} failed, clean */
	/* CID audit. */
	struct stg_async_result *aud_conf, *aud_facts; /* owned */
	char aud_entity[2048];
	struct aud_item *items;          /* owned */
	size_t n_items;
	size_t counts[AC_COUNT];
	size_t *problems;                /* owned: indices of mismatch/unverifiable items */
	size_t n_problems, cursor;
	/* verify-cid of one fact. */
	char vcid_fact[128];
	struct stg_async_result *vcid;   /* owned */
};

static int
vf_init(struct pane *p)
{
	p->priv = calloc(1, sizeof(struct vf));
	return p->priv ? 0 : -1;
}

static void
vf_free(struct pane *p)
{
	struct vf *o = p->priv;
	if (o == NULL)
		return;
	stg_async_result_free(o->recall);
	stg_async_result_free(o->t_factres);
	stg_async_result_free(o->aud_conf);
	stg_async_result_free(o->aud_facts);
	stg_async_result_free(o->vcid);
	free(o->items);
	free(o->problems);
	free(o);
	p->priv = NULL;
}

static void
clean(char *dst, size_t size, const char *s)
{
	if (s == NULL) {
		snprintf(dst, size, "-");
		return;
	}
	stg_text_sanitize(s, strlen(s), NULL, dst, size, NULL);
}

/* ---- requests ------------------------------------------------------------- */

static void
run_verify(struct pane *p)
{
	struct vf *o = p->priv;
	struct stg_error err;
	/* The node re-verifies the caller's whole chain on any recall with the
	 * header: keep the recall itself minimal. */
	struct stg_recall_params rp = {.query = "stigmem-tui-verify",
				       .verify_full = true,
				       .token_budget = 1,
				       .limit = 1,
				       .include_neighbors = STG_OPT_FALSE};
	stg_error_clear(&err);
	o->running = true;
	if (ui_submit(p->ui, p, stg_request_recall(&rp, &err), TAG_RECALL) == 0)
		o->running = false;
	ui_pane_dirty(p);
}

static void
load_audit(struct pane *p)
{
	struct vf *o = p->priv;
	struct stg_error err;
	struct stg_conflict_params cq = {.limit = 500};
	stg_error_clear(&err);
	stg_async_result_free(o->aud_conf);
	stg_async_result_free(o->aud_facts);
	o->aud_conf = o->aud_facts = NULL;
	ui_submit(p->ui, p, stg_request_conflicts(&cq, &err), TAG_AUD_CONFLICTS);
	const char *ent = ui_shared(p->ui)->selected_entity;
	snprintf(o->aud_entity, sizeof(o->aud_entity), "%s", ent);
	if (ent[0]) {
		struct stg_query_params q = {.entity = ent,
					     .include_contradicted = STG_OPT_TRUE,
					     .include_expired = STG_OPT_TRUE,
					     .limit = 200};
		ui_submit(p->ui, p, stg_request_query(&q, &err), TAG_AUD_FACTS);
	}
}

static void
vf_show(struct pane *p)
{
	struct vf *o = p->priv;
	if (!o->started || strcmp(o->aud_entity, ui_shared(p->ui)->selected_entity) != 0) {
		o->started = true;
		load_audit(p);
	}
}

/* ---- CID audit -------------------------------------------------------------- */

static void
audit_add(struct vf *o, const struct stg_fact *f, size_t cap)
{
	if (f == NULL || o->n_items >= cap)
		return;
	for (size_t i = 0; i < o->n_items; i++)
		if (f->id && o->items[i].f->id && strcmp(f->id, o->items[i].f->id) == 0)
			return;
	struct aud_item *it = &o->items[o->n_items++];
	it->f = f;
	stg_verify_fact_cid(f, &it->chk);
	switch (it->chk.verdict) {
	case STG_CID_VERIFIED: it->cls = AC_VERIFIED; break;
	case STG_CID_VERIFIED_INTEGER_SPELLING: it->cls = AC_INTEGER; break;
	case STG_CID_MISMATCH:
		it->cls = it->chk.possibly_sanitized ? AC_UNVERIFIABLE : AC_MISMATCH;
		break;
	case STG_CID_UNVERIFIABLE_REDACTED: it->cls = AC_UNVERIFIABLE; break;
	default: it->cls = AC_NONE; break;
	}
}

static void
audit_rebuild(struct vf *o)
{
	const struct stg_conflict_page *cp =
		o->aud_conf && o->aud_conf->status == STG_OK ? o->aud_conf->value : NULL;
	const struct stg_fact_page *fp =
		o->aud_facts && o->aud_facts->status == STG_OK ? o->aud_facts->value : NULL;
	size_t cap = (cp ? 2 * cp->n_conflicts : 0) + (fp ? fp->n_facts : 0);
	free(o->items);
	free(o->problems);
	o->items = cap ? calloc(cap, sizeof(*o->items)) : NULL;
	o->problems = cap ? calloc(cap, sizeof(size_t)) : NULL;
	o->n_items = o->n_problems = 0;
	memset(o->counts, 0, sizeof(o->counts));
	if (o->items == NULL || o->problems == NULL)
		return;
	for (size_t i = 0; cp && i < cp->n_conflicts; i++) {
		audit_add(o, cp->conflicts[i].fact_a, cap);
		audit_add(o, cp->conflicts[i].fact_b, cap);
	}
	for (size_t i = 0; fp && i < fp->n_facts; i++)
		audit_add(o, &fp->facts[i], cap);
	for (size_t i = 0; i < o->n_items; i++) {
		o->counts[o->items[i].cls]++;
		if (o->items[i].cls == AC_MISMATCH || o->items[i].cls == AC_UNVERIFIABLE)
			o->problems[o->n_problems++] = i;
	}
	if (o->cursor >= o->n_problems)
		o->cursor = o->n_problems ? o->n_problems - 1 : 0;
}

/* ---- responses ------------------------------------------------------------ */

static void
note_tamper(struct pane *p, const struct stg_async_result *res)
{
	struct vf *o = p->priv;
	struct stg_error err;
	cJSON *doc = res->info.body ? cJSON_ParseWithLength(res->info.body, res->info.body_len)
				    : NULL;
	cJSON *detail = cJSON_GetObjectItemCaseSensitive(doc, "detail");
	cJSON *reason = cJSON_GetObjectItemCaseSensitive(detail, "mismatch_reason");
	cJSON *fid = cJSON_GetObjectItemCaseSensitive(detail, "fact_id");
	cJSON *seq = cJSON_GetObjectItemCaseSensitive(detail, "chain_seq");
	o->tampered = true;
	clean(o->t_reason, sizeof(o->t_reason), cJSON_IsString(reason) ? reason->valuestring : NULL);
	o->t_has_seq = cJSON_IsNumber(seq);
	o->t_seq = o->t_has_seq ? (long long)seq->valuedouble : 0;
	o->t_fact[0] = '\0';
	o->t_entity[0] = o->t_relation[0] = o->t_written[0] = o->t_refused[0] = '\0';
	stg_async_result_free(o->t_factres);
	o->t_factres = NULL;
	if (cJSON_IsString(fid)) {
		snprintf(o->t_fact, sizeof(o->t_fact), "%s", fid->valuestring);
		stg_error_clear(&err);
		ui_submit(p->ui, p, stg_request_get_fact(o->t_fact, NULL, &err), TAG_TAMPER_FACT);
	}
	cJSON_Delete(doc);
}

static void
vf_response(struct pane *p, int tag, struct stg_async_result *res)
{
	struct vf *o = p->priv;
	switch (tag) {
	case TAG_RECALL:
		o->running = false;
		o->tampered = false;
		stg_async_result_free(o->recall);
		o->recall = res;
		if (res->status == STG_OK && res->value) {
			const struct stg_recall_response *r = res->value;
			stg_verify_chain_proof(r->chain_proof, STG_PROOF_SDK, false, &o->sdk);
			stg_verify_chain_proof(r->chain_proof, STG_PROOF_LAG_AWARE, false, &o->lag);
			ui_log(p->ui, o->lag.valid ? UI_LOG_INFO : UI_LOG_WARN,
			       "Fact chain: sdk %s, lag-aware %s", o->sdk.valid ? "valid" : "INVALID",
			       o->lag.valid ? "valid" : "INVALID");
		} else if (res->error.http_status == 409 &&
			   strcmp(res->error.code, "fact_chain_mismatch") == 0) {
			note_tamper(p, res);
		}
		break;
	case TAG_TAMPER_FACT:
		stg_async_result_free(o->t_factres);
		o->t_factres = res;
		if (res->status == STG_OK && res->value) {
			const struct stg_fact *f = res->value;
			snprintf(o->t_entity, sizeof(o->t_entity), "%s", f->entity ? f->entity : "");
			snprintf(o->t_relation, sizeof(o->t_relation), "%s",
				 f->relation ? f->relation : "");
		} else if (o->t_fact[0]) {
			/* The node refuses an altered row (409 cid_mismatch): its
			 * write audit still names entity and relation. */
			struct stg_error err;
			struct stg_audit_params ap = {.fact_id = o->t_fact, .limit = 5};
			snprintf(o->t_refused, sizeof(o->t_refused), "HTTP %ld %s",
				 res->error.http_status, res->error.code);
			stg_error_clear(&err);
			ui_submit(p->ui, p, stg_request_audit(&ap, &err), TAG_TAMPER_AUDIT);
		}
		break;
	case TAG_TAMPER_AUDIT:
		if (res->status == STG_OK && res->value) {
			const struct stg_audit_page *ap = res->value;
			for (size_t i = 0; i < ap->n_entries; i++) {
				const struct stg_audit_entry *e = &ap->entries[i];
				if (e->fact_entity == NULL)
					continue;
				snprintf(o->t_entity, sizeof(o->t_entity), "%s", e->fact_entity);
				snprintf(o->t_relation, sizeof(o->t_relation), "%s",
					 e->fact_relation ? e->fact_relation : "");
				snprintf(o->t_written, sizeof(o->t_written), "%s",
					 e->fact_value_v ? e->fact_value_v : "");
				break;
			}
		}
		stg_async_result_free(res);
		break;
	case TAG_AUD_CONFLICTS:
	case TAG_AUD_FACTS:
		if (tag == TAG_AUD_CONFLICTS) {
			stg_async_result_free(o->aud_conf);
			o->aud_conf = res;
		} else {
			stg_async_result_free(o->aud_facts);
			o->aud_facts = res;
		}
		audit_rebuild(o);
		break;
	case TAG_VCID:
		stg_async_result_free(o->vcid);
		o->vcid = res;
		break;
	default:
		stg_async_result_free(res);
		return;
	}
	ui_pane_dirty(p);
}

/* ---- keys ----------------------------------------------------------------- */

static void
jump_to(struct pane *p, const char *entity)
{
	struct ui_shared *sh = ui_shared(p->ui);
	snprintf(sh->selected_entity, sizeof(sh->selected_entity), "%s", entity);
	sh->selected_gen++;
	ui_focus_name(p->ui, "facts");
}

static unsigned
vf_key(struct pane *p, int key, enum ui_action a)
{
	struct vf *o = p->priv;
	(void)key;
	switch (a) {
	case UI_ACTION_VERIFY_RUN:
		run_verify(p);
		return UI_HANDLED;
	case UI_ACTION_REFRESH:
		load_audit(p);
		run_verify(p);
		return UI_HANDLED;
	case UI_ACTION_MOVE_DOWN:
		if (o->cursor + 1 < o->n_problems)
			o->cursor++;
		return UI_HANDLED;
	case UI_ACTION_MOVE_UP:
		if (o->cursor > 0)
			o->cursor--;
		return UI_HANDLED;
	case UI_ACTION_OPEN: {
		if (o->tampered && o->t_entity[0]) {
			jump_to(p, o->t_entity);
			return UI_HANDLED;
		}
		if (o->n_problems && o->items[o->problems[o->cursor]].f->entity) {
			jump_to(p, o->items[o->problems[o->cursor]].f->entity);
			return UI_HANDLED;
		}
		return UI_HANDLED;
	}
	case UI_ACTION_VERIFY_CID: {
		const char *fid = NULL;
		if (o->n_problems > 0)
			fid = o->items[o->problems[o->cursor]].f->id;
		else if (o->tampered && o->t_fact[0])
			fid = o->t_fact; /* the row the node refuses to serve */
		if (fid == NULL) {
			ui_log(p->ui, UI_LOG_INFO, "No mismatched or unverifiable fact to ask about");
			return UI_HANDLED;
		}
		struct stg_error err;
		stg_error_clear(&err);
		snprintf(o->vcid_fact, sizeof(o->vcid_fact), "%s", fid);
		stg_async_result_free(o->vcid);
		o->vcid = NULL;
		ui_submit(p->ui, p, stg_request_verify_cid(o->vcid_fact, &err), TAG_VCID);
		return UI_HANDLED;
	}
	default:
		return UI_UNHANDLED;
	}
}

/* ---- drawing -------------------------------------------------------------- */

struct rows {
	struct ui *ui;
	WINDOW *w;
	int y, h, width;
};

static void
heading(struct rows *c, const char *t)
{
	if (c->y > 0)
		c->y++;
	if (c->y < c->h)
		ui_draw_text(c->ui, c->w, c->y++, 1, c->width - 2, UI_ROLE_LIST_HEADER, t);
}

static void
line(struct rows *c, enum ui_role r, const char *t)
{
	if (c->y < c->h)
		ui_draw_text(c->ui, c->w, c->y++, 1, c->width - 2, r, t);
}

static void
kv(struct rows *c, const char *label, enum ui_role r, const char *value)
{
	if (c->y >= c->h)
		return;
	ui_draw_text(c->ui, c->w, c->y, 3, 18, UI_ROLE_LABEL, label);
	ui_draw_text(c->ui, c->w, c->y, 22, c->width - 23, r, value);
	c->y++;
}

static const struct stg_proof_check *
find_check(const struct stg_proof_report *r, const char *name)
{
	for (size_t i = 0; i < r->n_checks; i++)
		if (strcmp(r->checks[i].name, name) == 0)
			return &r->checks[i];
	return NULL;
}

static const char *
mark(const struct stg_proof_check *k)
{
	return k == NULL ? "\u00b7 n/a" : k->ok ? "\u2713 pass" : "\u2717 FAIL";
}

static void
draw_proof(struct pane *p, struct rows *c)
{
	struct vf *o = p->priv;
	char buf[700];
	const struct stg_recall_response *r = o->recall->value;
	const struct stg_chain_proof *pr = r ? r->chain_proof : NULL;
	if (pr == NULL) {
		line(c, UI_ROLE_PROOF_BAD, "\u2717 the node sent no chain_proof");
	} else {
		snprintf(buf, sizeof(buf), "%lld", pr->checked_entries);
		kv(c, "checked_entries", UI_ROLE_VALUE, buf);
		clean(buf, sizeof(buf), pr->head_hash);
		kv(c, "head_hash", UI_ROLE_VALUE, buf);
		clean(buf, sizeof(buf), pr->tenant_id);
		kv(c, "tenant", UI_ROLE_VALUE, buf);
		const struct stg_checkpoint *cp = pr->checkpoint;
		if (cp == NULL) {
			kv(c, "checkpoint", UI_ROLE_PROOF_LAG, "none yet (null)");
		} else {
			char id[128], st[64], be[64], ca[64];
			clean(id, sizeof(id), cp->id);
			kv(c, "checkpoint", UI_ROLE_VALUE, id);
			long long lag = pr->checked_entries - cp->covered_chain_seq;
			snprintf(buf, sizeof(buf), "%lld  (lag %lld: %s)", cp->covered_chain_seq, lag,
				 lag == 0 ? "covers the head" : "head is past the checkpoint");
			kv(c, "covered seq", lag ? UI_ROLE_PROOF_LAG : UI_ROLE_PROOF_OK, buf);
			clean(st, sizeof(st), cp->status);
			clean(be, sizeof(be), cp->tl_backend);
			clean(ca, sizeof(ca), cp->created_at);
			snprintf(buf, sizeof(buf), "%s   backend %s   created %s", st, be, ca);
			kv(c, "status", UI_ROLE_VALUE, buf);
			char li[32], it[32];
			if (cp->has_tl_log_index)
				snprintf(li, sizeof(li), "%lld", cp->tl_log_index);
			else
				snprintf(li, sizeof(li), "-");
			if (cp->has_tl_integrated_time)
				snprintf(it, sizeof(it), "%lld", cp->tl_integrated_time);
			else
				snprintf(it, sizeof(it), "-");
			snprintf(buf, sizeof(buf), "%s   integrated time %s", li, it);
			kv(c, "log index", UI_ROLE_VALUE, buf);
		}
	}
	/* Checklist: every check of both modes. */
	const char *names[2 * STG_PROOF_CHECKS_MAX];
	size_t n = 0;
	const struct stg_proof_report *reps[2] = {&o->sdk, &o->lag};
	for (int m = 0; m < 2; m++)
		for (size_t i = 0; i < reps[m]->n_checks; i++) {
			bool seen = false;
			for (size_t k = 0; k < n; k++)
				seen = seen || strcmp(names[k], reps[m]->checks[i].name) == 0;
			if (!seen && n < 2 * STG_PROOF_CHECKS_MAX)
				names[n++] = reps[m]->checks[i].name;
		}
	if (c->y < c->h) {
		c->y++;
		snprintf(buf, sizeof(buf), "%-24s %-8s %-10s %s", "check", "sdk", "lag-aware",
			 "reason");
		line(c, UI_ROLE_LIST_HEADER, buf);
	}
	for (size_t k = 0; k < n && c->y < c->h; k++) {
		const struct stg_proof_check *s = find_check(&o->sdk, names[k]);
		const struct stg_proof_check *l = find_check(&o->lag, names[k]);
		const char *why = s && !s->ok ? s->detail : l && !l->ok ? l->detail : "";
		char det[STG_PROOF_DETAIL_MAX];
		clean(det, sizeof(det), why);
		bool bad = (s && !s->ok) || (l && !l->ok);
		bool lagonly = s && !s->ok && l && l->ok;
		enum ui_role rl = lagonly ? UI_ROLE_PROOF_LAG : bad ? UI_ROLE_PROOF_BAD : UI_ROLE_PROOF_OK;
		ui_draw_text(c->ui, c->w, c->y, 1, 24, rl, names[k]);
		ui_draw_text(c->ui, c->w, c->y, 26, 8, rl, mark(s));
		ui_draw_text(c->ui, c->w, c->y, 35, 10, rl, mark(l));
		ui_draw_text(c->ui, c->w, c->y, 46, c->width - 47, rl, det);
		c->y++;
	}
	if (c->y < c->h) {
		snprintf(buf, sizeof(buf), "verdict: sdk %s   lag-aware %s",
			 o->sdk.valid ? "\u2713 VALID" : "\u2717 INVALID",
			 o->lag.valid ? "\u2713 VALID" : "\u2717 INVALID");
		line(c, o->lag.valid && o->sdk.valid ? UI_ROLE_PROOF_OK
			: o->lag.valid		      ? UI_ROLE_PROOF_LAG
						      : UI_ROLE_PROOF_BAD,
		     buf);
	}
	const struct stg_proof_check *ll = find_check(&o->lag, "tl_log_link");
	if (c->y < c->h) {
		if (ll)
			snprintf(buf, sizeof(buf),
				 "local log link sha256(prev_hash + leaf_hash) = chain_hash: %s",
				 ll->ok ? "\u2713 recomputed, matches" : "\u2717 does not match");
		else
			snprintf(buf, sizeof(buf), "local log link: \u00b7 n/a (no local log line)");
		line(c, ll == NULL ? UI_ROLE_LIST_DIM : ll->ok ? UI_ROLE_PROOF_OK : UI_ROLE_PROOF_BAD,
		     buf);
	}
}

static void
draw_tamper(struct pane *p, struct rows *c)
{
	struct vf *o = p->priv;
	char buf[700];
	line(c, UI_ROLE_PROOF_BAD, "\u2717 TAMPERED: the node answered 409 fact_chain_mismatch");
	kv(c, "reason", UI_ROLE_PROOF_BAD, o->t_reason);
	if (*stg_chain_mismatch_meaning(o->t_reason))
		kv(c, "", UI_ROLE_VALUE, stg_chain_mismatch_meaning(o->t_reason));
	if (o->t_has_seq) {
		snprintf(buf, sizeof(buf), "%lld", o->t_seq);
		kv(c, "chain seq", UI_ROLE_VALUE, buf);
	}
	clean(buf, sizeof(buf), o->t_fact[0] ? o->t_fact : "(not given)");
	kv(c, "fact", UI_ROLE_VALUE, buf);
	if (o->t_refused[0]) {
		snprintf(buf, sizeof(buf), "refused (%s): the stored row no longer matches its CID",
			 o->t_refused);
		kv(c, "served now", UI_ROLE_PROOF_BAD, buf);
	}
	if (o->t_entity[0] && c->y < c->h) {
		ui_draw_text(c->ui, c->w, c->y, 3, 18, UI_ROLE_LABEL, "entity / relation");
		int x = 22 + ui_draw_node_text(c->ui, c->w, c->y, 22, (c->width - 23) / 2,
					       UI_ROLE_VALUE, o->t_entity, strlen(o->t_entity), NULL);
		ui_draw_node_text(c->ui, c->w, c->y, x + 2, c->width - x - 3, UI_ROLE_VALUE,
				  o->t_relation, strlen(o->t_relation), NULL);
		c->y++;
		if (o->t_written[0] && c->y < c->h) {
			ui_draw_text(c->ui, c->w, c->y, 3, 18, UI_ROLE_LABEL, "value as written");
			ui_draw_node_text(c->ui, c->w, c->y, 22, c->width - 23, UI_ROLE_VALUE,
					  o->t_written, strlen(o->t_written), NULL);
			c->y++;
		}
		kv(c, "", UI_ROLE_HELP_KEY, "Enter: show this fact's entity in the facts pane");
	} else if (o->t_fact[0] && o->t_factres && o->t_factres->status != STG_OK) {
		kv(c, "", UI_ROLE_LOG_WARN, "the fact cannot be read back");
	}
}

static void
draw_audit(struct pane *p, struct rows *c)
{
	struct vf *o = p->priv;
	char buf[700];
	snprintf(buf, sizeof(buf), "CID audit of the loaded facts (%zu: conflict queue%s)",
		 o->n_items, o->aud_entity[0] ? " + selected entity" : "");
	heading(c, buf);
	if (o->aud_conf == NULL) {
		line(c, UI_ROLE_LIST_DIM, "loading...");
		return;
	}
	if (c->y < c->h) {
		int x = 3;
		for (int k = 0; k < AC_COUNT && x < c->width; k++) {
			snprintf(buf, sizeof(buf), "%s %s %zu   ", class_glyph[k], class_name[k],
				 o->counts[k]);
			x += ui_draw_text(c->ui, c->w, c->y, x, c->width - x - 1, class_role[k], buf);
		}
		c->y++;
	}
	if (o->aud_facts && o->aud_facts->status != STG_OK) {
		char det[200];
		stg_text_sanitize(o->aud_facts->error.detail,
				  strnlen(o->aud_facts->error.detail, sizeof(o->aud_facts->error.detail)),
				  NULL, det, sizeof(det), NULL);
		snprintf(buf, sizeof(buf), "  \u2717 the selected entity's facts: HTTP %ld %s - %s",
			 o->aud_facts->error.http_status, o->aud_facts->error.code, det);
		line(c, UI_ROLE_CID_MISMATCH, buf);
	}
	if (o->n_problems == 0) {
		line(c, UI_ROLE_LIST_DIM, "  no mismatched or unverifiable CID");
	}
	for (size_t i = 0; i < o->n_problems && c->y < c->h - (o->vcid_fact[0] ? 6 : 0); i++) {
		const struct aud_item *it = &o->items[o->problems[i]];
		bool cur = i == o->cursor;
		if (cur)
			ui_fill_row(c->ui, c->w, c->y, 0, c->width, UI_ROLE_CURSOR);
		snprintf(buf, sizeof(buf), "%s %s%s", class_glyph[it->cls], class_name[it->cls],
			 it->chk.possibly_sanitized ? " (possibly sanitized)" : "");
		ui_draw_text(c->ui, c->w, c->y, 3, 36, cur ? UI_ROLE_CURSOR : class_role[it->cls], buf);
		const char *id = it->f->id ? it->f->id : "-";
		int x = 40 + ui_draw_node_text(c->ui, c->w, c->y, 40, 37,
					       cur ? UI_ROLE_CURSOR : UI_ROLE_VALUE, id, strlen(id),
					       NULL);
		if (it->f->entity)
			ui_draw_node_text(c->ui, c->w, c->y, x + 1, c->width - x - 2,
					  cur ? UI_ROLE_CURSOR : UI_ROLE_LIST_DIM, it->f->entity,
					  strlen(it->f->entity), NULL);
		c->y++;
	}
	if (o->vcid_fact[0]) {
		/* Both answers for the fact asked about. */
		const struct aud_item *it = NULL;
		for (size_t i = 0; i < o->n_items; i++)
			if (o->items[i].f->id && strcmp(o->items[i].f->id, o->vcid_fact) == 0)
				it = &o->items[i];
		char cc[STG_HASH_MAX + 8];
		clean(cc, sizeof(cc), o->vcid_fact);
		snprintf(buf, sizeof(buf), "verify-cid of fact %s", cc);
		line(c, UI_ROLE_LIST_HEADER, buf);
		if (it) {
			clean(cc, sizeof(cc), it->chk.computed_cid);
			snprintf(buf, sizeof(buf), "client: %s, computed %s",
				 stg_cid_verdict_name(it->chk.verdict), cc);
			line(c, class_role[it->cls], buf);
		} else {
			line(c, UI_ROLE_LIST_DIM,
			     "client: no local copy (the node refuses to serve this row)");
		}
		if (o->vcid == NULL) {
			line(c, UI_ROLE_LIST_DIM, "node:   asking verify-cid...");
		} else if (o->vcid->status != STG_OK) {
			snprintf(buf, sizeof(buf), "node:   verify-cid failed: %s (HTTP %ld)",
				 stg_status_message(o->vcid->status), o->vcid->error.http_status);
			line(c, UI_ROLE_LOG_ERROR, buf);
		} else if (o->vcid->value) {
			const struct stg_verify_cid_result *v = o->vcid->value;
			char comp[128], st[128], why[128];
			clean(comp, sizeof(comp), v->computed_cid);
			clean(st, sizeof(st), v->stored_cid);
			clean(why, sizeof(why), v->mismatch_reason);
			enum ui_role vr = v->cid_valid ? UI_ROLE_CID_VERIFIED : UI_ROLE_CID_MISMATCH;
			snprintf(buf, sizeof(buf), "node:   cid_valid %s%s%s",
				 v->cid_valid ? "true" : "false", v->mismatch_reason ? ", " : "",
				 v->mismatch_reason ? why : "");
			line(c, vr, buf);
			snprintf(buf, sizeof(buf), "        computed %s", comp);
			line(c, vr, buf);
			snprintf(buf, sizeof(buf), "        stored   %s", st);
			line(c, vr, buf);
		}
	}
}

static void
vf_draw(struct pane *p, WINDOW *w, int h, int width)
{
	struct vf *o = p->priv;
	struct rows c = {p->ui, w, 0, h, width};
	char buf[700];
	line(&c, UI_ROLE_LIST_HEADER,
	     "Fact chain (POST /v1/recall with Stigmem-Verify: full)   v verify   Enter jump");
	if (o->running) {
		snprintf(buf, sizeof(buf), "%s verifying the whole chain...", ui_spinner(p->ui));
		line(&c, UI_ROLE_LIST_DIM, buf);
	} else if (o->recall == NULL) {
		line(&c, UI_ROLE_LIST_DIM, "not checked yet: press v to prove the node's fact chain");
	} else if (o->tampered) {
		draw_tamper(p, &c);
	} else if (o->recall->status != STG_OK) {
		char det[300];
		stg_text_sanitize(o->recall->error.detail,
				  strnlen(o->recall->error.detail, sizeof(o->recall->error.detail)),
				  NULL, det, sizeof(det), NULL);
		snprintf(buf, sizeof(buf), "\u2717 recall failed: %s (HTTP %ld) %s",
			 stg_status_message(o->recall->status), o->recall->error.http_status, det);
		line(&c, UI_ROLE_LOG_ERROR, buf);
	} else {
		draw_proof(p, &c);
	}
	draw_audit(p, &c);
}

static void
vf_summary(struct pane *p, char *buf, size_t size)
{
	struct vf *o = p->priv;
	if (o->running)
		snprintf(buf, size, "verifying %s", ui_spinner(p->ui));
	else if (o->tampered)
		snprintf(buf, size, "chain TAMPERED");
	else if (o->recall && o->recall->status == STG_OK)
		snprintf(buf, size, "chain %s", o->lag.valid ? "valid" : "INVALID");
	else
		buf[0] = '\0';
}

const struct pane_ops pane_verify_ops = {
	.name = "verify",
	.title = "Verify",
	.tab_key = "7",
	.init = vf_init,
	.free = vf_free,
	.show = vf_show,
	.draw = vf_draw,
	.on_key = vf_key,
	.on_response = vf_response,
	.summary = vf_summary,
	.help = "Verify: v proves the node's fact chain (sdk and lag-aware checks);\n"
		"j/k pick a mismatched or unverifiable fact, V asks the node's verify-cid,\n"
		"Enter shows the tampered or selected fact's entity in the facts pane.",
};
