/* theme.c — colour roles, colour/attribute parsing, the default theme. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ui/theme.h"

static const char *const role_names[UI_ROLE_COUNT] = {
#define UI_X_RNAME(id, name) [UI_ROLE_##id] = name,
	UI_ROLE_LIST(UI_X_RNAME)
#undef UI_X_RNAME
};

const char *
ui_role_name(enum ui_role r)
{
	return (unsigned)r < UI_ROLE_COUNT ? role_names[r] : "";
}

int
ui_role_lookup(const char *name, enum ui_role *out)
{
	for (int i = 0; i < UI_ROLE_COUNT; i++) {
		if (strcmp(role_names[i], name) == 0) {
			*out = (enum ui_role)i;
			return 1;
		}
	}
	return 0;
}

static const char *const basic_names[8] = {
	"black", "red", "green", "yellow", "blue", "magenta", "cyan", "white",
};

int
ui_color_parse(const char *s, short *out)
{
	if (strcasecmp(s, "default") == 0 || strcmp(s, "-1") == 0) {
		*out = UI_COLOR_DEFAULT;
		return 1;
	}
	for (int i = 0; i < 8; i++) {
		if (strcasecmp(s, basic_names[i]) == 0) {
			*out = (short)i;
			return 1;
		}
		if (strncasecmp(s, "bright-", 7) == 0 && strcasecmp(s + 7, basic_names[i]) == 0) {
			*out = (short)(i + 8);
			return 1;
		}
	}
	if (strcasecmp(s, "grey") == 0 || strcasecmp(s, "gray") == 0) {
		*out = 8;
		return 1;
	}
	const char *num = s;
	if (strncasecmp(s, "color", 5) == 0)
		num = s + 5;
	if (*num >= '0' && *num <= '9') {
		char *end;
		long v = strtol(num, &end, 10);
		if (*end == '\0' && v >= 0 && v <= 255) {
			*out = (short)v;
			return 1;
		}
	}
	return 0;
}

static const struct {
	const char *name;
	unsigned bit;
} attr_names[] = {
	{"normal", 0},
	{"bold", UI_ATTR_BOLD},
	{"dim", UI_ATTR_DIM},
	{"underline", UI_ATTR_UNDERLINE},
	{"reverse", UI_ATTR_REVERSE},
	{"standout", UI_ATTR_STANDOUT},
	{"italic", UI_ATTR_ITALIC},
	{"blink", UI_ATTR_BLINK},
};

int
ui_attrs_parse(const char *s, unsigned *out, char *msg, size_t msgsize)
{
	char word[64];
	while (*s) {
		while (*s == ',' || *s == ' ' || *s == '\t')
			s++;
		if (!*s)
			break;
		size_t n = strcspn(s, ", \t");
		if (n >= sizeof(word))
			n = sizeof(word) - 1;
		memcpy(word, s, n);
		word[n] = '\0';
		s += strcspn(s, ", \t");
		size_t i;
		for (i = 0; i < sizeof(attr_names) / sizeof(attr_names[0]); i++)
			if (strcasecmp(word, attr_names[i].name) == 0)
				break;
		if (i == sizeof(attr_names) / sizeof(attr_names[0])) {
			snprintf(msg, msgsize, "unknown attribute '%s'", word);
			return 0;
		}
		*out |= attr_names[i].bit;
	}
	return 1;
}

static void
role(struct ui_theme *t, enum ui_role r, short fg, short bg, unsigned attrs)
{
	t->role[r] = (struct ui_style){fg, bg, attrs, 1};
}

void
ui_theme_init_default(struct ui_theme *t)
{
	const short D = UI_COLOR_DEFAULT;
	for (int i = 0; i < UI_ROLE_COUNT; i++)
		t->role[i] = (struct ui_style){D, D, 0, 0};
	/* Defaults chosen to stay readable without colour: every role that
	 * matters has an attribute too. */
	role(t, UI_ROLE_PANE_TITLE, 7, 4, UI_ATTR_BOLD);
	role(t, UI_ROLE_PANE_TITLE_FOCUS, 0, 6, UI_ATTR_BOLD);
	role(t, UI_ROLE_PANE_BORDER, 4, D, 0);
	role(t, UI_ROLE_CURSOR, D, D, UI_ATTR_REVERSE);
	role(t, UI_ROLE_LIST_HEADER, 6, D, UI_ATTR_BOLD | UI_ATTR_UNDERLINE);
	role(t, UI_ROLE_LIST_GROUP, 5, D, UI_ATTR_BOLD);
	role(t, UI_ROLE_LIST_DIM, 8, D, UI_ATTR_DIM);
	role(t, UI_ROLE_LABEL, 6, D, 0);
	role(t, UI_ROLE_STATUS_BAR, 7, 0, UI_ATTR_REVERSE);
	role(t, UI_ROLE_STATUS_URL, 7, 0, UI_ATTR_REVERSE | UI_ATTR_BOLD);
	role(t, UI_ROLE_STATUS_OK, 2, 0, UI_ATTR_REVERSE);
	role(t, UI_ROLE_STATUS_WARN, 3, 0, UI_ATTR_REVERSE | UI_ATTR_BOLD);
	role(t, UI_ROLE_STATUS_ERROR, 1, 7, UI_ATTR_BOLD);
	role(t, UI_ROLE_STATUS_SPINNER, 6, 0, UI_ATTR_REVERSE);
	role(t, UI_ROLE_BADGE_TLS_OFF, 7, 1, UI_ATTR_BOLD | UI_ATTR_STANDOUT);
	role(t, UI_ROLE_BADGE_TLS_ON, 2, 0, UI_ATTR_REVERSE);
	role(t, UI_ROLE_BADGE_PLAIN_HTTP, 3, 0, UI_ATTR_REVERSE);
	role(t, UI_ROLE_BADGE_READONLY, 0, 3, UI_ATTR_BOLD);
	role(t, UI_ROLE_BADGE_AUTH, 7, 0, UI_ATTR_REVERSE);
	role(t, UI_ROLE_CID_VERIFIED, 2, D, 0);
	role(t, UI_ROLE_CID_INTEGER, 6, D, 0);
	role(t, UI_ROLE_CID_MISMATCH, 1, D, UI_ATTR_BOLD | UI_ATTR_UNDERLINE);
	role(t, UI_ROLE_CID_UNVERIFIABLE, 3, D, 0);
	role(t, UI_ROLE_CID_NONE, 8, D, UI_ATTR_DIM);
	role(t, UI_ROLE_MARKER_ESCAPE, 3, D, UI_ATTR_BOLD | UI_ATTR_REVERSE);
	role(t, UI_ROLE_MARKER_RETRACTED, 8, D, UI_ATTR_DIM);
	role(t, UI_ROLE_MARKER_EXPIRED, 8, D, UI_ATTR_DIM);
	role(t, UI_ROLE_MARKER_CONTRADICTED, 1, D, UI_ATTR_BOLD);
	role(t, UI_ROLE_MARKER_REDACTED, 5, D, UI_ATTR_BOLD);
	role(t, UI_ROLE_MARKER_QUARANTINE, 3, D, UI_ATTR_BOLD);
	role(t, UI_ROLE_SCORE_LEXICAL, 4, D, 0);
	role(t, UI_ROLE_SCORE_SEMANTIC, 5, D, 0);
	role(t, UI_ROLE_SCORE_GRAPH, 2, D, 0);
	role(t, UI_ROLE_SCORE_RECENCY, 3, D, 0);
	role(t, UI_ROLE_SCORE_SOURCE_TRUST, 6, D, 0);
	role(t, UI_ROLE_PROOF_OK, 2, D, UI_ATTR_BOLD);
	role(t, UI_ROLE_PROOF_BAD, 7, 1, UI_ATTR_BOLD);
	role(t, UI_ROLE_PROOF_LAG, 3, D, 0);
	role(t, UI_ROLE_CONFLICT_A, 6, D, 0);
	role(t, UI_ROLE_CONFLICT_B, 5, D, 0);
	role(t, UI_ROLE_FILTER_PROMPT, 3, D, UI_ATTR_BOLD);
	role(t, UI_ROLE_FILTER_MATCH, 3, D, UI_ATTR_UNDERLINE);
	role(t, UI_ROLE_HELP_KEY, 3, D, UI_ATTR_BOLD);
	role(t, UI_ROLE_HELP_TEXT, D, D, 0);
	role(t, UI_ROLE_LOG_ERROR, 1, D, UI_ATTR_BOLD);
	role(t, UI_ROLE_LOG_WARN, 3, D, 0);
	role(t, UI_ROLE_LOG_INFO, D, D, 0);
	role(t, UI_ROLE_NOTICE, 3, D, UI_ATTR_BOLD);
}

