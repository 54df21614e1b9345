/* The help-session rotation, admin side (issue 17): GET,POST
 * /admin/rotations, GET /admin/rotations/{id} (the plan, and counts only:
 * sessions held, led per person per week, attendance). */
#include <stdio.h>
#include <string.h>

#include "core/sdc.h"
#include "core/week.h"
#include "core/when.h"
#include "pages/ctx.h"
#include "pages/routes.h"
#include "pages/timezones.h"
#include "store/rotations.h"

static const char *const weekday_names[] = {"1", "2", "3", "4", "5", "6", "7", NULL};
static const char *const weekday_short[] = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};

static const struct field_spec rot_fields[] = {
	{"name", "Name", FT_LINE, 1, 1, ROT_NAME_MAX, NULL, 0},
	{"label", "Label", FT_LINE, 0, 0, ROT_LABEL_MAX, NULL, 0},
	{"weekdays", "Weekdays", FT_CHOICE, 0, 0, 0, weekday_names, 1},
	{"start_time", "Start time", FT_LINE, 1, 5, 5, NULL, 0},
	{"timezone", "Time zone", FT_LINE, 1, 1, 64, NULL, 0},
	{"duration_min", "Length", FT_INT, 1, 5, 480, NULL, 0},
	{"leads", "Leads", FT_INT, 0, 1, 999999999999999L, NULL, 1},
	{"weeks", "Weeks", FT_INT, 1, 1, ROT_MAX_WEEKS, NULL, 0},
};
enum { RF_NAME, RF_LABEL, RF_WEEKDAYS, RF_START, RF_TZ, RF_DURATION, RF_LEADS, RF_WEEKS };

static void rot_line(void *arg, const struct rotation_row *r)
{
	struct vrow *v = view_row_new();
	view_row_int(v, r->id);
	view_row_str(v, r->name);
	view_row_str(v, r->label);
	view_row_str(v, r->first_week);
	view_row_int(v, r->weeks);
	view_row_int(v, r->nleads);
	view_row_int(v, *r->uncovered != '\0');
	view_list_add(arg, v);
}

struct cand_arg {
	struct vlist *l;
	const struct fields *f;
};

static void cand_line(void *arg, int64_t uid, const char *name)
{
	struct cand_arg *a = arg;
	int on = 0;
	char id[24];
	snprintf(id, sizeof(id), "%lld", (long long)uid);
	for (size_t k = 0; a->f && k < a->f->v[RF_LEADS].nrep; k++)
		on |= strcmp(a->f->v[RF_LEADS].rep[k], id) == 0;
	struct vrow *r = view_row_new();
	view_row_int(r, uid);
	view_row_str(r, name);
	view_row_int(r, on);
	view_list_add(a->l, r);
}

static void show(struct ctx *c, int status, const struct fields *f)
{
	struct view *v = ctx_view(c);
	ctx_form_values(c, rot_fields, FIELDS(rot_fields), f);
	if (!f) {
		view_str(v, "label", "senior-help-sessions");
		view_str(v, "start_time", "16:00");
		view_str(v, "timezone", "UTC");
		view_str(v, "duration_min", "45");
		view_str(v, "weeks", "8");
	}
	struct vlist *days = view_list_new();
	for (int i = 0; i < 7; i++) {
		int on = !f && i < 5;
		for (size_t k = 0; f && k < f->v[RF_WEEKDAYS].nrep; k++)
			on |= strcmp(f->v[RF_WEEKDAYS].rep[k], weekday_names[i]) == 0;
		struct vrow *r = view_row_new();
		view_row_str(r, weekday_names[i]);
		view_row_str(r, weekday_short[i]);
		view_row_int(r, on);
		view_list_add(days, r);
	}
	view_list_set(v, "days", days);
	int n;
	const char *const *tz = tz_names(&n);
	const char *cur = f ? f->v[RF_TZ].s : "UTC";
	struct vlist *zones = view_list_new();
	for (int i = 0; i < n; i++) {
		struct vrow *r = view_row_new();
		view_row_str(r, tz[i]);
		view_row_int(r, strcmp(tz[i], cur) == 0);
		view_list_add(zones, r);
	}
	view_list_set(v, "zones", zones);
	struct cand_arg ca = {view_list_new(), f};
	enum db_rc rc = rotation_candidates(c->db, cand_line, &ca);
	view_list_set(v, "candidates", ca.l);
	struct vlist *rots = view_list_new();
	if (rc == DB_OK)
		rc = rotation_each(c->db, rot_line, rots);
	view_int(v, "nrotations", view_list_len(rots));
	view_list_set(v, "rotations", rots);
	if (rc != DB_OK) {
		ctx_store_error(c, rc);
		return;
	}
	ctx_render(c, status, "admin_rotations", "Help-session rotations");
}

