/* GET /mentorships, GET /mentorships/{id}; complete, end early, plan. */
#include <stdio.h>
#include <string.h>

#include "core/when.h"
#include "pages/agenda.h"
#include "pages/celebrate.h"
#include "pages/ctx.h"
#include "pages/format.h"
#include "pages/mentorships.h"
#include "pages/relation.h"
#include "pages/routes.h"
#include "store/celebrations.h"
#include "store/mentorship_lists.h"
#include "store/mentorships.h"
#include "store/profiles.h"

static const char *status_text(const char *s)
{
	return strcmp(s, "active") == 0	     ? "Active"
	       : strcmp(s, "completed") == 0 ? "Completed"
					     : "Ended early";
}

static void ms_line(void *arg, const struct ms_row *m)
{
	struct vrow *r = view_row_new();
	view_row_int(r, m->id);
	view_row_str(r, m->i_mentor ? "mentor" : "mentee");
	view_row_str(r, m->other);
	view_row_str(r, m->topic);
	view_row_str(r, status_text(m->status));
	view_row_str(r, m->started_on);
	view_row_str(r, m->planned_end);
	view_row_int(r, m->done);
	view_row_int(r, m->weeks);
	view_list_add(arg, r);
}

/* The plan's weeks, rendered flat from _ms_week*.html (escaped values
 * only) into html: a {for} in CTPL copied each week's row for every one
 * of its dozen cells, a third of the page. */
#define PLAN_NOTE_MAX 300

/* What a form of the mentorship page sent and why it was refused, shown
 * back in that form (NULL members: nothing sent). */
struct ms_typed {
	const char *next_at, *next_err;
	const char *reason, *reason_err;
	int plan_week, plan_done;
	const char *plan_note, *plan_err;
};

struct plan_arg {
	struct view *row;
	struct buf html;
	int active, done, unopened, failed;
	const struct ms_typed *typed;
	int err_shown; /* the typed plan note's week had its form on the page */
};

static void plan_part(struct plan_arg *a, const char *name)
{
	if (view_render(a->row, name, &a->html) != 0)
		a->failed = 1;
}

static void plan_line(void *arg, const struct ms_week *w)
{
	struct plan_arg *a = arg;
	struct view *v = a->row;
	a->unopened |= w->unopened;
	a->done += w->done;
	view_int(v, "week", w->week);
	view_str(v, "title", w->title);
	view_str(v, "done_class", w->done == 1 ? "done" : "");
	view_str(v, "note", w->note);
	plan_part(a, "_ms_week");
	if (*w->note)
		plan_part(a, "_ms_week_note");
	buf_puts(&a->html, "\n");
	if (a->active) {
		const struct ms_typed *t = a->typed;
		if (t && t->plan_err && t->plan_week == w->week) {
			view_str(v, "checked", t->plan_done ? " checked" : "");
			view_str(v, "note", t->plan_note);
			view_str(v, "note_err", t->plan_err);
			plan_part(a, "_ms_week_form_err");
			a->err_shown = 1;
		} else {
			view_str(v, "checked", w->done == 1 ? " checked" : "");
			plan_part(a, "_ms_week_form");
		}
	}
	buf_puts(&a->html, "\n</li>\n");
}

/* A page of sessions, and where it stopped (the next page's cursor). */
struct session_lines {
	struct vlist *l;
	int64_t last_id;
	char last_on[16];
};

static void session_line(void *arg, const struct ms_session *s)
{
	struct session_lines *lines = arg;
	lines->last_id = s->id;
	snprintf(lines->last_on, sizeof(lines->last_on), "%s", s->held_on);
	struct vrow *r = view_row_new();
	view_row_int(r, s->id);
	view_row_str(r, s->held_on);
	view_row_str(r, kind_label(s->kind));
	view_row_int(r, s->duration_min);
	view_row_str(r, s->labels);
	view_list_add(lines->l, r);
}

/* Lists read by key, a page at a time (issue 15): 25 mentorships or 20
 * sessions stay far below 64 KB. */
