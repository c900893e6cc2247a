/* pane_overview.c — the node overview: well-known document, /v1/me and
 * /healthz, fetched asynchronously; connection and TLS facts; a clear
 * error state when the node does not answer. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "stigmem/sanitize.h"
#include "ui/ui.h"

enum { TAG_INFO, TAG_ME, TAG_HEALTH, TAG_PEERS, TAG_POLL, TAG_CONFLICTS };

/* Health history: the last OV_HIST /healthz latencies (ms; < 0 = failed),
 * polled every OV_POLL_MS while the UI runs (not in the test mode). */
#define OV_HIST 40
#define OV_POLL_MS 5000

struct ov {
	bool started;
	bool focused_once;
	struct stg_async_result *res[4];  /* owned: last result per tag */
	double latency[4];
	double hist[OV_HIST];
	size_t n_hist;                    /* samples in hist (ring, newest last) */
	size_t hist_head;
	bool polling;
	struct timespec next_poll;
};

static void
hist_add(struct ov *o, double ms)
{
	o->hist[o->hist_head] = ms;
	o->hist_head = (o->hist_head + 1) % OV_HIST;
	if (o->n_hist < OV_HIST)
		o->n_hist++;
}

static long
ms_until(struct timespec t)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return (long)(t.tv_sec - now.tv_sec) * 1000 + (t.tv_nsec - now.tv_nsec) / 1000000;
}

static void
schedule_poll(struct ov *o)
{
	clock_gettime(CLOCK_MONOTONIC, &o->next_poll);
	o->next_poll.tv_sec += OV_POLL_MS / 1000;
}

static int
ov_init(struct pane *p)
{
	p->priv = calloc(1, sizeof(struct ov));
	return p->priv ? 0 : -1;
}

static void
ov_free(struct pane *p)
{
	struct ov *o = p->priv;
	if (o == NULL)
		return;
	for (int i = 0; i < 4; i++)
		stg_async_result_free(o->res[i]);
	free(o);
	p->priv = NULL;
}

static void
ov_load(struct pane *p)
{
	struct ov *o = p->priv;
	struct stg_error err;
	stg_error_clear(&err);
	p->gen++;
	o->started = true;
	ui_submit(p->ui, p, stg_request_node_info(&err), TAG_INFO);
	ui_submit(p->ui, p, stg_request_me(&err), TAG_ME);
	ui_submit(p->ui, p, stg_request_healthz(&err), TAG_HEALTH);
	ui_submit(p->ui, p, stg_request_peers(&err), TAG_PEERS);
	{
		struct stg_conflict_params cq = {.status = "unresolved", .limit = 500};

		ui_submit(p->ui, p, stg_request_conflicts(&cq, &err), TAG_CONFLICTS);
	}
	schedule_poll(o);
	ui_pane_dirty(p);
}

static int
ov_timer_ms(struct pane *p)
{
	struct ov *o = p->priv;
	if (!o->started || o->polling || ui_settings(p->ui)->stable)
		return -1;
	long d = ms_until(o->next_poll);
	return d < 0 ? 0 : (int)d;
}

static void
ov_timer(struct pane *p)
{
	struct ov *o = p->priv;
	struct stg_error err;
	stg_error_clear(&err);
	schedule_poll(o);
	if (ui_submit(p->ui, p, stg_request_healthz(&err), TAG_POLL) != 0)
		o->polling = true;
}

static void
ov_show(struct pane *p)
{
	struct ov *o = p->priv;
	if (!o->started)
		ov_load(p);
}

static void
clean_copy(char *dst, size_t size, const char *s)
{
	if (s == NULL) {
		snprintf(dst, size, "-");
		return;
	}
	stg_text_sanitize(s, strlen(s), NULL, dst, size, NULL);
}

static bool
is_down(enum stg_status st)
{
	return st == STG_ERR_CONNECT || st == STG_ERR_TIMEOUT || st == STG_ERR_TRANSPORT ||
	       st == STG_ERR_TLS;
}

