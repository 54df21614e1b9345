/* Office hours (issue 17): GET,POST /office-hours, GET /office-hours/{oid},
 * POST /office-hours/{oid}/book, /cancel (a member's own seat), /close and
 * /attendance (the host). Times are shown in each viewer's own zone. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "core/week.h"
#include "core/when.h"
#include "pages/ctx.h"
#include "pages/routes.h"
#include "store/office_hours.h"
#include "store/pairings.h"
#include "store/profiles.h"

static const char *const weekday_names[] = {"1", "2", "3", "4", "5", "6", "7", NULL};
static const char *const weekday_labels[] = {"Monday", "Tuesday",  "Wednesday", "Thursday",
					     "Friday", "Saturday", "Sunday"};

static const struct field_spec oh_fields[] = {
	{"weekday", "Weekday", FT_CHOICE, 1, 0, 0, weekday_names, 0},
	{"start_time", "Start time", FT_LINE, 1, 5, 5, NULL, 0},
	{"duration_min", "Length", FT_INT, 1, 5, 480, NULL, 0},
	{"seats", "Seats", FT_INT, 1, 1, 20, NULL, 0},
	{"topic", "Topic", FT_LINE, 1, 1, OH_TOPIC_MAX, NULL, 0},
	{"where", "Where", FT_LINE, 1, 1, OH_WHERE_MAX, NULL, 0},
	{"weeks", "Weeks", FT_INT, 1, 1, 26, NULL, 0},
};
enum { OF_WEEKDAY, OF_START, OF_DURATION, OF_SEATS, OF_TOPIC, OF_WHERE, OF_WEEKS };

enum { Q_AT, Q_ID };

/* Text that starts with a URL scheme ("https:", "javascript:"): letters,
 * digits, + - . up to a colon. "Room 4: east wing" or "httpd lab" is a
 * room; a scheme must be http(s) to be accepted, and only those become
 * links. */
static int has_scheme(const char *s)
{
	size_t i = 0;
	while (isalnum((unsigned char)s[i]) || s[i] == '+' || s[i] == '-' || s[i] == '.')
		i++;
	return i > 0 && s[i] == ':';
}
static const struct field_spec page_fields[] = {
	[Q_AT] = {"at", "Page", FT_INT, 0, 0, 9007199254740991L, NULL, 0},
	[Q_ID] = {"id", "Page", FT_INT, 0, 1, 9007199254740991L, NULL, 0},
};

static const struct field_spec att_fields[] = {
	{"attended", "Attended", FT_INT, 0, 1, 999999999999999L, NULL, 1},
};

static const char no_such[] = "There are no office hours at this address.";

/* A page of occurrences, copied from the store's rows so that their times
 * are formatted together (week_format_many) before the rows are made. */
struct oh_line {
	int64_t id, starts_at;
	int duration_min, free, mine, own, link;
	char topic[OH_TOPIC_MAX * 4 + 1], place[OH_WHERE_MAX * 4 + 1], host[400];
};

struct list_arg {
	struct oh_line rows[OH_PAGE];
	int n;
	int64_t me;
	struct keyset last;
};

static int is_link(const char *place)
{
	return strncmp(place, "http://", 7) == 0 || strncmp(place, "https://", 8) == 0;
}

static void oh_line(void *arg, const struct oh_row *o)
{
	struct list_arg *a = arg;
	if (a->n == OH_PAGE)
		return;
	struct oh_line *l = &a->rows[a->n++];
	l->id = o->id;
	l->starts_at = o->starts_at;
	l->duration_min = o->duration_min;
	l->free = o->seats - o->booked;
	l->mine = o->mine;
	l->own = o->host_id == a->me;
	l->link = is_link(o->place);
	snprintf(l->topic, sizeof(l->topic), "%s", o->topic);
	snprintf(l->place, sizeof(l->place), "%s", o->place);
	snprintf(l->host, sizeof(l->host), "%s", o->host_name);
	a->last = (struct keyset){o->starts_at, o->id};
}

/* The rows, each rendered from a flat partial chosen here (one per
 * state, no {if}, plain names): CTPL copies a row at every {o[i]} of a
 * {for} and a value at every comparison, which was most of this page's
 * time (as for /admin/users, README "Rows rendered flat"). Built from
 * escaped values only. 0 or -1. */
