/* faultvfs: in test builds only, a SQLite VFS over the default one that
 * fails the reads, writes or fsyncs that $TANDEM_DATA/test-faults names,
 * so the fault tests can show what an I/O error does to a request. In
 * release builds faultvfs_register does nothing. */
#ifndef TANDEM_FAULTVFS_H
#define TANDEM_FAULTVFS_H

/* Make the fault VFS the default, once per process, before the first
 * database is opened. Does nothing without $TANDEM_DATA. */
void faultvfs_register(void);

/* Let a "stmt TEXT" fault interrupt h's statements (a progress handler);
 * call after opening h. Nothing in release builds. */
struct sqlite3;
void faultvfs_watch(struct sqlite3 *h);

/* Read $TANDEM_DATA/test-faults again if it changed (a statement fault is
 * otherwise only noticed at the next file operation): at the start of
 * each request. Nothing in release builds. */
void faultvfs_refresh(void);

#endif
