/* Issue 21, a mentorship that moves: its part of the mentorship page
 * (goals over time, proposals, how to reach each other, where they meet,
 * follow-ups, the right tip), POST /mentorships/{id}/changes (+ accept,
 * decline), /continue (+ accept), /where, /follow-ups, the dashboard's
 * lines about quiet pairs, and GET /admin/pairs. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/utf8.h"
#include "core/when.h"
#include "pages/ctx.h"
#include "pages/mentorships.h"
#include "pages/format.h"
#include "pages/relation.h"
#include "pages/routes.h"
#include "store/mentorships.h"
#include "store/relation.h"

static const char not_yours[] = "There is no mentorship at this address, or it is not yours to see.";

static const char *const cadences[] = {"weekly", "biweekly", "monthly", NULL};
static const char *const lengths[] = {"20", "30", "45", "60", "90", NULL};

static const struct field_spec change_fields[] = {
	{"goal", "New goal", FT_TEXT, 0, 0, 1000, NULL, 0},
	{"weeks", "Weeks in all", FT_INT, 1, 1, 52, NULL, 0},
	{"reason", "Why", FT_TEXT, 1, 3, 1000, NULL, 0},
};
enum { CH_GOAL, CH_WEEKS, CH_REASON };

static const struct field_spec continue_fields[] = {
	{"goal", "Goal", FT_TEXT, 1, 20, 1000, NULL, 0},
	{"cadence", "How often", FT_CHOICE, 1, 0, 0, cadences, 0},
	{"duration_min", "Session length", FT_CHOICE, 1, 0, 0, lengths, 0},
	{"weeks", "Weeks", FT_INT, 1, 1, 52, NULL, 0},
};
enum { CO_GOAL, CO_CADENCE, CO_LEN, CO_WEEKS };

static const struct field_spec where_fields[] = {
	{"where", "Where you meet", FT_LINE, 0, 0, REL_WHERE_MAX, NULL, 0},
};
static const struct field_spec follow_fields[] = {
	{"body", "Follow-up", FT_TEXT, 1, 3, 2000, NULL, 0},
};
static const struct field_spec no_fields[] = {{"x", "x", FT_FLAG, 0, 0, 0, NULL, 0}};

/* The UTC day of t, as the mentorship's dates are kept. */
static void day_of(int64_t t, char out[11])
{
	time_t tt = (time_t)t;
	struct tm tm;
	gmtime_r(&tt, &tm);
	strftime(out, 11, "%Y-%m-%d", &tm);
}

struct hist_arg {
	struct ctx *c;
	const struct mentorship *m;
	struct vlist *goals, *changes;
	int64_t pending_id, pending_continue_id;
	int pending_mine, unopened;
};

static void change_line(void *arg, const struct rel_change *ch)
{
	struct hist_arg *a = arg;
	a->unopened |= ch->unopened;
	char day[11], answered[11] = "";
	day_of(ch->created_at, day);
	if (ch->answered_at)
		day_of(ch->answered_at, answered);
	int is_continue = strcmp(ch->kind, "continue") == 0;
	if (strcmp(ch->status, "accepted") == 0 && *ch->goal) {
		struct vrow *g = view_row_new();
		view_row_str(g, answered);
		view_row_str(g, ch->goal);
		view_list_add(a->goals, g);
	}
	if (strcmp(ch->status, "pending") == 0) {
		a->pending_id = ch->id;
		if (is_continue)
			a->pending_continue_id = ch->id;
		a->pending_mine = ch->proposed_by == a->c->user.id;
	}
	struct vrow *r = view_row_new();
	view_row_int(r, ch->id);
	view_row_str(r, day);
	view_row_str(r, is_continue ? "Continue as a mentorship" : "Change");
	view_row_str(r, ch->goal);
	view_row_int(r, ch->weeks);
	view_row_str(r, ch->reason);
	view_row_str(r, ch->status);
	view_row_str(r, strcmp(ch->status, "pending") == 0    ? "Waiting for an answer"
			: strcmp(ch->status, "accepted") == 0 ? "Accepted"
							      : "Declined");
	view_row_str(r, answered);
	view_row_str(r, is_continue ? fmt_cadence(ch->cadence) : "");
	view_row_int(r, ch->duration_min);
	/* May I answer it? A change: the mentor; a continue: the other one. */
	int mine_to_answer =
		strcmp(ch->status, "pending") == 0 &&
		(is_continue ? ch->proposed_by != a->c->user.id : a->m->mentor_id == a->c->user.id);
	view_row_int(r, mine_to_answer);
	view_list_add(a->changes, r);
}

