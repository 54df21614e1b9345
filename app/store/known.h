/* known: browsers that have signed in to an account before, remembered by
 * a long-lived random cookie (__Host-known) stored only as its hash. A
 * correct password from a known browser skips the account's failure
 * limit (never the address's), so nobody else's failures lock its owner
 * out. */
#ifndef TANDEM_KNOWN_H
#define TANDEM_KNOWN_H
#include <stdint.h>

#include "security/token.h"
#include "store/db.h"

#define KNOWN_SECONDS (180L * 86400) /* the cookie's and the row's lifetime */
#define KNOWN_MAX_FAILURES 5	     /* wrong passwords before it is no longer known */
#define KNOWN_PER_ACCOUNT 20	     /* the newest browsers kept per account */

/* No transaction of its own (a read). 1 when cookie (the __Host-known
 * value, may be NULL) names a browser known for user_id, younger than
 * KNOWN_SECONDS and under KNOWN_MAX_FAILURES; 0 otherwise. A read. */
int known_check(struct db *db, const char *cookie, int64_t user_id, int64_t now);

/* Count a wrong password from this browser for user_id (inside the
 * caller's transaction). DB_OK (also when the cookie is not known) or an
 * error. */
enum db_rc known_fail(struct db *db, const char *cookie, int64_t user_id);

/* Inside the caller's transaction: forget every browser known for
 * user_id but the one with cookie keep (may be NULL): after a password
 * change a stolen device keeps no head start, and the owner's own
 * browser stays known. DB_OK or an error. */
enum db_rc known_forget_user(struct db *db, int64_t user_id, const char *keep);

/* Remember a new browser for user_id (inside the caller's transaction),
 * forgetting all but its KNOWN_PER_ACCOUNT newest; b64 gets the cookie
 * value. DB_OK or an error. */
enum db_rc known_issue(struct db *db, int64_t user_id, int64_t now, char b64[TOKEN_B64_LEN]);

/* No transaction of its own: one statement, inside the caller's
 * transaction or autocommitted alone. Drop rows older than KNOWN_SECONDS
 * (master's periodic task). */
void known_purge(struct db *db, int64_t now);

#endif
