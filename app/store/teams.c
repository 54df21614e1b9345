#include "store/teams.h"

#include "store/audit.h"

enum db_rc teams_each(struct db *db, int max, void (*fn)(void *arg, int64_t id, const char *name), void *arg)
{
	sqlite3_stmt *st = DB_STMT(db, "SELECT id, name FROM teams ORDER BY name LIMIT :max");
	if (!st)
		return DB_ERR;
	db_bind_int(st, ":max", max);
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		fn(arg, sqlite3_column_int64(st, 0), (const char *)sqlite3_column_text(st, 1));
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? DB_OK : db_rc_from(rc);
}

enum db_rc teams_add(struct db *db, const char *name, int64_t admin, int64_t now, const char *ip)
{
	enum db_rc rc = db_begin(db);
	if (rc != DB_OK)
		return rc;
	sqlite3_stmt *st = DB_STMT(db, "INSERT INTO teams(name) VALUES (:n)");
	if (!st)
		return db_end(db, DB_ERR);
	db_bind_text(st, ":n", name);
	rc = db_exec_step(db, st);
	/* Team edits change how answers are grouped from now on: on record. */
	if (rc == DB_OK)
		rc = audit_add(db, now, "team_added", admin, sqlite3_last_insert_rowid(db_handle(db)), ip,
			       name);
	return db_end(db, rc);
}

enum db_rc teams_remove(struct db *db, int64_t id, int64_t admin, int64_t now, const char *ip)
{
	enum db_rc rc = db_begin(db);
	if (rc != DB_OK)
		return rc;
	sqlite3_stmt *st = DB_STMT(db, "DELETE FROM teams WHERE id = :id");
	if (!st)
		return db_end(db, DB_ERR);
	db_bind_int(st, ":id", id);
	rc = db_exec_step(db, st);
	if (rc == DB_OK && sqlite3_changes(db_handle(db)) == 0)
		rc = DB_NOTFOUND;
	if (rc == DB_OK)
		rc = audit_add(db, now, "team_removed", admin, id, ip, NULL);
	return db_end(db, rc);
}
