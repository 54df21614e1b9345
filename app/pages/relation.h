/* relation pages (issue 21): the mentorship page's part about a
 * relationship that moves, and the dashboard's lines about it. */
#ifndef TANDEM_PAGES_RELATION_H
#define TANDEM_PAGES_RELATION_H

#include "pages/ctx.h"
#include "store/mentorships.h"

/* Set the names the mentorship page's relation part reads (goals,
 * changes, contact, where, follow-ups, states, the forms' limits) for m,
 * the asker's. 0, or -1 when part of it cannot be read (logged). */
int relation_part(struct ctx *c, const struct mentorship *m);

/* Set "relation" (kind, mentorship, other, topic, day, i_mentor) and
 * "nrelation" for the dashboard's partial _home_relation.html. */
void relation_dash(struct ctx *c);

#endif
