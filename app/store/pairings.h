/* pairings: pairing sessions with anyone (issue 17; sql/0016_pairing.sql).
 * Either person logs one with any active member; both see it; the partner
 * confirms it, or either removes it ("this did not happen": status
 * 'removed', it then counts for neither). The notes are sealed
 * (SEALED_PAIRING_NOTES, row "ID") and read by the two only. Every
 * function that takes uid finds nothing unless uid is one of the pair: a
 * third member and an admin get DB_NOTFOUND / PAIRING_NOTFOUND.
 *
 * The weekly figures are activity_weeks rows kept by triggers in the same
 * transaction as each write here (store/activity.h reads them). */
#ifndef TANDEM_PAIRINGS_H
#define TANDEM_PAIRINGS_H
#include <stdint.h>

#include "core/buf.h"
#include "store/db.h"

#define PAIRING_TOPIC_MAX 120
#define PAIRING_LINK_MAX 500
#define PAIRING_LABELS_MAX 200
#define PAIRING_NOTES_MAX 8000
#define PAIRING_LIST_MAX 20 /* rows per page of GET /pairings */

struct pairing_new {
	int64_t partner_id;
	const char *held_on;			   /* YYYY-MM-DD */
	int duration_min;			   /* 5-480 */
	const char *topic, *link, *labels, *notes; /* link "" or checked by pairing_link_ok */
};

/* What the pairing_rc functions below answer:
 * PAIRING_OK, a refusal below, or a store failure (PAIRING_DB_*: nothing
 * written; the page is ctx_store_error's). One value, no out-parameter
 * (the one store result type, store/db.h). */
enum pairing_rc {
	PAIRING_OK = DB_OK,
	PAIRING_DB_BUSY = DB_BUSY, /* store failures: see store/db.h */
	PAIRING_DB_ERR = DB_ERR,
	PAIRING_DB_FULL = DB_FULL,
	PAIRING_NOTFOUND = DB_REFUSAL, /* no such pairing, or uid is not one of the pair */
	PAIRING_NO_PARTNER,	       /* the partner is no active member, or uid itself */
	PAIRING_STATE, /* already removed (or confirmed, for confirm), or uid may not (the author confirms) */
};

/* 1 when s is an http(s) URL Tandem may link to: "http://" or "https://",
 * a host, no space or control character, at most PAIRING_LINK_MAX bytes. */
int pairing_link_ok(const char *s);

/* Own transaction. uid logs a pairing (status 'logged'); *id gets its id. */
enum pairing_rc pairing_create(struct db *db, int64_t uid, const struct pairing_new *p, int64_t now,
			       int64_t *id);

/* Own transaction. confirm: the partner (not the author) confirms a
 * logged pairing. Otherwise either of the pair removes it. */
enum pairing_rc pairing_answer(struct db *db, int64_t id, int64_t uid, int confirm, int64_t now);

/* Inside the caller's write transaction (issue 18's "we met" of a random
 * pairing round, wired at merge): a pairing of a and b held on held_on
 * (YYYY-MM-DD), already confirmed (both said so), 30 minutes, topic
 * "Coffee pairing", origin 'coffee'. It counts for both in their week
 * like any pairing. DB_OK (with *id when id is not NULL), DB_CONFLICT
 * when a == b, or the store error to roll back with. */
enum db_rc pairing_record_met(struct db *db, int64_t a, int64_t b, const char *held_on, int64_t now,
			      int64_t *id);

/* One pairing as uid sees it; strings valid during the callback. */
struct pairing_row {
	int64_t id, other_id;
	int i_author, duration_min;
	const char *held_on, *topic, *link, *labels, *status, *other_name;
};

/* A place in uid's list, newest day first: {"", 0} is the top. */
struct pairing_key {
	char held_on[11];
	int64_t id;
};

/* No transaction of its own (a read). Up to PAIRING_LIST_MAX of uid's
 * pairings after key, newest first (each side from its index); *next
 * gets the key of the last one when more may follow, else {"", 0}. */
enum db_rc pairing_list(struct db *db, int64_t uid, const struct pairing_key *after,
			void (*fn)(void *arg, const struct pairing_row *r), void *arg,
			struct pairing_key *next);

/* No transaction of its own (a read). Pairing id for uid, notes opened
 * into *notes. DB_NOTFOUND unless uid is one of the pair; DB_ERR also when
 * the notes do not open (logged, never shown). */
enum db_rc pairing_get(struct db *db, int64_t id, int64_t uid,
		       void (*fn)(void *arg, const struct pairing_row *r), void *arg, struct buf *notes);

/* A member uid could pair with; name valid during the callback. */
struct pairing_suggestion {
	int64_t id;
	int overlap; /* how many of the topics matched */
	const char *name;
};

/* No transaction of its own (reads). "Who could I pair with?": active
 * members whose interests match uid's focus areas (or, for someone with
 * no focus areas, whose focus areas match uid's interests), not paired
 * with uid (a pairing not removed) in the 4 weeks before today (a day
 * number, core/week.h), most topics in common first, at most max. Reads
 * at most 200 postings per topic from user_topics_topic and uid's last 4
 * weeks from the pairings indexes. DB_OK or DB_ERR. */
enum db_rc pairing_suggest(struct db *db, int64_t uid, int64_t today, int max,
			   void (*fn)(void *arg, const struct pairing_suggestion *s), void *arg);

/* An active member's name for the partner picker: DB_OK with name, or
 * DB_NOTFOUND (inactive, unknown). */
enum db_rc pairing_member_name(struct db *db, int64_t id, char *name, size_t n);

#endif