struct follow_arg {
	struct ctx *c;
	const struct mentorship *m;
	struct vlist *l;
	int unopened;
};

static void follow_line(void *arg, const struct rel_follow_up *f)
{
	struct follow_arg *a = arg;
	a->unopened |= f->unopened;
	char day[11];
	day_of(f->created_at, day);
	struct vrow *r = view_row_new();
	view_row_str(r, day);
	view_row_str(r, f->author_id == a->m->mentor_id ? a->m->mentor_name : a->m->mentee_name);
	view_row_str(r, f->body);
	view_list_add(a->l, r);
}

int relation_part(struct ctx *c, const struct mentorship *m)
{
	struct view *v = ctx_view(c);
	int i_mentor = m->mentor_id == c->user.id;
	int active = strcmp(m->status, "active") == 0, single = strcmp(m->kind, "single") == 0;
	view_int(v, "single", single);
	view_int(v, "held", single && strcmp(m->status, "completed") == 0);
	/* The goals over time: the request's first, then each accepted one. */
	struct hist_arg h = {c, m, view_list_new(), view_list_new(), 0, 0, 0, 0};
	char first[11];
	day_of(m->created_at, first);
	struct vrow *g = view_row_new();
	view_row_str(g, first);
	view_row_str(g, m->request_goal);
	view_list_add(h.goals, g);
	enum db_rc rc = rel_changes_each(c->db, m->id, c->user.id, change_line, &h);
	/* Counted before view_list_set, which frees the list it copies. */
	view_int(v, "ngoals", view_list_len(h.goals));
	view_list_set(v, "goals", h.goals);
	view_int(v, "nchanges", view_list_len(h.changes));
	view_list_set(v, "changes", h.changes);
	view_int(v, "pending_change", h.pending_id);
	view_int(v, "pending_continue", h.pending_continue_id);
	view_int(v, "pending_mine", h.pending_mine);
	/* How to reach each other, once the request was accepted. */
	struct rel_contact who = {0};
	if (rc == DB_OK)
		rc = rel_contact_of(c->db, m->id, c->user.id, &who);
	char local[120] = "";
	if (rc == DB_OK)
		when_format(c->now, who.timezone, local, sizeof(local));
	view_str(v, "other_email", who.email);
	view_str(v, "other_tz", who.timezone);
	view_str(v, "other_local", local);
	view_str(v, "meet_where", m->meet_where);
	view_int(v, "where_is_link",
		 strncmp(m->meet_where, "https://", 8) == 0 || strncmp(m->meet_where, "http://", 7) == 0);
	/* The state that asks something of the pair. */
	char today[11], cutoff[11];
	day_of(c->now, today);
	day_of(c->now - (int64_t)REL_STALLED_DAYS * 86400, cutoff);
	const char *quiet = *m->last_session_on ? m->last_session_on : m->started_on;
	view_int(v, "past_end", active && strcmp(m->planned_end, today) < 0);
	view_int(v, "stalled", active && strcmp(quiet, cutoff) <= 0);
	view_str(v, "last_session_on", m->last_session_on);
	view_int(v, "first_session", active && !*m->last_session_on);
	/* A mentee whose goal was met is invited to offer the topic. */
	view_int(v, "invite_mentor", !i_mentor && strcmp(m->outcome, "goal_met") == 0);
	view_url(v, "topic_url", m->topic);
	struct follow_arg fa = {c, m, view_list_new(), 0};
	if (rc == DB_OK)
		rc = rel_follow_ups_each(c->db, m->id, c->user.id, follow_line, &fa);
	view_int(v, "nfollow_ups", view_list_len(fa.l));
	view_list_set(v, "follow_ups", fa.l);
	/* The forms' defaults. */
	view_int(v, "change_weeks", m->weeks);
	view_str(v, "cadence", "weekly");
	view_str(v, "duration_min", "45");
	ctx_field_limits(c, change_fields, FIELDS(change_fields));
	ctx_field_limits(c, continue_fields, FIELDS(continue_fields));
	ctx_field_limits(c, where_fields, FIELDS(where_fields));
	ctx_field_limits(c, follow_fields, FIELDS(follow_fields));
	return rc == DB_OK && !h.unopened && !fa.unopened ? 0 : -1;
}

