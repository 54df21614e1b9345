/* account_new: the rules every new account passes, whether it comes from
 * /signup, /setup or `tandem create-admin`. */
#ifndef TANDEM_ACCOUNT_NEW_H
#define TANDEM_ACCOUNT_NEW_H
#include <stdint.h>

#include "http/fields.h"
#include "security/password.h"
#include "store/db.h"

/* The four fields every new-account form has, in this order. */
#define ACCOUNT_FIELDS                                                                                       \
	{"email", "Email", FT_EMAIL, 1, 0, 254, NULL, 0},                                                    \
		{"display_name", "Display name", FT_LINE, 1, 1, 80, NULL, 0},                                \
		{"password", "password", FT_PASSWORD, 1, 0, 0, NULL, 0},                                     \
	{                                                                                                    \
		"password_confirm", "password confirmation", FT_PASSWORD, 1, 0, 0, NULL, 0                   \
	}

/* Apply the password policy and the confirmation to fields at indexes
 * [first, first+3] laid out as ACCOUNT_FIELDS; messages go into f. */
void account_check_password(struct fields *f, size_t first);

/* Hash the password with argon2id (waiting briefly for a slot), holding no
 * snapshot and no write lock. DB_OK, DB_BUSY (every slot stayed busy) or
 * DB_ERR. */
enum db_rc account_hash(struct db *db, const char *password, char hash[PW_HASH_LEN]);

/* Create the account from a hash and add its audit entry, inside the
 * caller's transaction. DB_OK (and *id), DB_CONFLICT (email taken) or an
 * error. */
enum db_rc account_insert(struct db *db, const char *email, const char *name, const char *hash,
			  const char *role, int64_t now, const char *ip, int64_t *id);

/* Hash the password and create the account with an audit entry, in one
 * transaction. DB_OK (and *id), DB_CONFLICT (email taken), DB_BUSY (also
 * when every argon2id slot is busy) or DB_ERR. */
enum db_rc account_create(struct db *db, const char *email, const char *name, const char *password,
			  const char *role, int64_t now, const char *ip, int64_t *id);

#endif
