#include "core/buf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int buf_grow(struct buf *b, size_t need)
{
	if (b->oom)
		return -1;
	if (need + 1 <= b->cap)
		return 0;
	size_t cap = b->cap ? b->cap : 256;
	while (cap < need + 1) {
		if (cap > ((size_t)-1) / 2) {
			b->oom = 1;
			return -1;
		}
		cap *= 2;
	}
	char *p = realloc(b->data, cap);
	if (!p) {
		b->oom = 1;
		return -1;
	}
	b->data = p;
	b->cap = cap;
	return 0;
}

int buf_append(struct buf *b, const void *p, size_t n)
{
	if (buf_grow(b, b->len + n) != 0)
		return -1;
	if (n)
		memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
	return 0;
}

int buf_puts(struct buf *b, const char *s)
{
	return buf_append(b, s, strlen(s));
}

int buf_printf(struct buf *b, const char *fmt, ...)
{
	if (buf_grow(b, b->len + 128) != 0)
		return -1;
	/* One pass when it fits the room there is; a second only to grow. */
	va_list ap;
	va_start(ap, fmt);
	va_list ap2;
	va_copy(ap2, ap);
	size_t room = b->cap - b->len;
	int n = vsnprintf(b->data + b->len, room, fmt, ap);
	va_end(ap);
	if (n >= 0 && (size_t)n >= room) {
		if (buf_grow(b, b->len + (size_t)n) != 0) {
			va_end(ap2);
			return -1;
		}
		vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap2);
	}
	va_end(ap2);
	if (n < 0) {
		b->data[b->len] = '\0';
		return -1;
	}
	b->len += (size_t)n;
	return 0;
}

int buf_resize(struct buf *b, size_t n)
{
	if (buf_grow(b, n) != 0)
		return -1;
	b->len = n;
	b->data[n] = '\0';
	return 0;
}

void buf_reset(struct buf *b)
{
	b->len = 0;
	b->oom = 0;
	if (b->data)
		b->data[0] = '\0';
}

void buf_free(struct buf *b)
{
	free(b->data);
	memset(b, 0, sizeof(*b));
}

const char *buf_str(const struct buf *b)
{
	return b->data ? b->data : "";
}

const char *str_u64(char out[24], unsigned long long v)
{
	char *p = out + 23;
	*p = '\0';
	do
		*--p = (char)('0' + v % 10);
	while ((v /= 10) != 0);
	return p;
}

int buf_put_u64(struct buf *b, unsigned long long v)
{
	char d[24];
	return buf_puts(b, str_u64(d, v));
}

size_t str_lf(char *s)
{
	char *o = s;
	for (const char *p = s; *p; p++)
		if (!(p[0] == '\r' && p[1] == '\n'))
			*o++ = *p;
	*o = '\0';
	return (size_t)(o - s);
}

void str_copy(char *out, size_t n, const char *s)
{
	size_t len = s ? strlen(s) : 0;
	if (len >= n) {
		/* Cut before a character, never inside one. */
		len = n - 1;
		while (len > 0 && ((unsigned char)s[len] & 0xC0) == 0x80)
			len--;
	}
	if (len)
		memcpy(out, s, len);
	out[len] = '\0';
}
