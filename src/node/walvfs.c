/* walvfs.c — an SQLite VFS that writes each WAL commit in one system call.
 *
 * SQLite appends a commit to the write-ahead log as two pwrite()s per
 * page (a 24-byte frame header, then the page); an assert touches a dozen
 * pages, so most of a commit's kernel time was the calls themselves. This
 * VFS wraps the default one: every file except a WAL is the default's own
 * (opened in place, no indirection); a WAL file gathers consecutive
 * writes in a buffer and writes them at once:
 *   - when the page of a commit frame (frame header with a non-zero
 *     database size) arrives, so a commit is on disk, as far as SQLite
 *     knows, exactly when it was before, and a failed write fails the
 *     commit with the same error;
 *   - before any other operation on the file (read, sync, truncate, size,
 *     lock, close, file control) and before a write that does not follow
 *     on, so the file always reads as SQLite wrote it.
 * Frames of a transaction that spills before its commit may wait in the
 * buffer; nothing reads them before that commit (readers see only frames
 * up to a commit, and this connection's own reads flush first).
 *
 * Registered once per process under LITE_WALVFS_NAME, never as default. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "node/lite_internal.h"

/* Below the unix VFS's largest single write (it masks lengths to 17 bits). */
#define WAL_BUF_CAP (120 * 1024)
_Static_assert(WAL_BUF_CAP <= 0x1ffff, "the unix VFS writes at most 0x1ffff bytes at once");
#define WAL_FRAME_HDR 24

struct wal_file {
	sqlite3_file base;           /* pMethods = &wal_io */
	sqlite3_file *real;          /* the default VFS's file, right after this struct */
	char *buf;                   /* pending bytes (malloc'd, WAL_BUF_CAP) */
	size_t len;
	sqlite3_int64 off;           /* file offset of buf[0] */
	bool commit_next;            /* the last write was a commit frame's header */
};

static sqlite3_vfs *root_vfs;
static sqlite3_vfs wal_vfs;
static sqlite3_io_methods wal_io;
static int register_rc = SQLITE_ERROR;

static int
wal_flush(struct wal_file *f)
{
	if (f->len == 0)
		return SQLITE_OK;
	int rc = f->real->pMethods->xWrite(f->real, f->buf, (int)f->len, f->off);
	f->len = 0;
	return rc;
}

static int
wal_write(sqlite3_file *p, const void *data, int n, sqlite3_int64 off)
{
	struct wal_file *f = (struct wal_file *)p;
	bool commit_page = f->commit_next;
	f->commit_next = false;
	if (n == WAL_FRAME_HDR) {
		const unsigned char *h = data;
		f->commit_next = (h[4] | h[5] | h[6] | h[7]) != 0;
	}
	if (f->len > 0 && (off != f->off + (sqlite3_int64)f->len ||
			   f->len + (size_t)n > WAL_BUF_CAP)) {
		int rc = wal_flush(f);
		if (rc != SQLITE_OK)
			return rc;
	}
	if ((size_t)n > WAL_BUF_CAP)
		return f->real->pMethods->xWrite(f->real, data, n, off);
	if (f->len == 0)
		f->off = off;
	memcpy(f->buf + f->len, data, (size_t)n);
	f->len += (size_t)n;
	return commit_page ? wal_flush(f) : SQLITE_OK;
}

static int
wal_close(sqlite3_file *p)
{
	struct wal_file *f = (struct wal_file *)p;
	int rc = wal_flush(f);
	int rc2 = f->real->pMethods->xClose(f->real);
	free(f->buf);
	f->buf = NULL;
	return rc != SQLITE_OK ? rc : rc2;
}

/* Every other method: flush, then the real file's. */
#define FLUSHED(f, call)                                   \
	do {                                               \
		int rc_ = wal_flush(f);                    \
		if (rc_ != SQLITE_OK)                      \
			return rc_;                        \
		return f->real->pMethods->call;            \
	} while (0)

static int
wal_read(sqlite3_file *p, void *out, int n, sqlite3_int64 off)
{
	struct wal_file *f = (struct wal_file *)p;
	FLUSHED(f, xRead(f->real, out, n, off));
}

static int
wal_truncate(sqlite3_file *p, sqlite3_int64 size)
{
	struct wal_file *f = (struct wal_file *)p;
	FLUSHED(f, xTruncate(f->real, size));
}

static int
wal_sync(sqlite3_file *p, int flags)
{
	struct wal_file *f = (struct wal_file *)p;
	FLUSHED(f, xSync(f->real, flags));
}

static int
wal_size(sqlite3_file *p, sqlite3_int64 *size)
{
	struct wal_file *f = (struct wal_file *)p;
	FLUSHED(f, xFileSize(f->real, size));
}

static int
wal_lock(sqlite3_file *p, int level)
{
	struct wal_file *f = (struct wal_file *)p;
	FLUSHED(f, xLock(f->real, level));
}

static int
wal_unlock(sqlite3_file *p, int level)
{
	struct wal_file *f = (struct wal_file *)p;
	FLUSHED(f, xUnlock(f->real, level));
}

static int
wal_check_lock(sqlite3_file *p, int *out)
{
	struct wal_file *f = (struct wal_file *)p;
	return f->real->pMethods->xCheckReservedLock(f->real, out);
}

static int
wal_fcntl(sqlite3_file *p, int op, void *arg)
{
	struct wal_file *f = (struct wal_file *)p;
	FLUSHED(f, xFileControl(f->real, op, arg));
}

