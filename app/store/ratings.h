/* ratings: the program-wide average session rating admins see, in steps
 * of k forms (sql/0008_survey_pool.sql keeps the totals by trigger). */
#ifndef TANDEM_RATINGS_H
#define TANDEM_RATINGS_H
#include <stdint.h>

#include "store/db.h"

/* Own transaction: the step, k (TANDEM_SURVEY_K), for snapshots from now
 * on. Called once when serve starts. DB_OK or a store error. */
enum db_rc ratings_configure(struct db *db, int k);

struct rating_figures {
	int64_t forms;	     /* every form */
	int64_t shown_forms; /* the forms the shown average covers (0: none yet) */
	double average;	     /* over shown_forms */
};

/* No transaction of its own (a read). The figures as admins may see them.
 * DB_OK or a store error. */
enum db_rc ratings_shown(struct db *db, struct rating_figures *out);

#endif
