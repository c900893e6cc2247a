/* ui/ui.h — the inspector's frame: UI state, panes, requests, drawing helpers.
 *
 * One struct ui per process run. The app loop (src/app/loop.c) owns the
 * wait point and the signals; everything that touches curses lives behind
 * the functions below. Panes are described by a const struct pane_ops and
 * never call refresh(): they mark themselves dirty and the frame paints
 * dirty windows with wnoutrefresh() and one doupdate() per loop turn.
 *
 * Node text: every string that came from a node is drawn with
 * ui_draw_node_text() (or sanitized with stg_text_sanitize*() first); escape
 * tokens and markers are drawn in the marker.escape role. */
#ifndef UI_UI_H
#define UI_UI_H

#include <curses.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "stigmem/async.h"
#include "stigmem/client.h"
#include "ui/frame.h"
#include "ui/keymap.h"
#include "ui/theme.h"

struct ui;
struct pane;

/* Flags returned by pane handlers (htop's HandlerResult). */
enum ui_result {
	UI_UNHANDLED = 0,
	UI_HANDLED = 1u << 0,  /* the key was consumed */
	UI_REDRAW = 1u << 1,   /* repaint this pane */
	UI_RELAYOUT = 1u << 2, /* sizes changed: relayout every pane */
	UI_QUIT = 1u << 3,     /* leave the program */
};

/* A pane kind. All members but name/title may be NULL. */
struct pane_ops {
	const char *name;   /* stable id ("entities"), used in dumps and the palette */
	const char *title;  /* tab label ("Entities") */
	const char *tab_key; /* key shown before the title in the tab bar ("2"); the
			      * matching view-* action focuses the pane */
	int (*init)(struct pane *p);            /* allocate p->priv; 0 ok */
	void (*free)(struct pane *p);           /* free p->priv (pending requests are
						   already cancelled) */
	void (*resize)(struct pane *p, int h, int w);
	void (*show)(struct pane *p);           /* the pane got focus (start loading) */
	void (*draw)(struct pane *p, WINDOW *w, int h, int width);
	/* A key: `a` is what the keymap says (UI_ACTION_NONE when unbound);
	 * `key` the raw key for text input. Returns enum ui_result bits. */
	unsigned (*on_key)(struct pane *p, int key, enum ui_action a);
	/* A finished request of this pane whose generation is current; takes
	 * ownership of `res` (free it with stg_async_result_free()). */
	void (*on_response)(struct pane *p, int tag, struct stg_async_result *res);
	/* One-line status of the pane for the tab bar / title ("1,234 entities"),
	 * written into buf; may be NULL. */
	void (*summary)(struct pane *p, char *buf, size_t size);
	/* Raw bytes of the focused value for the raw view; false when none. The
	 * pointers are borrowed until the next call into the pane. */
	bool (*raw_value)(struct pane *p, const char **label, const char **data, size_t *len);
	/* Mouse click at pane-relative (y, x); wheel arrives as move keys. */
	unsigned (*on_click)(struct pane *p, int y, int x);
	/* True while a text input of the pane has focus (query line, filter
	 * prompt, value editor): only then does pasted text reach on_key. NULL =
	 * never (pasted text is dropped). */
	bool (*text_input)(struct pane *p);
	const char *help;   /* extra lines for the `?` overlay ('\n'-separated), or NULL */
	/* Pane timer: milliseconds until the pane wants on_timer() (0 = due
	 * now), -1 for none; asked every loop turn. on_timer() runs from
	 * ui_tick() once due. */
	int (*timer_ms)(struct pane *p);
	void (*on_timer)(struct pane *p);
};

struct pane {
	const struct pane_ops *ops;
	struct ui *ui;
	void *priv;            /* owned by the pane kind */
	uint64_t gen;          /* request generation; bump to drop older responses */
	unsigned in_flight;    /* requests of this pane whose callback has not run */
	bool dirty;
	int h, w;              /* size of the pane area */
};

/* ---- the shared list widget -------------------------------------------- */

/* Callbacks of a list owner; item indices are the owner's. */
struct ui_list_src {
	void *ctx;
	/* Stable id of item i (cursor stays on it across rebuilds). */
	const char *(*id)(void *ctx, size_t i);
	/* Text the `/` filter matches (case-insensitive substring). */
	const char *(*text)(void *ctx, size_t i);
	/* Optional: the same text with ASCII letters already lowercased
	 * (borrowed, kept by the owner); lets the filter scan large lists
	 * with one strstr() per item. */
	const char *(*folded)(void *ctx, size_t i);
	/* Optional: the item index of an id, or SIZE_MAX; lets a rebuild
	 * find the remembered cursor item without comparing every id. */
	size_t (*find)(void *ctx, const char *id);
};

struct ui_list {
	struct ui_list_src src;
	size_t *view;          /* owned: visible item indices in display order */
	size_t n_view;
	size_t cap_view;
	size_t cursor;         /* position in view */
	size_t top;            /* first visible row */
	size_t rows;           /* rows available (set by the owner before drawing) */
	char filter[128];      /* UTF-8; "" = no filter */
	bool editing;          /* the filter prompt has focus */
	char saved_id[512];    /* id under the cursor before a rebuild */
};

void ui_list_init(struct ui_list *l, struct ui_list_src src);
void ui_list_done(struct ui_list *l);
/* Note the id under the cursor now; call before the owner replaces or
 * renumbers its items (append-only growth needs no call). The next
 * ui_list_rebuild() puts the cursor back on that id. */
