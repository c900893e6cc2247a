/* bench_ui.c — inspector start time and key-to-frame latency.
 *
 *   bench_ui
 *   BENCH_UI_GENERATE=N   facts of the generated dataset (default 250000;
 *                         loading 1,000,000 does not fit in a couple of
 *                         minutes on the reference machine)
 *   BENCH_UI_ENTITIES=M   entities they are spread over (default 100000,
 *                         --generate-entities; 0 = the generator's own
 *                         N/10)
 *   BENCH_UI_RUNS=N       start-up repetitions (default 7)
 *   BENCH_UI_ROUNDS=N     rounds of the key mix (default 120, ~26 keys each)
 *
 * stigmem-tui ($BUILD/stigmem-tui, next to $BUILD/bench/) runs headless
 * (--script: keys from a file, curses renders through newterm() into
 * /dev/null at 120x40) with STIGMEM_TUI_TIMING=FILE, which makes the event
 * loop write the CLOCK_MONOTONIC time of the first complete frame and of the
 * first moment nothing is in flight, and the time from each scripted key to
 * the end of the frame painted after it (src/app/loop.c).
 *
 * (a) process start to first complete frame: the bench reads
 *     CLOCK_MONOTONIC just before fork() and subtracts it from the first
 *     frame time. Twice: `--demo` (the in-process node loads the demo
 *     dataset before the UI starts) and `--url` to an already-running demo
 *     node (the inspector alone). "fully loaded" is the first idle moment
 *     after the entity discovery, overview and log requests finished.
 * (b) key latency while browsing the generated dataset: a node in this
 *     process loads --generate N --generate-entities M (timed), the UI waits until the entity
 *     discovery finished, then a fixed mix of navigation and filter keys
 *     (j/k, PgDn/PgUp, G/Home, `/` + text + Enter, n/N, Esc, Enter/2 which
 *     open the facts of an entity) runs; p50/p99/max of key_ms.
 * (c) the same while the node answers 2 s late: the node restarts on the
 *     same database with --fault-delay-ms 2000,1.0,ROUTE. Two variants:
 *     every route (keys run while the first audit pages are in flight) and
 *     /v1/facts* (the full entity list; every facts lookup is 2 s late).
 * Ratio printed: p99 key latency / median full repaint of an unchanged
 * screen (the `repaint` script command) in the same run. */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <fcntl.h>
#include <time.h>
#include <unistd.h>

#include "../tests/lib/benchstat.h"

#include "node/lite.h"

#define T_FIRST_FRAME_MS 50.0
#define T_KEY_P99_MS 10.0

static char build_dir[PATH_MAX];
static char tmp_dir[PATH_MAX];

static double
mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* $BUILD is the parent of the directory holding this binary. */
static int
find_build_dir(void)
{
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	char *s;

	if (n <= 0)
		return -1;
	exe[n] = '\0';
	for (int i = 0; i < 2; i++) {
		s = strrchr(exe, '/');
		if (!s)
			return -1;
		*s = '\0';
	}
	snprintf(build_dir, sizeof build_dir, "%s", exe);
	return 0;
}

/* ---- one UI run ---------------------------------------------------------------- */

struct timing {
	double first_frame_at, idle_at; /* CLOCK_MONOTONIC ms, 0 = not seen */
	double *key;                    /* key_ms values (heap) */
	size_t n_key, cap_key;
	double *rep;                    /* repaint_ms values (heap) */
	size_t n_rep, cap_rep;
};

static void
timing_free(struct timing *t)
{
	free(t->key);
	free(t->rep);
	memset(t, 0, sizeof *t);
}

static int
push(double **v, size_t *n, size_t *cap, double x)
{
	if (*n == *cap) {
		size_t nc = *cap ? *cap * 2 : 256;
		double *nv = realloc(*v, nc * sizeof *nv);

		if (!nv)
			return -1;
		*v = nv;
		*cap = nc;
	}
	(*v)[(*n)++] = x;
	return 0;
}

