#include "store/sealcol.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "core/log.h"
#include "security/seal.h"

int sealcol_bind(sqlite3_stmt *st, const char *name, const char *table, const char *column, const char *row,
		 const char *text)
{
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

/* One kind of value: its rows, as (row key, plain or sealed text), and the
 * UPDATE that stores the sealed value under :s for the row's key columns
 * :a (and :b). */
struct kind {
	const char *table, *column;
	const char *select_plain;  /* a, b, plain text: rows still in plain text */
	const char *select_sealed; /* a, b, sealed blob: rows already sealed */
	const char *update;	   /* SET X = '', X_sealed = :s WHERE ... :a ... :b */
};

static const struct kind kinds[] = {
	{"requests", "message",
	 "SELECT id, 0, message FROM requests WHERE message <> '' AND message_sealed IS NULL",
	 "SELECT id, 0, message_sealed FROM requests WHERE message_sealed IS NOT NULL",
	 "UPDATE requests SET message = '', message_sealed = :s WHERE id = :a AND :b = 0"},
	/* The automatic "found a mentor elsewhere" note is the app's own text,
	 * written to many rows by one statement: it stays plain. */
	{"requests", "reason",
	 "SELECT id, 0, reason FROM requests WHERE reason <> '' AND reason_sealed IS NULL "
	 "AND status <> 'matched_elsewhere'",
	 "SELECT id, 0, reason_sealed FROM requests WHERE reason_sealed IS NOT NULL",
	 "UPDATE requests SET reason = '', reason_sealed = :s WHERE id = :a AND :b = 0"},
	{"mentorships", "end_reason",
	 "SELECT id, 0, end_reason FROM mentorships WHERE end_reason <> '' AND end_reason_sealed IS NULL",
	 "SELECT id, 0, end_reason_sealed FROM mentorships WHERE end_reason_sealed IS NOT NULL",
	 "UPDATE mentorships SET end_reason = '', end_reason_sealed = :s WHERE id = :a AND :b = 0"},
	{"plan_weeks", "note",
	 "SELECT mentorship_id, week, note FROM plan_weeks WHERE note <> '' AND note_sealed IS NULL",
	 "SELECT mentorship_id, week, note_sealed FROM plan_weeks WHERE note_sealed IS NOT NULL",
	 "UPDATE plan_weeks SET note = '', note_sealed = :s WHERE mentorship_id = :a AND week = :b"},
};

/* The row key of kind k for the current row of st. */
static void row_key(const struct kind *k, sqlite3_stmt *st, char *row, size_t n)
{
	if (strcmp(k->table, "plan_weeks") == 0)
		snprintf(row, n, "%lld:%lld", (long long)sqlite3_column_int64(st, 0),
			 (long long)sqlite3_column_int64(st, 1));
	else
		snprintf(row, n, "%lld", (long long)sqlite3_column_int64(st, 0));
}

/* Seal (sealed == 0: from plain text) or re-seal (sealed == 1) every value
 * of kind k. The count or -1. SQL text is chosen from the constant table
 * above, never built. */
static long pass(struct db *db, const struct kind *k, int sealed)
{
	sqlite3_stmt *st = db_stmt_literal(db, sealed ? k->select_sealed : k->select_plain);
	sqlite3_stmt *up = db_stmt_literal(db, k->update);
	if (!st || !up)
		return -1;
	long n = 0;
	int bad = 0;
	char row[64];
	struct buf plain = {0};
	while (!bad && sqlite3_step(st) == SQLITE_ROW) {
		row_key(k, st, row, sizeof(row));
		if (sealed) {
			bad = seal_decrypt(k->table, k->column, row, sqlite3_column_blob(st, 2),
					   (size_t)sqlite3_column_bytes(st, 2), &plain) != 0;
			if (bad)
				log_kv("error", "rekey: a value did not open", "table", k->table, "column",
				       k->column, "row", row, LOG_END);
		} else {
			buf_reset(&plain);
			buf_puts(&plain, (const char *)sqlite3_column_text(st, 2));
			bad = plain.oom;
		}
		if (!bad)
			bad = sealcol_bind(up, ":s", k->table, k->column, row, buf_str(&plain)) != 0;
		db_bind_int(up, ":a", sqlite3_column_int64(st, 0));
		db_bind_int(up, ":b", sqlite3_column_int64(st, 1));
		if (!bad)
			bad = db_exec_step(up) != DB_OK;
		n++;
	}
	sqlite3_reset(st);
	if (plain.data)
		sodium_memzero(plain.data, plain.cap);
	buf_free(&plain);
	return bad ? -1 : n;
}

long sealcol_rekey(struct db *db)
{
	long total = 0;
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		long n = pass(db, &kinds[i], 1);
		if (n < 0)
			return -1;
		total += n;
	}
	return total;
}

long sealcol_convert(struct db *db)
{
	if (db_begin(db) != DB_OK)
		return -1;
	long total = 0;
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]) && total >= 0; i++) {
		long n = pass(db, &kinds[i], 0);
		total = n < 0 ? -1 : total + n;
	}
	if (total < 0) {
		db_rollback(db);
		return -1;
	}
	return db_commit(db) == DB_OK ? total : -1;
}
