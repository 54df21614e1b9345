#include "store/db.h"

#include "core/buf.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/log.h"
#include "store/faultvfs.h"
#include "store/wlock.h"

#define CACHE_SLOTS 512

struct stmt_entry {
	const char *sql;
	sqlite3_stmt *st;
};

struct db {
	sqlite3 *h;
	enum db_tx tx; /* the transaction state (db.h) */
	/* The worker's word that the next write transaction opens (or joins)
	 * a group rather than one of its own; cleared by db_group_commit. */
	int group_armed;
	/* In lost: what lost the transaction (DB_FULL or DB_ERR), which every
	 * request it held is told. */
	enum db_rc lost_rc;
	int wlock_fd; /* the writers' queue (store/wlock.h), -1 without */
	int wlocked;  /* this process is the writer */
	struct stmt_entry cache[CACHE_SLOTS];
};

/* The transitions db.h's table allows, and nothing else: a test build
 * stops at the first other one (the bug is then where it happened, not
 * where its effect is noticed); a release build logs it and goes on. */
static const unsigned char tx_allowed[DB_TX_COUNT][DB_TX_COUNT] = {
	[DB_TX_IDLE] = {[DB_TX_READ] = 1, [DB_TX_WRITE] = 1, [DB_TX_GROUP] = 1},
	[DB_TX_READ] = {[DB_TX_IDLE] = 1},
	[DB_TX_WRITE] = {[DB_TX_IDLE] = 1, [DB_TX_LOST] = 1},
	[DB_TX_GROUP] = {[DB_TX_MEMBER] = 1, [DB_TX_LOST] = 1, [DB_TX_IDLE] = 1},
	[DB_TX_MEMBER] = {[DB_TX_GROUP] = 1, [DB_TX_LOST] = 1},
	[DB_TX_LOST] = {[DB_TX_IDLE] = 1},
};

/* A full disk refuses every write until space is freed: said once when
 * it starts and once when it ends, not once per request. */
static int disk_full;

static enum db_rc note_write(enum db_rc rc)
{
	if (rc == DB_FULL && !disk_full) {
		disk_full = 1;
		log_kv("error", "the disk is full: every write is refused (503) until space is freed",
		       LOG_END);
	} else if (rc == DB_OK && disk_full) {
		disk_full = 0;
		log_kv("info", "the disk has space again: writes succeed", LOG_END);
	}
	return rc;
}

/* The request's failure latch (db.h). */
static struct {
	int armed;
	enum db_rc rc; /* DB_OK: nothing failed */
	int saved;     /* a transaction of the request committed */
	int saved_before;
} latch;

static void sqlite_log(void *arg, int code, const char *msg)
{
	(void)arg;
	switch (code & 0xff) {
	case SQLITE_OK:
	case SQLITE_ROW:
	case SQLITE_DONE:
	case SQLITE_CONSTRAINT: /* a refusal: the store reads it */
	case SQLITE_SCHEMA:	/* SQLite prepares the statement again */
	case SQLITE_NOTICE:
	case SQLITE_WARNING: return;
	}
	if (!latch.armed || latch.rc != DB_OK)
		return;
	latch.rc = db_failure(db_rc_from(code));
	latch.saved_before = latch.saved;
	log_kv("error", "a statement failed; what it was part of is refused", "err", sqlite3_errstr(code),
	       "sqlite", msg ? msg : "", LOG_END);
}

void db_latch_arm(void)
{
	faultvfs_refresh();
	latch.armed = 1;
	latch.rc = DB_OK;
	latch.saved = latch.saved_before = 0;
}

enum db_rc db_latch_take(int *saved_before)
{
	if (saved_before)
		*saved_before = latch.saved_before;
	enum db_rc rc = latch.armed ? latch.rc : DB_OK;
	latch.armed = 0;
	latch.rc = DB_OK;
	return rc;
}

static void latch_saved(void)
{
	if (latch.armed)
		latch.saved = 1;
}

/* A failure this file saw itself: SQLite does not send every one to its
 * log (a lone statement whose own commit fails at OP_Halt, an I/O error
 * at COMMIT, a prepare out of memory). */
static void latch_fail(enum db_rc rc, const char *what)
{
	if (!latch.armed || latch.rc != DB_OK || !db_failed(rc))
		return;
	latch.rc = rc;
	latch.saved_before = latch.saved;
	log_kv("error", "a statement failed; what it was part of is refused", "sqlite", what, LOG_END);
}

