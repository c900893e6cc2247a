/* app/config.h — the stigmem-tui config file: settings, key bindings, colours.
 *
 * File: $XDG_CONFIG_HOME/stigmem-tui/config (else ~/.config/stigmem-tui/config)
 * or --config FILE. One command per line, `#` starts a comment (outside
 * double quotes, at the start of a word):
 *   set NAME = VALUE          a setting of APP_OPTION_LIST, or a profile
 *                             setting `profile.NAME.KEY` (url, key-file,
 *                             ca-file, insecure, read-only)
 *   bind KEY ACTION           see ui/keymap.h and ui/action.h
 *   color ROLE FG BG [ATTRS]  see ui/theme.h
 *   source FILE               relative to the including file; `~/` = $HOME;
 *                             nesting limited to APP_CONFIG_MAX_DEPTH
 * Values may be "double quoted" (with \" and \\). A bad line is reported as
 * "FILE:LINE: message" in cfg->diags and skipped; loading never stops.
 * Precedence (applied by the callers): flag > environment > file > default. */
#ifndef APP_CONFIG_H
#define APP_CONFIG_H

#include <stddef.h>

#include "ui/keymap.h"
#include "ui/theme.h"

enum app_opt_type { APP_OPT_STRING, APP_OPT_BOOL, APP_OPT_INT, APP_OPT_ENUM };

/* X(ID, "name", type, "default", "choices or min:max", "help") */
#define APP_OPTION_LIST(X)                                                                   \
	X(URL, "url", APP_OPT_STRING, "http://127.0.0.1:8765", "",                          \
	  "Base URL of the node (when no profile is selected)")                             \
	X(PROFILE, "profile", APP_OPT_STRING, "", "",                                       \
	  "Profile to use when --profile and STIGMEM_PROFILE are not given")                \
	X(KEY_FILE, "key-file", APP_OPT_STRING, "", "",                                     \
	  "File holding the API key (must not be readable by group or others)")             \
	X(CA_FILE, "ca-file", APP_OPT_STRING, "", "", "PEM bundle of CAs to trust for https") \
	X(INSECURE, "insecure", APP_OPT_BOOL, "no", "",                                     \
	  "Skip TLS certificate verification (a red badge stays on screen)")                \
	X(READ_ONLY, "read-only", APP_OPT_BOOL, "no", "", "Hide every action that writes")  \
	X(THEME, "theme", APP_OPT_STRING, "default", "",                                    \
	  "Theme name (default, light, high-contrast, mono) or path to a .theme file")      \
	X(COLOR, "color", APP_OPT_ENUM, "auto", "auto|never|16|256",                        \
	  "Colour depth; never = attributes only (NO_COLOR does the same)")                 \
	X(MOUSE, "mouse", APP_OPT_BOOL, "yes", "", "Mouse clicks and wheel (SGR 1006)")     \
	X(LOG_FILE, "log-file", APP_OPT_STRING, "", "",                                     \
	  "Append diagnostics to this file (secrets redacted)")                             \
	X(CONNECT_TIMEOUT, "connect-timeout", APP_OPT_INT, "5000", "100:600000",            \
	  "Connect timeout in milliseconds")                                                \
	X(TIMEOUT, "timeout", APP_OPT_INT, "30000", "100:3600000",                          \
	  "Whole-request timeout in milliseconds")                                          \
	X(AUDIT_PAGE_SIZE, "audit-page-size", APP_OPT_INT, "500", "1:5000",                 \
	  "Entries per /v1/audit page during entity discovery")                             \
	X(ENTITY_SORT, "entity-sort", APP_OPT_ENUM, "name",                                  \
	  "name|last-write|facts|contradictions",                                           \
	  "Initial sort order of the entity browser")                                       \
	X(SHOW_SYSTEM, "show-system-entities", APP_OPT_BOOL, "yes", "",                     \
	  "List system entities (conflicts, resolutions, bare fact ids) in their own group")

enum app_opt {
#define APP_X_OPT(id, name, type, def, choices, help) APP_OPT_##id,
	APP_OPTION_LIST(APP_X_OPT)
#undef APP_X_OPT
	APP_OPT_COUNT
};

