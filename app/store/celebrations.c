/* celebrations (issue 19): consent to a celebration, the thank-you note,
 * and the reads of /program, the mentorship page and the record. */
#include "store/celebrations.h"

#include <stdio.h>
#include <string.h>

#include "store/outbox.h"
#include "store/sealcol.h"
#include "store/sealed.h"

/* The pair and state of mentorship ms when uid is one of it. 1 with the
 * values, 0 when uid is not one of the pair, -1 on a store error. */
static int pair_of(struct db *db, int64_t ms, int64_t uid, int64_t *mentor, int64_t *mentee, int *completed)
{
	sqlite3_stmt *st = DB_STMT(db, "SELECT mentor_id, mentee_id, status = 'completed' FROM mentorships "
				       "WHERE id = :m AND (mentor_id = :u OR mentee_id = :u)");
	if (!st)
		return -1;
	db_bind_int(st, ":m", ms);
	db_bind_int(st, ":u", uid);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*mentor = sqlite3_column_int64(st, 0);
		*mentee = sqlite3_column_int64(st, 1);
		*completed = sqlite3_column_int(st, 2);
	}
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

/* The mentorship's row, made when someone first says something. */
static enum db_rc row_for(struct db *db, int64_t ms)
{
	sqlite3_stmt *st =
		DB_STMT(db, "INSERT INTO celebrations(mentorship_id, mentor_id, mentee_id) SELECT id, "
			    "mentor_id, mentee_id FROM mentorships WHERE id = :m ON CONFLICT DO NOTHING");
	if (!st)
		return DB_ERR;
	db_bind_int(st, ":m", ms);
	return db_exec_step(db, st);
}

/* One side's consent (mentee_side 1: the mentee's). An UPDATE's right-hand
 * sides read the row as it was, so shown_at is computed from both sides
 * as they will be: kept while both stay in, set when the second joins,
 * cleared the moment either leaves. */
static enum db_rc consent(struct db *db, int64_t ms, int mentee_side, int on, int64_t now)
{
	sqlite3_stmt *st = DB_STMT(
		db, "UPDATE celebrations SET "
		    "mentor_ok = CASE WHEN :side = 0 THEN :on ELSE mentor_ok END, "
		    "mentee_ok = CASE WHEN :side = 1 THEN :on ELSE mentee_ok END, "
		    "shown_at = CASE WHEN (CASE WHEN :side = 0 THEN :on ELSE mentor_ok END) = 1 AND "
		    "(CASE WHEN :side = 1 THEN :on ELSE mentee_ok END) = 1 THEN coalesce(shown_at, :now) "
		    "ELSE NULL END WHERE mentorship_id = :m");
	if (!st)
		return DB_ERR;
	db_bind_int(st, ":side", mentee_side);
	db_bind_int(st, ":on", on ? 1 : 0);
	db_bind_int(st, ":now", now);
	db_bind_int(st, ":m", ms);
	return db_exec_step(db, st);
}

/* Write the note (NULL or "": remove it). *first: there was none before
 * and there is one now (the mentor is told). The mentor's agreement to
 * show it is for the text they read: a changed or removed text drops it. */
static enum db_rc write_thanks(struct db *db, int64_t ms, const char *text, int pub, int64_t now, int *first)
{
	*first = 0;
	int has = text && *text;
	sqlite3_stmt *st =
		DB_STMT(db, "SELECT thanks IS NULL, thanks, '', mentor_id, mentee_id, thanks_public "
			    "FROM celebrations "
			    "WHERE mentorship_id = :m");
	if (!st)
		return DB_ERR;
	db_bind_int(st, ":m", ms);
	int rc = sqlite3_step(st);
	int none_before = rc == SQLITE_ROW && sqlite3_column_int(st, 0);
	struct buf old = {0};
	int same = 0;
	int64_t who[4] = {ms, 0, 0, 0};
	if (rc == SQLITE_ROW) {
		who[1] = sqlite3_column_int64(st, 3);
		who[2] = sqlite3_column_int64(st, 4);
		who[3] = sqlite3_column_int64(st, 5);
	}
	if (rc == SQLITE_ROW && !none_before && has &&
	    sealed_open(st, 1, 2, SEALED_THANKS, ms, 0, who, &old) == 0) {
		/* A note saved before line breaks were kept as one LF holds
		 * CR LF where the form now sends LF: the same text. */
		if (old.data)
			old.len = str_lf(old.data);
		same = strcmp(buf_str(&old), text) == 0;
	}
	buf_free(&old);
	sqlite3_reset(st);
	if (rc != SQLITE_ROW)
		return rc == SQLITE_DONE ? DB_NOTFOUND : db_rc_from(rc);
	st = DB_STMT(db,
		     "UPDATE celebrations SET thanks = :t, thanks_public = :p, thanks_at = CASE WHEN "
		     ":has = 1 THEN coalesce(thanks_at, :now) END, thanks_mentor_ok = CASE WHEN :same = 1 "
		     "THEN thanks_mentor_ok ELSE 0 END, thanks_rev = thanks_rev + 1 - :same WHERE "
		     "mentorship_id = :m");
	char row[SEALED_ROW_MAX];
	who[3] = has && pub; /* sealed with the text: flipped alone, it opens for nobody */
	sealed_row(SEALED_THANKS, ms, 0, who, row, sizeof(row));
	if (!st || sealcol_bind(st, ":t", "celebrations", "thanks", row, has ? text : NULL) != 0)
		return DB_ERR;
	db_bind_int(st, ":p", has && pub);
	db_bind_int(st, ":has", has);
	db_bind_int(st, ":same", same);
	db_bind_int(st, ":now", now);
	db_bind_int(st, ":m", ms);
	enum db_rc r = db_exec_step(db, st);
	*first = r == DB_OK && has && none_before;
	return r;
}

