#include "view/ics.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

/* Append one content line, folded: at most 75 octets a line, the break
 * never inside a UTF-8 sequence, continuation lines starting with a space. */
static int put_line(struct buf *b, const char *line)
{
	size_t len = strlen(line), col = 0;
	for (size_t i = 0; i < len;) {
		size_t n = 1;
		while (i + n < len && ((unsigned char)line[i + n] & 0xC0) == 0x80)
			n++;
		if (col + n > 75) {
			if (buf_append(b, "\r\n ", 3) != 0)
				return -1;
			col = 1;
		}
		if (buf_append(b, line + i, n) != 0)
			return -1;
		col += n;
		i += n;
	}
	return buf_append(b, "\r\n", 2);
}

/* "NAME:" followed by text escaped per RFC 5545 3.3.11. */
static int put_text(struct buf *b, const char *name, const char *text)
{
	struct buf l = {0};
	int rc = buf_puts(&l, name) | buf_puts(&l, ":");
	for (const unsigned char *p = (const unsigned char *)text; *p && rc == 0; p++) {
		if (*p == '\\' || *p == ';' || *p == ',')
			rc = buf_printf(&l, "\\%c", *p);
		else if (*p == '\n')
			rc = buf_puts(&l, "\\n");
		else if (*p < 0x20 || *p == 0x7f)
			continue;
		else
			rc = buf_append(&l, p, 1);
	}
	if (rc == 0)
		rc = put_line(b, buf_str(&l));
	buf_free(&l);
	return rc;
}

/* A value that is not TEXT (an address, a URI): control characters and
 * the characters that would end the value or the line are dropped. */
static int put_raw(struct buf *b, const char *prefix, const char *value)
{
	struct buf l = {0};
	int rc = buf_puts(&l, prefix);
	for (const unsigned char *p = (const unsigned char *)value; *p && rc == 0; p++)
		if (*p >= 0x20 && *p != 0x7f && *p != '"')
			rc = buf_append(&l, p, 1);
	if (rc == 0)
		rc = put_line(b, buf_str(&l));
	buf_free(&l);
	return rc;
}

static int put_time(struct buf *b, const char *name, int64_t t)
{
	time_t tt = (time_t)t;
	struct tm tm;
	char s[32];
	if (!gmtime_r(&tt, &tm) || strftime(s, sizeof(s), "%Y%m%dT%H%M%SZ", &tm) == 0)
		return -1;
	return buf_printf(b, "%s:%s\r\n", name, s);
}

void ics_plan_uid(const char *host, int64_t mentorship_id, int64_t plan_no, char *out, size_t n)
{
	snprintf(out, n, "mentorship-%lld-%lld@%s", (long long)mentorship_id, (long long)plan_no, host);
}

int ics_begin(struct buf *b, const char *method, const char *name)
{
	int rc = buf_puts(b, "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Tandem//Mentoring//EN\r\n"
			     "CALSCALE:GREGORIAN\r\n");
	if (method)
		rc |= buf_printf(b, "METHOD:%s\r\n", method);
	if (name)
		rc |= put_text(b, "X-WR-CALNAME", name);
	return rc ? -1 : 0;
}

int ics_event(struct buf *b, const struct ics_event *e)
{
	int rc = buf_puts(b, "BEGIN:VEVENT\r\n");
	rc |= put_raw(b, "UID:", e->uid);
	rc |= buf_printf(b, "SEQUENCE:%lld\r\n", (long long)e->sequence);
	rc |= put_time(b, "DTSTAMP", e->stamp);
	rc |= put_time(b, "DTSTART", e->start);
	rc |= buf_printf(b, "DURATION:PT%dM\r\n", e->duration_min > 0 ? e->duration_min : 30);
	rc |= put_text(b, "SUMMARY", e->summary ? e->summary : "");
	if (e->description)
		rc |= put_text(b, "DESCRIPTION", e->description);
	if (e->url)
		rc |= put_raw(b, "URL:", e->url);
	if (e->organizer)
		rc |= put_raw(b, "ORGANIZER;CN=Tandem:mailto:", e->organizer);
	if (e->attendee) {
		struct buf a = {0};
		rc |= buf_puts(&a, "ATTENDEE;ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION");
		if (e->attendee_name) {
			/* A quoted parameter value may hold anything but '"' and
			 * control characters (RFC 5545 3.1). */
			rc |= buf_puts(&a, ";CN=\"");
			for (const unsigned char *p = (const unsigned char *)e->attendee_name; *p; p++)
				if (*p >= 0x20 && *p != 0x7f && *p != '"')
					rc |= buf_append(&a, p, 1);
			rc |= buf_puts(&a, "\"");
		}
		rc |= buf_puts(&a, ":mailto:");
		rc |= put_raw(b, buf_str(&a), e->attendee);
		buf_free(&a);
	}
	rc |= buf_printf(b, "STATUS:%s\r\n", e->cancelled ? "CANCELLED" : "CONFIRMED");
	rc |= buf_puts(b, "END:VEVENT\r\n");
	return rc ? -1 : 0;
}

int ics_end(struct buf *b)
{
	return buf_puts(b, "END:VCALENDAR\r\n") ? -1 : 0;
}
