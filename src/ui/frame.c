/* frame.c — the frame: screen setup, dispatch, overlays (help, palette,
 * raw view), tab bar, status bar, message log storage, requests, dumps. */
#include <errno.h>
#include <langinfo.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>
#include <wchar.h>

#include "stigmem/sanitize.h"
#include "ui/ui.h"

#define MIN_COLS 40
#define MIN_LINES 8
#define LOG_MAX 2000
#define TOAST_MS 4000
#define SPIN_MS 120

enum overlay { OV_NONE, OV_HELP, OV_PALETTE, OV_RAW, OV_CHOOSER, OV_PROMPT };

#define CHOOSER_MAX 34

struct log_entry {
	enum ui_log_level lvl;
	time_t when;
	char *text;
};

struct req_slot {
	struct ui *ui;
	struct pane *pane;
	uint64_t gen;
	int tag;
	uint64_t id;
	struct req_slot *next, *prev;
};

struct ui {
	struct ui_settings set;
	struct ui_keymap keymap;
	struct ui_theme theme;
	struct ui_conn conn;
	struct ui_shared shared;
	struct stg_client *client;
	struct stg_async *eng;

	struct pane panes[UI_PANE_MAX];
	int n_panes;
	int focus;

	/* screen */
	bool active;
	bool utf8;               /* the locale's codeset is UTF-8 */
	SCREEN *scr;
	FILE *scr_out, *scr_in;
	WINDOW *tabw, *panew, *statw, *ovw;
	int lines, cols;
	bool too_small;
	bool dirty;
	bool hard;
	attr_t role_attr[UI_ROLE_COUNT];

	/* overlays */
	enum overlay ov;
	char ov_query[128];
	size_t ov_cursor, ov_top;
	int ov_items[UI_ACTION_COUNT];
	size_t ov_n;
	char *raw_text;          /* owned: raw view lines */
	char raw_label[256];
	size_t raw_lines;

	/* state */
	bool quit;
	bool ctrlc_armed;
	bool pasting;               /* between bracketed-paste markers */
	struct req_slot *reqs;
	unsigned n_reqs;
	double last_latency;
	bool has_latency;
	unsigned spin;
	struct timespec spin_next;
	char toast[1400];
	enum ui_log_level toast_lvl;
	struct timespec toast_until;

	struct log_entry *log;
	size_t n_log, log_start;  /* ring: log_start is the oldest */

	/* connections */
	ui_connect_fn connect;
	void *connect_ctx;
	char profiles[CHOOSER_MAX][64];
	size_t n_profiles;
	char prompt[512];         /* URL prompt text */
};

/* ---- time ---------------------------------------------------------------- */

static struct timespec
now_mono(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts;
}

static struct timespec
ts_add_ms(struct timespec t, long ms)
{
	t.tv_sec += ms / 1000;
	t.tv_nsec += (ms % 1000) * 1000000L;
	if (t.tv_nsec >= 1000000000L) {
		t.tv_sec++;
		t.tv_nsec -= 1000000000L;
	}
	return t;
}

static long
ts_diff_ms(struct timespec a, struct timespec b)
{
	return (long)(a.tv_sec - b.tv_sec) * 1000 + (a.tv_nsec - b.tv_nsec) / 1000000L;
}

/* ---- accessors ------------------------------------------------------------ */

struct ui_shared *
ui_shared(struct ui *ui)
{
	return &ui->shared;
}

const struct ui_settings *
ui_settings(const struct ui *ui)
{
	return &ui->set;
}

const struct ui_conn *
ui_conn(const struct ui *ui)
{
	return &ui->conn;
}

bool
ui_should_quit(const struct ui *ui)
{
	return ui->quit;
}

void
ui_size(const struct ui *ui, int *lines, int *cols)
{
	*lines = ui->lines;
	*cols = ui->cols;
}

void
ui_pane_dirty(struct pane *p)
{
	p->dirty = true;
	p->ui->dirty = true;
}

void
ui_touch_all(struct ui *ui, bool hard)
{
	ui->dirty = true;
	if (hard)
		ui->hard = true;
}

void
ui_note_latency(struct ui *ui, double ms)
{
	ui->last_latency = ms;
	ui->has_latency = true;
	ui->dirty = true;
}

const char *
ui_spinner(const struct ui *ui)
{
	static const char *const frames[] = {"|", "/", "-", "\\"};
	if (ui->set.stable)
		return "*";
	return frames[ui->spin % 4];
}

struct pane *
ui_find_pane(struct ui *ui, const struct pane_ops *ops)
{
	for (int i = 0; i < ui->n_panes; i++)
		if (ui->panes[i].ops == ops)
			return &ui->panes[i];
	return NULL;
}

/* ---- message log ----------------------------------------------------------- */

static void
log_file_line(struct ui *ui, enum ui_log_level lvl, const char *text)
{
	if (ui->set.log_file == NULL)
		return;
	char when[32];
	time_t t = time(NULL);
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
	static const char *const names[] = {"info", "warn", "error"};
	struct stg_buf b;
	stg_buf_init(&b);
	stg_text_sanitize_log(&b, text, strlen(text));
	fprintf(ui->set.log_file, "%s %s %s\n", when, names[lvl], b.data ? b.data : "");
	fflush(ui->set.log_file);
	stg_buf_done(&b);
}

