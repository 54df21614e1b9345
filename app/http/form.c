#include "http/form.h"

#include "core/buf.h"

#include <stdlib.h>
#include <string.h>

int form_utf8_valid(const char *str, size_t len)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0;
	while (i < len) {
		unsigned c = s[i];
		if (c < 0x80) {
			i++;
			continue;
		}
		size_t n;
		unsigned cp;
		if (c >= 0xC2 && c <= 0xDF) {
			n = 1;
			cp = c & 0x1F;
		} else if (c >= 0xE0 && c <= 0xEF) {
			n = 2;
			cp = c & 0x0F;
		} else if (c >= 0xF0 && c <= 0xF4) {
			n = 3;
			cp = c & 0x07;
		} else {
			return 0;
		}
		if (len - i <= n)
			return 0;
		for (size_t k = 1; k <= n; k++) {
			if ((s[i + k] & 0xC0) != 0x80)
				return 0;
			cp = (cp << 6) | (s[i + k] & 0x3F);
		}
		if ((n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) || cp > 0x10FFFF ||
		    (cp >= 0xD800 && cp <= 0xDFFF))
			return 0;
		i += n + 1;
	}
	return 1;
}

static int hexval(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Decode in[0..len) into out, returning the decoded length or -error. */
static long decode(const char *in, size_t len, char *out)
{
	size_t o = 0;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)in[i];
		if (c == '+') {
			out[o++] = ' ';
		} else if (c == '%') {
			if (len - i < 3)
				return -FORM_E_ESCAPE;
			int hi = hexval((unsigned char)in[i + 1]), lo = hexval((unsigned char)in[i + 2]);
			if (hi < 0 || lo < 0)
				return -FORM_E_ESCAPE;
			out[o++] = (char)(hi * 16 + lo);
			i += 2;
		} else {
			out[o++] = (char)c;
		}
	}
	out[o] = '\0';
	return (long)o;
}

/* Letters, digits, '_', and '-' after the first character: RFC 8058's
 * one-click unsubscribe POSTs the field "List-Unsubscribe". */
static int key_ok(const char *k, size_t n)
{
	if (n == 0 || n > FORM_MAX_KEY)
		return 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)k[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '_' || (c == '-' && i > 0)))
			return 0;
	}
	return 1;
}

/* Tab, CR and LF are legitimate in textarea values; other C0 bytes and DEL
 * never are, and NUL would truncate every C string downstream. */
static int value_controls_ok(const char *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)v[i];
		if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7F)
			return 0;
	}
	return 1;
}

void form_free(struct form *f)
{
	free(f->arena);
	f->arena = NULL;
	f->n = 0;
}

static enum form_err fail(struct form *f, enum form_err e)
{
	form_free(f);
	return e;
}

/* A pasted value's control characters, in place: vertical tab and form
 * feed (the line and page breaks of word processors) become line feeds,
 * the rest but tab, CR and LF are dropped (invisible; NUL would cut the
 * value). The new length. */
static size_t typed_controls(char *v, size_t n)
{
	size_t o = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)v[i];
		if (c == '\v' || c == '\f')
			v[o++] = '\n';
		else if ((c >= 0x20 && c != 0x7F) || c == '\t' || c == '\n' || c == '\r')
			v[o++] = (char)c;
	}
	return o;
}

static enum form_err parse(const char *in, size_t len, struct form *f, int typed)
{
	f->n = 0;
	f->arena = NULL;
	if (len == 0)
		return FORM_OK;
	/* Decoding never grows text; two NULs per pair at most. */
	f->arena = malloc(len + 2 * FORM_MAX_FIELDS + 2);
	if (!f->arena)
		return FORM_E_NOMEM;
	char *out = f->arena;
	size_t pos = 0;
	while (pos <= len) {
		const char *seg = in + pos;
		const char *amp = memchr(seg, '&', len - pos);
		size_t slen = amp ? (size_t)(amp - seg) : len - pos;
		pos += slen + 1;
		if (slen == 0) {
			if (!amp)
				break;
			continue;
		}
		if (f->n == FORM_MAX_FIELDS)
			return fail(f, FORM_E_TOO_MANY);
		const char *eq = memchr(seg, '=', slen);
		size_t klen = eq ? (size_t)(eq - seg) : slen;
		char *key = out;
		long kn = decode(seg, klen, key);
		if (kn < 0)
			return fail(f, (enum form_err) - kn);
		if (!key_ok(key, (size_t)kn))
			return fail(f, FORM_E_KEY);
		out += kn + 1;
		char *val = out;
		long vn = eq ? decode(eq + 1, slen - klen - 1, val) : (val[0] = '\0', 0);
		if (vn < 0)
			return fail(f, (enum form_err) - vn);
		if ((size_t)vn > FORM_MAX_VALUE)
			return fail(f, FORM_E_VALUE);
		if (typed) {
			vn = (long)typed_controls(val, (size_t)vn);
			val[vn] = '\0';
		} else if (memchr(val, '\0', (size_t)vn) || !value_controls_ok(val, (size_t)vn)) {
			return fail(f, FORM_E_CONTROL);
		}
		if (!form_utf8_valid(val, (size_t)vn))
			return fail(f, FORM_E_UTF8);
		out += vn + 1;
		f->pairs[f->n].key = key;
		f->pairs[f->n].val = val;
		f->pairs[f->n].vlen = (size_t)vn;
		f->n++;
		if (!amp)
			break;
	}
	return FORM_OK;
}

