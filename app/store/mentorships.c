#include "store/mentorships.h"

#include "store/celebrations.h"
#include "store/directory.h"
#include "store/outbox.h"
#include "store/sealcol.h"
#include "store/sealed.h"
#include "store/surveys.h"

#include <stdio.h>
#include <string.h>

enum db_rc ms_get_for(struct db *db, int64_t id, int64_t uid, struct mentorship *m)
{
	sqlite3_stmt *st = DB_STMT(
		db, "SELECT m.id, m.mentor_id, m.mentee_id, a.display_name, b.display_name, "
		    "t.name, m.goal, m.format, m.cadence, m.started_on, m.planned_end, m.status, "
		    "coalesce(m.outcome, ''), m.end_reason, m.duration_min, m.weeks, m.end_reason_sealed, "
		    "m.kind, m.meet_where, coalesce(m.last_session_on, ''), "
		    "(SELECT r.goal FROM requests r WHERE r.id = m.request_id), m.created_at "
		    "FROM mentorships m JOIN users a ON a.id = m.mentor_id "
		    "JOIN users b ON b.id = m.mentee_id JOIN topics t ON t.id = m.topic_id "
		    "WHERE m.id = :id AND (m.mentor_id = :u OR m.mentee_id = :u)");
	if (!st)
		return DB_ERR;
	db_bind_int(st, ":id", id);
	db_bind_int(st, ":u", uid);
	int rc = sqlite3_step(st);
	if (rc != SQLITE_ROW) {
		sqlite3_reset(st);
		return rc == SQLITE_DONE ? DB_NOTFOUND : db_rc_from(rc);
	}
	m->id = sqlite3_column_int64(st, 0);
	m->mentor_id = sqlite3_column_int64(st, 1);
	m->mentee_id = sqlite3_column_int64(st, 2);
	db_column_copy(st, 3, m->mentor_name, sizeof(m->mentor_name));
	db_column_copy(st, 4, m->mentee_name, sizeof(m->mentee_name));
	db_column_copy(st, 5, m->topic, sizeof(m->topic));
	db_column_copy(st, 6, m->goal, sizeof(m->goal));
	db_column_copy(st, 7, m->format, sizeof(m->format));
	db_column_copy(st, 8, m->cadence, sizeof(m->cadence));
	db_column_copy(st, 9, m->started_on, sizeof(m->started_on));
	db_column_copy(st, 10, m->planned_end, sizeof(m->planned_end));
	db_column_copy(st, 11, m->status, sizeof(m->status));
	db_column_copy(st, 12, m->outcome, sizeof(m->outcome));
	m->duration_min = sqlite3_column_int(st, 14);
	m->weeks = sqlite3_column_int(st, 15);
	db_column_copy(st, 17, m->kind, sizeof(m->kind));
	db_column_copy(st, 18, m->meet_where, sizeof(m->meet_where));
	db_column_copy(st, 19, m->last_session_on, sizeof(m->last_session_on));
	db_column_copy(st, 20, m->request_goal, sizeof(m->request_goal));
	m->created_at = sqlite3_column_int64(st, 21);
	struct buf reason = {0};
	const int64_t who[3] = {m->id, m->mentor_id, m->mentee_id};
	int opened = sealed_open(st, 16, 13, SEALED_MENTORSHIP_END_REASON, m->id, 0, who, &reason);
	snprintf(m->end_reason, sizeof(m->end_reason), "%s", opened == 0 ? buf_str(&reason) : "");
	buf_free(&reason);
	sqlite3_reset(st);
	return opened == 0 ? DB_OK : DB_ERR;
}

static enum req_rc fail(struct db *db, enum db_rc rc)
{
	db_rollback(db);
	return (enum req_rc)db_failure(rc);
}

