#include "store/acct_tokens.h"

#include "security/acct_link.h"
#include "store/outbox.h"

static int64_t ttl(enum acct_purpose p)
{
	return p == ACCT_VERIFY ? ACCT_VERIFY_TTL : p == ACCT_RESET ? ACCT_RESET_TTL : ACCT_INVITE_TTL;
}

static enum outbox_event mail_of(enum acct_purpose p)
{
	return p == ACCT_VERIFY ? OB_ACCT_VERIFY : p == ACCT_RESET ? OB_ACCT_RESET : OB_ACCT_INVITE;
}

enum db_rc acct_token_retire(struct db *db, int64_t user_id, unsigned mask, int64_t now)
{
	sqlite3_stmt *st = DB_STMT(db, "UPDATE account_tokens SET used_at = :now WHERE user_id = :u "
				       "AND used_at IS NULL AND ((1 << purpose) & :mask) <> 0");
	if (!st)
		return DB_ERR;
	db_bind_int(st, ":now", now);
	db_bind_int(st, ":u", user_id);
	db_bind_int(st, ":mask", mask);
	return db_exec_step(db, st);
}

enum db_rc acct_token_issue(struct db *db, int64_t user_id, enum acct_purpose purpose, int64_t now)
{
	unsigned char salt[ACCT_LINK_SALT_BYTES], hash[TOKEN_HASH_BYTES];
	if (acct_link_new(salt, hash) != 0)
		return DB_ERR;
	enum db_rc rc = acct_token_retire(db, user_id, 1u << purpose, now);
	if (rc != DB_OK)
		return rc;
	sqlite3_stmt *st = DB_STMT(db, "INSERT INTO account_tokens(user_id, purpose, salt, token_hash, "
				       "created_at, expires_at) VALUES (:u, :p, :s, :h, :now, :exp)");
	if (!st)
		return DB_ERR;
	db_bind_int(st, ":u", user_id);
	db_bind_int(st, ":p", purpose);
	db_bind_blob(st, ":s", salt, sizeof(salt));
	db_bind_blob(st, ":h", hash, sizeof(hash));
	db_bind_int(st, ":now", now);
	db_bind_int(st, ":exp", now + ttl(purpose));
	rc = db_exec_step(db, st);
	if (rc != DB_OK)
		return rc;
	return outbox_account(db, mail_of(purpose), user_id, sqlite3_last_insert_rowid(db_handle(db)), now);
}

/* The link with this hash as peek sees it; *id its row. */
static enum db_rc find(struct db *db, const unsigned char hash[TOKEN_HASH_BYTES], unsigned mask, int64_t now,
		       struct acct_link_info *out, int64_t *id)
{
	sqlite3_stmt *st =
		DB_STMT(db, "SELECT t.id, t.user_id, t.purpose, u.email, u.display_name "
			    "FROM account_tokens t JOIN users u ON u.id = t.user_id "
			    "WHERE t.token_hash = :h AND t.used_at IS NULL AND t.expires_at > :now "
			    "AND ((1 << t.purpose) & :mask) <> 0 AND u.active = 1");
	if (!st)
		return DB_ERR;
	db_bind_blob(st, ":h", hash, TOKEN_HASH_BYTES);
	db_bind_int(st, ":now", now);
	db_bind_int(st, ":mask", mask);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*id = sqlite3_column_int64(st, 0);
		out->user_id = sqlite3_column_int64(st, 1);
		out->purpose = sqlite3_column_int(st, 2);
		db_column_copy(st, 3, out->email, sizeof(out->email));
		db_column_copy(st, 4, out->name, sizeof(out->name));
	}
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? DB_OK : rc == SQLITE_DONE ? DB_NOTFOUND : db_rc_from(rc);
}

enum db_rc acct_token_peek(struct db *db, const unsigned char hash[TOKEN_HASH_BYTES], unsigned mask,
			   int64_t now, struct acct_link_info *out)
{
	int64_t id;
	return find(db, hash, mask, now, out, &id);
}

enum db_rc acct_token_take(struct db *db, const unsigned char hash[TOKEN_HASH_BYTES], unsigned mask,
			   int64_t now, struct acct_link_info *out)
{
	int64_t id = 0;
	enum db_rc rc = find(db, hash, mask, now, out, &id);
	if (rc != DB_OK)
		return rc;
	sqlite3_stmt *u = DB_STMT(db, "UPDATE account_tokens SET used_at = :now WHERE id = :id "
				      "AND used_at IS NULL AND expires_at > :now");
	if (!u)
		return DB_ERR;
	db_bind_int(u, ":now", now);
	db_bind_int(u, ":id", id);
	rc = db_exec_step(db, u);
	if (rc == DB_OK && sqlite3_changes(db_handle(db)) != 1)
		rc = DB_NOTFOUND;
	return rc;
}
