/* home_pairing: the dashboard's pairing card (issue 17). */
#ifndef TANDEM_HOME_PAIRING_H
#define TANDEM_HOME_PAIRING_H
#include "pages/ctx.h"

#define HOME_PAIRING_WEEKS 12

/* Set the names templates/_home_pairing.html reads: this week's pairings
 * against the person's intention (weeks start on Monday in their own time
 * zone) and the last 12 weeks as an SVG bar chart with a text equivalent.
 * Reads 12 kept counters at most (store/activity.h). */
void home_pairing(struct ctx *c, struct view *v);

/* The chart for counts[0..n) (oldest first) and the goal (0: none) into
 * out: an <svg role="img"> with a <title>, built from numbers only. */
void home_pairing_svg(const int *counts, int n, int goal, struct buf *out);

#endif