void page_admin_rotations(struct ctx *c)
{
	show(c, 200, NULL);
}

void page_admin_rotation_create(struct ctx *c)
{
	struct fields f;
	int st = fields_read(rot_fields, FIELDS(rot_fields), &c->req->body, &f);
	if (st == 400) {
		ctx_error(c, 400, "The form had fields or choices Tandem does not know. Nothing was saved.");
		return;
	}
	struct rotation_new n = {0};
	n.name = f.v[RF_NAME].s;
	n.label = *f.v[RF_LABEL].s ? f.v[RF_LABEL].s : "senior-help-sessions";
	n.start_time = f.v[RF_START].s;
	n.tz = f.v[RF_TZ].s;
	if (!f.err[RF_START] && !when_hhmm_ok(n.start_time))
		fields_fail(&f, RF_START, "Give the start time as HH:MM, from 00:00 to 23:59.");
	if (!f.err[RF_TZ] && !tz_valid(n.tz))
		fields_fail(&f, RF_TZ, "Choose the rotation's time zone from the list.");
	int seen[8] = {0};
	for (size_t k = 0; k < f.v[RF_WEEKDAYS].nrep; k++) {
		int d = f.v[RF_WEEKDAYS].rep[k][0] - '0';
		if (!seen[d])
			seen[d] = 1;
	}
	for (int d = 1; d <= 7; d++)
		if (seen[d])
			n.weekdays[n.ndays++] = d;
	if (n.ndays == 0)
		fields_fail(&f, RF_WEEKDAYS, "Choose at least one weekday.");
	for (size_t k = 0; k < f.v[RF_LEADS].nrep && !f.err[RF_LEADS]; k++) {
		long long id = 0;
		char tail;
		if (sscanf(f.v[RF_LEADS].rep[k], "%lld%c", &id, &tail) != 1 || id < 1) {
			fields_fail(&f, RF_LEADS, "Choose the leads from the list.");
			break;
		}
		int dup = 0;
		for (int i = 0; i < n.nleads; i++)
			dup |= n.leads[i] == id;
		if (!dup && n.nleads < ROT_MAX_LEADS)
			n.leads[n.nleads++] = id;
	}
	if (!f.err[RF_LEADS] && n.nleads == 0)
		fields_fail(&f, RF_LEADS, "Choose at least one lead.");
	if (f.nerr) {
		show(c, 422, &f);
		return;
	}
	n.duration_min = (int)f.v[RF_DURATION].i;
	n.weeks = (int)f.v[RF_WEEKS].i;
	int64_t id = 0, bad = 0;
	enum rot_rc r = rotation_create(c->db, c->user.id, &n, c->now, &id, &bad);
	if (r == ROT_BAD_LEAD) {
		fields_fail(&f, RF_LEADS, "Every lead must be an active member: one chosen is not.");
		show(c, 422, &f);
		return;
	}
	if (r != ROT_OK) {
		ctx_store_error(c, r);
		return;
	}
	ctx_flash(c, "Rotation planned. The leads see their sessions on /help-sessions.");
	char loc[64];
	snprintf(loc, sizeof(loc), "/admin/rotations/%lld", (long long)id);
	resp_redirect(c->resp, loc);
}

/* The report: plan cells by (week, weekday), and per lead per week. */
#define REP_PEOPLE 64
struct report {
	struct view *v;
	int64_t first;
	int weeks, found;
	char days[16];
	int64_t held, planned, attended;
	char names[ROT_MAX_WEEKS][8][321]; /* a name of 80 characters */
	int logged[ROT_MAX_WEEKS][8];
	int64_t people[REP_PEOPLE];
	char pname[REP_PEOPLE][321];
	int led[REP_PEOPLE][ROT_MAX_WEEKS];
	int npeople;
};

