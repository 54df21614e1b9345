#include "store/insights.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "store/audit.h"

static enum db_rc feed(struct db *db, int64_t user, int role, const char *what, const char *sub, int n,
		       int minutes, const char *day, int64_t giver)
{
	if (ins_day(day) < 0)
		return DB_ERR;
	sqlite3_stmt *st =
		DB_STMT(db, "INSERT INTO insight_feed(user_id, role, what, sub, n, minutes, secs, day, "
			    "giver) VALUES (:u, :r, :w, :s, :n, :m, 0, :d, :g)");
	if (!st)
		return DB_ERR;
	db_bind_int(st, ":u", user);
	db_bind_int(st, ":r", role);
	db_bind_text(st, ":w", what);
	db_bind_text(st, ":s", sub);
	db_bind_int(st, ":n", n);
	db_bind_int(st, ":m", minutes);
	char d[11];
	memcpy(d, day, 10);
	d[10] = 0;
	db_bind_text(st, ":d", d);
	if (giver)
		db_bind_int(st, ":g", giver);
	else
		db_bind_null(st, ":g");
	return db_exec_step(db, st);
}

enum db_rc insight_touch(struct db *db, int64_t user_id, enum insight_role role, const char *day)
{
	return feed(db, user_id, (int)role, "touch", "", 0, 0, day, 0);
}

enum db_rc insight_session(struct db *db, int64_t leader_id, const char *kind, int n, int minutes,
			   const char *day)
{
	return feed(db, leader_id, n > 0 ? INSIGHT_MENTOR : INSIGHT_NONE, "session", kind, n, minutes, day,
		    leader_id);
}

void insight_series_free(struct insight_series *s)
{
	free(s->period);
	free(s->team);
	free(s->cell);
	free(s->total);
	free(s->weeks);
	free(s->total_weeks);
	free(s->left);
	free(s->total_left);
	free(s->hid);
	free(s->total_hid);
	free(s->bd_hid);
	free(s->gweeks);
	free(s->total_gweeks);
	memset(s, 0, sizeof(*s));
}

int insight_team_index(const struct insight_series *s, const char *name)
{
	for (size_t t = 0; t < s->nt; t++)
		if (strcmp(s->team[t], name) == 0)
			return (int)t;
	return -1;
}

