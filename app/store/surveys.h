/* surveys: invitations (who was asked, and whether they answered) and
 * anonymous responses (what was answered), kept unlinkable: an answer
 * waits sealed in a pool and joins the readable ones only in a shuffled
 * batch of at least k, written in a later transaction. See
 * sql/0006_surveys.sql and sql/0008_survey_pool.sql. */
#ifndef TANDEM_SURVEYS_H
#define TANDEM_SURVEYS_H
#include <stdint.h>

#include "store/db.h"

#define SURVEY_MAX_QUESTIONS 40
#define SURVEY_TEXT_MAX 5000 /* characters of a text answer, at most (the builder's limit) */
#define SURVEY_MAX_CHOICES 6

/* Invite both people of a mentorship that just ended to the open survey
 * for their role, once per person per survey however often they are
 * paired again. Call inside the transaction that ends it. */
enum db_rc survey_invite_pair(struct db *db, int64_t mentorship_id);

struct invitation {
	int64_t id, survey_id;
	char title[804], role[8], status[8];
	int answered;
};

/* One line of a person's survey list; title valid during the callback. */
struct invitation_row {
	int64_t id;
	const char *title;
	int answered, open;
};

/* No transaction of its own (a read). Call fn(arg, row) for uid's
 * unanswered invitations to open surveys, oldest first, at most max. */
void survey_open_each(struct db *db, int64_t uid, int max,
		      void (*fn)(void *arg, const struct invitation_row *row), void *arg);

/* No transaction of its own (a read). Invitation id of uid. DB_NOTFOUND
 * when it is someone else's. */
enum db_rc survey_invitation_for(struct db *db, int64_t id, int64_t uid, struct invitation *inv);

/* Sizes in bytes fit the forms' limits in characters (4 bytes each). */
struct question {
	int64_t id;
	char kind[8], prompt[1204], low[244], high[244], choices[2004];
	int max_len, required;
};

/* No transaction of its own (a read). The questions of a survey in order;
 * returns how many (<= max), -1 on error. */
int survey_questions(struct db *db, int64_t survey_id, struct question *q, int max);

/* Split a choice question's choices (one per line) into out, pointing
 * into buf (a copy the caller owns, overwritten). Returns how many. */
int survey_choices(const char *choices, char *buf, size_t n, const char *out[SURVEY_MAX_CHOICES]);

struct answer {
	int64_t question_id;
	int rating;	    /* 0 when none */
	const char *choice; /* NULL when none */
	const char *text;   /* NULL when none */
};

/* What the survey_rc functions below answer:
 * SURVEY_OK, a refusal below, or a store failure (SURVEY_DB_*: nothing
 * written; the page is ctx_store_error's). One value, no out-parameter
 * (the one store result type, store/db.h). */
enum survey_rc {
	SURVEY_OK = DB_OK,
	SURVEY_DB_BUSY = DB_BUSY, /* store failures: see store/db.h */
	SURVEY_DB_ERR = DB_ERR,
	SURVEY_DB_FULL = DB_FULL,
	SURVEY_NOTFOUND = DB_REFUSAL,
	SURVEY_ANSWERED,
	SURVEY_CLOSED,
};

/* Seal the answers with the role, the quarter of `now` and the person's
 * team (as the admins' list names it, else "other"), then in one
 * transaction mark the invitation answered and put the sealed answer in
 * the pool: nothing is lost and nothing counted twice, and nothing in
 * that commit is readable without the key. SURVEY_CLOSED when the survey
 * no longer takes answers; SURVEY_DB_* on a store failure. */
enum survey_rc survey_submit(struct db *db, int64_t invitation, int64_t uid, const struct answer *a, int n,
			     int64_t now);

/* Inside the caller's write transaction: when at least k answers of
 * survey wait in the pool (or `closing`, whatever waits), open them,
 * shuffle them and write them as readable answers under fresh random ids
 * and the survey's next batch number, and delete the pool rows; with
 * `closing` and fewer than k waiting, delete them unread (withheld: too
 * few to release safely) and set *withheld (may be NULL). Marks the WAL
 * as owing a truncation. Returns how many were released (>= 0), or -1 on
 * a store error or a pool value that does not open (logged; the caller
 * rolls back). */
long survey_release_in(struct db *db, int64_t survey, int k, int closing, long *withheld);

/* survey_release_in in its own transaction, then survey_wal_truncate. */
long survey_release(struct db *db, int64_t survey, int k, int closing, long *withheld);

/* When a release owes it: checkpoint and truncate the WAL, so no earlier
 * frame (an answer's commit) outlives the batch; retried by the periodic
 * task until it succeeds. Outside any transaction. */
void survey_wal_truncate(struct db *db);

/* A read, for the periodic task: the surveys with answers waiting in the
 * pool (up to max: ids[], and closed[] 1 for a closed one, whose pool a
 * failed close left behind). The caller runs survey_release on each, in
 * its own transaction, then survey_wal_truncate. The count, or -1. */
int survey_release_pending(struct db *db, int64_t *ids, int *closed, int max);

#endif
