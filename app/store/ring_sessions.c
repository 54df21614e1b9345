#include "store/ring_sessions.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "core/buf.h"
#include "core/log.h"
#include "security/seal.h"
#include "store/insights.h"
#include "store/sealed.h"

/* 1 when uid is a current active mentor (want_mentor) or a seated member
 * of ring, 0 not, -1 error. */
static int is_people(struct db *db, int64_t ring, int64_t uid, int *mentor)
{
	sqlite3_stmt *st = DB_STMT(
		db, "SELECT 1 FROM ring_mentors WHERE ring_id = :r AND user_id = :u AND state = 'active' "
		    "UNION ALL SELECT 0 FROM ring_members WHERE ring_id = :r AND user_id = :u AND state = "
		    "'member'");
	if (!st)
		return -1;
	db_bind_int(st, ":r", ring);
	db_bind_int(st, ":u", uid);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW && mentor)
		*mentor = sqlite3_column_int(st, 0);
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

static enum ring_rc fail(struct db *db, enum db_rc rc)
{
	db_rollback(db);
	return (enum ring_rc)db_failure(rc);
}

static enum ring_rc refuse(struct db *db, enum ring_rc r)
{
	db_rollback(db);
	return r;
}

/* Seal text for (col, ring:id) with nonce and bind it to name; "" binds
 * NULL. 0 or -1. */
static int bind_sealed(sqlite3_stmt *st, const char *name, enum sealed_id col, int64_t ring, int64_t id,
		       const unsigned char nonce[SEAL_NONCE_BYTES], const char *text)
{
	if (!text || !*text)
		return db_bind_null(st, name);
	const struct sealed_col *sc = &sealed_cols[col];
	char row[SEALED_ROW_MAX];
	sealed_row(col, ring, id, NULL, row, sizeof(row));
	struct buf c = {0};
	int rc = seal_encrypt_nonce(nonce, sc->table, sc->column, row, text, strlen(text), &c);
	if (rc == 0)
		rc = db_bind_blob(st, name, c.data, (int)c.len);
	buf_free(&c);
	return rc == 0 ? 0 : -1;
}

enum ring_rc ring_session_create(struct db *db, const struct ring_session_new *n, const char *today,
				 int64_t now, int64_t *id)
{
	if (strcmp(n->held_on, today) > 0)
		return RING_CLOSED;
	unsigned char nonce[2][SEAL_NONCE_BYTES];
	seal_nonces(nonce, 2);
	enum db_rc began = db_begin(db);
	if (began != DB_OK)
		return (enum ring_rc)db_failure(began);
	int mentor = 0;
	int ok = is_people(db, n->ring_id, n->author_id, &mentor);
	if (ok < 0)
		return fail(db, DB_ERR);
	if (!ok || !mentor)
		return refuse(db, RING_NOTFOUND);
	sqlite3_stmt *st = DB_STMT(db, "INSERT INTO ring_sessions(ring_id, author_id, held_on, duration_min, "
				       "created_at) VALUES (:r, :a, :on, :d, :now)");
	if (!st)
		return fail(db, DB_ERR);
	db_bind_int(st, ":r", n->ring_id);
	db_bind_int(st, ":a", n->author_id);
	db_bind_text(st, ":on", n->held_on);
	db_bind_int(st, ":d", n->duration_min);
	db_bind_int(st, ":now", now);
	enum db_rc rc = db_exec_step(db, st);
	if (rc != DB_OK)
		return fail(db, rc);
	*id = sqlite3_last_insert_rowid(db_handle(db));
	/* The texts are sealed for the row, whose id exists only now. */
	st = DB_STMT(db, "UPDATE ring_sessions SET agenda = :ag, shared_notes = :sn WHERE id = :id");
	if (!st)
		return fail(db, DB_ERR);
	if (bind_sealed(st, ":ag", SEALED_RING_AGENDA, n->ring_id, *id, nonce[0], n->agenda) != 0 ||
	    bind_sealed(st, ":sn", SEALED_RING_NOTES, n->ring_id, *id, nonce[1], n->shared_notes) != 0) {
		sqlite3_reset(st);
		return fail(db, DB_ERR);
	}
	db_bind_int(st, ":id", *id);
	if ((rc = db_exec_step(db, st)) != DB_OK)
		return fail(db, rc);
	st = DB_STMT(db,
		     "INSERT INTO ring_attendees(session_id, user_id) SELECT :s, user_id FROM ring_members "
		     "WHERE ring_id = :r AND user_id = :u AND state = 'member'");
	if (!st)
		return fail(db, DB_ERR);
	for (size_t i = 0; i < n->nattendees; i++) {
		db_bind_int(st, ":s", *id);
		db_bind_int(st, ":r", n->ring_id);
		db_bind_int(st, ":u", n->attendees[i]);
		rc = db_exec_step(db, st);
		if (rc == DB_CONFLICT) /* named twice: once is enough */
			continue;
		if (rc != DB_OK)
			return fail(db, rc);
		if (sqlite3_changes(db_handle(db)) == 0)
			return refuse(db, RING_NO_USER);
		/* issue 19: each attendee took part in the ring that week */
		if ((rc = insight_touch(db, n->attendees[i], INSIGHT_MENTEE, n->held_on)) != DB_OK)
			return fail(db, rc);
	}
	/* issue 19: the program's figures move with the session (sessions by
	 * kind, minutes, the leader's record), in this transaction. */
	if ((rc = insight_session(db, n->author_id, "ring", 1, n->duration_min, n->held_on)) != DB_OK)
		return fail(db, rc);
	if ((rc = db_commit(db)) != DB_OK)
		return (enum ring_rc)db_failure(rc);
	return RING_OK;
}

