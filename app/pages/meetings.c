/* Logged sessions: GET /mentorships/{id}/sessions/new, POST
 * /mentorships/{id}/sessions, GET /sessions/{id}, POST /sessions/{id}/notes,
 * POST /sessions/{id}/feedback. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/log.h"
#include "core/vocab.h"
#include "pages/agenda.h"
#include "pages/ctx.h"
#include "pages/mentorships.h"
#include "pages/routes.h"
#include "store/agenda.h"
#include "store/meetings.h"
#include "store/mentorships.h"

/* Session kinds and their labels: the one vocabulary, core/vocab.h. */
const char *kind_label(const char *k)
{
	return vocab_label(k);
}

/* Sets the NAME_max of this page's forms: their field tables come later
 * in this file, with their handlers. */
static void session_limits(struct ctx *c);

static const struct field_spec log_fields[] = {
	{"held_on", "Date", FT_DATE, 1, 0, 0, NULL, 0},
	{"duration_min", "Length", FT_INT, 1, 5, 480, NULL, 0},
	{"kind", "Kind", FT_CHOICE, 1, 0, 0, kind_names, 0},
	{"labels", "Labels", FT_LINE, 0, 0, 200, NULL, 0},
	{"agenda", "Agenda", FT_TEXT, 0, 0, AGENDA_MAX, NULL, 0},
	{"shared_notes", "Shared notes", FT_TEXT, 0, 0, 8000, NULL, 0},
	{"private_notes", "Private notes", FT_TEXT, 0, 0, 8000, NULL, 0},
};
#define NLOG FIELDS(log_fields)
enum { L_HELD_ON, L_DURATION, L_KIND, L_LABELS, L_AGENDA, L_SHARED, L_PRIVATE, L_COUNT };
_Static_assert(L_COUNT == NLOG, "one name per field of log_fields, in order");

static void log_form(struct ctx *c, const struct mentorship *m, int status, const struct fields *f)
{
	struct view *v = ctx_view(c);
	ctx_form_values(c, log_fields, NLOG, f);
	if (!f) {
		char d[11];
		ctx_today(c, d); /* the author's today, where they live */
		view_str(v, "held_on", d);
		char len[16];
		snprintf(len, sizeof(len), "%d", m->duration_min);
		view_str(v, "duration_min", len);
		view_str(v, "kind", "one_on_one");
		/* The agenda written ahead for the planned session, if any. */
		struct buf ahead = {0};
		const char *a = agenda_prefill(c, m->id, &ahead);
		view_str(v, "agenda", a ? a : "Good vibes:\n\nAsks:\n\nDiscussion:\n");
		buf_free(&ahead);
	}
	view_int(v, "mid", m->id);
	view_str(v, "topic", m->topic);
	view_str(v, "other_name", m->mentor_id == c->user.id ? m->mentee_name : m->mentor_name);
	view_str(v, "other_role", m->mentor_id == c->user.id ? "mentee" : "mentor");
	struct vlist *kl = view_list_new();
	for (int i = 0; kind_names[i]; i++) {
		struct vrow *r = view_row_new();
		view_row_str(r, kind_names[i]);
		view_row_str(r, kind_labels[i]);
		view_list_add(kl, r);
	}
	view_list_set(v, "kinds", kl);
	ctx_render(c, status, "session_new", "Log a session");
}

/* The mentorship of the URL, if it is the asker's (ms_of_asker); else
 * answered and 0. */
static int own_mentorship(struct ctx *c, struct mentorship *m)
{
	return ms_of_asker(c, m) == 0;
}

void page_session_new(struct ctx *c)
{
	struct mentorship m;
	if (own_mentorship(c, &m))
		log_form(c, &m, 200, NULL);
}

/* The usual path reads the mentorship only inside meeting_create's
 * transaction (which checks it is the asker's); the form is re-shown,
 * and the mentorship read for it, only when something needs fixing. */
