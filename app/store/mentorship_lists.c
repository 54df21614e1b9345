#include "store/mentorship_lists.h"

#include <stdint.h>
#include <stdio.h>

#include "core/buf.h"
#include "store/sealcol.h"
#include "store/sealed.h"

enum db_rc ms_page(struct db *db, int64_t uid, const struct keyset *after, int max,
		   void (*fn)(void *arg, const struct ms_row *row), void *arg, int *more)
{
	/* Not one range with "mentor_id = :u OR mentee_id = :u" (SQLite
	 * would sort all of uid's rows): two ranges, each read backwards from
	 * the cursor through its own (…, created_at) index and merged; only
	 * the page's own rows are sorted again after the joins. */
	sqlite3_stmt *st = DB_STMT(
		db,
		"SELECT x.id, x.mentor_id = :u, u.display_name, t.name, x.status, x.started_on, "
		"x.planned_end, x.weeks_done, "
		"x.weeks, x.created_at FROM (SELECT id, mentor_id, mentee_id, topic_id, status, started_on, "
		"planned_end, weeks_done, weeks, created_at FROM mentorships WHERE mentor_id = :u AND "
		"created_at <= :at "
		"AND (created_at < :at OR id < :id) UNION ALL SELECT id, mentor_id, mentee_id, topic_id, "
		"status, started_on, planned_end, weeks_done, weeks, created_at FROM mentorships WHERE "
		"mentee_id = :u "
		"AND created_at <= :at AND (created_at < :at OR id < :id) ORDER BY created_at DESC, id DESC "
		"LIMIT :n) x JOIN users u ON u.id = CASE WHEN x.mentor_id = :u THEN x.mentee_id ELSE "
		"x.mentor_id END JOIN topics t ON t.id = x.topic_id ORDER BY x.created_at DESC, x.id DESC");
	*more = 0;
	if (!st || max < 1 || max > 200)
		return DB_ERR;
	db_bind_int(st, ":u", uid);
	keyset_bind(st, after, max);
	int rc, n = 0;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (n++ == max) {
			*more = 1;
			break;
		}
		struct ms_row r = {
			.id = sqlite3_column_int64(st, 0),
			.i_mentor = sqlite3_column_int(st, 1),
			.other = (const char *)sqlite3_column_text(st, 2),
			.topic = (const char *)sqlite3_column_text(st, 3),
			.status = (const char *)sqlite3_column_text(st, 4),
			.started_on = (const char *)sqlite3_column_text(st, 5),
			.planned_end = (const char *)sqlite3_column_text(st, 6),
			.done = sqlite3_column_int64(st, 7),
			.weeks = sqlite3_column_int64(st, 8),
			.created_at = sqlite3_column_int64(st, 9),
		};
		fn(arg, &r);
	}
	sqlite3_reset(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? DB_OK : db_rc_from(rc);
}

/* One statement and no ORDER BY: with LIMIT, SQLite sorts through a
 * temporary b-tree, a measurable share of the dashboard; a person's
 * active mentorships are few, so the caller orders them. */
enum db_rc ms_active_each(struct db *db, int64_t uid, void (*fn)(void *arg, const struct ms_row *row),
			  void *arg)
{
	sqlite3_stmt *st = DB_STMT(
		db, "SELECT m.id, m.mentor_id = :u, o.display_name, t.name, "
		    "m.weeks_done, m.weeks, "
		    "coalesce(m.next_session_at, 0) "
		    "FROM mentorships m "
		    "JOIN users o ON o.id = CASE WHEN m.mentor_id = :u THEN m.mentee_id ELSE m.mentor_id END "
		    "JOIN topics t ON t.id = m.topic_id "
		    "WHERE (m.mentor_id = :u OR m.mentee_id = :u) AND m.status = 'active'");
	if (!st)
		return DB_ERR;
	db_bind_int(st, ":u", uid);
	while (sqlite3_step(st) == SQLITE_ROW) {
		struct ms_row r = {
			.id = sqlite3_column_int64(st, 0),
			.i_mentor = sqlite3_column_int(st, 1),
			.other = (const char *)sqlite3_column_text(st, 2),
			.topic = (const char *)sqlite3_column_text(st, 3),
			.done = sqlite3_column_int64(st, 4),
			.weeks = sqlite3_column_int64(st, 5),
			.next_at = sqlite3_column_int64(st, 6),
		};
		fn(arg, &r);
	}
	sqlite3_reset(st);
	return DB_OK;
}