/* Period p's index among sorted periods (binary search), or -1. */
static long find_period(char (*period)[11], size_t n, const char *p)
{
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int c = strcmp(period[mid], p);
		if (c == 0)
			return (long)mid;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

/* The base grid: every closed week from the first with figures, by team. */
struct grid {
	size_t nw, nt;
	char (*week)[11];
	struct ins_cell *cell;	/* nw * nt */
	unsigned char *hid;	/* nw * nt */
	unsigned char *thid;	/* nw */
	unsigned char *frozen;	/* nw: its suppression was fixed before this load */
	unsigned char *settled; /* nw: its figures too (read from insight_frozen) */
	unsigned char *has_row; /* nw * nt: the team has a frozen row in the week */
	int *ghid;		/* nw * nt: groups hidden when frozen (bits), -1: not yet */
};

static void grid_free(struct grid *g)
{
	free(g->week);
	free(g->cell);
	free(g->hid);
	free(g->thid);
	free(g->frozen);
	free(g->settled);
	free(g->has_row);
	free(g->ghid);
}

/* The teams, and every week's cells up to last with their members carried
 * over weeks without a row (from the history alone: never from the view's
 * window). The teams are the admins' list, 'other' and those of weeks
 * already frozen, never read from activity: a team of fewer than k
 * appearing with its first activity (or a back-dated one) would tell it.
 * The weeks start at the first frozen one once there is one: a row dated
 * before it (one person's back-dated activity) adds no week to every
 * history; and they are the last INSIGHT_MAX_PERIODS of them, so a row
 * dated decades back pushes no real week out. */
static enum db_rc read_grid(struct db *db, const char *last, struct insight_series *out, struct grid *g)
{
	sqlite3_stmt *st = DB_STMT(db, "SELECT name FROM teams UNION SELECT 'other' UNION SELECT team FROM "
				       "insight_frozen WHERE team <> '' ORDER BY 1");
	if (!st)
		return DB_ERR;
	out->team = calloc(INSIGHT_MAX_TEAMS, sizeof(*out->team));
	if (!out->team) {
		sqlite3_reset(st);
		return DB_ERR;
	}
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW && out->nt < INSIGHT_MAX_TEAMS)
		db_column_copy(st, 0, out->team[out->nt++], sizeof(out->team[0]));
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) /* more teams than the page can add up: say so, never a wrong total */
		return rc == SQLITE_ROW ? DB_ERR : db_rc_from(rc);
	char first[11] = "";
	st = DB_STMT(db, "SELECT coalesce((SELECT min(week) FROM insight_frozen), (SELECT min(period) FROM "
			 "insight_periods WHERE kind = 'w'))");
	if (!st)
		return DB_ERR;
	if (sqlite3_step(st) == SQLITE_ROW)
		db_column_copy(st, 0, first, sizeof(first));
	sqlite3_reset(st);
	long oldest = ins_day(last) - 7L * (INSIGHT_MAX_PERIODS - 1);
	if (first[0] && ins_day(first) < oldest)
		ins_ymd(oldest, first);
	g->nt = out->nt ? out->nt : 1;
	g->week = calloc(INSIGHT_MAX_PERIODS, sizeof(*g->week));
	if (!g->week)
		return DB_ERR;
	g->nw = first[0] && strcmp(first, last) <= 0
			? ins_periods(1, first, last, g->week, INSIGHT_MAX_PERIODS)
			: 0;
	size_t n = g->nw ? g->nw : 1;
	g->cell = calloc(n * g->nt, sizeof(*g->cell));
	g->hid = calloc(n * g->nt, 1);
	g->thid = calloc(n, 1);
	g->frozen = calloc(n, 1);
	g->settled = calloc(n, 1);
	g->has_row = calloc(n * g->nt, 1);
	g->ghid = malloc(n * g->nt * sizeof(int));
	if (!g->cell || !g->hid || !g->thid || !g->frozen || !g->settled || !g->has_row || !g->ghid)
		return DB_ERR;
	for (size_t i = 0; i < n * g->nt; i++)
		g->ghid[i] = -1;
	st = DB_STMT(
		db, "SELECT period, team, members, people, mentors, mentees, req_sent, req_answered, a0, a1, "
		    "a2, a3, a4, a5, a6, a7, ms_started, s_one_on_one, s_pairing, s_office_hours, "
		    "s_help_session, s_ring, s_other, minutes, done_met, done_partly, done_not_met, "
		    "ended_early, sv_invited, sv_answered FROM insight_periods WHERE kind = 'w' AND "
		    "period <= :last ORDER BY period, team");
	if (!st)
		return DB_ERR;
	db_bind_text(st, ":last", last);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		char p[11], tm[64];
		db_column_copy(st, 0, p, sizeof(p));
		db_column_copy(st, 1, tm, sizeof(tm));
		long wi = find_period(g->week, g->nw, p);
		int ti = insight_team_index(out, tm);
		if (wi < 0 || ti < 0)
			continue;
		struct ins_cell *c = &g->cell[(size_t)wi * g->nt + (size_t)ti];
		for (int f = 0; f < IF_N; f++)
			c->v[f] = sqlite3_column_int64(st, 2 + f);
		if (c->v[IF_MEMBERS] == 0) /* a row with no member figure: carried below */
			c->v[IF_MEMBERS] = -1;
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return db_rc_from(rc);
	for (size_t t = 0; t < out->nt; t++) {
		int64_t lastn = 0;
		for (size_t w = 0; w < g->nw; w++) {
			struct ins_cell *c = &g->cell[w * g->nt + t];
			if (c->v[IF_MEMBERS] > 0)
				lastn = c->v[IF_MEMBERS];
			else
				c->v[IF_MEMBERS] = lastn;
		}
	}
	return DB_OK;
}