void page_session_create(struct ctx *c)
{
	struct mentorship m;
	struct fields f;
	int st = fields_read(log_fields, NLOG, &c->req->body, &f);
	if (st == 400) {
		if (own_mentorship(c, &m))
			ctx_error(c, 400, "The form had fields or choices Tandem does not know.");
		return;
	}
	char d[11];
	ctx_today(c, d);
	int64_t id = 0;
	if (!f.nerr) {
		struct meeting_new n = {.mentorship_id = c->req->ids[0],
					.author_id = c->user.id,
					.held_on = f.v[L_HELD_ON].s,
					.duration_min = (int)f.v[L_DURATION].i,
					.kind = f.v[L_KIND].s,
					.labels = f.v[L_LABELS].s,
					.agenda = f.v[L_AGENDA].s,
					.shared_notes = f.v[L_SHARED].s,
					.private_notes = f.v[L_PRIVATE].s};
		enum meet_rc r = meeting_create(c->db, &n, d, c->now, &id);
		if (r == MEET_OK) {
			ctx_flash(c, "Session logged. Take a minute for the feedback form below.");
			char loc[64];
			snprintf(loc, sizeof(loc), "/sessions/%lld", (long long)id);
			resp_redirect(c->resp, loc);
			return;
		}
		if (db_failed(r)) {
			ctx_store_error(c, r);
			return;
		}
		if (!own_mentorship(c, &m))
			return;
		char msg[160];
		if (r == MEET_FUTURE)
			snprintf(msg, sizeof(msg), "The date cannot be in the future (today is %s).", d);
		else
			snprintf(msg, sizeof(msg), "The date cannot be before the mentorship started (%s).",
				 m.started_on);
		fields_fail(&f, 0, msg);
	} else if (!own_mentorship(c, &m)) {
		return;
	}
	log_form(c, &m, 422, &f);
}

struct fb_ctx {
	struct vlist *list;
	int mine_given;
};

static void fb_row(void *p, int mine, int rating, const char *use, int shared, const char *ww, const char *ti,
		   const char *ns)
{
	struct fb_ctx *x = p;
	struct vrow *r = view_row_new();
	view_row_int(r, mine);
	view_row_int(r, rating);
	view_row_str(r, strcmp(use, "too_fast") == 0   ? "Too fast"
			: strcmp(use, "too_slow") == 0 ? "Too slow"
						       : "About right");
	view_row_int(r, shared);
	view_row_str(r, ww);
	view_row_str(r, ti);
	view_row_str(r, ns);
	view_list_add(x->list, r);
	x->mine_given |= mine;
}

struct act_ctx {
	struct vlist *list;
	int i_mentor;
};

static void act_row(void *p, int64_t id, const char *owner, const char *body, int done, int carried)
{
	struct act_ctx *x = p;
	int mine = (strcmp(owner, "mentor") == 0) == x->i_mentor;
	struct vrow *r = view_row_new();
	view_row_int(r, id);
	view_row_str(r, mine ? "You" : (x->i_mentor ? "Your mentee" : "Your mentor"));
	view_row_str(r, body);
	view_row_int(r, done);
	view_row_int(r, carried);
	view_list_add(x->list, r);
}

/* A sealed value that does not open is an incident, never garbage shown. */
static void seal_failed(struct ctx *c, int64_t id)
{
	char sid[24];
	snprintf(sid, sizeof(sid), "%lld", (long long)id);
	log_kv("error", "sealed value failed to open", "rid", c->req->rid, "session", sid, LOG_END);
	ctx_error(c, 500,
		  "This session's notes could not be opened, so nothing is shown. The incident was "
		  "logged; please tell your program admin the request id below.");
}

/* The feedback form, before the page that shows it sent back. */
static const char *const uses[] = {"too_fast", "right", "too_slow", NULL};
enum { FB_RATING, FB_USE, FB_WENT_WELL, FB_TO_IMPROVE, FB_NEXT_STEPS, FB_SHARED, FB_COUNT };
static const struct field_spec fb_fields[] = {
	{"rating", "Usefulness", FT_INT, 1, 1, 5, NULL, 0},
	{"use_of_time", "Use of time", FT_CHOICE, 0, 0, 0, uses, 0},
	{"went_well", "What went well", FT_TEXT, 0, 0, 2000, NULL, 0},
	{"to_improve", "What to improve", FT_TEXT, 0, 0, 2000, NULL, 0},
	{"next_steps", "Next steps", FT_TEXT, 0, 0, 2000, NULL, 0},
	{"shared", "Share with my pair", FT_FLAG, 0, 0, 0, NULL, 0},
};
_Static_assert(FB_COUNT == FIELDS(fb_fields), "one name per field of fb_fields, in order");

