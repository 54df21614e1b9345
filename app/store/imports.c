#include "store/imports.h"

#include <stdio.h>
#include <string.h>

#include "store/acct_life.h"
#include "store/audit.h"
#include "store/directory.h"

#define STAGE_KEEP 86400 /* a preview not applied within a day is dropped */

enum db_rc imports_stage_begin(struct db *db, int64_t admin_id, int64_t now, struct import_stage *s)
{
	memset(s, 0, sizeof(*s));
	s->db = db;
	s->now = now;
	enum db_rc rc = db_begin(db);
	if (rc != DB_OK)
		return rc;
	sqlite3_stmt *st = DB_STMT(db, "DELETE FROM imports WHERE created_at < :old");
	if (!st)
		rc = DB_ERR;
	if (rc == DB_OK) {
		db_bind_int(st, ":old", now - STAGE_KEEP);
		rc = db_exec_step(db, st);
	}
	st = DB_STMT(db, "INSERT INTO imports(admin_id, created_at) VALUES (:a, :now)");
	if (rc == DB_OK && !st)
		rc = DB_ERR;
	if (rc == DB_OK) {
		db_bind_int(st, ":a", admin_id);
		db_bind_int(st, ":now", now);
		rc = db_exec_step(db, st);
	}
	if (rc != DB_OK) {
		db_rollback(db);
		return rc;
	}
	s->c.id = sqlite3_last_insert_rowid(db_handle(db));
	s->c.created_at = now;
	return DB_OK;
}

/* What line's address means now: IMPORT_ADD (no account), IMPORT_UPDATE
 * (team or title differ), IMPORT_SAME, or -1 on error; *uid the account. */
static int classify(struct db *db, const char *email, const char *team, const char *title, int64_t *uid)
{
	sqlite3_stmt *st = DB_STMT(db, "SELECT u.id, p.team = :t AND p.job_title = :j FROM users u "
				       "JOIN profiles p ON p.user_id = u.id WHERE u.email = :e");
	if (!st)
		return -1;
	db_bind_text(st, ":e", email);
	db_bind_text(st, ":t", team);
	db_bind_text(st, ":j", title);
	int rc = sqlite3_step(st), a = -1;
	if (rc == SQLITE_ROW) {
		*uid = sqlite3_column_int64(st, 0);
		a = sqlite3_column_int(st, 1) ? IMPORT_SAME : IMPORT_UPDATE;
	} else if (rc == SQLITE_DONE) {
		a = IMPORT_ADD;
	}
	sqlite3_reset(st);
	return a;
}

enum db_rc imports_stage_row(struct import_stage *s, long line, const char *email, const char *name,
			     const char *team, const char *title, const char *reason)
{
	char why[160];
	int action = IMPORT_INVALID;
	if (!reason) {
		sqlite3_stmt *st = DB_STMT(s->db, "SELECT line FROM import_rows WHERE import_id = :i AND "
						  "email = :e AND action <> 4 LIMIT 1");
		if (!st)
			return DB_ERR;
		db_bind_int(st, ":i", s->c.id);
		db_bind_text(st, ":e", email);
		if (sqlite3_step(st) == SQLITE_ROW) {
			snprintf(why, sizeof(why), "The same address as line %lld.",
				 (long long)sqlite3_column_int64(st, 0));
			reason = why;
		}
		sqlite3_reset(st);
	}
	if (!reason) {
		int64_t uid = 0;
		action = classify(s->db, email, team, title, &uid);
		if (action < 0)
			return DB_ERR;
	}
	sqlite3_stmt *st =
		DB_STMT(s->db, "INSERT INTO import_rows(import_id, line, action, email, name, team, "
			       "job_title, reason) VALUES (:i, :l, :a, :e, :n, :t, :j, :r)");
	if (!st)
		return DB_ERR;
	db_bind_int(st, ":i", s->c.id);
	db_bind_int(st, ":l", line);
	db_bind_int(st, ":a", action);
	db_bind_text(st, ":e", email);
	db_bind_text(st, ":n", name);
	db_bind_text(st, ":t", team);
	db_bind_text(st, ":j", title);
	db_bind_text(st, ":r", reason ? reason : "");
	enum db_rc rc = db_exec_step(s->db, st);
	if (rc == DB_OK) {
		int64_t *n[] = {NULL, &s->c.n_add, &s->c.n_update, &s->c.n_same, &s->c.n_invalid};
		(*n[action])++;
	}
	return rc;
}

enum db_rc imports_stage_end(struct import_stage *s, int commit)
{
	if (!commit) {
		db_rollback(s->db);
		return DB_OK;
	}
	sqlite3_stmt *st = DB_STMT(s->db, "UPDATE imports SET n_add = :a, n_update = :u, n_same = :s, "
					  "n_invalid = :x WHERE id = :i");
	enum db_rc rc = st ? DB_OK : DB_ERR;
	if (st) {
		db_bind_int(st, ":a", s->c.n_add);
		db_bind_int(st, ":u", s->c.n_update);
		db_bind_int(st, ":s", s->c.n_same);
		db_bind_int(st, ":x", s->c.n_invalid);
		db_bind_int(st, ":i", s->c.id);
		rc = db_exec_step(s->db, st);
	}
	return db_end(s->db, rc);
}