#define MENTORSHIPS_PAGE 25
#define SESSIONS_PAGE 20

struct ms_lines {
	struct vlist *l;
	struct keyset last;
};

static void ms_page_line(void *arg, const struct ms_row *m)
{
	struct ms_lines *lines = arg;
	ms_line(lines->l, m);
	lines->last = (struct keyset){m->created_at, m->id};
}

enum { P_AT, P_ID, NPAGE };
int ms_of_asker(struct ctx *c, struct mentorship *m)
{
	enum db_rc got = ms_get_for(c->db, c->req->ids[0], c->user.id, m);
	if (got == DB_OK)
		return 0;
	if (got == DB_NOTFOUND)
		ctx_error(c, 404, "There is no mentorship at this address, or it is not yours to see.");
	else
		ctx_store_error(c, got);
	return -1;
}

static const struct field_spec page_fields[] = {
	[P_AT] = {"at", "Page", FT_INT, 0, 0, 9007199254740991L, NULL, 0},
	[P_ID] = {"id", "Page", FT_INT, 0, 1, 9007199254740991L, NULL, 0},
};

void page_mentorships(struct ctx *c)
{
	struct fields f;
	if (fields_read(page_fields, FIELDS(page_fields), &c->req->query, &f) != 0) {
		ctx_error(c, 400,
			  "That page of mentorships does not exist: follow the links on /mentorships.");
		return;
	}
	struct keyset after = {f.v[P_AT].present ? f.v[P_AT].i : 0, f.v[P_ID].present ? f.v[P_ID].i : 0};
	struct ms_lines lines = {view_list_new(), {0, 0}};
	int more = 0;
	struct view *v = ctx_view(c);
	enum db_rc rc = ms_page(c->db, c->user.id, &after, MENTORSHIPS_PAGE, ms_page_line, &lines, &more);
	view_int(v, "nmentorships", view_list_len(lines.l)); /* before the list is handed over */
	view_list_set(v, "mentorships", lines.l);
	if (rc != DB_OK) {
		ctx_store_error(c, rc);
		return;
	}
	view_int(v, "more", more);
	view_int(v, "paged", after.id != 0);
	view_int(v, "next_at", lines.last.at);
	view_int(v, "next_id", lines.last.id);
	ctx_render(c, 200, "mentorships", "Mentorships");
}

enum { S_ON, S_ID, NSESS };
static const struct field_spec sessions_fields[] = {
	[S_ON] = {"s_on", "Sessions page", FT_DATE, 0, 0, 0, NULL, 0},
	[S_ID] = {"s_id", "Sessions page", FT_INT, 0, 1, 9007199254740991L, NULL, 0},
};

/* Sets the NAME_max of this page's forms: their field tables come later
 * in this file, with their handlers. */
static void mentorship_limits(struct ctx *c);

