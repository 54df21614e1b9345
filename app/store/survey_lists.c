#include "store/survey_lists.h"

#include <stdio.h>

enum db_rc survey_page(struct db *db, int64_t before_id, int max,
		       void (*fn)(void *arg, const struct survey_summary *s), void *arg, int *more)
{
	/* The rowid read backwards from the cursor; each survey's figures are
	 * two primary-key lookups in kept_counts. */
	sqlite3_stmt *st =
		DB_STMT(db, "SELECT s.id, s.title, s.audience, s.status, "
			    "coalesce((SELECT n FROM kept_counts WHERE name = 'inv:' || s.id), 0), "
			    "coalesce((SELECT n FROM kept_counts WHERE name = 'ans:' || s.id), 0) "
			    "FROM surveys s WHERE s.id < :before ORDER BY s.id DESC LIMIT :n");
	*more = 0;
	if (!st || max < 1 || max > 200)
		return DB_ERR;
	db_bind_int(st, ":before", before_id > 0 ? before_id : INT64_MAX);
	db_bind_int(st, ":n", max + 1);
	int rc, n = 0;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (n++ == max) {
			*more = 1;
			break;
		}
		struct survey_summary s = {.id = sqlite3_column_int64(st, 0)};
		db_column_copy(st, 1, s.title, sizeof(s.title));
		db_column_copy(st, 2, s.audience, sizeof(s.audience));
		db_column_copy(st, 3, s.status, sizeof(s.status));
		s.invited = sqlite3_column_int64(st, 4);
		s.answered = sqlite3_column_int64(st, 5);
		fn(arg, &s);
	}
	sqlite3_reset(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? DB_OK : db_rc_from(rc);
}

enum db_rc survey_invitation_page(struct db *db, int64_t uid, int64_t before_id, int max,
				  void (*fn)(void *arg, const struct invitation_row *row), void *arg,
				  int *more)
{
	/* uid's range of survey_invitations_user (user_id, answered, id):
	 * the sort is over one person's invitations, never the program's. */
	sqlite3_stmt *st =
		DB_STMT(db, "SELECT i.id, s.title, i.answered, s.status = 'open' FROM survey_invitations i "
			    "JOIN surveys s ON s.id = i.survey_id WHERE i.user_id = :u AND i.id < :before "
			    "ORDER BY i.id DESC LIMIT :n");
	*more = 0;
	if (!st || max < 1 || max > 200)
		return DB_ERR;
	db_bind_int(st, ":u", uid);
	db_bind_int(st, ":before", before_id > 0 ? before_id : INT64_MAX);
	db_bind_int(st, ":n", max + 1);
	int rc, n = 0;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (n++ == max) {
			*more = 1;
			break;
		}
		struct invitation_row r = {
			.id = sqlite3_column_int64(st, 0),
			.title = (const char *)sqlite3_column_text(st, 1),
			.answered = sqlite3_column_int(st, 2),
			.open = sqlite3_column_int(st, 3),
		};
		fn(arg, &r);
	}
	sqlite3_reset(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? DB_OK : db_rc_from(rc);
}
