/* GET /mentors/{id} with the request form; POST /requests; GET /requests,
 * GET /requests/{id}; accept, decline, withdraw. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/log.h"
#include "pages/ctx.h"
#include "pages/format.h"
#include "pages/mentors.h"
#include "pages/requests.h"
#include "pages/routes.h"
#include "store/mentorships.h"
#include "store/directory.h"
#include "store/profiles.h"
#include "store/requests.h"
#include "store/sealcol.h"

static const char *const cadences[] = {"weekly", "biweekly", "monthly", NULL};
static const char *const lengths[] = {"20", "30", "45", "60", "90", NULL};
static const char *const kinds[] = {"series", "single", NULL};
static const struct field_spec req_fields[] = {
	{"mentor_id", "Mentor", FT_INT, 1, 1, 999999999999999, NULL, 0},
	{"topic", "Topic", FT_LINE, 1, 1, 40, NULL, 0},
	{"goal", "Goal", FT_TEXT, 1, 20, 1000, NULL, 0},
	{"format", "Format", FT_CHOICE, 1, 0, 0, format_names, 0},
	{"cadence", "How often", FT_CHOICE, 1, 0, 0, cadences, 0},
	{"duration_min", "Session length", FT_CHOICE, 1, 0, 0, lengths, 0},
	{"weeks", "Weeks", FT_INT, 1, 1, 52, NULL, 0},
	{"message", "Message", FT_TEXT, 0, 0, 2000, NULL, 0},
	{"kind", "Kind", FT_CHOICE, 0, 0, 0, kinds, 0}, /* issue 21: absent is a series */
};
#define NREQ FIELDS(req_fields)
enum { R_MENTOR, R_TOPIC, R_GOAL, R_FORMAT, R_CADENCE, R_LEN, R_WEEKS, R_MSG, R_KIND };

struct mentor_view {
	int64_t id, capacity, active;
	unsigned formats;
	char name[400];
};

struct mentor_arg {
	struct ctx *c;
	struct mentor_view *m;
};

static void mentor_fill(void *arg, const struct mentor_public *p)
{
	struct mentor_arg *a = arg;
	struct view *v = ctx_view(a->c);
	struct mentor_view *m = a->m;
	m->id = p->id;
	snprintf(m->name, sizeof(m->name), "%s", p->name);
	view_int(v, "mentor_id", p->id);
	view_str(v, "mentor_name", m->name);
	view_str(v, "mentor_title", p->job_title);
	view_str(v, "mentor_team", p->team);
	view_str(v, "mentor_tz", p->timezone);
	view_str(v, "mentor_bio", p->bio);
	m->capacity = p->capacity;
	m->formats = p->formats;
}

/* Load an active mentor's public profile into the view. DB_NOTFOUND when
 * the person does not mentor. */
static enum db_rc load_mentor(struct ctx *c, int64_t id, struct mentor_view *m)
{
	struct mentor_arg a = {c, m};
	enum db_rc rc = profile_mentor_public(c->db, id, mentor_fill, &a);
	if (rc != DB_OK)
		return rc;
	struct view *v = ctx_view(c);
	m->active = req_active_mentees(c->db, id);
	if (m->active < 0)
		return DB_ERR;
	struct profile p;
	profile_get(c->db, id, &p);
	view_str(v, "mentor_focus", p.focus);
	/* The topic <select>: the mentor's focus areas. */
	char names[TOPICS_MAX][TOPIC_MAX_CHARS * 4 + 1];
	const char *why;
	int n = topics_split(p.focus, names, &why);
	const char *items[TOPICS_MAX];
	for (int i = 0; i < n; i++)
		items[i] = names[i];
	view_strlist_set(v, "mentor_topics", items, n > 0 ? n : 0);
	struct vlist *fl = view_list_new();
	for (int i = 0; i < FORMAT_COUNT; i++) {
		if (!(m->formats & (1u << i)))
			continue;
		struct vrow *r = view_row_new();
		view_row_str(r, format_names[i]);
		view_row_str(r, format_labels[i]);
		view_list_add(fl, r);
	}
	view_list_set(v, "mentor_formats", fl);
	int64_t median = directory_median_answer(c->db, id);
	struct vrow *card = view_row_new();
	mentor_card_extras(card, m->capacity, m->active, m->formats, median);
	struct vlist *one = view_list_new();
	view_list_add(one, card);
	view_list_set(v, "card", one);
	return DB_OK;
}

/* Why this person cannot send a request now, or NULL. Sets "existing"
 * to a pending request's id when there is one to this mentor. */
