/* mydata (issue 16): what a person's own account means to the store when
 * they take it away: everything about them that they may see (the
 * export), the account closed for others (deactivation and erasure:
 * pending requests withdrawn, active mentorships ended and the other
 * party told), reactivation, and erasure itself. */
#ifndef TANDEM_MYDATA_H
#define TANDEM_MYDATA_H
#include <stdint.h>

#include "store/db.h"

/* One value of an exported row: a number (is_num) or text (NUL-terminated
 * UTF-8, valid during the callback). */
struct mydata_field {
	const char *name;
	const char *text;
	int64_t num;
	int is_num;
};

/* Called once per row of each section, sections in a fixed order
 * ("account", "profile", "topics", "requests", "mentorships", "sessions",
 * "feedback", "action_items", "celebrations", "notification_prefs"); n fields. Sealed
 * texts arrive opened; a session's private note only when uid wrote it,
 * and the other party's never. Returns 0 to go on. */
typedef int (*mydata_fn)(void *arg, const char *section, const struct mydata_field *f, int n);

/* No transaction of its own (reads; one snapshot when the caller holds a
 * read transaction). Visit everything about uid that uid may see. DB_OK,
 * DB_ERR (also when a sealed value does not open or fn stopped). */
enum db_rc mydata_visit(struct db *db, int64_t uid, mydata_fn fn, void *arg);

/* Own transaction: the audit says uid exported their data. */
enum db_rc mydata_exported(struct db *db, int64_t uid, int64_t now, const char *ip);

/* Inside the caller's transaction: uid leaves the program for others.
 * Their pending requests, sent and received, are withdrawn; their active
 * mentorships end early with the reason "account closed" and the other
 * of each pair is told (outbox OB_ACCOUNT_CLOSED); everything the pair
 * shared stays readable by the other. DB_OK or an error. */
enum db_rc account_close(struct db *db, int64_t uid, int64_t now);

/* Own transaction: an admin reactivates account id (not an erased one):
 * it may sign in and shows in the directory again; its mentorships stay
 * ended. DB_OK, DB_NOTFOUND (no such deactivated account) or an error. */
enum db_rc account_reactivate(struct db *db, int64_t id, int64_t admin_id, int64_t now, const char *ip);

/* Own transaction, with SQLite's secure_delete on for it: erase uid's
 * account. account_close first; then their private notes and feedback,
 * profile, topics, sign-ins, second factor, preferences, mail owed to
 * them, unanswered survey invitations and throttle rows go; the account
 * row stays for the other party's history as "a former member" with no
 * address, password or role. Answered invitations stay (the response
 * rate), and so does the audit trail (ids, never text). DB_OK,
 * DB_CONFLICT (uid is the last active admin: nothing changed) or an
 * error (nothing changed). */
enum db_rc account_erase(struct db *db, int64_t uid, int64_t now, const char *ip);

#endif
