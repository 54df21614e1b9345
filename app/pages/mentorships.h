/* mentorships pages: the list rows are shared with the dashboard. */
#ifndef TANDEM_PAGES_MENTORSHIPS_H
#define TANDEM_PAGES_MENTORSHIPS_H
#include "pages/ctx.h"

/* Rows: id, my role, the other's name, topic, status text, started,
 * planned end, weeks done, weeks. */
struct vlist *mentorship_rows(struct ctx *c, int only_active);

#endif