/* The mentorship page with status; t: a form sent back (NULL: none). */
static void ms_show(struct ctx *c, int status, const struct ms_typed *t)
{
	struct fields q;
	if (fields_read(sessions_fields, FIELDS(sessions_fields), &c->req->query, &q) != 0) {
		ctx_error(c, 400,
			  "That page of sessions does not exist: follow the links on the mentorship.");
		return;
	}
	struct mentorship m;
	if (ms_of_asker(c, &m) != 0)
		return;
	struct view *v = ctx_view(c);
	int i_mentor = m.mentor_id == c->user.id;
	view_int(v, "id", m.id);
	view_int(v, "i_mentor", i_mentor);
	view_str(v, "other_name", i_mentor ? m.mentee_name : m.mentor_name);
	view_str(v, "mentor_name", m.mentor_name);
	view_str(v, "mentee_name", m.mentee_name);
	view_str(v, "topic", m.topic);
	view_str(v, "goal", m.goal);
	view_str(v, "format", format_label(m.format));
	view_str(v, "cadence", fmt_cadence(m.cadence));
	view_int(v, "duration_min", m.duration_min);
	view_int(v, "weeks", m.weeks);
	view_str(v, "started_on", m.started_on);
	view_str(v, "planned_end", m.planned_end);
	view_int(v, "active", strcmp(m.status, "active") == 0);
	view_str(v, "status_text", status_text(m.status));
	view_str(v, "outcome", m.outcome[0] ? fmt_outcome(m.outcome) : "");
	view_str(v, "end_reason", m.end_reason);
	struct plan_arg plan = {.row = view_new(), .active = strcmp(m.status, "active") == 0, .typed = t};
	if (!plan.row) {
		ctx_store_error(c, DB_ERR);
		return;
	}
	view_int(plan.row, "id", m.id);
	view_int(plan.row, "note_max", PLAN_NOTE_MAX);
	view_csrf(plan.row, c->csrf);
	ms_plan_each(c->db, m.id, plan_line, &plan);
	view_free(plan.row);
	int done = plan.done;
	view_trusted_html(v, "plan_html", buf_str(&plan.html));
	int plan_failed = plan.failed || plan.html.oom;
	buf_free(&plan.html);
	if (plan.unopened) {
		ctx_error(c, 500, "Part of this mentorship could not be read. The error was logged.");
		return;
	}
	if (plan_failed) {
		ctx_store_error(c, DB_ERR);
		return;
	}
	struct session_lines sl = {view_list_new(), 0, ""};
	int more = 0;
	enum db_rc rc = ms_sessions_page(c->db, m.id, q.v[S_ON].s, q.v[S_ID].present ? q.v[S_ID].i : 0,
					 SESSIONS_PAGE, session_line, &sl, &more);
	view_int(v, "nsessions", view_list_len(sl.l)); /* before the list is handed over */
	view_list_set(v, "sessions", sl.l);
	if (rc != DB_OK) {
		ctx_store_error(c, rc);
		return;
	}
	view_int(v, "sessions_more", more);
	view_int(v, "sessions_paged", *q.v[S_ON].s != '\0');
	view_str(v, "sessions_on", sl.last_on);
	view_int(v, "sessions_id", sl.last_id);
	/* The next planned session, in the viewer's own time zone. */
	char tz[64], shown[120] = "", input[32] = "";
	ctx_timezone(c, tz, sizeof(tz));
	int64_t next = ms_next_session(c->db, m.id, c->now);
	if (next) {
		when_format(next, tz, shown, sizeof(shown));
		when_input(next, tz, input, sizeof(input));
	}
	view_str(v, "next_shown", shown);
	view_str(v, "next_input", t && t->next_err ? t->next_at : input);
	view_str(v, "next_err", t && t->next_err ? t->next_err : "");
	view_str(v, "reason_typed", t && t->reason_err ? t->reason : "");
	view_str(v, "reason_err", t && t->reason_err ? t->reason_err : "");
	/* The form sent back, when its place left the page meanwhile (ended
	 * in an old tab, no such week): why, and what was typed, go on top. */
	const char *why = NULL, *kept = NULL;
	int inline_shown = plan.active;
	if (t && t->plan_err) {
		why = t->plan_err, kept = t->plan_note;
		inline_shown = plan.err_shown;
	} else if (t && t->reason_err) {
		why = t->reason_err, kept = t->reason;
	} else if (t && t->next_err) {
		why = t->next_err, kept = t->next_at;
	}
	view_str(v, "form_err", why && !inline_shown ? why : "");
	view_str(v, "form_kept", why && !inline_shown ? kept : "");
	view_str(v, "my_tz", tz);
	if (agenda_part(c, m.id) != 0 || relation_part(c, &m) != 0 || celebrate_part(c, &m) != 0) {
		ctx_error(c, 500, "Part of this mentorship could not be read. The error was logged.");
		return;
	}
	view_int(v, "done", done);
	view_int(v, "progress", m.weeks ? done * 100 / m.weeks : 0);
	char title[500];
	snprintf(title, sizeof(title), "Mentorship: %s", m.topic);
	mentorship_limits(c);
	ctx_render(c, status, "mentorship", title);
}

