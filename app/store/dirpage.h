/* dirpage: one page of the mentor directory, in display order: mentors
 * with a place free first, then by how many of the viewer's interests
 * they mentor in, then by name. */
#ifndef TANDEM_DIRPAGE_H
#define TANDEM_DIRPAGE_H
#include <stdint.h>

#include "store/db.h"

struct dir_filter {
	int64_t topic;	     /* 0: every mentor; -1: an unknown topic (nobody) */
	unsigned formats;    /* a format bit the mentor must offer, or 0 */
	int nwords;	     /* 0..3 words that must all occur in the search text */
	const char *word[3]; /* lower-cased; "" when unused */
};

struct dir_pick {
	int64_t id, version; /* the mentor and the version of their card */
};

/* Up to lim mentors from position off of the order above, for viewer.
 * Returns how many were written to out, or -1 on a store error. */
int dirpage_read(struct db *db, int64_t viewer, const struct dir_filter *f, int off, int lim,
		 struct dir_pick *out);

#endif
