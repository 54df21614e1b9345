/* insight_view: the charts and their tables, shared by /admin/insights
 * and /program: one column of a loaded series (a team, or the program)
 * as HTML sections (an SVG chart, then the numbers it draws in a table),
 * every hidden figure written "hidden". A month's people are the
 * average week of its weeks shown. Built from escaped parts only. */
#ifndef TANDEM_INSIGHT_VIEW_H
#define TANDEM_INSIGHT_VIEW_H
#include "core/buf.h"
#include "store/insights.h"

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
