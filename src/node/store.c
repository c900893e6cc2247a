/* store.c — SQLite storage of stigmem-lite: schema and migrations, time and
 * ids, the fact write path (§3.5, §3.6) and conflict resolution (§7.2). */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include <openssl/rand.h>

#include "node/lite_internal.h"
#include "stigmem/cid.h"

void
lite_log(struct lite_node *n, const char *fmt, ...)
{
	if (n && n->opt.quiet)
		return;
	char line[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	fprintf(stderr, "stigmem-lite: %s\n", line);
}

int
lite_exec(struct lite_node *n, const char *sql)
{
	char *msg = NULL;
	if (sqlite3_exec(n->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		lite_log(n, "sql error: %s", msg ? msg : "?");
		sqlite3_free(msg);
		return -1;
	}
	return 0;
}

sqlite3_stmt *
lite_prepare(struct lite_node *n, const char *sql)
{
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v2(n->db, sql, -1, &st, NULL) != SQLITE_OK) {
		lite_log(n, "prepare failed: %s", sqlite3_errmsg(n->db));
		return NULL;
	}
	return st;
}

sqlite3_stmt *
lite_stmt(struct lite_node *n, const char *sql)
{
	for (int i = 0; i < n->n_stmt_cache; i++)
		if (n->stmt_cache[i].sql == sql)
			return n->stmt_cache[i].st;
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v3(n->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL) != SQLITE_OK) {
		lite_log(n, "prepare failed: %s", sqlite3_errmsg(n->db));
		return NULL;
	}
	if (n->n_stmt_cache < (int)(sizeof n->stmt_cache / sizeof n->stmt_cache[0])) {
		n->stmt_cache[n->n_stmt_cache].sql = sql;
		n->stmt_cache[n->n_stmt_cache].st = st;
		n->n_stmt_cache++;
	}
	return st;
}

void
lite_stmt_done(sqlite3_stmt *st)
{
	if (!st)
		return;
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
}

/* Transaction control through cached statements (sqlite3_exec would parse
 * the text on every request). Literals, as lite_stmt() requires. */
static const char sql_begin[] = "BEGIN IMMEDIATE";
static const char sql_commit[] = "COMMIT";
static const char sql_rollback[] = "ROLLBACK";
static const char sql_savepoint[] = "SAVEPOINT lite_req";
static const char sql_release[] = "RELEASE lite_req";
static const char sql_rollback_to[] = "ROLLBACK TO lite_req";

static int
tx_exec(struct lite_node *n, const char *sql)
{
	sqlite3_stmt *st = lite_stmt(n, sql);
	if (!st)
		return -1;
	int rc = sqlite3_step(st);
	lite_stmt_done(st);
	if (rc != SQLITE_DONE) {
		lite_log(n, "sql error: %s: %s", sql, sqlite3_errmsg(n->db));
		return -1;
	}
	return 0;
}

/* v4: fewer B-trees per assert (each one touched is a WAL frame per
 * commit). The CID alias table goes: the facts_cid index answers "first
 * fact with this CID" by itself (ORDER BY seq). The audit log and the fact
 * chain become WITHOUT ROWID tables clustered on their only access paths,
 * (tenant_id, ts, id) and (tenant_id, chain_seq), instead of a rowid table
 * plus one or two indexes each. The first CREATE makes the rebuild work on
 * databases that never had a fact chain. */
static const char schema_v4[] =
	"DROP TABLE IF EXISTS cid_aliases;"
	"CREATE TABLE audit_v4("
	" id TEXT NOT NULL, fact_id TEXT, event_type TEXT NOT NULL,"
	" entity_uri TEXT, oidc_sub TEXT, source TEXT, attested_key_id TEXT, ts TEXT NOT NULL,"
	" fact_entity TEXT, fact_relation TEXT, fact_value_type TEXT, fact_value_v TEXT,"
	" fact_scope TEXT, tenant_id TEXT NOT NULL DEFAULT 'default',"
	" PRIMARY KEY(tenant_id, ts, id)) WITHOUT ROWID;"
	"INSERT INTO audit_v4(id, fact_id, event_type, entity_uri, oidc_sub, source,"
	" attested_key_id, ts, fact_entity, fact_relation, fact_value_type, fact_value_v,"
	" fact_scope, tenant_id)"
	" SELECT id, fact_id, event_type, entity_uri, oidc_sub, source, attested_key_id, ts,"
	" fact_entity, fact_relation, fact_value_type, fact_value_v, fact_scope, tenant_id"
	" FROM audit;"
	"DROP TABLE audit;"
	"ALTER TABLE audit_v4 RENAME TO audit;"
	"CREATE TABLE IF NOT EXISTS fact_chain("
	" tenant_id TEXT NOT NULL, chain_seq INTEGER NOT NULL, fact_id TEXT NOT NULL,"
	" event_hash TEXT NOT NULL, previous_hash TEXT, chain_hash TEXT NOT NULL,"
	" created_at TEXT NOT NULL, PRIMARY KEY(tenant_id, chain_seq));"
	"CREATE TABLE fact_chain_v4("
	" tenant_id TEXT NOT NULL, chain_seq INTEGER NOT NULL, fact_id TEXT NOT NULL,"
	" event_hash TEXT NOT NULL, previous_hash TEXT, chain_hash TEXT NOT NULL,"
	" created_at TEXT NOT NULL, PRIMARY KEY(tenant_id, chain_seq)) WITHOUT ROWID;"
	"INSERT INTO fact_chain_v4 SELECT tenant_id, chain_seq, fact_id, event_hash,"
	" previous_hash, chain_hash, created_at FROM fact_chain;"
	"DROP TABLE fact_chain;"
	"ALTER TABLE fact_chain_v4 RENAME TO fact_chain;"
	/* Ascending, so new facts append at the right edge (a descending
	 * index grows at the left, where every split is a 50/50 one);
	 * ORDER BY timestamp DESC, id DESC scans it backwards. */
	"DROP INDEX IF EXISTS facts_order;"
	"CREATE INDEX IF NOT EXISTS facts_order_asc ON facts(tenant_id, timestamp, id);";

/* Index the facts written since the last sync (schema v3): one statement,
 * run last before COMMIT so no later statement savepoint makes FTS5 flush a
 * partial segment. Called when LITE_FTS_LAG facts wait (see lite_tx_commit)
 * and by lite_fts_catch_up() before every lexical query, so many asserts
 * share one index segment. */
