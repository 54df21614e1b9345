#include "store/relation.h"

#include "store/directory.h"
#include "store/outbox.h"
#include "store/sealcol.h"
#include "store/sealed.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

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

static void ymd(int64_t t, char out[11])
{
	time_t tt = (time_t)t;
	struct tm tm;
	gmtime_r(&tt, &tm);
	strftime(out, 11, "%Y-%m-%d", &tm);
}

/* The facts of mentorship ms that the rules below need, when uid is one
 * of the pair (inside the caller's transaction). */
struct facts {
	int64_t mentor_id, mentee_id;
	int active, single, weeks, max_done;
	char status[16];
};

static enum req_rc facts_of(struct db *db, int64_t ms, int64_t uid, struct facts *f)
{
	sqlite3_stmt *st = DB_STMT(
		db, "SELECT mentor_id, mentee_id, status, kind = 'single', weeks, "
		    "(SELECT coalesce(max(week), 0) FROM plan_weeks WHERE mentorship_id = m.id AND done = 1) "
		    "FROM mentorships m WHERE id = :id AND (mentor_id = :u OR mentee_id = :u)");
	if (!st)
		return REQ_DB_ERR;
	db_bind_int(st, ":id", ms);
	db_bind_int(st, ":u", uid);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		f->mentor_id = sqlite3_column_int64(st, 0);
		f->mentee_id = sqlite3_column_int64(st, 1);
		db_column_copy(st, 2, f->status, sizeof(f->status));
		f->active = strcmp(f->status, "active") == 0;
		f->single = sqlite3_column_int(st, 3);
		f->weeks = sqlite3_column_int(st, 4);
		f->max_done = sqlite3_column_int(st, 5);
	}
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? REQ_OK : rc == SQLITE_DONE ? REQ_NOTFOUND : REQ_DB_ERR;
}

/* Insert a proposal; the partial unique index keeps one pending. */
static enum req_rc insert_change(struct db *db, int64_t ms, int64_t uid, const struct facts *f,
				 const char *kind, const char *goal, int weeks, const char *cadence,
				 int duration_min, const char *reason, int64_t now)
{
	sqlite3_stmt *st =
		DB_STMT(db, "INSERT INTO ms_changes(mentorship_id, kind, proposed_by, goal, weeks, "
			    "cadence, duration_min, created_at) VALUES (:m, :k, :u, :g, :w, :c, :d, :now)");
	if (!st)
		return fail(db, DB_ERR);
	db_bind_int(st, ":m", ms);
	db_bind_text(st, ":k", kind);
	db_bind_int(st, ":u", uid);
	db_bind_text(st, ":g", goal ? goal : "");
	db_bind_int(st, ":w", weeks);
	db_bind_text(st, ":c", cadence ? cadence : "");
	db_bind_int(st, ":d", duration_min);
	db_bind_int(st, ":now", now);
	enum db_rc rc = db_exec_step(db, st);
	if (rc == DB_CONFLICT)
		return refuse(db, REQ_PENDING);
	if (rc != DB_OK)
		return fail(db, rc);
	if (reason && *reason) {
		int64_t id = sqlite3_last_insert_rowid(db_handle(db));
		char row[SEALED_ROW_MAX];
		const int64_t who[3] = {ms, f->mentor_id, f->mentee_id};
		sealed_row(SEALED_CHANGE_REASON, id, 0, who, row, sizeof(row));
		st = DB_STMT(db, "UPDATE ms_changes SET reason_sealed = :s WHERE id = :id");
		if (!st || sealcol_bind(st, ":s", "ms_changes", "reason", row, reason) != 0)
			return fail(db, DB_ERR);
		db_bind_int(st, ":id", id);
		if ((rc = db_exec_step(db, st)) != DB_OK)
			return fail(db, rc);
	}
	return done(db);
}

enum req_rc rel_change_propose(struct db *db, int64_t ms, int64_t uid, const char *goal, int weeks,
			       const char *reason, int64_t now)
{
	enum db_rc began = db_begin(db);
	if (began != DB_OK)
		return (enum req_rc)db_failure(began);
	struct facts f;
	enum req_rc r = facts_of(db, ms, uid, &f);
	if (r != REQ_OK)
		return db_failed(r) ? fail(db, DB_ERR) : refuse(db, r);
	if (f.mentee_id != uid)
		return refuse(db, REQ_NOT_YOURS);
	if (!f.active)
		return refuse(db, REQ_NOT_PENDING);
	if (f.single || (weeks && weeks < f.max_done))
		return refuse(db, REQ_INVALID);
	return insert_change(db, ms, uid, &f, "change", goal, weeks == f.weeks ? 0 : weeks, "", 0, reason,
			     now);
}

