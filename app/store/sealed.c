#include "store/sealed.h"

#include <sodium.h>
#include <stdio.h>

#include "core/log.h"
#include "security/seal.h"
#include "store/sealcol.h"

#define BY_ID(t, c, s)                                                                                       \
	{                                                                                                    \
		t, c, s, SEALED_KEY_ID, "SELECT id, 0, " s " FROM " t " WHERE " s " IS NOT NULL",            \
			"UPDATE " t " SET " s " = :s WHERE id = :a AND :b = 0"                               \
	}
#define BY_PAIR(t, c, s, a, b)                                                                               \
	{                                                                                                    \
		t, c, s, SEALED_KEY_PAIR, "SELECT " a ", " b ", " s " FROM " t " WHERE " s " IS NOT NULL",   \
			"UPDATE " t " SET " s " = :s WHERE " a " = :a AND " b " = :b"                        \
	}

const struct sealed_col sealed_cols[SEALED_COUNT] = {
	[SEALED_MEETING_AGENDA] = BY_ID("meetings", "agenda", "agenda"),
	[SEALED_MEETING_SHARED_NOTES] = BY_ID("meetings", "shared_notes", "shared_notes"),
	[SEALED_PRIVATE_NOTE] = BY_PAIR("private_notes", "body", "body", "meeting_id", "author_id"),
	[SEALED_FEEDBACK_WENT_WELL] =
		BY_PAIR("feedback", "went_well", "went_well", "meeting_id", "author_id"),
	[SEALED_FEEDBACK_TO_IMPROVE] =
		BY_PAIR("feedback", "to_improve", "to_improve", "meeting_id", "author_id"),
	[SEALED_FEEDBACK_NEXT_STEPS] =
		BY_PAIR("feedback", "next_steps", "next_steps", "meeting_id", "author_id"),
	[SEALED_ACTION_ITEM] = BY_ID("action_items", "body", "body"),
	/* These four once were plain TEXT columns X, kept beside X_sealed
	 * (store/sealcol.h); the associated data names X. */
	[SEALED_REQUEST_MESSAGE] = BY_ID("requests", "message", "message_sealed"),
	[SEALED_REQUEST_REASON] = BY_ID("requests", "reason", "reason_sealed"),
	[SEALED_MENTORSHIP_END_REASON] = BY_ID("mentorships", "end_reason", "end_reason_sealed"),
	[SEALED_PLAN_NOTE] = BY_PAIR("plan_weeks", "note", "note_sealed", "mentorship_id", "week"),
	[SEALED_SURVEY_POOL] = {"survey_pool", "sealed", "sealed", SEALED_KEY_HEX,
				"SELECT id, 0, sealed FROM survey_pool WHERE sealed IS NOT NULL",
				"UPDATE survey_pool SET sealed = :s WHERE id = :a AND :b = 0"},
	/* The agenda written ahead is sealed for the one planned session
	 * (mentorship:plan_no): it cannot surface on the next one. */
	[SEALED_NEXT_AGENDA] = BY_PAIR("mentorships", "next_agenda", "next_agenda", "id", "plan_no"),
	/* issue 16: an account's TOTP secret (base32), sealed for its user id. */
	[SEALED_MFA_SECRET] = {"mfa", "secret", "secret", SEALED_KEY_ID,
			       "SELECT user_id, 0, secret FROM mfa WHERE secret IS NOT NULL",
			       "UPDATE mfa SET secret = :s WHERE user_id = :a AND :b = 0"},
	/* issue 18: sealed for the ring and the row, so a ring's notes cannot
	 * be moved onto another ring's session. */
	[SEALED_RING_AGENDA] = BY_PAIR("ring_sessions", "agenda", "agenda", "ring_id", "id"),
	[SEALED_RING_NOTES] = BY_PAIR("ring_sessions", "shared_notes", "shared_notes", "ring_id", "id"),
	/* issue 17: a pairing's notes, seen by its two people only. */
	[SEALED_PAIRING_NOTES] = BY_ID("pairings", "notes", "notes"),
	/* issue 21: why a change is proposed; a note after the end. */
	[SEALED_CHANGE_REASON] = BY_ID("ms_changes", "reason", "reason_sealed"),
	[SEALED_FOLLOW_UP] = BY_ID("follow_ups", "body", "body"),
	/* issue 19: the thank-you note, sealed for its mentorship (one note
	 * per mentorship, written by its mentee). */
	[SEALED_THANKS] = {"celebrations", "thanks", "thanks", SEALED_KEY_ID,
			   "SELECT mentorship_id, 0, thanks FROM celebrations WHERE thanks IS NOT NULL",
			   "UPDATE celebrations SET thanks = :s WHERE mentorship_id = :a AND :b = 0"},
};

void sealed_row(enum sealed_id id, int64_t a, int64_t b, char *row, size_t n)
{
	if (sealed_cols[id].key == SEALED_KEY_PAIR)
		snprintf(row, n, "%lld:%lld", (long long)a, (long long)b);
	else
		snprintf(row, n, "%lld", (long long)a);
}

