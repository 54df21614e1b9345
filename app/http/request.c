#include "http/request.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/buf.h"
#include "http/multipart.h"

static void copy_param(char *out, size_t n, req_param_fn param, void *ctx, const char *name)
{
	str_copy(out, n, param(ctx, name));
}

static int path_ok(const char *p)
{
	if (p[0] != '/')
		return 0;
	for (const unsigned char *s = (const unsigned char *)p; *s; s++)
		if (*s < 0x20 || *s == 0x7F)
			return 0;
	return form_utf8_valid(p, strlen(p));
}

/* A request id only has to be unique in the logs, not secret: a random
 * per-process prefix and a counter, without a syscall per request. */
static uint32_t rid_prefix, rid_counter;
static int rid_seeded;

void request_ids_reseed(void)
{
	rid_prefix = randombytes_random();
	rid_counter = randombytes_random();
	rid_seeded = 1;
}

int request_parse(struct request *r, req_param_fn param, void *pctx, const char *body, size_t body_len)
{
	memset(r, 0, sizeof(*r));
	if (!rid_seeded)
		request_ids_reseed();
	uint64_t id = (uint64_t)rid_prefix << 32 | ++rid_counter;
	for (int i = 15; i >= 0; i--, id >>= 4)
		r->rid[i] = "0123456789abcdef"[id & 15];
	r->rid[16] = '\0';
	copy_param(r->method, sizeof(r->method), param, pctx, "REQUEST_METHOD");
	copy_param(r->path, sizeof(r->path), param, pctx, "DOCUMENT_URI");
	copy_param(r->ip, sizeof(r->ip), param, pctx, "REMOTE_ADDR");
	copy_param(r->origin, sizeof(r->origin), param, pctx, "HTTP_ORIGIN");
	copy_param(r->fetch_site, sizeof(r->fetch_site), param, pctx, "HTTP_SEC_FETCH_SITE");
	copy_param(r->host, sizeof(r->host), param, pctx, "HTTP_HOST");
	if (!path_ok(r->path))
		return 400;
	const char *q = param(pctx, "QUERY_STRING");
	if (q && form_parse_urlencoded(q, strlen(q), &r->query) != FORM_OK)
		return 400;
	const char *c = param(pctx, "HTTP_COOKIE");
	if (c && form_parse_cookies(c, strlen(c), &r->cookies) != FORM_OK)
		return 400;
	if (strcmp(r->method, "POST") == 0) {
		const char *ct = param(pctx, "CONTENT_TYPE");
		static const char want[] = "application/x-www-form-urlencoded",
				  multi[] = "multipart/form-data";
		if (ct && strncasecmp(ct, multi, sizeof(multi) - 1) == 0 &&
		    (ct[sizeof(multi) - 1] == '\0' || ct[sizeof(multi) - 1] == ';')) {
			r->multipart = 1;
			/* issue 16: kept for a ROUTE_UPLOAD route (request_parse_multipart) */
			r->raw = body;
			r->raw_len = body_len;
			if (multipart_boundary(ct, r->boundary, sizeof(r->boundary)) != 0)
				r->boundary[0] = '\0';
			return 0;
		}
		if (!ct || strncasecmp(ct, want, sizeof(want) - 1) != 0 ||
		    (ct[sizeof(want) - 1] != '\0' && ct[sizeof(want) - 1] != ';'))
			return 415;
		if (body_len && form_parse_typed(body, body_len, &r->body) != FORM_OK)
			return 400;
	}
	return 0;
}

int request_parse_multipart(struct request *r)
{
	struct mp_part parts[MP_MAX_PARTS];
	size_t n = 0;
	enum mp_err e = multipart_parse(r->raw, r->raw_len, r->boundary, parts, MP_MAX_PARTS, &n);
	if (e == MP_E_TOO_MANY)
		return 413;
	if (e != MP_OK)
		return 400;
	/* The text parts become an urlencoded form, so the one form reader
	 * (http/form.c) checks their names and values like any other. */
	struct buf enc = {0};
	for (size_t i = 0; i < n; i++) {
		if (parts[i].is_file) {
			if (r->file)
				goto bad;
			r->file = parts[i].data;
			r->file_len = parts[i].len;
			size_t nl = strnlen(parts[i].name, sizeof(r->file_field) - 1);
			memcpy(r->file_field, parts[i].name, nl);
			r->file_field[nl] = '\0';
			continue;
		}
		if (memchr(parts[i].data, '\0', parts[i].len) || parts[i].len > FORM_MAX_VALUE)
			goto bad;
		char *v = strndup(parts[i].data, parts[i].len);
		if (!v)
			goto bad;
		if (enc.len)
			buf_puts(&enc, "&");
		form_encode(&enc, parts[i].name, "");
		buf_puts(&enc, "=");
		form_encode(&enc, v, "");
		free(v);
	}
	form_free(&r->body);
	if (enc.len && form_parse_typed(enc.data, enc.len, &r->body) != FORM_OK)
		goto bad;
	buf_free(&enc);
	return 0;
bad:
	buf_free(&enc);
	r->file = NULL;
	r->file_len = 0;
	return 400;
}

void request_free(struct request *r)
{
	form_free(&r->query);
	form_free(&r->body);
	form_free(&r->cookies);
}
