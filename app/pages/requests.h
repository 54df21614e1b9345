/* requests pages: the request-list rows are shared with the dashboard. */
#ifndef TANDEM_PAGES_REQUESTS_H
#define TANDEM_PAGES_REQUESTS_H
#include "pages/ctx.h"

/* Rows for a request list from a statement (already bound) selecting
 * id, the other person's name, topic, status (as of now), created_at,
 * reason, reason_sealed: id, name, topic, status, status text, time waited, overdue
 * (0/1), reason, and the topic percent-encoded for a link. Resets the
 * statement. */
struct vlist *request_rows_from(struct ctx *c, sqlite3_stmt *st);

#endif
