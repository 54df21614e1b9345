/* buf: a growable byte buffer that is always NUL-terminated. */
#ifndef TANDEM_BUF_H
#define TANDEM_BUF_H
#include <stdarg.h>
#include <stddef.h>

struct buf {
	char *data; /* NUL-terminated; NULL until the first append */
	size_t len;
	size_t cap;
	int oom; /* set once an allocation failed; later appends are ignored */
};

/* Append n bytes. On allocation failure sets b->oom and returns -1. */
int buf_append(struct buf *b, const void *p, size_t n);
/* Append a NUL-terminated string. Same errors as buf_append. */
int buf_puts(struct buf *b, const char *s);
/* Append printf-formatted text. Same errors as buf_append. */
int buf_printf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Set the length to n bytes (growing with unspecified bytes when longer),
 * NUL-terminated. Same errors as buf_append. */
int buf_resize(struct buf *b, size_t n);
/* Empty the buffer, keeping its memory. */
void buf_reset(struct buf *b);
/* Free the memory; the buffer is empty and reusable afterwards. */
void buf_free(struct buf *b);
/* The contents as a C string ("" when empty); owned by b. */
const char *buf_str(const struct buf *b);
/* The decimal digits of v, written at the end of out; returns where they
 * start (inside out). For paths that run per request: no printf. */
const char *str_u64(char out[24], unsigned long long v);
/* Append the decimal digits of v. Same errors as buf_append. */
int buf_put_u64(struct buf *b, unsigned long long v);

/* Each CR LF of the C string s made one LF, in place (the line breaks a
 * browser sends from a textarea, counted once by its maxlength). Returns
 * the new length. */
size_t str_lf(char *s);

/* Copy the C string s (NULL reads as "") into out, cut to n - 1 bytes or
 * fewer (never inside a UTF-8 character) and NUL-terminated (n >= 1): what snprintf(out, n, "%s", s) does,
 * without parsing a format on paths that run for every request. */
void str_copy(char *out, size_t n, const char *s);

#endif
