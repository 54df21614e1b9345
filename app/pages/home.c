/* GET / (the member's dashboard) and GET /admin (the program overview). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/when.h"
#include "pages/ctx.h"
#include "pages/coffee.h"
#include "pages/format.h"
#include "pages/home_pairing.h"
#include "pages/mentorships.h"
#include "pages/relation.h"
#include "pages/requests.h"
#include "pages/routes.h"
#include "store/dashboard.h"
#include "store/mentorship_lists.h"
#include "store/profiles.h"
#include "store/ratings.h"
#include "store/requests.h"
#include "store/surveys.h"

/* Requests for the dashboard: waiting on me, or mine that closed lately. */
static struct vlist *dash_requests(struct ctx *c, int waiting_on_me)
{
	struct request_rows rows = {c, view_list_new()};
	if (waiting_on_me)
		req_waiting_on(c->db, c->user.id, c->now, request_row_add, &rows);
	else
		req_mine_recent(c->db, c->user.id, c->now, request_row_add, &rows);
	return rows.l;
}

/* One active mentorship of mine, as the dashboard shows it. */
struct dash_ms {
	int64_t id, done, weeks, next_at;
	int i_mentor;
	char other[400], topic[200];
};

/* Newest first (ids grow with creation). */
static int by_newest(const void *a, const void *b)
{
	const struct dash_ms *x = a, *y = b;
	return (x->id < y->id) - (x->id > y->id);
}

/* Soonest planned session first. */
static int by_next(const void *a, const void *b)
{
	const struct dash_ms *x = *(const struct dash_ms *const *)a, *y = *(const struct dash_ms *const *)b;
	return (x->next_at > y->next_at) - (x->next_at < y->next_at);
}

#define DASH_MAX 64

struct dash_ms_arg {
	struct dash_ms *ms;
	size_t n;
};

static void dash_ms_add(void *arg, const struct ms_row *r)
{
	struct dash_ms_arg *a = arg;
	if (a->n >= DASH_MAX)
		return;
	struct dash_ms *m = &a->ms[a->n++];
	m->id = r->id;
	m->i_mentor = r->i_mentor;
	snprintf(m->other, sizeof(m->other), "%s", r->other ? r->other : "");
	snprintf(m->topic, sizeof(m->topic), "%s", r->topic ? r->topic : "");
	m->done = r->done;
	m->weeks = r->weeks;
	m->next_at = r->next_at;
}

/* My active mentorships and, from the same rows, the planned sessions
 * (soonest first, in my zone; a mentee is reminded to send an agenda when
 * one is under 24 hours away). The store gives them unordered
 * (ms_active_each says why); C orders them. */
static void dash_mentorships(struct ctx *c, struct view *v)
{
	static struct dash_ms ms[DASH_MAX];
	struct dash_ms_arg a = {ms, 0};
	ms_active_each(c->db, c->user.id, dash_ms_add, &a);
	size_t n = a.n;
	qsort(ms, n, sizeof(ms[0]), by_newest);
	struct vlist *all = view_list_new();
	const struct dash_ms *next[DASH_MAX] = {0};
	size_t nn = 0;
	for (size_t i = 0; i < n; i++) {
		struct vrow *r = view_row_new();
		view_row_int(r, ms[i].id);
		view_row_str(r, ms[i].i_mentor ? "mentor" : "mentee");
		view_row_str(r, ms[i].other);
		view_row_str(r, ms[i].topic);
		/* issue 21: a single conversation has no plan to count weeks of */
		char progress[64];
		if (ms[i].weeks > 0)
			snprintf(progress, sizeof(progress), "%d of %d weeks done", (int)ms[i].done,
				 (int)ms[i].weeks);
		else
			snprintf(progress, sizeof(progress), "a first conversation");
		view_row_str(r, progress);
		view_list_add(all, r);
		if (ms[i].next_at > c->now)
			next[nn++] = &ms[i];
	}
	view_int(v, "nmentorships", view_list_len(all));
	view_list_set(v, "mentorships", all);
	qsort(next, nn, sizeof(next[0]), by_next);
	struct vlist *up = view_list_new();
	char tz[64];
	ctx_timezone(c, tz, sizeof(tz)); /* read once a request: the waits below show times too */
	for (size_t i = 0; i < nn; i++) {
		char when[120];
		when_format(next[i]->next_at, tz, when, sizeof(when));
		struct vrow *r = view_row_new();
		view_row_int(r, next[i]->id);
		view_row_str(r, next[i]->topic);
		view_row_str(r, next[i]->other);
		view_row_str(r, when);
		view_row_int(r, !next[i]->i_mentor && next[i]->next_at - c->now < 86400);
		view_list_add(up, r);
	}
	view_int(v, "nupcoming", view_list_len(up));
	view_list_set(v, "upcoming", up);
}