enum req_rc rel_continue_propose(struct db *db, int64_t ms, int64_t uid, const char *goal,
				 const char *cadence, int duration_min, int weeks, int64_t now)
{
	enum db_rc began = db_begin(db);
	if (began != DB_OK)
		return (enum req_rc)db_failure(began);
	struct facts f;
	enum req_rc r = facts_of(db, ms, uid, &f);
	if (r != REQ_OK)
		return db_failed(r) ? fail(db, DB_ERR) : refuse(db, r);
	/* Held: a single conversation ends (completed) when its session is
	 * logged; one ended early is over. */
	if (!f.single || strcmp(f.status, "completed") != 0)
		return refuse(db, REQ_INVALID);
	return insert_change(db, ms, uid, &f, "continue", goal, weeks, cadence, duration_min, "", now);
}

/* Plan rows from week `from` to `to` of a plan of n weeks. */
static enum db_rc add_weeks(struct db *db, int64_t ms, int from, int to, int n)
{
	for (int w = from; w <= to; w++) {
		sqlite3_stmt *st =
			DB_STMT(db, "INSERT INTO plan_weeks(mentorship_id, week, title) VALUES (:m, :w, :t)");
		if (!st)
			return DB_ERR;
		db_bind_int(st, ":m", ms);
		db_bind_int(st, ":w", w);
		db_bind_text(st, ":t", plan_title(w, n));
		enum db_rc rc = db_exec_step(db, st);
		if (rc != DB_OK)
			return rc;
	}
	return DB_OK;
}

/* Accept a change: the goal, then the length (plan rows and planned end). */
static enum db_rc apply_change(struct db *db, int64_t ms, const struct facts *f, const char *goal, int weeks)
{
	enum db_rc rc;
	sqlite3_stmt *st;
	if (*goal) {
		st = DB_STMT(db, "UPDATE mentorships SET goal = :g WHERE id = :m");
		if (!st)
			return DB_ERR;
		db_bind_text(st, ":g", goal);
		db_bind_int(st, ":m", ms);
		if ((rc = db_exec_step(db, st)) != DB_OK)
			return rc;
	}
	if (!weeks || weeks == f->weeks)
		return DB_OK;
	if (weeks > f->weeks) {
		if ((rc = add_weeks(db, ms, f->weeks + 1, weeks, weeks)) != DB_OK)
			return rc;
	} else {
		st = DB_STMT(db, "DELETE FROM plan_weeks WHERE mentorship_id = :m AND week > :w");
		if (!st)
			return DB_ERR;
		db_bind_int(st, ":m", ms);
		db_bind_int(st, ":w", weeks);
		if ((rc = db_exec_step(db, st)) != DB_OK)
			return rc;
	}
	/* The planned end moves by the weeks added or taken: from the plan's
	 * end, not its start, as a continued single conversation's plan
	 * starts the day it was accepted (long after started_on). */
	st = DB_STMT(db, "UPDATE mentorships SET weeks = :w, "
			 "planned_end = date(planned_end, ((:w - weeks) * 7) || ' days') WHERE id = :m");
	if (!st)
		return DB_ERR;
	db_bind_int(st, ":w", weeks);
	db_bind_int(st, ":m", ms);
	return db_exec_step(db, st);
}

/* Accept a continue: the plan starts today, as a series. */
static enum db_rc apply_continue(struct db *db, int64_t ms, const char *goal, const char *cadence,
				 int minutes, int weeks, int64_t now)
{
	char end[11];
	ymd(now + (int64_t)weeks * 7 * 86400, end);
	sqlite3_stmt *st =
		DB_STMT(db, "UPDATE mentorships SET kind = 'series', status = 'active', outcome = NULL, "
			    "ended_at = NULL, goal = :g, cadence = :c, duration_min = :d, weeks = :w, "
			    "planned_end = :end WHERE id = :m");
	if (!st)
		return DB_ERR;
	db_bind_text(st, ":g", goal);
	db_bind_text(st, ":c", cadence);
	db_bind_int(st, ":d", minutes);
	db_bind_int(st, ":w", weeks);
	db_bind_text(st, ":end", end);
	db_bind_int(st, ":m", ms);
	enum db_rc rc = db_exec_step(db, st);
	if (rc != DB_OK)
		return rc;
	return add_weeks(db, ms, 1, weeks, weeks);
}

