/* mentorships: an accepted request, its weekly plan, and how it ends.
 * Every read and write takes the person asking and finds nothing unless
 * they are one of the pair. */
#ifndef TANDEM_MENTORSHIPS_H
#define TANDEM_MENTORSHIPS_H
#include <stdint.h>

#include "store/db.h"
#include "store/requests.h"

struct mentorship {
	int64_t id, mentor_id, mentee_id;
	char mentor_name[400], mentee_name[400], topic[200], goal[4200];
	char format[32], cadence[16], started_on[11], planned_end[11], status[16], outcome[16];
	char end_reason[4001];
	int duration_min, weeks;
	/* issue 21 */
	char kind[8];		  /* "series" or "single" */
	char meet_where[2001];	  /* where they meet ("" unset) */
	char last_session_on[11]; /* the latest session's day, "" none */
	char request_goal[4200];  /* the first goal (the request's) */
	int64_t created_at;
};

/* No transaction of its own (a read). Load mentorship id if uid is its
 * mentor or mentee; DB_NOTFOUND otherwise. */
enum db_rc ms_get_for(struct db *db, int64_t id, int64_t uid, struct mentorship *m);

/* issue 19: what the person completing a mentorship says with it. */
struct ms_recognition {
	int celebrate;	    /* 1: opts in to the celebration on /program */
	const char *thanks; /* the mentee's thank-you note ("" none) */
	int thanks_public;  /* the note may show with the celebration */
};

/* Own transaction. End an active mentorship: status "completed" with an
 * outcome, or "ended_early" with a reason. rec (NULL: nothing) is
 * recorded with a completion (store/celebrations.h). REQ_NOTFOUND unless
 * uid is a party, REQ_NOT_PENDING when it is no longer active. */
enum req_rc ms_finish(struct db *db, int64_t id, int64_t uid, const char *status, const char *outcome,
		      const char *reason, const struct ms_recognition *rec, int64_t now);

/* Own transaction. Tick a plan week done or not, and set its note line. */
enum req_rc ms_plan_update(struct db *db, int64_t id, int64_t uid, int week, int done, const char *note);

/* Own transaction: set (at > 0, UTC seconds) or clear (at == 0: cancel)
 * the next planned session of mentorship id, when uid is one of the pair
 * (else nothing changes). Keeps plan_no/plan_seq (the invitation's UID and
 * SEQUENCE) and queues the planned, moved or cancelled mail for both.
 * DB_OK, DB_BUSY or DB_ERR. */
enum db_rc ms_set_next_session(struct db *db, int64_t id, int64_t uid, int64_t at, int64_t now);

#endif
