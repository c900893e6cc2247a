/* test_config.c — config parser: settings, profiles, bind, color, source,
 * error texts with file:line, theme files, key file permissions. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "app/config.h"

static void
write_file(const char *path, const char *text, mode_t mode)
{
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	assert_int_equal(chmod(path, mode), 0);
}

static void
test_defaults(void **state)
{
	(void)state;
	struct app_config cfg;
	app_config_init(&cfg);
	assert_string_equal(app_config_get(&cfg, APP_OPT_URL), "http://127.0.0.1:8765");
	assert_string_equal(app_config_get(&cfg, APP_OPT_COLOR), "auto");
	assert_int_equal(app_config_get_bool(&cfg, APP_OPT_MOUSE), 1);
	assert_int_equal(app_config_get_bool(&cfg, APP_OPT_READ_ONLY), 0);
	assert_int_equal(app_config_get_int(&cfg, APP_OPT_TIMEOUT), 30000);
	assert_int_equal(cfg.n_diags, 0);
	/* Default keys are bound. */
	assert_int_equal(ui_keymap_lookup(&cfg.keymap, 'q'), UI_ACTION_QUIT);
	assert_int_equal(ui_keymap_lookup(&cfg.keymap, 'j'), UI_ACTION_MOVE_DOWN);
	app_config_done(&cfg);
}

static void
test_set_values_and_quotes(void **state)
{
	(void)state;
	struct app_config cfg;
	app_config_init(&cfg);
	app_config_load_string(&cfg,
			       "# a comment\n"
			       "\n"
			       "set url = https://node.example:8443   # trailing comment\n"
			       "set theme = \"my theme\"\n"
			       "set mouse = off\n"
			       "set color = 16\n"
			       "set timeout = 1500\n"
			       "  set read-only=yes\n",
			       "cfg");
	assert_string_equal(app_config_get(&cfg, APP_OPT_URL), "https://node.example:8443");
	assert_string_equal(app_config_get(&cfg, APP_OPT_THEME), "my theme");
	assert_int_equal(app_config_get_bool(&cfg, APP_OPT_MOUSE), 0);
	assert_string_equal(app_config_get(&cfg, APP_OPT_COLOR), "16");
	assert_int_equal(app_config_get_int(&cfg, APP_OPT_TIMEOUT), 1500);
	/* "set read-only=yes" is one word: not the set syntax. */
	assert_int_equal(cfg.n_diags, 1);
	assert_string_equal(cfg.diags[0], "cfg:8: expected 'set NAME = VALUE'");
	assert_int_equal(app_config_get_bool(&cfg, APP_OPT_READ_ONLY), 0);
	app_config_done(&cfg);
}

