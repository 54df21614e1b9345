/* kept: the admin overview's figures, read from kept_counts, which
 * triggers move in the same transaction as every change
 * (sql/0012_kept_counts.sql): reading them costs the same at 100 or
 * 100,000 members. Reads only: no transaction of their own. */
#ifndef TANDEM_KEPT_H
#define TANDEM_KEPT_H
#include <stdint.h>

#include "store/db.h"

struct kept_overview {
	int64_t members, admins, mentors; /* active accounts */
	int64_t active_ms, done_ms;	  /* mentorships */
	int64_t sessions, sessions_month; /* logged; from this calendar month (UTC) on */
	int64_t survey_invited, survey_answered;
	int64_t open_requests, median_wait; /* pending and unexpired; seconds (-1 when none) */
	int64_t open_as_of;		    /* when the two above were counted (UTC seconds) */
};

/* How long one worker shows the open-request figures before it counts
 * them again: they depend on the clock (a request expires after 14 days),
 * so no trigger can keep them. */
#define KEPT_OPEN_EVERY 60

/* A read. Fill o as of now: every figure from kept_counts; the open
 * requests from this process's copy when it is younger than
 * KEPT_OPEN_EVERY seconds, else counted again (an index range over the
 * open ones only). A figure that cannot be read counts as 0. DB_OK or
 * the first store error. */
enum db_rc kept_overview(struct db *db, int64_t now, struct kept_overview *o);

/* Forget this process's copy of the open-request figures (tests). */
void kept_forget(void);

#endif
