/* Mentor rings (issue 18): GET,POST /rings, GET /rings/{id}, and the
 * ring's actions: mentors (invite, accept, decline), join, leave, close,
 * sessions and their feedback. What is said in a ring (agenda, notes) is
 * shown only to its current mentors and members; store/ring_sessions.h
 * decides who that is. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/insight.h"
#include "pages/ctx.h"
#include "pages/format.h"
#include "pages/routes.h"
#include "store/agenda.h"
#include "store/ring_sessions.h"
#include "store/rings.h"

static const char *const cadence_names[] = {"weekly", "biweekly", "monthly", NULL};
static const char *const use_names[] = {"too_fast", "right", "too_slow", NULL};

enum { RN_TOPIC, RN_DESCRIPTION, RN_SEATS, RN_CADENCE, RN_DURATION, RN_WEEKS };
static const struct field_spec ring_fields[] = {
	[RN_TOPIC] = {"topic", "Topic", FT_LINE, 1, 3, RING_TOPIC_MAX, NULL, 0},
	[RN_DESCRIPTION] = {"description", "Description", FT_TEXT, 0, 0, RING_DESCRIPTION_MAX, NULL, 0},
	[RN_SEATS] = {"seats", "Seats", FT_INT, 1, 2, 20, NULL, 0},
	[RN_CADENCE] = {"cadence", "Cadence", FT_CHOICE, 1, 0, 0, cadence_names, 0},
	[RN_DURATION] = {"duration_min", "Length", FT_INT, 1, 15, 240, NULL, 0},
	[RN_WEEKS] = {"weeks", "Weeks", FT_INT, 1, 1, 52, NULL, 0},
};

enum { RS_HELD_ON, RS_DURATION, RS_ATTENDEES, RS_AGENDA, RS_NOTES };
static const struct field_spec session_fields[] = {
	[RS_HELD_ON] = {"held_on", "Date", FT_DATE, 1, 0, 0, NULL, 0},
	[RS_DURATION] = {"duration_min", "Length", FT_INT, 1, 5, 480, NULL, 0},
	[RS_ATTENDEES] = {"attendees", "Attendees", FT_INT, 0, 1, 9007199254740991L, NULL, 1},
	[RS_AGENDA] = {"agenda", "Agenda", FT_TEXT, 0, 0, AGENDA_MAX, NULL, 0},
	[RS_NOTES] = {"shared_notes", "Shared notes", FT_TEXT, 0, 0, AGENDA_MAX, NULL, 0},
};

enum { RM_USER };
static const struct field_spec mentor_fields[] = {
	[RM_USER] = {"user_id", "Co-mentor", FT_INT, 1, 1, 9007199254740991L, NULL, 0},
};

enum { RF_RATING, RF_USE };
static const struct field_spec feedback_fields[] = {
	[RF_RATING] = {"rating", "Rating", FT_INT, 1, 1, 5, NULL, 0},
	[RF_USE] = {"use_of_time", "Use of time", FT_CHOICE, 0, 0, 0, use_names, 0},
};

enum { RC_END };
static const struct field_spec close_fields[] = {
	[RC_END] = {"end", "End the ring", FT_FLAG, 0, 0, 0, NULL, 0},
};

enum { LP_AT, LP_ID };
static const struct field_spec list_fields[] = {
	[LP_AT] = {"at", "Page", FT_INT, 0, 0, 9007199254740991L, NULL, 0},
	[LP_ID] = {"id", "Page", FT_INT, 0, 1, 9007199254740991L, NULL, 0},
};

static const char not_found[] = "There is no ring at this address, or this is not yours to see.";

static const char *role_label(enum ring_role r)
{
	switch (r) {
	case RING_MEMBER: return "Member";
	case RING_WAITING: return "Waiting list";
	case RING_MENTOR: return "Mentor";
	case RING_INVITED: return "Invited to co-mentor";
	case RING_NONE: break;
	}
	return "";
}

struct ring_rows {
	struct vlist *l;
	struct keyset last;
};

static void ring_row_add(void *arg, const struct ring_row *r)
{
	struct ring_rows *a = arg;
	struct vrow *row = view_row_new();
	view_row_int(row, r->id);
	view_row_str(row, r->topic);
	view_row_str(row, r->mentors);
	view_row_str(row, fmt_cadence(r->cadence));
	view_row_int(row, r->seats - r->members);
	view_row_int(row, r->duration_min);
	view_row_str(row, role_label(r->role));
	view_row_str(row, r->status);
	view_list_add(a->l, row);
	a->last = (struct keyset){r->created_at, r->id};
}

/* An open ring's row, rendered flat from _ring_row.html (no {for}: CTPL
 * copies a whole row at every r[i], which was most of the page). */
