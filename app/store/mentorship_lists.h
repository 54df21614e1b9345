/* mentorship_lists: the reads pages show of the mentorships aggregate
 * (lists, a plan, the sessions logged, the next session). Writes are
 * store/mentorships.h. None opens a transaction: each is a read. Every
 * one takes the person asking, or a mentorship the caller has already
 * found to be theirs (ms_get_for). */
#ifndef TANDEM_MENTORSHIP_LISTS_H
#define TANDEM_MENTORSHIP_LISTS_H
#include <stdint.h>

#include "store/db.h"
#include "store/keyset.h"

/* One line of a person's mentorship list; strings valid during the
 * callback. */
struct ms_row {
	int64_t id, done, weeks, next_at; /* done: plan weeks ticked; next_at 0: none */
	int64_t created_at;		  /* set by ms_page only */
	int i_mentor;
	const char *other, *topic, *status, *started_on, *planned_end;
};

/* uid's mentorships, as mentor or mentee, newest first (created_at, ties
 * by id), at most max (<= 200) below the cursor (after->at, after->id;
 * {0, 0}: the first page); *more is 1 when a further page follows.
 * next_at is 0. Two index ranges merged, whatever uid's history. DB_OK or
 * a store error. */
enum db_rc ms_page(struct db *db, int64_t uid, const struct keyset *after, int max,
		   void (*fn)(void *arg, const struct ms_row *row), void *arg, int *more);

/* uid's active mentorships in no order (the dashboard orders the few it
 * gets), with next_at; started_on, planned_end and status are NULL.
 * DB_OK or DB_ERR. */
enum db_rc ms_active_each(struct db *db, int64_t uid, void (*fn)(void *arg, const struct ms_row *row),
			  void *arg);

/* One week of a plan; strings valid during the callback. */
struct ms_week {
	int week, done;
	const char *title, *note; /* note opened; "" when none or it did not open */
	int unopened;		  /* 1: the sealed note did not open (logged) */
};

/* The plan of mentorship id, by week. DB_OK or DB_ERR. */
enum db_rc ms_plan_each(struct db *db, int64_t id, void (*fn)(void *arg, const struct ms_week *w), void *arg);

/* One session logged for a mentorship; strings valid during the callback. */
struct ms_session {
	int64_t id;
	const char *held_on, *kind, *labels;
	int duration_min;
};

/* The sessions of mentorship id, newest first (held_on, ties by id), at
 * most max (<= 200) below the cursor: held before after_on, or on it with
 * an id below after_id (after_on "": the first page). *more is 1 when a
 * further page follows. DB_OK or a store error. */
enum db_rc ms_sessions_page(struct db *db, int64_t id, const char *after_on, int64_t after_id, int max,
			    void (*fn)(void *arg, const struct ms_session *s), void *arg, int *more);

/* The next planned session of mentorship id when it is after now (UTC
 * seconds), else 0 (also on a store error). */
int64_t ms_next_session(struct db *db, int64_t id, int64_t now);

#endif