/* The session's page with status; spec/n/sent/why: a form of it sent
 * back with what was typed and why it was refused (sent NULL: none). */
static void session_show(struct ctx *c, int status, const struct field_spec *spec, size_t n,
			 const struct fields *sent, const char *why)
{
	struct meeting m;
	enum meet_rc r = meeting_get_for(c->db, c->req->ids[0], c->user.id, &m);
	if (r == MEET_NOTFOUND) {
		meeting_free(&m);
		ctx_error(c, 404, "There is no session at this address, or it is not yours to see.");
		return;
	}
	if (r != MEET_OK) {
		meeting_free(&m);
		if (r == MEET_SEAL)
			seal_failed(c, c->req->ids[0]);
		else
			ctx_store_error(c, DB_ERR);
		return;
	}
	struct fb_ctx fb = {.list = view_list_new()};
	if (feedback_visible(c->db, m.id, c->user.id, fb_row, &fb) != MEET_OK) {
		view_list_set(ctx_view(c), "feedback", fb.list);
		meeting_free(&m);
		seal_failed(c, c->req->ids[0]);
		return;
	}
	struct act_ctx ac = {.list = view_list_new(), .i_mentor = m.mentor_id == c->user.id};
	if (action_items_for(c->db, m.id, c->user.id, act_row, &ac) != MEET_OK) {
		view_list_set(ctx_view(c), "actions", ac.list);
		meeting_free(&m);
		seal_failed(c, c->req->ids[0]);
		return;
	}
	struct view *v = ctx_view(c);
	view_list_set(v, "actions", ac.list);
	int i_mentor = m.mentor_id == c->user.id;
	view_int(v, "id", m.id);
	view_int(v, "mid", m.mentorship_id);
	view_str(v, "topic", m.topic);
	view_str(v, "held_on", m.held_on);
	view_int(v, "duration_min", m.duration_min);
	view_str(v, "kind", kind_label(m.kind));
	view_str(v, "labels", m.labels);
	view_str(v, "agenda", buf_str(&m.agenda));
	view_str(v, "shared_notes", buf_str(&m.shared_notes));
	view_str(v, "private_notes", buf_str(&m.my_private));
	view_str(v, "other_name", i_mentor ? m.mentee_name : m.mentor_name);
	view_str(v, "other_role", i_mentor ? "mentee" : "mentor");
	view_int(v, "feedback_given", fb.mine_given);
	int open = c->now - m.created_at <= MEET_EDIT_WINDOW;
	view_int(v, "is_author", m.author_id == c->user.id);
	view_int(v, "can_edit_shared", open && m.author_id == c->user.id);
	view_int(v, "can_edit_private", open);
	view_list_set(v, "feedback", fb.list);
	meeting_free(&m);
	session_limits(c);
	/* The feedback form as it comes fresh; a form sent back overrides. No
	 * rating is chosen for the person (one sent as it came would count a
	 * 4 nobody gave), and nothing is shared until they tick it. */
	view_str(v, "body", "");
	view_str(v, "rating", "");
	view_str(v, "use_of_time", "right");
	view_str(v, "went_well", "");
	view_str(v, "to_improve", "");
	view_str(v, "next_steps", "");
	view_str(v, "shared", "");
	if (sent)
		ctx_form_values(c, spec, n, sent); /* over the stored texts: what was typed */
	/* The feedback form's reason goes in that form, lower on the page. */
	int fb_sent = sent && spec == fb_fields;
	view_str(v, "form_err", why && !fb_sent ? why : "");
	view_str(v, "fb_err", why && fb_sent ? why : "");
	ctx_render(c, status, "session", "Session");
}

void page_session(struct ctx *c)
{
	session_show(c, 200, NULL, 0, NULL, NULL);
}

/* The start every session form shares: read the fields, find nothing
 * unless the person is one of the pair (404), refuse bad input (400/422
 * with `bad`). 0 to go on, -1 when the answer has been given. */
