/* issue 16: the pages behind account links and the forgotten password:
 * /verify/{token} (GET shows a button, POST verifies: a mail scanner's
 * GET changes nothing), /verify/resend, /password/forgot and
 * /password/reset/{token} (also how an invited person sets a first
 * password). The links themselves are store/acct_tokens.h. */
#include <stdio.h>
#include <string.h>

#include "pages/ctx.h"
#include "pages/routes.h"
#include "security/acct_link.h"
#include "security/password.h"
#include "store/accounts.h"
#include "store/acct_life.h"

/* A link that leads nowhere (used, expired, unknown, or a key rotated
 * since): one page for all, so it tells nothing about which. */
static void link_dead(struct ctx *c, const char *what)
{
	view_str(ctx_view(c), "what", what);
	ctx_render(c, 404, "link_dead", "This link no longer works");
}

void page_verify_form(struct ctx *c)
{
	unsigned char hash[TOKEN_HASH_BYTES];
	struct acct_link_info info;
	if (acct_link_lookup(c->req->token, hash) != 0 ||
	    acct_token_peek(c->db, hash, 1u << ACCT_VERIFY, c->now, &info) != DB_OK) {
		link_dead(c, "verify");
		return;
	}
	view_str(ctx_view(c), "token", c->req->token);
	view_str(ctx_view(c), "email", info.email);
	ctx_render(c, 200, "verify", "Confirm your address");
}

void page_verify(struct ctx *c)
{
	unsigned char hash[TOKEN_HASH_BYTES];
	int64_t uid = 0;
	enum db_rc rc = acct_link_lookup(c->req->token, hash) == 0
				? acct_verify(c->db, hash, c->now, c->req->ip, &uid)
				: DB_NOTFOUND;
	if (rc == DB_NOTFOUND) {
		link_dead(c, "verify");
		return;
	}
	if (rc != DB_OK) {
		ctx_store_error(c, rc);
		return;
	}
	ctx_flash(c, "Thank you: your address is confirmed.");
	resp_redirect(c->resp, c->signed_in && c->user.id == uid ? "/" : "/login");
}

void page_verify_resend(struct ctx *c)
{
	int64_t wait = 0;
	enum db_rc rc = acct_verify_resend(c->db, c->user.id, c->now, &wait);
	if (rc == DB_CONFLICT) {
		ctx_flash(c, "Your address is confirmed already.");
		resp_redirect(c->resp, "/");
		return;
	}
	if (rc == DB_BUSY && wait > 0) {
		char msg[200], ra[24];
		snprintf(msg, sizeof(msg),
			 "We sent a link a moment ago. Look in your mail (and its spam folder); you can ask "
			 "for another in %lld %s.",
			 (long long)(wait >= 120 ? (wait + 59) / 60 : wait),
			 wait >= 120 ? "minutes" : "seconds");
		snprintf(ra, sizeof(ra), "%lld", (long long)wait);
		resp_header(c->resp, "Retry-After", ra);
		ctx_error(c, 429, msg);
		return;
	}
	if (rc != DB_OK) {
		ctx_store_error(c, rc);
		return;
	}
	char msg[400];
	snprintf(msg, sizeof(msg), "We sent a new link to %s. It works for 48 hours.", c->user.email);
	ctx_flash(c, msg);
	resp_redirect(c->resp, "/");
}

static const struct field_spec forgot_fields[] = {
	{"email", "Email", FT_EMAIL, 1, 0, 254, NULL, 0},
};
#define NFORGOT FIELDS(forgot_fields)
enum { FG_EMAIL, FG_COUNT };
_Static_assert(FG_COUNT == NFORGOT, "one name per field of forgot_fields, in order");

void page_forgot_form(struct ctx *c)
{
	ctx_form_values(c, forgot_fields, NFORGOT, NULL);
	ctx_render(c, 200, "forgot", "Forgot your password");
}

/* The same answer, through the same statements, for an address with an
 * account and one without (store/acct_life.h: acct_forgot). */
void page_forgot(struct ctx *c)
{
	struct fields f;
	int st = fields_read(forgot_fields, NFORGOT, &c->req->body, &f);
	if (st == 400) {
		ctx_error(c, 400, "The form had fields Tandem does not know.");
		return;
	}
	if (f.nerr) {
		ctx_form_values(c, forgot_fields, NFORGOT, &f);
		ctx_render(c, 422, "forgot", "Forgot your password");
		return;
	}
	int64_t wait = acct_forgot_wait(c->db, c->req->ip, c->now);
	if (wait > 0) {
		char ra[24];
		snprintf(ra, sizeof(ra), "%lld", (long long)wait);
		resp_header(c->resp, "Retry-After", ra);
		ctx_error(c, 429,
			  "Many reset links were asked for from your network. Please try again later.");
		return;
	}
	enum db_rc rc = acct_forgot(c->db, f.v[FG_EMAIL].s, c->req->ip, c->now);
	if (rc != DB_OK) {
		ctx_store_error(c, rc);
		return;
	}
	view_str(ctx_view(c), "email", f.v[FG_EMAIL].s);
	view_str(ctx_view(c), "kind", "reset");
	ctx_render(c, 200, "link_sent", "Check your mail");
}

