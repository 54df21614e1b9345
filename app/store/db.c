#include "store/db.h"

#include "core/buf.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/log.h"
#include "store/wlock.h"

#define CACHE_SLOTS 512

struct slot {
	const char *sql;
	sqlite3_stmt *st;
};

struct db {
	sqlite3 *h;
	int read_tx;  /* inside db_read_begin's transaction */
	int wlock_fd; /* the writers' queue (store/wlock.h), -1 without */
	int wlocked;  /* this process is the writer */
	/* Group commit (db.h): armed by the worker for a short POST; open once
	 * a member began; lost when SQLite rolled the whole transaction back
	 * under a member; member while one member's SAVEPOINT is open. */
	int group_armed, group_open, group_lost, member;
	struct slot cache[CACHE_SLOTS];
};

/* One connection per process, from db_open: db_exec_step, which has only
 * the statement, finds through it the read transaction to end before a
 * write and the writers' queue to join for a lone write. */
static struct db *open_db;

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
	case SQLITE_LOCKED:
	case SQLITE_FULL: return DB_BUSY;
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
	open_db = db;
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
	db->member = db->group_open = 0;
	if (!sqlite3_get_autocommit(db->h))
		db_rollback(db);
	writer_leave(db);
	if (db->wlock_fd >= 0)
		close(db->wlock_fd);
	if (open_db == db)
		open_db = NULL;
	for (size_t i = 0; i < CACHE_SLOTS; i++)
		sqlite3_finalize(db->cache[i].st);
	sqlite3_close(db->h);
	free(db);
}

