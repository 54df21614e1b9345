/* form: pure parsers for query strings, urlencoded bodies and Cookie
 * headers. No I/O, no globals: the fuzz harness and unit tests call these. */
#ifndef TANDEM_FORM_H
#define TANDEM_FORM_H
#include <stddef.h>

#define FORM_MAX_FIELDS 64
#define FORM_MAX_KEY 64
#define FORM_MAX_VALUE 32768

enum form_err {
	FORM_OK = 0,
	FORM_E_ESCAPE,	 /* bad %xx escape */
	FORM_E_UTF8,	 /* invalid UTF-8 in a key or value */
	FORM_E_CONTROL,	 /* NUL or another control character */
	FORM_E_TOO_MANY, /* more than FORM_MAX_FIELDS pairs */
	FORM_E_KEY,	 /* empty, too long, or not [A-Za-z0-9_] */
	FORM_E_VALUE,	 /* value longer than FORM_MAX_VALUE bytes */
	FORM_E_NOMEM,
};

struct form_pair {
	char *key; /* NUL-terminated, points into the form's arena */
	char *val; /* NUL-terminated UTF-8; validators may trim it in place */
	size_t vlen;
};

struct form {
	size_t n;
	struct form_pair pairs[FORM_MAX_FIELDS];
	char *arena; /* owned; freed by form_free */
};

/* Parse "a=1&b=x+y%21" (query string or application/x-www-form-urlencoded
 * body) of len bytes into f, decoding '+' and %xx. Repeated keys are kept
 * in order. On error f is left empty (nothing to free) and the error is
 * returned; every error but FORM_E_NOMEM means "400 Bad Request". */
enum form_err form_parse_urlencoded(const char *in, size_t len, struct form *f);

/* The same for a form's body, which a person typed or pasted: a vertical
 * tab or form feed (a word processor's line or page break) becomes a
 * line feed and any other control character but tab, CR and LF is
 * dropped, instead of refusing the form and losing what was typed. A
 * query string stays strict (form_parse_urlencoded). */
enum form_err form_parse_typed(const char *in, size_t len, struct form *f);

/* Parse a Cookie header "a=b; c=d". Values are not decoded; control and
 * non-ASCII bytes are an error. Same ownership and errors as above. */
enum form_err form_parse_cookies(const char *in, size_t len, struct form *f);

/* Release the arena; f is empty afterwards. Safe on an empty form. */
void form_free(struct form *f);

/* The first value for key, or NULL. Borrowed from f. */
const char *form_get(const struct form *f, const char *key);

/* How many pairs carry key. */
size_t form_count(const struct form *f, const char *key);

/* 1 when s[0..len) is well-formed UTF-8 (no overlongs, surrogates or
 * code points past U+10FFFF), else 0. */
int form_utf8_valid(const char *s, size_t len);

/* A short English description of an error, for logs. */
const char *form_strerror(enum form_err e);

struct buf;
/* Percent-encode s into out: letters, digits, "-_.~" and the characters in
 * also_keep stay as they are, every other byte becomes %XX. */
void form_encode(struct buf *out, const char *s, const char *also_keep);
/* Decode a percent-encoded value (no "+" for space) into out (outlen
 * bytes, NUL-terminated). -1 for a bad escape, invalid UTF-8, a control
 * character or a value that does not fit; else the decoded length. */
long form_decode_value(const char *in, char *out, size_t outlen);

#endif
