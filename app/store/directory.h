/* directory: the denormalised mentor directory (see sql/0003). */
#ifndef TANDEM_DIRECTORY_H
#define TANDEM_DIRECTORY_H
#include <stdint.h>

#include "store/db.h"

/* Recompute user_id's directory rows, card and search words (removing
 * them when the person no longer mentors or is deactivated). Call inside the
 * transaction that changed them. When nothing on the card changed it
 * writes nothing and the card keeps its version, so the workers' rendered
 * copies stay valid (the hourly rebuild touches only what moved). */
enum db_rc directory_refresh(struct db *db, int64_t user_id, int64_t now);

/* The card's place in the search index (its FTS5 rowid, sql/0011): the
 * order the directory shows matches in, as one integer: no room left
 * (bit 62), then the name's first 8 letters (folded to a-z, accents
 * dropped), then the user id (the low 23 bits, DIRECTORY_SEARCH_ID_MASK),
 * so the index hands out matches in page order. Ids from 2^23 (8.4
 * million accounts) on would share places with smaller ones: widen the
 * id bits (and narrow the letters) before a program gets there. */
#define DIRECTORY_SEARCH_ID_MASK 0x7fffff
int64_t directory_search_key(const char *name, int room, int64_t uid);

/* Recompute every mentor (after migrate and seeding; and hourly, as the
 * 90-day window of answer times moves). Own transactions: one per 250
 * cards (so writers wait milliseconds, not the whole rebuild), then one
 * for the search index's merge; a failure stops it with the cards done
 * so far kept (each is whole). */
enum db_rc directory_rebuild(struct db *db, int64_t now);

/* Register topic_overlap(focus_ids, mine) on this connection: how many
 * ",id," items of mine occur in focus_ids. */
int directory_register(struct db *db);

/* No transaction of its own (a read). Mentor id's median time to answer a
 * request in seconds, from the directory card; -1 when unknown. */
int64_t directory_median_answer(struct db *db, int64_t id);

/* A mentor's directory card; strings valid during the callback. */
struct directory_card {
	int64_t id, capacity, active, median_answer; /* -1: unknown */
	int64_t version;			     /* grows with every change to the card */
	unsigned formats;
	const char *name, *job_title, *team, *focus;
	const char *record_line; /* issue 19: "" unless the mentor shows it */
};

/* No transaction of its own (a read). Call fn(arg, card) for mentor id's
 * card. DB_OK, DB_NOTFOUND (not in the directory) or DB_ERR. */
enum db_rc directory_card(struct db *db, int64_t id, void (*fn)(void *arg, const struct directory_card *card),
			  void *arg);

/* One line of the topics page; name valid during the callback. */
struct directory_topic {
	const char *name;
	int64_t wanted, offered; /* active people with it as interest, as focus */
};

/* No transaction of its own (a read). Call fn(arg, t) for at most 60
 * topics, the most wanted beyond what is offered first. The figures are
 * kept by triggers in the transactions that change them (topic_counts,
 * sql/0011), so this reads 60 rows of one index. DB_OK or DB_ERR. */
enum db_rc directory_topics(struct db *db, void (*fn)(void *arg, const struct directory_topic *t), void *arg);

#endif
