/* /admin/teams: the list of teams survey reports use. */
#include <stdio.h>

#include "pages/ctx.h"
#include "pages/routes.h"
#include "store/teams.h"

#define TEAMS_MAX 1000

enum { F_NAME, NTEAM_FIELDS };
static const struct field_spec team_fields[] = {
	[F_NAME] = {"name", "Team", FT_LINE, 1, 1, 60, NULL, 0},
};

static void add_row(void *arg, int64_t id, const char *name)
{
	struct vrow *r = view_row_new();
	view_row_int(r, id);
	view_row_str(r, name);
	view_list_add(arg, r);
}

static void show(struct ctx *c, int status, const struct fields *f)
{
	struct vlist *l = view_list_new();
	enum db_rc rc = teams_each(c->db, TEAMS_MAX, add_row, l);
	if (rc != DB_OK) {
		view_list_set(ctx_view(c), "teams", l);
		ctx_store_error(c, rc);
		return;
	}
	struct view *v = ctx_view(c);
	view_list_set(v, "teams", l);
	ctx_form_values(c, team_fields, NTEAM_FIELDS, f);
	ctx_render(c, status, "admin_teams", "Teams");
}

void page_admin_teams(struct ctx *c)
{
	show(c, 200, NULL);
}

void page_admin_team_add(struct ctx *c)
{
	struct fields f;
	int st = fields_read(team_fields, NTEAM_FIELDS, &c->req->body, &f);
	if (st == 400) {
		ctx_error(c, 400, "The form had fields Tandem does not know.");
		return;
	}
	if (st == 422) {
		show(c, 422, &f);
		return;
	}
	enum db_rc rc = teams_add(c->db, f.v[F_NAME].s, c->user.id, c->now, c->req->ip);
	if (rc == DB_CONFLICT) {
		fields_fail(&f, F_NAME, "This team is on the list already.");
		show(c, 422, &f);
		return;
	}
	if (rc != DB_OK) {
		ctx_store_error(c, rc);
		return;
	}
	ctx_flash(c, "Team added. Profiles whose team has this name are counted in it from now on.");
	resp_redirect(c->resp, "/admin/teams");
}

void page_admin_team_remove(struct ctx *c)
{
	struct fields f;
	if (fields_read(team_fields, 0, &c->req->body, &f) != 0) {
		ctx_error(c, 400, "This form takes no fields.");
		return;
	}
	enum db_rc rc = teams_remove(c->db, c->req->ids[0], c->user.id, c->now, c->req->ip);
	if (rc == DB_NOTFOUND) {
		ctx_error(c, 404, "There is no such team.");
		return;
	}
	if (rc != DB_OK) {
		ctx_store_error(c, rc);
		return;
	}
	ctx_flash(c, "Team removed. New answers from its members count as \"other\".");
	resp_redirect(c->resp, "/admin/teams");
}
