/* rekey: re-seal every encrypted value under the current key. */
#ifndef TANDEM_REKEY_H
#define TANDEM_REKEY_H
#include "store/db.h"

/* In one transaction, open each sealed value (with whichever key sealed
 * it) and seal it again with the current key. Returns the number of
 * values re-sealed, or -1 (nothing changed) when one does not open or the
 * database fails. The list of sealed columns is store/sealed.h's. Values
 * not yet sealed for their owners are sealed for them in the same
 * transaction (sealed_owner_convert_in). */
long rekey_all(struct db *db);

#endif
