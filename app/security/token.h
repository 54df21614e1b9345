/* token: random secrets for cookies, CSRF and setup links, and the hashes
 * under which they are stored. */
#ifndef TANDEM_TOKEN_H
#define TANDEM_TOKEN_H
#include <stddef.h>

#define TOKEN_BYTES 32
#define TOKEN_B64_LEN 44 /* base64url, no padding, plus NUL */
#define TOKEN_HASH_BYTES 32

/* Fill raw with TOKEN_BYTES random bytes and b64 with their base64url. */
void token_new(unsigned char raw[TOKEN_BYTES], char b64[TOKEN_B64_LEN]);
/* Encode raw bytes to base64url (no padding) into out (outlen >= 4n/3+2). */
void token_encode(const unsigned char *raw, size_t n, char *out, size_t outlen);
/* Decode a base64url token of exactly TOKEN_BYTES; 0 on success, -1 on
 * anything malformed. */
int token_decode(const char *b64, unsigned char raw[TOKEN_BYTES]);
/* BLAKE2b-256 of raw, the form under which a token is stored. */
void token_hash(const unsigned char raw[TOKEN_BYTES], unsigned char out[TOKEN_HASH_BYTES]);

#endif
