#include "store/sealed.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>

#include "core/log.h"
#include "security/seal.h"
#include "store/sealcol.h"

/* A column without an owner of its own: its rows as (a, b, value, 0, 0, 0). */
#define BY_ID(t, c, s)                                                                                       \
	{                                                                                                    \
		t, c, s, SEALED_KEY_ID, SEALED_OWNER_NONE,                                                   \
			"SELECT id, 0, " s ", 0, 0, 0 FROM " t " WHERE " s " IS NOT NULL",                   \
			"UPDATE " t " SET " s " = :s WHERE id = :a AND :b = 0"                               \
	}
#define BY_PAIR(t, c, s, a, b)                                                                               \
	{                                                                                                    \
		t, c, s, SEALED_KEY_PAIR, SEALED_OWNER_NONE,                                                 \
			"SELECT " a ", " b ", " s ", 0, 0, 0 FROM " t " WHERE " s " IS NOT NULL",            \
			"UPDATE " t " SET " s " = :s WHERE " a " = :a AND " b " = :b"                        \
	}
/* A column that belongs to a mentorship: the table's rows, aliased x, are
 * joined to theirs (m) through `on`; keys a and b are columns of x. */
#define OF_MS(t, c, s, key, a, b, on)                                                                        \
	{                                                                                                    \
		t, c, s, key, SEALED_OWNER_MENTORSHIP,                                                       \
			"SELECT x." a ", x." b ", x." s ", m.id, m.mentor_id, m.mentee_id FROM " t " x "     \
			"JOIN mentorships m ON " on " WHERE x." s " IS NOT NULL",                            \
			"UPDATE " t " SET " s " = :s WHERE " a " = :a AND " b " = :b"                        \
	}
#define OF_MS_ID(t, c, s, on)                                                                                \
	{                                                                                                    \
		t, c, s, SEALED_KEY_ID, SEALED_OWNER_MENTORSHIP,                                             \
			"SELECT x.id, 0, x." s ", m.id, m.mentor_id, m.mentee_id FROM " t " x "              \
			"JOIN mentorships m ON " on " WHERE x." s " IS NOT NULL",                            \
			"UPDATE " t " SET " s " = :s WHERE id = :a AND :b = 0"                               \
	}

#define FEEDBACK(c)                                                                                          \
	{                                                                                                    \
		"feedback", c, c, SEALED_KEY_PAIR, SEALED_OWNER_SHARED,                                      \
			"SELECT x.meeting_id, x.author_id, x." c                                             \
			", m.id, m.mentor_id, m.mentee_id, x.shared "                                        \
			"FROM feedback x JOIN meetings g ON g.id = x.meeting_id "                            \
			"JOIN mentorships m ON m.id = g.mentorship_id WHERE x." c " IS NOT NULL",            \
			"UPDATE feedback SET " c " = :s WHERE meeting_id = :a AND author_id = :b"            \
	}

