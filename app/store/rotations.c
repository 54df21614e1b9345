#include "store/rotations.h"

#include <stdio.h>
#include <string.h>

#include "core/week.h"
#include "core/when.h"
#include "store/outbox_pairing.h"
#include "store/insights.h"

static enum rot_rc fail(struct db *db, enum db_rc rc)
{
	db_rollback(db);
	return (enum rot_rc)db_failure(rc);
}

static enum rot_rc done(struct db *db, enum db_rc rc)
{
	if ((rc = db_end(db, rc)) != DB_OK)
		return (enum rot_rc)db_failure(rc);
	return ROT_OK;
}

static int active(struct db *db, int64_t uid)
{
	sqlite3_stmt *st = DB_STMT(db, "SELECT 1 FROM users WHERE id = :u AND active = 1 AND verified = 1");
	if (!st)
		return -1;
	db_bind_int(st, ":u", uid);
	int rc = sqlite3_step(st);
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

/* 1 when uid is an active member who joined help session sid, 0 when
 * not, -1 on error: a lead records only who joined, as rings and office
 * hours record only their members and bookings. */
static int joined(struct db *db, int64_t sid, int64_t uid)
{
	sqlite3_stmt *st = DB_STMT(db, "SELECT 1 FROM help_rsvps r JOIN users u ON u.id = r.user_id "
				       "WHERE r.session_id = :s AND r.user_id = :u AND u.active = 1");
	if (!st)
		return -1;
	db_bind_int(st, ":s", sid);
	db_bind_int(st, ":u", uid);
	int rc = sqlite3_step(st);
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

enum rot_rc rotation_create(struct db *db, int64_t admin, const struct rotation_new *n, int64_t now,
			    int64_t *id, int64_t *bad)
{
	struct rot_plan plan;
	if (rotation_plan(n->nleads, n->ndays, n->weeks, NULL, &plan) != 0)
		return ROT_DB_ERR;
	int64_t first = week_monday(week_today(now, n->tz)) + 7;
	char days[16], first_s[16], uncovered[ROT_MAX_WEEKS * ROT_MAX_DAYS * 12 + 1] = "";
	size_t ul = 0;
	for (int w = 0; w < n->weeks; w++)
		for (int d = 0; d < n->ndays; d++)
			if (plan.lead[w][d] < 0) {
				char day[16];
				week_ymd(first + 7 * w + n->weekdays[d] - 1, day, sizeof(day));
				ul += (size_t)snprintf(uncovered + ul, sizeof(uncovered) - ul, "%s%s",
						       ul ? ", " : "", day);
			}
	size_t dl = 0;
	for (int d = 0; d < n->ndays; d++)
		dl += (size_t)snprintf(days + dl, sizeof(days) - dl, "%s%d", d ? "," : "", n->weekdays[d]);
	week_ymd(first, first_s, sizeof(first_s));
	enum db_rc began = db_begin(db);
	if (began != DB_OK)
		return (enum rot_rc)db_failure(began);
	for (int l = 0; l < n->nleads; l++) {
		int a = active(db, n->leads[l]);
		if (a < 0)
			return fail(db, DB_ERR);
		if (!a) {
			db_rollback(db);
			*bad = n->leads[l];
			return ROT_BAD_LEAD;
		}
	}
	sqlite3_stmt *st = DB_STMT(db, "INSERT INTO rotations(name, label, weekdays, start_time, timezone, "
				       "duration_min, weeks, first_week, uncovered, created_by, created_at) "
				       "VALUES (:n, :l, :wd, :t, :tz, :d, :w, :f, :u, :a, :now)");
	if (!st)
		return fail(db, DB_ERR);
	db_bind_text(st, ":n", n->name);
	db_bind_text(st, ":l", n->label);
	db_bind_text(st, ":wd", days);
	db_bind_text(st, ":t", n->start_time);
	db_bind_text(st, ":tz", n->tz);
	db_bind_int(st, ":d", n->duration_min);
	db_bind_int(st, ":w", n->weeks);
	db_bind_text(st, ":f", first_s);
	db_bind_text(st, ":u", uncovered);
	db_bind_int(st, ":a", admin);
	db_bind_int(st, ":now", now);
	enum db_rc rc = db_exec_step(db, st);
	if (rc != DB_OK)
		return fail(db, rc);
	int64_t rid = sqlite3_last_insert_rowid(db_handle(db));
	for (int l = 0; rc == DB_OK && l < n->nleads; l++) {
		st = DB_STMT(db, "INSERT INTO rotation_leads(rotation_id, user_id, pos) VALUES (:r, :u, :p)");
		if (!st)
			return fail(db, DB_ERR);
		db_bind_int(st, ":r", rid);
		db_bind_int(st, ":u", n->leads[l]);
		db_bind_int(st, ":p", l);
		rc = db_exec_step(db, st);
	}
	for (int w = 0; rc == DB_OK && w < n->weeks; w++)
		for (int d = 0; rc == DB_OK && d < n->ndays; d++) {
			if (plan.lead[w][d] < 0)
				continue;
			char day[16], local[32];
			week_ymd(first + 7 * w + n->weekdays[d] - 1, day, sizeof(day));
			snprintf(local, sizeof(local), "%sT%s", day, n->start_time);
			int64_t at = when_parse_local(local, n->tz);
			st = DB_STMT(db,
				     "INSERT INTO help_sessions(rotation_id, lead_id, held_on, starts_at, "
				     "duration_min) VALUES (:r, :l, :d, :at, :m)");
			if (!st || at < 0)
				return fail(db, DB_ERR);
			db_bind_int(st, ":r", rid);
			db_bind_int(st, ":l", n->leads[plan.lead[w][d]]);
			db_bind_text(st, ":d", day);
			db_bind_int(st, ":at", at);
			db_bind_int(st, ":m", n->duration_min);
			rc = db_exec_step(db, st);
		}
	if (rc != DB_OK)
		return fail(db, rc);
	*id = rid;
	return done(db, DB_OK);
}

static void rot_row(sqlite3_stmt *st, struct rotation_row *r)
{
	r->id = sqlite3_column_int64(st, 0);
	r->name = (const char *)sqlite3_column_text(st, 1);
	r->label = (const char *)sqlite3_column_text(st, 2);
	r->weekdays = (const char *)sqlite3_column_text(st, 3);
	r->start_time = (const char *)sqlite3_column_text(st, 4);
	r->timezone = (const char *)sqlite3_column_text(st, 5);
	r->duration_min = sqlite3_column_int(st, 6);
	r->weeks = sqlite3_column_int(st, 7);
	r->first_week = (const char *)sqlite3_column_text(st, 8);
	r->uncovered = (const char *)sqlite3_column_text(st, 9);
	r->nleads = sqlite3_column_int(st, 10);
}

#define ROT_COLS                                                                                             \
	"SELECT id, name, label, weekdays, start_time, timezone, duration_min, weeks, first_week, "          \
	"uncovered, "                                                                                        \
	"(SELECT count(*) FROM rotation_leads WHERE rotation_id = rotations.id) FROM rotations "

enum db_rc rotation_each(struct db *db, void (*fn)(void *arg, const struct rotation_row *r), void *arg)
{
	sqlite3_stmt *st = DB_STMT(db, ROT_COLS "ORDER BY id DESC LIMIT 100");
	if (!st)
		return DB_ERR;
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct rotation_row r;
		rot_row(st, &r);
		fn(arg, &r);
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? DB_OK : DB_ERR;
}

enum db_rc rotation_get(struct db *db, int64_t id, void (*fn)(void *arg, const struct rotation_row *r),
			void *arg)
{
	sqlite3_stmt *st = DB_STMT(db, ROT_COLS "WHERE id = :id");
	if (!st)
		return DB_ERR;
	db_bind_int(st, ":id", id);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		struct rotation_row r;
		rot_row(st, &r);
		fn(arg, &r);
	}
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? DB_OK : rc == SQLITE_DONE ? DB_NOTFOUND : DB_ERR;
}

#define HELP_COLS                                                                                            \
	"SELECT h.id, h.rotation_id, h.lead_id, coalesce(h.swap_to, 0), h.starts_at, h.duration_min, "       \
	"h.logged_at IS NOT NULL, (SELECT count(*) FROM help_rsvps WHERE session_id = h.id), "               \
	"(SELECT count(*) FROM help_attendance WHERE session_id = h.id), "                                   \
	"EXISTS (SELECT 1 FROM help_rsvps WHERE session_id = h.id AND user_id = :me), h.held_on, r.name, "   \
	"r.label, u.display_name, coalesce(s.display_name, ''), h.labels FROM help_sessions h "              \
	"JOIN rotations r ON r.id = h.rotation_id JOIN users u ON u.id = h.lead_id "                         \
	"LEFT JOIN users s ON s.id = h.swap_to "

static int help_rows(sqlite3_stmt *st, void (*fn)(void *arg, const struct help_row *r), void *arg)
{
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct help_row r = {
			.id = sqlite3_column_int64(st, 0),
			.rotation_id = sqlite3_column_int64(st, 1),
			.lead_id = sqlite3_column_int64(st, 2),
			.swap_to = sqlite3_column_int64(st, 3),
			.starts_at = sqlite3_column_int64(st, 4),
			.duration_min = sqlite3_column_int(st, 5),
			.logged = sqlite3_column_int(st, 6),
			.rsvps = sqlite3_column_int(st, 7),
			.attended = sqlite3_column_int(st, 8),
			.joined = sqlite3_column_int(st, 9),
			.held_on = (const char *)sqlite3_column_text(st, 10),
			.rotation = (const char *)sqlite3_column_text(st, 11),
			.label = (const char *)sqlite3_column_text(st, 12),
			.lead_name = (const char *)sqlite3_column_text(st, 13),
			.swap_name = (const char *)sqlite3_column_text(st, 14),
			.labels = (const char *)sqlite3_column_text(st, 15),
		};
		fn(arg, &r);
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? DB_OK : DB_ERR;
}

enum db_rc rotation_sessions(struct db *db, int64_t id, void (*fn)(void *arg, const struct help_row *r),
			     void *arg)
{
	sqlite3_stmt *st =
		DB_STMT(db, HELP_COLS "WHERE h.rotation_id = :r ORDER BY h.held_on, h.id LIMIT 200");
	if (!st)
		return DB_ERR;
	db_bind_int(st, ":r", id);
	db_bind_int(st, ":me", 0);
	return help_rows(st, fn, arg);
}

enum db_rc help_upcoming(struct db *db, int64_t viewer, int64_t now,
			 void (*fn)(void *arg, const struct help_row *r), void *arg)
{
	sqlite3_stmt *st =
		DB_STMT(db, HELP_COLS "WHERE h.lead_id = :me AND h.logged_at IS NULL AND h.held_on >= "
				      "date(:now - 1209600, 'unixepoch') AND h.starts_at < :since ORDER "
				      "BY h.held_on, h.id LIMIT 20");
	if (!st)
		return DB_ERR;
	db_bind_int(st, ":since", now - 86400);
	db_bind_int(st, ":now", now);
	db_bind_int(st, ":me", viewer);
	if (help_rows(st, fn, arg) != DB_OK)
		return DB_ERR;
	st = DB_STMT(db, HELP_COLS "WHERE h.starts_at >= :since ORDER BY h.starts_at, h.id LIMIT 60");
	if (!st)
		return DB_ERR;
	db_bind_int(st, ":since", now - 86400);
	db_bind_int(st, ":me", viewer);
	return help_rows(st, fn, arg);
}

enum db_rc rotation_leads_each(struct db *db, int64_t id, int64_t except,
			       void (*fn)(void *arg, int64_t uid, const char *name), void *arg)
{
	sqlite3_stmt *st =
		DB_STMT(db, "SELECT l.user_id, u.display_name FROM rotation_leads l JOIN users u ON "
			    "u.id = l.user_id WHERE l.rotation_id = :r AND l.user_id <> :x AND u.active = 1 "
			    "ORDER BY l.pos");
	if (!st)
		return DB_ERR;
	db_bind_int(st, ":r", id);
	db_bind_int(st, ":x", except);
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		fn(arg, sqlite3_column_int64(st, 0), (const char *)sqlite3_column_text(st, 1));
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? DB_OK : DB_ERR;
}

/* Inside the transaction: help session sid's lead, swap target, start, logged
 * and rotation. 1 found, 0 not, -1 error. */
static int help_state(struct db *db, int64_t sid, int64_t *lead, int64_t *swap_to, int64_t *at, int *logged,
		      int64_t *rot)
{
	sqlite3_stmt *st =
		DB_STMT(db, "SELECT lead_id, coalesce(swap_to, 0), starts_at, logged_at IS NOT NULL, "
			    "rotation_id FROM help_sessions WHERE id = :id");
	if (!st)
		return -1;
	db_bind_int(st, ":id", sid);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*lead = sqlite3_column_int64(st, 0);
		*swap_to = sqlite3_column_int64(st, 1);
		*at = sqlite3_column_int64(st, 2);
		*logged = sqlite3_column_int(st, 3);
		*rot = sqlite3_column_int64(st, 4);
	}
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

/* A help session as its writers check it, inside their transaction. */
struct help {
	int64_t lead, swap_to, at, rot;
	int logged;
};

static enum rot_rc begin_help(struct db *db, int64_t sid, struct help *s)
{
	enum db_rc began = db_begin(db);
	if (began != DB_OK)
		return (enum rot_rc)db_failure(began);
	int rc = help_state(db, sid, &s->lead, &s->swap_to, &s->at, &s->logged, &s->rot);
	if (rc < 0)
		return fail(db, DB_ERR);
	if (rc == 0) {
		db_rollback(db);
		return ROT_NOTFOUND;
	}
	return ROT_OK;
}

static enum rot_rc refuse(struct db *db, enum rot_rc r)
{
	db_rollback(db);
	return r;
}

enum rot_rc help_join(struct db *db, int64_t sid, int64_t uid, int64_t now)
{
	struct help s;
	enum rot_rc r = begin_help(db, sid, &s);
	if (r != ROT_OK)
		return r;
	if (s.logged)
		return refuse(db, ROT_STATE);
	if (uid == s.lead)
		return refuse(db, ROT_JOINED);
	/* One read: over (joining while it runs is coming late; after its
	 * end, too late), joined already, full. */
	sqlite3_stmt *q = DB_STMT(db, "SELECT h.starts_at + 60 * h.duration_min <= :now, EXISTS (SELECT 1 "
				      "FROM help_rsvps WHERE session_id = :s AND user_id = :u), (SELECT "
				      "count(*) FROM help_rsvps WHERE session_id = :s) >= :max "
				      "FROM help_sessions h WHERE h.id = :s");
	if (!q)
		return fail(db, DB_ERR);
	db_bind_int(q, ":s", sid);
	db_bind_int(q, ":u", uid);
	db_bind_int(q, ":now", now);
	db_bind_int(q, ":max", HELP_MAX_JOINED);
	int qrc = sqlite3_step(q);
	int over = qrc == SQLITE_ROW && sqlite3_column_int(q, 0);
	int again = qrc == SQLITE_ROW && sqlite3_column_int(q, 1);
	int full = qrc == SQLITE_ROW && sqlite3_column_int(q, 2);
	sqlite3_reset(q);
	if (qrc != SQLITE_ROW)
		return fail(db, qrc == SQLITE_DONE ? DB_ERR : db_rc_from(qrc));
	if (again)
		return refuse(db, ROT_JOINED);
	if (over)
		return refuse(db, ROT_OVER);
	if (full)
		return refuse(db, ROT_FULL);
	sqlite3_stmt *st = DB_STMT(db, "INSERT INTO help_rsvps(session_id, user_id) VALUES (:s, :u)");
	if (!st)
		return fail(db, DB_ERR);
	db_bind_int(st, ":s", sid);
	db_bind_int(st, ":u", uid);
	return done(db, db_exec_step(db, st));
}

enum rot_rc help_swap_offer(struct db *db, int64_t sid, int64_t lead, int64_t to, int64_t now)
{
	struct help s;
	enum rot_rc r = begin_help(db, sid, &s);
	if (r != ROT_OK)
		return r;
	if (s.lead != lead)
		return refuse(db, ROT_NOTFOUND);
	if (s.logged || s.at <= now)
		return refuse(db, ROT_STATE);
	sqlite3_stmt *st = DB_STMT(db, "SELECT 1 FROM rotation_leads l JOIN users u ON u.id = l.user_id "
				       "WHERE l.rotation_id = :r AND l.user_id = :to AND u.active = 1");
	if (!st)
		return fail(db, DB_ERR);
	db_bind_int(st, ":r", s.rot);
	db_bind_int(st, ":to", to);
	int rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return fail(db, db_rc_from(rc));
	if (rc != SQLITE_ROW || to == lead)
		return refuse(db, ROT_BAD_LEAD);
	st = DB_STMT(db, "UPDATE help_sessions SET swap_to = :to WHERE id = :s");
	if (!st)
		return fail(db, DB_ERR);
	db_bind_int(st, ":to", to);
	db_bind_int(st, ":s", sid);
	enum db_rc w = db_exec_step(db, st);
	if (w == DB_OK)
		w = outbox_swap_offered(db, sid, to, now);
	return done(db, w);
}

enum rot_rc help_swap_answer(struct db *db, int64_t sid, int64_t uid, int accept, int64_t now)
{
	struct help s;
	enum rot_rc r = begin_help(db, sid, &s);
	if (r != ROT_OK)
		return r;
	if (s.swap_to != uid)
		return refuse(db, ROT_NOTFOUND);
	if (accept && (s.logged || s.at <= now))
		return refuse(db, ROT_STATE);
	sqlite3_stmt *st;
	if (accept) {
		/* Each lead at most once a week: not if uid leads another
		 * session of this rotation in the same week. */
		st = DB_STMT(db, "SELECT 1 FROM help_sessions o, help_sessions h WHERE h.id = :s "
				 "AND o.lead_id = :u AND o.rotation_id = h.rotation_id AND o.id <> h.id "
				 "AND o.held_on BETWEEN date(h.held_on, '-6 days', 'weekday 1') "
				 "AND date(h.held_on, '-6 days', 'weekday 1', '+6 days')");
		if (!st)
			return fail(db, DB_ERR);
		db_bind_int(st, ":s", sid);
		db_bind_int(st, ":u", uid);
		int rc = sqlite3_step(st);
		sqlite3_reset(st);
		if (rc == SQLITE_ROW)
			return refuse(db, ROT_BUSY_WEEK);
		if (rc != SQLITE_DONE)
			return fail(db, db_rc_from(rc));
		st = DB_STMT(db, "UPDATE help_sessions SET lead_id = swap_to, swap_to = NULL WHERE id = :s");
	} else {
		st = DB_STMT(db, "UPDATE help_sessions SET swap_to = NULL WHERE id = :s");
	}
	if (!st)
		return fail(db, DB_ERR);
	db_bind_int(st, ":s", sid);
	return done(db, db_exec_step(db, st));
}

enum rot_rc help_log(struct db *db, int64_t sid, int64_t lead, const int64_t *attendees, int n,
		     const char *labels, int64_t now)
{
	struct help s;
	enum rot_rc r = begin_help(db, sid, &s);
	if (r != ROT_OK)
		return r;
	if (s.lead != lead)
		return refuse(db, ROT_NOTFOUND);
	if (s.logged)
		return refuse(db, ROT_STATE);
	if (s.at > now)
		return refuse(db, ROT_NOT_YET);
	enum db_rc rc = DB_OK;
	for (int i = 0; rc == DB_OK && i < n; i++) {
		int a = joined(db, sid, attendees[i]);
		if (a < 0)
			return fail(db, DB_ERR);
		if (!a || attendees[i] == lead)
			return refuse(db, ROT_BAD_ATTENDEE);
		sqlite3_stmt *st = DB_STMT(
			db, "INSERT OR IGNORE INTO help_attendance(session_id, user_id) VALUES (:s, :u)");
		if (!st)
			return fail(db, DB_ERR);
		db_bind_int(st, ":s", sid);
		db_bind_int(st, ":u", attendees[i]);
		rc = db_exec_step(db, st);
	}
	/* issue 19: a help session held counts in the program's figures
	 * (the lead's team and record; each attendee took part), here. */
	if (rc == DB_OK) {
		sqlite3_stmt *st =
			DB_STMT(db, "SELECT held_on, duration_min FROM help_sessions WHERE id = :s");
		rc = st ? DB_OK : DB_ERR;
		char day[11] = "";
		int minutes = 0;
		if (st) {
			db_bind_int(st, ":s", sid);
			if (sqlite3_step(st) == SQLITE_ROW) {
				db_column_copy(st, 0, day, sizeof(day));
				minutes = sqlite3_column_int(st, 1);
			} else
				rc = DB_ERR;
			sqlite3_reset(st);
		}
		if (rc == DB_OK)
			rc = insight_session(db, lead, "help_session", 1, minutes, day);
		for (int i = 0; rc == DB_OK && i < n; i++)
			rc = insight_touch(db, attendees[i], INSIGHT_MENTEE, day);
	}
	if (rc == DB_OK) {
		sqlite3_stmt *st = DB_STMT(db, "UPDATE help_sessions SET logged_at = :now, labels = :l, "
					       "swap_to = NULL WHERE id = :s");
		if (!st)
			return fail(db, DB_ERR);
		db_bind_int(st, ":now", now);
		db_bind_text(st, ":l", labels);
		db_bind_int(st, ":s", sid);
		rc = db_exec_step(db, st);
	}
	return done(db, rc);
}

static enum db_rc id_names(sqlite3_stmt *st, void (*fn)(void *arg, int64_t uid, const char *name), void *arg)
{
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		fn(arg, sqlite3_column_int64(st, 0), (const char *)sqlite3_column_text(st, 1));
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? DB_OK : DB_ERR;
}

enum db_rc rotation_candidates(struct db *db, void (*fn)(void *arg, int64_t uid, const char *name), void *arg)
{
	sqlite3_stmt *st = DB_STMT(db, "SELECT u.id, u.display_name FROM profiles p JOIN users u ON "
				       "u.id = p.user_id WHERE p.is_mentor = 1 AND u.active = 1 "
				       "ORDER BY p.is_mentor, p.user_id LIMIT 300");
	if (!st)
		return DB_ERR;
	return id_names(st, fn, arg);
}

enum db_rc help_rsvps_each(struct db *db, int64_t sid, void (*fn)(void *arg, int64_t uid, const char *name),
			   void *arg)
{
	sqlite3_stmt *st = DB_STMT(db, "SELECT r.user_id, u.display_name FROM help_rsvps r JOIN users u ON "
				       "u.id = r.user_id WHERE r.session_id = :s AND u.active = 1 LIMIT 200");
	if (!st)
		return DB_ERR;
	db_bind_int(st, ":s", sid);
	return id_names(st, fn, arg);
}

/* Inside the transaction: the leads of rid with their load in it and
 * whether each is busy the week from monday (leading or away). */
static int leads_of_week(struct db *db, int64_t rid, const char *monday, int64_t *ids, int *load,
			 unsigned char *busy)
{
	sqlite3_stmt *st = DB_STMT(
		db,
		"SELECT l.user_id, (SELECT count(*) FROM help_sessions h WHERE h.rotation_id = :r AND "
		"h.lead_id = l.user_id), EXISTS (SELECT 1 FROM help_sessions h WHERE h.rotation_id = :r AND "
		"h.lead_id = l.user_id AND h.held_on BETWEEN :mon AND date(:mon, '+6 days')) OR EXISTS "
		"(SELECT 1 FROM rotation_away a WHERE a.rotation_id = :r AND a.user_id = l.user_id AND "
		"a.week = :mon) OR NOT EXISTS (SELECT 1 FROM users u WHERE u.id = l.user_id AND u.active = "
		"1) "
		"FROM rotation_leads l WHERE l.rotation_id = :r ORDER BY l.pos LIMIT :max");
	if (!st)
		return -1;
	db_bind_int(st, ":r", rid);
	db_bind_text(st, ":mon", monday);
	db_bind_int(st, ":max", ROT_MAX_LEADS);
	int n = 0, rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW && n < ROT_MAX_LEADS) {
		ids[n] = sqlite3_column_int64(st, 0);
		load[n] = sqlite3_column_int(st, 1);
		busy[n] = (unsigned char)sqlite3_column_int(st, 2);
		n++;
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE || rc == SQLITE_ROW ? n : -1;
}

/* Inside the caller's transaction: lead's unlogged sessions of rotation
 * rid in the week from monday, still to come, go one at a time to the
 * least-loaded lead free that week (rotation_fill), or are dropped and the
 * day listed as uncovered. */
static enum db_rc move_week(struct db *db, int64_t rid, int64_t lead, const char *monday, int64_t now,
			    int *moved, int *dropped)
{
	enum db_rc w = DB_OK;
	sqlite3_stmt *st;
	int rc;
	for (;;) {
		if (w != DB_OK)
			return w;
		/* One of their sessions that week at a time: each move changes
		 * who is free for the next. */
		st = DB_STMT(db,
			     "SELECT id, held_on FROM help_sessions WHERE rotation_id = :r AND lead_id = :l "
			     "AND logged_at IS NULL AND starts_at > :now AND held_on BETWEEN :mon AND "
			     "date(:mon, '+6 days') ORDER BY held_on LIMIT 1");
		if (!st)
			return DB_ERR;
		db_bind_int(st, ":r", rid);
		db_bind_int(st, ":l", lead);
		db_bind_int(st, ":now", now);
		db_bind_text(st, ":mon", monday);
		rc = sqlite3_step(st);
		int64_t sid = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
		char day[16] = "";
		if (rc == SQLITE_ROW)
			db_column_copy(st, 1, day, sizeof(day));
		sqlite3_reset(st);
		if (rc == SQLITE_DONE)
			break;
		if (rc != SQLITE_ROW)
			return db_rc_from(rc);
		int64_t ids[ROT_MAX_LEADS];
		int load[ROT_MAX_LEADS];
		unsigned char busy[ROT_MAX_LEADS];
		int n = leads_of_week(db, rid, monday, ids, load, busy);
		if (n < 0)
			return DB_ERR;
		int pick = rotation_fill(n, load, busy);
		if (pick >= 0) {
			st = DB_STMT(db,
				     "UPDATE help_sessions SET lead_id = :to, swap_to = NULL WHERE id = :s");
			if (!st)
				return DB_ERR;
			db_bind_int(st, ":to", ids[pick]);
			db_bind_int(st, ":s", sid);
			w = db_exec_step(db, st);
			(*moved)++;
			continue;
		}
		st = DB_STMT(db, "DELETE FROM help_sessions WHERE id = :s");
		if (!st)
			return DB_ERR;
		db_bind_int(st, ":s", sid);
		w = db_exec_step(db, st);
		if (w != DB_OK)
			continue;
		st = DB_STMT(db, "UPDATE rotations SET uncovered = CASE WHEN uncovered = '' THEN :d "
				 "ELSE uncovered || ', ' || :d END WHERE id = :r");
		if (!st)
			return DB_ERR;
		db_bind_text(st, ":d", day);
		db_bind_int(st, ":r", rid);
		w = db_exec_step(db, st);
		(*dropped)++;
	}
	return DB_OK;
}

enum db_rc rotation_lead_leaves(struct db *db, int64_t uid, int64_t now)
{
	int moved = 0, dropped = 0;
	/* A week at a time: away that week, then the week's sessions move. */
	for (;;) {
		sqlite3_stmt *st =
			DB_STMT(db, "SELECT rotation_id, date(held_on, '-6 days', 'weekday 1') FROM "
				    "help_sessions WHERE lead_id = :u AND logged_at IS NULL AND starts_at "
				    "> :now ORDER BY held_on LIMIT 1");
		if (!st)
			return DB_ERR;
		db_bind_int(st, ":u", uid);
		db_bind_int(st, ":now", now);
		int rc = sqlite3_step(st);
		int64_t rid = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
		char monday[16] = "";
		if (rc == SQLITE_ROW)
			db_column_copy(st, 1, monday, sizeof(monday));
		sqlite3_reset(st);
		if (rc != SQLITE_ROW)
			return rc == SQLITE_DONE ? DB_OK : db_rc_from(rc);
		st = DB_STMT(
			db, "INSERT OR IGNORE INTO rotation_away(rotation_id, user_id, week) VALUES (:r, :l, "
			    ":mon)");
		if (!st)
			return DB_ERR;
		db_bind_int(st, ":r", rid);
		db_bind_int(st, ":l", uid);
		db_bind_text(st, ":mon", monday);
		enum db_rc w = db_exec_step(db, st);
		if (w == DB_OK)
			w = move_week(db, rid, uid, monday, now, &moved, &dropped);
		if (w != DB_OK)
			return w;
	}
}

enum rot_rc rotation_away(struct db *db, int64_t rid, int64_t lead, const char *monday, int64_t now,
			  int *moved, int *dropped)
{
	*moved = *dropped = 0;
	enum db_rc began = db_begin(db);
	if (began != DB_OK)
		return (enum rot_rc)db_failure(began);
	sqlite3_stmt *st =
		DB_STMT(db, "SELECT EXISTS (SELECT 1 FROM rotations WHERE id = :r), EXISTS (SELECT 1 "
			    "FROM rotation_leads WHERE rotation_id = :r AND user_id = :l)");
	if (!st)
		return fail(db, DB_ERR);
	db_bind_int(st, ":r", rid);
	db_bind_int(st, ":l", lead);
	int rc = sqlite3_step(st);
	int found = rc == SQLITE_ROW && sqlite3_column_int(st, 0);
	int is_lead = rc == SQLITE_ROW && sqlite3_column_int(st, 1);
	sqlite3_reset(st);
	if (rc != SQLITE_ROW)
		return fail(db, db_rc_from(rc));
	if (!found || !is_lead)
		return refuse(db, found ? ROT_BAD_LEAD : ROT_NOTFOUND);
	st = DB_STMT(db,
		     "INSERT OR IGNORE INTO rotation_away(rotation_id, user_id, week) VALUES (:r, :l, :mon)");
	if (!st)
		return fail(db, DB_ERR);
	db_bind_int(st, ":r", rid);
	db_bind_int(st, ":l", lead);
	db_bind_text(st, ":mon", monday);
	enum db_rc w = db_exec_step(db, st);
	if (w == DB_OK)
		w = move_week(db, rid, lead, monday, now, moved, dropped);
	if (w != DB_OK)
		return fail(db, w);
	return done(db, DB_OK);
}
