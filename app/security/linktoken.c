#include "security/linktoken.h"

#include <sodium.h>
#include <string.h>

#include "security/seal.h"

#define BODY 17 /* purpose, uid, arg */
#define MAC 16
#define RAW (BODY + MAC)
_Static_assert(LINK_TOKEN_LEN == 4 * RAW / 3 + 1, "base64url of RAW bytes, no padding, plus NUL");

static void put64(unsigned char *p, int64_t v)
{
	uint64_t u = (uint64_t)v;
	for (int i = 0; i < 8; i++)
		p[i] = (unsigned char)(u >> (8 * i));
}

static int64_t get64(const unsigned char *p)
{
	uint64_t u = 0;
	for (int i = 0; i < 8; i++)
		u |= (uint64_t)p[i] << (8 * i);
	return (int64_t)u;
}

static void mac(const unsigned char body[BODY], const unsigned char key[SEAL_LINK_KEY_BYTES],
		unsigned char out[MAC])
{
	crypto_generichash(out, MAC, body, BODY, key, SEAL_LINK_KEY_BYTES);
}

int link_token_make(enum link_purpose purpose, int64_t uid, int64_t arg, char out[LINK_TOKEN_LEN])
{
	unsigned char keys[1][SEAL_LINK_KEY_BYTES];
	if (seal_link_keys(keys, 1) != 1)
		return -1;
	unsigned char raw[RAW];
	raw[0] = (unsigned char)purpose;
	put64(raw + 1, uid);
	put64(raw + 9, arg);
	mac(raw, keys[0], raw + BODY);
	sodium_memzero(keys, sizeof(keys));
	sodium_bin2base64(out, LINK_TOKEN_LEN, raw, RAW, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	return 0;
}

int link_token_check(const char *token, enum link_purpose purpose, int64_t *uid, int64_t *arg)
{
	unsigned char raw[RAW];
	size_t n = 0;
	if (!token || strlen(token) != LINK_TOKEN_LEN - 1 ||
	    sodium_base642bin(raw, sizeof(raw), token, LINK_TOKEN_LEN - 1, NULL, &n, NULL,
			      sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0 ||
	    n != RAW || raw[0] != (unsigned char)purpose)
		return -1;
	unsigned char keys[4][SEAL_LINK_KEY_BYTES];
	int nkeys = seal_link_keys(keys, 4);
	int ok = 0;
	for (int i = 0; i < nkeys && !ok; i++) {
		unsigned char want[MAC];
		mac(raw, keys[i], want);
		ok = sodium_memcmp(want, raw + BODY, MAC) == 0;
	}
	sodium_memzero(keys, sizeof(keys));
	if (!ok)
		return -1;
	*uid = get64(raw + 1);
	*arg = get64(raw + 9);
	return 0;
}
