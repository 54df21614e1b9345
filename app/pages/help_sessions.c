/* The help sessions of the rotation, for everyone (issue 17): GET
 * /help-sessions, POST /help-sessions/{id}/join; for leads /swap (`to`),
 * /swap/accept, /swap/decline, /log (`attendees`, `labels`). */
#include <stdio.h>
#include <string.h>

#include "core/week.h"
#include "pages/ctx.h"
#include "pages/routes.h"
#include "store/profiles.h"
#include "store/rotations.h"

enum { LF_ATTENDEES, LF_LABELS };
enum { SWF_TO };
static const struct field_spec log_fields[] = {
	{"attendees", "Attendees", FT_INT, 0, 1, 999999999999999L, NULL, 1},
	{"labels", "Labels", FT_LINE, 0, 0, 200, NULL, 0},
};

static const char no_such[] = "There is no help session at this address, or it is not yours to change.";

#define HELP_MAX 80 /* help_upcoming's most: 20 to log and 60 to come */

/* A session copied from the store's row, so that every time on the page is
 * formatted in one go (week_format_many). */
struct help_line {
	int64_t id, rotation_id, starts_at;
	int rsvps, joined, mine, offered_me, logged, attended;
	char rotation[ROT_NAME_MAX * 4 + 1], label[ROT_LABEL_MAX * 4 + 1], lead[400], swap[400];
};

struct list_arg {
	struct ctx *c;
	struct help_line rows[HELP_MAX];
	int n, failed;
	struct view *pv;    /* one environment for every name */
	struct buf people;  /* the names of one lead's form, rendered */
	const char *person; /* "_help_option" or "_help_attendee" */
	/* A lead's form sent back (422): session back_id's log or swap form
	 * as typed (back: its fields, by log_fields or swap_fields). */
	int64_t back_id;
	const struct fields *back;
	int back_log;
	int64_t row_id; /* the row being rendered */
};

/* Whether uid is among the values of repeatable field i as sent. */
static int sent_has(const struct fields *f, int i, int64_t uid)
{
	char id[24];
	snprintf(id, sizeof(id), "%lld", (long long)uid);
	for (size_t k = 0; k < f->v[i].nrep; k++)
		if (strcmp(f->v[i].rep[k], id) == 0)
			return 1;
	return f->v[i].nrep == 0 && f->v[i].present && strcmp(f->v[i].s, id) == 0;
}

/* One name for a lead's form: another lead (swap) or who joined (log). */
static void other_line(void *arg, int64_t uid, const char *name)
{
	struct list_arg *a = arg;
	view_int(a->pv, "uid", uid);
	view_str(a->pv, "name", name);
	/* Everyone who joined starts ticked; a form sent back keeps its ticks
	 * and its choice. */
	int back = a->back && a->row_id == a->back_id;
	view_str(a->pv, "checked",
		 !back || (a->back_log && sent_has(a->back, LF_ATTENDEES, uid)) ? " checked" : "");
	view_str(a->pv, "selected",
		 back && !a->back_log && sent_has(a->back, SWF_TO, uid) ? " selected" : "");
	if (view_render(a->pv, a->person, &a->people) != 0)
		a->failed = 1;
}

static void help_line(void *arg, const struct help_row *h)
{
	struct list_arg *a = arg;
	if (a->n == HELP_MAX)
		return;
	struct help_line *l = &a->rows[a->n++];
	l->id = h->id;
	l->rotation_id = h->rotation_id;
	l->starts_at = h->starts_at;
	l->rsvps = h->rsvps;
	l->joined = h->joined;
	l->mine = h->lead_id == a->c->user.id;
	l->offered_me = h->swap_to == a->c->user.id;
	l->logged = h->logged;
	l->attended = h->attended;
	snprintf(l->rotation, sizeof(l->rotation), "%s", h->rotation);
	snprintf(l->label, sizeof(l->label), "%s", h->label);
	snprintf(l->lead, sizeof(l->lead), "%s", h->lead_name);
	snprintf(l->swap, sizeof(l->swap), "%s", h->swap_name);
}

/* Each session is rendered from the flat partial of its state (plain
 * names, no {if}; README "Rows rendered flat"), a lead's form with its
 * names rendered first: HTML of escaped values only. 0, or a store error
 * (DB_ERR also when a row does not render). */
