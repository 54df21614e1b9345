/* ring_sessions: a ring's logged sessions and their feedback (issue 18).
 * The agenda and shared notes are sealed for the ring and the row
 * (SEALED_RING_AGENDA / SEALED_RING_NOTES, row "ring_id:id") and opened
 * only for the ring's current mentors and members; anyone else, a former
 * member or an admin included, finds nothing. Feedback reaches the
 * mentors only as totals of at least k forms, moved in steps of k (a
 * snapshot taken at each multiple of k), so one form never shows. */
#ifndef TANDEM_RING_SESSIONS_H
#define TANDEM_RING_SESSIONS_H
#include <stddef.h>
#include <stdint.h>

#include "store/db.h"
#include "store/rings.h"

#define RING_SESSIONS_PAGE 20
#define RING_ATTENDEES_MAX 24

struct ring_session_new {
	int64_t ring_id, author_id;
	const char *held_on, *agenda, *shared_notes;
	int duration_min;
	const int64_t *attendees; /* user ids: current members of the ring */
	size_t nattendees;
};

/* Own transaction. A current mentor of the ring logs a session (today is
 * "YYYY-MM-DD", UTC). RING_NOTFOUND when uid is not one; RING_NO_USER when
 * an attendee is not a current member; RING_CLOSED when held_on is after
 * today. *id gets the session's id. */
enum ring_rc ring_session_create(struct db *db, const struct ring_session_new *n, const char *today,
				 int64_t now, int64_t *id);

/* One session as its ring's people see it; strings valid during the
 * callback (agenda and notes opened). */
struct ring_session_row {
	int64_t id;
	const char *held_on, *agenda, *shared_notes;
	int duration_min, attendees;
	int attended;  /* the asker was an attendee */
	int my_rating; /* the asker's feedback, 0 when not given */
	int shown_n;   /* feedback forms the mentors' figures cover (a multiple of k) */
	int shown_sum; /* their ratings' sum */
};

/* No transaction of its own (a read). Ring ring's sessions for uid, newest
 * first, after key (held_on day as YYYYMMDD and id; {0, 0} the first
 * page), at most max. DB_NOTFOUND unless uid is a current mentor or member;
 * DB_ERR when a value does not open (logged, never shown). *more is 1 when
 * older ones follow, and *last the key of the last one. */
enum db_rc ring_sessions_each(struct db *db, int64_t ring, int64_t uid, const struct keyset *after, int max,
			      void (*fn)(void *arg, const struct ring_session_row *r), void *arg, int *more,
			      struct keyset *last);

/* Own transaction. An attendee who is still a member gives feedback on a
 * session of the ring, once: RING_ALREADY the second time; RING_NOTFOUND
 * when the session is not the ring's or uid not an attending member. k is
 * TANDEM_SURVEY_K: the mentors' figures move at each multiple of it. */
enum ring_rc ring_feedback_add(struct db *db, int64_t ring, int64_t session, int64_t uid, int rating,
			       const char *use_of_time, int k);

#endif
