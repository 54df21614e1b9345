#include "store/requests.h"

#include "store/directory.h"
#include "store/outbox.h"
#include "store/sealcol.h"
#include "store/sealed.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

const char *plan_title(int w, int n)
{
	if (n == 1)
		return "Introductions and goals, a first working session, and a short post-mortem";
	if (w == 1)
		return "Introductions: who you are, what the mentee wants, agree goals and how you will work";
	if (w == n)
		return "Review and post-mortem: what worked, what did not, what comes next";
	static const char *const middle[] = {
		"Demo: the mentor shows how they approach it; exercises together",
		"Exercises and a take-home assignment on a real task",
		"Review the assignment; adjust the plan",
	};
	return middle[(w - 2) % 3];
}

static enum req_rc store_fail(struct db *db, enum db_rc rc)
{
	db_rollback(db);
	return (enum req_rc)db_failure(rc);
}

static enum db_rc expire_for(struct db *db, int64_t now)
{
	sqlite3_stmt *st =
		DB_STMT(db, "UPDATE requests SET status = 'expired', answered_at = created_at + 1209600 "
			    "WHERE status = 'pending' AND created_at <= :t");
	if (!st)
		return DB_ERR;
	db_bind_int(st, ":t", now - REQ_EXPIRE_AFTER);
	return db_exec_step(db, st);
}

void req_expire_all(struct db *db, int64_t now)
{
	if (db_begin(db) != DB_OK)
		return;
	if (expire_for(db, now) == DB_OK)
		db_commit(db);
	else
		db_rollback(db);
}

int64_t req_active_mentees(struct db *db, int64_t mentor_id)
{
	sqlite3_stmt *st =
		DB_STMT(db, "SELECT count(*) FROM mentorships WHERE mentor_id = :m AND status = 'active'");
	if (!st)
		return -1;
	db_bind_int(st, ":m", mentor_id);
	int64_t n = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : -1;
	sqlite3_reset(st);
	return n;
}

int64_t req_active_mentors(struct db *db, int64_t mentee_id)
{
	sqlite3_stmt *st =
		DB_STMT(db, "SELECT count(*) FROM mentorships WHERE mentee_id = :e AND status = 'active'");
	if (!st)
		return -1;
	db_bind_int(st, ":e", mentee_id);
	int64_t n = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : -1;
	sqlite3_reset(st);
	return n;
}

int req_had_mentor(struct db *db, int64_t mentee_id, int64_t mentor_id)
{
	sqlite3_stmt *st = DB_STMT(
		db, "SELECT EXISTS (SELECT 1 FROM mentorships WHERE mentee_id = :e AND mentor_id = :m)");
	if (!st)
		return -1;
	db_bind_int(st, ":e", mentee_id);
	db_bind_int(st, ":m", mentor_id);
	int had = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int(st, 0) : -1;
	sqlite3_reset(st);
	return had;
}

/* Capacity and mentor status of a person: -1 when not an active mentor. */
static int64_t capacity_of(struct db *db, int64_t uid)
{
	sqlite3_stmt *st = DB_STMT(db, "SELECT p.capacity FROM profiles p JOIN users u ON u.id = p.user_id "
				       "WHERE p.user_id = :u AND p.is_mentor = 1 AND u.active = 1");
	if (!st)
		return -1;
	db_bind_int(st, ":u", uid);
	int64_t c = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : -1;
	sqlite3_reset(st);
	return c;
}

