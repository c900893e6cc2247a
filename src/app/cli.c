/* cli.c — argument parsing, connection settings and verb dispatch.
 *
 * Global options may appear anywhere on the command line; the first
 * non-option word is the verb. With no verb the interactive UI starts.
 * Connection settings: flag > environment > default. The API key is never
 * taken from argv (visible to other users in ps): STIGMEM_API_KEY, or a
 * key file (--key-file / STIGMEM_API_KEY_FILE) that is not readable by
 * group or others. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cjson/cJSON.h>
#include <openssl/crypto.h>

#include "app/cli.h"
#include "app/cli_internal.h"
#include "app/ui_main.h"
#include "stigmem/sanitize.h"
#include "stigmem/stigmem.h"

#define CLI_DEFAULT_URL "http://127.0.0.1:8765"
#define CLI_KEY_MAX 4096

static void
usage(FILE *f)
{
	fprintf(f,
		"usage: stigmem-tui [OPTIONS]                 open the interactive inspector\n"
		"       stigmem-tui [OPTIONS] VERB [ARGS]     run one command and exit\n"
		"\n"
		"Verbs:\n"
		"  cid [FILE|-] [--json] [--verify]           content id of one fact object\n"
		"  verify-proof [FILE|-] [--mode sdk|lag-aware] [--require-checkpoint] [--json]\n"
		"                                             check a chain_proof (or a recall response)\n"
		"  info [--json]                              node discovery, identity and health\n"
		"  facts --entity E [FILTERS] [--json]        facts of an entity, grouped by relation\n"
		"  card ENTITY [--scope S] [--refresh] [--json]\n"
		"                                             memory card of an entity\n"
		"  recall QUERY [--scope S] [--budget N] [--depth N] [--weights l,s,g,t,r]\n"
		"         [--limit N] [--min-confidence X] [--no-neighbors] [--verify] [--json]\n"
		"         [--compare l,s,g,t,r l,s,g,t,r]     rank with two weight sets side by side\n"
		"  conflicts [--status unresolved|resolved|all] [--limit N] [--json]\n"
		"  resolve CONFLICT_ID (--winner a|b|FACT_ID | --value JSON) [--note T] --yes\n"
		"                                             settle a conflict (a write; never in --read-only)\n"
		"  verify [--mode sdk|lag-aware] [--require-checkpoint] [--scope S] [--json]\n"
		"                                             prove the node's fact chain (Stigmem-Verify: full)\n"
		"\n"
		"Connection (flag > environment > default):\n"
		"  --url URL            node base URL (STIGMEM_URL, default " CLI_DEFAULT_URL ")\n"
		"  --key-file FILE      API key file, mode 0600 (STIGMEM_API_KEY_FILE);\n"
		"                       or the key itself in STIGMEM_API_KEY (never on the command line)\n"
		"  --cacert FILE        CA bundle for https;  --capath DIR  CA directory\n"
		"  --insecure           do not verify TLS certificates (shown loudly)\n"
		"  --allow-insecure-key send the key over plain http to a non-loopback host\n"
		"  --timeout MS         whole-request timeout (default %ld)\n"
		"  --json               machine-readable output\n"
		"\n"
		"Interactive options:\n"
		"  --demo               open an embedded stigmem-lite node with the demo dataset\n"
		"  --profile NAME  --config FILE  --theme NAME  --color auto|never|16|256\n"
		"  --no-mouse  --read-only  --log-file FILE\n"
		"\n"
		"  --help, --version\n"
		"Exit status: 0 ok, 1 failed check or remote error, 2 usage or input error.\n"
		"See stigmem-tui(1).\n",
		STG_DEFAULT_TIMEOUT_MS);
}

int
cli_usage_error(const char *verb, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "stigmem-tui%s%s: ", verb ? " " : "", verb ? verb : "");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry 'stigmem-tui --help'.\n");
	return CLI_EXIT_USAGE;
}

int
cli_report_error(const char *what, const struct stg_error *err)
{
	struct stg_buf b;

	stg_buf_init(&b);
	stg_buf_printf(&b, "stigmem-tui: %s: %s", what, stg_status_message(err->status));
	if (err->http_status > 0 || err->code[0]) {
		stg_buf_puts(&b, " (");
		if (err->http_status > 0)
			stg_buf_printf(&b, "HTTP %ld", err->http_status);
		if (err->code[0]) {
			if (err->http_status > 0)
				stg_buf_puts(&b, ", ");
			stg_text_sanitize_log(&b, err->code, strlen(err->code));
		}
		stg_buf_puts(&b, ")");
	}
	if (err->where[0]) {
		stg_buf_puts(&b, " at ");
		stg_text_sanitize_log(&b, err->where, strlen(err->where));
	}
	if (err->detail[0]) {
		stg_buf_puts(&b, ": ");
		stg_text_sanitize_log(&b, err->detail, strlen(err->detail));
	}
	if (err->status == STG_ERR_RATE_LIMITED && err->retry_after > 0)
		stg_buf_printf(&b, " (retry after %.0f s)", err->retry_after);
	fprintf(stderr, "%s\n", b.data ? b.data : what);
	stg_buf_done(&b);
	return CLI_EXIT_FAIL;
}

void
cli_print_textn(FILE *f, const char *s, size_t len, size_t max_width)
{
	struct stg_text_opts o = { .max_width = max_width };
	struct stg_buf b;

	if (s == NULL)
		return;
	stg_buf_init(&b);
	if (stg_text_sanitize_buf(&b, s, len, &o, NULL) && b.data)
		fputs(b.data, f);
	stg_buf_done(&b);
}

void
cli_print_text(FILE *f, const char *s, size_t max_width)
{
	if (s != NULL)
		cli_print_textn(f, s, strlen(s), max_width);
}

void
cli_print_padded(FILE *f, const char *s, size_t width)
{
	struct stg_text_opts o = { .max_width = width };
	struct stg_text_report rep;
	struct stg_buf b;
	size_t w = 0;

	stg_buf_init(&b);
	if (s != NULL && stg_text_sanitize_buf(&b, s, strlen(s), &o, &rep) && b.data) {
		fputs(b.data, f);
		w = rep.width;
	}
	stg_buf_done(&b);
	for (; w < width; w++)
		fputc(' ', f);
}

void
cli_print_block(FILE *f, const char *s, const char *indent)
{
	struct stg_text_opts o = { .flags = STG_TEXT_MULTILINE };
	struct stg_buf b;
	const char *p, *nl;

	if (s == NULL)
		return;
	stg_buf_init(&b);
	if (stg_text_sanitize_buf(&b, s, strlen(s), &o, NULL) && b.data) {
		for (p = b.data; *p; p = nl + 1) {
			nl = strchr(p, '\n');
			if (nl == NULL) {
				fprintf(f, "%s%s\n", indent, p);
				break;
			}
			fprintf(f, "%s%.*s\n", indent, (int)(nl - p), p);
		}
	}
	stg_buf_done(&b);
}

char *
cli_read_input(const char *path, size_t *len)
{
	const size_t cap = (size_t)256 * 1024 * 1024;
	struct stg_buf b;
	char chunk[65536];
	FILE *f;
	size_t n;

	*len = 0;
	if (path == NULL || strcmp(path, "-") == 0) {
		f = stdin;
	} else {
		f = fopen(path, "rb");
		if (f == NULL) {
			fprintf(stderr, "stigmem-tui: %s: %s\n", path, strerror(errno));
			return NULL;
		}
	}
	stg_buf_init(&b);
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
		if (b.len + n > cap) {
			fprintf(stderr, "stigmem-tui: %s: input larger than 256 MiB\n",
				path ? path : "-");
			goto fail;
		}
		if (!stg_buf_append(&b, chunk, n)) {
			fprintf(stderr, "stigmem-tui: out of memory\n");
			goto fail;
		}
	}
	if (ferror(f)) {
		fprintf(stderr, "stigmem-tui: %s: read error\n", path ? path : "-");
		goto fail;
	}
	if (f != stdin)
		fclose(f);
	*len = b.len;
	if (b.data == NULL)
		stg_buf_reserve(&b, 0);
	return stg_buf_take(&b);
fail:
	if (f != stdin)
		fclose(f);
	stg_buf_done(&b);
	return NULL;
}

void
cli_json_exact(cJSON *node)
{
	cJSON *child;
	char text[STG_PYFLOAT_MAX];
	char *copy;
	double x;

	for (child = node ? node->child : NULL; child != NULL; child = child->next) {
		if (cJSON_IsNumber(child)) {
			x = child->valuedouble;
			if (x == (double)(long long)x && x > -9007199254740992.0 &&
			    x < 9007199254740992.0)
				snprintf(text, sizeof text, "%lld", (long long)x);
			else if (stg_pyfloat_format(x, text) == 0 || strpbrk(text, "aIN") != NULL)
				snprintf(text, sizeof text, "null");
			/* Turn the node into a raw one in place: key and position kept;
			 * cJSON_Delete frees valuestring of raw nodes. */
			copy = cJSON_malloc(strlen(text) + 1);
			if (copy == NULL)
				continue;
			strcpy(copy, text);
			child->type = cJSON_Raw;
			child->valuestring = copy;
		} else if (cJSON_IsArray(child) || cJSON_IsObject(child)) {
			cli_json_exact(child);
		}
	}
}

