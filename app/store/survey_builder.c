#include "store/survey_builder.h"

#include <string.h>

#include "store/audit.h"

enum db_rc survey_meta(struct db *db, int64_t id, struct survey_meta *out)
{
	sqlite3_stmt *st = DB_STMT(db, "SELECT title, status, show_text FROM surveys WHERE id = :id");
	if (!st)
		return DB_ERR;
	db_bind_int(st, ":id", id);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		db_column_copy(st, 0, out->title, sizeof(out->title));
		db_column_copy(st, 1, out->status, sizeof(out->status));
		out->show_text = sqlite3_column_int(st, 2);
	}
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? DB_OK : rc == SQLITE_DONE ? DB_NOTFOUND : db_rc_from(rc);
}

enum db_rc survey_set_show_text(struct db *db, int64_t id, int on, const struct survey_actor *who)
{
	enum db_rc rc = db_begin(db);
	if (rc != DB_OK)
		return rc;
	sqlite3_stmt *st = DB_STMT(db, "UPDATE surveys SET show_text = :v WHERE id = :id");
	if (!st)
		return db_end(db, DB_ERR);
	db_bind_int(st, ":v", on ? 1 : 0);
	db_bind_int(st, ":id", id);
	rc = db_exec_step(db, st);
	if (rc == DB_OK && sqlite3_changes(db_handle(db)) == 0)
		rc = DB_NOTFOUND;
	if (rc == DB_OK)
		rc = audit_add(db, who->now, "survey_comments_toggled", who->admin, id, who->ip,
			       on ? "on" : "off");
	return db_end(db, rc);
}

enum db_rc survey_create(struct db *db, const char *title, const char *audience,
			 const struct survey_actor *who, int64_t *id)
{
	enum db_rc rc = db_begin(db);
	if (rc != DB_OK)
		return rc;
	sqlite3_stmt *ins = DB_STMT(db, "INSERT INTO surveys(title, audience) VALUES (:t, :a)");
	if (!ins)
		return db_end(db, DB_ERR);
	db_bind_text(ins, ":t", title);
	db_bind_text(ins, ":a", audience);
	rc = db_exec_step(db, ins);
	*id = sqlite3_last_insert_rowid(db_handle(db));
	if (rc == DB_OK)
		rc = audit_add(db, who->now, "survey_created", who->admin, *id, who->ip, NULL);
	return db_end(db, rc);
}

/* Inside the transaction: status and number of questions. */
static enum survey_edit state(struct db *db, int64_t survey, char status[8], int *questions)
{
	sqlite3_stmt *st = DB_STMT(db, "SELECT status, (SELECT count(*) FROM survey_questions q "
				       "WHERE q.survey_id = s.id) FROM surveys s WHERE s.id = :id");
	if (!st)
		return EDIT_DB_ERR;
	db_bind_int(st, ":id", survey);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		db_column_copy(st, 0, status, 8);
		*questions = sqlite3_column_int(st, 1);
	}
	sqlite3_reset(st);
	if (rc == SQLITE_ROW)
		return EDIT_OK;
	if (rc == SQLITE_DONE)
		return EDIT_NO_SURVEY;
	return (enum survey_edit)db_failure(db_rc_from(rc));
}

/* End the transaction by how the edit went. */
static enum survey_edit finish(struct db *db, enum survey_edit e, enum db_rc rc)
{
	if (e != EDIT_OK) {
		db_rollback(db);
		return e;
	}
	if ((rc = db_end(db, rc)) != DB_OK)
		return (enum survey_edit)db_failure(rc);
	return EDIT_OK;
}

static enum survey_edit begin_draft(struct db *db, int64_t survey, int *questions)
{
	enum db_rc began = db_begin(db);
	if (began != DB_OK)
		return (enum survey_edit)db_failure(began);
	char status[8];
	enum survey_edit e = state(db, survey, status, questions);
	if (e == EDIT_OK && strcmp(status, "draft") != 0)
		e = EDIT_FROZEN;
	if (e != EDIT_OK)
		db_rollback(db);
	return e;
}