/* The one form of this file that failed, again, with what was typed. */
static void form_again(struct ctx *c, const struct mentorship *m, const char *form,
		       const struct field_spec *spec, size_t n, const struct fields *f)
{
	struct view *v = ctx_view(c);
	ctx_form_values(c, spec, n, f);
	view_str(v, "form", form);
	view_int(v, "mid", m->id);
	view_str(v, "topic", m->topic);
	view_int(v, "cur_weeks", m->weeks);
	ctx_render(c, 422, "relation_form", "Mentorship");
}

/* The pair first: a stranger learns nothing from a 400 or 422. */
static int load(struct ctx *c, struct mentorship *m)
{
	return ms_of_asker(c, m);
}

static void back(struct ctx *c, int64_t id, const char *flash)
{
	ctx_flash(c, flash);
	char loc[64];
	snprintf(loc, sizeof(loc), "/mentorships/%lld", (long long)id);
	resp_redirect(c->resp, loc);
}

/* A refusal's answer; 0 when r is REQ_OK. */
static int refused(struct ctx *c, enum req_rc r)
{
	switch (r) {
	case REQ_OK: return 0;
	case REQ_DB_BUSY:
	case REQ_DB_ERR:
	case REQ_DB_FULL: ctx_store_error(c, r); break;
	case REQ_NOTFOUND: ctx_error(c, 404, not_yours); break;
	case REQ_NOT_YOURS:
		ctx_error(c, 403, "This is for the other one of the pair to do. Nothing was changed.");
		break;
	case REQ_PENDING:
		ctx_error(c, 409,
			  "A proposal already waits for an answer on this mentorship: it is answered first. "
			  "Nothing was changed.");
		break;
	case REQ_NO_ROOM:
		ctx_error(
			c, 409,
			"The mentor has no place free right now, so the mentorship cannot start. Nothing was "
			"changed.");
		break;
	case REQ_MAX_MENTORS:
		ctx_error(c, 409,
			  "The mentee already has as many mentorships as the program allows at once. Nothing "
			  "was changed.");
		break;
	case REQ_INVALID:
		ctx_error(c, 409,
			  "That is not possible at this point of the mentorship. Nothing was changed.");
		break;
	default: ctx_error(c, 409, "This was already answered, or the mentorship has ended."); break;
	}
	return -1;
}

void page_ms_change(struct ctx *c)
{
	struct fields f;
	int st = fields_read(change_fields, FIELDS(change_fields), &c->req->body, &f);
	struct mentorship m;
	if (load(c, &m) != 0)
		return;
	if (st == 400) {
		ctx_error(c, 400, "The form had fields Tandem does not know. Nothing was changed.");
		return;
	}
	if (!f.err[CH_GOAL] && *f.v[CH_GOAL].s && utf8_len(f.v[CH_GOAL].s) < 20)
		fields_fail(&f, CH_GOAL, "Write the new goal in at least 20 characters, or leave it empty.");
	if (!f.err[CH_GOAL] && !f.err[CH_WEEKS] && !*f.v[CH_GOAL].s && f.v[CH_WEEKS].i == m.weeks)
		fields_fail(&f, CH_WEEKS, "Change the goal or the number of weeks (or both).");
	if (f.nerr) {
		form_again(c, &m, "change", change_fields, FIELDS(change_fields), &f);
		return;
	}
	enum req_rc r = rel_change_propose(c->db, m.id, c->user.id, f.v[CH_GOAL].s, (int)f.v[CH_WEEKS].i,
					   f.v[CH_REASON].s, c->now);
	if (r == REQ_INVALID) {
		fields_fail(&f, CH_WEEKS, "Keep at least as many weeks as are already done.");
		form_again(c, &m, "change", change_fields, FIELDS(change_fields), &f);
		return;
	}
	if (refused(c, r) == 0)
		back(c, m.id, "Change proposed. Your mentor sees it on this page and answers it.");
}

static void answer(struct ctx *c, int64_t cid, int accept)
{
	struct fields f;
	if (fields_read(no_fields, 0, &c->req->body, &f) != 0) {
		ctx_error(c, 400, "This form takes no fields.");
		return;
	}
	enum req_rc r =
		rel_answer(c->db, c->req->ids[0], cid, c->user.id, accept, c->cfg->max_mentors, c->now);
	if (refused(c, r) == 0)
		back(c, c->req->ids[0],
		     accept ? "Accepted: the mentorship now follows it." : "Declined. Nothing changes.");
}