static int
fts_sync(struct lite_node *n)
{
	sqlite3_stmt *st = lite_stmt(n, "SELECT (SELECT indexed_seq FROM fts_state),"
					" (SELECT max(seq) FROM facts)");
	if (!st)
		return -1;
	long long from = 0, to = 0;
	if (sqlite3_step(st) == SQLITE_ROW) {
		from = sqlite3_column_int64(st, 0);
		to = sqlite3_column_int64(st, 1);
	}
	lite_stmt_done(st);
	if (to <= from)
		return 0;
	st = lite_stmt(n, "UPDATE fts_state SET indexed_seq=? WHERE id=1");
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, to);
	int rc = sqlite3_step(st) == SQLITE_DONE ? 0 : -1;
	lite_stmt_done(st);
	if (rc != 0)
		return -1;
	st = lite_stmt(n, "INSERT INTO facts_fts(rowid, entity, relation, value_v)"
			  " SELECT seq, entity, relation, value_v FROM facts"
			  " WHERE seq > ? AND seq <= ?");
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, from);
	sqlite3_bind_int64(st, 2, to);
	rc = sqlite3_step(st) == SQLITE_DONE ? 0 : -1;
	lite_stmt_done(st);
	if (rc != 0)
		lite_log(n, "lexical index update failed: %s", sqlite3_errmsg(n->db));
	else
		n->fts_pending = 0;
	return rc;
}

int
lite_fts_catch_up(struct lite_node *n)
{
	if (!n->fts_ready)
		return 0;
	if (n->tx_depth > 0 || n->batch_open)
		return fts_sync(n);
	if (lite_tx_begin(n) != 0)
		return -1;
	if (fts_sync(n) != 0) {
		lite_tx_rollback(n);
		return -1;
	}
	return lite_tx_commit(n);
}

int
lite_tx_begin(struct lite_node *n)
{
	if (n->tx_depth++ > 0)
		return 0;
	if (n->batch_req) {
		/* Group commit: join (or open) the batch transaction; this
		 * request's work is its own savepoint inside it. */
		if (n->batch_open && sqlite3_get_autocommit(n->db)) {
			/* SQLite rolled the batch back after an error: its
			 * members fail at lite_batch_commit; take no new work. */
			n->tx_depth = 0;
			return -1;
		}
		if (!n->batch_open) {
			if (tx_exec(n, sql_begin) != 0) {
				n->tx_depth = 0;
				return -1;
			}
			n->batch_open = true;
		}
		n->batch_joined = true;
		if (tx_exec(n, sql_savepoint) != 0) {
			n->tx_depth = 0;
			return -1;
		}
		return 0;
	}
	if (tx_exec(n, sql_begin) != 0) {
		n->tx_depth = 0;
		return -1;
	}
	return 0;
}

int
lite_tx_commit(struct lite_node *n)
{
	if (n->tx_depth <= 0)
		return -1;
	if (--n->tx_depth > 0)
		return 0;
	if (n->batch_open) {
		/* Durable only at lite_batch_commit(). */
		if (tx_exec(n, sql_release) != 0) {
			tx_exec(n, sql_rollback_to);
			tx_exec(n, sql_release);
			return -1;
		}
		return 0;
	}
	if (n->fts_ready && n->fts_pending >= LITE_FTS_LAG && fts_sync(n) != 0) {
		tx_exec(n, sql_rollback);
		return -1;
	}
	if (tx_exec(n, sql_commit) != 0) {
		tx_exec(n, sql_rollback);
		return -1;
	}
	return 0;
}

void
lite_tx_rollback(struct lite_node *n)
{
	if (n->tx_depth <= 0)
		return;
	n->tx_depth = 0;
	if (n->batch_open) {
		/* Undo this request only; the batch stays open for the others
		 * (when SQLite already dropped the whole transaction these fail
		 * harmlessly and lite_batch_commit reports the loss). */
		tx_exec(n, sql_rollback_to);
		tx_exec(n, sql_release);
		return;
	}
	tx_exec(n, sql_rollback);
}

int
lite_batch_commit(struct lite_node *n)
{
	if (!n->batch_open)
		return 0;
	n->batch_open = false;
	if (sqlite3_get_autocommit(n->db)) {
		lite_log(n, "group commit: the transaction was rolled back by an earlier error");
		return -1;
	}
	if (n->fts_ready && n->fts_pending >= LITE_FTS_LAG && fts_sync(n) != 0) {
		tx_exec(n, sql_rollback);
		return -1;
	}
	if (tx_exec(n, sql_commit) != 0) {
		tx_exec(n, sql_rollback);
		return -1;
	}
	return 0;
}

/* ---- time and ids --------------------------------------------------------- */

static void
fmt_ts(long long sec, long usec, char out[LITE_TS_MAX])
{
	time_t t = (time_t)sec;
	struct tm tm;
	gmtime_r(&t, &tm);
	size_t k = strftime(out, LITE_TS_MAX, "%Y-%m-%dT%H:%M:%S", &tm);
	if (usec)
		snprintf(out + k, LITE_TS_MAX - k, ".%06ld+00:00", usec % 1000000L);
	else
		snprintf(out + k, LITE_TS_MAX - k, "+00:00");
}

void
lite_wall_now(char out[LITE_TS_MAX])
{
	struct timeval tv;
	gettimeofday(&tv, NULL);
	fmt_ts(tv.tv_sec, (long)tv.tv_usec, out);
}

void
lite_wall_after(long long delta_us, char out[LITE_TS_MAX])
{
	struct timeval tv;
	gettimeofday(&tv, NULL);
	long long us = (long long)tv.tv_sec * 1000000LL + tv.tv_usec + delta_us;
	fmt_ts(us / 1000000LL, (long)(us % 1000000LL), out);
}

static long long last_us_of(struct lite_node *n);

void
lite_now(struct lite_node *n, char out[LITE_TS_MAX])
{
	struct timeval tv;
	gettimeofday(&tv, NULL);
	long long us = (long long)tv.tv_sec * 1000000LL + tv.tv_usec;
	long long last = last_us_of(n);
	if (us <= last)
		us = last + 1;
	fmt_ts(us / 1000000LL, (long)(us % 1000000LL), out);
	snprintf(n->last_ts, sizeof n->last_ts, "%lld", us);
}

static long long
last_us_of(struct lite_node *n)
{
	return n->last_ts[0] ? atoll(n->last_ts) : 0;
}

void
lite_hlc(struct lite_node *n, char out[LITE_HLC_MAX])
{
	struct timeval tv;
	gettimeofday(&tv, NULL);
	long long ms = (long long)tv.tv_sec * 1000LL + tv.tv_usec / 1000;
	if (ms > n->hlc_wall) {
		n->hlc_wall = ms;
		n->hlc_counter = 0;
	} else {
		n->hlc_counter++;
	}
	snprintf(out, LITE_HLC_MAX, "%lld.%lld", n->hlc_wall, n->hlc_counter);
}

void
lite_uuid4(char out[37])
{
	/* Random bytes are drawn 1 KiB at a time per thread (RAND_bytes per
	 * id showed up in profiles). */
	static __thread unsigned char pool[1024];
	static __thread size_t pool_left;
	static __thread pid_t pool_pid;
	unsigned char b[16];
	if (pool_pid != getpid()) { /* never share a pool with a forked child */
		pool_left = 0;
		pool_pid = getpid();
	}
	if (pool_left < sizeof b && RAND_bytes(pool, sizeof pool) == 1)
		pool_left = sizeof pool;
	if (pool_left >= sizeof b) {
		memcpy(b, pool + sizeof pool - pool_left, sizeof b);
		memset(pool + sizeof pool - pool_left, 0, sizeof b);
		pool_left -= sizeof b;
	} else {
		/* Fall back to /dev/urandom. */
		int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
		if (fd < 0 || read(fd, b, sizeof b) != (ssize_t)sizeof b) {
			for (size_t i = 0; i < sizeof b; i++)
				b[i] = (unsigned char)(rand() & 0xFF);
		}
		if (fd >= 0)
			close(fd);
	}
	b[6] = (unsigned char)((b[6] & 0x0F) | 0x40);
	b[8] = (unsigned char)((b[8] & 0x3F) | 0x80);
	snprintf(out, 37,
		 "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", b[0],
		 b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13],
		 b[14], b[15]);
}