static int oh_lines(const struct list_arg *a, const char *tz, struct buf *html)
{
	static char when[OH_PAGE][WEEK_WHEN_MAX];
	int64_t at[OH_PAGE];
	for (int i = 0; i < a->n; i++)
		at[i] = a->rows[i].starts_at;
	week_format_many(at, a->n, tz, when);
	struct view *v = view_new();
	if (!v)
		return -1;
	/* The rows' buttons post the one form around the list (its token
	 * once, formaction per row): a token in each of 25 rows was a
	 * third of the page's bytes. */
	int rc = 0;
	for (int i = 0; rc == 0 && i < a->n; i++) {
		const struct oh_line *o = &a->rows[i];
		char left[48];
		snprintf(left, sizeof(left), "%d %s left", o->free, o->free == 1 ? "seat" : "seats");
		view_int(v, "id", o->id);
		view_str(v, "when", when[i]);
		view_str(v, "topic", o->topic);
		view_str(v, "host", o->host);
		view_int(v, "duration_min", o->duration_min);
		view_str(v, "where", o->link ? "online" : o->place);
		view_str(v, "seats_left", left);
		const char *row = o->own	? "_oh_row_own"
				  : o->mine	? "_oh_row_booked"
				  : o->free > 0 ? "_oh_row_free"
						: "_oh_row_full";
		rc = view_render(v, row, html);
	}
	view_free(v);
	return rc == 0 && !html->oom ? 0 : -1;
}

static void show(struct ctx *c, int status, const struct fields *f, const struct keyset *after)
{
	struct view *v = ctx_view(c);
	char tz[64];
	ctx_timezone(c, tz, sizeof(tz));
	ctx_form_values(c, oh_fields, FIELDS(oh_fields), f);
	if (!f) {
		view_str(v, "start_time", "15:00");
		view_str(v, "duration_min", "60");
		view_str(v, "seats", "4");
		view_str(v, "weeks", "4");
		view_str(v, "weekday", "3");
	}
	view_str(v, "my_tz", tz);
	struct vlist *days = view_list_new();
	for (int i = 0; i < 7; i++) {
		struct vrow *r = view_row_new();
		view_row_str(r, weekday_names[i]);
		view_row_str(r, weekday_labels[i]);
		view_list_add(days, r);
	}
	view_list_set(v, "weekdays", days);
	static struct list_arg a;
	a.n = 0;
	a.me = c->user.id;
	a.last = (struct keyset){0, 0};
	int more = 0;
	enum db_rc rc = oh_upcoming(c->db, c->user.id, c->now, after, oh_line, &a, &more);
	if (rc != DB_OK) {
		ctx_store_error(c, rc);
		return;
	}
	struct buf html = {0};
	if (oh_lines(&a, tz, &html) != 0) {
		buf_free(&html);
		ctx_error(c, 500, "This list could not be shown. The error was logged.");
		return;
	}
	view_int(v, "more", more);
	view_int(v, "paged", after->id != 0);
	view_int(v, "next_at", a.last.at);
	view_int(v, "next_id", a.last.id);
	/* Rows rendered above from escaped values only, hence trusted. */
	ctx_render_slot(c, status, "office_hours", "Office hours", buf_str(&html));
	buf_free(&html);
}

void page_office_hours(struct ctx *c)
{
	struct fields q;
	if (fields_read(page_fields, FIELDS(page_fields), &c->req->query, &q) != 0) {
		ctx_error(c, 400,
			  "That page of office hours does not exist: follow the links on /office-hours.");
		return;
	}
	struct keyset after = {q.v[Q_AT].present ? q.v[Q_AT].i : 0, q.v[Q_ID].present ? q.v[Q_ID].i : 0};
	show(c, 200, NULL, &after);
}