struct open_rows {
	struct view *row;
	struct buf html;
	struct keyset last;
	int failed;
};

static void open_row_add(void *arg, const struct ring_row *r)
{
	struct open_rows *a = arg;
	view_int(a->row, "id", r->id);
	view_str(a->row, "topic", r->topic);
	view_str(a->row, "mentors", r->mentors);
	view_str(a->row, "cadence", fmt_cadence(r->cadence));
	view_int(a->row, "duration", r->duration_min);
	view_int(a->row, "left", r->seats - r->members);
	if (view_render(a->row, "_ring_row", &a->html) != 0)
		a->failed = 1;
	a->last = (struct keyset){r->created_at, r->id};
}

/* The list of rings and, below it, the form to open one. */
static void rings_page(struct ctx *c, int status, const struct fields *form)
{
	struct fields q;
	if (fields_read(list_fields, FIELDS(list_fields), &c->req->query, &q) != 0) {
		ctx_error(c, 400, "That page of rings does not exist: follow the links on /rings.");
		return;
	}
	struct keyset after = {q.v[LP_AT].present ? q.v[LP_AT].i : 0, q.v[LP_ID].present ? q.v[LP_ID].i : 0};
	struct view *v = ctx_view(c);
	struct open_rows open = {view_new(), {0}, {0, 0}, 0};
	struct ring_rows mine = {view_list_new(), {0, 0}};
	int more = 0;
	enum db_rc rc =
		open.row ? ring_open_page(c->db, &after, RING_LIST_PAGE, open_row_add, &open, &more) : DB_ERR;
	if (rc == DB_OK && after.id == 0)
		rc = ring_mine_each(c->db, c->user.id, ring_row_add, &mine);
	view_free(open.row);
	view_list_set(v, "mine", mine.l);
	if (rc != DB_OK || open.failed) {
		buf_free(&open.html);
		ctx_store_error(c, rc != DB_OK ? rc : DB_ERR);
		return;
	}
	view_int(v, "more", more);
	view_int(v, "paged", after.id != 0);
	view_int(v, "next_at", open.last.at);
	view_int(v, "next_id", open.last.id);
	ctx_form_values(c, ring_fields, FIELDS(ring_fields), form);
	if (!form) {
		view_str(v, "seats", "14");
		view_str(v, "cadence", "biweekly");
		view_str(v, "duration_min", "90");
		view_str(v, "weeks", "12");
	}
	ctx_render_slot(c, status, "rings", "Mentor rings", buf_str(&open.html));
	buf_free(&open.html);
}

void page_rings(struct ctx *c)
{
	rings_page(c, 200, NULL);
}

void page_ring_create(struct ctx *c)
{
	struct fields f;
	int st = fields_read(ring_fields, FIELDS(ring_fields), &c->req->body, &f);
	if (st == 400) {
		ctx_error(c, 400, "The form had fields Tandem does not know. Nothing was changed.");
		return;
	}
	if (st == 422) {
		rings_page(c, 422, &f);
		return;
	}
	struct ring_new n = {
		.owner_id = c->user.id,
		.topic = f.v[RN_TOPIC].s,
		.description = f.v[RN_DESCRIPTION].s,
		.cadence = f.v[RN_CADENCE].s,
		.seats = (int)f.v[RN_SEATS].i,
		.duration_min = (int)f.v[RN_DURATION].i,
		.weeks = (int)f.v[RN_WEEKS].i,
	};
	int64_t id = 0;
	enum db_rc rc = ring_create(c->db, &n, c->now, &id);
	if (rc != DB_OK) {
		ctx_store_error(c, rc);
		return;
	}
	ctx_flash(c, "Your ring is open. Invite a co-mentor below; members can join from the list of rings.");
	char loc[48];
	snprintf(loc, sizeof(loc), "/rings/%lld", (long long)id);
	resp_redirect(c->resp, loc);
}