enum req_rc req_create(struct db *db, const struct req_new *n, int64_t now, int64_t *id)
{
	if (n->mentee_id == n->mentor_id)
		return REQ_SELF;
	enum db_rc began = db_begin(db);
	if (began != DB_OK)
		return (enum req_rc)db_failure(began);
	enum db_rc rc;
	rc = expire_for(db, now);
	if (rc != DB_OK)
		return store_fail(db, rc);
	int64_t cap = capacity_of(db, n->mentor_id);
	if (cap < 0) {
		db_rollback(db);
		return REQ_NOT_MENTOR;
	}
	/* A count that failed is a failure, never a zero that lets a
	 * request past the capacity or the mentors' cap. */
	int64_t mentees = req_active_mentees(db, n->mentor_id);
	int64_t mentors = n->max_mentors > 0 ? req_active_mentors(db, n->mentee_id) : 0;
	if (mentees < 0 || mentors < 0)
		return store_fail(db, DB_ERR);
	if (mentees >= cap) {
		db_rollback(db);
		return REQ_NO_ROOM;
	}
	if (n->max_mentors > 0 && mentors >= n->max_mentors) {
		db_rollback(db);
		return REQ_MAX_MENTORS;
	}
	sqlite3_stmt *st = DB_STMT(db, "SELECT count(*), coalesce(sum(mentor_id = :m), 0) FROM requests "
				       "WHERE mentee_id = :e AND status = 'pending'");
	if (!st)
		return store_fail(db, DB_ERR);
	db_bind_int(st, ":e", n->mentee_id);
	db_bind_int(st, ":m", n->mentor_id);
	int64_t pending = 0, same = 0;
	if (sqlite3_step(st) == SQLITE_ROW) {
		pending = sqlite3_column_int64(st, 0);
		same = sqlite3_column_int64(st, 1);
	}
	sqlite3_reset(st);
	if (same) {
		db_rollback(db);
		return REQ_DUPLICATE;
	}
	if (pending >= REQ_MAX_PENDING) {
		db_rollback(db);
		return REQ_TOO_MANY;
	}
	st = DB_STMT(db,
		     "INSERT INTO requests(mentee_id, mentor_id, topic_id, goal, format, cadence, "
		     "duration_min, weeks, message, created_at, kind) VALUES (:e, :m, :t, :g, :f, :c, :d, "
		     ":w, '', :now, :k)");
	if (!st)
		return store_fail(db, DB_ERR);
	db_bind_int(st, ":e", n->mentee_id);
	db_bind_int(st, ":m", n->mentor_id);
	db_bind_int(st, ":t", n->topic_id);
	db_bind_text(st, ":g", n->goal);
	db_bind_text(st, ":f", n->format);
	db_bind_text(st, ":c", n->cadence);
	db_bind_int(st, ":d", n->duration_min);
	db_bind_int(st, ":w", n->weeks);
	db_bind_int(st, ":now", now);
	db_bind_text(st, ":k", n->kind && *n->kind ? n->kind : "series");
	rc = db_exec_step(db, st);
	if (rc == DB_CONFLICT) { /* the partial unique index: a racing duplicate */
		db_rollback(db);
		return REQ_DUPLICATE;
	}
	if (rc != DB_OK)
		return store_fail(db, rc);
	*id = sqlite3_last_insert_rowid(db_handle(db));
	/* The message is sealed for its row and its two people, so it follows
	 * the row's id. */
	if (n->message && *n->message) {
		char row[SEALED_ROW_MAX];
		const int64_t pair[3] = {n->mentor_id, n->mentee_id, 0};
		sealed_row(SEALED_REQUEST_MESSAGE, *id, 0, pair, row, sizeof(row));
		st = DB_STMT(db, "UPDATE requests SET message_sealed = :s WHERE id = :id");
		if (!st || sealcol_bind(st, ":s", "requests", "message", row, n->message) != 0)
			return store_fail(db, DB_ERR);
		db_bind_int(st, ":id", *id);
		if ((rc = db_exec_step(db, st)) != DB_OK)
			return store_fail(db, rc);
	}
	/* Mail: the mentor now, after a week unanswered, the mentee at expiry. */
	if ((rc = outbox_request_created(db, *id, now)) != DB_OK)
		return store_fail(db, rc);
	rc = db_commit(db);
	if (rc != DB_OK)
		return (enum req_rc)db_failure(rc);
	return REQ_OK;
}

struct pending {
	int64_t mentee_id, mentor_id, topic_id;
	int duration_min, weeks;
	char goal[4200], format[32], cadence[16], kind[8];
};

/* Load a request that `who` may act on as `role_col` ("mentor_id" or
 * "mentee_id"), inside the open transaction. */
static enum req_rc load_for(struct db *db, int64_t id, int64_t who, int as_mentor, struct pending *p,
			    int *is_pending)
{
	sqlite3_stmt *st = DB_STMT(db, "SELECT mentee_id, mentor_id, topic_id, goal, format, cadence, "
				       "duration_min, weeks, status, kind FROM requests WHERE id = :id AND "
				       "CASE WHEN :as_mentor THEN mentor_id ELSE mentee_id END = :who");
	if (!st)
		return REQ_DB_ERR;
	db_bind_int(st, ":id", id);
	db_bind_int(st, ":who", who);
	db_bind_int(st, ":as_mentor", as_mentor);
	if (sqlite3_step(st) != SQLITE_ROW) {
		sqlite3_reset(st);
		return REQ_NOTFOUND;
	}
	p->mentee_id = sqlite3_column_int64(st, 0);
	p->mentor_id = sqlite3_column_int64(st, 1);
	p->topic_id = sqlite3_column_int64(st, 2);
	snprintf(p->goal, sizeof(p->goal), "%s", (const char *)sqlite3_column_text(st, 3));
	snprintf(p->format, sizeof(p->format), "%s", (const char *)sqlite3_column_text(st, 4));
	snprintf(p->cadence, sizeof(p->cadence), "%s", (const char *)sqlite3_column_text(st, 5));
	p->duration_min = sqlite3_column_int(st, 6);
	p->weeks = sqlite3_column_int(st, 7);
	*is_pending = strcmp((const char *)sqlite3_column_text(st, 8), "pending") == 0;
	db_column_copy(st, 9, p->kind, sizeof(p->kind));
	sqlite3_reset(st);
	return REQ_OK;
}

