/* totp: the second factor (issue 16). RFC 6238 TOTP through liboath: HMAC-
 * SHA-1, 30-second steps from the epoch, 6 digits, one step of drift
 * either way; and the single-use recovery codes, stored only as a keyed
 * BLAKE2b hash. Pure functions of their arguments: the replay rule (a
 * step at most once) is kept by the caller with the step returned. */
#ifndef TANDEM_TOTP_H
#define TANDEM_TOTP_H
#include <stddef.h>
#include <stdint.h>

#define TOTP_SECRET_BYTES 20 /* 160 bits, RFC 4226's recommendation for SHA-1 */
#define TOTP_B32_LEN 33	     /* 32 base32 characters (no padding) and NUL */
#define TOTP_STEP 30
#define TOTP_DIGITS 6
#define TOTP_DRIFT 1 /* steps accepted either side of now */

#define RECOVERY_COUNT 10
#define RECOVERY_LEN 20 /* "xxxx-xxxx-xxxx-xxxx" (16 base32 characters: 80 bits) and NUL */
#define RECOVERY_HASH_BYTES 32

/* A fresh random secret as base32 into b32. 0 or -1. */
int totp_new_secret(char b32[TOTP_B32_LEN]);

/* The code of `digits` digits (6 or 8) for the raw secret key[0..n) at
 * time t (step t / 30), NUL-terminated in out (at least digits + 1). 0 or
 * -1. Used by the check and by tests (RFC 6238's vectors). */
int totp_code_raw(const char *key, size_t n, int64_t t, unsigned digits, char *out);

/* The step (t / 30, positive) whose 6-digit code, for the base32 secret
 * b32, is `code` (spaces ignored), within TOTP_DRIFT steps of now; -1
 * when none is, the code is malformed or the secret does not decode. */
int64_t totp_check(const char *b32, int64_t now, const char *code);

/* A new recovery code ("abcd-efgh-ijkl-mnop", base32 lowercase) in out. */
void recovery_new(char out[RECOVERY_LEN]);

/* The stored form of a recovery code as typed (case, dashes and spaces
 * ignored) for user_id. 0, or -1 when it cannot be a recovery code. */
int recovery_hash(int64_t user_id, const char *typed, unsigned char out[RECOVERY_HASH_BYTES]);

#endif
