/* setup_tokens: the single-use tokens that let the first admin be created. The
 * page and the CLI are pages/setup.c. */
#ifndef TANDEM_SETUP_TOKENS_H
#define TANDEM_SETUP_TOKENS_H
#include <stdint.h>

#include "security/token.h"
#include "store/accounts.h"
#include "store/db.h"

/* Own transaction: replace every unused setup token by the one whose hash
 * is given, valid until expires_at. DB_OK or a store error (then nothing
 * changed). */
enum db_rc setup_token_mint(struct db *db, const unsigned char hash[TOKEN_HASH_BYTES], int64_t expires_at);

/* No transaction of its own (a read): 1 when the token with this hash is
 * unused and unexpired at now, else 0 (also on a store error). Does not
 * look at whether an admin exists. */
int setup_token_valid(struct db *db, const unsigned char hash[TOKEN_HASH_BYTES], int64_t now);

/* Own transaction: take the token for good (unused, unexpired, and still
 * no active admin), create the admin from an argon2id hash with its audit
 * entries (admin_created, setup_used), then then(arg, id). Checking and
 * taking the token in one UPDATE under BEGIN IMMEDIATE is what makes the
 * link single-use even for concurrent POSTs. DB_OK (and *id), DB_NOTFOUND
 * when the token was taken or is no longer valid, DB_CONFLICT (email
 * taken) or an error; nothing is kept unless DB_OK. */
enum db_rc setup_token_redeem(struct db *db, const unsigned char hash[TOKEN_HASH_BYTES], const char *email,
			      const char *name, const char *pw_hash, int64_t now, const char *ip,
			      account_then_fn then, void *arg, int64_t *id);

#endif
