#include "server/dispatch.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "pages/routes.h"
#include "security/token.h"
#include "store/mfa.h"

/* Find the request's session, if it has one. DB_OK (with or without a
 * session), or the store error that kept it from being read: that is not
 * "signed out", and the caller answers it as the error it is. */
static enum db_rc load_session(struct ctx *c)
{
	const char *cookie = form_get(&c->req->cookies, "__Host-sid");
	unsigned char raw[TOKEN_BYTES], hash[TOKEN_HASH_BYTES];
	if (!cookie || token_decode(cookie, raw) != 0)
		return DB_OK;
	token_hash(raw, hash);
	sodium_memzero(raw, sizeof(raw));
	enum db_rc rc = sess_lookup(c->db, hash, c->now, (int64_t)c->cfg->idle_minutes * 60,
				    (int64_t)c->cfg->session_hours * 3600, &c->sess, &c->user);
	if (rc != DB_OK)
		return rc == DB_NOTFOUND ? DB_OK : rc;
	c->has_session = 1;
	token_encode(c->sess.csrf, TOKEN_BYTES, c->csrf, sizeof(c->csrf));
	c->signed_in = c->sess.user_id && c->user.active;
	/* Bookkeeping, not the request's change: a touch that cannot be
	 * written (a full disk) must not fail the page, and one that was is
	 * not "your change was saved" (store/db.h). */
	sess_touch(c->db, &c->sess, c->now);
	db_latch_forget();
	return DB_OK;
}

/* Origin (or, without it, Sec-Fetch-Site) must say the form came from us.
 * Origins are compared with the configured list, never with the Host
 * header, which the client controls. */
static int same_origin(const struct request *r, const char *origins)
{
	if (r->origin[0]) {
		size_t n = strlen(r->origin);
		for (const char *p = origins; *p;) {
			const char *comma = strchr(p, ',');
			size_t len = comma ? (size_t)(comma - p) : strlen(p);
			if (len == n && strncmp(p, r->origin, n) == 0)
				return 1;
			p += len + (comma != NULL);
		}
		return 0;
	}
	if (r->fetch_site[0])
		return strcmp(r->fetch_site, "same-origin") == 0;
	return 1;
}

static int csrf_ok(struct ctx *c)
{
	if (!same_origin(c->req, c->cfg->origins) || !c->has_session)
		return 0;
	if (form_count(&c->req->body, "csrf") != 1)
		return 0;
	unsigned char got[TOKEN_BYTES];
	if (token_decode(form_get(&c->req->body, "csrf"), got) != 0)
		return 0;
	return sodium_memcmp(got, c->sess.csrf, TOKEN_BYTES) == 0;
}

/* issue 16: the second factor is owed before this route: a GET goes to
 * where it is given (`to`, coming back here after), a POST is refused. */
static void second_factor_owed(struct ctx *c, int is_post, const char *to)
{
	if (is_post) {
		ctx_error(c, 403,
			  "This needs your second factor first: enter the code from your authenticator app, "
			  "then repeat what you did.");
		return;
	}
	struct buf next = {0};
	buf_printf(&next, "%s?next=", to);
	form_encode(&next, c->req->path, "/");
	resp_redirect(c->resp, buf_str(&next));
	buf_free(&next);
}

