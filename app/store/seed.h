/* seed: `tandem seed-demo`, a realistic program for a new user to explore
 * and for the benchmark to search. */
#ifndef TANDEM_SEED_H
#define TANDEM_SEED_H
#include <stdint.h>

#include "store/db.h"

#define SEED_PASSWORD "tandem demo password"

/* Add `members` demo people (the first `mentors` of them mentor) with
 * topics, requests in every state and mentorships active and finished,
 * in one transaction, with a fixed seed so every run looks the same.
 * All demo accounts share SEED_PASSWORD. Returns 0, or -1 after printing
 * why (also when demo people exist already). */
int seed_demo(struct db *db, int members, int mentors, int64_t now);

#endif
