/* keyset: a place in a list read newest first, by key (issue 15). The
 * list goes on below (at, id): at is what the list is ordered by (a time),
 * id breaks ties. {0, 0} is the top, the first page. Reading from a key,
 * not an offset, costs the same on page 1 and page 500, and a row added
 * meanwhile never repeats one or hides one across pages. */
#ifndef TANDEM_KEYSET_H
#define TANDEM_KEYSET_H
#include <stdint.h>

#include "store/db.h"

struct keyset {
	int64_t at, id;
};

/* Bind a page's place to a statement that reads below (:at, :id) and
 * takes :n rows: after, or above every row when after is the top {0, 0};
 * :n is max + 1, the extra row telling whether another page follows. */
static inline void keyset_bind(sqlite3_stmt *st, const struct keyset *after, int max)
{
	int top = after->at == 0 && after->id == 0;
	db_bind_int(st, ":at", top ? INT64_MAX : after->at);
	db_bind_int(st, ":id", top ? INT64_MAX : after->id);
	db_bind_int(st, ":n", max + 1);
}

#endif
