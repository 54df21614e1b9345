/* migrate: apply sql/NNNN_*.sql in order, each once, each in its own
 * transaction, recorded in schema_migrations. */
#ifndef TANDEM_MIGRATE_H
#define TANDEM_MIGRATE_H
#include "store/db.h"

/* Apply what is missing from sql_dir. Returns the number applied (0 when
 * up to date) or -1 after logging which file failed (that file's changes
 * are rolled back; earlier ones stay). */
int migrate_apply(struct db *db, const char *sql_dir);

#endif
