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

/* The people the form offers: whom the link names, then suggestions, then
 * the partners of the pairings shown (each once). */
struct picker {
	struct vlist *l;
	int64_t ids[64];
	int n;
	int64_t chosen;
};

static void pick_add(struct picker *p, int64_t id, const char *name)
{
	for (int i = 0; i < p->n; i++)
		if (p->ids[i] == id)
			return;
	if (p->n == (int)(sizeof(p->ids) / sizeof(p->ids[0])))
		return;
	p->ids[p->n++] = id;
	struct vrow *r = view_row_new();
	view_row_int(r, id);
	view_row_str(r, name);
	view_row_int(r, id == p->chosen);
	view_list_add(p->l, r);
}

struct list_arg {
	struct vlist *rows;
	struct picker *pick;
	int64_t uid;
};

static void list_row(void *arg, const struct pairing_row *r)
{
	struct list_arg *a = arg;
	struct vrow *v = view_row_new();
	view_row_int(v, r->id);
	view_row_str(v, r->held_on);
	view_row_str(v, r->other_name);
	view_row_str(v, r->topic);
	view_row_int(v, r->duration_min);
	view_row_str(v, r->status);
	view_row_str(v, status_label(r->status));
	view_row_int(v, !r->i_author && strcmp(r->status, "logged") == 0); /* I may confirm */
	view_row_str(v, r->link);
	view_row_str(v, r->i_author ? "you logged it" : "logged by them");
	view_list_add(a->rows, v);
	if (strcmp(r->status, "removed") != 0)
		pick_add(a->pick, r->other_id, r->other_name);
}

struct sugg_arg {
	struct vlist *l;
	struct picker *pick;
};

static void sugg_row(void *arg, const struct pairing_suggestion *s)
{
	struct sugg_arg *a = arg;
	struct vrow *r = view_row_new();
	view_row_int(r, s->id);
	view_row_str(r, s->name);
	view_row_int(r, s->overlap);
	view_list_add(a->l, r);
	pick_add(a->pick, s->id, s->name);
}

/* The whole page: the form (f NULL: empty, today's date), my pairings from
 * key, and the suggestions. */
static void show(struct ctx *c, int status, const struct fields *f, const struct pairing_key *key,
		 int64_t with)
{
	struct view *v = ctx_view(c);
	char tz[64];
	profile_timezone(c->db, c->user.id, tz, sizeof(tz));
	int64_t today = week_today(c->now, tz);
	ctx_form_values(c, pairing_fields, FIELDS(pairing_fields), f);
	char day[16];
	week_ymd(today, day, sizeof(day));
	view_str(v, "today", day);
	if (!f) {
		view_str(v, "held_on", day);
		view_str(v, "duration_min", "60");
	}
	struct picker pick = {view_list_new(), {0}, 0, f ? f->v[PF_PARTNER].i : with};
	if (pick.chosen) {
		char name[400];
		if (pairing_member_name(c->db, pick.chosen, name, sizeof(name)) == DB_OK &&
		    pick.chosen != c->user.id)
			pick_add(&pick, pick.chosen, name);
	}
	struct sugg_arg sa = {view_list_new(), &pick};
	enum db_rc rc = pairing_suggest(c->db, c->user.id, today, 10, sugg_row, &sa);
	view_list_set(v, "suggestions", sa.l);
	struct list_arg la = {view_list_new(), &pick, c->user.id};
	struct pairing_key next;
	if (rc == DB_OK)
		rc = pairing_list(c->db, c->user.id, key, list_row, &la, &next);
	view_list_set(v, "pairings", la.rows);
	view_list_set(v, "partners", pick.l);
	if (rc != DB_OK) {
		ctx_store_error(c, rc);
		return;
	}
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
	profile_timezone(c->db, c->user.id, tz, sizeof(tz));
	int64_t day = 0;
	if (!f.err[PF_HELD_ON] && week_days(f.v[PF_HELD_ON].s, &day) == 0 && day > week_today(c->now, tz))
		fields_fail(&f, PF_HELD_ON, "Log a pairing once it has happened: the date is in the future.");
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
	enum db_rc dbrc = DB_OK;
	int64_t id = 0;
	switch (pairing_create(c->db, c->user.id, &p, c->now, &id, &dbrc)) {
	case PAIRING_OK: break;
	case PAIRING_STORE: ctx_store_error(c, dbrc); return;
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
	enum db_rc dbrc = DB_OK;
	switch (pairing_answer(c->db, c->req->ids[0], c->user.id, confirm, c->now, &dbrc)) {
	case PAIRING_OK: break;
	case PAIRING_STORE: ctx_store_error(c, dbrc); return;
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