enum db_rc celebration_on_complete(struct db *db, int64_t ms, int64_t uid, int celebrate, const char *thanks,
				   int thanks_public, int64_t now)
{
	int64_t mentor = 0, mentee = 0;
	int completed = 0;
	int p = pair_of(db, ms, uid, &mentor, &mentee, &completed);
	if (p <= 0)
		return p < 0 ? DB_ERR : DB_NOTFOUND;
	int note = uid == mentee && thanks && *thanks;
	if (!celebrate && !note)
		return DB_OK; /* nothing said: no row */
	enum db_rc rc = row_for(db, ms);
	if (rc == DB_OK && celebrate)
		rc = consent(db, ms, uid == mentee, 1, now);
	int first = 0;
	if (rc == DB_OK && note)
		rc = write_thanks(db, ms, thanks, thanks_public, now, &first);
	if (rc == DB_OK && first)
		rc = outbox_thanks(db, ms, now);
	return rc;
}

static enum req_rc fail(struct db *db, enum db_rc rc)
{
	db_rollback(db);
	return (enum req_rc)db_failure(rc);
}

static enum req_rc refuse(struct db *db, enum req_rc r)
{
	db_rollback(db);
	return r;
}

static enum req_rc done(struct db *db)
{
	enum db_rc rc = db_commit(db);
	if (rc != DB_OK)
		return (enum req_rc)db_failure(rc);
	return REQ_OK;
}

enum req_rc celebration_consent(struct db *db, int64_t ms, int64_t uid, int on, int64_t now)
{
	enum db_rc began = db_begin(db);
	if (began != DB_OK)
		return (enum req_rc)db_failure(began);
	int64_t mentor = 0, mentee = 0;
	int completed = 0;
	int p = pair_of(db, ms, uid, &mentor, &mentee, &completed);
	if (p < 0)
		return fail(db, DB_ERR);
	if (p == 0)
		return refuse(db, REQ_NOTFOUND);
	if (!completed)
		return refuse(db, REQ_INVALID);
	enum db_rc rc = row_for(db, ms);
	if (rc == DB_OK)
		rc = consent(db, ms, uid == mentee, on, now);
	return rc == DB_OK ? done(db) : fail(db, rc);
}

enum req_rc celebration_thanks(struct db *db, int64_t ms, int64_t uid, const char *text, int pub, int64_t now)
{
	enum db_rc began = db_begin(db);
	if (began != DB_OK)
		return (enum req_rc)db_failure(began);
	int64_t mentor = 0, mentee = 0;
	int completed = 0;
	int p = pair_of(db, ms, uid, &mentor, &mentee, &completed);
	if (p < 0)
		return fail(db, DB_ERR);
	if (p == 0)
		return refuse(db, REQ_NOTFOUND);
	if (uid != mentee)
		return refuse(db, REQ_NOT_YOURS);
	if (!completed)
		return refuse(db, REQ_INVALID);
	int first = 0;
	enum db_rc rc = row_for(db, ms);
	if (rc == DB_OK)
		rc = write_thanks(db, ms, text, pub, now, &first);
	if (rc == DB_OK && first)
		rc = outbox_thanks(db, ms, now);
	return rc == DB_OK ? done(db) : fail(db, rc);
}

