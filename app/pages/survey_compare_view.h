/* survey_compare_view: a follow-up survey beside its baseline as HTML
 * (store/survey_compare.h), for the follow-up's admin page and /program.
 * Every figure comes from the two reports as they are: "hidden" where
 * the survey's own report hides it, so nothing is shown here that the
 * survey's own page does not show. */
#ifndef TANDEM_SURVEY_COMPARE_VIEW_H
#define TANDEM_SURVEY_COMPARE_VIEW_H
#include "core/buf.h"
#include "store/survey_compare.h"

/* Append the comparison as a section of tables (one per shared question,
 * escaped), titled with the baseline's title and the follow-up's title. */
void compare_html(struct buf *out, const struct compare *cmp, const char *followup_title);

/* The same for /program, under its "Survey results" heading (an h3 whose
 * id names the follow-up, so two pairs on one page stay apart). */
void compare_program_html(struct buf *out, const struct compare *cmp, int64_t followup,
			  const char *followup_title);

#endif