static void ymd(int64_t t, char out[11])
{
	time_t tt = (time_t)t;
	struct tm tm;
	gmtime_r(&tt, &tm);
	strftime(out, 11, "%Y-%m-%d", &tm);
}

enum req_rc req_accept(struct db *db, int64_t id, int64_t mentor_id, int64_t now, int max_mentors,
		       int64_t *mid)
{
	enum db_rc began = db_begin(db);
	if (began != DB_OK)
		return (enum req_rc)db_failure(began);
	enum db_rc rc;
	if ((rc = expire_for(db, now)) != DB_OK)
		return store_fail(db, rc);
	struct pending p;
	int is_pending = 0;
	enum req_rc r = load_for(db, id, mentor_id, 1, &p, &is_pending);
	if (r != REQ_OK || !is_pending) {
		db_rollback(db);
		return r != REQ_OK ? r : REQ_NOT_PENDING;
	}
	/* Under the write lock: two accepts racing for the last place are
	 * serialised here, and the second one sees the first's mentorship. */
	int64_t cap = capacity_of(db, mentor_id);
	int64_t mentees = req_active_mentees(db, mentor_id);
	int64_t mentors = max_mentors > 0 ? req_active_mentors(db, p.mentee_id) : 0;
	if (mentees < 0 || mentors < 0)
		return store_fail(db, DB_ERR);
	if (cap < 0 || mentees >= cap) {
		db_rollback(db);
		return REQ_NO_ROOM;
	}
	if (max_mentors > 0 && mentors >= max_mentors) {
		db_rollback(db);
		return REQ_MAX_MENTORS;
	}
	/* A single conversation has no plan: no weeks, and a fortnight to be
	 * held before the dashboard asks about it. */
	int single = strcmp(p.kind, "single") == 0;
	if (single)
		p.weeks = 0;
	char start[11], end[11];
	ymd(now, start);
	ymd(now + (single ? REQ_SINGLE_DAYS * 86400 : (int64_t)p.weeks * 7 * 86400), end);
	sqlite3_stmt *st = DB_STMT(
		db, "INSERT INTO mentorships(request_id, mentor_id, mentee_id, topic_id, goal, "
		    "format, cadence, duration_min, weeks, started_on, planned_end, created_at, kind) "
		    "VALUES (:r, :m, :e, :t, :g, :f, :c, :d, :w, :s, :end, :now, :k)");
	if (!st)
		return store_fail(db, DB_ERR);
	db_bind_int(st, ":r", id);
	db_bind_int(st, ":m", p.mentor_id);
	db_bind_int(st, ":e", p.mentee_id);
	db_bind_int(st, ":t", p.topic_id);
	db_bind_text(st, ":g", p.goal);
	db_bind_text(st, ":f", p.format);
	db_bind_text(st, ":c", p.cadence);
	db_bind_int(st, ":d", p.duration_min);
	db_bind_int(st, ":w", p.weeks);
	db_bind_text(st, ":s", start);
	db_bind_text(st, ":end", end);
	db_bind_int(st, ":now", now);
	db_bind_text(st, ":k", single ? "single" : "series");
	if ((rc = db_exec_step(db, st)) != DB_OK)
		return store_fail(db, rc);
	*mid = sqlite3_last_insert_rowid(db_handle(db));
	for (int w = 1; w <= p.weeks; w++) {
		st = DB_STMT(db, "INSERT INTO plan_weeks(mentorship_id, week, title) VALUES (:m, :w, :t)");
		if (!st)
			return store_fail(db, DB_ERR);
		db_bind_int(st, ":m", *mid);
		db_bind_int(st, ":w", w);
		db_bind_text(st, ":t", plan_title(w, p.weeks));
		if ((rc = db_exec_step(db, st)) != DB_OK)
			return store_fail(db, rc);
	}
	st = DB_STMT(db, "UPDATE requests SET status = 'accepted', answered_at = :now, mentorship_id = :ms "
			 "WHERE id = :id");
	if (!st)
		return store_fail(db, DB_ERR);
	db_bind_int(st, ":now", now);
	db_bind_int(st, ":ms", *mid);
	db_bind_int(st, ":id", id);
	if ((rc = db_exec_step(db, st)) != DB_OK)
		return store_fail(db, rc);
	if ((rc = directory_refresh(db, mentor_id, now)) != DB_OK)
		return store_fail(db, rc);
	st = DB_STMT(db, "UPDATE requests SET status = 'matched_elsewhere', answered_at = :now, "
			 "reason = 'The mentee found a mentor for this topic elsewhere.' "
			 "WHERE mentee_id = :e AND topic_id = :t AND status = 'pending' AND id <> :id");
	if (!st)
		return store_fail(db, DB_ERR);
	db_bind_int(st, ":now", now);
	db_bind_int(st, ":e", p.mentee_id);
	db_bind_int(st, ":t", p.topic_id);
	db_bind_int(st, ":id", id);
	if ((rc = db_exec_step(db, st)) != DB_OK)
		return store_fail(db, rc);
	/* Mail: the mentee hears of the answer; both of the start. */
	if ((rc = outbox_request_answered(db, id, OB_REQUEST_ACCEPTED, now)) != DB_OK ||
	    (rc = outbox_mentorship_started(db, *mid, now)) != DB_OK ||
	    (rc = outbox_past_end(db, *mid, now)) != DB_OK)
		return store_fail(db, rc);
	if ((rc = db_commit(db)) != DB_OK)
		return (enum req_rc)db_failure(rc);
	return REQ_OK;
}

