/* dirpage: one page of the mentor directory, read by key (keyset
 * pagination), never by offset. The order, for every form of the page:
 * mentors with a place free first; then, for a search, the mentors whose
 * name or topics hold every word before those where a word is only in the
 * title or bio; for a viewer with interests, the best matches among the
 * first of each interest's mentors (see dirpage.c); then by name, then id.
 * Every row's place in that order is a dir_pos, which the page links
 * carry: the next page starts after the last row shown, whatever was
 * added or removed meanwhile. */
#ifndef TANDEM_DIRPAGE_H
#define TANDEM_DIRPAGE_H
#include <stdint.h>

#include "store/db.h"

#define DIRPAGE_KEY 330 /* a name_key: 80 characters of up to 4 bytes, and its NUL */

struct dir_filter {
	int64_t topic;	  /* 0: every mentor; -1: an unknown topic (nobody) */
	unsigned formats; /* a format bit the mentor must offer, or 0 */
	const char *q;	  /* the words typed, as typed (NULL or "": no search) */
};

/* A place in the order: group (room left, then relevance or overlap),
 * lower-cased name, user id. */
struct dir_pos {
	int64_t g;
	char key[DIRPAGE_KEY];
	int64_t id;
};

/* Where the best matches for a viewer's interests end (see dirpage.c):
 * carried by the page links so every page splits the order alike. */
struct dir_bound {
	int set;	   /* 0: not known yet (the store finds it) */
	int end;	   /* every mentor of the viewer's interests is within it */
	struct dir_pos at; /* else the last place within it (key and id) */
};

struct dir_pick {
	int64_t id, version; /* the mentor and the version of their card */
	struct dir_pos pos;
};

struct dir_query {
	const struct dir_filter *f;
	int64_t viewer;
	const struct dir_pos *after;  /* the rows after it, or NULL: from the first */
	const struct dir_pos *before; /* else the rows just before it */
	int ranked;		      /* out: the order used the viewer's interests */
	struct dir_bound bound;	      /* in and out: what the next links carry when ranked */
};

/* No transaction of its own (a read). Up to lim rows of the order, in
 * display order: after q->after (or from the first), or the last lim
 * before q->before. Fills q->ranked and q->bound. Returns how many were
 * written to out, or -1 on a store error. Ask one more than a page to
 * learn whether there is a next (or previous) page. */
int dirpage_read(struct db *db, struct dir_query *q, int lim, struct dir_pick *out);

/* Parse "G.ID.KEY" (what dirpage_pos_format writes) into p: 0, or -1
 * when s is not one. */
int dirpage_pos_parse(const char *s, struct dir_pos *p);

/* Parse a bound ("end" or "ID.KEY") into b: 0, or -1. */
int dirpage_bound_parse(const char *s, struct dir_bound *b);

#endif