enum db_rc celebration_note_consent(struct db *db, int64_t ms, int64_t uid, int on, int64_t rev)
{
	enum db_rc rc = db_begin(db);
	if (rc != DB_OK)
		return rc;
	/* Only the mentor of a completed mentorship with a note: taking it
	 * back (on 0) is always allowed where there is something to take. */
	sqlite3_stmt *st =
		DB_STMT(db, "UPDATE celebrations SET thanks_mentor_ok = :on WHERE mentorship_id = :m AND "
			    "mentor_id = :u AND thanks IS NOT NULL AND (:on = 0 OR thanks_rev = :rev) AND "
			    "EXISTS (SELECT 1 FROM mentorships m WHERE m.id = :m AND m.mentor_id = :u AND "
			    "m.status = 'completed')");
	if (!st)
		return db_end(db, DB_ERR);
	db_bind_int(st, ":on", on ? 1 : 0);
	db_bind_int(st, ":rev", rev);
	db_bind_int(st, ":m", ms);
	db_bind_int(st, ":u", uid);
	rc = db_exec_step(db, st);
	if (rc == DB_OK && sqlite3_changes(db_handle(db)) == 0)
		rc = DB_CONFLICT;
	return db_end(db, rc);
}

/* The whole weeks a mentorship lasted, from the day it started to the day
 * it ended (UX review: a pair who completed on day one were announced as
 * having "finished six weeks", the weeks planned). */
#define CEL_WEEKS_HAD                                                                                        \
	"CAST((julianday(date(coalesce(m.ended_at, 0), 'unixepoch')) - julianday(m.started_on)) / 7 "        \
	"AS INTEGER)"

enum db_rc celebration_get(struct db *db, int64_t ms, int64_t uid, struct celebration *c)
{
	memset(c, 0, sizeof(*c));
	sqlite3_stmt *st = DB_STMT(
		db, "SELECT coalesce(c.mentor_ok, 0), coalesce(c.mentee_ok, 0), c.shown_at IS NOT NULL, "
		    "coalesce(c.thanks_public, 0), coalesce(c.thanks_at, 0), c.thanks, '', "
		    "coalesce(c.thanks_mentor_ok, 0), coalesce(c.thanks_rev, 0), m.mentor_id, "
		    "m.mentee_id, " CEL_WEEKS_HAD " FROM mentorships m "
		    "LEFT JOIN celebrations c ON c.mentorship_id = m.id "
		    "WHERE m.id = :m AND (m.mentor_id = :u OR m.mentee_id = :u)");
	if (!st)
		return DB_ERR;
	db_bind_int(st, ":m", ms);
	db_bind_int(st, ":u", uid);
	int rc = sqlite3_step(st);
	enum db_rc r = rc == SQLITE_ROW ? DB_OK : rc == SQLITE_DONE ? DB_NOTFOUND : DB_ERR;
	if (r == DB_OK) {
		c->mentor_ok = sqlite3_column_int(st, 0);
		c->mentee_ok = sqlite3_column_int(st, 1);
		c->shown = sqlite3_column_int(st, 2);
		c->thanks_public = sqlite3_column_int(st, 3);
		c->thanks_at = sqlite3_column_int64(st, 4);
		c->thanks_mentor_ok = sqlite3_column_int(st, 7);
		c->thanks_rev = sqlite3_column_int64(st, 8);
		c->weeks = sqlite3_column_int(st, 11);
		const int64_t who[4] = {ms, sqlite3_column_int64(st, 9), sqlite3_column_int64(st, 10),
					c->thanks_public};
		if (sealed_open(st, 5, 6, SEALED_THANKS, ms, 0, who, &c->thanks) != 0)
			r = DB_ERR;
	}
	sqlite3_reset(st);
	return r;
}

void celebration_free(struct celebration *c)
{
	buf_free(&c->thanks);
}

enum db_rc celebrations_page(struct db *db, const struct keyset *before, int max,
			     void (*fn)(void *arg, const struct celebration_line *l), void *arg, int *more)
{
	*more = 0;
	if (max > 50)
		max = 50;
	/* A private note is never selected, so never opened. */
	sqlite3_stmt *st =
		DB_STMT(db, "SELECT c.mentorship_id, c.shown_at, a.display_name, b.display_name, t.name, "
			    "coalesce(m.outcome, ''), m.kind, " CEL_WEEKS_HAD ", "
			    "CASE WHEN c.thanks_public = 1 AND c.thanks_mentor_ok = 1 THEN c.thanks END, '', "
			    "c.mentor_id, c.mentee_id "
			    "FROM celebrations c JOIN mentorships m ON m.id = c.mentorship_id "
			    "JOIN users a ON a.id = c.mentor_id JOIN users b ON b.id = c.mentee_id "
			    "JOIN topics t ON t.id = m.topic_id "
			    "WHERE c.shown_at IS NOT NULL AND (c.shown_at, c.mentorship_id) < (:at, :id) "
			    "ORDER BY c.shown_at DESC, c.mentorship_id DESC LIMIT :n");
	if (!st)
		return DB_ERR;
	keyset_bind(st, before, max);
	int rc, n = 0;
	struct buf text = {0};
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (n++ == max) {
			*more = 1;
			continue;
		}
		struct celebration_line l = {
			.ms = sqlite3_column_int64(st, 0),
			.shown_at = sqlite3_column_int64(st, 1),
			.mentor = (const char *)sqlite3_column_text(st, 2),
			.mentee = (const char *)sqlite3_column_text(st, 3),
			.topic = (const char *)sqlite3_column_text(st, 4),
			.outcome = (const char *)sqlite3_column_text(st, 5),
			.kind = (const char *)sqlite3_column_text(st, 6),
			.weeks = sqlite3_column_int(st, 7),
		};
		/* Only a public note is selected. */
		const int64_t who[4] = {l.ms, sqlite3_column_int64(st, 10), sqlite3_column_int64(st, 11), 1};
		l.unopened = sealed_open(st, 8, 9, SEALED_THANKS, l.ms, 0, who, &text) != 0;
		l.thanks = l.unopened ? "" : buf_str(&text);
		fn(arg, &l);
	}
	sqlite3_reset(st);
	buf_free(&text);
	return rc == SQLITE_DONE ? DB_OK : DB_ERR;
}