void
ui_log(struct ui *ui, enum ui_log_level lvl, const char *fmt, ...)
{
	char text[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	/* The text may embed node strings the caller sanitized; sanitize the
	 * whole line once more so nothing raw can slip through. */
	char clean[1400];
	stg_text_sanitize(text, strlen(text), NULL, clean, sizeof(clean), NULL);
	if (ui->log == NULL) {
		ui->log = calloc(LOG_MAX, sizeof(*ui->log));
		if (ui->log == NULL)
			return;
	}
	size_t slot;
	if (ui->n_log < LOG_MAX) {
		slot = (ui->log_start + ui->n_log) % LOG_MAX;
		ui->n_log++;
	} else {
		slot = ui->log_start;
		free(ui->log[slot].text);
		ui->log_start = (ui->log_start + 1) % LOG_MAX;
	}
	ui->log[slot].lvl = lvl;
	ui->log[slot].when = time(NULL);
	ui->log[slot].text = strdup(clean);
	snprintf(ui->toast, sizeof(ui->toast), "%s", clean);
	ui->toast_lvl = lvl;
	ui->toast_until = ts_add_ms(now_mono(), TOAST_MS);
	log_file_line(ui, lvl, clean);
	struct pane *lp = ui_find_pane(ui, &pane_log_ops);
	if (lp != NULL)
		ui_pane_dirty(lp);
	ui->dirty = true;
}

void
ui_log_error(struct ui *ui, const char *what, const struct stg_error *err)
{
	char detail[STG_ERROR_DETAIL_MAX];
	stg_text_sanitize(err->detail, strnlen(err->detail, sizeof(err->detail)), NULL, detail,
			  sizeof(detail), NULL);
	char http[32] = "";
	if (err->http_status > 0)
		snprintf(http, sizeof(http), " (HTTP %ld)", err->http_status);
	ui_log(ui, UI_LOG_ERROR, "%s: %s%s%s%s", what, stg_status_message(err->status), http,
	       detail[0] ? " - " : "", detail);
}

size_t
ui_log_count(const struct ui *ui)
{
	return ui->n_log;
}

const char *
ui_log_entry(const struct ui *ui, size_t i, enum ui_log_level *lvl, char *when, size_t when_size)
{
	if (i >= ui->n_log)
		return "";
	const struct log_entry *e = &ui->log[(ui->log_start + i) % LOG_MAX];
	*lvl = e->lvl;
	if (when != NULL && when_size > 0) {
		if (ui->set.stable) {
			snprintf(when, when_size, "--:--:--");
		} else {
			struct tm tm;
			localtime_r(&e->when, &tm);
			strftime(when, when_size, "%H:%M:%S", &tm);
		}
	}
	return e->text ? e->text : "";
}

/* ---- requests ------------------------------------------------------------------ */

static void
req_unlink(struct ui *ui, struct req_slot *r)
{
	if (r->prev)
		r->prev->next = r->next;
	else
		ui->reqs = r->next;
	if (r->next)
		r->next->prev = r->prev;
	ui->n_reqs--;
}

static void
req_done(struct stg_async_result *res, void *userdata)
{
	struct req_slot *r = userdata;
	struct ui *ui = r->ui;
	struct pane *p = r->pane;
	req_unlink(ui, r);
	if (p->in_flight > 0)
		p->in_flight--;
	ui->dirty = true;
	p->dirty = true;
	if (res->status != STG_ERR_CANCELLED)
		ui_note_latency(ui, res->info.latency_ms);
	if (r->gen != p->gen || p->ops->on_response == NULL) {
		stg_async_result_free(res);
	} else {
		p->ops->on_response(p, r->tag, res);
	}
	free(r);
}

uint64_t
ui_submit(struct ui *ui, struct pane *p, struct stg_request *req, int tag)
{
	if (req == NULL)
		return 0;
	struct req_slot *r = calloc(1, sizeof(*r));
	if (r == NULL) {
		stg_request_free(req);
		ui_log(ui, UI_LOG_ERROR, "out of memory");
		return 0;
	}
	r->ui = ui;
	r->pane = p;
	r->gen = p->gen;
	r->tag = tag;
	struct stg_error err;
	stg_error_clear(&err);
	r->next = ui->reqs;
	if (ui->reqs)
		ui->reqs->prev = r;
	ui->reqs = r;
	ui->n_reqs++;
	p->in_flight++;
	uint64_t id = stg_async_submit(ui->eng, req, req_done, r, &err);
	if (id == 0) {
		req_unlink(ui, r);
		p->in_flight--;
		free(r);
		ui_log_error(ui, "request not started", &err);
		return 0;
	}
	r->id = id;
	ui->dirty = true;
	return id;
}

unsigned
ui_cancel_all(struct ui *ui)
{
	unsigned n = 0;
	for (struct req_slot *r = ui->reqs; r; r = r->next)
		if (stg_async_cancel(ui->eng, r->id))
			n++;
	return n;
}

unsigned
ui_pending(const struct ui *ui)
{
	return ui->n_reqs;
}

/* ---- creation ------------------------------------------------------------------- */

static const struct pane_ops *const default_panes[] = {
	&pane_overview_ops,
	&pane_entities_ops,
	&pane_facts_ops,
	&pane_card_ops,
	&pane_recall_ops,
	&pane_conflicts_ops,
	&pane_verify_ops,
	&pane_log_ops,
};

struct ui *
ui_new(const struct ui_settings *s, struct stg_client *client, struct stg_async *eng,
       const struct ui_conn *conn)
{
	struct ui *ui = calloc(1, sizeof(*ui));
	if (ui == NULL)
		return NULL;
	ui->set = *s;
	if (s->keymap)
		ui->keymap = *s->keymap;
	else
		ui_keymap_init_defaults(&ui->keymap);
	if (s->theme)
		ui->theme = *s->theme;
	else
		ui_theme_init_default(&ui->theme);
	ui->set.keymap = &ui->keymap;
	ui->set.theme = &ui->theme;
	ui->conn = *conn;
	ui->client = client;
	ui->eng = eng;
	ui->focus = 1;
	for (size_t i = 0; i < sizeof(default_panes) / sizeof(default_panes[0]); i++) {
		struct pane *p = &ui->panes[ui->n_panes];
		p->ops = default_panes[i];
		p->ui = ui;
		p->gen = 1;
		if (p->ops->init && p->ops->init(p) != 0) {
			ui_free(ui);
			return NULL;
		}
		ui->n_panes++;
	}
	return ui;
}

void
ui_free(struct ui *ui)
{
	if (ui == NULL)
		return;
	/* Drop every response still to come, cancel, and let the engine run
	 * the cancellation callbacks now, while the panes still exist. */
	for (int i = 0; i < ui->n_panes; i++)
		ui->panes[i].gen++;
	for (int round = 0; round < 8 && ui->n_reqs > 0 && ui->eng != NULL; round++) {
		ui_cancel_all(ui);
		stg_async_perform(ui->eng, NULL);
	}
	ui_screen_end(ui);
	for (int i = 0; i < ui->n_panes; i++)
		if (ui->panes[i].ops->free)
			ui->panes[i].ops->free(&ui->panes[i]);
	for (size_t i = 0; i < ui->n_log; i++)
		free(ui->log[(ui->log_start + i) % LOG_MAX].text);
	free(ui->log);
	free(ui->raw_text);
	if (ui->n_reqs == 0) {
		free(ui);
		return;
	}
	/* Callbacks the engine still owes reference this struct: leave it as
	 * a husk whose panes ignore responses (freed with the process). */
	static const struct pane_ops dead_ops = {.name = "dead"};
	for (int i = 0; i < ui->n_panes; i++) {
		ui->panes[i].ops = &dead_ops;
		ui->panes[i].priv = NULL;
	}
	ui->log = NULL;
	ui->n_log = 0;
	ui->raw_text = NULL;
}

/* ---- colours -------------------------------------------------------------------- */

static attr_t
attrs_of(unsigned a)
{
	attr_t r = 0;
	if (a & UI_ATTR_BOLD)
		r |= A_BOLD;
	if (a & UI_ATTR_DIM)
		r |= A_DIM;
	if (a & UI_ATTR_UNDERLINE)
		r |= A_UNDERLINE;
	if (a & UI_ATTR_REVERSE)
		r |= A_REVERSE;
	if (a & UI_ATTR_STANDOUT)
		r |= A_STANDOUT;
	if (a & UI_ATTR_ITALIC)
		r |= A_ITALIC;
	if (a & UI_ATTR_BLINK)
		r |= A_BLINK;
	return r;
}

static void
theme_activate(struct ui *ui)
{
	bool color = ui->set.color_mode != 1 && has_colors();
	int ncolors = 0;
	if (color) {
		start_color();
		use_default_colors();
		ncolors = COLORS;
		if (ui->set.color_mode == 16 && ncolors > 16)
			ncolors = 16;
		if (ui->set.color_mode == 256 && ncolors > 256)
			ncolors = 256;
		if (ncolors < 8 || COLOR_PAIRS < 2)
			color = false;
	}
	short pair_fg[UI_ROLE_COUNT + 1], pair_bg[UI_ROLE_COUNT + 1];
	int npairs = 0;
	for (int r = 0; r < UI_ROLE_COUNT; r++) {
		const struct ui_style *st = &ui->theme.role[r];
		attr_t a = attrs_of(st->attrs);
		if (color && (st->fg != UI_COLOR_DEFAULT || st->bg != UI_COLOR_DEFAULT)) {
			short fg = ui_color_reduce(st->fg, ncolors);
			short bg = ui_color_reduce(st->bg, ncolors);
			int pair = 0;
			for (int i = 0; i < npairs; i++)
				if (pair_fg[i] == fg && pair_bg[i] == bg)
					pair = i + 1;
			if (pair == 0 && npairs + 1 < COLOR_PAIRS && npairs < UI_ROLE_COUNT) {
				pair_fg[npairs] = fg;
				pair_bg[npairs] = bg;
				npairs++;
				pair = npairs;
				init_pair((short)pair, fg, bg);
			}
			if (pair > 0)
				a |= COLOR_PAIR(pair);
		}
		ui->role_attr[r] = a;
	}
	/* Without colour the cursor must stay visible. */
	if (!color && ui->role_attr[UI_ROLE_CURSOR] == 0)
		ui->role_attr[UI_ROLE_CURSOR] = A_REVERSE;
}

attr_t
ui_role_attr(const struct ui *ui, enum ui_role r)
{
	return (unsigned)r < UI_ROLE_COUNT ? ui->role_attr[r] : 0;
}

void
ui_role_on(const struct ui *ui, WINDOW *w, enum ui_role r)
{
	wattrset(w, (int)ui_role_attr(ui, r));
}

/* ---- text drawing ------------------------------------------------------------ */

/* Put UTF-8 `s` (n bytes) at the cursor, at most `cells` cells; returns
 * cells used. */
static int
put_utf8(WINDOW *w, const char *s, size_t n, int cells)
{
	int used = 0;
	mbstate_t st;
	memset(&st, 0, sizeof(st));
	while (n > 0 && used < cells) {
		wchar_t wc;
		size_t k = mbrtowc(&wc, s, n, &st);
		if (k == (size_t)-1 || k == (size_t)-2) {
			memset(&st, 0, sizeof(st));
			wc = L'?';
			k = 1;
		} else if (k == 0) {
			break;
		}
		int cw = wcwidth(wc);
		if (cw < 0) {
			wc = L'?';
			cw = 1;
		}
		if (used + cw > cells)
			break;
		wchar_t one[2] = {wc, 0};
		waddnwstr(w, one, 1);
		used += cw;
		s += k;
		n -= k;
	}
	return used;
}

int
ui_draw_text(struct ui *ui, WINDOW *w, int y, int x, int width, enum ui_role r, const char *s)
{
	if (width <= 0 || s == NULL)
		return 0;
	wmove(w, y, x);
	ui_role_on(ui, w, r);
	int used = put_utf8(w, s, strlen(s), width);
	wattrset(w, 0);
	return used;
}

struct node_sink {
	struct ui *ui;
	WINDOW *w;
	enum ui_role role;
	int left;
	int used;
};

static bool
node_sink_fn(void *ctx, enum stg_text_seg kind, const char *s, size_t n, size_t width)
{
	struct node_sink *ns = ctx;
	if (kind == STG_TEXT_SEG_NEWLINE)
		return false;
	enum ui_role r = ns->role;
	if (kind == STG_TEXT_SEG_ESCAPE || kind == STG_TEXT_SEG_MARKER || kind == STG_TEXT_SEG_INVALID)
		r = UI_ROLE_MARKER_ESCAPE;
	ui_role_on(ns->ui, ns->w, r);
	int got = put_utf8(ns->w, s, n, ns->left);
	ns->left -= got;
	ns->used += got;
	(void)width;
	return ns->left > 0;
}

void
ui_fact_value_text(const struct stg_fact *x, char *buf, size_t size, const char **raw, size_t *rawlen)
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

int
ui_draw_node_text(struct ui *ui, WINDOW *w, int y, int x, int width, enum ui_role r,
		  const char *s, size_t len, size_t *suspicious)
{
	struct stg_text_report rep;
	if (width <= 0) {
		if (suspicious)
			*suspicious = 0;
		return 0;
	}
	wmove(w, y, x);
	struct node_sink ns = {ui, w, r, width, 0};
	struct stg_text_opts o = {.max_width = (size_t)width};
	stg_text_sanitize_cb(s ? s : "", s ? len : 0, &o, node_sink_fn, &ns, &rep);
	wattrset(w, 0);
	if (suspicious)
		*suspicious = stg_text_report_suspicious(&rep);
	return ns.used;
}

void
ui_fill_row(struct ui *ui, WINDOW *w, int y, int x, int width, enum ui_role r)
{
	if (width <= 0)
		return;
	ui_role_on(ui, w, r);
	mvwhline(w, y, x, ' ', width);
	wattrset(w, 0);
}

/* ---- screen ----------------------------------------------------------------------- */

static void
layout(struct ui *ui)
{
	ui->too_small = ui->cols < MIN_COLS || ui->lines < MIN_LINES;
	int ph = ui->lines - 2;
	if (ph < 1)
		ph = 1;
	if (ui->tabw == NULL) {
		ui->tabw = newwin(1, ui->cols, 0, 0);
		ui->panew = newwin(ph, ui->cols, 1, 0);
		ui->statw = newwin(1, ui->cols, ui->lines > 1 ? ui->lines - 1 : 0, 0);
	} else {
		wresize(ui->tabw, 1, ui->cols);
		wresize(ui->panew, ph, ui->cols);
		mvwin(ui->panew, 1, 0);
		wresize(ui->statw, 1, ui->cols);
		mvwin(ui->statw, ui->lines > 1 ? ui->lines - 1 : 0, 0);
	}
	for (int i = 0; i < ui->n_panes; i++) {
		struct pane *p = &ui->panes[i];
		p->h = ph;
		p->w = ui->cols;
		if (p->ops->resize)
			p->ops->resize(p, ph, ui->cols);
		p->dirty = true;
	}
	ui_touch_all(ui, true);
}

/* Bracketed paste: the terminal wraps pasted text in ESC[200~ … ESC[201~,
 * which define_key() turns into UI_KEY_PASTE_BEGIN / _END. */
static void
paste_on(struct ui *ui)
{
	if (ui->set.headless)
		return;
	define_key("\033[200~", KEY_MAX + 1);
	define_key("\033[201~", KEY_MAX + 2);
	putp("\033[?2004h");
	fflush(stdout);
}

static void
paste_off(struct ui *ui)
{
	if (ui->set.headless)
		return;
	putp("\033[?2004l");
	fflush(stdout);
}

static void
mouse_on(struct ui *ui)
{
	if (!ui->set.mouse || ui->set.headless)
		return;
	mousemask(BUTTON1_CLICKED | BUTTON1_PRESSED | BUTTON4_PRESSED | BUTTON5_PRESSED, NULL);
	mouseinterval(0);
}

int
ui_screen_start(struct ui *ui, char *msg, size_t msgsize)
{
	if (ui->set.headless) {
		ui->scr_out = fopen("/dev/null", "w");
		ui->scr_in = fopen("/dev/null", "r");
		if (ui->scr_out == NULL || ui->scr_in == NULL) {
			snprintf(msg, msgsize, "cannot open /dev/null: %s", strerror(errno));
			return -1;
		}
		const char *term = getenv("TERM");
		ui->scr = newterm(term && *term ? term : "dumb", ui->scr_out, ui->scr_in);
		if (ui->scr == NULL) {
			snprintf(msg, msgsize, "newterm failed for TERM=%s", term ? term : "");
			return -1;
		}
		set_term(ui->scr);
	} else {
		if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
			snprintf(msg, msgsize, "the inspector needs a terminal (use a verb for scripts)");
			return -1;
		}
		const char *term = getenv("TERM");
		ui->scr = newterm(term && *term ? term : "vt100", stdout, stdin);
		if (ui->scr == NULL) {
			snprintf(msg, msgsize, "cannot initialise the terminal (TERM=%s)",
				 term ? term : "");
			return -1;
		}
		set_term(ui->scr);
	}
	ui->active = true;
	/* The 1 s default makes Esc feel broken; respect a user's ESCDELAY. */
	if (getenv("ESCDELAY") == NULL)
		set_escdelay(25);
	const char *cs = nl_langinfo(CODESET);
	ui->utf8 = cs && (strcmp(cs, "UTF-8") == 0 || strcmp(cs, "utf8") == 0);
	raw();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	nodelay(stdscr, TRUE);
	curs_set(0);
	theme_activate(ui);
	mouse_on(ui);
	paste_on(ui);
	ui->lines = LINES;
	ui->cols = COLS;
	layout(ui);
	for (int i = 0; i < ui->n_panes; i++)
		if (i == ui->focus && ui->panes[i].ops->show)
			ui->panes[i].ops->show(&ui->panes[i]);
	/* The overview loads node info once at start, whatever has focus. */
	if (ui->focus != 0 && ui->panes[0].ops->show)
		ui->panes[0].ops->show(&ui->panes[0]);
	return 0;
}