/* The frozen suppression of settled weeks (their members and hides) and,
 * once a week has settled, every figure of its cells: from then on the
 * week is read from here, never from insight_periods. */
static enum db_rc read_frozen(struct db *db, const char *last, const struct insight_series *out,
			      struct grid *g)
{
	sqlite3_stmt *st = DB_STMT(
		db, "SELECT week, team, members, hid, ghid, settled, people, mentors, mentees, req_sent, "
		    "req_answered, a0, a1, a2, a3, a4, a5, a6, a7, ms_started, s_one_on_one, s_pairing, "
		    "s_office_hours, s_help_session, s_ring, s_other, minutes, done_met, done_partly, "
		    "done_not_met, ended_early, sv_invited, sv_answered FROM insight_frozen WHERE week <= "
		    ":last");
	if (!st)
		return DB_ERR;
	db_bind_text(st, ":last", last);
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		char w[11], tm[64];
		db_column_copy(st, 0, w, sizeof(w));
		db_column_copy(st, 1, tm, sizeof(tm));
		long wi = find_period(g->week, g->nw, w);
		if (wi < 0)
			continue;
		int settled = sqlite3_column_int(st, 5);
		if (!tm[0]) {
			g->frozen[wi] = 1;
			g->settled[wi] = (unsigned char)settled;
			g->thid[wi] = (unsigned char)sqlite3_column_int(st, 3);
			continue;
		}
		int ti = insight_team_index(out, tm);
		if (ti < 0)
			continue;
		size_t i = (size_t)wi * g->nt + (size_t)ti;
		g->has_row[i] = 1;
		g->cell[i].v[IF_MEMBERS] = sqlite3_column_int64(st, 2);
		g->hid[i] = (unsigned char)sqlite3_column_int(st, 3);
		g->ghid[i] = sqlite3_column_int(st, 4);
		if (settled)
			for (int f = IF_PEOPLE; f < IF_N; f++)
				g->cell[i].v[f] = sqlite3_column_int64(st, 5 + f);
	}
	sqlite3_reset(st);
	/* A team with no frozen row in a frozen week came in by a late
	 * write: it was not part of that week's pattern, so it stays out, and
	 * adds nothing to the rule's sums (as when the week was frozen). */
	for (size_t w = 0; w < g->nw; w++)
		for (size_t t = 0; g->frozen[w] && t < out->nt; t++)
			if (!g->has_row[w * g->nt + t]) {
				g->hid[w * g->nt + t] = 1;
				memset(&g->cell[w * g->nt + t], 0, sizeof(g->cell[0]));
			}
	return rc == SQLITE_DONE ? DB_OK : db_rc_from(rc);
}

/* The groups of cell c hidden by the small-count rule, as bits. */
static int group_bits(int k, const struct ins_cell *c)
{
	struct ins_cell copy = *c;
	unsigned char gh[IG_N];
	ins_activity_protect(k, &copy, gh);
	int bits = 0;
	for (int x = 0; x < IG_N; x++)
		bits |= gh[x] ? 1 << x : 0;
	return bits;
}

/* Whether a week of the grid has not settled yet (its figures are live). */
static int settle_owed(const struct grid *g)
{
	for (size_t w = 0; w < g->nw; w++)
		if (!g->settled[w])
			return 1;
	return 0;
}

/* Bind the figures of c but members to :f1..:f27 of st. */
static void bind_figures(sqlite3_stmt *st, const struct ins_cell *c)
{
	for (int f = IF_PEOPLE; f < IF_N; f++) {
		char name[16];
		snprintf(name, sizeof(name), ":f%d", f);
		db_bind_int(st, name, c ? c->v[f] : 0);
	}
}

