/* config.c — config file parser (set/bind/color/source), options table,
 * profiles, theme file lookup and API key files. */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "app/config.h"

#ifndef STG_DATADIR
#define STG_DATADIR "/usr/local/share/stigmem-tui"
#endif

static const struct app_option_def option_table[APP_OPT_COUNT] = {
#define APP_X_DEF(id, name, type, def, choices, help) [APP_OPT_##id] = {name, type, def, choices, help},
	APP_OPTION_LIST(APP_X_DEF)
#undef APP_X_DEF
};

const struct app_option_def *
app_option_def(enum app_opt id)
{
	return (unsigned)id < APP_OPT_COUNT ? &option_table[id] : NULL;
}

int
app_option_lookup(const char *name, enum app_opt *out)
{
	for (int i = 0; i < APP_OPT_COUNT; i++) {
		if (strcmp(option_table[i].name, name) == 0) {
			*out = (enum app_opt)i;
			return 1;
		}
	}
	return 0;
}

int
app_parse_bool(const char *s)
{
	static const char *const yes[] = {"yes", "true", "on", "1"};
	static const char *const no[] = {"no", "false", "off", "0"};
	for (size_t i = 0; i < 4; i++) {
		if (strcasecmp(s, yes[i]) == 0)
			return 1;
		if (strcasecmp(s, no[i]) == 0)
			return 0;
	}
	return -1;
}

static int
enum_has(const char *choices, const char *value)
{
	size_t vl = strlen(value);
	const char *p = choices;
	while (*p) {
		size_t n = strcspn(p, "|");
		if (n == vl && strncmp(p, value, n) == 0)
			return 1;
		p += n;
		if (*p == '|')
			p++;
	}
	return 0;
}

int
app_option_validate(enum app_opt id, const char *value, char *msg, size_t msgsize)
{
	const struct app_option_def *d = &option_table[id];
	switch (d->type) {
	case APP_OPT_STRING:
		return 1;
	case APP_OPT_BOOL:
		if (app_parse_bool(value) >= 0)
			return 1;
		snprintf(msg, msgsize, "option '%s' expects yes or no, got '%s'", d->name, value);
		return 0;
	case APP_OPT_INT: {
		long lo = 0, hi = 0;
		sscanf(d->choices, "%ld:%ld", &lo, &hi);
		char *end;
		errno = 0;
		long v = strtol(value, &end, 10);
		if (*value == '\0' || *end != '\0' || errno != 0) {
			snprintf(msg, msgsize, "option '%s' expects an integer, got '%s'", d->name, value);
			return 0;
		}
		if (v < lo || v > hi) {
			snprintf(msg, msgsize, "option '%s' must be between %ld and %ld, got %ld",
				 d->name, lo, hi, v);
			return 0;
		}
		return 1;
	}
	case APP_OPT_ENUM:
		if (enum_has(d->choices, value))
			return 1;
		snprintf(msg, msgsize, "option '%s' expects one of %s, got '%s'", d->name,
			 d->choices, value);
		return 0;
	}
	return 0;
}

void
app_config_init(struct app_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	ui_keymap_init_defaults(&cfg->keymap);
	for (int i = 0; i < UI_ROLE_COUNT; i++)
		cfg->colors.role[i] = (struct ui_style){UI_COLOR_DEFAULT, UI_COLOR_DEFAULT, 0, 0};
}

static void
profile_free(struct app_profile *p)
{
	free(p->name);
	free(p->url);
	free(p->key_file);
	free(p->ca_file);
	memset(p, 0, sizeof(*p));
}

void
app_config_done(struct app_config *cfg)
{
	if (cfg == NULL)
		return;
	for (int i = 0; i < APP_OPT_COUNT; i++)
		free(cfg->value[i]);
	for (size_t i = 0; i < cfg->n_profiles; i++)
		profile_free(&cfg->profile[i]);
	for (size_t i = 0; i < cfg->n_diags; i++)
		free(cfg->diags[i]);
	free(cfg->diags);
	memset(cfg, 0, sizeof(*cfg));
}