static void
test_error_texts(void **state)
{
	(void)state;
	struct app_config cfg;
	app_config_init(&cfg);
	app_config_load_string(&cfg,
			       "set nosuch = 1\n"
			       "set mouse = maybe\n"
			       "set color = truecolor\n"
			       "set timeout = soon\n"
			       "set timeout = 5\n"
			       "frobnicate all\n"
			       "bind <Fx> quit\n"
			       "bind x explode\n"
			       "bind q\n"
			       "color pane.nope red blue\n"
			       "color cursor purple default\n"
			       "color cursor red default sparkly\n"
			       "set url = \"unterminated\n"
			       "set profile.bad name.url = x\n"
			       "set profile.p.port = 1\n"
			       "set profile.p.insecure = perhaps\n"
			       "color cursor red\n",
			       "/etc/x.conf");
	static const char *const want[] = {
		"/etc/x.conf:1: unknown option 'nosuch'",
		"/etc/x.conf:2: option 'mouse' expects yes or no, got 'maybe'",
		"/etc/x.conf:3: option 'color' expects one of auto|never|16|256, got 'truecolor'",
		"/etc/x.conf:4: option 'timeout' expects an integer, got 'soon'",
		"/etc/x.conf:5: option 'timeout' must be between 100 and 3600000, got 5",
		"/etc/x.conf:6: unknown command 'frobnicate' (set, bind, color, source)",
		"/etc/x.conf:7: unknown key '<Fx>'",
		"/etc/x.conf:8: unknown action 'explode'",
		"/etc/x.conf:9: expected 'bind KEY ACTION'",
		"/etc/x.conf:10: unknown role 'pane.nope'",
		"/etc/x.conf:11: unknown colour 'purple'",
		"/etc/x.conf:12: unknown attribute 'sparkly'",
		"/etc/x.conf:13: unterminated quote",
		"/etc/x.conf:14: expected 'set NAME = VALUE'",
		"/etc/x.conf:15: unknown profile setting 'port' (url, key-file, ca-file, insecure, read-only)",
		"/etc/x.conf:16: profile setting 'insecure' expects yes or no, got 'perhaps'",
		"/etc/x.conf:17: expected 'color ROLE FG BG [ATTRS]'",
	};
	assert_int_equal(cfg.n_diags, sizeof(want) / sizeof(want[0]));
	for (size_t i = 0; i < cfg.n_diags; i++)
		assert_string_equal(cfg.diags[i], want[i]);
	/* Nothing of the bad lines was applied. */
	assert_string_equal(app_config_get(&cfg, APP_OPT_COLOR), "auto");
	assert_int_equal(app_config_get_int(&cfg, APP_OPT_TIMEOUT), 30000);
	assert_int_equal(cfg.colors.role[UI_ROLE_CURSOR].set, 0);
	assert_int_equal(ui_keymap_lookup(&cfg.keymap, 'q'), UI_ACTION_QUIT);
	app_config_done(&cfg);
}

static void
test_profiles(void **state)
{
	(void)state;
	struct app_config cfg;
	app_config_init(&cfg);
	app_config_load_string(&cfg,
			       "set profile.prod.url = https://prod.example\n"
			       "set profile.prod.read-only = yes\n"
			       "set profile.prod.key-file = ~/.config/stigmem-tui/prod.key\n"
			       "set profile.lab_2.url = http://127.0.0.1:9000\n"
			       "set profile.lab_2.insecure = true\n"
			       "set profile.prod.ca-file = /etc/ssl/prod.pem\n"
			       "set profile = prod\n",
			       "p");
	assert_int_equal(cfg.n_diags, 0);
	assert_int_equal(cfg.n_profiles, 2);
	const struct app_profile *p = app_config_profile(&cfg, "prod");
	assert_non_null(p);
	assert_string_equal(p->url, "https://prod.example");
	assert_int_equal(p->read_only, 1);
	assert_int_equal(p->insecure, -1);
	assert_string_equal(p->key_file, "~/.config/stigmem-tui/prod.key");
	assert_string_equal(p->ca_file, "/etc/ssl/prod.pem");
	p = app_config_profile(&cfg, "lab_2");
	assert_non_null(p);
	assert_string_equal(p->url, "http://127.0.0.1:9000");
	assert_int_equal(p->insecure, 1);
	assert_null(p->key_file);
	assert_null(app_config_profile(&cfg, "staging"));
	assert_string_equal(app_config_get(&cfg, APP_OPT_PROFILE), "prod");
	app_config_done(&cfg);
}

