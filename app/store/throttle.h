/* throttle: growing delays and an hourly cap on failed password
 * verifications, per account and per client address. Checked before any
 * argon2id runs. Filed under store: it is four statements on the
 * throttle table, and security code must not depend on the store. */
#ifndef TANDEM_THROTTLE_H
#define TANDEM_THROTTLE_H
#include <stdint.h>

#include "store/db.h"

#define THROTTLE_WINDOW 3600
#define THROTTLE_ACCT_MAX 100	/* failed verifications per account per hour */
#define THROTTLE_IP_MAX 300	/* per client address per hour */
#define THROTTLE_SIGNUP_MAX 100 /* accounts created per client address per hour */

/* No transaction of its own (a read). Seconds the caller must wait before
 * another verification for this account key (normalised email) and
 * address, 0 when it may go ahead. known: the request comes from a browser
 * known for this account (store/known.h), which the account's limit never
 * holds back, and neither does the address's: failures from anywhere
 * else, or from others behind the same address, cannot lock the owner
 * out (its own guesses are capped by store/known.h). */
int64_t throttle_wait(struct db *db, const char *acct, const char *ip, int64_t now, int known);

/* Record one failed verification for both keys. No transaction of its
 * own: inside the caller's, or as one autocommit statement per key.
 * DB_OK or an error. */
enum db_rc throttle_fail(struct db *db, const char *acct, const char *ip, int64_t now);

/* Forget an account's failures after a successful sign-in. No
 * transaction of its own: inside the caller's (the sign-in's). */
enum db_rc throttle_clear(struct db *db, const char *acct);

/* No transaction of its own (a read). Seconds before this address may
 * create another account (each one costs an argon2id): 5 free an hour,
 * then doubling delays up to 20 s, at most THROTTLE_SIGNUP_MAX an hour. 0
 * when it may go ahead. */
int64_t throttle_signup_wait(struct db *db, const char *ip, int64_t now);

/* Count one account created from this address. No transaction of its
 * own: call it inside the transaction that creates the account. DB_OK or
 * an error. */
enum db_rc throttle_signup_note(struct db *db, const char *ip, int64_t now);

/* No transaction of its own (a read). Failures recorded for account key
 * acct since `since`, or -1 on a store error. */
int64_t throttle_count(struct db *db, const char *acct, int64_t since);

/* Drop rows older than the window (second-factor rows, "mfa:<id>", after
 * a day: store/mfa.h counts them per day) (master's periodic task). One
 * autocommit statement, no transaction of its own. */
void throttle_purge(struct db *db, int64_t now);

#endif
