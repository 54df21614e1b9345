/* Pairing sessions with anyone (issue 17): GET,POST /pairings, GET
 * /pairings/{id}, POST /pairings/{id}/confirm and /remove. Only the two
 * people of a pairing ever get anything but 404 on its URLs (an admin
 * too). */
#include <stdio.h>
#include <string.h>

#include "core/week.h"
#include "pages/ctx.h"
#include "pages/routes.h"
#include "store/pairings.h"
#include "store/profiles.h"

static const struct field_spec pairing_fields[] = {
	{"partner_id", "Partner", FT_INT, 1, 1, 999999999999999L, NULL, 0},
	{"held_on", "Date", FT_DATE, 1, 0, 0, NULL, 0},
	{"duration_min", "Length", FT_INT, 1, 5, 480, NULL, 0},
	{"topic", "Topic", FT_LINE, 1, 1, PAIRING_TOPIC_MAX, NULL, 0},
	{"link", "Link", FT_LINE, 0, 0, PAIRING_LINK_MAX, NULL, 0},
	{"labels", "Labels", FT_LINE, 0, 0, PAIRING_LABELS_MAX, NULL, 0},
	{"notes", "Notes", FT_TEXT, 0, 0, PAIRING_NOTES_MAX, NULL, 0},
};
/* How far back a pairing may be dated: further is a typo (1970 for 2026),
 * and it would stretch every insights history back to it. */
#define PAIRING_MAX_AGE_DAYS 366

enum { PF_PARTNER, PF_HELD_ON, PF_DURATION, PF_TOPIC, PF_LINK, PF_LABELS, PF_NOTES };

enum { Q_BEFORE, Q_ID, Q_WITH };
static const struct field_spec list_fields[] = {
	[Q_BEFORE] = {"before", "Page", FT_DATE, 0, 0, 0, NULL, 0},
	[Q_ID] = {"id", "Page", FT_INT, 0, 1, 999999999999999L, NULL, 0},
	[Q_WITH] = {"with", "Partner", FT_INT, 0, 1, 999999999999999L, NULL, 0},
};

static const char not_yours[] = "There is no pairing at this address, or it is not yours to see.";

static const char *status_label(const char *s)
{
	if (strcmp(s, "confirmed") == 0)
		return "Confirmed";
	if (strcmp(s, "removed") == 0)
		return "Removed: did not happen";
	return "Waiting for the partner";
}

/* The page's three lists are rendered row by row from flat partials (one
 * per state, plain names, no {if}) into HTML of escaped values only:
 * CTPL copies a row at every {r[i]} of a {for} and a value at every
 * comparison (README "Rows rendered flat"). */
struct lists {
	struct view *v; /* one environment for every row */
	struct buf options, suggestions, rows;
	int64_t ids[64]; /* the people offered, each once */
	int n, failed;
	int64_t chosen;
};

static void render(struct lists *l, const char *name, struct buf *out)
{
	if (view_render(l->v, name, out) != 0)
		l->failed = 1;
}

/* Offer a person in the form: whom the link names, then suggestions,
 * then the partners of the pairings shown. */
static void pick_add(struct lists *l, int64_t id, const char *name)
{
	for (int i = 0; i < l->n; i++)
		if (l->ids[i] == id)
			return;
	if (l->n == (int)(sizeof(l->ids) / sizeof(l->ids[0])))
		return;
	l->ids[l->n++] = id;
	view_int(l->v, "id", id);
	view_str(l->v, "name", name);
	render(l, id == l->chosen ? "_pairing_option_selected" : "_pairing_option", &l->options);
}

static void list_row(void *arg, const struct pairing_row *r)
{
	struct lists *l = arg;
	struct view *v = l->v;
	int removed = strcmp(r->status, "removed") == 0;
	int confirm = !r->i_author && strcmp(r->status, "logged") == 0;
	view_int(v, "id", r->id);
	view_str(v, "held_on", r->held_on);
	view_str(v, "other", r->other_name);
	view_str(v, "topic", r->topic);
	view_int(v, "duration_min", r->duration_min);
	view_str(v, "who", r->i_author ? "you logged it" : "logged by them");
	view_str(v, "status_label", status_label(r->status));
	view_str(v, "badge",
		 strcmp(r->status, "confirmed") == 0 ? "badge ok"
		 : removed			     ? "badge"
						     : "badge warn");
	render(l,
	       removed	 ? "_pairing_row_removed"
	       : confirm ? "_pairing_row_confirm"
			 : "_pairing_row_open",
	       &l->rows);
	if (!removed)
		pick_add(l, r->other_id, r->other_name);
}

