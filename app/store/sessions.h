/* sessions: server-side login sessions and anonymous pre-sessions, stored
 * under the hash of their token. In code a sign-in session is a `sess`
 * (struct sess, sess_*, SESS_*, ctx's c->sess); "session" alone names a
 * mentoring session (a logged one-on-one one is a meeting, store/meetings.h;
 * help_* and ring_session_* the others). */
#ifndef TANDEM_SESSIONS_H
#define TANDEM_SESSIONS_H
#include <stdint.h>

#include "security/token.h"
#include "store/db.h"
#include "store/users.h"

/* Anonymous pre-sessions only carry a CSRF token to a form: short-lived. */
#define PRESESSION_SECONDS 7200

struct sess {
	unsigned char hash[TOKEN_HASH_BYTES];
	int64_t user_id; /* 0 for a pre-session */
	unsigned char csrf[TOKEN_BYTES];
	int64_t created_at, last_seen;
	int mfa; /* issue 16: enum sess_mfa */
};

/* issue 16: where this session stands with the account's second factor. */
enum sess_mfa {
	SESS_MFA_NONE = 0,    /* none asked (no factor, or not yet asked this session) */
	SESS_MFA_PENDING = 1, /* the account has one and the code is owed: only /login/mfa, /logout */
	SESS_MFA_PASSED = 2,  /* a code or recovery code was accepted in this session */
};

/* No transaction of its own: one statement, inside the caller's
 * transaction or autocommitted alone. Set the session's second-factor
 * state (enum sess_mfa). DB_OK or an error. */
enum db_rc sess_set_mfa(struct db *db, const unsigned char hash[TOKEN_HASH_BYTES], int state);

/* No transaction of its own: one statement, inside the caller's
 * transaction or autocommitted alone. Create a session row for user_id (0:
 * anonymous) with a fresh CSRF secret; s is filled. DB_OK or an error. */
enum db_rc sess_create(struct db *db, const unsigned char hash[TOKEN_HASH_BYTES], int64_t user_id,
		       int64_t now, struct sess *s);
/* No transaction of its own (a read). Look a session up and apply the
 * timeouts: idle (since last_seen) and absolute (since created_at); an
 * expired, unknown, or deactivated account's session is DB_NOTFOUND (and
 * an expired row is removed). The signed-in account comes with it, in the
 * same query, into *u (when u is not NULL and the session has a user). */
enum db_rc sess_lookup(struct db *db, const unsigned char hash[TOKEN_HASH_BYTES], int64_t now, int64_t idle,
		       int64_t absolute, struct sess *s, struct user *u);
/* No transaction of its own: one statement, inside the caller's
 * transaction or autocommitted alone. Record activity; writes at most once
 * a minute per session. */
void sess_touch(struct db *db, struct sess *s, int64_t now);
/* No transaction of its own: one statement, inside the caller's
 * transaction or autocommitted alone. End the session with this hash. */
enum db_rc sess_delete(struct db *db, const unsigned char hash[TOKEN_HASH_BYTES]);
/* Inside the caller's transaction. End every session of a user but `keep`
 * (NULL: all of them). */
enum db_rc sess_delete_user(struct db *db, int64_t user_id, const unsigned char *keep);
/* No transaction of its own: one statement, inside the caller's
 * transaction or autocommitted alone. Remove expired sessions (master's
 * periodic task). */
void sess_purge(struct db *db, int64_t now, int64_t idle, int64_t absolute);

#endif
