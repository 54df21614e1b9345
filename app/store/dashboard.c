#include "store/dashboard.h"

#include <string.h>

#include "store/requests.h"

/* Bind st's :u and :now, step it and give each row to fn as a kind of
 * wait (st NULL: DB_ERR). Columns: id, at, day, other, topic, i_mentor,
 * has_agenda. */
static enum db_rc waits_rows(sqlite3_stmt *st, int64_t uid, int64_t now, enum dash_wait_kind kind,
			     void (*fn)(void *arg, const struct dash_wait *w), void *arg)
{
	if (!st)
		return DB_ERR;
	db_bind_int(st, ":u", uid);
	db_bind_int(st, ":now", now);
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct dash_wait w = {
			.kind = kind,
			.id = sqlite3_column_int64(st, 0),
			.at = sqlite3_column_int64(st, 1),
			.day = (const char *)sqlite3_column_text(st, 2),
			.other = (const char *)sqlite3_column_text(st, 3),
			.topic = (const char *)sqlite3_column_text(st, 4),
			.i_mentor = sqlite3_column_int(st, 5),
			.has_agenda = sqlite3_column_int(st, 6),
		};
		if (!w.day)
			w.day = "";
		if (!w.other)
			w.other = "";
		if (!w.topic)
			w.topic = "";
		fn(arg, &w);
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? DB_OK : DB_ERR;
}

/* A session without my feedback form, kept while the newest are chosen. */
struct owed {
	int64_t id, ms;
	char day[11];
};

/* Newer first: held later, or the same day and logged later. */
static int owed_newer(const struct owed *a, const char *day, int64_t id)
{
	int c = strcmp(a->day, day);
	return c > 0 || (c == 0 && a->id > id);
}

/* Feedback I still owe: sessions of the last 30 days in any mentorship of
 * mine (the ids the (person, status) indexes hold, whose pages the
 * dashboard's other reads have in the cache; a mentorship's meetings by day)
 * without my form (its key), the newest 20. They are chosen here, not by
 * ORDER BY: SQLite sorted each half of the UNION in a temporary b-tree
 * and read the other person's name once per session; the name is read
 * here once per mentorship, for the sessions shown only. */
static enum db_rc feedback_owed(struct db *db, int64_t uid, int64_t now,
				void (*fn)(void *arg, const struct dash_wait *w), void *arg)
{
	sqlite3_stmt *st = DB_STMT(
		db,
		"SELECT g.id, g.held_on, g.mentorship_id "
		"FROM (SELECT id FROM mentorships INDEXED BY mentorships_mentor WHERE mentor_id = :u "
		"UNION ALL SELECT id FROM mentorships INDEXED BY mentorships_mentee WHERE mentee_id = :u) x "
		"JOIN meetings g ON g.mentorship_id = x.id "
		"AND g.held_on >= strftime('%Y-%m-%d', :now - 2592000, 'unixepoch') "
		"WHERE NOT EXISTS (SELECT 1 FROM feedback f WHERE f.meeting_id = g.id AND f.author_id = :u)");
	if (!st)
		return DB_ERR;
	db_bind_int(st, ":u", uid);
	db_bind_int(st, ":now", now);
	struct owed top[DASH_WAIT_MAX];
	int n = 0, rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *day = (const char *)sqlite3_column_text(st, 1);
		int64_t id = sqlite3_column_int64(st, 0);
		if (!day || strlen(day) != 10 || (n == DASH_WAIT_MAX && owed_newer(&top[n - 1], day, id)))
			continue;
		/* Insert in order (newest first), the oldest falling off a full list. */
		int i = n < DASH_WAIT_MAX ? n++ : n - 1;
		for (; i > 0 && !owed_newer(&top[i - 1], day, id); i--)
			top[i] = top[i - 1];
		top[i].id = id;
		top[i].ms = sqlite3_column_int64(st, 2);
		memcpy(top[i].day, day, 11);
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return DB_ERR;
	st = DB_STMT(db, "SELECT u.display_name FROM mentorships m JOIN users u "
			 "ON u.id = CASE WHEN m.mentor_id = :u THEN m.mentee_id ELSE m.mentor_id END "
			 "WHERE m.id = :m");
	if (!st)
		return DB_ERR;
	char name[400] = ""; /* as struct user holds one: 80 characters, 4 bytes each at most */
	int64_t named = 0;
	for (int i = 0; i < n; i++) {
		if (top[i].ms != named) {
			db_bind_int(st, ":u", uid);
			db_bind_int(st, ":m", top[i].ms);
			rc = sqlite3_step(st);
			if (rc == SQLITE_ROW)
				db_column_copy(st, 0, name, sizeof(name));
			sqlite3_reset(st);
			if (rc != SQLITE_ROW)
				return DB_ERR;
			named = top[i].ms;
		}
		struct dash_wait w = {.kind = WAIT_FEEDBACK,
				      .id = top[i].id,
				      .day = top[i].day,
				      .other = name,
				      .topic = ""};
		fn(arg, &w);
	}
	return DB_OK;
}

