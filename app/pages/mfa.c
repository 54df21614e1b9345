/* issue 16: the second factor. /account/mfa enrols (QR code as inline
 * SVG, the secret in text, then a correct code) and turns it off;
 * /login/mfa takes the code, or a recovery code, after the password. The
 * front controller (server/dispatch.c) decides who owes it. */
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "http/form.h"
#include "pages/ctx.h"
#include "pages/routes.h"
#include "store/mfa.h"
#include "store/throttle.h"
#include "view/escape.h"
#include "view/qrsvg.h"

static const struct field_spec code_fields[] = {
	{"code", "Code", FT_LINE, 0, 0, 12, NULL, 0},
	{"recovery_code", "Recovery code", FT_LINE, 0, 0, 40, NULL, 0},
	{"next", "next", FT_LINE, 0, 0, 2000, NULL, 0},
};
#define NCODE FIELDS(code_fields)
enum { CF_CODE, CF_RECOVERY, CF_NEXT, CF_COUNT };
_Static_assert(CF_COUNT == NCODE, "one name per field of code_fields, in order");

/* A `next` we follow: a path on this site, never //host or a scheme. */
static int local_path(const char *p)
{
	if (!p || p[0] != '/' || p[1] == '/' || p[1] == '\\')
		return 0;
	for (; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == '\\')
			return 0;
	return 1;
}

static const char *next_of(struct ctx *c, const struct fields *f)
{
	const char *n = f ? f->v[CF_NEXT].s : form_get(&c->req->query, "next");
	return local_path(n) ? n : "";
}

static int is_admin(const struct ctx *c)
{
	return strcmp(c->user.role, "admin") == 0;
}

/* Read the code form; 400 answered already when it returns -1. */
static int read_codes(struct ctx *c, struct fields *f)
{
	if (fields_read(code_fields, NCODE, &c->req->body, f) == 400) {
		ctx_error(c, 400, "The form had fields Tandem does not know.");
		return -1;
	}
	return 0;
}

/* Seconds before another code may be tried for this account from here. */
static int64_t code_wait(struct ctx *c)
{
	char key[40];
	mfa_throttle_key(c->user.id, key, sizeof(key));
	return throttle_wait(c->db, key, c->req->ip, c->now, 0);
}

static void say_wait(struct ctx *c, struct fields *f, int64_t wait)
{
	char msg[160], ra[24];
	snprintf(msg, sizeof(msg), "Too many wrong codes. Try again in %lld seconds.", (long long)wait);
	snprintf(ra, sizeof(ra), "%lld", (long long)wait);
	resp_header(c->resp, "Retry-After", ra);
	fields_fail(f, CF_CODE, msg);
}

static const char locked[] =
	"Too many wrong codes today: codes from the app are refused until tomorrow. "
	"Use one of your recovery codes, or ask the operator to reset two-factor sign-in.";

static const char wrong_code[] =
	"That code is not right, or it was used already. Enter the code your app shows now.";

/* The enrolment page: a QR code of the otpauth:// link and the same
 * secret in text, for whoever cannot scan (a screen reader, a desktop
 * app). An enrolled account sees its state and the form that turns it off. */
