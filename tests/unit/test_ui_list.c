/* test_ui_list.c — the shared list widget: filter, cursor that follows the
 * item id across rebuilds, n/N stepping, paging, the filter prompt keys. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <locale.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "ui/ui.h"

struct items {
	const char *name[64];
	size_t n;
};

static const char *
it_id(void *ctx, size_t i)
{
	return ((struct items *)ctx)->name[i];
}

static const char *
it_text(void *ctx, size_t i)
{
	return ((struct items *)ctx)->name[i];
}

static void
order_all(size_t *o, size_t n)
{
	for (size_t i = 0; i < n; i++)
		o[i] = i;
}

static unsigned
press(struct ui_list *l, int key, enum ui_action a, bool *changed)
{
	return ui_list_key(l, key, a, changed);
}

static void
test_cursor_follows_id(void **state)
{
	(void)state;
	struct items it = {{"carol", "dave", "erin"}, 3};
	struct ui_list l;
	ui_list_init(&l, (struct ui_list_src){.ctx = &it, .id = it_id, .text = it_text});
	l.rows = 10;
	size_t o[64];
	order_all(o, it.n);
	ui_list_rebuild(&l, o, it.n);
	assert_int_equal(l.n_view, 3);
	bool ch;
	press(&l, 'j', UI_ACTION_MOVE_DOWN, &ch);
	assert_string_equal(it.name[ui_list_selected(&l)], "dave");
	/* New items arrive before the cursor (discovery streaming in). */
	struct items it2 = {{"alice", "bob", "carol", "dave", "erin"}, 5};
	ui_list_remember(&l);
	l.src.ctx = &it2;
	order_all(o, it2.n);
	ui_list_rebuild(&l, o, it2.n);
	assert_int_equal(l.n_view, 5);
	assert_string_equal(it2.name[ui_list_selected(&l)], "dave");
	assert_int_equal(l.cursor, 3);
	/* Reordered (sort changed): still on dave. */
	size_t rev[5] = {4, 3, 2, 1, 0};
	ui_list_rebuild(&l, rev, 5);
	assert_string_equal(it2.name[ui_list_selected(&l)], "dave");
	assert_int_equal(l.cursor, 1);
	/* The item vanished: the cursor stays at a valid position. */
	size_t some[2] = {0, 1};
	ui_list_rebuild(&l, some, 2);
	assert_true(ui_list_selected(&l) == 0 || ui_list_selected(&l) == 1);
	ui_list_done(&l);
}

static void
test_filter_and_steps(void **state)
{
	(void)state;
	struct items it = {{"Alpha", "beta", "ALPINE", "gamma", "alps"}, 5};
	struct ui_list l;
	ui_list_init(&l, (struct ui_list_src){.ctx = &it, .id = it_id, .text = it_text});
	l.rows = 10;
	size_t o[64];
	order_all(o, it.n);
	ui_list_rebuild(&l, o, it.n);
	bool ch = false;
	assert_int_equal(press(&l, '/', UI_ACTION_SEARCH, &ch), UI_HANDLED);
	assert_true(l.editing);
	/* While typing, letters are text, not actions ('j' is move-down). */
	press(&l, 'a', UI_ACTION_NONE, &ch);
	assert_true(ch);
	press(&l, 'l', UI_ACTION_BACK, &ch);
	press(&l, 'p', UI_ACTION_NONE, &ch);
	assert_string_equal(l.filter, "alp");
	ui_list_rebuild(&l, o, it.n);
	assert_int_equal(l.n_view, 3);   /* Alpha, ALPINE, alps: case-insensitive */
	press(&l, UI_KEY_FN(KEY_BACKSPACE), UI_ACTION_BACK, &ch);
	assert_string_equal(l.filter, "al");
	press(&l, 'p', UI_ACTION_NONE, &ch);
	press(&l, '\n', UI_ACTION_OPEN, &ch);
	assert_false(l.editing);
	ui_list_rebuild(&l, o, it.n);
	assert_string_equal(it.name[ui_list_selected(&l)], "Alpha");
	/* n/N step through the matches, wrapping. */
	press(&l, 'n', UI_ACTION_SEARCH_NEXT, &ch);
	assert_string_equal(it.name[ui_list_selected(&l)], "ALPINE");
	press(&l, 'n', UI_ACTION_SEARCH_NEXT, &ch);
	assert_string_equal(it.name[ui_list_selected(&l)], "alps");
	press(&l, 'n', UI_ACTION_SEARCH_NEXT, &ch);
	assert_string_equal(it.name[ui_list_selected(&l)], "Alpha");
	press(&l, 'N', UI_ACTION_SEARCH_PREV, &ch);
	assert_string_equal(it.name[ui_list_selected(&l)], "alps");
	/* Esc clears the filter; the cursor stays on the same item. */
	assert_int_equal(press(&l, 0x1b, UI_ACTION_CANCEL, &ch), UI_HANDLED);
	assert_true(ch);
	assert_string_equal(l.filter, "");
	ui_list_rebuild(&l, o, it.n);
	assert_int_equal(l.n_view, 5);
	assert_string_equal(it.name[ui_list_selected(&l)], "alps");
	/* With no filter Esc is not the list's. */
	assert_int_equal(press(&l, 0x1b, UI_ACTION_CANCEL, &ch), UI_UNHANDLED);
	/* A filter matching nothing: empty view, no selection. */
	press(&l, '/', UI_ACTION_SEARCH, &ch);
	press(&l, 'z', UI_ACTION_NONE, &ch);
	ui_list_rebuild(&l, o, it.n);
	assert_int_equal(l.n_view, 0);
	assert_true(ui_list_selected(&l) == SIZE_MAX);
	ui_list_done(&l);
}

