/* sealed: the one list of sealed columns. Every value sealed at rest is
 * named here with the associated data it is sealed for, (table, column,
 * row key and owner), and how to read and rewrite it; writers and readers take the
 * names from here (sealed_row) and rotate-key re-seals exactly this list,
 * so a column cannot be written under one name and re-sealed under
 * another, or left out of a rotation (tests/unit/test_facts.c fails on a
 * BLOB column of the schema that is neither here nor declared unsealed). */
#ifndef TANDEM_SEALED_H
#define TANDEM_SEALED_H
#include <stddef.h>
#include <stdint.h>

#include "store/db.h"

/* How a row's key (the "row" of the associated data) is formed. */
enum sealed_key {
	SEALED_KEY_ID,	 /* "ID": the row's integer id */
	SEALED_KEY_PAIR, /* "A:B": two integers (meeting:author, mentorship:week) */
	SEALED_KEY_HEX,	 /* the lowercase hex of a BLOB id (the survey pool) */
};

enum sealed_id {
	SEALED_MEETING_AGENDA,
	SEALED_MEETING_SHARED_NOTES,
	SEALED_PRIVATE_NOTE,
	SEALED_FEEDBACK_WENT_WELL,
	SEALED_FEEDBACK_TO_IMPROVE,
	SEALED_FEEDBACK_NEXT_STEPS,
	SEALED_ACTION_ITEM,
	SEALED_REQUEST_MESSAGE,
	SEALED_REQUEST_REASON,
	SEALED_MENTORSHIP_END_REASON,
	SEALED_PLAN_NOTE,
	SEALED_SURVEY_POOL,
	SEALED_NEXT_AGENDA,
	SEALED_MFA_SECRET, /* issue 16 */
	/* issue 18: a ring session's texts, row "ring_id:id" */
	SEALED_RING_AGENDA,
	SEALED_RING_NOTES,
	SEALED_PAIRING_NOTES, /* issue 17 */
	SEALED_CHANGE_REASON, /* issue 21 */
	SEALED_FOLLOW_UP,     /* issue 21 */
	SEALED_THANKS,	      /* issue 19: a mentee's thank-you note, row: the mentorship id */
	SEALED_COUNT
};

/* Whom a value belongs to, sealed beside its row key, so that a row
 * pointed at another mentorship, request or person (by someone who can
 * write the database but holds no key) no longer opens for anyone. */
enum sealed_owner {
	SEALED_OWNER_NONE,	 /* the row key says it all (a user's own secret, a ring's
				  * "ring:id", the survey pool, which belongs to nobody) */
	SEALED_OWNER_MENTORSHIP, /* "ms:mentor:mentee": all a 1:1 holds (who is in a
				  * mentorship never changes) */
	SEALED_OWNER_PEOPLE,	 /* "a:b": a request's mentor and mentee, a pairing's two */
	SEALED_OWNER_SHARED,	 /* "ms:mentor:mentee" and whether its author shares it:
				  * feedback texts with the other of the pair, the
				  * thank-you note with the program. The author sets it
				  * with the text; flipped behind their back, the text
				  * opens for nobody */
};

struct sealed_col {
	const char *table;  /* the table, and the associated data's table */
	const char *column; /* the associated data's column name */
	const char *stored; /* the BLOB column that holds the sealed value */
	enum sealed_key key;
	enum sealed_owner owner;
	/* Fixed SQL: the rows holding a value, as (a, b, sealed value, owner
	 * ids x, y, z (and the shared flag)), and the UPDATE storing
	 * the re-sealed value :s for the row :a (, :b). */
	const char *select, *update;
};

/* The list, indexed by enum sealed_id. */
extern const struct sealed_col sealed_cols[SEALED_COUNT];

/* Form into row[0..n) the row key of column id for the row (a, b) and its
 * owner `who`: 3 ids (the mentorship, its mentor and mentee), 4 for
 * SEALED_OWNER_SHARED (the 4th its shared flag), or 2 people and a 0. b
 * is ignored unless the key is a pair, who unless the column has an
 * owner; NULL there forms a key no value is sealed for, so a caller that
 * forgets the owner fails to open, never opens another's. For
 * SEALED_KEY_HEX use sealed_row_hex. */
#define SEALED_ROW_MAX 130
void sealed_row(enum sealed_id id, int64_t a, int64_t b, const int64_t *who, char *row, size_t n);

/* The owner of column id's value in the current row of st, read from
 * its columns own, own + 1, ... (as many ids as the column's owner has:
 * 3, 4 for SEALED_OWNER_SHARED, 2 for people) into who: who, or NULL for
 * a column without an owner. The one place that counts them. */
const int64_t *sealed_owner_of(enum sealed_id id, sqlite3_stmt *st, int own, int64_t who[4]);

/* Open column id's value in column sealed_col of the current row of st
 * (legacy plain text in plain_col) for the row (a, b), with the table,
 * column and row key declared in sealed_cols: the one way a reader names
 * a sealed value, so it cannot drift from what rotate-key re-seals. Into
 * out; 0, or -1 when it does not open (sealcol_open). */
struct buf;
int sealed_open(sqlite3_stmt *st, int sealed_col, int plain_col, enum sealed_id id, int64_t a, int64_t b,
		const int64_t *who, struct buf *out);

/* Form the hex row key of a BLOB id of len bytes into row[0..n) (n at
 * least 2 * len + 1). */
void sealed_row_hex(const unsigned char *blob, size_t len, char *row, size_t n);

/* Re-seal every value of every sealed column under the current key, in
 * the caller's transaction (tandem rotate-key). The count, or -1 when one
 * does not open or the database fails (logged with its place). */
long sealed_rekey_all(struct db *db);

/* Values sealed before their owner was part of the associated data are
 * opened under their row key alone and sealed again with the owner they
 * are found under, once (serve runs it at start while the one-row table
 * seal_owner_pending says it is due, or is not there yet, and empties
 * it). Refused when values sealed with their owner are there too: values
 * put back after the conversion. sealed_owner_convert: in a transaction
 * of its own; _in: in the caller's (rotate-key's). The count re-sealed,
 * or -1 (nothing changed; logged with its place). */
long sealed_owner_convert(struct db *db);
long sealed_owner_convert_in(struct db *db);

/* No transaction of its own (reads; call it inside a read transaction for
 * one snapshot). Open every sealed value with the keys loaded: the number
 * of values, with *bad set to how many did not open (each logged with its
 * place, never its bytes), or -1 when the database fails. While the owner
 * conversion is due, a value that opens under its row alone opens. */
long sealed_check_all(struct db *db, long *bad);

/* No transaction of its own (a read). 1 when any sealed column holds a
 * value, 0 when none does, -1 when the database cannot be read: a key may
 * be created only over a database with nothing sealed in it. */
int sealed_any(struct db *db);

#endif