static const char *blocked(struct ctx *c, const struct mentor_view *m)
{
	struct view *v = ctx_view(c);
	int64_t pending = 0, existing = 0;
	req_pending_of(c->db, c->user.id, m->id, c->now, &pending, &existing);
	view_int(v, "existing", existing);
	if (m->id == c->user.id)
		return "This is your own mentor profile. This is how mentees see it.";
	if (m->active >= m->capacity)
		return "No places free right now: this mentor is at capacity. Try another mentor with the "
		       "same topic.";
	if (existing)
		return "You already have a request waiting with this mentor.";
	if (pending >= REQ_MAX_PENDING)
		return "You have 3 requests waiting for an answer. Withdraw one, or wait for answers, before "
		       "asking someone else.";
	/* (A failed count is left to the page, which answers 500.) */
	if (req_active_mentors(c->db, c->user.id) >= c->cfg->max_mentors)
		return "You already have as many mentors as the program allows at once. Complete or end a "
		       "mentorship before asking for another.";
	return NULL;
}

static void mentor_page(struct ctx *c, int64_t id, int status, const struct fields *f)
{
	/* The typed values first: load_mentor then sets the mentor's own
	 * names (mentor_id among them) on top. */
	ctx_form_values(c, req_fields, NREQ, f);
	struct mentor_view m = {0};
	enum db_rc rc = load_mentor(c, id, &m);
	if (rc != DB_OK) {
		if (rc == DB_NOTFOUND)
			ctx_error(c, 404, "There is no mentor at this address.");
		else
			ctx_store_error(c, rc);
		return;
	}
	struct view *v = ctx_view(c);
	const char *why = blocked(c, &m);
	view_str(v, "blocked", why);
	if (!f) {
		view_str(v, "weeks", "6");
		view_str(v, "cadence", "weekly");
		view_str(v, "duration_min", "45");
		view_str(v, "kind", "");
	}
	/* issue 21: how many mentors I have, and the first contact suggested. */
	int64_t mine = req_active_mentors(c->db, c->user.id);
	int had = req_had_mentor(c->db, c->user.id, id);
	if (mine < 0 || had < 0) {
		ctx_store_error(c, DB_ERR);
		return;
	}
	view_int(v, "my_mentors", mine);
	view_int(v, "max_mentors", c->cfg->max_mentors);
	view_int(v, "first_contact", !had);
	char title[500];
	snprintf(title, sizeof(title), "%s, mentor", m.name);
	ctx_render(c, status, "mentor", title);
}

void page_mentor(struct ctx *c)
{
	mentor_page(c, c->req->ids[0], 200, NULL);
}

