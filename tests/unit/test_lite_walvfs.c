/* test_lite_walvfs.c — the WAL-gathering VFS of stigmem-lite
 * (src/node/walvfs.c): what it writes is exactly what SQLite would have
 * written. A second connection through the default VFS (another reader,
 * as the sqlite3 tool would be) sees every commit as soon as it returns;
 * commits larger than the gathering buffer, transactions that spill pages
 * before committing or roll back, checkpoints and a process killed right
 * after its commits all leave a database that passes integrity_check with
 * every committed row. */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "node/lite_internal.h"

static void
unlink_db(const char *db)
{
	char p[256];
	unlink(db);
	snprintf(p, sizeof p, "%s-wal", db);
	unlink(p);
	snprintf(p, sizeof p, "%s-shm", db);
	unlink(p);
}

static sqlite3 *
open_db(const char *db, const char *vfs)
{
	sqlite3 *h = NULL;
	assert_int_equal(sqlite3_open_v2(db, &h, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, vfs),
			 SQLITE_OK);
	sqlite3_busy_timeout(h, 5000);
	return h;
}

static void
exec_ok(sqlite3 *h, const char *sql)
{
	char *e = NULL;
	int rc = sqlite3_exec(h, sql, NULL, NULL, &e);
	if (rc != SQLITE_OK)
		fprintf(stderr, "%s: %s\n", sql, e ? e : "?");
	sqlite3_free(e);
	assert_int_equal(rc, SQLITE_OK);
}

static long long
one(sqlite3 *h, const char *sql)
{
	sqlite3_stmt *st = NULL;
	long long v = -1;
	assert_int_equal(sqlite3_prepare_v2(h, sql, -1, &st, NULL), SQLITE_OK);
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

static void
integrity_ok(sqlite3 *h)
{
	sqlite3_stmt *st = NULL;
	assert_int_equal(sqlite3_prepare_v2(h, "PRAGMA integrity_check", -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_string_equal((const char *)sqlite3_column_text(st, 0), "ok");
	sqlite3_finalize(st);
}

static sqlite3 *
writer(const char *db)
{
	const char *vfs = lite_walvfs();
	assert_non_null(vfs);
	sqlite3 *w = open_db(db, vfs);
	exec_ok(w, "PRAGMA journal_mode=WAL");
	exec_ok(w, "PRAGMA synchronous=NORMAL");
	exec_ok(w, "PRAGMA mmap_size=67108864");
	exec_ok(w, "CREATE TABLE IF NOT EXISTS t(k INTEGER PRIMARY KEY, tag TEXT, v BLOB)");
	exec_ok(w, "CREATE INDEX IF NOT EXISTS t_tag ON t(tag)");
	return w;
}

/* Every commit is visible to another connection at once, small and large
 * (a 600 KiB commit is several buffer loads). */
static void
t_reader_sees_each_commit(void **state)
{
	(void)state;
	unlink_db("wv1.db");
	sqlite3 *w = writer("wv1.db");
	sqlite3 *r = open_db("wv1.db", NULL);
	for (int i = 1; i <= 300; i++) {
		char sql[200];
		int blob = i % 50 == 0 ? 600 * 1024 : 100 + i;
		snprintf(sql, sizeof sql,
			 "INSERT INTO t(k, tag, v) VALUES (%d, 'tag-%d', zeroblob(%d))", i, i % 17, blob);
		exec_ok(w, sql);
		assert_int_equal(one(r, "SELECT count(*) FROM t"), i);
		snprintf(sql, sizeof sql, "SELECT length(v) FROM t WHERE k = %d", i);
		assert_int_equal(one(r, sql), blob);
	}
	integrity_ok(r);
	sqlite3_close(r);
	sqlite3_close(w);
}

/* A transaction bigger than the page cache spills frames before its
 * commit; one that spills and rolls back leaves nothing; checkpoints copy
 * what was committed. */
static void
t_spill_rollback_checkpoint(void **state)
{
	(void)state;
	unlink_db("wv2.db");
	sqlite3 *w = writer("wv2.db");
	exec_ok(w, "PRAGMA cache_size=20");
	exec_ok(w, "BEGIN");
	exec_ok(w, "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM n WHERE i < 4000) "
		   "INSERT INTO t(k, tag, v) SELECT i, 'spill-' || (i % 97), randomblob(300) FROM n");
	exec_ok(w, "COMMIT");
	exec_ok(w, "BEGIN");
	exec_ok(w, "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM n WHERE i < 4000) "
		   "INSERT INTO t(k, tag, v) SELECT 10000 + i, 'gone', randomblob(300) FROM n");
	exec_ok(w, "UPDATE t SET tag = 'changed' WHERE k <= 2000");
	exec_ok(w, "ROLLBACK");
	exec_ok(w, "UPDATE t SET tag = 'kept' WHERE k % 2 = 0");
	sqlite3 *r = open_db("wv2.db", NULL);
	assert_int_equal(one(r, "SELECT count(*) FROM t"), 4000);
	assert_int_equal(one(r, "SELECT count(*) FROM t WHERE tag = 'gone' OR tag = 'changed'"), 0);
	assert_int_equal(one(r, "SELECT count(*) FROM t WHERE tag = 'kept'"), 2000);
	integrity_ok(r);
	exec_ok(w, "PRAGMA wal_checkpoint(TRUNCATE)");
	exec_ok(w, "INSERT INTO t(k, tag, v) VALUES (99999, 'after', x'01')");
	assert_int_equal(one(r, "SELECT count(*) FROM t"), 4001);
	integrity_ok(r);
	sqlite3_close(r);
	sqlite3_close(w);
}

/* A process killed right after its commits (no close, no checkpoint)
 * loses none of them. */
static void
t_killed_after_commit(void **state)
{
	(void)state;
	unlink_db("wv3.db");
	int pfd[2];
	assert_int_equal(pipe(pfd), 0);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		close(pfd[0]);
		sqlite3 *w = writer("wv3.db");
		int done = 0;
		for (int i = 1; i <= 500; i++) {
			char sql[160];
			snprintf(sql, sizeof sql,
				 "INSERT INTO t(k, tag, v) VALUES (%d, 'k', randomblob(%d))", i,
				 i % 100 == 0 ? 200000 : 64);
			if (sqlite3_exec(w, sql, NULL, NULL, NULL) != SQLITE_OK)
				break;
			done = i;
		}
		if (write(pfd[1], &done, sizeof done) != (ssize_t)sizeof done)
			_exit(3);
		for (;;)
			pause();
	}
	close(pfd[1]);
	int done = 0;
	assert_int_equal(read(pfd[0], &done, sizeof done), (ssize_t)sizeof done);
	close(pfd[0]);
	kill(pid, SIGKILL);
	int status;
	waitpid(pid, &status, 0);
	assert_int_equal(done, 500);
	sqlite3 *r = open_db("wv3.db", NULL);
	assert_int_equal(one(r, "SELECT count(*) FROM t"), 500);
	assert_int_equal(one(r, "SELECT max(k) FROM t"), 500);
	integrity_ok(r);
	sqlite3_close(r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(t_reader_sees_each_commit),
		cmocka_unit_test(t_spill_rollback_checkpoint),
		cmocka_unit_test(t_killed_after_commit),
	};
	return cmocka_run_group_tests_name("lite_walvfs", tests, NULL, NULL);
}