sqlite3_stmt *db_stmt_literal(struct db *db, const char *sql)
{
	size_t h = ((uintptr_t)sql >> 3) % CACHE_SLOTS;
	for (size_t k = 0; k < CACHE_SLOTS; k++) {
		struct slot *s = &db->cache[(h + k) % CACHE_SLOTS];
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

/* SQLite rolls a whole transaction back on some errors (I/O, full disk,
 * out of memory): every member before this one is gone with it, so the
 * group can only fail. */
static void group_check(struct db *db)
{
	if (db->group_open && sqlite3_get_autocommit(db->h)) {
		log_kv("error", "a grouped transaction was rolled back under a member", LOG_END);
		db->group_open = 0;
		db->group_lost = 1;
		db->member = 0;
		writer_leave(db);
	}
}

void db_read_begin(struct db *db)
{
	if (db->group_open)
		return; /* the group's transaction is this request's snapshot */
	sqlite3_stmt *st = DB_STMT(db, "BEGIN");
	if (st && sqlite3_step(st) == SQLITE_DONE) {
		db->read_tx = 1;
	}
	if (st)
		sqlite3_reset(st);
}

void db_read_end(struct db *db)
{
	/* Callers end a read before argon2id; inside a group that would hold
	 * every member's commit (and the writers' queue) for a hash. */
	if (db->group_open)
		log_kv("error", "slow work inside a grouped commit", LOG_END);
	if (!db->read_tx)
		return;
	db->read_tx = 0;
	sqlite3_stmt *st = DB_STMT(db, "COMMIT");
	if (st) {
		sqlite3_step(st);
		sqlite3_reset(st);
	}
	if (!sqlite3_get_autocommit(db->h))
		db_rollback(db);
}

enum db_rc db_exec_step(sqlite3_stmt *st)
{
	if (!st)
		return DB_ERR;
	int writes = !sqlite3_stmt_readonly(st);
	struct db *own = open_db && sqlite3_db_handle(st) == open_db->h ? open_db : NULL;
	if (own && writes && own->read_tx)
		db_read_end(own);
	/* A lone writing statement is a transaction of its own: it queues
	 * like one. Inside db_begin's transaction the queue is held already. */
	struct db *lone = NULL;
	if (own && writes && sqlite3_get_autocommit(own->h) && !own->wlocked) {
		if (writer_enter(own) != 0) {
			sqlite3_reset(st);
			log_kv("warn", "database busy", LOG_END);
			return DB_BUSY;
		}
		lone = own;
	}
	int rc = sqlite3_step(st);
	if (lone)
		writer_leave(lone);
	if (own)
		group_check(own);
	enum db_rc r = db_rc_from(rc);
	if (r == DB_ERR)
		log_kv("error", "step failed", "err", sqlite3_errstr(rc), LOG_END);
	sqlite3_reset(st);
	return r;
}

/* A member of the armed group: its own SAVEPOINT, so a member that fails
 * undoes only its own writes. */
static enum db_rc member_begin(struct db *db)
{
	if (step_control(db, "SAVEPOINT member") != SQLITE_DONE) {
		group_check(db);
		return DB_ERR;
	}
	db->member = 1;
	return DB_OK;
}

enum db_rc db_begin(struct db *db)
{
	if (db->group_lost)
		return DB_ERR; /* the group fails as a whole; add nothing to it */
	if (db->group_open)
		return member_begin(db);
	db_read_end(db);
	sqlite3_stmt *st = DB_STMT(db, "BEGIN IMMEDIATE");
	if (!st)
		return DB_ERR;
	if (writer_enter(db) != 0) {
		log_kv("warn", "database busy", LOG_END);
		return DB_BUSY;
	}
	/* busy_timeout already waits up to 5 s inside each attempt; a few more
	 * attempts ride out a checkpoint or a recovery, then we answer 503. */
	for (int attempt = 0; attempt < 3; attempt++) {
		int rc = sqlite3_step(st);
		sqlite3_reset(st);
		if (rc == SQLITE_DONE && !db->group_armed)
			return DB_OK;
		if (rc == SQLITE_DONE) {
			db->group_open = 1;
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

static enum db_rc commit_tx(struct db *db)
{
	sqlite3_stmt *st = DB_STMT(db, "COMMIT");
	int rc = st ? sqlite3_step(st) : SQLITE_ERROR;
	if (st)
		sqlite3_reset(st);
	if (rc == SQLITE_DONE) {
		writer_leave(db);
		return DB_OK;
	}
	db_rollback(db);
	return db_rc_from(rc) == DB_OK ? DB_ERR : db_rc_from(rc);
}

enum db_rc db_commit(struct db *db)
{
	if (db->group_open && !db->member)
		return DB_ERR; /* no member of its own (its db_begin failed) */
	if (!db->member)
		return commit_tx(db);
	/* A member's writes join the group; they are durable at its commit. */
	db->member = 0;
	if (step_control(db, "RELEASE member") == SQLITE_DONE)
		return DB_OK;
	group_check(db);
	if (db->group_open) {
		db->member = 1;
		db_rollback(db);
	}
	return DB_ERR;
}

void db_rollback(struct db *db)
{
	if (db->member) {
		db->member = 0;
		step_control(db, "ROLLBACK TO member");
		step_control(db, "RELEASE member");
		group_check(db);
		return;
	}
	if (db->group_open)
		return; /* nothing of this request's: the others' writes stay */
	if (!sqlite3_get_autocommit(db->h)) {
		sqlite3_stmt *st = DB_STMT(db, "ROLLBACK");
		if (st) {
			sqlite3_step(st);
			sqlite3_reset(st);
		}
	}
	writer_leave(db);
}

int db_begin_to(struct db *db, enum db_rc *out)
{
	enum db_rc rc = db_begin(db);
	if (rc == DB_OK)
		return 0;
	*out = rc;
	return -1;
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
	if (db->read_tx)
		db_read_end(db);
	if (db->member) {
		log_kv("error", "a transaction was left open; rolled back", LOG_END);
		db_rollback(db);
	}
	if (db->group_open)
		return; /* the group's commit is the worker's */
	if (!sqlite3_get_autocommit(db->h)) {
		log_kv("error", "a transaction was left open; rolled back", LOG_END);
		db_rollback(db);
	}
	writer_leave(db);
}

void db_group_arm(struct db *db)
{
	db->group_armed = 1;
}

int db_group_pending(const struct db *db)
{
	return db->group_open || db->group_lost;
}

enum db_rc db_group_commit(struct db *db)
{
	enum db_rc rc = db->group_lost ? DB_ERR : DB_OK;
	if (db->member)
		db_rollback(db);
	if (db->group_open) {
		db->group_open = 0;
		if (rc == DB_OK)
			rc = commit_tx(db);
		else
			db_rollback(db);
	}
	db->group_armed = db->group_lost = 0;
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
