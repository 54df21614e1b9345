/* linktoken: links in mail and feeds that work without signing in (the
 * unsubscribe link, the calendar feed) carry a token the server checks
 * without storing it: purpose, person and one number, MAC'd with a key
 * derived from the seal key (security/seal.h). Nothing in the database
 * lets someone holding a backup forge one. A key rotation retires every
 * such link: the person signs in and takes a new one. */
#ifndef TANDEM_LINKTOKEN_H
#define TANDEM_LINKTOKEN_H
#include <stdint.h>

/* 1 purpose byte, two 8-byte numbers and a 16-byte MAC, in base64url
 * without padding (44 characters), plus the NUL. */
#define LINK_TOKEN_LEN 45

enum link_purpose {
	LINK_UNSUBSCRIBE = 'u', /* arg: the notification kind (core/notifykind.h) */
	LINK_CALENDAR = 'c',	/* arg: notify_prefs.calendar_gen */
};

/* Write the token for (purpose, uid, arg) into out. 0, or -1 before
 * seal_init. */
int link_token_make(enum link_purpose purpose, int64_t uid, int64_t arg, char out[LINK_TOKEN_LEN]);

/* Check a token from a URL for purpose: 0 with *uid and *arg set when it
 * was made by link_token_make under a key of the ring, -1 for anything
 * else (malformed, another purpose, altered, a retired key). The caller
 * still checks arg against the current state (the calendar generation,
 * a kind that exists) and that the person exists. */
int link_token_check(const char *token, enum link_purpose purpose, int64_t *uid, int64_t *arg);

#endif