/* The fast path (text folded by the owner, ids found through the owner's
 * index) gives exactly the view and cursor of the plain path, for filters
 * in mixed case, on names with upper case and UTF-8. */
struct folded_items {
	char name[200][32];
	char fold[200][32];
	size_t n;
};

static const char *
fi_id(void *ctx, size_t i)
{
	return ((struct folded_items *)ctx)->name[i];
}

static const char *
fi_fold(void *ctx, size_t i)
{
	return ((struct folded_items *)ctx)->fold[i];
}

static size_t
fi_find(void *ctx, const char *id)
{
	struct folded_items *f = ctx;
	for (size_t i = 0; i < f->n; i++)
		if (strcmp(f->name[i], id) == 0)
			return i;
	return SIZE_MAX;
}

static void
test_folded_fast_path(void **state)
{
	(void)state;
	static struct folded_items f;
	static const char *const stems[] = {"User", "agent", "PROJECT", "Zürich", "doc"};
	f.n = 200;
	for (size_t i = 0; i < f.n; i++) {
		snprintf(f.name[i], sizeof f.name[i], "%s-%zu%c", stems[i % 5], i * 7 % 113,
			 (char)('A' + i % 26));
		for (size_t k = 0; k <= strlen(f.name[i]); k++) {
			char c = f.name[i][k];
			f.fold[i][k] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
		}
	}
	static const char *const filters[] = {"u", "USER-1", "ich-", "ürich", "t-4", "q", "c"};
	for (size_t k = 0; k < sizeof filters / sizeof *filters; k++) {
		struct ui_list plain, fast;
		ui_list_init(&plain, (struct ui_list_src){.ctx = &f, .id = fi_id, .text = fi_id});
		ui_list_init(&fast, (struct ui_list_src){.ctx = &f, .id = fi_id, .text = fi_id,
							 .folded = fi_fold, .find = fi_find});
		plain.rows = fast.rows = 10;
		size_t o[200];
		order_all(o, f.n);
		ui_list_rebuild(&plain, o, f.n);
		ui_list_rebuild(&fast, o, f.n);
		plain.cursor = fast.cursor = 37 + k;
		snprintf(plain.filter, sizeof plain.filter, "%s", filters[k]);
		snprintf(fast.filter, sizeof fast.filter, "%s", filters[k]);
		ui_list_remember(&plain);
		ui_list_remember(&fast);
		ui_list_rebuild(&plain, o, f.n);
		ui_list_rebuild(&fast, o, f.n);
		assert_int_equal(fast.n_view, plain.n_view);
		assert_memory_equal(fast.view, plain.view, plain.n_view * sizeof(size_t));
		assert_int_equal(fast.cursor, plain.cursor);
		assert_int_equal(fast.top, plain.top);
		if (k == 1) /* User-1xX names only */
			assert_true(plain.n_view > 0 && plain.n_view < 40);
		ui_list_done(&plain);
		ui_list_done(&fast);
	}
}

