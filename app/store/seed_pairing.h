/* seed_pairing: issue 17's part of `tandem seed-demo` (store/seed.c). */
#ifndef TANDEM_SEED_PAIRING_H
#define TANDEM_SEED_PAIRING_H
#include <stdint.h>

#include "store/db.h"

#define SEED_PAIRING_SENIORS 10 /* people with SEED_PAIRING_EACH pairings */
#define SEED_PAIRING_EACH 200
#define SEED_OH_SERIES 100 /* office hours: 100 series of 20 weeks */
#define SEED_OH_WEEKS 20

/* Inside seed_demo's transaction. The first SEED_OH_SERIES demo mentors
 * publish office hours (SEED_OH_SERIES x SEED_OH_WEEKS = 2,000 coming
 * occurrences, a few seats booked), and SEED_PAIRING_SENIORS demo people
 * get SEED_PAIRING_EACH pairings each over the last 40 weeks, with a goal
 * of five a week: the ones `seed-demo --bench-sessions` signs in first
 * (mentees with an active mentorship, in its order), so make bench finds
 * them in its token file. DB_OK or the error to roll back with. */
enum db_rc seed_pairing(struct db *db, int64_t now);

#endif
