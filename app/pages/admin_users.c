/* /admin (the program overview) and /admin/users: accounts, roles and
 * deactivation. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "pages/ctx.h"
#include "pages/routes.h"
#include "pages/format.h"
#include "store/kept.h"
#include "store/outbox.h"
#include "store/ratings.h"
#include "store/users.h"
#include "store/relation.h"

static const char *const roles[] = {"member", "admin", NULL};

/* 50 a page: with two forms a row, a page stays far below 64 KB. */
#define USERS_PAGE 50

enum { Q_SEARCH, Q_ROLE, Q_AFTER, Q_NAME, NQUERY };
static const struct field_spec list_fields[] = {
	[Q_SEARCH] = {"q", "Search", FT_LINE, 0, 0, 100, NULL, 0},
	[Q_ROLE] = {"role", "Role", FT_CHOICE, 0, 0, 0, roles, 0},
	[Q_AFTER] = {"after", "After", FT_INT, 0, 1, 9007199254740991L, NULL, 0},
	[Q_NAME] = {"an", "After name", FT_LINE, 0, 0, 400, NULL, 0},
};

struct user_lines {
	struct ctx *c;
	struct view *row; /* one environment for every row: each value pushed over the last */
	struct buf html;  /* the rows rendered so far */
	int rows, failed;
	int64_t last_id;
	char last_name[400];
};

/* Each row is rendered from _admin_user_row.html with plain names (all
 * escaped by view_str), not through a {for} over a list: CTPL copies a
 * whole row at every {u[i]}, and with 50 rows of two forms that copying
 * was most of the page's time (perf: g_slice_alloc/ctpl_value_copy). */
static void user_line(void *arg, const struct user_row *u)
{
	struct user_lines *lines = arg;
	struct view *v = lines->row;
	view_int(v, "id", u->id);
	view_str(v, "name", u->name);
	view_str(v, "email", u->email);
	view_str(v, "role", u->role);
	time_t t = (time_t)u->last_login_at;
	char when[32] = "never";
	if (t) {
		struct tm tm;
		gmtime_r(&t, &tm);
		strftime(when, sizeof(when), "%Y-%m-%d %H:%M UTC", &tm);
	}
	view_str(v, "when", when);
	/* Two row templates with no condition in them: CTPL's {if} costs a
	 * value copy per comparison, fifty rows a page. */
	int actions = u->active && u->id != lines->c->user.id;
	int admin = strcmp(u->role, "admin") == 0;
	view_str(v, "status", u->active ? "active" : "deactivated");
	view_str(v, "note", u->id == lines->c->user.id ? "you" : "");
	view_str(v, "new_role", admin ? "member" : "admin");
	view_str(v, "role_button", admin ? "Make member" : "Make admin");
	/* issue 16: a deactivated account (not an erased one) can come back. */
	/* store/mydata.c gives an erased account exactly this address, which
	 * no one can sign up with (".invalid" is reserved, RFC 2606). */
	char gone[48];
	snprintf(gone, sizeof(gone), "erased-%lld@invalid", (long long)u->id);
	int erased = strcmp(u->email, gone) == 0;
	const char *tpl = actions						? "_admin_user_row"
			  : !u->active && u->id != lines->c->user.id && !erased ? "_admin_user_row_inactive"
										: "_admin_user_row_plain";
	if (view_render(v, tpl, &lines->html) != 0)
		lines->failed = 1;
	lines->rows++;
	lines->last_id = u->id;
	snprintf(lines->last_name, sizeof(lines->last_name), "%s", u->key ? u->key : "");
}

void page_admin_users(struct ctx *c)
{
	struct fields f;
	if (fields_read(list_fields, FIELDS(list_fields), &c->req->query, &f) != 0) {
		ctx_error(c, 400,
			  "That list of people takes a search (at most 100 characters), a role "
			  "(member or admin) and a page link; something else was sent.");
		return;
	}
	struct view *v = ctx_view(c);
	struct user_lines lines = {.c = c, .row = view_new()};
	if (!lines.row) {
		ctx_error(c, 500, "Tandem ran out of memory for this page. Try again.");
		return;
	}
	view_csrf(lines.row, c->csrf);
	struct user_query q = {
		.search = f.v[Q_SEARCH].s,
		.role = f.v[Q_ROLE].s,
		.after_name = f.v[Q_NAME].s,
		.after_id = f.v[Q_AFTER].present ? f.v[Q_AFTER].i : 0,
	};
	int more = 0;
	enum db_rc rc = user_page(c->db, &q, USERS_PAGE, user_line, &lines, &more);
	view_free(lines.row);
	if (rc != DB_OK || lines.failed || lines.html.oom) {
		buf_free(&lines.html);
		if (rc != DB_OK)
			ctx_store_error(c, rc);
		else
			ctx_error(c, 500, "This list could not be shown. The error was logged.");
		return;
	}
	ctx_field_limits(c, list_fields, FIELDS(list_fields));
	view_str(v, "q", q.search);
	view_url(v, "q_url", q.search);
	view_str(v, "role", q.role);
	view_int(v, "first_page", q.after_id == 0);
	view_int(v, "more", more);
	view_int(v, "shown", lines.rows);
	view_int(v, "next_id", lines.last_id);
	view_url(v, "next_name", lines.last_name);
	/* Rows rendered above from escaped values only, hence trusted. */
	ctx_render_slot(c, 200, "admin_users", "People", buf_str(&lines.html));
	buf_free(&lines.html);
}