/* --- One ring's page. --- */

/* The people and the attendance ticks, rendered flat from _ring_person
 * and _ring_attend (escaped values only) like the sessions below: a
 * {for} in CTPL copied each row for every cell it printed. */
struct people_arg {
	struct view *row;
	struct buf people, attend;
	int failed;
	const struct fields *f; /* the session form typed, for its ticks */
};

static int ticked(const struct fields *f, int64_t uid)
{
	if (!f)
		return 1; /* everyone by default */
	char id[24];
	snprintf(id, sizeof(id), "%lld", (long long)uid);
	for (size_t i = 0; i < f->v[RS_ATTENDEES].nrep; i++)
		if (strcmp(f->v[RS_ATTENDEES].rep[i], id) == 0)
			return 1;
	return 0;
}

static void person_add(void *arg, int64_t uid, const char *name, enum ring_role role)
{
	struct people_arg *a = arg;
	struct view *v = a->row;
	view_str(v, "name", name);
	view_str(v, "role", role_label(role));
	if (view_render(v, "_ring_person", &a->people) != 0)
		a->failed = 1;
	if (role == RING_MEMBER) {
		view_int(v, "uid", uid);
		view_str(v, "checked", ticked(a->f, uid) ? " checked" : "");
		if (view_render(v, "_ring_attend", &a->attend) != 0)
			a->failed = 1;
	}
}

/* The ring's sessions, rendered flat (see open_row_add) from
 * _ring_session*.html into html: what a row lacks is left out in C
 * instead of by {if}s. */
struct sessions_arg {
	struct view *row;
	struct buf html;
	int k, mentor, failed;
	char recent[11];	 /* sessions held on or after this day take feedback here */
	const struct fields *fb; /* a feedback form sent back (422), for session fb_sid */
	int64_t fb_sid;
	int fb_shown; /* its form is on this page (else the message goes on top) */
};

/* " selected" when the feedback form sent back chose value for field i. */
static const char *fb_selected(const struct fields *fb, int i, const char *value)
{
	return fb && fb->v[i].present && !fb->err[i] && strcmp(fb->v[i].s, value) == 0 ? " selected" : "";
}

/* The feedback form's choices, as sent back (fb) or fresh (NULL), and
 * why it was not saved. */
static void feedback_values(struct view *v, const struct fields *fb)
{
	static const char *const ratings[] = {"1", "2", "3", "4", "5"};
	for (int r = 0; r < 5; r++) {
		char name[16];
		snprintf(name, sizeof(name), "sel_%s", ratings[r]);
		view_str(v, name, fb_selected(fb, RF_RATING, ratings[r]));
	}
	view_str(v, "sel_right", fb_selected(fb, RF_USE, "right"));
	view_str(v, "sel_too_fast", fb_selected(fb, RF_USE, "too_fast"));
	view_str(v, "sel_too_slow", fb_selected(fb, RF_USE, "too_slow"));
	const char *err = !fb		       ? ""
			  : fb->err[RF_RATING] ? "Choose a rating from 1 to 5."
			  : fb->err[RF_USE]
				  ? "Choose how the time was used: about right, too fast or too slow."
				  : "";
	view_str(v, "fb_err", err);
}

static void session_part(struct sessions_arg *a, const char *name)
{
	if (view_render(a->row, name, &a->html) != 0)
		a->failed = 1;
}