/* Open column col of the current row into out; "" for NULL. 0 or -1. */
static int open_col(sqlite3_stmt *st, int c, enum sealed_id col, int64_t ring, int64_t id, struct buf *out)
{
	buf_reset(out);
	buf_puts(out, "");
	if (sqlite3_column_type(st, c) == SQLITE_NULL)
		return 0;
	const struct sealed_col *sc = &sealed_cols[col];
	char row[SEALED_ROW_MAX];
	sealed_row(col, ring, id, NULL, row, sizeof(row));
	int rc = seal_decrypt(sc->table, sc->column, row, sqlite3_column_blob(st, c),
			      (size_t)sqlite3_column_bytes(st, c), out);
	if (rc != 0)
		log_kv("error", "sealed value did not open", "table", sc->table, "column", sc->column, "row",
		       row, LOG_END);
	return rc;
}

/* held_on "YYYY-MM-DD" as the number YYYYMMDD: the page key's "at". */
static int64_t day_key(const char *d)
{
	int y = 0, m = 0, dd = 0;
	if (!d || sscanf(d, "%4d-%2d-%2d", &y, &m, &dd) != 3)
		return 0;
	return (int64_t)y * 10000 + m * 100 + dd;
}

enum db_rc ring_sessions_each(struct db *db, int64_t ring, int64_t uid, const struct keyset *after, int max,
			      void (*fn)(void *arg, const struct ring_session_row *r), void *arg, int *more,
			      struct keyset *last)
{
	*more = 0;
	*last = (struct keyset){0, 0};
	int ok = is_people(db, ring, uid, NULL);
	if (ok < 0)
		return DB_ERR;
	if (!ok)
		return DB_NOTFOUND;
	char from[16] = "9999-12-31";
	int top = after->at == 0 && after->id == 0;
	if (!top)
		snprintf(from, sizeof(from), "%04d-%02d-%02d", (int)(after->at / 10000 % 10000),
			 (int)(after->at / 100 % 100), (int)(after->at % 100));
	/* s.attended is kept by triggers (sql/0031): a count per session
	 * shown was a third of this list's cost in a full ring. */
	sqlite3_stmt *st = DB_STMT(
		db,
		"SELECT s.id, s.held_on, s.duration_min, s.agenda, s.shared_notes, s.shown_n, s.shown_sum, "
		"s.attended, "
		"EXISTS (SELECT 1 FROM ring_attendees a WHERE a.session_id = s.id AND a.user_id = :u), "
		"coalesce((SELECT f.rating FROM ring_feedback f WHERE f.session_id = s.id "
		"AND f.author_id = :u), 0) FROM ring_sessions s WHERE s.ring_id = :r "
		"AND (s.held_on, s.id) < (:on, :id) ORDER BY s.held_on DESC, s.id DESC LIMIT :n");
	if (!st)
		return DB_ERR;
	db_bind_int(st, ":r", ring);
	db_bind_int(st, ":u", uid);
	db_bind_text(st, ":on", from);
	db_bind_int(st, ":id", top ? INT64_MAX : after->id);
	db_bind_int(st, ":n", max + 1);
	struct buf ag = {0}, sn = {0};
	int rc, n = 0, bad = 0;
	while (!bad && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (n++ == max) {
			*more = 1;
			break;
		}
		int64_t id = sqlite3_column_int64(st, 0);
		if (open_col(st, 3, SEALED_RING_AGENDA, ring, id, &ag) != 0 ||
		    open_col(st, 4, SEALED_RING_NOTES, ring, id, &sn) != 0) {
			bad = 1;
			break;
		}
		const char *on = (const char *)sqlite3_column_text(st, 1);
		struct ring_session_row r = {
			.id = id,
			.held_on = on,
			.agenda = buf_str(&ag),
			.shared_notes = buf_str(&sn),
			.duration_min = sqlite3_column_int(st, 2),
			.shown_n = sqlite3_column_int(st, 5),
			.shown_sum = sqlite3_column_int(st, 6),
			.attendees = sqlite3_column_int(st, 7),
			.attended = sqlite3_column_int(st, 8),
			.my_rating = sqlite3_column_int(st, 9),
		};
		*last = (struct keyset){day_key(on), id};
		fn(arg, &r);
	}
	sqlite3_reset(st);
	if (ag.data)
		sodium_memzero(ag.data, ag.cap);
	if (sn.data)
		sodium_memzero(sn.data, sn.cap);
	buf_free(&ag);
	buf_free(&sn);
	if (bad)
		return DB_ERR;
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? DB_OK : db_rc_from(rc);
}