void page_office_hours_publish(struct ctx *c)
{
	struct fields f;
	int st = fields_read(oh_fields, FIELDS(oh_fields), &c->req->body, &f);
	if (st == 400) {
		ctx_error(c, 400, "The form had fields or choices Tandem does not know. Nothing was saved.");
		return;
	}
	char tz[64], day[16];
	ctx_timezone(c, tz, sizeof(tz));
	if (!f.err[OF_START] && (!when_hhmm_ok(f.v[OF_START].s) ||
				 oh_occurrence_at(1, f.v[OF_START].s, tz, c->now, 0, day, sizeof(day)) < 0))
		fields_fail(&f, OF_START, "Give the start time as HH:MM, from 00:00 to 23:59.");
	const char *where = f.v[OF_WHERE].s;
	/* A room is any line of text; anything that looks like a link must
	 * be an http(s) one (no javascript:, no ftp://). */
	if (!f.err[OF_WHERE] && (has_scheme(where) || strstr(where, "://")) &&
	    !(is_link(where) && pairing_link_ok(where)))
		fields_fail(&f, OF_WHERE, "Give a room, or a video link starting with http:// or https://.");
	struct keyset top = {0, 0};
	if (f.nerr) {
		show(c, 422, &f, &top);
		return;
	}
	struct oh_new n = {
		.weekday = f.v[OF_WEEKDAY].s[0] - '0',
		.start_time = f.v[OF_START].s,
		.tz = tz,
		.duration_min = (int)f.v[OF_DURATION].i,
		.seats = (int)f.v[OF_SEATS].i,
		.weeks = (int)f.v[OF_WEEKS].i,
		.topic = f.v[OF_TOPIC].s,
		.where = where,
	};
	int64_t sid = 0;
	enum oh_rc r = oh_publish(c->db, c->user.id, &n, c->now, &sid);
	if (r != OH_OK) {
		ctx_store_error(c, r);
		return;
	}
	char msg[160];
	snprintf(msg, sizeof(msg), "Office hours published: %d %s, every %s at %s (%s).", n.weeks,
		 n.weeks == 1 ? "occurrence" : "occurrences", weekday_labels[n.weekday - 1], n.start_time,
		 tz);
	ctx_flash(c, msg);
	resp_redirect(c->resp, "/office-hours");
}

struct one_arg {
	struct view *v;
	const char *tz;
	int64_t host_id;
	int64_t me;
};

static void one_line(void *arg, const struct oh_row *o)
{
	struct one_arg *a = arg;
	char when[128];
	when_format(o->starts_at, a->tz, when, sizeof(when));
	a->host_id = o->host_id;
	view_int(a->v, "oid", o->id);
	view_str(a->v, "when", when);
	view_str(a->v, "topic", o->topic);
	view_str(a->v, "host", o->host_name);
	view_int(a->v, "duration_min", o->duration_min);
	view_int(a->v, "seats", o->seats);
	view_int(a->v, "free", o->seats - o->booked);
	view_int(a->v, "mine", o->mine);
	view_str(a->v, "place", o->place);
	view_int(a->v, "place_link", is_link(o->place));
	view_int(a->v, "cancelled", strcmp(o->status, "cancelled") == 0);
	view_int(a->v, "is_host", o->host_id == a->me);
}

/* The guests' boxes: ticked as saved, or as the host sent them (att). */
struct guests_arg {
	struct vlist *l;
	const struct fields *att;
};

static int sent_tick(const struct fields *att, int64_t uid)
{
	char id[24];
	snprintf(id, sizeof(id), "%lld", (long long)uid);
	for (size_t i = 0; i < att->v[0].nrep; i++)
		if (strcmp(att->v[0].rep[i], id) == 0)
			return 1;
	return 0;
}

static void guest_line(void *arg, int64_t uid, const char *name, int attended)
{
	struct guests_arg *a = arg;
	struct vrow *r = view_row_new();
	view_row_int(r, uid);
	view_row_str(r, name);
	view_row_int(r, a->att ? sent_tick(a->att, uid) : attended);
	view_list_add(a->l, r);
}

/* The office hour's page with status; att and err: the attendance form
 * as the host sent it and why it was not saved (NULL: as saved). */
