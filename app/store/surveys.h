/* surveys: invitations (who was asked, and whether they answered) and
 * anonymous responses (what was answered), kept unlinkable: see
 * sql/0006_surveys.sql. */
#ifndef TANDEM_SURVEYS_H
#define TANDEM_SURVEYS_H
#include <stdint.h>

#include "store/db.h"

#define SURVEY_MAX_QUESTIONS 40

/* Invite both people of a mentorship that just ended to the open survey
 * for their role. Call inside the transaction that ends it. */
enum db_rc survey_invite_pair(struct db *db, int64_t mentorship_id);

struct invitation {
	int64_t id, survey_id;
	char title[300], role[8];
	int answered;
};

/* Invitation id of uid. DB_NOTFOUND when it is someone else's. */
enum db_rc survey_invitation_for(struct db *db, int64_t id, int64_t uid, struct invitation *inv);

struct question {
	int64_t id;
	char kind[8], prompt[400], low[80], high[80], choices[600];
	int max_len, required;
};

/* The questions of a survey in order; returns how many (<= max), -1 on error. */
int survey_questions(struct db *db, int64_t survey_id, struct question *q, int max);

struct answer {
	int64_t question_id;
	int rating;	    /* 0 when none */
	const char *choice; /* NULL when none */
	const char *text;   /* NULL when none */
};

enum survey_rc { SURVEY_OK = 0, SURVEY_NOTFOUND, SURVEY_ANSWERED, SURVEY_STORE };

/* One transaction: mark the invitation answered and store the answers
 * under a fresh random response id with the role, the quarter of `now`
 * and the person's team, and nothing else about them. */
enum survey_rc survey_submit(struct db *db, int64_t invitation, int64_t uid, const struct answer *a, int n,
			     int64_t now, enum db_rc *dbrc);

#endif