static int session_form(struct ctx *c, const struct field_spec *spec, size_t n, struct fields *f,
			const char *bad)
{
	int st = fields_read(spec, n, &c->req->body, f);
	struct meeting m;
	enum meet_rc r = meeting_get_for(c->db, c->req->ids[0], c->user.id, &m);
	meeting_free(&m);
	if (r == MEET_NOTFOUND) {
		ctx_error(c, 404, "There is no session at this address, or it is not yours to see.");
		return -1;
	}
	if (st == 400) {
		ctx_error(c, 400, "The form had fields or choices Tandem does not know.");
		return -1;
	}
	if (st) {
		/* The first field's own reason says what to fix ("Usefulness
		 * is required."); `bad` sums up the form's rules otherwise. */
		char why[300];
		const char *first = NULL;
		for (size_t i = 0; i < n && !first; i++)
			first = f->err[i];
		if (first)
			snprintf(why, sizeof(why), "%s Nothing was saved.", first);
		session_show(c, 422, spec, n, f, first ? why : bad);
		return -1;
	}
	return 0;
}

static const struct field_spec note_fields[] = {
	{"private_notes", "Private notes", FT_TEXT, 0, 0, 8000, NULL, 0}};
enum { N_PRIVATE };

void page_session_notes(struct ctx *c)
{
	struct fields f;
	if (session_form(c, note_fields, 1, &f,
			 "Private notes can be at most 8,000 characters. Nothing was changed.") != 0)
		return;
	enum meet_rc r = private_note_set(c->db, c->req->ids[0], c->user.id, f.v[N_PRIVATE].s, c->now);
	if (r == MEET_LOCKED) {
		ctx_error(c, 409,
			  "Notes are read-only a week after the session was logged, so history is not "
			  "rewritten. Nothing was changed.");
		return;
	}
	if (r != MEET_OK) {
		ctx_store_error(c, r);
		return;
	}
	ctx_flash(c, "Your private notes are saved. Only you can read them.");
	char loc[64];
	snprintf(loc, sizeof(loc), "/sessions/%lld", (long long)c->req->ids[0]);
	resp_redirect(c->resp, loc);
}

void page_session_feedback(struct ctx *c)
{
	struct fields f;
	if (session_form(
		    c, fb_fields, 6, &f,
		    "Rate the session from 1 to 5; each text can be at most 2,000 characters. Nothing was "
		    "saved.") != 0)
		return;
	struct feedback_new n = {.rating = (int)f.v[FB_RATING].i,
				 .use_of_time = *f.v[FB_USE].s ? f.v[FB_USE].s : "right",
				 .went_well = f.v[FB_WENT_WELL].s,
				 .to_improve = f.v[FB_TO_IMPROVE].s,
				 .next_steps = f.v[FB_NEXT_STEPS].s,
				 .shared = (int)f.v[FB_SHARED].i};
	enum meet_rc r = feedback_add(c->db, c->req->ids[0], c->user.id, &n, c->now);
	if (r == MEET_CONFLICT) {
		ctx_error(c, 409, "You already gave feedback on this session. Thank you!");
		return;
	}
	if (r != MEET_OK) {
		ctx_store_error(c, r);
		return;
	}
	ctx_flash(c, "Thank you for your feedback.");
	char loc[64];
	snprintf(loc, sizeof(loc), "/sessions/%lld", (long long)c->req->ids[0]);
	resp_redirect(c->resp, loc);
}

static const struct field_spec edit_fields[] = {
	{"agenda", "Agenda", FT_TEXT, 0, 0, AGENDA_MAX, NULL, 0},
	{"shared_notes", "Shared notes", FT_TEXT, 0, 0, 8000, NULL, 0},
};
enum { E_AGENDA, E_SHARED, E_COUNT };
_Static_assert(E_COUNT == FIELDS(edit_fields), "one name per field of edit_fields, in order");

static void back_to_session(struct ctx *c, const char *flash)
{
	ctx_flash(c, flash);
	char loc[64];
	snprintf(loc, sizeof(loc), "/sessions/%lld", (long long)c->req->ids[0]);
	resp_redirect(c->resp, loc);
}