void db_latch_forget(void)
{
	latch.rc = DB_OK;
	latch.saved = latch.saved_before = 0;
}

enum db_rc db_latched(void)
{
	return latch.armed ? latch.rc : DB_OK;
}

static const char *const tx_names[DB_TX_COUNT] = {"idle", "read", "write", "group", "member", "lost"};

static void tx_move(struct db *db, enum db_tx to)
{
	if (!tx_allowed[db->tx][to]) {
		log_kv("error", "transaction state: transition not allowed", "from", tx_names[db->tx], "to",
		       tx_names[to], LOG_END);
#ifdef TANDEM_TESTING
		abort();
#endif
	}
	db->tx = to;
}

enum db_tx db_tx_state(const struct db *db)
{
	return db->tx;
}

sqlite3 *db_handle(struct db *db)
{
	return db->h;
}

enum db_rc db_rc_from(int rc)
{
	switch (rc & 0xff) {
	case SQLITE_OK:
	case SQLITE_DONE:
	case SQLITE_ROW: return DB_OK;
	case SQLITE_CONSTRAINT: return DB_CONFLICT;
	case SQLITE_BUSY:
	case SQLITE_LOCKED: return DB_BUSY;
	case SQLITE_FULL: return DB_FULL;
	default: return DB_ERR;
	}
}

struct db *db_open(const char *path)
{
	struct db *db = calloc(1, sizeof(*db));
	if (!db)
		return NULL;
	/* Tandem is one thread per process and never shares a connection, so
	 * SQLite's mutexes and its global allocation counter (a lock around
	 * every malloc) are pure cost. Only possible before SQLite's first
	 * use in the process; later calls fail harmlessly. */
	static int configured;
	if (!configured) {
		sqlite3_config(SQLITE_CONFIG_MULTITHREAD);
		sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
		sqlite3_config(SQLITE_CONFIG_LOG, sqlite_log, NULL);
		faultvfs_register();
		configured = 1;
	}
	db->wlock_fd = wlock_open(path);
	/* NOFOLLOW: a server started as root leaves the data directory
	 * writable by the user it drops to; a database path that user turned
	 * into a link must not lead a root command to another file. (SQLite
	 * opens its WAL and shm files with O_NOFOLLOW itself.) */
	int rc = sqlite3_open_v2(path, &db->h,
				 SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX |
					 SQLITE_OPEN_NOFOLLOW,
				 NULL);
	if (rc != SQLITE_OK) {
		log_kv("error", "cannot open database", "path", path, "err", sqlite3_errstr(rc), LOG_END);
		sqlite3_close(db->h);
		if (db->wlock_fd >= 0)
			close(db->wlock_fd);
		free(db);
		return NULL;
	}
	sqlite3_extended_result_codes(db->h, 1);
	sqlite3_busy_timeout(db->h, 5000);
	faultvfs_watch(db->h);
	/* Root commands (migrate, rotate-key, backup) open a file the user
	 * serve drops to can write: no SQL may deliberately corrupt it. */
	sqlite3_db_config(db->h, SQLITE_DBCONFIG_DEFENSIVE, 1, (int *)0);
	/* After a crash the first opener may hold a recovery lock: retry a
	 * little before giving up. Every pragma but journal_mode is per
	 * connection, so they run on every open. */
	static const char *const pragmas =
		"PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;"
		"PRAGMA secure_delete=ON; PRAGMA trusted_schema=OFF; PRAGMA temp_store=MEMORY;";
	for (int attempt = 0;; attempt++) {
		char *err = NULL;
		rc = sqlite3_exec(db->h, pragmas, NULL, NULL, &err);
		if (rc == SQLITE_OK)
			break;
		if (db_rc_from(rc) != DB_BUSY || attempt == 5) {
			log_kv("error", "database pragmas failed", "err", err ? err : "", LOG_END);
			sqlite3_free(err);
			db_close(db);
			return NULL;
		}
		sqlite3_free(err);
		struct timespec ts = {0, 100 * 1000 * 1000};
		nanosleep(&ts, NULL);
	}
	return db;
}

/* Run a cache_size pragma (db_page_cache, db_bulk_cache). */
static void cache_pragma(sqlite3_stmt *st)
{
	if (!st || sqlite3_step(st) != SQLITE_DONE)
		log_kv("warn", "cannot set the page cache size", LOG_END);
	if (st)
		sqlite3_reset(st);
}

void db_page_cache(struct db *db)
{
	cache_pragma(DB_STMT(db, "PRAGMA cache_size = -8192"));
}

