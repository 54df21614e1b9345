#include "store/program_parts.h"

enum db_rc program_rev(struct db *db, int64_t *rev)
{
	*rev = 0;
	sqlite3_stmt *st = DB_STMT(db, "SELECT n FROM kept_counts WHERE name = 'program_rev'");
	if (!st)
		return DB_ERR;
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*rev = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? DB_OK : db_rc_from(rc);
}

enum db_rc program_week_set(struct db *db, int64_t yyyymmdd)
{
	sqlite3_stmt *st = DB_STMT(db, "SELECT n FROM kept_counts WHERE name = 'program_week'");
	if (!st)
		return DB_ERR;
	int rc = sqlite3_step(st);
	int same = rc == SQLITE_ROW && sqlite3_column_int64(st, 0) == yyyymmdd;
	sqlite3_reset(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return db_rc_from(rc);
	if (same)
		return DB_OK;
	enum db_rc r = db_begin(db);
	if (r != DB_OK)
		return r;
	st = DB_STMT(db, "INSERT INTO kept_counts(name, n) VALUES ('program_week', :n) ON CONFLICT(name) "
			 "DO UPDATE SET n = excluded.n");
	if (!st)
		return db_end(db, DB_ERR);
	db_bind_int(st, ":n", yyyymmdd);
	return db_end(db, db_exec_step(db, st));
}

enum db_rc program_parts_each(struct db *db, int with_html,
			      void (*fn)(void *arg, const char *part, const char *version, int64_t built_at,
					 const char *html, size_t len),
			      void *arg)
{
	sqlite3_stmt *st = with_html ? DB_STMT(db, "SELECT part, version, built_at, html FROM program_parts")
				     : DB_STMT(db, "SELECT part, version, built_at, NULL FROM program_parts");
	if (!st)
		return DB_ERR;
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *part = (const char *)sqlite3_column_text(st, 0);
		const char *version = (const char *)sqlite3_column_text(st, 1);
		const char *html = with_html ? (const char *)sqlite3_column_text(st, 3) : NULL;
		size_t len = html ? (size_t)sqlite3_column_bytes(st, 3) : 0;
		if (part && version)
			fn(arg, part, version, sqlite3_column_int64(st, 2), html, len);
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? DB_OK : db_rc_from(rc);
}

enum db_rc program_part_put(struct db *db, const char *part, const char *version, int64_t built_at,
			    const char *html, size_t len)
{
	enum db_rc rc = db_begin(db);
	if (rc != DB_OK)
		return rc;
	sqlite3_stmt *st =
		DB_STMT(db, "INSERT INTO program_parts(part, version, built_at, html) VALUES "
			    "(:p, :v, :b, :h) ON CONFLICT(part) DO UPDATE SET version = "
			    "excluded.version, built_at = excluded.built_at, html = excluded.html");
	if (!st)
		return db_end(db, DB_ERR);
	db_bind_text(st, ":p", part);
	db_bind_text(st, ":v", version);
	db_bind_int(st, ":b", built_at);
	if (sqlite3_bind_text(st, sqlite3_bind_parameter_index(st, ":h"), html ? html : "", (int)len,
			      SQLITE_TRANSIENT) != SQLITE_OK)
		return db_end(db, DB_ERR);
	rc = db_exec_step(db, st);
	return db_end(db, rc);
}

enum db_rc program_part_drop(struct db *db, const char *part)
{
	enum db_rc rc = db_begin(db);
	if (rc != DB_OK)
		return rc;
	sqlite3_stmt *st = DB_STMT(db, "DELETE FROM program_parts WHERE part = :p");
	if (!st)
		return db_end(db, DB_ERR);
	db_bind_text(st, ":p", part);
	rc = db_exec_step(db, st);
	return db_end(db, rc);
}