__attribute__((format(printf, 4, 5))) static void
diag(struct app_config *cfg, const char *file, int line, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	char full[1400];
	if (line > 0)
		snprintf(full, sizeof(full), "%s:%d: %s", file, line, msg);
	else
		snprintf(full, sizeof(full), "%s: %s", file, msg);
	char **nd = realloc(cfg->diags, (cfg->n_diags + 1) * sizeof(*nd));
	if (nd == NULL)
		return;
	cfg->diags = nd;
	char *s = strdup(full);
	if (s != NULL)
		cfg->diags[cfg->n_diags++] = s;
}

const char *
app_config_get(const struct app_config *cfg, enum app_opt id)
{
	if ((unsigned)id >= APP_OPT_COUNT)
		return "";
	if (cfg != NULL && cfg->value[id] != NULL)
		return cfg->value[id];
	return option_table[id].def;
}

long
app_config_get_int(const struct app_config *cfg, enum app_opt id)
{
	return strtol(app_config_get(cfg, id), NULL, 10);
}

int
app_config_get_bool(const struct app_config *cfg, enum app_opt id)
{
	return app_parse_bool(app_config_get(cfg, id)) == 1;
}

const struct app_profile *
app_config_profile(const struct app_config *cfg, const char *name)
{
	if (name == NULL)
		return NULL;
	for (size_t i = 0; i < cfg->n_profiles; i++)
		if (strcmp(cfg->profile[i].name, name) == 0)
			return &cfg->profile[i];
	return NULL;
}

/* ---- tokenizer ------------------------------------------------------- */

#define MAX_WORDS 16

/* Split `line` in place into words; handles "quotes" and # comments.
 * Returns the word count or -1 with msg set. */
static int
is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static int
split_words(char *line, char **words, char *msg, size_t msgsize)
{
	int n = 0;
	char *r = line, *w = line; /* w never passes r */
	for (;;) {
		while (is_space(*r))
			r++;
		if (*r == '\0' || *r == '#')
			break;
		if (n == MAX_WORDS) {
			snprintf(msg, msgsize, "too many words on the line");
			return -1;
		}
		words[n++] = w;
		if (*r == '"') {
			r++;
			for (;;) {
				if (*r == '\0') {
					snprintf(msg, msgsize, "unterminated quote");
					return -1;
				}
				if (*r == '"') {
					r++;
					break;
				}
				if (*r == '\\' && (r[1] == '"' || r[1] == '\\'))
					r++;
				*w++ = *r++;
			}
			if (*r != '\0' && !is_space(*r)) {
				snprintf(msg, msgsize, "unexpected text after a closing quote");
				return -1;
			}
		} else {
			while (*r != '\0' && !is_space(*r))
				*w++ = *r++;
		}
		char c = *r;
		*w++ = '\0';
		if (c == '\0')
			break;
		r++;
		if (w > r)
			w = r;
	}
	return n;
}

/* ---- commands ---------------------------------------------------------- */

static int
valid_profile_name(const char *s, size_t n)
{
	if (n == 0)
		return 0;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '-' || c == '_'))
			return 0;
	}
	return 1;
}

static void
set_str(char **slot, const char *v)
{
	char *d = strdup(v);
	if (d == NULL)
		return;
	free(*slot);
	*slot = d;
}

