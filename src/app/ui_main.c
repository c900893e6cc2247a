/* ui_main.c — entry point of the interactive inspector: resolves settings
 * (flag > environment > config > default), loads the theme, starts the
 * demo node when asked, builds the client and async engine, and runs the
 * loop with the terminal restored on every exit path. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "app/config.h"
#include "app/ui_main.h"
#include "node/demo.h"
#include "node/lite.h"
#include "stigmem/async.h"
#include "stigmem/client.h"
#include "ui/frame.h"

void
app_ui_options_init(struct app_ui_options *opts)
{
	*opts = (struct app_ui_options){0};
	opts->insecure = APP_TRI_UNSET;
	opts->read_only = APP_TRI_UNSET;
	opts->mouse = APP_TRI_UNSET;
	opts->color = APP_COLOR_UNSET;
}

static const char *
nonempty(const char *s)
{
	return s && *s ? s : NULL;
}

static const char *
env(const char *name)
{
	return nonempty(getenv(name));
}

/* Everything a run owns; freed by run_done(). */
struct run {
	struct app_config cfg;
	char *key;                 /* heap, wiped on exit */
	struct lite_node *node;
	char tmpdir[PATH_MAX];
	struct stg_client *client;
	struct stg_async *eng;
	struct ui *ui;
	FILE *log;
	struct ui_conn conn;       /* the connection in use */
	bool cli_read_only;        /* --read-only given: every connection is read-only */
	long connect_timeout_ms, timeout_ms;
};

static struct run *atexit_run;

static void
restore_terminal_atexit(void)
{
	if (atexit_run && atexit_run->ui)
		ui_screen_end(atexit_run->ui);
}

static void
rm_tree_flat(const char *dir)
{
	static const char *const names[] = {"demo.db", "demo.db-wal", "demo.db-shm",
					    "demo.db-journal", "demo_tl.jsonl"};
	char path[PATH_MAX + 32];
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		unlink(path);
	}
	rmdir(dir);
}

static void
run_done(struct run *r)
{
	if (r->ui) {
		ui_free(r->ui);
		r->ui = NULL;
	}
	stg_async_free(r->eng);
	r->eng = NULL;
	stg_client_free(r->client);
	r->client = NULL;
	lite_node_stop(r->node);
	r->node = NULL;
	if (r->tmpdir[0])
		rm_tree_flat(r->tmpdir);
	if (r->key) {
		explicit_bzero(r->key, strlen(r->key));
		free(r->key);
		r->key = NULL;
	}
	if (r->log)
		fclose(r->log);
	r->log = NULL;
	app_config_done(&r->cfg);
	app_loop_signals_remove();
	atexit_run = NULL;
}

static int
start_demo(struct run *r, char *url, size_t urlsize, char *msg, size_t msgsize)
{
	if (r->node != NULL) {
		snprintf(url, urlsize, "http://127.0.0.1:%d", lite_node_port(r->node));
		return 0;
	}
	const char *tmp = env("TMPDIR");
	snprintf(r->tmpdir, sizeof(r->tmpdir), "%s/stigmem-demo.XXXXXX", tmp ? tmp : "/tmp");
	if (mkdtemp(r->tmpdir) == NULL) {
		snprintf(msg, msgsize, "--demo: cannot create a temporary directory: %s",
			 strerror(errno));
		r->tmpdir[0] = '\0';
		return -1;
	}
	char db[PATH_MAX + 16], tl[PATH_MAX + 16];
	snprintf(db, sizeof(db), "%s/demo.db", r->tmpdir);
	snprintf(tl, sizeof(tl), "%s/demo_tl.jsonl", r->tmpdir);
	struct lite_options lo;
	lite_options_init(&lo);
	lo.host = "127.0.0.1";
	lo.port = 0;
	lo.db_path = db;
	lo.tl_path = tl;
	lo.demo = true;
	/* The first frame does not wait for the dataset: the node serves at
	 * once and its requests wait until the demo facts are in. */
	lo.load_in_background = true;
	lo.scratch = true; /* a temporary file, removed on exit */
	lo.quiet = true;
	lo.auth = LITE_AUTH_NONE;
	lo.checkpoint_interval = LITE_DEMO_CHECKPOINT_INTERVAL;
	char err[512] = "";
	r->node = lite_node_start(&lo, err, sizeof(err));
	if (r->node == NULL) {
		snprintf(msg, msgsize, "--demo: the demo node did not start: %s", err);
		return -1;
	}
	snprintf(url, urlsize, "http://127.0.0.1:%d", lite_node_port(r->node));
	return 0;
}

