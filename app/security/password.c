#include "security/password.h"

#include <ctype.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/log.h"
#include "core/utf8.h"

#define PW_OPS crypto_pwhash_OPSLIMIT_INTERACTIVE
#define PW_MEM crypto_pwhash_MEMLIMIT_INTERACTIVE
#define PW_SLOT_WAIT_MS 1500
#define PW_SLOT_POLL_MS 5

static int slot_fd = -1;
static int slot_count = 1;
static int (*others_waiting)(void);
static unsigned long verifications;

int pw_slots_init(const char *data_dir, int slots, int (*waiting)(void))
{
	char path[4200];
	snprintf(path, sizeof(path), "%s/argon2.slots", data_dir);
	if (slot_fd >= 0)
		close(slot_fd);
	/* O_NOFOLLOW: never a link planted in a shared data directory. */
	slot_fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	slot_count = slots > 0 ? slots : 1;
	others_waiting = waiting;
	return slot_fd >= 0 ? 0 : -1;
}

/* One byte-range lock per slot: the kernel releases it if the worker
 * dies, so a crash never leaks one. Returns the slot or -1 when all are
 * busy. */
static int slot_try(void)
{
	if (slot_fd < 0)
		return 0;
	for (int i = 0; i < slot_count; i++) {
		struct flock fl = {.l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = i, .l_len = 1};
		if (fcntl(slot_fd, F_SETLK, &fl) == 0)
			return i;
	}
	return -1;
}

static void slot_give(int i)
{
	if (slot_fd < 0)
		return;
	struct flock fl = {.l_type = F_UNLCK, .l_whence = SEEK_SET, .l_start = i, .l_len = 1};
	fcntl(slot_fd, F_SETLK, &fl);
}

/* A busy slot frees within one argon2id (~70 ms), so failing at once made
 * one client's stream of hashes turn other people's logins into 503s.
 * Wait up to PW_SLOT_WAIT_MS, polling every few ms (a blocking F_SETLKW
 * would wait on one slot while another frees) — but only while nobody
 * else waits for this worker: once another request is queued, the answer
 * is 503 at once, so a login flood never holds the last free worker
 * (README, performance: the login-flood figures). */
static int slot_take(void)
{
	for (int waited = 0;; waited += PW_SLOT_POLL_MS) {
		int s = slot_try();
		if (s >= 0 || waited >= PW_SLOT_WAIT_MS || (others_waiting && others_waiting()))
			return s;
		struct timespec ts = {0, PW_SLOT_POLL_MS * 1000000L};
		nanosleep(&ts, NULL);
	}
}

static void slot_done(int s)
{
	slot_give(s);
}

enum pw_rc pw_hash(const char *pw, char out[PW_HASH_LEN])
{
	int s = slot_take();
	if (s < 0)
		return PW_BUSY;
	int rc = crypto_pwhash_str(out, pw, strlen(pw), PW_OPS, PW_MEM);
	verifications++;
	slot_done(s);
	return rc == 0 ? PW_OK : PW_ERR;
}

static const char *dummy_hash(void)
{
	static char h[PW_HASH_LEN];
	if (!h[0] && crypto_pwhash_str(h, "tandem-dummy-password", 21, PW_OPS, PW_MEM) != 0)
		h[0] = '\0';
	return h;
}

enum pw_rc pw_verify(const char *hash, const char *pw, int *needs_rehash)
{
	*needs_rehash = 0;
	const char *h = hash ? hash : dummy_hash();
	int s = slot_take();
	if (s < 0)
		return PW_BUSY;
	int rc = crypto_pwhash_str_verify(h, pw, strlen(pw));
	verifications++;
	slot_done(s);
	if (rc != 0 || !hash)
		return PW_MISMATCH;
	*needs_rehash = crypto_pwhash_str_needs_rehash(hash, PW_OPS, PW_MEM) != 0;
	return PW_OK;
}

unsigned long pw_verifications(void)
{
	return verifications;
}

/* Common passwords: cracklib's packed dictionary (Debian's cracklib-runtime,
 * which also holds the usual leaked-password bases such as "iloveyou").
 * People dress a common word up with digits, symbols and leetspeak
 * ("P@ssw0rd2024!"), so the word underneath is checked as well. */
#include <stddef.h>
#include <crack.h>

static int crack_says_common(const char *s)
{
	/* FascistCheck would compare with the server account's own passwd
	 * entry (meaningless here, and a lookup through NSS: a socket a
	 * confined worker may not open); the person's name and address are
	 * checked apart. */
	const char *msg = FascistCheckUser(s, GetDefaultCracklibDict(), "tandem", "");
	return msg && (strstr(msg, "dictionary") || strstr(msg, "simplistic") || strstr(msg, "DIFFERENT"));
}

static int is_common(const char *pw)
{
	char probe[4200];
	snprintf(probe, sizeof(probe), "%s.pwd", GetDefaultCracklibDict());
	if (access(probe, R_OK) != 0) {
		log_kv("warn", "cracklib dictionary missing; common-password check skipped", LOG_END);
		return 0;
	}
	if (crack_says_common(pw))
		return 1;
	char base[160];
	size_t n = 0;
	for (const char *p = pw; *p && n + 1 < sizeof(base); p++) {
		char c = (char)tolower((unsigned char)*p);
		switch (c) {
		case '0': c = 'o'; break;
		case '1': c = 'i'; break;
		case '3': c = 'e'; break;
		case '4':
		case '@': c = 'a'; break;
		case '5':
		case '$': c = 's'; break;
		case '7': c = 't'; break;
		default: break;
		}
		if (c >= 'a' && c <= 'z')
			base[n++] = c;
	}
	base[n] = '\0';
	/* Only the leet-mapped letters are left; digits at either end were
	 * mapped too, so also try the letters of the original alone. */
	char letters[160];
	size_t m = 0;
	for (const char *p = pw; *p && m + 1 < sizeof(letters); p++)
		if (isalpha((unsigned char)*p))
			letters[m++] = (char)tolower((unsigned char)*p);
	letters[m] = '\0';
	return (n >= 6 && crack_says_common(base)) || (m >= 6 && crack_says_common(letters));
}

static int contains_ci(const char *hay, const char *needle, size_t nlen)
{
	size_t hlen = strlen(hay);
	for (size_t i = 0; i + nlen <= hlen; i++) {
		size_t k = 0;
		while (k < nlen && tolower((unsigned char)hay[i + k]) == tolower((unsigned char)needle[k]))
			k++;
		if (k == nlen)
			return 1;
	}
	return 0;
}

const char *pw_policy(const char *pw, const char *email)
{
	size_t len = utf8_len(pw);
	if (len < 12)
		return "Password must be at least 12 characters. A few unrelated words make a good one.";
	if (len > 128)
		return "Password must be at most 128 characters.";
	if (email) {
		const char *at = strchr(email, '@');
		size_t local = at ? (size_t)(at - email) : strlen(email);
		if (local >= 3 && contains_ci(pw, email, local))
			return "Password must not contain your email address's name part.";
	}
	if (is_common(pw))
		return "That password is too common: it is in a dictionary of passwords attackers try first. "
		       "Choose another.";
	return NULL;
}
