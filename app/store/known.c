#include "store/known.h"

#include <sodium.h>

/* The stored hash of a cookie value; -1 when it is not a token at all. */
static int cookie_hash(const char *cookie, unsigned char hash[TOKEN_HASH_BYTES])
{
	unsigned char raw[TOKEN_BYTES];
	if (!cookie || token_decode(cookie, raw) != 0)
		return -1;
	token_hash(raw, hash);
	sodium_memzero(raw, sizeof(raw));
	return 0;
}

int known_check(struct db *db, const char *cookie, int64_t user_id, int64_t now)
{
	unsigned char hash[TOKEN_HASH_BYTES];
	if (cookie_hash(cookie, hash) != 0)
		return 0;
	sqlite3_stmt *st = DB_STMT(db, "SELECT 1 FROM known_browsers WHERE token_hash = :h AND user_id = :u "
				       "AND created_at > :since AND failures < :max");
	if (!st)
		return 0;
	db_bind_blob(st, ":h", hash, TOKEN_HASH_BYTES);
	db_bind_int(st, ":u", user_id);
	db_bind_int(st, ":since", now - KNOWN_SECONDS);
	db_bind_int(st, ":max", KNOWN_MAX_FAILURES);
	int ok = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_reset(st);
	return ok;
}

enum db_rc known_fail(struct db *db, const char *cookie, int64_t user_id)
{
	unsigned char hash[TOKEN_HASH_BYTES];
	if (cookie_hash(cookie, hash) != 0)
		return DB_OK;
	sqlite3_stmt *st = DB_STMT(db, "UPDATE known_browsers SET failures = failures + 1 "
				       "WHERE token_hash = :h AND user_id = :u");
	if (!st)
		return DB_ERR;
	db_bind_blob(st, ":h", hash, TOKEN_HASH_BYTES);
	db_bind_int(st, ":u", user_id);
	return db_exec_step(db, st);
}

enum db_rc known_issue(struct db *db, int64_t user_id, int64_t now, char b64[TOKEN_B64_LEN])
{
	unsigned char raw[TOKEN_BYTES], hash[TOKEN_HASH_BYTES];
	token_new(raw, b64);
	token_hash(raw, hash);
	sodium_memzero(raw, sizeof(raw));
	sqlite3_stmt *st = DB_STMT(db, "INSERT INTO known_browsers(token_hash, user_id, created_at) "
				       "VALUES (:h, :u, :now)");
	if (!st)
		return DB_ERR;
	db_bind_blob(st, ":h", hash, TOKEN_HASH_BYTES);
	db_bind_int(st, ":u", user_id);
	db_bind_int(st, ":now", now);
	enum db_rc rc = db_exec_step(db, st);
	if (rc != DB_OK)
		return rc;
	/* A client that drops the cookie gets a new row at every sign-in:
	 * only the newest few per account are kept. */
	st = DB_STMT(db, "DELETE FROM known_browsers WHERE user_id = :u AND token_hash NOT IN "
			 "(SELECT token_hash FROM known_browsers WHERE user_id = :u "
			 "ORDER BY created_at DESC LIMIT :keep)");
	if (!st)
		return DB_ERR;
	db_bind_int(st, ":u", user_id);
	db_bind_int(st, ":keep", KNOWN_PER_ACCOUNT);
	return db_exec_step(db, st);
}

void known_purge(struct db *db, int64_t now)
{
	sqlite3_stmt *st = DB_STMT(db, "DELETE FROM known_browsers WHERE created_at <= :t");
	if (!st)
		return;
	db_bind_int(st, ":t", now - KNOWN_SECONDS);
	db_exec_step(db, st);
}

enum db_rc known_forget_user(struct db *db, int64_t user_id, const char *keep)
{
	unsigned char hash[TOKEN_HASH_BYTES];
	int have = cookie_hash(keep, hash) == 0;
	sqlite3_stmt *st =
		DB_STMT(db, "DELETE FROM known_browsers WHERE user_id = :u AND token_hash IS NOT :h");
	if (!st)
		return DB_ERR;
	db_bind_int(st, ":u", user_id);
	if (have)
		db_bind_blob(st, ":h", hash, TOKEN_HASH_BYTES);
	else
		db_bind_null(st, ":h");
	return db_exec_step(db, st);
}
