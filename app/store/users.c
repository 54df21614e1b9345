#include "store/users.h"

#include "store/directory.h"

#include <stdio.h>
#include <string.h>

void user_from_row(sqlite3_stmt *st, int f, struct user *u)
{
	u->id = sqlite3_column_int64(st, f);
	db_column_copy(st, f + 1, u->email, sizeof(u->email));
	db_column_copy(st, f + 2, u->name, sizeof(u->name));
	db_column_copy(st, f + 3, u->pw_hash, sizeof(u->pw_hash));
	db_column_copy(st, f + 4, u->role, sizeof(u->role));
	u->active = sqlite3_column_int(st, f + 5);
	u->last_login_at = sqlite3_column_int64(st, f + 6);
}

static enum db_rc fill(sqlite3_stmt *st, struct user *u)
{
	int rc = sqlite3_step(st);
	if (rc != SQLITE_ROW) {
		sqlite3_reset(st);
		return rc == SQLITE_DONE ? DB_NOTFOUND : db_rc_from(rc);
	}
	user_from_row(st, 0, u);
	sqlite3_reset(st);
	return DB_OK;
}

enum db_rc user_create(struct db *db, const char *email, const char *name, const char *pw_hash,
		       const char *role, int64_t now, int64_t *id)
{
	sqlite3_stmt *st = DB_STMT(db, "INSERT INTO users(email, display_name, pw_hash, role, created_at) "
				       "VALUES (:e, :n, :h, :r, :now)");
	if (!st)
		return DB_ERR;
	db_bind_text(st, ":e", email);
	db_bind_text(st, ":n", name);
	db_bind_text(st, ":h", pw_hash);
	db_bind_text(st, ":r", role);
	db_bind_int(st, ":now", now);
	enum db_rc rc = db_exec_step(st);
	if (rc != DB_OK)
		return rc;
	*id = sqlite3_last_insert_rowid(db_handle(db));
	st = DB_STMT(db, "INSERT INTO profiles(user_id, updated_at) VALUES (:id, :now)");
	if (!st)
		return DB_ERR;
	db_bind_int(st, ":id", *id);
	db_bind_int(st, ":now", now);
	return db_exec_step(st);
}

enum db_rc user_by_email(struct db *db, const char *email, struct user *u)
{
	sqlite3_stmt *st = DB_STMT(db, "SELECT id, email, display_name, pw_hash, role, active, "
				       "coalesce(last_login_at, 0) FROM users WHERE email = :e");
	if (!st)
		return DB_ERR;
	db_bind_text(st, ":e", email);
	return fill(st, u);
}

enum db_rc user_by_id(struct db *db, int64_t id, struct user *u)
{
	sqlite3_stmt *st = DB_STMT(db, "SELECT id, email, display_name, pw_hash, role, active, "
				       "coalesce(last_login_at, 0) FROM users WHERE id = :id");
	if (!st)
		return DB_ERR;
	db_bind_int(st, ":id", id);
	return fill(st, u);
}

enum db_rc user_set_password(struct db *db, int64_t id, const char *pw_hash)
{
	sqlite3_stmt *st = DB_STMT(db, "UPDATE users SET pw_hash = :h WHERE id = :id");
	if (!st)
		return DB_ERR;
	db_bind_text(st, ":h", pw_hash);
	db_bind_int(st, ":id", id);
	return db_exec_step(st);
}

enum db_rc user_set_last_login(struct db *db, int64_t id, int64_t now)
{
	sqlite3_stmt *st = DB_STMT(db, "UPDATE users SET last_login_at = :now WHERE id = :id");
	if (!st)
		return DB_ERR;
	db_bind_int(st, ":now", now);
	db_bind_int(st, ":id", id);
	return db_exec_step(st);
}

enum db_rc user_set_role(struct db *db, int64_t id, const char *role)
{
	sqlite3_stmt *st = DB_STMT(db, "UPDATE users SET role = :r WHERE id = :id");
	if (!st)
		return DB_ERR;
	db_bind_text(st, ":r", role);
	db_bind_int(st, ":id", id);
	return db_exec_step(st);
}

enum db_rc user_deactivate(struct db *db, int64_t id)
{
	sqlite3_stmt *st = DB_STMT(db, "UPDATE users SET active = 0 WHERE id = :id");
	if (!st)
		return DB_ERR;
	db_bind_int(st, ":id", id);
	enum db_rc rc = db_exec_step(st);
	if (rc != DB_OK)
		return rc;
	st = DB_STMT(db, "DELETE FROM sessions WHERE user_id = :id");
	if (!st)
		return DB_ERR;
	db_bind_int(st, ":id", id);
	rc = db_exec_step(st);
	/* Out of the directory too: nobody can ask a deactivated mentor. */
	return rc == DB_OK ? directory_refresh(db, id, 0) : rc;
}

int64_t user_active_admins(struct db *db)
{
	return db_scalar(db, "SELECT count(*) FROM users WHERE role = 'admin' AND active = 1", 0);
}