/* Inside the caller's write transaction, on a grid read inside it.
 * settling: settle every week of the grid that has not (its members,
 * hidden cells, hidden groups and figures written as they are now); a week
 * closed before (insight_close, or frozen before weeks settled) keeps its
 * members and gains its figures, its hides only grow. Else close every
 * week of the grid not closed yet (members and hides only, settled 0). */
static enum db_rc write_weeks(struct db *db, const struct insight_series *out, struct grid *g, int k,
			      int settling)
{
	sqlite3_stmt *ins = DB_STMT(
		db, "INSERT INTO insight_frozen(week, team, members, hid, ghid, settled, people, mentors, "
		    "mentees, req_sent, req_answered, a0, a1, a2, a3, a4, a5, a6, a7, ms_started, "
		    "s_one_on_one, s_pairing, s_office_hours, s_help_session, s_ring, s_other, minutes, "
		    "done_met, done_partly, done_not_met, ended_early, sv_invited, sv_answered) VALUES (:w, "
		    ":t, :m, :h, :g, :s, :f1, :f2, :f3, :f4, :f5, :f6, :f7, :f8, :f9, :f10, :f11, :f12, "
		    ":f13, :f14, :f15, :f16, :f17, :f18, :f19, :f20, :f21, :f22, :f23, :f24, :f25, :f26, "
		    ":f27)");
	sqlite3_stmt *up = DB_STMT(
		db, "UPDATE insight_frozen SET settled = 1, hid = max(hid, :h), ghid = CASE WHEN ghid < 0 "
		    "THEN :g ELSE ghid | :g END, people = :f1, mentors = :f2, mentees = :f3, req_sent = :f4, "
		    "req_answered = :f5, a0 = :f6, a1 = :f7, a2 = :f8, a3 = :f9, a4 = :f10, a5 = :f11, "
		    "a6 = :f12, a7 = :f13, ms_started = :f14, s_one_on_one = :f15, s_pairing = :f16, "
		    "s_office_hours = :f17, s_help_session = :f18, s_ring = :f19, s_other = :f20, minutes "
		    "= :f21, done_met = :f22, done_partly = :f23, done_not_met = :f24, ended_early = :f25, "
		    "sv_invited = :f26, sv_answered = :f27 WHERE week = :w AND team = :t AND settled = 0");
	if (!ins || !up)
		return DB_ERR;
	enum db_rc rc = DB_OK;
	for (size_t w = 0; w < g->nw && rc == DB_OK; w++) {
		if (settling ? g->settled[w] : g->frozen[w])
			continue;
		for (size_t t = 0; t <= out->nt && rc == DB_OK; t++) {
			int prog = t == out->nt;
			size_t i = w * g->nt + t;
			if (g->frozen[w] && !prog && !g->has_row[i]) /* hidden, and adds nothing */
				continue;
			const struct ins_cell *c = prog ? NULL : &g->cell[i];
			int bits = prog ? 0 : group_bits(k, c);
			if (!prog && g->ghid[i] >= 0)
				bits |= g->ghid[i];
			sqlite3_stmt *s = g->frozen[w] ? up : ins;
			db_bind_text(s, ":w", g->week[w]);
			db_bind_text(s, ":t", prog ? "" : out->team[t]);
			db_bind_int(s, ":g", bits);
			db_bind_int(s, ":h", prog ? g->thid[w] : g->hid[i]);
			if (!g->frozen[w]) {
				db_bind_int(s, ":m", prog ? 0 : c->v[IF_MEMBERS]);
				db_bind_int(s, ":s", settling);
			}
			bind_figures(s, settling ? c : NULL);
			rc = db_exec_step(db, s);
			if (!prog) {
				g->ghid[i] = bits;
				g->has_row[i] = 1;
			}
		}
		g->frozen[w] = 1;
		g->settled[w] = (unsigned char)settling;
	}
	return rc;
}

