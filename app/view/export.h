/* export: the escaping of values in downloadable files, as view.h is for
 * HTML. Pure; fuzzed (tests/fuzz/fuzz_export.c). */
#ifndef TANDEM_EXPORT_H
#define TANDEM_EXPORT_H

#include "core/buf.h"

/* One RFC 4180 field: quoted, quotes doubled, and a leading ' on a value
 * a spreadsheet would run as a formula (=, +, -, @, tab, CR). Then a
 * comma, or CRLF when last. Errors: out->oom. */
void export_csv_cell(struct buf *out, const char *s, int last);

/* A JSON string: quoted, with ", \ and control characters escaped (bytes
 * from 0x80 pass through: the text is UTF-8). Errors: out->oom. */
void export_json_str(struct buf *out, const char *s);

#endif
