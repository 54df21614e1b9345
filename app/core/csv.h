/* csv: a pure RFC 4180 reader (issue 16's employee import). Quoted fields
 * may hold commas, doubled quotes and line breaks; records end with CRLF,
 * LF or CR; a UTF-8 byte order mark at the start is skipped; blank lines
 * are skipped. The whole input must be UTF-8 without NUL bytes. No I/O,
 * no globals: the unit tests and the fuzz harness call it directly. */
#ifndef TANDEM_CSV_H
#define TANDEM_CSV_H
#include <stddef.h>

#define CSV_MAX_FIELDS 8
#define CSV_MAX_RECORD 16384 /* bytes of one record, quotes removed */

/* One record. Fields are NUL-terminated, unquoted, valid during the
 * callback only. */
struct csv_row {
	long line;    /* the line the record starts on, from 1 */
	size_t n;     /* fields kept (at most CSV_MAX_FIELDS) */
	int too_many; /* the record had more than CSV_MAX_FIELDS fields */
	const char *f[CSV_MAX_FIELDS];
	size_t len[CSV_MAX_FIELDS];
};

enum csv_err {
	CSV_OK = 0,
	CSV_E_UTF8,   /* not UTF-8 (or a NUL byte) */
	CSV_E_QUOTE,  /* a quoted field never closed, or text right after its closing quote */
	CSV_E_RECORD, /* a record longer than CSV_MAX_RECORD */
	CSV_E_NOMEM,
	CSV_E_STOPPED, /* the callback asked to stop */
};

/* Called once per record; a non-zero return stops the reading. */
typedef int (*csv_row_fn)(void *arg, const struct csv_row *row);

/* Read in[0..len) and call fn for each record in order. CSV_OK, or the
 * error and *err_line the line it was found on. */
enum csv_err csv_parse(const char *in, size_t len, csv_row_fn fn, void *arg, long *err_line);

/* A short English description of an error, for people. */
const char *csv_strerror(enum csv_err e);

#endif