enum db_rc dash_waits(struct db *db, int64_t uid, int64_t now,
		      void (*fn)(void *arg, const struct dash_wait *w), void *arg)
{
	/* Sessions planned in the next 24 hours, in my active mentorships. */
	sqlite3_stmt *st = DB_STMT(
		db, "SELECT x.id, x.next_session_at, '', u.display_name, '', x.i_mentor, x.has_agenda "
		    "FROM (SELECT id, mentee_id AS other, 1 AS i_mentor, next_session_at, "
		    "next_agenda IS NOT NULL AS has_agenda FROM mentorships "
		    "WHERE mentor_id = :u AND status = 'active' "
		    "UNION ALL SELECT id, mentor_id, 0, next_session_at, next_agenda IS NOT NULL "
		    "FROM mentorships WHERE mentee_id = :u AND status = 'active') x "
		    "JOIN users u ON u.id = x.other "
		    "WHERE x.next_session_at > :now AND x.next_session_at <= :now + 86400 "
		    "ORDER BY x.next_session_at, x.id LIMIT 20");
	if (waits_rows(st, uid, now, WAIT_SOON, fn, arg) != DB_OK)
		return DB_ERR;
	if (feedback_owed(db, uid, now, fn, arg) != DB_OK)
		return DB_ERR;
	/* Requests to me pending past REQ_OVERDUE_AFTER and not yet expired:
	 * one range of requests_mentor (mentor_id, status, created_at). */
	st = DB_STMT(db, "SELECT r.id, r.created_at, '', u.display_name, t.name, 0, 0 FROM requests r "
			 "JOIN users u ON u.id = r.mentee_id JOIN topics t ON t.id = r.topic_id "
			 "WHERE r.mentor_id = :u AND r.status = 'pending' "
			 "AND r.created_at > :now - :expire AND r.created_at <= :now - :overdue "
			 "ORDER BY r.created_at LIMIT 20");
	if (st) {
		db_bind_int(st, ":expire", REQ_EXPIRE_AFTER);
		db_bind_int(st, ":overdue", REQ_OVERDUE_AFTER);
	}
	if (waits_rows(st, uid, now, WAIT_OVERDUE, fn, arg) != DB_OK)
		return DB_ERR;
	/* Office hours I hosted that began in the last 14 days, with a seat
	 * booked and nobody marked yet (oh_occurrences_host). */
	st = DB_STMT(
		db, "SELECT o.id, o.starts_at, '', '', h.topic, 0, 0 FROM oh_occurrences o JOIN office_hours "
		    "h ON h.id = o.series_id WHERE o.host_id = :u AND o.starts_at <= :now AND o.starts_at > "
		    ":now - 1209600 AND o.status = 'open' AND o.marked_at IS NULL AND o.booked > 0 "
		    "ORDER BY o.starts_at DESC LIMIT 20");
	if (waits_rows(st, uid, now, WAIT_OH_MARK, fn, arg) != DB_OK)
		return DB_ERR;
	/* Help sessions I led that began in the last 14 days and are not
	 * logged (help_sessions_lead). */
	st = DB_STMT(db,
		     "SELECT h.id, h.starts_at, h.held_on, '', r.name, 0, 0 FROM help_sessions h JOIN "
		     "rotations r ON r.id = h.rotation_id WHERE h.lead_id = :u AND h.logged_at IS NULL AND "
		     "h.held_on >= date(:now - 1209600, 'unixepoch') AND h.starts_at <= :now "
		     "ORDER BY h.held_on DESC LIMIT 20");
	return waits_rows(st, uid, now, WAIT_HELP_LOG, fn, arg);
}
