#include "store/meetings.h"

#include <stdio.h>
#include <string.h>

#include "security/seal.h"
#include "store/agenda.h"
#include "store/relation.h"
#include "store/sealed.h"

static enum meet_rc fail(struct db *db, enum db_rc rc)
{
	db_rollback(db);
	return (enum meet_rc)db_failure(rc);
}

/* Commit the transaction: MEET_OK, or the store failure. */
static enum meet_rc commit_or_store(struct db *db)
{
	enum db_rc rc = db_commit(db);
	if (rc != DB_OK)
		return (enum meet_rc)db_failure(rc);
	return MEET_OK;
}

/* Seal text for sealed column id of the row (a, b) with nonce and bind it
 * to name; NULL for "". The names and row key come from the one list of
 * sealed columns (store/sealed.h), which rotate-key re-seals. Writers draw
 * their nonces (seal_nonces) before their transaction, so the writers'
 * lock is never held across the system call. */
static int bind_sealed(sqlite3_stmt *st, const char *name, const unsigned char *nonce, enum sealed_id id,
		       int64_t a, int64_t b, const int64_t *who, const char *text)
{
	if (!text || !*text)
		return db_bind_null(st, name);
	char row[SEALED_ROW_MAX];
	sealed_row(id, a, b, who, row, sizeof(row));
	struct buf c = {0};
	int rc = seal_encrypt_nonce(nonce, sealed_cols[id].table, sealed_cols[id].column, row, text,
				    strlen(text), &c);
	if (rc == 0)
		rc = db_bind_blob(st, name, c.data, (int)c.len);
	buf_free(&c);
	return rc == 0 ? 0 : -1;
}

/* Open column i of st, sealed column id of the row (a, b) of the
 * mentorship who (id, mentor, mentee), into out; NULL is "". */
static int open_col(sqlite3_stmt *st, int i, enum sealed_id id, int64_t a, int64_t b, const int64_t *who,
		    struct buf *out)
{
	buf_reset(out);
	if (sqlite3_column_type(st, i) == SQLITE_NULL) {
		buf_puts(out, "");
		return 0;
	}
	char row[SEALED_ROW_MAX];
	sealed_row(id, a, b, who, row, sizeof(row));
	return seal_decrypt(sealed_cols[id].table, sealed_cols[id].column, row, sqlite3_column_blob(st, i),
			    (size_t)sqlite3_column_bytes(st, i), out);
}

/* Insert uid's sealed private note on a session of the mentorship who
 * (inside a transaction). */
static enum db_rc insert_private(struct db *db, int64_t meeting, int64_t uid, const int64_t *who,
				 const char *body, const unsigned char *nonce, int64_t now)
{
	sqlite3_stmt *st = DB_STMT(db, "INSERT INTO private_notes(meeting_id, author_id, body, updated_at) "
				       "VALUES (:m, :u, :b, :now)");
	if (!st || bind_sealed(st, ":b", nonce, SEALED_PRIVATE_NOTE, meeting, uid, who, body) != 0)
		return DB_ERR;
	db_bind_int(st, ":m", meeting);
	db_bind_int(st, ":u", uid);
	db_bind_int(st, ":now", now);
	return db_exec_step(db, st);
}