static void
ov_response(struct pane *p, int tag, struct stg_async_result *res)
{
	struct ov *o = p->priv;
	static const char *const what[] = {"GET /.well-known/stigmem", "GET /v1/me", "GET /healthz",
					   "GET /v1/federation/peers"};
	if (tag == TAG_POLL) {
		/* Background health poll: history only, no log noise. */
		o->polling = false;
		if (res->status != STG_ERR_CANCELLED)
			hist_add(o, res->status == STG_OK ? res->info.latency_ms : -1.0);
		stg_async_result_free(res);
		ui_pane_dirty(p);
		return;
	}
	if (tag == TAG_CONFLICTS) {
		/* Unresolved-conflict count for the status bar; errors show in
		 * the conflicts pane when it is opened, not here. */
		struct ui_shared *csh = ui_shared(p->ui);

		if (res->status == STG_OK && res->value) {
			const struct stg_conflict_page *pg = res->value;

			csh->conflicts_known = true;
			csh->conflicts_open = pg->n_conflicts;
			csh->conflicts_more = pg->has_more;
			ui_touch_all(p->ui, false);
		}
		stg_async_result_free(res);
		return;
	}
	if (tag < 0 || tag > 3) {
		stg_async_result_free(res);
		return;
	}
	if (tag == TAG_HEALTH && res->status != STG_ERR_CANCELLED)
		hist_add(o, res->status == STG_OK ? res->info.latency_ms : -1.0);
	stg_async_result_free(o->res[tag]);
	o->res[tag] = res;
	o->latency[tag] = res->info.latency_ms;
	if (res->status != STG_OK && res->status != STG_ERR_CANCELLED &&
	    tag != TAG_PEERS) /* peers: shown in the pane only */
		ui_log_error(p->ui, what[tag], &res->error);
	struct ui_shared *sh = ui_shared(p->ui);
	if (tag == TAG_ME && res->status == STG_OK && res->value) {
		const struct stg_me *me = res->value;
		clean_copy(sh->principal, sizeof(sh->principal), me->entity_uri);
		sh->me_loaded = true;
	} else if (tag == TAG_ME && res->status == STG_ERR_AUTH) {
		snprintf(sh->principal, sizeof(sh->principal), "unauthorized");
		sh->me_loaded = true;
	}
	/* The node does not answer: bring the overview (with its choices)
	 * forward once, instead of leaving a bare error in another pane. */
	if (tag == TAG_INFO && is_down(res->status) && !o->focused_once) {
		o->focused_once = true;
		ui_focus_pane(p->ui, p);
	}
	if (tag == TAG_INFO && res->status == STG_OK && res->value) {
		const struct stg_node_info *ni = res->value;
		clean_copy(sh->auth_mode, sizeof(sh->auth_mode), ni->auth);
		clean_copy(sh->node_version, sizeof(sh->node_version), ni->version);
	}
	ui_touch_all(p->ui, false);
	ui_pane_dirty(p);
}

struct rowctx {
	struct ui *ui;
	WINDOW *w;
	int y, h, width;
};

static void
section(struct rowctx *c, const char *title)
{
	if (c->y >= c->h)
		return;
	if (c->y > 0)
		c->y++;
	if (c->y >= c->h)
		return;
	ui_draw_text(c->ui, c->w, c->y++, 1, c->width - 1, UI_ROLE_LIST_HEADER, title);
}

static void
row_local(struct rowctx *c, const char *label, enum ui_role r, const char *value)
{
	if (c->y >= c->h)
		return;
	ui_draw_text(c->ui, c->w, c->y, 3, 20, UI_ROLE_LABEL, label);
	ui_draw_text(c->ui, c->w, c->y, 24, c->width - 25, r, value);
	c->y++;
}

static void
row_node(struct rowctx *c, const char *label, const char *value)
{
	if (c->y >= c->h)
		return;
	ui_draw_text(c->ui, c->w, c->y, 3, 20, UI_ROLE_LABEL, label);
	if (value == NULL)
		ui_draw_text(c->ui, c->w, c->y, 24, c->width - 25, UI_ROLE_LIST_DIM, "(null)");
	else
		ui_draw_node_text(c->ui, c->w, c->y, 24, c->width - 25, UI_ROLE_VALUE, value,
				  strlen(value), NULL);
	c->y++;
}

static void
row_list(struct rowctx *c, const char *label, const char *const *items, size_t n)
{
	struct stg_buf b;
	stg_buf_init(&b);
	for (size_t i = 0; i < n; i++) {
		if (i)
			stg_buf_puts(&b, ", ");
		stg_buf_puts(&b, items[i] ? items[i] : "(null)");
	}
	row_node(c, label, n ? (b.data ? b.data : "") : "(none)");
	stg_buf_done(&b);
}

static void
row_error(struct rowctx *c, const char *label, const struct stg_async_result *res)
{
	char msg[1200];
	char detail[600];
	stg_text_sanitize(res->error.detail, strnlen(res->error.detail, sizeof(res->error.detail)),
			  NULL, detail, sizeof(detail), NULL);
	if (res->error.http_status > 0)
		snprintf(msg, sizeof(msg), "HTTP %ld: %s%s%s", res->error.http_status,
			 stg_status_message(res->status), detail[0] ? " - " : "", detail);
	else
		snprintf(msg, sizeof(msg), "%s%s%s", stg_status_message(res->status),
			 detail[0] ? " - " : "", detail);
	row_local(c, label, UI_ROLE_LOG_ERROR, msg);
}