static void sugg_row(void *arg, const struct pairing_suggestion *s)
{
	struct lists *l = arg;
	char common[48];
	snprintf(common, sizeof(common), "%d %s in common", s->overlap, s->overlap == 1 ? "topic" : "topics");
	view_int(l->v, "id", s->id);
	view_str(l->v, "name", s->name);
	view_str(l->v, "common", common);
	render(l, "_pairing_suggestion", &l->suggestions);
	pick_add(l, s->id, s->name);
}

static void lists_free(struct lists *l)
{
	view_free(l->v);
	buf_free(&l->options);
	buf_free(&l->suggestions);
	buf_free(&l->rows);
}

/* The whole page: the form (f NULL: empty, today's date), my pairings from
 * key, and the suggestions. */
static void show(struct ctx *c, int status, const struct fields *f, const struct pairing_key *key,
		 int64_t with)
{
	struct view *v = ctx_view(c);
	char tz[64];
	ctx_timezone(c, tz, sizeof(tz));
	int64_t today = week_today(c->now, tz);
	ctx_form_values(c, pairing_fields, FIELDS(pairing_fields), f);
	char day[16];
	week_ymd(today, day, sizeof(day));
	view_str(v, "today", day);
	if (!f) {
		view_str(v, "held_on", day);
		view_str(v, "duration_min", "60");
	}
	static struct lists l;
	memset(&l, 0, sizeof(l));
	l.v = view_new();
	l.chosen = f ? f->v[PF_PARTNER].i : with;
	if (!l.v) {
		ctx_error(c, 500, "Tandem ran out of memory for this page. Try again.");
		return;
	}
	view_csrf(l.v, c->csrf);
	if (l.chosen) {
		char name[400];
		if (pairing_member_name(c->db, l.chosen, name, sizeof(name)) == DB_OK &&
		    l.chosen != c->user.id)
			pick_add(&l, l.chosen, name);
	}
	enum db_rc rc = pairing_suggest(c->db, c->user.id, today, 10, sugg_row, &l);
	struct pairing_key next = {"", 0};
	if (rc == DB_OK)
		rc = pairing_list(c->db, c->user.id, key, list_row, &l, &next);
	if (rc != DB_OK || l.failed || l.options.oom || l.suggestions.oom || l.rows.oom) {
		lists_free(&l);
		if (rc != DB_OK)
			ctx_store_error(c, rc);
		else
			ctx_error(c, 500, "This list could not be shown. The error was logged.");
		return;
	}
	/* Rendered above from escaped values only, hence trusted. */
	view_trusted_html(v, "partner_options", buf_str(&l.options));
	view_trusted_html(v, "suggestion_rows", buf_str(&l.suggestions));
	view_trusted_html(v, "pairing_rows", buf_str(&l.rows));
	lists_free(&l);
	view_int(v, "more", next.id != 0);
	view_str(v, "next_on", next.held_on);
	view_int(v, "next_id", next.id);
	view_int(v, "paged", key && key->id != 0);
	ctx_render(c, status, "pairings", "Pairing sessions");
}

void page_pairings(struct ctx *c)
{
	struct fields q;
	if (fields_read(list_fields, FIELDS(list_fields), &c->req->query, &q) != 0) {
		ctx_error(c, 400, "That page of pairings does not exist: follow the links on /pairings.");
		return;
	}
	struct pairing_key key = {"", 0};
	if (q.v[Q_BEFORE].present && q.v[Q_ID].present) {
		snprintf(key.held_on, sizeof(key.held_on), "%s", q.v[Q_BEFORE].s);
		key.id = q.v[Q_ID].i;
	}
	show(c, 200, NULL, &key, q.v[Q_WITH].present ? q.v[Q_WITH].i : 0);
}

