/* accounts: creating an account and signing in, the writes each one
 * makes together (user, audit, throttle, known browser). The form rules
 * are pages/account_form.h. */
#ifndef TANDEM_ACCOUNTS_H
#define TANDEM_ACCOUNTS_H
#include <stdint.h>

#include "security/password.h"
#include "security/token.h"
#include "store/db.h"

/* Work the caller adds to a transaction this module owns, run last,
 * before the commit (the sign-in: a new session row and its cookie). A
 * result other than DB_OK rolls everything back and is returned. */
typedef enum db_rc (*account_then_fn)(void *arg, int64_t user_id);

/* No transaction: hash the password with argon2id (waiting briefly for a
 * slot), ending the caller's read snapshot first and holding no write
 * lock. DB_OK, DB_BUSY (every slot stayed busy) or DB_ERR. */
enum db_rc account_hash(struct db *db, const char *password, char hash[PW_HASH_LEN]);

/* What checking a password found: the store's result type (store/db.h). */
enum acct_rc {
	ACCT_OK = DB_OK,
	ACCT_DB_BUSY = DB_BUSY,	 /* every argon2id slot stayed taken: answer 503 */
	ACCT_DB_ERR = DB_ERR,	 /* argon2id failed (no memory) */
	ACCT_DB_FULL = DB_FULL,	 /* (never: no write) */
	ACCT_WRONG = DB_REFUSAL, /* not the password (also for stored_hash NULL) */
};

/* No transaction: end the caller's read snapshot, then check password
 * against stored_hash with argon2id (NULL: against a dummy hash, so an
 * unknown account costs the same; always ACCT_WRONG). *needs_rehash is
 * set when the stored hash uses other limits than today's. argon2id
 * takes tens of ms, and a snapshot held meanwhile would keep checkpoints
 * from recycling the WAL. */
enum acct_rc account_verify(struct db *db, const char *stored_hash, const char *password, int *needs_rehash);

/* Inside the caller's transaction: create the account from a hash and add
 * its audit entry. DB_OK (and *id), DB_CONFLICT (email taken) or an error. */
enum db_rc account_insert(struct db *db, const char *email, const char *name, const char *hash,
			  const char *role, int64_t now, const char *ip, int64_t *id);

/* Own transaction (after the hash, which runs outside it): hash the
 * password and create the account with an audit entry. DB_OK (and *id),
 * DB_CONFLICT (email taken), DB_BUSY (also when every argon2id slot is
 * busy) or DB_ERR. */
enum db_rc account_create(struct db *db, const char *email, const char *name, const char *password,
			  const char *role, int64_t now, const char *ip, int64_t *id);

/* Own transaction: a member signs up with an argon2id hash made already:
 * the address's signup budget checked again under the lock (over it:
 * DB_BUSY with *retry_after > 0 seconds), the account, its audit entry,
 * one signup counted for ip, then then(arg, id). DB_OK (and *id),
 * DB_CONFLICT (email taken) or an error; on an error nothing is kept. */
enum db_rc account_signup(struct db *db, const char *email, const char *name, const char *hash, int64_t now,
			  const char *ip, account_then_fn then, void *arg, int64_t *id, int64_t *retry_after);

/* Own transaction: a wrong password for the account key acct (user_id 0
 * when no such active account): the throttle counts it, a known browser
 * (known_cookie, NULL when the browser is not known) loses its standing,
 * and the audit says login_failed. DB_OK or an error. */
enum db_rc account_login_failed(struct db *db, const char *acct, const char *ip, int64_t now,
				const char *known_cookie, int64_t user_id);

/* Own transaction: user_id signed in with the account key acct. Stores
 * new_hash when not NULL (a rehash), and from a browser not known yet
 * (known == 0) forgets the account's failures and issues a known-browser
 * cookie into new_known (left "" otherwise); then last login, the audit's
 * login_ok and then(arg, user_id). DB_OK or an error (nothing kept). */
enum db_rc account_login_ok(struct db *db, int64_t user_id, const char *acct, const char *new_hash, int known,
			    int64_t now, const char *ip, char new_known[TOKEN_B64_LEN], account_then_fn then,
			    void *arg);

/* Own transaction: a wrong current password on the password form: the
 * throttle counts it for the account key acct and ip, and a known browser
 * (known_cookie, NULL when not known) of user_id loses its standing. No
 * audit line (the person is signed in). DB_OK or an error. */
enum db_rc account_password_wrong(struct db *db, const char *acct, const char *ip, int64_t now,
				  const char *known_cookie, int64_t user_id);

/* Own transaction: user_id's password becomes hash; every known browser
 * but keep_known (the current one's cookie, NULL when it is not known)
 * is forgotten; with end_others every other session (all but keep, the
 * current one's hash) ends; an audit line; then then(arg, user_id) (a
 * fresh session token). DB_OK or an error (nothing kept). */
enum db_rc account_password_set(struct db *db, int64_t user_id, const char *hash, int end_others,
				const unsigned char *keep, const char *keep_known, int64_t now,
				const char *ip, account_then_fn then, void *arg);

#endif
