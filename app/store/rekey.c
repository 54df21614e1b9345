#include "store/rekey.h"

#include "store/sealed.h"

long rekey_all(struct db *db)
{
	if (db_begin(db) != DB_OK)
		return -1;
	/* Values older than their owners in the associated data are sealed
	 * for them first, in the same transaction (serve would at start).
	 * Every sealed column is in store/sealed.h's list, and only there. */
	long n = sealed_owner_convert_in(db) < 0 ? -1 : sealed_rekey_all(db);
	if (n < 0) {
		db_rollback(db);
		return -1;
	}
	return db_commit(db) == DB_OK ? n : -1;
}