static void show_mfa(struct ctx *c, int status, const struct fields *f)
{
	struct view *v = ctx_view(c);
	ctx_form_values(c, code_fields, NCODE, f);
	view_str(v, "next", next_of(c, f));
	view_int(v, "required", is_admin(c) && c->cfg->admin_mfa_required);
	int enrolled = mfa_enrolled(c->db, c->user.id);
	if (enrolled < 0) {
		ctx_store_error(c, DB_ERR);
		return;
	}
	view_int(v, "enrolled", enrolled);
	view_int(v, "passed", c->sess.mfa == SESS_MFA_PASSED);
	if (enrolled) {
		view_int(v, "left", mfa_recovery_left(c->db, c->user.id));
		view_str(v, "secret_spaced", "");
		view_trusted_html(v, "qr", "");
		ctx_render(c, status, "mfa", "Two-factor sign-in");
		return;
	}
	view_int(v, "left", 0);
	char b32[TOTP_B32_LEN];
	enum db_rc rc = mfa_begin(c->db, c->user.id, c->now, b32);
	if (rc != DB_OK) {
		ctx_store_error(c, rc);
		return;
	}
	struct buf uri = {0}, svg = {0};
	buf_puts(&uri, "otpauth://totp/Tandem:");
	url_encode(&uri, c->user.email);
	buf_printf(&uri, "?secret=%s&issuer=Tandem&algorithm=SHA1&digits=%d&period=%d", b32, TOTP_DIGITS,
		   TOTP_STEP);
	int qr = qrsvg_append(&svg, buf_str(&uri), "QR code of your Tandem sign-in secret");
	char spaced[TOTP_B32_LEN + TOTP_B32_LEN / 4];
	size_t k = 0;
	for (size_t i = 0; b32[i]; i++) {
		if (i && i % 4 == 0)
			spaced[k++] = ' ';
		spaced[k++] = b32[i];
	}
	spaced[k] = '\0';
	view_str(v, "secret_spaced", spaced);
	view_trusted_html(v, "qr", qr == 0 ? buf_str(&svg) : "");
	ctx_render(c, status, "mfa", "Two-factor sign-in");
	/* The secret leaves no copy in freed memory (the QR and the page
	 * hold it too, but no longer than this request). */
	sodium_memzero(b32, sizeof(b32));
	sodium_memzero(spaced, sizeof(spaced));
	if (uri.data)
		sodium_memzero(uri.data, uri.cap);
	buf_free(&uri);
	buf_free(&svg);
}

void page_mfa_form(struct ctx *c)
{
	show_mfa(c, 200, NULL);
}

void page_mfa_enrol(struct ctx *c)
{
	struct fields f;
	if (read_codes(c, &f) != 0)
		return;
	if (!f.nerr && !f.v[CF_CODE].s[0])
		fields_fail(&f, CF_CODE, "Enter the 6-digit code your app shows for Tandem.");
	int64_t wait = f.nerr ? 0 : code_wait(c);
	if (wait > 0)
		say_wait(c, &f, wait);
	if (f.nerr) {
		show_mfa(c, wait > 0 ? 429 : 422, &f);
		return;
	}
	char codes[RECOVERY_COUNT][RECOVERY_LEN];
	/* The layout before the write: the codes are shown only on this
	 * page, so no read after the commit may fail it (store/db.h's latch
	 * would answer 500 over them). It reads nothing today (the count of
	 * surveys comes with the session); built here, a read added to it
	 * would refuse the enrolment instead, and the person tries again. */
	ctx_view(c);
	enum mfa_result r =
		mfa_enrol(c->db, c->user.id, c->sess.hash, f.v[CF_CODE].s, c->now, c->req->ip, codes);
	if (db_failed(r)) {
		ctx_store_error(c, r);
		return;
	}
	if (r == MFA_NONE) {
		resp_redirect(c->resp, "/account/mfa");
		return;
	}
	if (r == MFA_WRONG || r == MFA_LOCKED) {
		fields_fail(&f, CF_CODE, r == MFA_LOCKED ? locked : wrong_code);
		show_mfa(c, r == MFA_LOCKED ? 429 : 422, &f);
		return;
	}
	c->sess.mfa = SESS_MFA_PASSED;
	struct view *v = ctx_view(c);
	view_strlist_set(v, "codes",
			 (const char *const[]){codes[0], codes[1], codes[2], codes[3], codes[4], codes[5],
					       codes[6], codes[7], codes[8], codes[9]},
			 RECOVERY_COUNT);
	const char *next = next_of(c, &f);
	view_str(v, "next", next[0] ? next : is_admin(c) ? "/admin" : "/");
	ctx_render(c, 200, "mfa_codes", "Your recovery codes");
	sodium_memzero(codes, sizeof(codes));
}