/* ---- schema ----------------------------------------------------------------- */

static const char schema_v1[] =
	"CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);"
	"CREATE TABLE IF NOT EXISTS facts("
	" seq INTEGER PRIMARY KEY,"
	" id TEXT NOT NULL UNIQUE,"
	" entity TEXT NOT NULL, relation TEXT NOT NULL,"
	" value_type TEXT NOT NULL, value_v TEXT,"
	" interpret_as TEXT NOT NULL DEFAULT 'content',"
	" source TEXT NOT NULL, timestamp TEXT NOT NULL, hlc TEXT,"
	" received_from TEXT, valid_until TEXT, confidence REAL NOT NULL,"
	" scope TEXT NOT NULL, attested_key_id TEXT, garden_id TEXT, cid TEXT,"
	" derived_from TEXT NOT NULL DEFAULT '[]',"
	" tenant_id TEXT NOT NULL DEFAULT 'default',"
	" write_mode TEXT NOT NULL DEFAULT 'assert',"
	" is_system INTEGER NOT NULL DEFAULT 0);"
	"CREATE INDEX IF NOT EXISTS facts_order ON facts(tenant_id, timestamp DESC, id DESC);"
	"CREATE INDEX IF NOT EXISTS facts_key ON facts(tenant_id, entity, relation, scope);"
	"CREATE INDEX IF NOT EXISTS facts_cid ON facts(cid);"
	"CREATE INDEX IF NOT EXISTS facts_source ON facts(source);"
	"CREATE VIRTUAL TABLE IF NOT EXISTS facts_fts USING fts5("
	" entity, relation, value_v, content='facts', content_rowid='seq',"
	" tokenize='unicode61 remove_diacritics 2');"
	"CREATE TRIGGER IF NOT EXISTS facts_ai AFTER INSERT ON facts BEGIN"
	" INSERT INTO facts_fts(rowid, entity, relation, value_v)"
	" VALUES (new.seq, new.entity, new.relation, new.value_v); END;"
	"CREATE TRIGGER IF NOT EXISTS facts_ad AFTER DELETE ON facts BEGIN"
	" INSERT INTO facts_fts(facts_fts, rowid, entity, relation, value_v)"
	" VALUES ('delete', old.seq, old.entity, old.relation, old.value_v); END;"
	"CREATE TRIGGER IF NOT EXISTS facts_au AFTER UPDATE ON facts BEGIN"
	" INSERT INTO facts_fts(facts_fts, rowid, entity, relation, value_v)"
	" VALUES ('delete', old.seq, old.entity, old.relation, old.value_v);"
	" INSERT INTO facts_fts(rowid, entity, relation, value_v)"
	" VALUES (new.seq, new.entity, new.relation, new.value_v); END;"
	/* CID alias table: global, as the reference (§12 item 14). */
	"CREATE TABLE IF NOT EXISTS cid_aliases(cid TEXT PRIMARY KEY, fact_id TEXT NOT NULL);"
	/* Operator entity alias table (§3.4 step 4). */
	"CREATE TABLE IF NOT EXISTS entity_aliases(alias TEXT PRIMARY KEY, canonical TEXT NOT NULL);"
	/* Graph edges for formal ref values (§8.2). */
	"CREATE TABLE IF NOT EXISTS edges("
	" seq INTEGER PRIMARY KEY, src TEXT NOT NULL, dst TEXT NOT NULL, relation TEXT NOT NULL,"
	" fact_id TEXT NOT NULL, scope TEXT NOT NULL, confidence REAL NOT NULL,"
	" source_trust REAL, tenant_id TEXT NOT NULL DEFAULT 'default',"
	" federated INTEGER NOT NULL DEFAULT 0, created_at TEXT NOT NULL);"
	"CREATE INDEX IF NOT EXISTS edges_src ON edges(src, scope);"
	"CREATE INDEX IF NOT EXISTS edges_dst ON edges(dst, scope);"
	"CREATE TABLE IF NOT EXISTS conflicts("
	" seq INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, fact_a TEXT NOT NULL,"
	" fact_b TEXT NOT NULL, status TEXT NOT NULL DEFAULT 'unresolved', resolved_by TEXT,"
	" detected_at TEXT NOT NULL, tenant_id TEXT NOT NULL DEFAULT 'default');"
	"CREATE INDEX IF NOT EXISTS conflicts_order ON conflicts(detected_at DESC, id DESC);"
	"CREATE INDEX IF NOT EXISTS conflicts_pair ON conflicts(fact_a, fact_b);"
	"CREATE TABLE IF NOT EXISTS audit("
	" seq INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, fact_id TEXT, event_type TEXT NOT NULL,"
	" entity_uri TEXT, oidc_sub TEXT, source TEXT, attested_key_id TEXT, ts TEXT NOT NULL,"
	" fact_entity TEXT, fact_relation TEXT, fact_value_type TEXT, fact_value_v TEXT,"
	" fact_scope TEXT, tenant_id TEXT NOT NULL DEFAULT 'default');"
	"CREATE INDEX IF NOT EXISTS audit_order ON audit(tenant_id, ts DESC, id DESC);"
	"CREATE TABLE IF NOT EXISTS api_keys("
	" id TEXT PRIMARY KEY, key_hash TEXT NOT NULL UNIQUE, entity_uri TEXT NOT NULL,"
	" permissions INTEGER NOT NULL, description TEXT, created_at TEXT NOT NULL,"
	" expires_at TEXT, tenant_id TEXT NOT NULL DEFAULT 'default',"
	" revoked INTEGER NOT NULL DEFAULT 0);"
	"CREATE TABLE IF NOT EXISTS subscriptions("
	" seq INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, subscriber_identity TEXT NOT NULL,"
	" target TEXT NOT NULL, target_kind TEXT NOT NULL, on_change TEXT NOT NULL,"
	" delivery_address TEXT NOT NULL, idempotency_key TEXT, created_at TEXT NOT NULL,"
	" last_delivered_at TEXT, circuit_open INTEGER NOT NULL DEFAULT 0,"
	" consecutive_failures INTEGER NOT NULL DEFAULT 0,"
	" tenant_id TEXT NOT NULL DEFAULT 'default');"
	"CREATE INDEX IF NOT EXISTS subs_target ON subscriptions(target);"
	"CREATE TABLE IF NOT EXISTS sub_events("
	" seq INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, subscription_id TEXT NOT NULL,"
	" event_type TEXT NOT NULL, entity_uri TEXT, fact_id TEXT, payload TEXT NOT NULL,"
	" created_at TEXT NOT NULL, delivered_at TEXT,"
	" delivery_status TEXT NOT NULL DEFAULT 'pending',"
	" delivery_attempts INTEGER NOT NULL DEFAULT 0);"
	"CREATE INDEX IF NOT EXISTS sub_events_sub ON sub_events(subscription_id, seq);";

