/* keyset: a place in a list read newest first, by key (issue 15). The
 * list goes on below (at, id): at is what the list is ordered by (a time),
 * id breaks ties. {0, 0} is the top, the first page. Reading from a key,
 * not an offset, costs the same on page 1 and page 500, and a row added
 * meanwhile never repeats one or hides one across pages. */
#ifndef TANDEM_KEYSET_H
#define TANDEM_KEYSET_H
#include <stdint.h>

struct keyset {
	int64_t at, id;
};

#endif