static void
cmd_set_profile(struct app_config *cfg, const char *file, int line, const char *name,
		const char *value)
{
	const char *rest = name + strlen("profile.");
	const char *dot = strrchr(rest, '.');
	if (dot == NULL || !valid_profile_name(rest, (size_t)(dot - rest))) {
		diag(cfg, file, line, "expected 'set profile.NAME.SETTING = VALUE'");
		return;
	}
	const char *key = dot + 1;
	static const char *const keys[] = {"url", "key-file", "ca-file", "insecure", "read-only"};
	size_t k;
	for (k = 0; k < 5; k++)
		if (strcmp(key, keys[k]) == 0)
			break;
	if (k == 5) {
		diag(cfg, file, line,
		     "unknown profile setting '%s' (url, key-file, ca-file, insecure, read-only)", key);
		return;
	}
	int b = -1;
	if (k >= 3 && (b = app_parse_bool(value)) < 0) {
		diag(cfg, file, line, "profile setting '%s' expects yes or no, got '%s'", key, value);
		return;
	}
	size_t nl = (size_t)(dot - rest);
	struct app_profile *p = NULL;
	for (size_t i = 0; i < cfg->n_profiles; i++)
		if (strlen(cfg->profile[i].name) == nl && strncmp(cfg->profile[i].name, rest, nl) == 0)
			p = &cfg->profile[i];
	if (p == NULL) {
		if (cfg->n_profiles == APP_PROFILE_MAX) {
			diag(cfg, file, line, "too many profiles (max %d)", APP_PROFILE_MAX);
			return;
		}
		p = &cfg->profile[cfg->n_profiles];
		p->name = strndup(rest, nl);
		if (p->name == NULL)
			return;
		p->insecure = -1;
		p->read_only = -1;
		cfg->n_profiles++;
	}
	switch (k) {
	case 0: set_str(&p->url, value); break;
	case 1: set_str(&p->key_file, value); break;
	case 2: set_str(&p->ca_file, value); break;
	case 3: p->insecure = b; break;
	default: p->read_only = b; break;
	}
}

static void
cmd_set(struct app_config *cfg, const char *file, int line, int argc, char **argv)
{
	if (argc != 4 || strcmp(argv[2], "=") != 0) {
		diag(cfg, file, line, "expected 'set NAME = VALUE'");
		return;
	}
	if (strncmp(argv[1], "profile.", 8) == 0) {
		cmd_set_profile(cfg, file, line, argv[1], argv[3]);
		return;
	}
	enum app_opt id;
	if (!app_option_lookup(argv[1], &id)) {
		diag(cfg, file, line, "unknown option '%s'", argv[1]);
		return;
	}
	char msg[512];
	if (!app_option_validate(id, argv[3], msg, sizeof(msg))) {
		diag(cfg, file, line, "%s", msg);
		return;
	}
	set_str(&cfg->value[id], argv[3]);
}

static void
cmd_bind(struct app_config *cfg, const char *file, int line, int argc, char **argv)
{
	if (argc != 3) {
		diag(cfg, file, line, "expected 'bind KEY ACTION'");
		return;
	}
	char msg[256];
	if (ui_keymap_bind_spec(&cfg->keymap, argv[1], argv[2], msg, sizeof(msg)) != 0)
		diag(cfg, file, line, "%s", msg);
}

static void
resolve_relative(const char *base_file, const char *path, char *out, size_t size)
{
	if (path[0] == '~' && path[1] == '/') {
		const char *home = getenv("HOME");
		snprintf(out, size, "%s%s", home ? home : "", path + 1);
		return;
	}
	if (path[0] == '/') {
		snprintf(out, size, "%s", path);
		return;
	}
	const char *slash = strrchr(base_file, '/');
	if (slash == NULL)
		snprintf(out, size, "%s", path);
	else
		snprintf(out, size, "%.*s/%s", (int)(slash - base_file), base_file, path);
}

static void parse_text(struct app_config *cfg, struct ui_theme *theme_only, const char *text,
		       const char *name);

