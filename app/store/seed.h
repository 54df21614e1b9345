/* seed: `tandem seed-demo`, a realistic program for a new user to explore
 * and for the benchmark to search. */
#ifndef TANDEM_SEED_H
#define TANDEM_SEED_H
#include <stdint.h>
#include <stdio.h>

#include "store/db.h"

#define SEED_PASSWORD "tandem demo password"

/* Add `members` demo people (the first `mentors` of them mentor) with
 * topics, requests in every state and mentorships active and finished,
 * in one transaction, with a fixed seed so every run looks the same.
 * All demo accounts share SEED_PASSWORD. Returns 0, or -1 after printing
 * why (also when demo people exist already). */
int seed_demo(struct db *db, int members, int mentors, int64_t now);

/* Own transaction: sign in up to n people of a seeded demo at once, for
 * `make bench` (thousands of sessions without thousands of argon2id
 * logins): the admins, then mentees with an active mentorship, then other
 * demo members spread over the program. Each gets a fresh session row
 * (created now) and one line on out: role, the cookie's token, the CSRF
 * field, the id, an active mentorship (0), up to three of its sessions
 * ("-"), up to two mentors with room it has not asked, as id:Topic+name
 * ("-"). Whoever holds the file
 * is signed in as those people: main.c runs this only on an explicit
 * option, never while a server holds the data directory, and only on a
 * database with demo people. The number made, or -1 after printing why
 * (nothing added). */
int seed_bench_sessions(struct db *db, int n, int64_t now, FILE *out);

#endif