static void
test_bind_and_color(void **state)
{
	(void)state;
	struct app_config cfg;
	app_config_init(&cfg);
	app_config_load_string(&cfg,
			       "bind <C-r> refresh\n"
			       "bind x quit\n"
			       "bind q none\n"
			       "bind <F5> help\n"
			       "color cursor black bright-yellow bold,underline\n"
			       "color score.semantic color201 default\n",
			       "b");
	assert_int_equal(cfg.n_diags, 0);
	assert_int_equal(ui_keymap_lookup(&cfg.keymap, 0x12), UI_ACTION_REFRESH);
	assert_int_equal(ui_keymap_lookup(&cfg.keymap, 'x'), UI_ACTION_QUIT);
	assert_int_equal(ui_keymap_lookup(&cfg.keymap, 'q'), UI_ACTION_NONE);
	char keys[128];
	assert_string_equal(ui_keymap_keys_for(&cfg.keymap, UI_ACTION_QUIT, keys, sizeof(keys)), "x");
	assert_string_equal(ui_keymap_keys_for(&cfg.keymap, UI_ACTION_HELP, keys, sizeof(keys)),
			    "? <F1> <F5>");
	assert_string_equal(ui_keymap_keys_for(&cfg.keymap, UI_ACTION_REFRESH, keys, sizeof(keys)),
			    "r <C-r>");
	const struct ui_style *s = &cfg.colors.role[UI_ROLE_CURSOR];
	assert_int_equal(s->set, 1);
	assert_int_equal(s->fg, 0);
	assert_int_equal(s->bg, 11);
	assert_int_equal(s->attrs, UI_ATTR_BOLD | UI_ATTR_UNDERLINE);
	assert_int_equal(cfg.colors.role[UI_ROLE_SCORE_SEMANTIC].fg, 201);
	assert_int_equal(cfg.colors.role[UI_ROLE_SCORE_SEMANTIC].bg, UI_COLOR_DEFAULT);
	assert_int_equal(cfg.colors.role[UI_ROLE_PANE_TITLE].set, 0);
	app_config_done(&cfg);
}

static void
test_source_relative_and_depth(void **state)
{
	(void)state;
	assert_int_equal(system("mkdir -p cfgt/sub"), 0);
	write_file("cfgt/main", "set theme = light\nsource sub/extra\nsource missing.conf\n", 0644);
	write_file("cfgt/sub/extra", "set mouse = no\nsource ../leaf\n", 0644);
	write_file("cfgt/leaf", "bind Q quit\nbogus\n", 0644);
	write_file("cfgt/loop", "source loop\n", 0644);
	struct app_config cfg;
	app_config_init(&cfg);
	assert_int_equal(app_config_load_file(&cfg, "cfgt/main"), 0);
	assert_string_equal(app_config_get(&cfg, APP_OPT_THEME), "light");
	assert_int_equal(app_config_get_bool(&cfg, APP_OPT_MOUSE), 0);
	assert_int_equal(ui_keymap_lookup(&cfg.keymap, 'Q'), UI_ACTION_QUIT);
	assert_int_equal(cfg.n_diags, 2);
	assert_string_equal(cfg.diags[0],
			    "cfgt/sub/../leaf:2: unknown command 'bogus' (set, bind, color, source)");
	assert_string_equal(cfg.diags[1],
			    "cfgt/main:3: source: cannot open 'cfgt/missing.conf': No such file or directory");
	app_config_done(&cfg);

	app_config_init(&cfg);
	assert_int_equal(app_config_load_file(&cfg, "cfgt/loop"), 0);
	assert_int_equal(cfg.n_diags, 1);
	assert_string_equal(cfg.diags[0], "cfgt/loop:1: source: nested deeper than 8 files, 'loop' ignored");
	app_config_done(&cfg);

	app_config_init(&cfg);
	assert_int_equal(app_config_load_file(&cfg, "cfgt/none"), -1);
	assert_int_equal(cfg.n_diags, 1);
	assert_string_equal(cfg.diags[0], "cfgt/none: cannot open: No such file or directory");
	app_config_done(&cfg);
}

static void
test_default_path(void **state)
{
	(void)state;
	char buf[512];
	setenv("XDG_CONFIG_HOME", "/xdg", 1);
	setenv("HOME", "/home/u", 1);
	assert_string_equal(app_config_default_path(buf, sizeof(buf)), "/xdg/stigmem-tui/config");
	unsetenv("XDG_CONFIG_HOME");
	assert_string_equal(app_config_default_path(buf, sizeof(buf)),
			    "/home/u/.config/stigmem-tui/config");
	/* A relative XDG_CONFIG_HOME is invalid per the spec and ignored. */
	setenv("XDG_CONFIG_HOME", "rel", 1);
	assert_string_equal(app_config_default_path(buf, sizeof(buf)),
			    "/home/u/.config/stigmem-tui/config");
	unsetenv("XDG_CONFIG_HOME");
	unsetenv("HOME");
	assert_null(app_config_default_path(buf, sizeof(buf)));
}

