/* seed_history: two years of a program's past for `tandem seed-demo`
 * (issue 19), so /admin/insights, /program and /me/record look as they
 * would after two years: weekly mentorships with sessions, requests and
 * their answer times, completions with outcomes, survey invitations and
 * released answers, and an incentive event halfway after which people
 * take part more ("Mentoring time counts in performance reviews"). */
#ifndef TANDEM_SEED_HISTORY_H
#define TANDEM_SEED_HISTORY_H
#include <stdint.h>

#include "store/db.h"

/* Inside the caller's transaction (seed_demo's). ids[0..members): the demo
 * people, the first `mentors` of them mentors, profiles saved. Adds the
 * seed's team names to the admins' list of teams first (reports group by
 * it), then the history, every row through the tables' own triggers (so
 * every kept figure moves as it would have). Everything ends before now;
 * nothing is left active. DB_OK or the first store error. */
enum db_rc seed_history(struct db *db, const int64_t *ids, int members, int mentors, int64_t now);

#endif
