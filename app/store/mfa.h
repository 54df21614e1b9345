/* mfa: an account's second factor (issue 16): its TOTP secret (sealed,
 * store/sealed.h), the last time step accepted (a code works once), the
 * recovery codes (hashes only) and the session's record of having passed
 * it. Wrong codes are counted by store/throttle.h under the key
 * "mfa:<user id>" and the client's address, like wrong passwords. */
#ifndef TANDEM_MFA_H
#define TANDEM_MFA_H
#include <stdint.h>

#include "security/token.h"
#include "security/totp.h"
#include "store/db.h"

/* The throttle's account key of user_id's second factor into key[0..n). */
void mfa_throttle_key(int64_t user_id, char *key, size_t n);

/* No transaction of its own (a read). 1 when user_id has a confirmed
 * second factor, 0 when not, -1 when the store failed. */
int mfa_enrolled(struct db *db, int64_t user_id);

/* Own transaction. The secret user_id is enrolling with, in b32: the one
 * begun already within MFA_PENDING_TTL (a reload shows the same QR code),
 * or a new one stored sealed. DB_OK, DB_CONFLICT (enrolled already) or an error. */
enum db_rc mfa_begin(struct db *db, int64_t user_id, int64_t now, char b32[TOTP_B32_LEN]);

/* What a code did (mfa_enrol, mfa_pass, mfa_disable).
 * MFA_OK, a refusal below, or a store failure (MFA_DB_*: nothing
 * written; the page is ctx_store_error's). One value, no out-parameter
 * (the one store result type, store/db.h). */
enum mfa_result {
	MFA_OK = DB_OK,	       /* accepted: the change is committed */
	MFA_DB_BUSY = DB_BUSY, /* store failures (store/db.h): nothing changed */
	MFA_DB_ERR = DB_ERR,
	MFA_DB_FULL = DB_FULL,
	MFA_WRONG = DB_REFUSAL, /* wrong, reused or malformed: one failure is counted (committed) */
	MFA_NONE,		/* nothing to check it against (no enrolment begun / none confirmed) */
	MFA_LOCKED,	/* MFA_DAY_MAX wrong codes in a day: app codes refused, recovery codes still work */
	MFA_SIGNED_OUT, /* mfa_pass: every MFA_SESSION_TRIES-th wrong code ends the session (committed) */
};

/* A 6-digit code is guessed one in 10^6 (three steps accepted): someone
 * holding only the password gets MFA_SESSION_TRIES guesses per sign-in
 * and MFA_DAY_MAX a day, each one audited (mfa_failed). The owner keeps
 * the recovery codes, which the cap does not hold back. */
#define MFA_SESSION_TRIES 5
#define MFA_DAY_MAX 20
#define MFA_DAY 86400
#define MFA_PENDING_TTL 900 /* an enrolment begun and not confirmed within it starts over */

/* Own transaction. Finish user_id's enrolment with code (6 digits) for the
 * secret mfa_begin gave: the step is remembered, RECOVERY_COUNT new
 * recovery codes replace any older ones (their plain text into codes, to
 * be shown once and never again), the session sess becomes
 * SESS_MFA_PASSED, every other session of the account ends and the
 * audit says mfa_enrolled. */
enum mfa_result mfa_enrol(struct db *db, int64_t user_id, const unsigned char sess[TOKEN_HASH_BYTES],
			  const char *code, int64_t now, const char *ip,
			  char codes[RECOVERY_COUNT][RECOVERY_LEN]);

/* Own transaction. Pass user_id's second factor in session sess with a
 * TOTP code (code non-empty: a step later than the last accepted, within
 * one step of now) or else an unused recovery code (used up here; the
 * audit says mfa_recovery_used, *left gets how many remain). On success
 * the session becomes SESS_MFA_PASSED and the account's failures are
 * forgotten. */
enum mfa_result mfa_pass(struct db *db, int64_t user_id, const unsigned char sess[TOKEN_HASH_BYTES],
			 const char *code, const char *recovery, int64_t now, const char *ip, int *left);

/* Own transaction. Turn user_id's second factor off, proven by a current
 * code or an unused recovery code as for mfa_pass: the secret and every
 * recovery code go, every session of the account but sess ends, sess
 * becomes SESS_MFA_NONE, and the audit says mfa_disabled. */
enum mfa_result mfa_disable(struct db *db, int64_t user_id, const unsigned char sess[TOKEN_HASH_BYTES],
			    const char *code, const char *recovery, int64_t now, const char *ip);

/* Own transaction: the operator's way back in when an admin lost both
 * the app and the recovery codes (tandem mfa-off): user_id's secret and
 * recovery codes go, every session of the account ends, and the audit
 * says mfa_disabled "by the operator". DB_OK, DB_NOTFOUND (no second
 * factor to remove) or an error. */
enum db_rc mfa_remove(struct db *db, int64_t user_id, int64_t now);

/* No transaction of its own (a read). How many unused recovery codes
 * user_id has, or -1. */
int mfa_recovery_left(struct db *db, int64_t user_id);

#endif
