#include "store/dashboard.h"

#include "store/waits.h"


void dash_overview(struct db *db, int64_t now, struct dash_overview *o)
{
	o->members = db_scalar(db, "SELECT count(*) FROM users WHERE active = 1", 0);
	o->admins = db_scalar(db, "SELECT count(*) FROM users WHERE active = 1 AND role = 'admin'", 0);
	o->mentors = db_scalar(db,
			       "SELECT count(*) FROM profiles p JOIN users u ON u.id = p.user_id "
			       "WHERE p.is_mentor = 1 AND u.active = 1",
			       0);
	o->active_ms = db_scalar(db, "SELECT count(*) FROM mentorships WHERE status = 'active'", 0);
	o->done_ms = db_scalar(db, "SELECT count(*) FROM mentorships WHERE status <> 'active'", 0);
	o->sessions = db_scalar(db, "SELECT count(*) FROM meetings", 0);
	/* This month, by the calendar in UTC. */
	sqlite3_stmt *st = DB_STMT(
		db, "SELECT count(*) FROM meetings WHERE held_on >= strftime('%Y-%m-01', :now, 'unixepoch')");
	o->sessions_month = 0;
	if (st) {
		db_bind_int(st, ":now", now);
		if (sqlite3_step(st) == SQLITE_ROW)
			o->sessions_month = sqlite3_column_int64(st, 0);
		sqlite3_reset(st);
	}
	/* Open requests and how long they have waited (median), all of them. */
	if (waits_open_requests(db, now, &o->open_requests, &o->median_wait) != DB_OK || !o->open_requests)
		o->median_wait = -1;
	o->survey_invited = db_scalar(db, "SELECT count(*) FROM survey_invitations", 0);
	o->survey_answered = db_scalar(db, "SELECT count(*) FROM survey_invitations WHERE answered = 1", 0);
}