const struct sealed_col sealed_cols[SEALED_COUNT] = {
	[SEALED_MEETING_AGENDA] = OF_MS_ID("meetings", "agenda", "agenda", "m.id = x.mentorship_id"),
	[SEALED_MEETING_SHARED_NOTES] =
		OF_MS_ID("meetings", "shared_notes", "shared_notes", "m.id = x.mentorship_id"),
	/* A session's texts name their mentorship through the session. */
	[SEALED_PRIVATE_NOTE] =
		OF_MS("private_notes", "body", "body", SEALED_KEY_PAIR, "meeting_id", "author_id",
		      "m.id = (SELECT mentorship_id FROM meetings WHERE id = x.meeting_id)"),
	/* Feedback texts: also whether the author shares them. */
	[SEALED_FEEDBACK_WENT_WELL] = FEEDBACK("went_well"),
	[SEALED_FEEDBACK_TO_IMPROVE] = FEEDBACK("to_improve"),
	[SEALED_FEEDBACK_NEXT_STEPS] = FEEDBACK("next_steps"),
	[SEALED_ACTION_ITEM] = OF_MS_ID("action_items", "body", "body", "m.id = x.mentorship_id"),
	/* These four once were plain TEXT columns X, kept beside X_sealed
	 * (store/sealcol.h); the associated data names X. A request belongs
	 * to its mentor and mentee. */
	[SEALED_REQUEST_MESSAGE] = {"requests", "message", "message_sealed", SEALED_KEY_ID,
				    SEALED_OWNER_PEOPLE,
				    "SELECT id, 0, message_sealed, mentor_id, mentee_id, 0 FROM requests "
				    "WHERE message_sealed IS NOT NULL",
				    "UPDATE requests SET message_sealed = :s WHERE id = :a AND :b = 0"},
	[SEALED_REQUEST_REASON] = {"requests", "reason", "reason_sealed", SEALED_KEY_ID, SEALED_OWNER_PEOPLE,
				   "SELECT id, 0, reason_sealed, mentor_id, mentee_id, 0 FROM requests "
				   "WHERE reason_sealed IS NOT NULL",
				   "UPDATE requests SET reason_sealed = :s WHERE id = :a AND :b = 0"},
	[SEALED_MENTORSHIP_END_REASON] =
		OF_MS_ID("mentorships", "end_reason", "end_reason_sealed", "m.id = x.id"),
	[SEALED_PLAN_NOTE] = OF_MS("plan_weeks", "note", "note_sealed", SEALED_KEY_PAIR, "mentorship_id",
				   "week", "m.id = x.mentorship_id"),
	[SEALED_SURVEY_POOL] = {"survey_pool", "sealed", "sealed", SEALED_KEY_HEX, SEALED_OWNER_NONE,
				"SELECT id, 0, sealed, 0, 0, 0 FROM survey_pool WHERE sealed IS NOT NULL",
				"UPDATE survey_pool SET sealed = :s WHERE id = :a AND :b = 0"},
	/* The agenda written ahead is sealed for the one planned session
	 * (mentorship:plan_no): it cannot surface on the next one. */
	[SEALED_NEXT_AGENDA] = OF_MS("mentorships", "next_agenda", "next_agenda", SEALED_KEY_PAIR, "id",
				     "plan_no", "m.id = x.id"),
	/* issue 16: an account's TOTP secret (base32), sealed for its user id. */
	[SEALED_MFA_SECRET] = {"mfa", "secret", "secret", SEALED_KEY_ID, SEALED_OWNER_NONE,
			       "SELECT user_id, 0, secret, 0, 0, 0 FROM mfa WHERE secret IS NOT NULL",
			       "UPDATE mfa SET secret = :s WHERE user_id = :a AND :b = 0"},
	/* issue 18: sealed for the ring and the row, so a ring's notes cannot
	 * be moved onto another ring's session. Who is in a ring changes, so
	 * the ring is their owner. */
	[SEALED_RING_AGENDA] = BY_PAIR("ring_sessions", "agenda", "agenda", "ring_id", "id"),
	[SEALED_RING_NOTES] = BY_PAIR("ring_sessions", "shared_notes", "shared_notes", "ring_id", "id"),
	/* issue 17: a pairing's notes, seen by its two people only. */
	[SEALED_PAIRING_NOTES] = {"pairings", "notes", "notes", SEALED_KEY_ID, SEALED_OWNER_PEOPLE,
				  "SELECT id, 0, notes, author_id, partner_id, 0 FROM pairings "
				  "WHERE notes IS NOT NULL",
				  "UPDATE pairings SET notes = :s WHERE id = :a AND :b = 0"},
	/* issue 21: why a change is proposed; a note after the end. */
	[SEALED_CHANGE_REASON] = OF_MS_ID("ms_changes", "reason", "reason_sealed", "m.id = x.mentorship_id"),
	[SEALED_FOLLOW_UP] = OF_MS_ID("follow_ups", "body", "body", "m.id = x.mentorship_id"),
	/* issue 19: the thank-you note, sealed for its mentorship (one note
	 * per mentorship, written by its mentee), the pair the row names (a
	 * copy of the mentorship's, which its readers check) and whether the
	 * mentee made it public. */
	[SEALED_THANKS] =
		{"celebrations", "thanks", "thanks", SEALED_KEY_ID, SEALED_OWNER_SHARED,
		 "SELECT mentorship_id, 0, thanks, mentorship_id, mentor_id, mentee_id, thanks_public "
		 "FROM celebrations WHERE thanks IS NOT NULL",
		 "UPDATE celebrations SET thanks = :s WHERE mentorship_id = :a AND :b = 0"},
};

/* The row key as it was before owners: "a" or "a:b". */
static void bare_row(enum sealed_id id, int64_t a, int64_t b, char *row, size_t n)
{
	if (sealed_cols[id].key == SEALED_KEY_PAIR)
		snprintf(row, n, "%lld:%lld", (long long)a, (long long)b);
	else
		snprintf(row, n, "%lld", (long long)a);
}

void sealed_row(enum sealed_id id, int64_t a, int64_t b, const int64_t *who, char *row, size_t n)
{
	char bare[48];
	bare_row(id, a, b, bare, sizeof(bare));
	enum sealed_owner o = sealed_cols[id].owner;
	if (o == SEALED_OWNER_NONE)
		snprintf(row, n, "%s", bare);
	else if (!who)
		snprintf(row, n, "%s/?", bare);
	else if (o == SEALED_OWNER_MENTORSHIP)
		snprintf(row, n, "%s/ms:%lld:%lld:%lld", bare, (long long)who[0], (long long)who[1],
			 (long long)who[2]);
	else if (o == SEALED_OWNER_SHARED)
		snprintf(row, n, "%s/ms:%lld:%lld:%lld:shared:%lld", bare, (long long)who[0],
			 (long long)who[1], (long long)who[2], (long long)who[3]);
	else
		snprintf(row, n, "%s/people:%lld:%lld", bare, (long long)who[0], (long long)who[1]);
}

