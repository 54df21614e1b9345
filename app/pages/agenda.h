/* agenda pages: the agenda written ahead for a planned session, as the
 * mentorship page and the "log a session" form show it. */
#ifndef TANDEM_PAGES_AGENDA_H
#define TANDEM_PAGES_AGENDA_H
#include <stdint.h>

#include "core/buf.h"
#include "pages/ctx.h"

/* Set the names the mentorship page's agenda part reads: agenda_open (1
 * when a session is planned after now in an active mentorship), agenda,
 * agenda_err, agenda_max. Mentorship id must be the asker's. 0, or -1
 * when it cannot be read (the agenda did not open: logged). */
int agenda_part(struct ctx *c, int64_t id);

/* The agenda written ahead for mentorship id (the asker's), copied into
 * out, or NULL when there is none: the "log a session" form starts from
 * it. */
const char *agenda_prefill(struct ctx *c, int64_t id, struct buf *out);

#endif