static void session_add(void *arg, const struct ring_session_row *s)
{
	struct sessions_arg *a = arg;
	struct view *v = a->row;
	view_int(v, "sid", s->id);
	view_str(v, "held_on", s->held_on);
	view_int(v, "duration", s->duration_min);
	view_int(v, "attended", s->attendees);
	session_part(a, "_ring_session");
	if (*s->agenda) {
		view_str(v, "label", "Agenda");
		view_str(v, "text", s->agenda);
		session_part(a, "_ring_session_text");
	}
	if (*s->shared_notes) {
		view_str(v, "label", "Shared notes");
		view_str(v, "text", s->shared_notes);
		session_part(a, "_ring_session_text");
	}
	char note[96];
	/* The mentors' figures, only from k forms on, not counting the
	 * viewer's own: a member who rated the session and co-mentors since
	 * would take their form out of k and read the other k-1's. */
	if (a->mentor && s->shown_n - (s->my_rating > 0) >= a->k) {
		snprintf(note, sizeof(note), "Feedback: %d forms, average rating %.1f of 5", s->shown_n,
			 (double)s->shown_sum / s->shown_n);
		view_str(v, "note", note);
		session_part(a, "_ring_session_note");
	}
	if (s->my_rating > 0) {
		snprintf(note, sizeof(note), "You rated this session %d of 5.", s->my_rating);
		view_str(v, "note", note);
		session_part(a, "_ring_session_note");
	} else if (s->attended && !a->mentor && strcmp(s->held_on, a->recent) >= 0) {
		int back = a->fb && a->fb_sid == s->id;
		feedback_values(v, back ? a->fb : NULL);
		a->fb_shown |= back;
		/* Both flat (no {if}: view.c writes them itself); the one with
		 * the message only for a form sent back. */
		session_part(a, back ? "_ring_session_form_err" : "_ring_session_form");
	}
	buf_puts(&a->html, "</li>");
}

enum { SP_ON, SP_ID };
static const struct field_spec sess_page_fields[] = {
	[SP_ON] = {"s_at", "Sessions page", FT_INT, 0, 0, 99991231, NULL, 0},
	[SP_ID] = {"s_id", "Sessions page", FT_INT, 0, 1, 9007199254740991L, NULL, 0},
};

/* The ring's page with status; sf / mf: the session and co-mentor forms
 * as typed (NULL: empty); fb: the feedback form of session fb_sid as
 * sent (NULL: none). */
static void ring_page_fb(struct ctx *c, int64_t id, int status, const struct fields *sf,
			 const struct fields *mf, const struct fields *fb, int64_t fb_sid)
{
	struct fields q;
	if (fields_read(sess_page_fields, FIELDS(sess_page_fields), &c->req->query, &q) != 0) {
		ctx_error(c, 400, "That page of sessions does not exist: follow the links on the ring.");
		return;
	}
	struct ring r;
	enum db_rc rc = ring_get(c->db, id, c->user.id, &r);
	if (rc != DB_OK) {
		if (rc == DB_NOTFOUND)
			ctx_error(c, 404, not_found);
		else
			ctx_store_error(c, rc);
		return;
	}
	struct view *v = ctx_view(c);
	/* A member asked to co-mentor keeps their seat and what it shows
	 * until they answer. */
	int inside = r.my_role == RING_MENTOR || r.my_role == RING_MEMBER ||
		     (r.my_role == RING_INVITED && r.my_seat);
	view_int(v, "id", r.id);
	view_str(v, "topic", r.topic);
	view_str(v, "description", r.description);
	view_str(v, "owner_name", r.owner_name);
	view_str(v, "cadence", fmt_cadence(r.cadence));
	view_int(v, "duration", r.duration_min);
	view_int(v, "weeks", r.weeks);
	view_int(v, "seats", r.seats);
	view_int(v, "members", r.members);
	view_int(v, "seats_left", r.seats - r.members);
	view_int(v, "waiting", r.waiting);
	view_str(v, "status", r.status);
	view_int(v, "open", strcmp(r.status, "open") == 0);
	view_int(v, "ended", strcmp(r.status, "ended") == 0);
	view_int(v, "role", r.my_role);
	view_int(v, "place", r.my_place);
	view_int(v, "seat", r.my_seat);
	view_int(v, "inside", inside);
	view_int(v, "is_mentor", r.my_role == RING_MENTOR);
	view_int(v, "k", c->cfg->survey_k);
	struct people_arg pa = {.row = view_new(), .f = sf};
	struct sessions_arg sa = {view_new(), {0}, c->cfg->survey_k, r.my_role == RING_MENTOR, 0, "", fb,
				  fb_sid,     0};
	if (!sa.row || !pa.row) {
		view_free(sa.row);
		view_free(pa.row);
		ctx_store_error(c, DB_ERR);
		return;
	}
	view_int(sa.row, "id", r.id);
	view_csrf(sa.row, c->csrf);
	/* Feedback is asked for the sessions of the last 30 days, as on the
	 * dashboard for a 1:1; a page of a year's sessions is not a page of
	 * forms. */
	char now_day[11];
	ctx_today(c, now_day);
	ins_ymd(ins_day(now_day) - 30, sa.recent);
	int more = 0;
	struct keyset last = {0, 0};
	struct keyset after = {q.v[SP_ON].present ? q.v[SP_ON].i : 0, q.v[SP_ID].present ? q.v[SP_ID].i : 0};
	if (inside) {
		rc = ring_people_each(c->db, id, c->user.id, person_add, &pa);
		if (rc == DB_OK)
			rc = ring_sessions_each(c->db, id, c->user.id, &after, RING_SESSIONS_PAGE,
						session_add, &sa, &more, &last);
	}
	view_trusted_html(v, "people_html", buf_str(&pa.people));
	view_trusted_html(v, "attend_html", buf_str(&pa.attend));
	int people_failed = pa.failed || pa.people.oom || pa.attend.oom;
	buf_free(&pa.people);
	buf_free(&pa.attend);
	view_free(pa.row);
	view_free(sa.row);
	if (rc != DB_OK || sa.failed || people_failed) {
		buf_free(&sa.html);
		ctx_store_error(c, rc != DB_OK ? rc : DB_ERR);
		return;
	}
	view_int(v, "more", more);
	view_int(v, "paged", after.id != 0);
	view_int(v, "next_at", last.at);
	view_int(v, "next_id", last.id);
	ctx_form_values(c, mentor_fields, FIELDS(mentor_fields), mf);
	ctx_form_values(c, session_fields, FIELDS(session_fields), sf);
	if (!sf) {
		char d[11];
		ctx_today(c, d); /* the mentor's today, where they live */
		view_str(v, "held_on", d);
		char len[16];
		snprintf(len, sizeof(len), "%d", r.duration_min);
		view_str(v, "duration_min", len);
	}
	int errs = (sf ? sf->nerr : 0) + (mf ? mf->nerr : 0);
	view_int(v, "errors", errs);
	/* Feedback sent back for a session whose form is not on this page
	 * (an older page of sessions): why, above the sessions. */
	view_str(v, "fb_page_err",
		 fb && !sa.fb_shown ? "Choose a rating from 1 to 5. Nothing was saved." : "");
	ctx_render_slot(c, status, "ring", r.topic, buf_str(&sa.html));
	buf_free(&sa.html);
}