/* /admin: every figure is read from kept_counts (store/kept.h), so the
 * page costs the same at any size; open requests are counted at most
 * once a minute per worker and say when. */
void page_admin_overview(struct ctx *c)
{
	struct view *v = ctx_view(c);
	struct kept_overview o;
	enum db_rc rc = kept_overview(c->db, c->now, &o);
	if (rc != DB_OK) {
		ctx_store_error(c, rc);
		return;
	}
	view_int(v, "members", o.members);
	view_int(v, "admins", o.admins);
	view_int(v, "mentors", o.mentors);
	view_int(v, "active_ms", o.active_ms);
	/* issue 21: pairs with no session for four weeks (a count, never what they wrote). */
	char cutoff[11];
	time_t quiet = (time_t)(c->now - (int64_t)REL_STALLED_DAYS * 86400);
	struct tm tm;
	gmtime_r(&quiet, &tm);
	strftime(cutoff, sizeof(cutoff), "%Y-%m-%d", &tm);
	view_int(v, "stalled_ms", rel_stalled_count(c->db, cutoff));
	view_int(v, "done_ms", o.done_ms);
	view_int(v, "sessions_logged", o.sessions);
	view_int(v, "sessions_month", o.sessions_month);
	/* Review H: fewer than k open requests are "fewer than k", with no
	 * median wait: 1 open request "waiting 5 hours", then 0 and a new
	 * pair on /admin/pairs, told the admin one mentor's answer time to
	 * one named mentee (the insights give no answer time below k). */
	char med[40] = "—", as_of[16] = "", open[32];
	int few = o.open_requests < c->cfg->survey_k;
	if (!few)
		fmt_duration(o.median_wait, med, sizeof(med));
	if (few)
		snprintf(open, sizeof(open), "< %d", c->cfg->survey_k);
	else
		snprintf(open, sizeof(open), "%lld", (long long)o.open_requests);
	if (o.open_as_of) {
		time_t t = (time_t)o.open_as_of;
		struct tm tm;
		gmtime_r(&t, &tm);
		strftime(as_of, sizeof(as_of), "%H:%M UTC", &tm);
	}
	view_str(v, "open_requests", open);
	view_int(v, "open_few", few);
	view_str(v, "median_wait", med);
	view_str(v, "open_as_of", as_of);
	char rate[16] = "—";
	if (o.survey_invited)
		snprintf(rate, sizeof(rate), "%lld%%",
			 (long long)(100 * o.survey_answered / o.survey_invited));
	view_str(v, "survey_rate", rate);
	view_int(v, "survey_invited", o.survey_invited);
	/* Given up after every retry; the SMTP replies are in the log. */
	view_int(v, "mail_failed", outbox_failed_count(c->db));
	/* Ratings reach admins only as an average that moves in steps of k
	 * forms (store/ratings.h): one new form never moves it, so the
	 * difference of two views tells nothing about one person. */
	struct rating_figures rf;
	char avg[32] = "";
	if (ratings_shown(c->db, &rf) != DB_OK)
		rf.forms = rf.shown_forms = 0;
	if (rf.shown_forms)
		snprintf(avg, sizeof(avg), "%.1f", rf.average);
	view_int(v, "rated_forms", rf.shown_forms);
	view_int(v, "rating_step", c->cfg->survey_k);
	view_str(v, "avg_rating", avg);
	ctx_render(c, 200, "admin", "Program overview");
}

static const struct field_spec role_fields[] = {{"role", "Role", FT_CHOICE, 1, 0, 0, roles, 0}};
enum { R_ROLE };

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
	change(c, f.v[R_ROLE].s, 0);
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
