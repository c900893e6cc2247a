/* recall_store.c — weight presets (config directory) and exports of a
 * recall request for the recall lab. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ui/recall_store.h"

bool
recall_presets_path(char *buf, size_t size)
{
	const char *x = getenv("XDG_CONFIG_HOME");
	int n;
	if (x && x[0] == '/')
		n = snprintf(buf, size, "%s/stigmem-tui/presets", x);
	else if (getenv("HOME") && getenv("HOME")[0])
		n = snprintf(buf, size, "%s/.config/stigmem-tui/presets", getenv("HOME"));
	else
		return false;
	return n > 0 && (size_t)n < size;
}

bool
recall_preset_name_ok(const char *name)
{
	size_t n = name ? strlen(name) : 0;
	if (n == 0 || n >= RECALL_PRESET_NAME_MAX)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = name[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '.' || c == '_' || c == '-'))
			return false;
	}
	return true;
}

static bool
weight_ok(double x)
{
	return x >= 0.0 && x <= 1.0;
}

int
recall_presets_load(const char *path, struct recall_preset *out, size_t max)
{
	FILE *f = fopen(path, "r");
	if (f == NULL)
		return errno == ENOENT ? 0 : -1;
	char line[512];
	size_t n = 0;
	while (n < max && fgets(line, sizeof(line), f)) {
		if (line[0] == '#')
			continue;
		char name[RECALL_PRESET_NAME_MAX + 1];
		struct stg_recall_weights w;
		if (sscanf(line, "%64s %lf %lf %lf %lf %lf", name, &w.lexical, &w.semantic, &w.graph,
			   &w.source_trust, &w.recency) != 6)
			continue;
		if (!recall_preset_name_ok(name) || !weight_ok(w.lexical) || !weight_ok(w.semantic) ||
		    !weight_ok(w.graph) || !weight_ok(w.source_trust) || !weight_ok(w.recency))
			continue;
		memcpy(out[n].name, name, strlen(name) + 1); /* < 64 bytes: checked above */
		out[n].w = w;
		n++;
	}
	bool bad = ferror(f) != 0;
	fclose(f);
	return bad ? -1 : (int)n;
}

bool
recall_presets_get(const char *path, const char *name, struct stg_recall_weights *w)
{
	struct recall_preset ps[RECALL_PRESETS_MAX];
	int n = recall_presets_load(path, ps, RECALL_PRESETS_MAX);
	for (int i = 0; i < n; i++) {
		if (strcmp(ps[i].name, name) == 0) {
			*w = ps[i].w;
			return true;
		}
	}
	return false;
}

/* mkdir -p of the directory part of `path` (mode 0700). */
static int
make_parent(const char *path)
{
	char dir[4096];
	if (snprintf(dir, sizeof(dir), "%s", path) >= (int)sizeof(dir))
		return -1;
	char *slash = strrchr(dir, '/');
	if (slash == NULL || slash == dir)
		return 0;
	*slash = '\0';
	for (char *p = dir + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(dir, 0700) != 0 && errno != EEXIST)
			return -1;
		*p = '/';
	}
	if (mkdir(dir, 0700) != 0 && errno != EEXIST)
		return -1;
	return 0;
}

int
recall_write_file(const char *path, const char *data, size_t len, char *msg, size_t msgsize)
{
	char tmp[4200];
	if (snprintf(tmp, sizeof(tmp), "%s.tmp.%ld", path, (long)getpid()) >= (int)sizeof(tmp)) {
		snprintf(msg, msgsize, "path too long");
		return -1;
	}
	FILE *f = fopen(tmp, "w");
	if (f == NULL) {
		snprintf(msg, msgsize, "cannot write %s: %s", tmp, strerror(errno));
		return -1;
	}
	(void)chmod(tmp, 0600);
	bool ok = fwrite(data, 1, len, f) == len;
	ok = fflush(f) == 0 && ok;
	ok = fsync(fileno(f)) == 0 && ok;
	ok = fclose(f) == 0 && ok;
	if (!ok || rename(tmp, path) != 0) {
		snprintf(msg, msgsize, "cannot write %s: %s", path, strerror(errno));
		unlink(tmp);
		return -1;
	}
	return 0;
}

int
recall_presets_save(const char *path, const char *name, const struct stg_recall_weights *w,
		    char *msg, size_t msgsize)
{
	if (!recall_preset_name_ok(name)) {
		snprintf(msg, msgsize, "preset names are letters, digits, '.', '_' or '-'");
		return -1;
	}
	if (!weight_ok(w->lexical) || !weight_ok(w->semantic) || !weight_ok(w->graph) ||
	    !weight_ok(w->source_trust) || !weight_ok(w->recency)) {
		snprintf(msg, msgsize, "weights must be within 0..1");
		return -1;
	}
	struct recall_preset ps[RECALL_PRESETS_MAX];
	int n = recall_presets_load(path, ps, RECALL_PRESETS_MAX);
	if (n < 0) {
		snprintf(msg, msgsize, "cannot read %s: %s", path, strerror(errno));
		return -1;
	}
	int at = n;
	for (int i = 0; i < n; i++)
		if (strcmp(ps[i].name, name) == 0)
			at = i;
	if (at == n) {
		if (n >= RECALL_PRESETS_MAX) {
			snprintf(msg, msgsize, "too many presets (%d)", RECALL_PRESETS_MAX);
			return -1;
		}
		n++;
	}
	snprintf(ps[at].name, sizeof(ps[at].name), "%s", name);
	ps[at].w = *w;
	if (make_parent(path) != 0) {
		snprintf(msg, msgsize, "cannot create the directory of %s: %s", path, strerror(errno));
		return -1;
	}
	struct stg_buf b;
	stg_buf_init(&b);
	bool ok = stg_buf_puts(&b, "# stigmem-tui recall weight presets: name lexical semantic graph "
				   "source_trust recency\n");
	for (int i = 0; i < n && ok; i++)
		ok = stg_buf_printf(&b, "%s %.4f %.4f %.4f %.4f %.4f\n", ps[i].name, ps[i].w.lexical,
				    ps[i].w.semantic, ps[i].w.graph, ps[i].w.source_trust,
				    ps[i].w.recency);
	if (!ok) {
		stg_buf_done(&b);
		snprintf(msg, msgsize, "out of memory");
		return -1;
	}
	int rc = recall_write_file(path, b.data, b.len, msg, msgsize);
	stg_buf_done(&b);
	return rc;
}