static enum req_rc close_request(struct db *db, int64_t id, int64_t who, int as_mentor, const char *status,
				 const char *reason, int64_t now)
{
	enum db_rc began = db_begin(db);
	if (began != DB_OK)
		return (enum req_rc)db_failure(began);
	enum db_rc rc;
	if ((rc = expire_for(db, now)) != DB_OK)
		return store_fail(db, rc);
	struct pending p;
	int is_pending = 0;
	enum req_rc r = load_for(db, id, who, as_mentor, &p, &is_pending);
	if (r != REQ_OK || !is_pending) {
		db_rollback(db);
		return r != REQ_OK ? r : REQ_NOT_PENDING;
	}
	/* The reason is the mentor's own words (or the kind default): sealed
	 * for its row, like every text people write to each other. */
	sqlite3_stmt *st = DB_STMT(db, "UPDATE requests SET status = :s, reason = '', reason_sealed = :r, "
				       "answered_at = :now WHERE id = :id");
	char row[SEALED_ROW_MAX];
	const int64_t pair[3] = {p.mentor_id, p.mentee_id, 0};
	sealed_row(SEALED_REQUEST_REASON, id, 0, pair, row, sizeof(row));
	if (!st || sealcol_bind(st, ":r", "requests", "reason", row, reason) != 0)
		return store_fail(db, DB_ERR);
	db_bind_text(st, ":s", status);
	db_bind_int(st, ":now", now);
	db_bind_int(st, ":id", id);
	if ((rc = db_exec_step(db, st)) != DB_OK)
		return store_fail(db, rc);
	/* An answer moves the mentor's median answer time. */
	if (as_mentor && (rc = directory_refresh(db, who, now)) != DB_OK)
		return store_fail(db, rc);
	/* Mail: the mentee hears of a decline (never its reason). */
	if (as_mentor && (rc = outbox_request_answered(db, id, OB_REQUEST_DECLINED, now)) != DB_OK)
		return store_fail(db, rc);
	if ((rc = db_commit(db)) != DB_OK)
		return (enum req_rc)db_failure(rc);
	return REQ_OK;
}

enum req_rc req_decline(struct db *db, int64_t id, int64_t mentor_id, const char *reason, int64_t now)
{
	const char *r = reason && *reason
				? reason
				: "Thank you for asking. I can't take this on right now, but I hope "
				  "you find a great mentor for it.";
	return close_request(db, id, mentor_id, 1, "declined", r, now);
}

enum req_rc req_withdraw(struct db *db, int64_t id, int64_t mentee_id, int64_t now)
{
	return close_request(db, id, mentee_id, 0, "withdrawn", "", now);
}
