#include "store/agenda.h"

#include <stdio.h>
#include <string.h>

#include "core/log.h"
#include "security/seal.h"
#include "store/sealed.h"

enum db_rc planned_get(struct db *db, int64_t id, int64_t uid, struct planned *p)
{
	p->at = p->plan_no = 0;
	p->active = 0;
	buf_reset(&p->agenda);
	buf_puts(&p->agenda, "");
	sqlite3_stmt *st = DB_STMT(db, "SELECT coalesce(next_session_at, 0), plan_no, status = 'active', "
				       "next_agenda, mentor_id, mentee_id FROM mentorships "
				       "WHERE id = :id AND (mentor_id = :u OR mentee_id = :u)");
	if (!st)
		return DB_ERR;
	db_bind_int(st, ":id", id);
	db_bind_int(st, ":u", uid);
	int rc = sqlite3_step(st);
	if (rc != SQLITE_ROW) {
		sqlite3_reset(st);
		return rc == SQLITE_DONE ? DB_NOTFOUND : db_rc_from(rc);
	}
	p->at = sqlite3_column_int64(st, 0);
	p->plan_no = sqlite3_column_int64(st, 1);
	p->active = sqlite3_column_int(st, 2);
	int opened = 0;
	if (sqlite3_column_type(st, 3) != SQLITE_NULL) {
		const struct sealed_col *sc = &sealed_cols[SEALED_NEXT_AGENDA];
		char row[SEALED_ROW_MAX];
		const int64_t who[3] = {id, sqlite3_column_int64(st, 4), sqlite3_column_int64(st, 5)};
		sealed_row(SEALED_NEXT_AGENDA, id, p->plan_no, who, row, sizeof(row));
		opened = seal_decrypt(sc->table, sc->column, row, sqlite3_column_blob(st, 3),
				      (size_t)sqlite3_column_bytes(st, 3), &p->agenda);
		if (opened != 0) {
			log_kv("error", "sealed value did not open", "table", sc->table, "column", sc->column,
			       "row", row, LOG_END);
			buf_reset(&p->agenda);
			buf_puts(&p->agenda, "");
		}
	}
	sqlite3_reset(st);
	return opened == 0 ? DB_OK : DB_ERR;
}

void planned_free(struct planned *p)
{
	buf_free(&p->agenda);
}

static enum agenda_rc fail(struct db *db, enum db_rc rc)
{
	db_rollback(db);
	return (enum agenda_rc)db_failure(rc);
}

