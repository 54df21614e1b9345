/* teams: the list of teams that survey reports break answers down by.
 * Admins keep it; a profile's free-text team maps onto it or to "other"
 * (store/surveys.c), so nobody can make a team of one. */
#ifndef TANDEM_TEAMS_H
#define TANDEM_TEAMS_H
#include <stdint.h>

#include "store/db.h"

/* No transaction of its own (a read). Call fn(arg, id, name) for each team
 * in name order (at most max). DB_OK or a store error. */
enum db_rc teams_each(struct db *db, int max, void (*fn)(void *arg, int64_t id, const char *name), void *arg);

/* Own transaction: add a team, with an audit line naming admin and ip.
 * DB_CONFLICT when the name exists already (without case). */
enum db_rc teams_add(struct db *db, const char *name, int64_t admin, int64_t now, const char *ip);

/* Own transaction: remove team id, with an audit line. DB_NOTFOUND when
 * there is none. Answers already released keep the name they were released
 * with. */
enum db_rc teams_remove(struct db *db, int64_t id, int64_t admin, int64_t now, const char *ip);

#endif