static const char schema_v2[] =
	"CREATE TABLE IF NOT EXISTS source_stats(source TEXT PRIMARY KEY, n INTEGER NOT NULL);"
	"INSERT OR REPLACE INTO source_stats(source, n)"
	" SELECT source, count(*) FROM facts GROUP BY source;"
	"CREATE TRIGGER IF NOT EXISTS facts_source_count AFTER INSERT ON facts BEGIN"
	" INSERT INTO source_stats(source, n) VALUES (new.source, 1)"
	" ON CONFLICT(source) DO UPDATE SET n = n + 1; END;";

/* v3: the lexical index is filled once per transaction, just before COMMIT
 * (lite_fts_sync), instead of by a per-row trigger. FTS5 flushes its pending
 * terms on every statement savepoint once it is part of a transaction, so a
 * per-row trigger wrote one tiny segment per statement of every assert.
 * fts_state.indexed_seq is the highest facts.seq already in the index; the
 * delete/update triggers touch the index only for rows it already holds. */
static const char schema_v3[] =
	"DROP TRIGGER IF EXISTS facts_ai;"
	"DROP TRIGGER IF EXISTS facts_ad;"
	"DROP TRIGGER IF EXISTS facts_au;"
	"CREATE TABLE IF NOT EXISTS fts_state("
	" id INTEGER PRIMARY KEY CHECK (id = 1), indexed_seq INTEGER NOT NULL);"
	"INSERT OR REPLACE INTO fts_state(id, indexed_seq)"
	" SELECT 1, coalesce(max(seq), 0) FROM facts;"
	"CREATE TRIGGER IF NOT EXISTS facts_ad AFTER DELETE ON facts"
	" WHEN old.seq <= (SELECT indexed_seq FROM fts_state) BEGIN"
	" INSERT INTO facts_fts(facts_fts, rowid, entity, relation, value_v)"
	" VALUES ('delete', old.seq, old.entity, old.relation, old.value_v); END;"
	"CREATE TRIGGER IF NOT EXISTS facts_au AFTER UPDATE ON facts"
	" WHEN old.seq <= (SELECT indexed_seq FROM fts_state) BEGIN"
	" INSERT INTO facts_fts(facts_fts, rowid, entity, relation, value_v)"
	" VALUES ('delete', old.seq, old.entity, old.relation, old.value_v);"
	" INSERT INTO facts_fts(rowid, entity, relation, value_v)"
	" VALUES (new.seq, new.entity, new.relation, new.value_v); END;";

static int
schema_version(struct lite_node *n)
{
	sqlite3_stmt *st = lite_prepare(n, "SELECT max(version) FROM schema_version");
	int v = 0;
	if (st && sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return v;
}

static int
meta_get(struct lite_node *n, const char *key, char *out, size_t cap)
{
	sqlite3_stmt *st = lite_prepare(n, "SELECT value FROM meta WHERE key=?");
	int found = 0;
	if (!st)
		return -1;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW) {
		snprintf(out, cap, "%s", (const char *)sqlite3_column_text(st, 0));
		found = 1;
	}
	sqlite3_finalize(st);
	return found;
}

static int
meta_set(struct lite_node *n, const char *key, const char *value)
{
	sqlite3_stmt *st = lite_prepare(n, "INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)");
	if (!st)
		return -1;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, value, -1, SQLITE_STATIC);
	int rc = sqlite3_step(st) == SQLITE_DONE ? 0 : -1;
	sqlite3_finalize(st);
	return rc;
}

static int
migrate(struct lite_node *n)
{
	if (lite_exec(n, "CREATE TABLE IF NOT EXISTS schema_version("
			 "version INTEGER NOT NULL, applied_at TEXT NOT NULL)") != 0)
		return -1;
	int v = schema_version(n);
	if (v > LITE_SCHEMA_VERSION) {
		lite_log(n, "database schema version %d is newer than this build (%d)", v,
			 LITE_SCHEMA_VERSION);
		return -1;
	}
	if (lite_tx_begin(n) != 0)
		return -1;
	/* v1 the tables; v2 per-source fact counts for the read-path
	 * source_trust (a trigger, back-filled); v3 the lazy lexical index;
	 * v4 fewer B-trees per assert. Each runs once, in order. */
	static const char *const steps[] = {schema_v1, schema_v2, schema_v3, schema_v4};
	_Static_assert(sizeof steps / sizeof *steps == LITE_SCHEMA_VERSION,
		       "one migration step per schema version");
	for (int k = v; k < LITE_SCHEMA_VERSION; k++) {
		char ts[LITE_TS_MAX], sql[160];
		lite_wall_now(ts);
		snprintf(sql, sizeof sql,
			 "INSERT INTO schema_version(version, applied_at) VALUES (%d, '%s')", k + 1, ts);
		if (lite_exec(n, steps[k]) != 0 || lite_exec(n, sql) != 0)
			goto fail;
	}
	/* The other node files own their tables; their schema functions are
	 * idempotent (CREATE ... IF NOT EXISTS) and run on every open. */
	if (lite_chain_schema(n) != 0 || lite_card_schema(n) != 0 || lite_delivery_schema(n) != 0)
		goto fail;
	char buf[128];
	if (meta_get(n, "node_id", buf, sizeof buf) == 1) {
		snprintf(n->node_id, sizeof n->node_id, "%.79s", buf);
	} else {
		char u[37];
		lite_uuid4(u);
		snprintf(n->node_id, sizeof n->node_id, "stigmem:node:%s", u);
		if (meta_set(n, "node_id", n->node_id) != 0)
			goto fail;
	}
	if (meta_get(n, "key_salt", buf, sizeof buf) == 1 && strlen(buf) == 64) {
		for (int i = 0; i < 32; i++) {
			unsigned x;
			sscanf(buf + 2 * i, "%2x", &x);
			n->key_salt[i] = (unsigned char)x;
		}
	} else {
		if (RAND_bytes(n->key_salt, sizeof n->key_salt) != 1)
			goto fail;
		for (int i = 0; i < 32; i++)
			snprintf(buf + 2 * i, 3, "%02x", n->key_salt[i]);
		if (meta_set(n, "key_salt", buf) != 0)
			goto fail;
	}
	return lite_tx_commit(n);
fail:
	lite_tx_rollback(n);
	return -1;
}

/* LITE_SQL_PROFILE=1: print the slowest statements' total time on close. */
#define PROF_MAX 256
static struct {
	char sql[160];
	long long ns;
	long count;
} prof[PROF_MAX];
static int prof_n;
static pthread_mutex_t prof_lock = PTHREAD_MUTEX_INITIALIZER;