enum req_rc rel_answer(struct db *db, int64_t ms, int64_t cid, int64_t uid, int accept, int max_mentors,
		       int64_t now)
{
	enum db_rc began = db_begin(db);
	if (began != DB_OK)
		return (enum req_rc)db_failure(began);
	struct facts f;
	enum req_rc r = facts_of(db, ms, uid, &f);
	if (r != REQ_OK)
		return db_failed(r) ? fail(db, DB_ERR) : refuse(db, r);
	sqlite3_stmt *st = DB_STMT(db, "SELECT kind, proposed_by, goal, weeks, cadence, duration_min, status "
				       "FROM ms_changes WHERE id = :c AND mentorship_id = :m");
	if (!st)
		return fail(db, DB_ERR);
	db_bind_int(st, ":c", cid);
	db_bind_int(st, ":m", ms);
	if (sqlite3_step(st) != SQLITE_ROW) {
		sqlite3_reset(st);
		return refuse(db, REQ_NOTFOUND);
	}
	char kind[16], goal[4200], cadence[16], status[16];
	db_column_copy(st, 0, kind, sizeof(kind));
	int64_t by = sqlite3_column_int64(st, 1);
	db_column_copy(st, 2, goal, sizeof(goal));
	int weeks = sqlite3_column_int(st, 3);
	db_column_copy(st, 4, cadence, sizeof(cadence));
	int minutes = sqlite3_column_int(st, 5);
	db_column_copy(st, 6, status, sizeof(status));
	sqlite3_reset(st);
	int is_continue = strcmp(kind, "continue") == 0;
	/* A change is the mentor's to answer; a continue the other one's. */
	if (is_continue ? by == uid : f.mentor_id != uid)
		return refuse(db, REQ_NOT_YOURS);
	if (strcmp(status, "pending") != 0)
		return refuse(db, REQ_NOT_PENDING);
	enum db_rc rc = DB_OK;
	if (accept && is_continue) {
		if (strcmp(f.status, "completed") != 0 || !f.single)
			return refuse(db, REQ_NOT_PENDING);
		/* The mentor's place and the mentee's limit, under the write lock. */
		int64_t cap = -1;
		st = DB_STMT(db, "SELECT p.capacity FROM profiles p JOIN users u ON u.id = p.user_id "
				 "WHERE p.user_id = :u AND p.is_mentor = 1 AND u.active = 1");
		if (!st)
			return fail(db, DB_ERR);
		db_bind_int(st, ":u", f.mentor_id);
		if (sqlite3_step(st) == SQLITE_ROW)
			cap = sqlite3_column_int64(st, 0);
		sqlite3_reset(st);
		int64_t mentees = req_active_mentees(db, f.mentor_id);
		int64_t mentors = req_active_mentors(db, f.mentee_id);
		if (mentees < 0 || mentors < 0)
			return fail(db, DB_ERR);
		if (cap < 0 || mentees >= cap)
			return refuse(db, REQ_NO_ROOM);
		if (mentors >= max_mentors)
			return refuse(db, REQ_MAX_MENTORS);
		if ((rc = apply_continue(db, ms, goal, cadence, minutes, weeks, now)) != DB_OK ||
		    (rc = directory_refresh(db, f.mentor_id, now)) != DB_OK ||
		    (rc = outbox_mentorship_started(db, ms, now)) != DB_OK ||
		    (rc = outbox_past_end(db, ms, now)) != DB_OK)
			return fail(db, rc);
	} else if (accept) {
		if (!f.active)
			return refuse(db, REQ_NOT_PENDING);
		if (weeks && weeks < f.max_done)
			return refuse(db, REQ_INVALID);
		if ((rc = apply_change(db, ms, &f, goal, weeks)) != DB_OK)
			return fail(db, rc);
		/* The end moved: the question is asked after the new one. */
		if (weeks && weeks != f.weeks && (rc = outbox_past_end(db, ms, now)) != DB_OK)
			return fail(db, rc);
	}
	st = DB_STMT(db, "UPDATE ms_changes SET status = :s, answered_at = :now WHERE id = :c");
	if (!st)
		return fail(db, DB_ERR);
	db_bind_text(st, ":s", accept ? "accepted" : "declined");
	db_bind_int(st, ":now", now);
	db_bind_int(st, ":c", cid);
	if ((rc = db_exec_step(db, st)) != DB_OK)
		return fail(db, rc);
	return done(db);
}

