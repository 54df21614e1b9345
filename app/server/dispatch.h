/* dispatch: the front controller. Every request passes here: route,
 * session, access level, CSRF, and only then the handler. */
#ifndef TANDEM_DISPATCH_H
#define TANDEM_DISPATCH_H
#include "pages/ctx.h"

/* Handle c->req into c->resp. Never fails: errors become error pages. */
void dispatch(struct ctx *c);

/* 1 when r may share a commit with the requests around it (server/worker.c):
 * a POST to a route that is not ROUTE_SLOW. */
int dispatch_may_group(const struct request *r);

#endif