static int
wal_sector(sqlite3_file *p)
{
	struct wal_file *f = (struct wal_file *)p;
	return f->real->pMethods->xSectorSize(f->real);
}

static int
wal_devchar(sqlite3_file *p)
{
	struct wal_file *f = (struct wal_file *)p;
	return f->real->pMethods->xDeviceCharacteristics(f->real);
}

static int
vfs_open(sqlite3_vfs *vfs, sqlite3_filename name, sqlite3_file *p, int flags, int *out_flags)
{
	(void)vfs;
	if (!(flags & SQLITE_OPEN_WAL))
		/* Not a WAL: the default VFS's file in our (larger) slot. */
		return root_vfs->xOpen(root_vfs, name, p, flags, out_flags);
	struct wal_file *f = (struct wal_file *)p;
	memset(f, 0, sizeof *f);
	f->real = (sqlite3_file *)(f + 1);
	f->buf = malloc(WAL_BUF_CAP);
	if (!f->buf)
		return SQLITE_NOMEM;
	int rc = root_vfs->xOpen(root_vfs, name, f->real, flags, out_flags);
	if (rc != SQLITE_OK) {
		free(f->buf);
		f->buf = NULL;
		return rc; /* pMethods stays NULL: SQLite will not close it */
	}
	f->base.pMethods = &wal_io;
	return SQLITE_OK;
}

/* The rest of the VFS is the default's. */
static int
vfs_delete(sqlite3_vfs *v, const char *name, int sync_dir)
{
	(void)v;
	return root_vfs->xDelete(root_vfs, name, sync_dir);
}

static int
vfs_access(sqlite3_vfs *v, const char *name, int flags, int *out)
{
	(void)v;
	return root_vfs->xAccess(root_vfs, name, flags, out);
}

static int
vfs_full_path(sqlite3_vfs *v, const char *name, int n, char *out)
{
	(void)v;
	return root_vfs->xFullPathname(root_vfs, name, n, out);
}

static void *
vfs_dlopen(sqlite3_vfs *v, const char *name)
{
	(void)v;
	return root_vfs->xDlOpen(root_vfs, name);
}

static void
vfs_dlerror(sqlite3_vfs *v, int n, char *out)
{
	(void)v;
	root_vfs->xDlError(root_vfs, n, out);
}

static void (*vfs_dlsym(sqlite3_vfs *v, void *h, const char *sym))(void)
{
	(void)v;
	return root_vfs->xDlSym(root_vfs, h, sym);
}

static void
vfs_dlclose(sqlite3_vfs *v, void *h)
{
	(void)v;
	root_vfs->xDlClose(root_vfs, h);
}

static int
vfs_random(sqlite3_vfs *v, int n, char *out)
{
	(void)v;
	return root_vfs->xRandomness(root_vfs, n, out);
}

static int
vfs_sleep(sqlite3_vfs *v, int us)
{
	(void)v;
	return root_vfs->xSleep(root_vfs, us);
}

static int
vfs_time(sqlite3_vfs *v, double *out)
{
	(void)v;
	return root_vfs->xCurrentTime(root_vfs, out);
}

static int
vfs_last_error(sqlite3_vfs *v, int n, char *out)
{
	(void)v;
	return root_vfs->xGetLastError ? root_vfs->xGetLastError(root_vfs, n, out) : 0;
}

static int
vfs_time64(sqlite3_vfs *v, sqlite3_int64 *out)
{
	(void)v;
	return root_vfs->xCurrentTimeInt64(root_vfs, out);
}

static void
register_once(void)
{
	root_vfs = sqlite3_vfs_find(NULL);
	if (!root_vfs || root_vfs->iVersion < 2)
		return;
	wal_io = (sqlite3_io_methods){
		.iVersion = 1,
		.xClose = wal_close,
		.xRead = wal_read,
		.xWrite = wal_write,
		.xTruncate = wal_truncate,
		.xSync = wal_sync,
		.xFileSize = wal_size,
		.xLock = wal_lock,
		.xUnlock = wal_unlock,
		.xCheckReservedLock = wal_check_lock,
		.xFileControl = wal_fcntl,
		.xSectorSize = wal_sector,
		.xDeviceCharacteristics = wal_devchar,
	};
	wal_vfs = (sqlite3_vfs){
		.iVersion = 2,
		.szOsFile = (int)sizeof(struct wal_file) + root_vfs->szOsFile,
		.mxPathname = root_vfs->mxPathname,
		.zName = LITE_WALVFS_NAME,
		.xOpen = vfs_open,
		.xDelete = vfs_delete,
		.xAccess = vfs_access,
		.xFullPathname = vfs_full_path,
		.xDlOpen = vfs_dlopen,
		.xDlError = vfs_dlerror,
		.xDlSym = vfs_dlsym,
		.xDlClose = vfs_dlclose,
		.xRandomness = vfs_random,
		.xSleep = vfs_sleep,
		.xCurrentTime = vfs_time,
		.xGetLastError = vfs_last_error,
		.xCurrentTimeInt64 = vfs_time64,
	};
	register_rc = sqlite3_vfs_register(&wal_vfs, 0);
}

const char *
lite_walvfs(void)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;
	pthread_once(&once, register_once);
	return register_rc == SQLITE_OK ? LITE_WALVFS_NAME : NULL;
}
