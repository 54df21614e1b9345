/* insight: the figures /admin/insights, /program and the exports show,
 * the rule that hides those from fewer than k people, and the calendar
 * arithmetic of weeks and months. Pure: no I/O (tests/unit/test_stats.c). */
#ifndef TANDEM_INSIGHT_H
#define TANDEM_INSIGHT_H
#include <stddef.h>
#include <stdint.h>

/* The kept figures of one period and team, in the column order of
 * insight_periods (sql/0018_insights.sql). */
enum ins_fig {
	IF_MEMBERS,
	IF_PEOPLE,
	IF_MENTORS,
	IF_MENTEES,
	IF_REQ_SENT,
	IF_REQ_ANSWERED,
	IF_A0, /* answer-time buckets: see ins_bucket_label */
	IF_A1,
	IF_A2,
	IF_A3,
	IF_A4,
	IF_A5,
	IF_A6,
	IF_A7,
	IF_MS_STARTED,
	IF_S_ONE_ON_ONE,
	IF_S_PAIRING,
	IF_S_OFFICE_HOURS,
	IF_S_HELP_SESSION,
	IF_S_RING,
	IF_S_OTHER,
	IF_MINUTES,
	IF_DONE_MET,
	IF_DONE_PARTLY,
	IF_DONE_NOT_MET,
	IF_ENDED_EARLY,
	IF_SV_INVITED,
	IF_SV_ANSWERED,
	IF_N
};
#define INS_BUCKETS 8

struct ins_cell {
	int64_t v[IF_N];
};

/* The name of figure f in exports ("members", "sessions_pairing"). */
const char *ins_fig_name(enum ins_fig f);

/* Sessions of every kind in c. */
int64_t ins_sessions(const struct ins_cell *c);

/* "under 12 h": the upper bound of answer-time bucket b (0..7). */
const char *ins_bucket_label(int b);

/* The bucket holding the median answer time of c, or -1 when no request
 * was answered. */
int ins_median_bucket(const struct ins_cell *c);

/* Which figures of one period may be shown, teams and the program
 * together (linked tables: the program's figure is the sum of the
 * teams'). The figures that count people are members, people, mentors,
 * mentees and the members who took no part (members - people). The rules,
 * applied until nothing changes:
 * - the program's period is hidden whole when one of those is 1..k-1
 *   (and then every team's too);
 * - a team's period is hidden whole when one of its five is below k,
 *   zeros included (a shown zero tells what everyone in it did);
 * - for each of the five, what the hidden teams hold together is 0 or
 *   at least k: otherwise the shown team with the fewest people is hidden
 *   too. So the program's figure minus every shown team's never leaves
 *   1..k-1 people, and a hidden team's requests, sessions or outcomes
 *   come only in sums over at least k people.
 * cells[0..nteams); hid gets one flag per team; *total_hid the program's. */
void ins_protect(int k, size_t nteams, const struct ins_cell *cells, const struct ins_cell *total,
		 unsigned char *hid, unsigned char *total_hid);

/* Days since 1970-01-01 of a valid "YYYY-MM-DD" (at least its first 10
 * bytes); -1 when it is not one. */
long ins_day(const char *ymd);
/* Write day d as "YYYY-MM-DD" (out holds 11). */
void ins_ymd(long d, char out[11]);
/* The Monday of d's ISO week. */
long ins_monday(long d);

/* The periods from `from` to `to` (inclusive, "YYYY-MM-DD" for weeks: the
 * Mondays; "YYYY-MM" for months), in order, written to out[i] (each 11
 * bytes) up to max. The count (at most max). */
size_t ins_periods(int weekly, const char *from, const char *to, char (*out)[11], size_t max);

#endif
