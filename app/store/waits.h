/* waits: the admin overview's open-request figures, computed in SQL so
 * they hold however many requests are open (no array, no cap). */
#ifndef TANDEM_WAITS_H
#define TANDEM_WAITS_H
#include <stdint.h>

#include "store/db.h"

/* Count the requests pending and not yet expired as of now into *open,
 * and the median of how long they have waited (seconds; the mean of the
 * two middle waits, rounded down, when the count is even) into *median
 * (0 when none is open). Returns DB_OK or the error; on error both are 0. */
enum db_rc waits_open_requests(struct db *db, int64_t now, int64_t *open, int64_t *median);

#endif
