#include "store/surveys.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

enum db_rc survey_invite_pair(struct db *db, int64_t mentorship_id)
{
	sqlite3_stmt *st = DB_STMT(
		db, "INSERT OR IGNORE INTO survey_invitations(survey_id, user_id, mentorship_id, role) "
		    "SELECT s.id, p.uid, m.id, p.role FROM mentorships m "
		    "JOIN (SELECT mentor_id AS uid, 'mentor' AS role, id FROM mentorships "
		    "      UNION ALL SELECT mentee_id, 'mentee', id FROM mentorships) p ON p.id = m.id "
		    "JOIN surveys s ON s.status = 'open' AND s.audience IN (p.role, 'both') "
		    "WHERE m.id = :m");
	if (!st)
		return DB_ERR;
	db_bind_int(st, ":m", mentorship_id);
	return db_exec_step(st);
}

enum db_rc survey_invitation_for(struct db *db, int64_t id, int64_t uid, struct invitation *inv)
{
	sqlite3_stmt *st =
		DB_STMT(db, "SELECT i.id, i.survey_id, s.title, i.role, i.answered FROM survey_invitations i "
			    "JOIN surveys s ON s.id = i.survey_id WHERE i.id = :id AND i.user_id = :u");
	if (!st)
		return DB_ERR;
	db_bind_int(st, ":id", id);
	db_bind_int(st, ":u", uid);
	if (sqlite3_step(st) != SQLITE_ROW) {
		sqlite3_reset(st);
		return DB_NOTFOUND;
	}
	inv->id = sqlite3_column_int64(st, 0);
	inv->survey_id = sqlite3_column_int64(st, 1);
	db_column_copy(st, 2, inv->title, sizeof(inv->title));
	db_column_copy(st, 3, inv->role, sizeof(inv->role));
	inv->answered = sqlite3_column_int(st, 4);
	sqlite3_reset(st);
	return DB_OK;
}

int survey_questions(struct db *db, int64_t survey_id, struct question *q, int max)
{
	sqlite3_stmt *st =
		DB_STMT(db, "SELECT id, kind, prompt, low_label, high_label, choices, max_len, required "
			    "FROM survey_questions WHERE survey_id = :s ORDER BY position, id");
	if (!st)
		return -1;
	db_bind_int(st, ":s", survey_id);
	int n = 0;
	while (n < max && sqlite3_step(st) == SQLITE_ROW) {
		q[n].id = sqlite3_column_int64(st, 0);
		db_column_copy(st, 1, q[n].kind, sizeof(q[n].kind));
		db_column_copy(st, 2, q[n].prompt, sizeof(q[n].prompt));
		db_column_copy(st, 3, q[n].low, sizeof(q[n].low));
		db_column_copy(st, 4, q[n].high, sizeof(q[n].high));
		db_column_copy(st, 5, q[n].choices, sizeof(q[n].choices));
		q[n].max_len = sqlite3_column_int(st, 6);
		q[n].required = sqlite3_column_int(st, 7);
		n++;
	}
	sqlite3_reset(st);
	return n;
}

static enum survey_rc fail(struct db *db, enum db_rc rc, enum db_rc *out)
{
	db_rollback(db);
	*out = rc;
	return SURVEY_STORE;
}

enum survey_rc survey_submit(struct db *db, int64_t invitation, int64_t uid, const struct answer *a, int n,
			     int64_t now, enum db_rc *dbrc)
{
	if (db_begin_to(db, dbrc) != 0)
		return SURVEY_STORE;
	enum db_rc rc;
	struct invitation inv;
	if (survey_invitation_for(db, invitation, uid, &inv) != DB_OK) {
		db_rollback(db);
		return SURVEY_NOTFOUND;
	}
	if (inv.answered) {
		db_rollback(db);
		return SURVEY_ANSWERED;
	}
	sqlite3_stmt *st = DB_STMT(db, "UPDATE survey_invitations SET answered = 1 WHERE id = :id");
	if (!st)
		return fail(db, DB_ERR, dbrc);
	db_bind_int(st, ":id", invitation);
	if ((rc = db_exec_step(st)) != DB_OK)
		return fail(db, rc, dbrc);
	/* Coarse on purpose: the quarter, never the day or the time. */
	time_t t = (time_t)now;
	struct tm tm;
	gmtime_r(&t, &tm);
	char quarter[32];
	snprintf(quarter, sizeof(quarter), "%04d-Q%d", tm.tm_year + 1900, tm.tm_mon / 3 + 1);
	unsigned char rid[16];
	randombytes_buf(rid, sizeof(rid));
	st = DB_STMT(
		db, "INSERT INTO survey_responses(id, survey_id, role, quarter, team) "
		    "SELECT :r, :s, :role, :q, coalesce((SELECT team FROM profiles WHERE user_id = :u), '')");
	if (!st)
		return fail(db, DB_ERR, dbrc);
	db_bind_blob(st, ":r", rid, sizeof(rid));
	db_bind_int(st, ":s", inv.survey_id);
	db_bind_text(st, ":role", inv.role);
	db_bind_text(st, ":q", quarter);
	db_bind_int(st, ":u", uid);
	if ((rc = db_exec_step(st)) != DB_OK)
		return fail(db, rc, dbrc);
	for (int i = 0; i < n; i++) {
		if (!a[i].rating && !a[i].choice && !a[i].text)
			continue;
		st = DB_STMT(db, "INSERT INTO survey_answers(response_id, question_id, rating, choice, text) "
				 "VALUES (:r, :q, :rating, :choice, :text)");
		if (!st)
			return fail(db, DB_ERR, dbrc);
		db_bind_blob(st, ":r", rid, sizeof(rid));
		db_bind_int(st, ":q", a[i].question_id);
		if (a[i].rating)
			db_bind_int(st, ":rating", a[i].rating);
		else
			db_bind_null(st, ":rating");
		if (a[i].choice)
			db_bind_text(st, ":choice", a[i].choice);
		else
			db_bind_null(st, ":choice");
		if (a[i].text)
			db_bind_text(st, ":text", a[i].text);
		else
			db_bind_null(st, ":text");
		if ((rc = db_exec_step(st)) != DB_OK)
			return fail(db, rc, dbrc);
	}
	if ((rc = db_commit(db)) != DB_OK) {
		*dbrc = rc;
		return SURVEY_STORE;
	}
	return SURVEY_OK;
}