enum survey_edit survey_add_question(struct db *db, int64_t survey, const struct question_draft *q)
{
	/* Choices one per line, without the CRs a browser sends. */
	char choices[sizeof(((struct question *)0)->choices)];
	size_t o = 0;
	for (const char *p = q->choices; *p && o + 1 < sizeof(choices); p++)
		if (*p != '\r')
			choices[o++] = *p;
	choices[o] = '\0';
	int n = 0;
	enum survey_edit e = begin_draft(db, survey, &n);
	if (e != EDIT_OK)
		return e;
	if (n >= SURVEY_MAX_QUESTIONS)
		return finish(db, EDIT_FULL, DB_OK);
	sqlite3_stmt *ins = DB_STMT(
		db, "INSERT INTO survey_questions(survey_id, position, kind, prompt, low_label, "
		    "high_label, choices, max_len, required) SELECT :s, coalesce(max(position), 0) + 1, "
		    ":k, :p, :lo, :hi, :ch, :max, :req FROM survey_questions WHERE survey_id = :s");
	if (!ins) {
		return finish(db, EDIT_DB_ERR, DB_OK);
	}
	db_bind_int(ins, ":s", survey);
	db_bind_text(ins, ":k", q->kind);
	db_bind_text(ins, ":p", q->prompt);
	db_bind_text(ins, ":lo", q->low);
	db_bind_text(ins, ":hi", q->high);
	db_bind_text(ins, ":ch", strcmp(q->kind, "choice") == 0 ? choices : "");
	db_bind_int(ins, ":max", q->max_len);
	db_bind_int(ins, ":req", q->required);
	return finish(db, EDIT_OK, db_exec_step(db, ins));
}

enum survey_edit survey_remove_question(struct db *db, int64_t survey, int64_t q)
{
	int n = 0;
	enum survey_edit e = begin_draft(db, survey, &n);
	if (e != EDIT_OK)
		return e;
	sqlite3_stmt *del = DB_STMT(db, "DELETE FROM survey_questions WHERE id = :q AND survey_id = :s");
	if (!del) {
		return finish(db, EDIT_DB_ERR, DB_OK);
	}
	db_bind_int(del, ":q", q);
	db_bind_int(del, ":s", survey);
	enum db_rc rc = db_exec_step(db, del);
	if (rc == DB_OK && sqlite3_changes(db_handle(db)) == 0)
		return finish(db, EDIT_NO_QUESTION, DB_OK);
	return finish(db, EDIT_OK, rc);
}

enum survey_edit survey_set_status(struct db *db, int64_t survey, int to_open, int k,
				   const struct survey_actor *who, long *withheld)
{
	*withheld = 0;
	enum db_rc began = db_begin(db);
	if (began != DB_OK)
		return (enum survey_edit)db_failure(began);
	char status[8];
	int n = 0;
	enum survey_edit e = state(db, survey, status, &n);
	if (e == EDIT_OK && strcmp(status, to_open ? "draft" : "open") != 0)
		e = EDIT_STATE;
	if (e == EDIT_OK && to_open && n == 0)
		e = EDIT_EMPTY;
	if (e != EDIT_OK) {
		db_rollback(db);
		return e;
	}
	sqlite3_stmt *up = DB_STMT(db, "UPDATE surveys SET status = :st WHERE id = :id");
	enum db_rc rc = DB_ERR;
	if (up) {
		db_bind_text(up, ":st", to_open ? "open" : "closed");
		db_bind_int(up, ":id", survey);
		rc = db_exec_step(db, up);
	}
	if (rc == DB_OK)
		rc = audit_add(db, who->now, to_open ? "survey_opened" : "survey_closed", who->admin, survey,
			       who->ip, NULL);
	/* Closing and the last batch are one commit: no report can ever show
	 * the survey closed without the answers that waited (its breakdowns
	 * with and without them would give them away). */
	if (rc == DB_OK && !to_open && survey_release_in(db, survey, k, 1, withheld) < 0)
		rc = DB_ERR;
	e = finish(db, EDIT_OK, rc);
	if (e == EDIT_OK && !to_open)
		survey_wal_truncate(db);
	return e;
}

enum db_rc survey_each_question(struct db *db, int64_t survey,
				void (*fn)(void *arg, const struct question_line *q), void *arg)
{
	sqlite3_stmt *st = DB_STMT(db, "SELECT id, position, kind, prompt, required FROM survey_questions "
				       "WHERE survey_id = :s ORDER BY position, id");
	if (!st)
		return DB_ERR;
	db_bind_int(st, ":s", survey);
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct question_line q;
		q.id = sqlite3_column_int64(st, 0);
		q.position = sqlite3_column_int(st, 1);
		db_column_copy(st, 2, q.kind, sizeof(q.kind));
		db_column_copy(st, 3, q.prompt, sizeof(q.prompt));
		q.required = sqlite3_column_int(st, 4);
		fn(arg, &q);
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? DB_OK : db_rc_from(rc);
}