/* Which period of the view week w of the grid falls in, or -1. */
static long view_index(const struct insight_series *out, int weekly, const char *week)
{
	char key[11];
	str_copy(key, sizeof(key), week);
	if (!weekly)
		key[7] = 0;
	return find_period(out->period, out->np, key);
}

long insight_unsettled_monday(long td)
{
	/* The last settled week ended INSIGHT_SETTLE_DAYS or more ago. */
	return ins_monday(td - 7 - INSIGHT_SETTLE_DAYS) + 7;
}

/* Which cells of every week of g are shown (on frozen hides, which only
 * grow). */
static void protect_all(int k, const struct insight_series *out, struct grid *g)
{
	for (size_t w = 0; w < g->nw; w++) {
		struct ins_cell total = {0};
		for (size_t t = 0; t < out->nt; t++)
			for (int f = 0; f < IF_N; f++)
				total.v[f] += g->cell[w * g->nt + t].v[f];
		ins_protect(k, out->nt, &g->cell[w * g->nt], &total, &g->hid[w * g->nt], &g->thid[w]);
	}
}

/* The grid of every week up to last, its teams into out, and which cells
 * are shown. */
static enum db_rc read_all(struct db *db, const char *last, int k, struct insight_series *out, struct grid *g)
{
	enum db_rc rc = read_grid(db, last, out, g);
	if (rc == DB_OK)
		rc = read_frozen(db, last, out, g);
	if (rc == DB_OK)
		protect_all(k, out, g);
	return rc;
}

/* Each team's active accounts now (insight_team_members) as the members of
 * week w of g. */
static enum db_rc members_now(struct db *db, const struct insight_series *out, struct grid *g, size_t w)
{
	for (size_t t = 0; t < out->nt; t++)
		g->cell[w * g->nt + t].v[IF_MEMBERS] = 0;
	sqlite3_stmt *st = DB_STMT(db, "SELECT team, n FROM insight_team_members");
	if (!st)
		return DB_ERR;
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		char tm[64];
		db_column_copy(st, 0, tm, sizeof(tm));
		int ti = insight_team_index(out, tm);
		if (ti >= 0)
			g->cell[w * g->nt + (size_t)ti].v[IF_MEMBERS] = sqlite3_column_int64(st, 1);
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? DB_OK : db_rc_from(rc);
}

enum db_rc insight_close(struct db *db, int k, const char *today)
{
	long td = ins_day(today);
	if (td < 0)
		return DB_ERR;
	char last[11];
	ins_ymd(ins_monday(td) - 7, last);
	/* The usual call: one seek says the last week that ended is closed
	 * (or that there is nothing to close). */
	sqlite3_stmt *st =
		DB_STMT(db, "SELECT EXISTS (SELECT 1 FROM insight_frozen WHERE week = :w AND team = "
			    "'') OR NOT EXISTS (SELECT 1 FROM insight_periods WHERE kind = 'w' AND "
			    "period <= :w)");
	if (!st)
		return DB_ERR;
	db_bind_text(st, ":w", last);
	int rc = sqlite3_step(st);
	int done = rc == SQLITE_ROW && sqlite3_column_int(st, 0);
	sqlite3_reset(st);
	if (rc != SQLITE_ROW)
		return db_rc_from(rc);
	if (done)
		return DB_OK;
	enum db_rc r = db_begin(db);
	if (r != DB_OK)
		return r;
	struct insight_series out = {0};
	struct grid g = {0};
	r = read_grid(db, last, &out, &g);
	if (r == DB_OK)
		r = read_frozen(db, last, &out, &g);
	/* The week that just ended has the members of its end, whatever
	 * the row's last write wrote (a late write to a week sets the count
	 * of its own day); older weeks closed now (a history written into
	 * the past) keep theirs. */
	if (r == DB_OK && g.nw && strcmp(g.week[g.nw - 1], last) == 0 && !g.frozen[g.nw - 1])
		r = members_now(db, &out, &g, g.nw - 1);
	if (r == DB_OK) {
		protect_all(k, &out, &g);
		r = write_weeks(db, &out, &g, k, 0);
	}
	grid_free(&g);
	insight_series_free(&out);
	return db_end(db, r);
}