void db_bulk_cache(struct db *db)
{
	cache_pragma(DB_STMT(db, "PRAGMA cache_size = -262144"));
}

struct db *db_open_readonly(const char *path, int immutable)
{
	struct db *db = calloc(1, sizeof(*db));
	if (!db)
		return NULL;
	db->wlock_fd = -1;
	/* A URI, so the file is named with its mode; the characters a URI
	 * gives a meaning to are percent-encoded. */
	struct buf uri = {0};
	buf_puts(&uri, "file:");
	for (const unsigned char *p = (const unsigned char *)path; *p; p++) {
		if (*p == '%' || *p == '?' || *p == '#' || *p <= ' ' || *p >= 0x7f)
			buf_printf(&uri, "%%%02X", *p);
		else
			buf_append(&uri, p, 1);
	}
	buf_puts(&uri, immutable ? "?mode=ro&immutable=1" : "?mode=ro");
	int rc =
		uri.oom ? SQLITE_NOMEM
			: sqlite3_open_v2(buf_str(&uri), &db->h,
					  SQLITE_OPEN_READONLY | SQLITE_OPEN_URI | SQLITE_OPEN_NOMUTEX, NULL);
	buf_free(&uri);
	if (rc != SQLITE_OK) {
		log_kv("error", "cannot open database", "path", path, "err", sqlite3_errstr(rc), LOG_END);
		sqlite3_close(db->h);
		free(db);
		return NULL;
	}
	sqlite3_extended_result_codes(db->h, 1);
	sqlite3_busy_timeout(db->h, 5000);
	sqlite3_db_config(db->h, SQLITE_DBCONFIG_DEFENSIVE, 1, (int *)0);
	sqlite3_exec(db->h, "PRAGMA trusted_schema=OFF; PRAGMA query_only=1;", NULL, NULL, NULL);
	return db;
}

/* The writers' queue, held from BEGIN IMMEDIATE (or a lone writing
 * statement) until COMMIT or ROLLBACK; 5 s, as SQLite's busy timeout. */
static int writer_enter(struct db *db)
{
	if (db->wlocked || db->wlock_fd < 0)
		return 0;
	if (wlock_acquire(db->wlock_fd, 5000) != 0)
		return -1;
	db->wlocked = 1;
	return 0;
}

static void writer_leave(struct db *db)
{
	if (!db->wlocked)
		return;
	wlock_release(db->wlock_fd);
	db->wlocked = 0;
}

void db_close(struct db *db)
{
	if (!db)
		return;
	/* Closing ends whatever was open, from any state. */
	if (!sqlite3_get_autocommit(db->h))
		sqlite3_exec(db->h, "ROLLBACK", NULL, NULL, NULL);
	db->tx = DB_TX_IDLE;
	writer_leave(db);
	if (db->wlock_fd >= 0)
		close(db->wlock_fd);
	for (size_t i = 0; i < CACHE_SLOTS; i++)
		sqlite3_finalize(db->cache[i].st);
	sqlite3_close(db->h);
	free(db);
}

sqlite3_stmt *db_stmt_literal(struct db *db, const char *sql)
{
	size_t h = ((uintptr_t)sql >> 3) % CACHE_SLOTS;
	for (size_t k = 0; k < CACHE_SLOTS; k++) {
		struct stmt_entry *s = &db->cache[(h + k) % CACHE_SLOTS];
		if (s->sql == sql) {
			sqlite3_reset(s->st);
			sqlite3_clear_bindings(s->st);
			return s->st;
		}
		if (!s->sql) {
			int rc = sqlite3_prepare_v3(db->h, sql, -1, SQLITE_PREPARE_PERSISTENT, &s->st, NULL);
			if (rc != SQLITE_OK) {
				log_kv("error", "prepare failed", "err", sqlite3_errmsg(db->h), "sql", sql,
				       LOG_END);
				latch_fail(db_failure(db_rc_from(rc)), "prepare failed");
				s->st = NULL;
				return NULL;
			}
			s->sql = sql;
			return s->st;
		}
	}
	log_kv("error", "statement cache full", LOG_END);
	return NULL;
}

static int param(sqlite3_stmt *st, const char *name)
{
	int i = sqlite3_bind_parameter_index(st, name);
	if (i == 0)
		log_kv("error", "unknown bind parameter", "name", name, LOG_END);
	return i;
}

