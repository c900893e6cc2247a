/* loop.c — the event loop: one wait point (stg_async_wait with stdin and a
 * signal self-pipe), signal flags, key draining, transfer progress, one
 * paint per turn; and the headless script runner for screen tests. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>
#include <wchar.h>

#include "app/ui_main.h"
#include "stigmem/async.h"
#include "ui/frame.h"

static volatile sig_atomic_t sig_winch, sig_term, sig_int, sig_tstp, sig_cont;
static int sig_pipe[2] = {-1, -1};
static struct termios saved_tio;
static int saved_tio_ok;

/* Measurement hook for bench/bench_ui.c: with STIGMEM_TUI_TIMING=FILE the
 * loop appends "first_frame_at_ms T" (CLOCK_MONOTONIC, absolute), "idle_at_ms
 * T" (first time nothing is in flight), "key_ms D" per key (key fed to
 * frame painted) and "repaint_ms D" per `repaint` script command. Off (one
 * NULL test per turn) in normal runs. */
static FILE *timing;
static int timing_first_done, timing_idle_done;

static double
mono_ms_f(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static void
timing_open(void)
{
	const char *path = getenv("STIGMEM_TUI_TIMING");
	if (timing != NULL || path == NULL || *path == '\0')
		return;
	timing = fopen(path, "w");
	timing_first_done = timing_idle_done = 0;
}

static void
timing_close(void)
{
	if (timing != NULL)
		fclose(timing);
	timing = NULL;
}

/* After a paint: the first one is the first complete frame. */
static void
timing_frame(void)
{
	if (timing != NULL && !timing_first_done) {
		timing_first_done = 1;
		fprintf(timing, "first_frame_at_ms %.3f\n", mono_ms_f());
		fflush(timing);
	}
}

static void
timing_idle(struct ui *ui)
{
	if (timing != NULL && !timing_idle_done && ui_pending(ui) == 0 &&
	    stg_async_pending(ui_engine(ui)) == 0) {
		timing_idle_done = 1;
		fprintf(timing, "idle_at_ms %.3f\n", mono_ms_f());
		fflush(timing);
	}
}

static void
on_signal(int s)
{
	int saved = errno;
	switch (s) {
	case SIGWINCH: sig_winch = 1; break;
	case SIGTERM:
	case SIGHUP: sig_term = s; break;
	case SIGINT: sig_int = 1; break;
	case SIGTSTP: sig_tstp = 1; break;
	case SIGCONT: sig_cont = 1; break;
	default: break;
	}
	if (sig_pipe[1] >= 0) {
		ssize_t r = write(sig_pipe[1], "s", 1);
		(void)r;
	}
	errno = saved;
}

/* Fatal signals: give the terminal back (async-signal-safe calls only),
 * then die with the default action. */
static void
on_fatal(int s)
{
	static const char reset[] = "\033[?1000l\033[?1002l\033[?1006l\033[?2004l\033[?1049l\033[?25h\033[0m\r\n";
	if (isatty(STDOUT_FILENO)) {
		ssize_t r = write(STDOUT_FILENO, reset, sizeof(reset) - 1);
		(void)r;
		if (saved_tio_ok)
			tcsetattr(STDIN_FILENO, TCSANOW, &saved_tio);
	}
	signal(s, SIG_DFL);
	raise(s);
}

int
app_loop_signals_install(void)
{
	if (sig_pipe[0] < 0) {
		if (pipe(sig_pipe) != 0)
			return -1;
		for (int i = 0; i < 2; i++) {
			fcntl(sig_pipe[i], F_SETFL, fcntl(sig_pipe[i], F_GETFL) | O_NONBLOCK);
			fcntl(sig_pipe[i], F_SETFD, FD_CLOEXEC);
		}
	}
	if (isatty(STDIN_FILENO) && tcgetattr(STDIN_FILENO, &saved_tio) == 0)
		saved_tio_ok = 1;
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = SA_RESTART;
	static const int sigs[] = {SIGWINCH, SIGTERM, SIGHUP, SIGINT, SIGTSTP, SIGCONT};
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		sigaction(sigs[i], &sa, NULL);
	sa.sa_handler = on_fatal;
	sa.sa_flags = SA_RESETHAND;
	static const int fatal[] = {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT};
	for (size_t i = 0; i < sizeof(fatal) / sizeof(fatal[0]); i++)
		sigaction(fatal[i], &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	return 0;
}

void
app_loop_signals_remove(void)
{
	static const int sigs[] = {SIGWINCH, SIGTERM, SIGHUP, SIGINT, SIGTSTP, SIGCONT,
				   SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT};
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		signal(sigs[i], SIG_DFL);
	for (int i = 0; i < 2; i++) {
		if (sig_pipe[i] >= 0)
			close(sig_pipe[i]);
		sig_pipe[i] = -1;
	}
}

static void
drain_pipe(void)
{
	char buf[64];
	while (sig_pipe[0] >= 0 && read(sig_pipe[0], buf, sizeof(buf)) > 0)
		;
}

/* Act on the flags the handlers set. */
static void
handle_signals(struct ui *ui)
{
	if (sig_int) {
		sig_int = 0;
		ui_feed_key(ui, 0x03);
	}
	if (sig_tstp) {
		sig_tstp = 0;
		ui_screen_suspend(ui);
	}
	if (sig_cont) {
		sig_cont = 0;
		ui_screen_resize(ui, 0, 0);
		ui_touch_all(ui, true);
	}
	if (sig_winch) {
		sig_winch = 0;
		ui_screen_resize(ui, 0, 0);
	}
}

static int
run_interactive(struct ui *ui)
{
	struct stg_error err;
	int term_sig = 0;
	double key_at = 0;
	while (!ui_should_quit(ui) && !term_sig) {
		ui_paint(ui);
		if (timing != NULL) {
			timing_frame();
			if (key_at > 0)
				fprintf(timing, "key_ms %.3f\n", mono_ms_f() - key_at);
			key_at = 0;
		}
		struct stg_pollfd fds[2] = {{STDIN_FILENO, STG_POLLIN, 0}, {sig_pipe[0], STG_POLLIN, 0}};
		int t = ui_next_timer_ms(ui);
		stg_error_clear(&err);
		if (stg_async_wait(ui_engine(ui), fds, 2, t, &err) < 0) {
			ui_log_error(ui, "wait", &err);
			/* Avoid a busy loop on a persistent poll failure. */
			struct timespec ts = {0, 50 * 1000000L};
			nanosleep(&ts, NULL);
		}
		if (fds[1].revents)
			drain_pipe();
		if (sig_term) {
			term_sig = sig_term;
			sig_term = 0;
		}
		handle_signals(ui);
		if (timing != NULL && fds[0].revents)
			key_at = mono_ms_f();
		ui_read_keys(ui);
		stg_async_perform(ui_engine(ui), NULL);
		ui_tick(ui);
		timing_idle(ui);
	}
	/* Terminated by SIGTERM/SIGHUP: the terminal is restored by the caller;
	 * report 128+N like a shell would. */
	return term_sig ? 128 + term_sig : 0;
}

/* ---- headless scripts -------------------------------------------------------- */

static long
mono_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000L;
}

static int
wait_idle(struct ui *ui, long timeout_ms)
{
	struct stg_async *eng;
	long end = mono_ms() + timeout_ms;
	for (;;) {
		eng = ui_engine(ui);
		stg_async_perform(eng, NULL);
		if (ui_pending(ui) == 0 && stg_async_pending(eng) == 0)
			return 0;
		long left = end - mono_ms();
		if (left <= 0)
			return -1;
		stg_async_wait(eng, NULL, 0, left < 100 ? (int)left : 100, NULL);
	}
}

static void
feed_text(struct ui *ui, const char *s)
{
	mbstate_t st;
	memset(&st, 0, sizeof(st));
	size_t n = strlen(s);
	while (n > 0) {
		wchar_t wc;
		size_t k = mbrtowc(&wc, s, n, &st);
		if (k == (size_t)-1 || k == (size_t)-2 || k == 0)
			break;
		ui_feed_key(ui, (int)wc);
		s += k;
		n -= k;
	}
}

static int
run_script(struct ui *ui, const char *script, const char *dump_dir)
{
	FILE *f = fopen(script, "r");
	if (f == NULL) {
		fprintf(stderr, "stigmem-tui: script %s: %s\n", script, strerror(errno));
		return 1;
	}
	char line[1024];
	int lineno = 0, rc = 0;
	ui_paint(ui);
	timing_frame();
	while (!ui_should_quit(ui) && fgets(line, sizeof(line), f) != NULL) {
		lineno++;
		line[strcspn(line, "\r\n")] = '\0';
		char *cmd = line;
		while (*cmd == ' ' || *cmd == '\t')
			cmd++;
		if (*cmd == '\0' || *cmd == '#')
			continue;
		char *arg = cmd + strcspn(cmd, " \t");
		if (*arg) {
			*arg++ = '\0';
			while (*arg == ' ' || *arg == '\t')
				arg++;
		}
		double key_at = 0;
		if (strcmp(cmd, "key") == 0) {
			int key = ui_key_parse(arg);
			if (key == UI_KEY_NONE) {
				fprintf(stderr, "%s:%d: unknown key '%s'\n", script, lineno, arg);
				rc = 1;
				break;
			}
			if (timing != NULL)
				key_at = mono_ms_f();
			ui_feed_key(ui, key);
		} else if (strcmp(cmd, "repaint") == 0) {
			/* Full repaint of an unchanged screen (the bench's yardstick). */
			ui_touch_all(ui, true);
			double t0 = mono_ms_f();
			ui_paint(ui);
			if (timing != NULL)
				fprintf(timing, "repaint_ms %.3f\n", mono_ms_f() - t0);
		} else if (strcmp(cmd, "type") == 0) {
			feed_text(ui, arg);
		} else if (strcmp(cmd, "wait-idle") == 0) {
			long ms = *arg ? strtol(arg, NULL, 10) : 15000;
			if (wait_idle(ui, ms) != 0) {
				fprintf(stderr, "%s:%d: wait-idle: requests still in flight after %ld ms\n",
					script, lineno, ms);
				rc = 1;
				break;
			}
			timing_idle(ui);
		} else if (strcmp(cmd, "resize") == 0) {
			int cols = 0, lines = 0;
			if (sscanf(arg, "%d %d", &cols, &lines) != 2 || cols < 1 || lines < 1) {
				fprintf(stderr, "%s:%d: usage: resize COLS LINES\n", script, lineno);
				rc = 1;
				break;
			}
			ui_screen_resize(ui, lines, cols);
		} else if (strcmp(cmd, "dump") == 0) {
			char path[1024];
			snprintf(path, sizeof(path), "%s/%s.txt", dump_dir, arg);
			if (ui_dump(ui, path) != 0) {
				fprintf(stderr, "%s:%d: cannot write %s\n", script, lineno, path);
				rc = 1;
				break;
			}
		} else if (strcmp(cmd, "dump-attrs") == 0) {
			char path[1024];
			snprintf(path, sizeof(path), "%s/%s.attrs", dump_dir, arg);
			if (ui_dump_attrs(ui, path) != 0) {
				fprintf(stderr, "%s:%d: cannot write %s\n", script, lineno, path);
				rc = 1;
				break;
			}
		} else if (strcmp(cmd, "sleep") == 0) {
			long ms = strtol(arg, NULL, 10);
			long end = mono_ms() + ms;
			while (mono_ms() < end) {
				stg_async_wait(ui_engine(ui), NULL, 0, (int)(end - mono_ms()), NULL);
				stg_async_perform(ui_engine(ui), NULL);
			}
		} else if (strcmp(cmd, "quit") == 0) {
			break;
		} else {
			fprintf(stderr, "%s:%d: unknown command '%s'\n", script, lineno, cmd);
			rc = 1;
			break;
		}
		stg_async_perform(ui_engine(ui), NULL);
		ui_paint(ui);
		if (timing != NULL && key_at > 0)
			fprintf(timing, "key_ms %.3f\n", mono_ms_f() - key_at);
	}
	fclose(f);
	return rc;
}

int
app_loop_run(struct ui *ui, struct stg_async *eng, const char *script, const char *dump_dir)
{
	int rc;
	timing_open();
	if (script != NULL)
		rc = run_script(ui, script, dump_dir ? dump_dir : ".");
	else
		rc = run_interactive(ui);
	(void)eng;
	timing_close();
	return rc;
}