void page_mentorship(struct ctx *c)
{
	ms_show(c, 200, NULL);
}

static const char *const outcomes[] = {"goal_met", "partly", "not_met", NULL};
static const struct field_spec complete_fields[] = {
	{"outcome", "Outcome", FT_CHOICE, 1, 0, 0, outcomes, 0},
	/* issue 19: the celebration and the mentee's thank-you note */
	{"thanks", "Thank-you note", FT_TEXT, 0, 0, THANKS_MAX, NULL, 0},
	{"celebrate", "Celebrate", FT_FLAG, 0, 0, 0, NULL, 0},
	{"thanks_public", "Show on the program page", FT_FLAG, 0, 0, 0, NULL, 0},
};
static const struct field_spec end_fields[] = {{"reason", "Reason", FT_TEXT, 1, 3, 1000, NULL, 0}};
enum { C_OUTCOME, C_THANKS, C_CELEBRATE, C_PUBLIC, C_COUNT };
_Static_assert(C_COUNT == FIELDS(complete_fields), "one name per field of complete_fields, in order");
enum { E_REASON };
static const struct field_spec plan_fields[] = {
	{"done", "Done", FT_FLAG, 0, 0, 0, NULL, 0},
	{"note", "Note", FT_LINE, 0, 0, PLAN_NOTE_MAX, NULL, 0},
};
enum { P_DONE, P_NOTE, P_COUNT };
_Static_assert(P_COUNT == FIELDS(plan_fields), "one name per field of plan_fields, in order");

static void finished(struct ctx *c, enum req_rc r, const char *flash)
{
	if (db_failed(r)) {
		ctx_store_error(c, r);
	} else if (r == REQ_NOTFOUND) {
		ctx_error(c, 404, "There is no mentorship at this address, or it is not yours to see.");
	} else if (r == REQ_NOT_PENDING) {
		ctx_error(c, 409, "This mentorship has already ended.");
	} else {
		ctx_flash(c, flash);
		char loc[64];
		snprintf(loc, sizeof(loc), "/mentorships/%lld", (long long)c->req->ids[0]);
		resp_redirect(c->resp, loc);
	}
}

void page_mentorship_complete(struct ctx *c)
{
	struct fields f;
	int st = fields_read(complete_fields, FIELDS(complete_fields), &c->req->body, &f);
	/* Check the pair first: a stranger learns nothing from a 400 or 422. */
	struct mentorship m;
	if (ms_of_asker(c, &m) != 0)
		return;
	if (st == 400) {
		ctx_error(c, 400, "Choose how it went: goal met, partly, or not met.");
		return;
	}
	int i_mentor = m.mentor_id == c->user.id;
	if (i_mentor && *f.v[C_THANKS].s) {
		fields_fail(&f, C_THANKS, "The thank-you note is your mentee's to write; you can celebrate.");
		st = 422;
	}
	if (st == 422) {
		if (!f.v[C_OUTCOME].present)
			fields_fail(&f, C_OUTCOME, "Choose how it went: goal met, partly, or not met.");
		struct finish_form ff = {.completing = 1,
					 .thanks = f.v[C_THANKS].s,
					 .thanks_err = f.err[C_THANKS],
					 .outcome = f.v[C_OUTCOME].s,
					 .outcome_err = f.err[C_OUTCOME],
					 .thanks_public = (int)f.v[C_PUBLIC].i,
					 .celebrate = (int)f.v[C_CELEBRATE].i,
					 .errors = f.nerr};
		celebrate_finish_form(c, &m, 422, &ff);
		return;
	}
	struct ms_recognition rec = {(int)f.v[C_CELEBRATE].i, f.v[C_THANKS].s, (int)f.v[C_PUBLIC].i};
	enum req_rc r =
		ms_finish(c->db, c->req->ids[0], c->user.id, "completed", f.v[C_OUTCOME].s, "", &rec, c->now);
	finished(c, r,
		 rec.celebrate
			 ? "Mentorship completed. Thank you both! Your celebration shows on the program "
			   "page once you both agree."
			 : "Mentorship completed. Thank you both!");
}

