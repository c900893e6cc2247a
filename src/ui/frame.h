/* ui/frame.h — what the app needs from the UI frame (no curses here).
 *
 * src/app/ includes this header only; panes include ui/ui.h, which adds the
 * curses-facing parts. */
#ifndef UI_FRAME_H
#define UI_FRAME_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "stigmem/async.h"
#include "stigmem/client.h"
#include "ui/keymap.h"
#include "ui/theme.h"

struct ui;
struct pane;

/* ---- message log --------------------------------------------------------- */

enum ui_log_level { UI_LOG_INFO, UI_LOG_WARN, UI_LOG_ERROR };

/* Add a message (printf-style; the whole line is sanitized again before it
 * is stored). Shown as a toast on the tab bar and kept in the log pane
 * (last 2000); also appended to the --log-file when one is open. */
void ui_log(struct ui *ui, enum ui_log_level lvl, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Log a failed request: "what: STATUS message (HTTP n) — detail", with the
 * node's detail sanitized. */
void ui_log_error(struct ui *ui, const char *what, const struct stg_error *err);

/* ---- requests ------------------------------------------------------------ */

/* Submit `req` (ownership taken) for pane `p`; the response goes to
 * p->ops->on_response(p, tag, res) unless p->gen moved on meanwhile.
 * Failures are also logged. Returns the request id or 0 (error logged). */
uint64_t ui_submit(struct ui *ui, struct pane *p, struct stg_request *req, int tag);
/* Cancel every request in flight; returns how many. */
unsigned ui_cancel_all(struct ui *ui);
/* Requests in flight over all panes. */
unsigned ui_pending(const struct ui *ui);

/* Connection facts shown in the status bar (set by the app). */
struct ui_conn {
	char label[640];      /* profile name or URL (already clean) */
	char url[256];
	bool https;
	bool tls_insecure;
	bool has_key;
	bool key_refused;     /* key would go over plain http to a remote host */
	bool read_only;
	bool demo;
};

/* Settings for ui_new(). */
struct ui_settings {
	const struct ui_keymap *keymap;    /* copied */
	const struct ui_theme *theme;      /* copied */
	int color_mode;                    /* 0 auto, 1 never, 16, 256 */
	bool mouse;
	bool headless;                     /* render through newterm() into /dev/null */
	bool stable;                       /* deterministic output for tests (no timings) */
	int audit_page_size;
	int entity_sort;                   /* 0 name, 1 last write, 2 facts, 3 contradictions */
	bool show_system;
	FILE *log_file;                    /* borrowed, may be NULL */
};

/* Create the UI (no terminal touched yet). `client` and `eng` are
 * borrowed and must outlive the UI (or be swapped with ui_reconnect());
 * `s` and `conn` are copied. NULL on OOM. Free with ui_free(). */
struct ui *ui_new(const struct ui_settings *s, struct stg_client *client, struct stg_async *eng,
		  const struct ui_conn *conn);
/* Free panes, cancel requests (callbacks run), free the UI. Ends curses
 * if still active. NULL ok. */
void ui_free(struct ui *ui);

/* Take the terminal (initscr or newterm). Returns 0, or -1 with a message
 * in msg. */
int ui_screen_start(struct ui *ui, char *msg, size_t msgsize);
/* Give the terminal back (idempotent; safe from fatal paths). */
void ui_screen_end(struct ui *ui);
/* ^Z: restore the terminal, stop the process, re-take it, full repaint. */
void ui_screen_suspend(struct ui *ui);
/* Terminal size changed (SIGWINCH): query it, resizeterm, relayout. In
 * headless mode pass the new size; otherwise lines/cols <= 0. */
void ui_screen_resize(struct ui *ui, int lines, int cols);
/* Read every pending key (nodelay) and dispatch it. */
void ui_read_keys(struct ui *ui);
/* Dispatch one key as if typed. */
void ui_feed_key(struct ui *ui, int key);
/* Paint dirty windows; one doupdate(). */
void ui_paint(struct ui *ui);
/* Mark everything dirty (full repaint; clearok when `hard`). */
void ui_touch_all(struct ui *ui, bool hard);
/* Milliseconds until the next UI timer (spinner, toast expiry), -1 none. */
int ui_next_timer_ms(struct ui *ui);
/* Run due timers (advance the spinner, expire toasts). */
void ui_tick(struct ui *ui);
/* True once the user asked to quit. */
bool ui_should_quit(const struct ui *ui);
/* Write the composed screen as text (trailing blanks trimmed, one line per
 * row) to `path`. Returns 0 or -1. */
int ui_dump(struct ui *ui, const char *path);
/* Write one line per row with one letter per cell for its attributes
 * (r reverse, s standout, b bold, u underline, d dim, '.' none; upper case
 * when a colour pair is set; 'C' colour only). Returns 0 or -1. */
int ui_dump_attrs(struct ui *ui, const char *path);
/* Focus a pane by name; false when unknown. */
bool ui_focus_name(struct ui *ui, const char *name);
/* Current screen size. */
void ui_size(const struct ui *ui, int *lines, int *cols);

/* ---- connections ------------------------------------------------------------ */

/* What to connect to: a profile by name, a URL, or the built-in demo node. */
struct ui_connect_req {
	const char *profile;   /* or NULL */
	const char *url;       /* or NULL */
	bool demo;
};

/* Provided by the app: build a client and engine for `req` and hand them
 * to ui_reconnect(); returns 0, or -1 with a message in msg (nothing is
 * changed then). Called from inside key dispatch. */
typedef int (*ui_connect_fn)(void *ctx, struct ui *ui, const struct ui_connect_req *req,
			     char *msg, size_t msgsize);

/* Register the connector and the profile names offered by the chooser
 * (copied). */
void ui_set_connector(struct ui *ui, ui_connect_fn fn, void *ctx, const char *const *profiles,
		      size_t n_profiles);
/* Switch to a new client and engine (borrowed, as at ui_new): drops every
 * pending response, lets the old engine run its cancellation callbacks,
 * resets every pane and reloads. The caller frees the old engine and
 * client afterwards. */
void ui_reconnect(struct ui *ui, struct stg_client *client, struct stg_async *eng,
		  const struct ui_conn *conn);
/* The engine in use (changes after ui_reconnect). */
struct stg_async *ui_engine(const struct ui *ui);
/* Ask the connector for `req`; logs the outcome. True on success. */
bool ui_connect(struct ui *ui, const struct ui_connect_req *req);
/* Open the connection chooser (profiles, demo node, enter a URL). */
void ui_open_chooser(struct ui *ui);
/* Open the "enter a URL" prompt. */
void ui_open_url_prompt(struct ui *ui);

#endif