static int
prof_cb(unsigned type, void *ctx, void *p, void *x)
{
	(void)ctx;
	if (type != SQLITE_TRACE_PROFILE)
		return 0;
	const char *sql = sqlite3_sql((sqlite3_stmt *)p);
	long long ns = *(sqlite3_int64 *)x;
	if (!sql)
		return 0;
	pthread_mutex_lock(&prof_lock);
	int i;
	for (i = 0; i < prof_n; i++)
		if (strncmp(prof[i].sql, sql, sizeof prof[i].sql - 1) == 0)
			break;
	if (i == prof_n && prof_n < PROF_MAX)
		snprintf(prof[prof_n++].sql, sizeof prof[0].sql, "%s", sql);
	if (i < PROF_MAX) {
		prof[i].ns += ns;
		prof[i].count++;
	}
	pthread_mutex_unlock(&prof_lock);
	return 0;
}

static void
prof_dump(void)
{
	for (int k = 0; k < 15; k++) {
		int best = -1;
		for (int i = 0; i < prof_n; i++)
			if (prof[i].count >= 0 && (best < 0 || prof[i].ns > prof[best].ns))
				best = i;
		if (best < 0 || prof[best].count < 0)
			break;
		fprintf(stderr, "%8.1f ms %7ld  %s\n", (double)prof[best].ns / 1e6, prof[best].count,
			prof[best].sql);
		prof[best].count = -1;
	}
}

/* Process-wide SQLite settings, before its first use: no memory
 * statistics (each allocation took a global mutex to count itself). A
 * program that used SQLite earlier keeps its settings (the call then fails
 * harmlessly). */
static void
sqlite_setup(void)
{
	sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}

int
lite_store_open(struct lite_node *n, char *err, size_t err_cap)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;
	pthread_once(&once, sqlite_setup);
	/* No SQLite mutexes on the connection: only the thread holding the
	 * node lock uses it (see lite_internal.h). */
	int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
	if (sqlite3_open_v2(n->db_path, &n->db, flags, lite_walvfs()) != SQLITE_OK) {
		snprintf(err, err_cap, "cannot open database %s: %s", n->db_path,
			 n->db ? sqlite3_errmsg(n->db) : "out of memory");
		sqlite3_close(n->db);
		n->db = NULL;
		return -1;
	}
	sqlite3_busy_timeout(n->db, 5000);
	if (getenv("LITE_SQL_PROFILE"))
		sqlite3_trace_v2(n->db, SQLITE_TRACE_PROFILE, prof_cb, NULL);
	bool mem = strcmp(n->db_path, ":memory:") == 0;
	/* A scratch database is never synced, not even while it is created. */
	if (n->opt.scratch && lite_exec(n, "PRAGMA synchronous=OFF") != 0) {
		snprintf(err, err_cap, "cannot configure %s", n->db_path);
		goto fail;
	}
	if (!mem && lite_exec(n, "PRAGMA journal_mode=WAL") != 0) {
		snprintf(err, err_cap, "cannot enable WAL on %s", n->db_path);
		goto fail;
	}
	if (lite_exec(n, n->opt.scratch	    ? "PRAGMA synchronous=OFF"
			 : n->opt.sync_full ? "PRAGMA synchronous=FULL"
					    : "PRAGMA synchronous=NORMAL") != 0 ||
	    lite_exec(n, "PRAGMA foreign_keys=OFF") != 0 ||
	    lite_exec(n, "PRAGMA cache_size=-65536") != 0 ||
	    /* Reads through a memory map: recall visits many rows of a large
	     * table, and pread() per page showed up in profiles. */
	    lite_exec(n, "PRAGMA mmap_size=1073741824") != 0 ||
	    lite_exec(n, "PRAGMA temp_store=MEMORY") != 0 ||
	    /* Checkpoint every 16000 pages (64 MiB of WAL): each write dirties
	     * ~20 pages, mostly the same right-edge leaves, so a longer WAL
	     * copies each page back less often. */
	    lite_exec(n, "PRAGMA wal_autocheckpoint=16000") != 0) {
		snprintf(err, err_cap, "cannot configure %s", n->db_path);
		goto fail;
	}
	if (migrate(n) != 0) {
		snprintf(err, err_cap, "cannot create or migrate the schema of %s", n->db_path);
		goto fail;
	}
	n->fts_ready = true;
	n->fts_pending = LITE_FTS_LAG; /* unknown: the first commit looks */
	return 0;
fail:
	sqlite3_close(n->db);
	n->db = NULL;
	return -1;
}

void
lite_store_close(struct lite_node *n)
{
	if (!n->db)
		return;
	if (getenv("LITE_SQL_PROFILE"))
		prof_dump();
	for (int i = 0; i < n->n_stmt_cache; i++)
		sqlite3_finalize(n->stmt_cache[i].st);
	n->n_stmt_cache = 0;
	sqlite3_close_v2(n->db);
	n->db = NULL;
}

/* ---- fact rows ---------------------------------------------------------------- */

static const char *
col_text(sqlite3_stmt *st, int i)
{
	return (const char *)sqlite3_column_text(st, i);
}

void
lite_fact_row_load(sqlite3_stmt *st, int c, struct lite_fact_row *r)
{
	memset(r, 0, sizeof *r);
	r->seq = sqlite3_column_int64(st, c + 0);
	r->id = col_text(st, c + 1);
	r->entity = col_text(st, c + 2);
	r->relation = col_text(st, c + 3);
	r->value_type = col_text(st, c + 4);
	r->value_v = col_text(st, c + 5);
	r->value_v_len = r->value_v ? (size_t)sqlite3_column_bytes(st, c + 5) : 0;
	r->interpret_as = col_text(st, c + 6);
	r->source = col_text(st, c + 7);
	r->timestamp = col_text(st, c + 8);
	r->hlc = col_text(st, c + 9);
	r->received_from = col_text(st, c + 10);
	r->valid_until = col_text(st, c + 11);
	r->confidence = sqlite3_column_double(st, c + 12);
	r->scope = col_text(st, c + 13);
	r->attested_key_id = col_text(st, c + 14);
	r->garden_id = col_text(st, c + 15);
	r->cid = col_text(st, c + 16);
	r->derived_from = col_text(st, c + 17);
	r->tenant_id = col_text(st, c + 18);
}

