/* chain.c — fact chain, checkpoints and the local transparency log
 * (stigmem-api.md §11).
 *
 * One append-only chain per tenant. lite_chain_on_insert() runs inside the
 * insert transaction of every new local fact: it appends the entry
 * (event_hash over the stored row, chain_hash over the link) and then cuts a
 * checkpoint when the reference rules say so (§11.2):
 *   head > covered  and  (head - covered >= interval  or  age >= max_age)
 * where the age is measured from the latest checkpoint, or — with no
 * checkpoint yet — from the entry just written (so a fresh node gets its
 * first checkpoint only after `interval` facts). A checkpoint is submitted
 * at once to the local transparency-log file (JSON lines, §11.3); when that
 * fails it stays `pending` and a later assert retries one due pending
 * checkpoint (60 s retry delay). */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "node/chain.h"
#include "node/lite_internal.h"
#include "stigmem/arena.h"
#include "stigmem/cid.h"
#include "stigmem/score.h"
#include "stigmem/verify.h"

#define CHAIN_RETRY_DELAY_S 60.0
#define TL_TAIL_MAX 65536

static const char chain_schema_sql[] =
	"CREATE TABLE IF NOT EXISTS fact_chain("
	" tenant_id TEXT NOT NULL, chain_seq INTEGER NOT NULL, fact_id TEXT NOT NULL,"
	" event_hash TEXT NOT NULL, previous_hash TEXT, chain_hash TEXT NOT NULL,"
	" created_at TEXT NOT NULL, PRIMARY KEY(tenant_id, chain_seq)) WITHOUT ROWID;"
	"CREATE TABLE IF NOT EXISTS fact_chain_checkpoints("
	" id TEXT PRIMARY KEY, tenant_id TEXT NOT NULL, covered_chain_seq INTEGER NOT NULL,"
	" chain_hash TEXT NOT NULL, status TEXT NOT NULL, attempt_count INTEGER NOT NULL DEFAULT 0,"
	" created_at TEXT NOT NULL, submitted_at TEXT, last_error TEXT,"
	" tl_backend TEXT NOT NULL, tl_log_id TEXT, tl_leaf_hash TEXT, tl_log_index INTEGER,"
	" tl_integrated_time INTEGER, tl_inclusion_proof TEXT, tl_raw TEXT,"
	" payload TEXT NOT NULL, next_attempt_at REAL);"
	"CREATE INDEX IF NOT EXISTS fact_chain_cp_cover"
	" ON fact_chain_checkpoints(tenant_id, covered_chain_seq);"
	"CREATE INDEX IF NOT EXISTS fact_chain_cp_status"
	" ON fact_chain_checkpoints(status, next_attempt_at);"
	/* The two per-assert lookups (checkpoint_maybe, retry_one_pending)
	 * read these in order instead of sorting. */
	"CREATE INDEX IF NOT EXISTS fact_chain_cp_latest"
	" ON fact_chain_checkpoints(tenant_id, covered_chain_seq, created_at);"
	"CREATE INDEX IF NOT EXISTS fact_chain_cp_pending"
	" ON fact_chain_checkpoints(status, created_at);";

int
lite_chain_schema(struct lite_node *n)
{
	return lite_exec(n, chain_schema_sql);
}

static const char *
col_str(sqlite3_stmt *st, int i)
{
	return (const char *)sqlite3_column_text(st, i);
}

static double
unix_now(void)
{
	struct timeval tv;
	gettimeofday(&tv, NULL);
	return (double)tv.tv_sec + (double)tv.tv_usec / 1e6;
}

/* ---- transparency-log file ------------------------------------------------ */