int
cli_emit_json(cJSON *doc)
{
	char *s;

	if (doc == NULL) {
		fprintf(stderr, "stigmem-tui: out of memory\n");
		return CLI_EXIT_FAIL;
	}
	cli_json_exact(doc);
	s = cJSON_PrintUnformatted(doc);
	cJSON_Delete(doc);
	if (s == NULL) {
		fprintf(stderr, "stigmem-tui: out of memory\n");
		return CLI_EXIT_FAIL;
	}
	puts(s);
	cJSON_free(s);
	return CLI_EXIT_OK;
}

bool
cli_parse_weights(const char *s, struct stg_recall_weights *w)
{
	double v[5];
	char *end;
	int i;

	for (i = 0; i < 5; i++) {
		errno = 0;
		v[i] = strtod(s, &end);
		if (end == s || errno != 0 || v[i] < 0.0 || v[i] > 1.0)
			return false;
		s = end;
		if (i < 4) {
			if (*s != ',')
				return false;
			s++;
		}
	}
	if (*s != '\0')
		return false;
	w->lexical = v[0];
	w->semantic = v[1];
	w->graph = v[2];
	w->source_trust = v[3];
	w->recency = v[4];
	return true;
}

/* Read the key from a file: refused when group/other may read it. The
 * first line is the key (trailing CR/LF/space trimmed). */