static void show_one(struct ctx *c, int status, const struct fields *att, const char *err)
{
	struct view *v = ctx_view(c);
	char tz[64];
	ctx_timezone(c, tz, sizeof(tz));
	struct one_arg a = {v, tz, 0, c->user.id};
	enum db_rc rc = oh_get(c->db, c->req->ids[0], c->user.id, one_line, &a);
	/* Only the host has the attendance form: anyone else sending one
	 * learns no more from bad input than from good (404). */
	if (rc == DB_NOTFOUND || (rc == DB_OK && att && a.host_id != c->user.id)) {
		ctx_error(c, 404, no_such);
		return;
	}
	struct guests_arg g = {view_list_new(), att};
	if (rc == DB_OK && a.host_id == c->user.id)
		rc = oh_guests(c->db, c->req->ids[0], c->user.id, guest_line, &g);
	view_list_set(v, "guests", g.l);
	view_str(v, "att_err", err ? err : "");
	if (rc != DB_OK) {
		ctx_store_error(c, rc);
		return;
	}
	ctx_render(c, status, "office_hour", "Office hours");
}

void page_office_hour(struct ctx *c)
{
	show_one(c, 200, NULL, NULL);
}

static void answer(struct ctx *c, enum oh_rc r, const char *ok)
{
	char loc[64];
	snprintf(loc, sizeof(loc), "/office-hours/%lld", (long long)c->req->ids[0]);
	switch (r) {
	case OH_OK:
		ctx_flash(c, ok);
		resp_redirect(c->resp, loc);
		return;
	case OH_DB_BUSY:
	case OH_DB_ERR:
	case OH_DB_FULL: ctx_store_error(c, r); return;
	case OH_NOTFOUND: ctx_error(c, 404, no_such); return;
	case OH_FULL:
		ctx_error(c, 409, "Every seat is taken: someone booked the last one just before you.");
		return;
	case OH_BOOKED: ctx_error(c, 409, "You already have a seat here (or, to cancel, had none)."); return;
	case OH_CLOSED: ctx_error(c, 409, "These office hours were cancelled or have already begun."); return;
	case OH_OWN: ctx_error(c, 409, "These are your own office hours."); return;
	case OH_NOT_YET: ctx_error(c, 409, "Mark who came once the office hours have begun."); return;
	case OH_NOT_GUEST: /* page_office_hour_attendance sends its form back itself */
		ctx_error(c, 422, "Only people who booked a seat can be marked as having come.");
		return;
	}
}

void page_office_hour_book(struct ctx *c)
{
	enum oh_rc r = oh_book(c->db, c->req->ids[0], c->user.id, c->now);
	answer(c, r, "Seat booked. The host sees your name.");
}

void page_office_hour_cancel(struct ctx *c)
{
	enum oh_rc r = oh_unbook(c->db, c->req->ids[0], c->user.id, c->now);
	answer(c, r, "Your seat is cancelled.");
}

void page_office_hour_close(struct ctx *c)
{
	enum oh_rc r = oh_close(c->db, c->req->ids[0], c->user.id, c->now);
	answer(c, r, "These office hours are cancelled; everyone booked is told by mail.");
}

void page_office_hour_attendance(struct ctx *c)
{
	static const char pick[] = "Mark who came from the list of people booked. Nothing was saved; "
				   "your ticks are kept below.";
	struct fields f;
	int st = fields_read(att_fields, FIELDS(att_fields), &c->req->body, &f);
	if (st == 400) {
		ctx_error(c, 400, "The form had fields Tandem does not know. Nothing was changed.");
		return;
	}
	int64_t ids[FIELDS_MAX_REPEAT];
	int n = 0;
	for (size_t i = 0; st == 0 && i < f.v[0].nrep; i++) {
		long long id = 0;
		char tail;
		if (sscanf(f.v[0].rep[i], "%lld%c", &id, &tail) != 1 || id < 1) {
			st = 422;
			continue;
		}
		int seen = 0; /* "5" and "05" are one person, counted once */
		for (int j = 0; j < n; j++)
			seen |= ids[j] == id;
		if (!seen)
			ids[n++] = id;
	}
	if (st == 422) { /* the page again, the boxes as sent (only the host has them) */
		show_one(c, 422, &f, pick);
		return;
	}
	enum oh_rc r = oh_attendance(c->db, c->req->ids[0], c->user.id, ids, n, c->now);
	if (r == OH_NOT_GUEST) {
		show_one(c, 422, &f,
			 "Only people who booked a seat can be marked as having come. Nothing was "
			 "saved; your ticks are kept below.");
		return;
	}
	answer(c, r, "Attendance saved: each visit counts as an office-hours session for you both.");
}
