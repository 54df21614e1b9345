/* office_hours: office hours a member publishes (issue 17;
 * sql/0016_pairing.sql): a weekly series becomes one occurrence a week,
 * each with seats that members book. Seats are enforced inside the
 * booking's BEGIN IMMEDIATE transaction: of two bookings of the last seat
 * exactly one wins. The host sees who booked, cancels an occurrence
 * (everyone booked is told by mail, store/outbox_pairing.h) and marks who
 * came: each visit counts as an office-hours session for the visitor and
 * the host (activity_weeks, kept by triggers). */
#ifndef TANDEM_OFFICE_HOURS_H
#define TANDEM_OFFICE_HOURS_H
#include <stdint.h>

#include "store/db.h"
#include "store/keyset.h"

#define OH_TOPIC_MAX 120
#define OH_WHERE_MAX 300
#define OH_PAGE 25 /* occurrences per page of GET /office-hours */

struct oh_new {
	int weekday;		/* 1 Monday ... 7 Sunday */
	const char *start_time; /* HH:MM in tz */
	const char *tz;		/* the host's zone */
	int duration_min, seats, weeks;
	const char *topic, *where;
};

/* What the oh_rc functions below answer:
 * OH_OK, a refusal below, or a store failure (OH_DB_*: nothing
 * written; the page is ctx_store_error's). One value, no out-parameter
 * (the one store result type, store/db.h). */
enum oh_rc {
	OH_OK = DB_OK,
	OH_DB_BUSY = DB_BUSY, /* store failures: see store/db.h */
	OH_DB_ERR = DB_ERR,
	OH_DB_FULL = DB_FULL,
	OH_NOTFOUND = DB_REFUSAL, /* no such occurrence (or, for the host's calls, not theirs) */
	OH_FULL,		  /* every seat is taken */
	OH_BOOKED,		  /* already booked (book) / not booked (cancel) */
	OH_CLOSED,		  /* cancelled by the host, or already begun */
	OH_OWN,			  /* the host books their own office hours */
	OH_NOT_YET,		  /* attendance before the occurrence began */
	OH_NOT_GUEST,		  /* attendance names someone who had not booked */
};

/* Pure: the first occurrence of weekday at start_time (HH:MM) in tz
 * strictly after now, as UTC seconds with its local day (YYYY-MM-DD) in
 * day; week k adds 7 days in local time (so a change of daylight saving
 * time keeps the hour). -1 when start_time is malformed. */
int64_t oh_occurrence_at(int weekday, const char *start_time, const char *tz, int64_t now, int week,
			 char *day, size_t n);

/* Own transaction. Publish a series for host and its n->weeks occurrences. */
enum oh_rc oh_publish(struct db *db, int64_t host, const struct oh_new *n, int64_t now, int64_t *series_id);

/* One occurrence as the viewer sees it; strings valid during the callback. */
struct oh_row {
	int64_t id, host_id, starts_at;
	int duration_min, seats, booked, mine; /* mine: the viewer has a seat */
	const char *topic, *place, *host_name, *status;
};

/* No transaction of its own (a read). Open occurrences starting at or
 * after now, soonest first, after key ({0,0}: the first page), at most
 * OH_PAGE, read from oh_occurrences_open; *more is set when more follow. */
enum db_rc oh_upcoming(struct db *db, int64_t viewer, int64_t now, const struct keyset *after,
		       void (*fn)(void *arg, const struct oh_row *r), void *arg, int *more);

/* No transaction of its own (a read). Occurrence oid (any member may see
 * one). DB_OK or DB_NOTFOUND. */
enum db_rc oh_get(struct db *db, int64_t oid, int64_t viewer, void (*fn)(void *arg, const struct oh_row *r),
		  void *arg);

/* No transaction of its own (a read). The people booked on oid, when host
 * is its host (name, user id, attended); DB_NOTFOUND otherwise. */
enum db_rc oh_guests(struct db *db, int64_t oid, int64_t host,
		     void (*fn)(void *arg, int64_t uid, const char *name, int attended), void *arg);

/* Own transaction each. uid books / gives back a seat of oid. */
enum oh_rc oh_book(struct db *db, int64_t oid, int64_t uid, int64_t now);
enum oh_rc oh_unbook(struct db *db, int64_t oid, int64_t uid, int64_t now);
/* Own transaction. The host cancels oid before it begins; everyone booked
 * is told (outbox, same transaction). */
enum oh_rc oh_close(struct db *db, int64_t oid, int64_t host, int64_t now);

/* Inside the caller's transaction (an account closing or erased): uid's
 * seats in occurrences still to come are given up, and the occurrences
 * they host still to come are cancelled, each person booked told by mail
 * (event 25) as when the host cancels. DB_OK or an error. */
enum db_rc oh_person_leaves(struct db *db, int64_t uid, int64_t now);
/* Own transaction. After oid began, the host marks who came: exactly the
 * booked people in ids[0..n) are marked attended (others unmarked). */
enum oh_rc oh_attendance(struct db *db, int64_t oid, int64_t host, const int64_t *ids, int n, int64_t now);

#endif
