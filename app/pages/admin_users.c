/* /admin/users: accounts, roles and deactivation. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "pages/ctx.h"
#include "pages/routes.h"
#include "store/audit.h"

void page_admin_users(struct ctx *c)
{
	sqlite3_stmt *st = DB_STMT(c->db, "SELECT id, display_name, email, role, "
					  "coalesce(last_login_at, 0), active FROM users ORDER BY "
					  "active DESC, display_name COLLATE NOCASE LIMIT 1000");
	if (!st) {
		ctx_store_error(c, DB_ERR);
		return;
	}
	struct vlist *l = view_list_new();
	while (sqlite3_step(st) == SQLITE_ROW) {
		struct vrow *r = view_row_new();
		view_row_int(r, sqlite3_column_int64(st, 0));
		view_row_str(r, (const char *)sqlite3_column_text(st, 1));
		view_row_str(r, (const char *)sqlite3_column_text(st, 2));
		view_row_str(r, (const char *)sqlite3_column_text(st, 3));
		time_t t = (time_t)sqlite3_column_int64(st, 4);
		char when[32] = "never";
		if (t) {
			struct tm tm;
			gmtime_r(&t, &tm);
			strftime(when, sizeof(when), "%Y-%m-%d %H:%M UTC", &tm);
		}
		view_row_str(r, when);
		view_row_int(r, sqlite3_column_int(st, 5));
		view_row_int(r, sqlite3_column_int64(st, 0) == c->user.id);
		view_list_add(l, r);
	}
	sqlite3_reset(st);
	view_list_set(ctx_view(c), "users", l);
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
	enum db_rc rc = db_begin(c->db);
	if (rc != DB_OK) {
		ctx_store_error(c, rc);
		return;
	}
	if (user_by_id(c->db, id, &u) != DB_OK) {
		db_rollback(c->db);
		ctx_error(c, 404, "There is no such account.");
		return;
	}
	int removes_admin =
		strcmp(u.role, "admin") == 0 && u.active && (deactivate || strcmp(role, "admin") != 0);
	if (removes_admin && user_active_admins(c->db) <= 1) {
		db_rollback(c->db);
		ctx_flash(c, "Tandem needs at least one active admin: promote someone else first.");
		resp_redirect(c->resp, "/admin/users");
		return;
	}
	rc = deactivate ? user_deactivate(c->db, id) : user_set_role(c->db, id, role);
	if (rc == DB_OK)
		rc = audit_add(c->db, c->now, deactivate ? "user_deactivated" : "role_changed", c->user.id,
			       id, c->req->ip, deactivate ? NULL : role);
	rc = db_end(c->db, rc);
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
