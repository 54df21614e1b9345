#include "pages/ctx.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "core/log.h"
#include "core/week.h"
#include "http/form.h"
#include "security/token.h"
#include "store/mfa.h"
#include "store/profiles.h"

/* The longest flash cookie read, as sent (percent-encoded: a character
 * of a non-Latin script takes 9 bytes; a flash that names someone with
 * 80 of them, and its sentence, fits; a browser keeps 4 KB a cookie). */
#define FLASH_MAX 4096

struct view *ctx_view(struct ctx *c)
{
	if (c->view)
		return c->view;
	c->view = view_new();
	struct view *v = c->view;
	view_int(v, "signed_in", c->signed_in);
	view_str(v, "user_name", c->signed_in ? c->user.name : "");
	view_int(v, "is_admin", c->signed_in && strcmp(c->user.role, "admin") == 0);
	/* issue 21: the navigation's "Surveys (N)": an index range. */
	/* Kept on the person's row, read with the session (sql/0034). */
	view_int(v, "surveys_waiting", c->signed_in ? c->user.surveys_waiting : 0);
	view_csrf(v, c->csrf);
	/* issue 16: the banner that asks to confirm the address */
	view_int(v, "unverified", c->signed_in && !c->user.verified);
	/* A flash is shown once: the page that shows it removes it. One that
	 * does not decode (tampered with) is dropped unseen. */
	char flash[FLASH_MAX];
	const char *raw = form_get(&c->req->cookies, "__Host-flash");
	if (raw && (*raw == '\0' || form_decode_value(raw, flash, sizeof(flash)) < 0))
		flash[0] = '\0';
	view_str(v, "flash", raw ? flash : "");
	if (raw)
		resp_flash_cookie(c->resp, NULL);
	return v;
}

void ctx_render(struct ctx *c, int status, const char *name, const char *title)
{
	ctx_render_slot(c, status, name, title, NULL);
}

void ctx_render_slot(struct ctx *c, int status, const char *name, const char *title, const char *trusted_html)
{
	struct view *v = ctx_view(c);
	view_str(v, "title", title);
	buf_reset(&c->resp->body);
	int rc = trusted_html ? view_render_slot(v, name, trusted_html, &c->resp->body)
			      : view_render(v, name, &c->resp->body);
	if (rc != 0) {
		log_kv("error", "render failed", "rid", c->req->rid, "template", name, LOG_END);
		resp_reset(c->resp);
		c->resp->status = 500;
		buf_printf(&c->resp->body,
			   "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">"
			   "<title>Something went wrong</title><link rel=\"stylesheet\" "
			   "href=\"/static/app.css\">"
			   "</head><body><main class=\"narrow\"><h1>Something went wrong</h1><p>We could not "
			   "show this page. Nothing you sent was lost. If it happens again, quote request id "
			   "<code>%s</code>.</p><p><a href=\"/\">Back to Tandem</a></p></main></body></html>",
			   c->req->rid);
		return;
	}
	c->resp->status = status;
	c->resp->content_type = "text/html; charset=utf-8";
}

void ctx_error(struct ctx *c, int status, const char *message)
{
	const char *title = status == 404   ? "Page not found"
			    : status == 403 ? "Not allowed"
			    : status == 405 ? "Method not allowed"
			    : status == 409 ? "Already done"
			    : status == 429 ? "Too many attempts"
			    : status == 503 ? "Busy, try again"
			    : status >= 500 ? "Something went wrong"
					    : "Bad request";
	struct view *v = ctx_view(c);
	view_int(v, "status", status);
	view_str(v, "message", message);
	view_str(v, "rid", c->req->rid);
	ctx_render(c, status, "error", title);
}

void ctx_flash(struct ctx *c, const char *msg)
{
	resp_flash_cookie(c->resp, msg);
}

void ctx_store_error(struct ctx *c, int rc)
{
	if (rc == DB_BUSY) {
		resp_header(c->resp, "Retry-After", "2");
		ctx_error(c, 503,
			  "Tandem is busy right now and saved nothing. Please try again in a moment.");
	} else if (rc == DB_FULL) {
		resp_header(c->resp, "Retry-After", "300");
		ctx_error(c, 503,
			  "Tandem's disk is full, so nothing was saved. Go back to keep what you typed and "
			  "try again later; the people who run Tandem have been told.");
	} else {
		/* The store logged what failed; this line ties it to the request
		 * whose id the page shows. */
		log_kv("error", "store failure answered 500", "rid", c->req->rid, LOG_END);
		ctx_error(c, 500, "Something went wrong and nothing was saved.");
	}
}

