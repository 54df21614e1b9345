/* issue 16: my data. /account/data explains and links; GET
 * /account/export downloads everything about me that I may see, as JSON;
 * POST /account/delete erases my account (with my password) and signs me
 * out. */
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "pages/ctx.h"
#include "pages/routes.h"
#include "security/password.h"
#include "store/accounts.h"
#include "store/known.h"
#include "store/mydata.h"
#include "store/throttle.h"
#include "view/export.h"

static const struct field_spec delete_fields[] = {
	{"password", "password", FT_PASSWORD, 1, 0, 1024, NULL, 0},
};
#define NDELETE FIELDS(delete_fields)
enum { D_PASSWORD, D_COUNT };
_Static_assert(D_COUNT == NDELETE, "one name per field of delete_fields, in order");

static void show(struct ctx *c, int status, const struct fields *f)
{
	ctx_form_values(c, delete_fields, NDELETE, f);
	ctx_render(c, status, "mydata", "Your data");
}

void page_mydata(struct ctx *c)
{
	show(c, 200, NULL);
}

struct json_out {
	struct buf *out;
	size_t next; /* the first section not opened yet */
	int rows;    /* rows in the open section */
};

/* Close the open section and open the ones up to and including `name`. */
static int advance(struct json_out *j, const char *name)
{
	while (j->next < mydata_nsections) {
		if (j->next > 0)
			buf_puts(j->out, "],\n");
		export_json_str(j->out, mydata_sections[j->next]);
		buf_puts(j->out, ":[");
		j->rows = 0;
		if (name && strcmp(mydata_sections[j->next++], name) == 0)
			return 0;
	}
	return name ? -1 : 0;
}

static int json_row(void *arg, const char *section, const struct mydata_field *f, int n)
{
	struct json_out *j = arg;
	if ((j->next == 0 || strcmp(mydata_sections[j->next - 1], section) != 0) && advance(j, section) != 0)
		return -1;
	buf_puts(j->out, j->rows++ ? ",\n{" : "\n{");
	for (int i = 0; i < n; i++) {
		if (i)
			buf_puts(j->out, ",");
		export_json_str(j->out, f[i].name);
		buf_puts(j->out, ":");
		if (f[i].is_num)
			buf_printf(j->out, "%lld", (long long)f[i].num);
		else
			export_json_str(j->out, f[i].text);
	}
	buf_puts(j->out, "}");
	return j->out->oom ? -1 : 0;
}

void page_account_export(struct ctx *c)
{
	struct buf out = {0};
	struct json_out j = {.out = &out};
	buf_puts(&out, "{\n");
	enum db_rc rc = mydata_visit(c->db, c->user.id, json_row, &j);
	if (rc == DB_OK) {
		advance(&j, NULL);
		buf_puts(&out, "]\n}\n");
	}
	if (rc == DB_OK && !out.oom)
		rc = mydata_exported(c->db, c->user.id, c->now, c->req->ip);
	if (rc != DB_OK || out.oom) {
		sodium_memzero(out.data, out.cap);
		buf_free(&out);
		ctx_store_error(c, rc != DB_OK ? rc : DB_ERR);
		return;
	}
	buf_reset(&c->resp->body);
	buf_append(&c->resp->body, out.data, out.len);
	sodium_memzero(out.data, out.cap);
	buf_free(&out);
	c->resp->status = 200;
	c->resp->content_type = "application/json; charset=utf-8";
	resp_header(c->resp, "Content-Disposition", "attachment; filename=\"tandem-my-data.json\"");
	resp_header(c->resp, "Cache-Control", "no-store");
}

void page_account_delete(struct ctx *c)
{
	struct fields f;
	int st = fields_read(delete_fields, NDELETE, &c->req->body, &f);
	if (st == 400) {
		ctx_error(c, 400, "The form had fields Tandem does not know.");
		return;
	}
	if (f.nerr) {
		show(c, 422, &f);
		return;
	}
	/* As on the password form: throttled before argon2id, and failures
	 * from elsewhere never hold back a browser known for this account. */
	const char *known_cookie = form_get(&c->req->cookies, "__Host-known");
	int known = known_check(c->db, known_cookie, c->user.id, c->now);
	int64_t wait = throttle_wait(c->db, c->user.email, c->req->ip, c->now, known);
	if (wait > 0) {
		fields_fail(&f, D_PASSWORD, "Too many wrong passwords. Wait a few minutes, then try again.");
		show(c, 429, &f);
		return;
	}
	int rehash = 0;
	enum acct_rc p = account_verify(c->db, c->user.pw_hash, f.v[D_PASSWORD].s, &rehash);
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
		fields_fail(&f, D_PASSWORD, "That is not your password. Nothing was deleted.");
		show(c, 422, &f);
		return;
	}
	enum db_rc rc = account_erase(c->db, c->user.id, c->now, c->req->ip);
	if (rc == DB_CONFLICT) {
		fields_fail(&f, D_PASSWORD,
			    "You are the last admin: make someone else an admin first, then delete your "
			    "account.");
		show(c, 409, &f);
		return;
	}
	if (rc != DB_OK) {
		ctx_store_error(c, rc);
		return;
	}
	/* The session row went with the account: the cookie goes too. */
	c->has_session = 0;
	c->signed_in = 0;
	resp_session_cookie(c->resp, "", 0);
	resp_known_cookie(c->resp, "", 0);
	ctx_flash(c, "Your account was deleted. Thank you for taking part.");
	resp_redirect(c->resp, "/login");
}

void page_admin_user_reactivate(struct ctx *c)
{
	struct fields f;
	if (fields_read(delete_fields, 0, &c->req->body, &f) != 0) {
		ctx_error(c, 400, "This form takes no fields.");
		return;
	}
	enum db_rc rc = account_reactivate(c->db, c->req->ids[0], c->user.id, c->now, c->req->ip);
	if (rc == DB_NOTFOUND) {
		ctx_error(c, 404, "There is no deactivated account here to reactivate.");
		return;
	}
	if (rc != DB_OK) {
		ctx_store_error(c, rc);
		return;
	}
	ctx_flash(c, "The account was reactivated. Its mentorships stay ended; its person can ask again.");
	resp_redirect(c->resp, "/admin/users");
}