enum db_rc imports_get(struct db *db, int64_t id, int64_t admin_id, struct import_counts *out)
{
	sqlite3_stmt *st = DB_STMT(db, "SELECT created_at, coalesce(applied_at, 0), n_add, n_update, n_same, "
				       "n_invalid FROM imports WHERE id = :i AND admin_id = :a");
	if (!st)
		return DB_ERR;
	db_bind_int(st, ":i", id);
	db_bind_int(st, ":a", admin_id);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		out->id = id;
		out->created_at = sqlite3_column_int64(st, 0);
		out->applied_at = sqlite3_column_int64(st, 1);
		out->n_add = sqlite3_column_int64(st, 2);
		out->n_update = sqlite3_column_int64(st, 3);
		out->n_same = sqlite3_column_int64(st, 4);
		out->n_invalid = sqlite3_column_int64(st, 5);
	}
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? DB_OK : rc == SQLITE_DONE ? DB_NOTFOUND : db_rc_from(rc);
}

enum db_rc imports_lines(struct db *db, int64_t id, enum import_action action, int max,
			 void (*fn)(void *arg, const struct import_line *l), void *arg)
{
	sqlite3_stmt *st = DB_STMT(db, "SELECT line, email, name, team, job_title, reason FROM import_rows "
				       "WHERE import_id = :i AND action = :a ORDER BY line LIMIT :max");
	if (!st)
		return DB_ERR;
	db_bind_int(st, ":i", id);
	db_bind_int(st, ":a", action);
	db_bind_int(st, ":max", max);
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct import_line l = {
			.line = (long)sqlite3_column_int64(st, 0),
			.email = (const char *)sqlite3_column_text(st, 1),
			.name = (const char *)sqlite3_column_text(st, 2),
			.team = (const char *)sqlite3_column_text(st, 3),
			.title = (const char *)sqlite3_column_text(st, 4),
			.reason = (const char *)sqlite3_column_text(st, 5),
		};
		fn(arg, &l);
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? DB_OK : db_rc_from(rc);
}

/* Inside the transaction: one staged line to add or update, as things are
 * now. */
static enum db_rc apply_line(struct db *db, sqlite3_stmt *row, int64_t admin_id, int64_t now, const char *ip,
			     int64_t *added, int64_t *updated)
{
	char email[256], name[400], team[321], title[401];
	db_column_copy(row, 0, email, sizeof(email));
	db_column_copy(row, 1, name, sizeof(name));
	db_column_copy(row, 2, team, sizeof(team));
	db_column_copy(row, 3, title, sizeof(title));
	int64_t uid = 0;
	int a = classify(db, email, team, title, &uid);
	if (a < 0)
		return DB_ERR;
	if (a == IMPORT_SAME)
		return DB_OK;
	if (a == IMPORT_UPDATE) {
		enum db_rc rc = acct_set_team_title(db, uid, team, title, now);
		if (rc == DB_OK)
			rc = directory_refresh(db, uid, now);
		if (rc == DB_OK)
			(*updated)++;
		return rc;
	}
	int created = 0;
	enum db_rc rc = acct_invite_in(db, email, name, team, title, admin_id, now, ip, NULL, &created);
	if (rc == DB_OK && created)
		(*added)++;
	return rc;
}

enum db_rc imports_apply(struct db *db, int64_t id, int64_t admin_id, int64_t now, const char *ip,
			 int64_t *added, int64_t *updated)
{
	*added = *updated = 0;
	enum db_rc rc = db_begin(db);
	if (rc != DB_OK)
		return rc;
	struct import_counts c;
	rc = imports_get(db, id, admin_id, &c);
	if (rc == DB_OK && c.applied_at)
		rc = DB_CONFLICT;
	sqlite3_stmt *st = DB_STMT(db, "SELECT email, name, team, job_title FROM import_rows "
				       "WHERE import_id = :i AND action IN (1, 2) ORDER BY line");
	if (rc == DB_OK && !st)
		rc = DB_ERR;
	if (rc == DB_OK) {
		db_bind_int(st, ":i", id);
		int s = SQLITE_DONE;
		while (rc == DB_OK && (s = sqlite3_step(st)) == SQLITE_ROW)
			rc = apply_line(db, st, admin_id, now, ip, added, updated);
		if (rc == DB_OK && s != SQLITE_DONE)
			rc = db_rc_from(s);
		sqlite3_reset(st);
	}
	st = DB_STMT(db, "UPDATE imports SET applied_at = :now WHERE id = :i");
	if (rc == DB_OK && !st)
		rc = DB_ERR;
	if (rc == DB_OK) {
		db_bind_int(st, ":now", now);
		db_bind_int(st, ":i", id);
		rc = db_exec_step(db, st);
	}
	if (rc == DB_OK) {
		char detail[96];
		snprintf(detail, sizeof(detail), "added %lld, updated %lld", (long long)*added,
			 (long long)*updated);
		rc = audit_add(db, now, "import_applied", admin_id, 0, ip, detail);
	}
	return db_end(db, rc);
}
