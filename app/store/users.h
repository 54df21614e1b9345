/* users: accounts and roles. */
#ifndef TANDEM_USERS_H
#define TANDEM_USERS_H
#include <stdint.h>

#include "store/db.h"

struct user {
	int64_t id;
	char email[256];
	char name[400];
	char pw_hash[160];
	char role[8];
	int active;
	int64_t last_login_at;
	int verified;		 /* issue 16: the address was confirmed (sql/0014) */
	int64_t surveys_waiting; /* open invitations not answered (sql/0034); sess_lookup only */
	char tz[64];	  /* the profile's zone: from sess_lookup, else "" until ctx_timezone reads it */
	int pairing_goal; /* the profile's (sql/0040): from sess_lookup, else -1 (unknown) */
};

/* Fill u from columns first..first+7 of a row selected as
 * id, email, display_name, pw_hash, role, active, coalesce(last_login_at, 0),
 * verified. */
void user_from_row(sqlite3_stmt *st, int first, struct user *u);

/* Inside the caller's transaction: create an account and its empty
 * profile; *id gets its id. DB_CONFLICT when the email is taken. */
enum db_rc user_create(struct db *db, const char *email, const char *name, const char *pw_hash,
		       const char *role, int64_t now, int64_t *id);
/* No transaction of its own (reads). Fetch by normalised email or by id.
 * DB_OK or DB_NOTFOUND. */
enum db_rc user_by_email(struct db *db, const char *email, struct user *u);
enum db_rc user_by_id(struct db *db, int64_t id, struct user *u);
/* Inside the caller's transaction: single updates. DB_OK or an error. */
enum db_rc user_set_password(struct db *db, int64_t id, const char *pw_hash);
enum db_rc user_set_last_login(struct db *db, int64_t id, int64_t now);
enum db_rc user_set_role(struct db *db, int64_t id, const char *role);
enum db_rc user_deactivate(struct db *db, int64_t id);
/* No transaction of its own (a read). Active admins, for "never remove the
 * last admin" and first-run setup. */
int64_t user_active_admins(struct db *db);

/* One line of the admin's list of people; strings valid during the
 * callback. */
struct user_row {
	int64_t id, last_login_at; /* 0: never */
	const char *name, *email, *role;
	const char *key; /* what the list is ordered by (the name, or the key a search
			  * matched): with id, the cursor of the next page */
	int active;
};

/* One page of the admin's list of people (keyset: the page after the
 * last row shown, so a row added meanwhile never repeats or hides one). */
struct user_query {
	const char *search;	/* "": everyone; else the start of the address, or of the
				 * name from one of its first four words on ("chloe d" and
				 * "dub" find "Chloé Dubois"); matches go by id */
	const char *role;	/* "": any; "member" or "admin" */
	const char *after_name; /* without search: the last row's name ("" on the first page) */
	int64_t after_id;	/* the last row's id (0 on the first page) */
};

/* No transaction of its own (a read). Call fn(arg, row) for at most max
 * accounts (max <= 200): by name then id, or by matched key then id for a
 * search (an account once, at its earliest matching word), after
 * the cursor in q. *more is 1 when another page follows. Reads one index
 * range whatever the number of accounts. DB_OK or a
 * store error. */
enum db_rc user_page(struct db *db, const struct user_query *q, int max,
		     void (*fn)(void *arg, const struct user_row *row), void *arg, int *more);

/* Own transaction: an admin (admin_id, from ip) sets account id's role, or
 * deactivates it when role is NULL, with an audit line; u gets the account
 * as it was. Checked in the same transaction, the change never leaves the
 * program without an active admin. Deactivation also closes the account
 * for others (store/mydata.h account_close, issue 16). DB_OK; DB_NOTFOUND when there is no
 * such account; DB_CONFLICT when it would remove the last active admin
 * (nothing changed); DB_BUSY or DB_ERR. */
enum db_rc user_change(struct db *db, int64_t id, const char *role, int64_t admin_id, int64_t now,
		       const char *ip, struct user *u);

#endif
