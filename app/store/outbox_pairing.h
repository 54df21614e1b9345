/* outbox_pairing: the mail of issue 17 (events 25-34 of store/outbox.h).
 * Write paths run inside the caller's write transaction and answer DB_OK
 * or the error to roll back with; rows carry ids only. */
#ifndef TANDEM_OUTBOX_PAIRING_H
#define TANDEM_OUTBOX_PAIRING_H
#include <stdint.h>

#include "store/outbox.h"

/* Occurrence oid was cancelled by its host: everyone booked hears now
 * (OB_OH_CANCELLED). Call before the bookings go. */
enum db_rc outbox_oh_cancelled(struct db *db, int64_t oid, int64_t now);
/* The lead of help session sid offered it to lead `to` (OB_SWAP_OFFERED). */
enum db_rc outbox_swap_offered(struct db *db, int64_t sid, int64_t to, int64_t now);

/* A read, for outbox_check: 1 with *f filled (recipient, the other person,
 * topic, time, page) while what row announces still holds, 0 when not,
 * -1 on a store error. */
int outbox_pairing_check(struct db *db, const struct outbox_row *r, int64_t now, struct outbox_facts *f);

#endif
