/* activity: the weekly figures of issue 17 (sql/0016_pairing.sql,
 * activity_weeks): per person, kind and week (its Monday), kept by
 * triggers in the writing transactions, so reading 12 weeks reads 12 rows
 * at most from the primary key, however long a person's history. */
#ifndef TANDEM_ACTIVITY_H
#define TANDEM_ACTIVITY_H
#include <stdint.h>

#include "store/db.h"

/* No transaction of its own (a read). out[0..nweeks) gets uid's figure of
 * kind ("pairing", "office_hours", "help_led", "help_attended") for the
 * weeks starting on day number first_monday (core/week.h), one a week.
 * DB_OK or DB_ERR (out then all 0). */
enum db_rc activity_weeks_read(struct db *db, int64_t uid, const char *kind, int64_t first_monday, int nweeks,
			       int *out);

/* No transaction of its own (a read). uid's pairing intention a week
 * (profiles.pairing_goal), 0 when unset or unknown. */
int activity_pairing_goal(struct db *db, int64_t uid);

#endif