void ui_list_remember(struct ui_list *l);
/* Rebuild the view from `order` (n item indices, already sorted by the
 * owner), applying the filter, keeping the cursor on the same item id. */
void ui_list_rebuild(struct ui_list *l, const size_t *order, size_t n);
/* Item index under the cursor, or SIZE_MAX when the view is empty. */
size_t ui_list_selected(const struct ui_list *l);
/* Navigation and filter keys; returns ui_result bits. When the filter
 * changes the owner's `changed` flag is set and it must call
 * ui_list_rebuild() again. */
unsigned ui_list_key(struct ui_list *l, int key, enum ui_action a, bool *changed);
/* Draw the filter prompt line (when editing or a filter is set). */
void ui_list_draw_prompt(struct ui *ui, struct ui_list *l, WINDOW *w, int y, int width);
/* Case-insensitive (ASCII) substring match used by the filter. */
bool ui_list_match(const char *hay, const char *needle);

/* ---- drawing helpers ------------------------------------------------------ */

/* curses attributes (colour pair included) of a role. */
attr_t ui_role_attr(const struct ui *ui, enum ui_role r);
/* Set the window's attributes to a role. */
void ui_role_on(const struct ui *ui, WINDOW *w, enum ui_role r);
/* Draw local (trusted, already clean) UTF-8 text at (y, x) clipped to
 * `width` cells; returns the cells used. */
int ui_draw_text(struct ui *ui, WINDOW *w, int y, int x, int width, enum ui_role r,
		 const char *s);
/* Draw node text (raw bytes) at (y, x), sanitized, clipped to `width`
 * cells with "…"; escape tokens/markers in the marker.escape role. Returns
 * the cells used; *suspicious (may be NULL) gets the report's counter. */
int ui_draw_node_text(struct ui *ui, WINDOW *w, int y, int x, int width, enum ui_role r,
		      const char *s, size_t len, size_t *suspicious);
/* A fact's value for a list row: null, number (%.15g) and boolean as text
 * in buf[size] (*raw NULL); for the string-like types buf is "" and *raw /
 * *rawlen point at the node's bytes (borrowed from x; draw them with
 * ui_draw_node_text). */
void ui_fact_value_text(const struct stg_fact *x, char *buf, size_t size, const char **raw,
			size_t *rawlen);
/* Fill the rest of row y from x with spaces in role r. */
void ui_fill_row(struct ui *ui, WINDOW *w, int y, int x, int width, enum ui_role r);

/* ---- panes and frame ------------------------------------------------------ */

#define UI_PANE_MAX 8

/* Pane kinds shipped with the frame. */
extern const struct pane_ops pane_overview_ops;
extern const struct pane_ops pane_entities_ops;
extern const struct pane_ops pane_facts_ops;
extern const struct pane_ops pane_card_ops;
extern const struct pane_ops pane_recall_ops;
extern const struct pane_ops pane_log_ops;
extern const struct pane_ops pane_conflicts_ops;
extern const struct pane_ops pane_verify_ops;

/* How the entity browser groups an entity name: "user", "conflict",
 * "resolution", "fact-id" (a bare UUID) or "system" (other stigmem:
 * names, card: ids). Static string. */
const char *pane_entities_kind(const char *name);

/* ---- for pane implementations ------------------------------------------- */

struct ui_shared {
	/* Entity selected in the entity browser (raw node text, owned by the
	 * browser; "" when none). The facts pane shows its facts. */
	char selected_entity[2048];
	uint64_t selected_gen;  /* bumped when selected_entity changes */
	/* From /v1/me and the well-known document (sanitized). */
	char principal[256];
	char auth_mode[32];
	char node_version[64];
	bool me_loaded;
	/* Unresolved conflicts on the node, for the status bar: fetched by the
	 * node view at start and kept current by the conflicts pane. */
	bool conflicts_known;
	size_t conflicts_open;
	bool conflicts_more;    /* the page was full: at least conflicts_open */
	/* Relation the facts pane should filter on (raw node text, copied; set
	 * by the card pane's links); the facts pane applies it when
	 * facts_filter_gen changes. */
	char facts_filter[512];
	uint64_t facts_filter_gen;
};

struct ui_shared *ui_shared(struct ui *ui);
const struct ui_settings *ui_settings(const struct ui *ui);
const struct ui_conn *ui_conn(const struct ui *ui);
/* Mark a pane dirty. */
void ui_pane_dirty(struct pane *p);
/* Focus a pane object. */
void ui_focus_pane(struct ui *ui, struct pane *p);
/* True when `p` is the focused (visible) pane. */
bool ui_pane_focused(const struct pane *p);
/* The pane with this ops, or NULL. */
struct pane *ui_find_pane(struct ui *ui, const struct pane_ops *ops);
/* Spinner glyph for "loading" (static string). */
const char *ui_spinner(const struct ui *ui);
/* Record the latency of the last finished request. */
void ui_note_latency(struct ui *ui, double ms);
/* Message log storage for the log pane. */
size_t ui_log_count(const struct ui *ui);
/* i-th message (0 = oldest): level and text (clean). */
const char *ui_log_entry(const struct ui *ui, size_t i, enum ui_log_level *lvl, char *when,
			 size_t when_size);

#endif