enum agenda_rc agenda_save(struct db *db, int64_t id, int64_t uid, const char *text, int64_t now)
{
	unsigned char nonce[1][SEAL_NONCE_BYTES];
	seal_nonces(nonce, 1);
	enum db_rc began = db_begin(db);
	if (began != DB_OK)
		return (enum agenda_rc)db_failure(began);
	/* The plan is read in the writing transaction: the agenda is sealed
	 * for the plan it was written for, and cannot outlive it. */
	sqlite3_stmt *st = DB_STMT(db, "SELECT status = 'active', coalesce(next_session_at, 0) > :now, "
				       "plan_no, mentor_id, mentee_id FROM mentorships "
				       "WHERE id = :id AND (mentor_id = :u OR mentee_id = :u)");
	if (!st)
		return fail(db, DB_ERR);
	db_bind_int(st, ":id", id);
	db_bind_int(st, ":u", uid);
	db_bind_int(st, ":now", now);
	int rc = sqlite3_step(st);
	int active = rc == SQLITE_ROW && sqlite3_column_int(st, 0);
	int planned = rc == SQLITE_ROW && sqlite3_column_int(st, 1);
	int64_t plan_no = rc == SQLITE_ROW ? sqlite3_column_int64(st, 2) : 0;
	const int64_t who[3] = {id, rc == SQLITE_ROW ? sqlite3_column_int64(st, 3) : 0,
				rc == SQLITE_ROW ? sqlite3_column_int64(st, 4) : 0};
	sqlite3_reset(st);
	if (rc != SQLITE_ROW) {
		if (rc != SQLITE_DONE)
			return fail(db, db_rc_from(rc));
		db_rollback(db);
		return AGENDA_NOTFOUND;
	}
	if (!active || !planned) {
		db_rollback(db);
		return active ? AGENDA_NOT_PLANNED : AGENDA_ENDED;
	}
	st = DB_STMT(db, "UPDATE mentorships SET next_agenda = :a WHERE id = :id");
	if (!st)
		return fail(db, DB_ERR);
	if (*text) {
		const struct sealed_col *sc = &sealed_cols[SEALED_NEXT_AGENDA];
		char row[SEALED_ROW_MAX];
		sealed_row(SEALED_NEXT_AGENDA, id, plan_no, who, row, sizeof(row));
		struct buf c = {0};
		int sr = seal_encrypt_nonce(nonce[0], sc->table, sc->column, row, text, strlen(text), &c);
		if (sr == 0)
			sr = db_bind_blob(st, ":a", c.data, (int)c.len);
		buf_free(&c);
		if (sr != 0) {
			sqlite3_reset(st);
			return fail(db, DB_ERR);
		}
	} else {
		db_bind_null(st, ":a");
	}
	db_bind_int(st, ":id", id);
	enum db_rc w = db_exec_step(db, st);
	if (w != DB_OK)
		return fail(db, w);
	if ((w = db_commit(db)) != DB_OK)
		return (enum agenda_rc)db_failure(w);
	return AGENDA_OK;
}

enum db_rc agenda_carried(struct db *db, int64_t mentorship_id)
{
	sqlite3_stmt *st = DB_STMT(db, "UPDATE mentorships SET next_agenda = NULL "
				       "WHERE id = :id AND next_agenda IS NOT NULL");
	if (!st)
		return DB_ERR;
	db_bind_int(st, ":id", mentorship_id);
	return db_exec_step(db, st);
}

enum db_rc planned_each(struct db *db, int64_t uid, int64_t now,
			void (*fn)(void *arg, const struct planned_row *r), void *arg)
{
	/* Each half reads one person's mentorships from its index
	 * (mentorships_mentor, mentorships_mentee): a handful of rows, however
	 * many members there are. */
	sqlite3_stmt *st = DB_STMT(
		db, "SELECT x.id, x.plan_no, x.plan_seq, x.next_session_at, x.duration_min, u.display_name, "
		    "t.name FROM (SELECT id, plan_no, plan_seq, next_session_at, duration_min, topic_id, "
		    "mentee_id AS other, status FROM mentorships WHERE mentor_id = :u "
		    "UNION ALL SELECT id, plan_no, plan_seq, next_session_at, duration_min, topic_id, "
		    "mentor_id, status FROM mentorships WHERE mentee_id = :u) x "
		    "JOIN users u ON u.id = x.other JOIN topics t ON t.id = x.topic_id "
		    "WHERE x.next_session_at >= :since "
		    "AND (x.status = 'active' OR x.next_session_at <= :now) "
		    "ORDER BY x.next_session_at, x.id LIMIT 200");
	if (!st)
		return DB_ERR;
	db_bind_int(st, ":u", uid);
	db_bind_int(st, ":now", now);
	db_bind_int(st, ":since", now - 30 * 86400);
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct planned_row r = {
			.mentorship_id = sqlite3_column_int64(st, 0),
			.plan_no = sqlite3_column_int64(st, 1),
			.plan_seq = sqlite3_column_int64(st, 2),
			.at = sqlite3_column_int64(st, 3),
			.duration_min = sqlite3_column_int(st, 4),
			.other = (const char *)sqlite3_column_text(st, 5),
			.topic = (const char *)sqlite3_column_text(st, 6),
		};
		fn(arg, &r);
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? DB_OK : DB_ERR;
}
