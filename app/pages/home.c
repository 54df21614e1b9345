/* GET / (the member's dashboard) and GET /admin (the program overview). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pages/ctx.h"
#include "pages/format.h"
#include "pages/mentorships.h"
#include "pages/requests.h"
#include "pages/routes.h"
#include "pages/when.h"
#include "store/ratings.h"
#include "store/requests.h"
#include "store/waits.h"

/* Requests for the dashboard: waiting on me, or mine that closed lately.
 * Two statements rather than one with OR: each is a plain index range. */
static struct vlist *dash_requests(struct ctx *c, int waiting_on_me)
{
	sqlite3_stmt *st =
		waiting_on_me
			? DB_STMT(c->db,
				  "SELECT r.id, e.display_name, t.name, " REQ_STATUS_SQL
				  ", r.created_at, r.reason, r.reason_sealed FROM requests r "
				  "JOIN users e ON e.id = r.mentee_id JOIN topics t ON t.id = r.topic_id "
				  "WHERE r.mentor_id = :u AND r.status = 'pending' AND r.created_at > :now - "
				  "1209600 "
				  "ORDER BY r.created_at LIMIT 50")
			: DB_STMT(c->db,
				  "SELECT r.id, m.display_name, t.name, " REQ_STATUS_SQL
				  ", r.created_at, r.reason, r.reason_sealed FROM requests r "
				  "JOIN users m ON m.id = r.mentor_id JOIN topics t ON t.id = r.topic_id "
				  "WHERE r.mentee_id = :u AND (r.status = 'pending' OR "
				  "  coalesce(r.answered_at, r.created_at + 1209600) > :now - 30 * 86400) "
				  "ORDER BY r.created_at LIMIT 50");
	if (st) {
		db_bind_int(st, ":u", c->user.id);
		db_bind_int(st, ":now", c->now);
	}
	return request_rows_from(c, st);
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

/* My active mentorships and, from the same rows, the planned sessions
 * (soonest first, in my zone; a mentee is reminded to send an agenda when
 * one is under 24 hours away). One statement and no ORDER BY: with LIMIT,
 * SQLite sorts through a temporary b-tree, a measurable share of the page;
 * a person's active mentorships are few, so C orders them. */
static void dash_mentorships(struct ctx *c, struct view *v)
{
	static struct dash_ms ms[DASH_MAX];
	size_t n = 0;
	sqlite3_stmt *st = DB_STMT(
		c->db,
		"SELECT m.id, m.mentor_id = :u, "
		"CASE WHEN m.mentor_id = :u THEN b.display_name ELSE a.display_name END, t.name, "
		"(SELECT count(*) FROM plan_weeks w WHERE w.mentorship_id = m.id AND w.done), m.weeks, "
		"coalesce(m.next_session_at, 0) "
		"FROM mentorships m JOIN users a ON a.id = m.mentor_id JOIN users b ON b.id = m.mentee_id "
		"JOIN topics t ON t.id = m.topic_id "
		"WHERE (m.mentor_id = :u OR m.mentee_id = :u) AND m.status = 'active'");
	if (st) {
		db_bind_int(st, ":u", c->user.id);
		while (n < DASH_MAX && sqlite3_step(st) == SQLITE_ROW) {
			struct dash_ms *m = &ms[n++];
			m->id = sqlite3_column_int64(st, 0);
			m->i_mentor = sqlite3_column_int(st, 1);
			db_column_copy(st, 2, m->other, sizeof(m->other));
			db_column_copy(st, 3, m->topic, sizeof(m->topic));
			m->done = sqlite3_column_int64(st, 4);
			m->weeks = sqlite3_column_int64(st, 5);
			m->next_at = sqlite3_column_int64(st, 6);
		}
		sqlite3_reset(st);
	}
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
		view_row_int(r, ms[i].done);
		view_row_int(r, ms[i].weeks);
		view_list_add(all, r);
		if (ms[i].next_at > c->now)
			next[nn++] = &ms[i];
	}
	view_list_set(v, "mentorships", all);
	qsort(next, nn, sizeof(next[0]), by_next);
	struct vlist *up = view_list_new();
	char tz[64] = "UTC";
	if (nn)
		when_user_tz(c->db, c->user.id, tz, sizeof(tz));
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
	view_list_set(v, "upcoming", up);
}