enum db_rc rel_session_logged(struct db *db, int64_t ms, int64_t now)
{
	sqlite3_stmt *st =
		DB_STMT(db, "UPDATE mentorships SET status = 'completed', ended_at = :now "
			    "WHERE id = :m AND kind = 'single' AND status = 'active' RETURNING mentor_id");
	if (!st)
		return DB_ERR;
	db_bind_int(st, ":now", now);
	db_bind_int(st, ":m", ms);
	int rc = sqlite3_step(st);
	int64_t mentor = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	if (rc == SQLITE_ROW)
		rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return db_rc_from(rc);
	/* Held: the mentor's place is free again in the directory. */
	return mentor ? directory_refresh(db, mentor, now) : DB_OK;
}

enum req_rc rel_set_where(struct db *db, int64_t ms, int64_t uid, const char *where)
{
	enum db_rc began = db_begin(db);
	if (began != DB_OK)
		return (enum req_rc)db_failure(began);
	struct facts f;
	enum req_rc r = facts_of(db, ms, uid, &f);
	if (r != REQ_OK)
		return db_failed(r) ? fail(db, DB_ERR) : refuse(db, r);
	if (f.mentor_id != uid)
		return refuse(db, REQ_NOT_YOURS);
	sqlite3_stmt *st = DB_STMT(db, "UPDATE mentorships SET meet_where = :w WHERE id = :m");
	if (!st)
		return fail(db, DB_ERR);
	db_bind_text(st, ":w", where);
	db_bind_int(st, ":m", ms);
	enum db_rc rc = db_exec_step(db, st);
	if (rc != DB_OK)
		return fail(db, rc);
	return done(db);
}

enum req_rc rel_follow_up_add(struct db *db, int64_t ms, int64_t uid, const char *body, int64_t now)
{
	enum db_rc began = db_begin(db);
	if (began != DB_OK)
		return (enum req_rc)db_failure(began);
	struct facts f;
	enum req_rc r = facts_of(db, ms, uid, &f);
	if (r != REQ_OK)
		return db_failed(r) ? fail(db, DB_ERR) : refuse(db, r);
	if (f.active)
		return refuse(db, REQ_INVALID);
	/* The body is sealed for its row, so the id comes first, from a
	 * counter that only grows (a deleted row's id never names another). */
	sqlite3_stmt *st = DB_STMT(db, "UPDATE id_counters SET last = max(last, (SELECT coalesce(max(id), 0) "
				       "FROM follow_ups)) + 1 WHERE name = 'follow_ups' RETURNING last");
	if (!st || sqlite3_step(st) != SQLITE_ROW) {
		if (st)
			sqlite3_reset(st);
		return fail(db, DB_ERR);
	}
	int64_t id = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	char row[SEALED_ROW_MAX];
	const int64_t who[3] = {ms, f.mentor_id, f.mentee_id};
	sealed_row(SEALED_FOLLOW_UP, id, 0, who, row, sizeof(row));
	st = DB_STMT(db, "INSERT INTO follow_ups(id, mentorship_id, author_id, body, created_at) "
			 "VALUES (:id, :m, :u, :b, :now)");
	if (!st || sealcol_bind(st, ":b", "follow_ups", "body", row, body) != 0)
		return fail(db, DB_ERR);
	db_bind_int(st, ":id", id);
	db_bind_int(st, ":m", ms);
	db_bind_int(st, ":u", uid);
	db_bind_int(st, ":now", now);
	enum db_rc rc = db_exec_step(db, st);
	if (rc != DB_OK)
		return fail(db, rc);
	return done(db);
}

/* Is uid one of the pair of ms? DB_OK (who: ms, its mentor and mentee),
 * DB_NOTFOUND or DB_ERR. */
