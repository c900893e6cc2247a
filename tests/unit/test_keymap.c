/* test_keymap.c — key spec parsing/formatting, the action table, bindings. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <locale.h>
#include <string.h>

#include <cmocka.h>
#include <curses.h>

#include "ui/keymap.h"
#include "ui/theme.h"

static void
test_parse(void **state)
{
	(void)state;
	assert_int_equal(ui_key_parse("q"), 'q');
	assert_int_equal(ui_key_parse("?"), '?');
	assert_int_equal(ui_key_parse("<Enter>"), '\n');
	assert_int_equal(ui_key_parse("<enter>"), '\n');
	assert_int_equal(ui_key_parse("<Esc>"), 0x1b);
	assert_int_equal(ui_key_parse("<C-r>"), 0x12);
	assert_int_equal(ui_key_parse("<C-R>"), 0x12);
	assert_int_equal(ui_key_parse("<C-a>"), 0x01);
	assert_int_equal(ui_key_parse("<Tab>"), '\t');
	assert_int_equal(ui_key_parse("<Space>"), ' ');
	assert_int_equal(ui_key_parse("<lt>"), '<');
	assert_int_equal(ui_key_parse("<F5>"), UI_KEY_FN(KEY_F(5)));
	assert_int_equal(ui_key_parse("<F12>"), UI_KEY_FN(KEY_F(12)));
	assert_int_equal(ui_key_parse("<Up>"), UI_KEY_FN(KEY_UP));
	assert_int_equal(ui_key_parse("<PgDn>"), UI_KEY_FN(KEY_NPAGE));
	assert_int_equal(ui_key_parse("<PgUp>"), UI_KEY_FN(KEY_PPAGE));
	assert_int_equal(ui_key_parse("<Home>"), UI_KEY_FN(KEY_HOME));
	assert_int_equal(ui_key_parse("<End>"), UI_KEY_FN(KEY_END));
	assert_int_equal(ui_key_parse("<S-Tab>"), UI_KEY_FN(KEY_BTAB));
	assert_int_equal(ui_key_parse("é"), 0xe9);
	/* Invalid specs. */
	assert_int_equal(ui_key_parse(""), UI_KEY_NONE);
	assert_int_equal(ui_key_parse("qq"), UI_KEY_NONE);
	assert_int_equal(ui_key_parse("<F13>"), UI_KEY_NONE);
	assert_int_equal(ui_key_parse("<F0>"), UI_KEY_NONE);
	assert_int_equal(ui_key_parse("<C-1>"), UI_KEY_NONE);
	assert_int_equal(ui_key_parse("<Nope>"), UI_KEY_NONE);
	assert_int_equal(ui_key_parse("<>"), UI_KEY_NONE);
	assert_int_equal(ui_key_parse("\t"), UI_KEY_NONE);
}

static void
test_format_roundtrip(void **state)
{
	(void)state;
	static const char *const specs[] = {
		"q", "?", "<Enter>", "<Esc>", "<C-r>", "<F5>", "<Up>", "<PgDn>", "<PgUp>",
		"<Home>", "<End>", "<Tab>", "<S-Tab>", "<Space>", "<lt>", "<Backspace>", "é",
	};
	char buf[32];
	for (size_t i = 0; i < sizeof(specs) / sizeof(specs[0]); i++) {
		int k = ui_key_parse(specs[i]);
		assert_int_not_equal(k, UI_KEY_NONE);
		assert_string_equal(ui_key_format(k, buf, sizeof(buf)), specs[i]);
	}
	/* Aliases format canonically; raw codes fold. */
	assert_string_equal(ui_key_format(ui_key_parse("<Return>"), buf, sizeof(buf)), "<Enter>");
	assert_string_equal(ui_key_format('\r', buf, sizeof(buf)), "<Enter>");
	assert_string_equal(ui_key_format(0x7f, buf, sizeof(buf)), "<Backspace>");
	assert_string_equal(ui_key_format(UI_KEY_FN(KEY_ENTER), buf, sizeof(buf)), "<Enter>");
}

static void
test_action_table(void **state)
{
	(void)state;
	enum ui_action a;
	assert_true(ui_action_lookup("quit", &a));
	assert_int_equal(a, UI_ACTION_QUIT);
	assert_true(ui_action_lookup("search-next", &a));
	assert_int_equal(a, UI_ACTION_SEARCH_NEXT);
	assert_false(ui_action_lookup("Quit", &a));
	assert_string_equal(ui_action_name(UI_ACTION_PAGE_DOWN), "page-down");
	assert_string_equal(ui_action_name(UI_ACTION_COUNT), "");
	/* Every action has a unique name and a help line; every default key
	 * spec parses. */
	for (int i = 0; i < UI_ACTION_COUNT; i++) {
		assert_true(strlen(ui_action_help((enum ui_action)i)) > 5);
		for (int j = i + 1; j < UI_ACTION_COUNT; j++)
			assert_string_not_equal(ui_action_name((enum ui_action)i),
						ui_action_name((enum ui_action)j));
		char keys[128];
		strcpy(keys, ui_action_default_keys((enum ui_action)i));
		for (char *t = strtok(keys, " "); t; t = strtok(NULL, " "))
			if (ui_key_parse(t) == UI_KEY_NONE)
				fail_msg("action %s: bad default key %s",
					 ui_action_name((enum ui_action)i), t);
	}
}