void
ui_screen_end(struct ui *ui)
{
	if (ui == NULL || !ui->active)
		return;
	ui->active = false;
	if (ui->set.mouse && !ui->set.headless)
		mousemask(0, NULL);
	paste_off(ui);
	if (ui->ovw)
		delwin(ui->ovw);
	if (ui->tabw)
		delwin(ui->tabw);
	if (ui->panew)
		delwin(ui->panew);
	if (ui->statw)
		delwin(ui->statw);
	ui->ovw = ui->tabw = ui->panew = ui->statw = NULL;
	curs_set(1);
	endwin();
	if (ui->scr) {
		delscreen(ui->scr);
		ui->scr = NULL;
	}
	if (ui->scr_out)
		fclose(ui->scr_out);
	if (ui->scr_in)
		fclose(ui->scr_in);
	ui->scr_out = ui->scr_in = NULL;
}

void
ui_screen_suspend(struct ui *ui)
{
	if (!ui->active || ui->set.headless)
		return;
	if (ui->set.mouse)
		mousemask(0, NULL);
	paste_off(ui);
	endwin();
	/* SIGSTOP cannot be lost in an orphaned process group (SIGTSTP can). */
	raise(SIGSTOP);
	/* Resumed. */
	reset_prog_mode();
	mouse_on(ui);
	paste_on(ui);
	ui_screen_resize(ui, 0, 0);
}

