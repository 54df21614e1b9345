/* agenda: a mentorship's next planned session (mentorships.next_session_at)
 * seen from the pair: the agenda written ahead for it (sealed for the one
 * plan, SEALED_NEXT_AGENDA, row "mentorship_id:plan_no"), carried into the
 * session when it is logged, and each person's planned sessions for their
 * calendar feed. Every function takes the person asking and finds nothing
 * unless they are one of the pair. */
#ifndef TANDEM_AGENDA_H
#define TANDEM_AGENDA_H
#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "store/db.h"

/* The agenda's limit in characters: the one written ahead and a logged
 * session's (pages/meetings.c) alike. */
#define AGENDA_MAX 8000

struct planned {
	int64_t at;	   /* next_session_at, 0 when none is planned */
	int64_t plan_no;   /* which planned session (rises with each new plan) */
	int active;	   /* 1 while the mentorship is active */
	struct buf agenda; /* opened; "" when none. Free with planned_free */
};

/* No transaction of its own (a read). Load mentorship id's planned session
 * and its agenda for uid. DB_NOTFOUND unless uid is one of the pair;
 * DB_ERR also when the agenda does not open (logged, never shown). */
enum db_rc planned_get(struct db *db, int64_t id, int64_t uid, struct planned *p);
void planned_free(struct planned *p);

/* What the agenda_rc functions below answer:
 * AGENDA_OK, a refusal below, or a store failure (AGENDA_DB_*: nothing
 * written; the page is ctx_store_error's). One value, no out-parameter
 * (the one store result type, store/db.h). */
enum agenda_rc {
	AGENDA_OK = DB_OK,
	AGENDA_DB_BUSY = DB_BUSY, /* store failures: see store/db.h */
	AGENDA_DB_ERR = DB_ERR,
	AGENDA_DB_FULL = DB_FULL,
	AGENDA_NOTFOUND = DB_REFUSAL, /* no such mentorship, or uid is not one of the pair */
	AGENDA_ENDED,		      /* the mentorship is no longer active */
	AGENDA_NOT_PLANNED,	      /* no session planned after now */
};

/* Own transaction. Write (or, with "", remove) the agenda of mentorship
 * id's planned session for uid, sealed for that plan. */
enum agenda_rc agenda_save(struct db *db, int64_t id, int64_t uid, const char *text, int64_t now);

/* Inside the caller's transaction (meeting_create): the agenda written
 * ahead is now the logged session's, so the planned one is removed.
 * DB_OK or the error. */
enum db_rc agenda_carried(struct db *db, int64_t mentorship_id);

/* One planned session of a person's calendar feed; strings valid during
 * the callback. */
struct planned_row {
	int64_t mentorship_id, plan_no, plan_seq, at;
	int duration_min;
	const char *other, *topic; /* the other person's name, the topic */
};

/* No transaction of its own (a read). uid's planned sessions, as mentor or
 * mentee: those after now in active mentorships and those of the last 30
 * days, soonest first, at most 200 (each side reads its mentorships
 * index). DB_OK or DB_ERR. */
enum db_rc planned_each(struct db *db, int64_t uid, int64_t now,
			void (*fn)(void *arg, const struct planned_row *r), void *arg);

#endif
