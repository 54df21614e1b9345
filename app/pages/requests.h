/* requests pages: the request-list rows are shared with the dashboard. */
#ifndef TANDEM_PAGES_REQUESTS_H
#define TANDEM_PAGES_REQUESTS_H
#include "pages/ctx.h"

#include "store/request_lists.h"

/* A request list being built: rows go into l, times are counted from
 * c->now. */
struct request_rows {
	struct ctx *c;
	struct vlist *l;
};

/* A req_row_fn (arg: struct request_rows): adds id, name, topic, status,
 * status text, time waited, overdue (0/1), reason, and the topic
 * percent-encoded for a link. */
void request_row_add(void *arg, const struct req_row *row);

#endif
