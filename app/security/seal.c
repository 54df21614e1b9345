#include "security/seal.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define SEAL_VERSION 1
#define HEADER (1 + 4 + crypto_aead_xchacha20poly1305_ietf_NPUBBYTES)
_Static_assert(SEAL_NONCE_BYTES == crypto_aead_xchacha20poly1305_ietf_NPUBBYTES, "nonce size");
#define RING 4

/* The keyring: ring[0] seals, any of them opens a value with its id. */
static struct {
	uint32_t id;
	unsigned char k[crypto_aead_xchacha20poly1305_ietf_KEYBYTES];
} ring[RING];
static int nring;
static char ring_path[4200];

_Static_assert(SEAL_LINK_KEY_BYTES == crypto_kdf_KEYBYTES, "link key size");
_Static_assert(crypto_aead_xchacha20poly1305_ietf_KEYBYTES == crypto_kdf_KEYBYTES, "kdf master key size");

int seal_link_keys(unsigned char (*out)[SEAL_LINK_KEY_BYTES], int max)
{
	int n = 0;
	/* A subkey, never the sealing key itself: a MAC under it tells
	 * nothing about the key that guards the notes. */
	for (; n < nring && n < max; n++)
		crypto_kdf_derive_from_key(out[n], SEAL_LINK_KEY_BYTES, 1, "tdmlinks", ring[n].k);
	return n;
}

static int new_key(int slot)
{
	crypto_aead_xchacha20poly1305_ietf_keygen(ring[slot].k);
	uint32_t id;
	do
		id = randombytes_uniform(0x7fffffff) + 1;
	while (nring > 0 && id == ring[0].id);
	ring[slot].id = id;
	return 0;
}

/* A rename or unlink is durable only once its directory is: without this
 * fsync a power cut after "rotated" could bring back the old key file
 * while the database already holds values sealed with the new key. */
static int fsync_dir_of(const char *path)
{
	char copy[4300];
	snprintf(copy, sizeof(copy), "%s", path);
	int fd = open(dirname(copy), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	int rc = fsync(fd);
	close(fd);
	return rc;
}

/* Write n keys of the ring from ring[first] to path (0600, fsync'd, via a
 * temporary file and rename, so the file is always whole; the directory
 * is fsync'd after the rename). */
static int write_ring(const char *path, int first, int n)
{
	char tmp[4400];
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	unlink(tmp);
	/* O_EXCL also refuses a link planted under the temporary name. */
	int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0)
		return -1;
	int ok = 1;
	for (int i = first; i < first + n && ok; i++) {
		char hex[2 * sizeof(ring[0].k) + 1], line[200];
		sodium_bin2hex(hex, sizeof(hex), ring[i].k, sizeof(ring[i].k));
		int len = snprintf(line, sizeof(line), "tandem-key 1 %u %s\n", ring[i].id, hex);
		ok = write(fd, line, (size_t)len) == len;
		sodium_memzero(hex, sizeof(hex));
		sodium_memzero(line, sizeof(line));
	}
	ok = ok && fsync(fd) == 0;
	close(fd);
	if (!ok || rename(tmp, path) != 0) {
		unlink(tmp);
		return -1;
	}
	return fsync_dir_of(path);
}