static enum db_rc help_rows_html(struct ctx *c, struct list_arg *a, const char *tz, struct buf *html)
{
	static char when[HELP_MAX][WEEK_WHEN_MAX];
	int64_t at[HELP_MAX];
	for (int i = 0; i < a->n; i++)
		at[i] = a->rows[i].starts_at;
	week_format_many(at, a->n, tz, when);
	struct view *v = view_new();
	a->pv = view_new();
	enum db_rc rc = v && a->pv ? DB_OK : DB_ERR;
	if (v) {
		view_csrf(v, c->csrf);
		view_int(v, "labels_max", log_fields[1].max);
	}
	for (int i = 0; rc == DB_OK && i < a->n; i++) {
		const struct help_line *h = &a->rows[i];
		int begun = h->starts_at <= c->now;
		char status[96], note[500] = "";
		/* Counts of who came are the lead's (they see the names
		 * anyway); anyone else learns only their own part: a count of
		 * 1..k-1 would tell who went (README, help sessions). */
		if (h->mine && h->logged)
			snprintf(status, sizeof(status), "%d joined, held: %d attended", h->rsvps,
				 h->attended);
		else if (h->mine)
			snprintf(status, sizeof(status), "%d joined", h->rsvps);
		else if (h->logged)
			snprintf(status, sizeof(status), h->joined ? "Held; you had joined" : "Held");
		else
			snprintf(status, sizeof(status), h->joined ? "You joined" : "Open to join");
		view_int(v, "id", h->id);
		view_str(v, "when", when[i]);
		view_str(v, "rotation", h->rotation);
		view_str(v, "lead", h->lead);
		view_str(v, "status", status);
		int back = a->back && h->id == a->back_id;
		view_str(v, "label", back && a->back_log ? a->back->v[LF_LABELS].s : h->label);
		a->row_id = h->id;
		const char *row = h->logged	  ? "_help_row_plain"
				  : h->offered_me ? "_help_row_offered"
				  : h->mine	  ? (begun ? "_help_row_log" : "_help_row_swap")
				  : h->joined	  ? "_help_row_joined"
						  : "_help_row_join";
		if (h->mine && !h->logged) {
			buf_reset(&a->people);
			a->person = begun ? "_help_attendee" : "_help_option";
			rc = begun ? help_rsvps_each(c->db, h->id, other_line, a)
				   : rotation_leads_each(c->db, h->rotation_id, c->user.id, other_line, a);
			if (*h->swap)
				snprintf(note, sizeof(note), "Offered to %s; waiting for their answer.",
					 h->swap);
			view_str(v, "offered_note", note);
			/* Rendered from escaped values only, hence trusted. */
			view_trusted_html(v, begun ? "attendees" : "options", buf_str(&a->people));
		}
		if (rc == DB_OK && (a->failed || view_render(v, row, html) != 0))
			rc = DB_ERR;
	}
	view_free(v);
	view_free(a->pv);
	buf_free(&a->people);
	return rc == DB_OK && html->oom ? DB_ERR : rc;
}

/* The page with status; a lead's log (log 1) or swap form of session id
 * sent back as typed (back) with why it was not saved (err), or none. */
static void show_back(struct ctx *c, int status, int64_t id, int log, const struct fields *back,
		      const char *err)
{
	struct view *v = ctx_view(c);
	static struct list_arg a;
	memset(&a, 0, sizeof(a));
	a.c = c;
	a.back_id = id;
	a.back = back;
	a.back_log = log;
	view_str(v, "form_err", err ? err : "");
	char tz[64];
	ctx_timezone(c, tz, sizeof(tz));
	struct buf html = {0};
	enum db_rc rc = help_upcoming(c->db, c->user.id, c->now, help_line, &a);
	if (rc == DB_OK)
		rc = help_rows_html(c, &a, tz, &html);
	if (rc != DB_OK) {
		buf_free(&html);
		ctx_store_error(c, rc);
		return;
	}
	view_str(v, "my_tz", tz);
	if (!html.len) /* a fixed line: trusted like the rows */
		buf_puts(&html,
			 "<li class=\"muted\" id=\"help-empty\">No help session is planned. An admin plans "
			 "them as a rotation of leads; they show here once one is.</li>");
	/* Rows rendered above from escaped values only, hence trusted. */
	ctx_render_slot(c, status, "help_sessions", "Help sessions", buf_str(&html));
	buf_free(&html);
}

void page_help_sessions(struct ctx *c)
{
	show_back(c, 200, 0, 0, NULL, NULL);
}

/* The lead's form lists everyone who joined: one field can hold them. */
_Static_assert(HELP_MAX_JOINED <= FIELDS_MAX_REPEAT, "a help session's attendees fit one form");

