#include "security/totp.h"

#include <oath.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char b32_alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/* liboath keeps no state beyond its init, which only checks its crypto
 * backend: once per process, on first use. */
static int oath_ready(void)
{
	static int ready;
	if (!ready)
		ready = oath_init() == OATH_OK;
	return ready ? 0 : -1;
}

int totp_new_secret(char b32[TOTP_B32_LEN])
{
	unsigned char raw[TOTP_SECRET_BYTES];
	randombytes_buf(raw, sizeof(raw));
	char *out = NULL;
	size_t len = 0;
	int rc =
		oath_ready() == 0 && oath_base32_encode((const char *)raw, sizeof(raw), &out, &len) == OATH_OK
			? 0
			: -1;
	sodium_memzero(raw, sizeof(raw));
	if (rc == 0 && len == TOTP_B32_LEN - 1)
		memcpy(b32, out, TOTP_B32_LEN);
	else
		rc = -1;
	if (out) {
		sodium_memzero(out, len);
		free(out);
	}
	return rc;
}

int totp_code_raw(const char *key, size_t n, int64_t t, unsigned digits, char *out)
{
	if (oath_ready() != 0 || (digits != 6 && digits != 8))
		return -1;
	return oath_totp_generate(key, n, (time_t)t, TOTP_STEP, 0, digits, out) == OATH_OK ? 0 : -1;
}

int64_t totp_check(const char *b32, int64_t now, const char *code)
{
	char otp[TOTP_DIGITS + 1];
	size_t k = 0;
	for (const char *p = code; *p; p++) {
		if (*p == ' ')
			continue;
		if (*p < '0' || *p > '9' || k == TOTP_DIGITS)
			return -1;
		otp[k++] = *p;
	}
	otp[k] = '\0';
	if (k != TOTP_DIGITS || oath_ready() != 0)
		return -1;
	char *key = NULL;
	size_t klen = 0;
	if (oath_base32_decode(b32, strlen(b32), &key, &klen) != OATH_OK)
		return -1;
	int pos = 0;
	uint64_t step = 0;
	int rc = oath_totp_validate3(key, klen, (time_t)now, TOTP_STEP, 0, TOTP_DRIFT, &pos, &step, otp);
	sodium_memzero(key, klen);
	free(key);
	return rc >= 0 && step > 0 ? (int64_t)step : -1;
}

void recovery_new(char out[RECOVERY_LEN])
{
	unsigned char r[16];
	randombytes_buf(r, sizeof(r));
	size_t k = 0;
	for (int i = 0; i < 16; i++) {
		if (i && i % 4 == 0)
			out[k++] = '-';
		char ch = b32_alphabet[r[i] & 31];
		out[k++] = (ch >= 'A' && ch <= 'Z') ? (char)(ch - 'A' + 'a') : ch;
	}
	out[k] = '\0';
	sodium_memzero(r, sizeof(r));
}

int recovery_hash(int64_t user_id, const char *typed, unsigned char out[RECOVERY_HASH_BYTES])
{
	char norm[17];
	size_t k = 0;
	for (const char *p = typed; *p; p++) {
		char ch = *p;
		if (ch == '-' || ch == ' ')
			continue;
		if (ch >= 'a' && ch <= 'z')
			ch = (char)(ch - 'a' + 'A');
		if (!strchr(b32_alphabet, ch) || ch == '\0' || k == 16)
			return -1;
		norm[k++] = ch;
	}
	if (k != 16)
		return -1;
	/* Keyed by the account: one code's hash means nothing for another. */
	unsigned char key[crypto_generichash_KEYBYTES];
	memset(key, 0, sizeof(key));
	snprintf((char *)key, sizeof(key), "tandem-recovery:%lld", (long long)user_id);
	crypto_generichash(out, RECOVERY_HASH_BYTES, (const unsigned char *)norm, k, key, sizeof(key));
	sodium_memzero(norm, sizeof(norm));
	return 0;
}