static void
ov_draw(struct pane *p, WINDOW *w, int h, int width)
{
	struct ov *o = p->priv;
	struct ui *ui = p->ui;
	const struct ui_conn *cn = ui_conn(ui);
	struct rowctx c = {ui, w, 0, h, width};
	char buf[512];

	struct stg_async_result *info = o->res[TAG_INFO], *me = o->res[TAG_ME],
				*health = o->res[TAG_HEALTH];
	bool down = info && is_down(info->status);
	if (down) {
		section(&c, "NODE NOT REACHABLE");
		snprintf(buf, sizeof(buf), "Nothing answers at %s", cn->url);
		row_local(&c, "Problem", UI_ROLE_LOG_ERROR, buf);
		row_error(&c, "Error", info);
		row_local(&c, "What now", UI_ROLE_HELP_KEY, "d  open the built-in demo node");
		row_local(&c, "", UI_ROLE_HELP_KEY, "u  enter a URL");
		row_local(&c, "", UI_ROLE_HELP_KEY, "P  choose a profile (stigmem-tui.conf(5))");
		row_local(&c, "", UI_ROLE_HELP_KEY, "r  retry          q  quit");
	}

	section(&c, "Connection");
	row_local(&c, "URL", UI_ROLE_VALUE, cn->url);
	if (strcmp(cn->label, cn->url) != 0)
		row_local(&c, "Profile", UI_ROLE_VALUE, cn->label);
	if (cn->https)
		row_local(&c, "TLS", cn->tls_insecure ? UI_ROLE_BADGE_TLS_OFF : UI_ROLE_STATUS_OK,
			  cn->tls_insecure ? "!! certificate verification OFF (--insecure) !!"
					   : "on: certificates verified (peer and host)");
	else
		row_local(&c, "TLS", UI_ROLE_BADGE_PLAIN_HTTP,
			  cn->key_refused ? "none: plain http to a remote host, API key withheld"
					  : "none (plain http)");
	row_local(&c, "API key", UI_ROLE_VALUE, cn->has_key ? "set (never shown)" : "none");
	if (cn->read_only)
		row_local(&c, "Mode", UI_ROLE_BADGE_READONLY, "READ-ONLY: write actions hidden");
	if (cn->demo)
		row_local(&c, "Demo", UI_ROLE_VALUE, "in-process stigmem-lite with the demo dataset");

	section(&c, "Node (GET /.well-known/stigmem)");
	if (info == NULL) {
		snprintf(buf, sizeof(buf), "%s loading...", ui_spinner(ui));
		row_local(&c, "", UI_ROLE_LIST_DIM, buf);
	} else if (info->status != STG_OK) {
		row_error(&c, "Error", info);
	} else if (info->value) {
		const struct stg_node_info *ni = info->value;
		row_node(&c, "Node id", ni->node_id);
		row_node(&c, "Version", ni->version);
		row_node(&c, "Advertised URL", ni->node_url);
		row_node(&c, "Auth", ni->auth);
		row_node(&c, "Federation", ni->federation);
		row_node(&c, "Source attestation", ni->source_attestation);
		row_list(&c, "Namespaces", ni->namespaces, ni->n_namespaces);
		row_node(&c, "Spec", ni->spec);
	}

	section(&c, "Identity (GET /v1/me)");
	if (me == NULL) {
		row_local(&c, "", UI_ROLE_LIST_DIM, "loading...");
	} else if (me->status != STG_OK) {
		row_error(&c, "Error", me);
	} else if (me->value) {
		const struct stg_me *m = me->value;
		row_node(&c, "Principal", m->entity_uri);
		row_list(&c, "Permissions", m->permissions, m->n_permissions);
		row_node(&c, "OIDC subject", m->oidc_sub);
		row_node(&c, "Tenant", m->tenant_id);
	}

	section(&c, "Health (GET /healthz)");
	if (health == NULL) {
		row_local(&c, "", UI_ROLE_LIST_DIM, "loading...");
	} else if (health->status != STG_OK) {
		row_error(&c, "Error", health);
	} else if (health->value) {
		const struct stg_health *hh = health->value;
		if (ui_settings(ui)->stable)
			snprintf(buf, sizeof(buf), "#ms");
		else
			snprintf(buf, sizeof(buf), "%.1f ms", o->latency[TAG_HEALTH]);
		row_node(&c, "Status", hh->status);
		row_local(&c, "Latency", UI_ROLE_VALUE, buf);
	}
	if (health != NULL && (!ui_settings(ui)->stable || o->n_hist > 1)) {
		/* Sparkline of the last latencies; a failed poll is an "x". */
		static const char *const bars[] = {"\u2581", "\u2582", "\u2583", "\u2584",
						   "\u2585", "\u2586", "\u2587", "\u2588"};
		double mx = 0;
		size_t failed = 0;
		for (size_t i = 0; i < o->n_hist; i++) {
			size_t k = (o->hist_head + OV_HIST - o->n_hist + i) % OV_HIST;
			if (o->hist[k] > mx)
				mx = o->hist[k];
		}
		size_t len = 0;
		for (size_t i = 0; i < o->n_hist && len + 4 < sizeof(buf); i++) {
			size_t k = (o->hist_head + OV_HIST - o->n_hist + i) % OV_HIST;
			const char *g;
			if (o->hist[k] < 0) {
				g = "x";
				failed++;
			} else {
				int lv = mx > 0 ? (int)(o->hist[k] / mx * 7.0 + 0.5) : 0;
				g = bars[lv < 0 ? 0 : lv > 7 ? 7 : lv];
			}
			len += (size_t)snprintf(buf + len, sizeof(buf) - len, "%s", g);
		}
		char lab[96];
		if (ui_settings(ui)->stable)
			snprintf(lab, sizeof(lab), "%zu sample%s, %zu failed", o->n_hist,
				 o->n_hist == 1 ? "" : "s", failed);
		else
			snprintf(lab, sizeof(lab), "  (%zu samples, max %.1f ms, %zu failed, every %d s)",
				 o->n_hist, mx, failed, OV_POLL_MS / 1000);
		if (ui_settings(ui)->stable)
			row_local(&c, "History", UI_ROLE_VALUE, lab);
		else {
			snprintf(buf + len, sizeof(buf) - len, "%s", lab);
			row_local(&c, "History", UI_ROLE_VALUE, buf);
		}
	}

	struct stg_async_result *peers = o->res[TAG_PEERS];
	section(&c, "Federation peers (GET /v1/federation/peers)");
	if (peers == NULL) {
		row_local(&c, "", UI_ROLE_LIST_DIM, "loading...");
	} else if (peers->status != STG_OK) {
		row_error(&c, "Error", peers);
	} else if (peers->value) {
		const struct stg_peer_list *pl = peers->value;
		if (pl->n_peers == 0)
			row_local(&c, "", UI_ROLE_LIST_DIM, "(no peers)");
		for (size_t i = 0; i < pl->n_peers && c.y < c.h; i++) {
			const struct stg_peer *pe = &pl->peers[i];
			row_node(&c, "Peer", pe->node_url ? pe->node_url : pe->node_id);
			row_node(&c, "  status", pe->status);
			row_list(&c, "  allowed scopes", pe->allowed_scopes, pe->n_allowed_scopes);
			row_node(&c, "  established", pe->established_at ? pe->established_at
									: "not yet (null)");
		}
	}
}