void
ui_screen_resize(struct ui *ui, int lines, int cols)
{
	if (!ui->active)
		return;
	if (lines <= 0 || cols <= 0) {
		struct winsize ws;
		if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_row > 0 && ws.ws_col > 0) {
			lines = ws.ws_row;
			cols = ws.ws_col;
		} else {
			lines = LINES;
			cols = COLS;
		}
	}
	/* resizeterm() queues a KEY_RESIZE; only call it on a real change. */
	if (is_term_resized(lines, cols))
		resizeterm(lines, cols);
	ui->lines = LINES;
	ui->cols = COLS;
	layout(ui);
}

/* ---- overlays ----------------------------------------------------------------------- */

static void
overlay_filter(struct ui *ui)
{
	ui->ov_n = 0;
	for (int a = 1; a < UI_ACTION_COUNT; a++) {
		char keys[128];
		ui_keymap_keys_for(&ui->keymap, (enum ui_action)a, keys, sizeof(keys));
		if (ui->ov_query[0] && !ui_list_match(ui_action_name((enum ui_action)a), ui->ov_query) &&
		    !ui_list_match(ui_action_help((enum ui_action)a), ui->ov_query) &&
		    !ui_list_match(keys, ui->ov_query))
			continue;
		if (ui->set.keymap == NULL)
			continue;
		if (ui->conn.read_only && ui_action_is_write((enum ui_action)a))
			continue;
		ui->ov_items[ui->ov_n++] = a;
	}
	if (ui->ov_cursor >= ui->ov_n)
		ui->ov_cursor = ui->ov_n ? ui->ov_n - 1 : 0;
	ui->dirty = true;
}

static void
overlay_open(struct ui *ui, enum overlay ov)
{
	ui->ov = ov;
	ui->ov_query[0] = '\0';
	ui->ov_cursor = 0;
	ui->ov_top = 0;
	overlay_filter(ui);
}

static void run_action(struct ui *ui, enum ui_action a, int key, bool ask_pane);

static void
query_edit(char *q, size_t size, int key)
{
	size_t n = strlen(q);
	if (key == UI_KEY_FN(KEY_BACKSPACE)) {
		while (n > 0 && ((unsigned char)q[n - 1] & 0xC0) == 0x80)
			n--;
		if (n > 0)
			n--;
		q[n] = '\0';
		return;
	}
	if (key < 0x20 || key >= UI_KEY_FN_BASE || key == 0x7f)
		return;
	char mb[8];
	mbstate_t st;
	memset(&st, 0, sizeof(st));
	size_t k = wcrtomb(mb, (wchar_t)key, &st);
	if (k == (size_t)-1 || n + k + 1 > size)
		return;
	memcpy(q + n, mb, k);
	q[n + k] = '\0';
}

static void
open_raw(struct ui *ui)
{
	struct pane *p = &ui->panes[ui->focus];
	const char *label = NULL, *data = NULL;
	size_t len = 0;
	if (p->ops->raw_value == NULL || !p->ops->raw_value(p, &label, &data, &len)) {
		ui_log(ui, UI_LOG_INFO, "No value under the cursor to show raw");
		return;
	}
	struct stg_buf b;
	stg_buf_init(&b);
	stg_buf_puts(&b, "escaped: ");
	stg_text_escape_bytes(&b, data, len);
	stg_buf_puts(&b, "\n\n");
	stg_text_escape_raw(&b, data, len);
	free(ui->raw_text);
	ui->raw_text = stg_buf_take(&b);
	stg_buf_done(&b);
	stg_text_sanitize(label ? label : "", label ? strlen(label) : 0, NULL, ui->raw_label,
			  sizeof(ui->raw_label), NULL);
	ui->raw_lines = 0;
	for (const char *s = ui->raw_text; s && *s; s++)
		if (*s == '\n')
			ui->raw_lines++;
	ui->ov = OV_RAW;
	ui->ov_top = 0;
	ui->dirty = true;
}

static size_t
chooser_count(const struct ui *ui)
{
	return ui->n_profiles + 2;  /* profiles, demo, URL */
}

static void
chooser_pick(struct ui *ui, size_t i)
{
	ui->ov = OV_NONE;
	if (i < ui->n_profiles) {
		struct ui_connect_req rq = {.profile = ui->profiles[i]};
		ui_connect(ui, &rq);
	} else if (i == ui->n_profiles) {
		struct ui_connect_req rq = {.demo = true};
		ui_connect(ui, &rq);
	} else {
		ui_open_url_prompt(ui);
	}
}

static void
overlay_key(struct ui *ui, int key, enum ui_action a)
{
	ui->dirty = true;
	if (ui->ov == OV_CHOOSER) {
		size_t n = chooser_count(ui);
		if (a == UI_ACTION_MOVE_DOWN && ui->ov_cursor + 1 < n)
			ui->ov_cursor++;
		else if (a == UI_ACTION_MOVE_UP && ui->ov_cursor > 0)
			ui->ov_cursor--;
		else if (key == '\n')
			chooser_pick(ui, ui->ov_cursor);
		else if (key >= '1' && key <= '9' && (size_t)(key - '1') < n)
			chooser_pick(ui, (size_t)(key - '1'));
		else if (key == 0x1b || key == 0x03 || a == UI_ACTION_QUIT)
			ui->ov = OV_NONE;
		return;
	}
	if (ui->ov == OV_PROMPT) {
		if (key == '\n') {
			ui->ov = OV_NONE;
			if (ui->prompt[0]) {
				char url[sizeof(ui->prompt)];
				memcpy(url, ui->prompt, sizeof(url));
				struct ui_connect_req rq = {.url = url};
				ui_connect(ui, &rq);
			}
		} else if (key == 0x1b || key == 0x03) {
			ui->ov = OV_NONE;
		} else {
			query_edit(ui->prompt, sizeof(ui->prompt), key);
		}
		return;
	}
	if (ui->ov == OV_RAW) {
		if (a == UI_ACTION_MOVE_DOWN || a == UI_ACTION_PAGE_DOWN) {
			if (ui->ov_top + 1 < ui->raw_lines)
				ui->ov_top += a == UI_ACTION_PAGE_DOWN ? 10 : 1;
			if (ui->ov_top >= ui->raw_lines)
				ui->ov_top = ui->raw_lines ? ui->raw_lines - 1 : 0;
		} else if (a == UI_ACTION_MOVE_UP || a == UI_ACTION_PAGE_UP) {
			size_t d = a == UI_ACTION_PAGE_UP ? 10 : 1;
			ui->ov_top = ui->ov_top > d ? ui->ov_top - d : 0;
		} else if (a == UI_ACTION_CANCEL || a == UI_ACTION_QUIT || a == UI_ACTION_RAW ||
			   a == UI_ACTION_OPEN || a == UI_ACTION_INTERRUPT) {
			ui->ov = OV_NONE;
		}
		return;
	}
	/* Help and palette: typing filters; arrows move; Enter runs (palette) or
	 * closes (help); Esc clears the query, then closes. */
	if (key == 0x1b || key == 0x03) {
		if (ui->ov_query[0] && key == 0x1b) {
			ui->ov_query[0] = '\0';
			overlay_filter(ui);
		} else {
			ui->ov = OV_NONE;
		}
		return;
	}
	if (key == '\n') {
		enum overlay was = ui->ov;
		ui->ov = OV_NONE;
		if (was == OV_PALETTE && ui->ov_n > 0)
			run_action(ui, (enum ui_action)ui->ov_items[ui->ov_cursor], 0, true);
		return;
	}
	if (key == UI_KEY_FN(KEY_DOWN) || key == 0x0e /* ^N */) {
		if (ui->ov_cursor + 1 < ui->ov_n)
			ui->ov_cursor++;
		return;
	}
	if (key == UI_KEY_FN(KEY_UP) || key == 0x10 /* ^P */) {
		if (ui->ov_cursor > 0)
			ui->ov_cursor--;
		return;
	}
	if (key == UI_KEY_FN(KEY_NPAGE)) {
		ui->ov_cursor = ui->ov_cursor + 10 < ui->ov_n ? ui->ov_cursor + 10 : (ui->ov_n ? ui->ov_n - 1 : 0);
		return;
	}
	if (key == UI_KEY_FN(KEY_PPAGE)) {
		ui->ov_cursor = ui->ov_cursor > 10 ? ui->ov_cursor - 10 : 0;
		return;
	}
	if (key == UI_KEY_FN(KEY_F(1)) && ui->ov == OV_HELP) {
		ui->ov = OV_NONE;
		return;
	}
	query_edit(ui->ov_query, sizeof(ui->ov_query), key);
	ui->ov_cursor = 0;
	overlay_filter(ui);
}

