/* ics: iCalendar (RFC 5545) text for invitations in mail (METHOD:REQUEST,
 * METHOD:CANCEL) and for each person's calendar feed. Times are written
 * in UTC ("…Z"), which every client shows in its own zone, so no
 * VTIMEZONE is needed. Lines end in CRLF and are folded at 75 octets
 * without splitting a UTF-8 character; text is escaped, control
 * characters dropped. Never give it notes or an agenda. */
#ifndef TANDEM_ICS_H
#define TANDEM_ICS_H
#include <stdint.h>

#include "core/buf.h"

struct ics_event {
	const char *uid;	   /* stable for one planned session */
	int64_t sequence;	   /* rises with each change of it */
	int64_t stamp;		   /* DTSTAMP: when this version was made (unix time) */
	int64_t start;		   /* unix time */
	int duration_min;	   /* > 0 */
	const char *summary;	   /* plain text */
	const char *description;   /* plain text, or NULL */
	const char *url;	   /* or NULL */
	const char *organizer;	   /* a mail address, or NULL */
	const char *attendee;	   /* a mail address, or NULL */
	const char *attendee_name; /* or NULL */
	int cancelled;		   /* 1: STATUS:CANCELLED (with METHOD:CANCEL) */
};

/* The UID of a planned session, "mentorship-ID-PLAN@HOST" (HOST: the
 * base URL's host, cfg->mail_host): the same in the feed and in the
 * invitations in mail, so a calendar merges them. */
void ics_plan_uid(const char *host, int64_t mentorship_id, int64_t plan_no, char *out, size_t n);

/* Start a VCALENDAR: method "REQUEST" or "CANCEL" for an invitation, NULL
 * for a feed. name: the feed's X-WR-CALNAME, or NULL. 0 or -1 (no memory). */
int ics_begin(struct buf *b, const char *method, const char *name);
/* Append one VEVENT. 0 or -1. */
int ics_event(struct buf *b, const struct ics_event *e);
/* End the VCALENDAR. 0 or -1. */
int ics_end(struct buf *b);

#endif