void dispatch(struct ctx *c)
{
	struct request *r = c->req;
	char allow[64];
	/* Found by dispatch_route; matched again only to tell 404 from 405. */
	const struct route *rt = r->route;
	int st = rt ? 200
		    : route_match(routes, routes_count, r->method, r->path, &rt, r->ids, r->token, allow,
				  sizeof(allow));
	enum db_rc srv = load_session(c);
	if (srv != DB_OK) {
		ctx_store_error(c, srv);
		return;
	}
	if (st == 404) {
		ctx_error(c, 404, "There is no page at this address, or it is not yours to see.");
		return;
	}
	if (st == 405) {
		resp_header(c->resp, "Allow", allow);
		ctx_error(c, 405, "This address does not accept that kind of request.");
		return;
	}
	r->route = rt;
	int is_post = strcmp(r->method, "POST") == 0;
	int token_auth = (rt->flags & ROUTE_TOKEN_AUTH) && rt->access == ACCESS_PUBLIC;
	if (r->multipart && !token_auth && !(rt->flags & ROUTE_UPLOAD)) {
		ctx_error(c, 415, "Forms must be sent as application/x-www-form-urlencoded.");
		return;
	}
	if (rt->access != ACCESS_PUBLIC && !c->signed_in) {
		if (is_post) {
			ctx_error(c, 403, "Your session has ended. Sign in again, then repeat what you did.");
		} else {
			/* Percent-encode the path so it stays one query value. Routed
			 * paths hold only safe characters today; this keeps a future
			 * pattern from ever splitting the query. */
			struct buf next = {0};
			buf_puts(&next, "/login?next=");
			form_encode(&next, r->path, "/");
			resp_redirect(c->resp, buf_str(&next));
			buf_free(&next);
		}
		return;
	}
	/* issue 16: a session that owes its second factor reaches nothing
	 * but the code's page and sign-out. */
	if (rt->access != ACCESS_PUBLIC && c->sess.mfa == SESS_MFA_PENDING && !(rt->flags & ROUTE_MFA_STEP)) {
		second_factor_owed(c, is_post, "/login/mfa");
		return;
	}
	/* issue 16: an address not confirmed yet may be anyone's: here, so no
	 * route that reaches or shows other people can forget it. */
	if (rt->access != ACCESS_PUBLIC && c->signed_in && !c->user.verified &&
	    !(rt->flags & ROUTE_UNVERIFIED)) {
		ctx_error(c, 403,
			  "Confirm your email address first: open the link we mailed you. Until then you can "
			  "fill in your profile, and nobody else sees you.");
		return;
	}
	if (rt->access == ACCESS_ADMIN && strcmp(c->user.role, "admin") != 0) {
		ctx_error(c, 403, "This page is for program admins.");
		return;
	}
	/* issue 16: here, so no admin route can forget it. Required: every
	 * admin enrols and passes the code each session; optional: an admin
	 * who enrolled still passes it. */
	if (rt->access == ACCESS_ADMIN && c->sess.mfa != SESS_MFA_PASSED) {
		int enrolled = mfa_enrolled(c->db, c->user.id);
		if (enrolled < 0) {
			ctx_store_error(c, DB_ERR);
			return;
		}
		if (enrolled || c->cfg->admin_mfa_required) {
			second_factor_owed(c, is_post, enrolled ? "/login/mfa" : "/account/mfa");
			return;
		}
	}
	/* issue 16: an upload's fields (its CSRF token among them) and file. */
	if (r->multipart && (rt->flags & ROUTE_UPLOAD)) {
		int mst = request_parse_multipart(r);
		if (mst) {
			ctx_error(c, mst,
				  "The upload was malformed. Choose the file again and send the form.");
			return;
		}
	}
	/* A token route's POST (the unsubscribe link's one click from a mail
	 * client) carries no cookie, CSRF token or Origin: the signed token in
	 * its path is the authority, checked by the handler. */
	if (is_post && !token_auth && !csrf_ok(c)) {
		ctx_error(c, 403,
			  "This form had expired or did not come from Tandem, so nothing was changed. "
			  "Go back, reload the page and send it again.");
		return;
	}
	if (!is_post && (rt->flags & ROUTE_PRESESSION) && !c->signed_in) {
		enum db_rc rc = ctx_ensure_presession(c);
		if (rc != DB_OK) {
			ctx_store_error(c, rc);
			return;
		}
	}
	rt->fn(c);
}

int dispatch_route(struct request *r)
{
	const struct route *rt = NULL;
	char allow[64];
	if (route_match(routes, routes_count, r->method, r->path, &rt, r->ids, r->token, allow,
			sizeof(allow)) != 200)
		return 0;
	r->route = rt;
	return strcmp(r->method, "POST") == 0 && !(rt->flags & (ROUTE_SLOW | ROUTE_ALONE));
}

size_t dispatch_body_limit(const char *method, const char *path)
{
	const struct route *rt = NULL;
	int64_t ids[ROUTE_MAX_IDS];
	char token[ROUTE_TOKEN_MAX + 1], allow[64];
	if (method && path &&
	    route_match(routes, routes_count, method, path, &rt, ids, token, allow, sizeof(allow)) == 200 &&
	    (rt->flags & ROUTE_UPLOAD))
		return REQ_MAX_UPLOAD;
	return REQ_MAX_BODY;
}

const char *dispatch_log_path(const struct request *r, char *out, size_t n)
{
	/* The routes with a {token} and the length of what comes before it,
	 * found once per process: this runs for every request's log line.
	 * (More such routes than the list holds: every route is looked at.) */
	static size_t tok_route[64], tok_len[64], ntok;
	static int found, all;
	if (!found) {
		for (size_t i = 0; i < routes_count; i++) {
			const char *tok = strstr(routes[i].pattern, "{token}");
			if (!tok)
				continue;
			if (ntok == sizeof(tok_route) / sizeof(tok_route[0])) {
				all = 1;
				break;
			}
			tok_route[ntok] = i;
			tok_len[ntok++] = (size_t)(tok - routes[i].pattern);
		}
		found = 1;
	}
	for (size_t k = 0; k < (all ? routes_count : ntok); k++) {
		size_t i = all ? k : tok_route[k];
		const char *tok = all ? strstr(routes[i].pattern, "{token}") : routes[i].pattern + tok_len[k];
		size_t len = tok ? (size_t)(tok - routes[i].pattern) : 0;
		if (tok && strncmp(r->path, routes[i].pattern, len) == 0) {
			snprintf(out, n, "%.*s{token}", (int)len, routes[i].pattern);
			return out;
		}
	}
	return r->path;
}