static void
draw_box(struct ui *ui, WINDOW *w, int h, int wd, const char *title)
{
	/* Explicit glyphs: the terminal's line-drawing set is not used, so
	 * dumb terminals and dumps look the same as real ones. */
	static const wchar_t uni[] = L"\x2502\x2502\x2500\x2500\x250c\x2510\x2514\x2518";
	static const wchar_t asc[] = L"||--++++";
	const wchar_t *g = ui->utf8 ? uni : asc;
	cchar_t c[8];
	attr_t at = ui_role_attr(ui, UI_ROLE_PANE_BORDER);
	for (int i = 0; i < 8; i++) {
		wchar_t one[2] = {g[i], 0};
		setcchar(&c[i], one, at, PAIR_NUMBER((int)at), NULL);
	}
	wborder_set(w, &c[0], &c[1], &c[2], &c[3], &c[4], &c[5], &c[6], &c[7]);
	wattrset(w, 0);
	if (title)
		ui_draw_text(ui, w, 0, 2, wd - 4, UI_ROLE_PANE_TITLE_FOCUS, title);
	(void)h;
}

static void
draw_overlay(struct ui *ui)
{
	int h = ui->lines - 4, wd = ui->cols - 4;
	if (h < 4 || wd < 20)
		return;
	if (ui->ovw == NULL)
		ui->ovw = newwin(h, wd, 2, 2);
	else {
		wresize(ui->ovw, h, wd);
		mvwin(ui->ovw, 2, 2);
	}
	WINDOW *w = ui->ovw;
	werase(w);
	if (ui->ov == OV_RAW) {
		char title[320];
		snprintf(title, sizeof(title), " Raw bytes: %s ", ui->raw_label);
		draw_box(ui, w, h, wd, title);
		const char *s = ui->raw_text ? ui->raw_text : "";
		size_t line = 0;
		int y = 1;
		while (*s && y < h - 1) {
			size_t n = strcspn(s, "\n");
			if (line >= ui->ov_top) {
				char tmp[512];
				snprintf(tmp, sizeof(tmp), "%.*s", (int)(n < 511 ? n : 511), s);
				ui_draw_text(ui, w, y++, 2, wd - 4, UI_ROLE_NORMAL, tmp);
			}
			line++;
			s += n;
			if (*s == '\n')
				s++;
		}
		ui_draw_text(ui, w, h - 1, 2, wd - 4, UI_ROLE_LIST_DIM, " j/k scroll  Esc close ");
		wnoutrefresh(w);
		return;
	}
	if (ui->ov == OV_CHOOSER) {
		draw_box(ui, w, h, wd, " Connect to ");
		size_t n = chooser_count(ui);
		for (size_t i = 0; i < n && (int)i < h - 4; i++) {
			char item[160];
			if (i < ui->n_profiles)
				snprintf(item, sizeof(item), "%zu  profile %s", i + 1, ui->profiles[i]);
			else if (i == ui->n_profiles)
				snprintf(item, sizeof(item), "%zu  demo: the built-in demo node (stigmem-lite in this process)", i + 1);
			else
				snprintf(item, sizeof(item), "%zu  enter a URL...", i + 1);
			bool sel = i == ui->ov_cursor;
			if (sel)
				ui_fill_row(ui, w, 2 + (int)i, 1, wd - 2, UI_ROLE_CURSOR);
			ui_draw_text(ui, w, 2 + (int)i, 2, wd - 4, sel ? UI_ROLE_CURSOR : UI_ROLE_NORMAL, item);
		}
		ui_draw_text(ui, w, h - 1, 2, wd - 4, UI_ROLE_LIST_DIM, " j/k select  Enter connect  Esc close ");
		wnoutrefresh(w);
		return;
	}
	if (ui->ov == OV_PROMPT) {
		draw_box(ui, w, h, wd, " Connect to a URL ");
		char line[600];
		snprintf(line, sizeof(line), "URL: %s_", ui->prompt);
		ui_draw_text(ui, w, 2, 2, wd - 4, UI_ROLE_FILTER_PROMPT, line);
		ui_draw_text(ui, w, 4, 2, wd - 4, UI_ROLE_LIST_DIM,
			     "e.g. http://127.0.0.1:8765 or https://memory.example.com (no API key is sent)");
		ui_draw_text(ui, w, h - 1, 2, wd - 4, UI_ROLE_LIST_DIM, " Enter connect  Esc cancel ");
		wnoutrefresh(w);
		return;
	}
	bool help = ui->ov == OV_HELP;
	draw_box(ui, w, h, wd, help ? " Help: keys and actions " : " Command palette ");
	/* Prompt line. */
	char prompt[200];
	snprintf(prompt, sizeof(prompt), "%s%s", help ? "search: " : ":", ui->ov_query);
	ui_draw_text(ui, w, 1, 2, wd - 4, UI_ROLE_FILTER_PROMPT, prompt);
	int rows = h - 4;
	int y0 = 3;
	/* The focused pane's own notes head the help overlay. */
	const char *ph = help ? ui->panes[ui->focus].ops->help : NULL;
	if (ph != NULL && ui->ov_query[0] == '\0') {
		char title[96];
		snprintf(title, sizeof(title), "In the %s pane:", ui->panes[ui->focus].ops->title);
		if (rows > 6) {
			ui_draw_text(ui, w, y0++, 2, wd - 4, UI_ROLE_LIST_HEADER, title);
			rows--;
		}
		while (*ph && rows > 6) {
			size_t n = strcspn(ph, "\n");
			char line[256];
			snprintf(line, sizeof(line), "  %.*s", (int)(n < 250 ? n : 250), ph);
			ui_draw_text(ui, w, y0++, 2, wd - 4, UI_ROLE_HELP_TEXT, line);
			rows--;
			ph += n;
			if (*ph == '\n')
				ph++;
		}
		if (rows > 6) {
			y0++;
			rows--;
		}
	}
	if (rows < 1)
		return;
	if (help) {
		/* Help has no selection: Up/Down scroll the list. */
		size_t maxtop = ui->ov_n > (size_t)rows ? ui->ov_n - (size_t)rows : 0;
		if (ui->ov_cursor > maxtop)
			ui->ov_cursor = maxtop;
		ui->ov_top = ui->ov_cursor;
	} else {
		if (ui->ov_cursor < ui->ov_top)
			ui->ov_top = ui->ov_cursor;
		if (ui->ov_cursor >= ui->ov_top + (size_t)rows)
			ui->ov_top = ui->ov_cursor - (size_t)rows + 1;
	}
	int keyw = 20, namew = 16;
	for (int i = 0; i < rows && ui->ov_top + (size_t)i < ui->ov_n; i++) {
		size_t idx = ui->ov_top + (size_t)i;
		enum ui_action a = (enum ui_action)ui->ov_items[idx];
		int y = y0 + i;
		bool sel = !help && idx == ui->ov_cursor;
		if (sel)
			ui_fill_row(ui, w, y, 1, wd - 2, UI_ROLE_CURSOR);
		char keys[128];
		ui_keymap_keys_for(&ui->keymap, a, keys, sizeof(keys));
		if (!keys[0])
			snprintf(keys, sizeof(keys), "(unbound)");
		ui_draw_text(ui, w, y, 2, keyw, sel ? UI_ROLE_CURSOR : UI_ROLE_HELP_KEY, keys);
		ui_draw_text(ui, w, y, 2 + keyw + 1, namew, sel ? UI_ROLE_CURSOR : UI_ROLE_LABEL,
			     ui_action_name(a));
		ui_draw_text(ui, w, y, 2 + keyw + namew + 2, wd - keyw - namew - 5,
			     sel ? UI_ROLE_CURSOR : UI_ROLE_HELP_TEXT, ui_action_help(a));
	}
	if (ui->ov_n == 0)
		ui_draw_text(ui, w, y0, 2, wd - 4, UI_ROLE_LIST_DIM, "no action matches");
	ui_draw_text(ui, w, h - 1, 2, wd - 4, UI_ROLE_LIST_DIM,
		     help ? " type to search  Up/Down scroll  Esc close "
			  : " type to filter  Up/Down select  Enter run  Esc close ");
	wnoutrefresh(w);
}

/* ---- dispatch ---------------------------------------------------------------------- */