void page_ms_change_accept(struct ctx *c)
{
	answer(c, c->req->ids[1], 1);
}

void page_ms_change_decline(struct ctx *c)
{
	answer(c, c->req->ids[1], 0);
}

void page_ms_continue(struct ctx *c)
{
	struct fields f;
	int st = fields_read(continue_fields, FIELDS(continue_fields), &c->req->body, &f);
	struct mentorship m;
	if (load(c, &m) != 0)
		return;
	if (st == 400) {
		ctx_error(c, 400,
			  "The form had fields or choices Tandem does not know. Nothing was changed.");
		return;
	}
	if (st == 422) {
		form_again(c, &m, "continue", continue_fields, FIELDS(continue_fields), &f);
		return;
	}
	enum req_rc r = rel_continue_propose(c->db, m.id, c->user.id, f.v[CO_GOAL].s, f.v[CO_CADENCE].s,
					     atoi(f.v[CO_LEN].s), (int)f.v[CO_WEEKS].i, c->now);
	if (r == REQ_INVALID) {
		ctx_error(
			c, 409,
			"Continuing is proposed after the single conversation was held (its session logged). "
			"Nothing was changed.");
		return;
	}
	if (refused(c, r) == 0)
		back(c, m.id, "Proposed. When the other accepts, the plan starts.");
}

struct find_arg {
	int64_t id;
};

static void find_continue(void *arg, const struct rel_change *ch)
{
	struct find_arg *a = arg;
	if (strcmp(ch->kind, "continue") == 0 && strcmp(ch->status, "pending") == 0)
		a->id = ch->id;
}

void page_ms_continue_accept(struct ctx *c)
{
	struct find_arg a = {0};
	enum db_rc rc = rel_changes_each(c->db, c->req->ids[0], c->user.id, find_continue, &a);
	if (rc == DB_NOTFOUND) {
		ctx_error(c, 404, not_yours);
		return;
	}
	if (rc != DB_OK) {
		ctx_store_error(c, rc);
		return;
	}
	if (!a.id) {
		ctx_error(c, 409, "No proposal to continue waits for an answer. Nothing was changed.");
		return;
	}
	answer(c, a.id, 1);
}

/* A room, or an http(s) link: no other scheme (a javascript: link would
 * run in the other's page). */
static int where_ok(const char *s)
{
	if (strncmp(s, "https://", 8) == 0 || strncmp(s, "http://", 7) == 0)
		return strchr(s, ' ') == NULL && strlen(s) > 10;
	return strchr(s, ':') == NULL || strstr(s, "://") == NULL;
}

void page_ms_where(struct ctx *c)
{
	struct fields f;
	int st = fields_read(where_fields, FIELDS(where_fields), &c->req->body, &f);
	struct mentorship m;
	if (load(c, &m) != 0)
		return;
	if (st == 400) {
		ctx_error(c, 400, "The form had fields Tandem does not know. Nothing was changed.");
		return;
	}
	if (!f.err[0] && !where_ok(f.v[0].s))
		fields_fail(&f, 0, "Give a room (\"Room 4.12\") or a link starting with https://.");
	if (f.nerr) {
		form_again(c, &m, "where", where_fields, FIELDS(where_fields), &f);
		return;
	}
	if (refused(c, rel_set_where(c->db, m.id, c->user.id, f.v[0].s)) == 0)
		back(c, m.id, *f.v[0].s ? "Saved: you both see where you meet." : "Place cleared.");
}

void page_ms_follow_up(struct ctx *c)
{
	struct fields f;
	int st = fields_read(follow_fields, FIELDS(follow_fields), &c->req->body, &f);
	struct mentorship m;
	if (load(c, &m) != 0)
		return;
	if (st == 400) {
		ctx_error(c, 400, "The form had fields Tandem does not know. Nothing was changed.");
		return;
	}
	if (st == 422) {
		form_again(c, &m, "follow_up", follow_fields, FIELDS(follow_fields), &f);
		return;
	}
	enum req_rc r = rel_follow_up_add(c->db, m.id, c->user.id, f.v[0].s, c->now);
	if (r == REQ_INVALID) {
		fields_fail(
			&f, 0,
			"Follow-ups are for after the mentorship has ended; until then, use the sessions.");
		form_again(c, &m, "follow_up", follow_fields, FIELDS(follow_fields), &f);
		return;
	}
	if (refused(c, r) == 0)
		back(c, m.id, "Follow-up sent. It shows on their dashboard and on this page.");
}