static void rep_head(void *arg, const struct rotation_row *r)
{
	struct report *p = arg;
	p->found = 1;
	week_days(r->first_week, &p->first);
	p->weeks = r->weeks;
	snprintf(p->days, sizeof(p->days), "%s", r->weekdays);
	view_int(p->v, "rid", r->id);
	view_str(p->v, "name", r->name);
	view_str(p->v, "label", r->label);
	view_str(p->v, "first_week", r->first_week);
	view_str(p->v, "start_time", r->start_time);
	view_str(p->v, "timezone", r->timezone);
	view_int(p->v, "duration_min", r->duration_min);
	view_int(p->v, "nleads", r->nleads);
	view_str(p->v, "uncovered", r->uncovered);
}

static void rep_session(void *arg, const struct help_row *h)
{
	struct report *p = arg;
	int64_t d;
	if (week_days(h->held_on, &d) != 0)
		return;
	int64_t w = (d - p->first) / 7;
	int wd = week_weekday(d);
	if (w < 0 || w >= p->weeks)
		return;
	p->planned++;
	p->held += h->logged;
	p->attended += h->attended;
	snprintf(p->names[w][wd], sizeof(p->names[w][wd]), "%s", h->lead_name);
	p->logged[w][wd] = h->logged;
	if (!h->logged)
		return;
	int i = 0;
	while (i < p->npeople && p->people[i] != h->lead_id)
		i++;
	if (i == p->npeople) {
		if (p->npeople == REP_PEOPLE)
			return;
		p->people[p->npeople] = h->lead_id;
		snprintf(p->pname[i], sizeof(p->pname[i]), "%s", h->lead_name);
		p->npeople++;
	}
	p->led[i][w]++;
}

/* The away form's leads, the one sent back (422) chosen again. */
struct lead_arg {
	struct vlist *l;
	const char *chosen; /* the lead as sent, or "" */
};

static void lead_line(void *arg, int64_t uid, const char *name)
{
	struct lead_arg *a = arg;
	char id[24];
	snprintf(id, sizeof(id), "%lld", (long long)uid);
	struct vrow *r = view_row_new();
	view_row_int(r, uid);
	view_row_str(r, name);
	view_row_int(r, strcmp(a->chosen, id) == 0);
	view_list_add(a->l, r);
}

enum { AWF_LEAD, AWF_WEEK };

/* The rotation's page with status; away and err: the away form as sent
 * and why it was not saved (NULL: empty). */
