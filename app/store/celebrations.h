/* celebrations (issue 19, recognition): a completed mentorship celebrated
 * on /program while both of the pair opt in, and the mentee's thank-you
 * note to the mentor (sealed, store/sealed.h SEALED_THANKS), public only
 * when the mentee and the mentor both say so and the celebration shows
 * (sql/0023, sql/0028). Every
 * call that names a mentorship takes the person asking and finds nothing
 * unless they are one of the pair. */
#ifndef TANDEM_CELEBRATIONS_H
#define TANDEM_CELEBRATIONS_H
#include <stdint.h>

#include "core/buf.h"
#include "store/db.h"
#include "store/keyset.h"
#include "store/requests.h"

#define THANKS_MAX 2000 /* characters of a thank-you note */

/* Inside the caller's write transaction (the completing one, ms_finish):
 * record what uid, who completes mentorship ms, chose: celebrate (1:
 * opts in) and, when uid is its mentee, thanks ("" or NULL: none) with
 * thanks_public; a mentor's thanks is ignored (the page refuses it
 * first). A note queues OB_THANKS_RECEIVED for the mentor. DB_OK or the
 * error to roll back with. */
enum db_rc celebration_on_complete(struct db *db, int64_t ms, int64_t uid, int celebrate, const char *thanks,
				   int thanks_public, int64_t now);

/* Own transaction. uid, one of the pair of completed mentorship ms, opts
 * in (on 1) or out (0) of its celebration; it shows from the moment both
 * are in and goes the moment either is out. REQ_OK, REQ_NOTFOUND (not one
 * of the pair), REQ_INVALID (not completed: still active or ended early),
 * or a store failure (REQ_DB_*). */
enum req_rc celebration_consent(struct db *db, int64_t ms, int64_t uid, int on, int64_t now);

/* Own transaction. The mentee of completed mentorship ms writes or
 * replaces the thank-you note (text "" removes it) and whether it may be
 * public. A new or changed text queues mail to the mentor (that a note
 * arrived, never its text). REQ_OK, REQ_NOTFOUND, REQ_NOT_YOURS (the
 * mentor), REQ_INVALID (not completed), or a store failure (REQ_DB_*). */
enum req_rc celebration_thanks(struct db *db, int64_t ms, int64_t uid, const char *text, int pub,
			       int64_t now);

/* Own transaction. The mentor uid of completed mentorship ms agrees (on
 * 1) that the mentee's note at revision rev (struct celebration's
 * thanks_rev, as the page they read showed it) may show on /program with
 * the celebration, or takes that back (0, rev unused). A changed or
 * removed note drops the agreement (celebration_thanks). DB_OK;
 * DB_CONFLICT when uid is not its mentor, it is not completed, there is
 * no note, or (on 1) the note is no longer at rev: nothing changed. */
enum db_rc celebration_note_consent(struct db *db, int64_t ms, int64_t uid, int on, int64_t rev);

/* A mentorship's celebration as one of the pair sees it. */
struct celebration {
	int mentor_ok, mentee_ok, shown, thanks_public;
	int thanks_mentor_ok; /* the mentor agreed to show the note */
	int64_t thanks_rev;   /* moves with every change of the note's text */
	int64_t thanks_at;    /* 0: no note */
	struct buf thanks;    /* the note, opened ("" none); free with celebration_free */
	int weeks;	      /* whole weeks from its start to its end (CEL_WEEKS_HAD) */
};

/* No transaction of its own (a read). Celebration of mentorship ms for uid,
 * one of the pair: DB_OK (all zero when nobody said anything yet),
 * DB_NOTFOUND (not one of the pair), DB_ERR (also when the note does not
 * open: logged with its place, never its bytes). */
enum db_rc celebration_get(struct db *db, int64_t ms, int64_t uid, struct celebration *c);
void celebration_free(struct celebration *c);

/* One celebration on /program; strings valid during the callback. */
struct celebration_line {
	int64_t ms, shown_at;
	const char *mentor, *mentee, *topic, *outcome, *kind; /* kind: series, single */
	int weeks;	    /* the weeks it lasted (CEL_WEEKS_HAD), never the weeks planned */
	const char *thanks; /* the note when both made it public, else "" */
	int unopened;	    /* a public note that did not open (logged) */
};

/* No transaction of its own (a read). The celebrations shown, newest
 * first, below the cursor before ({0, 0}: the newest), at most max (<=
 * 50); *more when older ones follow. Reads max + 1 rows of the partial
 * index celebrations_shown, whatever the size of the program. */
enum db_rc celebrations_page(struct db *db, const struct keyset *before, int max,
			     void (*fn)(void *arg, const struct celebration_line *l), void *arg, int *more);

/* No transaction of its own (a read of one row). A number that changes
 * whenever what celebrations_page lists may have changed (kept by
 * triggers, sql/0023): a rendered list is good while it holds. -1 on a
 * store error. */
int64_t celebrations_version(struct db *db);

/* One thank-you note received; strings valid during the callback. */
struct thanks_line {
	int64_t ms, at;
	const char *mentee, *topic, *text;
	int on_program; /* public (both agreed) and celebrated: on /program now */
	int unopened;
};

/* No transaction of its own (a read). The notes mentor uid received,
 * newest first, at most max; *total: how many in all. DB_OK or DB_ERR. */
enum db_rc thanks_received(struct db *db, int64_t uid, int max,
			   void (*fn)(void *arg, const struct thanks_line *l), void *arg, int64_t *total);

/* Inside the caller's transaction (account_close: deactivation and
 * erasure): uid's consents are withdrawn (to celebrations, and a mentor's
 * to showing notes), so none of their celebrations (nor the notes shown
 * with them) stays on /program. */
enum db_rc celebrations_withdraw(struct db *db, int64_t uid);

/* Inside the caller's transaction (account_erase): every celebration row
 * with uid on either side goes, the notes they wrote or received with it. */
enum db_rc celebrations_erase(struct db *db, int64_t uid);

#endif
