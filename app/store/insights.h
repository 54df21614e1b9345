/* insights: the program's figures over time (issue 19), kept in
 * insight_periods / insight_people / insight_given (sql/0018_insights.sql)
 * by triggers in the same transaction as every request, mentorship,
 * session and survey invitation, so a page reads a few hundred kept rows
 * whatever the size or age of the program.
 *
 * FOR OTHER FEATURES (pairings, office hours, help sessions, rings): a
 * feature whose activity lives in a table of its own calls these inside
 * the transaction that records the activity (never one of their own), once
 * per fact, so the figures move with it and roll back with it:
 *   - insight_session(db, leader, "office_hours", +1, minutes, "YYYY-MM-DD")
 *     when a session is held (counted in the leader's team; the leader's
 *     record gains it); -1 and -minutes to take one back (deleted);
 *   - insight_touch(db, user, INSIGHT_MENTEE, day) for each person who took
 *     part (attendees, the partner of a pairing), INSIGHT_MENTOR for whoever
 *     led, so "people in a mentoring role" counts them once a week.
 * Kinds: one_on_one, pairing, office_hours, help_session, ring (any other
 * counts as "other"). */
#ifndef TANDEM_INSIGHTS_H
#define TANDEM_INSIGHTS_H
#include <stddef.h>
#include <stdint.h>

#include "core/insight.h"
#include "store/db.h"

enum insight_role { INSIGHT_NONE = 0, INSIGHT_MENTOR = 1, INSIGHT_MENTEE = 2 };

/* Inside the caller's transaction. user took part in `role` on day
 * (YYYY-MM-DD, UTC). DB_OK or a store error. */
enum db_rc insight_touch(struct db *db, int64_t user_id, enum insight_role role, const char *day);

/* Inside the caller's transaction. n sessions (+1, or -1 to take one
 * back) of kind led by leader_id on day, minutes long in all (negative
 * with n = -1). The leader takes part as mentor. DB_OK or a store error. */
enum db_rc insight_session(struct db *db, int64_t leader_id, const char *kind, int n, int minutes,
			   const char *day);

/* The figures the pages show, per week or month from `from` to `to`, by
 * team and for the program. The base is one grid of (team, ISO week)
 * cells, SETTLED weeks only: a week is read once INSIGHT_SETTLE_DAYS have
 * passed since it ended (so sessions logged late still count), and the
 * first load after that settles it: its members, hidden cells, hidden
 * groups and every figure are written to insight_frozen (sql/0020, 0025,
 * 0027) and read from there ever after, so no figure shown ever moves with
 * a late write (two snapshots of a week are equal). ins_protect decides
 * per week which cells are shown, whatever the window asked for. Every
 * figure here is a sum over SHOWN cells only: a team's month is its shown
 * weeks whose Monday falls in the month (only months whose weeks have all
 * settled), the program's period its shown teams' cells. So no figure
 * shown says anything about a hidden cell. Inside a shown cell, a group
 * of counts of 1..k-1 (ins_activity_protect) is left out of every sum the
 * same way. Own write transaction when a week settles (the grid is read
 * again under the writers' lock, so what is written is what is shown),
 * else an own read; free with insight_series_free. */
#define INSIGHT_SETTLE_DAYS 14
/* The Monday (days since 1970-01-01) of the first week that has not
 * settled on day td. */
