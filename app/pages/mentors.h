/* mentors: shared by the directory and the mentor page. */
#ifndef TANDEM_PAGES_MENTORS_H
#define TANDEM_PAGES_MENTORS_H
#include <stdint.h>

#include "pages/ctx.h"

/* Append to a card row: room left (int), "N of M places free", formats
 * ("1:1, Pairing") and "Usually answers within …" or "" (median
 * answer time in seconds, -1 when unknown). */
void mentor_card_extras(struct vrow *r, int64_t capacity, int64_t active, unsigned formats, int64_t median);

#endif