static int
color_mode(const struct app_ui_options *o, const struct app_config *cfg)
{
	enum app_color_mode m = o->color;
	if (m == APP_COLOR_UNSET && getenv("NO_COLOR") && getenv("NO_COLOR")[0])
		m = APP_COLOR_NEVER;
	if (m == APP_COLOR_UNSET) {
		const char *v = app_config_get(cfg, APP_OPT_COLOR);
		m = strcmp(v, "never") == 0 ? APP_COLOR_NEVER
		    : strcmp(v, "16") == 0  ? APP_COLOR_16
		    : strcmp(v, "256") == 0 ? APP_COLOR_256
					    : APP_COLOR_AUTO;
	}
	switch (m) {
	case APP_COLOR_NEVER: return 1;
	case APP_COLOR_16: return 16;
	case APP_COLOR_256: return 256;
	default: return 0;
	}
}

static int
tri(enum app_tri flag, int profile, int cfgval)
{
	if (flag != APP_TRI_UNSET)
		return flag == APP_TRI_ON;
	if (profile >= 0)
		return profile;
	return cfgval;
}

/* Build a client + engine + status facts. Takes nothing; on success the
 * caller owns *client and *eng. */
static int
open_client(struct run *r, const char *url, const char *key, const char *ca, bool insecure,
	    struct stg_client **client, struct stg_async **eng, char *msg, size_t msgsize)
{
	struct stg_error err;
	stg_error_clear(&err);
	struct stg_client_options co;
	stg_client_options_init(&co);
	co.base_url = url;
	co.api_key = key;
	co.connect_timeout_ms = r->connect_timeout_ms;
	co.timeout_ms = r->timeout_ms;
	co.ca_file = ca;
	co.insecure = insecure;
	*client = stg_client_new(&co, &err);
	if (*client == NULL) {
		snprintf(msg, msgsize, "%s: %s", stg_status_message(err.status), err.detail);
		return err.status == STG_ERR_USAGE ? 2 : 1;
	}
	*eng = stg_async_new(*client, &err);
	if (*eng == NULL) {
		snprintf(msg, msgsize, "%s: %s", stg_status_message(err.status), err.detail);
		stg_client_free(*client);
		*client = NULL;
		return 1;
	}
	return 0;
}

static void
fill_conn(struct ui_conn *conn, const struct stg_client *c, const char *profile, bool read_only,
	  bool demo)
{
	memset(conn, 0, sizeof(*conn));
	snprintf(conn->url, sizeof(conn->url), "%s", stg_client_base_url(c));
	if (profile)
		snprintf(conn->label, sizeof(conn->label), "%s (%s)", profile, conn->url);
	else
		snprintf(conn->label, sizeof(conn->label), "%s", conn->url);
	conn->https = stg_client_is_https(c);
	conn->tls_insecure = stg_client_tls_insecure(c);
	conn->has_key = stg_client_has_key(c);
	conn->key_refused = stg_client_key_refused(c);
	conn->read_only = read_only;
	conn->demo = demo;
}

