/* sender: the process that delivers the outbox (store/outbox.h). The
 * master forks it after giving up root and restarts it when it dies; it
 * owns its own database connection and never serves a request. */
#ifndef TANDEM_SENDER_H
#define TANDEM_SENDER_H
#include <stdint.h>

#include "core/buf.h"
#include "core/config.h"
#include "store/outbox.h"

/* The sender's loop: take due rows, re-check them, compose, send, mark;
 * retry with growing delays, then give up (logged with the server's
 * reply). Exits 0 on SIGTERM, 3 when it cannot start. Never returns. */
void sender_main(const struct config *cfg);

/* Compose the message for row r with facts f (from outbox_check) into
 * out: headers, text and HTML parts from templates/mail/, and an
 * invitation for plan mails. The templates must be loaded
 * (view_load_mail). 0, or -1 (render error, logged). */
int sender_compose(const struct config *cfg, const struct outbox_row *r, const struct outbox_facts *f,
		   int64_t now, struct buf *out);

/* The first 08:00 in zone tz after now (the daily digest). */
int64_t sender_next_digest(int64_t now, const char *tz);

#endif
