/* directory: the denormalised mentor directory (see sql/0003). */
#ifndef TANDEM_DIRECTORY_H
#define TANDEM_DIRECTORY_H
#include <stdint.h>

#include "store/db.h"

/* Recompute user_id's directory rows and card (removing them when the
 * person no longer mentors or is deactivated). Call inside the
 * transaction that changed them. When nothing on the card changed it
 * writes nothing and the card keeps its version, so the workers' rendered
 * copies stay valid (the hourly rebuild touches only what moved). */
enum db_rc directory_refresh(struct db *db, int64_t user_id, int64_t now);

/* Recompute every mentor (after migrate and seeding; and hourly, as the
 * 90-day window of answer times moves). Runs its own transaction. */
enum db_rc directory_rebuild(struct db *db, int64_t now);

/* Register topic_overlap(focus_ids, mine) on this connection: how many
 * ",id," items of mine occur in focus_ids. */
int directory_register(struct db *db);

#endif
