/* check: is this database whole, of a schema this build serves, and can
 * every sealed value be opened with the key loaded? `tandem check` runs
 * it on the live data (read-only, for monitoring) and `tandem restore`
 * on a backup before it replaces anything. */
#ifndef TANDEM_CHECK_H
#define TANDEM_CHECK_H

#include "store/db.h"

struct check_result {
	char integrity[256];	/* PRAGMA integrity_check's first line: "ok" when whole */
	long foreign_key_rows;	/* rows PRAGMA foreign_key_check reports */
	int migrations_missing; /* files not applied yet (an older database) */
	int migrations_unknown; /* applied by a newer Tandem than this one */
	long sealed_values, sealed_bad;
};

/* No transaction of its own (reads, in one snapshot). Fill *r; seal_init
 * must have loaded the key. 0, or -1 when a check could not run at all
 * (not a database, no schema): *r then says what it got to. */
int check_run(struct db *db, const char *sql_dir, struct check_result *r);

/* 1 when *r is fit to serve: whole, no dangling reference, no migration
 * unknown to this build, every sealed value opens. Missing migrations are
 * fine (serve applies them). */
int check_passed(const struct check_result *r);

#endif
