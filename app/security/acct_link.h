/* acct_link: the secret in a one-time account link (verify an address,
 * reset a password, accept an invitation). The database keeps a random
 * salt per link and the BLAKE2b hash of the link's token; the token itself
 * is derived from the salt under a key derived from the seal key
 * (security/seal.h), so the sender can write the link again from the row
 * while a copy of the database without the key file lets nobody forge or
 * use one. A key rotation retires every outstanding link. */
#ifndef TANDEM_ACCT_LINK_H
#define TANDEM_ACCT_LINK_H

#include "security/token.h"

#define ACCT_LINK_SALT_BYTES 32

/* A fresh link: salt gets random bytes, hash the stored form of the token
 * derived from it. 0, or -1 before seal_init (no key). */
int acct_link_new(unsigned char salt[ACCT_LINK_SALT_BYTES], unsigned char hash[TOKEN_HASH_BYTES]);

/* The token of a stored link, base64url into out: derived from salt under
 * the current key and checked against the stored hash. 0, or -1 when the
 * hash does not match (the key was rotated since) or there is no key. */
int acct_link_token(const unsigned char salt[ACCT_LINK_SALT_BYTES],
		    const unsigned char hash[TOKEN_HASH_BYTES], char out[TOKEN_B64_LEN]);

/* The stored form of a token from a URL: 0 with hash set, -1 when it is
 * malformed (not base64url of TOKEN_BYTES bytes). */
int acct_link_lookup(const char *token, unsigned char hash[TOKEN_HASH_BYTES]);

#endif
