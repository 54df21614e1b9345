/* seal: field encryption at rest. XChaCha20-Poly1305 (libsodium) with a
 * fresh random nonce per write and the value's identity (table, column,
 * row) as associated data, so a ciphertext copied onto another row or
 * column fails to open. The row is a string its caller forms: the store
 * names the row key and the row's owner in it (store/sealed.h). The key
 * lives in a file outside the database. */
#ifndef TANDEM_SEAL_H
#define TANDEM_SEAL_H
#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"

/* Load the key file (creating it, mode 0600, when `create` is set and it
 * does not exist). Refuses (-1, reason on stderr) a key file that group or
 * others may read, a link, one another user owns, or one that is
 * malformed. Call once per process. */
int seal_init(const char *key_path, int create);

/* Key rotation, in three steps (tandem rotate-key): seal_rotate_begin
 * makes a new current key and writes KEYFILE.new holding it and the old
 * ones (so a crash later still opens every value); the caller re-seals
 * every value in one transaction; seal_rotate_finish then writes the old
 * keys to KEYFILE.retired-<UTC time>-<id> (0600: a backup taken before
 * the rotation needs them), replaces KEYFILE with the new key alone and
 * removes KEYFILE.new. Every key file is fsync'd, and so is its directory
 * after each rename. Call once the server is stopped (core/datalock.h).
 * 0 or -1. */
int seal_rotate_begin(void);
int seal_rotate_finish(void);

/* Remove every KEYFILE.retired-* beside key_path (the explicit step that
 * ends a rotation: backups older than it can no longer be read), printing
 * each name removed on stdout. Returns how many, or -1 after an error. */
int seal_drop_retired(const char *key_path);

/* Keys for signing links (security/linktoken.h), one derived from each
 * key of the ring, the current key's first: a link signed under a key
 * that a rotation retired no longer checks. Writes at most max keys to
 * out and returns how many (0 before seal_init). */
#define SEAL_LINK_KEY_BYTES 32
int seal_link_keys(unsigned char (*out)[SEAL_LINK_KEY_BYTES], int max);
/* Forget the keys (zeroed). */
void seal_done(void);

/* The id of the current key (stored with every value it seals). */
uint32_t seal_key_id(void);

/* Encrypt plain[0..len) for (table, column, row) into out (replacing its
 * contents): version byte, key id, nonce, ciphertext and tag. 0 or -1. */
int seal_encrypt(const char *table, const char *column, const char *row, const char *plain, size_t len,
		 struct buf *out);

/* The nonce of one value: seal_nonces draws count of them into n with
 * one call to the system's random source, and seal_encrypt_nonce seals
 * with one of them, so a writer can draw them before taking the writers'
 * lock. Each nonce must be used once. seal_encrypt_nonce: 0 or -1. */
#define SEAL_NONCE_BYTES 24
void seal_nonces(unsigned char (*n)[SEAL_NONCE_BYTES], size_t count);
int seal_encrypt_nonce(const unsigned char nonce[SEAL_NONCE_BYTES], const char *table, const char *column,
		       const char *row, const char *plain, size_t len, struct buf *out);

/* Decrypt a value sealed for (table, column, row) into out (replacing
 * its contents, NUL-terminated). -1 when it was sealed for another place,
 * with another key, or altered: the caller shows an error page and logs
 * it, never the bytes. */
int seal_decrypt(const char *table, const char *column, const char *row, const void *blob, size_t len,
		 struct buf *out);

#endif
