/* survey_report: a survey's released answers as figures an admin may
 * see. The page and both exports are rendered from this one structure,
 * so they cannot disagree about what is hidden. What is hidden is
 * decided by core/sdc.h; while a survey is open only the totals of each
 * question are shown, breakdowns by role, team and quarter only once it
 * is closed (one release: nothing to difference), and only those that
 * pass two checks: survey-wide, cutting the respondents by release batch
 * (which admins can tell apart) and by the breakdowns shown together
 * leaves no group of 1..k-1 people (so no subtraction of batches or of
 * one breakdown from another isolates fewer than k); per question, no
 * hidden figure can be bounded to 1..k-1 (sdc_audit). A breakdown that
 * fails is withheld, and the report says so. */
#ifndef TANDEM_SURVEY_REPORT_H
#define TANDEM_SURVEY_REPORT_H
#include <stdint.h>

#include "store/db.h"
#include "store/surveys.h"

#define REPORT_DIMS 3 /* role, team, quarter */

/* One row of figures: the "all" row or a shown group. Hidden groups are
 * never rows: their names are not shown. */
struct report_row {
	const char *dimension; /* "all", "role", "team", "quarter" (static) */
	char *group;	       /* owned */
	int n;		       /* people in the row who answered */
	int count[SURVEY_MAX_CHOICES];
	unsigned char hid[SURVEY_MAX_CHOICES];
	int has_mean; /* a rating row with nothing hidden */
	double mean;
};

struct report_question {
	int64_t id;
	char kind[8];
	char *prompt;			  /* owned */
	int nb;				  /* answers one may give: 5 ratings, or 2..6 choices */
	char *labels[SURVEY_MAX_CHOICES]; /* owned */
	int n;				  /* people who answered it */
	int shown;			  /* n >= k: anything at all is shown */
	int nrows;
	struct report_row *rows;    /* owned: "all" first, then groups */
	int hidden_in[REPORT_DIMS]; /* per dimension: people in hidden groups (0 or >= k) */
	int withheld[REPORT_DIMS];  /* 1: the breakdown is not shown for this question */
};

struct report {
	int k, closed, nq;
	struct report_question *q; /* owned */
	int ncomments;
	char **comments;	  /* owned; scrubbed, shuffled; only when shown */
	long pending;		  /* answers waiting in the pool for a batch */
	int dims_ok[REPORT_DIMS]; /* closed: the breakdown cut by batch leaves no group below k */
};

/* Build the report of survey (which exists) with threshold k (>= 3).
 * Free texts are included only when show_text is set, for questions with
 * at least 10 answers, shuffled, with e-mail addresses, phone numbers and
 * members' names replaced by [removed]. 0, or -1 on a store error (r is
 * then empty). Free with report_free. */
int report_build(struct db *db, int64_t survey, int k, int show_text, struct report *r);
void report_free(struct report *r);

/* The dimension names, in the order of hidden_in. */
extern const char *const report_dims[REPORT_DIMS];

#endif
