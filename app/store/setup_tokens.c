#include "store/setup_tokens.h"

#include "store/audit.h"
#include "store/users.h"

enum db_rc setup_token_mint(struct db *db, const unsigned char hash[TOKEN_HASH_BYTES], int64_t expires_at)
{
	enum db_rc rc = db_begin(db);
	if (rc != DB_OK)
		return rc;
	sqlite3_stmt *st = DB_STMT(db, "DELETE FROM setup_tokens WHERE used_at IS NULL");
	rc = db_exec_step(db, st);
	st = DB_STMT(db, "INSERT INTO setup_tokens(token_hash, expires_at) VALUES (:h, :e)");
	if (rc == DB_OK && st) {
		db_bind_blob(st, ":h", hash, TOKEN_HASH_BYTES);
		db_bind_int(st, ":e", expires_at);
		rc = db_exec_step(db, st);
	}
	if (rc != DB_OK) {
		db_rollback(db);
		return rc;
	}
	rc = db_commit(db);
	if (rc != DB_OK)
		db_rollback(db);
	return rc;
}

int setup_token_valid(struct db *db, const unsigned char hash[TOKEN_HASH_BYTES], int64_t now)
{
	sqlite3_stmt *st = DB_STMT(db, "SELECT 1 FROM setup_tokens WHERE token_hash = :h "
				       "AND used_at IS NULL AND expires_at > :now");
	if (!st)
		return 0;
	db_bind_blob(st, ":h", hash, TOKEN_HASH_BYTES);
	db_bind_int(st, ":now", now);
	int ok = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_reset(st);
	return ok;
}

/* Inside the write transaction: DB_OK when the token was taken now,
 * DB_NOTFOUND when an admin exists or another request took it first. */
static enum db_rc token_consume(struct db *db, const unsigned char hash[TOKEN_HASH_BYTES], int64_t now)
{
	if (user_active_admins(db) > 0)
		return DB_NOTFOUND;
	sqlite3_stmt *u = DB_STMT(db, "UPDATE setup_tokens SET used_at = :now WHERE token_hash = :h "
				      "AND used_at IS NULL AND expires_at > :now");
	if (!u)
		return DB_ERR;
	db_bind_int(u, ":now", now);
	db_bind_blob(u, ":h", hash, TOKEN_HASH_BYTES);
	enum db_rc rc = db_exec_step(db, u);
	if (rc == DB_OK && sqlite3_changes(db_handle(db)) != 1)
		rc = DB_NOTFOUND;
	return rc;
}

enum db_rc setup_token_redeem(struct db *db, const unsigned char hash[TOKEN_HASH_BYTES], const char *email,
			      const char *name, const char *pw_hash, int64_t now, const char *ip,
			      account_then_fn then, void *arg, int64_t *id)
{
	enum db_rc rc = db_begin(db);
	if (rc != DB_OK)
		return rc;
	rc = token_consume(db, hash, now);
	if (rc == DB_OK)
		rc = account_insert(db, email, name, pw_hash, "admin", now, ip, id);
	if (rc == DB_OK)
		rc = audit_add(db, now, "setup_used", *id, *id, ip, NULL);
	if (rc == DB_OK)
		rc = then(arg, *id);
	return db_end(db, rc);
}