static char *
read_key_file(const char *path)
{
	struct stat st;
	char buf[CLI_KEY_MAX + 2];
	size_t n;
	FILE *f;
	char *key;

	f = fopen(path, "r");
	if (f == NULL) {
		fprintf(stderr, "stigmem-tui: key file %s: %s\n", path, strerror(errno));
		return NULL;
	}
	if (fstat(fileno(f), &st) != 0 || !S_ISREG(st.st_mode)) {
		fprintf(stderr, "stigmem-tui: key file %s: not a regular file\n", path);
		fclose(f);
		return NULL;
	}
	if (st.st_mode & (S_IRWXG | S_IRWXO)) {
		fprintf(stderr,
			"stigmem-tui: key file %s is accessible by group or others (mode %03o); "
			"refusing to use it. Fix with: chmod 600 %s\n",
			path, (unsigned)(st.st_mode & 0777), path);
		fclose(f);
		return NULL;
	}
	n = fread(buf, 1, sizeof buf - 1, f);
	fclose(f);
	buf[n] = '\0';
	buf[strcspn(buf, "\r\n")] = '\0';
	n = strlen(buf);
	while (n > 0 && (buf[n - 1] == ' ' || buf[n - 1] == '\t'))
		buf[--n] = '\0';
	if (n == 0 || n > CLI_KEY_MAX) {
		fprintf(stderr, "stigmem-tui: key file %s: %s\n", path,
			n == 0 ? "empty" : "key too long");
		OPENSSL_cleanse(buf, sizeof buf);
		return NULL;
	}
	key = strdup(buf);
	OPENSSL_cleanse(buf, sizeof buf);
	return key;
}

struct stg_client *
cli_client(struct cli_ctx *ctx)
{
	struct stg_client_options o;
	struct stg_error err;

	if (ctx->client != NULL)
		return ctx->client;
	stg_client_options_init(&o);
	o.base_url = ctx->url;
	o.api_key = ctx->api_key;
	o.ca_file = ctx->ca_file;
	o.ca_dir = ctx->ca_dir;
	o.insecure = ctx->insecure;
	o.allow_insecure_key = ctx->allow_insecure_key;
	o.timeout_ms = ctx->timeout_ms;
	stg_error_clear(&err);
	ctx->client = stg_client_new(&o, &err);
	if (ctx->client == NULL) {
		cli_report_error("client", &err);
		return NULL;
	}
	if (ctx->insecure && !ctx->json)
		fprintf(stderr, "stigmem-tui: WARNING: TLS certificate verification is OFF\n");
	return ctx->client;
}