static const struct field_spec reset_fields[] = {
	{"new_password", "new password", FT_PASSWORD, 1, 0, 0, NULL, 0},
	{"new_password_confirm", "new password confirmation", FT_PASSWORD, 1, 0, 0, NULL, 0},
};
#define NRESET FIELDS(reset_fields)
enum { RS_NEW, RS_CONFIRM, RS_COUNT };
_Static_assert(RS_COUNT == NRESET, "one name per field of reset_fields, in order");

#define RESET_MASK (1u << ACCT_RESET | 1u << ACCT_INVITE)

static void reset_page(struct ctx *c, int status, const struct acct_link_info *info, const struct fields *f)
{
	ctx_form_values(c, reset_fields, NRESET, f);
	view_str(ctx_view(c), "token", c->req->token);
	view_str(ctx_view(c), "email", info->email);
	view_int(ctx_view(c), "invited", info->purpose == ACCT_INVITE);
	ctx_render(c, status, "reset",
		   info->purpose == ACCT_INVITE ? "Welcome: choose your password" : "Choose a new password");
}

void page_reset_form(struct ctx *c)
{
	unsigned char hash[TOKEN_HASH_BYTES];
	struct acct_link_info info;
	if (acct_link_lookup(c->req->token, hash) != 0 ||
	    acct_token_peek(c->db, hash, RESET_MASK, c->now, &info) != DB_OK) {
		link_dead(c, "reset");
		return;
	}
	reset_page(c, 200, &info, NULL);
}

/* The new session of an invited person, in the store's transaction. */
static enum db_rc sign_in_invited(void *arg, int64_t user_id)
{
	struct ctx *c = arg;
	return ctx_sign_in(c, user_id);
}

void page_reset(struct ctx *c)
{
	unsigned char hash[TOKEN_HASH_BYTES];
	struct acct_link_info info;
	if (acct_link_lookup(c->req->token, hash) != 0 ||
	    acct_token_peek(c->db, hash, RESET_MASK, c->now, &info) != DB_OK) {
		link_dead(c, "reset");
		return;
	}
	struct fields f;
	int st = fields_read(reset_fields, NRESET, &c->req->body, &f);
	if (st == 400) {
		ctx_error(c, 400, "The form had fields Tandem does not know.");
		return;
	}
	if (!f.nerr) {
		const char *why = pw_policy(f.v[RS_NEW].s, info.email);
		if (why)
			fields_fail(&f, RS_NEW, why);
		else if (strcmp(f.v[RS_NEW].s, f.v[RS_CONFIRM].s) != 0)
			fields_fail(&f, RS_CONFIRM, "The two new passwords are not the same.");
	}
	if (f.nerr) {
		reset_page(c, 422, &info, &f);
		return;
	}
	char pwh[PW_HASH_LEN];
	if (account_hash(c->db, f.v[RS_NEW].s, pwh) != DB_OK) {
		resp_header(c->resp, "Retry-After", "1");
		ctx_error(c, 503, "Tandem is busy. Please try again in a moment.");
		return;
	}
	int invited = info.purpose == ACCT_INVITE;
	enum db_rc rc =
		acct_reset(c->db, hash, pwh, c->now, c->req->ip, invited ? sign_in_invited : NULL, c, &info);
	if (rc == DB_NOTFOUND) {
		resp_reset(c->resp);
		link_dead(c, "reset");
		return;
	}
	if (rc != DB_OK) {
		resp_reset(c->resp);
		ctx_store_error(c, rc);
		return;
	}
	if (invited) {
		ctx_flash(c, "Welcome to Tandem! Fill in your profile so people can find you.");
		resp_redirect(c->resp, "/profile");
		return;
	}
	/* Every session of the account ended, this browser's too if it was
	 * signed in: sign in with the new password. */
	if (c->signed_in)
		resp_session_cookie(c->resp, "", 0);
	c->signed_in = 0;
	ctx_flash(c,
		  "Your password was changed and every session signed out. Sign in with the new password.");
	resp_redirect(c->resp, "/login");
}