enum db_rc ms_plan_each(struct db *db, int64_t id, void (*fn)(void *arg, const struct ms_week *w), void *arg)
{
	sqlite3_stmt *st =
		DB_STMT(db, "SELECT w.week, w.title, w.done, w.note, w.note_sealed, m.mentor_id, "
			    "m.mentee_id FROM plan_weeks w JOIN mentorships m ON m.id = w.mentorship_id "
			    "WHERE w.mentorship_id = :m ORDER BY w.week");
	if (!st)
		return DB_ERR;
	db_bind_int(st, ":m", id);
	struct buf note = {0};
	while (sqlite3_step(st) == SQLITE_ROW) {
		const int64_t who[3] = {id, sqlite3_column_int64(st, 5), sqlite3_column_int64(st, 6)};
		int unopened = sealed_open(st, 4, 3, SEALED_PLAN_NOTE, id, sqlite3_column_int(st, 0), who,
					   &note) != 0;
		struct ms_week w = {
			.week = sqlite3_column_int(st, 0),
			.title = (const char *)sqlite3_column_text(st, 1),
			.done = sqlite3_column_int(st, 2),
			.note = buf_str(&note),
			.unopened = unopened,
		};
		fn(arg, &w);
	}
	sqlite3_reset(st);
	buf_free(&note);
	return DB_OK;
}

enum db_rc ms_sessions_page(struct db *db, int64_t id, const char *after_on, int64_t after_id, int max,
			    void (*fn)(void *arg, const struct ms_session *s), void *arg, int *more)
{
	/* One range of meetings_mentorship (mentorship_id, held_on, id) read
	 * backwards from the cursor; "9" sorts after every date, the top. */
	sqlite3_stmt *st = DB_STMT(
		db,
		"SELECT id, held_on, kind, duration_min, labels FROM meetings WHERE mentorship_id = :m "
		"AND held_on <= :on AND (held_on < :on OR id < :id) ORDER BY held_on DESC, id DESC LIMIT :n");
	*more = 0;
	if (!st || max < 1 || max > 200)
		return DB_ERR;
	int top = !after_on || !*after_on;
	db_bind_int(st, ":m", id);
	db_bind_text(st, ":on", top ? "9" : after_on);
	db_bind_int(st, ":id", top ? INT64_MAX : after_id);
	db_bind_int(st, ":n", max + 1);
	int rc, n = 0;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (n++ == max) {
			*more = 1;
			break;
		}
		struct ms_session s = {
			.id = sqlite3_column_int64(st, 0),
			.held_on = (const char *)sqlite3_column_text(st, 1),
			.kind = (const char *)sqlite3_column_text(st, 2),
			.duration_min = sqlite3_column_int(st, 3),
			.labels = (const char *)sqlite3_column_text(st, 4),
		};
		fn(arg, &s);
	}
	sqlite3_reset(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? DB_OK : db_rc_from(rc);
}

int64_t ms_next_session(struct db *db, int64_t id, int64_t now)
{
	sqlite3_stmt *st = DB_STMT(
		db, "SELECT next_session_at FROM mentorships WHERE id = :m AND next_session_at > :now");
	int64_t at = 0;
	if (!st)
		return 0;
	db_bind_int(st, ":m", id);
	db_bind_int(st, ":now", now);
	if (sqlite3_step(st) == SQLITE_ROW)
		at = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return at;
}