enum form_err form_parse_urlencoded(const char *in, size_t len, struct form *f)
{
	return parse(in, len, f, 0);
}

enum form_err form_parse_typed(const char *in, size_t len, struct form *f)
{
	return parse(in, len, f, 1);
}

enum form_err form_parse_cookies(const char *in, size_t len, struct form *f)
{
	f->n = 0;
	f->arena = NULL;
	if (len == 0)
		return FORM_OK;
	f->arena = malloc(len + 2 * FORM_MAX_FIELDS + 2);
	if (!f->arena)
		return FORM_E_NOMEM;
	char *out = f->arena;
	size_t pos = 0;
	while (pos < len) {
		while (pos < len && (in[pos] == ' ' || in[pos] == ';'))
			pos++;
		if (pos >= len)
			break;
		const char *seg = in + pos;
		const char *semi = memchr(seg, ';', len - pos);
		size_t slen = semi ? (size_t)(semi - seg) : len - pos;
		pos += slen + 1;
		while (slen && seg[slen - 1] == ' ')
			slen--;
		for (size_t i = 0; i < slen; i++) {
			unsigned char c = (unsigned char)seg[i];
			if (c < 0x20 || c >= 0x7F)
				return fail(f, FORM_E_CONTROL);
		}
		if (f->n == FORM_MAX_FIELDS)
			return fail(f, FORM_E_TOO_MANY);
		const char *eq = memchr(seg, '=', slen);
		if (!eq)
			continue; /* a nameless crumb from some other site's script */
		size_t klen = (size_t)(eq - seg), vlen = slen - klen - 1;
		if (klen == 0 || klen > FORM_MAX_KEY || vlen > FORM_MAX_VALUE)
			return fail(f, klen ? FORM_E_VALUE : FORM_E_KEY);
		memcpy(out, seg, klen);
		out[klen] = '\0';
		f->pairs[f->n].key = out;
		out += klen + 1;
		memcpy(out, eq + 1, vlen);
		out[vlen] = '\0';
		f->pairs[f->n].val = out;
		f->pairs[f->n].vlen = vlen;
		out += vlen + 1;
		f->n++;
	}
	return FORM_OK;
}

const char *form_get(const struct form *f, const char *key)
{
	for (size_t i = 0; i < f->n; i++)
		if (strcmp(f->pairs[i].key, key) == 0)
			return f->pairs[i].val;
	return NULL;
}

size_t form_count(const struct form *f, const char *key)
{
	size_t c = 0;
	for (size_t i = 0; i < f->n; i++)
		c += strcmp(f->pairs[i].key, key) == 0;
	return c;
}

const char *form_strerror(enum form_err e)
{
	switch (e) {
	case FORM_OK: return "ok";
	case FORM_E_ESCAPE: return "bad percent escape";
	case FORM_E_UTF8: return "invalid UTF-8";
	case FORM_E_CONTROL: return "control character";
	case FORM_E_TOO_MANY: return "too many fields";
	case FORM_E_KEY: return "bad field name";
	case FORM_E_VALUE: return "value too long";
	case FORM_E_NOMEM: return "out of memory";
	}
	return "unknown";
}

void form_encode(struct buf *out, const char *s, const char *also_keep)
{
	static const char hex[] = "0123456789ABCDEF";
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
		    *p == '-' || *p == '_' || *p == '.' || *p == '~' ||
		    (also_keep && strchr(also_keep, *p))) {
			buf_append(out, p, 1);
		} else {
			char e[3] = {'%', hex[*p >> 4], hex[*p & 15]};
			buf_append(out, e, 3);
		}
	}
}

long form_decode_value(const char *in, char *out, size_t outlen)
{
	size_t len = strlen(in);
	if (outlen == 0 || len >= outlen || strchr(in, '+'))
		return -1;
	long n = decode(in, len, out);
	if (n < 0 || !form_utf8_valid(out, (size_t)n) || !value_controls_ok(out, (size_t)n))
		return -1;
	return n;
}
