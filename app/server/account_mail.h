/* account_mail: issue 16's account messages (verify the address, reset
 * the password, an invitation, the notice that a password was reset),
 * composed by the sender (server/sender.c) from templates/mail/account.*.
 * They are not notifications: nobody turns them off, so they carry no
 * unsubscribe link and no List-Unsubscribe header. */
#ifndef TANDEM_ACCOUNT_MAIL_H
#define TANDEM_ACCOUNT_MAIL_H
#include <stdint.h>

#include "core/buf.h"
#include "core/config.h"
#include "store/outbox.h"

/* Compose row r (an OB_ACCT_* event named ev, facts f from outbox_check
 * with the link's token) into out. 0, or -1 (render error). */
int account_mail_compose(const struct config *cfg, const struct outbox_row *r, const struct outbox_facts *f,
			 const char *ev, int64_t now, struct buf *out);

#endif
