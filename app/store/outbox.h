/* outbox: the mail Tandem owes people (sql/0013_outbox.sql). The write
 * paths add rows inside their own transaction (one call per event, so a
 * refused or rolled-back change sends nothing and a committed one is never
 * lost); the sender process (server/sender.c) reads due rows, re-checks
 * that what they announce still holds, and marks them. Rows carry ids and
 * numbers only: never a text anyone wrote. */
#ifndef TANDEM_OUTBOX_H
#define TANDEM_OUTBOX_H
#include <stddef.h>
#include <stdint.h>

#include "core/notifykind.h"
#include "store/db.h"

/* Stored as numbers in outbox.event: append only, never renumber. */
enum outbox_event {
	OB_REQUEST_NEW = 1,	 /* mentor; ref: request */
	OB_REQUEST_ACCEPTED = 2, /* mentee; ref: request */
	OB_REQUEST_DECLINED = 3, /* mentee; ref: request */
	OB_REQUEST_EXPIRED = 4,	 /* mentee; ref: request; due at expiry */
	OB_REQUEST_OVERDUE = 5,	 /* mentor; ref: request; due after a week */
	OB_MS_STARTED = 6,	 /* both; ref: mentorship */
	OB_MS_ENDING = 7,	 /* both; ref: mentorship; due a week before the planned end */
	OB_PLAN_SET = 8,	 /* both; ref: mentorship; plan_seq 0: planned, else moved */
	OB_PLAN_CANCELLED = 9,	 /* both; ref: mentorship; at: the time it had */
	OB_SESSION_SOON = 10,	 /* both; ref: mentorship; due 24 h before */
	OB_FEEDBACK_OWED = 11,	 /* each of the pair; ref: session; due an hour after logging */
	OB_SURVEY_INVITE = 12,	 /* ref: survey invitation */
	OB_SURVEY_REMINDER = 13, /* ref: survey invitation; due a week later */
	/* issue 16: account mail. ref: the account_tokens row (the sender
	 * writes its link again from the row's salt); not switchable: no
	 * unsubscribe link, never in a digest (outbox_event_switchable). */
	OB_ACCT_VERIFY = 14,   /* the person; ref: account token */
	OB_ACCT_RESET = 15,    /* the person; ref: account token */
	OB_ACCT_INVITE = 16,   /* the invited person; ref: account token */
	OB_ACCT_PW_RESET = 17, /* the person; ref: the user (notice: password reset) */
	/* issue 16 (security and data half): 20-24 */
	OB_ACCOUNT_CLOSED =
		20, /* the other of an active pair; ref: mentorship; ended because the account closed */
	/* issue 18: numbers 35-44 */
	OB_COFFEE_MATCHED = 35,	     /* each of a pairing round's match; ref: coffee match */
	OB_RING_MENTOR_INVITED = 36, /* the co-mentor asked; ref: ring */
	OB_RING_SEATED = 37,	     /* the first in line got a freed seat; ref: ring */
	/* issue 17: office hours and the help-session rotation (25-34). */
	OB_OH_CANCELLED = 25, /* each person booked; ref: occurrence */
	OB_SWAP_OFFERED = 26, /* the lead offered a session; ref: help session */
	/* issue 21 (50-59) */
	OB_MS_PAST_END = 50, /* both; ref: mentorship; due the day after its planned end */
	/* issue 19, recognition (53-54) */
	OB_THANKS_RECEIVED = 53, /* the mentor; ref: mentorship; the mentee wrote a thank-you note */
	OB_EVENT_MAX = 53,
};

#define OUTBOX_OVERDUE_AFTER (7 * 86400)
#define OUTBOX_SOON_BEFORE (24 * 3600)
#define OUTBOX_FEEDBACK_AFTER 3600
#define OUTBOX_SURVEY_REMIND_AFTER (7 * 86400)
#define OUTBOX_ENDING_BEFORE (7 * 86400)
#define OUTBOX_TRIES 6 /* the first attempt and five retries, then given up */

/* The notification kind (what a person turns off) of an event. */
enum notify_kind outbox_event_kind(enum outbox_event e);
/* 0 for mail a person cannot turn off (issue 16's account mail: links to
 * verify, reset, accept an invitation): sent alone, at once, without an
 * unsubscribe link; 1 for every other event. */
int outbox_event_switchable(enum outbox_event e);

/* --- Write paths: each runs inside the caller's write transaction and
 * answers DB_OK or the store error to roll back with. --- */

/* A request was created: the mentor hears now, again after a week if it
 * is still unanswered; the mentee hears if it expires. */
enum db_rc outbox_request_created(struct db *db, int64_t request_id, int64_t now);
/* A request was declined (OB_REQUEST_DECLINED) or accepted
 * (OB_REQUEST_ACCEPTED): the mentee hears. */
enum db_rc outbox_request_answered(struct db *db, int64_t request_id, enum outbox_event e, int64_t now);
/* Every request still pending to mentor_id is about to be declined
 * (their account closes): each mentee hears (OB_REQUEST_DECLINED). Call
 * before the requests change. */
enum db_rc outbox_requests_declined_to(struct db *db, int64_t mentor_id, int64_t now);
/* A mentorship started: both hear now, and a week before its planned end. */
enum db_rc outbox_mentorship_started(struct db *db, int64_t mentorship_id, int64_t now);
/* issue 21: both are asked to complete, extend or end mentorship id the
 * day after its planned end (as it is now; a row whose end moved since is
 * not needed when due, and the move queues a new one). */
