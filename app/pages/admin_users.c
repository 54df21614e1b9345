/* /admin/users: accounts, roles and deactivation. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "pages/ctx.h"
#include "pages/routes.h"
#include "store/users.h"

struct user_lines {
	struct ctx *c;
	struct vlist *l;
};

static void user_line(void *arg, const struct user_row *u)
{
	struct user_lines *lines = arg;
	struct vrow *r = view_row_new();
	view_row_int(r, u->id);
	view_row_str(r, u->name);
	view_row_str(r, u->email);
	view_row_str(r, u->role);
	time_t t = (time_t)u->last_login_at;
	char when[32] = "never";
	if (t) {
		struct tm tm;
		gmtime_r(&t, &tm);
		strftime(when, sizeof(when), "%Y-%m-%d %H:%M UTC", &tm);
	}
	view_row_str(r, when);
	view_row_int(r, u->active);
	view_row_int(r, u->id == lines->c->user.id);
	view_list_add(lines->l, r);
}

void page_admin_users(struct ctx *c)
{
	struct vlist *l = view_list_new();
	struct user_lines lines = {c, l};
	enum db_rc rc = user_each(c->db, 1000, user_line, &lines);
	view_list_set(ctx_view(c), "users", l); /* the view owns it, rendered or not */
	if (rc != DB_OK) {
		ctx_store_error(c, rc);
		return;
	}
	ctx_render(c, 200, "admin_users", "People");
}

static const char *const roles[] = {"member", "admin", NULL};
static const struct field_spec role_fields[] = {{"role", "Role", FT_CHOICE, 1, 0, 0, roles, 0}};

/* Shared by both actions: the change must not leave the program without
 * an active admin, checked inside the same write transaction. */
static void change(struct ctx *c, const char *role, int deactivate)
{
	int64_t id = c->req->ids[0];
	struct user u;
	enum db_rc rc = user_change(c->db, id, deactivate ? NULL : role, c->user.id, c->now, c->req->ip, &u);
	if (rc == DB_NOTFOUND) {
		ctx_error(c, 404, "There is no such account.");
		return;
	}
	if (rc == DB_CONFLICT) {
		ctx_flash(c, "Tandem needs at least one active admin: promote someone else first.");
		resp_redirect(c->resp, "/admin/users");
		return;
	}
	if (rc != DB_OK) {
		ctx_store_error(c, rc);
		return;
	}
	char msg[600];
	if (deactivate)
		snprintf(msg, sizeof(msg), "%s was deactivated and signed out everywhere.", u.name);
	else
		snprintf(msg, sizeof(msg), "%s is now %s %s.", u.name, strcmp(role, "admin") ? "a" : "an",
			 role);
	ctx_flash(c, msg);
	resp_redirect(c->resp, "/admin/users");
}

void page_admin_user_role(struct ctx *c)
{
	struct fields f;
	if (fields_read(role_fields, FIELDS(role_fields), &c->req->body, &f) != 0) {
		ctx_error(c, 400, "Choose member or admin.");
		return;
	}
	change(c, f.v[0].s, 0);
}

void page_admin_user_deactivate(struct ctx *c)
{
	struct fields f;
	if (fields_read(role_fields, 0, &c->req->body, &f) != 0) {
		ctx_error(c, 400, "This form takes no fields.");
		return;
	}
	change(c, "", 1);
}
