/* response: status, headers and body are buffered, then serialised once
 * with Content-Length. Nothing reaches the client before the page is whole. */
#ifndef TANDEM_RESPONSE_H
#define TANDEM_RESPONSE_H
#include "core/buf.h"

struct response {
	int status;
	struct buf headers; /* extra "Name: value\r\n" lines */
	struct buf body;
	const char *content_type; /* static string; default text/html */
};

/* Reset r to an empty 200 text/html response (keeps buffer memory). */
void resp_reset(struct response *r);
/* Free the buffers. */
void resp_free(struct response *r);
/* Add a header. Names and values with CR, LF or NUL are refused (-1) so a
 * value can never split the header block. */
int resp_header(struct response *r, const char *name, const char *value);
/* 303 See Other to a local path (must start with a single '/'). */
void resp_redirect(struct response *r, const char *path);
/* Set the session cookie __Host-sid with the contract's attributes;
 * max_age < 0 omits Max-Age (a browser-session cookie), 0 deletes it. */
void resp_session_cookie(struct response *r, const char *value, long max_age);
/* Set __Host-known, the cookie of a browser that signed in before (same
 * attributes as the session cookie), for max_age seconds. */
void resp_known_cookie(struct response *r, const char *value, long max_age);
/* The one-time message the next page shows (a session cookie, encoded),
 * or, with msg NULL, its removal once a page has shown it. A cookie, not
 * a database row: showing a message is then never a write. */
void resp_flash_cookie(struct response *r, const char *msg);
/* Plain-text body with a status (for /healthz and bare errors). */
void resp_text(struct response *r, int status, const char *text);
/* Append the FastCGI/CGI response head (status, headers, blank line) to
 * out; the body (r->body) follows it on the wire. */
void resp_serialise_head(const struct response *r, struct buf *out);
/* The reason phrase for a status code. */
const char *resp_reason(int status);

#endif
