#include "store/insights.h"

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
	free(s->hid);
	free(s->total_hid);
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

enum db_rc insight_load(struct db *db, int weekly, const char *from, const char *to, int k,
			struct insight_series *out)
{
	memset(out, 0, sizeof(*out));
	out->weekly = weekly;
	/* The teams, and the first period with figures. */
	sqlite3_stmt *st =
		DB_STMT(db, "SELECT DISTINCT team FROM insight_periods WHERE kind = :k ORDER BY team");
	if (!st)
		return DB_ERR;
	db_bind_text(st, ":k", weekly ? "w" : "m");
	out->team = calloc(INSIGHT_MAX_TEAMS, sizeof(*out->team));
	if (!out->team) {
		sqlite3_reset(st);
		return DB_ERR;
	}
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW && out->nt < INSIGHT_MAX_TEAMS)
		db_column_copy(st, 0, out->team[out->nt++], sizeof(out->team[0]));
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) { /* more teams than the page can add up: say so, never a wrong total */
		insight_series_free(out);
		return rc == SQLITE_ROW ? DB_ERR : db_rc_from(rc);
	}
	char first[11] = "";
	st = DB_STMT(db, "SELECT min(period) FROM insight_periods WHERE kind = :k");
	if (!st)
		return DB_ERR;
	db_bind_text(st, ":k", weekly ? "w" : "m");
	if (sqlite3_step(st) == SQLITE_ROW)
		db_column_copy(st, 0, first, sizeof(first));
	sqlite3_reset(st);
	char a[11], b[11];
	str_copy(a, sizeof(a), first[0] ? first : to);
	if (!weekly && strlen(a) == 7) /* "YYYY-MM" */
		str_copy(a + 7, 4, "-01");
	str_copy(b, sizeof(b), to);
	/* Every period from the first with figures to `to`; shown from `from`. */
	char(*all)[11] = calloc(INSIGHT_MAX_PERIODS, sizeof(*all));
	if (!all)
		return DB_ERR;
	size_t na = ins_periods(weekly, a, b, all, INSIGHT_MAX_PERIODS);
	size_t nt = out->nt ? out->nt : 1;
	struct ins_cell *cells = calloc(na ? na * nt : 1, sizeof(*cells));
	if (!cells) {
		free(all);
		return DB_ERR;
	}
	st = DB_STMT(
		db, "SELECT period, team, members, people, mentors, mentees, req_sent, req_answered, a0, a1, "
		    "a2, a3, a4, a5, a6, a7, ms_started, s_one_on_one, s_pairing, s_office_hours, "
		    "s_help_session, s_ring, s_other, minutes, done_met, done_partly, done_not_met, "
		    "ended_early, sv_invited, sv_answered FROM insight_periods WHERE kind = :k "
		    "ORDER BY period, team");
	if (!st) {
		free(all);
		free(cells);
		return DB_ERR;
	}
	db_bind_text(st, ":k", weekly ? "w" : "m");
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		char p[11], tm[64];
		db_column_copy(st, 0, p, sizeof(p));
		db_column_copy(st, 1, tm, sizeof(tm));
		long pi = find_period(all, na, p);
		int ti = insight_team_index(out, tm);
		if (pi < 0 || ti < 0)
			continue;
		struct ins_cell *c = &cells[(size_t)pi * nt + (size_t)ti];
		for (int f = 0; f < IF_N; f++)
			c->v[f] = sqlite3_column_int64(st, 2 + f);
		if (c->v[IF_MEMBERS] == 0) /* a row with no member figure: carried below */
			c->v[IF_MEMBERS] = -1;
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		free(all);
		free(cells);
		return db_rc_from(rc);
	}
	/* Members carried over periods without a row of the team. */
	for (size_t t = 0; t < out->nt; t++) {
		int64_t last = 0;
		for (size_t p = 0; p < na; p++) {
			struct ins_cell *c = &cells[p * nt + t];
			if (c->v[IF_MEMBERS] > 0)
				last = c->v[IF_MEMBERS];
			else
				c->v[IF_MEMBERS] = last;
		}
		/* Before a team's first row: its first known count (the team
		 * existed, it just had no activity yet). */
		size_t p0 = 0;
		while (p0 < na && cells[p0 * nt + t].v[IF_MEMBERS] <= 0)
			p0++;
		for (size_t p = 0; p < p0 && p0 < na; p++)
			cells[p * nt + t].v[IF_MEMBERS] = cells[p0 * nt + t].v[IF_MEMBERS];
	}
	/* The window shown. */
	size_t start = 0;
	if (from && from[0]) {
		char f[11];
		str_copy(f, sizeof(f), from);
		if (!weekly)
			f[7] = 0;
		else if (ins_day(f) >= 0)
			ins_ymd(ins_monday(ins_day(f)), f);
		while (start < na && strcmp(all[start], f) < 0)
			start++;
	}
	out->np = na - start;
	out->period = calloc(out->np ? out->np : 1, sizeof(*out->period));
	out->cell = calloc(out->np * nt + 1, sizeof(*out->cell));
	out->total = calloc(out->np + 1, sizeof(*out->total));
	out->hid = calloc(out->np * nt + 1, 1);
	out->total_hid = calloc(out->np + 1, 1);
	if (!out->period || !out->cell || !out->total || !out->hid || !out->total_hid) {
		free(all);
		free(cells);
		insight_series_free(out);
		return DB_ERR;
	}
	for (size_t p = 0; p < out->np; p++) {
		memcpy(out->period[p], all[start + p], 11);
		memcpy(&out->cell[p * nt], &cells[(start + p) * nt], nt * sizeof(*cells));
		for (size_t t = 0; t < out->nt; t++)
			for (int f = 0; f < IF_N; f++)
				out->total[p].v[f] += out->cell[p * nt + t].v[f];
		ins_protect(k, out->nt, &out->cell[p * nt], &out->total[p], &out->hid[p * nt],
			    &out->total_hid[p]);
	}
	free(all);
	free(cells);
	return DB_OK;
}

enum db_rc insight_events(struct db *db, struct insight_event *out, size_t max, size_t *n)
{
	*n = 0;
	sqlite3_stmt *st =
		DB_STMT(db, "SELECT id, on_day, title, note FROM program_events ORDER BY on_day, id");
	if (!st)
		return DB_ERR;
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
	sqlite3_stmt *st =
		DB_STMT(db, "SELECT s.id, s.title, s.show_text, s.status = 'closed', coalesce((SELECT n "
			    "FROM kept_counts WHERE name = 'ans:' || s.id), 0) FROM surveys s WHERE "
			    "s.published = 1 ORDER BY s.id DESC LIMIT 20");
	if (!st)
		return DB_ERR;
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		char title[804];
		db_column_copy(st, 1, title, sizeof(title));
		struct insight_survey p = {sqlite3_column_int64(st, 0), 0, title, sqlite3_column_int(st, 2),
					   sqlite3_column_int(st, 3)};
		p.version = sqlite3_column_int64(st, 4) * 4 + p.show_text * 2 + p.closed;
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
