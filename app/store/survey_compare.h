/* survey_compare: a follow-up survey beside its baseline (issue 19). An
 * admin marks one survey the baseline of another; the follow-up's page
 * (and /program, when both are published) shows, per question the two
 * share (the same prompt and kind), each survey's figures side by side.
 * Each column is its own survey's report (store/survey_report.h), hidden
 * exactly as on that survey's page: this file suppresses nothing itself.
 * Group rows appear only for groups both reports show; the others are
 * one line per breakdown with what they hold together in each survey,
 * a sum of that survey's hidden and shown figures (0 or at least k). */
#ifndef TANDEM_SURVEY_COMPARE_H
#define TANDEM_SURVEY_COMPARE_H
#include <stdint.h>

#include "store/db.h"
#include "store/survey_builder.h"
#include "store/survey_report.h"

/* One line of a shared question. A group both show: base and follow set.
 * The rest of a breakdown (rest = 1): the people of the groups not shown
 * in both, per survey (0 or >= k). A breakdown withheld by either survey
 * (withheld = 1): not compared. */
struct compare_row {
	const char *dimension; /* "all", "role", "team", "quarter" (static) */
	const char *group;     /* points into base's report */
	const struct report_row *base, *follow;
	int rest, rest_base, rest_follow, withheld;
};

struct compare_question {
	const struct report_question *base, *follow;
	int nrows;
	struct compare_row *rows; /* owned */
};

struct compare {
	int64_t baseline; /* the baseline survey's id */
	char baseline_title[804];
	struct report base, follow; /* owned: the two reports */
	int nq;
	struct compare_question *q; /* owned */
};

/* No transaction of its own (reads). The comparison of survey followup
 * with its baseline, threshold k, no free text. published_only: only
 * when both surveys are published (/program). 1 built (free with
 * compare_free), 0 when there is nothing to compare (no baseline, or not
 * both published; out empty), -1 on a store error (out empty). */
int survey_compare_build(struct db *db, int64_t followup, int k, int published_only, struct compare *out);
void compare_free(struct compare *c);

/* Own transaction, with an audit line. Mark survey baseline (0: none) as
 * the baseline of followup. DB_NOTFOUND when either survey does not
 * exist; DB_CONFLICT when baseline is followup itself or has followup as
 * its own baseline. */
enum db_rc survey_set_baseline(struct db *db, int64_t followup, int64_t baseline,
			       const struct survey_actor *who);

/* A read. Call fn(arg, id, title) for each survey other than except,
 * newest first (at most max): the choices of the baseline form. */
enum db_rc survey_baseline_choices(struct db *db, int64_t except, int max,
				   void (*fn)(void *arg, int64_t id, const char *title), void *arg);

/* A read (or the caller's snapshot): fn(arg, followup, baseline) for each
 * published survey whose baseline is published too, newest follow-up
 * first, at most max (/program's pairs; the partial index of published
 * surveys, then the baseline by key). DB_OK or a store error. */
enum db_rc survey_published_pairs(struct db *db, int max,
				  void (*fn)(void *arg, int64_t followup, int64_t baseline), void *arg);

/* A read. followup's baseline survey id, or 0 (none or error). */
int64_t survey_baseline_of(struct db *db, int64_t followup);

#endif
