#include "store/notify.h"

enum db_rc notify_prefs_get(struct db *db, int64_t uid, struct notify_prefs *out)
{
	*out = (struct notify_prefs){0};
	sqlite3_stmt *st =
		DB_STMT(db, "SELECT off, digest, calendar_gen FROM notify_prefs WHERE user_id = :u");
	if (!st)
		return DB_ERR;
	db_bind_int(st, ":u", uid);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		out->off = (uint64_t)sqlite3_column_int64(st, 0);
		out->digest = sqlite3_column_int(st, 1);
		out->calendar_gen = sqlite3_column_int64(st, 2);
	}
	sqlite3_reset(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? DB_OK : db_rc_from(rc);
}

int notify_wants(struct db *db, int64_t uid, enum notify_kind kind, int *digest)
{
	struct notify_prefs p;
	if (notify_prefs_get(db, uid, &p) != DB_OK)
		return -1;
	*digest = p.digest;
	return (p.off >> kind & 1) ? 0 : 1;
}

/* The row exists from the first change on; the defaults are its columns'. */
static enum db_rc ensure_row(struct db *db, int64_t uid)
{
	sqlite3_stmt *st = DB_STMT(db, "INSERT INTO notify_prefs(user_id) SELECT id FROM users "
				       "WHERE id = :u AND active = 1 ON CONFLICT(user_id) DO NOTHING");
	if (!st)
		return DB_ERR;
	db_bind_int(st, ":u", uid);
	enum db_rc rc = db_exec_step(db, st);
	if (rc != DB_OK)
		return rc;
	sqlite3_stmt *q = DB_STMT(db, "SELECT 1 FROM notify_prefs p JOIN users u ON u.id = p.user_id "
				      "WHERE p.user_id = :u AND u.active = 1");
	if (!q)
		return DB_ERR;
	db_bind_int(q, ":u", uid);
	int r = sqlite3_step(q);
	sqlite3_reset(q);
	return r == SQLITE_ROW ? DB_OK : r == SQLITE_DONE ? DB_NOTFOUND : db_rc_from(r);
}

enum db_rc notify_prefs_save(struct db *db, int64_t uid, uint64_t off, int digest)
{
	enum db_rc rc = db_begin(db);
	if (rc != DB_OK)
		return rc;
	rc = ensure_row(db, uid);
	sqlite3_stmt *st = rc == DB_OK ? DB_STMT(db, "UPDATE notify_prefs SET off = :o, digest = :d "
						     "WHERE user_id = :u")
				       : NULL;
	if (rc == DB_OK && !st)
		rc = DB_ERR;
	if (rc == DB_OK) {
		/* Only bits of kinds that exist: a stale bit would turn a
		 * kind added later off without the person's choice. */
		db_bind_int(st, ":o", (int64_t)(off & ((UINT64_C(1) << NOTIFY_KIND_COUNT) - 1)));
		db_bind_int(st, ":d", digest ? 1 : 0);
		db_bind_int(st, ":u", uid);
		rc = db_exec_step(db, st);
	}
	return db_end(db, rc);
}

enum db_rc notify_turn_off(struct db *db, int64_t uid, enum notify_kind kind)
{
	enum db_rc rc = db_begin(db);
	if (rc != DB_OK)
		return rc;
	rc = ensure_row(db, uid);
	sqlite3_stmt *st =
		rc == DB_OK ? DB_STMT(db, "UPDATE notify_prefs SET off = off | :bit WHERE user_id = :u")
			    : NULL;
	if (rc == DB_OK && !st)
		rc = DB_ERR;
	if (rc == DB_OK) {
		db_bind_int(st, ":bit", (int64_t)(UINT64_C(1) << kind));
		db_bind_int(st, ":u", uid);
		rc = db_exec_step(db, st);
	}
	return db_end(db, rc);
}

enum db_rc notify_calendar_replace(struct db *db, int64_t uid, int64_t *gen)
{
	enum db_rc rc = db_begin(db);
	if (rc != DB_OK)
		return rc;
	rc = ensure_row(db, uid);
	sqlite3_stmt *st = rc == DB_OK
				   ? DB_STMT(db, "UPDATE notify_prefs SET calendar_gen = calendar_gen + 1 "
						 "WHERE user_id = :u RETURNING calendar_gen")
				   : NULL;
	if (rc == DB_OK && !st)
		rc = DB_ERR;
	if (rc == DB_OK) {
		db_bind_int(st, ":u", uid);
		int r = sqlite3_step(st);
		if (r == SQLITE_ROW)
			*gen = sqlite3_column_int64(st, 0);
		else
			rc = r == SQLITE_DONE ? DB_NOTFOUND : db_rc_from(r);
		sqlite3_reset(st);
	}
	return db_end(db, rc);
}
