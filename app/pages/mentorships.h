/* mentorships pages: the list rows are shared with the dashboard. */
#ifndef TANDEM_PAGES_MENTORSHIPS_H
#define TANDEM_PAGES_MENTORSHIPS_H
#include "pages/ctx.h"
#include "store/mentorships.h"

/* The mentorship of the URL ({id}) when the asker is one of its pair,
 * into *m: 0. Otherwise the answer is given (404 when there is none or it
 * is not theirs, the store's error page when reading failed) and -1. */
int ms_of_asker(struct ctx *c, struct mentorship *m);

#endif
