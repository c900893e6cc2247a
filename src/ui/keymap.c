/* keymap.c — action table accessors, key names and the key → action map. */
#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <wchar.h>

#include "ui/keymap.h"

struct action_info {
	const char *name;
	const char *keys;
	const char *help;
};

static const struct action_info action_table[UI_ACTION_COUNT] = {
#define UI_X_INFO(id, name, keys, help) [UI_ACTION_##id] = {name, keys, help},
	UI_ACTION_LIST(UI_X_INFO)
#undef UI_X_INFO
};

const char *
ui_action_name(enum ui_action a)
{
	return (unsigned)a < UI_ACTION_COUNT ? action_table[a].name : "";
}

const char *
ui_action_help(enum ui_action a)
{
	return (unsigned)a < UI_ACTION_COUNT ? action_table[a].help : "";
}

const char *
ui_action_default_keys(enum ui_action a)
{
	return (unsigned)a < UI_ACTION_COUNT ? action_table[a].keys : "";
}

int
ui_action_lookup(const char *name, enum ui_action *out)
{
	for (int i = 0; i < UI_ACTION_COUNT; i++) {
		if (strcmp(action_table[i].name, name) == 0) {
			*out = (enum ui_action)i;
			return 1;
		}
	}
	return 0;
}

struct key_name {
	const char *name;
	int key;
};

/* First name of a key is its canonical spelling. */
static const struct key_name key_names[] = {
	{"Enter", '\n'},
	{"Return", '\n'},
	{"CR", '\n'},
	{"Esc", 0x1b},
	{"Escape", 0x1b},
	{"Tab", '\t'},
	{"S-Tab", UI_KEY_FN(KEY_BTAB)},
	{"BackTab", UI_KEY_FN(KEY_BTAB)},
	{"Space", ' '},
	{"Backspace", UI_KEY_FN(KEY_BACKSPACE)},
	{"BS", UI_KEY_FN(KEY_BACKSPACE)},
	{"Del", UI_KEY_FN(KEY_DC)},
	{"Delete", UI_KEY_FN(KEY_DC)},
	{"Ins", UI_KEY_FN(KEY_IC)},
	{"Insert", UI_KEY_FN(KEY_IC)},
	{"Up", UI_KEY_FN(KEY_UP)},
	{"Down", UI_KEY_FN(KEY_DOWN)},
	{"Left", UI_KEY_FN(KEY_LEFT)},
	{"Right", UI_KEY_FN(KEY_RIGHT)},
	{"PgUp", UI_KEY_FN(KEY_PPAGE)},
	{"PageUp", UI_KEY_FN(KEY_PPAGE)},
	{"PgDn", UI_KEY_FN(KEY_NPAGE)},
	{"PageDown", UI_KEY_FN(KEY_NPAGE)},
	{"Home", UI_KEY_FN(KEY_HOME)},
	{"End", UI_KEY_FN(KEY_END)},
	{"lt", '<'},
};

int
ui_key_normalize(int key)
{
	if (key == '\r' || key == UI_KEY_FN(KEY_ENTER))
		return '\n';
	if (key == 0x7f || key == 0x08)
		return UI_KEY_FN(KEY_BACKSPACE);
	return key;
}

int
ui_key_parse(const char *spec)
{
	if (spec == NULL || *spec == '\0')
		return UI_KEY_NONE;
	size_t len = strlen(spec);
	if (spec[0] == '<' && len > 2 && spec[len - 1] == '>') {
		char name[32];
		if (len - 2 >= sizeof(name))
			return UI_KEY_NONE;
		memcpy(name, spec + 1, len - 2);
		name[len - 2] = '\0';
		for (size_t i = 0; i < sizeof(key_names) / sizeof(key_names[0]); i++)
			if (strcasecmp(name, key_names[i].name) == 0)
				return key_names[i].key;
		if ((name[0] == 'F' || name[0] == 'f') && name[1] >= '0' && name[1] <= '9') {
			char *end;
			long n = strtol(name + 1, &end, 10);
			if (*end == '\0' && n >= 1 && n <= 12)
				return UI_KEY_FN(KEY_F((int)n));
			return UI_KEY_NONE;
		}
		if ((name[0] == 'C' || name[0] == 'c') && name[1] == '-' && name[2] != '\0' &&
		    name[3] == '\0') {
			char c = name[2];
			if (c >= 'A' && c <= 'Z')
				c = (char)(c - 'A' + 'a');
			if (c >= 'a' && c <= 'z')
				return c - 'a' + 1;
			return UI_KEY_NONE;
		}
		return UI_KEY_NONE;
	}
	/* Exactly one character (UTF-8 decoded). */
	mbstate_t st;
	memset(&st, 0, sizeof(st));
	wchar_t wc;
	size_t n = mbrtowc(&wc, spec, len, &st);
	if (n == (size_t)-1 || n == (size_t)-2 || n == 0 || n != len) {
		/* Without a UTF-8 locale, accept a lone ASCII byte only. */
		if (len == 1 && (unsigned char)spec[0] < 0x80)
			wc = (unsigned char)spec[0];
		else
			return UI_KEY_NONE;
	}
	if (wc < 0x20 || wc == 0x7f)
		return UI_KEY_NONE;
	return (int)wc;
}

