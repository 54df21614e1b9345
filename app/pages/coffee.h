/* coffee: the pairing rounds' part of the dashboard (issue 18). */
#ifndef TANDEM_PAGES_COFFEE_H
#define TANDEM_PAGES_COFFEE_H
#include "pages/ctx.h"

/* Set "coffee" in the view: my latest match (one row: id, others, topic,
 * day, met) or none. Errors leave the list empty. */
void coffee_dashboard(struct ctx *c);

#endif
