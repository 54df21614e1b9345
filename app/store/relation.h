/* relation (issue 21): a mentorship that moves. Proposed changes of goal
 * and length (the mentee proposes, the mentor answers), continuing a
 * single conversation as a series (either proposes, the other answers),
 * where the pair meets, follow-up notes after the end, and the quiet
 * pairs: past their planned end, or stalled (4 weeks without a session).
 * Every call takes the person asking and finds nothing (REQ_NOTFOUND)
 * unless they are one of the pair. */
#ifndef TANDEM_RELATION_H
#define TANDEM_RELATION_H
#include <stdint.h>

#include "store/db.h"
#include "store/keyset.h"
#include "store/requests.h"

#define REL_STALLED_DAYS 28 /* no session logged for this long: stalled */
#define REL_WHERE_MAX 500

/* Own transaction. The mentee proposes a new goal ("" keeps it) and/or a
 * new length in weeks (0 keeps it; 1-52, never below the last week ticked
 * done), with a reason (sealed). REQ_NOT_YOURS for the mentor, REQ_PENDING
 * when a proposal waits, REQ_NOT_PENDING when not active, REQ_INVALID for
 * a single conversation or a length below the weeks done. */
enum req_rc rel_change_propose(struct db *db, int64_t ms, int64_t uid, const char *goal, int weeks,
			       const char *reason, int64_t now);

/* Own transaction. Either of a held single conversation proposes to
 * continue as a series: goal, cadence, minutes, weeks (1-52). REQ_INVALID
 * unless it is a held single conversation; REQ_PENDING when one waits. */
enum req_rc rel_continue_propose(struct db *db, int64_t ms, int64_t uid, const char *goal,
				 const char *cadence, int duration_min, int weeks, int64_t now);

/* Own transaction. Answer proposal cid of mentorship ms: the mentor for a
 * change, the other one of the pair for a continue. Accepting a change
 * sets the goal, adds or removes plan weeks and moves the planned end;
 * accepting a continue starts the plan today (capacity and the mentee's
 * limit checked again: REQ_NO_ROOM, REQ_MAX_MENTORS). REQ_NOT_PENDING
 * when already answered. */
enum req_rc rel_answer(struct db *db, int64_t ms, int64_t cid, int64_t uid, int accept, int max_mentors,
		       int64_t now);

/* Inside the caller's transaction (meeting_create's): a session logged for
 * a single conversation holds it: it ends (completed) and the mentor's
 * place is free again. DB_OK when there was nothing to do. */
enum db_rc rel_session_logged(struct db *db, int64_t ms, int64_t now);

/* Own transaction. The mentor sets where they meet ("" clears).
 * REQ_NOT_YOURS for the mentee. */
enum req_rc rel_set_where(struct db *db, int64_t ms, int64_t uid, const char *where);

/* Own transaction. A follow-up note from one of the pair to the other,
 * once the mentorship has ended (REQ_INVALID while active); sealed for
 * its row. */
enum req_rc rel_follow_up_add(struct db *db, int64_t ms, int64_t uid, const char *body, int64_t now);

/* One proposal, for the mentorship page; strings valid during the call. */
struct rel_change {
	int64_t id, proposed_by, created_at, answered_at;
	const char *kind, *goal, *status, *cadence, *reason; /* reason opened ("" none) */
	int weeks, duration_min, unopened;
};

/* No transaction of its own (a read). The proposals of mentorship ms, in
 * order (at most 100), when uid is one of the pair. DB_OK, DB_NOTFOUND,
 * DB_ERR. */
enum db_rc rel_changes_each(struct db *db, int64_t ms, int64_t uid,
			    void (*fn)(void *arg, const struct rel_change *c), void *arg);

/* One follow-up note; strings valid during the call. */
struct rel_follow_up {
	int64_t id, author_id, created_at;
	const char *body;
	int unopened;
};

/* No transaction of its own (a read). The follow-ups of ms, oldest first
 * (at most 50), when uid is one of the pair. */
enum db_rc rel_follow_ups_each(struct db *db, int64_t ms, int64_t uid,
			       void (*fn)(void *arg, const struct rel_follow_up *f), void *arg);

/* How to reach the other one of a pair. */
struct rel_contact {
	char email[320], timezone[64];
};

/* No transaction of its own (a read). The other person of mentorship ms
 * as seen by uid. DB_NOTFOUND unless uid is one of the pair. */
enum db_rc rel_contact_of(struct db *db, int64_t ms, int64_t uid, struct rel_contact *out);

/* What the dashboard says about one of my mentorships. */
enum rel_dash_kind {
	REL_PAST_END,	 /* active, after its planned end: complete, extend or end */
	REL_STALLED,	 /* active, no session for REL_STALLED_DAYS */
	REL_TO_ANSWER,	 /* a proposal waits for my answer */
	REL_FOLLOW_UP,	 /* a follow-up note to me in the last 30 days */
	REL_FIRST_ACCEPT /* I mentor, and this is my first mentorship ever */
};
struct rel_dash {
	enum rel_dash_kind kind;
	int64_t ms;
	const char *other, *topic, *day; /* day: planned end, last activity, or note's day */
	int i_mentor;
};

/* No transaction of its own (reads). What the dashboard says of uid's
 * mentorships as of today (YYYY-MM-DD, UTC), from the mentorships-by-person
 * indexes: at most 20 of each kind. */
enum db_rc rel_dash_each(struct db *db, int64_t uid, const char *today, int64_t now,
			 void (*fn)(void *arg, const struct rel_dash *d), void *arg);

/* No transaction of its own (a read). Active pairs with no session since
 * before cutoff (YYYY-MM-DD): a range of the mentorships_quiet index. */
int64_t rel_stalled_count(struct db *db, const char *cutoff);

/* One pair for the admin list; strings valid during the call. */
struct rel_pair {
	int64_t id;
	const char *mentor, *mentee, *topic, *kind, *started_on, *planned_end, *last_session_on, *quiet_since;
};

/* No transaction of its own (a read). Active pairs, quietest first (by the
 * day of their last session, else their start; ties by id), after the
 * cursor (after_day, after_id; "" and 0 for the first page); at most max
 * (<= 100); *more when a further page follows. Never any text the pair
 * wrote. */
enum db_rc rel_pairs_page(struct db *db, const char *after_day, int64_t after_id, int max,
			  void (*fn)(void *arg, const struct rel_pair *p), void *arg, int *more);

#endif