int
ui_theme_color_line(struct ui_theme *t, int argc, char **argv, char *msg, size_t msgsize)
{
	if (argc < 3) {
		snprintf(msg, msgsize, "expected 'color ROLE FG BG [ATTRS]'");
		return -1;
	}
	enum ui_role r;
	if (!ui_role_lookup(argv[0], &r)) {
		snprintf(msg, msgsize, "unknown role '%s'", argv[0]);
		return -1;
	}
	short fg, bg;
	if (!ui_color_parse(argv[1], &fg)) {
		snprintf(msg, msgsize, "unknown colour '%s'", argv[1]);
		return -1;
	}
	if (!ui_color_parse(argv[2], &bg)) {
		snprintf(msg, msgsize, "unknown colour '%s'", argv[2]);
		return -1;
	}
	unsigned attrs = 0;
	for (int i = 3; i < argc; i++)
		if (!ui_attrs_parse(argv[i], &attrs, msg, msgsize))
			return -1;
	t->role[r] = (struct ui_style){fg, bg, attrs, 1};
	return 0;
}

void
ui_theme_overlay(struct ui_theme *t, const struct ui_theme *over)
{
	for (int i = 0; i < UI_ROLE_COUNT; i++)
		if (over->role[i].set)
			t->role[i] = over->role[i];
}

