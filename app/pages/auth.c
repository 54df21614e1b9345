/* Signup, login and logout. */
#include <stdio.h>
#include <string.h>

#include "core/log.h"
#include "http/form.h"
#include "pages/account_form.h"
#include "pages/ctx.h"
#include "pages/routes.h"
#include "security/password.h"
#include "store/accounts.h"
#include "store/acct_life.h"
#include "store/audit.h"
#include "store/known.h"
#include "store/throttle.h"

static const struct field_spec signup_fields[] = {ACCOUNT_FORM_FIELDS};
#define NSIGNUP FIELDS(signup_fields)

static const struct field_spec login_fields[] = {
	{"email", "Email", FT_LINE, 1, 0, 254, NULL, 0},
	{"password", "password", FT_PASSWORD, 1, 0, 1024, NULL, 0},
	{"next", "next", FT_LINE, 0, 0, 2000, NULL, 0},
};
#define NLOGIN FIELDS(login_fields)
enum { LG_EMAIL, LG_PASSWORD, LG_NEXT, LG_COUNT };
_Static_assert(LG_COUNT == NLOGIN, "one name per field of login_fields, in order");

/* The sign-in, run inside the store's transaction (account_then_fn): the
 * session row commits with the account or login it belongs to. */
static enum db_rc sign_in(void *arg, int64_t user_id)
{
	return ctx_sign_in(arg, user_id);
}

/* issue 16: a new account with verification on starts unverified, with
 * its link mailed, in the signup's transaction. */
static enum db_rc sign_in_unverified(void *arg, int64_t user_id)
{
	struct ctx *c = arg;
	enum db_rc rc = acct_start_unverified(c->db, user_id, c->now);
	return rc == DB_OK ? ctx_sign_in(c, user_id) : rc;
}

/* issue 16: 1 when email's domain is one TANDEM_SIGNUP_DOMAINS allows
 * (or it allows any). */
static int domain_allowed(const struct config *cfg, const char *email)
{
	const char *at = strrchr(email, '@');
	if (!cfg->signup_domains[0])
		return 1;
	if (!at)
		return 0;
	size_t n = strlen(at + 1);
	for (const char *p = cfg->signup_domains; *p;) {
		size_t len = strcspn(p, ",");
		if (len == n && strncmp(p, at + 1, n) == 0)
			return 1;
		p += len;
		if (*p == ',')
			p++;
	}
	return 0;
}

/* issue 16: the domains, for the message ("example.com or example.org"). */
static void domains_text(const struct config *cfg, char *out, size_t n)
{
	size_t o = 0;
	for (const char *p = cfg->signup_domains; *p && o + 8 < n; p++) {
		if (*p == ',') {
			o += (size_t)snprintf(out + o, n - o, "%s", strchr(p + 1, ',') ? ", " : " or ");
			continue;
		}
		out[o++] = *p;
	}
	out[o < n ? o : n - 1] = '\0';
}

void page_signup_form(struct ctx *c)
{
	if (c->signed_in) {
		resp_redirect(c->resp, "/");
		return;
	}
	ctx_form_values(c, signup_fields, NSIGNUP, NULL);
	view_int(ctx_view(c), "invite_only", c->cfg->signup_invite);
	ctx_render(c, 200, "signup", "Create your account");
}

/* Everything cheap comes before argon2id: the form, the policy, whether
 * the address is taken, and this client's signup budget. Only then one
 * hash, waiting briefly for a slot. */