static enum db_rc party(struct db *db, int64_t ms, int64_t uid, int64_t who[3])
{
	sqlite3_stmt *st = DB_STMT(db, "SELECT mentor_id, mentee_id FROM mentorships WHERE id = :m "
				       "AND (mentor_id = :u OR mentee_id = :u)");
	if (!st)
		return DB_ERR;
	db_bind_int(st, ":m", ms);
	db_bind_int(st, ":u", uid);
	int rc = sqlite3_step(st);
	who[0] = ms;
	who[1] = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	who[2] = rc == SQLITE_ROW ? sqlite3_column_int64(st, 1) : 0;
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? DB_OK : rc == SQLITE_DONE ? DB_NOTFOUND : DB_ERR;
}

enum db_rc rel_changes_each(struct db *db, int64_t ms, int64_t uid,
			    void (*fn)(void *arg, const struct rel_change *c), void *arg)
{
	int64_t who[3];
	enum db_rc prc = party(db, ms, uid, who);
	if (prc != DB_OK)
		return prc;
	sqlite3_stmt *st =
		DB_STMT(db, "SELECT id, proposed_by, created_at, coalesce(answered_at, 0), kind, goal, "
			    "status, cadence, weeks, duration_min, reason_sealed, '' FROM ms_changes "
			    "WHERE mentorship_id = :m ORDER BY id LIMIT 100");
	if (!st)
		return DB_ERR;
	db_bind_int(st, ":m", ms);
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct rel_change c = {
			.id = sqlite3_column_int64(st, 0),
			.proposed_by = sqlite3_column_int64(st, 1),
			.created_at = sqlite3_column_int64(st, 2),
			.answered_at = sqlite3_column_int64(st, 3),
			.kind = (const char *)sqlite3_column_text(st, 4),
			.goal = (const char *)sqlite3_column_text(st, 5),
			.status = (const char *)sqlite3_column_text(st, 6),
			.cadence = (const char *)sqlite3_column_text(st, 7),
			.weeks = sqlite3_column_int(st, 8),
			.duration_min = sqlite3_column_int(st, 9),
		};
		struct buf reason = {0};
		c.unopened = sealed_open(st, 10, 11, SEALED_CHANGE_REASON, c.id, 0, who, &reason) != 0;
		c.reason = c.unopened ? "" : buf_str(&reason);
		fn(arg, &c);
		buf_free(&reason);
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? DB_OK : DB_ERR;
}

enum db_rc rel_follow_ups_each(struct db *db, int64_t ms, int64_t uid,
			       void (*fn)(void *arg, const struct rel_follow_up *f), void *arg)
{
	int64_t who[3];
	enum db_rc prc = party(db, ms, uid, who);
	if (prc != DB_OK)
		return prc;
	sqlite3_stmt *st = DB_STMT(db, "SELECT id, author_id, created_at, body, '' FROM follow_ups "
				       "WHERE mentorship_id = :m ORDER BY id LIMIT 50");
	if (!st)
		return DB_ERR;
	db_bind_int(st, ":m", ms);
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct rel_follow_up f = {
			.id = sqlite3_column_int64(st, 0),
			.author_id = sqlite3_column_int64(st, 1),
			.created_at = sqlite3_column_int64(st, 2),
		};
		struct buf body = {0};
		f.unopened = sealed_open(st, 3, 4, SEALED_FOLLOW_UP, f.id, 0, who, &body) != 0;
		f.body = f.unopened ? "" : buf_str(&body);
		fn(arg, &f);
		buf_free(&body);
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? DB_OK : DB_ERR;
}

enum db_rc rel_contact_of(struct db *db, int64_t ms, int64_t uid, struct rel_contact *out)
{
	sqlite3_stmt *st = DB_STMT(
		db, "SELECT u.email, coalesce(p.timezone, 'UTC') FROM mentorships m "
		    "JOIN users u ON u.id = CASE WHEN m.mentor_id = :u THEN m.mentee_id ELSE m.mentor_id END "
		    "LEFT JOIN profiles p ON p.user_id = u.id "
		    "WHERE m.id = :m AND (m.mentor_id = :u OR m.mentee_id = :u)");
	if (!st)
		return DB_ERR;
	db_bind_int(st, ":m", ms);
	db_bind_int(st, ":u", uid);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		db_column_copy(st, 0, out->email, sizeof(out->email));
		db_column_copy(st, 1, out->timezone, sizeof(out->timezone));
	}
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? DB_OK : rc == SQLITE_DONE ? DB_NOTFOUND : DB_ERR;
}

