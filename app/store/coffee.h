/* coffee: random pairing rounds (issue 18). People opt in (every two
 * weeks or every month, preferring people outside their team, skipping
 * the next round while away); a round pairs everyone opted in and due
 * (core/pairing.h), never two who met in the last 6 rounds, suggests a
 * shared interest as a first topic and queues one mail per person in the
 * same transaction. Rounds run from the master's minute task every 14
 * days, and on demand from /admin/coffee. */
#ifndef TANDEM_COFFEE_H
#define TANDEM_COFFEE_H
#include <stdint.h>

#include "store/db.h"
#include "store/outbox.h"

#define COFFEE_ROUND_EVERY (14 * 86400) /* scheduled rounds */
#define COFFEE_RECENT_ROUNDS 6		/* no pair twice within these */

struct coffee_prefs {
	int opt_in, across_teams, skip_next;
	char every[8]; /* "2w" or "month" */
	int64_t last_matched_at;
};

/* No transaction of its own (a read). uid's choice; not opted in (every
 * two weeks, across teams) when none was saved. DB_OK or DB_ERR. */
enum db_rc coffee_prefs_get(struct db *db, int64_t uid, struct coffee_prefs *p);
/* Own transaction. Save uid's choice (last_matched_at is kept). */
enum db_rc coffee_prefs_save(struct db *db, int64_t uid, const struct coffee_prefs *p);

/* One match of uid's; strings valid during the callback. */
struct coffee_match_row {
	int64_t id, ran_at, met_at;
	const char *topic;    /* a shared interest, "" when none */
	const char *others;   /* the others' names, ", " between */
	const char *contacts; /* their addresses, in the same order (to say hello) */
};

/* No transaction of its own (a read). uid's matches, newest first, at most
 * max (from coffee_match_people_user). */
enum db_rc coffee_matches_each(struct db *db, int64_t uid, int max,
			       void (*fn)(void *arg, const struct coffee_match_row *r), void *arg);

/* What the coffee_rc functions below answer:
 * COFFEE_OK, a refusal below, or a store failure (COFFEE_DB_*: nothing
 * written; the page is ctx_store_error's). One value, no out-parameter
 * (the one store result type, store/db.h). */
enum coffee_rc {
	COFFEE_OK = DB_OK,
	COFFEE_DB_BUSY = DB_BUSY, /* store failures: see store/db.h */
	COFFEE_DB_ERR = DB_ERR,
	COFFEE_DB_FULL = DB_FULL,
	COFFEE_NOTFOUND = DB_REFUSAL,
	COFFEE_ALREADY,
};

/* Own transaction. One of a match records that they met (for everyone in
 * it). COFFEE_NOTFOUND when uid is not in match; COFFEE_ALREADY when it
 * was recorded. The merge with pairing sessions (issue 17) adds its call
 * here. */
enum coffee_rc coffee_met(struct db *db, int64_t match, int64_t uid, int64_t now);

struct coffee_round_result {
	int64_t round_id;
	long people, matches, unmatched;
};

/* Own transaction. Run a round now: pair everyone opted in and due, write
 * the matches and one mail per person, clear the skips it honoured. A
 * round with fewer than 2 people due is still recorded (people 0 or 1).
 * seed: the shuffle's (random in production). DB_OK or the error. */
enum db_rc coffee_run_round(struct db *db, int64_t now, uint64_t seed, int on_demand,
			    struct coffee_round_result *out);

/* The master's minute task: run a round when the last scheduled round is
 * COFFEE_ROUND_EVERY old (or none ran) and someone is opted in. */
void coffee_tick(struct db *db, int64_t now);

/* Figures for /admin/coffee: counts only. */
struct coffee_admin {
	int64_t opted_in, rounds, matches, met;
};
/* No transaction of its own (a read). DB_OK or DB_ERR. */
enum db_rc coffee_admin_counts(struct db *db, struct coffee_admin *a);

/* A read, for the sender (store/outbox.c): the facts of an
 * OB_COFFEE_MATCHED row: 1 with *f filled, 0 when not needed (the person
 * left the match's program or opted out), -1 on error. */
int coffee_outbox_facts(struct db *db, const struct outbox_row *r, struct outbox_facts *f);

#endif