void page_pairing_create(struct ctx *c)
{
	struct fields f;
	int st = fields_read(pairing_fields, FIELDS(pairing_fields), &c->req->body, &f);
	if (st == 400) {
		ctx_error(c, 400, "The form had fields Tandem does not know. Nothing was saved.");
		return;
	}
	char tz[64];
	ctx_timezone(c, tz, sizeof(tz));
	int64_t day = 0;
	if (!f.err[PF_HELD_ON] && week_days(f.v[PF_HELD_ON].s, &day) == 0 && day > week_today(c->now, tz))
		fields_fail(&f, PF_HELD_ON, "Log a pairing once it has happened: the date is in the future.");
	else if (!f.err[PF_HELD_ON] && day < week_today(c->now, tz) - PAIRING_MAX_AGE_DAYS)
		fields_fail(&f, PF_HELD_ON,
			    "Log pairings of the last year: this date is more than a year ago.");
	if (!f.err[PF_LINK] && *f.v[PF_LINK].s && !pairing_link_ok(f.v[PF_LINK].s))
		fields_fail(&f, PF_LINK,
			    "Give the ticket or issue as an http:// or https:// address, or leave it empty.");
	if (!f.err[PF_PARTNER] && f.v[PF_PARTNER].i == c->user.id)
		fields_fail(&f, PF_PARTNER, "Choose the person you paired with, not yourself.");
	if (f.nerr) {
		show(c, 422, &f, NULL, 0);
		return;
	}
	struct pairing_new p = {
		.partner_id = f.v[PF_PARTNER].i,
		.held_on = f.v[PF_HELD_ON].s,
		.duration_min = (int)f.v[PF_DURATION].i,
		.topic = f.v[PF_TOPIC].s,
		.link = f.v[PF_LINK].s,
		.labels = f.v[PF_LABELS].s,
		.notes = f.v[PF_NOTES].s,
	};
	int64_t id = 0;
	enum pairing_rc r = pairing_create(c->db, c->user.id, &p, c->now, &id);
	switch (r) {
	case PAIRING_OK: break;
	case PAIRING_DB_BUSY:
	case PAIRING_DB_ERR:
	case PAIRING_DB_FULL: ctx_store_error(c, r); return;
	case PAIRING_NOTFOUND:
	case PAIRING_STATE:
	case PAIRING_NO_PARTNER:
		fields_fail(&f, PF_PARTNER, "Choose an active member of Tandem as your partner.");
		show(c, 422, &f, NULL, 0);
		return;
	}
	ctx_flash(c, "Pairing logged. Your partner sees it in their list and can confirm it.");
	resp_redirect(c->resp, "/pairings");
}

struct one {
	struct view *v;
	int found;
};

static void one_row(void *arg, const struct pairing_row *r)
{
	struct one *o = arg;
	o->found = 1;
	view_int(o->v, "pid", r->id);
	view_str(o->v, "held_on", r->held_on);
	view_str(o->v, "other", r->other_name);
	view_str(o->v, "topic", r->topic);
	view_int(o->v, "duration_min", r->duration_min);
	view_str(o->v, "link", r->link);
	view_str(o->v, "labels", r->labels);
	view_str(o->v, "status", r->status);
	view_str(o->v, "status_label", status_label(r->status));
	view_int(o->v, "can_confirm", !r->i_author && strcmp(r->status, "logged") == 0);
	view_str(o->v, "logged_by", r->i_author ? "You logged it" : "They logged it");
}

void page_pairing(struct ctx *c)
{
	struct view *v = ctx_view(c);
	struct one o = {v, 0};
	struct buf notes = {0};
	enum db_rc rc = pairing_get(c->db, c->req->ids[0], c->user.id, one_row, &o, &notes);
	if (rc == DB_NOTFOUND) {
		buf_free(&notes);
		ctx_error(c, 404, not_yours);
		return;
	}
	if (rc != DB_OK) {
		buf_free(&notes);
		ctx_store_error(c, rc);
		return;
	}
	view_str(v, "notes", buf_str(&notes));
	buf_free(&notes);
	ctx_render(c, 200, "pairing", "Pairing session");
}

static void answer(struct ctx *c, int confirm)
{
	enum pairing_rc r = pairing_answer(c->db, c->req->ids[0], c->user.id, confirm, c->now);
	switch (r) {
	case PAIRING_OK: break;
	case PAIRING_DB_BUSY:
	case PAIRING_DB_ERR:
	case PAIRING_DB_FULL: ctx_store_error(c, r); return;
	case PAIRING_NOTFOUND:
	case PAIRING_NO_PARTNER: ctx_error(c, 404, not_yours); return;
	case PAIRING_STATE:
		ctx_error(c, 409,
			  confirm ? "Only your partner can confirm this pairing, and only while it waits for "
				    "them."
				  : "This pairing was already removed.");
		return;
	}
	ctx_flash(c, confirm ? "Pairing confirmed: it counts for both of you."
			     : "Pairing removed: it counts for neither of you.");
	resp_redirect(c->resp, "/pairings");
}

void page_pairing_confirm(struct ctx *c)
{
	answer(c, 1);
}

void page_pairing_remove(struct ctx *c)
{
	answer(c, 0);
}