int db_bind_text(sqlite3_stmt *st, const char *name, const char *v)
{
	int i = param(st, name);
	return i ? sqlite3_bind_text(st, i, v, -1, SQLITE_TRANSIENT) : -1;
}

int db_bind_int(sqlite3_stmt *st, const char *name, int64_t v)
{
	int i = param(st, name);
	return i ? sqlite3_bind_int64(st, i, v) : -1;
}

int db_bind_blob(sqlite3_stmt *st, const char *name, const void *p, int n)
{
	int i = param(st, name);
	return i ? sqlite3_bind_blob(st, i, p, n, SQLITE_TRANSIENT) : -1;
}

int db_bind_null(sqlite3_stmt *st, const char *name)
{
	int i = param(st, name);
	return i ? sqlite3_bind_null(st, i) : -1;
}

/* Step a cached statement that returns no rows (BEGIN, SAVEPOINT ...). */
static int step_control(struct db *db, const char *sql)
{
	sqlite3_stmt *st = db_stmt_literal(db, sql);
	if (!st)
		return SQLITE_ERROR;
	int rc = sqlite3_step(st);
	sqlite3_reset(st);
	return rc;
}

/* Roll back whatever transaction is open, leave the writers' queue and
 * be idle (from read, write, an open group or a lost one). */
static void tx_abandon(struct db *db)
{
	if (!sqlite3_get_autocommit(db->h))
		step_control(db, "ROLLBACK");
	writer_leave(db);
	tx_move(db, DB_TX_IDLE);
}

/* SQLite rolls a whole transaction back on some errors (I/O, full disk,
 * out of memory): in a group every member before this one is gone with
 * it, and in a request's own write what it did so far; either can only
 * fail now, and no later statement may commit on its own as if it were
 * part of it. why: the error that did it. */
static void lost_check(struct db *db, enum db_rc why)
{
	if ((db->tx == DB_TX_GROUP || db->tx == DB_TX_MEMBER || db->tx == DB_TX_WRITE) &&
	    sqlite3_get_autocommit(db->h)) {
		log_kv("error", "a transaction was rolled back under it by the database", LOG_END);
		db->lost_rc = why == DB_FULL ? DB_FULL : DB_ERR;
		tx_move(db, DB_TX_LOST);
		writer_leave(db);
	}
}

/* Leave lost for idle when nothing else is to be told of it: a request's
 * own write transaction (a group is ended by db_group_commit). */
static void lost_end(struct db *db)
{
	if (db->tx == DB_TX_LOST && !db->group_armed)
		tx_abandon(db);
}

void db_read_begin(struct db *db)
{
	/* In a group, the group's transaction is this request's snapshot; a
	 * lost group reads statement by statement until it is answered. */
	if (db->tx != DB_TX_IDLE)
		return;
	if (step_control(db, "BEGIN") == SQLITE_DONE)
		tx_move(db, DB_TX_READ);
}

void db_read_end(struct db *db)
{
	/* Callers end a read before argon2id; inside a group that would hold
	 * every member's commit (and the writers' queue) for a hash. */
	if (db->tx == DB_TX_GROUP || db->tx == DB_TX_MEMBER)
		log_kv("error", "slow work inside a grouped commit", LOG_END);
	if (db->tx != DB_TX_READ)
		return;
	if (step_control(db, "COMMIT") != SQLITE_DONE)
		log_kv("error", "ending a read transaction failed", LOG_END);
	tx_abandon(db);
}

enum db_rc db_exec_step(struct db *db, sqlite3_stmt *st)
{
	if (!st)
		return DB_ERR;
	if (sqlite3_db_handle(st) != db->h) {
		log_kv("error", "a statement of another connection", LOG_END);
		sqlite3_reset(st);
		return DB_ERR;
	}
	int writes = !sqlite3_stmt_readonly(st);
	/* A transaction SQLite ended under us (noticed now, before this
	 * write could commit on its own). */
	if (writes)
		lost_check(db, DB_ERR);
	if (writes && db->tx == DB_TX_LOST) {
		sqlite3_reset(st);
		return db->lost_rc; /* would commit alone, while its request fails */
	}
	/* After a failed statement of the request, nothing more is written:
	 * what it would write was decided on what failed to read. */
	if (writes && db_latched() != DB_OK) {
		sqlite3_reset(st);
		return db_latched();
	}
	if (writes && db->tx == DB_TX_READ)
		db_read_end(db);
	/* A lone writing statement is a transaction of its own: it queues
	 * like one. Inside db_begin's transaction the queue is held already. */
	int lone = 0;
	if (writes && sqlite3_get_autocommit(db->h) && !db->wlocked) {
		if (writer_enter(db) != 0) {
			sqlite3_reset(st);
			log_kv("warn", "database busy", LOG_END);
			return DB_BUSY;
		}
		lone = 1;
	}
	int rc = sqlite3_step(st);
	if (lone)
		writer_leave(db);
	enum db_rc r = db_rc_from(rc);
	lost_check(db, r);
	if (r == DB_ERR)
		log_kv("error", "step failed", "err", sqlite3_errstr(rc), LOG_END);
	latch_fail(r, sqlite3_errstr(rc));
	if (writes && (r != DB_OK || lone))
		note_write(r);
	if (lone && r == DB_OK)
		latch_saved();
	sqlite3_reset(st);
	return r;
}