static int
load_path(struct app_config *cfg, struct ui_theme *theme_only, const char *path,
	  const char *from_file, int from_line)
{
	FILE *f = fopen(path, "r");
	if (f == NULL) {
		if (from_file)
			diag(cfg, from_file, from_line, "source: cannot open '%s': %s", path,
			     strerror(errno));
		else
			diag(cfg, path, 0, "cannot open: %s", strerror(errno));
		return -1;
	}
	char *text = NULL;
	size_t len = 0, cap = 0;
	char chunk[4096];
	size_t n;
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
		if (len + n + 1 > cap) {
			size_t ncap = cap ? cap * 2 : 8192;
			while (ncap < len + n + 1)
				ncap *= 2;
			if (ncap > (size_t)4 << 20) {
				diag(cfg, path, 0, "file larger than 4 MiB, ignored");
				free(text);
				fclose(f);
				return -1;
			}
			char *nt = realloc(text, ncap);
			if (nt == NULL) {
				free(text);
				fclose(f);
				return -1;
			}
			text = nt;
			cap = ncap;
		}
		memcpy(text + len, chunk, n);
		len += n;
	}
	fclose(f);
	if (text == NULL)
		return 0;
	text[len] = '\0';
	parse_text(cfg, theme_only, text, path);
	free(text);
	return 0;
}

static void
cmd_source(struct app_config *cfg, struct ui_theme *theme_only, const char *file, int line,
	   int argc, char **argv)
{
	if (argc != 2) {
		diag(cfg, file, line, "expected 'source FILE'");
		return;
	}
	if (cfg->depth >= APP_CONFIG_MAX_DEPTH) {
		diag(cfg, file, line, "source: nested deeper than %d files, '%s' ignored",
		     APP_CONFIG_MAX_DEPTH, argv[1]);
		return;
	}
	char path[PATH_MAX];
	resolve_relative(file, argv[1], path, sizeof(path));
	cfg->depth++;
	load_path(cfg, theme_only, path, file, line);
	cfg->depth--;
}

static void
parse_line(struct app_config *cfg, struct ui_theme *theme_only, char *text, const char *file,
	   int line)
{
	char *argv[MAX_WORDS];
	char msg[256];
	int argc = split_words(text, argv, msg, sizeof(msg));
	if (argc < 0) {
		diag(cfg, file, line, "%s", msg);
		return;
	}
	if (argc == 0)
		return;
	if (theme_only != NULL) {
		if (strcmp(argv[0], "color") != 0) {
			diag(cfg, file, line, "only 'color' lines are allowed in a theme file");
			return;
		}
		if (ui_theme_color_line(theme_only, argc - 1, argv + 1, msg, sizeof(msg)) != 0)
			diag(cfg, file, line, "%s", msg);
		return;
	}
	if (strcmp(argv[0], "set") == 0)
		cmd_set(cfg, file, line, argc, argv);
	else if (strcmp(argv[0], "bind") == 0)
		cmd_bind(cfg, file, line, argc, argv);
	else if (strcmp(argv[0], "color") == 0) {
		if (ui_theme_color_line(&cfg->colors, argc - 1, argv + 1, msg, sizeof(msg)) != 0)
			diag(cfg, file, line, "%s", msg);
	} else if (strcmp(argv[0], "source") == 0)
		cmd_source(cfg, NULL, file, line, argc, argv);
	else
		diag(cfg, file, line, "unknown command '%s' (set, bind, color, source)", argv[0]);
}

static void
parse_text(struct app_config *cfg, struct ui_theme *theme_only, const char *text, const char *name)
{
	int lineno = 0;
	const char *p = text;
	while (*p) {
		lineno++;
		size_t n = strcspn(p, "\n");
		char buf[4096];
		if (n >= sizeof(buf)) {
			diag(cfg, name, lineno, "line longer than %zu bytes", sizeof(buf) - 1);
		} else {
			memcpy(buf, p, n);
			buf[n] = '\0';
			if (memchr(p, '\0', n) == NULL)
				parse_line(cfg, theme_only, buf, name, lineno);
		}
		p += n;
		if (*p == '\n')
			p++;
	}
}

void
app_config_load_string(struct app_config *cfg, const char *text, const char *name)
{
	parse_text(cfg, NULL, text, name);
}

