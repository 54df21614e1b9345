#include "store/accounts.h"

#include <string.h>

#include "store/audit.h"
#include "store/known.h"
#include "store/sessions.h"
#include "store/throttle.h"
#include "store/users.h"

enum db_rc account_hash(struct db *db, const char *password, char hash[PW_HASH_LEN])
{
	/* argon2id takes tens of ms: no snapshot may pin the WAL meanwhile. */
	db_read_end(db);
	enum pw_rc p = pw_hash(password, hash);
	if (p != PW_OK)
		return p == PW_BUSY ? DB_BUSY : DB_ERR;
	return DB_OK;
}

enum acct_rc account_verify(struct db *db, const char *stored_hash, const char *password, int *needs_rehash)
{
	db_read_end(db);
	switch (pw_verify(stored_hash, password, needs_rehash)) {
	case PW_OK: return ACCT_OK;
	case PW_MISMATCH: return ACCT_WRONG;
	case PW_BUSY: return ACCT_DB_BUSY;
	case PW_ERR: break;
	}
	return ACCT_DB_ERR;
}

enum db_rc account_insert(struct db *db, const char *email, const char *name, const char *hash,
			  const char *role, int64_t now, const char *ip, int64_t *id)
{
	enum db_rc rc = user_create(db, email, name, hash, role, now, id);
	if (rc == DB_OK)
		rc = audit_add(db, now, strcmp(role, "admin") == 0 ? "admin_created" : "signup", *id, *id, ip,
			       NULL);
	return rc;
}

enum db_rc account_create(struct db *db, const char *email, const char *name, const char *password,
			  const char *role, int64_t now, const char *ip, int64_t *id)
{
	char hash[PW_HASH_LEN];
	enum db_rc rc = account_hash(db, password, hash);
	if (rc != DB_OK)
		return rc;
	rc = db_begin(db);
	if (rc != DB_OK)
		return rc;
	rc = account_insert(db, email, name, hash, role, now, ip, id);
	return db_end(db, rc);
}

enum db_rc account_signup(struct db *db, const char *email, const char *name, const char *hash, int64_t now,
			  const char *ip, account_then_fn then, void *arg, int64_t *id, int64_t *retry_after)
{
	*retry_after = 0;
	enum db_rc rc = db_begin(db);
	if (rc != DB_OK)
		return rc;
	/* Again under the writers' lock: signups sent at once all passed the
	 * page's check before any of them was counted. */
	*retry_after = throttle_signup_wait(db, ip, now);
	if (*retry_after > 0)
		return db_end(db, DB_BUSY);
	rc = account_insert(db, email, name, hash, "member", now, ip, id);
	if (rc == DB_OK)
		rc = throttle_signup_note(db, ip, now);
	if (rc == DB_OK)
		rc = then(arg, *id);
	return db_end(db, rc);
}

/* Own transaction: one wrong password, counted for the account key, the
 * address and (when known) the browser; an audit line when event is set. */
static enum db_rc count_failure(struct db *db, const char *acct, const char *ip, int64_t now,
				const char *known_cookie, int64_t user_id, const char *event)
{
	enum db_rc rc = db_begin(db);
	if (rc != DB_OK)
		return rc;
	rc = throttle_fail(db, acct, ip, now);
	if (rc == DB_OK && known_cookie)
		rc = known_fail(db, known_cookie, user_id);
	if (rc == DB_OK && event)
		rc = audit_add(db, now, event, 0, user_id, ip, NULL);
	return db_end(db, rc);
}

enum db_rc account_login_failed(struct db *db, const char *acct, const char *ip, int64_t now,
				const char *known_cookie, int64_t user_id)
{
	return count_failure(db, acct, ip, now, known_cookie, user_id, "login_failed");
}

enum db_rc account_login_ok(struct db *db, int64_t user_id, const char *acct, const char *new_hash, int known,
			    int64_t now, const char *ip, char new_known[TOKEN_B64_LEN], account_then_fn then,
			    void *arg)
{
	new_known[0] = '\0';
	enum db_rc rc = db_begin(db);
	if (rc != DB_OK)
		return rc;
	if (new_hash)
		rc = user_set_password(db, user_id, new_hash);
	/* A known browser's success leaves other people's failures
	 * counted: clearing them would reopen the account to guessing. */
	if (rc == DB_OK && !known)
		rc = throttle_clear(db, acct);
	if (rc == DB_OK && !known)
		rc = known_issue(db, user_id, now, new_known);
	if (rc == DB_OK)
		rc = user_set_last_login(db, user_id, now);
	if (rc == DB_OK)
		rc = audit_add(db, now, "login_ok", user_id, user_id, ip, NULL);
	if (rc == DB_OK)
		rc = then(arg, user_id);
	return db_end(db, rc);
}

enum db_rc account_password_wrong(struct db *db, const char *acct, const char *ip, int64_t now,
				  const char *known_cookie, int64_t user_id)
{
	return count_failure(db, acct, ip, now, known_cookie, user_id, NULL);
}

enum db_rc account_password_set(struct db *db, int64_t user_id, const char *hash, int end_others,
				const unsigned char *keep, const char *keep_known, int64_t now,
				const char *ip, account_then_fn then, void *arg)
{
	enum db_rc rc = db_begin(db);
	if (rc != DB_OK)
		return rc;
	rc = user_set_password(db, user_id, hash);
	/* The old password's known browsers lose their head start with it. */
	if (rc == DB_OK)
		rc = known_forget_user(db, user_id, keep_known);
	if (rc == DB_OK && end_others)
		rc = sess_delete_user(db, user_id, keep);
	if (rc == DB_OK)
		rc = audit_add(db, now, "password_changed", user_id, user_id, ip,
			       end_others ? "other sessions ended" : NULL);
	if (rc == DB_OK)
		rc = then(arg, user_id);
	return db_end(db, rc);
}
