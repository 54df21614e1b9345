/* requests: a mentee asks a mentor; the mentor accepts or declines; the
 * mentee may withdraw. Accepting starts a mentorship. All rules that
 * protect people from overload live here, inside write transactions. */
#ifndef TANDEM_REQUESTS_H
#define TANDEM_REQUESTS_H
#include <stdint.h>

#include "store/db.h"

#define REQ_MAX_PENDING 3	      /* per mentee */
#define REQ_OVERDUE_AFTER (7 * 86400) /* shown as overdue to the mentor */
#define REQ_EXPIRE_AFTER (14 * 86400) /* then it expires */

/* What the req_rc functions below answer:
 * REQ_OK, a refusal below, or a store failure (REQ_DB_*: nothing
 * written; the page is ctx_store_error's). One value, no out-parameter
 * (the one store result type, store/db.h). */
enum req_rc {
	REQ_OK = DB_OK,
	REQ_DB_BUSY = DB_BUSY, /* store failures: see store/db.h */
	REQ_DB_ERR = DB_ERR,
	REQ_DB_FULL = DB_FULL,
	REQ_NOTFOUND = DB_REFUSAL, /* no such request, or not this person's to act on */
	REQ_NOT_PENDING,	   /* already answered, withdrawn or expired */
	REQ_NO_ROOM,		   /* the mentor has no place left */
	REQ_TOO_MANY,		   /* the mentee already has REQ_MAX_PENDING pending */
	REQ_DUPLICATE,		   /* already a pending request to this mentor */
	REQ_SELF,		   /* asking oneself */
	REQ_NOT_MENTOR,		   /* the person does not mentor (or is deactivated) */
	/* issue 21 */
	REQ_MAX_MENTORS, /* the mentee already has max_mentors active mentorships */
	REQ_NOT_YOURS,	 /* one of the pair, but this is the other one's to do */
	REQ_PENDING,	 /* a proposal already waits for an answer */
	REQ_INVALID,	 /* not possible in this state (e.g. fewer weeks than are done) */
};

struct req_new {
	int64_t mentee_id, mentor_id, topic_id;
	const char *goal, *format, *cadence, *message;
	int duration_min, weeks;
	const char *kind; /* "series" (NULL too) or "single": one conversation, no plan */
	int max_mentors;  /* the mentee's limit of active mentorships (TANDEM_MAX_MENTORS) */
};

/* Own transaction. Create a pending request (one transaction; expired
 * requests of the mentee are marked first). *id gets the new id. */
enum req_rc req_create(struct db *db, const struct req_new *n, int64_t now, int64_t *id);

/* Own transaction. The mentor accepts: re-checks capacity under the write
 * lock, creates the mentorship and its plan, closes the mentee's other
 * pending requests on the same topic as matched elsewhere. *mentorship_id
 * gets the new id. */
enum req_rc req_accept(struct db *db, int64_t id, int64_t mentor_id, int64_t now, int max_mentors,
		       int64_t *mentorship_id);
/* Own transaction. The mentor declines with a reason ("" for the kind
 * default). */
enum req_rc req_decline(struct db *db, int64_t id, int64_t mentor_id, const char *reason, int64_t now);
/* Own transaction. The mentee withdraws a pending request. */
enum req_rc req_withdraw(struct db *db, int64_t id, int64_t mentee_id, int64_t now);

/* Own transaction. Mark every request pending for longer than
 * REQ_EXPIRE_AFTER as expired (the master's periodic task; reads also
 * treat them as expired). */
void req_expire_all(struct db *db, int64_t now);

/* No transaction of its own (a read). Active mentees of a mentor (a
 * single conversation counts until it is held, when it ends); -1 when the
 * count failed (a failure: never read it as 0, which would let a request
 * past the mentor's capacity). */
int64_t req_active_mentees(struct db *db, int64_t mentor_id);

/* The SQL expression for a request's status as of :now. */
#define REQ_STATUS_SQL                                                                                       \
	"CASE WHEN r.status = 'pending' AND r.created_at <= :now - 1209600 THEN 'expired' ELSE r.status END"

/* No transaction of its own (a read). Active mentorships of a mentee; -1
 * when the count failed (as req_active_mentees). */
int64_t req_active_mentors(struct db *db, int64_t mentee_id);

/* No transaction of its own (a read). 1 when mentee has had a mentorship
 * (any kind, any state) with mentor before: else a first contact (0); -1
 * when the read failed. */
int req_had_mentor(struct db *db, int64_t mentee_id, int64_t mentor_id);

/* How long a single conversation has to be held before it is past due. */
#define REQ_SINGLE_DAYS 14

/* The plan title of week w of n (the default six-week template, adapted). */
const char *plan_title(int w, int n);

#endif