enum ring_rc ring_feedback_add(struct db *db, int64_t ring, int64_t session, int64_t uid, int rating,
			       const char *use_of_time, int k)
{
	enum db_rc began = db_begin(db);
	if (began != DB_OK)
		return (enum ring_rc)db_failure(began);
	/* A seated member who attended a session of this very ring. */
	sqlite3_stmt *st = DB_STMT(
		db, "SELECT 1 FROM ring_sessions s JOIN ring_attendees a ON a.session_id = s.id AND "
		    "a.user_id = :u "
		    "JOIN ring_members m ON m.ring_id = s.ring_id AND m.user_id = :u AND m.state = 'member' "
		    "WHERE s.id = :s AND s.ring_id = :r");
	if (!st)
		return fail(db, DB_ERR);
	db_bind_int(st, ":u", uid);
	db_bind_int(st, ":s", session);
	db_bind_int(st, ":r", ring);
	int src = sqlite3_step(st);
	sqlite3_reset(st);
	if (src != SQLITE_ROW) {
		if (src != SQLITE_DONE)
			return fail(db, db_rc_from(src));
		return refuse(db, RING_NOTFOUND);
	}
	st = DB_STMT(db, "INSERT INTO ring_feedback(session_id, author_id, rating, use_of_time) "
			 "VALUES (:s, :u, :r, :t)");
	if (!st)
		return fail(db, DB_ERR);
	db_bind_int(st, ":s", session);
	db_bind_int(st, ":u", uid);
	db_bind_int(st, ":r", rating);
	db_bind_text(st, ":t", use_of_time);
	enum db_rc rc = db_exec_step(db, st);
	if (rc == DB_CONFLICT)
		return refuse(db, RING_ALREADY);
	if (rc != DB_OK)
		return fail(db, rc);
	/* The running totals, and the snapshot the mentors see once k forms
	 * (k people: one form each) came since the last: a figure never moves
	 * by fewer, also when k was raised between two forms (a multiple of
	 * the new k could be one form after the last step). */
	st = DB_STMT(db, "UPDATE ring_sessions SET fb_n = fb_n + 1, fb_sum = fb_sum + :r, "
			 "shown_n = CASE WHEN fb_n + 1 - shown_n >= :k THEN fb_n + 1 ELSE shown_n END, "
			 "shown_sum = CASE WHEN fb_n + 1 - shown_n >= :k THEN fb_sum + :r ELSE shown_sum END "
			 "WHERE id = :s");
	if (!st)
		return fail(db, DB_ERR);
	db_bind_int(st, ":r", rating);
	db_bind_int(st, ":k", k < 1 ? 5 : k);
	db_bind_int(st, ":s", session);
	if ((rc = db_exec_step(db, st)) != DB_OK)
		return fail(db, rc);
	if ((rc = db_commit(db)) != DB_OK)
		return (enum ring_rc)db_failure(rc);
	return RING_OK;
}
