#include "store/walvfs.h"

#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

/* Held writes of one WAL file: the bytes [off, off + len) not yet given
 * to the real file. A write that would pass RUN_MAX, or does not continue
 * the run (SQLite rewriting a frame of the same transaction), writes the
 * run first. SQLite's unix VFS writes at most 0x1ffff bytes per pwrite()
 * (it masks the length, so a longer write would come back short and be
 * reported as a full disk): a run stays within that, 31 frames of 4 KiB
 * pages, more than a group commit writes. */
#define RUN_MAX 0x1ffff

struct wal_file {
	sqlite3_file base;
	sqlite3_file *inner; /* the real file, allocated after this struct */
	int is_wal;
	unsigned char *buf;
	size_t len, cap;
	sqlite3_int64 off;
	/* A failed write of a run flushed where nobody could be told (a
	 * barrier): the next operation on the file reports it. */
	int err;
	struct wal_file *next; /* the process's open WAL files */
};

static sqlite3_vfs *real;
static sqlite3_vfs shim;
/* One thread per process (store/db.c): a plain list. */
static struct wal_file *wal_files;

#define INNER(f) (((struct wal_file *)(f))->inner)

/* Give the held run to the real file: SQLITE_OK, or the real write's
 * error (also one kept from a flush nobody could be told of). The run is
 * gone either way: the write it stood for has failed, and SQLite abandons
 * the transaction. */
static int flush(struct wal_file *w)
{
	int rc = w->err;
	w->err = SQLITE_OK;
	if (w->len) {
		int wrc = w->inner->pMethods->xWrite(w->inner, w->buf, (int)w->len, w->off);
		w->len = 0;
		if (rc == SQLITE_OK)
			rc = wrc;
	}
	return rc;
}

/* Before another connection can learn of new frames (store/walvfs.h). A
 * commit has written them already (its sync); this is for any path
 * without one. */
static void flush_all(void)
{
	for (struct wal_file *w = wal_files; w; w = w->next)
		if (w->len)
			w->err = flush(w);
}

static int x_close(sqlite3_file *f)
{
	struct wal_file *w = (struct wal_file *)f;
	int rc = w->is_wal ? flush(w) : SQLITE_OK;
	if (w->is_wal) {
		for (struct wal_file **p = &wal_files; *p; p = &(*p)->next)
			if (*p == w) {
				*p = w->next;
				break;
			}
		free(w->buf);
		w->buf = NULL;
	}
	int rc2 = w->inner->pMethods ? w->inner->pMethods->xClose(w->inner) : SQLITE_OK;
	return rc != SQLITE_OK ? rc : rc2;
}

static int x_read(sqlite3_file *f, void *p, int n, sqlite3_int64 off)
{
	struct wal_file *w = (struct wal_file *)f;
	int rc = w->is_wal ? flush(w) : SQLITE_OK;
	return rc != SQLITE_OK ? rc : w->inner->pMethods->xRead(w->inner, p, n, off);
}

static int x_write(sqlite3_file *f, const void *p, int n, sqlite3_int64 off)
{
	struct wal_file *w = (struct wal_file *)f;
	if (!w->is_wal || n <= 0)
		return w->inner->pMethods->xWrite(w->inner, p, n, off);
	if (w->err || (w->len && (off != w->off + (sqlite3_int64)w->len || w->len + (size_t)n > RUN_MAX))) {
		int rc = flush(w);
		if (rc != SQLITE_OK)
			return rc;
	}
	if ((size_t)n > RUN_MAX)
		return w->inner->pMethods->xWrite(w->inner, p, n, off);
	if (w->len + (size_t)n > w->cap) {
		size_t cap = w->cap ? w->cap : 64 * 1024;
		while (cap < w->len + (size_t)n)
			cap *= 2;
		unsigned char *b = realloc(w->buf, cap);
		if (!b) { /* no room to hold it: written as it comes */
			int rc = flush(w);
			return rc != SQLITE_OK ? rc : w->inner->pMethods->xWrite(w->inner, p, n, off);
		}
		w->buf = b;
		w->cap = cap;
	}
	if (!w->len)
		w->off = off;
	memcpy(w->buf + w->len, p, (size_t)n);
	w->len += (size_t)n;
	return SQLITE_OK;
}

