/* smtp: hands finished messages to the mail server through libcurl, one
 * connection kept open across a batch; or, with no TANDEM_SMTP_URL, writes
 * each to $TANDEM_DATA/mail/ID.eml (temporary file, then rename) and logs
 * its path. Used only by the sender process (server/sender.c). */
#ifndef TANDEM_SMTP_H
#define TANDEM_SMTP_H
#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "core/config.h"

struct smtp;

/* A transport for cfg (which must outlive it). NULL on failure (logged). */
struct smtp *smtp_open(const struct config *cfg);
/* Close the connection and free. NULL is fine. */
void smtp_close(struct smtp *s);

enum smtp_rc {
	SMTP_OK = 0,
	SMTP_REFUSED = 1, /* the server answered no to this message: err holds its reply */
	SMTP_DOWN = 2,	  /* no connection (or a file that cannot be written): try later */
};

/* Send msg (a whole RFC 5322 message) from cfg->mail_from to rcpt; id
 * names the .eml file. On failure err (n bytes) gets the server's reply
 * or curl's reason, never the password. */
enum smtp_rc smtp_send(struct smtp *s, int64_t id, const char *rcpt, const struct buf *msg, char *err,
		       size_t n);

#endif