enum meet_rc meeting_create(struct db *db, const struct meeting_new *n, const char *today, int64_t now,
			    int64_t *id)
{
	if (strcmp(n->held_on, today) > 0)
		return MEET_FUTURE;
	/* Who is in a mentorship and when it started never change, so they are
	 * checked before the transaction, keeping the writers' lock short (a
	 * mentorship gone meanwhile fails the INSERT's foreign key). Nor can a
	 * series become a single conversation (only the reverse), so a series
	 * skips the single's ending below. */
	sqlite3_stmt *st =
		DB_STMT(db, "SELECT started_on, kind = 'single', mentor_id, mentee_id FROM mentorships "
			    "WHERE id = :m AND (mentor_id = :u OR mentee_id = :u)");
	if (!st)
		return MEET_DB_ERR;
	db_bind_int(st, ":m", n->mentorship_id);
	db_bind_int(st, ":u", n->author_id);
	char started[11] = "";
	int found = sqlite3_step(st) == SQLITE_ROW, single = 0;
	int64_t who[3] = {n->mentorship_id, 0, 0};
	if (found) {
		db_column_copy(st, 0, started, sizeof(started));
		single = sqlite3_column_int(st, 1);
		who[1] = sqlite3_column_int64(st, 2);
		who[2] = sqlite3_column_int64(st, 3);
	}
	sqlite3_reset(st);
	if (!found || strcmp(n->held_on, started) < 0)
		return found ? MEET_EARLY : MEET_NOTFOUND;
	unsigned char nonce[3][SEAL_NONCE_BYTES];
	seal_nonces(nonce, 3);
	enum db_rc began = db_begin(db);
	if (began != DB_OK)
		return (enum meet_rc)db_failure(began);
	enum db_rc rc;
	/* The texts are sealed for their row, so the row id comes first: under
	 * BEGIN IMMEDIATE no other writer can take the next one, and one INSERT
	 * does what an INSERT and an UPDATE of the sealed columns did. The id
	 * comes from a counter that only grows (sql/0009), never max(id) + 1:
	 * a deleted session's id must not name a new one. */
	/* (No RETURNING: it collects its rows in a temporary table first; a
	 * second read of the one row is cheaper.) */
	st = DB_STMT(db, "UPDATE id_counters SET last = max(last, (SELECT coalesce(max(id), 0) FROM "
			 "meetings)) + 1 WHERE name = 'meetings'");
	if ((rc = db_exec_step(db, st)) != DB_OK)
		return fail(db, rc);
	*id = db_scalar(db, "SELECT last FROM id_counters WHERE name = 'meetings'", 0);
	if (*id <= 0)
		return fail(db, DB_ERR);
	st = DB_STMT(
		db, "INSERT INTO meetings(id, mentorship_id, author_id, held_on, duration_min, kind, labels, "
		    "agenda, shared_notes, created_at) VALUES (:id, :m, :u, :d, :len, :k, :l, :a, :s, :now)");
	if (!st || bind_sealed(st, ":a", nonce[0], SEALED_MEETING_AGENDA, *id, 0, who, n->agenda) != 0 ||
	    bind_sealed(st, ":s", nonce[1], SEALED_MEETING_SHARED_NOTES, *id, 0, who, n->shared_notes) != 0)
		return fail(db, DB_ERR);
	db_bind_int(st, ":id", *id);
	db_bind_int(st, ":m", n->mentorship_id);
	db_bind_int(st, ":u", n->author_id);
	db_bind_text(st, ":d", n->held_on);
	db_bind_int(st, ":len", n->duration_min);
	db_bind_text(st, ":k", n->kind);
	db_bind_text(st, ":l", n->labels);
	db_bind_int(st, ":now", now);
	if ((rc = db_exec_step(db, st)) != DB_OK)
		return fail(db, rc);
	if (n->private_notes && *n->private_notes) {
		if ((rc = insert_private(db, *id, n->author_id, who, n->private_notes, nonce[2], now)) !=
		    DB_OK)
			return fail(db, rc);
	}
	if ((rc = agenda_carried(db, n->mentorship_id)) != DB_OK) /* now the session's agenda */
		return fail(db, rc);
	if (single && (rc = rel_session_logged(db, n->mentorship_id, now)) != DB_OK) /* issue 21: held */
		return fail(db, rc);
	/* Mail (feedback still owed an hour from now) needs no row: the sender
	 * reads this session past its mark (sql/0044). */
	return commit_or_store(db);
}

