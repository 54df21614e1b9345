/* rotations: the senior help-session rotation (issue 17;
 * sql/0016_pairing.sql). An admin defines one; core/rotation.h plans it
 * and rotation_create writes the plan as help_sessions in one
 * transaction. Leads offer a session to another lead, who accepts or
 * declines; anyone joins (RSVP); the lead logs it afterwards, and it
 * counts as a help session led (the lead) and attended (each attendee) in
 * activity_weeks. */
#ifndef TANDEM_ROTATIONS_H
#define TANDEM_ROTATIONS_H
#include <stdint.h>

#include "core/rotation.h"
#include "store/db.h"

#define ROT_NAME_MAX 120
#define ROT_LABEL_MAX 60

struct rotation_new {
	const char *name, *label, *start_time, *tz;
	int weekdays[ROT_MAX_DAYS]; /* 1 Monday ... 7 Sunday, ascending, distinct */
	int ndays;
	int duration_min, weeks;
	int64_t leads[ROT_MAX_LEADS];
	int nleads;
};

/* What the rot_rc functions below answer:
 * ROT_OK, a refusal below, or a store failure (ROT_DB_*: nothing
 * written; the page is ctx_store_error's). One value, no out-parameter
 * (the one store result type, store/db.h). */
enum rot_rc {
	ROT_OK = DB_OK,
	ROT_DB_BUSY = DB_BUSY, /* store failures: see store/db.h */
	ROT_DB_ERR = DB_ERR,
	ROT_DB_FULL = DB_FULL,
	ROT_NOTFOUND = DB_REFUSAL, /* no such session / rotation, or not the asker's to act on */
	ROT_BAD_LEAD,		   /* a lead (or swap target) is no active member / not a lead here */
	ROT_STATE,		   /* logged already, begun, or no swap offered */
	ROT_BUSY_WEEK,		   /* accepting would make the lead lead twice that week */
	ROT_NOT_YET,		   /* logging before the session began */
	ROT_BAD_ATTENDEE,	   /* an attendee is no active member who joined the session */
	ROT_FULL,		   /* HELP_MAX_JOINED joined already */
	ROT_JOINED,		   /* joined already, or the asker leads it */
	ROT_OVER,		   /* the session is over */
};

/* Own transaction. Plan n from the Monday after now (in n->tz) and write
 * the rotation, its leads and its sessions; *id the rotation. With
 * ROT_BAD_LEAD *bad is the lead refused. */
enum rot_rc rotation_create(struct db *db, int64_t admin, const struct rotation_new *n, int64_t now,
			    int64_t *id, int64_t *bad);

/* A rotation in the admin's list; strings valid during the callback. */
struct rotation_row {
	int64_t id;
	const char *name, *label, *weekdays, *start_time, *timezone, *first_week, *uncovered;
	int duration_min, weeks, nleads;
};

/* No transaction of its own (reads). The rotations, newest first, at most
 * 100. DB_OK or DB_ERR. */
enum db_rc rotation_each(struct db *db, void (*fn)(void *arg, const struct rotation_row *r), void *arg);
/* One rotation: DB_OK, DB_NOTFOUND or DB_ERR. */
enum db_rc rotation_get(struct db *db, int64_t id, void (*fn)(void *arg, const struct rotation_row *r),
			void *arg);

/* One help session; strings valid during the callback. */
struct help_row {
	int64_t id, rotation_id, lead_id, swap_to, starts_at;
	int duration_min, logged, rsvps, attended, joined; /* joined: the viewer RSVPed */
	const char *held_on, *rotation, *label, *lead_name, *swap_name, *labels;
};

/* No transaction of its own (reads). Rotation id's sessions by day (at
 * most weeks x 7, from help_sessions_rotation), for its report. */
enum db_rc rotation_sessions(struct db *db, int64_t id, void (*fn)(void *arg, const struct help_row *r),
			     void *arg);

/* No transaction of its own (reads). First the viewer's own sessions
 * that began over a day ago, in the last 14 days, and are not logged yet
 * (at most 20, help_sessions_lead: the lead can still log them); then the
 * sessions from a day before now on, soonest first, at most 60
 * (help_sessions_time); as viewer sees them. */
enum db_rc help_upcoming(struct db *db, int64_t viewer, int64_t now,
			 void (*fn)(void *arg, const struct help_row *r), void *arg);

/* No transaction of its own (a read). The leads of rotation id other than
 * except, by name. */
enum db_rc rotation_leads_each(struct db *db, int64_t id, int64_t except,
			       void (*fn)(void *arg, int64_t uid, const char *name), void *arg);

/* No transaction of its own (a read). Who may lead: active mentors, at
 * most 300, from profiles_mentors. */
enum db_rc rotation_candidates(struct db *db, void (*fn)(void *arg, int64_t uid, const char *name),
			       void *arg);

/* No transaction of its own (a read). Who joined session sid. */
enum db_rc help_rsvps_each(struct db *db, int64_t sid, void (*fn)(void *arg, int64_t uid, const char *name),
			   void *arg);

/* Own transaction. Lead `lead` of rotation rid is away the week starting
 * on monday (YYYY-MM-DD): each session of theirs that week not yet begun
 * goes to the lead of this rotation who is free that week (not leading,
 * not away) with the fewest sessions (core/rotation.h rotation_fill), or,
 * with nobody free, is dropped and its day added to the rotation's
 * uncovered days. *moved and *dropped count them. ROT_NOTFOUND (no such
 * rotation), ROT_BAD_LEAD (not one of its leads). */
enum rot_rc rotation_away(struct db *db, int64_t rid, int64_t lead, const char *monday, int64_t now,
			  int *moved, int *dropped);

/* The people one help session takes: its lead ticks who came from them in
 * one form (at most FIELDS_MAX_REPEAT values of a field). */
#define HELP_MAX_JOINED 24

/* Inside the caller's transaction (an account closing or erased): uid's
 * help sessions still to come go to other leads as when a lead is away
 * (rotation_away), week by week. DB_OK or an error. */
enum db_rc rotation_lead_leaves(struct db *db, int64_t uid, int64_t now);

/* Own transaction each. help_join: ROT_FULL past HELP_MAX_JOINED,
 * ROT_JOINED when uid joined it already or leads it, ROT_OVER once it has
 * ended (by now), ROT_STATE once logged. */
enum rot_rc help_join(struct db *db, int64_t sid, int64_t uid, int64_t now);
/* The lead offers session sid to lead `to` of the same rotation (mail). */
enum rot_rc help_swap_offer(struct db *db, int64_t sid, int64_t lead, int64_t to, int64_t now);
/* The lead offered sid accepts (becomes its lead) or declines. */
enum rot_rc help_swap_answer(struct db *db, int64_t sid, int64_t uid, int accept, int64_t now);
/* After it began, the lead logs sid: who attended (each an active member
 * who joined it, else ROT_BAD_ATTENDEE), and labels. */
enum rot_rc help_log(struct db *db, int64_t sid, int64_t lead, const int64_t *attendees, int n,
		     const char *labels, int64_t now);

#endif