static void
focus_index(struct ui *ui, int i)
{
	if (i < 0 || i >= ui->n_panes)
		return;
	ui->focus = i;
	struct pane *p = &ui->panes[i];
	if (p->ops->show)
		p->ops->show(p);
	p->dirty = true;
	ui->dirty = true;
}

bool
ui_pane_focused(const struct pane *p)
{
	return p != NULL && p->ui != NULL && p == &p->ui->panes[p->ui->focus];
}

void
ui_focus_pane(struct ui *ui, struct pane *p)
{
	focus_index(ui, (int)(p - ui->panes));
}

bool
ui_focus_name(struct ui *ui, const char *name)
{
	for (int i = 0; i < ui->n_panes; i++) {
		if (strcmp(ui->panes[i].ops->name, name) == 0) {
			focus_index(ui, i);
			return true;
		}
	}
	return false;
}

/* The pane (ops->name) a view-* action focuses; "" for other actions. */
static const char *
view_pane_name(enum ui_action a)
{
	static const struct {
		enum ui_action a;
		const char *pane;
	} views[] = {
		{UI_ACTION_VIEW_OVERVIEW, "overview"}, {UI_ACTION_VIEW_ENTITIES, "entities"},
		{UI_ACTION_VIEW_FACTS, "facts"},       {UI_ACTION_VIEW_CARD, "card"},
		{UI_ACTION_VIEW_RECALL, "recall"},     {UI_ACTION_VIEW_CONFLICTS, "conflicts"},
		{UI_ACTION_VIEW_VERIFY, "verify"},     {UI_ACTION_VIEW_LOG, "log"},
	};

	for (size_t i = 0; i < sizeof(views) / sizeof(views[0]); i++)
		if (views[i].a == a)
			return views[i].pane;
	return "";
}

static void
run_action(struct ui *ui, enum ui_action a, int key, bool ask_pane)
{
	struct pane *p = &ui->panes[ui->focus];
	if (ui->conn.read_only && ui_action_is_write(a))
		return;
	/* Give the pane the action first (palette-run actions, mouse wheel). */
	if (ask_pane && a != UI_ACTION_NONE && p->ops->on_key) {
		unsigned r = p->ops->on_key(p, key, a);
		if (r & UI_QUIT)
			ui->quit = true;
		if (r & UI_RELAYOUT)
			layout(ui);
		if (r & (UI_REDRAW | UI_HANDLED))
			ui_pane_dirty(p);
		if (r & UI_HANDLED)
			return;
	}
	switch (a) {
	case UI_ACTION_QUIT:
		ui->quit = true;
		break;
	case UI_ACTION_TOGGLE_READ_ONLY:
		ui->conn.read_only = !ui->conn.read_only;
		ui_log(ui, UI_LOG_INFO, "Read-only mode %s",
		       ui->conn.read_only ? "on: write actions hidden" : "off");
		ui_touch_all(ui, false);
		break;
	case UI_ACTION_INTERRUPT: {
		unsigned n = ui_cancel_all(ui);
		if (n > 0) {
			ui_log(ui, UI_LOG_INFO, "Cancelled %u request%s", n, n == 1 ? "" : "s");
			ui->ctrlc_armed = false;
		} else if (ui->ctrlc_armed) {
			ui->quit = true;
		} else {
			ui->ctrlc_armed = true;
			ui_log(ui, UI_LOG_INFO, "Press Ctrl-C again or q to quit");
		}
		return;
	}
	case UI_ACTION_CANCEL: {
		unsigned n = ui_cancel_all(ui);
		if (n > 0)
			ui_log(ui, UI_LOG_INFO, "Cancelled %u request%s", n, n == 1 ? "" : "s");
		break;
	}
	case UI_ACTION_HELP:
		overlay_open(ui, OV_HELP);
		break;
	case UI_ACTION_PALETTE:
		overlay_open(ui, OV_PALETTE);
		break;
	case UI_ACTION_NEXT_PANE:
		focus_index(ui, (ui->focus + 1) % ui->n_panes);
		break;
	case UI_ACTION_PREV_PANE:
		focus_index(ui, (ui->focus + ui->n_panes - 1) % ui->n_panes);
		break;
	case UI_ACTION_VIEW_OVERVIEW:
	case UI_ACTION_VIEW_ENTITIES:
	case UI_ACTION_VIEW_FACTS:
	case UI_ACTION_VIEW_CARD:
	case UI_ACTION_VIEW_RECALL:
	case UI_ACTION_VIEW_CONFLICTS:
	case UI_ACTION_VIEW_VERIFY:
	case UI_ACTION_VIEW_LOG:
		ui_focus_name(ui, view_pane_name(a));
		break;
	case UI_ACTION_REDRAW:
		ui_touch_all(ui, true);
		break;
	case UI_ACTION_SUSPEND:
		ui_screen_suspend(ui);
		break;
	case UI_ACTION_RAW:
		open_raw(ui);
		break;
	case UI_ACTION_PROFILE:
		ui_open_chooser(ui);
		break;
	default:
		break;
	}
	if (a != UI_ACTION_INTERRUPT)
		ui->ctrlc_armed = false;
}

static void
handle_mouse(struct ui *ui)
{
	MEVENT ev;
	if (getmouse(&ev) != OK)
		return;
	if (ui->ov != OV_NONE)
		return;
	if (ev.bstate & BUTTON4_PRESSED) {
		for (int i = 0; i < 3; i++)
			run_action(ui, UI_ACTION_MOVE_UP, 0, true);
		return;
	}
	if (ev.bstate & BUTTON5_PRESSED) {
		for (int i = 0; i < 3; i++)
			run_action(ui, UI_ACTION_MOVE_DOWN, 0, true);
		return;
	}
	if (!(ev.bstate & (BUTTON1_CLICKED | BUTTON1_PRESSED)))
		return;
	if (ev.y == 0) {
		/* Tab bar: the tabs are drawn left to right; find by column. */
		int x = 13;
		for (int i = 0; i < ui->n_panes; i++) {
			int wlen = (int)strlen(ui->panes[i].ops->title) + 4;
			if (ev.x >= x && ev.x < x + wlen) {
				focus_index(ui, i);
				return;
			}
			x += wlen + 1;
		}
		return;
	}
	struct pane *p = &ui->panes[ui->focus];
	if (ev.y >= 1 && ev.y < ui->lines - 1 && p->ops->on_click) {
		unsigned r = p->ops->on_click(p, ev.y - 1, ev.x);
		if (r)
			ui_pane_dirty(p);
	}
}

void
ui_feed_key(struct ui *ui, int key)
{
	if (key == UI_KEY_FN(KEY_RESIZE)) {
		/* curses has already resized its screen: relayout only. */
		ui->lines = LINES;
		ui->cols = COLS;
		layout(ui);
		return;
	}
	if (key == UI_KEY_FN(KEY_MOUSE)) {
		handle_mouse(ui);
		return;
	}
	if (key == UI_KEY_PASTE_BEGIN || key == UI_KEY_PASTE_END) {
		ui->pasting = key == UI_KEY_PASTE_BEGIN;
		return;
	}
	key = ui_key_normalize(key);
	if (ui->pasting) {
		/* Pasted text is text: a line break must not submit an input and
		 * no key may run an action. Panes with a text input take the
		 * characters; anywhere else they are dropped. */
		if (key == '\n' || key == '\t')
			key = ' ';
		if (key < 0x20 || key >= UI_KEY_FN_BASE)
			return;
		ui->dirty = true;
		if (ui->ov != OV_NONE) {
			/* The chooser picks by digit and the raw view has no text:
			 * only the text overlays (URL prompt, help and palette
			 * search) take pasted text. */
			if (ui->ov != OV_CHOOSER && ui->ov != OV_RAW)
				overlay_key(ui, key, UI_ACTION_NONE);
			return;
		}
		struct pane *pp = &ui->panes[ui->focus];
		if (!ui->too_small && pp->ops->on_key && pp->ops->text_input &&
		    pp->ops->text_input(pp)) {
			unsigned r = pp->ops->on_key(pp, key, UI_ACTION_NONE);
			if (r & (UI_REDRAW | UI_HANDLED))
				ui_pane_dirty(pp);
		}
		return;
	}
	enum ui_action a = ui_keymap_lookup(&ui->keymap, key);
	if (ui->conn.read_only && ui_action_is_write(a))
		a = UI_ACTION_NONE;
	ui->dirty = true;
	if (ui->too_small) {
		if (a == UI_ACTION_QUIT || a == UI_ACTION_INTERRUPT || a == UI_ACTION_REDRAW ||
		    a == UI_ACTION_SUSPEND || a == UI_ACTION_CANCEL)
			run_action(ui, a, key, false);
		return;
	}
	if (ui->ov != OV_NONE) {
		overlay_key(ui, key, a);
		return;
	}
	struct pane *p = &ui->panes[ui->focus];
	/* The pane sees every key first (text input, its own actions). */
	if (p->ops->on_key) {
		unsigned r = p->ops->on_key(p, key, a);
		if (r & UI_QUIT)
			ui->quit = true;
		if (r & UI_RELAYOUT)
			layout(ui);
		if (r & (UI_REDRAW | UI_HANDLED))
			ui_pane_dirty(p);
		if (r & UI_HANDLED) {
			if (a != UI_ACTION_INTERRUPT)
				ui->ctrlc_armed = false;
			return;
		}
	}
	if (a == UI_ACTION_NONE) {
		ui->ctrlc_armed = false;
		return;
	}
	/* Global handling (the pane already declined). */
	run_action(ui, a, key, false);
}