static char *
expand_home(const char *path, char *buf, size_t size)
{
	if (path[0] == '~' && path[1] == '/')
		snprintf(buf, size, "%s%s", getenv("HOME") ? getenv("HOME") : "", path + 1);
	else
		snprintf(buf, size, "%s", path);
	return buf;
}

/* The UI's connector: profile switch, demo node, typed URL. */
static int
connect_cb(void *ctx, struct ui *ui, const struct ui_connect_req *req, char *msg, size_t msgsize)
{
	struct run *r = ctx;
	char url[512];
	char *key = NULL;
	const char *ca = NULL, *pname = NULL;
	bool insecure = false, read_only = r->cli_read_only;
	if (req->demo) {
		if (start_demo(r, url, sizeof(url), msg, msgsize) != 0)
			return -1;
	} else if (req->profile) {
		const struct app_profile *p = app_config_profile(&r->cfg, req->profile);
		if (p == NULL) {
			snprintf(msg, msgsize, "unknown profile '%s'", req->profile);
			return -1;
		}
		pname = p->name;
		snprintf(url, sizeof(url), "%s", p->url ? p->url : app_config_get(&r->cfg, APP_OPT_URL));
		if (p->key_file) {
			char kpath[PATH_MAX];
			if (app_read_key_file(expand_home(p->key_file, kpath, sizeof(kpath)), &key, msg,
					      msgsize) != 0)
				return -1;
		}
		ca = p->ca_file;
		insecure = p->insecure == 1;
		read_only = read_only || p->read_only == 1;
	} else if (req->url && *req->url) {
		/* A typed URL never receives the configured key. */
		snprintf(url, sizeof(url), "%s", req->url);
	} else {
		snprintf(msg, msgsize, "nothing to connect to");
		return -1;
	}
	struct stg_client *client;
	struct stg_async *eng;
	int rc = open_client(r, url, key, ca, insecure, &client, &eng, msg, msgsize);
	if (rc != 0) {
		if (key) {
			explicit_bzero(key, strlen(key));
			free(key);
		}
		return -1;
	}
	fill_conn(&r->conn, client, pname, read_only, req->demo);
	ui_reconnect(ui, client, eng, &r->conn);
	stg_async_free(r->eng);
	stg_client_free(r->client);
	r->eng = eng;
	r->client = client;
	if (r->key) {
		explicit_bzero(r->key, strlen(r->key));
		free(r->key);
	}
	r->key = key;
	return 0;
}

