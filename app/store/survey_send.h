/* survey_send: an admin sends an open survey to an audience (issue 19):
 * the finishing pairs of the past, every active member, the members who
 * never took part in any mentoring role (the wider team), or one team's
 * active members. Invitations and their mail (OB_SURVEY_INVITE now,
 * OB_SURVEY_REMINDER a week later) are written by set-based statements
 * in one transaction, whatever the audience's size; a person invited to
 * the survey already is not invited again. See sql/0022_survey_send.sql. */
#ifndef TANDEM_SURVEY_SEND_H
#define TANDEM_SURVEY_SEND_H
#include <stdint.h>

#include "store/db.h"
#include "store/outbox.h"
#include "store/survey_builder.h"

enum survey_audience {
	AUD_FINISHING = 0, /* who finished a mentorship, in the survey's role(s) */
	AUD_ALL,	   /* every active member */
	AUD_NEVER,	   /* active members never counted as taking part, with no ring seat */
	AUD_TEAM,	   /* one team's active members (profile team, without case) */
};

/* The audience named by s ("finishing", "all", "never", "team"); -1 when
 * none. */
int survey_audience_parse(const char *s);

/* What the send_rc functions below answer:
 * SEND_OK, a refusal below, or a store failure (SEND_DB_*: nothing
 * written; the page is ctx_store_error's). One value, no out-parameter
 * (the one store result type, store/db.h). */
enum send_rc {
	SEND_OK = DB_OK,
	SEND_DB_BUSY = DB_BUSY, /* store failures: see store/db.h */
	SEND_DB_ERR = DB_ERR,
	SEND_DB_FULL = DB_FULL,
	SEND_NO_SURVEY = DB_REFUSAL, /* 404 */
	SEND_NOT_OPEN,		     /* a draft or closed survey is never sent */
	SEND_NOT_WIDE,		     /* all/never/team: the survey is for one role only */
	SEND_NO_TEAM,		     /* team: not on the admins' list */
	SEND_TEAM_SMALL,	     /* team: fewer than k active members */
};

struct send_result {
	int64_t audience;     /* people the audience holds now */
	int64_t invited;      /* invited by this send */
	int64_t already;      /* of the audience, invited to this survey before */
	int64_t team_members; /* SEND_TEAM_SMALL: how many the team has */
};

/* Own transaction (BEGIN IMMEDIATE; the writers' lock is held for the
 * statements of this one send). Checks the survey is open (and for
 * everyone, audience 'both', unless AUD_FINISHING), invites the audience
 * not yet invited (role 'member' and no mentorship for all/never/team;
 * for finishing, their role and latest finished mentorship, as an ending
 * invites), queues their two mails and writes an audit line. team: the
 * team's name (AUD_TEAM only). k: a team smaller than k is refused.
 * On any refusal or error nothing is written. */
enum send_rc survey_send(struct db *db, int64_t survey, enum survey_audience a, const char *team, int k,
			 const struct survey_actor *who, struct send_result *out);

/* A read, for the sender (store/outbox.c): the facts of a survey mail
 * whose invitation came from a send to members (no mentorship, no ring):
 * the recipient alone. 1 found and active, 0 not, -1 error. */
int survey_member_facts(struct db *db, int64_t uid, struct outbox_facts *f);

#endif
