/* dashboard: what waits on one member (the admin's overview reads kept
 * figures: store/kept.h). Reads: no transaction of their own. */
#ifndef TANDEM_DASHBOARD_H
#define TANDEM_DASHBOARD_H
#include <stdint.h>

#include "store/db.h"

/* What waits on a member, for the dashboard's "Waits on me" list. */
enum dash_wait_kind {
	WAIT_FEEDBACK, /* a session of the last 30 days with no feedback form from me: id = meeting */
	WAIT_SOON,     /* a session planned in the next 24 hours: id = mentorship */
	WAIT_OVERDUE,  /* a request to me pending over 7 days (and not expired): id = request */
	WAIT_OH_MARK,  /* office hours I hosted in the last 14 days, someone booked, who came not
			* marked yet: id = occurrence, at = its start, topic = its topic */
	WAIT_HELP_LOG, /* a help session I led in the last 14 days, not logged: id = session,
			* day = held_on, topic = the rotation's name */
};

/* One item; strings valid during the callback. */
struct dash_wait {
	enum dash_wait_kind kind;
	int64_t id;
	int64_t at;	   /* FEEDBACK: 0; SOON: the planned time; OVERDUE: when it was sent */
	const char *day;   /* FEEDBACK: held_on (YYYY-MM-DD); else "" */
	const char *other; /* the other person's name */
	const char *topic; /* OVERDUE: the request's topic; else "" */
	int i_mentor;	   /* SOON: 1 when I am the mentor */
	int has_agenda;	   /* SOON: an agenda is written for it */
};

#define DASH_WAIT_MAX 20 /* of each kind */

/* No transaction of its own (reads). Call fn for what waits on uid as of
 * now: sessions in the next 24 hours (soonest first), feedback owed
 * (newest first), overdue requests (oldest first), office hours to mark
 * and help sessions to log (newest first); at most 20 of each.
 * Each query reads one person's rows from an index (mentorships by mentor
 * and by mentee, a mentorship's meetings by day, requests by mentor,
 * status and time). DB_OK or DB_ERR (what was read before is given). */
enum db_rc dash_waits(struct db *db, int64_t uid, int64_t now,
		      void (*fn)(void *arg, const struct dash_wait *w), void *arg);

#endif