enum meet_rc meeting_get_for(struct db *db, int64_t id, int64_t uid, struct meeting *m)
{
	memset(m, 0, sizeof(*m));
	sqlite3_stmt *st = DB_STMT(
		db, "SELECT x.id, x.mentorship_id, x.author_id, ms.mentor_id, ms.mentee_id, "
		    "x.held_on, x.kind, x.labels, t.name, a.display_name, b.display_name, "
		    "x.duration_min, x.agenda, x.shared_notes, x.created_at FROM meetings x "
		    "JOIN mentorships ms ON ms.id = x.mentorship_id JOIN topics t ON t.id = ms.topic_id "
		    "JOIN users a ON a.id = ms.mentor_id JOIN users b ON b.id = ms.mentee_id "
		    "WHERE x.id = :id AND (ms.mentor_id = :u OR ms.mentee_id = :u)");
	if (!st)
		return MEET_DB_ERR;
	db_bind_int(st, ":id", id);
	db_bind_int(st, ":u", uid);
	if (sqlite3_step(st) != SQLITE_ROW) {
		sqlite3_reset(st);
		return MEET_NOTFOUND;
	}
	m->id = sqlite3_column_int64(st, 0);
	m->mentorship_id = sqlite3_column_int64(st, 1);
	m->author_id = sqlite3_column_int64(st, 2);
	m->mentor_id = sqlite3_column_int64(st, 3);
	m->mentee_id = sqlite3_column_int64(st, 4);
	db_column_copy(st, 5, m->held_on, sizeof(m->held_on));
	db_column_copy(st, 6, m->kind, sizeof(m->kind));
	db_column_copy(st, 7, m->labels, sizeof(m->labels));
	db_column_copy(st, 8, m->topic, sizeof(m->topic));
	db_column_copy(st, 9, m->mentor_name, sizeof(m->mentor_name));
	db_column_copy(st, 10, m->mentee_name, sizeof(m->mentee_name));
	m->duration_min = sqlite3_column_int(st, 11);
	m->created_at = sqlite3_column_int64(st, 14);
	const int64_t who[3] = {m->mentorship_id, m->mentor_id, m->mentee_id};
	int bad = open_col(st, 12, SEALED_MEETING_AGENDA, id, 0, who, &m->agenda) != 0 ||
		  open_col(st, 13, SEALED_MEETING_SHARED_NOTES, id, 0, who, &m->shared_notes) != 0;
	sqlite3_reset(st);
	st = DB_STMT(db, "SELECT body FROM private_notes WHERE meeting_id = :m AND author_id = :u");
	if (!bad && st) {
		db_bind_int(st, ":m", id);
		db_bind_int(st, ":u", uid);
		buf_puts(&m->my_private, "");
		if (sqlite3_step(st) == SQLITE_ROW)
			bad = open_col(st, 0, SEALED_PRIVATE_NOTE, id, uid, who, &m->my_private) != 0;
		sqlite3_reset(st);
	}
	return bad ? MEET_SEAL : MEET_OK;
}

void meeting_free(struct meeting *m)
{
	buf_free(&m->agenda);
	buf_free(&m->shared_notes);
	buf_free(&m->my_private);
}

/* Inside a transaction: uid's relation to a session. MEET_NOTFOUND when
 * not one of the pair; MEET_LOCKED when past the edit window or when
 * must_author is set and uid did not log it; MEET_OK otherwise, with the
 * session's mentorship, mentor and mentee in who. */
static enum meet_rc may_edit(struct db *db, int64_t meeting, int64_t uid, int must_author, int64_t now,
			     int64_t who[3])
{
	sqlite3_stmt *st = DB_STMT(db, "SELECT x.author_id, x.created_at, ms.id, ms.mentor_id, ms.mentee_id "
				       "FROM meetings x "
				       "JOIN mentorships ms ON ms.id = x.mentorship_id "
				       "WHERE x.id = :id AND (ms.mentor_id = :u OR ms.mentee_id = :u)");
	if (!st)
		return MEET_DB_ERR;
	db_bind_int(st, ":id", meeting);
	db_bind_int(st, ":u", uid);
	if (sqlite3_step(st) != SQLITE_ROW) {
		sqlite3_reset(st);
		return MEET_NOTFOUND;
	}
	int64_t author = sqlite3_column_int64(st, 0), created = sqlite3_column_int64(st, 1);
	for (int i = 0; i < 3; i++)
		who[i] = sqlite3_column_int64(st, 2 + i);
	sqlite3_reset(st);
	if ((must_author && author != uid) || (now >= 0 && now - created > MEET_EDIT_WINDOW))
		return MEET_LOCKED;
	return MEET_OK;
}

