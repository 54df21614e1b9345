/* route: the route table type and the matcher. The table itself lives in
 * pages/routes.c; the front controller (server/dispatch.c) reads it. */
#ifndef TANDEM_ROUTE_H
#define TANDEM_ROUTE_H
#include <stddef.h>
#include <stdint.h>

struct ctx;
typedef void (*route_fn)(struct ctx *);

enum access {
	ACCESS_UNSET = 0, /* a route left at this fails the route-table test */
	ACCESS_PUBLIC,
	ACCESS_MEMBER,
	ACCESS_ADMIN,
};

enum route_flags {
	ROUTE_PRESESSION = 1, /* GET gives an anonymous visitor a pre-session for CSRF */
	ROUTE_QUIET_LOG = 2,  /* log only method, route pattern and status: no path, no user */
	ROUTE_SLOW = 4,	      /* argon2id: a POST that never shares a commit (server/worker.c) */
	ROUTE_ALONE = 8,      /* a POST that commits alone, then writes again (survey batches) */
	/* A public route whose authority is the signed {token} in its path
	 * (security/linktoken.h): a POST needs no session, no CSRF token and
	 * no Origin, so a mail client's RFC 8058 one-click POST works. Only
	 * the unsubscribe link has it (tests/unit/test_escape_route.c). */
	ROUTE_TOKEN_AUTH = 16,
	/* issue 16: answers a session still owing its second factor
	 * (/login/mfa, /logout); every other route refuses such a session. */
	ROUTE_MFA_STEP = 32,
	/* Issue 16: a multipart/form-data POST with a file, whose body may be
	 * up to REQ_MAX_UPLOAD (http/request.h); every other route keeps
	 * REQ_MAX_BODY and refuses multipart. */
	ROUTE_UPLOAD = 64,
	/* Issue 16: open to a member who has not confirmed their address yet
	 * (their own profile and account, the code, confirming, signing
	 * out). Every other member route answers them 403: an unconfirmed
	 * address may be anyone's, so it reaches and sees no one. */
	ROUTE_UNVERIFIED = 128,
};

#define ROUTE_MAX_IDS 2
/* A {token} segment: 1 to ROUTE_TOKEN_MAX base64url characters. */
#define ROUTE_TOKEN_MAX 64

struct route {
	const char *method;  /* "GET" or "POST" */
	const char *pattern; /* "/requests/{id}/accept" */
	route_fn fn;
	enum access access;
	unsigned flags;
};

/* Match method+path against table[0..n). Returns 200 and sets *out,
 * ids[] (decimal {id} segments, 1..10^15-1) and token (the one {token}
 * segment: base64url characters [A-Za-z0-9_-], up to ROUTE_TOKEN_MAX; ""
 * when the pattern has none) on a match; 405 when the path matches but not
 * the method (allow gets "GET, POST" style text); 404 otherwise. A
 * {token} ends at the first other character, so "/calendar/{token}.ics"
 * works. */
int route_match(const struct route *table, size_t n, const char *method, const char *path,
		const struct route **out, int64_t ids[ROUTE_MAX_IDS], char token[ROUTE_TOKEN_MAX + 1],
		char *allow, size_t allowlen);

#endif
