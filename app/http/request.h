/* request: one parsed HTTP request as nginx handed it over. */
#ifndef TANDEM_REQUEST_H
#define TANDEM_REQUEST_H
#include <stddef.h>
#include <stdint.h>

#include "http/form.h"
#include "http/route.h"

/* A form's body. The largest forms are the guide (30,000 characters) and
 * a session's log (three texts of 8,000): a character outside ASCII takes
 * up to 12 bytes percent-encoded, so 360,000 bytes must pass for a text
 * the form accepts never to be refused as too large (and lost). */
#define REQ_MAX_BODY (512 * 1024)
/* A ROUTE_UPLOAD route's body (issue 16: the CSV import, 10 MB of file
 * and room for the form around it). nginx allows the same there only. */
#define REQ_MAX_UPLOAD (10 * 1024 * 1024 + 65536)

struct request {
	char method[8];
	char path[2048]; /* DOCUMENT_URI: decoded and normalised by nginx */
	char ip[64];
	char origin[512];    /* Origin header, "" when absent */
	char fetch_site[32]; /* Sec-Fetch-Site, "" when absent */
	char host[256];
	char rid[17]; /* request id, hex */
	struct form query, body, cookies;
	int64_t ids[ROUTE_MAX_IDS];
	char token[ROUTE_TOKEN_MAX + 1]; /* the {token} segment, "" when none */
	/* A multipart/form-data POST: its body is not parsed (empty), and only a
	 * ROUTE_TOKEN_AUTH route takes it (RFC 8058 says a mail client SHOULD
	 * send its one-click POST so); the front controller answers 415 to
	 * every other route. */
	int multipart;
	const struct route *route;
	/* Issue 16: a multipart body as read (borrowed from the caller's
	 * buffer) and its boundary; request_parse_multipart fills body's
	 * fields and the one file from it, for a ROUTE_UPLOAD route only. */
	const char *raw;
	size_t raw_len;
	char boundary[72];
	const char *file; /* the file part's bytes (borrowed from raw), or NULL */
	size_t file_len;
	char file_field[FORM_MAX_KEY]; /* its field name */
};

/* Where request_parse reads CGI-style parameters from. */
typedef const char *(*req_param_fn)(void *ctx, const char *name);

/* Fill r from params and a body already read (body_len bytes; the caller
 * enforces REQ_MAX_BODY). Returns 0, or the status to answer: 400 for a
 * malformed query/body/cookie/path, 415 for a POST that is neither
 * application/x-www-form-urlencoded nor multipart/form-data (which sets
 * r->multipart and leaves the body unparsed). r must be freed with request_free
 * either way. */
int request_parse(struct request *r, req_param_fn param, void *pctx, const char *body, size_t body_len);

/* Issue 16: parse r's multipart body (r->multipart set): its text parts
 * become r->body's fields, its one file part r->file. 0, 400 for a
 * malformed body (or more than one file), 413 for too many parts. */
int request_parse_multipart(struct request *r);

/* Pick a fresh random prefix for request ids; each worker calls it after
 * fork so no two processes hand out the same ids. */
void request_ids_reseed(void);
void request_free(struct request *r);

#endif