enum meet_rc meeting_update(struct db *db, int64_t id, int64_t uid, const char *agenda,
			    const char *shared_notes, int64_t now)
{
	unsigned char nonce[2][SEAL_NONCE_BYTES];
	seal_nonces(nonce, 2);
	enum db_rc began = db_begin(db);
	if (began != DB_OK)
		return (enum meet_rc)db_failure(began);
	enum db_rc rc;
	int64_t who[3];
	enum meet_rc r = may_edit(db, id, uid, 1, now, who);
	if (r != MEET_OK) {
		db_rollback(db);
		return r;
	}
	sqlite3_stmt *st = DB_STMT(db, "UPDATE meetings SET agenda = :a, shared_notes = :s WHERE id = :id");
	if (!st || bind_sealed(st, ":a", nonce[0], SEALED_MEETING_AGENDA, id, 0, who, agenda) != 0 ||
	    bind_sealed(st, ":s", nonce[1], SEALED_MEETING_SHARED_NOTES, id, 0, who, shared_notes) != 0)
		return fail(db, DB_ERR);
	db_bind_int(st, ":id", id);
	if ((rc = db_exec_step(db, st)) != DB_OK)
		return fail(db, rc);
	return commit_or_store(db);
}

enum meet_rc meeting_delete(struct db *db, int64_t id, int64_t uid)
{
	enum db_rc began = db_begin(db);
	if (began != DB_OK)
		return (enum meet_rc)db_failure(began);
	enum db_rc rc;
	int64_t who[3];
	enum meet_rc r = may_edit(db, id, uid, 1, -1, who);
	if (r != MEET_OK) {
		db_rollback(db);
		return r;
	}
	/* ON DELETE CASCADE takes the private notes and feedback with it. */
	sqlite3_stmt *st = DB_STMT(db, "DELETE FROM meetings WHERE id = :id");
	if (!st)
		return fail(db, DB_ERR);
	db_bind_int(st, ":id", id);
	if ((rc = db_exec_step(db, st)) != DB_OK)
		return fail(db, rc);
	return commit_or_store(db);
}

/* Inside a transaction: is uid one of the pair of this session? Then who
 * gets the session's mentorship, mentor and mentee. */
static int is_party(struct db *db, int64_t meeting, int64_t uid, int64_t who[3])
{
	sqlite3_stmt *st = DB_STMT(db, "SELECT ms.id, ms.mentor_id, ms.mentee_id FROM meetings x "
				       "JOIN mentorships ms ON ms.id = x.mentorship_id "
				       "WHERE x.id = :id AND (ms.mentor_id = :u OR ms.mentee_id = :u)");
	if (!st)
		return 0;
	db_bind_int(st, ":id", meeting);
	db_bind_int(st, ":u", uid);
	int ok = sqlite3_step(st) == SQLITE_ROW;
	for (int i = 0; i < 3; i++)
		who[i] = ok ? sqlite3_column_int64(st, i) : 0;
	sqlite3_reset(st);
	return ok;
}

enum meet_rc private_note_set(struct db *db, int64_t meeting, int64_t uid, const char *body, int64_t now)
{
	unsigned char nonce[1][SEAL_NONCE_BYTES];
	seal_nonces(nonce, 1);
	enum db_rc began = db_begin(db);
	if (began != DB_OK)
		return (enum meet_rc)db_failure(began);
	enum db_rc rc;
	int64_t who[3];
	enum meet_rc r = may_edit(db, meeting, uid, 0, now, who);
	if (r != MEET_OK) {
		db_rollback(db);
		return r;
	}
	/* Delete then insert: the old ciphertext goes (secure_delete zeroes it). */
	sqlite3_stmt *st = DB_STMT(db, "DELETE FROM private_notes WHERE meeting_id = :m AND author_id = :u");
	if (!st)
		return fail(db, DB_ERR);
	db_bind_int(st, ":m", meeting);
	db_bind_int(st, ":u", uid);
	if ((rc = db_exec_step(db, st)) != DB_OK)
		return fail(db, rc);
	if (body && *body) {
		if ((rc = insert_private(db, meeting, uid, who, body, nonce[0], now)) != DB_OK)
			return fail(db, rc);
	}
	return commit_or_store(db);
}