void page_request_create(struct ctx *c)
{
	struct fields f;
	int st = fields_read(req_fields, NREQ, &c->req->body, &f);
	if (st == 400 || f.err[R_MENTOR]) {
		ctx_error(c, 400, "The form had fields or choices Tandem does not know.");
		return;
	}
	/* issue 16: an address not confirmed yet asks nobody (the banner
	 * on every page says so and offers the link again). */
	if (!c->user.verified) {
		ctx_error(
			c, 403,
			"Confirm your email address first: open the link we sent you. Until then you cannot "
			"send requests. The banner at the top of the page sends the link again.");
		return;
	}
	int64_t mentor = f.v[R_MENTOR].i;
	struct profile p;
	struct user mu;
	if (profile_get(c->db, mentor, &p) != DB_OK || !p.is_mentor ||
	    user_by_id(c->db, mentor, &mu) != DB_OK || !mu.verified) {
		ctx_error(c, 404, "There is no mentor at this address.");
		return;
	}
	int64_t tid = 0;
	char names[TOPICS_MAX][TOPIC_MAX_CHARS * 4 + 1];
	const char *why;
	int nt = topics_split(p.focus, names, &why), known = 0;
	for (int i = 0; i < nt && !f.err[R_TOPIC]; i++)
		known |= strcasecmp(names[i], f.v[R_TOPIC].s) == 0;
	if (!f.err[R_TOPIC] && !known)
		fields_fail(&f, R_TOPIC, "Choose one of this mentor's focus areas.");
	if (!f.err[R_FORMAT] && !(p.formats & format_bit(f.v[R_FORMAT].s)))
		fields_fail(&f, R_FORMAT, "This mentor does not offer that format; choose one they offer.");
	if (!f.nerr && topic_id(c->db, f.v[R_TOPIC].s, 0, &tid) != DB_OK)
		fields_fail(&f, R_TOPIC, "Choose one of this mentor's focus areas.");
	if (f.nerr) {
		mentor_page(c, mentor, 422, &f);
		return;
	}
	struct req_new n = {.mentee_id = c->user.id,
			    .mentor_id = mentor,
			    .topic_id = tid,
			    .goal = f.v[R_GOAL].s,
			    .format = f.v[R_FORMAT].s,
			    .cadence = f.v[R_CADENCE].s,
			    .message = f.v[R_MSG].s,
			    .duration_min = atoi(f.v[R_LEN].s),
			    .weeks = (int)f.v[R_WEEKS].i,
			    .kind = f.v[R_KIND].s,
			    .max_mentors = c->cfg->max_mentors};
	int64_t id = 0;
	enum req_rc r = req_create(c->db, &n, c->now, &id);
	const char *msg = NULL;
	switch (r) {
	case REQ_OK: {
		char fl[600];
		snprintf(fl, sizeof(fl),
			 "Request sent. Mentors answer within 7 days; after 14 days without an "
			 "answer a request expires and you can ask someone else.");
		ctx_flash(c, fl);
		char loc[64];
		snprintf(loc, sizeof(loc), "/requests/%lld", (long long)id);
		resp_redirect(c->resp, loc);
		return;
	}
	case REQ_DB_BUSY:
	case REQ_DB_ERR:
	case REQ_DB_FULL: ctx_store_error(c, r); return;
	case REQ_SELF: msg = "You cannot send a request to yourself."; break;
	case REQ_NO_ROOM: msg = "This mentor has no places free right now."; break;
	case REQ_DUPLICATE: msg = "You already have a request waiting with this mentor."; break;
	case REQ_TOO_MANY:
		msg = "You already have 3 requests waiting for an answer. Withdraw one first.";
		break;
	case REQ_MAX_MENTORS:
		msg = "You already have as many mentors as the program allows at once. Complete or end a "
		      "mentorship first.";
		break;
	default: msg = "This person does not take mentees."; break;
	}
	fields_fail(&f, R_GOAL, msg);
	mentor_page(c, mentor, 422, &f);
}

void request_row_add(void *arg, const struct req_row *row)
{
	struct request_rows *rows = arg;
	int64_t now = rows->c->now;
	struct vrow *r = view_row_new();
	view_row_int(r, row->id);
	view_row_str(r, row->other);
	view_row_str(r, row->topic);
	view_row_str(r, row->status);
	view_row_str(r, fmt_request_status(row->status));
	char waited[40];
	fmt_duration(now - row->created_at, waited, sizeof(waited));
	view_row_str(r, waited);
	view_row_int(r, strcmp(row->status, "pending") == 0 && now - row->created_at >= REQ_OVERDUE_AFTER);
	view_row_url(r, row->topic); /* the topic, for ?topic= */
	view_list_add(rows->l, r);
}

/* 25 a list: two lists of 25 rows stay far below 64 KB. */
#define REQUESTS_PAGE 25

enum { L_IN_AT, L_IN_ID, L_OUT_AT, L_OUT_ID, NLIST };
static const struct field_spec list_fields[] = {
	[L_IN_AT] = {"in_at", "Incoming page", FT_INT, 0, 0, 9007199254740991L, NULL, 0},
	[L_IN_ID] = {"in_id", "Incoming page", FT_INT, 0, 0, 9007199254740991L, NULL, 0},
	[L_OUT_AT] = {"out_at", "Outgoing page", FT_INT, 0, 0, 9007199254740991L, NULL, 0},
	[L_OUT_ID] = {"out_id", "Outgoing page", FT_INT, 0, 0, 9007199254740991L, NULL, 0},
};

/* A page's rows and where they stopped (the next page's cursor). */
struct paged_rows {
	struct request_rows rows; /* first: request_row_add's argument */
	int64_t last_at, last_id;
};

static void paged_row_add(void *arg, const struct req_row *row)
{
	struct paged_rows *p = arg;
	request_row_add(&p->rows, row);
	p->last_at = row->created_at;
	p->last_id = row->id;
}

/* One list of requests for the page, as mentor (incoming) or mentee, from
 * the cursor (at, id): sets NAME (the rows), NAME_more and NAME_at/_id
 * (the next page's cursor). */
