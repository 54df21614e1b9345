/* record_line (issue 19): the mentor card's summary line switch. */
#include "store/record_line.h"

#include <stdio.h>
#include <stdlib.h>

#include "store/directory.h"

enum db_rc record_line_set(struct db *db, int64_t uid, int on, int64_t now)
{
	enum db_rc rc = db_begin(db);
	if (rc != DB_OK)
		return rc;
	sqlite3_stmt *st = DB_STMT(db, "UPDATE profiles SET show_record = :on WHERE user_id = :u");
	if (!st) {
		db_rollback(db);
		return DB_ERR;
	}
	db_bind_int(st, ":on", on ? 1 : 0);
	db_bind_int(st, ":u", uid);
	rc = db_exec_step(db, st);
	/* The card carries the line: written now, read with the card. */
	if (rc == DB_OK)
		rc = directory_refresh(db, uid, now);
	return db_end(db, rc);
}

int record_line_shown(struct db *db, int64_t uid)
{
	sqlite3_stmt *st = DB_STMT(db, "SELECT show_record FROM profiles WHERE user_id = :u");
	if (!st)
		return -1;
	db_bind_int(st, ":u", uid);
	int rc = sqlite3_step(st);
	int on = rc == SQLITE_ROW && sqlite3_column_int(st, 0) == 1;
	sqlite3_reset(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? on : -1;
}

void record_line_text(int64_t people, int year, int k, char *out, size_t n)
{
	if (people <= 0 || year <= 0) {
		if (n)
			out[0] = '\0';
		return;
	}
	/* A count of 1..k-1 on a named card tells who the few mentees were
	 * to anyone who knows one of them: below k, the year alone. */
	if (people < k)
		snprintf(out, n, "Mentoring since %d", year);
	else
		snprintf(out, n, "Mentored %lld people since %d", (long long)people, year);
}

enum db_rc record_line_for(struct db *db, int64_t uid, char *out, size_t n)
{
	if (n)
		out[0] = '\0';
	/* The people as the record counts them (store/insights.c), the year
	 * of the first mentorship as mentor, and k as serve configured it
	 * (rating_totals.k, store/ratings.h). */
	sqlite3_stmt *st = DB_STMT(db, "SELECT count(DISTINCT mentee_id), min(started_on), (SELECT k FROM "
				       "rating_totals WHERE id = 1) FROM mentorships WHERE mentor_id = :u");
	if (!st)
		return DB_ERR;
	db_bind_int(st, ":u", uid);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		const unsigned char *since = sqlite3_column_text(st, 1);
		int k = sqlite3_column_type(st, 2) == SQLITE_NULL ? 5 : sqlite3_column_int(st, 2);
		record_line_text(sqlite3_column_int64(st, 0), since ? atoi((const char *)since) : 0, k, out,
				 n);
	}
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? DB_OK : DB_ERR;
}