int sealed_open(sqlite3_stmt *st, int sealed_col, int plain_col, enum sealed_id id, int64_t a, int64_t b,
		struct buf *out)
{
	char row[48];
	sealed_row(id, a, b, row, sizeof(row));
	return sealcol_open(st, sealed_col, plain_col, sealed_cols[id].table, sealed_cols[id].column, row,
			    out);
}

void sealed_row_hex(const unsigned char *blob, size_t len, char *row, size_t n)
{
	if (n < 2 * len + 1) {
		if (n)
			row[0] = '\0';
		return;
	}
	sodium_bin2hex(row, n, blob, len);
}

/* The row key of the current row of st (columns 0 and 1) for column c. */
static void row_of(const struct sealed_col *c, enum sealed_id id, sqlite3_stmt *st, char *row, size_t n)
{
	if (c->key == SEALED_KEY_HEX)
		sealed_row_hex(sqlite3_column_blob(st, 0), (size_t)sqlite3_column_bytes(st, 0), row, n);
	else
		sealed_row(id, sqlite3_column_int64(st, 0), sqlite3_column_int64(st, 1), row, n);
}

/* Re-seal every value of one column. The count or -1. */
static long rekey_one(struct db *db, enum sealed_id id)
{
	const struct sealed_col *c = &sealed_cols[id];
	sqlite3_stmt *st = db_stmt_literal(db, c->select);
	sqlite3_stmt *up = db_stmt_literal(db, c->update);
	if (!st || !up)
		return -1;
	long n = 0;
	int bad = 0;
	char row[130];
	struct buf plain = {0}, sealed = {0};
	while (!bad && sqlite3_step(st) == SQLITE_ROW) {
		row_of(c, id, st, row, sizeof(row));
		bad = seal_decrypt(c->table, c->column, row, sqlite3_column_blob(st, 2),
				   (size_t)sqlite3_column_bytes(st, 2), &plain) != 0 ||
		      seal_encrypt(c->table, c->column, row, buf_str(&plain), plain.len, &sealed) != 0;
		if (bad) {
			log_kv("error", "rekey: a value did not open", "table", c->table, "column", c->column,
			       "row", c->key == SEALED_KEY_HEX ? "(survey pool)" : row, LOG_END);
			break;
		}
		db_bind_blob(up, ":s", sealed.data, (int)sealed.len);
		if (c->key == SEALED_KEY_HEX)
			db_bind_blob(up, ":a", sqlite3_column_blob(st, 0), sqlite3_column_bytes(st, 0));
		else
			db_bind_int(up, ":a", sqlite3_column_int64(st, 0));
		db_bind_int(up, ":b", sqlite3_column_int64(st, 1));
		bad = db_exec_step(db, up) != DB_OK;
		n++;
	}
	sqlite3_reset(st);
	if (plain.data)
		sodium_memzero(plain.data, plain.cap);
	buf_free(&plain);
	buf_free(&sealed);
	return bad ? -1 : n;
}

long sealed_rekey_all(struct db *db)
{
	long total = 0;
	for (int i = 0; i < SEALED_COUNT; i++) {
		long n = rekey_one(db, (enum sealed_id)i);
		if (n < 0)
			return -1;
		total += n;
	}
	return total;
}

long sealed_check_all(struct db *db, long *bad)
{
	long total = 0;
	*bad = 0;
	struct buf plain = {0};
	char row[130];
	for (int i = 0; i < SEALED_COUNT; i++) {
		const struct sealed_col *c = &sealed_cols[i];
		sqlite3_stmt *st = db_stmt_literal(db, c->select);
		if (!st) {
			total = -1;
			break;
		}
		int rc;
		while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
			row_of(c, (enum sealed_id)i, st, row, sizeof(row));
			total++;
			if (seal_decrypt(c->table, c->column, row, sqlite3_column_blob(st, 2),
					 (size_t)sqlite3_column_bytes(st, 2), &plain) != 0) {
				++*bad;
				log_kv("error", "check: a value does not open", "table", c->table, "column",
				       c->column, "row", c->key == SEALED_KEY_HEX ? "(survey pool)" : row,
				       LOG_END);
			}
		}
		sqlite3_reset(st);
		if (rc != SQLITE_DONE) {
			total = -1;
			break;
		}
	}
	if (plain.data)
		sodium_memzero(plain.data, plain.cap);
	buf_free(&plain);
	return total;
}

int sealed_any(struct db *db)
{
	for (int i = 0; i < SEALED_COUNT; i++) {
		sqlite3_stmt *st = db_stmt_literal(db, sealed_cols[i].select);
		if (!st)
			return -1;
		int rc = sqlite3_step(st);
		sqlite3_reset(st);
		if (rc == SQLITE_ROW)
			return 1;
		if (rc != SQLITE_DONE)
			return -1;
	}
	return 0;
}
