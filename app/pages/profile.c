/* GET/POST /profile: who I am, what I want to learn, what I mentor. */
#include <stdio.h>
#include <string.h>

#include "pages/ctx.h"
#include "pages/routes.h"
#include "pages/timezones.h"
#include "store/profiles.h"
#include "store/teams.h"

static const struct field_spec profile_fields[] = {
	{"display_name", "Display name", FT_LINE, 1, 1, 80, NULL, 0},
	{"team", "Team", FT_LINE, 0, 0, 80, NULL, 0},
	{"job_title", "Job title", FT_LINE, 0, 0, 100, NULL, 0},
	{"timezone", "Time zone", FT_LINE, 1, 0, 64, NULL, 0},
	{"bio", "About you", FT_TEXT, 0, 0, 2000, NULL, 0},
	{"interests", "What you want to learn", FT_LINE, 0, 0, 600, NULL, 0},
	{"is_mentor", "I mentor", FT_FLAG, 0, 0, 0, NULL, 0},
	{"focus_areas", "Focus areas", FT_LINE, 0, 0, 600, NULL, 0},
	{"capacity", "Capacity", FT_INT, 0, 0, 20, NULL, 0},
	{"formats", "Formats", FT_CHOICE, 0, 0, 0, format_names, 1},
	{"pairing_goal_per_week", "Pairings a week", FT_INT, 0, 0, 10, NULL, 0}, /* issue 17 */
};
#define NPROFILE FIELDS(profile_fields)
enum { F_NAME, F_TEAM, F_TITLE, F_TZ, F_BIO, F_INTERESTS, F_MENTOR, F_FOCUS, F_CAP, F_FORMATS, F_PAIR_GOAL };

static void topic_row(void *arg, const char *name)
{
	struct vrow *r = view_row_new();
	view_row_str(r, name);
	view_list_add(arg, r);
}

/* Topic suggestions for the <datalist>: the most used first. */
static void topic_suggestions(struct ctx *c)
{
	struct vlist *l = view_list_new();
	topics_popular(c->db, 300, topic_row, l);
	view_list_set(ctx_view(c), "topics", l);
}

static void team_row(void *arg, int64_t id, const char *name)
{
	struct vrow *r = view_row_new();
	view_row_int(r, id);
	view_row_str(r, name);
	view_list_add(arg, r);
}

static void show(struct ctx *c, int status, const struct fields *f, const struct profile *p, const char *name)
{
	struct view *v = ctx_view(c);
	ctx_form_values(c, profile_fields, NPROFILE, f);
	/* The admins' list of teams: what survey reports count by. */
	struct vlist *teams = view_list_new();
	teams_each(c->db, 1000, team_row, teams);
	view_list_set(v, "teams", teams);
	if (!f) {
		view_str(v, "display_name", name);
		view_str(v, "team", p->team);
		view_str(v, "job_title", p->job_title);
		view_str(v, "timezone", p->timezone);
		view_str(v, "bio", p->bio);
		view_str(v, "interests", p->interests);
		view_str(v, "focus_areas", p->focus);
		char cap[16];
		snprintf(cap, sizeof(cap), "%d", p->capacity);
		view_str(v, "capacity", cap);
		snprintf(cap, sizeof(cap), "%d", p->pairing_goal);
		view_str(v, "pairing_goal_per_week", cap);
	}
	view_int(v, "mentor_checked", f ? f->v[F_MENTOR].i : p->is_mentor);
	int n;
	const char *const *tz = tz_names(&n);
	const char *cur = f ? f->v[F_TZ].s : p->timezone;
	struct vlist *zones = view_list_new();
	for (int i = 0; i < n; i++) {
		struct vrow *r = view_row_new();
		view_row_str(r, tz[i]);
		view_row_int(r, strcmp(tz[i], cur) == 0);
		view_list_add(zones, r);
	}
	view_list_set(v, "zones", zones);
	struct vlist *fl = view_list_new();
	for (int i = 0; i < FORMAT_COUNT; i++) {
		int on = 0;
		if (f) {
			for (size_t k = 0; k < f->v[F_FORMATS].nrep; k++)
				on |= strcmp(f->v[F_FORMATS].rep[k], format_names[i]) == 0;
		} else {
			on = (p->formats >> i) & 1;
		}
		struct vrow *r = view_row_new();
		view_row_str(r, format_names[i]);
		view_row_str(r, format_labels[i]);
		view_row_int(r, on);
		view_list_add(fl, r);
	}
	view_list_set(v, "formats", fl);
	topic_suggestions(c);
	ctx_render(c, status, "profile", "Your profile");
}

