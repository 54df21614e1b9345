/* survey_report: the aggregated, suppressed results of a survey. The page
 * and both exports are rendered from this one table, so they cannot
 * disagree about what is hidden. */
#ifndef TANDEM_SURVEY_REPORT_H
#define TANDEM_SURVEY_REPORT_H
#include <stdint.h>

#include "store/db.h"

#define REPORT_BUCKETS 6

struct report_group {
	char question[400];
	char dimension[12]; /* "all", "role", "team", "quarter" */
	char group[128];
	int n;	  /* answers in the group */
	long sum; /* ratings: for the mean */
	int is_rating;
	int buckets[REPORT_BUCKETS];
	char labels[REPORT_BUCKETS][64];
	int nbuckets;
	int hidden; /* the whole group is suppressed */
	int bhidden[REPORT_BUCKETS];
};

struct report {
	int k;
	int ngroups;
	struct report_group *groups; /* owned */
	int ncomments;
	char **comments; /* owned; scrubbed, shuffled; only when shown */
};

/* Build the report of survey id with threshold k (>= 3). Free texts are
 * included only when show_text is set, for questions with at least 10
 * answers, shuffled, with e-mail addresses, phone numbers and members'
 * names replaced by [removed]. 0 or -1. */
int report_build(struct db *db, int64_t survey, int k, int show_text, struct report *r);
void report_free(struct report *r);

/* Suppress small cells of counts[0..n): hidden[i] is set for counts in
 * 1..k-1, and when exactly one is hidden, also for the smallest other
 * non-zero count. Returns 1 when a lone hidden cell could not be
 * protected (the caller then hides the whole set). Exposed for tests. */
int report_suppress(const int *counts, int n, int k, int *hidden);

#endif
