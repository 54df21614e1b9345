/* sealcol: the short texts people write to each other outside logged
 * sessions (a request's message and decline reason, a mentorship's end
 * reason, a plan week's note), sealed like session notes. Each lives in a BLOB column `X_sealed`
 * beside the TEXT column `X` it used to be kept in, which is left '' (the
 * tables are STRICT: a TEXT column cannot hold a sealed value). Their
 * names and row keys are in the one list of sealed columns, store/sealed.h. */
#ifndef TANDEM_SEALCOL_H
#define TANDEM_SEALCOL_H
#include "core/buf.h"
#include "store/db.h"

/* Bind text sealed for (table, column, row) to name on st; NULL or "" binds
 * NULL. 0 or -1 (also when (table, column) is not in store/sealed.h's
 * list: rotate-key would never re-seal it). */
int sealcol_bind(sqlite3_stmt *st, const char *name, const char *table, const char *column, const char *row,
		 const char *text);

/* Open the value of row st: the sealed column if it holds a value, else the
 * legacy plain column (a row written before sealing and not yet converted).
 * out gets the text ("" for none). 0, or -1 when the sealed value does not
 * open (the caller shows an error page and logs, never the bytes). */
int sealcol_open(sqlite3_stmt *st, int sealed_col, int plain_col, const char *table, const char *column,
		 const char *row, struct buf *out);

/* Seal every value older versions left in plain text and blank the plain
 * column, in one transaction (serve runs it at start, with the key). The
 * number of values sealed, or -1 (nothing changed). */
long sealcol_convert(struct db *db);

#endif