enum meet_rc feedback_add(struct db *db, int64_t meeting, int64_t uid, const struct feedback_new *f,
			  int64_t now)
{
	unsigned char nonce[3][SEAL_NONCE_BYTES];
	seal_nonces(nonce, 3);
	enum db_rc began = db_begin(db);
	if (began != DB_OK)
		return (enum meet_rc)db_failure(began);
	enum db_rc rc;
	int64_t who[4];
	if (!is_party(db, meeting, uid, who)) {
		db_rollback(db);
		return MEET_NOTFOUND;
	}
	who[3] = f->shared; /* sealed with the texts: changed alone, they open for nobody */
	sqlite3_stmt *st =
		DB_STMT(db, "INSERT INTO feedback(meeting_id, author_id, rating, use_of_time, shared, "
			    "went_well, to_improve, next_steps, created_at) VALUES (:m, :u, :r, :t, :s, "
			    ":ww, :ti, :ns, :now)");
	if (!st ||
	    bind_sealed(st, ":ww", nonce[0], SEALED_FEEDBACK_WENT_WELL, meeting, uid, who, f->went_well) !=
		    0 ||
	    bind_sealed(st, ":ti", nonce[1], SEALED_FEEDBACK_TO_IMPROVE, meeting, uid, who, f->to_improve) !=
		    0 ||
	    bind_sealed(st, ":ns", nonce[2], SEALED_FEEDBACK_NEXT_STEPS, meeting, uid, who, f->next_steps) !=
		    0)
		return fail(db, DB_ERR);
	db_bind_int(st, ":m", meeting);
	db_bind_int(st, ":u", uid);
	db_bind_int(st, ":r", f->rating);
	db_bind_text(st, ":t", f->use_of_time);
	db_bind_int(st, ":s", f->shared);
	db_bind_int(st, ":now", now);
	rc = db_exec_step(db, st);
	if (rc == DB_CONFLICT) {
		db_rollback(db);
		return MEET_CONFLICT;
	}
	if (rc != DB_OK)
		return fail(db, rc);
	return commit_or_store(db);
}

enum meet_rc feedback_visible(struct db *db, int64_t meeting, int64_t uid,
			      void (*row)(void *ctx, int mine, int rating, const char *use, int shared,
					  const char *went_well, const char *to_improve,
					  const char *next_steps),
			      void *ctx)
{
	sqlite3_stmt *st = DB_STMT(
		db, "SELECT f.author_id, f.rating, f.use_of_time, f.shared, f.went_well, f.to_improve, "
		    "f.next_steps, ms.id, ms.mentor_id, ms.mentee_id FROM feedback f "
		    "JOIN meetings x ON x.id = f.meeting_id JOIN mentorships ms ON ms.id = x.mentorship_id "
		    "WHERE f.meeting_id = :m AND (f.author_id = :u OR f.shared = 1) "
		    "ORDER BY f.author_id = :u DESC");
	if (!st)
		return MEET_DB_ERR;
	db_bind_int(st, ":m", meeting);
	db_bind_int(st, ":u", uid);
	enum meet_rc out = MEET_OK;
	struct buf ww = {0}, ti = {0}, ns = {0};
	while (sqlite3_step(st) == SQLITE_ROW) {
		int64_t author = sqlite3_column_int64(st, 0);
		const int64_t who[4] = {sqlite3_column_int64(st, 7), sqlite3_column_int64(st, 8),
					sqlite3_column_int64(st, 9), sqlite3_column_int64(st, 3)};
		if (open_col(st, 4, SEALED_FEEDBACK_WENT_WELL, meeting, author, who, &ww) != 0 ||
		    open_col(st, 5, SEALED_FEEDBACK_TO_IMPROVE, meeting, author, who, &ti) != 0 ||
		    open_col(st, 6, SEALED_FEEDBACK_NEXT_STEPS, meeting, author, who, &ns) != 0) {
			out = MEET_SEAL;
			break;
		}
		row(ctx, author == uid, sqlite3_column_int(st, 1), (const char *)sqlite3_column_text(st, 2),
		    sqlite3_column_int(st, 3), buf_str(&ww), buf_str(&ti), buf_str(&ns));
	}
	sqlite3_reset(st);
	buf_free(&ww);
	buf_free(&ti);
	buf_free(&ns);
	return out;
}