static enum db_rc request_rows(struct ctx *c, int incoming, const struct fields *f, const char *name)
{
	int at = incoming ? L_IN_AT : L_OUT_AT, id = incoming ? L_IN_ID : L_OUT_ID;
	struct keyset after = {f->v[at].present ? f->v[at].i : 0, f->v[id].present ? f->v[id].i : 0};
	struct paged_rows rows = {{c, view_list_new()}, 0, 0};
	int more = 0;
	enum db_rc rc = req_list(c->db, c->user.id, incoming, c->now, &after, REQUESTS_PAGE, paged_row_add,
				 &rows, &more);
	struct view *v = ctx_view(c);
	char key[32];
	snprintf(key, sizeof(key), "%s_n", name); /* counted before the list is handed over */
	view_int(v, key, view_list_len(rows.rows.l));
	view_list_set(v, name, rows.rows.l);
	snprintf(key, sizeof(key), "%s_more", name);
	view_int(v, key, more);
	snprintf(key, sizeof(key), "%s_at", name);
	view_int(v, key, rows.last_at);
	snprintf(key, sizeof(key), "%s_id", name);
	view_int(v, key, rows.last_id);
	snprintf(key, sizeof(key), "%s_paged", name);
	view_int(v, key, after.id != 0);
	return rc;
}

void page_requests(struct ctx *c)
{
	struct fields f;
	if (fields_read(list_fields, FIELDS(list_fields), &c->req->query, &f) != 0) {
		ctx_error(c, 400, "That page of requests does not exist: follow the links on /requests.");
		return;
	}
	enum db_rc rc = request_rows(c, 1, &f, "incoming");
	if (rc == DB_OK)
		rc = request_rows(c, 0, &f, "outgoing");
	if (rc != DB_OK) {
		ctx_store_error(c, rc);
		return;
	}
	/* Each list's links keep the other list where it is. */
	view_int(ctx_view(c), "in_cur_at", f.v[L_IN_AT].present ? f.v[L_IN_AT].i : 0);
	view_int(ctx_view(c), "in_cur_id", f.v[L_IN_ID].present ? f.v[L_IN_ID].i : 0);
	view_int(ctx_view(c), "out_cur_at", f.v[L_OUT_AT].present ? f.v[L_OUT_AT].i : 0);
	view_int(ctx_view(c), "out_cur_id", f.v[L_OUT_ID].present ? f.v[L_OUT_ID].i : 0);
	ctx_render(c, 200, "requests", "Requests");
}

struct request_page_arg {
	struct ctx *c;
	int unreadable;
	const char *reason, *reason_err; /* a decline sent back (NULL: none) */
};

/* Fills the view only: the page renders once the store is done. */
static void request_page(void *arg, const struct req_detail *d)
{
	struct request_page_arg *a = arg;
	struct ctx *c = a->c;
	a->unreadable = d->unreadable;
	if (d->unreadable)
		return;
	struct view *v = ctx_view(c);
	view_int(v, "id", d->id);
	view_int(v, "is_mentor", d->mentor_id == c->user.id);
	view_str(v, "mentee_name", d->mentee_name);
	view_str(v, "mentor_name", d->mentor_name);
	view_str(v, "topic", d->topic);
	view_str(v, "goal", d->goal);
	view_str(v, "format", format_label(d->format));
	view_str(v, "cadence", fmt_cadence(d->cadence));
	view_int(v, "duration_min", d->duration_min);
	view_int(v, "weeks", d->weeks);
	view_int(v, "single", d->single);
	view_str(v, "message", d->message);
	view_str(v, "status", d->status);
	view_str(v, "status_text", fmt_request_status(d->status));
	view_str(v, "reason", d->reason);
	char waited[40];
	fmt_duration(c->now - d->created_at, waited, sizeof(waited));
	view_str(v, "waited", waited);
	view_int(v, "overdue",
		 strcmp(d->status, "pending") == 0 && c->now - d->created_at >= REQ_OVERDUE_AFTER);
	view_int(v, "mentorship_id", d->mentorship_id);
	view_str(v, "reason_value", a->reason_err ? a->reason : "");
	view_str(v, "reason_err", a->reason_err ? a->reason_err : "");
	/* Answered meanwhile (an old tab): the decline form is gone from the
	 * page, so why, and what was typed, go on top. */
	int form_shown = strcmp(d->status, "pending") == 0 && d->mentor_id == c->user.id;
	view_str(v, "form_err", a->reason_err && !form_shown ? a->reason_err : "");
	view_str(v, "form_kept", a->reason_err && !form_shown ? a->reason : "");
}

/* Sets the NAME_max of this page's forms: their field tables come later
 * in this file, with their handlers. */
