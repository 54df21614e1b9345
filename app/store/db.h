/* db: one SQLite connection per process, with the pragmas every
 * connection needs, statements prepared once, and write transactions. */
#ifndef TANDEM_DB_H
#define TANDEM_DB_H
#include <sqlite3.h>
#include <stddef.h>
#include <stdint.h>

enum db_rc {
	DB_OK = 0,
	DB_NOTFOUND = 1,
	DB_CONFLICT = 2, /* a constraint said no (duplicate email, ...) */
	DB_BUSY = 3,	 /* locked or full: the caller answers 503 */
	DB_ERR = 4,
	DB_FULL = 5, /* the disk is full: nothing was saved (503 until space is freed) */
};

/* One store result type: a store function that can refuse for a rule of
 * its own returns one enum (req_rc, meet_rc, ...) whose first values are
 * db_rc's, named after it: X_OK = DB_OK, then the store failures
 * X_DB_BUSY = DB_BUSY, X_DB_ERR = DB_ERR, X_DB_FULL = DB_FULL; its
 * refusals start at DB_REFUSAL. One value says both whether the store
 * failed (db_failed) and what the rule said; pages/ctx.c's
 * ctx_store_error turns every failure into its page (503 or 500, with a
 * request id and a log line), a page's switch names each refusal (-Wswitch
 * catches a missing one). No store function has an error out-parameter. */
enum { DB_REFUSAL = 16 };
_Static_assert((int)DB_REFUSAL > (int)DB_FULL, "a refusal is never read as a store failure");

/* rc as a store failure: DB_BUSY and DB_FULL as they are, anything else
 * DB_ERR (a constraint, a missing row or even DB_OK, where the caller
 * knows the store failed). */
enum db_rc db_failure(enum db_rc rc);
/* 1 when r, a value of db_rc or of any store result type, is a store
 * failure. */
static inline int db_failed(int r)
{
	return r == DB_BUSY || r == DB_ERR || r == DB_FULL;
}

struct db;

/* The transaction state of a connection: one value, moved only along the
 * table below (store/db.c's tx_allowed; a test build aborts on any other
 * move, a release build logs it).
 *
 *   from    call                                  to
 *   idle    db_read_begin                          read
 *   read    db_read_end, or a write statement      idle
 *   idle    db_begin (read ended first)            write, or group then
 *                                                  member when armed
 *   write   db_commit / db_rollback                idle
 *   group   db_begin (a further request joins)     member
 *   member  db_commit (RELEASE) / db_rollback      group
 *   write,  SQLite rolled the whole transaction    lost (a write after
 *   group,  back (I/O error, full disk)            it is refused: it
 *   member                                         would commit alone)
 *   lost    db_commit / db_rollback (no group)     idle
 *   group,  db_group_commit                        idle (DB_OK only from
 *   lost                                           group, when it held)
 *
 * The writers' queue is held in write, group and member (and for the one
 * statement of a lone write in idle). Arming (db_group_arm) is not a
 * state: it is the worker's word that the next db_begin from idle opens
 * a group instead of a write; db_group_commit disarms. */
enum db_tx {
	DB_TX_IDLE,   /* autocommit: each statement its own transaction */
	DB_TX_READ,   /* a snapshot for the request (db_read_begin) */
	DB_TX_WRITE,  /* BEGIN IMMEDIATE of one request, not grouped */
	DB_TX_GROUP,  /* a group's transaction, between members */
	DB_TX_MEMBER, /* a group member's SAVEPOINT is open */
	DB_TX_LOST,   /* the group's transaction is gone; it can only fail */
	DB_TX_COUNT
};

/* The connection's state (for tests and assertions). */
enum db_tx db_tx_state(const struct db *db);

/* Open path (created when missing) with WAL, busy_timeout 5000,
 * foreign_keys, synchronous=FULL and secure_delete. Returns NULL after
 * logging the reason. Close with db_close. */
struct db *db_open(const char *path);
void db_close(struct db *db);
/* Let db's page cache grow to 8 MiB (SQLite's default: 2,000 KiB), for a
 * page worker's connection, after the fork (a master's cache would be
 * copied into every worker). Pages read the rows of many different
 * people: with the default, a page at 100,000 members read ~15 database
 * pages from the file per request. A commit by another connection still
 * empties it at the next read (WAL), as before. No transaction; a
 * failure is logged and the default cache stays. */
void db_page_cache(struct db *db);
/* A page cache of 256 MiB for a one-off bulk write in a command (seed-demo),
 * whose single transaction touches most of the database: with the default
 * 2 MB the transaction's pages spill to the WAL and are read back through
 * it again and again. No transaction; a failure is logged and the default
 * cache stays. */
void db_bulk_cache(struct db *db);
/* Open path read-only for checking (`tandem check`, restore's checks):
 * no pragma that writes, no writers' queue, nothing created beside it.
 * immutable: the file is not in use by anyone (a backup, a private copy),
 * so SQLite takes no locks and reads it as it is. NULL after logging. */
struct db *db_open_readonly(const char *path, int immutable);
sqlite3 *db_handle(struct db *db);

/* A cached statement for a string literal: DB_STMT(db, "SELECT ...").
 * The "" around the argument makes anything but a literal fail to compile,
 * so no SQL is ever built from input. The statement is reset and its
 * bindings cleared; it belongs to the cache (do not finalize). NULL when
 * it fails to prepare (logged). */