static int x_sync(sqlite3_file *f, int flags)
{
	struct wal_file *w = (struct wal_file *)f;
	int rc = w->is_wal ? flush(w) : SQLITE_OK;
	return rc != SQLITE_OK ? rc : w->inner->pMethods->xSync(w->inner, flags);
}

static int x_truncate(sqlite3_file *f, sqlite3_int64 n)
{
	struct wal_file *w = (struct wal_file *)f;
	int rc = w->is_wal ? flush(w) : SQLITE_OK;
	return rc != SQLITE_OK ? rc : w->inner->pMethods->xTruncate(w->inner, n);
}

static int x_size(sqlite3_file *f, sqlite3_int64 *n)
{
	struct wal_file *w = (struct wal_file *)f;
	int rc = w->is_wal ? flush(w) : SQLITE_OK;
	return rc != SQLITE_OK ? rc : w->inner->pMethods->xFileSize(w->inner, n);
}

static int x_control(sqlite3_file *f, int op, void *arg)
{
	struct wal_file *w = (struct wal_file *)f;
	if (w->is_wal && w->len)
		w->err = flush(w);
	return w->inner->pMethods->xFileControl(w->inner, op, arg);
}

static int x_shm_lock(sqlite3_file *f, int off, int n, int flags)
{
	flush_all();
	return INNER(f)->pMethods->xShmLock(INNER(f), off, n, flags);
}

static void x_shm_barrier(sqlite3_file *f)
{
	flush_all();
	INNER(f)->pMethods->xShmBarrier(INNER(f));
}

/* The rest forward as they are. */
static int x_lock(sqlite3_file *f, int l)
{
	return INNER(f)->pMethods->xLock(INNER(f), l);
}
static int x_unlock(sqlite3_file *f, int l)
{
	return INNER(f)->pMethods->xUnlock(INNER(f), l);
}
static int x_check_lock(sqlite3_file *f, int *out)
{
	return INNER(f)->pMethods->xCheckReservedLock(INNER(f), out);
}
static int x_sector(sqlite3_file *f)
{
	return INNER(f)->pMethods->xSectorSize(INNER(f));
}
static int x_dev(sqlite3_file *f)
{
	return INNER(f)->pMethods->xDeviceCharacteristics(INNER(f));
}
static int x_shm_map(sqlite3_file *f, int pg, int sz, int extend, void volatile **pp)
{
	return INNER(f)->pMethods->xShmMap(INNER(f), pg, sz, extend, pp);
}
static int x_shm_unmap(sqlite3_file *f, int del)
{
	return INNER(f)->pMethods->xShmUnmap(INNER(f), del);
}

/* Version 2, as store/faultvfs.c: no memory mapping of the database. */
static const sqlite3_io_methods shim_io = {
	2,	    x_close,	   x_read,	 x_write,   x_truncate, x_sync, x_size,
	x_lock,	    x_unlock,	   x_check_lock, x_control, x_sector,	x_dev,	x_shm_map,
	x_shm_lock, x_shm_barrier, x_shm_unmap,	 NULL,	    NULL,
};

static int x_open(sqlite3_vfs *vfs, const char *name, sqlite3_file *f, int flags, int *out_flags)
{
	(void)vfs;
	struct wal_file *w = (struct wal_file *)f;
	memset(w, 0, sizeof(*w));
	w->inner = (sqlite3_file *)(w + 1);
	int rc = real->xOpen(real, name, w->inner, flags, out_flags);
	/* Set whenever the real file has methods: SQLite then calls x_close
	 * even after a failed open, and the real handle is closed with it. */
	w->base.pMethods = rc == SQLITE_OK || w->inner->pMethods ? &shim_io : NULL;
	if (rc == SQLITE_OK && (flags & SQLITE_OPEN_WAL)) {
		w->is_wal = 1;
		w->next = wal_files;
		wal_files = w;
	}
	return rc;
}

void walvfs_register(void)
{
	if (real)
		return;
	real = sqlite3_vfs_find(NULL);
	if (!real)
		return;
	shim = *real;
	shim.zName = "tandem-wal";
	shim.szOsFile = (int)sizeof(struct wal_file) + real->szOsFile;
	shim.xOpen = x_open;
	shim.pNext = NULL;
	sqlite3_vfs_register(&shim, 1);
}
