/* rings: mentor rings (issue 18). Two mentors (an owner and co-mentors who
 * accepted) meet a group on a cadence. Seats are taken in the joining
 * transaction (BEGIN IMMEDIATE re-reads the count under the write lock, so
 * concurrent joins for the last seat seat exactly one); the rest wait in
 * line and the first in line is seated when a member leaves. A former
 * member has no row at all: every check of "current member" is one
 * lookup. Sessions and feedback: store/ring_sessions.h. */
#ifndef TANDEM_RINGS_H
#define TANDEM_RINGS_H
#include <stdint.h>

#include "store/db.h"
#include "store/keyset.h"
#include "store/outbox.h"

#define RING_TOPIC_MAX 100
#define RING_DESCRIPTION_MAX 2000
#define RING_LIST_PAGE 20

/* What the asker is to a ring. */
enum ring_role { RING_NONE = 0, RING_MEMBER, RING_WAITING, RING_MENTOR, RING_INVITED };

/* What the ring_rc functions below answer:
 * RING_OK, a refusal below, or a store failure (RING_DB_*: nothing
 * written; the page is ctx_store_error's). One value, no out-parameter
 * (the one store result type, store/db.h). */
enum ring_rc {
	RING_OK = DB_OK,
	RING_DB_BUSY = DB_BUSY, /* store failures: see store/db.h */
	RING_DB_ERR = DB_ERR,
	RING_DB_FULL = DB_FULL,
	RING_NOTFOUND = DB_REFUSAL, /* no such ring, or the asker may not do this to it (404) */
	RING_CLOSED,		    /* joining is closed or the ring has ended (409) */
	RING_ALREADY,		    /* already in it, already a mentor, already answered (409) */
	RING_NO_USER,		    /* the co-mentor named is not an active member (422) */
};

struct ring_new {
	int64_t owner_id;
	const char *topic, *description, *cadence;
	int seats, duration_min, weeks;
};

/* Own transaction. Open a ring with its owner as its first mentor. *id
 * gets the new ring's id. DB_OK or the error. */
enum db_rc ring_create(struct db *db, const struct ring_new *n, int64_t now, int64_t *id);

struct ring {
	int64_t id, owner_id, created_at;
	char topic[RING_TOPIC_MAX * 4 + 4], description[RING_DESCRIPTION_MAX * 4 + 4];
	char cadence[12], status[8], owner_name[400];
	int seats, members, waiting, duration_min, weeks;
	enum ring_role my_role;
	int my_place; /* 1-based place in line (RING_WAITING, or RING_INVITED in line) */
	int my_seat;  /* holds a member's seat (also while RING_INVITED: a
		       * member asked to co-mentor sees what members see) */
};

/* No transaction of its own (a read). Ring id as uid sees it: every member
 * may see a ring's topic, seats and mentors (to join it); what was said in
 * it is store/ring_sessions.h's and only for its people. DB_NOTFOUND when
 * there is no such ring. */
enum db_rc ring_get(struct db *db, int64_t id, int64_t uid, struct ring *r);

/* One line of a list of rings; strings valid during the callback. */
struct ring_row {
	int64_t id, created_at;
	const char *topic, *cadence, *status, *mentors;
	int seats, members, duration_min;
	enum ring_role role; /* ring_mine_each only */
};

/* No transaction of its own (a read). Open rings with a seat left, newest
 * first, after *after ({0, 0}: the first page), at most max; *more is 1
 * when another page follows. One range of the partial index rings_open. */
enum db_rc ring_open_page(struct db *db, const struct keyset *after, int max,
			  void (*fn)(void *arg, const struct ring_row *r), void *arg, int *more);

/* No transaction of its own (a read). The rings uid mentors, is invited
 * to, sits in or waits for (newest first, at most 50; open, closed or
 * ended). */
enum db_rc ring_mine_each(struct db *db, int64_t uid, void (*fn)(void *arg, const struct ring_row *r),
			  void *arg);

/* No transaction of its own (a read). The ring's people, mentors first
 * then members by name, then the waiting list in order; only for uid who
 * is a mentor or current member (else nothing is called and DB_NOTFOUND). */
enum db_rc ring_people_each(struct db *db, int64_t ring, int64_t uid,
			    void (*fn)(void *arg, int64_t user_id, const char *name, enum ring_role role),
			    void *arg);

/* Own transaction each. RING_NOTFOUND when there is no ring or uid may
 * not do this (not a mentor; not in it), or a store failure (RING_DB_*). */
/* Take a seat, or a place in line when none is left (*waiting = 1). */
enum ring_rc ring_join(struct db *db, int64_t ring, int64_t uid, int64_t now, int *waiting);
/* Leave the ring or its line; the first in line takes a freed seat while
 * the ring is open. */
enum ring_rc ring_leave(struct db *db, int64_t ring, int64_t uid);

/* Inside the caller's transaction (an account closing or erased): uid
 * leaves every ring, seat, waiting place and mentor role; each seat freed
 * goes to the first in line (mailed, as when a member leaves), and a ring
 * left without an active mentor closes to joining. DB_OK or an error. */
enum db_rc ring_person_leaves(struct db *db, int64_t uid);
/* An active mentor asks user to co-mentor: RING_NO_USER when no such
 * active person, RING_ALREADY when they are in the ring already. */
enum ring_rc ring_invite_mentor(struct db *db, int64_t ring, int64_t uid, int64_t user);
/* The invited co-mentor accepts (becomes a mentor; a seat they held is
 * given up) or declines (the invitation is gone). */
enum ring_rc ring_mentor_answer(struct db *db, int64_t ring, int64_t uid, int accept);
/* An active mentor closes joining (end = 0), or ends the ring (end = 1):
 * members and mentors are then invited to the post-program survey of
 * their role (mentee's for members), once per person per survey, and
 * told by mail now and reminded a week later (as of now). */
enum ring_rc ring_close(struct db *db, int64_t ring, int64_t uid, int end, int64_t now);

/* A read, for the sender (store/outbox.c): a survey invitation that came
 * from ring (OB_SURVEY_INVITE, OB_SURVEY_REMINDER): the person and the
 * ring's topic into *f. 1, 0 when the person is no longer active, -1 on
 * error. */
int ring_survey_facts(struct db *db, int64_t ring, int64_t uid, struct outbox_facts *f);

/* A read, for the sender (store/outbox.c): the facts of an
 * OB_RING_MENTOR_INVITED or OB_RING_SEATED row: 1 with *f filled, 0 when
 * the invitation was answered since, or the seat left again, -1 on
 * error. */
int ring_outbox_facts(struct db *db, const struct outbox_row *r, struct outbox_facts *f);

#endif