static enum db_rc load(struct db *db, int weekly, const char *from, const char *to, const char *today, int k,
		       struct insight_series *out, int may_freeze)
{
	memset(out, 0, sizeof(*out));
	out->weekly = weekly;
	long td = ins_day(today);
	if (td < 0)
		return DB_ERR;
	long last_monday = insight_unsettled_monday(td) - 7;
	char last[11], running[11];
	ins_ymd(last_monday, last);
	ins_ymd(last_monday + 7, running); /* the first week not settled */
	struct grid g = {0};
	enum db_rc rc = read_all(db, last, k, out, &g);
	if (rc == DB_OK && settle_owed(&g)) {
		/* Settle under the writers' lock, on figures read under it: what
		 * is written is exactly what this load shows, and no other
		 * worker settles the same week with other figures. */
		grid_free(&g);
		memset(&g, 0, sizeof(g));
		free(out->team);
		out->team = NULL;
		out->nt = 0;
		rc = may_freeze ? db_begin(db) : DB_NOTFOUND;
		if (rc == DB_OK) {
			rc = read_all(db, last, k, out, &g);
			if (rc == DB_OK)
				rc = write_weeks(db, out, &g, k, 1);
			rc = db_end(db, rc);
		}
	}
	if (rc != DB_OK) {
		grid_free(&g);
		insight_series_free(out);
		return rc;
	}
	/* The periods of the window: settled weeks, or months whose weeks
	 * (those whose Monday falls in it) have all settled. */
	char a[11] = "", b[11];
	if (from && from[0]) {
		str_copy(a, sizeof(a), from);
		if (weekly && ins_day(a) >= 0)
			ins_ymd(ins_monday(ins_day(a)), a);
	}
	str_copy(b, sizeof(b), to && to[0] ? to : today);
	if (!weekly) {
		a[7 < strlen(a) ? 7 : strlen(a)] = 0;
		b[7] = 0;
	}
	out->period = calloc(g.nw ? g.nw : 1, sizeof(*out->period));
	if (!out->period) {
		grid_free(&g);
		insight_series_free(out);
		return DB_ERR;
	}
	for (size_t w = 0; w < g.nw; w++) {
		char key[11];
		str_copy(key, sizeof(key), g.week[w]);
		if (!weekly) {
			key[7] = 0;
			if (strncmp(key, running, 7) >= 0) /* a week of the month has not settled */
				continue;
		}
		if (strcmp(key, a) < 0 || strcmp(key, b) > 0)
			continue;
		if (out->np && strcmp(out->period[out->np - 1], key) == 0)
			continue;
		memcpy(out->period[out->np++], key, 11);
	}
	size_t nt = g.nt, np = out->np ? out->np : 1;
	out->cell = calloc(np * nt, sizeof(*out->cell));
	out->total = calloc(np, sizeof(*out->total));
	out->weeks = calloc(np * nt, sizeof(int));
	out->total_weeks = calloc(np, sizeof(int));
	out->left = calloc(np * nt, sizeof(int));
	out->total_left = calloc(np, sizeof(int));
	out->hid = calloc(np * nt, 1);
	out->total_hid = calloc(np, 1);
	out->bd_hid = calloc(np * BD_N, 1);
	out->gweeks = calloc(np * nt * IG_N, sizeof(int));
	out->total_gweeks = calloc(np * IG_N, sizeof(int));
	if (!out->cell || !out->total || !out->weeks || !out->total_weeks || !out->left || !out->total_left ||
	    !out->hid || !out->total_hid || !out->bd_hid || !out->gweeks || !out->total_gweeks) {
		grid_free(&g);
		insight_series_free(out);
		return DB_ERR;
	}
	/* Sums over shown cells only. */
	for (size_t w = 0; w < g.nw; w++) {
		long p = view_index(out, weekly, g.week[w]);
		if (p < 0)
			continue;
		int shown = 0;
		for (size_t t = 0; t < out->nt; t++) {
			size_t i = w * nt + t, j = (size_t)p * nt + t;
			if (g.frozen[w] && !g.has_row[i]) /* not one of the week's teams when it closed */
				continue;
			if (g.hid[i] || g.thid[w]) {
				out->left[j]++;
				out->total_left[p]++;
				continue;
			}
			shown = 1;
			out->weeks[j]++;
			/* Small counts of what its people did: left out of every sum. */
			struct ins_cell c = g.cell[i];
			unsigned char gh[IG_N];
			ins_activity_protect(k, &c, gh);
			/* ... and so is whatever was hidden when the week closed,
			 * however late writes have moved it since. */
			for (int x = 0; x < IG_N; x++)
				if (g.ghid[i] > 0 && (g.ghid[i] & (1 << x)) && !gh[x]) {
					gh[x] = 1;
					ins_group_clear(&c, (enum ins_group)x);
				}
			for (int x = 0; x < IG_N; x++)
				if (!gh[x]) {
					out->gweeks[j * IG_N + (size_t)x]++;
					out->total_gweeks[(size_t)p * IG_N + (size_t)x]++;
				}
			for (int f = 0; f < IF_N; f++) {
				out->cell[j].v[f] += c.v[f];
				out->total[p].v[f] += c.v[f];
			}
		}
		out->total_weeks[p] += shown;
	}
	for (size_t p = 0; p < out->np; p++) {
		for (size_t t = 0; t < out->nt; t++)
			out->hid[p * nt + t] = out->weeks[p * nt + t] == 0;
		out->total_hid[p] = out->total_weeks[p] == 0;
		unsigned char *bh = &out->bd_hid[p * BD_N];
		if (weekly || out->total_hid[p]) { /* breakdowns: the program's months only */
			memset(bh, 1, BD_N);
			continue;
		}
		int64_t v[BD_N];
		ins_breakdown(&out->total[p], v);
		ins_breakdown_protect(k, v, bh);
	}
	grid_free(&g);
	return DB_OK;
}