/* The dashboard's lines (one list: kind, mentorship, other, topic, day). */
static void dash_line(void *arg, const struct rel_dash *d)
{
	static const char *const kinds[] = {"past_end", "stalled", "to_answer", "follow_up", "first"};
	struct vrow *r = view_row_new();
	view_row_str(r, kinds[d->kind]);
	view_row_int(r, d->ms);
	view_row_str(r, d->other);
	view_row_str(r, d->topic);
	view_row_str(r, d->day);
	view_row_int(r, d->i_mentor);
	view_list_add(arg, r);
}

void relation_dash(struct ctx *c)
{
	char today[11];
	day_of(c->now, today);
	struct vlist *l = view_list_new();
	rel_dash_each(c->db, c->user.id, today, c->now, dash_line, l);
	struct view *v = ctx_view(c);
	view_int(v, "nrelation", view_list_len(l));
	view_list_set(v, "relation", l);
}

/* GET /admin/pairs: active pairs, quietest first, 50 a page by key. */
static const struct field_spec pairs_fields[] = {
	{"d", "Page", FT_DATE, 0, 0, 0, NULL, 0},
	{"i", "Page", FT_INT, 0, 1, 9007199254740991L, NULL, 0},
};

/* The rows are rendered flat from _admin_pair_row*.html (text and
 * escaped values only) into html: a {for} over 50 rows in CTPL copied
 * every row for every cell and was half of the page. */
struct pairs_arg {
	struct view *row;
	struct buf html;
	int n, failed;
	char cutoff[11], today[11], last_day[11];
	int64_t last_id;
};

static void pair_line(void *arg, const struct rel_pair *p)
{
	struct pairs_arg *a = arg;
	struct view *v = a->row;
	view_str(v, "mentor", p->mentor);
	view_str(v, "mentee", p->mentee);
	view_str(v, "topic", p->topic);
	view_str(v, "kind", strcmp(p->kind, "single") == 0 ? "Single conversation" : "Series");
	view_str(v, "last", *p->last_session_on ? p->last_session_on : "none yet");
	int stalled = strcmp(p->quiet_since, a->cutoff) <= 0;
	const char *state = stalled				   ? "Stalled"
			    : strcmp(p->planned_end, a->today) < 0 ? "Past its planned end"
								   : "Active";
	view_str(v, "state", state);
	view_str(v, "end_on", p->planned_end);
	if (view_render(v, stalled ? "_admin_pair_row_stalled" : "_admin_pair_row", &a->html) != 0)
		a->failed = 1;
	a->n++;
	snprintf(a->last_day, sizeof(a->last_day), "%s", p->quiet_since);
	a->last_id = p->id;
}

void page_admin_pairs(struct ctx *c)
{
	struct fields f;
	if (fields_read(pairs_fields, FIELDS(pairs_fields), &c->req->query, &f) != 0) {
		ctx_error(c, 400, "That page of pairs does not exist: follow the links on /admin/pairs.");
		return;
	}
	struct pairs_arg a = {.row = view_new()};
	day_of(c->now, a.today);
	day_of(c->now - (int64_t)REL_STALLED_DAYS * 86400, a.cutoff);
	int more = 0;
	enum db_rc rc = a.row ? rel_pairs_page(c->db, f.v[0].s, f.v[1].present ? f.v[1].i : 0, 50, pair_line,
					       &a, &more)
			      : DB_ERR;
	view_free(a.row);
	if (rc != DB_OK || a.failed || a.html.oom) {
		buf_free(&a.html);
		ctx_store_error(c, rc != DB_OK ? rc : DB_ERR);
		return;
	}
	struct view *v = ctx_view(c);
	view_int(v, "npairs", a.n);
	view_int(v, "more", more);
	view_str(v, "next_d", a.last_day);
	view_int(v, "next_i", a.last_id);
	view_int(v, "stalled", rel_stalled_count(c->db, a.cutoff));
	ctx_render_slot(c, 200, "admin_pairs", "Pairs", buf_str(&a.html));
	buf_free(&a.html);
}