int
app_ui_run(const struct app_ui_options *o)
{
	struct run r;
	memset(&r, 0, sizeof(r));
	app_config_init(&r.cfg);
	setlocale(LC_ALL, "");

	/* 1. Config file. */
	const char *cfg_path = o->config_path ? o->config_path : env("STIGMEM_TUI_CONFIG");
	char defpath[PATH_MAX];
	if (cfg_path != NULL) {
		if (*cfg_path && strcmp(cfg_path, "/dev/null") != 0 &&
		    app_config_load_file(&r.cfg, cfg_path) != 0) {
			fprintf(stderr, "stigmem-tui: %s\n", r.cfg.diags[r.cfg.n_diags - 1]);
			run_done(&r);
			return 2;
		}
	} else if (app_config_default_path(defpath, sizeof(defpath)) != NULL &&
		   access(defpath, F_OK) == 0) {
		app_config_load_file(&r.cfg, defpath);
	}

	/* 2. Profile. */
	const char *pname = o->profile ? o->profile : env("STIGMEM_PROFILE");
	if (pname == NULL)
		pname = nonempty(app_config_get(&r.cfg, APP_OPT_PROFILE));
	const struct app_profile *prof = NULL;
	if (pname != NULL) {
		prof = app_config_profile(&r.cfg, pname);
		if (prof == NULL) {
			fprintf(stderr, "stigmem-tui: unknown profile '%s'", pname);
			for (size_t i = 0; i < r.cfg.n_profiles; i++)
				fprintf(stderr, "%s%s", i ? ", " : " (profiles: ", r.cfg.profile[i].name);
			fprintf(stderr, "%s\n", r.cfg.n_profiles ? ")" : " (no profile is defined)");
			run_done(&r);
			return 2;
		}
	}

	/* 3. Connection. */
	char url[512];
	const char *u = o->base_url;
	if (u == NULL && prof && prof->url)
		u = prof->url;
	if (u == NULL)
		u = app_config_get(&r.cfg, APP_OPT_URL);
	snprintf(url, sizeof(url), "%s", u);
	const char *key = o->api_key;
	const char *key_file = NULL;
	if (key == NULL) {
		key_file = prof && prof->key_file ? prof->key_file : nonempty(app_config_get(&r.cfg, APP_OPT_KEY_FILE));
		if (key_file != NULL) {
			char kpath[PATH_MAX];
			char msg[PATH_MAX + 200];
			if (app_read_key_file(expand_home(key_file, kpath, sizeof(kpath)), &r.key, msg,
					      sizeof(msg)) != 0) {
				fprintf(stderr, "stigmem-tui: %s\n", msg);
				run_done(&r);
				return 2;
			}
			key = r.key;
		}
	}
	const char *ca = o->ca_file ? o->ca_file : (prof && prof->ca_file ? prof->ca_file : nonempty(app_config_get(&r.cfg, APP_OPT_CA_FILE)));
	bool insecure = tri(o->insecure, prof ? prof->insecure : -1, app_config_get_bool(&r.cfg, APP_OPT_INSECURE));
	bool read_only = tri(o->read_only, prof ? prof->read_only : -1, app_config_get_bool(&r.cfg, APP_OPT_READ_ONLY));
	bool mouse = tri(o->mouse, -1, app_config_get_bool(&r.cfg, APP_OPT_MOUSE));

	/* 4. Theme. */
	struct ui_theme theme;
	ui_theme_init_default(&theme);
	const char *tname = o->theme ? o->theme : env("STIGMEM_TUI_THEME");
	if (tname == NULL)
		tname = app_config_get(&r.cfg, APP_OPT_THEME);
	char tpath[PATH_MAX];
	if (app_theme_find(tname, tpath, sizeof(tpath)) != NULL) {
		app_theme_load_file(&r.cfg, &theme, tpath);
	} else if (strcmp(tname, "default") != 0) {
		if (o->theme) {
			fprintf(stderr, "stigmem-tui: theme '%s' not found (looked in $STIGMEM_TUI_THEMES, "
					"the config directory's themes/, %s/themes)\n", tname, STG_DATADIR);
			run_done(&r);
			return 2;
		}
		char msg[PATH_MAX + 64];
		snprintf(msg, sizeof(msg), "theme '%s' not found, using the built-in default", tname);
		/* Reported in the message log below. */
		char **nd = realloc(r.cfg.diags, (r.cfg.n_diags + 1) * sizeof(*nd));
		if (nd) {
			r.cfg.diags = nd;
			r.cfg.diags[r.cfg.n_diags] = strdup(msg);
			if (r.cfg.diags[r.cfg.n_diags])
				r.cfg.n_diags++;
		}
	}
	ui_theme_overlay(&theme, &r.cfg.colors);

	/* 5. Log file (0600, appended). */
	const char *log_path = o->log_file ? o->log_file : nonempty(app_config_get(&r.cfg, APP_OPT_LOG_FILE));
	if (log_path != NULL) {
		int fd = open(log_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
		if (fd < 0 || (r.log = fdopen(fd, "a")) == NULL) {
			fprintf(stderr, "stigmem-tui: --log-file %s: %s\n", log_path, strerror(errno));
			if (fd >= 0)
				close(fd);
			run_done(&r);
			return 2;
		}
	}

	/* 6. Demo node. */
	if (o->demo) {
		char msg[700];
		if (start_demo(&r, url, sizeof(url), msg, sizeof(msg)) != 0) {
			fprintf(stderr, "stigmem-tui: %s\n", msg);
			run_done(&r);
			return 1;
		}
	}

	/* 7. Client and engine. */
	r.connect_timeout_ms = app_config_get_int(&r.cfg, APP_OPT_CONNECT_TIMEOUT);
	r.timeout_ms = app_config_get_int(&r.cfg, APP_OPT_TIMEOUT);
	if (o->timeout_ms > 0)
		r.timeout_ms = o->timeout_ms; /* the flag wins over the config */
	r.cli_read_only = o->read_only == APP_TRI_ON;
	{
		char msg[1400];
		int rc = open_client(&r, url, o->demo ? NULL : key, ca, insecure, &r.client, &r.eng,
				     msg, sizeof(msg));
		if (rc != 0) {
			fprintf(stderr, "stigmem-tui: %s\n", msg);
			run_done(&r);
			return rc;
		}
	}

	/* 8. The UI. */
	const char *script = o->script_path ? o->script_path : env("STIGMEM_TUI_SCRIPT");
	const char *dump_dir = o->dump_dir ? o->dump_dir : env("STIGMEM_TUI_DUMP_DIR");
	fill_conn(&r.conn, r.client, prof && !o->demo ? prof->name : NULL, read_only, o->demo != 0);
	struct ui_conn conn = r.conn;
	const char *sort = app_config_get(&r.cfg, APP_OPT_ENTITY_SORT);
	struct ui_settings set = {
		.keymap = &r.cfg.keymap,
		.theme = &theme,
		.color_mode = color_mode(o, &r.cfg),
		.mouse = mouse,
		.headless = script != NULL,
		.stable = script != NULL,
		.audit_page_size = (int)app_config_get_int(&r.cfg, APP_OPT_AUDIT_PAGE_SIZE),
		.entity_sort = strcmp(sort, "last-write") == 0   ? 1
			       : strcmp(sort, "facts") == 0        ? 2
			       : strcmp(sort, "contradictions") == 0 ? 3
								   : 0,
		.show_system = app_config_get_bool(&r.cfg, APP_OPT_SHOW_SYSTEM),
		.log_file = r.log,
	};
	r.ui = ui_new(&set, r.client, r.eng, &conn);
	if (r.ui == NULL) {
		fprintf(stderr, "stigmem-tui: out of memory\n");
		run_done(&r);
		return 1;
	}
	{
		const char *names[APP_PROFILE_MAX];
		for (size_t i = 0; i < r.cfg.n_profiles; i++)
			names[i] = r.cfg.profile[i].name;
		ui_set_connector(r.ui, connect_cb, &r, names, r.cfg.n_profiles);
	}
	for (size_t i = 0; i < r.cfg.n_diags; i++)
		ui_log(r.ui, UI_LOG_WARN, "%s", r.cfg.diags[i]);
	if (conn.tls_insecure)
		ui_log(r.ui, UI_LOG_WARN, "TLS certificate verification is OFF (--insecure)");
	if (conn.key_refused)
		ui_log(r.ui, UI_LOG_WARN, "The API key is withheld: plain http to a non-loopback host");

	if (app_loop_signals_install() != 0) {
		fprintf(stderr, "stigmem-tui: cannot set up signal handling: %s\n", strerror(errno));
		run_done(&r);
		return 1;
	}
	atexit_run = &r;
	static int atexit_done;
	if (!atexit_done) {
		atexit(restore_terminal_atexit);
		atexit_done = 1;
	}
	char msg[256];
	if (ui_screen_start(r.ui, msg, sizeof(msg)) != 0) {
		fprintf(stderr, "stigmem-tui: %s\n", msg);
		run_done(&r);
		return 1;
	}
	int rc = app_loop_run(r.ui, r.eng, script, dump_dir);
	ui_screen_end(r.ui);
	run_done(&r);
	return rc;
}
