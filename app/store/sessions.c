#include "store/sessions.h"

#include "core/log.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

enum db_rc sess_create(struct db *db, const unsigned char hash[TOKEN_HASH_BYTES], int64_t user_id,
		       int64_t now, struct sess *s)
{
	memset(s, 0, sizeof(*s));
	memcpy(s->hash, hash, TOKEN_HASH_BYTES);
	randombytes_buf(s->csrf, sizeof(s->csrf));
	s->user_id = user_id;
	s->created_at = s->last_seen = now;
	sqlite3_stmt *st =
		DB_STMT(db, "INSERT INTO sessions(token_hash, user_id, csrf, created_at, last_seen) "
			    "VALUES (:h, :u, :c, :now, :now)");
	if (!st)
		return DB_ERR;
	db_bind_blob(st, ":h", hash, TOKEN_HASH_BYTES);
	if (user_id)
		db_bind_int(st, ":u", user_id);
	else
		db_bind_null(st, ":u");
	db_bind_blob(st, ":c", s->csrf, TOKEN_BYTES);
	db_bind_int(st, ":now", now);
	return db_exec_step(db, st);
}

enum db_rc sess_lookup(struct db *db, const unsigned char hash[TOKEN_HASH_BYTES], int64_t now, int64_t idle,
		       int64_t absolute, struct sess *s, struct user *u)
{
	sqlite3_stmt *st = DB_STMT(db, "SELECT s.user_id, s.csrf, s.created_at, s.last_seen, "
				       "coalesce(u.active, 1), u.id, u.email, "
				       "u.display_name, u.pw_hash, u.role, u.active, "
				       "coalesce(u.last_login_at, 0), u.verified, s.mfa, "
				       "coalesce(u.surveys_waiting, 0), coalesce(u.timezone, 'UTC'), "
				       "coalesce(u.pairing_goal, 0) "
				       "FROM sessions s LEFT JOIN users u ON u.id = s.user_id "
				       "WHERE s.token_hash = :h");
	if (!st)
		return DB_ERR;
	db_bind_blob(st, ":h", hash, TOKEN_HASH_BYTES);
	int rc = sqlite3_step(st);
	if (rc != SQLITE_ROW) {
		sqlite3_reset(st);
		return rc == SQLITE_DONE ? DB_NOTFOUND : db_rc_from(rc);
	}
	memset(s, 0, sizeof(*s));
	memcpy(s->hash, hash, TOKEN_HASH_BYTES);
	s->user_id = sqlite3_column_int64(st, 0);
	if (sqlite3_column_bytes(st, 1) == TOKEN_BYTES)
		memcpy(s->csrf, sqlite3_column_blob(st, 1), TOKEN_BYTES);
	s->created_at = sqlite3_column_int64(st, 2);
	s->last_seen = sqlite3_column_int64(st, 3);
	int active = sqlite3_column_int(st, 4);
	s->mfa = sqlite3_column_int(st, 13); /* after the user's columns (user_from_row) */
	if (u && s->user_id) {
		user_from_row(st, 5, u);
		u->surveys_waiting = sqlite3_column_int64(st, 14);
		/* The profile's zone and goal, kept on the person's row (sql/0040). */
		db_column_copy(st, 15, u->tz, sizeof(u->tz));
		u->pairing_goal = sqlite3_column_int(st, 16);
	}
	sqlite3_reset(st);
	if (!s->user_id) {
		idle = PRESESSION_SECONDS;
		absolute = PRESESSION_SECONDS;
	}
	if (!active || now - s->last_seen > idle || now - s->created_at > absolute) {
		sess_delete(db, hash);
		return DB_NOTFOUND;
	}
	return DB_OK;
}

void sess_touch(struct db *db, struct sess *s, int64_t now)
{
	if (now - s->last_seen < 60)
		return;
	sqlite3_stmt *st = DB_STMT(db, "UPDATE sessions SET last_seen = :now WHERE token_hash = :h");
	if (!st)
		return;
	/* Alone (not inside a caller's write), the touch commits without an
	 * fsync: it is the first request of every signed-in person each
	 * minute, and waiting for the disk there kept a worker from pages
	 * (1,200 people: 1,200 fsyncs a minute). The next durable commit of
	 * any connection syncs the log with it; a touch lost to a power cut
	 * only makes a session look idle a minute early. Both pragmas are
	 * prepared before the level drops, so it is always raised again.
	 * Inside a caller's write transaction the touch is that one's. */
	sqlite3 *h = sqlite3_db_handle(st);
	if (sqlite3_txn_state(h, "main") == SQLITE_TXN_READ)
		db_read_end(db); /* the write would end it; SQLite sets the level outside one */
	sqlite3_stmt *lazy = sqlite3_get_autocommit(h) ? DB_STMT(db, "PRAGMA synchronous=NORMAL") : NULL;
	sqlite3_stmt *full = lazy ? DB_STMT(db, "PRAGMA synchronous=FULL") : NULL;
	if (full) {
		sqlite3_step(lazy);
		sqlite3_reset(lazy);
	}
	db_bind_int(st, ":now", now);
	db_bind_blob(st, ":h", s->hash, TOKEN_HASH_BYTES);
	if (db_exec_step(db, st) == DB_OK)
		s->last_seen = now;
	if (full) {
		if (sqlite3_step(full) != SQLITE_DONE)
			log_kv("error", "synchronous=FULL not restored", LOG_END);
		sqlite3_reset(full);
	}
}

enum db_rc sess_delete(struct db *db, const unsigned char hash[TOKEN_HASH_BYTES])
{
	sqlite3_stmt *st = DB_STMT(db, "DELETE FROM sessions WHERE token_hash = :h");
	if (!st)
		return DB_ERR;
	db_bind_blob(st, ":h", hash, TOKEN_HASH_BYTES);
	return db_exec_step(db, st);
}

enum db_rc sess_delete_user(struct db *db, int64_t user_id, const unsigned char *keep)
{
	sqlite3_stmt *st = DB_STMT(db, "DELETE FROM sessions WHERE user_id = :u AND token_hash IS NOT :k");
	if (!st)
		return DB_ERR;
	db_bind_int(st, ":u", user_id);
	if (keep)
		db_bind_blob(st, ":k", keep, TOKEN_HASH_BYTES);
	else
		db_bind_null(st, ":k");
	return db_exec_step(db, st);
}

void sess_purge(struct db *db, int64_t now, int64_t idle, int64_t absolute)
{
	sqlite3_stmt *st = DB_STMT(db, "DELETE FROM sessions WHERE last_seen < :idle OR created_at < :abs "
				       "OR (user_id IS NULL AND created_at < :pre)");
	if (!st)
		return;
	db_bind_int(st, ":idle", now - idle);
	db_bind_int(st, ":abs", now - absolute);
	db_bind_int(st, ":pre", now - PRESESSION_SECONDS);
	db_exec_step(db, st);
}

enum db_rc sess_set_mfa(struct db *db, const unsigned char hash[TOKEN_HASH_BYTES], int state)
{
	sqlite3_stmt *st = DB_STMT(db, "UPDATE sessions SET mfa = :m WHERE token_hash = :h");
	if (!st)
		return DB_ERR;
	db_bind_int(st, ":m", state);
	db_bind_blob(st, ":h", hash, TOKEN_HASH_BYTES);
	return db_exec_step(db, st);
}