/* issue 21: /profile?offer=TOPIC (a mentee whose goal was met) opens the
 * form as a mentor of that topic, unsaved until they save it. */
static const struct field_spec offer_fields[] = {{"offer", "Topic", FT_LINE, 0, 0, 40, NULL, 0}};

static void offer_prefill(struct ctx *c, struct profile *p)
{
	struct fields q;
	if (fields_read(offer_fields, FIELDS(offer_fields), &c->req->query, &q) != 0 || !*q.v[0].s)
		return;
	const char *t = q.v[0].s;
	if (!strcasestr(p->focus, t) && strlen(p->focus) + strlen(t) + 3 < sizeof(p->focus))
		snprintf(p->focus + strlen(p->focus), sizeof(p->focus) - strlen(p->focus), "%s%s",
			 *p->focus ? ", " : "", t);
	p->is_mentor = 1;
	if (p->capacity < 1)
		p->capacity = 1;
}

void page_profile_form(struct ctx *c)
{
	struct profile p;
	if (profile_get(c->db, c->user.id, &p) != DB_OK) {
		ctx_store_error(c, DB_ERR);
		return;
	}
	offer_prefill(c, &p);
	show(c, 200, NULL, &p, c->user.name);
}

void page_profile(struct ctx *c)
{
	struct fields f;
	int st = fields_read(profile_fields, NPROFILE, &c->req->body, &f);
	if (st == 400) {
		ctx_error(c, 400, "The form had fields or choices Tandem does not know.");
		return;
	}
	struct profile p = {0};
	if (!f.err[F_TZ] && !tz_valid(f.v[F_TZ].s))
		fields_fail(&f, F_TZ, "Choose your time zone from the list.");
	char names[TOPICS_MAX][TOPIC_MAX_CHARS * 4 + 1];
	const char *why = NULL;
	if (!f.err[F_INTERESTS] && topics_split(f.v[F_INTERESTS].s, names, &why) < 0)
		fields_fail(&f, F_INTERESTS, why);
	int is_mentor = (int)f.v[F_MENTOR].i;
	if (is_mentor) {
		int nfocus = f.err[F_FOCUS] ? 0 : topics_split(f.v[F_FOCUS].s, names, &why);
		if (nfocus < 0)
			fields_fail(&f, F_FOCUS, why);
		else if (nfocus == 0 && !f.err[F_FOCUS])
			fields_fail(&f, F_FOCUS, "Name at least one focus area, so mentees can find you.");
		if (!f.v[F_CAP].present || !*f.v[F_CAP].s)
			fields_fail(&f, F_CAP, "Say how many mentees you can take at once (0 to pause).");
		if (f.v[F_FORMATS].nrep == 0)
			fields_fail(&f, F_FORMATS, "Choose at least one format you offer.");
	}
	if (f.nerr) {
		show(c, 422, &f, &p, "");
		return;
	}
	snprintf(p.team, sizeof(p.team), "%s", f.v[F_TEAM].s);
	snprintf(p.job_title, sizeof(p.job_title), "%s", f.v[F_TITLE].s);
	snprintf(p.timezone, sizeof(p.timezone), "%s", f.v[F_TZ].s);
	snprintf(p.bio, sizeof(p.bio), "%s", f.v[F_BIO].s);
	snprintf(p.interests, sizeof(p.interests), "%s", f.v[F_INTERESTS].s);
	snprintf(p.focus, sizeof(p.focus), "%s", f.v[F_FOCUS].s);
	p.is_mentor = is_mentor;
	p.capacity = is_mentor ? (int)f.v[F_CAP].i : 0;
	p.pairing_goal = f.v[F_PAIR_GOAL].present && *f.v[F_PAIR_GOAL].s ? (int)f.v[F_PAIR_GOAL].i : 0;
	for (size_t k = 0; is_mentor && k < f.v[F_FORMATS].nrep; k++)
		p.formats |= format_bit(f.v[F_FORMATS].rep[k]);
	enum db_rc rc = profile_update(c->db, c->user.id, f.v[F_NAME].s, &p, c->now);
	if (rc != DB_OK) {
		ctx_store_error(c, rc);
		return;
	}
	ctx_flash(c, is_mentor ? "Profile saved. You are listed in the mentor directory." : "Profile saved.");
	resp_redirect(c->resp, "/profile");
}