/* A member of the open group: its own SAVEPOINT, so a member that fails
 * undoes only its own writes. */
static enum db_rc member_begin(struct db *db)
{
	int rc = step_control(db, "SAVEPOINT member");
	if (rc != SQLITE_DONE) {
		lost_check(db, db_rc_from(rc));
		return db_rc_from(rc) == DB_OK ? DB_ERR : db_rc_from(rc);
	}
	tx_move(db, DB_TX_MEMBER);
	return DB_OK;
}

enum db_rc db_begin(struct db *db)
{
	if (db_latched() != DB_OK)
		return db_latched(); /* a read of this request failed: write nothing */
	switch (db->tx) {
	case DB_TX_LOST: return DB_ERR; /* the group fails as a whole; add nothing to it */
	case DB_TX_GROUP: return member_begin(db);
	case DB_TX_WRITE:
	case DB_TX_MEMBER:
		/* A function that owns its transaction was called inside
		 * another's: a programming error, never a nested commit. */
		tx_move(db, db->tx);
		log_kv("error", "a transaction was begun inside another", LOG_END);
		return DB_ERR;
	case DB_TX_READ: db_read_end(db); break;
	case DB_TX_IDLE:
	case DB_TX_COUNT: break;
	}
	if (writer_enter(db) != 0) {
		log_kv("warn", "database busy", LOG_END);
		return DB_BUSY;
	}
	/* busy_timeout already waits up to 5 s inside each attempt; a few more
	 * attempts ride out a checkpoint or a recovery, then we answer 503. */
	for (int attempt = 0; attempt < 3; attempt++) {
		int rc = step_control(db, "BEGIN IMMEDIATE");
		if (rc == SQLITE_DONE && !db->group_armed) {
			tx_move(db, DB_TX_WRITE);
			return DB_OK;
		}
		if (rc == SQLITE_DONE) {
			tx_move(db, DB_TX_GROUP);
			return member_begin(db);
		}
		if (db_rc_from(rc) != DB_BUSY) {
			writer_leave(db);
			return DB_ERR;
		}
	}
	writer_leave(db);
	log_kv("warn", "database busy", LOG_END);
	return DB_BUSY;
}

/* COMMIT the write transaction or the group: idle either way, DB_OK when
 * it held. */
static enum db_rc commit_tx(struct db *db)
{
	int rc = step_control(db, "COMMIT");
	if (rc == SQLITE_DONE) {
		writer_leave(db);
		tx_move(db, DB_TX_IDLE);
		latch_saved();
		return note_write(DB_OK);
	}
	tx_abandon(db);
	enum db_rc why = db_rc_from(rc) == DB_OK ? DB_ERR : db_rc_from(rc);
	latch_fail(why, "COMMIT failed");
	return note_write(why);
}

/* Undo the open member's writes alone: back to the group, or lost when
 * SQLite took the whole transaction with it. */
static void member_rollback(struct db *db)
{
	int rc = step_control(db, "ROLLBACK TO member");
	if (rc != SQLITE_DONE && !sqlite3_get_autocommit(db->h)) {
		/* The member's writes could not be undone alone: a RELEASE now
		 * would make them part of the group. The group goes instead. */
		log_kv("error", "a member could not be rolled back; the group fails", LOG_END);
		step_control(db, "ROLLBACK");
		db->lost_rc = DB_ERR;
		tx_move(db, DB_TX_LOST);
		writer_leave(db);
		return;
	}
	step_control(db, "RELEASE member");
	if (sqlite3_get_autocommit(db->h)) {
		lost_check(db, db_rc_from(rc));
		return;
	}
	tx_move(db, DB_TX_GROUP);
}

