/* program_build: the parts of /program (its charts, and each published
 * survey's results) rendered to HTML, their versions, and the builder that
 * keeps them in program_parts (store/program_parts.h) off the request
 * path: the mail sender runs program_build_tick twice a second, so no
 * request waits for a rebuild (a report over 100,000 answers takes half
 * a second). A part's version names everything it is drawn from; a page
 * shows a kept part only when its version equals the live one. */
#ifndef TANDEM_PROGRAM_BUILD_H
#define TANDEM_PROGRAM_BUILD_H
#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "store/db.h"
#include "store/insights.h"

#define PROGRAM_MAX_SURVEYS 20
#define PROGRAM_VERSION_LEN 80
#define PROGRAM_PART_LEN 32

/* The published surveys (newest first), copied out of the store's read. */
struct program_published {
	size_t n;
	struct insight_survey s[PROGRAM_MAX_SURVEYS]; /* s[i].title points into title[i] */
	char title[PROGRAM_MAX_SURVEYS][804];
	/* Baseline/follow-up pairs both published (issue 19): indexes into s. */
	size_t npairs;
	struct {
		size_t follow, base;
	} pair[PROGRAM_MAX_SURVEYS];
};
/* Own read (or the caller's snapshot): the surveys, then the pairs among
 * them. DB_OK or a store error. */
enum db_rc program_published(struct db *db, struct program_published *out);

/* Versions and part names (out: PROGRAM_VERSION_LEN / PROGRAM_PART_LEN). */
void program_charts_version(char *out, const char *today, int k, int64_t rev);
void program_survey_version(char *out, int k, const struct insight_survey *s);
void program_survey_part(char *out, int64_t survey_id);
/* A pair's part ("compare:FOLLOWUP") and version: both surveys' versions
 * and last batches, and the baseline's id (a new baseline rebuilds). */
void program_compare_part(char *out, int64_t followup);
void program_compare_version(char *out, int k, const struct insight_survey *follow,
			     const struct insight_survey *base);

/* The headline figures and charts for day today (YYYY-MM-DD): the
 * program's closed months only. may_freeze: freeze the weeks that closed
 * (an own transaction, insights.h), as a page does; else DB_NOTFOUND when
 * one waits for it (the builder leaves that to the first page). DB_OK or
 * a store error (out then partial). */
enum db_rc program_charts_html(struct db *db, int k, const char *today, int may_freeze, struct buf *out);

/* One published survey's results, suppressed as the admin's report. DB_OK
 * or DB_ERR. */
enum db_rc program_survey_html(struct db *db, int k, const struct insight_survey *s, struct buf *out);

/* A follow-up beside its baseline (both published), from the same
 * comparison the follow-up's admin page renders: each column suppressed
 * as its own report, no free text. Empty when the two are no longer a
 * published pair. DB_OK or DB_ERR. */
enum db_rc program_compare_html(struct db *db, int k, const struct insight_survey *follow, struct buf *out);
void program_compare_pending(const struct insight_survey *follow, const struct insight_survey *base,
			     struct buf *out);

/* A survey's results whose kept copy is out of date and too big to build
 * during a request (more than PROGRAM_INLINE_ANSWERS answered): the page
 * says they are being counted instead of showing figures that may no
 * longer be the live ones. */
#define PROGRAM_INLINE_ANSWERS 1000
void program_survey_pending(const struct insight_survey *s, struct buf *out);

/* The builder's round (outside any transaction, and leaves none open):
 * builds and keeps every part whose kept version is not the live one (and
 * a survey with free text once a minute: its scrubbing reads members'
 * names), and forgets surveys no longer published. The charts wait while
 * a week waits to be settled (the first page that reads it settles it, as
 * before; that page builds them itself). After a store error it rests
 * (logged). Killed at any point it leaves the kept parts as they were. */
void program_build_tick(struct db *db, int k, int64_t now);

#endif
