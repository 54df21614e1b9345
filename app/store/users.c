#include "store/users.h"

#include <stdio.h>
#include <string.h>

#include "store/audit.h"
#include "store/directory.h"

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
	enum db_rc rc = db_exec_step(db, st);
	if (rc != DB_OK)
		return rc;
	*id = sqlite3_last_insert_rowid(db_handle(db));
	st = DB_STMT(db, "INSERT INTO profiles(user_id, updated_at) VALUES (:id, :now)");
	if (!st)
		return DB_ERR;
	db_bind_int(st, ":id", *id);
	db_bind_int(st, ":now", now);
	return db_exec_step(db, st);
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
	return db_exec_step(db, st);
}

enum db_rc user_set_last_login(struct db *db, int64_t id, int64_t now)
{
	sqlite3_stmt *st = DB_STMT(db, "UPDATE users SET last_login_at = :now WHERE id = :id");
	if (!st)
		return DB_ERR;
	db_bind_int(st, ":now", now);
	db_bind_int(st, ":id", id);
	return db_exec_step(db, st);
}

enum db_rc user_set_role(struct db *db, int64_t id, const char *role)
{
	sqlite3_stmt *st = DB_STMT(db, "UPDATE users SET role = :r WHERE id = :id");
	if (!st)
		return DB_ERR;
	db_bind_text(st, ":r", role);
	db_bind_int(st, ":id", id);
	return db_exec_step(db, st);
}

enum db_rc user_deactivate(struct db *db, int64_t id)
{
	sqlite3_stmt *st = DB_STMT(db, "UPDATE users SET active = 0 WHERE id = :id");
	if (!st)
		return DB_ERR;
	db_bind_int(st, ":id", id);
	enum db_rc rc = db_exec_step(db, st);
	if (rc != DB_OK)
		return rc;
	st = DB_STMT(db, "DELETE FROM sessions WHERE user_id = :id");
	if (!st)
		return DB_ERR;
	db_bind_int(st, ":id", id);
	rc = db_exec_step(db, st);
	/* Out of the directory too: nobody can ask a deactivated mentor. */
	return rc == DB_OK ? directory_refresh(db, id, 0) : rc;
}

int64_t user_active_admins(struct db *db)
{
	return db_scalar(db, "SELECT count(*) FROM users WHERE role = 'admin' AND active = 1", 0);
}

enum db_rc user_each(struct db *db, int max, void (*fn)(void *arg, const struct user_row *row), void *arg)
{
	sqlite3_stmt *st = DB_STMT(db, "SELECT id, display_name, email, role, "
				       "coalesce(last_login_at, 0), active FROM users ORDER BY "
				       "active DESC, display_name COLLATE NOCASE LIMIT :max");
	if (!st)
		return DB_ERR;
	db_bind_int(st, ":max", max);
	while (sqlite3_step(st) == SQLITE_ROW) {
		struct user_row r = {
			.id = sqlite3_column_int64(st, 0),
			.name = (const char *)sqlite3_column_text(st, 1),
			.email = (const char *)sqlite3_column_text(st, 2),
			.role = (const char *)sqlite3_column_text(st, 3),
			.last_login_at = sqlite3_column_int64(st, 4),
			.active = sqlite3_column_int(st, 5),
		};
		fn(arg, &r);
	}
	sqlite3_reset(st);
	return DB_OK;
}

enum db_rc user_change(struct db *db, int64_t id, const char *role, int64_t admin_id, int64_t now,
		       const char *ip, struct user *u)
{
	enum db_rc rc = db_begin(db);
	if (rc != DB_OK)
		return rc;
	if (user_by_id(db, id, u) != DB_OK) {
		db_rollback(db);
		return DB_NOTFOUND;
	}
	int removes_admin =
		strcmp(u->role, "admin") == 0 && u->active && (!role || strcmp(role, "admin") != 0);
	if (removes_admin && user_active_admins(db) <= 1) {
		db_rollback(db);
		return DB_CONFLICT;
	}
	rc = role ? user_set_role(db, id, role) : user_deactivate(db, id);
	if (rc == DB_OK)
		rc = audit_add(db, now, role ? "role_changed" : "user_deactivated", admin_id, id, ip, role);
	return db_end(db, rc);
}