int
app_config_load_file(struct app_config *cfg, const char *path)
{
	return load_path(cfg, NULL, path, NULL, 0);
}

int
app_theme_load_file(struct app_config *cfg, struct ui_theme *theme, const char *path)
{
	return load_path(cfg, theme, path, NULL, 0);
}

char *
app_config_default_path(char *buf, size_t size)
{
	const char *xdg = getenv("XDG_CONFIG_HOME");
	if (xdg != NULL && xdg[0] == '/') {
		snprintf(buf, size, "%s/stigmem-tui/config", xdg);
		return buf;
	}
	const char *home = getenv("HOME");
	if (home != NULL && home[0] != '\0') {
		snprintf(buf, size, "%s/.config/stigmem-tui/config", home);
		return buf;
	}
	return NULL;
}

static int
is_file(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

char *
app_theme_find(const char *name, char *buf, size_t size)
{
	size_t nl = strlen(name);
	if (strchr(name, '/') != NULL || (nl > 6 && strcmp(name + nl - 6, ".theme") == 0)) {
		snprintf(buf, size, "%s", name);
		return is_file(buf) ? buf : NULL;
	}
	const char *env = getenv("STIGMEM_TUI_THEMES");
	if (env != NULL && *env) {
		snprintf(buf, size, "%s/%s.theme", env, name);
		if (is_file(buf))
			return buf;
	}
	char cfgpath[PATH_MAX];
	if (app_config_default_path(cfgpath, sizeof(cfgpath)) != NULL) {
		char *slash = strrchr(cfgpath, '/');
		if (slash != NULL)
			*slash = '\0';
		snprintf(buf, size, "%s/themes/%s.theme", cfgpath, name);
		if (is_file(buf))
			return buf;
	}
	snprintf(buf, size, "%s/themes/%s.theme", STG_DATADIR, name);
	if (is_file(buf))
		return buf;
	/* A build tree: <root>/<build>/stigmem-tui -> <root>/themes/. */
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n > 0) {
		exe[n] = '\0';
		for (int up = 0; up < 3; up++) {
			char *slash = strrchr(exe, '/');
			if (slash == NULL)
				break;
			*slash = '\0';
			snprintf(buf, size, "%s/themes/%s.theme", exe, name);
			if (is_file(buf))
				return buf;
		}
	}
	return NULL;
}

int
app_read_key_file(const char *path, char **key, char *msg, size_t msgsize)
{
	*key = NULL;
	struct stat st;
	if (stat(path, &st) != 0) {
		snprintf(msg, msgsize, "key file '%s': %s", path, strerror(errno));
		return -1;
	}
	if (!S_ISREG(st.st_mode)) {
		snprintf(msg, msgsize, "key file '%s' is not a regular file", path);
		return -1;
	}
	if (st.st_mode & 077) {
		snprintf(msg, msgsize,
			 "key file '%s' is accessible by group or others (mode %04o); "
			 "refusing to use it: run chmod 600 '%s'",
			 path, (unsigned)(st.st_mode & 07777), path);
		return -1;
	}
	FILE *f = fopen(path, "r");
	if (f == NULL) {
		snprintf(msg, msgsize, "key file '%s': %s", path, strerror(errno));
		return -1;
	}
	char line[4096];
	if (fgets(line, sizeof(line), f) == NULL)
		line[0] = '\0';
	fclose(f);
	char *s = line;
	while (*s == ' ' || *s == '\t')
		s++;
	size_t n = strlen(s);
	while (n > 0 && (s[n - 1] == '\n' || s[n - 1] == '\r' || s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	s[n] = '\0';
	if (n == 0) {
		snprintf(msg, msgsize, "key file '%s' is empty", path);
		explicit_bzero(line, sizeof(line));
		return -1;
	}
	*key = strdup(s);
	explicit_bzero(line, sizeof(line));
	if (*key == NULL) {
		snprintf(msg, msgsize, "out of memory");
		return -1;
	}
	return 0;
}