void page_mfa_disable(struct ctx *c)
{
	struct fields f;
	if (read_codes(c, &f) != 0)
		return;
	if (!f.nerr && !f.v[CF_CODE].s[0] && !f.v[CF_RECOVERY].s[0])
		fields_fail(&f, CF_CODE, "Enter a code from your app, or a recovery code, to turn this off.");
	int64_t wait = f.nerr ? 0 : code_wait(c);
	if (wait > 0)
		say_wait(c, &f, wait);
	if (f.nerr) {
		show_mfa(c, wait > 0 ? 429 : 422, &f);
		return;
	}
	enum mfa_result r = mfa_disable(c->db, c->user.id, c->sess.hash, f.v[CF_CODE].s, f.v[CF_RECOVERY].s,
					c->now, c->req->ip);
	if (db_failed(r)) {
		ctx_store_error(c, r);
		return;
	}
	if (r == MFA_WRONG || r == MFA_LOCKED) {
		fields_fail(&f, f.v[CF_CODE].s[0] ? CF_CODE : CF_RECOVERY,
			    r == MFA_LOCKED ? locked : wrong_code);
		show_mfa(c, r == MFA_LOCKED ? 429 : 422, &f);
		return;
	}
	ctx_flash(c, r == MFA_OK ? "Two-factor sign-in is off. Your other sessions were signed out."
				 : "Two-factor sign-in was not on.");
	resp_redirect(c->resp, "/account/mfa");
}

static void show_login_mfa(struct ctx *c, int status, const struct fields *f)
{
	ctx_form_values(c, code_fields, NCODE, f);
	view_str(ctx_view(c), "next", next_of(c, f));
	ctx_render(c, status, "login_mfa", "Enter your code");
}

void page_login_mfa_form(struct ctx *c)
{
	int enrolled = mfa_enrolled(c->db, c->user.id);
	if (enrolled < 0) {
		ctx_store_error(c, DB_ERR);
		return;
	}
	if (!enrolled || c->sess.mfa == SESS_MFA_PASSED) {
		const char *next = next_of(c, NULL);
		resp_redirect(c->resp, next[0] ? next : "/");
		return;
	}
	show_login_mfa(c, 200, NULL);
}

void page_login_mfa(struct ctx *c)
{
	struct fields f;
	if (read_codes(c, &f) != 0)
		return;
	if (!f.nerr && !f.v[CF_CODE].s[0] && !f.v[CF_RECOVERY].s[0])
		fields_fail(&f, CF_CODE, "Enter the 6-digit code your app shows for Tandem.");
	int64_t wait = f.nerr ? 0 : code_wait(c);
	if (wait > 0)
		say_wait(c, &f, wait);
	if (f.nerr) {
		show_login_mfa(c, wait > 0 ? 429 : 422, &f);
		return;
	}
	int left = -1;
	enum mfa_result r = mfa_pass(c->db, c->user.id, c->sess.hash, f.v[CF_CODE].s, f.v[CF_RECOVERY].s,
				     c->now, c->req->ip, &left);
	if (db_failed(r)) {
		ctx_store_error(c, r);
		return;
	}
	if (r == MFA_WRONG || r == MFA_LOCKED) {
		fields_fail(&f, f.v[CF_CODE].s[0] ? CF_CODE : CF_RECOVERY,
			    r == MFA_LOCKED ? locked : wrong_code);
		show_login_mfa(c, r == MFA_LOCKED ? 429 : 422, &f);
		return;
	}
	if (r == MFA_SIGNED_OUT) {
		/* The store ended the session: the password again, then a code. */
		c->has_session = 0;
		c->signed_in = 0;
		resp_session_cookie(c->resp, "", 0);
		ctx_flash(c, "Too many wrong codes: you were signed out. Sign in again, then enter the code "
			     "your app shows now.");
		resp_redirect(c->resp, "/login");
		return;
	}
	if (left >= 0) {
		char msg[200];
		snprintf(msg, sizeof(msg),
			 "You signed in with a recovery code; %d %s left. If your phone is lost, turn "
			 "two-factor "
			 "off and on again to get new ones.",
			 left, left == 1 ? "is" : "are");
		ctx_flash(c, msg);
	}
	const char *next = next_of(c, &f);
	resp_redirect(c->resp, next[0] ? next : "/");
}
