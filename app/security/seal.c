#include "security/seal.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define SEAL_VERSION 1
#define HEADER (1 + 4 + crypto_aead_xchacha20poly1305_ietf_NPUBBYTES)

static unsigned char key[crypto_aead_xchacha20poly1305_ietf_KEYBYTES];
static uint32_t key_id;
static int loaded;

/* File format: "tandem-key 1 <key id> <64 hex digits>\n". */
static int write_new(const char *path)
{
	unsigned char k[sizeof(key)];
	crypto_aead_xchacha20poly1305_ietf_keygen(k);
	uint32_t id = randombytes_uniform(0x7fffffff) + 1;
	char hex[2 * sizeof(k) + 1];
	sodium_bin2hex(hex, sizeof(hex), k, sizeof(k));
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0)
		return errno == EEXIST ? 0 : -1;
	char line[200];
	int n = snprintf(line, sizeof(line), "tandem-key 1 %u %s\n", id, hex);
	int ok = write(fd, line, (size_t)n) == n && fsync(fd) == 0;
	close(fd);
	sodium_memzero(k, sizeof(k));
	sodium_memzero(hex, sizeof(hex));
	sodium_memzero(line, sizeof(line));
	return ok ? 0 : -1;
}

int seal_init(const char *path, int create)
{
	if (create && write_new(path) != 0) {
		fprintf(stderr, "tandem: cannot create key file %s: %s\n", path, strerror(errno));
		return -1;
	}
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	if (fd < 0 || fstat(fd, &st) != 0) {
		fprintf(stderr, "tandem: cannot read key file %s: %s\n", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	if (st.st_mode & 077) {
		fprintf(stderr, "tandem: key file %s is readable by others (mode %o); chmod 600 it\n", path,
			(unsigned)(st.st_mode & 0777));
		close(fd);
		return -1;
	}
	char buf[256] = {0};
	ssize_t n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	unsigned id = 0;
	char hex[80] = {0};
	size_t got = 0;
	if (n <= 0 || sscanf(buf, "tandem-key 1 %u %79s", &id, hex) != 2 || id == 0 ||
	    sodium_hex2bin(key, sizeof(key), hex, strlen(hex), NULL, &got, NULL) != 0 || got != sizeof(key)) {
		fprintf(stderr, "tandem: key file %s is malformed\n", path);
		sodium_memzero(buf, sizeof(buf));
		sodium_memzero(hex, sizeof(hex));
		return -1;
	}
	sodium_memzero(buf, sizeof(buf));
	sodium_memzero(hex, sizeof(hex));
	key_id = id;
	loaded = 1;
	return 0;
}

void seal_done(void)
{
	sodium_memzero(key, sizeof(key));
	loaded = 0;
}

uint32_t seal_key_id(void)
{
	return key_id;
}

static void make_ad(const char *table, const char *column, const char *row, struct buf *ad)
{
	buf_reset(ad);
	buf_printf(ad, "tandem:%s:%s:%s", table, column, row);
}

int seal_encrypt(const char *table, const char *column, const char *row, const char *plain, size_t len,
		 struct buf *out)
{
	if (!loaded)
		return -1;
	struct buf ad = {0};
	make_ad(table, column, row, &ad);
	buf_reset(out);
	unsigned char head[HEADER];
	head[0] = SEAL_VERSION;
	head[1] = (unsigned char)(key_id >> 24);
	head[2] = (unsigned char)(key_id >> 16);
	head[3] = (unsigned char)(key_id >> 8);
	head[4] = (unsigned char)key_id;
	randombytes_buf(head + 5, crypto_aead_xchacha20poly1305_ietf_NPUBBYTES);
	buf_append(out, head, HEADER);
	size_t need = HEADER + len + crypto_aead_xchacha20poly1305_ietf_ABYTES;
	unsigned long long clen = 0;
	int rc = buf_resize(out, need) != 0 || ad.oom
			 ? -1
			 : crypto_aead_xchacha20poly1305_ietf_encrypt(
				   (unsigned char *)out->data + HEADER, &clen, (const unsigned char *)plain, len,
				   (const unsigned char *)ad.data, ad.len, NULL, head + 5, key);
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
	if (!loaded || len < HEADER + crypto_aead_xchacha20poly1305_ietf_ABYTES || b[0] != SEAL_VERSION)
		return -1;
	uint32_t id = (uint32_t)b[1] << 24 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 8 | b[4];
	if (id != key_id)
		return -1;
	struct buf ad = {0};
	make_ad(table, column, row, &ad);
	size_t plen = len - HEADER - crypto_aead_xchacha20poly1305_ietf_ABYTES;
	unsigned long long got = 0;
	int rc = buf_resize(out, plen) != 0 || ad.oom
			 ? -1
			 : crypto_aead_xchacha20poly1305_ietf_decrypt(
				   (unsigned char *)out->data, &got, NULL, b + HEADER, len - HEADER,
				   (const unsigned char *)ad.data, ad.len, b + 5, key);
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