void page_signup(struct ctx *c)
{
	struct fields f;
	int st = fields_read(signup_fields, NSIGNUP, &c->req->body, &f);
	if (st == 400) {
		ctx_error(c, 400, "The form had fields Tandem does not know.");
		return;
	}
	/* issue 16: who may sign up. */
	if (!f.err[AF_EMAIL] && !domain_allowed(c->cfg, f.v[AF_EMAIL].s)) {
		char d[1100], m[1200];
		domains_text(c->cfg, d, sizeof(d));
		snprintf(m, sizeof(m), "Tandem here is for addresses at %s. Use your work email.", d);
		fields_fail(&f, AF_EMAIL, m);
	}
	account_form_check(&f, 0);
	struct user taken;
	int exists = !f.err[AF_EMAIL] && user_by_email(c->db, f.v[AF_EMAIL].s, &taken) == DB_OK;
	if (exists && !taken.pw_hash[0] && taken.active) {
		/* Invited already: the invitation link sets the password. Asked
		 * for as often as /password/forgot allows from this address, no
		 * more (the page is the same either way). */
		enum db_rc rc = acct_forgot_wait(c->db, c->req->ip, c->now) > 0
					? DB_OK
					: acct_forgot(c->db, f.v[AF_EMAIL].s, c->req->ip, c->now);
		if (rc != DB_OK) {
			ctx_store_error(c, rc);
			return;
		}
		view_str(ctx_view(c), "email", f.v[AF_EMAIL].s);
		view_str(ctx_view(c), "kind", "invited");
		ctx_render(c, 200, "link_sent", "Check your mail");
		return;
	}
	if (!f.nerr && exists)
		fields_fail(&f, 0, "An account with this email already exists. Sign in instead.");
	if (c->cfg->signup_invite && !exists && !f.err[AF_EMAIL])
		fields_fail(&f, AF_EMAIL,
			    "Tandem here is by invitation only, and this address has no invitation. Ask your "
			    "program admin to invite you.");
	if (!f.nerr) {
		int64_t wait = throttle_signup_wait(c->db, c->req->ip, c->now);
		char hash[PW_HASH_LEN];
		int64_t id = 0;
		enum db_rc rc = wait > 0 ? DB_BUSY : account_hash(c->db, f.v[AF_PASSWORD].s, hash);
		if (rc == DB_OK)
			rc = account_signup(c->db, f.v[AF_EMAIL].s, f.v[AF_NAME].s, hash, c->now, c->req->ip,
					    c->cfg->signup_verify ? sign_in_unverified : sign_in, c, &id,
					    &wait);
		if (wait > 0) {
			char ra[24];
			snprintf(ra, sizeof(ra), "%lld", (long long)wait);
			resp_reset(c->resp); /* no cookie for a session that was rolled back */
			resp_header(c->resp, "Retry-After", ra);
			ctx_error(c, 429,
				  "Many accounts were just created from your network. Please try again in a "
				  "minute.");
			return;
		}
		if (rc == DB_CONFLICT) {
			resp_reset(c->resp);
			fields_fail(&f, 0, "An account with this email already exists. Sign in instead.");
		} else if (rc != DB_OK) {
			resp_reset(c->resp); /* drop a cookie for a session that was rolled back */
			ctx_store_error(c, rc);
			return;
		} else {
			ctx_flash(
				c,
				c->cfg->signup_verify
					? "Welcome to Tandem! We sent you a link to confirm your address. "
					  "Meanwhile, fill in your profile."
					: "Welcome to Tandem! Fill in your profile so people can find you.");
			resp_redirect(c->resp, "/");
			return;
		}
	}
	ctx_form_values(c, signup_fields, NSIGNUP, &f);
	view_int(ctx_view(c), "invite_only", c->cfg->signup_invite);
	ctx_render(c, 422, "signup", "Create your account");
}

/* A `next` we follow: a path on this site, never //host or a scheme. */
static int local_path(const char *p)
{
	if (p[0] != '/' || p[1] == '/' || p[1] == '\\')
		return 0;
	for (; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == '\\')
			return 0;
	return 1;
}

static void login_form(struct ctx *c, int status, const struct fields *f, const char *message)
{
	ctx_form_values(c, login_fields, NLOGIN, f);
	if (!f) {
		const char *next = form_get(&c->req->query, "next");
		view_str(ctx_view(c), "next", next && local_path(next) ? next : "");
	}
	view_str(ctx_view(c), "message", message);
	ctx_render(c, status, "login", "Sign in");
}

void page_login_form(struct ctx *c)
{
	if (c->signed_in) {
		resp_redirect(c->resp, "/");
		return;
	}
	login_form(c, 200, NULL, "");
}