void
lite_chain_tl_log_id(const char *path, char out[17])
{
	struct stg_buf b;
	stg_buf_init(&b);
	if (path[0] != '/') {
		char cwd[4096];
		if (getcwd(cwd, sizeof cwd))
			stg_buf_puts(&b, cwd);
	}
	/* Join segment by segment, dropping "." and empty segments (what
	 * os.path.abspath does for these; ".." is resolved lexically too). */
	char *copy = strdup(path);
	if (copy) {
		char *save = NULL;
		for (char *seg = strtok_r(copy, "/", &save); seg; seg = strtok_r(NULL, "/", &save)) {
			if (strcmp(seg, ".") == 0)
				continue;
			if (strcmp(seg, "..") == 0) {
				char *slash = b.data ? strrchr(b.data, '/') : NULL;
				if (slash) {
					b.len = (size_t)(slash - b.data);
					b.data[b.len] = '\0';
				}
				continue;
			}
			stg_buf_putc(&b, '/');
			stg_buf_puts(&b, seg);
		}
		free(copy);
	}
	if (b.len == 0)
		stg_buf_putc(&b, '/');
	char hex[STG_HEX_MAX];
	stg_sha256_hex(b.data ? b.data : "/", b.data ? b.len : 1, hex);
	memcpy(out, hex, 16);
	out[16] = '\0';
	stg_buf_done(&b);
}

/* Read the last complete line of the open log: its index and chain_hash.
 * *has_last = false for an empty file. Returns 0, or -1 when the tail is
 * unreadable or not a log line (the log is then left alone). */
static int
tl_read_tail(int fd, bool *has_last, long long *last_index, char last_chain[STG_HEX_MAX])
{
	*has_last = false;
	struct stat sb;
	if (fstat(fd, &sb) != 0)
		return -1;
	if (sb.st_size == 0)
		return 0;
	off_t size = sb.st_size;
	size_t want = size > TL_TAIL_MAX ? TL_TAIL_MAX : (size_t)size;
	char *buf = malloc(want + 1);
	if (!buf)
		return -1;
	ssize_t got = pread(fd, buf, want, size - (off_t)want);
	if (got != (ssize_t)want) {
		free(buf);
		return -1;
	}
	buf[want] = '\0';
	size_t end = want;
	while (end > 0 && (buf[end - 1] == '\n' || buf[end - 1] == '\r' || buf[end - 1] == ' '))
		end--;
	buf[end] = '\0';
	size_t start = end;
	while (start > 0 && buf[start - 1] != '\n')
		start--;
	int rc = -1;
	if (end == 0) { /* only blank lines */
		free(buf);
		return 0;
	}
	cJSON *line = cJSON_Parse(buf + start);
	const cJSON *idx = cJSON_GetObjectItemCaseSensitive(line, "index");
	const cJSON *ch = cJSON_GetObjectItemCaseSensitive(line, "chain_hash");
	if (cJSON_IsNumber(idx) && cJSON_IsString(ch) && strlen(ch->valuestring) == 64) {
		*has_last = true;
		*last_index = (long long)idx->valuedouble;
		memcpy(last_chain, ch->valuestring, 65);
		rc = 0;
	}
	cJSON_Delete(line);
	free(buf);
	return rc;
}

/* What a successful submission produced. */
struct tl_result {
	long long index;
	long long ts;
	char leaf[STG_HEX_MAX];
	char prev[STG_HEX_MAX];
	char chain[STG_HEX_MAX];
	char log_id[17];
	char *raw;                   /* canonical JSON of the line (sorted keys); caller frees */
};

/* Append one line for `payload_canon` (the canonical payload text) to the
 * log at `path`. Returns 0 with *res filled, or -1 with a message in err. */
