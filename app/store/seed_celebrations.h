/* seed_celebrations: seed-demo's celebrations and mentor-card lines
 * (issue 19). */
#ifndef TANDEM_SEED_CELEBRATIONS_H
#define TANDEM_SEED_CELEBRATIONS_H
#include <stdint.h>

#include "store/db.h"

/* Inside the caller's transaction (seed-demo, after its mentorships
 * exist): a fifth of the completed mentorships celebrated by both (shown
 * on /program from their end), another fifth by one of the pair only (not
 * shown), no thank-you notes (they are sealed, and seeding has no key);
 * a third of the mentors show their record line (the card is written by
 * the directory rebuild that follows seeding). DB_OK or the error. */
enum db_rc seed_celebrations(struct db *db);

#endif
