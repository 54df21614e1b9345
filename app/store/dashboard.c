#include "store/dashboard.h"

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
	/* Feedback owed: my mentorships (both indexes, the ids they hold),
	 * their sessions of the last 30 days (meetings_mentorship), without my
	 * form (its key). The other person's name is read for those rows
	 * only: joined before, every mentorship I ever had read its row and
	 * the other person's, most of them for no session. */
	st = DB_STMT(
		db,
		"SELECT g.id, 0, g.held_on, (SELECT u.display_name FROM mentorships m JOIN users u "
		"ON u.id = CASE WHEN m.mentor_id = :u THEN m.mentee_id ELSE m.mentor_id END "
		"WHERE m.id = g.mentorship_id), '', 0, 0 "
		"FROM (SELECT id FROM mentorships WHERE mentor_id = :u "
		"UNION ALL SELECT id FROM mentorships WHERE mentee_id = :u) x "
		"JOIN meetings g ON g.mentorship_id = x.id "
		"AND g.held_on >= strftime('%Y-%m-%d', :now - 2592000, 'unixepoch') "
		"WHERE NOT EXISTS (SELECT 1 FROM feedback f WHERE f.meeting_id = g.id AND f.author_id = :u) "
		"ORDER BY g.held_on DESC, g.id DESC LIMIT 20");
	if (waits_rows(st, uid, now, WAIT_FEEDBACK, fn, arg) != DB_OK)
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
