/* survey_builder: the surveys themselves, as admins make them: a draft
 * takes questions, opening freezes them, closing ends answering. Every
 * write here opens its own transaction and writes its audit line in it. */
#ifndef TANDEM_SURVEY_BUILDER_H
#define TANDEM_SURVEY_BUILDER_H
#include <stdint.h>

#include "store/db.h"
#include "store/surveys.h"

struct survey_summary {
	int64_t id;
	char title[804], audience[8], status[8];
	int64_t invited, answered;
};

struct survey_meta {
	char title[804], status[8];
	int show_text;
};

/* No transaction of its own (a read). Survey id's title, status and
 * comments switch. DB_NOTFOUND when none. */
enum db_rc survey_meta(struct db *db, int64_t id, struct survey_meta *out);

/* Who does it, for the audit line. */
struct survey_actor {
	int64_t admin, now;
	const char *ip;
};

/* Own transaction. Turn comments on or off. DB_NOTFOUND when there is no
 * such survey. */
enum db_rc survey_set_show_text(struct db *db, int64_t id, int on, const struct survey_actor *who);

/* Own transaction. A new draft; *id is its id. DB_OK or a store error. */
enum db_rc survey_create(struct db *db, const char *title, const char *audience,
			 const struct survey_actor *who, int64_t *id);

struct question_draft {
	const char *kind, *prompt, *low, *high;
	const char *choices; /* one per line; CRs are dropped */
	int max_len, required;
};

/* Why a change to a survey's questions or status was refused.
 * EDIT_OK, a refusal below, or a store failure (EDIT_DB_*: nothing
 * written; the page is ctx_store_error's). One value, no out-parameter
 * (the one store result type, store/db.h). */
enum survey_edit {
	EDIT_OK = DB_OK,
	EDIT_DB_BUSY = DB_BUSY, /* store failures: see store/db.h */
	EDIT_DB_ERR = DB_ERR,
	EDIT_DB_FULL = DB_FULL,
	EDIT_NO_SURVEY = DB_REFUSAL, /* 404 */
	EDIT_NO_QUESTION,	     /* 404 */
	EDIT_FROZEN,		     /* 409: open or closed, questions fixed */
	EDIT_FULL,		     /* 409: SURVEY_MAX_QUESTIONS already */
	EDIT_EMPTY,		     /* 409: opening a survey without questions */
	EDIT_STATE,		     /* 409: not a draft (open) or not open (close) */
};

/* Own transaction. Add a question at the end of draft survey. */
enum survey_edit survey_add_question(struct db *db, int64_t survey, const struct question_draft *q);
/* Own transaction. Remove question q of draft survey. */
enum survey_edit survey_remove_question(struct db *db, int64_t survey, int64_t q);
/* Open a draft (to_open) or close an open survey, with an audit line.
 * Closing releases the answers that wait in the same transaction (a last
 * batch of at least k), or withholds them when fewer (*withheld). */
enum survey_edit survey_set_status(struct db *db, int64_t survey, int to_open, int k,
				   const struct survey_actor *who, long *withheld);

struct question_line {
	int64_t id;
	int position, required;
	char kind[8], prompt[1204];
};

/* No transaction of its own (a read). Call fn for each question of survey
 * in order. DB_OK or a store error. */
enum db_rc survey_each_question(struct db *db, int64_t survey,
				void (*fn)(void *arg, const struct question_line *q), void *arg);

#endif