/* Survey invitations: the dashboard's line about them, and a line of
 * "Waits on me". */
struct survey_arg {
	struct vlist *surveys, *waits;
};

/* A line of "Waits on me": where to go, the link's text, what follows it. */
static void wait_line(struct vlist *l, const char *href, const char *link, const char *rest)
{
	struct vrow *r = view_row_new();
	view_row_str(r, href);
	view_row_str(r, link);
	view_row_str(r, rest);
	view_list_add(l, r);
}

static void survey_line(void *arg, const struct invitation_row *inv)
{
	struct survey_arg *a = arg;
	struct vrow *r = view_row_new();
	view_row_int(r, inv->id);
	view_row_str(r, inv->title);
	view_list_add(a->surveys, r);
	char href[48];
	snprintf(href, sizeof(href), "/surveys/%lld", (long long)inv->id);
	wait_line(a->waits, href, inv->title, ": a survey to answer (two minutes, anonymous)");
}

struct wait_arg {
	struct ctx *c;
	struct vlist *l;
	char tz[64];
};

static void wait_item(void *arg, const struct dash_wait *w)
{
	struct wait_arg *a = arg;
	char href[64], link[600], rest[300], when[120];
	switch (w->kind) {
	case WAIT_FEEDBACK:
		snprintf(href, sizeof(href), "/sessions/%lld", (long long)w->id);
		snprintf(link, sizeof(link), "Give feedback on your session with %s", w->other);
		snprintf(rest, sizeof(rest), " (held %s)", w->day);
		break;
	case WAIT_SOON:
		when_format(w->at, a->tz, when, sizeof(when));
		snprintf(href, sizeof(href), "/mentorships/%lld#agenda-title", (long long)w->id);
		if (w->i_mentor && !w->has_agenda)
			snprintf(link, sizeof(link), "Your session with %s (no agenda yet)", w->other);
		else
			snprintf(link, sizeof(link), "%s the agenda for your session with %s",
				 w->i_mentor	 ? "Read"
				 : w->has_agenda ? "Check"
						 : "Write",
				 w->other);
		snprintf(rest, sizeof(rest), ": %s", when);
		break;
	case WAIT_OVERDUE:
		snprintf(href, sizeof(href), "/requests/%lld", (long long)w->id);
		snprintf(link, sizeof(link), "Answer %s's request: %s", w->other, w->topic);
		fmt_duration(a->c->now - w->at, when, sizeof(when));
		snprintf(rest, sizeof(rest), " (overdue: waiting %s)", when);
		break;
	case WAIT_OH_MARK:
		when_format(w->at, a->tz, when, sizeof(when));
		snprintf(href, sizeof(href), "/office-hours/%lld", (long long)w->id);
		snprintf(link, sizeof(link), "Mark who came to your office hours: %s", w->topic);
		snprintf(rest, sizeof(rest), " (%s)", when);
		break;
	case WAIT_HELP_LOG:
		snprintf(href, sizeof(href), "/help-sessions#help-%lld", (long long)w->id);
		snprintf(link, sizeof(link), "Log the help session you led: %s", w->topic);
		snprintf(rest, sizeof(rest), " (%s)", w->day);
		break;
	}
	wait_line(a->l, href, link, rest);
}

void page_home(struct ctx *c)
{
	struct view *v = ctx_view(c);
	dash_mentorships(c, v);
	struct wait_arg wa = {c, view_list_new(), "UTC"};
	ctx_timezone(c, wa.tz, sizeof(wa.tz));
	dash_waits(c->db, c->user.id, c->now, wait_item, &wa);
	struct survey_arg sa = {view_list_new(), wa.l};
	/* The count kept on the person's row (sql/0034, read with the
	 * session) is this list's length: most people have none to list. */
	if (c->user.surveys_waiting > 0)
		survey_open_each(c->db, c->user.id, 20, survey_line, &sa);
	view_list_set(v, "surveys", sa.surveys);
	view_int(v, "nwaits", view_list_len(wa.l));
	view_list_set(v, "waits", wa.l);
	struct vlist *waiting = dash_requests(c, 1), *mine = dash_requests(c, 0);
	view_int(v, "nwaiting", view_list_len(waiting));
	view_int(v, "nmine", view_list_len(mine));
	view_list_set(v, "waiting", waiting);
	view_list_set(v, "mine", mine);
	coffee_dashboard(c); /* issue 18 */
	home_pairing(c, v);  /* issue 17 */
	relation_dash(c);    /* issue 21: past the end, stalled, proposals, follow-ups */
	ctx_render(c, 200, "home", "Your dashboard");
}
