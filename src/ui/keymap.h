/* ui/keymap.h — key names and the key → action map.
 *
 * A key is an int: a Unicode code point for characters (control keys are
 * their C0 code: <C-r> = 0x12, <Enter> = '\n', <Esc> = 0x1b, <Tab> = '\t'),
 * or UI_KEY_FN(curses keycode) for function keys (<Up>, <F5>, <PgDn>…).
 * Key spec syntax (config `bind`, default keys): a single character `q`,
 * `?`, `é`; or a name in angle brackets, case-insensitive: <Enter> <Esc>
 * <Tab> <S-Tab> <Space> <Backspace> <Del> <Ins> <Up> <Down> <Left> <Right>
 * <PgUp> <PgDn> <Home> <End> <F1>…<F12> <C-a>…<C-z> <lt> (a literal '<'). */
#ifndef UI_KEYMAP_H
#define UI_KEYMAP_H

#include <stddef.h>

#include "ui/action.h"

#define UI_KEY_FN_BASE 0x200000
#define UI_KEY_FN(code) (UI_KEY_FN_BASE + (code))
#define UI_KEY_NONE (-1)
/* Bracketed paste markers (ESC [200~ / ESC [201~, bound with define_key):
 * between them keys are text only — they never run an action, and line
 * breaks arrive as spaces, so a paste can neither submit nor command. */
#define UI_KEY_PASTE_BEGIN UI_KEY_FN(KEY_MAX + 1)
#define UI_KEY_PASTE_END UI_KEY_FN(KEY_MAX + 2)

/* Parse one key spec; returns UI_KEY_NONE when it is not a valid key. */
int ui_key_parse(const char *spec);
/* Write the canonical spec of `key` ("j", "<C-r>", "<PgDn>") into buf
 * (always NUL-terminated; truncated when too small). Returns buf. */
char *ui_key_format(int key, char *buf, size_t size);
/* Fold equivalent codes: '\r' and KEY_ENTER → '\n', 0x7f / 8 / KEY_BACKSPACE
 * → UI_KEY_FN(KEY_BACKSPACE). Other keys unchanged. */
int ui_key_normalize(int key);

#define UI_KEYMAP_MAX 256

struct ui_binding {
	int key;
	enum ui_action action;
};

/* Key → action map, embedded by value; holds no heap memory. */
struct ui_keymap {
	struct ui_binding b[UI_KEYMAP_MAX];
	size_t n;
};

/* Fill `km` with the default keys of every action (UI_ACTION_LIST). */
void ui_keymap_init_defaults(struct ui_keymap *km);
/* Make `key` run `action` (replacing an earlier binding of the key);
 * UI_ACTION_NONE removes the binding. Returns 0, or -1 when the map is full. */
int ui_keymap_bind(struct ui_keymap *km, int key, enum ui_action action);
/* Action bound to `key` (normalized first), or UI_ACTION_NONE. */
enum ui_action ui_keymap_lookup(const struct ui_keymap *km, int key);
/* The keys bound to `action`, formatted and space-separated in binding
 * order ("j <Down>"), into buf; "" when unbound. Returns buf. */
char *ui_keymap_keys_for(const struct ui_keymap *km, enum ui_action action,
			 char *buf, size_t size);
/* Apply `bind KEYSPEC ACTIONNAME`. On error returns -1 and writes a
 * message ("unknown key '<Foo>'", "unknown action 'frob'") into msg. */
int ui_keymap_bind_spec(struct ui_keymap *km, const char *keyspec,
			const char *action_name, char *msg, size_t msgsize);

#endif
