/* ui/theme.h — colour roles and their mapping to colours and attributes.
 *
 * Drawing code names a role (UI_ROLE_PANE_TITLE, …), never a colour. A theme
 * maps each role to fg, bg and attributes; the themes/NAME.theme files hold only
 * `color ROLE FG BG [ATTRS]` lines. Colours: default, black, red, green,
 * yellow, blue, magenta, cyan, white, bright-<name>, colorN / N (0-255).
 * Attributes: normal, bold, dim, underline, reverse, standout, italic, blink
 * (comma- or space-separated). With colour off (NO_COLOR, --color never, no
 * colour support) only the attributes are used, so every role that carries
 * meaning also has a glyph or label where it is drawn. */
#ifndef UI_THEME_H
#define UI_THEME_H

#include <stddef.h>

/* X(ID, "role.name") */
#define UI_ROLE_LIST(X)                                 \
	X(NORMAL, "normal")                             \
	X(PANE_TITLE, "pane.title")                     \
	X(PANE_TITLE_FOCUS, "pane.title.focus")         \
	X(PANE_BORDER, "pane.border")                   \
	X(CURSOR, "cursor")                             \
	X(LIST_HEADER, "list.header")                   \
	X(LIST_GROUP, "list.group")                     \
	X(LIST_DIM, "list.dim")                         \
	X(LABEL, "label")                               \
	X(VALUE, "value")                               \
	X(STATUS_BAR, "status.bar")                     \
	X(STATUS_URL, "status.url")                     \
	X(STATUS_OK, "status.ok")                       \
	X(STATUS_WARN, "status.warn")                   \
	X(STATUS_ERROR, "status.error")                 \
	X(STATUS_SPINNER, "status.spinner")             \
	X(BADGE_TLS_OFF, "badge.tls-off")               \
	X(BADGE_TLS_ON, "badge.tls-on")                 \
	X(BADGE_PLAIN_HTTP, "badge.plain-http")         \
	X(BADGE_READONLY, "badge.readonly")             \
	X(BADGE_AUTH, "badge.auth")                     \
	X(CID_VERIFIED, "cid.verified")                 \
	X(CID_INTEGER, "cid.integer-spelling")          \
	X(CID_MISMATCH, "cid.mismatch")                 \
	X(CID_UNVERIFIABLE, "cid.unverifiable")         \
	X(CID_NONE, "cid.none")                         \
	X(MARKER_ESCAPE, "marker.escape")               \
	X(MARKER_RETRACTED, "marker.retracted")         \
	X(MARKER_EXPIRED, "marker.expired")             \
	X(MARKER_CONTRADICTED, "marker.contradicted")   \
	X(MARKER_REDACTED, "marker.redacted")           \
	X(MARKER_QUARANTINE, "marker.quarantine")       \
	X(SCORE_LEXICAL, "score.lexical")               \
	X(SCORE_SEMANTIC, "score.semantic")             \
	X(SCORE_GRAPH, "score.graph")                   \
	X(SCORE_RECENCY, "score.recency")               \
	X(SCORE_SOURCE_TRUST, "score.source_trust")     \
	X(PROOF_OK, "proof.ok")                         \
	X(PROOF_BAD, "proof.bad")                       \
	X(PROOF_LAG, "proof.lag")                       \
	X(CONFLICT_A, "conflict.a")                     \
	X(CONFLICT_B, "conflict.b")                     \
	X(FILTER_PROMPT, "filter.prompt")               \
	X(FILTER_MATCH, "filter.match")                 \
	X(HELP_KEY, "help.key")                         \
	X(HELP_TEXT, "help.text")                       \
	X(LOG_ERROR, "log.error")                       \
	X(LOG_WARN, "log.warn")                         \
	X(LOG_INFO, "log.info")                         \
	X(NOTICE, "notice")

enum ui_role {
#define UI_X_ROLE(id, name) UI_ROLE_##id,
	UI_ROLE_LIST(UI_X_ROLE)
#undef UI_X_ROLE
	UI_ROLE_COUNT
};

/* Attribute bits (independent of curses; mapped when drawing). */
enum ui_attr {
	UI_ATTR_BOLD = 1u << 0,
	UI_ATTR_DIM = 1u << 1,
	UI_ATTR_UNDERLINE = 1u << 2,
	UI_ATTR_REVERSE = 1u << 3,
	UI_ATTR_STANDOUT = 1u << 4,
	UI_ATTR_ITALIC = 1u << 5,
	UI_ATTR_BLINK = 1u << 6,
};

#define UI_COLOR_DEFAULT (-1)

struct ui_style {
	short fg;        /* UI_COLOR_DEFAULT or 0..255 */
	short bg;
	unsigned attrs;  /* enum ui_attr bits */
	int set;         /* nonzero once a theme or config line assigned it */
};

/* A theme: plain data, embedded by value; no heap memory. */
struct ui_theme {
	struct ui_style role[UI_ROLE_COUNT];
};

/* Config name of a role ("pane.title"); "" when out of range. Static. */
const char *ui_role_name(enum ui_role r);
/* Look a role up by name; returns 0 when unknown. */
int ui_role_lookup(const char *name, enum ui_role *out);
/* Parse a colour name/number; returns 0 when not a colour. */
int ui_color_parse(const char *s, short *out);
/* Parse attributes ("bold,underline" or single words); returns 0 and names
 * the first bad word in msg ("unknown attribute 'x'") on error. */
int ui_attrs_parse(const char *s, unsigned *out, char *msg, size_t msgsize);

/* The compiled-in default theme (used when no theme file loads). */
void ui_theme_init_default(struct ui_theme *t);
/* Apply one `color` line's arguments (argv[0] = role, then fg, bg, attrs…).
 * Returns 0, or -1 with a message in msg ("unknown role 'x'",
 * "unknown colour 'x'", "expected 'color ROLE FG BG [ATTRS]'"). */
int ui_theme_color_line(struct ui_theme *t, int argc, char **argv, char *msg, size_t msgsize);
/* Copy every role that is `set` in `over` onto `t`. */
void ui_theme_overlay(struct ui_theme *t, const struct ui_theme *over);

/* Colour depth used when drawing. */
enum ui_color_depth { UI_COLORS_NONE = 0, UI_COLORS_16 = 16, UI_COLORS_256 = 256 };
/* Colour number `c` (0..255) reduced to what `depth` can show: 256 keeps it,
 * 16 maps 16..255 to the nearest of the 16 basic colours, 8-colour
 * terminals (depth 16 with only 8 colours) fold 8..15 onto 0..7. */
short ui_color_reduce(short c, int ncolors);

#endif
