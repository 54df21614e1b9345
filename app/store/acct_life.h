/* acct_life: the account lifecycle's writes (issue 16): an address
 * confirmed, a link asked for again, a forgotten password, a password set
 * through a link, an invitation. Each runs its own transaction unless it
 * says otherwise; the links are store/acct_tokens.h, their mail goes
 * through the outbox in the same transaction. */
#ifndef TANDEM_ACCT_LIFE_H
#define TANDEM_ACCT_LIFE_H
#include <stdint.h>

#include "store/accounts.h"
#include "store/acct_tokens.h"
#include "store/db.h"

#define LINKREQ_WINDOW 3600
#define LINKREQ_IP_MAX 60     /* forgot-password requests per client address per hour */
#define LINKREQ_EMAIL_MAX 3   /* reset mails per address per hour (more are not sent) */
#define LINKREQ_VERIFY_MAX 5  /* verification mails asked again per account per hour */
#define LINKREQ_VERIFY_GAP 60 /* seconds between two of them */

/* Inside the caller's write transaction (the signup's, before its
 * sign-in): user_id starts unverified and gets a verification link. */
enum db_rc acct_start_unverified(struct db *db, int64_t user_id, int64_t now);

/* Own transaction: take the verification link with this hash and mark its
 * account verified (and so listed, store/directory.c), with an audit line.
 * DB_OK (and *user_id), DB_NOTFOUND (used, expired, unknown) or an error. */
enum db_rc acct_verify(struct db *db, const unsigned char hash[TOKEN_HASH_BYTES], int64_t now, const char *ip,
		       int64_t *user_id);

/* Own transaction: a new verification link for user_id (unverified), at
 * most one a minute and LINKREQ_VERIFY_MAX an hour: over that DB_BUSY
 * with *wait seconds, nothing sent. DB_OK, DB_CONFLICT (verified
 * already) or an error. */
enum db_rc acct_verify_resend(struct db *db, int64_t user_id, int64_t now, int64_t *wait);

/* No transaction (a read): seconds this client address must wait before
 * asking for another reset link, 0 when it may. */
int64_t acct_forgot_wait(struct db *db, const char *ip, int64_t now);

/* Own transaction: someone asked for a reset link for email (normalised)
 * from ip: counted for ip, and queued. Nothing looks the address up here:
 * the same statements run whether it has an account or not, so the answer
 * takes the same time (acct_forgot_work does the rest). DB_OK or an error;
 * never says whether a mail will be sent. */
enum db_rc acct_forgot(struct db *db, const char *email, const char *ip, int64_t now);

/* Own transaction (the mail sender's loop): take up to max queued
 * requests; for each address that is an active account and has had fewer
 * than LINKREQ_EMAIL_MAX links this hour, issue a reset link (an
 * invitation link for an invited person without a password yet) with its
 * mail. The number of requests taken, or -1 on a store error (nothing
 * taken). */
int acct_forgot_work(struct db *db, int64_t now, int max);

/* Own transaction: take the reset or invitation link with this hash and
 * make pw_hash the account's password: the address counts as verified;
 * every session and known browser of the account ends, its other links
 * die, its failed sign-ins are forgotten; an audit line; after a reset a
 * notice mail. Then then(arg, user_id) (NULL: nothing). DB_OK (and
 * *info), DB_NOTFOUND (the link is used, expired or unknown) or an
 * error; nothing is kept unless DB_OK. */
enum db_rc acct_reset(struct db *db, const unsigned char hash[TOKEN_HASH_BYTES], const char *pw_hash,
		      int64_t now, const char *ip, account_then_fn then, void *arg,
		      struct acct_link_info *info);

/* Inside the caller's write transaction: invite email (normalised) as
 * name with team and job title: a new account without a password
 * (pw_hash '', unverified) with that profile and an invitation link;
 * an invited person who has not joined yet gets a new link instead.
 * audit_event: the audit line for a new account (NULL: none). DB_OK
 * (*created 1 for a new account, 0 for a new link), DB_CONFLICT (an
 * account with a password exists) or an error. */
enum db_rc acct_invite_in(struct db *db, const char *email, const char *name, const char *team,
			  const char *job_title, int64_t admin_id, int64_t now, const char *ip,
			  const char *audit_event, int *created);

/* Inside the caller's write transaction: user uid's profile team and
 * job title (the card in the directory is the caller's to refresh). */
enum db_rc acct_set_team_title(struct db *db, int64_t uid, const char *team, const char *title, int64_t now);

/* Own transaction: acct_invite_in with an audit line. */
enum db_rc acct_invite(struct db *db, const char *email, const char *name, const char *team,
		       const char *job_title, int64_t admin_id, int64_t now, const char *ip, int *created);

/* One autocommit statement: forget link requests older than the window
 * (the master's periodic task). */
void acct_linkreq_purge(struct db *db, int64_t now);

#endif