static void ring_page(struct ctx *c, int64_t id, int status, const struct fields *sf, const struct fields *mf)
{
	ring_page_fb(c, id, status, sf, mf, NULL, 0);
}

void page_ring(struct ctx *c)
{
	ring_page(c, c->req->ids[0], 200, NULL, NULL);
}

static void back_to_ring(struct ctx *c, int64_t id, const char *flash)
{
	if (flash)
		ctx_flash(c, flash);
	char loc[48];
	snprintf(loc, sizeof(loc), "/rings/%lld", (long long)id);
	resp_redirect(c->resp, loc);
}

/* The answer to a ring action that the store refused. */
static void ring_refused(struct ctx *c, enum ring_rc r, const char *already)
{
	switch (r) {
	case RING_OK: break;
	case RING_DB_BUSY:
	case RING_DB_ERR:
	case RING_DB_FULL: ctx_store_error(c, r); break;
	case RING_NOTFOUND: ctx_error(c, 404, not_found); break;
	case RING_CLOSED:
		ctx_error(c, 409,
			  "This ring no longer takes members (joining is closed, or it has ended). "
			  "Nothing was changed.");
		break;
	case RING_ALREADY: ctx_error(c, 409, already); break;
	case RING_NO_USER: ctx_error(c, 422, "There is no such member."); break;
	}
}

/* Read a form that has no fields but csrf: 0, or answered 400. */
static int empty_form(struct ctx *c)
{
	struct fields f;
	if (fields_read(NULL, 0, &c->req->body, &f) != 0) {
		ctx_error(c, 400, "The form had fields Tandem does not know. Nothing was changed.");
		return -1;
	}
	return 0;
}

