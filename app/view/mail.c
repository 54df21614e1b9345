#include "view/mail.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

void mail_header_clean(const char *s, char *out, size_t n)
{
	size_t o = 0;
	const unsigned char *p = (const unsigned char *)(s ? s : "");
	for (; *p && o + 1 < n; p++)
		if (*p >= 0x20 && *p != 0x7f)
			out[o++] = (char)*p;
	/* Cut short: never end inside a UTF-8 character. */
	if (*p) {
		size_t k = o;
		while (k > 0 && ((unsigned char)out[k - 1] & 0xC0) == 0x80)
			k--;
		if (k > 0 && (unsigned char)out[k - 1] >= 0xC0)
			o = k - 1;
	}
	out[o] = '\0';
}

static int ascii_printable(const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if (*p < 0x20 || *p > 0x7e)
			return 0;
	return 1;
}

/* The length of the UTF-8 character starting with byte c. */
static size_t u8len(unsigned char c)
{
	return c < 0x80 ? 1 : c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
}

int mail_encode_words(struct buf *out, const char *s)
{
	char clean[1024];
	mail_header_clean(s, clean, sizeof(clean));
	if (ascii_printable(clean))
		return buf_puts(out, clean);
	/* "=?UTF-8?B?" + "?=" is 12; 45 bytes make 60 base64 characters: 72. */
	size_t len = strlen(clean), i = 0;
	int first = 1;
	while (i < len) {
		size_t take = 0;
		while (i + take < len) {
			size_t c = u8len((unsigned char)clean[i + take]);
			if (take + c > 45)
				break;
			take += c;
		}
		if (take == 0)
			take = 1;
		char b64[80];
		sodium_bin2base64(b64, sizeof(b64), (const unsigned char *)clean + i, take,
				  sodium_base64_VARIANT_ORIGINAL);
		buf_printf(out, "%s=?UTF-8?B?%s?=", first ? "" : "\r\n ", b64);
		first = 0;
		i += take;
	}
	return out->oom ? -1 : 0;
}

int mail_address(struct buf *out, const char *name, const char *addr)
{
	char a[320];
	mail_header_clean(addr, a, sizeof(a));
	/* An address never holds these: what is left is one bare address. */
	for (char *p = a; *p; p++)
		if (*p == '<' || *p == '>' || *p == ',' || *p == ' ' || *p == '"')
			*p = '_';
	char n[400];
	mail_header_clean(name, n, sizeof(n));
	if (!*n)
		return buf_printf(out, "<%s>", a);
	if (ascii_printable(n)) {
		buf_puts(out, "\"");
		for (const char *p = n; *p; p++) {
			if (*p == '"' || *p == '\\')
				buf_puts(out, "\\");
			buf_append(out, p, 1);
		}
		buf_puts(out, "\" ");
	} else {
		mail_encode_words(out, n);
		buf_puts(out, " ");
	}
	return buf_printf(out, "<%s>", a);
}

/* Append s as quoted-printable with CRLF line ends (lines of at most 76
 * characters). 0 or -1. */
static int mail_qp(struct buf *out, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	const unsigned char *p = (const unsigned char *)(s ? s : "");
	int col = 0;
	while (*p) {
		if (*p == '\r') {
			p++;
			continue;
		}
		if (*p == '\n') {
			buf_puts(out, "\r\n");
			col = 0;
			p++;
			continue;
		}
		int at_eol = p[1] == '\n' || p[1] == '\0' || (p[1] == '\r' && p[2] == '\n');
		int literal = (*p >= 33 && *p <= 126 && *p != '=') || ((*p == ' ' || *p == '\t') && !at_eol);
		/* A line starting with "." or "From " survives any relay as is. */
		if (col == 0 && *p == '.')
			literal = 0;
		int w = literal ? 1 : 3;
		if (col + w > 75) {
			buf_puts(out, "=\r\n");
			col = 0;
		}
		if (literal) {
			buf_append(out, p, 1);
		} else {
			char e[3] = {'=', hex[*p >> 4], hex[*p & 15]};
			buf_append(out, e, 3);
		}
		col += w;
		p++;
	}
	return out->oom ? -1 : 0;
}

static void part(struct buf *out, const char *boundary, const char *type, const char *body)
{
	buf_printf(out, "--%s\r\nContent-Type: %s\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n",
		   boundary, type);
	mail_qp(out, body);
	buf_puts(out, "\r\n");
}

int mail_build(const struct mail_msg *m, struct buf *out)
{
	if (!m->to_addr || !m->from_addr || !m->text || !m->message_id)
		return -1;
	char date[64], v[1024];
	time_t t = (time_t)m->date;
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(date, sizeof(date), "%a, %d %b %Y %H:%M:%S +0000", &tm);
	buf_printf(out, "Date: %s\r\nFrom: ", date);
	mail_address(out, m->from_name, m->from_addr);
	buf_puts(out, "\r\nTo: ");
	mail_address(out, m->to_name, m->to_addr);
	buf_puts(out, "\r\nSubject: ");
	mail_encode_words(out, m->subject ? m->subject : "");
	mail_header_clean(m->message_id, v, sizeof(v));
	buf_printf(out, "\r\nMessage-ID: <%s>\r\nMIME-Version: 1.0\r\nAuto-Submitted: auto-generated\r\n", v);
	/* The boundary comes from the Message-ID (fixed per row, so a re-sent
	 * message is the same bytes) and cannot occur in quoted-printable
	 * text: "=_" is never produced by mail_qp ('=' is always =3D). */
	char boundary[96];
	snprintf(boundary, sizeof(boundary), "=_tandem_%.60s", v);
	for (char *p = boundary; *p; p++)
		if (*p == '@' || *p == '<' || *p == '>' || *p == '"')
			*p = '.';
	if (m->unsubscribe) {
		mail_header_clean(m->unsubscribe, v, sizeof(v));
		buf_printf(out,
			   "List-Unsubscribe: <%s>\r\nList-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n",
			   v);
	}
	if (!m->html && !m->ics) {
		buf_puts(out, "Content-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: "
			      "quoted-printable\r\n\r\n");
		mail_qp(out, m->text);
		buf_puts(out, "\r\n");
		return out->oom ? -1 : 0;
	}
	buf_printf(out, "Content-Type: multipart/alternative; boundary=\"%s\"\r\n\r\n", boundary);
	part(out, boundary, "text/plain; charset=UTF-8", m->text);
	if (m->html)
		part(out, boundary, "text/html; charset=UTF-8", m->html);
	if (m->ics) {
		char type[80];
		snprintf(type, sizeof(type), "text/calendar; charset=UTF-8; method=%s",
			 m->ics_method && strcmp(m->ics_method, "CANCEL") == 0 ? "CANCEL" : "REQUEST");
		part(out, boundary, type, m->ics);
	}
	buf_printf(out, "--%s--\r\n", boundary);
	return out->oom ? -1 : 0;
}