#define DB_STMT(db, sql) db_stmt_literal((db), "" sql "")
sqlite3_stmt *db_stmt_literal(struct db *db, const char *sql);

/* Bind by name (":name"); a missing name is a programming error, logged
 * and returned as -1. */
int db_bind_text(sqlite3_stmt *st, const char *name, const char *v);
/* Copy text column col of the current row into out (n bytes, cut and
 * NUL-terminated; NULL reads as ""). */
void db_column_copy(sqlite3_stmt *st, int col, char *out, size_t n);
int db_bind_int(sqlite3_stmt *st, const char *name, int64_t v);
int db_bind_blob(sqlite3_stmt *st, const char *name, const void *p, int n);
int db_bind_null(sqlite3_stmt *st, const char *name);

/* Step a statement of db's that returns no rows; DB_OK, DB_CONFLICT,
 * DB_BUSY or DB_ERR. A writing statement ends a read transaction first;
 * outside a write transaction it queues for the writers' lock alone. */
enum db_rc db_exec_step(struct db *db, sqlite3_stmt *st);
/* Map an sqlite result code to db_rc. */
enum db_rc db_rc_from(int sqlite_rc);

/* A read transaction around a whole request: one snapshot for the page,
 * or for a form's checks before its write, and one set of file locks
 * instead of a set per statement (and, after another worker's write, one
 * reload of the pages instead of one per statement). Any write
 * (db_exec_step of a writing statement, db_begin) ends it first, so a
 * write never upgrades a stale snapshot. End it before anything slow
 * (argon2id): a snapshot held keeps checkpoints from recycling the WAL.
 * db_read_end is a no-op when it has ended already. */
void db_read_begin(struct db *db);
void db_read_end(struct db *db);

/* BEGIN IMMEDIATE, retried a bounded number of times while busy; ends a
 * read transaction first. With a group armed: opens or joins the group
 * (see db_group_arm). */
enum db_rc db_begin(struct db *db);
enum db_rc db_commit(struct db *db);
void db_rollback(struct db *db);
/* End a write transaction by how it went: commit when rc is DB_OK (and
 * return the commit's result), else roll back and return rc. */
enum db_rc db_end(struct db *db, enum db_rc rc);
/* After each request: end a read transaction, and roll back (with an
 * error logged) a write transaction a handler left open, so one bug can
 * never hold every other writer up. */
void db_request_end(struct db *db);

/* Group commit: one durable COMMIT (one fsync) for the writes of several
 * requests. db_group_arm makes the write transactions that follow members
 * of one transaction that stays open: the first db_begin opens it (BEGIN
 * IMMEDIATE, in the writers' queue), later ones join it; each member runs
 * in its own SAVEPOINT, so db_rollback undoes that member alone and
 * db_commit makes its writes part of the group (durable only once
 * db_group_commit succeeds). A member's reads see the members before it,
 * which commit or fail together with it. The worker arms it for short
 * POSTs and withholds their responses until the group commits. */
void db_group_arm(struct db *db);
/* 1 when the group holds a member's writes, or has failed: a
 * db_group_commit is owed before any response of the group is sent. */
int db_group_pending(const struct db *db);
/* Commit the group and disarm. DB_OK (nothing was pending, or every
 * member is durable); otherwise everything since db_group_arm is rolled
 * back and DB_BUSY or DB_ERR tells every member's request what happened. */
enum db_rc db_group_commit(struct db *db);

/* The request's failure latch. SQLite reports every statement that fails
 * (an I/O error, corruption, a statement that does not prepare, no memory,
 * misuse, an interrupt) to its error log, whether or not the code that
 * stepped it looked at the result. Between db_latch_arm and db_latch_take
 * (one request, in the page worker; one mail or one periodic job in the
 * sender) the first such report is kept, with a log line, as is a failure
 * this file sees itself that SQLite does not log (a lone statement's own
 * commit, COMMIT, RELEASE, a prepare): then no write of the request
 * begins or commits (db_begin, db_commit and a lone writing statement
 * answer the kept failure, and roll back what was begun), no cache keeps
 * what the request built (db_latched), and the worker answers the request
 * with the store's error page, so a read that failed is never shown as an empty
 * list, a zero or a 404. Not failures: a constraint (a refusal the store
 * reads), SQLITE_SCHEMA (SQLite prepares again), notices and warnings.
 * Process-wide, as SQLite's log is: a process serves one request at a
 * time. In test builds db_latch_arm also reads the fault file again
 * (store/faultvfs.h). */
void db_latch_arm(void);
/* The failure kept since db_latch_arm (DB_OK: none; else DB_BUSY, DB_FULL
 * or DB_ERR), and disarm. *saved_before (may be NULL) is set to 1 when a
 * transaction of the request had committed before the failure. */
enum db_rc db_latch_take(int *saved_before);
/* What the request did so far was its bookkeeping (the session's
 * last-seen touch), not what it was sent for: forget its commit (a later
 * failure is answered "nothing was saved") and its failure (a touch a
 * full disk refused does not fail the page; it was logged). Call only
 * after reads whose failures were answered already. */
void db_latch_forget(void);
/* The failure kept so far (DB_OK: none, or not armed): what a cache asks
 * before it keeps something built during the request. */
enum db_rc db_latched(void);

/* Run a fixed SQL script (migrations, tests). DB_OK or an error (logged). */
enum db_rc db_exec_script(struct db *db, const char *sql);

/* A single integer from a query with no parameters, or `def`. */
int64_t db_scalar(struct db *db, const char *sql, int64_t def);

#endif