static void answer(struct ctx *c, enum rot_rc r, const char *ok)
{
	switch (r) {
	case ROT_OK:
		ctx_flash(c, ok);
		resp_redirect(c->resp, "/help-sessions");
		return;
	case ROT_DB_BUSY:
	case ROT_DB_ERR:
	case ROT_DB_FULL: ctx_store_error(c, r); return;
	case ROT_NOTFOUND: ctx_error(c, 404, no_such); return;
	case ROT_BAD_LEAD: ctx_error(c, 422, "Offer the session to another lead of this rotation."); return;
	case ROT_STATE:
		ctx_error(c, 409, "This session was logged already, has begun, or has no offer to answer.");
		return;
	case ROT_BUSY_WEEK:
		ctx_error(c, 409,
			  "You already lead a session of this rotation that week: each lead leads at most "
			  "one a week.");
		return;
	case ROT_NOT_YET: ctx_error(c, 409, "Log the session once it has begun."); return;
	case ROT_BAD_ATTENDEE:
		ctx_error(c, 422, "Mark as attended only people who joined the session.");
		return;
	case ROT_JOINED: ctx_error(c, 409, "You joined this help session already, or you lead it."); return;
	case ROT_OVER: ctx_error(c, 409, "This help session is over. Join one of the coming ones."); return;
	case ROT_FULL: {
		char m[160];
		snprintf(m, sizeof(m),
			 "This help session is full: %d people joined it already. Join another day's.",
			 HELP_MAX_JOINED);
		ctx_error(c, 409, m);
		return;
	}
	}
}

void page_help_join(struct ctx *c)
{
	answer(c, help_join(c->db, c->req->ids[0], c->user.id, c->now), "You joined the help session.");
}

static const struct field_spec swap_fields[] = {{"to", "Lead", FT_INT, 1, 1, 999999999999999L, NULL, 0}};

void page_help_swap(struct ctx *c)
{
	struct fields f;
	int st = fields_read(swap_fields, FIELDS(swap_fields), &c->req->body, &f);
	if (st == 400) {
		ctx_error(c, 400, "The form had fields Tandem does not know. Nothing was changed.");
		return;
	}
	if (st == 422) {
		show_back(c, 422, c->req->ids[0], 0, &f,
			  "Choose the lead to offer the session to from the list. Nothing was changed.");
		return;
	}
	enum rot_rc r = help_swap_offer(c->db, c->req->ids[0], c->user.id, f.v[SWF_TO].i, c->now);
	if (r == ROT_BAD_LEAD) {
		show_back(c, 422, c->req->ids[0], 0, &f,
			  "Offer the session to another lead of this rotation, from the list. Nothing was "
			  "changed.");
		return;
	}
	answer(c, r, "Offered. The other lead is told by mail and accepts or declines here.");
}

void page_help_swap_accept(struct ctx *c)
{
	answer(c, help_swap_answer(c->db, c->req->ids[0], c->user.id, 1, c->now),
	       "Accepted: you lead this session now.");
}

void page_help_swap_decline(struct ctx *c)
{
	answer(c, help_swap_answer(c->db, c->req->ids[0], c->user.id, 0, c->now),
	       "Declined: the session stays with its lead.");
}

void page_help_log(struct ctx *c)
{
	static const char pick[] = "Mark the attendees from the list; labels are one line of at most 200 "
				   "characters. Nothing was saved; what you entered is kept below.";
	struct fields f;
	int st = fields_read(log_fields, FIELDS(log_fields), &c->req->body, &f);
	if (st == 400) {
		ctx_error(c, 400, "The form had fields Tandem does not know. Nothing was changed.");
		return;
	}
	int64_t ids[FIELDS_MAX_REPEAT];
	int n = 0;
	for (size_t i = 0; st == 0 && i < f.v[LF_ATTENDEES].nrep; i++) {
		long long id = 0;
		char tail;
		if (sscanf(f.v[LF_ATTENDEES].rep[i], "%lld%c", &id, &tail) != 1)
			st = 422;
		else
			ids[n++] = id;
	}
	if (st == 422) {
		show_back(c, 422, c->req->ids[0], 1, &f, pick);
		return;
	}
	enum rot_rc r = help_log(c->db, c->req->ids[0], c->user.id, ids, n, f.v[LF_LABELS].s, c->now);
	if (r == ROT_BAD_ATTENDEE) {
		show_back(c, 422, c->req->ids[0], 1, &f,
			  "Mark as attended only people who joined the session. Nothing was saved; what you "
			  "entered is kept below.");
		return;
	}
	answer(c, r, "Logged: it counts as a help session led, and attended by each attendee.");
}