enum meet_rc action_add(struct db *db, int64_t meeting, int64_t uid, const char *owner, const char *body,
			int64_t now)
{
	unsigned char nonce[1][SEAL_NONCE_BYTES];
	seal_nonces(nonce, 1);
	enum db_rc began = db_begin(db);
	if (began != DB_OK)
		return (enum meet_rc)db_failure(began);
	enum db_rc rc;
	int64_t who[3];
	if (!is_party(db, meeting, uid, who)) {
		db_rollback(db);
		return MEET_NOTFOUND;
	}
	/* Like a session's, an item's id names its sealed body: taken from a
	 * counter that only grows, so a deleted item's id never comes back. */
	sqlite3_stmt *st = DB_STMT(db, "UPDATE id_counters SET last = max(last, (SELECT coalesce(max(id), 0) "
				       "FROM action_items)) + 1 WHERE name = 'action_items' RETURNING last");
	if (!st || sqlite3_step(st) != SQLITE_ROW) {
		if (st)
			sqlite3_reset(st);
		return fail(db, DB_ERR);
	}
	int64_t id = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	st = DB_STMT(db, "INSERT INTO action_items(id, mentorship_id, meeting_id, owner, body, created_at) "
			 "SELECT :id, mentorship_id, id, :o, x'', :now FROM meetings WHERE id = :m");
	if (!st)
		return fail(db, DB_ERR);
	db_bind_int(st, ":id", id);
	db_bind_text(st, ":o", owner);
	db_bind_int(st, ":now", now);
	db_bind_int(st, ":m", meeting);
	if ((rc = db_exec_step(db, st)) != DB_OK)
		return fail(db, rc);
	st = DB_STMT(db, "UPDATE action_items SET body = :b WHERE id = :id");
	if (!st || bind_sealed(st, ":b", nonce[0], SEALED_ACTION_ITEM, id, 0, who, body) != 0)
		return fail(db, DB_ERR);
	db_bind_int(st, ":id", id);
	if ((rc = db_exec_step(db, st)) != DB_OK)
		return fail(db, rc);
	return commit_or_store(db);
}

enum meet_rc action_set_done(struct db *db, int64_t item, int64_t uid, int done)
{
	enum db_rc began = db_begin(db);
	if (began != DB_OK)
		return (enum meet_rc)db_failure(began);
	enum db_rc rc;
	sqlite3_stmt *st =
		DB_STMT(db, "UPDATE action_items SET done = :d WHERE id = :id AND mentorship_id IN "
			    "(SELECT id FROM mentorships WHERE mentor_id = :u OR mentee_id = :u)");
	if (!st)
		return fail(db, DB_ERR);
	db_bind_int(st, ":d", done);
	db_bind_int(st, ":id", item);
	db_bind_int(st, ":u", uid);
	if ((rc = db_exec_step(db, st)) != DB_OK)
		return fail(db, rc);
	if (sqlite3_changes(db_handle(db)) == 0) {
		db_rollback(db);
		return MEET_NOTFOUND;
	}
	return commit_or_store(db);
}

enum meet_rc action_items_for(struct db *db, int64_t meeting, int64_t uid,
			      void (*row)(void *ctx, int64_t id, const char *owner, const char *body,
					  int done, int carried),
			      void *ctx)
{
	sqlite3_stmt *st = DB_STMT(
		db, "SELECT a.id, a.owner, a.body, a.done, a.meeting_id <> x.id, ms.id, ms.mentor_id, "
		    "ms.mentee_id FROM meetings x "
		    "JOIN mentorships ms ON ms.id = x.mentorship_id "
		    "JOIN action_items a ON a.mentorship_id = x.mentorship_id "
		    "WHERE x.id = :m AND (ms.mentor_id = :u OR ms.mentee_id = :u) "
		    "AND a.meeting_id <= x.id AND (a.done = 0 OR a.meeting_id = x.id) ORDER BY a.id");
	if (!st)
		return MEET_DB_ERR;
	db_bind_int(st, ":m", meeting);
	db_bind_int(st, ":u", uid);
	enum meet_rc out = MEET_OK;
	struct buf body = {0};
	while (sqlite3_step(st) == SQLITE_ROW) {
		int64_t id = sqlite3_column_int64(st, 0);
		const int64_t who[3] = {sqlite3_column_int64(st, 5), sqlite3_column_int64(st, 6),
					sqlite3_column_int64(st, 7)};
		if (open_col(st, 2, SEALED_ACTION_ITEM, id, 0, who, &body) != 0) {
			out = MEET_SEAL;
			break;
		}
		row(ctx, id, (const char *)sqlite3_column_text(st, 1), buf_str(&body),
		    sqlite3_column_int(st, 3), sqlite3_column_int(st, 4));
	}
	sqlite3_reset(st);
	buf_free(&body);
	return out;
}