static void
cli_ctx_done(struct cli_ctx *ctx)
{
	stg_client_free(ctx->client);
	ctx->client = NULL;
	if (ctx->api_key != NULL) {
		OPENSSL_cleanse(ctx->api_key, strlen(ctx->api_key));
		free(ctx->api_key);
		ctx->api_key = NULL;
	}
}

/* Option value: "--opt=value" or "--opt value". Returns NULL (and sets
 * *bad) when the value is missing. Advances *i past a separate value. */
static const char *
opt_value(const char *name, int argc, char **argv, int *i, bool *bad)
{
	const char *a = argv[*i];
	size_t n = strlen(name);

	if (strncmp(a, name, n) == 0 && a[n] == '=')
		return a + n + 1;
	if (*i + 1 >= argc) {
		*bad = true;
		return NULL;
	}
	(*i)++;
	return argv[*i];
}

static bool
opt_is(const char *a, const char *name)
{
	size_t n = strlen(name);

	return strncmp(a, name, n) == 0 && (a[n] == '\0' || a[n] == '=');
}

struct verb {
	const char *name;
	int (*run)(struct cli_ctx *, int, char **);
};

static const struct verb verbs[] = {
	{ "cid", cli_verb_cid },
	{ "verify-proof", cli_verb_verify_proof },
	{ "info", cli_verb_info },
	{ "facts", cli_verb_facts },
	{ "card", cli_verb_card },
	{ "recall", cli_verb_recall },
	{ "conflicts", cli_verb_conflicts },
	{ "resolve", cli_verb_resolve },
	{ "verify", cli_verb_verify },
};