static int load(const char *path)
{
	/* Neither a link nor another user's file: a root server leaves the
	 * data directory writable by the user it drops to, who must not be
	 * able to plant a key (say, a secret.key.new) that root then loads. */
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	struct stat st;
	if (fd < 0 || fstat(fd, &st) != 0) {
		fprintf(stderr, "tandem: cannot read key file %s: %s\n", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	if (!S_ISREG(st.st_mode) || st.st_nlink != 1) {
		/* A hard link to a retired key, made where hard links to others'
		 * files are allowed, would make root seal with that key. */
		fprintf(stderr, "tandem: key file %s is not a plain file with one name; refusing it\n", path);
		close(fd);
		return -1;
	}
	if (st.st_uid != geteuid()) {
		fprintf(stderr, "tandem: key file %s belongs to uid %u, not to this user; chown it\n", path,
			(unsigned)st.st_uid);
		close(fd);
		return -1;
	}
	if (st.st_mode & 077) {
		fprintf(stderr, "tandem: key file %s is readable by others (mode %o); chmod 600 it\n", path,
			(unsigned)(st.st_mode & 0777));
		close(fd);
		return -1;
	}
	char buf[1024] = {0};
	ssize_t n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	nring = 0;
	int rc = n > 0 ? 0 : -1;
	for (char *line = buf; rc == 0 && line && *line && nring < RING;) {
		char *next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		unsigned id = 0;
		char hex[80] = {0};
		size_t got = 0;
		if (sscanf(line, "tandem-key 1 %u %79s", &id, hex) != 2 || id == 0 ||
		    sodium_hex2bin(ring[nring].k, sizeof(ring[0].k), hex, strlen(hex), NULL, &got, NULL) !=
			    0 ||
		    got != sizeof(ring[0].k))
			rc = -1;
		else
			ring[nring++].id = id;
		sodium_memzero(hex, sizeof(hex));
		line = next;
	}
	sodium_memzero(buf, sizeof(buf));
	if (rc != 0 || nring == 0) {
		fprintf(stderr, "tandem: key file %s is malformed\n", path);
		seal_done();
		return -1;
	}
	return 0;
}

int seal_init(const char *path, int create)
{
	snprintf(ring_path, sizeof(ring_path), "%s", path);
	/* An interrupted rotation leaves path.new with both keys: use it. */
	char pending[4300];
	snprintf(pending, sizeof(pending), "%s.new", path);
	if (access(pending, F_OK) == 0) {
		fprintf(stderr,
			"tandem: an interrupted key rotation was found; using %s (run rotate-key again)\n",
			pending);
		return load(pending);
	}
	if (create && access(path, F_OK) != 0) {
		nring = 0;
		new_key(0);
		nring = 1;
		int rc = write_ring(path, 0, 1);
		seal_done();
		if (rc != 0) {
			fprintf(stderr, "tandem: cannot create key file %s: %s\n", path, strerror(errno));
			return -1;
		}
	}
	return load(path);
}

int seal_rotate_begin(void)
{
	if (nring == 0 || nring == RING)
		return -1;
	memmove(&ring[1], &ring[0], (size_t)nring * sizeof(ring[0]));
	nring++;
	new_key(0);
	char pending[4300];
	snprintf(pending, sizeof(pending), "%s.new", ring_path);
	return write_ring(pending, 0, nring);
}

int seal_rotate_finish(void)
{
	char pending[4300], retired[4400];
	snprintf(pending, sizeof(pending), "%s.new", ring_path);
	/* The keys being replaced are kept in a file of their own: a backup
	 * taken before this rotation holds values only they open. They go
	 * only when an operator says so (seal_drop_retired). */
	time_t t = time(NULL);
	struct tm tm;
	gmtime_r(&t, &tm);
	snprintf(retired, sizeof(retired), "%s.retired-%04d%02d%02dT%02d%02d%02dZ-%u", ring_path,
		 tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, ring[1].id);
	if (nring < 2 || write_ring(retired, 1, nring - 1) != 0 || write_ring(ring_path, 0, 1) != 0)
		return -1;
	unlink(pending);
	fsync_dir_of(pending);
	for (int i = 1; i < nring; i++)
		sodium_memzero(ring[i].k, sizeof(ring[i].k));
	nring = 1;
	return 0;
}

int seal_drop_retired(const char *key_path)
{
	char dir[4300], base[4300], prefix[4400];
	snprintf(dir, sizeof(dir), "%s", key_path);
	snprintf(base, sizeof(base), "%s", key_path);
	snprintf(prefix, sizeof(prefix), "%s.retired-", basename(base));
	const char *dname = dirname(dir);
	DIR *d = opendir(dname);
	if (!d)
		return -1;
	int n = 0, rc = 0;
	const struct dirent *e;
	while ((e = readdir(d)) != NULL) {
		if (strncmp(e->d_name, prefix, strlen(prefix)) != 0)
			continue;
		if (unlinkat(dirfd(d), e->d_name, 0) != 0) {
			fprintf(stderr, "tandem: cannot remove %s/%s: %s\n", dname, e->d_name,
				strerror(errno));
			rc = -1;
			continue;
		}
		printf("removed %s/%s\n", dname, e->d_name);
		n++;
	}
	if (fsync(dirfd(d)) != 0)
		rc = -1;
	closedir(d);
	return rc == 0 ? n : -1;
}

void seal_done(void)
{
	sodium_memzero(ring, sizeof(ring));
	nring = 0;
}

uint32_t seal_key_id(void)
{
	return nring ? ring[0].id : 0;
}

static void make_ad(const char *table, const char *column, const char *row, struct buf *ad)
{
	buf_reset(ad);
	buf_printf(ad, "tandem:%s:%s:%s", table, column, row);
}

void seal_nonces(unsigned char (*n)[SEAL_NONCE_BYTES], size_t count)
{
	randombytes_buf(n, count * SEAL_NONCE_BYTES);
}

int seal_encrypt(const char *table, const char *column, const char *row, const char *plain, size_t len,
		 struct buf *out)
{
	unsigned char nonce[1][SEAL_NONCE_BYTES];
	seal_nonces(nonce, 1);
	return seal_encrypt_nonce(nonce[0], table, column, row, plain, len, out);
}

int seal_encrypt_nonce(const unsigned char nonce[SEAL_NONCE_BYTES], const char *table, const char *column,
		       const char *row, const char *plain, size_t len, struct buf *out)
{
	if (!nring)
		return -1;
	uint32_t key_id = ring[0].id;
	struct buf ad = {0};
	make_ad(table, column, row, &ad);
	buf_reset(out);
	unsigned char head[HEADER];
	head[0] = SEAL_VERSION;
	head[1] = (unsigned char)(key_id >> 24);
	head[2] = (unsigned char)(key_id >> 16);
	head[3] = (unsigned char)(key_id >> 8);
	head[4] = (unsigned char)key_id;
	memcpy(head + 5, nonce, SEAL_NONCE_BYTES);
	buf_append(out, head, HEADER);
	size_t need = HEADER + len + crypto_aead_xchacha20poly1305_ietf_ABYTES;
	unsigned long long clen = 0;
	int rc = buf_resize(out, need) != 0 || ad.oom
			 ? -1
			 : crypto_aead_xchacha20poly1305_ietf_encrypt(
				   (unsigned char *)out->data + HEADER, &clen, (const unsigned char *)plain,
				   len, (const unsigned char *)ad.data, ad.len, NULL, head + 5, ring[0].k);
	buf_free(&ad);
	if (rc != 0)
		return -1;
	out->len = HEADER + (size_t)clen;
	return 0;
}

int seal_decrypt(const char *table, const char *column, const char *row, const void *blob, size_t len,
		 struct buf *out)
{
	const unsigned char *b = blob;
	buf_reset(out);
	if (!nring || len < HEADER + crypto_aead_xchacha20poly1305_ietf_ABYTES || b[0] != SEAL_VERSION)
		return -1;
	uint32_t id = (uint32_t)b[1] << 24 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 8 | b[4];
	int slot = -1;
	for (int i = 0; i < nring && slot < 0; i++)
		if (ring[i].id == id)
			slot = i;
	if (slot < 0)
		return -1;
	struct buf ad = {0};
	make_ad(table, column, row, &ad);
	size_t plen = len - HEADER - crypto_aead_xchacha20poly1305_ietf_ABYTES;
	unsigned long long got = 0;
	int rc = buf_resize(out, plen) != 0 || ad.oom
			 ? -1
			 : crypto_aead_xchacha20poly1305_ietf_decrypt(
				   (unsigned char *)out->data, &got, NULL, b + HEADER, len - HEADER,
				   (const unsigned char *)ad.data, ad.len, b + 5, ring[slot].k);
	buf_free(&ad);
	if (rc != 0) {
		sodium_memzero(out->data ? out->data : (char *)"", out->data ? out->cap : 0);
		buf_reset(out);
		return -1;
	}
	out->len = (size_t)got;
	out->data[out->len] = '\0';
	return 0;
}