static int
tl_submit(const char *path, const char *payload_canon, struct tl_result *res, char *err,
	  size_t err_cap)
{
	memset(res, 0, sizeof *res);
	if (!path || !*path) {
		snprintf(err, err_cap, "transparency log backend is off");
		return -1;
	}
	int fd = open(path, O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
	if (fd < 0) {
		snprintf(err, err_cap, "cannot open transparency log %s: %s", path, strerror(errno));
		return -1;
	}
	int rc = -1;
	cJSON *line = NULL;
	char *text = NULL;
	struct stg_buf canon;
	stg_buf_init(&canon);
	if (flock(fd, LOCK_EX) != 0) {
		snprintf(err, err_cap, "cannot lock transparency log: %s", strerror(errno));
		goto out;
	}
	bool has_last = false;
	long long last_index = -1;
	char last_chain[STG_HEX_MAX];
	if (tl_read_tail(fd, &has_last, &last_index, last_chain) != 0) {
		snprintf(err, err_cap, "transparency log %s has an unreadable last line", path);
		goto out;
	}
	res->index = has_last ? last_index + 1 : 0;
	if (has_last)
		memcpy(res->prev, last_chain, STG_HEX_MAX);
	else {
		memset(res->prev, '0', 64);
		res->prev[64] = '\0';
	}
	stg_sha256_hex(payload_canon, strlen(payload_canon), res->leaf);
	stg_tl_chain_hash(res->prev, res->leaf, res->chain);
	res->ts = (long long)floor(unix_now());
	lite_chain_tl_log_id(path, res->log_id);

	cJSON *payload = cJSON_Parse(payload_canon);
	line = cJSON_CreateObject();
	if (!payload || !line) {
		cJSON_Delete(payload);
		snprintf(err, err_cap, "out of memory");
		goto out;
	}
	cJSON_AddNumberToObject(line, "index", (double)res->index);
	cJSON_AddNumberToObject(line, "ts", (double)res->ts);
	cJSON_AddStringToObject(line, "leaf_hash", res->leaf);
	cJSON_AddStringToObject(line, "prev_hash", res->prev);
	cJSON_AddStringToObject(line, "chain_hash", res->chain);
	cJSON_AddItemToObject(line, "payload", payload);
	text = cJSON_PrintUnformatted(line);
	if (!text || !stg_json_canonicalize(text, strlen(text), &canon) || canon.oom) {
		snprintf(err, err_cap, "out of memory");
		goto out;
	}
	size_t len = strlen(text);
	text[len] = '\n'; /* overwrite the NUL; write len + 1 bytes */
	ssize_t w = write(fd, text, len + 1);
	text[len] = '\0';
	if (w != (ssize_t)(len + 1)) {
		snprintf(err, err_cap, "cannot append to transparency log: %s",
			 w < 0 ? strerror(errno) : "short write");
		goto out;
	}
	if (fdatasync(fd) != 0) {
		snprintf(err, err_cap, "cannot sync transparency log: %s", strerror(errno));
		goto out;
	}
	res->raw = stg_buf_take(&canon);
	rc = res->raw ? 0 : -1;
	if (rc != 0)
		snprintf(err, err_cap, "out of memory");
out:
	free(text);
	cJSON_Delete(line);
	stg_buf_done(&canon);
	flock(fd, LOCK_UN);
	close(fd);
	return rc;
}

/* Record the outcome of a submission attempt on checkpoint `id`. */
static int
checkpoint_record(struct lite_node *n, const char *id, const char *created_at, bool ok,
		  const struct tl_result *res, const char *err)
{
	sqlite3_stmt *st;
	if (ok) {
		char proof[2 * STG_HEX_MAX + 48];
		snprintf(proof, sizeof proof, "{\"chain_hash\":\"%s\",\"prev_hash\":\"%s\"}",
			 res->chain, res->prev);
		st = lite_prepare(n, "UPDATE fact_chain_checkpoints SET status='submitted',"
				     " attempt_count=attempt_count+1, submitted_at=?, last_error=NULL,"
				     " tl_log_id=?, tl_leaf_hash=?, tl_log_index=?, tl_integrated_time=?,"
				     " tl_inclusion_proof=?, tl_raw=?, next_attempt_at=NULL WHERE id=?");
		if (!st)
			return -1;
		sqlite3_bind_text(st, 1, created_at, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(st, 2, res->log_id, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(st, 3, res->leaf, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int64(st, 4, res->index);
		sqlite3_bind_int64(st, 5, res->ts);
		sqlite3_bind_text(st, 6, proof, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(st, 7, res->raw, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(st, 8, id, -1, SQLITE_TRANSIENT);
	} else {
		st = lite_prepare(n, "UPDATE fact_chain_checkpoints SET status='pending',"
				     " attempt_count=attempt_count+1, last_error=?, next_attempt_at=?"
				     " WHERE id=?");
		if (!st)
			return -1;
		sqlite3_bind_text(st, 1, err, -1, SQLITE_TRANSIENT);
		sqlite3_bind_double(st, 2, unix_now() + CHAIN_RETRY_DELAY_S);
		sqlite3_bind_text(st, 3, id, -1, SQLITE_TRANSIENT);
	}
	int rc = sqlite3_step(st) == SQLITE_DONE ? 0 : -1;
	sqlite3_finalize(st);
	return rc;
}

/* Submit checkpoint `id` (payload text as stored) and record the outcome.
 * A failed submission is not an error of the insert: it stays pending. */
static int
checkpoint_submit(struct lite_node *n, const char *id, const char *payload,
		  const char *submitted_at)
{
	struct tl_result res;
	char err[256] = "";
	bool ok = tl_submit(n->tl_path, payload, &res, err, sizeof err) == 0;
	if (!ok)
		lite_log(n, "checkpoint %s left pending: %s", id, err);
	int rc = checkpoint_record(n, id, submitted_at, ok, &res, err);
	free(res.raw);
	return rc;
}

static int
checkpoint_create(struct lite_node *n, const char *tenant, long long seq, const char *chain_hash)
{
	char created[LITE_TS_MAX], u[37], id[48];
	lite_now(n, created);
	lite_uuid4(u);
	size_t k = 0;
	k += (size_t)snprintf(id, sizeof id, "chaincp_");
	for (const char *p = u; *p && k + 1 < sizeof id; p++)
		if (*p != '-')
			id[k++] = *p;
	id[k] = '\0';
	struct stg_buf payload;
	stg_buf_init(&payload);
	if (!stg_checkpoint_payload_canonical(chain_hash, seq, created, tenant, &payload) ||
	    payload.oom) {
		stg_buf_done(&payload);
		return -1;
	}
	sqlite3_stmt *st = lite_prepare(
		n, "INSERT INTO fact_chain_checkpoints(id, tenant_id, covered_chain_seq, chain_hash,"
		   " status, attempt_count, created_at, tl_backend, payload)"
		   " VALUES (?,?,?,?, 'pending', 0, ?, ?, ?)");
	if (!st) {
		stg_buf_done(&payload);
		return -1;
	}
	sqlite3_bind_text(st, 1, id, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 2, tenant, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 3, seq);
	sqlite3_bind_text(st, 4, chain_hash, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 5, created, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 6, n->tl_path && *n->tl_path ? "local" : "off", -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 7, payload.data, (int)payload.len, SQLITE_TRANSIENT);
	int rc = sqlite3_step(st) == SQLITE_DONE ? 0 : -1;
	sqlite3_finalize(st);
	if (rc == 0)
		rc = checkpoint_submit(n, id, payload.data, created);
	stg_buf_done(&payload);
	return rc;
}

/* Seconds between two node timestamps (b - a); 0 when either is unparsable. */
static double
ts_diff_s(const char *a, const char *b)
{
	int64_t ua, ub;
	if (!a || !b || !stg_score_parse_time(a, &ua) || !stg_score_parse_time(b, &ub))
		return 0.0;
	return (double)(ub - ua) / 1e6;
}

static int
checkpoint_maybe(struct lite_node *n, const char *tenant, long long head, const char *head_hash,
		 const char *entry_created)
{
	sqlite3_stmt *st = lite_stmt(
		n, "SELECT covered_chain_seq, created_at FROM fact_chain_checkpoints"
		   " WHERE tenant_id=? ORDER BY covered_chain_seq DESC, created_at DESC LIMIT 1");
	if (!st)
		return -1;
	sqlite3_bind_text(st, 1, tenant, -1, SQLITE_TRANSIENT);
	long long covered = 0;
	char ref[LITE_TS_MAX];
	snprintf(ref, sizeof ref, "%s", entry_created);
	bool have = false;
	if (sqlite3_step(st) == SQLITE_ROW) {
		covered = sqlite3_column_int64(st, 0);
		snprintf(ref, sizeof ref, "%s", col_str(st, 1) ? col_str(st, 1) : entry_created);
		have = true;
	}
	lite_stmt_done(st);
	if (head <= covered)
		return 0;
	char now[LITE_TS_MAX];
	lite_wall_now(now);
	double age = ts_diff_s(ref, now);
	if (!have && age < 0)
		age = 0;
	bool due = head - covered >= n->checkpoint_interval ||
		   age >= (double)n->checkpoint_max_age_s;
	if (!due)
		return 0;
	return checkpoint_create(n, tenant, head, head_hash);
}

/* §11.2: each assert also retries one due pending checkpoint. */
static int
retry_one_pending(struct lite_node *n)
{
	sqlite3_stmt *st = lite_stmt(
		n, "SELECT id, payload, created_at FROM fact_chain_checkpoints WHERE status='pending'"
		   " AND attempt_count > 0 AND (next_attempt_at IS NULL OR next_attempt_at <= ?)"
		   " ORDER BY created_at LIMIT 1");
	if (!st)
		return -1;
	sqlite3_bind_double(st, 1, unix_now());
	int rc = 0;
	char *id = NULL, *payload = NULL;
	bool due = false;
	if (sqlite3_step(st) == SQLITE_ROW) {
		due = true;
		id = strdup(col_str(st, 0));
		payload = strdup(col_str(st, 1));
	}
	lite_stmt_done(st);
	if (due) {
		char now[LITE_TS_MAX];
		lite_now(n, now);
		if (id && payload)
			rc = checkpoint_submit(n, id, payload, now);
		else
			rc = -1;
	}
	free(id);
	free(payload);
	return rc;
}

int
lite_chain_on_insert(struct lite_node *n, const struct lite_fact_row *r)
{
	const char *tenant = r->tenant_id ? r->tenant_id : "default";
	sqlite3_stmt *st = lite_stmt(n, "SELECT chain_seq, chain_hash FROM fact_chain"
					" WHERE tenant_id=? ORDER BY chain_seq DESC LIMIT 1");
	if (!st)
		return -1;
	sqlite3_bind_text(st, 1, tenant, -1, SQLITE_TRANSIENT);
	long long seq = 1;
	char prev[STG_HASH_MAX] = "";
	if (sqlite3_step(st) == SQLITE_ROW) {
		seq = sqlite3_column_int64(st, 0) + 1;
		snprintf(prev, sizeof prev, "%s", col_str(st, 1) ? col_str(st, 1) : "");
	}
	lite_stmt_done(st);

	struct stg_chain_event ev = {
		.cid = r->cid,
		.confidence = r->confidence,
		.entity = r->entity,
		.fact_id = r->id,
		.relation = r->relation,
		.scope = r->scope,
		.source = r->source,
		.tenant_id = tenant,
		.value_type = r->value_type,
		.value_v = r->value_v ? r->value_v : "",
		.value_v_len = r->value_v ? r->value_v_len : 0,
	};
	char event_hash[STG_HASH_MAX], chain_hash[STG_HASH_MAX], created[LITE_TS_MAX];
	if (!stg_chain_event_hash(&ev, event_hash))
		return -1;
	lite_now(n, created);
	struct stg_chain_link ln = {
		.chain_seq = seq,
		.created_at = created,
		.event_hash = event_hash,
		.fact_id = r->id,
		.previous_hash = seq == 1 ? NULL : prev,
		.tenant_id = tenant,
	};
	if (!stg_chain_link_hash(&ln, chain_hash))
		return -1;
	st = lite_stmt(n, "INSERT INTO fact_chain(tenant_id, chain_seq, fact_id, event_hash,"
			  " previous_hash, chain_hash, created_at) VALUES (?,?,?,?,?,?,?)");
	if (!st)
		return -1;
	sqlite3_bind_text(st, 1, tenant, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 2, seq);
	sqlite3_bind_text(st, 3, r->id, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 4, event_hash, -1, SQLITE_TRANSIENT);
	if (seq == 1)
		sqlite3_bind_null(st, 5);
	else
		sqlite3_bind_text(st, 5, prev, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 6, chain_hash, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 7, created, -1, SQLITE_TRANSIENT);
	int rc = sqlite3_step(st) == SQLITE_DONE ? 0 : -1;
	lite_stmt_done(st);
	if (rc != 0)
		return -1;
	if (checkpoint_maybe(n, tenant, seq, chain_hash, created) != 0)
		return -1;
	return retry_one_pending(n);
}

/* ---- reading: proof and verification --------------------------------------- */

long long
lite_chain_length(struct lite_node *n, const char *tenant)
{
	sqlite3_stmt *st = lite_prepare(n, "SELECT count(*) FROM fact_chain WHERE tenant_id=?");
	if (!st)
		return -1;
	sqlite3_bind_text(st, 1, tenant, -1, SQLITE_TRANSIENT);
	long long c = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : -1;
	sqlite3_finalize(st);
	return c;
}

static void
add_nullable_str(cJSON *o, const char *k, sqlite3_stmt *st, int i)
{
	if (sqlite3_column_type(st, i) == SQLITE_NULL)
		cJSON_AddNullToObject(o, k);
	else
		cJSON_AddStringToObject(o, k, col_str(st, i));
}

static void
add_nullable_int(cJSON *o, const char *k, sqlite3_stmt *st, int i)
{
	if (sqlite3_column_type(st, i) == SQLITE_NULL)
		cJSON_AddNullToObject(o, k);
	else
		cJSON_AddNumberToObject(o, k, (double)sqlite3_column_int64(st, i));
}

static void
add_json_obj(cJSON *o, const char *k, sqlite3_stmt *st, int i)
{
	cJSON *v = NULL;
	if (sqlite3_column_type(st, i) != SQLITE_NULL)
		v = cJSON_Parse(col_str(st, i));
	if (!v)
		v = cJSON_CreateObject();
	cJSON_AddItemToObject(o, k, v);
}

cJSON *
lite_chain_latest_checkpoint(struct lite_node *n, const char *tenant)
{
	sqlite3_stmt *st = lite_prepare(
		n, "SELECT id, tenant_id, covered_chain_seq, chain_hash, status, attempt_count,"
		   " created_at, submitted_at, last_error, tl_backend, tl_log_id, tl_leaf_hash,"
		   " tl_log_index, tl_integrated_time, tl_inclusion_proof, tl_raw"
		   " FROM fact_chain_checkpoints WHERE tenant_id=?"
		   " ORDER BY covered_chain_seq DESC, created_at DESC LIMIT 1");
	if (!st)
		return NULL;
	sqlite3_bind_text(st, 1, tenant, -1, SQLITE_TRANSIENT);
	cJSON *o;
	if (sqlite3_step(st) != SQLITE_ROW) {
		o = cJSON_CreateNull();
	} else {
		o = cJSON_CreateObject();
		if (o) {
			cJSON_AddStringToObject(o, "id", col_str(st, 0));
			cJSON_AddStringToObject(o, "tenant_id", col_str(st, 1));
			cJSON_AddNumberToObject(o, "covered_chain_seq",
						(double)sqlite3_column_int64(st, 2));
			cJSON_AddStringToObject(o, "chain_hash", col_str(st, 3));
			cJSON_AddStringToObject(o, "status", col_str(st, 4));
			cJSON_AddNumberToObject(o, "attempt_count", (double)sqlite3_column_int64(st, 5));
			cJSON_AddStringToObject(o, "created_at", col_str(st, 6));
			add_nullable_str(o, "submitted_at", st, 7);
			add_nullable_str(o, "last_error", st, 8);
			cJSON_AddStringToObject(o, "tl_backend", col_str(st, 9));
			add_nullable_str(o, "tl_log_id", st, 10);
			add_nullable_str(o, "tl_leaf_hash", st, 11);
			add_nullable_int(o, "tl_log_index", st, 12);
			add_nullable_int(o, "tl_integrated_time", st, 13);
			add_json_obj(o, "tl_inclusion_proof", st, 14);
			add_json_obj(o, "tl_raw", st, 15);
		}
	}
	sqlite3_finalize(st);
	return o;
}

/* Load the tenant's chain joined with the current fact rows into `a`. */
static int
load_entries(struct lite_node *n, const char *tenant, struct stg_arena *a,
	     struct stg_chain_entry **out, size_t *count)
{
	sqlite3_stmt *st = lite_prepare(
		n, "SELECT c.chain_seq, c.created_at, c.event_hash, c.previous_hash, c.chain_hash,"
		   " c.fact_id, c.tenant_id, f.id, f.tenant_id, f.entity, f.relation, f.value_type,"
		   " f.value_v, f.source, f.confidence, f.scope, f.cid"
		   " FROM fact_chain c LEFT JOIN facts f ON f.id = c.fact_id"
		   " WHERE c.tenant_id=? ORDER BY c.chain_seq");
	if (!st)
		return -1;
	sqlite3_bind_text(st, 1, tenant, -1, SQLITE_TRANSIENT);
	size_t cap = 64, k = 0;
	struct stg_chain_entry *e = malloc(cap * sizeof *e);
	int rc = e ? 0 : -1;
	int s;
	while (rc == 0 && (s = sqlite3_step(st)) == SQLITE_ROW) {
		if (k == cap) {
			void *p = realloc(e, 2 * cap * sizeof *e);
			if (!p) {
				rc = -1;
				break;
			}
			e = p;
			cap *= 2;
		}
		struct stg_chain_entry *x = &e[k++];
		memset(x, 0, sizeof *x);
		x->chain_seq = sqlite3_column_int64(st, 0);
		x->created_at = stg_arena_strdup(a, col_str(st, 1));
		x->event_hash = stg_arena_strdup(a, col_str(st, 2));
		x->previous_hash = stg_arena_strdup(a, col_str(st, 3));
		x->chain_hash = stg_arena_strdup(a, col_str(st, 4));
		x->fact_id = stg_arena_strdup(a, col_str(st, 5));
		x->tenant_id = stg_arena_strdup(a, col_str(st, 6));
		if (sqlite3_column_type(st, 7) != SQLITE_NULL) {
			struct stg_chain_fact_row *f = stg_arena_alloc(a, sizeof *f);
			if (!f) {
				rc = -1;
				break;
			}
			f->id = stg_arena_strdup(a, col_str(st, 7));
			f->tenant_id = stg_arena_strdup(a, col_str(st, 8));
			f->entity = stg_arena_strdup(a, col_str(st, 9));
			f->relation = stg_arena_strdup(a, col_str(st, 10));
			f->value_type = stg_arena_strdup(a, col_str(st, 11));
			if (sqlite3_column_type(st, 12) == SQLITE_NULL) {
				f->value_v = NULL;
				f->value_v_len = 0;
			} else {
				const char *v = col_str(st, 12);
				size_t vl = (size_t)sqlite3_column_bytes(st, 12);
				f->value_v = stg_arena_strndup(a, v ? v : "", v ? vl : 0);
				f->value_v_len = v ? vl : 0;
			}
			f->source = stg_arena_strdup(a, col_str(st, 13));
			f->confidence = sqlite3_column_double(st, 14);
			f->scope = stg_arena_strdup(a, col_str(st, 15));
			f->cid = stg_arena_strdup(a, col_str(st, 16));
			x->fact = f;
		}
	}
	sqlite3_finalize(st);
	if (rc != 0) {
		free(e);
		return -1;
	}
	*out = e;
	*count = k;
	return 0;
}

int
lite_chain_proof(struct lite_node *n, const char *tenant, struct lite_resp *rs, cJSON **proof)
{
	*proof = NULL;
	struct stg_arena a;
	stg_arena_init(&a);
	struct stg_chain_entry *e = NULL;
	size_t count = 0;
	if (load_entries(n, tenant, &a, &e, &count) != 0) {
		stg_arena_done(&a);
		lite_resp_internal(rs, "chain: cannot load entries");
		return -1;
	}
	struct stg_chain_verification v;
	stg_verify_chain_entries(e, count, &v);
	if (!v.valid) {
		const char *reason = stg_chain_mismatch_name(v.mismatch);
		char msg[160];
		snprintf(msg, sizeof msg, "fact chain verification failed: %s",
			 reason ? reason : "unknown");
		cJSON *extra = cJSON_CreateObject();
		cJSON_AddStringToObject(extra, "mismatch_reason", reason ? reason : "unknown");
		lite_json_add_str(extra, "fact_id", v.fact_id);
		if (v.has_chain_seq)
			cJSON_AddNumberToObject(extra, "chain_seq", (double)v.chain_seq);
		else
			cJSON_AddNullToObject(extra, "chain_seq");
		lite_resp_detail_code(rs, 409, "fact_chain_mismatch", msg, extra);
		free(e);
		stg_arena_done(&a);
		return 1;
	}
	cJSON *o = cJSON_CreateObject();
	cJSON *cp = lite_chain_latest_checkpoint(n, tenant);
	if (!o || !cp) {
		cJSON_Delete(o);
		cJSON_Delete(cp);
		free(e);
		stg_arena_done(&a);
		lite_resp_internal(rs, "chain: proof");
		return -1;
	}
	cJSON_AddStringToObject(o, "tenant_id", tenant);
	cJSON_AddNumberToObject(o, "checked_entries", (double)v.checked_entries);
	if (count > 0 && v.head_hash[0])
		cJSON_AddStringToObject(o, "head_hash", v.head_hash);
	else
		cJSON_AddNullToObject(o, "head_hash");
	cJSON_AddItemToObject(o, "checkpoint", cp);
	free(e);
	stg_arena_done(&a);
	*proof = o;
	return 0;
}