static void
test_paging(void **state)
{
	(void)state;
	static char names[50][16];
	struct items it = {{0}, 50};
	for (int i = 0; i < 50; i++) {
		snprintf(names[i], sizeof(names[i]), "e%02d", i);
		it.name[i] = names[i];
	}
	struct ui_list l;
	ui_list_init(&l, (struct ui_list_src){.ctx = &it, .id = it_id, .text = it_text});
	l.rows = 10;
	size_t o[64];
	order_all(o, 50);
	ui_list_rebuild(&l, o, 50);
	bool ch;
	press(&l, 0, UI_ACTION_PAGE_DOWN, &ch);
	assert_int_equal(l.cursor, 10);
	assert_int_equal(l.top, 1);
	press(&l, 0, UI_ACTION_LAST, &ch);
	assert_int_equal(l.cursor, 49);
	assert_int_equal(l.top, 40);
	press(&l, 0, UI_ACTION_HALF_PAGE_UP, &ch);
	assert_int_equal(l.cursor, 44);
	press(&l, 0, UI_ACTION_FIRST, &ch);
	assert_int_equal(l.cursor, 0);
	assert_int_equal(l.top, 0);
	press(&l, 0, UI_ACTION_MOVE_UP, &ch);
	assert_int_equal(l.cursor, 0);
	assert_int_equal(press(&l, 0, UI_ACTION_SORT, &ch), UI_UNHANDLED);
	ui_list_done(&l);
}

static void
test_match(void **state)
{
	(void)state;
	assert_true(ui_list_match("Hello World", "o w"));
	assert_true(ui_list_match("anything", ""));
	assert_false(ui_list_match("abc", "abcd"));
	assert_false(ui_list_match(NULL, "a"));
	assert_true(ui_list_match("stigmem://acme/助手", "助"));
	/* Case folds both ways, ASCII only; overlapping prefixes still match. */
	assert_true(ui_list_match("hello world", "HELLO W"));
	assert_true(ui_list_match("User/Alice", "user/alice"));
	assert_true(ui_list_match("aaab", "aab"));
	assert_false(ui_list_match("aaab", "aac"));
	assert_false(ui_list_match("\xc3\xa9t\xc3\xa9", "\xc3\x89t\xc3\x89")); /* é vs É: not folded */
	assert_true(ui_list_match("x", "X"));
}

static void
test_entity_kinds(void **state)
{
	(void)state;
	/* stigmem-api.md §9: system entities are grouped apart. */
	assert_string_equal(pane_entities_kind("stigmem://acme.example/user/alice"), "user");
	assert_string_equal(pane_entities_kind("agent:hr-bot"), "user");
	assert_string_equal(pane_entities_kind("stigmem:conflict:6f1c2a9e-0d4b-4a57-9b1e-2c3d4e5f6a7b"),
			    "conflict");
	assert_string_equal(pane_entities_kind("stigmem:resolution:abc"), "resolution");
	assert_string_equal(pane_entities_kind("6f1c2a9e-0d4b-4a57-9b1e-2c3d4e5f6a7b"), "fact-id");
	assert_string_equal(pane_entities_kind("6F1C2A9E-0D4B-4A57-9B1E-2C3D4E5F6A7B"), "fact-id");
	/* Not quite a UUID. */
	assert_string_equal(pane_entities_kind("6f1c2a9e-0d4b-4a57-9b1e-2c3d4e5f6a7"), "user");
	assert_string_equal(pane_entities_kind("6f1c2a9e_0d4b-4a57-9b1e-2c3d4e5f6a7b"), "user");
	assert_string_equal(pane_entities_kind("stigmem:node:x"), "system");
	assert_string_equal(pane_entities_kind("card:stigmem://acme.example/user/alice"), "system");
}

int
main(void)
{
	setlocale(LC_ALL, "C.UTF-8");
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cursor_follows_id),
		cmocka_unit_test(test_filter_and_steps),
		cmocka_unit_test(test_paging),
		cmocka_unit_test(test_folded_fast_path),
		cmocka_unit_test(test_match),
		cmocka_unit_test(test_entity_kinds),
	};
	return cmocka_run_group_tests_name("ui_list", tests, NULL, NULL);
}
