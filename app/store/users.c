#include "store/users.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "store/audit.h"
#include "store/directory.h"
#include "store/mydata.h"

void user_from_row(sqlite3_stmt *st, int f, struct user *u)
{
	u->id = sqlite3_column_int64(st, f);
	db_column_copy(st, f + 1, u->email, sizeof(u->email));
	db_column_copy(st, f + 2, u->name, sizeof(u->name));
	db_column_copy(st, f + 3, u->pw_hash, sizeof(u->pw_hash));
	db_column_copy(st, f + 4, u->role, sizeof(u->role));
	u->active = sqlite3_column_int(st, f + 5);
	u->last_login_at = sqlite3_column_int64(st, f + 6);
	u->verified = sqlite3_column_int(st, f + 7);
	u->tz[0] = '\0'; /* the profile's, read when a page asks (ctx_timezone) */
	u->pairing_goal = -1;
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
				       "coalesce(last_login_at, 0), verified FROM users WHERE email = :e");
	if (!st)
		return DB_ERR;
	db_bind_text(st, ":e", email);
	return fill(st, u);
}

enum db_rc user_by_id(struct db *db, int64_t id, struct user *u)
{
	sqlite3_stmt *st = DB_STMT(db, "SELECT id, email, display_name, pw_hash, role, active, "
				       "coalesce(last_login_at, 0), verified FROM users WHERE id = :id");
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

/* The accents user_keys folds away (sql/0012_kept_counts.sql replaces
 * each of these characters by its letters, after SQLite's lower(), which
 * folds ASCII only): one list per base, the same characters in the same
 * order as the migration's. */
static const struct {
	const char *base, *from;
} accents[] = {
	{"a", "àáâãäåÀÁÂÃÄÅ"}, {"c", "çÇ"},	      {"e", "èéêëÈÉÊË"}, {"i", "ìíîïÌÍÎÏ"},
	{"n", "ñÑ"},	       {"o", "òóôõöøÒÓÔÕÖØ"}, {"u", "ùúûüÙÚÛÜ"}, {"y", "ýÿÝ"},
	{"ss", "ß"},	       {"ae", "æÆ"},	      {"oe", "œŒ"},
};

/* What was typed, folded as user_keys folds a name: ASCII lower case,
 * the accents above taken off. 0 when nothing is left. */
static size_t user_fold(const char *in, char *out, size_t cap)
{
	size_t o = 0;
	for (const char *p = in; *p && o + 3 < cap;) {
		const char *rep = NULL;
		size_t used = 1;
		for (size_t i = 0; !rep && i < sizeof(accents) / sizeof(accents[0]); i++)
			for (const char *c = accents[i].from; *c; c += 2) /* each is two bytes of UTF-8 */
				if (p[0] == c[0] && p[1] == c[1]) {
					rep = accents[i].base;
					used = 2;
					break;
				}
		if (rep) {
			for (; *rep && o + 3 < cap; rep++)
				out[o++] = *rep;
		} else {
			out[o++] = (char)tolower((unsigned char)*p);
		}
		p += used;
	}
	out[o] = '\0';
	return o;
}

/* Rows selected as id, display_name, email, role, last login, active,
 * and the key the list is ordered by. */
static enum db_rc each_user(sqlite3_stmt *st, int max, void (*fn)(void *arg, const struct user_row *row),
			    void *arg, int *more)
{
	int rc, n = 0;
	*more = 0;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (n++ == max) {
			*more = 1;
			break;
		}
		struct user_row r = {
			.id = sqlite3_column_int64(st, 0),
			.name = (const char *)sqlite3_column_text(st, 1),
			.email = (const char *)sqlite3_column_text(st, 2),
			.role = (const char *)sqlite3_column_text(st, 3),
			.last_login_at = sqlite3_column_int64(st, 4),
			.active = sqlite3_column_int(st, 5),
			.key = (const char *)sqlite3_column_text(st, 6),
		};
		fn(arg, &r);
	}
	sqlite3_reset(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? DB_OK : db_rc_from(rc);
}

enum db_rc user_page(struct db *db, const struct user_query *q, int max,
		     void (*fn)(void *arg, const struct user_row *row), void *arg, int *more)
{
	char key[512], hi[520];
	sqlite3_stmt *st;
	*more = 0;
	if (max < 1 || max > 200)
		return DB_ERR;
	/* Three statements, not one with "OR :x = ''": each reads one index
	 * range in its own order (the ">=" on the name is what SQLite seeks
	 * on; a row value alone would scan the index from its start) and
	 * stops after max + 1 rows. A search reads the range of user_keys
	 * that starts with what was typed (every key below key + U+10FFFF). */
	if (q->search && user_fold(q->search, key, sizeof(key))) {
		snprintf(hi, sizeof(hi), "%s\xf4\x8f\xbf\xbf", key);
		const char *after = q->after_name ? q->after_name : "";
		/* One range of user_keys in its own (key, user_id) order, from
		 * the cursor (or the prefix, whichever is later); an account
		 * matched by two of its words shows at the first only. */
		st = DB_STMT(
			db,
			"SELECT u.id, u.display_name, u.email, u.role, coalesce(u.last_login_at, 0), "
			"u.active, k.key FROM user_keys k JOIN users u ON u.id = k.user_id "
			"WHERE k.key >= :start AND k.key < :hi AND (k.key > :after OR k.user_id > :id) "
			"AND (:role = '' OR u.role = :role) AND NOT EXISTS (SELECT 1 FROM user_keys e "
			"WHERE e.user_id = k.user_id AND e.word < k.word AND e.key >= :key AND e.key < :hi) "
			"ORDER BY k.key, k.user_id LIMIT :n");
		if (!st)
			return DB_ERR;
		db_bind_text(st, ":start", strcmp(after, key) > 0 ? after : key);
		db_bind_text(st, ":after", after);
		db_bind_text(st, ":key", key);
		db_bind_text(st, ":hi", hi);
		db_bind_text(st, ":role", q->role ? q->role : "");
	} else if (q->role && *q->role) {
		st = DB_STMT(
			db,
			"SELECT id, display_name, email, role, coalesce(last_login_at, 0), active, "
			"display_name FROM users WHERE role = :role AND display_name COLLATE NOCASE >= :name "
			"AND (display_name COLLATE NOCASE > :name OR id > :id) "
			"ORDER BY display_name COLLATE NOCASE, id LIMIT :n");
		if (!st)
			return DB_ERR;
		db_bind_text(st, ":role", q->role);
		db_bind_text(st, ":name", q->after_name ? q->after_name : "");
	} else {
		st = DB_STMT(db, "SELECT id, display_name, email, role, coalesce(last_login_at, 0), active, "
				 "display_name FROM users WHERE display_name COLLATE NOCASE >= :name "
				 "AND (display_name COLLATE NOCASE > :name OR id > :id) "
				 "ORDER BY display_name COLLATE NOCASE, id LIMIT :n");
		if (!st)
			return DB_ERR;
		db_bind_text(st, ":name", q->after_name ? q->after_name : "");
	}
	db_bind_int(st, ":id", q->after_id);
	db_bind_int(st, ":n", max + 1);
	return each_user(st, max, fn, arg, more);
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
	/* issue 16: deactivation closes the account for the people it was
	 * mentoring with (store/mydata.h). */
	if (rc == DB_OK && !role)
		rc = account_close(db, id, now);
	if (rc == DB_OK)
		rc = audit_add(db, now, role ? "role_changed" : "user_deactivated", admin_id, id, ip, role);
	return db_end(db, rc);
}