/* Inside a transaction: is uid a party, and is the mentorship active? */
static enum req_rc party_active(struct db *db, int64_t id, int64_t uid, int64_t who[3])
{
	sqlite3_stmt *st = DB_STMT(db, "SELECT status = 'active', mentor_id, mentee_id FROM mentorships "
				       "WHERE id = :id AND (mentor_id = :u OR mentee_id = :u)");
	if (!st)
		return REQ_DB_ERR;
	db_bind_int(st, ":id", id);
	db_bind_int(st, ":u", uid);
	int rc = sqlite3_step(st);
	int active = rc == SQLITE_ROW && sqlite3_column_int(st, 0);
	who[0] = id;
	who[1] = rc == SQLITE_ROW ? sqlite3_column_int64(st, 1) : 0;
	who[2] = rc == SQLITE_ROW ? sqlite3_column_int64(st, 2) : 0;
	sqlite3_reset(st);
	if (rc != SQLITE_ROW)
		return REQ_NOTFOUND;
	return active ? REQ_OK : REQ_NOT_PENDING;
}

/* Inside a transaction: the planned session of mentorship id, if uid is
 * one of its pair (sql/0010's calendar identity): its time (0 none), the
 * plan's number and version. SQLITE_ROW, SQLITE_DONE (not theirs) or an
 * error code. */
static int plan_state(struct db *db, int64_t id, int64_t uid, int64_t *at, int64_t *no, int64_t *seq)
{
	*at = *no = *seq = 0;
	sqlite3_stmt *st =
		DB_STMT(db, "SELECT coalesce(next_session_at, 0), plan_no, plan_seq FROM mentorships "
			    "WHERE id = :m AND (mentor_id = :u OR mentee_id = :u)");
	if (!st)
		return SQLITE_ERROR;
	db_bind_int(st, ":m", id);
	db_bind_int(st, ":u", uid);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*at = sqlite3_column_int64(st, 0);
		*no = sqlite3_column_int64(st, 1);
		*seq = sqlite3_column_int64(st, 2);
	}
	sqlite3_reset(st);
	return rc;
}

enum req_rc ms_finish(struct db *db, int64_t id, int64_t uid, const char *status, const char *outcome,
		      const char *reason, const struct ms_recognition *rec, int64_t now)
{
	enum db_rc began = db_begin(db);
	if (began != DB_OK)
		return (enum req_rc)db_failure(began);
	enum db_rc rc;
	int64_t who[3];
	enum req_rc r = party_active(db, id, uid, who);
	if (r != REQ_OK) {
		db_rollback(db);
		return r;
	}
	sqlite3_stmt *st = DB_STMT(db, "UPDATE mentorships SET status = :s, outcome = :o, end_reason = '', "
				       "end_reason_sealed = :r, ended_at = :now WHERE id = :id");
	char row[SEALED_ROW_MAX];
	sealed_row(SEALED_MENTORSHIP_END_REASON, id, 0, who, row, sizeof(row));
	if (!st || sealcol_bind(st, ":r", "mentorships", "end_reason", row, reason) != 0)
		return fail(db, DB_ERR);
	db_bind_text(st, ":s", status);
	if (outcome && *outcome)
		db_bind_text(st, ":o", outcome);
	else
		db_bind_null(st, ":o");
	db_bind_int(st, ":now", now);
	db_bind_int(st, ":id", id);
	if ((rc = db_exec_step(db, st)) != DB_OK)
		return fail(db, rc);
	/* A session still planned ahead is cancelled, as clearing it by hand
	 * does: a new version of its calendar event, METHOD:CANCEL to both
	 * (the calendars would keep it otherwise; Tandem's pages drop it). */
	int64_t planned, no, seq;
	int prc = plan_state(db, id, uid, &planned, &no, &seq);
	if (prc != SQLITE_ROW)
		return fail(db, DB_ERR); /* uid was one of the pair above */
	if (planned > now) {
		st = DB_STMT(db,
			     "UPDATE mentorships SET next_session_at = NULL, plan_seq = :seq WHERE id = :id");
		if (!st)
			return fail(db, DB_ERR);
		db_bind_int(st, ":seq", ++seq);
		db_bind_int(st, ":id", id);
		if ((rc = db_exec_step(db, st)) != DB_OK ||
		    (rc = outbox_plan_changed(db, id, OB_PLAN_CANCELLED, no, seq, planned, now)) != DB_OK)
			return fail(db, rc);
	}
	/* A place is free again in the directory. */
	int64_t mentor = 0;
	st = DB_STMT(db, "SELECT mentor_id FROM mentorships WHERE id = :id");
	if (st) {
		db_bind_int(st, ":id", id);
		if (sqlite3_step(st) == SQLITE_ROW)
			mentor = sqlite3_column_int64(st, 0);
		sqlite3_reset(st);
	}
	if ((rc = directory_refresh(db, mentor, now)) != DB_OK)
		return fail(db, rc);
	/* Both are invited to the post-program survey for their role. */
	if ((rc = survey_invite_pair(db, id)) != DB_OK)
		return fail(db, rc);
	/* Mail: the invitations just made, and a reminder a week later. */
	if ((rc = outbox_survey_invited(db, id, now)) != DB_OK)
		return fail(db, rc);
	/* issue 19: the completer's celebration and thank-you note. */
	if (rec && (rc = celebration_on_complete(db, id, uid, rec->celebrate, rec->thanks, rec->thanks_public,
						 now)) != DB_OK)
		return fail(db, rc);
	if ((rc = db_commit(db)) != DB_OK)
		return (enum req_rc)db_failure(rc);
	return REQ_OK;
}