char *
ui_key_format(int key, char *buf, size_t size)
{
	if (size == 0)
		return buf;
	buf[0] = '\0';
	key = ui_key_normalize(key);
	for (size_t i = 0; i < sizeof(key_names) / sizeof(key_names[0]); i++) {
		if (key_names[i].key == key && key != ' ' && key != '<') {
			snprintf(buf, size, "<%s>", key_names[i].name);
			return buf;
		}
	}
	if (key == '<') {
		snprintf(buf, size, "<lt>");
	} else if (key == ' ') {
		snprintf(buf, size, "<Space>");
	} else if (key >= 1 && key <= 26) {
		snprintf(buf, size, "<C-%c>", 'a' + key - 1);
	} else if (key >= UI_KEY_FN(KEY_F(1)) && key <= UI_KEY_FN(KEY_F(12))) {
		snprintf(buf, size, "<F%d>", key - UI_KEY_FN(KEY_F0));
	} else if (key >= UI_KEY_FN_BASE) {
		snprintf(buf, size, "<key-%d>", key - UI_KEY_FN_BASE);
	} else if (key >= 0x20) {
		char mb[8];
		mbstate_t st;
		memset(&st, 0, sizeof(st));
		size_t n = wcrtomb(mb, (wchar_t)key, &st);
		if (n == (size_t)-1 || n >= sizeof(mb))
			snprintf(buf, size, "<U+%04X>", (unsigned)key);
		else
			snprintf(buf, size, "%.*s", (int)n, mb);
	} else {
		snprintf(buf, size, "<0x%02x>", (unsigned)key);
	}
	return buf;
}

int
ui_keymap_bind(struct ui_keymap *km, int key, enum ui_action action)
{
	key = ui_key_normalize(key);
	for (size_t i = 0; i < km->n; i++) {
		if (km->b[i].key == key) {
			if (action == UI_ACTION_NONE) {
				memmove(&km->b[i], &km->b[i + 1], (km->n - i - 1) * sizeof(km->b[0]));
				km->n--;
			} else {
				km->b[i].action = action;
			}
			return 0;
		}
	}
	if (action == UI_ACTION_NONE)
		return 0;
	if (km->n >= UI_KEYMAP_MAX)
		return -1;
	km->b[km->n].key = key;
	km->b[km->n].action = action;
	km->n++;
	return 0;
}

void
ui_keymap_init_defaults(struct ui_keymap *km)
{
	km->n = 0;
	for (int a = 0; a < UI_ACTION_COUNT; a++) {
		const char *p = action_table[a].keys;
		while (*p) {
			while (*p == ' ')
				p++;
			const char *e = p;
			while (*e && *e != ' ')
				e++;
			if (e > p) {
				char spec[32];
				size_t n = (size_t)(e - p) < sizeof(spec) - 1 ? (size_t)(e - p) : sizeof(spec) - 1;
				memcpy(spec, p, n);
				spec[n] = '\0';
				int key = ui_key_parse(spec);
				if (key != UI_KEY_NONE)
					ui_keymap_bind(km, key, (enum ui_action)a);
			}
			p = e;
		}
	}
}

enum ui_action
ui_keymap_lookup(const struct ui_keymap *km, int key)
{
	key = ui_key_normalize(key);
	for (size_t i = 0; i < km->n; i++)
		if (km->b[i].key == key)
			return km->b[i].action;
	return UI_ACTION_NONE;
}

char *
ui_keymap_keys_for(const struct ui_keymap *km, enum ui_action action, char *buf, size_t size)
{
	size_t len = 0;
	if (size == 0)
		return buf;
	buf[0] = '\0';
	for (size_t i = 0; i < km->n; i++) {
		if (km->b[i].action != action)
			continue;
		char k[32];
		ui_key_format(km->b[i].key, k, sizeof(k));
		int w = snprintf(buf + len, size - len, "%s%s", len ? " " : "", k);
		if (w < 0 || (size_t)w >= size - len) {
			buf[len] = '\0';
			break;
		}
		len += (size_t)w;
	}
	return buf;
}

int
ui_keymap_bind_spec(struct ui_keymap *km, const char *keyspec, const char *action_name,
		    char *msg, size_t msgsize)
{
	int key = ui_key_parse(keyspec);
	if (key == UI_KEY_NONE) {
		snprintf(msg, msgsize, "unknown key '%s'", keyspec);
		return -1;
	}
	enum ui_action a;
	if (!ui_action_lookup(action_name, &a)) {
		snprintf(msg, msgsize, "unknown action '%s'", action_name);
		return -1;
	}
	if (ui_keymap_bind(km, key, a) != 0) {
		snprintf(msg, msgsize, "too many key bindings (max %d)", UI_KEYMAP_MAX);
		return -1;
	}
	return 0;
}