void
ui_read_keys(struct ui *ui)
{
	if (!ui->active)
		return;
	for (int guard = 0; guard < 4096; guard++) {
		wint_t wc;
		int r = wget_wch(stdscr, &wc);
		if (r == ERR)
			break;
		int key = r == KEY_CODE_YES ? UI_KEY_FN((int)wc) : (int)wc;
		ui_feed_key(ui, key);
		if (ui->quit)
			break;
	}
}

/* ---- timers ------------------------------------------------------------------------ */

int
ui_next_timer_ms(struct ui *ui)
{
	long best = -1;
	struct timespec now = now_mono();
	if (ui->n_reqs > 0 && !ui->set.stable) {
		long d = ts_diff_ms(ui->spin_next, now);
		best = d < 0 ? 0 : d;
	}
	if (ui->toast[0]) {
		long d = ts_diff_ms(ui->toast_until, now);
		if (d < 0)
			d = 0;
		if (best < 0 || d < best)
			best = d;
	}
	for (int i = 0; i < ui->n_panes; i++) {
		struct pane *p = &ui->panes[i];
		long d = p->ops->timer_ms && p->ops->on_timer ? p->ops->timer_ms(p) : -1;
		if (d >= 0 && (best < 0 || d < best))
			best = d;
	}
	return (int)best;
}

void
ui_tick(struct ui *ui)
{
	struct timespec now = now_mono();
	if (ui->n_reqs > 0 && ts_diff_ms(ui->spin_next, now) <= 0) {
		ui->spin++;
		ui->spin_next = ts_add_ms(now, SPIN_MS);
		ui->dirty = true;
	}
	if (ui->toast[0] && ts_diff_ms(ui->toast_until, now) <= 0 && !ui->set.stable) {
		ui->toast[0] = '\0';
		ui->dirty = true;
	}
	for (int i = 0; i < ui->n_panes; i++) {
		struct pane *p = &ui->panes[i];
		if (p->ops->timer_ms && p->ops->on_timer && p->ops->timer_ms(p) == 0)
			p->ops->on_timer(p);
	}
}

/* ---- bars -------------------------------------------------------------------------- */

static void
draw_tabs(struct ui *ui)
{
	WINDOW *w = ui->tabw;
	werase(w);
	ui_fill_row(ui, w, 0, 0, ui->cols, UI_ROLE_PANE_TITLE);
	int x = ui_draw_text(ui, w, 0, 0, ui->cols, UI_ROLE_PANE_TITLE, " stigmem-tui ");
	x = 13;
	for (int i = 0; i < ui->n_panes && x < ui->cols; i++) {
		char tab[64];
		bool f = i == ui->focus;
		const char *k = ui->panes[i].ops->tab_key;
		snprintf(tab, sizeof(tab), "%s%s %s%s", f ? "[" : " ", k ? k : "?",
			 ui->panes[i].ops->title, f ? "]" : " ");
		x += ui_draw_text(ui, w, 0, x, ui->cols - x,
				  f ? UI_ROLE_PANE_TITLE_FOCUS : UI_ROLE_PANE_TITLE, tab);
		x += 1;
	}
	struct pane *p = &ui->panes[ui->focus];
	/* A toast (latest message) takes the right part of the tab bar; stable
	 * (test) mode shows none: their order follows the network. */
	if (ui->toast[0] && !ui->set.stable && x + 10 < ui->cols) {
		enum ui_role r = ui->toast_lvl == UI_LOG_ERROR  ? UI_ROLE_STATUS_ERROR
				 : ui->toast_lvl == UI_LOG_WARN ? UI_ROLE_STATUS_WARN
								: UI_ROLE_NOTICE;
		char t[1500];
		snprintf(t, sizeof(t), " %s%s ", ui->toast_lvl == UI_LOG_ERROR ? "E: " : "", ui->toast);
		int tw = (int)stg_text_width(t, strlen(t));
		int room = ui->cols - x - 1;
		int tx = tw < room ? ui->cols - tw : x + 1;
		ui_draw_text(ui, w, 0, tx, ui->cols - tx, r, t);
	} else if (p->ops->summary) {
		char sum[256] = "";
		p->ops->summary(p, sum, sizeof(sum));
		int sw = (int)stg_text_width(sum, strlen(sum));
		if (sum[0] && x + sw + 2 < ui->cols)
			ui_draw_text(ui, w, 0, ui->cols - sw - 1, sw, UI_ROLE_PANE_TITLE, sum);
	}
	wnoutrefresh(w);
}

static int
badge(struct ui *ui, WINDOW *w, int x, enum ui_role r, const char *text)
{
	if (x >= ui->cols - 1)
		return x;
	x += ui_draw_text(ui, w, 0, x, ui->cols - x, r, text);
	if (x < ui->cols)
		x += ui_draw_text(ui, w, 0, x, 1, UI_ROLE_STATUS_BAR, " ");
	return x;
}

static void
draw_status(struct ui *ui)
{
	WINDOW *w = ui->statw;
	werase(w);
	ui_fill_row(ui, w, 0, 0, ui->cols, UI_ROLE_STATUS_BAR);
	int x = 0;
	/* Right part first, to know the room left. */
	char right[96];
	char lat[32] = "-";
	if (ui->has_latency) {
		if (ui->set.stable)
			snprintf(lat, sizeof(lat), "#ms");
		else
			snprintf(lat, sizeof(lat), "%.0fms", ui->last_latency);
	}
	if (ui->n_reqs > 0)
		snprintf(right, sizeof(right), " %s %u busy  %s  ?:help ", ui_spinner(ui), ui->n_reqs, lat);
	else
		snprintf(right, sizeof(right), " idle  %s  ?:help ", lat);
	int rw = (int)strlen(right);

	/* Loud badges first so a narrow terminal never hides them. */
	if (ui->conn.https && ui->conn.tls_insecure)
		x = badge(ui, w, x, UI_ROLE_BADGE_TLS_OFF, "!! TLS NOT VERIFIED !!");
	if (ui->conn.read_only)
		x = badge(ui, w, x, UI_ROLE_BADGE_READONLY, "[READ-ONLY]");
	char label[700];
	snprintf(label, sizeof(label), " %s ", ui->conn.label);
	x = badge(ui, w, x, UI_ROLE_STATUS_URL, label);
	if (ui->conn.demo)
		x = badge(ui, w, x, UI_ROLE_BADGE_AUTH, "[demo]");
	const struct ui_shared *sh = &ui->shared;
	char auth[320];
	if (sh->me_loaded)
		snprintf(auth, sizeof(auth), "[auth:%s %s]", ui->conn.has_key ? "key" : "none",
			 sh->principal[0] ? sh->principal : "?");
	else
		snprintf(auth, sizeof(auth), "[auth:%s]", ui->conn.has_key ? "key" : "none");
	x = badge(ui, w, x, UI_ROLE_BADGE_AUTH, auth);
	if (sh->conflicts_known) {
		char cbuf[64];

		snprintf(cbuf, sizeof(cbuf), "[%zu%s conflict%s open]", sh->conflicts_open,
			 sh->conflicts_more ? "+" : "", sh->conflicts_open == 1 ? "" : "s");
		x = badge(ui, w, x, UI_ROLE_BADGE_AUTH, cbuf);
	}
	if (ui->conn.https && !ui->conn.tls_insecure)
		x = badge(ui, w, x, UI_ROLE_BADGE_TLS_ON, "[TLS on]");
	else if (!ui->conn.https)
		x = badge(ui, w, x, UI_ROLE_BADGE_PLAIN_HTTP,
			  ui->conn.key_refused ? "[plain http: key withheld]" : "[plain http]");
	if (rw < ui->cols)
		ui_draw_text(ui, w, 0, ui->cols - rw, rw,
			     ui->n_reqs ? UI_ROLE_STATUS_SPINNER : UI_ROLE_STATUS_BAR, right);
	wnoutrefresh(w);
}