enum req_rc ms_plan_update(struct db *db, int64_t id, int64_t uid, int week, int done, const char *note)
{
	enum db_rc began = db_begin(db);
	if (began != DB_OK)
		return (enum req_rc)db_failure(began);
	enum db_rc rc;
	int64_t who[3];
	enum req_rc r = party_active(db, id, uid, who);
	if (r != REQ_OK) {
		db_rollback(db);
		return r;
	}
	sqlite3_stmt *st = DB_STMT(db, "UPDATE plan_weeks SET done = :d, note = '', note_sealed = :n "
				       "WHERE mentorship_id = :id AND week = :w");
	char row[SEALED_ROW_MAX];
	sealed_row(SEALED_PLAN_NOTE, id, week, who, row, sizeof(row));
	if (!st || sealcol_bind(st, ":n", "plan_weeks", "note", row, note) != 0)
		return fail(db, DB_ERR);
	db_bind_int(st, ":d", done);
	db_bind_int(st, ":id", id);
	db_bind_int(st, ":w", week);
	if ((rc = db_exec_step(db, st)) != DB_OK)
		return fail(db, rc);
	if (sqlite3_changes(db_handle(db)) == 0) {
		db_rollback(db);
		return REQ_NOTFOUND;
	}
	if ((rc = db_commit(db)) != DB_OK)
		return (enum req_rc)db_failure(rc);
	return REQ_OK;
}

enum db_rc ms_set_next_session(struct db *db, int64_t id, int64_t uid, int64_t at, int64_t now)
{
	enum db_rc rc = db_begin(db);
	if (rc != DB_OK)
		return rc;
	int64_t old, no, seq;
	int srow = plan_state(db, id, uid, &old, &no, &seq);
	if (srow != SQLITE_ROW)
		return db_end(db, srow == SQLITE_DONE ? DB_OK : DB_ERR);
	sqlite3_stmt *st;
	/* The calendar identity (sql/0010): a session planned where none was
	 * ahead is a new event (plan_no rises, its agenda starts empty); a
	 * move or a cancel is a new version of the same one (plan_seq). A past
	 * one is no longer "planned": replacing or clearing it tells nobody. */
	int had = old > now;
	enum outbox_event ev = 0;
	if (at && !had) {
		no++;
		seq = 0;
		ev = OB_PLAN_SET;
	} else if (at && at != old) {
		seq++;
		ev = OB_PLAN_SET;
	} else if (!at && had) {
		seq++;
		ev = OB_PLAN_CANCELLED;
	}
	st = DB_STMT(db,
		     "UPDATE mentorships SET next_session_at = :t, plan_no = :no, plan_seq = :seq, "
		     "next_agenda = CASE WHEN :no <> plan_no THEN NULL ELSE next_agenda END WHERE id = :m");
	if (!st)
		return db_end(db, DB_ERR);
	if (at)
		db_bind_int(st, ":t", at);
	else
		db_bind_null(st, ":t");
	db_bind_int(st, ":no", no);
	db_bind_int(st, ":seq", seq);
	db_bind_int(st, ":m", id);
	rc = db_exec_step(db, st);
	/* Mail with an invitation (or its cancellation) to both. */
	if (rc == DB_OK && ev)
		rc = outbox_plan_changed(db, id, ev, no, seq, ev == OB_PLAN_SET ? at : old, now);
	return db_end(db, rc);
}
