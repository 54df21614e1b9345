#include "http/multipart.h"

#include <string.h>
#include <strings.h>

int multipart_boundary(const char *ct, char *out, size_t n)
{
	out[0] = '\0';
	if (!ct)
		return -1;
	const char *p = ct;
	/* Find the parameter "boundary=" after a ';' (case-insensitive). */
	for (;;) {
		p = strchr(p, ';');
		if (!p)
			return -1;
		p++;
		while (*p == ' ' || *p == '\t')
			p++;
		if (strncasecmp(p, "boundary=", 9) == 0)
			break;
	}
	p += 9;
	size_t len;
	if (*p == '"') {
		p++;
		const char *q = strchr(p, '"');
		if (!q)
			return -1;
		len = (size_t)(q - p);
	} else {
		len = strcspn(p, "; \t");
	}
	if (len == 0 || len > MP_MAX_BOUNDARY || len + 1 > n)
		return -1;
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)p[i] < 0x20 || (unsigned char)p[i] > 0x7e)
			return -1;
	memcpy(out, p, len);
	out[len] = '\0';
	return 0;
}

/* The value of parameter key ("name", "filename") in a Content-Disposition
 * value s (up to end), into out. 1 found, 0 absent, -1 malformed or too long. */
static int disp_param(const char *s, const char *end, const char *key, char *out, size_t n)
{
	size_t klen = strlen(key);
	const char *p = s;
	while (p < end) {
		const char *semi = memchr(p, ';', (size_t)(end - p));
		if (!semi)
			return 0;
		p = semi + 1;
		while (p < end && (*p == ' ' || *p == '\t'))
			p++;
		if ((size_t)(end - p) > klen && strncasecmp(p, key, klen) == 0 && p[klen] == '=') {
			p += klen + 1;
			const char *v = p, *ve;
			if (p < end && *p == '"') {
				v = ++p;
				ve = memchr(p, '"', (size_t)(end - p));
				if (!ve)
					return -1;
			} else {
				ve = v;
				while (ve < end && *ve != ';' && *ve != ' ' && *ve != '\t')
					ve++;
			}
			size_t len = (size_t)(ve - v);
			if (len + 1 > n)
				return -1;
			memcpy(out, v, len);
			out[len] = '\0';
			return 1;
		}
	}
	return 0;
}

/* Read one part's headers at [p, end): fill part's name and filename and
 * return a pointer past the blank line, or NULL when malformed. */
static const char *headers(const char *p, const char *end, struct mp_part *part, int *named)
{
	*named = 0;
	for (;;) {
		const char *eol = memmem(p, (size_t)(end - p), "\r\n", 2);
		if (!eol || eol - p > 4096)
			return NULL;
		if (eol == p)
			return eol + 2; /* the blank line */
		static const char cd[] = "content-disposition:";
		if ((size_t)(eol - p) > sizeof(cd) - 1 && strncasecmp(p, cd, sizeof(cd) - 1) == 0) {
			const char *v = p + sizeof(cd) - 1;
			while (v < eol && (*v == ' ' || *v == '\t'))
				v++;
			if ((size_t)(eol - v) < 9 || strncasecmp(v, "form-data", 9) != 0)
				return NULL;
			int r = disp_param(v, eol, "name", part->name, sizeof(part->name));
			if (r < 0)
				return NULL;
			*named = r == 1;
			r = disp_param(v, eol, "filename", part->filename, sizeof(part->filename));
			if (r < 0)
				return NULL;
			part->is_file = r == 1;
		}
		p = eol + 2;
	}
}

enum mp_err multipart_parse(const char *body, size_t len, const char *boundary, struct mp_part *parts,
			    size_t max, size_t *n)
{
	*n = 0;
	size_t blen = boundary ? strlen(boundary) : 0;
	if (blen == 0 || blen > MP_MAX_BOUNDARY)
		return MP_E_BOUNDARY;
	char delim[MP_MAX_BOUNDARY + 5] = "\r\n--";
	memcpy(delim + 4, boundary, blen);
	size_t dlen = blen + 4;
	const char *end = body + len, *p;
	/* The first delimiter may open the body (no CRLF before it). */
	if (len >= dlen - 2 && memcmp(body, delim + 2, dlen - 2) == 0) {
		p = body + dlen - 2;
	} else {
		const char *d = memmem(body, len, delim, dlen);
		if (!d)
			return MP_E_BOUNDARY;
		p = d + dlen;
	}
	size_t count = 0;
	for (;;) {
		/* After a delimiter: "--" closes, else optional blanks and CRLF. */
		if (end - p >= 2 && p[0] == '-' && p[1] == '-') {
			*n = count;
			return MP_OK;
		}
		while (p < end && (*p == ' ' || *p == '\t'))
			p++;
		if (end - p < 2 || p[0] != '\r' || p[1] != '\n')
			return MP_E_SYNTAX;
		p += 2;
		if (count == max)
			return MP_E_TOO_MANY;
		struct mp_part *part = &parts[count];
		memset(part, 0, sizeof(*part));
		int named = 0;
		p = headers(p, end, part, &named);
		if (!p)
			return MP_E_SYNTAX;
		if (!named || !part->name[0])
			return MP_E_NAME;
		const char *d = memmem(p, (size_t)(end - p), delim, dlen);
		if (!d)
			return MP_E_SYNTAX;
		part->data = p;
		part->len = (size_t)(d - p);
		count++;
		p = d + dlen;
	}
}