void page_ring_join(struct ctx *c)
{
	if (empty_form(c) != 0)
		return;
	int64_t id = c->req->ids[0];
	int waiting = 0;
	enum ring_rc r = ring_join(c->db, id, c->user.id, c->now, &waiting);
	if (r != RING_OK) {
		ring_refused(
			c, r,
			"You are in this ring already (as a member, on its waiting list or as a mentor).");
		return;
	}
	back_to_ring(
		c, id,
		waiting ? "Every seat is taken: you are on the waiting list, and get the first seat that "
			  "frees up."
			: "Welcome to the ring. What is said here stays with its members and mentors.");
}

void page_ring_leave(struct ctx *c)
{
	if (empty_form(c) != 0)
		return;
	int64_t id = c->req->ids[0];
	enum ring_rc r = ring_leave(c->db, id, c->user.id);
	if (r != RING_OK) {
		ring_refused(c, r, "");
		return;
	}
	back_to_ring(c, id, "You left the ring. Its sessions and notes are no longer shown to you.");
}

void page_ring_close(struct ctx *c)
{
	struct fields f;
	if (fields_read(close_fields, FIELDS(close_fields), &c->req->body, &f) != 0) {
		ctx_error(c, 400, "The form had fields Tandem does not know. Nothing was changed.");
		return;
	}
	int64_t id = c->req->ids[0];
	int end = (int)f.v[RC_END].i;
	enum ring_rc r = ring_close(c->db, id, c->user.id, end, c->now);
	if (r != RING_OK) {
		ring_refused(c, r, end ? "This ring has ended already." : "Joining is closed already.");
		return;
	}
	back_to_ring(
		c, id,
		end ? "The ring has ended. Its members and mentors are invited to the post-program survey."
		    : "Joining is closed. Members stay; nobody new can join.");
}

/* Before a 400 or 422: 0 when the asker is `want` in ring id, else the
 * 404 (or store error) is answered, so a stranger learns nothing from
 * how a form fails. */
static int ring_role_is(struct ctx *c, int64_t id, enum ring_role want)
{
	struct ring r;
	enum db_rc rc = ring_get(c->db, id, c->user.id, &r);
	if (rc == DB_OK &&
	    (r.my_role == want || (want == RING_MEMBER && r.my_role == RING_INVITED && r.my_seat)))
		return 0;
	if (rc == DB_OK || rc == DB_NOTFOUND)
		ctx_error(c, 404, not_found);
	else
		ctx_store_error(c, rc);
	return -1;
}

void page_ring_mentor_invite(struct ctx *c)
{
	struct fields f;
	int st = fields_read(mentor_fields, FIELDS(mentor_fields), &c->req->body, &f);
	int64_t id = c->req->ids[0];
	if (st != 0 && ring_role_is(c, id, RING_MENTOR) != 0)
		return;
	if (st == 400) {
		ctx_error(c, 400, "The form had fields Tandem does not know. Nothing was changed.");
		return;
	}
	if (st == 422) {
		ring_page(c, id, 422, NULL, &f);
		return;
	}
	enum ring_rc r = ring_invite_mentor(c->db, id, c->user.id, f.v[RM_USER].i);
	if (r == RING_NO_USER || r == RING_ALREADY) {
		fields_fail(&f, RM_USER,
			    r == RING_NO_USER
				    ? "There is no active member with this number."
				    : "This person is a mentor of this ring already, or was asked already.");
		ring_page(c, id, 422, NULL, &f);
		return;
	}
	if (r != RING_OK) {
		ring_refused(c, r, "");
		return;
	}
	back_to_ring(c, id, "Asked. They become a co-mentor once they accept.");
}

static void mentor_answer(struct ctx *c, int accept)
{
	if (empty_form(c) != 0)
		return;
	int64_t id = c->req->ids[0];
	enum ring_rc r = ring_mentor_answer(c->db, id, c->user.id, accept);
	if (r != RING_OK) {
		ring_refused(c, r, "You co-mentor this ring already.");
		return;
	}
	back_to_ring(c, id, accept ? "You co-mentor this ring now." : "You declined. Nothing else changed.");
}

void page_ring_mentor_accept(struct ctx *c)
{
	mentor_answer(c, 1);
}

void page_ring_mentor_decline(struct ctx *c)
{
	mentor_answer(c, 0);
}