struct app_option_def {
	const char *name;
	enum app_opt_type type;
	const char *def;
	const char *choices;   /* ENUM: "a|b|c"; INT: "min:max"; else "" */
	const char *help;
};

/* The declarative option table, indexed by enum app_opt. Static. */
const struct app_option_def *app_option_def(enum app_opt id);
/* Look an option up by name; returns 0 when unknown. */
int app_option_lookup(const char *name, enum app_opt *out);
/* Check `value` against the option's type; returns 0 and writes a message
 * ("option 'mouse' expects yes or no, got 'maybe'") when invalid. */
int app_option_validate(enum app_opt id, const char *value, char *msg, size_t msgsize);
/* Parse a boolean word: yes/no, true/false, on/off, 1/0. Returns -1 when
 * it is none of them. */
int app_parse_bool(const char *s);

#define APP_CONFIG_MAX_DEPTH 8
#define APP_PROFILE_MAX 32

/* A named node profile; strings owned by the config (NULL = unset). */
struct app_profile {
	char *name;
	char *url;
	char *key_file;
	char *ca_file;
	int insecure;          /* -1 unset, 0, 1 */
	int read_only;         /* -1 unset, 0, 1 */
};

/* Everything read from config files. Embedded: app_config_init/_done. */
struct app_config {
	char *value[APP_OPT_COUNT];    /* owned; NULL = not set in any file */
	struct app_profile profile[APP_PROFILE_MAX];
	size_t n_profiles;
	struct ui_keymap keymap;       /* defaults, then every `bind` in order */
	struct ui_theme colors;        /* `color` lines of the config (roles with .set) */
	char **diags;                  /* owned "FILE:LINE: message" strings */
	size_t n_diags;
	int depth;                     /* internal: current `source` nesting */
};

void app_config_init(struct app_config *cfg);
void app_config_done(struct app_config *cfg);

/* Read one config file. Returns 0 when it was read (bad lines only add
 * diags), -1 when it could not be opened (a diag "PATH: cannot open: …" is
 * added). */
int app_config_load_file(struct app_config *cfg, const char *path);
/* Parse config text as if read from a file called `name` (for tests and
 * built-in fragments); `source` is resolved relative to `name`'s directory. */
void app_config_load_string(struct app_config *cfg, const char *text, const char *name);

/* The default config path ($XDG_CONFIG_HOME/stigmem-tui/config, else
 * $HOME/.config/stigmem-tui/config) into buf; returns buf, or NULL when
 * neither variable is set. */
char *app_config_default_path(char *buf, size_t size);

/* Current value: the file's value, else the compiled-in default. Borrowed. */
const char *app_config_get(const struct app_config *cfg, enum app_opt id);
long app_config_get_int(const struct app_config *cfg, enum app_opt id);
int app_config_get_bool(const struct app_config *cfg, enum app_opt id);
/* A profile by name, or NULL. Borrowed. */
const struct app_profile *app_config_profile(const struct app_config *cfg, const char *name);

/* Read a theme file (only `color` lines allowed) onto `theme`; bad lines
 * become diags in `cfg`. Returns 0, or -1 when the file cannot be opened. */
int app_theme_load_file(struct app_config *cfg, struct ui_theme *theme, const char *path);
/* Find the file of theme `name` ("light", or a path when it contains '/'
 * or ends in ".theme"). Searched: $STIGMEM_TUI_THEMES, the config dir's
 * themes/, STG_DATADIR "/themes", and themes/ beside the executable's
 * parent directory (a build tree). Returns buf or NULL when not found. */
char *app_theme_find(const char *name, char *buf, size_t size);

/* Read an API key file: refuses (returns -1, message in msg) when the file
 * is readable or writable by group or others, missing, not a regular file,
 * or empty. On success *key is a heap string (caller wipes and frees) with
 * the first line, surrounding whitespace removed. */
int app_read_key_file(const char *path, char **key, char *msg, size_t msgsize);

#endif
