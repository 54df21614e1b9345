/* dashboard: the figures of the admin's program overview, counted across
 * aggregates. A read: no transaction of its own. */
#ifndef TANDEM_DASHBOARD_H
#define TANDEM_DASHBOARD_H
#include <stdint.h>

#include "store/db.h"

struct dash_overview {
	int64_t members, admins, mentors;   /* active accounts */
	int64_t active_ms, done_ms;	    /* mentorships */
	int64_t sessions, sessions_month;   /* logged; this calendar month (UTC) */
	int64_t open_requests, median_wait; /* pending and unexpired; seconds (-1 when none) */
	int64_t survey_invited, survey_answered;
};

/* No transaction of its own (reads). Fill o as of now; a figure that
 * cannot be read counts as 0. */
void dash_overview(struct db *db, int64_t now, struct dash_overview *o);

#endif