void page_session_edit(struct ctx *c)
{
	struct fields f;
	if (session_form(c, edit_fields, 2, &f,
			 "The agenda and the shared notes can be at most 8,000 characters each. Nothing was "
			 "changed.") != 0)
		return;
	enum meet_rc r =
		meeting_update(c->db, c->req->ids[0], c->user.id, f.v[E_AGENDA].s, f.v[E_SHARED].s, c->now);
	if (r == MEET_LOCKED) {
		ctx_error(c, 409,
			  "Only the person who logged a session can change its agenda and shared notes, "
			  "and only during the first week. Nothing was changed.");
		return;
	}
	if (r != MEET_OK) {
		ctx_store_error(c, r);
		return;
	}
	back_to_session(c, "Session notes saved.");
}

void page_session_delete(struct ctx *c)
{
	struct fields f;
	if (fields_read(edit_fields, 0, &c->req->body, &f) != 0) {
		ctx_error(c, 400, "This form takes no fields.");
		return;
	}
	struct meeting m;
	enum meet_rc r = meeting_get_for(c->db, c->req->ids[0], c->user.id, &m);
	int64_t mid = m.mentorship_id;
	meeting_free(&m);
	if (r == MEET_NOTFOUND) {
		ctx_error(c, 404, "There is no session at this address, or it is not yours to see.");
		return;
	}
	r = meeting_delete(c->db, c->req->ids[0], c->user.id);
	if (r == MEET_LOCKED) {
		ctx_error(c, 409, "Only the person who logged a session can delete it. Nothing was changed.");
		return;
	}
	if (r != MEET_OK) {
		ctx_store_error(c, r);
		return;
	}
	ctx_flash(c, "Session deleted, with its notes and feedback. Nothing of it is kept.");
	char loc[64];
	snprintf(loc, sizeof(loc), "/mentorships/%lld", (long long)mid);
	resp_redirect(c->resp, loc);
}

static const char *const owners[] = {"mentor", "mentee", NULL};
static const struct field_spec action_fields[] = {
	{"owner", "Who", FT_CHOICE, 1, 0, 0, owners, 0},
	{"body", "Action item", FT_LINE, 1, 1, 300, NULL, 0},
};
static const struct field_spec done_fields[] = {{"done", "Done", FT_FLAG, 0, 0, 0, NULL, 0}};
enum { D_DONE };
enum { A_OWNER, A_BODY, A_COUNT };
_Static_assert(A_COUNT == FIELDS(action_fields), "one name per field of action_fields, in order");

void page_session_action(struct ctx *c)
{
	struct fields f;
	if (session_form(c, action_fields, 2, &f,
			 "Write the action item in one line of at most 300 characters and say who does it. "
			 "Nothing "
			 "was added.") != 0)
		return;
	enum meet_rc r = action_add(c->db, c->req->ids[0], c->user.id, f.v[A_OWNER].s, f.v[A_BODY].s, c->now);
	if (r != MEET_OK) {
		ctx_store_error(c, r);
		return;
	}
	back_to_session(c, "Action item added. It comes along to the next sessions until it is done.");
}

void page_session_action_done(struct ctx *c)
{
	struct fields f;
	if (session_form(c, done_fields, 1, &f, "The form had fields Tandem does not know.") != 0)
		return;
	enum meet_rc r = action_set_done(c->db, c->req->ids[1], c->user.id, (int)f.v[D_DONE].i);
	if (r == MEET_NOTFOUND) {
		ctx_error(c, 404, "There is no such action item, or it is not yours to change.");
		return;
	}
	if (r != MEET_OK) {
		ctx_store_error(c, r);
		return;
	}
	back_to_session(c, f.v[D_DONE].i ? "Marked done." : "Marked not done.");
}

static void session_limits(struct ctx *c)
{
	ctx_field_limits(c, edit_fields, FIELDS(edit_fields));
	ctx_field_limits(c, note_fields, FIELDS(note_fields));
	ctx_field_limits(c, action_fields, FIELDS(action_fields));
	ctx_field_limits(c, fb_fields, FIELDS(fb_fields));
}