static int
read_timing(const char *path, struct timing *t)
{
	FILE *f = fopen(path, "r");
	char name[64];
	double x;

	memset(t, 0, sizeof *t);
	if (!f)
		return -1;
	while (fscanf(f, "%63s %lf", name, &x) == 2) {
		if (strcmp(name, "first_frame_at_ms") == 0)
			t->first_frame_at = x;
		else if (strcmp(name, "idle_at_ms") == 0)
			t->idle_at = x;
		else if (strcmp(name, "key_ms") == 0)
			push(&t->key, &t->n_key, &t->cap_key, x);
		else if (strcmp(name, "repaint_ms") == 0)
			push(&t->rep, &t->n_rep, &t->cap_rep, x);
	}
	fclose(f);
	return 0;
}

/* Run stigmem-tui headless with `script`; *t0 is CLOCK_MONOTONIC just
 * before fork(). url NULL: --demo. Returns the exit status or -1. */
static int
run_ui(const char *url, const char *script, struct timing *t, double *t0)
{
	char bin[PATH_MAX + 16], tfile[PATH_MAX + 16], errf[PATH_MAX + 16];
	pid_t pid;
	int st;

	snprintf(bin, sizeof bin, "%s/stigmem-tui", build_dir);
	snprintf(tfile, sizeof tfile, "%s/timing", tmp_dir);
	snprintf(errf, sizeof errf, "%s/ui.stderr", tmp_dir);
	unlink(tfile);
	*t0 = mono_ms();
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		int dn = open("/dev/null", O_WRONLY), ef = open(errf, O_WRONLY | O_CREAT | O_TRUNC, 0600);

		if (dn >= 0)
			dup2(dn, STDOUT_FILENO);
		if (ef >= 0)
			dup2(ef, STDERR_FILENO);
		setenv("STIGMEM_TUI_TIMING", tfile, 1);
		if (url)
			execl(bin, bin, "--url", url, "--config", "/dev/null", "--script", script,
			      "--dump-dir", tmp_dir, (char *)NULL);
		else
			execl(bin, bin, "--demo", "--config", "/dev/null", "--script", script,
			      "--dump-dir", tmp_dir, (char *)NULL);
		_exit(127);
	}
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return -1;
	if (read_timing(tfile, t) != 0)
		return -1;
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
		char line[512];
		FILE *f = fopen(errf, "r");

		fprintf(stderr, "bench_ui: stigmem-tui exited with %d\n",
			WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st));
		while (f && fgets(line, sizeof line, f))
			fprintf(stderr, "  %s", line);
		if (f)
			fclose(f);
		return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
	}
	return 0;
}

static void
write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	if (f) {
		fputs(text, f);
		fclose(f);
	}
}

/* ---- nodes --------------------------------------------------------------------- */

static struct lite_node *
node_start(const char *db, bool demo, long generate, long entities, const char *delay_route,
	   char *url, size_t urlsize)
{
	struct lite_options o;
	char tl[PATH_MAX + 16], err[512] = "";
	struct lite_node *n;

	snprintf(tl, sizeof tl, "%s.tl.jsonl", db);
	lite_options_init(&o);
	o.host = "127.0.0.1";
	o.port = 0;
	o.db_path = db;
	o.tl_path = tl;
	o.demo = demo;
	o.generate = generate;
	o.generate_entities = entities;
	o.quiet = true;
	o.auth = LITE_AUTH_NONE;
	if (delay_route) {
		o.fault_delay.rate = 1.0;
		o.fault_delay.value = 2000;
		o.fault_delay.route = *delay_route ? delay_route : NULL;
	}
	n = lite_node_start(&o, err, sizeof err);
	if (!n) {
		fprintf(stderr, "bench_ui: node: %s\n", err);
		return NULL;
	}
	snprintf(url, urlsize, "http://127.0.0.1:%d", lite_node_port(n));
	return n;
}