long insight_unsettled_monday(long td);
#define INSIGHT_MAX_PERIODS 1200
#define INSIGHT_MAX_TEAMS 200
struct insight_series {
	int weekly;
	size_t np, nt;
	char (*period)[11];	  /* np: Mondays or YYYY-MM */
	char (*team)[64];	  /* nt, in name order */
	struct ins_cell *cell;	  /* np * nt: sums over the team's shown weeks */
	struct ins_cell *total;	  /* np: sums over every shown cell of the period */
	int *weeks;		  /* np * nt: the team's shown weeks summed (0: hidden) */
	int *total_weeks;	  /* np: weeks with a shown cell */
	int *left;		  /* np * nt: the team's weeks left out */
	int *total_left;	  /* np: team-weeks left out */
	unsigned char *hid;	  /* np * nt: nothing shown (weeks == 0) */
	unsigned char *total_hid; /* np */
	unsigned char *bd_hid;	  /* np * BD_N: the program's breakdowns hidden (ins_small) */
	int *gweeks;		  /* np * nt * IG_N: the team's weeks whose group was shown
				   * (ins_activity_protect); 0 with weeks > 0: hidden */
	int *total_gweeks;	  /* np * IG_N: cells of the period whose group was shown */
};
/* from/to/today: "YYYY-MM-DD" (months use their first 7 characters); from
 * empty: the first period with figures. The window (from, to) chooses
 * which periods are listed, never what is hidden. DB_OK, DB_ERR (also on
 * OOM, and with more than INSIGHT_MAX_TEAMS teams: the totals would be
 * wrong). */
enum db_rc insight_load(struct db *db, int weekly, const char *from, const char *to, const char *today, int k,
			struct insight_series *out);
/* Own transaction, and only when a week has ended since the last close
 * (else one index seek): close every week that ended up to today's last,
 * fixing its members (the week that just ended: each team's active
 * accounts now), its teams and its hidden cells and groups as they are at
 * its end (insight_frozen, settled 0); its figures are fixed when it
 * settles. Called by the mail sender's loop (server/sender.c) every half
 * second, so a week closes when it ends, not when an admin chooses to
 * read it: what is written for a week while it settles (a late session,
 * accounts leaving) can neither move its members nor lift a count hidden
 * at its end. today: "YYYY-MM-DD". DB_OK or a store error. */
enum db_rc insight_close(struct db *db, int k, const char *today);
/* insight_load that never writes: DB_NOTFOUND (out empty) when a week
 * waits to be settled. For the /program builder (pages/program_build.h),
 * so a week is settled when a page first reads it, as before there was a
 * builder, never earlier. */
enum db_rc insight_load_frozen(struct db *db, int weekly, const char *from, const char *to, const char *today,
			       int k, struct insight_series *out);
void insight_series_free(struct insight_series *s);
/* The index of team name in s, or -1. */
int insight_team_index(const struct insight_series *s, const char *name);

/* Program events in date order: the latest max of them. Own read. */
struct insight_event {
	int64_t id;
	char on[11];
	char title[481];
	char note[1004];
};
enum db_rc insight_events(struct db *db, struct insight_event *out, size_t max, size_t *n);
/* Own transaction: record an event (with an audit line). DB_OK or error. */
enum db_rc insight_event_add(struct db *db, const char *on, const char *title, const char *note,
			     int64_t admin, int64_t now, const char *ip);

/* A person's record: fn(arg, quarter, kind, n, minutes) per row of
 * insight_given, by quarter then kind; *people: the distinct people they
 * have mentored, ever. Own read. */
enum db_rc insight_given(struct db *db, int64_t user_id,
			 void (*fn)(void *arg, const char *quarter, const char *kind, int64_t n,
				    int64_t minutes),
			 void *arg, int64_t *people);

/* Surveys an admin published on /program, newest first (at most 20):
 * fn(arg, p). `version` changes whenever an answer is counted, the survey
 * closes or its comments are switched; `batch` (the last batch released,
 * an index seek: sql/0024) whenever released answers join the results,
 * also when the periodic task releases a batch. A page may keep its
 * rendering of a survey while both hold. Own read. */
struct insight_survey {
	int64_t id, version;
	int64_t answered; /* invitations answered (what version counts) */
	int64_t batch;	  /* the last batch of answers released (0: none) */
	const char *title;
	int show_text, closed;
};
enum db_rc insight_published(struct db *db, void (*fn)(void *arg, const struct insight_survey *p), void *arg);
/* Own transaction: publish (on = 1) or withdraw a survey from /program,
 * with an audit line. DB_NOTFOUND when there is no such survey. */
enum db_rc insight_publish(struct db *db, int64_t survey_id, int on, int64_t admin, int64_t now,
			   const char *ip);

#endif
