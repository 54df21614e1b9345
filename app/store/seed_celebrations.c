/* seed_celebrations (issue 19): see the header. */
#include "store/seed_celebrations.h"

enum db_rc seed_celebrations(struct db *db)
{
	/* By id, so the same demo celebrates the same pairs every time. */
	sqlite3_stmt *st =
		DB_STMT(db, "INSERT INTO celebrations(mentorship_id, mentor_id, mentee_id, mentor_ok, "
			    "mentee_ok, shown_at) "
			    "SELECT id, mentor_id, mentee_id, 1, id % 5 = 0, CASE WHEN id % 5 = 0 THEN "
			    "coalesce(ended_at, created_at) END FROM mentorships "
			    "WHERE status = 'completed' AND kind = 'series' AND id % 5 IN (0, 1) "
			    "ON CONFLICT DO NOTHING");
	enum db_rc rc = st ? db_exec_step(db, st) : DB_ERR;
	if (rc != DB_OK)
		return rc;
	st = DB_STMT(db, "UPDATE profiles SET show_record = 1 WHERE is_mentor = 1 AND user_id % 3 = 0");
	return st ? db_exec_step(db, st) : DB_ERR;
}
