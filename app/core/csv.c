#include "core/csv.h"

#include <stdlib.h>
#include <string.h>

/* The length of the well-formed UTF-8 character at p (at most n bytes),
 * or 0 when it is not one (overlong, surrogate, past U+10FFFF, cut, NUL). */
static size_t u8_char(const unsigned char *p, size_t n)
{
	unsigned c = p[0];
	if (c == 0)
		return 0;
	if (c < 0x80)
		return 1;
	size_t need = c >= 0xC2 && c <= 0xDF   ? 2
		      : c >= 0xE0 && c <= 0xEF ? 3
		      : c >= 0xF0 && c <= 0xF4 ? 4
					       : 0;
	if (!need || n < need)
		return 0;
	for (size_t i = 1; i < need; i++)
		if ((p[i] & 0xC0) != 0x80)
			return 0;
	if (c == 0xE0 && p[1] < 0xA0)
		return 0; /* overlong */
	if (c == 0xED && p[1] >= 0xA0)
		return 0; /* surrogate */
	if (c == 0xF0 && p[1] < 0x90)
		return 0; /* overlong */
	if (c == 0xF4 && p[1] >= 0x90)
		return 0; /* past U+10FFFF */
	return need;
}

/* 0 when in[0..len) is UTF-8 without NUL, else -1 and *line the line of
 * the first bad byte. */
static int check_utf8(const char *in, size_t len, long *line)
{
	const unsigned char *p = (const unsigned char *)in;
	long l = 1;
	for (size_t i = 0; i < len;) {
		/* A line ends with LF, CR LF or (Excel's "CSV (Macintosh)") CR. */
		if (p[i] == '\n' || (p[i] == '\r' && (i + 1 == len || p[i + 1] != '\n')))
			l++;
		size_t k = u8_char(p + i, len - i);
		if (!k) {
			*line = l;
			return -1;
		}
		i += k;
	}
	return 0;
}

struct rec {
	char *buf;
	size_t used;
	struct csv_row row;
};

static int put(struct rec *r, char c)
{
	if (r->used + 1 >= CSV_MAX_RECORD)
		return -1;
	r->buf[r->used++] = c;
	return 0;
}

/* End the current field: NUL-terminate it and record it. */
static int end_field(struct rec *r, size_t start)
{
	if (put(r, '\0') != 0)
		return -1;
	if (r->row.n < CSV_MAX_FIELDS) {
		r->row.f[r->row.n] = r->buf + start;
		r->row.len[r->row.n] = r->used - 1 - start;
		r->row.n++;
	} else {
		r->row.too_many = 1;
	}
	return 0;
}

enum csv_err csv_parse(const char *in, size_t len, csv_row_fn fn, void *arg, long *err_line)
{
	*err_line = 0;
	if (len >= 3 && memcmp(in, "\xEF\xBB\xBF", 3) == 0) {
		in += 3;
		len -= 3;
	}
	if (check_utf8(in, len, err_line) != 0)
		return CSV_E_UTF8;
	struct rec r = {.buf = malloc(CSV_MAX_RECORD)};
	if (!r.buf)
		return CSV_E_NOMEM;
	enum csv_err err = CSV_OK;
	long line = 1;
	size_t i = 0;
	while (i < len && err == CSV_OK) {
		/* One record from line `line`. */
		memset(&r.row, 0, sizeof(r.row));
		r.used = 0;
		r.row.line = line;
		int eor = 0;
		while (!eor) {
			size_t start = r.used;
			if (i < len && in[i] == '"') {
				long qline = line;
				i++;
				for (;;) {
					if (i >= len) {
						*err_line = qline;
						err = CSV_E_QUOTE;
						break;
					}
					if (in[i] == '"') {
						if (i + 1 < len && in[i + 1] == '"') {
							i += 2;
							if (put(&r, '"') != 0)
								goto too_long;
							continue;
						}
						i++;
						break;
					}
					if (in[i] == '\n')
						line++;
					else if (in[i] == '\r' && !(i + 1 < len && in[i + 1] == '\n'))
						line++;
					if (put(&r, in[i]) != 0)
						goto too_long;
					i++;
				}
				if (err != CSV_OK)
					break;
				if (i < len && in[i] != ',' && in[i] != '\n' && in[i] != '\r') {
					*err_line = line;
					err = CSV_E_QUOTE;
					break;
				}
			} else {
				while (i < len && in[i] != ',' && in[i] != '\n' && in[i] != '\r') {
					if (put(&r, in[i]) != 0)
						goto too_long;
					i++;
				}
			}
			if (end_field(&r, start) != 0)
				goto too_long;
			if (i < len && in[i] == ',') {
				i++;
				continue;
			}
			/* The end of the record: CRLF, LF, CR or the end of the input. */
			if (i < len && in[i] == '\r') {
				i++;
				if (i < len && in[i] == '\n')
					i++;
			} else if (i < len && in[i] == '\n') {
				i++;
			}
			line++;
			eor = 1;
		}
		if (err != CSV_OK)
			break;
		if (r.row.n == 1 && r.row.len[0] == 0 && !r.row.too_many)
			continue; /* a blank line */
		if (fn(arg, &r.row) != 0)
			err = CSV_E_STOPPED;
		continue;
	too_long:
		*err_line = r.row.line;
		err = CSV_E_RECORD;
	}
	free(r.buf);
	return err;
}

const char *csv_strerror(enum csv_err e)
{
	switch (e) {
	case CSV_OK: return "no error";
	case CSV_E_UTF8: return "the file is not UTF-8 text";
	case CSV_E_QUOTE: return "a quoted cell is not closed properly";
	case CSV_E_RECORD: return "a line is too long";
	case CSV_E_NOMEM: return "out of memory";
	case CSV_E_STOPPED: return "stopped";
	}
	return "unknown error";
}
