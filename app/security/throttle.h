/* throttle: growing delays and an hourly cap on failed password
 * verifications, per account and per client address. Checked before any
 * argon2id runs. */
#ifndef TANDEM_THROTTLE_H
#define TANDEM_THROTTLE_H
#include <stdint.h>

#include "store/db.h"

#define THROTTLE_WINDOW 3600
#define THROTTLE_ACCT_MAX 100 /* failed verifications per account per hour */
#define THROTTLE_IP_MAX 300   /* per client address per hour */

/* Seconds the caller must wait before another verification for this
 * account key (normalised email) and address, 0 when it may go ahead. */
int64_t throttle_wait(struct db *db, const char *acct, const char *ip, int64_t now);

/* Record one failed verification for both keys (inside the caller's
 * transaction or alone). DB_OK or an error. */
enum db_rc throttle_fail(struct db *db, const char *acct, const char *ip, int64_t now);

/* Forget an account's failures after a successful sign-in. */
enum db_rc throttle_clear(struct db *db, const char *acct);

/* Drop rows older than the window (master's periodic task). */
void throttle_purge(struct db *db, int64_t now);

#endif
