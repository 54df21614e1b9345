/* record_line (issue 19): the one-line summary of a mentor's record on
 * their directory card ("mentored 12 people since 2025"), off by default,
 * shown only when the mentor turns it on. The line itself is written into
 * the card (mentor_cards.record_line) by store/directory.c whenever the
 * card is refreshed, so the directory never counts it per request. */
#ifndef TANDEM_RECORD_LINE_H
#define TANDEM_RECORD_LINE_H
#include <stddef.h>
#include <stdint.h>

#include "store/db.h"

/* Own transaction: uid shows (on 1) or hides their record line; their
 * card is refreshed in the same transaction. DB_OK or an error. */
enum db_rc record_line_set(struct db *db, int64_t uid, int on, int64_t now);

/* No transaction of its own (a read). 1 when uid shows the line, 0 when
 * not, -1 on a store error. */
int record_line_shown(struct db *db, int64_t uid);

/* No transaction of its own (a read of uid's mentorships as mentor, by
 * index): uid's line into out[0..n), "" before their first mentee,
 * whether or not it is shown; k is the one serve configured
 * (rating_totals.k, as store/ratings.h keeps it). DB_OK or DB_ERR. */
enum db_rc record_line_for(struct db *db, int64_t uid, char *out, size_t n);

/* The line for people mentored since year into out[0..n): one wording
 * for the card and the record page. "" when people is 0; the count only
 * when it is at least k (TANDEM_SURVEY_K), else "Mentoring since YEAR":
 * a small count on a named card is about the few people behind it. */
void record_line_text(int64_t people, int year, int k, char *out, size_t n);

#endif
