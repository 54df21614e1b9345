#include "store/ratings.h"

enum db_rc ratings_configure(struct db *db, int k)
{
	enum db_rc rc = db_begin(db);
	if (rc != DB_OK)
		return rc;
	sqlite3_stmt *st = DB_STMT(db, "UPDATE rating_totals SET k = :k WHERE k != :k");
	if (!st)
		return db_end(db, DB_ERR);
	db_bind_int(st, ":k", k);
	return db_end(db, db_exec_step(db, st));
}

enum db_rc ratings_shown(struct db *db, struct rating_figures *out)
{
	sqlite3_stmt *st =
		DB_STMT(db, "SELECT forms, shown_forms, shown_total FROM rating_totals WHERE id = 1");
	if (!st)
		return DB_ERR;
	int rc = sqlite3_step(st);
	out->forms = out->shown_forms = 0;
	out->average = 0;
	if (rc == SQLITE_ROW) {
		out->forms = sqlite3_column_int64(st, 0);
		out->shown_forms = sqlite3_column_int64(st, 1);
		if (out->shown_forms > 0)
			out->average = (double)sqlite3_column_int64(st, 2) / (double)out->shown_forms;
	}
	sqlite3_reset(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? DB_OK : db_rc_from(rc);
}
