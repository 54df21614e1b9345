#include "http/response.h"

#include "http/form.h"

#include <stdio.h>
#include <string.h>

void resp_reset(struct response *r)
{
	r->status = 200;
	r->content_type = "text/html; charset=utf-8";
	buf_reset(&r->headers);
	buf_reset(&r->body);
}

void resp_free(struct response *r)
{
	buf_free(&r->headers);
	buf_free(&r->body);
}

int resp_header(struct response *r, const char *name, const char *value)
{
	if (strpbrk(name, "\r\n:") || strpbrk(value, "\r\n"))
		return -1;
	return buf_printf(&r->headers, "%s: %s\r\n", name, value);
}

void resp_redirect(struct response *r, const char *path)
{
	/* "//host" and "/\host" are protocol-relative in browsers: refuse them. */
	if (path[0] != '/' || path[1] == '/' || path[1] == '\\')
		path = "/";
	r->status = 303;
	resp_header(r, "Location", path);
	buf_reset(&r->body);
}

/* Every cookie Tandem sets: host-only (__Host-), HTTPS-only, out of
 * scripts' reach, not sent on cross-site subrequests. value is already
 * cookie-safe; max_age < 0 makes a session cookie. */
static void set_cookie(struct response *r, const char *name, const char *value, long max_age)
{
	struct buf line = {0};
	buf_puts(&line, name);
	buf_puts(&line, "=");
	buf_puts(&line, value);
	if (max_age >= 0) {
		buf_puts(&line, "; Max-Age=");
		buf_put_u64(&line, (unsigned long long)max_age);
	}
	buf_puts(&line, "; Path=/; Secure; HttpOnly; SameSite=Lax");
	if (!line.oom)
		resp_header(r, "Set-Cookie", buf_str(&line));
	buf_free(&line);
}

void resp_session_cookie(struct response *r, const char *value, long max_age)
{
	set_cookie(r, "__Host-sid", value, max_age);
}

void resp_known_cookie(struct response *r, const char *value, long max_age)
{
	set_cookie(r, "__Host-known", value, max_age);
}

void resp_flash_cookie(struct response *r, const char *msg)
{
	struct buf v = {0};
	if (msg)
		form_encode(&v, msg, NULL);
	set_cookie(r, "__Host-flash", buf_str(&v), msg ? -1 : 0);
	buf_free(&v);
}

void resp_text(struct response *r, int status, const char *text)
{
	r->status = status;
	r->content_type = "text/plain; charset=utf-8";
	buf_reset(&r->body);
	buf_puts(&r->body, text);
}

const char *resp_reason(int s)
{
	switch (s) {
	case 200: return "OK";
	case 303: return "See Other";
	case 400: return "Bad Request";
	case 401: return "Unauthorized";
	case 403: return "Forbidden";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 409: return "Conflict";
	case 413: return "Payload Too Large";
	case 415: return "Unsupported Media Type";
	case 422: return "Unprocessable Content";
	case 429: return "Too Many Requests";
	case 503: return "Service Unavailable";
	default: return "Internal Server Error";
	}
}

void resp_serialise_head(const struct response *r, struct buf *out)
{
	buf_puts(out, "Status: ");
	buf_put_u64(out, (unsigned)r->status);
	buf_puts(out, " ");
	buf_puts(out, resp_reason(r->status));
	buf_puts(out, "\r\nContent-Type: ");
	buf_puts(out, r->content_type);
	buf_puts(out, "\r\nContent-Length: ");
	buf_put_u64(out, r->body.len);
	/* Every page may carry someone's private data: no cache keeps any. */
	buf_puts(out, "\r\nCache-Control: no-store\r\n");
	buf_append(out, buf_str(&r->headers), r->headers.len);
	buf_puts(out, "\r\n");
}