enum db_rc db_commit(struct db *db)
{
	enum db_rc failed = db_latched();
	if (failed != DB_OK && (db->tx == DB_TX_WRITE || db->tx == DB_TX_MEMBER)) {
		log_kv("error", "a statement of this request failed: its writes are rolled back", LOG_END);
		db_rollback(db);
		return failed;
	}
	switch (db->tx) {
	case DB_TX_WRITE: return commit_tx(db);
	case DB_TX_MEMBER:
		/* A member's writes join the group; they are durable at its commit. */
		{
			int rc = step_control(db, "RELEASE member");
			if (rc == SQLITE_DONE) {
				tx_move(db, DB_TX_GROUP);
				latch_saved(); /* durable at the group's commit, or its error page */
				return DB_OK;
			}
			lost_check(db, db_rc_from(rc));
			if (db->tx == DB_TX_MEMBER)
				member_rollback(db);
			latch_fail(db->tx == DB_TX_LOST ? db->lost_rc : DB_ERR, "RELEASE failed");
			return db->tx == DB_TX_LOST ? db->lost_rc : DB_ERR;
		}
	case DB_TX_LOST: {
		enum db_rc why = db->lost_rc;
		lost_end(db);
		return why;
	}
	default: return DB_ERR; /* nothing of its own: its db_begin failed */
	}
}

void db_rollback(struct db *db)
{
	switch (db->tx) {
	case DB_TX_MEMBER: member_rollback(db); return;
	case DB_TX_GROUP: return; /* nothing of this request's: the others' writes stay */
	case DB_TX_LOST: lost_end(db); return;
	case DB_TX_READ:
	case DB_TX_WRITE: tx_abandon(db); return;
	case DB_TX_IDLE:
	case DB_TX_COUNT: writer_leave(db); return;
	}
}

enum db_rc db_failure(enum db_rc rc)
{
	return rc == DB_BUSY || rc == DB_FULL ? rc : DB_ERR;
}

enum db_rc db_end(struct db *db, enum db_rc rc)
{
	if (rc == DB_OK)
		return db_commit(db);
	db_rollback(db);
	return rc;
}

void db_request_end(struct db *db)
{
	if (db->tx == DB_TX_READ)
		db_read_end(db);
	if (db->tx == DB_TX_MEMBER || db->tx == DB_TX_WRITE) {
		log_kv("error", "a transaction was left open; rolled back", LOG_END);
		db_rollback(db);
	}
	lost_end(db);
	if (db->tx != DB_TX_IDLE)
		return; /* the group's commit is the worker's */
	if (!sqlite3_get_autocommit(db->h)) {
		log_kv("error", "a transaction was left open; rolled back", LOG_END);
		step_control(db, "ROLLBACK");
	}
	writer_leave(db);
}

void db_group_arm(struct db *db)
{
	db->group_armed = 1;
}

int db_group_pending(const struct db *db)
{
	return db->tx == DB_TX_GROUP || db->tx == DB_TX_MEMBER || db->tx == DB_TX_LOST;
}

enum db_rc db_group_commit(struct db *db)
{
	if (db->tx == DB_TX_MEMBER)
		db_rollback(db); /* a member left open is not part of the group */
	enum db_rc rc = DB_OK;
	if (db->tx == DB_TX_GROUP) {
		rc = commit_tx(db);
	} else if (db->tx == DB_TX_LOST) {
		rc = db->lost_rc; /* a full disk stays "disk full" for every member */
		tx_abandon(db);
	}
	db->group_armed = 0;
	return rc;
}

enum db_rc db_exec_script(struct db *db, const char *sql)
{
	char *err = NULL;
	int rc = sqlite3_exec(db->h, sql, NULL, NULL, &err);
	if (rc != SQLITE_OK) {
		log_kv("error", "script failed", "err", err ? err : sqlite3_errstr(rc), LOG_END);
		sqlite3_free(err);
		return db_rc_from(rc) == DB_OK ? DB_ERR : db_rc_from(rc);
	}
	return DB_OK;
}

int64_t db_scalar(struct db *db, const char *sql, int64_t def)
{
	sqlite3_stmt *st = db_stmt_literal(db, sql);
	if (!st)
		return def;
	int64_t v = def;
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL)
		v = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return v;
}

void db_column_copy(sqlite3_stmt *st, int col, char *out, size_t n)
{
	str_copy(out, n, (const char *)sqlite3_column_text(st, col));
}
