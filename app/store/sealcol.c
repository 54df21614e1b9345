#include "store/sealcol.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "core/log.h"
#include "security/seal.h"
#include "store/sealed.h"

/* Is (table, column) in the one list of sealed columns? A name missing
 * there would never be re-sealed by rotate-key, so it is refused here. */
static int listed(const char *table, const char *column)
{
	for (int i = 0; i < SEALED_COUNT; i++)
		if (strcmp(sealed_cols[i].table, table) == 0 && strcmp(sealed_cols[i].column, column) == 0)
			return 1;
	log_kv("error", "not a listed sealed column", "table", table, "column", column, LOG_END);
	return 0;
}

int sealcol_bind(sqlite3_stmt *st, const char *name, const char *table, const char *column, const char *row,
		 const char *text)
{
	if (!listed(table, column))
		return -1;
	if (!text || !*text)
		return db_bind_null(st, name);
	struct buf c = {0};
	int rc = seal_encrypt(table, column, row, text, strlen(text), &c);
	if (rc == 0)
		rc = db_bind_blob(st, name, c.data, (int)c.len);
	buf_free(&c);
	return rc == 0 ? 0 : -1;
}

int sealcol_open(sqlite3_stmt *st, int sealed_col, int plain_col, const char *table, const char *column,
		 const char *row, struct buf *out)
{
	buf_reset(out);
	if (!listed(table, column))
		return -1;
	if (sqlite3_column_type(st, sealed_col) == SQLITE_NULL) {
		const char *plain = (const char *)sqlite3_column_text(st, plain_col);
		buf_puts(out, plain ? plain : "");
		return out->oom ? -1 : 0;
	}
	int rc = seal_decrypt(table, column, row, sqlite3_column_blob(st, sealed_col),
			      (size_t)sqlite3_column_bytes(st, sealed_col), out);
	if (rc != 0)
		log_kv("error", "a sealed value did not open", "table", table, "column", column, "row", row,
		       LOG_END);
	return rc;
}

/* A column that older versions kept in plain text: its rows still in plain
 * text, as (row key a, b, text), and the UPDATE that stores the sealed value
 * :s and blanks the plain column. Names and row keys: store/sealed.h. */
struct kind {
	enum sealed_id id;
	const char *select_plain; /* a, b, plain text, owner ids x, y, z */
	const char *update;	  /* SET X = '', X_sealed = :s WHERE ... :a ... :b */
};

static const struct kind kinds[] = {
	{SEALED_REQUEST_MESSAGE,
	 "SELECT id, 0, message, mentor_id, mentee_id, 0 FROM requests WHERE message <> '' "
	 "AND message_sealed IS NULL",
	 "UPDATE requests SET message = '', message_sealed = :s WHERE id = :a AND :b = 0"},
	/* The automatic "found a mentor elsewhere" note is the app's own text,
	 * written to many rows by one statement: it stays plain. */
	{SEALED_REQUEST_REASON,
	 "SELECT id, 0, reason, mentor_id, mentee_id, 0 FROM requests WHERE reason <> '' AND reason_sealed "
	 "IS NULL "
	 "AND status <> 'matched_elsewhere'",
	 "UPDATE requests SET reason = '', reason_sealed = :s WHERE id = :a AND :b = 0"},
	{SEALED_MENTORSHIP_END_REASON,
	 "SELECT id, 0, end_reason, id, mentor_id, mentee_id FROM mentorships WHERE end_reason <> '' "
	 "AND end_reason_sealed IS NULL",
	 "UPDATE mentorships SET end_reason = '', end_reason_sealed = :s WHERE id = :a AND :b = 0"},
	{SEALED_PLAN_NOTE,
	 "SELECT w.mentorship_id, w.week, w.note, m.id, m.mentor_id, m.mentee_id FROM plan_weeks w "
	 "JOIN mentorships m ON m.id = w.mentorship_id WHERE w.note <> '' AND w.note_sealed IS NULL",
	 "UPDATE plan_weeks SET note = '', note_sealed = :s WHERE mentorship_id = :a AND week = :b"},
};

/* Seal every value of kind k still in plain text. The count or -1. SQL
 * text is chosen from the constant table above, never built. */
static long pass(struct db *db, const struct kind *k)
{
	const struct sealed_col *c = &sealed_cols[k->id];
	sqlite3_stmt *st = db_stmt_literal(db, k->select_plain);
	sqlite3_stmt *up = db_stmt_literal(db, k->update);
	if (!st || !up)
		return -1;
	long n = 0;
	int bad = 0;
	char row[SEALED_ROW_MAX];
	struct buf plain = {0};
	while (!bad && sqlite3_step(st) == SQLITE_ROW) {
		int64_t who[4];
		sealed_row(k->id, sqlite3_column_int64(st, 0), sqlite3_column_int64(st, 1),
			   sealed_owner_of(k->id, st, 3, who), row, sizeof(row));
		buf_reset(&plain);
		buf_puts(&plain, (const char *)sqlite3_column_text(st, 2));
		bad = plain.oom || sealcol_bind(up, ":s", c->table, c->column, row, buf_str(&plain)) != 0;
		db_bind_int(up, ":a", sqlite3_column_int64(st, 0));
		db_bind_int(up, ":b", sqlite3_column_int64(st, 1));
		if (!bad)
			bad = db_exec_step(db, up) != DB_OK;
		n++;
	}
	sqlite3_reset(st);
	if (plain.data)
		sodium_memzero(plain.data, plain.cap);
	buf_free(&plain);
	return bad ? -1 : n;
}

long sealcol_convert(struct db *db)
{
	if (db_begin(db) != DB_OK)
		return -1;
	long total = 0;
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]) && total >= 0; i++) {
		long n = pass(db, &kinds[i]);
		total = n < 0 ? -1 : total + n;
	}
	if (total < 0) {
		db_rollback(db);
		return -1;
	}
	return db_commit(db) == DB_OK ? total : -1;
}
