/* /account/password: change the password, optionally ending other sessions. */
#include <string.h>

#include "pages/ctx.h"
#include "pages/routes.h"
#include "security/password.h"
#include "store/accounts.h"
#include "store/known.h"
#include "store/throttle.h"

static const struct field_spec pw_fields[] = {
	{"current_password", "current password", FT_PASSWORD, 1, 0, 1024, NULL, 0},
	{"new_password", "new password", FT_PASSWORD, 1, 0, 0, NULL, 0},
	{"new_password_confirm", "new password confirmation", FT_PASSWORD, 1, 0, 0, NULL, 0},
	{"logout_others", "Sign out other sessions", FT_FLAG, 0, 0, 0, NULL, 0},
};
#define NPW FIELDS(pw_fields)
enum { P_CURRENT, P_NEW, P_CONFIRM, P_LOGOUT_OTHERS, P_COUNT };
_Static_assert(P_COUNT == NPW, "one name per field of pw_fields, in order");

static void show(struct ctx *c, int status, const struct fields *f)
{
	ctx_form_values(c, pw_fields, NPW, f);
	view_int(ctx_view(c), "logout_others_checked", f ? f->v[3].i : 1);
	ctx_render(c, status, "password", "Change your password");
}

/* The new session, inside the store's transaction (account_then_fn). */
static enum db_rc sign_in(void *arg, int64_t user_id)
{
	return ctx_sign_in(arg, user_id);
}

void page_password_form(struct ctx *c)
{
	show(c, 200, NULL);
}

void page_password(struct ctx *c)
{
	struct fields f;
	int st = fields_read(pw_fields, NPW, &c->req->body, &f);
	if (st == 400) {
		ctx_error(c, 400, "The form had fields Tandem does not know.");
		return;
	}
	if (f.nerr) {
		show(c, 422, &f);
		return;
	}
	/* As at sign-in: failures from elsewhere never hold back a browser
	 * known for this account (store/known.h). */
	const char *known_cookie = form_get(&c->req->cookies, "__Host-known");
	int known = known_check(c->db, known_cookie, c->user.id, c->now);
	int64_t wait = throttle_wait(c->db, c->user.email, c->req->ip, c->now, known);
	if (wait > 0) {
		fields_fail(&f, 0, "Too many wrong passwords. Wait a few minutes, then try again.");
		show(c, 429, &f);
		return;
	}
	int rehash = 0;
	enum acct_rc p = account_verify(c->db, c->user.pw_hash, f.v[P_CURRENT].s, &rehash);
	if (db_failed(p)) {
		ctx_error(c, 503, "Tandem is busy. Please try again in a moment.");
		return;
	}
	if (p == ACCT_WRONG) {
		enum db_rc rc = account_password_wrong(c->db, c->user.email, c->req->ip, c->now,
						       known ? known_cookie : NULL, c->user.id);
		if (rc != DB_OK) {
			ctx_store_error(c, rc);
			return;
		}
		fields_fail(&f, 0, "Your current password is not right.");
		show(c, 422, &f);
		return;
	}
	const char *why = pw_policy(f.v[P_NEW].s, c->user.email);
	if (why)
		fields_fail(&f, 1, why);
	else if (strcmp(f.v[P_NEW].s, f.v[P_CONFIRM].s) != 0)
		fields_fail(&f, 2, "The two new passwords are not the same.");
	if (f.nerr) {
		show(c, 422, &f);
		return;
	}
	char hash[PW_HASH_LEN];
	if (account_hash(c->db, f.v[P_NEW].s, hash) != DB_OK) {
		ctx_error(c, 503, "Tandem is busy. Please try again in a moment.");
		return;
	}
	/* A new token after a credential change, like after sign-in. */
	enum db_rc rc =
		account_password_set(c->db, c->user.id, hash, (int)f.v[P_LOGOUT_OTHERS].i, c->sess.hash,
				     known ? known_cookie : NULL, c->now, c->req->ip, sign_in, c);
	if (rc != DB_OK) {
		resp_reset(c->resp);
		ctx_store_error(c, rc);
		return;
	}
	ctx_flash(c, f.v[P_LOGOUT_OTHERS].i ? "Password changed. Your other sessions were signed out."
					    : "Password changed.");
	resp_redirect(c->resp, "/");
}