void page_mentorship_end(struct ctx *c)
{
	struct fields f;
	int st = fields_read(end_fields, FIELDS(end_fields), &c->req->body, &f);
	struct mentorship m;
	if (ms_of_asker(c, &m) != 0)
		return;
	if (st == 400) {
		ctx_error(c, 400, "The form had fields Tandem does not know. Nothing was changed.");
		return;
	}
	if (st) {
		struct ms_typed t = {
			.reason = f.v[E_REASON].s,
			.reason_err = "Say in a few words why the mentorship ends early (3 to 1,000 "
				      "characters). Nothing was changed.",
		};
		ms_show(c, 422, &t);
		return;
	}
	enum req_rc r = ms_finish(c->db, c->req->ids[0], c->user.id, "ended_early", NULL, f.v[E_REASON].s,
				  NULL, c->now);
	finished(c, r, "Mentorship ended. Thank you for saying why.");
}

void page_mentorship_plan(struct ctx *c)
{
	struct fields f;
	int st = fields_read(plan_fields, FIELDS(plan_fields), &c->req->body, &f);
	struct mentorship m;
	if (ms_of_asker(c, &m) != 0)
		return;
	if (st == 400) {
		ctx_error(c, 400, "The form had fields Tandem does not know. Nothing was changed.");
		return;
	}
	if (st) {
		struct ms_typed t = {
			.plan_week = (int)c->req->ids[1],
			.plan_done = (int)f.v[P_DONE].i,
			.plan_note = f.v[P_NOTE].s,
			.plan_err = "A plan note is one line of at most 300 characters. Nothing was changed.",
		};
		ms_show(c, 422, &t);
		return;
	}
	enum req_rc r = ms_plan_update(c->db, c->req->ids[0], c->user.id, (int)c->req->ids[1],
				       (int)f.v[P_DONE].i, f.v[P_NOTE].s);
	finished(c, r, "Plan updated.");
}

static const struct field_spec next_fields[] = {{"next_at", "Next session", FT_LINE, 0, 0, 16, NULL, 0}};
enum { N_NEXT_AT };

void page_mentorship_next(struct ctx *c)
{
	struct fields f;
	int st = fields_read(next_fields, FIELDS(next_fields), &c->req->body, &f);
	struct mentorship m;
	if (ms_of_asker(c, &m) != 0)
		return;
	char tz[64];
	ctx_timezone(c, tz, sizeof(tz));
	int64_t at = *f.v[N_NEXT_AT].s ? when_parse_typed(f.v[N_NEXT_AT].s, tz) : 0;
	if (st == 400) {
		ctx_error(c, 400, "The form had fields Tandem does not know. Nothing was changed.");
		return;
	}
	if (st || at < 0 || (at && at <= c->now)) {
		struct ms_typed t = {
			.next_at = f.v[N_NEXT_AT].s,
			.next_err = "Choose a date and time in the future for the next session (or clear "
				    "it). Nothing was changed.",
		};
		ms_show(c, 422, &t);
		return;
	}
	enum db_rc rc = ms_set_next_session(c->db, m.id, c->user.id, at, c->now);
	if (rc != DB_OK) {
		ctx_store_error(c, rc);
		return;
	}
	ctx_flash(c,
		  at ? "Next session planned. It shows on both your dashboards." : "Next session cleared.");
	char loc[64];
	snprintf(loc, sizeof(loc), "/mentorships/%lld", (long long)m.id);
	resp_redirect(c->resp, loc);
}

static void mentorship_limits(struct ctx *c)
{
	ctx_field_limits(c, plan_fields, FIELDS(plan_fields));
	ctx_field_limits(c, end_fields, FIELDS(end_fields));
}
