/* password: argon2id hashing, the password policy, and the cap on how many
 * argon2id computations run at once across all workers. */
#ifndef TANDEM_PASSWORD_H
#define TANDEM_PASSWORD_H
#include <sodium.h>

#define PW_HASH_LEN crypto_pwhash_STRBYTES

enum pw_rc {
	PW_OK = 0,
	PW_MISMATCH = 1,
	PW_BUSY = 2, /* every slot stayed taken for 1.5 s, or others queued meanwhile: answer 503 */
	PW_ERR = 3,
};

/* Open the slot lock file ($DATA/argon2.slots) with `slots` slots (one per
 * core) that may hash at once. A hash that finds every slot taken waits
 * for one (1.5 s at most) while `waiting` (may be NULL) says no other
 * request is queued for this worker; once one is, it gives up (PW_BUSY),
 * so a login flood never holds every worker. Call once per process
 * after fork. 0 or -1. */
int pw_slots_init(const char *data_dir, int slots, int (*waiting)(void));

/* Hash pw into out (a "$argon2id$..." string). PW_OK, PW_BUSY or PW_ERR. */
enum pw_rc pw_hash(const char *pw, char out[PW_HASH_LEN]);

/* Verify pw against hash; with hash == NULL verifies against a dummy hash
 * so an unknown account costs the same. PW_OK, PW_MISMATCH (also for the
 * dummy), PW_BUSY or PW_ERR. *needs_rehash is set when the stored hash
 * uses other limits than today's. */
enum pw_rc pw_verify(const char *hash, const char *pw, int *needs_rehash);

/* Check the policy: 12..128 characters, not a common password, does not
 * contain the email's local part. Returns NULL when acceptable, otherwise
 * a message saying what to change (static storage). */
const char *pw_policy(const char *pw, const char *email);

/* How many argon2id computations this process has run (for tests/bench). */
unsigned long pw_verifications(void);

#endif
