/* guide (issue 21): the program guide's sections as admins edited them.
 * No rows means the default text (pages/guide.c). */
#ifndef TANDEM_GUIDE_H
#define TANDEM_GUIDE_H
#include <stdint.h>

#include "store/db.h"

#define GUIDE_MAX_SECTIONS 40

/* No transaction of its own (a read). Each section in order (at most
 * GUIDE_MAX_SECTIONS); strings valid during the call. The number given,
 * or -1 on a store error. */
int guide_each(struct db *db, void (*fn)(void *arg, const char *heading, const char *body), void *arg);

/* Own transaction. Replace every section by the n given (0: back to the
 * default text). */
enum db_rc guide_save(struct db *db, const char *const *headings, const char *const *bodies, int n);

#endif
