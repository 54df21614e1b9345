/* walvfs: a SQLite VFS over the default one that gathers a commit's
 * writes to the WAL into one write. SQLite writes each WAL frame in two
 * writes (its 24-byte header, then the page), so a group commit of 20
 * pages made 40 system calls, each through the worker's seccomp filter.
 * Consecutive writes are held in memory and written at once (by the
 * real VFS, so a full disk or an I/O error is reported as before) before
 * anything could need them on disk: the sync that makes the commit
 * durable, any read or size of the file, closing it, and any barrier or
 * lock on the shared memory through which other connections learn of
 * new frames. Other files pass through untouched. */
#ifndef TANDEM_WALVFS_H
#define TANDEM_WALVFS_H

/* Make it the default VFS over the current default (the fault VFS in
 * test builds), once per process, before the first database is opened. */
void walvfs_register(void);

#endif
