#include "security/acct_link.h"

#include <sodium.h>
#include <string.h>

#include "security/seal.h"

/* The token of salt under the current link key: BLAKE2b keyed, with a
 * label that keeps it apart from the other MACs made under that key
 * (security/linktoken.c). */
static int derive(const unsigned char salt[ACCT_LINK_SALT_BYTES], unsigned char raw[TOKEN_BYTES])
{
	unsigned char keys[1][SEAL_LINK_KEY_BYTES];
	if (seal_link_keys(keys, 1) != 1)
		return -1;
	static const char label[] = "tandem account link v1";
	crypto_generichash_state s;
	crypto_generichash_init(&s, keys[0], SEAL_LINK_KEY_BYTES, TOKEN_BYTES);
	crypto_generichash_update(&s, (const unsigned char *)label, sizeof(label));
	crypto_generichash_update(&s, salt, ACCT_LINK_SALT_BYTES);
	crypto_generichash_final(&s, raw, TOKEN_BYTES);
	sodium_memzero(keys, sizeof(keys));
	sodium_memzero(&s, sizeof(s));
	return 0;
}

int acct_link_new(unsigned char salt[ACCT_LINK_SALT_BYTES], unsigned char hash[TOKEN_HASH_BYTES])
{
	unsigned char raw[TOKEN_BYTES];
	randombytes_buf(salt, ACCT_LINK_SALT_BYTES);
	if (derive(salt, raw) != 0)
		return -1;
	token_hash(raw, hash);
	sodium_memzero(raw, sizeof(raw));
	return 0;
}

int acct_link_token(const unsigned char salt[ACCT_LINK_SALT_BYTES],
		    const unsigned char hash[TOKEN_HASH_BYTES], char out[TOKEN_B64_LEN])
{
	unsigned char raw[TOKEN_BYTES], h[TOKEN_HASH_BYTES];
	out[0] = '\0';
	if (derive(salt, raw) != 0)
		return -1;
	token_hash(raw, h);
	if (sodium_memcmp(h, hash, TOKEN_HASH_BYTES) != 0) {
		sodium_memzero(raw, sizeof(raw));
		return -1;
	}
	token_encode(raw, TOKEN_BYTES, out, TOKEN_B64_LEN);
	sodium_memzero(raw, sizeof(raw));
	return 0;
}

int acct_link_lookup(const char *token, unsigned char hash[TOKEN_HASH_BYTES])
{
	unsigned char raw[TOKEN_BYTES];
	if (!token || token_decode(token, raw) != 0)
		return -1;
	token_hash(raw, hash);
	return 0;
}
