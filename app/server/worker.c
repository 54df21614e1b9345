#include <fcgiapp.h>
#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/clock.h"
#include "core/log.h"
#include "security/password.h"
#include "server/dispatch.h"
#include "server/server.h"
#include "store/directory.h"

static volatile sig_atomic_t busy, stopping;

/* Idle workers leave at once; a busy one finishes its request first. */
static void on_term(int sig)
{
	(void)sig;
	stopping = 1;
	if (!busy)
		_exit(0);
}

static const char *fcgi_param(void *ctx, const char *name)
{
	return FCGX_GetParam(name, ((FCGX_Request *)ctx)->envp);
}

/* End the request and close the connection. libfcgi's own close is a
 * lingering one (shutdown, then wait up to 2 s for nginx to hang up) that
 * guards a TCP peer against a reset; on this unix socket, with the whole
 * request read, nothing is left to reset, and the wait kept a worker from
 * its next request for as long as nginx took to get round to closing. */
static void finish(FCGX_Request *fr)
{
	int keep = fr->keepConnection;
	fr->keepConnection = 1;
	FCGX_Finish_r(fr); /* flushes, reads any unread stdin; on error closes */
	fr->keepConnection = keep;
	if (!keep && fr->ipcFd >= 0) {
		close(fr->ipcFd);
		fr->ipcFd = -1;
	}
}

/* Read the body, at most REQ_MAX_BODY bytes (nginx enforces the same
 * limit first). Returns 0, 413 when too large, 400 when short. */
static int read_body(FCGX_Request *fr, struct buf *body)
{
	const char *cl = FCGX_GetParam("CONTENT_LENGTH", fr->envp);
	if (!cl || !*cl) /* libfcgi hands "" on GET */
		return 0;
	char *end;
	long n = strtol(cl, &end, 10);
	if (*end || n < 0)
		return 400;
	if (n > REQ_MAX_BODY)
		return 413;
	char chunk[8192];
	long got = 0;
	while (got < n) {
		int want = (int)(n - got < (long)sizeof(chunk) ? n - got : (long)sizeof(chunk));
		int r = FCGX_GetStr(chunk, want, fr->in);
		if (r <= 0)
			return 400;
		buf_append(body, chunk, (size_t)r);
		got += r;
	}
	return 0;
}

static void log_request(const struct request *r, const struct ctx *c, int status, int64_t us)
{
	char sb[24], db[24], ub[24];
	const char *st = str_u64(sb, (unsigned)status),
		   *dur = str_u64(db, us > 0 ? (unsigned long long)us : 0);
	const char *uid = str_u64(ub, c->signed_in ? (unsigned long long)c->user.id : 0);
	/* The route's pattern, not the raw path, once it is known: paths are
	 * ids only, but the pattern is what an operator groups by. */
	/* Survey answers: nothing that could tie a submission to a person or
	 * an invitation (no path with its id, no user, no duration). */
	if (r->route && (r->route->flags & ROUTE_QUIET_LOG)) {
		log_kv("info", "request", "method", r->method, "route", r->route->pattern, "status", st,
		       LOG_END);
		return;
	}
	log_kv("info", "request", "rid", r->rid, "method", r->method, "path", r->path, "route",
	       r->route ? r->route->pattern : "", "status", st, "dur_us", dur, "uid", c->signed_in ? uid : "",
	       LOG_END);
}

void worker_main(const struct config *cfg, int listen_fd)
{
	struct sigaction sa = {0};
	sa.sa_handler = on_term;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	sigset_t none;
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);

	struct db *db = db_open(cfg->db_path);
	if (db)
		directory_register(db);
	char tpl[4200];
	snprintf(tpl, sizeof(tpl), "%s/templates", cfg->root);
	if (!db || view_load(tpl) != 0) {
		log_kv("error", "worker cannot start", LOG_END);
		_exit(3);
	}
	/* At most one argon2id per core, and never every worker at once: a
	 * login flood must leave a worker free for everything else. */
	int slots = cfg->workers - 1 < cfg->cores ? cfg->workers - 1 : cfg->cores;
	pw_slots_init(cfg->data, slots > 0 ? slots : 1);
	request_ids_reseed();
	FCGX_Init();
	FCGX_Request fr;
	FCGX_InitRequest(&fr, listen_fd, 0);
	struct buf body = {0}, out = {0};
	struct response resp = {0};
	for (;;) {
		if (FCGX_Accept_r(&fr) < 0)
			break;
		busy = 1;
		int64_t t0 = clock_mono_us();
		buf_reset(&body);
		buf_reset(&out);
		resp_reset(&resp);
		struct request req;
		struct ctx c = {.req = &req, .resp = &resp, .db = db, .cfg = cfg, .now = clock_now()};
		int st = read_body(&fr, &body);
		int pst = request_parse(&req, fcgi_param, &fr, buf_str(&body), body.len);
		if (!st)
			st = pst;
		if (st) {
			ctx_error(&c, st,
				  st == 413   ? "That was more than this form accepts."
				  : st == 415 ? "Forms must be sent as application/x-www-form-urlencoded."
					      : "The request was malformed.");
		} else {
			/* A POST's checks share it too; its write ends it. */
			db_read_begin(db);
			dispatch(&c);
			db_request_end(db);
		}
		/* Head and body go straight into libfcgi's buffer, unjoined. */
		resp_serialise_head(&resp, &out);
		FCGX_PutStr(out.data, (int)out.len, fr.out);
		if (resp.body.len)
			FCGX_PutStr(resp.body.data, (int)resp.body.len, fr.out);
		finish(&fr);
		log_request(&req, &c, resp.status, clock_mono_us() - t0);
		view_free(c.view);
		request_free(&req);
		busy = 0;
		if (stopping)
			break;
	}
	buf_free(&body);
	buf_free(&out);
	resp_free(&resp);
	view_unload();
	db_close(db);
	_exit(0);
}