static void show_rotation(struct ctx *c, int status, const struct fields *away, const char *err)
{
	static struct report p;
	memset(&p, 0, sizeof(p));
	p.v = ctx_view(c);
	enum db_rc rc = rotation_get(c->db, c->req->ids[0], rep_head, &p);
	if (rc == DB_NOTFOUND) {
		ctx_error(c, 404, "There is no rotation at this address.");
		return;
	}
	if (rc == DB_OK)
		rc = rotation_sessions(c->db, c->req->ids[0], rep_session, &p);
	if (rc != DB_OK) {
		ctx_store_error(c, rc);
		return;
	}
	int on[8] = {0};
	for (const char *s = p.days; *s; s++)
		if (*s >= '1' && *s <= '7')
			on[*s - '0'] = 1;
	struct vlist *head = view_list_new();
	for (int d = 1; d <= 7; d++)
		if (on[d]) {
			struct vrow *r = view_row_new();
			view_row_str(r, weekday_short[d - 1]);
			view_list_add(head, r);
		}
	view_list_set(p.v, "dayhead", head);
	/* One row per week: its Monday, then a cell per weekday. Cells are
	 * escaped one by one and joined: "name" or "name ✓" or "uncovered". */
	struct vlist *plan = view_list_new();
	for (int w = 0; w < p.weeks; w++) {
		char monday[16];
		week_ymd(p.first + 7 * w, monday, sizeof(monday));
		struct vrow *r = view_row_new();
		view_row_str(r, monday);
		for (int d = 1; d <= 7; d++) {
			if (!on[d])
				continue;
			char cell[340];
			snprintf(cell, sizeof(cell), "%s%s", p.names[w][d][0] ? p.names[w][d] : "uncovered",
				 p.logged[w][d] ? " (held)" : "");
			view_row_str(r, cell);
		}
		view_list_add(plan, r);
	}
	view_list_set(p.v, "plan", plan);
	struct vlist *led = view_list_new();
	for (int i = 0; i < p.npeople; i++) {
		struct vrow *r = view_row_new();
		view_row_str(r, p.pname[i]);
		char weeks[ROT_MAX_WEEKS * 4 + 1] = "";
		size_t o = 0;
		int total = 0;
		for (int w = 0; w < p.weeks; w++) {
			o += (size_t)snprintf(weeks + o, sizeof(weeks) - o, "%s%d", w ? " " : "",
					      p.led[i][w]);
			total += p.led[i][w];
		}
		view_row_str(r, weeks);
		view_row_int(r, total);
		view_list_add(led, r);
	}
	view_list_set(p.v, "led", led);
	struct lead_arg la = {view_list_new(), away ? away->v[AWF_LEAD].s : ""};
	if (rotation_leads_each(c->db, c->req->ids[0], 0, lead_line, &la) != DB_OK) {
		view_list_set(p.v, "leads", la.l);
		ctx_store_error(c, DB_ERR);
		return;
	}
	view_list_set(p.v, "leads", la.l);
	view_str(p.v, "away_week", away ? away->v[AWF_WEEK].s : "");
	view_str(p.v, "away_err", err ? err : "");
	view_int(p.v, "planned", p.planned);
	view_int(p.v, "held", p.held);
	/* Attendances counted in whole groups of k (as the survey figures'
	 * batches): the same page says which session was just held, so a
	 * figure that moved by 1..k-1 would say how many came to it. Below
	 * k, nothing (not even whether it is 0). */
	char att[64];
	int k = c->cfg->survey_k;
	if (p.attended < k || p.attended == 0)
		snprintf(att, sizeof(att), "hidden (fewer than %d)", k);
	else
		snprintf(att, sizeof(att), "at least %d", sdc_batch_floor((int)p.attended, k));
	view_str(p.v, "attended", att);
	ctx_render(c, status, "admin_rotation", "Help-session rotation");
}

void page_admin_rotation(struct ctx *c)
{
	show_rotation(c, 200, NULL, NULL);
}

static const struct field_spec away_fields[] = {
	{"lead", "Lead", FT_INT, 1, 1, 999999999999999L, NULL, 0},
	{"week", "Week", FT_DATE, 1, 0, 0, NULL, 0},
};

void page_admin_rotation_away(struct ctx *c)
{
	struct fields f;
	int st = fields_read(away_fields, FIELDS(away_fields), &c->req->body, &f);
	if (st == 400) {
		ctx_error(c, 400, "The form had fields Tandem does not know. Nothing was changed.");
		return;
	}
	if (st == 422) {
		show_rotation(
			c, 422, &f,
			"Choose a lead of this rotation and a day (YYYY-MM-DD) of the week they are away. "
			"Nothing was changed.");
		return;
	}
	int64_t d = 0;
	week_days(f.v[AWF_WEEK].s, &d);
	char monday[16];
	week_ymd(week_monday(d), monday, sizeof(monday));
	int moved = 0, dropped = 0;
	enum rot_rc r =
		rotation_away(c->db, c->req->ids[0], f.v[AWF_LEAD].i, monday, c->now, &moved, &dropped);
	switch (r) {
	case ROT_OK: break;
	case ROT_NOTFOUND: ctx_error(c, 404, "There is no rotation at this address."); return;
	case ROT_BAD_LEAD:
		show_rotation(c, 422, &f, "Choose one of this rotation's leads. Nothing was changed.");
		return;
	case ROT_DB_BUSY:
	case ROT_DB_ERR:
	case ROT_DB_FULL: ctx_store_error(c, r); return;
	default: ctx_error(c, 409, "Nothing was changed."); return;
	}
	char msg[200];
	snprintf(msg, sizeof(msg),
		 "Marked away the week of %s: %d %s handed to another lead, %d left uncovered (nobody free).",
		 monday, moved, moved == 1 ? "session" : "sessions", dropped);
	ctx_flash(c, msg);
	char loc[64];
	snprintf(loc, sizeof(loc), "/admin/rotations/%lld", (long long)c->req->ids[0]);
	resp_redirect(c->resp, loc);
}
