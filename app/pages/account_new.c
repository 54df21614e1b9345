#include "pages/account_new.h"

#include <string.h>

#include "security/password.h"
#include "store/audit.h"
#include "store/users.h"

void account_check_password(struct fields *f, size_t first)
{
	const char *email = f->v[first].s, *pw = f->v[first + 2].s, *confirm = f->v[first + 3].s;
	if (f->err[first + 2])
		return;
	const char *why = pw_policy(pw, email);
	if (why)
		fields_fail(f, first + 2, why);
	else if (strcmp(pw, confirm) != 0)
		fields_fail(f, first + 3, "The two passwords are not the same. Type the new password twice.");
}

enum db_rc account_hash(struct db *db, const char *password, char hash[PW_HASH_LEN])
{
	/* argon2id takes tens of ms: no snapshot may pin the WAL meanwhile. */
	db_read_end(db);
	enum pw_rc p = pw_hash(password, hash);
	if (p != PW_OK)
		return p == PW_BUSY ? DB_BUSY : DB_ERR;
	return DB_OK;
}

enum db_rc account_insert(struct db *db, const char *email, const char *name, const char *hash,
			  const char *role, int64_t now, const char *ip, int64_t *id)
{
	enum db_rc rc = user_create(db, email, name, hash, role, now, id);
	if (rc == DB_OK)
		rc = audit_add(db, now, strcmp(role, "admin") == 0 ? "admin_created" : "signup", *id, *id, ip,
			       NULL);
	return rc;
}

enum db_rc account_create(struct db *db, const char *email, const char *name, const char *password,
			  const char *role, int64_t now, const char *ip, int64_t *id)
{
	char hash[PW_HASH_LEN];
	enum db_rc rc = account_hash(db, password, hash);
	if (rc != DB_OK)
		return rc;
	rc = db_begin(db);
	if (rc != DB_OK)
		return rc;
	rc = account_insert(db, email, name, hash, role, now, ip, id);
	return db_end(db, rc);
}
