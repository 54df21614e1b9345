/* survey_lists: the survey lists pages show, a page at a time by key
 * (issue 15): the admin's surveys with their response rates, and a
 * person's invitations. Reads only: no transaction of their own. */
#ifndef TANDEM_SURVEY_LISTS_H
#define TANDEM_SURVEY_LISTS_H
#include <stdint.h>

#include "store/db.h"
#include "store/survey_builder.h"
#include "store/surveys.h"

/* Surveys newest first, at most max (<= 200) with an id below before_id
 * (0: the first page); invited/answered are read from kept_counts
 * (sql/0012_kept_counts.sql), not counted. *more is 1 when a further page
 * follows. DB_OK or a store error. */
enum db_rc survey_page(struct db *db, int64_t before_id, int max,
		       void (*fn)(void *arg, const struct survey_summary *s), void *arg, int *more);

/* uid's invitations newest first, at most max (<= 200) with an id below
 * before_id (0: the first page); *more as above. Reads uid's own
 * invitations only. DB_OK or a store error. */
enum db_rc survey_invitation_page(struct db *db, int64_t uid, int64_t before_id, int max,
				  void (*fn)(void *arg, const struct invitation_row *row), void *arg,
				  int *more);

#endif