/* ---- (a) start-up ------------------------------------------------------------------ */

static void
startup(const char *label, const char *url, int runs)
{
	char script[PATH_MAX + 16];
	double *ff = calloc((size_t)runs, sizeof *ff), *idle = calloc((size_t)runs, sizeof *idle);
	int ok = 0;

	snprintf(script, sizeof script, "%s/start.script", tmp_dir);
	write_file(script, "wait-idle 60000\nquit\n");
	for (int i = 0; ff && idle && i < runs; i++) {
		struct timing t;
		double t0;

		if (run_ui(url, script, &t, &t0) != 0 || t.first_frame_at <= 0) {
			timing_free(&t);
			continue;
		}
		ff[ok] = t.first_frame_at - t0;
		idle[ok] = t.idle_at > 0 ? t.idle_at - t0 : NAN;
		ok++;
		timing_free(&t);
	}
	if (ok == 0) {
		printf("%-34s  no successful run\n", label);
	} else {
		qsort(ff, (size_t)ok, sizeof *ff, tst_cmp_double);
		qsort(idle, (size_t)ok, sizeof *idle, tst_cmp_double);
		printf("%-34s  first frame median %7.1f ms (min %6.1f, max %6.1f)   "
		       "fully loaded median %7.1f ms   [%d runs]\n",
		       label, tst_percentile(ff, (size_t)ok, 0.5), ff[0], ff[ok - 1], tst_percentile(idle, (size_t)ok, 0.5),
		       ok);
		printf("%-34s  first frame vs target %.0f ms: %s\n", "", T_FIRST_FRAME_MS,
		       tst_percentile(ff, (size_t)ok, 0.5) <= T_FIRST_FRAME_MS ? "met" : "NOT met");
	}
	free(ff);
	free(idle);
}

/* ---- (b)/(c) key latency ------------------------------------------------------------ */

static const char *const filters[] = {"user-1", "proj", "team-4", "doc-12", "agent", "9"};

/* Key classes, reported apart: cursor movement, typing in the filter
 * prompt (every character re-filters the list), the rest (`/`, Enter, 2,
 * Esc: open the prompt, keep the filter, open facts, clear the filter). */
enum kclass { K_NAV, K_FILTER, K_OTHER, K_NCLASS };
static const char *const kclass_name[K_NCLASS] = {"navigation (j k PgDn PgUp G Home n N)",
						   "filter typing (one char)",
						   "other (/ Enter 2 Esc)"};
static unsigned char *kcls;
static size_t n_kcls, cap_kcls;

static void
emit(FILE *f, const char *spec, enum kclass c)
{
	if (n_kcls == cap_kcls) {
		size_t nc = cap_kcls ? cap_kcls * 2 : 1024;
		unsigned char *nk = realloc(kcls, nc);

		if (!nk)
			return;
		kcls = nk;
		cap_kcls = nc;
	}
	kcls[n_kcls++] = (unsigned char)c;
	fprintf(f, "key %s\n", spec);
}

static int
write_key_script(const char *path, const char *prelude, long rounds)
{
	FILE *f = fopen(path, "w");
	static const char *const nav[] = {"k", "k", "<PgDn>", "<PgDn>", "<PgUp>", "G", "<Home>"};

	if (!f)
		return -1;
	n_kcls = 0;
	fputs(prelude, f);
	emit(f, "2", K_OTHER);
	fputs("dump ents\n", f);
	for (int i = 0; i < 20; i++)
		fputs("repaint\n", f);
	for (long r = 0; r < rounds; r++) {
		const char *q = filters[r % (sizeof filters / sizeof filters[0])];
		char one[2] = "";

		for (int i = 0; i < 8; i++)
			emit(f, "j", K_NAV);
		for (size_t i = 0; i < sizeof nav / sizeof nav[0]; i++)
			emit(f, nav[i], K_NAV);
		emit(f, "/", K_OTHER);
		for (const char *c = q; *c; c++) {
			one[0] = *c;
			emit(f, one, K_FILTER);
		}
		emit(f, "<Enter>", K_OTHER);
		emit(f, "n", K_NAV);
		emit(f, "n", K_NAV);
		emit(f, "N", K_NAV);
		if (r % 4 == 0) { /* open the facts of the entity, back */
			emit(f, "<Enter>", K_OTHER);
			emit(f, "2", K_OTHER);
		}
		emit(f, "<Esc>", K_OTHER);
	}
	fputs("repaint\nquit\n", f);
	fclose(f);
	return 0;
}

