#include "security/token.h"

#include <sodium.h>
#include <string.h>

void token_encode(const unsigned char *raw, size_t n, char *out, size_t outlen)
{
	sodium_bin2base64(out, outlen, raw, n, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

void token_new(unsigned char raw[TOKEN_BYTES], char b64[TOKEN_B64_LEN])
{
	randombytes_buf(raw, TOKEN_BYTES);
	token_encode(raw, TOKEN_BYTES, b64, TOKEN_B64_LEN);
}

int token_decode(const char *b64, unsigned char raw[TOKEN_BYTES])
{
	size_t len = strlen(b64), out = 0;
	if (len != TOKEN_B64_LEN - 1)
		return -1;
	if (sodium_base642bin(raw, TOKEN_BYTES, b64, len, NULL, &out, NULL,
			      sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0 ||
	    out != TOKEN_BYTES)
		return -1;
	return 0;
}

void token_hash(const unsigned char raw[TOKEN_BYTES], unsigned char out[TOKEN_HASH_BYTES])
{
	crypto_generichash(out, TOKEN_HASH_BYTES, raw, TOKEN_BYTES, NULL, 0);
}
