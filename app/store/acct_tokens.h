/* acct_tokens: one-time account links, one module for every purpose
 * (sql/0014: account_tokens). A link is 32 bytes derived from a stored
 * salt (security/acct_link.h); only its hash is looked up. Single use:
 * taken in one UPDATE inside the caller's BEGIN IMMEDIATE transaction,
 * so two concurrent POSTs cannot both use it. A new link of a purpose
 * retires the person's older ones of that purpose. */
#ifndef TANDEM_ACCT_TOKENS_H
#define TANDEM_ACCT_TOKENS_H
#include <stdint.h>

#include "security/token.h"
#include "store/db.h"

enum acct_purpose {
	ACCT_VERIFY = 1, /* confirm the address: 48 hours */
	ACCT_RESET = 2,	 /* choose a new password: 30 minutes */
	ACCT_INVITE = 3, /* an invitation: choose a first password, 14 days */
};

#define ACCT_VERIFY_TTL (48 * 3600)
#define ACCT_RESET_TTL (30 * 60)
#define ACCT_INVITE_TTL (14 * 86400)

/* Inside the caller's write transaction: a new link of purpose for
 * user_id, valid from now for the purpose's time, older unused links of
 * the same purpose retired, and its mail queued in the outbox (the sender
 * writes the link from the row). DB_OK, or DB_ERR (also without a seal
 * key) / a store error. */
enum db_rc acct_token_issue(struct db *db, int64_t user_id, enum acct_purpose purpose, int64_t now);

/* What a valid link leads to. */
struct acct_link_info {
	int64_t user_id;
	int purpose; /* enum acct_purpose */
	char email[256];
	char name[400];
};

/* No transaction of its own (a read): the unused, unexpired link with this
 * hash whose purpose is in mask (bit 1 << purpose) and whose account is
 * active. DB_OK (and *out), DB_NOTFOUND or a store error. */
enum db_rc acct_token_peek(struct db *db, const unsigned char hash[TOKEN_HASH_BYTES], unsigned mask,
			   int64_t now, struct acct_link_info *out);

/* Inside the caller's write transaction: take the link (as peek finds
 * it) for good, in one UPDATE. DB_OK (and *out), DB_NOTFOUND when it is
 * used, expired, of another purpose, or the account inactive, or a store
 * error. */
enum db_rc acct_token_take(struct db *db, const unsigned char hash[TOKEN_HASH_BYTES], unsigned mask,
			   int64_t now, struct acct_link_info *out);

/* Inside the caller's write transaction: retire every unused link of
 * user_id whose purpose is in mask (after a reset, the others die). */
enum db_rc acct_token_retire(struct db *db, int64_t user_id, unsigned mask, int64_t now);

#endif
