/* audit: the append-only trail of security events. Never a password,
 * token, cookie or note text: callers pass ids, an event name and a short
 * fixed detail. */
#ifndef TANDEM_AUDIT_H
#define TANDEM_AUDIT_H
#include <stdint.h>

#include "store/db.h"

/* Inside the caller's transaction. Append one event. actor/subject 0 means
 * none. DB_OK or an error. */
enum db_rc audit_add(struct db *db, int64_t now, const char *event, int64_t actor, int64_t subject,
		     const char *ip, const char *detail);

#endif