static void
test_defaults_and_rebind(void **state)
{
	(void)state;
	struct ui_keymap km;
	ui_keymap_init_defaults(&km);
	assert_int_equal(ui_keymap_lookup(&km, 'j'), UI_ACTION_MOVE_DOWN);
	assert_int_equal(ui_keymap_lookup(&km, UI_KEY_FN(KEY_DOWN)), UI_ACTION_MOVE_DOWN);
	assert_int_equal(ui_keymap_lookup(&km, 'k'), UI_ACTION_MOVE_UP);
	assert_int_equal(ui_keymap_lookup(&km, UI_KEY_FN(KEY_NPAGE)), UI_ACTION_PAGE_DOWN);
	assert_int_equal(ui_keymap_lookup(&km, UI_KEY_FN(KEY_HOME)), UI_ACTION_FIRST);
	assert_int_equal(ui_keymap_lookup(&km, 'G'), UI_ACTION_LAST);
	assert_int_equal(ui_keymap_lookup(&km, '\r'), UI_ACTION_OPEN);
	assert_int_equal(ui_keymap_lookup(&km, 0x03), UI_ACTION_INTERRUPT);
	assert_int_equal(ui_keymap_lookup(&km, 0x1b), UI_ACTION_CANCEL);
	assert_int_equal(ui_keymap_lookup(&km, '/'), UI_ACTION_SEARCH);
	assert_int_equal(ui_keymap_lookup(&km, ':'), UI_ACTION_PALETTE);
	assert_int_equal(ui_keymap_lookup(&km, '?'), UI_ACTION_HELP);
	assert_int_equal(ui_keymap_lookup(&km, 0x7f), UI_ACTION_BACK);
	assert_int_equal(ui_keymap_lookup(&km, 'z'), UI_ACTION_NONE);
	/* No key is bound twice by the defaults. */
	for (size_t i = 0; i < km.n; i++)
		for (size_t j = i + 1; j < km.n; j++)
			assert_int_not_equal(km.b[i].key, km.b[j].key);

	char msg[128], keys[128];
	assert_int_equal(ui_keymap_bind_spec(&km, "j", "page-down", msg, sizeof(msg)), 0);
	assert_int_equal(ui_keymap_lookup(&km, 'j'), UI_ACTION_PAGE_DOWN);
	assert_string_equal(ui_keymap_keys_for(&km, UI_ACTION_MOVE_DOWN, keys, sizeof(keys)), "<Down>");
	assert_int_equal(ui_keymap_bind_spec(&km, "<Down>", "none", msg, sizeof(msg)), 0);
	assert_string_equal(ui_keymap_keys_for(&km, UI_ACTION_MOVE_DOWN, keys, sizeof(keys)), "");
	assert_int_equal(ui_keymap_bind_spec(&km, "<Hyper-x>", "quit", msg, sizeof(msg)), -1);
	assert_string_equal(msg, "unknown key '<Hyper-x>'");
	assert_int_equal(ui_keymap_bind_spec(&km, "x", "fly", msg, sizeof(msg)), -1);
	assert_string_equal(msg, "unknown action 'fly'");
}

static void
test_colors(void **state)
{
	(void)state;
	short c;
	assert_true(ui_color_parse("default", &c));
	assert_int_equal(c, UI_COLOR_DEFAULT);
	assert_true(ui_color_parse("red", &c));
	assert_int_equal(c, 1);
	assert_true(ui_color_parse("bright-white", &c));
	assert_int_equal(c, 15);
	assert_true(ui_color_parse("color208", &c));
	assert_int_equal(c, 208);
	assert_true(ui_color_parse("17", &c));
	assert_int_equal(c, 17);
	assert_false(ui_color_parse("256", &c));
	assert_false(ui_color_parse("colour1", &c));
	/* Reduction to what a terminal has. */
	assert_int_equal(ui_color_reduce(196, 256), 196);
	assert_int_equal(ui_color_reduce(196, 16), 9);    /* pure red -> bright red */
	assert_int_equal(ui_color_reduce(196, 8), 1);     /* -> red */
	assert_int_equal(ui_color_reduce(21, 16), 4);     /* 0,0,255 -> blue (0,0,238) */
	assert_int_equal(ui_color_reduce(232, 16), 0);    /* near black */
	assert_int_equal(ui_color_reduce(231, 16), 15);   /* 255,255,255 -> bright white */
	assert_int_equal(ui_color_reduce(255, 16), 7);    /* grey 238 -> white (229) */
	assert_int_equal(ui_color_reduce(9, 8), 1);       /* bright red on 8 colours */
	assert_int_equal(ui_color_reduce(UI_COLOR_DEFAULT, 256), UI_COLOR_DEFAULT);
	unsigned attrs = 0;
	char msg[64];
	assert_true(ui_attrs_parse("bold,underline", &attrs, msg, sizeof(msg)));
	assert_int_equal(attrs, UI_ATTR_BOLD | UI_ATTR_UNDERLINE);
	assert_false(ui_attrs_parse("bold,shiny", &attrs, msg, sizeof(msg)));
	assert_string_equal(msg, "unknown attribute 'shiny'");
}

int
main(void)
{
	setlocale(LC_ALL, "C.UTF-8");
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_format_roundtrip),
		cmocka_unit_test(test_action_table),
		cmocka_unit_test(test_defaults_and_rebind),
		cmocka_unit_test(test_colors),
	};
	return cmocka_run_group_tests_name("keymap", tests, NULL, NULL);
}