int64_t celebrations_version(struct db *db)
{
	return db_scalar(db, "SELECT n FROM kept_counts WHERE name = 'celebrations_version'", -1);
}

enum db_rc thanks_received(struct db *db, int64_t uid, int max,
			   void (*fn)(void *arg, const struct thanks_line *l), void *arg, int64_t *total)
{
	*total = 0;
	sqlite3_stmt *st =
		DB_STMT(db, "SELECT count(*) FROM celebrations WHERE mentor_id = :u AND thanks IS NOT NULL");
	if (!st)
		return DB_ERR;
	db_bind_int(st, ":u", uid);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*total = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	if (rc != SQLITE_ROW)
		return DB_ERR;
	st = DB_STMT(db, "SELECT c.mentorship_id, c.thanks_at, b.display_name, t.name, c.thanks, '', "
			 "c.thanks_public = 1 AND c.thanks_mentor_ok = 1 AND c.shown_at IS NOT NULL, "
			 "c.mentor_id, c.mentee_id, c.thanks_public "
			 "FROM celebrations c JOIN mentorships m ON m.id = c.mentorship_id "
			 "JOIN users b ON b.id = c.mentee_id JOIN topics t ON t.id = m.topic_id "
			 "WHERE c.mentor_id = :u AND c.thanks IS NOT NULL "
			 "ORDER BY c.thanks_at DESC, c.mentorship_id DESC LIMIT :n");
	if (!st)
		return DB_ERR;
	db_bind_int(st, ":u", uid);
	db_bind_int(st, ":n", max);
	struct buf text = {0};
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct thanks_line l = {
			.ms = sqlite3_column_int64(st, 0),
			.at = sqlite3_column_int64(st, 1),
			.mentee = (const char *)sqlite3_column_text(st, 2),
			.topic = (const char *)sqlite3_column_text(st, 3),
			.on_program = sqlite3_column_int(st, 6),
		};
		const int64_t who[4] = {l.ms, sqlite3_column_int64(st, 7), sqlite3_column_int64(st, 8),
					sqlite3_column_int64(st, 9)};
		l.unopened = sealed_open(st, 4, 5, SEALED_THANKS, l.ms, 0, who, &text) != 0;
		l.text = l.unopened ? "" : buf_str(&text);
		fn(arg, &l);
	}
	sqlite3_reset(st);
	buf_free(&text);
	return rc == SQLITE_DONE ? DB_OK : DB_ERR;
}

/* Run a fixed statement on :u. */
static enum db_rc on_user(struct db *db, sqlite3_stmt *st, int64_t uid)
{
	if (!st)
		return DB_ERR;
	db_bind_int(st, ":u", uid);
	return db_exec_step(db, st);
}

enum db_rc celebrations_withdraw(struct db *db, int64_t uid)
{
	enum db_rc rc = on_user(
		db,
		DB_STMT(db, "UPDATE celebrations SET mentor_ok = 0, shown_at = NULL, thanks_mentor_ok = 0 "
			    "WHERE mentor_id = :u AND (mentor_ok = 1 OR shown_at IS NOT NULL OR "
			    "thanks_mentor_ok = 1)"),
		uid);
	if (rc == DB_OK)
		rc = on_user(db,
			     DB_STMT(db, "UPDATE celebrations SET mentee_ok = 0, shown_at = NULL "
					 "WHERE mentee_id = :u AND (mentee_ok = 1 OR shown_at IS NOT NULL)"),
			     uid);
	return rc;
}

enum db_rc celebrations_erase(struct db *db, int64_t uid)
{
	enum db_rc rc = on_user(db, DB_STMT(db, "DELETE FROM celebrations WHERE mentor_id = :u"), uid);
	if (rc == DB_OK)
		rc = on_user(db, DB_STMT(db, "DELETE FROM celebrations WHERE mentee_id = :u"), uid);
	return rc;
}