enum db_rc rel_dash_each(struct db *db, int64_t uid, const char *today, int64_t now,
			 void (*fn)(void *arg, const struct rel_dash *d), void *arg)
{
	/* My active mentorships (two index ranges: as mentor, as mentee), each
	 * with what makes it worth a line. */
	char cutoff[11];
	ymd(now - (int64_t)REL_STALLED_DAYS * 86400, cutoff);
	sqlite3_stmt *st = DB_STMT(
		db,
		"SELECT m.id, m.mentor_id = :u, o.display_name, t.name, m.planned_end, "
		"coalesce(m.last_session_on, m.started_on), "
		"EXISTS (SELECT 1 FROM ms_changes c WHERE c.mentorship_id = m.id AND c.status = 'pending' "
		"  AND CASE WHEN c.kind = 'change' THEN m.mentor_id = :u ELSE c.proposed_by <> :u END), "
		"m.status = 'active' "
		"FROM (SELECT * FROM mentorships WHERE mentor_id = :u AND status = 'active' "
		"      UNION ALL SELECT * FROM mentorships WHERE mentee_id = :u AND status = 'active' "
		"      UNION ALL SELECT * FROM mentorships WHERE mentor_id = :u AND status = 'completed' "
		"        AND kind = 'single' AND ended_at > :since "
		"      UNION ALL SELECT * FROM mentorships WHERE mentee_id = :u AND status = 'completed' "
		"        AND kind = 'single' AND ended_at > :since) m "
		"JOIN users o ON o.id = CASE WHEN m.mentor_id = :u THEN m.mentee_id ELSE m.mentor_id END "
		"JOIN topics t ON t.id = m.topic_id LIMIT 60");
	if (!st)
		return DB_ERR;
	db_bind_int(st, ":u", uid);
	db_bind_int(st, ":since", now - 30 * 86400);
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct rel_dash d = {
			.ms = sqlite3_column_int64(st, 0),
			.i_mentor = sqlite3_column_int(st, 1),
			.other = (const char *)sqlite3_column_text(st, 2),
			.topic = (const char *)sqlite3_column_text(st, 3),
		};
		const char *end = (const char *)sqlite3_column_text(st, 4);
		const char *quiet = (const char *)sqlite3_column_text(st, 5);
		int active = sqlite3_column_int(st, 7);
		if (sqlite3_column_int(st, 6)) {
			d.kind = REL_TO_ANSWER;
			d.day = "";
			fn(arg, &d);
		}
		if (active && strcmp(end, today) < 0) {
			d.kind = REL_PAST_END;
			d.day = end;
			fn(arg, &d);
		}
		if (active && strcmp(quiet, cutoff) <= 0) {
			d.kind = REL_STALLED;
			d.day = quiet;
			fn(arg, &d);
		}
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return DB_ERR;
	/* Follow-ups to me of the last 30 days: my mentorships' ids (the
	 * (person, status) indexes the dashboard's other reads use, so their
	 * pages are in the cache), each one's notes by index, and only for a
	 * note the mentorship's row (CROSS JOIN keeps that order). Selecting
	 * the rows first copied every mentorship of mine into a temporary
	 * table, for notes most never have. */
	st = DB_STMT(db,
		     "SELECT m.id, m.mentor_id = :u, o.display_name, t.name, date(f.created_at, 'unixepoch') "
		     "FROM (SELECT id FROM mentorships INDEXED BY mentorships_mentor WHERE mentor_id = :u "
		     "      UNION ALL SELECT id FROM mentorships INDEXED BY mentorships_mentee WHERE "
		     "mentee_id = :u) x "
		     "CROSS JOIN follow_ups f ON f.mentorship_id = x.id AND f.author_id <> :u AND "
		     "f.created_at > :since "
		     "CROSS JOIN mentorships m ON m.id = x.id AND m.status <> 'active' "
		     "JOIN users o ON o.id = f.author_id JOIN topics t ON t.id = m.topic_id "
		     "ORDER BY f.id DESC LIMIT 20");
	if (!st)
		return DB_ERR;
	db_bind_int(st, ":u", uid);
	db_bind_int(st, ":since", now - 30 * 86400);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct rel_dash d = {
			.kind = REL_FOLLOW_UP,
			.ms = sqlite3_column_int64(st, 0),
			.i_mentor = sqlite3_column_int(st, 1),
			.other = (const char *)sqlite3_column_text(st, 2),
			.topic = (const char *)sqlite3_column_text(st, 3),
			.day = (const char *)sqlite3_column_text(st, 4),
		};
		fn(arg, &d);
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return DB_ERR;
	/* A mentor's first mentorship: the tip on setting expectations. */
	st = DB_STMT(db,
		     "SELECT m.id, o.display_name, t.name FROM mentorships m "
		     "JOIN users o ON o.id = m.mentee_id JOIN topics t ON t.id = m.topic_id "
		     "WHERE m.mentor_id = :u AND m.status = 'active' "
		     "AND NOT EXISTS (SELECT 1 FROM mentorships x WHERE x.mentor_id = :u AND x.id < m.id) "
		     "AND m.last_session_on IS NULL LIMIT 1");
	if (!st)
		return DB_ERR;
	db_bind_int(st, ":u", uid);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct rel_dash d = {
			.kind = REL_FIRST_ACCEPT,
			.ms = sqlite3_column_int64(st, 0),
			.i_mentor = 1,
			.other = (const char *)sqlite3_column_text(st, 1),
			.topic = (const char *)sqlite3_column_text(st, 2),
			.day = "",
		};
		fn(arg, &d);
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? DB_OK : DB_ERR;
}