void page_ring_session_create(struct ctx *c)
{
	struct fields f;
	int st = fields_read(session_fields, FIELDS(session_fields), &c->req->body, &f);
	int64_t id = c->req->ids[0];
	/* Who may log comes first: a stranger learns nothing from a 422. */
	struct ring r;
	enum db_rc rc = ring_get(c->db, id, c->user.id, &r);
	if (rc != DB_OK || r.my_role != RING_MENTOR) {
		if (rc == DB_OK || rc == DB_NOTFOUND)
			ctx_error(c, 404, not_found);
		else
			ctx_store_error(c, rc);
		return;
	}
	if (st == 400) {
		ctx_error(c, 400, "The form had fields Tandem does not know. Nothing was changed.");
		return;
	}
	if (st == 422) {
		ring_page(c, id, 422, &f, NULL);
		return;
	}
	int64_t who[RING_ATTENDEES_MAX];
	size_t n = 0;
	for (size_t i = 0; i < f.v[RS_ATTENDEES].nrep && n < RING_ATTENDEES_MAX; i++) {
		long long u = 0;
		if (sscanf(f.v[RS_ATTENDEES].rep[i], "%lld", &u) != 1)
			continue;
		int dup = 0;
		for (size_t k = 0; k < n; k++)
			dup |= who[k] == u;
		if (!dup)
			who[n++] = u;
	}
	char d[11], year_ago[11];
	ctx_today(c, d);
	/* Further back is a typo (1970 for 2026), and it would stretch every
	 * insights history back to it (as POST /pairings). */
	ins_ymd(ins_day(d) - 366, year_ago);
	if (strcmp(f.v[RS_HELD_ON].s, year_ago) < 0) {
		fields_fail(&f, RS_HELD_ON,
			    "Log sessions of the last year: this date is more than a year ago.");
		ring_page(c, id, 422, &f, NULL);
		return;
	}
	struct ring_session_new sn = {
		.ring_id = id,
		.author_id = c->user.id,
		.held_on = f.v[RS_HELD_ON].s,
		.agenda = f.v[RS_AGENDA].s,
		.shared_notes = f.v[RS_NOTES].s,
		.duration_min = (int)f.v[RS_DURATION].i,
		.attendees = who,
		.nattendees = n,
	};
	int64_t sid = 0;
	enum ring_rc res = ring_session_create(c->db, &sn, d, c->now, &sid);
	if (res == RING_CLOSED || res == RING_NO_USER) {
		char msg[120];
		if (res == RING_CLOSED)
			snprintf(msg, sizeof(msg), "The date cannot be in the future (today is %s).", d);
		fields_fail(&f, res == RING_CLOSED ? RS_HELD_ON : RS_ATTENDEES,
			    res == RING_CLOSED ? msg : "Attendees must be members of this ring.");
		ring_page(c, id, 422, &f, NULL);
		return;
	}
	if (res != RING_OK) {
		ring_refused(c, res, "");
		return;
	}
	back_to_ring(
		c, id,
		"Session logged. Its agenda and notes are shown to this ring's members and mentors only.");
}

void page_ring_feedback(struct ctx *c)
{
	struct fields f;
	int st = fields_read(feedback_fields, FIELDS(feedback_fields), &c->req->body, &f);
	int64_t id = c->req->ids[0], sid = c->req->ids[1];
	if (st != 0 && ring_role_is(c, id, RING_MEMBER) != 0)
		return;
	if (st == 400) {
		ctx_error(c, 400, "The form had fields Tandem does not know. Nothing was changed.");
		return;
	}
	if (st == 422) { /* the ring again, this session's form as sent, with why */
		ring_page_fb(c, id, 422, NULL, NULL, &f, sid);
		return;
	}
	const char *use = f.v[RF_USE].present ? f.v[RF_USE].s : "right";
	enum ring_rc r =
		ring_feedback_add(c->db, id, sid, c->user.id, (int)f.v[RF_RATING].i, use, c->cfg->survey_k);
	if (r != RING_OK) {
		ring_refused(c, r, "You gave feedback on this session already: once is the rule.");
		return;
	}
	back_to_ring(
		c, id,
		"Thank you. Your mentors see feedback only as totals of several forms, never yours alone.");
}