void
ui_paint(struct ui *ui)
{
	if (!ui->active || !ui->dirty)
		return;
	ui->dirty = false;
	if (ui->hard) {
		clearok(curscr, TRUE);
		ui->hard = false;
	}
	if (ui->too_small) {
		werase(stdscr);
		char l2[64];
		snprintf(l2, sizeof(l2), "%dx%d, need %dx%d", ui->cols, ui->lines, MIN_COLS, MIN_LINES);
		const char *msg[3] = {"Terminal too small", l2, "q quits"};
		int y0 = ui->lines > 3 ? (ui->lines - 3) / 2 : 0;
		for (int i = 0; i < 3 && y0 + i < ui->lines; i++) {
			int len = (int)strlen(msg[i]);
			int x = ui->cols > len ? (ui->cols - len) / 2 : 0;
			mvwaddnstr(stdscr, y0 + i, x, msg[i], ui->cols);
		}
		wnoutrefresh(stdscr);
		doupdate();
		return;
	}
	draw_tabs(ui);
	struct pane *p = &ui->panes[ui->focus];
	werase(ui->panew);
	if (p->ops->draw)
		p->ops->draw(p, ui->panew, p->h, p->w);
	p->dirty = false;
	wnoutrefresh(ui->panew);
	draw_status(ui);
	if (ui->ov != OV_NONE)
		draw_overlay(ui);
	doupdate();
}

/* ---- connections ---------------------------------------------------------------- */

void
ui_set_connector(struct ui *ui, ui_connect_fn fn, void *ctx, const char *const *profiles,
		 size_t n_profiles)
{
	ui->connect = fn;
	ui->connect_ctx = ctx;
	ui->n_profiles = 0;
	for (size_t i = 0; i < n_profiles && i < CHOOSER_MAX - 2; i++) {
		snprintf(ui->profiles[i], sizeof(ui->profiles[i]), "%s", profiles[i]);
		ui->n_profiles++;
	}
}

struct stg_async *
ui_engine(const struct ui *ui)
{
	return ui->eng;
}

void
ui_open_chooser(struct ui *ui)
{
	ui->ov = OV_CHOOSER;
	ui->ov_cursor = 0;
	ui->dirty = true;
}

void
ui_open_url_prompt(struct ui *ui)
{
	ui->ov = OV_PROMPT;
	ui->prompt[0] = '\0';
	ui->dirty = true;
}

bool
ui_connect(struct ui *ui, const struct ui_connect_req *req)
{
	if (ui->connect == NULL) {
		ui_log(ui, UI_LOG_WARN, "Switching nodes is not available here");
		return false;
	}
	char msg[512] = "";
	if (ui->connect(ui->connect_ctx, ui, req, msg, sizeof(msg)) != 0) {
		ui_log(ui, UI_LOG_ERROR, "Cannot connect: %s", msg);
		return false;
	}
	return true;
}

void
ui_reconnect(struct ui *ui, struct stg_client *client, struct stg_async *eng,
	     const struct ui_conn *conn)
{
	for (int i = 0; i < ui->n_panes; i++)
		ui->panes[i].gen++;
	for (int round = 0; round < 8 && ui->n_reqs > 0 && ui->eng != NULL; round++) {
		ui_cancel_all(ui);
		stg_async_perform(ui->eng, NULL);
	}
	ui->client = client;
	ui->eng = eng;
	ui->conn = *conn;
	memset(&ui->shared, 0, sizeof(ui->shared));
	ui->has_latency = false;
	ui->ov = OV_NONE;
	for (int i = 0; i < ui->n_panes; i++) {
		struct pane *p = &ui->panes[i];
		if (p->ops->free)
			p->ops->free(p);
		p->priv = NULL;
		p->in_flight = 0;
		p->gen++;
		if (p->ops->init && p->ops->init(p) != 0)
			ui_log(ui, UI_LOG_ERROR, "out of memory resetting the %s pane", p->ops->name);
		p->h = ui->lines - 2;
		p->w = ui->cols;
		if (p->ops->resize)
			p->ops->resize(p, p->h, p->w);
	}
	ui_log(ui, UI_LOG_INFO, "Connected to %s", conn->label);
	if (ui->active) {
		if (ui->focus != 0 && ui->panes[0].ops->show)
			ui->panes[0].ops->show(&ui->panes[0]);
		struct pane *f = &ui->panes[ui->focus];
		if (f->ops->show)
			f->ops->show(f);
	}
	ui_touch_all(ui, true);
}

/* One letter per cell for attribute dumps: r reverse, b bold, u underline,
 * d dim, s standout, '.' none; upper case when a colour pair is set. */
static char
attr_letter(attr_t at, short pair)
{
	char c = '.';
	if (at & A_REVERSE)
		c = 'r';
	else if (at & A_STANDOUT)
		c = 's';
	else if (at & A_BOLD)
		c = 'b';
	else if (at & A_UNDERLINE)
		c = 'u';
	else if (at & A_DIM)
		c = 'd';
	if (pair > 0)
		c = c == '.' ? 'C' : (char)(c - 'a' + 'A');
	return c;
}

int
ui_dump_attrs(struct ui *ui, const char *path)
{
	if (!ui->active)
		return -1;
	ui->dirty = true;
	ui_paint(ui);
	FILE *f = fopen(path, "w");
	if (f == NULL)
		return -1;
	int cols = ui->cols;
	cchar_t *cells = calloc((size_t)cols + 1, sizeof(*cells));
	if (cells == NULL) {
		fclose(f);
		return -1;
	}
	for (int y = 0; y < ui->lines; y++) {
		memset(cells, 0, ((size_t)cols + 1) * sizeof(*cells));
		mvwin_wchnstr(newscr, y, 0, cells, cols);
		for (int x = 0; x < cols; x++) {
			wchar_t wch[CCHARW_MAX + 1] = {0};
			attr_t at = 0;
			short pair = 0;
			if (getcchar(&cells[x], wch, &at, &pair, NULL) == ERR)
				at = 0, pair = 0;
			fputc(attr_letter(at, pair), f);
		}
		fputc('\n', f);
	}
	free(cells);
	return fclose(f) == 0 ? 0 : -1;
}

/* ---- dump -------------------------------------------------------------------------- */

int
ui_dump(struct ui *ui, const char *path)
{
	if (!ui->active)
		return -1;
	ui->dirty = true;
	ui_paint(ui);
	FILE *f = fopen(path, "w");
	if (f == NULL)
		return -1;
	int cols = ui->cols;
	cchar_t *cells = calloc((size_t)cols + 1, sizeof(*cells));
	char *line = malloc((size_t)cols * 8 + 8);
	if (cells == NULL || line == NULL) {
		free(cells);
		free(line);
		fclose(f);
		return -1;
	}
	for (int y = 0; y < ui->lines; y++) {
		memset(cells, 0, ((size_t)cols + 1) * sizeof(*cells));
		mvwin_wchnstr(newscr, y, 0, cells, cols);
		size_t len = 0, keep = 0;
		for (int x = 0; x < cols; x++) {
			wchar_t wch[CCHARW_MAX + 1] = {0};
			attr_t at;
			short pair;
			if (getcchar(&cells[x], wch, &at, &pair, NULL) == ERR || wch[0] == 0)
				wch[0] = L' ';
			mbstate_t st;
			memset(&st, 0, sizeof(st));
			for (int k = 0; k < CCHARW_MAX && wch[k]; k++) {
				char mb[8];
				size_t n = wcrtomb(mb, wch[k], &st);
				if (n == (size_t)-1) {
					mb[0] = '?';
					n = 1;
				}
				memcpy(line + len, mb, n);
				len += n;
			}
			if (wch[0] != L' ')
				keep = len;
		}
		fwrite(line, 1, keep, f);
		fputc('\n', f);
	}
	free(cells);
	free(line);
	return fclose(f) == 0 ? 0 : -1;
}
