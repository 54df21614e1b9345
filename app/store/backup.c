#include "store/backup.h"

#include <stdio.h>
#include <unistd.h>

int backup_copy(struct db *db, const char *dest, char *why, size_t n)
{
	if (access(dest, F_OK) == 0) {
		snprintf(why, n, "%s exists; refusing to overwrite it", dest);
		return -1;
	}
	sqlite3 *out = NULL;
	int rc = sqlite3_open(dest, &out);
	sqlite3_backup *b = rc == SQLITE_OK ? sqlite3_backup_init(out, "main", db_handle(db), "main") : NULL;
	if (b) {
		/* Copy in steps so writers are held up only briefly; the backup API
		 * restarts itself if the source changes, so the copy is consistent. */
		do {
			rc = sqlite3_backup_step(b, 256);
			if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED)
				sqlite3_sleep(20);
		} while (rc == SQLITE_OK || rc == SQLITE_BUSY || rc == SQLITE_LOCKED);
		sqlite3_backup_finish(b);
	}
	int ok = rc == SQLITE_DONE;
	if (!ok)
		snprintf(why, n, "backup failed: %s", sqlite3_errmsg(out ? out : db_handle(db)));
	sqlite3_close(out);
	return ok ? 0 : -1;
}
