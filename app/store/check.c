#include "store/check.h"

#include <stdio.h>
#include <string.h>

#include "store/migrate.h"
#include "store/sealed.h"

int check_run(struct db *db, const char *sql_dir, struct check_result *r)
{
	*r = (struct check_result){.foreign_key_rows = -1, .migrations_unknown = -1, .sealed_values = -1};
	snprintf(r->integrity, sizeof(r->integrity), "%s", "not checked");
	db_read_begin(db);
	int rc = -1;
	sqlite3_stmt *st = DB_STMT(db, "PRAGMA integrity_check(1)");
	if (st) {
		if (sqlite3_step(st) == SQLITE_ROW)
			db_column_copy(st, 0, r->integrity, sizeof(r->integrity));
		else
			snprintf(r->integrity, sizeof(r->integrity), "%s", sqlite3_errmsg(db_handle(db)));
		sqlite3_reset(st);
	}
	sqlite3_stmt *fk = DB_STMT(db, "SELECT count(*) FROM pragma_foreign_key_check");
	if (fk && sqlite3_step(fk) == SQLITE_ROW)
		r->foreign_key_rows = sqlite3_column_int64(fk, 0);
	if (fk)
		sqlite3_reset(fk);
	if (migrate_compare(db, sql_dir, &r->migrations_missing, &r->migrations_unknown) == 0) {
		r->sealed_values = sealed_check_all(db, &r->sealed_bad);
		rc = r->sealed_values < 0 ? -1 : 0;
	}
	db_read_end(db);
	return rc;
}

int check_passed(const struct check_result *r)
{
	return r->sealed_values >= 0 && r->sealed_bad == 0 && r->foreign_key_rows == 0 &&
	       r->migrations_unknown == 0 && strcmp(r->integrity, "ok") == 0;
}