void page_home(struct ctx *c)
{
	struct view *v = ctx_view(c);
	dash_mentorships(c, v);
	struct vlist *sv = view_list_new();
	sqlite3_stmt *st = DB_STMT(
		c->db,
		"SELECT i.id, s.title FROM survey_invitations i JOIN surveys s ON s.id = i.survey_id "
		"WHERE i.user_id = :u AND i.answered = 0 AND s.status = 'open' ORDER BY i.id LIMIT 20");
	if (st) {
		db_bind_int(st, ":u", c->user.id);
		while (sqlite3_step(st) == SQLITE_ROW) {
			struct vrow *r = view_row_new();
			view_row_int(r, sqlite3_column_int64(st, 0));
			view_row_str(r, (const char *)sqlite3_column_text(st, 1));
			view_list_add(sv, r);
		}
		sqlite3_reset(st);
	}
	view_list_set(v, "surveys", sv);
	view_list_set(v, "waiting", dash_requests(c, 1));
	view_list_set(v, "mine", dash_requests(c, 0));
	ctx_render(c, 200, "home", "Your dashboard");
}

void page_admin(struct ctx *c)
{
	struct view *v = ctx_view(c);
	view_int(v, "members", db_scalar(c->db, "SELECT count(*) FROM users WHERE active = 1", 0));
	view_int(v, "admins",
		 db_scalar(c->db, "SELECT count(*) FROM users WHERE active = 1 AND role = 'admin'", 0));
	view_int(v, "mentors",
		 db_scalar(c->db,
			   "SELECT count(*) FROM profiles p JOIN users u ON u.id = p.user_id "
			   "WHERE p.is_mentor = 1 AND u.active = 1",
			   0));
	view_int(v, "active_ms",
		 db_scalar(c->db, "SELECT count(*) FROM mentorships WHERE status = 'active'", 0));
	view_int(v, "done_ms",
		 db_scalar(c->db, "SELECT count(*) FROM mentorships WHERE status <> 'active'", 0));
	view_int(v, "sessions_logged", db_scalar(c->db, "SELECT count(*) FROM meetings", 0));
	/* This month, by the calendar in UTC. */
	sqlite3_stmt *st = DB_STMT(
		c->db,
		"SELECT count(*) FROM meetings WHERE held_on >= strftime('%Y-%m-01', :now, 'unixepoch')");
	int64_t month = 0;
	if (st) {
		db_bind_int(st, ":now", c->now);
		if (sqlite3_step(st) == SQLITE_ROW)
			month = sqlite3_column_int64(st, 0);
		sqlite3_reset(st);
	}
	view_int(v, "sessions_month", month);
	/* Open requests and how long they have waited (median), all of them. */
	int64_t nw = 0, wait = 0;
	waits_open_requests(c->db, c->now, &nw, &wait);
	char med[40] = "—";
	if (nw)
		fmt_duration(wait, med, sizeof(med));
	view_int(v, "open_requests", nw);
	view_str(v, "median_wait", med);
	int64_t invited = db_scalar(c->db, "SELECT count(*) FROM survey_invitations", 0);
	int64_t answered = db_scalar(c->db, "SELECT count(*) FROM survey_invitations WHERE answered = 1", 0);
	char rate[16] = "—";
	if (invited)
		snprintf(rate, sizeof(rate), "%lld%%", (long long)(100 * answered / invited));
	view_str(v, "survey_rate", rate);
	view_int(v, "survey_invited", invited);
	/* Ratings reach admins only as an average that moves in steps of k
	 * forms (store/ratings.h): one new form never moves it, so the
	 * difference of two views tells nothing about one person. The texts
	 * never reach admins (sealed; no admin page opens them). */
	struct rating_figures rf;
	char avg[32] = "";
	if (ratings_shown(c->db, &rf) != DB_OK)
		rf.forms = rf.shown_forms = 0;
	if (rf.shown_forms)
		snprintf(avg, sizeof(avg), "%.1f", rf.average);
	int64_t step = rf.shown_forms;
	view_int(v, "rated_forms", step);
	view_int(v, "rating_step", c->cfg->survey_k);
	view_str(v, "avg_rating", avg);
	ctx_render(c, 200, "admin", "Program overview");
}