static void request_limits(struct ctx *c);

/* The request's page with status; reason / why: a decline sent back. */
static void request_show(struct ctx *c, int status, const char *reason, const char *why)
{
	struct request_page_arg a = {c, 0, reason, why};
	enum db_rc rc = req_get_for(c->db, c->req->ids[0], c->user.id, c->now, request_page, &a);
	if (rc == DB_NOTFOUND)
		ctx_error(c, 404, "There is no request at this address, or it is not yours to see.");
	else if (rc != DB_OK)
		ctx_store_error(c, rc);
	else if (a.unreadable)
		ctx_error(c, 500, "This request could not be read. The error was logged.");
	else {
		request_limits(c);
		ctx_render(c, status, "request", "Mentoring request");
	}
}

void page_request(struct ctx *c)
{
	request_show(c, 200, NULL, NULL);
}

/* The answer to a failed action, the same for all three. */
static void action_failed(struct ctx *c, enum req_rc r)
{
	if (db_failed(r))
		ctx_store_error(c, r);
	else if (r == REQ_NOTFOUND)
		ctx_error(c, 404, "There is no request at this address, or it is not yours to answer.");
	else if (r == REQ_NO_ROOM)
		ctx_error(c, 409,
			  "You have no places free, so this request cannot be accepted. Raise your "
			  "capacity on your profile, or decline it kindly.");
	else if (r == REQ_MAX_MENTORS)
		ctx_error(c, 409,
			  "This mentee already has as many mentors as the program allows at once, so this "
			  "request cannot be accepted now.");
	else
		ctx_error(c, 409, "This request was already answered, withdrawn, or expired.");
}

static const struct field_spec no_fields[] = {{"x", "x", FT_FLAG, 0, 0, 0, NULL, 0}};
static const struct field_spec decline_fields[] = {{"reason", "Reason", FT_TEXT, 0, 0, 1000, NULL, 0}};
enum { D_REASON };

void page_request_accept(struct ctx *c)
{
	struct fields f;
	if (fields_read(no_fields, 0, &c->req->body, &f) != 0) {
		ctx_error(c, 400, "This form takes no fields.");
		return;
	}
	int64_t mid = 0;
	enum req_rc r = req_accept(c->db, c->req->ids[0], c->user.id, c->now, c->cfg->max_mentors, &mid);
	if (r != REQ_OK) {
		action_failed(c, r);
		return;
	}
	/* A single conversation has no plan (issue 21): say what starts. */
	struct mentorship m;
	int single = ms_get_for(c->db, mid, c->user.id, &m) == DB_OK && strcmp(m.kind, "single") == 0;
	ctx_flash(c, single ? "Accepted. Your conversation is on: plan when you meet on the page below."
			    : "Accepted. Your mentorship has started: here is a plan to adapt together.");
	char loc[64];
	snprintf(loc, sizeof(loc), "/mentorships/%lld", (long long)mid);
	resp_redirect(c->resp, loc);
}

void page_request_decline(struct ctx *c)
{
	struct fields f;
	int st = fields_read(decline_fields, FIELDS(decline_fields), &c->req->body, &f);
	if (st == 400) {
		ctx_error(c, 400, "The form had fields Tandem does not know.");
		return;
	}
	if (st == 422) {
		request_show(c, 422, f.v[D_REASON].s,
			     "Keep the reason to at most 1,000 characters. Nothing was changed.");
		return;
	}
	enum req_rc r = req_decline(c->db, c->req->ids[0], c->user.id, f.v[D_REASON].s, c->now);
	if (r != REQ_OK) {
		action_failed(c, r);
		return;
	}
	ctx_flash(c, *f.v[D_REASON].s ? "Declined. The mentee sees your reason and can ask someone else."
				      : "Declined. The mentee can ask someone else.");
	resp_redirect(c->resp, "/requests");
}

void page_request_withdraw(struct ctx *c)
{
	struct fields f;
	if (fields_read(no_fields, 0, &c->req->body, &f) != 0) {
		ctx_error(c, 400, "This form takes no fields.");
		return;
	}
	enum req_rc r = req_withdraw(c->db, c->req->ids[0], c->user.id, c->now);
	if (r != REQ_OK) {
		action_failed(c, r);
		return;
	}
	ctx_flash(c, "Request withdrawn.");
	resp_redirect(c->resp, "/requests");
}

static void request_limits(struct ctx *c)
{
	ctx_field_limits(c, decline_fields, FIELDS(decline_fields));
}
