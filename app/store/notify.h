/* notify: what each person wants to hear about (core/notifykind.h) and
 * how (at once, or one digest a day), and the generation of their private
 * calendar link. No row means every kind on, sent at once. */
#ifndef TANDEM_NOTIFY_H
#define TANDEM_NOTIFY_H
#include <stdint.h>

#include "core/notifykind.h"
#include "store/db.h"

struct notify_prefs {
	uint64_t off;	      /* bit k set: kind k is off */
	int digest;	      /* 1: a daily digest at 08:00 in the person's zone */
	int64_t calendar_gen; /* in the calendar link; bumped to replace it */
};

/* No transaction of its own (a read). Fill *out with uid's preferences
 * (the defaults when none were saved). DB_OK or a store error. */
enum db_rc notify_prefs_get(struct db *db, int64_t uid, struct notify_prefs *out);

/* No transaction of its own (a read; the sender calls it inside its own).
 * 1 when uid wants kind (set *digest to 1 when as a digest), 0 when the
 * kind is off, -1 on a store error. */
int notify_wants(struct db *db, int64_t uid, enum notify_kind kind, int *digest);

/* Own transaction: save uid's kinds that are off and the digest choice
 * (the calendar link stays). DB_OK or a store error. */
enum db_rc notify_prefs_save(struct db *db, int64_t uid, uint64_t off, int digest);

/* Own transaction: turn one kind off for uid (the unsubscribe link).
 * DB_NOTFOUND when uid is no active member. */
enum db_rc notify_turn_off(struct db *db, int64_t uid, enum notify_kind kind);

/* Own transaction: replace uid's calendar link (the old one stops working
 * at once); *gen gets the new generation. DB_OK or a store error. */
enum db_rc notify_calendar_replace(struct db *db, int64_t uid, int64_t *gen);

#endif
