/* insight_view: the charts and their tables, shared by /admin/insights
 * and /program: one column of a loaded series (a team, or the program)
 * as HTML sections (an SVG chart, then the numbers it draws in a table),
 * every hidden figure written "hidden". A month's people are the
 * average week of its weeks shown. Built from escaped parts only. */
#ifndef TANDEM_INSIGHT_VIEW_H
#define TANDEM_INSIGHT_VIEW_H
#include "core/buf.h"
#include "store/insights.h"

/* No page is larger than 64 KB (issue 15), however long the history or
 * however many events: a page shows at most IV_SPAN_WEEKS weeks or
 * IV_SPAN_MONTHS months, and compares and marks the latest
 * IV_EVENTS_SHOWN events dated in them, with the first IV_NOTE_SHOWN
 * characters of a note and IV_MARK_SHOWN of a title on a chart. */
#define IV_SPAN_WEEKS 52
#define IV_SPAN_MONTHS 24
#define IV_EVENTS_SHOWN 5
#define IV_NOTE_SHOWN 200
#define IV_MARK_SHOWN 48

/* The first day (YYYY-MM-DD) a page ending on `to` (a valid day) shows:
 * the Monday IV_SPAN_WEEKS - 1 weeks before to's, or the first of the
 * month IV_SPAN_MONTHS - 1 months before to's. */
void iv_span_start(const char *to, int weekly, char out[11]);

/* Keep the events dated from..to ("" from: any), the latest
 * IV_EVENTS_SHOWN of them, at the front of ev (in date order, as
 * insight_events gives them). Returns how many; *left: how many more
 * fall in those dates. */
size_t iv_events_in(struct insight_event *ev, size_t nev, const char *from, const char *to, size_t *left);

/* Cut s (UTF-8, in a buffer of n bytes) after max characters, ending it
 * with an ellipsis when it was longer. */
void iv_clip(char *s, size_t n, size_t max);

/* Which charts: every one, or the program page's headline ones. */
enum iv_set { IV_ALL, IV_HEADLINE };

/* Append the sections for team t of s (t < 0: the program's totals) to
 * out, with a marker for each of events[0..nev). Errors: out->oom. */
void iv_sections(struct buf *out, const struct insight_series *s, int t, const struct insight_event *events,
		 size_t nev, enum iv_set set);

/* The weeks summed into period p for team t (< 0: the program's weeks
 * with a shown cell); *left: the (team-)weeks left out of it. */
int iv_weeks(const struct insight_series *s, size_t p, int t, int *left);

/* Whether group g of period p for team t (< 0: program) is hidden: the
 * cell is, or the group was left out of each of its weeks (a count of
 * 1..k-1 inside a shown cell: ins_activity_protect). */
int iv_hidden(const struct insight_series *s, size_t p, int t, enum ins_group g);

/* Whether the breakdowns (kinds, endings, answer times, survey answers)
 * go with team t of s: the program's months only (core/insight.h). */
int iv_breakdown(const struct insight_series *s, int t);

/* The cell of period p for team t (< 0: program) and whether it is hidden. */
const struct ins_cell *iv_cell(const struct insight_series *s, size_t p, int t, int *hidden);

#endif