/* ---- exports ------------------------------------------------------------- */

static bool
shell_quote(struct stg_buf *out, const char *s)
{
	bool ok = stg_buf_putc(out, '\'');
	for (; *s && ok; s++)
		ok = *s == '\'' ? stg_buf_puts(out, "'\\''") : stg_buf_putc(out, *s);
	return ok && stg_buf_putc(out, '\'');
}

/* A double-quoted literal valid in JSON and in Python. */
static bool
dq_literal(struct stg_buf *out, const char *s)
{
	bool ok = stg_buf_putc(out, '"');
	for (const unsigned char *p = (const unsigned char *)s; *p && ok; p++) {
		if (*p == '"' || *p == '\\')
			ok = stg_buf_putc(out, '\\') && stg_buf_putc(out, (char)*p);
		else if (*p < 0x20 || *p == 0x7f)
			ok = stg_buf_printf(out, "\\u%04x", *p);
		else
			ok = stg_buf_putc(out, (char)*p);
	}
	return ok && stg_buf_putc(out, '"');
}

static size_t
base_len(const char *base_url)
{
	size_t n = strlen(base_url);
	while (n > 0 && base_url[n - 1] == '/')
		n--;
	return n;
}

bool
recall_export_curl(const struct stg_recall_params *p, const char *base_url, struct stg_buf *out)
{
	struct stg_error err;
	stg_error_clear(&err);
	struct stg_request *req = stg_request_recall(p, &err);
	if (req == NULL)
		return false;
	size_t blen = 0;
	const char *body = stg_request_body(req, &blen);
	char url[1024];
	snprintf(url, sizeof(url), "%.*s%s", (int)base_len(base_url), base_url,
		 stg_request_target(req));
	bool ok = stg_buf_puts(out, "#!/bin/sh\n# POST /v1/recall as sent by stigmem-tui; the key "
				    "comes from $STIGMEM_API_KEY.\ncurl -sS -X POST ") &&
		  shell_quote(out, url) &&
		  stg_buf_puts(out, " \\\n  -H 'Content-Type: application/json' \\\n"
				    "  -H \"Authorization: Bearer $STIGMEM_API_KEY\" \\\n");
	if (ok && p->verify_full)
		ok = stg_buf_puts(out, "  -H 'Stigmem-Verify: full' \\\n");
	ok = ok && stg_buf_puts(out, "  --data-raw ") && shell_quote(out, body ? body : "{}") &&
	     stg_buf_putc(out, '\n');
	stg_request_free(req);
	return ok;
}

bool
recall_export_python(const struct stg_recall_params *p, const char *base_url, struct stg_buf *out)
{
	char url[1024];
	snprintf(url, sizeof(url), "%.*s", (int)base_len(base_url), base_url);
	const struct stg_recall_weights *w = &p->weights;
	bool ok = stg_buf_puts(out, "# The same recall through the Python SDK (stigmem-py):\n# "
				    "StigmemClient.recall(query, scope, token_budget, depth, weights,\n"
				    "# min_confidence, include_neighbors, limit); weights as a dict is "
				    "validated into\n# RecallWeights. The key comes "
				    "from $STIGMEM_API_KEY.\nimport os\n\nfrom stigmem import "
				    "StigmemClient\n\nclient = StigmemClient(") &&
		  dq_literal(out, url) &&
		  stg_buf_puts(out, ", api_key=os.environ.get(\"STIGMEM_API_KEY\"))\n"
				    "result = client.recall(\n    query=") &&
		  dq_literal(out, p->query ? p->query : "") &&
		  stg_buf_puts(out, ",\n    scope=") && dq_literal(out, p->scope ? p->scope : "local") &&
		  stg_buf_printf(out, ",\n    token_budget=%d,\n    depth=%d,\n",
				 p->token_budget > 0 ? p->token_budget : 4000,
				 p->depth > 0 ? p->depth : 2) &&
		  stg_buf_printf(out,
				 "    weights={\"lexical\": %.4g, \"semantic\": %.4g, \"graph\": %.4g, "
				 "\"source_trust\": %.4g, \"recency\": %.4g},\n",
				 w->lexical, w->semantic, w->graph, w->source_trust, w->recency) &&
		  stg_buf_printf(out, "    min_confidence=%.4g,\n    include_neighbors=%s,\n    limit=%d,\n)\n",
				 p->has_min_confidence ? p->min_confidence : 0.1,
				 p->include_neighbors == STG_OPT_FALSE ? "False" : "True",
				 p->limit > 0 ? p->limit : 100) &&
		  stg_buf_puts(out, "for item in result.facts:\n    print(item.score, "
				    "item.fact.entity, item.fact.relation)\n");
	return ok;
}