enum db_rc insight_load(struct db *db, int weekly, const char *from, const char *to, const char *today, int k,
			struct insight_series *out)
{
	return load(db, weekly, from, to, today, k, out, 1);
}

enum db_rc insight_load_frozen(struct db *db, int weekly, const char *from, const char *to, const char *today,
			       int k, struct insight_series *out)
{
	return load(db, weekly, from, to, today, k, out, 0);
}

enum db_rc insight_events(struct db *db, struct insight_event *out, size_t max, size_t *n)
{
	*n = 0;
	/* The latest max, in date order: past max, the oldest fall off (not
	 * the newest, which the pages compare and mark). */
	sqlite3_stmt *st = DB_STMT(db, "SELECT id, on_day, title, note FROM (SELECT * FROM program_events "
				       "ORDER BY on_day DESC, id DESC LIMIT :max) ORDER BY on_day, id");
	if (!st)
		return DB_ERR;
	db_bind_int(st, ":max", (int64_t)max);
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW && *n < max) {
		struct insight_event *e = &out[(*n)++];
		e->id = sqlite3_column_int64(st, 0);
		db_column_copy(st, 1, e->on, sizeof(e->on));
		db_column_copy(st, 2, e->title, sizeof(e->title));
		db_column_copy(st, 3, e->note, sizeof(e->note));
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE || rc == SQLITE_ROW ? DB_OK : db_rc_from(rc);
}