enum db_rc outbox_past_end(struct db *db, int64_t mentorship_id, int64_t now);
/* The next session of a mentorship was planned or moved (e OB_PLAN_SET,
 * at its time) or cancelled (OB_PLAN_CANCELLED, at the time it had), as
 * version (plan_no, plan_seq): both hear now; for a set plan both are
 * reminded 24 h before. */
enum db_rc outbox_plan_changed(struct db *db, int64_t mentorship_id, enum outbox_event e, int64_t plan_no,
			       int64_t plan_seq, int64_t at, int64_t now);
/* The survey invitations of a mentorship that just ended: each invited
 * person hears now, and once more a week later if still unanswered. */
enum db_rc outbox_survey_invited(struct db *db, int64_t mentorship_id, int64_t now);

/* issue 16: mentorship mid ended because uid's account closed: the other
 * of the pair hears (OB_ACCOUNT_CLOSED). */
enum db_rc outbox_account_closed(struct db *db, int64_t mentorship_id, int64_t uid, int64_t now);
/* issue 19: the mentee of mentorship mid wrote a thank-you note: its
 * mentor hears that one arrived (never its text). */
enum db_rc outbox_thanks(struct db *db, int64_t mentorship_id, int64_t now);
/* Issue 16: account mail e (OB_ACCT_*) to user_id about ref, due now. */
enum db_rc outbox_account(struct db *db, enum outbox_event e, int64_t user_id, int64_t ref, int64_t now);

/* --- The sender's side. --- */

struct outbox_row {
	int64_t id, user_id, ref, plan_no, plan_seq, at, due;
	int event, tries, digest;
};

/* A read. The sender's feedback mark (sql/0044): every session with an
 * id up to it has been seen to (a logged session writes no mail row;
 * each of its pair who has not given feedback an hour later is asked
 * once, from the session row itself). -1 on a store error. */
int64_t outbox_feedback_mark(struct db *db);
/* In the caller's transaction. The sessions lo < id <= hi become an
 * OB_FEEDBACK_OWED row for each of their pair (due OUTBOX_FEEDBACK_AFTER
 * after each was logged; none for a session gone) and the mark
 * (sql/0044) moves from lo to hi. DB_ERR, and nothing to keep, when the
 * mark was not at lo. */
enum db_rc outbox_feedback_take(struct db *db, int64_t lo, int64_t hi);
/* Own transaction. The sessions logged after the mark, in id order, up
 * to max and up to the first one logged less than OUTBOX_FEEDBACK_AFTER
 * before now (one stamped after now is taken), go through
 * outbox_feedback_take, all or nothing; no transaction when none is due.
 * The number of sessions taken, or -1 on a store error (nothing
 * changed). */
int outbox_feedback_expand(struct db *db, int64_t now, int max);
/* A read. Up to max waiting rows due at now, oldest due first, into rows.
 * The number read, or -1 on a store error. */
int outbox_due(struct db *db, int64_t now, struct outbox_row *rows, int max);
/* A read. Up to max waiting digest rows of uid due at now. Count or -1. */
int outbox_digest_rows(struct db *db, int64_t uid, int64_t now, struct outbox_row *rows, int max);

/* What a message may say: names, topic, dates, titles and ids for links,
 * all read when it is composed. Never notes, agenda, goal or any text the
 * pair wrote. */
struct outbox_facts {
	char email[320], name[400], tz[64]; /* the recipient */
	char other_name[400], topic[401];   /* the other of the pair; the topic */
	char other_email[320];		    /* for the invitation's attendee list */
	char survey_title[400];		    /* survey mails */
	char planned_end[11];		    /* OB_MS_ENDING */
	int64_t mentorship_id, request_id;  /* for links (0 when none) */
	int64_t session_id, invitation_id;  /* for links (0 when none) */
	int64_t at;			    /* the session's time (plan and soon mails) */
	int duration_min;		    /* of the mentorship's sessions */
	int is_mentor;			    /* the recipient is the mentor */
	char link_token[48];		    /* issue 16: the account link's token */
	int64_t link_expires;		    /* issue 16: when that link stops working */
	int64_t coffee_match_id, ring_id;   /* issue 18: for links (0 when none) */
	char path[64];			    /* issue 17: the page to link, "/office-hours" */
};

/* A read. Whether row still needs sending as of now: 1 with *f filled, 0
 * when what it announced no longer holds (answered, moved, given,
 * ended: "not needed"), -1 on a store error. */
int outbox_check(struct db *db, const struct outbox_row *row, int64_t now, struct outbox_facts *f);

/* Own transaction. Mark rows[0..n) sent (state 1), each only while it is
 * still the row that was sent (the same id, person, event, reference and
 * plan, still waiting): the sender keeps the rows while the mark cannot
 * be written, and meanwhile a deleted newest row's id may be given to
 * another. DB_OK or an error. */
enum db_rc outbox_mark_sent(struct db *db, const struct outbox_row *rows, int n);
/* Own transaction. Mark rows[0..n) not needed (state 3): off, or no
 * longer true; checked as outbox_mark_sent checks. */
enum db_rc outbox_mark_skipped(struct db *db, const struct outbox_row *rows, int n);
/* Own transaction. A failed attempt of row id: tried once more and due
 * again at next, or given up (state 2) when next is 0. */
enum db_rc outbox_retry(struct db *db, int64_t id, int64_t next);
/* Own transaction. Hold row id for uid's digest, due at next. */
enum db_rc outbox_hold(struct db *db, int64_t id, int64_t next);

/* A read. Messages given up after every retry ("mail that could not be
 * delivered" on /admin), or -1. */
int64_t outbox_failed_count(struct db *db);

#endif