static void
key_run(const char *label, const char *url, const char *prelude, long rounds)
{
	char script[PATH_MAX + 16];
	struct timing t;
	double t0, rep_med = 0;

	snprintf(script, sizeof script, "%s/keys.script", tmp_dir);
	if (write_key_script(script, prelude, rounds) != 0) {
		printf("%s: cannot write the script\n", label);
		return;
	}
	if (run_ui(url, script, &t, &t0) != 0 || t.n_key == 0) {
		printf("%-30s  run failed\n", label);
		timing_free(&t);
		return;
	}
	double *raw = malloc(t.n_key * sizeof *raw);

	if (raw)
		memcpy(raw, t.key, t.n_key * sizeof *raw);
	qsort(t.key, t.n_key, sizeof *t.key, tst_cmp_double);
	if (t.n_rep) {
		qsort(t.rep, t.n_rep, sizeof *t.rep, tst_cmp_double);
		rep_med = tst_percentile(t.rep, t.n_rep, 0.5);
	}
	double p50 = tst_percentile(t.key, t.n_key, 0.5), p99 = tst_percentile(t.key, t.n_key, 0.99);
	printf("%-30s  %zu keys: p50 %.3f ms  p99 %.3f ms  max %.3f ms   full repaint %.3f ms"
	       "   p99/repaint %.1f   p99 vs %.0f ms: %s\n",
	       label, t.n_key, p50, p99, t.key[t.n_key - 1], rep_med, rep_med > 0 ? p99 / rep_med : 0,
	       T_KEY_P99_MS, p99 <= T_KEY_P99_MS ? "met" : "NOT met");
	if (t.idle_at > 0)
		printf("%-30s  entity discovery finished %.0f ms after start\n", "", t.idle_at - t0);
	{
		/* The entity pane's own count, from the dump taken after discovery. */
		char path[PATH_MAX + 16], line[512];
		FILE *f;

		snprintf(path, sizeof path, "%s/ents.txt", tmp_dir);
		f = fopen(path, "r");
		while (f && fgets(line, sizeof line, f))
			if (strncmp(line, " Entities: ", 11) == 0) {
				printf("%-30s  %s", "", line + 1);
				break;
			}
		if (f)
			fclose(f);
		unlink(path);
	}
	if (raw && t.n_key == n_kcls) {
		for (int c = 0; c < K_NCLASS; c++) {
			double *v = malloc(t.n_key * sizeof *v);
			size_t n = 0;

			for (size_t i = 0; v && i < t.n_key; i++)
				if (kcls[i] == c)
					v[n++] = raw[i];
			if (v && n) {
				qsort(v, n, sizeof *v, tst_cmp_double);
				printf("%-30s    %-38s %5zu keys: p50 %.3f  p99 %.3f  max %.3f ms\n", "",
				       kclass_name[c], n, tst_percentile(v, n, 0.5), tst_percentile(v, n, 0.99), v[n - 1]);
			}
			free(v);
		}
	}
	free(raw);
	timing_free(&t);
}

static void
rm_tmp(void)
{
	char cmd[PATH_MAX + 32];

	if (tmp_dir[0] && strncmp(tmp_dir, "/", 1) == 0) {
		snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmp_dir);
		if (system(cmd) != 0)
			fprintf(stderr, "bench_ui: could not remove %s\n", tmp_dir);
	}
}