enum db_rc insight_event_add(struct db *db, const char *on, const char *title, const char *note,
			     int64_t admin, int64_t now, const char *ip)
{
	enum db_rc rc = db_begin(db);
	if (rc != DB_OK)
		return rc;
	sqlite3_stmt *st =
		DB_STMT(db, "INSERT INTO program_events(on_day, title, note, created_by, created_at) "
			    "VALUES (:d, :t, :n, :a, :c)");
	if (!st)
		return db_end(db, DB_ERR);
	db_bind_text(st, ":d", on);
	db_bind_text(st, ":t", title);
	db_bind_text(st, ":n", note);
	db_bind_int(st, ":a", admin);
	db_bind_int(st, ":c", now);
	rc = db_exec_step(db, st);
	if (rc == DB_OK)
		rc = audit_add(db, now, "program_event_added", admin,
			       sqlite3_last_insert_rowid(db_handle(db)), ip, title);
	return db_end(db, rc);
}

enum db_rc insight_given(struct db *db, int64_t user_id,
			 void (*fn)(void *arg, const char *quarter, const char *kind, int64_t n,
				    int64_t minutes),
			 void *arg, int64_t *people)
{
	*people = 0;
	sqlite3_stmt *st =
		DB_STMT(db, "SELECT quarter, kind, n, minutes FROM insight_given WHERE user_id = :u "
			    "ORDER BY quarter, kind");
	if (!st)
		return DB_ERR;
	db_bind_int(st, ":u", user_id);
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		char q[16], kind[40];
		db_column_copy(st, 0, q, sizeof(q));
		db_column_copy(st, 1, kind, sizeof(kind));
		fn(arg, q, kind, sqlite3_column_int64(st, 2), sqlite3_column_int64(st, 3));
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return db_rc_from(rc);
	st = DB_STMT(db, "SELECT count(DISTINCT mentee_id) FROM mentorships WHERE mentor_id = :u");
	if (!st)
		return DB_ERR;
	db_bind_int(st, ":u", user_id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*people = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? DB_OK : db_rc_from(rc);
}

enum db_rc insight_published(struct db *db, void (*fn)(void *arg, const struct insight_survey *p), void *arg)
{
	sqlite3_stmt *st = DB_STMT(
		db, "SELECT s.id, s.title, s.show_text, s.status = 'closed', coalesce((SELECT n "
		    "FROM kept_counts WHERE name = 'ans:' || s.id), 0), (SELECT coalesce(max(r.batch), "
		    "0) FROM survey_responses r WHERE r.survey_id = s.id) FROM surveys s WHERE "
		    "s.published = 1 ORDER BY s.id DESC LIMIT 20");
	if (!st)
		return DB_ERR;
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		char title[804];
		db_column_copy(st, 1, title, sizeof(title));
		struct insight_survey p = {.id = sqlite3_column_int64(st, 0),
					   .answered = sqlite3_column_int64(st, 4),
					   .batch = sqlite3_column_int64(st, 5),
					   .title = title,
					   .show_text = sqlite3_column_int(st, 2),
					   .closed = sqlite3_column_int(st, 3)};
		p.version = p.answered * 4 + p.show_text * 2 + p.closed;
		fn(arg, &p);
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? DB_OK : db_rc_from(rc);
}

enum db_rc insight_publish(struct db *db, int64_t survey_id, int on, int64_t admin, int64_t now,
			   const char *ip)
{
	enum db_rc rc = db_begin(db);
	if (rc != DB_OK)
		return rc;
	sqlite3_stmt *st =
		DB_STMT(db, "UPDATE surveys SET published = :p WHERE id = :id AND status <> 'draft'");
	if (!st)
		return db_end(db, DB_ERR);
	db_bind_int(st, ":p", on ? 1 : 0);
	db_bind_int(st, ":id", survey_id);
	rc = db_exec_step(db, st);
	if (rc == DB_OK && sqlite3_changes(db_handle(db)) == 0)
		rc = DB_NOTFOUND;
	if (rc == DB_OK)
		rc = audit_add(db, now, on ? "survey_published" : "survey_unpublished", admin, survey_id, ip,
			       NULL);
	return db_end(db, rc);
}
