/* seed_survey_pair: a baseline and a follow-up survey for `tandem
 * seed-demo` (issue 19), so the admin's side-by-side comparison and
 * /program show figures from the start: "Program pulse" sent to every
 * active member six weeks before the seeded incentive event and again
 * half a year after it, answered by about two in five, closed, marked
 * baseline and follow-up, and both published. */
#ifndef TANDEM_SEED_SURVEY_PAIR_H
#define TANDEM_SEED_SURVEY_PAIR_H
#include <stdint.h>

#include "store/db.h"

/* Inside the caller's transaction (seed_demo's), after seed_history (it
 * dates the surveys by the incentive event that wrote; none, nothing is
 * added). Invitations as a send to all writes them (role 'member', no
 * mentorship, no mail: they are long past), and answers as a release
 * leaves them: no person in them, the team the person's profile maps to,
 * the quarter, fresh random ids, in batches of SEED_PAIR_BATCH (the
 * default k) in a shuffled order. DB_OK or the first store error. */
#define SEED_PAIR_BATCH 5
enum db_rc seed_survey_pair(struct db *db, int64_t now);

#endif
