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
	IF_A0, /* answer times: under 1 h, 4 h, 12 h, 1 d, 2 d, 4 d, 7 d, later */
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

/* Which teams' figures of one closed week may be shown. Every figure
 * the pages show is a sum over shown (team, week) cells only, so a hidden
 * cell adds to no number anywhere; this rule decides the cells. The
 * figures that count people are members, people, mentors, mentees, the
 * members who took no part (members - people) and those in both roles
 * (mentors + mentees - people). The rules, applied until nothing changes:
 * - the program's week is hidden whole when one of those is 1..k-1
 *   (and then every team's too);
 * - a team's week is hidden whole when one of the first five is below k,
 *   zeros included (a shown zero tells what everyone in it did), or those
 *   in both roles are 1..k-1;
 * - for each of the six, what the hidden teams hold together is 0 or at
 *   least k: otherwise the shown team with the fewest people is hidden
 *   too (belt and braces: no shown figure includes the hidden teams).
 * cells[0..nteams). hid[] and *total_hid come in set for what is already
 * hidden (a closed week's frozen hides: insights.h) and only gain hides. */
void ins_protect(int k, size_t nteams, const struct ins_cell *cells, const struct ins_cell *total,
		 unsigned char *hid, unsigned char *total_hid);

/* The breakdowns of a period's sessions, endings, answer times and survey
 * answers: small counts of these single out what one person did, so they
 * are shown for the whole program per month only (never per team or per
 * week: a week's could be taken from its month's), each under the
 * small-count rule ins_small. */
enum ins_bd {
	BD_ONE_ON_ONE,
	BD_PAIRING,
	BD_OFFICE_HOURS,
	BD_HELP_SESSION,
	BD_RING,
	BD_OTHER, /* the six session kinds: of `sessions` */
	BD_MET,
	BD_PARTLY,
	BD_NOT_MET,
	BD_EARLY, /* the four endings: of `ended` */
	BD_A_1D,
	BD_A_7D,
	BD_A_LATER, /* answer times: under 1 day, 1 to 7 days, later: of requests answered */
	BD_SV_ANSWERED,
	BD_SV_NOT, /* survey invitations answered and not: of those sent */
	BD_N
};
/* The export's name of breakdown b ("sessions_pairing", "answered_1d"). */
const char *ins_bd_name(enum ins_bd b);
/* The breakdowns of c, into out[BD_N]. */
void ins_breakdown(const struct ins_cell *c, int64_t out[BD_N]);
/* Which of v[BD_N] (ins_breakdown) to hide: ins_small on each group. */
void ins_breakdown_protect(int k, const int64_t v[BD_N], unsigned char hid[BD_N]);
/* The small-count rule on n counts whose sum is shown elsewhere: a count
 * of 1..k-1 is hidden; then, while the hidden ones add up to 1..k-1 or
 * only one is hidden (the shown sum minus the shown counts would give it),
 * the smallest shown count (a nonzero one first) is hidden too. */
void ins_small(int k, const int64_t *v, size_t n, unsigned char *hid);

/* The counts of what people did in a shown (team, week) cell, in groups
 * hidden together: a cell with at least k people in every people figure
 * can still hold 1..k-1 requests or sessions, and such a count tells what
 * one or two of its people did. */
enum ins_group {
	IG_REQUESTS, /* sent, answered (and the answer times): none of sent,
		      * answered, not answered may be 1..k-1 */
	IG_STARTED,  /* mentorships started */
	IG_SESSIONS, /* sessions of every kind, and their minutes */
	IG_ENDED,    /* mentorships ended, every outcome */
	IG_INVITED,  /* survey invitations sent, and those answered */
	IG_N
};
/* Which groups of the cell c to hide (hid[IG_N]), and their figures
 * zeroed in c, so that whatever sums c adds nothing of them: every sum
 * shown stays a sum of shown counts, each 0 or at least k. */
void ins_activity_protect(int k, struct ins_cell *c, unsigned char hid[IG_N]);
/* Zero in c the figures of group g (a group hidden for another reason:
 * frozen when its week closed). */
void ins_group_clear(struct ins_cell *c, enum ins_group g);

/* Mentorships ended in c, whatever the outcome. */
int64_t ins_ended(const struct ins_cell *c);

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
