#include "store/rekey.h"

#include <stdio.h>

#include "core/log.h"
#include "security/seal.h"
#include "store/sealcol.h"
#include "store/surveys.h"
#include <sodium.h>

/* Re-seal the value in column i of the current row of st, for AD
 * (table, column, row), and bind it to name on upd. 1 if there was a
 * value, 0 for NULL, -1 on failure. */
static int reseal(sqlite3_stmt *st, int i, const char *table, const char *column, const char *row,
		  sqlite3_stmt *upd, const char *name)
{
	if (sqlite3_column_type(st, i) == SQLITE_NULL) {
		db_bind_null(upd, name);
		return 0;
	}
	struct buf plain = {0}, sealed = {0};
	int rc = seal_decrypt(table, column, row, sqlite3_column_blob(st, i),
			      (size_t)sqlite3_column_bytes(st, i), &plain);
	if (rc == 0)
		rc = seal_encrypt(table, column, row, buf_str(&plain), plain.len, &sealed);
	if (rc == 0)
		rc = db_bind_blob(upd, name, sealed.data, (int)sealed.len);
	sodium_memzero(plain.data ? plain.data : (char *)"", plain.data ? plain.cap : 0);
	buf_free(&plain);
	buf_free(&sealed);
	if (rc != 0) {
		log_kv("error", "rekey: a value did not open", "table", table, "column", column, "row", row,
		       LOG_END);
		return -1;
	}
	return 1;
}

long rekey_all(struct db *db)
{
	if (db_begin(db) != DB_OK)
		return -1;
	long n = 0;
	int bad = 0;
	char row[64];
	sqlite3_stmt *st = DB_STMT(db, "SELECT id, agenda, shared_notes FROM meetings");
	sqlite3_stmt *up = DB_STMT(db, "UPDATE meetings SET agenda = :a, shared_notes = :s WHERE id = :id");
	while (!bad && st && up && sqlite3_step(st) == SQLITE_ROW) {
		snprintf(row, sizeof(row), "%lld", (long long)sqlite3_column_int64(st, 0));
		int a = reseal(st, 1, "meetings", "agenda", row, up, ":a");
		int s = reseal(st, 2, "meetings", "shared_notes", row, up, ":s");
		db_bind_int(up, ":id", sqlite3_column_int64(st, 0));
		bad = a < 0 || s < 0 || db_exec_step(up) != DB_OK;
		n += a + s;
	}
	if (st)
		sqlite3_reset(st);
	st = DB_STMT(db, "SELECT meeting_id, author_id, body FROM private_notes");
	up = DB_STMT(db, "UPDATE private_notes SET body = :b WHERE meeting_id = :m AND author_id = :u");
	while (!bad && st && up && sqlite3_step(st) == SQLITE_ROW) {
		snprintf(row, sizeof(row), "%lld:%lld", (long long)sqlite3_column_int64(st, 0),
			 (long long)sqlite3_column_int64(st, 1));
		int b = reseal(st, 2, "private_notes", "body", row, up, ":b");
		db_bind_int(up, ":m", sqlite3_column_int64(st, 0));
		db_bind_int(up, ":u", sqlite3_column_int64(st, 1));
		bad = b < 0 || db_exec_step(up) != DB_OK;
		n += b;
	}
	if (st)
		sqlite3_reset(st);
	st = DB_STMT(db, "SELECT meeting_id, author_id, went_well, to_improve, next_steps FROM feedback");
	up = DB_STMT(db, "UPDATE feedback SET went_well = :w, to_improve = :t, next_steps = :n "
			 "WHERE meeting_id = :m AND author_id = :u");
	while (!bad && st && up && sqlite3_step(st) == SQLITE_ROW) {
		snprintf(row, sizeof(row), "%lld:%lld", (long long)sqlite3_column_int64(st, 0),
			 (long long)sqlite3_column_int64(st, 1));
		int w = reseal(st, 2, "feedback", "went_well", row, up, ":w");
		int t = reseal(st, 3, "feedback", "to_improve", row, up, ":t");
		int x = reseal(st, 4, "feedback", "next_steps", row, up, ":n");
		db_bind_int(up, ":m", sqlite3_column_int64(st, 0));
		db_bind_int(up, ":u", sqlite3_column_int64(st, 1));
		bad = w < 0 || t < 0 || x < 0 || db_exec_step(up) != DB_OK;
		n += w + t + x;
	}
	if (st)
		sqlite3_reset(st);
	st = DB_STMT(db, "SELECT id, body FROM action_items");
	up = DB_STMT(db, "UPDATE action_items SET body = :b WHERE id = :id");
	while (!bad && st && up && sqlite3_step(st) == SQLITE_ROW) {
		snprintf(row, sizeof(row), "%lld", (long long)sqlite3_column_int64(st, 0));
		int b = reseal(st, 1, "action_items", "body", row, up, ":b");
		db_bind_int(up, ":id", sqlite3_column_int64(st, 0));
		bad = b < 0 || db_exec_step(up) != DB_OK;
		n += b;
	}
	if (st)
		sqlite3_reset(st);
	long pool = bad ? 0 : survey_rekey(db);
	bad = bad || pool < 0;
	n += pool > 0 ? pool : 0;
	/* A request's message, a mentorship's end reason, plan notes. */
	long more = bad ? 0 : sealcol_rekey(db);
	if (more < 0)
		bad = 1;
	else
		n += more;
	if (bad || !st || !up) {
		db_rollback(db);
		return -1;
	}
	return db_commit(db) == DB_OK ? n : -1;
}
