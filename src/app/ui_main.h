/* app/ui_main.h — entry point of the interactive inspector (no verb given).
 *
 * The CLI fills a struct app_ui_options with what the command line said and
 * calls app_ui_run(). Every pointer field is borrowed for the duration of the
 * call; NULL (or APP_TRI_UNSET / APP_COLOR_UNSET) means "not given on the
 * command line". app_ui_run() then resolves each setting with the precedence
 * flag > environment > config file > compiled-in default:
 *   url       --url, STIGMEM_URL, profile.NAME.url / `set url`, http://127.0.0.1:8765
 *   profile   --profile, STIGMEM_PROFILE, `set profile`, none
 *   key       api_key below (already read by the CLI from a flag or from
 *             STIGMEM_API_KEY / STIGMEM_API_KEY_FILE), else profile.NAME.key-file
 *             (refused when group/other readable), else none
 *   theme     --theme, STIGMEM_TUI_THEME, `set theme`, "default"
 *   colour    --color, NO_COLOR (forces never), `set color`, auto
 * Nothing is printed to stdout/stderr while curses owns the terminal; errors
 * found before curses starts (bad --config path, unreadable key file) are
 * printed to stderr and make the call return 2 (usage) or 1 (runtime). */
#ifndef APP_UI_MAIN_H
#define APP_UI_MAIN_H

enum app_tri { APP_TRI_UNSET = -1, APP_TRI_OFF = 0, APP_TRI_ON = 1 };

enum app_color_mode {
	APP_COLOR_UNSET = 0, /* not given: env/config decide (auto by default) */
	APP_COLOR_AUTO,      /* from terminfo `colors` */
	APP_COLOR_NEVER,     /* attributes only (bold/underline/reverse/dim) */
	APP_COLOR_16,
	APP_COLOR_256,
};

struct app_ui_options {
	const char *base_url;     /* --url, or NULL */
	const char *api_key;      /* key text already read by the CLI, or NULL; never printed or logged */
	const char *api_key_source; /* for the status line: "env", "file PATH", or NULL */
	const char *ca_file;      /* --cacert FILE, or NULL */
	enum app_tri insecure;    /* --insecure: TLS verification off (loud badge) */
	const char *profile;      /* --profile NAME, or NULL */
	enum app_tri read_only;   /* --read-only */
	const char *theme;        /* --theme NAME or path to a .theme file, or NULL */
	enum app_color_mode color;/* --color auto|never|16|256 */
	enum app_tri mouse;       /* --no-mouse gives APP_TRI_OFF */
	const char *config_path;  /* --config FILE (NULL: XDG default; "/dev/null" or "": none) */
	const char *log_file;     /* --log-file FILE (secrets redacted), or NULL */
	int demo;                 /* --demo: start stigmem-lite in-process with the demo dataset */
	long timeout_ms;          /* --timeout MS: whole-request timeout (> 0), or 0 = `set timeout` / default */
	/* Headless screen tests (also from env STIGMEM_TUI_SCRIPT / STIGMEM_TUI_DUMP_DIR):
	 * keys come from the script, curses renders through newterm() into
	 * /dev/null, `dump NAME` writes DUMP_DIR/NAME.txt. No TTY needed. */
	const char *script_path;  /* --script FILE, or NULL */
	const char *dump_dir;     /* --dump-dir DIR (default "."), or NULL */
};

/* Set every field to "not given" (NULLs, APP_TRI_UNSET, APP_COLOR_UNSET, 0). */
void app_ui_options_init(struct app_ui_options *opts);

/* Run the inspector until the user quits. Restores the terminal on every
 * exit path. Returns a process exit code: 0 normal quit, 1 runtime failure
 * (terminal could not be initialised, demo node failed to start, script
 * error), 2 bad option value or config path, 128+N when ended by SIGTERM
 * or SIGHUP (N the signal). `opts` is borrowed. */
int app_ui_run(const struct app_ui_options *opts);

/* ---- internal to src/app (ui_main.c and loop.c) ---------------------------- */

struct ui;
struct stg_async;

/* Run the event loop until the user quits: one wait point
 * (stg_async_wait with stdin and the signal self-pipe). With `script`
 * non-NULL the keys come from that file instead (headless screen tests;
 * commands: key SPEC, type TEXT, wait-idle [MS], resize COLS LINES,
 * dump NAME, dump-attrs NAME, sleep MS, repaint, quit) and dumps go to
 * `dump_dir`. With STIGMEM_TUI_TIMING=FILE in the environment it writes
 * first-frame, idle and per-key timings to FILE (bench/bench_ui.c). Returns 0, 1
 * when the script failed (message on stderr: curses draws to /dev/null
 * then), or 128+N after SIGTERM/SIGHUP (N the signal). `ui` and `eng`
 * are borrowed. */
int app_loop_run(struct ui *ui, struct stg_async *eng, const char *script,
		 const char *dump_dir);

/* Install the signal handlers (before curses starts) and the self-pipe;
 * saves the terminal modes for fatal-signal restore. Returns 0 or -1. */
int app_loop_signals_install(void);
/* Restore default dispositions and close the self-pipe. */
void app_loop_signals_remove(void);

#endif