static unsigned
ov_key(struct pane *p, int key, enum ui_action a)
{
	struct ov *o = p->priv;
	bool down = o->res[TAG_INFO] && is_down(o->res[TAG_INFO]->status);
	if (down && key == 'd') {
		/* May reset this pane: touch nothing of it afterwards. */
		struct ui_connect_req rq = {.demo = true};
		ui_connect(p->ui, &rq);
		return UI_HANDLED;
	}
	if (down && key == 'u') {
		ui_open_url_prompt(p->ui);
		return UI_HANDLED;
	}
	if (a == UI_ACTION_REFRESH) {
		ov_load(p);
		return UI_HANDLED;
	}
	return UI_UNHANDLED;
}

static void
ov_summary(struct pane *p, char *buf, size_t size)
{
	struct ov *o = p->priv;
	if (p->in_flight)
		snprintf(buf, size, "loading %s", ui_spinner(p->ui));
	else if (o->res[TAG_INFO] && o->res[TAG_INFO]->status != STG_OK)
		snprintf(buf, size, "node not reachable");
	else
		buf[0] = '\0';
}

const struct pane_ops pane_overview_ops = {
	.name = "overview",
	.title = "Overview",
	.tab_key = "1",
	.init = ov_init,
	.free = ov_free,
	.show = ov_show,
	.draw = ov_draw,
	.on_key = ov_key,
	.on_response = ov_response,
	.summary = ov_summary,
	.timer_ms = ov_timer_ms,
	.on_timer = ov_timer,
	.help = "r reloads the well-known document, /v1/me and /healthz.",
};