const int64_t *sealed_owner_of(enum sealed_id id, sqlite3_stmt *st, int own, int64_t who[4])
{
	static const int ids[] = {[SEALED_OWNER_NONE] = 0,
				  [SEALED_OWNER_MENTORSHIP] = 3,
				  [SEALED_OWNER_PEOPLE] = 2,
				  [SEALED_OWNER_SHARED] = 4};
	int k = ids[sealed_cols[id].owner];
	for (int j = 0; j < 4; j++)
		who[j] = j < k ? sqlite3_column_int64(st, own + j) : 0;
	return k ? who : NULL;
}

int sealed_open(sqlite3_stmt *st, int sealed_col, int plain_col, enum sealed_id id, int64_t a, int64_t b,
		const int64_t *who, struct buf *out)
{
	char row[SEALED_ROW_MAX];
	sealed_row(id, a, b, who, row, sizeof(row));
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

/* The row key of the current row of st (columns 0 and 1, the owner from
 * column 3 on) for column c. */
static void row_of(const struct sealed_col *c, enum sealed_id id, sqlite3_stmt *st, char *row, size_t n)
{
	if (c->key == SEALED_KEY_HEX) {
		sealed_row_hex(sqlite3_column_blob(st, 0), (size_t)sqlite3_column_bytes(st, 0), row, n);
		return;
	}
	int64_t who[4];
	sealed_row(id, sqlite3_column_int64(st, 0), sqlite3_column_int64(st, 1),
		   sealed_owner_of(id, st, 3, who), row, n);
}

/* One value to store again: its row (a, or the BLOB id at key_off for the
 * survey pool; b) and its new sealed bytes, both kept in one arena. */
struct pending {
	int64_t a, b;
	size_t key_off, key_len, off, len;
};

/* Store every pending value (after the scan: an UPDATE made while the
 * scan steps over the same table may show it a row twice or not at all,
 * SQLite leaves that undefined). 0 or -1. */
static int store_pending(struct db *db, const struct sealed_col *c, sqlite3_stmt *up, const struct pending *p,
			 size_t n, const struct buf *arena)
{
	for (size_t i = 0; i < n; i++) {
		db_bind_blob(up, ":s", arena->data + p[i].off, (int)p[i].len);
		if (c->key == SEALED_KEY_HEX)
			db_bind_blob(up, ":a", arena->data + p[i].key_off, (int)p[i].key_len);
		else
			db_bind_int(up, ":a", p[i].a);
		db_bind_int(up, ":b", p[i].b);
		if (db_exec_step(db, up) != DB_OK)
			return -1;
	}
	return 0;
}

/* Seal every value of one column again, with the current key, for its
 * row and owner. A rotation opens each value under that same key row;
 * the owner conversion (to_owner) counts a value that opens so already in
 * *already and opens the others under their row alone. The whole column
 * is read first and written after, its new values held in memory. The
 * count or -1. */
static long reseal(struct db *db, enum sealed_id id, int to_owner, long *already)
{
	const struct sealed_col *c = &sealed_cols[id];
	sqlite3_stmt *st = db_stmt_literal(db, c->select);
	sqlite3_stmt *up = db_stmt_literal(db, c->update);
	if (!st || !up)
		return -1;
	int bad = 0, rc = SQLITE_DONE;
	char row[SEALED_ROW_MAX], from[SEALED_ROW_MAX];
	struct buf plain = {0}, sealed = {0}, arena = {0};
	struct pending *p = NULL;
	size_t n = 0, cap = 0;
	while (!bad && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		const void *blob = sqlite3_column_blob(st, 2);
		size_t len = (size_t)sqlite3_column_bytes(st, 2);
		row_of(c, id, st, row, sizeof(row));
		if (to_owner) {
			if (seal_decrypt(c->table, c->column, row, blob, len, &plain) == 0) {
				++*already; /* sealed with its owner already */
				continue;
			}
			bare_row(id, sqlite3_column_int64(st, 0), sqlite3_column_int64(st, 1), from,
				 sizeof(from));
		} else {
			snprintf(from, sizeof(from), "%s", row);
		}
		bad = seal_decrypt(c->table, c->column, from, blob, len, &plain) != 0 ||
		      seal_encrypt(c->table, c->column, row, buf_str(&plain), plain.len, &sealed) != 0;
		if (bad) {
			log_kv("error",
			       to_owner ? "owner conversion: a value did not open"
					: "rekey: a value did not open",
			       "table", c->table, "column", c->column, "row",
			       c->key == SEALED_KEY_HEX ? "(survey pool)" : from, LOG_END);
			break;
		}
		if (n == cap) {
			size_t ncap = cap ? 2 * cap : 64;
			struct pending *q = realloc(p, ncap * sizeof(*p));
			if (!q) {
				bad = 1;
				break;
			}
			p = q;
			cap = ncap;
		}
		struct pending *e = &p[n++];
		e->a = sqlite3_column_int64(st, 0);
		e->b = sqlite3_column_int64(st, 1);
		e->key_off = arena.len;
		e->key_len = c->key == SEALED_KEY_HEX ? (size_t)sqlite3_column_bytes(st, 0) : 0;
		if (e->key_len)
			buf_append(&arena, sqlite3_column_blob(st, 0), e->key_len);
		e->off = arena.len;
		e->len = sealed.len;
		buf_append(&arena, sealed.data, sealed.len);
		bad = arena.oom;
	}
	if (!bad && rc != SQLITE_DONE)
		bad = 1;
	sqlite3_reset(st);
	if (!bad)
		bad = store_pending(db, c, up, p, n, &arena) != 0;
	if (plain.data)
		sodium_memzero(plain.data, plain.cap);
	buf_free(&plain);
	buf_free(&sealed);
	buf_free(&arena);
	free(p);
	return bad ? -1 : (long)n;
}

long sealed_rekey_all(struct db *db)
{
	long total = 0;
	for (int i = 0; i < SEALED_COUNT; i++) {
		long unused = 0;
		long n = reseal(db, (enum sealed_id)i, 0, &unused);
		if (n < 0)
			return -1;
		total += n;
	}
	return total;
}

/* 1 while the owner conversion is due (seal_owner_pending holds its row),
 * 2 when that table is not there yet (a database older than sql/0036 not
 * migrated yet: due too), 0 when done, -1 when it cannot be read. */
static int owner_due(struct db *db)
{
	int64_t has = db_scalar(db,
				"SELECT count(*) FROM sqlite_master WHERE type = 'table' "
				"AND name = 'seal_owner_pending'",
				-1);
	if (has <= 0)
		return has < 0 ? -1 : 2;
	int64_t n = db_scalar(db, "SELECT count(*) FROM seal_owner_pending", -1);
	return n < 0 ? -1 : n > 0;
}

long sealed_owner_convert_in(struct db *db)
{
	int due = owner_due(db);
	if (due <= 0)
		return due;
	long total = 0, already = 0;
	for (int i = 0; i < SEALED_COUNT && total >= 0; i++) {
		if (sealed_cols[i].owner == SEALED_OWNER_NONE)
			continue;
		long n = reseal(db, (enum sealed_id)i, 1, &already);
		total = n < 0 ? -1 : total + n;
	}
	/* A database that was converted holds no value sealed without its
	 * owner, and one never converted holds none sealed with it: both at
	 * once means values were put back after the conversion (and the table
	 * armed again), which is the move this conversion must not seal. */
	if (total > 0 && already > 0) {
		char with[24], without[24];
		snprintf(with, sizeof(with), "%ld", already);
		snprintf(without, sizeof(without), "%ld", total);
		log_kv("error", "values sealed with and without their owners: changed after the conversion",
		       "with", with, "without", without, LOG_END);
		return -1;
	}
	if (total >= 0 && due == 1 &&
	    db_exec_step(db, DB_STMT(db, "DELETE FROM seal_owner_pending")) != DB_OK)
		return -1;
	return total;
}

long sealed_owner_convert(struct db *db)
{
	if (owner_due(db) == 0)
		return 0;
	if (db_begin(db) != DB_OK)
		return -1;
	long total = sealed_owner_convert_in(db);
	if (total < 0) {
		db_rollback(db);
		return -1;
	}
	return db_commit(db) == DB_OK ? total : -1;
}

long sealed_check_all(struct db *db, long *bad)
{
	long total = 0;
	*bad = 0;
	int pending = owner_due(db) > 0;
	struct buf plain = {0};
	char row[SEALED_ROW_MAX];
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
			const void *blob = sqlite3_column_blob(st, 2);
			size_t len = (size_t)sqlite3_column_bytes(st, 2);
			int opened = seal_decrypt(c->table, c->column, row, blob, len, &plain) == 0;
			/* Not converted yet (serve does it at start): the row alone. */
			if (!opened && pending && c->owner != SEALED_OWNER_NONE) {
				bare_row((enum sealed_id)i, sqlite3_column_int64(st, 0),
					 sqlite3_column_int64(st, 1), row, sizeof(row));
				opened = seal_decrypt(c->table, c->column, row, blob, len, &plain) == 0;
			}
			if (!opened) {
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
