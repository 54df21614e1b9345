/* wlock: the queue writers join before SQLite's write lock. SQLite lets a
 * writer that finds the database locked sleep and retry (1, 2, 5 ... ms),
 * while a write here holds the lock for a fraction of a millisecond (the
 * README's performance section has the figures). A blocking flock() on a
 * file beside the database wakes the next writer the moment the lock is
 * free. */
#ifndef TANDEM_WLOCK_H
#define TANDEM_WLOCK_H

/* Open (creating, mode 0600) the lock file for the database at db_path;
 * each process must open its own (a descriptor shared across fork shares
 * the lock). Returns a descriptor, or -1 (then writers rely on SQLite's
 * busy timeout alone). */
int wlock_open(const char *db_path);

/* Wait up to timeout_ms for the lock. 0 when held, -1 on timeout or error. */
int wlock_acquire(int fd, int timeout_ms);

/* Let the next writer in. */
void wlock_release(int fd);

#endif
