/* dispatch: the front controller. Every request passes here: route,
 * session, access level, CSRF, and only then the handler. */
#ifndef TANDEM_DISPATCH_H
#define TANDEM_DISPATCH_H
#include "pages/ctx.h"

/* Handle c->req into c->resp (its route found by dispatch_route, or here
 * when that was not called). Never fails: errors become error pages. */
void dispatch(struct ctx *c);

/* Find r's route once, before dispatch: r->route and r->ids (r->route
 * stays NULL when there is none; dispatch answers 404 or 405). Returns 1
 * when r may share a commit with the requests around it (server/worker.c):
 * a POST to a route that is neither ROUTE_SLOW nor ROUTE_ALONE. */
int dispatch_route(struct request *r);

/* issue 16: the most body bytes a request to method and path may send:
 * REQ_MAX_UPLOAD for a ROUTE_UPLOAD route, else REQ_MAX_BODY (NULLs
 * allowed). */
size_t dispatch_body_limit(const char *method, const char *path);

/* The path to log for r: r->path, except that a path under a {token}
 * route's prefix (matched or not, whatever its status) is logged as the
 * prefix and "{token}", so a link's token never reaches the log. Returns
 * r->path or out (n bytes). */
const char *dispatch_log_path(const struct request *r, char *out, size_t n);

#endif
