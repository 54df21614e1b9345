#include "store/guide.h"

int guide_each(struct db *db, void (*fn)(void *arg, const char *heading, const char *body), void *arg)
{
	sqlite3_stmt *st = DB_STMT(db, "SELECT heading, body FROM guide_sections ORDER BY pos LIMIT 40");
	if (!st)
		return -1;
	int rc, n = 0;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		fn(arg, (const char *)sqlite3_column_text(st, 0), (const char *)sqlite3_column_text(st, 1));
		n++;
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? n : -1;
}

enum db_rc guide_save(struct db *db, const char *const *headings, const char *const *bodies, int n)
{
	enum db_rc rc = db_begin(db);
	if (rc != DB_OK)
		return rc;
	sqlite3_stmt *st = DB_STMT(db, "DELETE FROM guide_sections");
	rc = st ? db_exec_step(db, st) : DB_ERR;
	for (int i = 0; i < n && rc == DB_OK; i++) {
		st = DB_STMT(db, "INSERT INTO guide_sections(pos, heading, body) VALUES (:p, :h, :b)");
		if (!st)
			return db_end(db, DB_ERR);
		db_bind_int(st, ":p", i + 1);
		db_bind_text(st, ":h", headings[i]);
		db_bind_text(st, ":b", bodies[i]);
		rc = db_exec_step(db, st);
	}
	return db_end(db, rc);
}
