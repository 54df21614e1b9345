/* migrate: apply sql/NNNN_*.sql in order, each once, each in its own
 * transaction, recorded in schema_migrations. */
#ifndef TANDEM_MIGRATE_H
#define TANDEM_MIGRATE_H
#include <stdint.h>

#include "store/db.h"

/* Apply what is missing from sql_dir. Returns the number applied (0 when
 * up to date) or -1 after logging which file failed (that file's changes
 * are rolled back; earlier ones stay). */
int migrate_apply(struct db *db, const char *sql_dir);

/* No transaction of its own (a read). Migrations recorded as applied, or
 * -1 when that cannot be read (no schema yet, or the file does not read):
 * one real query, the health check's. */
int64_t migrate_count(struct db *db);

/* No transaction of its own (a read). 1 when migrations have been applied
 * to this database, else 0 (nothing is logged for a new file). */
int migrate_has_schema(struct db *db);

/* No transaction of its own (reads). Compare the migrations recorded in
 * db with the files in sql_dir: *missing gets how many files are not
 * applied (an older database: `migrate` brings it up), *unknown how many
 * recorded names have no file here (a database from a newer Tandem than
 * this one: it must not be served by this build). 0, or -1 when either
 * cannot be read. */
/* 1 when a database file exists at path (a regular file, not empty). */
int migrate_db_exists(const char *path);

int migrate_compare(struct db *db, const char *sql_dir, int *missing, int *unknown);

#endif
