#include "store/waits.h"

/* Pending and younger than REQ_EXPIRE_AFTER (14 days): older ones read as
 * expired everywhere (REQ_STATUS_SQL). */
#define OPEN_SQL "FROM requests WHERE status = 'pending' AND created_at > :now - 1209600"

enum db_rc waits_open_requests(struct db *db, int64_t now, int64_t *open, int64_t *median)
{
	*open = *median = 0;
	sqlite3_stmt *st = DB_STMT(db, "SELECT count(*) " OPEN_SQL);
	if (!st)
		return DB_ERR;
	db_bind_int(st, ":now", now);
	int rc = sqlite3_step(st);
	int64_t n = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	sqlite3_reset(st);
	if (rc != SQLITE_ROW)
		return DB_ERR;
	if (n == 0)
		return DB_OK;
	/* The middle one (odd count) or two (even count) of the sorted waits. */
	st = DB_STMT(db, "SELECT sum(w) / count(*) FROM (SELECT :now - created_at AS w " OPEN_SQL
			 " ORDER BY 1 LIMIT 2 - (:n % 2) OFFSET (:n - 1) / 2)");
	if (!st)
		return DB_ERR;
	db_bind_int(st, ":now", now);
	db_bind_int(st, ":n", n);
	rc = sqlite3_step(st);
	int64_t m = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	sqlite3_reset(st);
	if (rc != SQLITE_ROW)
		return DB_ERR;
	*open = n;
	*median = m;
	return DB_OK;
}
