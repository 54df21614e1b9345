/* mail: one RFC 5322 message from parts that are already composed (the
 * text and HTML bodies rendered from templates/mail/, an optional
 * iCalendar invitation). Pure: no I/O, no clock. Every header value is
 * stripped of CR, LF and other control characters before it is written,
 * so no value can add a header; non-ASCII display names and subjects are
 * RFC 2047 encoded-words; bodies are UTF-8 in quoted-printable. */
#ifndef TANDEM_MAIL_H
#define TANDEM_MAIL_H
#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"

struct mail_msg {
	const char *from_name, *from_addr; /* "Tandem", "tandem@example.com" */
	const char *to_name, *to_addr;
	const char *subject;
	const char *message_id;	 /* without the <>: "outbox-12@example.com" */
	int64_t date;		 /* unix time, written in UTC */
	const char *unsubscribe; /* the one-click URL (RFC 8058), or NULL */
	const char *text;	 /* the plain-text body (UTF-8) */
	const char *html;	 /* the HTML alternative, or NULL */
	const char *ics;	 /* a text/calendar part, or NULL */
	const char *ics_method;	 /* "REQUEST" or "CANCEL" with ics */
};

/* Append the whole message (CRLF line ends) to out. 0, or -1 when out ran
 * out of memory or a required part is missing. */
int mail_build(const struct mail_msg *m, struct buf *out);

/* Copy header value s into out (n bytes, NUL-terminated), dropping CR, LF
 * and every other control character: what every header value goes
 * through. */
void mail_header_clean(const char *s, char *out, size_t n);

/* Append s as a header's text: as is when it is printable ASCII, else as
 * RFC 2047 encoded-words (=?UTF-8?B?…?=, each at most 75 characters, never
 * splitting a UTF-8 character), separated by CRLF SP (folded). Control
 * characters are dropped first. 0 or -1 (no memory). */
int mail_encode_words(struct buf *out, const char *s);

/* Append "name <addr>" (name encoded or quoted as needed; no name: just
 * <addr>). 0 or -1. */
int mail_address(struct buf *out, const char *name, const char *addr);


#endif