int
main(void)
{
	const char *td = getenv("TMPDIR");
	long gen = tst_env_long("BENCH_UI_GENERATE", 250000);
	const char *ents_env = getenv("BENCH_UI_ENTITIES");
	long ents = ents_env && strcmp(ents_env, "0") == 0 ? 0
							   : tst_env_long("BENCH_UI_ENTITIES", 100000);
	int runs = (int)tst_env_long("BENCH_UI_RUNS", 7);
	long rounds = tst_env_long("BENCH_UI_ROUNDS", 120);
	char url[64], db[PATH_MAX + 16], bin[PATH_MAX + 16];
	struct lite_node *n;
	double t;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (find_build_dir() != 0) {
		fprintf(stderr, "bench_ui: cannot find the build directory\n");
		return 1;
	}
	snprintf(bin, sizeof bin, "%s/stigmem-tui", build_dir);
	if (access(bin, X_OK) != 0) {
		fprintf(stderr, "bench_ui: no %s\n", bin);
		return 1;
	}
	snprintf(tmp_dir, sizeof tmp_dir, "%s/bench_ui.XXXXXX", td && *td ? td : "/tmp");
	if (!mkdtemp(tmp_dir)) {
		perror("bench_ui: mkdtemp");
		return 1;
	}
	setenv("LINES", "40", 1);
	setenv("COLUMNS", "120", 1);
	setenv("TERM", "xterm-256color", 1);
	setenv("LC_ALL", "C.UTF-8", 1);
	setenv("TZ", "UTC", 1);
	setenv("HOME", tmp_dir, 1);
	setenv("XDG_CONFIG_HOME", tmp_dir, 1);
	setenv("TMPDIR", tmp_dir, 1);
	unsetenv("NO_COLOR");
	unsetenv("STIGMEM_URL");
	unsetenv("STIGMEM_API_KEY");
	unsetenv("STIGMEM_API_KEY_FILE");
	unsetenv("STIGMEM_PROFILE");

	tst_print_load("start");
	printf("(a) process start to first complete frame, 120x40, headless\n");
	startup("--demo (node loads in-process)", NULL, runs);
	snprintf(db, sizeof db, "%s/demo.db", tmp_dir);
	n = node_start(db, true, 0, 0, NULL, url, sizeof url);
	if (n) {
		startup("--url (demo node already up)", url, runs);
		lite_node_stop(n);
	}

	if (ents > gen)
		ents = gen;
	if (ents > 0)
		printf("(b) key-to-frame latency, generated dataset --generate %ld"
		       " --generate-entities %ld\n", gen, ents);
	else
		printf("(b) key-to-frame latency, generated dataset --generate %ld (~%ld entities)\n",
		       gen, gen / 10);
	snprintf(db, sizeof db, "%s/gen.db", tmp_dir);
	t = mono_ms();
	n = node_start(db, false, gen, ents, NULL, url, sizeof url);
	if (!n) {
		rm_tmp();
		return 1;
	}
	printf("%-30s  %.1f s (%.0f facts/s)\n", "node load", (mono_ms() - t) / 1e3,
	       (double)gen / ((mono_ms() - t) / 1e3));
	key_run("normal node", url, "wait-idle 600000\n", rounds);
	lite_node_stop(n);
	tst_print_load("after (b)");

	printf("(c) the same while the node answers 2 s late (--fault-delay-ms 2000,1.0,ROUTE)\n");
	n = node_start(db, false, 0, 0, "", url, sizeof url);
	if (n) {
		key_run("every route late", url, "sleep 2500\n", rounds);
		lite_node_stop(n);
	}
	n = node_start(db, false, 0, 0, "/v1/facts*", url, sizeof url);
	if (n) {
		key_run("/v1/facts* late", url, "wait-idle 600000\n", rounds);
		lite_node_stop(n);
	}
	tst_print_load("end");
	free(kcls);
	rm_tmp();
	return 0;
}