static void
test_key_file_permissions(void **state)
{
	(void)state;
	char *key = NULL;
	char msg[512];
	write_file("k600", "  secret-key-123 \n second line\n", 0600);
	assert_int_equal(app_read_key_file("k600", &key, msg, sizeof(msg)), 0);
	assert_string_equal(key, "secret-key-123");
	free(key);

	write_file("k644", "secret\n", 0644);
	assert_int_equal(app_read_key_file("k644", &key, msg, sizeof(msg)), -1);
	assert_null(key);
	assert_string_equal(msg, "key file 'k644' is accessible by group or others (mode 0644); "
				 "refusing to use it: run chmod 600 'k644'");
	write_file("k640", "secret\n", 0640);
	assert_int_equal(app_read_key_file("k640", &key, msg, sizeof(msg)), -1);
	assert_non_null(strstr(msg, "(mode 0640)"));

	write_file("kempty", "\n", 0600);
	assert_int_equal(app_read_key_file("kempty", &key, msg, sizeof(msg)), -1);
	assert_string_equal(msg, "key file 'kempty' is empty");
	assert_int_equal(app_read_key_file("knone", &key, msg, sizeof(msg)), -1);
	assert_string_equal(msg, "key file 'knone': No such file or directory");
}

static void
test_theme_files(void **state)
{
	(void)state;
	/* The shipped themes parse without a single diagnostic and set every role
	 * the default theme sets. */
	const char *root = getenv("ROOT");
	char path[1024];
	static const char *const names[] = {"default", "light", "high-contrast", "mono"};
	struct ui_theme def;
	ui_theme_init_default(&def);
	for (size_t i = 0; i < 4; i++) {
		snprintf(path, sizeof(path), "%s/themes/%s.theme", root ? root : "../..", names[i]);
		if (root == NULL) {
			/* Unit tests run in a scratch dir: locate the tree from the binary. */
			assert_non_null(app_theme_find(names[i], path, sizeof(path)));
		}
		struct app_config cfg;
		app_config_init(&cfg);
		struct ui_theme t;
		memset(&t, 0, sizeof(t));
		assert_int_equal(app_theme_load_file(&cfg, &t, path), 0);
		for (size_t d = 0; d < cfg.n_diags; d++)
			fprintf(stderr, "%s\n", cfg.diags[d]);
		assert_int_equal(cfg.n_diags, 0);
		for (int r = 0; r < UI_ROLE_COUNT; r++)
			if (def.role[r].set && !t.role[r].set)
				fail_msg("%s.theme misses role %s", names[i], ui_role_name((enum ui_role)r));
		if (strcmp(names[i], "mono") == 0)
			for (int r = 0; r < UI_ROLE_COUNT; r++)
				if (t.role[r].set)
					assert_true(t.role[r].fg == UI_COLOR_DEFAULT &&
						    t.role[r].bg == UI_COLOR_DEFAULT);
		if (strcmp(names[i], "default") == 0)
			for (int r = 0; r < UI_ROLE_COUNT; r++)
				if (def.role[r].set) {
					assert_int_equal(t.role[r].fg, def.role[r].fg);
					assert_int_equal(t.role[r].bg, def.role[r].bg);
					assert_int_equal(t.role[r].attrs, def.role[r].attrs);
				}
		app_config_done(&cfg);
	}
	/* Theme files take only colour lines. */
	write_file("bad.theme", "color cursor red default\nset mouse = no\n", 0644);
	struct app_config cfg;
	app_config_init(&cfg);
	struct ui_theme t;
	memset(&t, 0, sizeof(t));
	assert_int_equal(app_theme_load_file(&cfg, &t, "bad.theme"), 0);
	assert_int_equal(cfg.n_diags, 1);
	assert_string_equal(cfg.diags[0], "bad.theme:2: only 'color' lines are allowed in a theme file");
	assert_int_equal(t.role[UI_ROLE_CURSOR].fg, 1);
	assert_int_equal(app_config_get_bool(&cfg, APP_OPT_MOUSE), 1);
	app_config_done(&cfg);
}

