/* meetings: logged mentoring sessions, private notes and post-session
 * feedback. Free text is sealed (security/seal.h) before it is stored and
 * opened only for the people allowed to read it. Every function takes the
 * person asking and finds nothing unless they are one of the pair. */
#ifndef TANDEM_MEETINGS_H
#define TANDEM_MEETINGS_H
#include <stdint.h>

#include "core/buf.h"
#include "store/db.h"

#define MEET_EDIT_WINDOW (7 * 86400) /* notes are read-only after a week */

/* What the meet_rc functions below answer:
 * MEET_OK, a refusal below, or a store failure (MEET_DB_*: nothing
 * written; the page is ctx_store_error's). One value, no out-parameter
 * (the one store result type, store/db.h). */
enum meet_rc {
	MEET_OK = DB_OK,
	MEET_DB_BUSY = DB_BUSY, /* store failures: see store/db.h */
	MEET_DB_ERR = DB_ERR,
	MEET_DB_FULL = DB_FULL,
	MEET_LOCKED = DB_REFUSAL, /* past the edit window, or not the author */
	MEET_NOTFOUND,		  /* no such session/mentorship, or not one of the pair */
	MEET_FUTURE,		  /* held_on is after today */
	MEET_EARLY,		  /* held_on is before the mentorship started */
	MEET_CONFLICT,		  /* feedback already given */
	MEET_SEAL,		  /* a stored value failed to open: moved, altered or another key */
};

struct meeting_new {
	int64_t mentorship_id, author_id;
	const char *held_on, *kind, *labels, *agenda, *shared_notes, *private_notes;
	int duration_min;
};

/* Log a session (one transaction). today is "YYYY-MM-DD" (UTC). */
enum meet_rc meeting_create(struct db *db, const struct meeting_new *n, const char *today, int64_t now,
			    int64_t *id);

struct meeting {
	int64_t id, mentorship_id, author_id, mentor_id, mentee_id, created_at;
	char held_on[11], kind[16], labels[801], topic[200], mentor_name[400], mentee_name[400];
	int duration_min;
	struct buf agenda, shared_notes, my_private; /* opened; free with meeting_free */
};

/* No transaction of its own (a read). Load and open session id for uid
 * (their own private note only). MEET_NOTFOUND unless uid is one of the
 * pair; MEET_SEAL when a value does not open (logged by the caller, never
 * shown). */
enum meet_rc meeting_get_for(struct db *db, int64_t id, int64_t uid, struct meeting *m);
void meeting_free(struct meeting *m);

/* Own transaction. The author changes the agenda and shared notes, within
 * the edit window. */
enum meet_rc meeting_update(struct db *db, int64_t id, int64_t uid, const char *agenda,
			    const char *shared_notes, int64_t now);

/* Own transaction. The author deletes a session with its notes and
 * feedback, for good (secure_delete overwrites the freed pages). */
enum meet_rc meeting_delete(struct db *db, int64_t id, int64_t uid);

/* Own transaction. Set uid's private note on a session of theirs (""
 * removes it), within the edit window. */
enum meet_rc private_note_set(struct db *db, int64_t meeting, int64_t uid, const char *body, int64_t now);

struct feedback_new {
	int rating, shared;
	const char *use_of_time, *went_well, *to_improve, *next_steps;
};

/* Own transaction. Add uid's feedback on a session: once (MEET_CONFLICT
 * the second time). */
enum meet_rc feedback_add(struct db *db, int64_t meeting, int64_t uid, const struct feedback_new *f,
			  int64_t now);

/* Own transaction. Add an action item to a session (owner "mentor" or
 * "mentee"). */
enum meet_rc action_add(struct db *db, int64_t meeting, int64_t uid, const char *owner, const char *body,
			int64_t now);
/* Own transaction. Tick an action item done or not; either of the pair
 * may. */
enum meet_rc action_set_done(struct db *db, int64_t item, int64_t uid, int done);
/* No transaction of its own (a read). The action items to show with a
 * session: every open item of the mentorship from this or an earlier
 * session (carried over until done), and those done in this session. row()
 * gets each, opened; MEET_SEAL if one fails. */
enum meet_rc action_items_for(struct db *db, int64_t meeting, int64_t uid,
			      void (*row)(void *ctx, int64_t id, const char *owner, const char *body,
					  int done, int carried),
			      void *ctx);

/* No transaction of its own (a read). The feedback uid may read on a
 * session: their own, and the other's when shared. Calls row() per form
 * with opened texts; MEET_SEAL if one fails. */
enum meet_rc feedback_visible(struct db *db, int64_t meeting, int64_t uid,
			      void (*row)(void *ctx, int mine, int rating, const char *use, int shared,
					  const char *went_well, const char *to_improve,
					  const char *next_steps),
			      void *ctx);

#endif
