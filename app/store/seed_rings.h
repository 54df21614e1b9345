/* seed_rings: seed-demo's rings and pairing rounds (issue 18). */
#ifndef TANDEM_SEED_RINGS_H
#define TANDEM_SEED_RINGS_H
#include <stdint.h>

#include "store/db.h"

/* Inside the caller's transaction (seed-demo, after people and profiles
 * exist): 500 open rings led by demo mentors, one of them full (20
 * members) with 50 sessions (no texts: seed-demo has no key), and a fifth of the
 * people opted in to pairing rounds. DB_OK or the error. */
enum db_rc seed_rings(struct db *db, int64_t now);

#endif