static void say_wait(struct ctx *c, struct fields *f, int64_t wait)
{
	char msg[200], ra[24];
	if (wait >= 60)
		snprintf(msg, sizeof(msg),
			 "Too many failed sign-ins. For your safety, try again in %lld minutes.",
			 (long long)((wait + 59) / 60));
	else
		snprintf(msg, sizeof(msg), "Too many failed sign-ins. Try again in %lld seconds.",
			 (long long)wait);
	snprintf(ra, sizeof(ra), "%lld", (long long)wait);
	resp_header(c->resp, "Retry-After", ra);
	login_form(c, 429, f, msg);
}

void page_login(struct ctx *c)
{
	static const char generic[] =
		"That email and password do not match an account. Check both and try again.";
	struct fields f;
	int st = fields_read(login_fields, NLOGIN, &c->req->body, &f);
	if (st == 400) {
		ctx_error(c, 400, "The form had fields Tandem does not know.");
		return;
	}
	if (st == 422) {
		login_form(c, 422, &f, "Enter your email and password.");
		return;
	}
	char email[256];
	snprintf(email, sizeof(email), "%s", f.v[LG_EMAIL].s);
	for (char *p = email; *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	struct user u;
	/* issue 16: an invited person without a password yet is no account
	 * to sign in to, and takes as long to refuse as any other. */
	int found = user_by_email(c->db, email, &u) == DB_OK && u.active && u.pw_hash[0];
	const char *known_cookie = form_get(&c->req->cookies, "__Host-known");
	int known = found && known_check(c->db, known_cookie, u.id, c->now);
	/* Throttle before argon2id runs: a refused guess costs us nothing. */
	int64_t wait = throttle_wait(c->db, email, c->req->ip, c->now, known);
	if (wait > 0) {
		audit_add(c->db, c->now, "login_throttled", 0, 0, c->req->ip, NULL);
		say_wait(c, &f, wait);
		return;
	}
	int rehash = 0;
	enum acct_rc p = account_verify(c->db, found ? u.pw_hash : NULL, f.v[LG_PASSWORD].s, &rehash);
	if (db_failed(p)) {
		resp_header(c->resp, "Retry-After", "1");
		ctx_error(c, 503, "Tandem is busy signing other people in. Please try again in a moment.");
		return;
	}
	if (p == ACCT_WRONG) {
		enum db_rc rc = account_login_failed(c->db, email, c->req->ip, c->now,
						     known ? known_cookie : NULL, found ? u.id : 0);
		if (rc != DB_OK) {
			ctx_store_error(c, rc);
			return;
		}
		login_form(c, 401, &f, generic);
		return;
	}
	char newhash[PW_HASH_LEN];
	int have_new = rehash && account_hash(c->db, f.v[LG_PASSWORD].s, newhash) == DB_OK;
	char newknown[TOKEN_B64_LEN] = "";
	enum db_rc rc = account_login_ok(c->db, u.id, email, have_new ? newhash : NULL, known, c->now,
					 c->req->ip, newknown, sign_in, c);
	if (rc != DB_OK) {
		resp_reset(c->resp); /* drop a cookie for a session that was rolled back */
		ctx_store_error(c, rc);
		return;
	}
	if (newknown[0])
		resp_known_cookie(c->resp, newknown, KNOWN_SECONDS);
	const char *next = local_path(f.v[LG_NEXT].s) ? f.v[LG_NEXT].s : "/";
	if (c->sess.mfa == SESS_MFA_PENDING) { /* issue 16: the code comes next */
		struct buf to = {0};
		buf_puts(&to, "/login/mfa?next=");
		form_encode(&to, next, "/");
		resp_redirect(c->resp, buf_str(&to));
		buf_free(&to);
		return;
	}
	resp_redirect(c->resp, next);
}

void page_logout(struct ctx *c)
{
	sess_delete(c->db, c->sess.hash);
	c->has_session = 0;
	c->signed_in = 0;
	resp_session_cookie(c->resp, "", 0);
	resp_redirect(c->resp, "/login");
}
