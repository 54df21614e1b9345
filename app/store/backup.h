/* backup: a consistent copy of the database into a new file, taken while
 * the server runs (`tandem backup FILE`). */
#ifndef TANDEM_BACKUP_H
#define TANDEM_BACKUP_H
#include <stddef.h>

#include "store/db.h"

/* No transaction of its own: SQLite's backup API copies page by page and
 * restarts itself when the source changes, so the copy is consistent
 * without holding writers up for long. Writes db into dest, which must
 * not exist yet. 0 on success; -1 with why (n bytes) filled otherwise. */
int backup_copy(struct db *db, const char *dest, char *why, size_t n);

#endif