int
cli_main(int argc, char **argv)
{
	struct cli_ctx ctx;
	struct app_ui_options ui;
	struct stg_error err;
	const char *key_file = NULL, *cols, *v, *env;
	char **rest;
	int nrest = 0, i, rc;
	bool bad = false;
	size_t k;

	memset(&ctx, 0, sizeof ctx);
	app_ui_options_init(&ui);
	rest = calloc((size_t)argc + 1, sizeof *rest);
	if (rest == NULL)
		return CLI_EXIT_FAIL;

	/* Pass 1: global options anywhere; the rest keeps its order. An
	 * argument after "--" is never an option. */
	for (i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (strcmp(a, "--") == 0) {
			for (i++; i < argc; i++)
				rest[nrest++] = argv[i];
			break;
		}
		if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
			usage(stdout);
			free(rest);
			return CLI_EXIT_OK;
		} else if (strcmp(a, "--version") == 0) {
			printf("stigmem-tui %s (libstigmem %s)\n", STG_VERSION, stg_version());
			free(rest);
			return CLI_EXIT_OK;
		} else if (opt_is(a, "--url")) {
			ctx.url = opt_value("--url", argc, argv, &i, &bad);
		} else if (opt_is(a, "--key-file")) {
			key_file = opt_value("--key-file", argc, argv, &i, &bad);
		} else if (opt_is(a, "--api-key")) {
			free(rest);
			return cli_usage_error(NULL, "the API key is not accepted on the command line "
						     "(other users can read it); use STIGMEM_API_KEY or "
						     "--key-file FILE");
		} else if (opt_is(a, "--cacert")) {
			ctx.ca_file = opt_value("--cacert", argc, argv, &i, &bad);
			ui.ca_file = ctx.ca_file;
		} else if (opt_is(a, "--capath")) {
			ctx.ca_dir = opt_value("--capath", argc, argv, &i, &bad);
		} else if (strcmp(a, "--insecure") == 0) {
			ctx.insecure = true;
			ui.insecure = APP_TRI_ON;
		} else if (strcmp(a, "--allow-insecure-key") == 0) {
			ctx.allow_insecure_key = true;
		} else if (opt_is(a, "--timeout")) {
			v = opt_value("--timeout", argc, argv, &i, &bad);
			if (v != NULL) {
				char *end;
				ctx.timeout_ms = strtol(v, &end, 10);
				if (*end != '\0' || ctx.timeout_ms <= 0) {
					free(rest);
					return cli_usage_error(NULL, "--timeout wants milliseconds > 0");
				}
			}
		} else if (strcmp(a, "--json") == 0) {
			ctx.json = true;
		} else if (strcmp(a, "--read-only") == 0 || strcmp(a, "--readonly") == 0) {
			ctx.read_only = true;
			ui.read_only = APP_TRI_ON;
		} else if (strcmp(a, "--demo") == 0) {
			ui.demo = 1;
		} else if (strcmp(a, "--no-mouse") == 0) {
			ui.mouse = APP_TRI_OFF;
		} else if (opt_is(a, "--profile")) {
			ui.profile = opt_value("--profile", argc, argv, &i, &bad);
		} else if (opt_is(a, "--config")) {
			ui.config_path = opt_value("--config", argc, argv, &i, &bad);
		} else if (opt_is(a, "--theme")) {
			ui.theme = opt_value("--theme", argc, argv, &i, &bad);
		} else if (opt_is(a, "--log-file")) {
			ui.log_file = opt_value("--log-file", argc, argv, &i, &bad);
		} else if (opt_is(a, "--script")) {
			ui.script_path = opt_value("--script", argc, argv, &i, &bad);
		} else if (opt_is(a, "--dump-dir")) {
			ui.dump_dir = opt_value("--dump-dir", argc, argv, &i, &bad);
		} else if (opt_is(a, "--color") || opt_is(a, "--colour")) {
			v = opt_value(opt_is(a, "--color") ? "--color" : "--colour", argc, argv, &i,
				      &bad);
			if (v == NULL)
				;
			else if (strcmp(v, "auto") == 0)
				ui.color = APP_COLOR_AUTO;
			else if (strcmp(v, "never") == 0)
				ui.color = APP_COLOR_NEVER;
			else if (strcmp(v, "16") == 0)
				ui.color = APP_COLOR_16;
			else if (strcmp(v, "256") == 0)
				ui.color = APP_COLOR_256;
			else {
				free(rest);
				return cli_usage_error(NULL, "--color wants auto, never, 16 or 256");
			}
		} else {
			rest[nrest++] = argv[i];
		}
		if (bad) {
			free(rest);
			return cli_usage_error(NULL, "option %s needs a value", a);
		}
	}

	if (ctx.url == NULL) {
		env = getenv("STIGMEM_URL");
		ctx.url = (env && *env) ? env : NULL;
	}
	if (key_file == NULL) {
		env = getenv("STIGMEM_API_KEY_FILE");
		if (env && *env)
			key_file = env;
	}
	if (key_file != NULL) {
		ctx.api_key = read_key_file(key_file);
		if (ctx.api_key == NULL) {
			free(rest);
			return CLI_EXIT_USAGE;
		}
	} else if ((env = getenv("STIGMEM_API_KEY")) != NULL && *env) {
		ctx.api_key = strdup(env);
		if (ctx.api_key == NULL) {
			free(rest);
			return CLI_EXIT_FAIL;
		}
	}
	cols = getenv("COLUMNS");
	ctx.width = cols ? atoi(cols) : 0;
	if (ctx.width < 40 || ctx.width > 1000)
		ctx.width = 100;

	stg_error_clear(&err);
	if (stg_global_init(&err) != STG_OK) {
		free(rest);
		cli_ctx_done(&ctx);
		return cli_report_error("init", &err);
	}

	if (nrest == 0) {
		ui.base_url = ctx.url;
		ui.timeout_ms = ctx.timeout_ms;
		ui.api_key = ctx.api_key;
		ui.api_key_source = key_file ? "file" : (ctx.api_key ? "env" : NULL);
		rc = app_ui_run(&ui);
	} else {
		if (ctx.url == NULL)
			ctx.url = CLI_DEFAULT_URL;
		rc = -1;
		for (k = 0; k < sizeof verbs / sizeof verbs[0]; k++) {
			if (strcmp(rest[0], verbs[k].name) == 0) {
				rc = verbs[k].run(&ctx, nrest - 1, rest + 1);
				break;
			}
		}
		if (rc == -1)
			rc = cli_usage_error(NULL, "unknown verb '%s'", rest[0]);
	}
	free(rest);
	cli_ctx_done(&ctx);
	stg_global_cleanup();
	return rc;
}