/* RGB of the 16 basic xterm colours, for nearest-colour reduction. */
static const unsigned char basic_rgb[16][3] = {
	{0, 0, 0},       {205, 0, 0},     {0, 205, 0},     {205, 205, 0},
	{0, 0, 238},     {205, 0, 205},   {0, 205, 205},   {229, 229, 229},
	{127, 127, 127}, {255, 0, 0},     {0, 255, 0},     {255, 255, 0},
	{92, 92, 255},   {255, 0, 255},   {0, 255, 255},   {255, 255, 255},
};

static void
xterm_rgb(int c, int rgb[3])
{
	if (c < 16) {
		for (int i = 0; i < 3; i++)
			rgb[i] = basic_rgb[c][i];
	} else if (c < 232) {
		static const int steps[6] = {0, 95, 135, 175, 215, 255};
		c -= 16;
		rgb[0] = steps[c / 36];
		rgb[1] = steps[(c / 6) % 6];
		rgb[2] = steps[c % 6];
	} else {
		int v = 8 + 10 * (c - 232);
		rgb[0] = rgb[1] = rgb[2] = v;
	}
}

short
ui_color_reduce(short c, int ncolors)
{
	if (c < 0 || ncolors <= 0)
		return UI_COLOR_DEFAULT;
	if (c < ncolors)
		return c;
	int limit = ncolors >= 16 ? 16 : 8;
	int rgb[3];
	xterm_rgb(c, rgb);
	int best = 0;
	long bestd = -1;
	for (int i = 0; i < limit; i++) {
		long d = 0;
		for (int k = 0; k < 3; k++) {
			long e = rgb[k] - basic_rgb[i][k];
			d += e * e;
		}
		if (bestd < 0 || d < bestd) {
			bestd = d;
			best = i;
		}
	}
	return (short)best;
}
