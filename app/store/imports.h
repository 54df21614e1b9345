/* imports: an employee CSV between its preview and its application
 * (issue 16; sql/0014: imports, import_rows). Staging classifies each
 * line against the accounts (add, update team/title, unchanged, invalid
 * with its reason); the preview reads that; applying re-checks every line
 * against the accounts as they are then, in one transaction, so the same
 * file applied twice changes nothing the second time. */
#ifndef TANDEM_IMPORTS_H
#define TANDEM_IMPORTS_H
#include <stdint.h>

#include "store/db.h"

enum import_action { IMPORT_ADD = 1, IMPORT_UPDATE = 2, IMPORT_SAME = 3, IMPORT_INVALID = 4 };

struct import_counts {
	int64_t id, created_at, applied_at; /* applied_at 0: not yet */
	int64_t n_add, n_update, n_same, n_invalid;
};

/* A staging in progress: between imports_stage_begin and _end one write
 * transaction is open on db. */
struct import_stage {
	struct db *db;
	int64_t now;
	struct import_counts c;
};

/* Opens a write transaction (ended by imports_stage_end): a new import by
 * admin_id; stagings older than a day are dropped. DB_OK or an error
 * (then no transaction is open). */
enum db_rc imports_stage_begin(struct db *db, int64_t admin_id, int64_t now, struct import_stage *s);

/* One line of the file. reason: why the line is invalid (NULL when it
 * passed the page's checks; the address can still be a repeat of an
 * earlier line, which makes it invalid here). email lower-cased. DB_OK or
 * an error (the caller then ends the stage with commit 0). */
enum db_rc imports_stage_row(struct import_stage *s, long line, const char *email, const char *name,
			     const char *team, const char *title, const char *reason);

/* Commit (commit 1, when every row went in) or roll back the stage. DB_OK
 * (and s->c holds the counts and the import's id) or an error. */
enum db_rc imports_stage_end(struct import_stage *s, int commit);

/* No transaction of its own (a read): import id of admin_id. DB_OK,
 * DB_NOTFOUND (none, or another admin's) or an error. */
enum db_rc imports_get(struct db *db, int64_t id, int64_t admin_id, struct import_counts *out);

/* One line of the preview; strings valid during the callback. */
struct import_line {
	long line;
	const char *email, *name, *team, *title, *reason;
};

/* No transaction of its own (a read): call fn for at most max lines of
 * import id with action, by line number. DB_OK or an error. */
enum db_rc imports_lines(struct db *db, int64_t id, enum import_action action, int max,
			 void (*fn)(void *arg, const struct import_line *l), void *arg);

/* Own transaction: apply import id of admin_id. Each line to add or to
 * update is checked again: an address with no account becomes an invited
 * account (store/acct_life.h: acct_invite_in, with its invitation mail);
 * an existing account gets the team and title when they differ. One
 * audit line. DB_OK (and *added, *updated), DB_NOTFOUND, DB_CONFLICT
 * (applied already) or an error; nothing is kept unless DB_OK. */
enum db_rc imports_apply(struct db *db, int64_t id, int64_t admin_id, int64_t now, const char *ip,
			 int64_t *added, int64_t *updated);

#endif