static void
test_option_table(void **state)
{
	(void)state;
	enum app_opt id;
	assert_true(app_option_lookup("audit-page-size", &id));
	assert_int_equal(id, APP_OPT_AUDIT_PAGE_SIZE);
	assert_false(app_option_lookup("Audit-Page-Size", &id));
	for (int i = 0; i < APP_OPT_COUNT; i++) {
		const struct app_option_def *d = app_option_def((enum app_opt)i);
		char msg[256];
		assert_non_null(d->help);
		assert_true(strlen(d->help) > 10);
		/* Every default passes its own validation. */
		assert_true(app_option_validate((enum app_opt)i, d->def, msg, sizeof(msg)));
	}
	assert_int_equal(app_parse_bool("On"), 1);
	assert_int_equal(app_parse_bool("0"), 0);
	assert_int_equal(app_parse_bool("2"), -1);
}

/* The repository root: $ROOT (set by tests/run.sh), else found upwards from
 * the test binary. */
static void
find_root(char *buf, size_t size)
{
	const char *root = getenv("ROOT");
	if (root != NULL && *root) {
		snprintf(buf, size, "%s", root);
		return;
	}
	char exe[1024];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	assert_true(n > 0);
	exe[n] = '\0';
	for (int up = 0; up < 4; up++) {
		char *slash = strrchr(exe, '/');
		assert_non_null(slash);
		*slash = '\0';
		char probe[1200];
		snprintf(probe, sizeof(probe), "%s/man/stigmem-tui.conf.5", exe);
		if (access(probe, F_OK) == 0) {
			snprintf(buf, size, "%s", exe);
			return;
		}
	}
	fail_msg("cannot find the repository root (set ROOT)");
}

static char *
slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	if (f == NULL)
		fail_msg("cannot open %s", path);
	static char text[1 << 18];
	size_t n = fread(text, 1, sizeof(text) - 1, f);
	text[n] = '\0';
	fclose(f);
	return text;
}

/* man roff escapes '-' as "\-": compare against that spelling. */
static void
assert_documented(const char *man, const char *name, const char *what)
{
	char esc[256];
	size_t k = 0;
	for (const char *c = name; *c && k + 3 < sizeof(esc); c++) {
		if (*c == '-')
			esc[k++] = '\\';
		esc[k++] = *c;
	}
	esc[k] = '\0';
	if (strstr(man, esc) == NULL)
		fail_msg("stigmem-tui.conf.5 does not document %s '%s'", what, name);
}

static void
test_man_page_complete(void **state)
{
	(void)state;
	char root[1024], path[1200];
	find_root(root, sizeof(root));
	snprintf(path, sizeof(path), "%s/man/stigmem-tui.conf.5", root);
	const char *man = slurp(path);
	for (int i = 0; i < APP_OPT_COUNT; i++)
		assert_documented(man, app_option_def((enum app_opt)i)->name, "setting");
	for (int i = 1; i < UI_ACTION_COUNT; i++)
		assert_documented(man, ui_action_name((enum ui_action)i), "action");
	for (int i = 0; i < UI_ROLE_COUNT; i++)
		assert_documented(man, ui_role_name((enum ui_role)i), "colour role");
	static const char *const profile_keys[] = {"url", "key-file", "ca-file", "insecure", "read-only"};
	for (size_t i = 0; i < 5; i++)
		assert_documented(man, profile_keys[i], "profile key");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_set_values_and_quotes),
		cmocka_unit_test(test_error_texts),
		cmocka_unit_test(test_profiles),
		cmocka_unit_test(test_bind_and_color),
		cmocka_unit_test(test_source_relative_and_depth),
		cmocka_unit_test(test_default_path),
		cmocka_unit_test(test_key_file_permissions),
		cmocka_unit_test(test_theme_files),
		cmocka_unit_test(test_option_table),
		cmocka_unit_test(test_man_page_complete),
	};
	return cmocka_run_group_tests_name("config", tests, NULL, NULL);
}