static enum db_rc new_session(struct ctx *c, int64_t user_id, long max_age)
{
	unsigned char raw[TOKEN_BYTES], hash[TOKEN_HASH_BYTES];
	char b64[TOKEN_B64_LEN];
	token_new(raw, b64);
	token_hash(raw, hash);
	sodium_memzero(raw, sizeof(raw));
	enum db_rc rc = sess_create(c->db, hash, user_id, c->now, &c->sess);
	if (rc != DB_OK)
		return rc;
	c->has_session = 1;
	token_encode(c->sess.csrf, TOKEN_BYTES, c->csrf, sizeof(c->csrf));
	resp_session_cookie(c->resp, b64, max_age);
	return DB_OK;
}

enum db_rc ctx_sign_in(struct ctx *c, int64_t user_id)
{
	/* issue 16: a new token for the same person (a password change)
	 * keeps what this session proved; a sign-in with an account that has
	 * a second factor owes its code. */
	int mfa = c->has_session && c->sess.user_id == user_id ? c->sess.mfa : -1;
	/* A token planted before sign-in must never become valid: the old row
	 * goes, the signed-in session gets a token nobody has seen. */
	if (c->has_session)
		sess_delete(c->db, c->sess.hash);
	c->has_session = 0;
	if (mfa < 0) {
		int enrolled = mfa_enrolled(c->db, user_id);
		if (enrolled < 0)
			return DB_ERR;
		mfa = enrolled ? SESS_MFA_PENDING : SESS_MFA_NONE;
	}
	enum db_rc rc = new_session(c, user_id, (long)c->cfg->session_hours * 3600);
	if (rc == DB_OK && mfa != SESS_MFA_NONE)
		rc = sess_set_mfa(c->db, c->sess.hash, mfa);
	if (rc == DB_OK) {
		c->sess.mfa = mfa;
		/* user_from_row leaves the zone to ctx_timezone (sql/0040). */
		c->signed_in = user_by_id(c->db, user_id, &c->user) == DB_OK;
	}
	return rc;
}

enum db_rc ctx_ensure_presession(struct ctx *c)
{
	if (c->has_session)
		return DB_OK;
	return new_session(c, 0, PRESESSION_SECONDS);
}

void ctx_form_values(struct ctx *c, const struct field_spec *spec, size_t n, const struct fields *f)
{
	struct view *v = ctx_view(c);
	char key[96];
	for (size_t i = 0; i < n; i++) {
		const char *val = f && spec[i].type != FT_PASSWORD ? f->v[i].s : "";
		view_str(v, spec[i].name, val ? val : "");
		snprintf(key, sizeof(key), "%s_err", spec[i].name);
		view_str(v, key, f && f->err[i] ? f->err[i] : "");
	}
	view_int(v, "errors", f ? f->nerr : 0);
	ctx_field_limits(c, spec, n);
}

void ctx_field_limits(struct ctx *c, const struct field_spec *spec, size_t n)
{
	struct view *v = ctx_view(c);
	char key[96];
	for (size_t i = 0; i < n; i++) {
		enum field_type t = spec[i].type;
		if (spec[i].max <= 0 || (t != FT_LINE && t != FT_TEXT && t != FT_EMAIL && t != FT_PASSWORD))
			continue;
		snprintf(key, sizeof(key), "%s_max", spec[i].name);
		view_int(v, key, spec[i].max);
	}
}

void ctx_timezone(struct ctx *c, char *out, size_t n)
{
	/* The session lookup gives it from the person's row (sql/0040); a
	 * person just signed in has it read here, once a request. Joining the
	 * profile to the session lookup instead made every page (most show
	 * no time) read one more row seldom in the cache. */
	if (!c->user.tz[0])
		profile_timezone(c->db, c->user.id, c->user.tz, sizeof(c->user.tz));
	snprintf(out, n, "%s", c->user.tz);
}

void ctx_today(struct ctx *c, char out[11])
{
	char tz[64];
	ctx_timezone(c, tz, sizeof(tz));
	week_ymd(week_today(c->now, tz), out, 11);
}
