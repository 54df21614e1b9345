#include "store/faultvfs.h"

#ifdef TANDEM_TESTING
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* A VFS over the default one whose files fail the operations that
 * $TANDEM_DATA/test-faults names: one line "read", "write" or "fsync",
 * optionally with a count ("fsync 2": the next two fail in each process).
 * The file is read again whenever it changes; removing it ends the fault.
 * "stmt TEXT" instead fails every statement whose SQL holds TEXT, while it
 * runs (a progress handler interrupts it: SQLITE_INTERRUPT), so a test can
 * fail one statement in the middle of a page. */

static sqlite3_vfs *real;
static sqlite3_vfs shim;
static char fault_path[4200];

enum { OP_READ, OP_WRITE, OP_SYNC, OP_COUNT };
static const char *const op_names[OP_COUNT] = {"read", "write", "fsync"};
static long remaining[OP_COUNT]; /* -1: every one fails; 0: none */
static char stmt_fault[256];	 /* "": no statement fails */
static struct timespec seen_mtime;
static int seen_exists;

static void reload(void)
{
	struct stat sb;
	int exists = stat(fault_path, &sb) == 0;
	if (exists == seen_exists &&
	    (!exists || (sb.st_mtim.tv_sec == seen_mtime.tv_sec && sb.st_mtim.tv_nsec == seen_mtime.tv_nsec)))
		return;
	seen_exists = exists;
	memset(remaining, 0, sizeof(remaining));
	stmt_fault[0] = '\0';
	if (!exists)
		return;
	seen_mtime = sb.st_mtim;
	FILE *f = fopen(fault_path, "r");
	char line[300] = "", op[16] = "";
	long n = -1;
	if (f) {
		if (!fgets(line, sizeof(line), f) || sscanf(line, "%15s %ld", op, &n) < 1)
			op[0] = '\0';
		fclose(f);
	}
	line[strcspn(line, "\n")] = '\0';
	if (strcmp(op, "stmt") == 0 && strlen(line) > 5)
		snprintf(stmt_fault, sizeof(stmt_fault), "%.255s", line + 5);
	for (int i = 0; i < OP_COUNT; i++)
		if (strcmp(op, op_names[i]) == 0)
			remaining[i] = n > 0 ? n : -1;
}

/* SQLite's progress handler: interrupt a running statement whose SQL
 * holds the text of a "stmt" fault. */
static int stmt_progress(void *arg)
{
	if (!stmt_fault[0])
		return 0;
	for (sqlite3_stmt *p = sqlite3_next_stmt(arg, NULL); p; p = sqlite3_next_stmt(arg, p)) {
		const char *sql = sqlite3_sql(p);
		if (sqlite3_stmt_busy(p) && sql && strstr(sql, stmt_fault))
			return 1;
	}
	return 0;
}

void faultvfs_watch(struct sqlite3 *h)
{
	if (real)
		sqlite3_progress_handler(h, 1, stmt_progress, h);
}

void faultvfs_refresh(void)
{
	if (real)
		reload();
}

/* 1 when this operation is to fail. */
static int fails(int op)
{
	reload();
	if (remaining[op] == 0)
		return 0;
	if (remaining[op] > 0)
		remaining[op]--;
	return 1;
}

struct shim_file {
	sqlite3_file base;
	sqlite3_file *inner; /* the real file, allocated after this struct */
};

static int x_close(sqlite3_file *f)
{
	struct shim_file *s = (struct shim_file *)f;
	return s->inner->pMethods ? s->inner->pMethods->xClose(s->inner) : SQLITE_OK;
}

static int x_read(sqlite3_file *f, void *p, int n, sqlite3_int64 off)
{
	struct shim_file *s = (struct shim_file *)f;
	if (fails(OP_READ))
		return SQLITE_IOERR_READ;
	return s->inner->pMethods->xRead(s->inner, p, n, off);
}

static int x_write(sqlite3_file *f, const void *p, int n, sqlite3_int64 off)
{
	struct shim_file *s = (struct shim_file *)f;
	if (fails(OP_WRITE))
		return SQLITE_IOERR_WRITE;
	return s->inner->pMethods->xWrite(s->inner, p, n, off);
}

static int x_sync(sqlite3_file *f, int flags)
{
	struct shim_file *s = (struct shim_file *)f;
	if (fails(OP_SYNC))
		return SQLITE_IOERR_FSYNC;
	return s->inner->pMethods->xSync(s->inner, flags);
}

/* The rest forward as they are. */
#define INNER(f) (((struct shim_file *)(f))->inner)
static int x_truncate(sqlite3_file *f, sqlite3_int64 n)
{
	return INNER(f)->pMethods->xTruncate(INNER(f), n);
}
static int x_size(sqlite3_file *f, sqlite3_int64 *n)
{
	return INNER(f)->pMethods->xFileSize(INNER(f), n);
}
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
static int x_control(sqlite3_file *f, int op, void *arg)
{
	return INNER(f)->pMethods->xFileControl(INNER(f), op, arg);
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
static int x_shm_lock(sqlite3_file *f, int off, int n, int flags)
{
	return INNER(f)->pMethods->xShmLock(INNER(f), off, n, flags);
}
static void x_shm_barrier(sqlite3_file *f)
{
	INNER(f)->pMethods->xShmBarrier(INNER(f));
}
static int x_shm_unmap(sqlite3_file *f, int del)
{
	return INNER(f)->pMethods->xShmUnmap(INNER(f), del);
}

/* Version 2: WAL needs the shared-memory methods; no memory mapping of
 * the database (v3), so every page read goes through x_read. */
static const sqlite3_io_methods shim_io = {
	2,	    x_close,	   x_read,	 x_write,   x_truncate, x_sync, x_size,
	x_lock,	    x_unlock,	   x_check_lock, x_control, x_sector,	x_dev,	x_shm_map,
	x_shm_lock, x_shm_barrier, x_shm_unmap,	 NULL,	    NULL,
};

static int x_open(sqlite3_vfs *vfs, const char *name, sqlite3_file *f, int flags, int *out_flags)
{
	(void)vfs;
	struct shim_file *s = (struct shim_file *)f;
	s->inner = (sqlite3_file *)(s + 1);
	int rc = real->xOpen(real, name, s->inner, flags, out_flags);
	/* Set whenever the real file has methods: SQLite then calls x_close
	 * even after a failed open, and the real handle is closed with it. */
	s->base.pMethods = rc == SQLITE_OK || s->inner->pMethods ? &shim_io : NULL;
	return rc;
}

void faultvfs_register(void)
{
	const char *data = getenv("TANDEM_DATA");
	if (real || !data)
		return;
	real = sqlite3_vfs_find(NULL);
	if (!real)
		return;
	snprintf(fault_path, sizeof(fault_path), "%s/test-faults", data);
	shim = *real;
	shim.zName = "tandem-faults";
	shim.szOsFile = (int)sizeof(struct shim_file) + real->szOsFile;
	shim.xOpen = x_open;
	shim.pNext = NULL;
	sqlite3_vfs_register(&shim, 1);
}
#else
void faultvfs_register(void)
{
}
void faultvfs_watch(struct sqlite3 *h)
{
	(void)h;
}
void faultvfs_refresh(void)
{
}
#endif