int
lite_fact_get(struct lite_node *n, const char *id, const char *tenant, struct lite_fact_row *row,
	      sqlite3_stmt **st_out)
{
	*st_out = NULL;
	sqlite3_stmt *st = lite_prepare(
		n, tenant ? "SELECT " LITE_FACT_COLS " FROM facts WHERE id=? AND tenant_id=?"
			  : "SELECT " LITE_FACT_COLS " FROM facts WHERE id=?");
	if (!st)
		return -1;
	sqlite3_bind_text(st, 1, id, -1, SQLITE_TRANSIENT);
	if (tenant)
		sqlite3_bind_text(st, 2, tenant, -1, SQLITE_TRANSIENT);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		lite_fact_row_load(st, 0, row);
		*st_out = st;
		return 1;
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

double
lite_source_trust(struct lite_node *n, const char *source)
{
	/* Volume-based trust: 0.2 + 0.8 * k/(k+50) over the number k of facts
	 * asserted by the source, system writes fixed at 0.355 like the
	 * reference's recording. Rounded to 3 decimals. */
	if (!source)
		return 0.0;
	if (strcmp(source, "system:stigmem") == 0)
		return 0.355;
	sqlite3_stmt *st = lite_stmt(n, "SELECT n FROM source_stats WHERE source=?");
	long long k = 0;
	if (st) {
		sqlite3_bind_text(st, 1, source, -1, SQLITE_TRANSIENT);
		if (sqlite3_step(st) == SQLITE_ROW)
			k = sqlite3_column_int64(st, 0);
		lite_stmt_done(st);
	}
	double t = 0.2 + 0.8 * (double)k / ((double)k + 50.0);
	return round(t * 1000.0) / 1000.0;
}

cJSON *
lite_fact_json(struct lite_node *n, const struct lite_fact_row *r, unsigned flags, cJSON *warnings)
{
	bool read = (flags & LITE_FJ_READ) != 0;
	cJSON *o = cJSON_CreateObject();
	lite_json_add_str(o, "id", r->id);
	lite_json_add_str(o, "entity", r->entity);
	lite_json_add_str(o, "relation", r->relation);
	cJSON *val = cJSON_AddObjectToObject(o, "value");
	const char *vt = r->value_type ? r->value_type : "null";
	lite_json_add_str(val, "type", vt);
	cJSON *sw = cJSON_CreateArray();
	bool redacted = false;
	cJSON *v = NULL;
	if (read && (strcmp(vt, "string") == 0 || strcmp(vt, "text") == 0) && r->value_v) {
		size_t ln;
		char *clean = lite_sanitize_text(r->value_v, r->value_v_len, &ln);
		v = cJSON_CreateString(clean ? clean : "");
		if (clean)
			lite_sanitizer_warnings(clean, sw);
		free(clean);
	} else if (read && strcmp(vt, "ref") == 0 && !lite_ref_is_formal(r->value_v)) {
		v = cJSON_CreateNull();
		redacted = true;
	} else {
		v = lite_value_v_json(vt, r->value_v, r->value_v_len);
		if (read && strcmp(vt, "number") == 0 && cJSON_IsNull(v) && r->value_v) {
			redacted = true;
		} else if (read && strcmp(vt, "number") == 0 && cJSON_IsRaw(v)) {
			/* NaN/Inf are blanked by lite_json_float already. */
		}
	}
	cJSON_AddItemToObject(val, "v", v);
	lite_json_add_str(val, "interpret_as", r->interpret_as ? r->interpret_as : "content");
	lite_json_add_str(o, "source", r->source);
	lite_json_add_str(o, "timestamp", r->timestamp);
	lite_json_add_str(o, "hlc", r->hlc);
	lite_json_add_str(o, "received_from", r->received_from);
	lite_json_add_str(o, "valid_until", r->valid_until);
	lite_json_add_float(o, "confidence", r->confidence);
	lite_json_add_str(o, "scope", r->scope);
	lite_json_add_str(o, "attested_key_id", r->attested_key_id);
	cJSON_AddNullToObject(o, "origin_node_id");
	cJSON_AddNullToObject(o, "origin_allowed_scopes");
	lite_json_add_str(o, "garden_id", r->garden_id);
	cJSON_AddNullToObject(o, "attested");
	cJSON_AddBoolToObject(o, "contradicted", (flags & LITE_FJ_CONTRADICTED) != 0);
	cJSON_AddItemToObject(o, "warnings", warnings ? warnings : cJSON_CreateArray());
	if (read) {
		double t = lite_source_trust(n, r->source);
		lite_json_add_float(o, "source_trust", t);
		lite_json_add_str(o, "quarantine_status", NULL);
		lite_json_add_str(o, "quarantine_garden_id", NULL);
		lite_json_add_float(o, "effective_confidence", r->confidence * t);
	} else {
		cJSON_AddNullToObject(o, "source_trust");
		cJSON_AddNullToObject(o, "quarantine_status");
		cJSON_AddNullToObject(o, "quarantine_garden_id");
		cJSON_AddNullToObject(o, "effective_confidence");
	}
	cJSON_AddItemToObject(o, "sanitizer_warnings", sw);
	cJSON_AddBoolToObject(o, "sanitizer_redacted", redacted);
	lite_json_add_str(o, "cid", r->cid);
	cJSON *df = r->derived_from ? cJSON_Parse(r->derived_from) : NULL;
	if (!cJSON_IsArray(df)) {
		cJSON_Delete(df);
		df = cJSON_CreateArray();
	}
	cJSON_AddItemToObject(o, "derived_from", df);
	return o;
}

/* ---- write path ------------------------------------------------------------- */

static bool
is_system_name(const char *s)
{
	return strncmp(s, "stigmem:", 8) == 0 && strncmp(s, "stigmem://", 10) != 0;
}

/* Insert one fact row. cid may be NULL (system facts). */
static int
insert_row(struct lite_node *n, const struct lite_fact_row *r, const char *write_mode, int is_system)
{
	sqlite3_stmt *st = lite_stmt(
		n, "INSERT INTO facts(id, entity, relation, value_type, value_v, interpret_as, source,"
		   " timestamp, hlc, received_from, valid_until, confidence, scope, attested_key_id,"
		   " garden_id, cid, derived_from, tenant_id, write_mode, is_system)"
		   " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
	if (!st)
		return -1;
	sqlite3_bind_text(st, 1, r->id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, r->entity, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, r->relation, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, r->value_type, -1, SQLITE_STATIC);
	if (r->value_v)
		sqlite3_bind_text(st, 5, r->value_v, (int)r->value_v_len, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, r->interpret_as ? r->interpret_as : "content", -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 7, r->source, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 8, r->timestamp, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 9, r->hlc, -1, SQLITE_STATIC);
	if (r->received_from)
		sqlite3_bind_text(st, 10, r->received_from, -1, SQLITE_STATIC);
	if (r->valid_until)
		sqlite3_bind_text(st, 11, r->valid_until, -1, SQLITE_STATIC);
	sqlite3_bind_double(st, 12, r->confidence);
	sqlite3_bind_text(st, 13, r->scope, -1, SQLITE_STATIC);
	if (r->attested_key_id)
		sqlite3_bind_text(st, 14, r->attested_key_id, -1, SQLITE_STATIC);
	if (r->garden_id)
		sqlite3_bind_text(st, 15, r->garden_id, -1, SQLITE_STATIC);
	if (r->cid)
		sqlite3_bind_text(st, 16, r->cid, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 17, r->derived_from ? r->derived_from : "[]", -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 18, r->tenant_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 19, write_mode ? write_mode : "assert", -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 20, is_system);
	int rc = sqlite3_step(st) == SQLITE_DONE ? 0 : -1;
	if (rc)
		lite_log(n, "insert failed: %s", sqlite3_errmsg(n->db));
	else
		n->fts_pending++;
	lite_stmt_done(st);
	return rc;
}

/* A node-internal fact (no CID, no chain entry, no audit, no events). */
static int
insert_system_fact(struct lite_node *n, const char *entity, const char *relation,
		   const char *vtype, const char *v, const char *source, const char *scope,
		   const char *tenant, char id_out[LITE_ID_MAX])
{
	struct lite_fact_row r;
	memset(&r, 0, sizeof r);
	char id[37], ts[LITE_TS_MAX], hlc[LITE_HLC_MAX];
	lite_uuid4(id);
	lite_now(n, ts);
	lite_hlc(n, hlc);
	r.id = id;
	r.entity = entity;
	r.relation = relation;
	r.value_type = vtype;
	r.value_v = v;
	r.value_v_len = v ? strlen(v) : 0;
	r.interpret_as = "content";
	r.source = source;
	r.timestamp = ts;
	r.hlc = hlc;
	r.confidence = 1.0;
	r.scope = scope;
	r.derived_from = "[]";
	r.tenant_id = tenant;
	if (id_out)
		snprintf(id_out, LITE_ID_MAX, "%s", id);
	return insert_row(n, &r, "assert", 1);
}

static int
insert_audit(struct lite_node *n, const struct lite_fact_row *r, const char *principal)
{
	sqlite3_stmt *st = lite_stmt(
		n, "INSERT INTO audit(id, fact_id, event_type, entity_uri, source, ts, fact_entity,"
		   " fact_relation, fact_value_type, fact_value_v, fact_scope, tenant_id)"
		   " VALUES (?,?, 'fact_write', ?,?,?,?,?,?,?,?,?)");
	if (!st)
		return -1;
	char id[37], ts[LITE_TS_MAX];
	lite_uuid4(id);
	lite_now(n, ts);
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, r->id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, principal, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, r->source, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, ts, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, r->entity, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 7, r->relation, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 8, r->value_type, -1, SQLITE_STATIC);
	if (r->value_v)
		sqlite3_bind_text(st, 9, r->value_v, (int)r->value_v_len, SQLITE_STATIC);
	sqlite3_bind_text(st, 10, r->scope, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 11, r->tenant_id, -1, SQLITE_STATIC);
	int rc = sqlite3_step(st) == SQLITE_DONE ? 0 : -1;
	lite_stmt_done(st);
	return rc;
}

static int
insert_edge(struct lite_node *n, const struct lite_fact_row *r)
{
	sqlite3_stmt *st = lite_stmt(
		n, "INSERT INTO edges(src, dst, relation, fact_id, scope, confidence, tenant_id,"
		   " created_at) VALUES (?,?,?,?,?,?,?,?)");
	if (!st)
		return -1;
	sqlite3_bind_text(st, 1, r->entity, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, r->value_v, (int)r->value_v_len, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, r->relation, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, r->id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, r->scope, -1, SQLITE_STATIC);
	sqlite3_bind_double(st, 6, r->confidence);
	sqlite3_bind_text(st, 7, r->tenant_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 8, r->timestamp, -1, SQLITE_STATIC);
	int rc = sqlite3_step(st) == SQLITE_DONE ? 0 : -1;
	lite_stmt_done(st);
	return rc;
}

/* §3.6: a conflict row and two meta-facts per live sibling. */
static int
record_conflicts(struct lite_node *n, const struct lite_fact_row *f, int *count)
{
	*count = 0;
	if (is_system_name(f->entity) || is_system_name(f->relation))
		return 0;
	sqlite3_stmt *st = lite_stmt(
		n, "SELECT id FROM facts WHERE tenant_id=? AND entity=? AND relation=? AND scope=?"
		   " AND confidence > 0 AND id <> ? ORDER BY seq");
	if (!st)
		return -1;
	sqlite3_bind_text(st, 1, f->tenant_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, f->entity, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, f->relation, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, f->scope, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, f->id, -1, SQLITE_STATIC);
	/* Collect first: inserting while stepping over the same table is fine
	 * in SQLite but the new rows would be visited. */
	char (*ids)[LITE_ID_MAX] = NULL;
	size_t nid = 0, cap = 0;
	int rc = 0;
	while (sqlite3_step(st) == SQLITE_ROW) {
		if (nid == cap) {
			cap = cap ? cap * 2 : 8;
			void *p = realloc(ids, cap * sizeof *ids);
			if (!p) {
				rc = -1;
				break;
			}
			ids = p;
		}
		snprintf(ids[nid++], LITE_ID_MAX, "%s", col_text(st, 0));
	}
	lite_stmt_done(st);
	for (size_t i = 0; rc == 0 && i < nid; i++) {
		char u[37], cid[LITE_CONFLICT_ID_MAX], ts[LITE_TS_MAX];
		lite_uuid4(u);
		snprintf(cid, sizeof cid, "stigmem:conflict:%s", u);
		lite_now(n, ts);
		sqlite3_stmt *ins = lite_stmt(
			n, "INSERT INTO conflicts(id, fact_a, fact_b, status, detected_at, tenant_id)"
			   " VALUES (?,?,?, 'unresolved', ?, ?)");
		if (!ins) {
			rc = -1;
			break;
		}
		sqlite3_bind_text(ins, 1, cid, -1, SQLITE_STATIC);
		sqlite3_bind_text(ins, 2, f->id, -1, SQLITE_STATIC);
		sqlite3_bind_text(ins, 3, ids[i], -1, SQLITE_STATIC);
		sqlite3_bind_text(ins, 4, ts, -1, SQLITE_STATIC);
		sqlite3_bind_text(ins, 5, f->tenant_id, -1, SQLITE_STATIC);
		if (sqlite3_step(ins) != SQLITE_DONE)
			rc = -1;
		lite_stmt_done(ins);
		char between[2 * LITE_ID_MAX + 2];
		snprintf(between, sizeof between, "%s %s", f->id, ids[i]);
		if (rc == 0 &&
		    (insert_system_fact(n, cid, "stigmem:conflict:between", "text", between,
					"system:stigmem", f->scope, f->tenant_id, NULL) != 0 ||
		     insert_system_fact(n, cid, "stigmem:conflict:status", "string", "unresolved",
					"system:stigmem", f->scope, f->tenant_id, NULL) != 0))
			rc = -1;
		if (rc == 0)
			(*count)++;
	}
	free(ids);
	return rc;
}

int
lite_fact_assert(struct lite_node *n, const struct lite_fact_in *in, struct lite_fact_out *out,
		 char *err, size_t err_cap)
{
	memset(out, 0, sizeof *out);
	char *ent = NULL, *src = NULL;
	int rc = -1;
	/* Everything, the alias lookups of normalisation included, runs in
	 * the one write transaction (a statement outside it would take and
	 * drop the database read lock on its own). */
	if (lite_tx_begin(n) != 0) {
		snprintf(err, err_cap, "database busy");
		goto done;
	}
	ent = lite_normalize_uri(n, in->entity);
	src = lite_normalize_uri(n, in->source);
	if (!ent || !src) {
		lite_tx_rollback(n);
		snprintf(err, err_cap, "invalid_entity_uri: empty URI");
		goto done;
	}
	const char *scope = in->scope ? in->scope : "local";
	const char *tenant = in->tenant_id ? in->tenant_id : "default";
	size_t vlen = in->value_v_len == (size_t)-1 ? (in->value_v ? strlen(in->value_v) : 0)
						     : in->value_v_len;
	struct stg_cid_input ci = {
		.confidence = in->confidence,
		.entity = ent,
		.relation = in->relation,
		.scope = scope,
		.source = src,
		.value_type = in->value_type,
		.value_v = in->value_v,
		.value_v_len = vlen,
	};
	char cid[STG_HASH_MAX];
	if (!stg_cid_compute(&ci, cid)) {
		lite_tx_rollback(n);
		snprintf(err, err_cap, "cid computation failed");
		goto done;
	}
	/* §3.5 step 6: CID de-duplication within the tenant. */
	sqlite3_stmt *st =
		lite_stmt(n, "SELECT id, seq FROM facts WHERE cid=? AND tenant_id=? LIMIT 1");
	if (!st)
		goto fail;
	sqlite3_bind_text(st, 1, cid, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, tenant, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW) {
		snprintf(out->id, sizeof out->id, "%s", col_text(st, 0));
		out->seq = sqlite3_column_int64(st, 1);
		lite_stmt_done(st);
		out->deduplicated = true;
		if (lite_tx_commit(n) != 0)
			goto fail;
		rc = 0;
		goto done;
	}
	lite_stmt_done(st);

	struct lite_fact_row r;
	memset(&r, 0, sizeof r);
	char id[37], ts[LITE_TS_MAX], hlc[LITE_HLC_MAX];
	lite_uuid4(id);
	if (in->timestamp)
		snprintf(ts, sizeof ts, "%s", in->timestamp);
	else
		lite_now(n, ts);
	lite_hlc(n, hlc);
	r.id = id;
	r.entity = ent;
	r.relation = in->relation;
	r.value_type = in->value_type;
	r.value_v = in->value_v;
	r.value_v_len = vlen;
	r.interpret_as = in->interpret_as ? in->interpret_as : "content";
	r.source = src;
	r.timestamp = ts;
	r.hlc = hlc;
	r.valid_until = in->valid_until;
	r.confidence = in->confidence;
	r.scope = scope;
	r.cid = cid;
	r.derived_from = in->derived_from ? in->derived_from : "[]";
	r.tenant_id = tenant;
	if (insert_row(n, &r, in->write_mode, 0) != 0)
		goto fail;
	r.seq = sqlite3_last_insert_rowid(n->db);
	if (insert_audit(n, &r, in->principal ? in->principal : "anon:trusted") != 0)
		goto fail;
	if (strcmp(r.value_type, "ref") == 0 && r.value_v && lite_ref_is_formal(r.value_v) &&
	    insert_edge(n, &r) != 0)
		goto fail;
	if (lite_chain_on_insert(n, &r) != 0)
		goto fail;
	if (record_conflicts(n, &r, &out->n_conflicts) != 0)
		goto fail;
	out->contradicted = out->n_conflicts > 0;
	if (lite_card_mark_stale(n, ent, scope, tenant) != 0)
		goto fail;
	if (lite_subs_on_insert(n, &r) != 0)
		goto fail;
	if (lite_tx_commit(n) != 0)
		goto fail_nocommit;
	snprintf(out->id, sizeof out->id, "%s", id);
	out->seq = r.seq;
	rc = 0;
	goto done;
fail:
	lite_tx_rollback(n);
fail_nocommit:
	snprintf(err, err_cap, "database write failed: %s", sqlite3_errmsg(n->db));
done:
	free(ent);
	free(src);
	return rc;
}

int
lite_conflict_resolve(struct lite_node *n, const char *conflict_id, const char *winning_fact_id,
		      const char *new_type, const char *new_v, const char *principal,
		      char out_id[LITE_ID_MAX])
{
	sqlite3_stmt *st = lite_prepare(n, "SELECT fact_a, fact_b, status FROM conflicts WHERE id=?");
	if (!st)
		return 500;
	sqlite3_bind_text(st, 1, conflict_id, -1, SQLITE_TRANSIENT);
	if (sqlite3_step(st) != SQLITE_ROW) {
		sqlite3_finalize(st);
		return 404;
	}
	char fa[LITE_ID_MAX], fb[LITE_ID_MAX];
	snprintf(fa, sizeof fa, "%s", col_text(st, 0));
	snprintf(fb, sizeof fb, "%s", col_text(st, 1));
	bool resolved = strcmp(col_text(st, 2), "resolved") == 0;
	sqlite3_finalize(st);
	if (resolved)
		return 409;
	if (!new_type && !winning_fact_id)
		return 422;
	if (!new_type && strcmp(winning_fact_id, fa) != 0 && strcmp(winning_fact_id, fb) != 0)
		return 423; /* winner not one of the two: caller maps to its 422 text */
	struct lite_fact_row a, w;
	sqlite3_stmt *sa = NULL, *sw = NULL;
	if (lite_fact_get(n, fa, NULL, &a, &sa) != 1) {
		sqlite3_finalize(sa);
		return 500;
	}
	if (!new_type && lite_fact_get(n, winning_fact_id, NULL, &w, &sw) != 1) {
		sqlite3_finalize(sa);
		sqlite3_finalize(sw);
		return 500;
	}
	int status = 500;
	char ent[LITE_CONFLICT_ID_MAX + 32];
	snprintf(ent, sizeof ent, "stigmem:resolution:%s", conflict_id);
	char *scope = strdup(a.scope), *rel = strdup(a.relation);
	char *vt = strdup(new_type ? new_type : w.value_type);
	char *vv = new_type ? (new_v ? strdup(new_v) : NULL) : (w.value_v ? strdup(w.value_v) : NULL);
	sqlite3_finalize(sa);
	sqlite3_finalize(sw);
	if (!scope || !rel || !vt)
		goto out;
	if (lite_tx_begin(n) != 0)
		goto out;
	char rid[LITE_ID_MAX];
	if (insert_system_fact(n, ent, rel, vt, vv, principal, scope, "default", rid) != 0 ||
	    insert_system_fact(n, rid, "stigmem:resolves", "ref", conflict_id, "system:stigmem",
			       scope, "default", NULL) != 0 ||
	    insert_system_fact(n, conflict_id, "stigmem:conflict:status", "string", "resolved",
			       "system:stigmem", scope, "default", NULL) != 0) {
		lite_tx_rollback(n);
		goto out;
	}
	st = lite_prepare(n, "UPDATE conflicts SET status='resolved', resolved_by=? WHERE id=?");
	if (!st || (sqlite3_bind_text(st, 1, rid, -1, SQLITE_STATIC),
		    sqlite3_bind_text(st, 2, conflict_id, -1, SQLITE_TRANSIENT),
		    sqlite3_step(st) != SQLITE_DONE)) {
		sqlite3_finalize(st);
		lite_tx_rollback(n);
		goto out;
	}
	sqlite3_finalize(st);
	if (lite_tx_commit(n) != 0)
		goto out;
	snprintf(out_id, LITE_ID_MAX, "%s", rid);
	status = 200;
out:
	free(scope);
	free(rel);
	free(vt);
	free(vv);
	return status;
}