int64_t rel_stalled_count(struct db *db, const char *cutoff)
{
	sqlite3_stmt *st = DB_STMT(db, "SELECT count(*) FROM mentorships WHERE status = 'active' "
				       "AND coalesce(last_session_on, started_on) <= :c");
	if (!st)
		return 0;
	db_bind_text(st, ":c", cutoff);
	int64_t n = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	sqlite3_reset(st);
	return n;
}

enum db_rc rel_pairs_page(struct db *db, const char *after_day, int64_t after_id, int max,
			  void (*fn)(void *arg, const struct rel_pair *p), void *arg, int *more)
{
	if (max > 100)
		max = 100;
	/* The key as ">= day, then > (day, id)" rather than a row value: SQLite
	 * seeks the expression index on the first and only filters on the
	 * second, so page 500 costs what page 1 does (a row value over an
	 * expression is only a filter over the whole index). */
	sqlite3_stmt *st = DB_STMT(
		db,
		"SELECT m.id, a.display_name, b.display_name, t.name, m.kind, m.started_on, m.planned_end, "
		"coalesce(m.last_session_on, ''), coalesce(m.last_session_on, m.started_on) AS q "
		"FROM mentorships m JOIN users a ON a.id = m.mentor_id JOIN users b ON b.id = m.mentee_id "
		"JOIN topics t ON t.id = m.topic_id WHERE m.status = 'active' "
		"AND coalesce(m.last_session_on, m.started_on) >= :d "
		"AND (coalesce(m.last_session_on, m.started_on) > :d OR m.id > :i) "
		"ORDER BY coalesce(m.last_session_on, m.started_on), m.id LIMIT :n");
	if (!st)
		return DB_ERR;
	db_bind_text(st, ":d", after_day);
	db_bind_int(st, ":i", after_id);
	db_bind_int(st, ":n", max + 1);
	int rc, n = 0;
	*more = 0;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (n++ == max) {
			*more = 1;
			continue;
		}
		struct rel_pair p = {
			.id = sqlite3_column_int64(st, 0),
			.mentor = (const char *)sqlite3_column_text(st, 1),
			.mentee = (const char *)sqlite3_column_text(st, 2),
			.topic = (const char *)sqlite3_column_text(st, 3),
			.kind = (const char *)sqlite3_column_text(st, 4),
			.started_on = (const char *)sqlite3_column_text(st, 5),
			.planned_end = (const char *)sqlite3_column_text(st, 6),
			.last_session_on = (const char *)sqlite3_column_text(st, 7),
			.quiet_since = (const char *)sqlite3_column_text(st, 8),
		};
		fn(arg, &p);
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? DB_OK : DB_ERR;
}
