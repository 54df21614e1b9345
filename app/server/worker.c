#include <errno.h>
#include <fcgiapp.h>
#include <poll.h>
#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "core/clock.h"
#include "core/log.h"
#include "security/password.h"
#include "server/confine.h"
#include "server/dispatch.h"
#include "server/fcgiout.h"
#include "server/server.h"
#include "store/directory.h"

static volatile sig_atomic_t busy, stopping;

/* Survey answers (ROUTE_QUIET_LOG) are not logged one by one: a line per
 * route and status counts them per hour, stamped with the hour, and is
 * written when the hour is over or the worker stops. Neither its time
 * nor its place among other lines tells when someone answered. The line
 * is kept formatted, so that a signal handler can write it. */
/* Room for each quiet route (survey answers, the token links) with a
 * few statuses each; a line beyond it is not counted. */
#define QUIET_ROUTES 24
struct quiet_route {
	char method[8];
	const char *pattern; /* the route table's */
	unsigned status;
	unsigned long n;
};
static struct quiet_route quiet[QUIET_ROUTES];
static int nquiet;
static time_t quiet_hour;
static char quiet_text[QUIET_ROUTES * 512];
static size_t quiet_len;

static void quiet_flush(void)
{
	if (quiet_len && write(STDERR_FILENO, quiet_text, quiet_len) < 0) {
	}
	quiet_len = 0;
	nquiet = 0;
}

static void quiet_count(const char *method, const char *pattern, unsigned status, time_t now)
{
	if (now - now % 3600 != quiet_hour) {
		quiet_flush();
		quiet_hour = now - now % 3600;
	}
	int i = 0;
	while (i < nquiet && !(quiet[i].status == status && strcmp(quiet[i].method, method) == 0 &&
			       strcmp(quiet[i].pattern, pattern) == 0))
		i++;
	if (i == QUIET_ROUTES)
		return;
	if (i == nquiet) {
		quiet[nquiet] = (struct quiet_route){.pattern = pattern, .status = status};
		str_copy(quiet[nquiet++].method, sizeof(quiet[0].method), method);
	}
	quiet[i].n++;
	quiet_len = 0;
	for (int j = 0; j < nquiet; j++) {
		char sb[24], nb[24];
		quiet_len += log_format_hour(
			quiet_text + quiet_len, sizeof(quiet_text) - quiet_len, quiet_hour, "info",
			"requests this hour", "method", quiet[j].method, "route", quiet[j].pattern, "status",
			str_u64(sb, quiet[j].status), "count", str_u64(nb, quiet[j].n), LOG_END);
	}
}

/* Idle workers leave at once; a busy one finishes its request first. */
static void on_term(int sig)
{
	(void)sig;
	stopping = 1;
	if (!busy) {
		log_flush();
		quiet_flush();
		_exit(0);
	}
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
	/* issue 16: a ROUTE_UPLOAD route (the CSV import) takes more. (Found
	 * only for a request with a body: a route match is a walk of the
	 * whole table.) */
	long max = (long)dispatch_body_limit(FCGX_GetParam("REQUEST_METHOD", fr->envp),
					     FCGX_GetParam("DOCUMENT_URI", fr->envp));
	char *end;
	long n = strtol(cl, &end, 10);
	if (*end || n < 0)
		return 400;
	if (n > max)
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

static void log_request(const struct request *r, const struct ctx *c, int status, int64_t us, int group)
{
	char sb[24], db[24], ub[24], gb[24], pb[64];
	const char *st = str_u64(sb, (unsigned)status),
		   *dur = str_u64(db, us > 0 ? (unsigned long long)us : 0);
	const char *uid = str_u64(ub, c->signed_in ? (unsigned long long)c->user.id : 0);
	/* The route's pattern, not the raw path, once it is known: paths are
	 * ids only, but the pattern is what an operator groups by. */
	/* Survey answers: nothing that could tie a submission to a person or
	 * an invitation (no path with its id, no user, no duration). */
	time_t now = time(NULL);
	if (quiet_len && now - now % 3600 != quiet_hour)
		quiet_flush();
	if (r->route && (r->route->flags & ROUTE_QUIET_LOG)) {
		quiet_count(r->method, r->route->pattern, (unsigned)status, now);
		return;
	}
	/* group: how many requests shared this one's commit (0: none). */
	log_kv_queued("info", "request", "rid", r->rid, "method", r->method, "path",
		      dispatch_log_path(r, pb, sizeof(pb)), "route", r->route ? r->route->pattern : "",
		      "status", st, "dur_us", dur, "uid", c->signed_in ? uid : "", "group",
		      str_u64(gb, (unsigned)group), LOG_END);
}

/* One request in flight: its connection, what it read and what it will
 * answer. A group holds several until their shared commit. */
struct inflight {
	FCGX_Request fr;
	struct buf body, head;
	struct response resp;
	struct request req;
	struct ctx c;
	int64_t t0;
};

/* next_connection: nobody else is waiting right now. */
#define NONE_WAITING (-2)

/* Up to this many requests share one commit; the rest wait for the next. */
#define GROUP_MAX 16

/* The next connection on the listening socket, which the master made
 * non-blocking so that a worker can ask whether another request is
 * waiting without being stuck when another worker took it. wait: block
 * until one comes. Returns a descriptor, NONE_WAITING, or -1 on an
 * error the worker cannot go on from. */
static int next_connection(int listen_fd, int wait)
{
	for (;;) {
		int fd = accept4(listen_fd, NULL, NULL, SOCK_CLOEXEC);
		if (fd >= 0) {
			/* nginx sends a request whole, at once (it buffers the
			 * body first); a peer that stalls must not hold a worker,
			 * nor a group's commit, for longer than this. */
			struct timeval t = {.tv_sec = 2};
			setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &t, sizeof(t));
			return fd;
		}
		if (errno == EINTR || errno == ECONNABORTED)
			continue;
		if (errno != EAGAIN && errno != EWOULDBLOCK)
			return -1;
		if (!wait)
			return NONE_WAITING;
		/* Idle: the request lines queued meanwhile go out now, in one
		 * write (core/log.h). */
		log_flush();
		struct pollfd p = {.fd = listen_fd, .events = POLLIN};
		if (poll(&p, 1, -1) < 0 && errno != EINTR)
			return -1;
	}
}

/* Read the FastCGI request on fd into s. libfcgi accepts for itself when
 * its request has no connection; handed one, it reads from it (kept open
 * by keepConnection through the finish it runs first). 0, or -1 when the
 * request was malformed (libfcgi closed fd). */
static int inflight_accept(struct inflight *s, int fd)
{
	/* libfcgi's own accept waits as long for a new connection's first
	 * bytes, and drops it if none come (its failure path would linger
	 * 2 s more in its close). */
	struct pollfd p = {.fd = fd, .events = POLLIN};
	if (poll(&p, 1, 2000) != 1) {
		close(fd);
		return -1;
	}
	s->fr.ipcFd = fd;
	s->fr.keepConnection = 1;
	if (FCGX_Accept_r(&s->fr) != 0) {
		if (s->fr.ipcFd >= 0)
			close(s->fr.ipcFd);
		s->fr.ipcFd = -1;
		return -1;
	}
	s->t0 = clock_mono_us();
	/* An upload (up to REQ_MAX_UPLOAD) does not stay in the worker: a
	 * body larger than a form's is freed, not kept for the next. */
	if (s->body.cap > 2 * REQ_MAX_BODY)
		buf_free(&s->body);
	buf_reset(&s->body);
	buf_reset(&s->head);
	resp_reset(&s->resp);
	return 0;
}

/* What inflight_parse found: a request answered already (malformed: its
 * error page is set), one that must commit alone, or a short POST that
 * may share a commit with the requests around it (dispatch_route). */
enum parsed { PARSED_BAD, PARSED_ALONE, PARSED_SHARES };

/* Read and parse the request in s, and find its route. */
static enum parsed inflight_parse(struct inflight *s, const struct config *cfg, struct db *db)
{
	s->c = (struct ctx){.req = &s->req, .resp = &s->resp, .db = db, .cfg = cfg, .now = clock_now()};
	int st = read_body(&s->fr, &s->body);
	int pst = request_parse(&s->req, fcgi_param, &s->fr, buf_str(&s->body), s->body.len);
	if (!st)
		st = pst;
	if (st) {
		ctx_error(&s->c, st,
			  st == 413   ? "That was more than this form accepts."
			  : st == 415 ? "Forms must be sent as application/x-www-form-urlencoded."
				      : "The request was malformed.");
		return PARSED_BAD;
	}
	return dispatch_route(&s->req) ? PARSED_SHARES : PARSED_ALONE;
}

#ifdef TANDEM_TESTING
/* Test builds: while $TANDEM_DATA/test-execve exists, a worker tries to
 * start a program before it dispatches, as a worker taken over would;
 * its confinement must stop it (tests/faults). */
static char test_execve_path[4300];
static void test_try_execve(void)
{
	if (test_execve_path[0] && access(test_execve_path, F_OK) == 0) {
		char *const argv[] = {"/bin/true", NULL};
		execve(argv[0], argv, NULL);
	}
}
#endif

static void inflight_run(struct inflight *s, struct db *db)
{
	confine_current(s->fr.ipcFd, s->fr.requestId);
#ifdef TANDEM_TESTING
	test_try_execve();
#endif
	/* A POST's checks share it too; its write ends it. */
	db_latch_arm();
	db_read_begin(db);
	dispatch(&s->c);
	db_request_end(db);
	/* A statement that failed anywhere in the request, checked by its
	 * caller or not, makes the request fail (store/db.h): never a page
	 * built on a read that did not happen. */
	int saved = 0;
	enum db_rc failed = db_latch_take(&saved);
	if (failed != DB_OK && s->resp.status < 500) {
		resp_reset(&s->resp);
		if (saved)
			ctx_error(&s->c, 500,
				  "Something went wrong after your change was saved. Reload the page to see "
				  "where things stand.");
		else
			ctx_store_error(&s->c, failed);
	}
	confine_current(-1, 0);
}

/* Send s's response, end the request and log it. */
static void inflight_send(struct inflight *s, int group)
{
	/* Head and body go out unjoined, in one write (server/fcgiout.h). */
	resp_serialise_head(&s->resp, &s->head);
	fcgiout_send(&s->fr, s->head.data, s->head.len, s->resp.body.data, s->resp.body.len);
	finish(&s->fr);
	log_request(&s->req, &s->c, s->resp.status, clock_mono_us() - s->t0, group);
	view_free(s->c.view);
	s->c.view = NULL;
	request_free(&s->req);
}

/* Commit the group held in s[0..n) and answer its requests: what they
 * said when the commit held, the store's error page when it did not
 * (nothing of theirs was saved). Disarms the group, also when n is 0. */
static void group_finish(struct inflight *s, int n, struct db *db)
{
	enum db_rc rc = db_group_commit(db);
	if (rc != DB_OK && n > 0) {
		char nb[24];
		log_kv("error", "a shared commit failed: nothing of its requests was saved", "requests",
		       str_u64(nb, (unsigned)n), LOG_END);
	}
	for (int i = 0; i < n; i++) {
		if (rc != DB_OK) {
			resp_reset(&s[i].resp);
			ctx_store_error(&s[i].c, rc);
		}
		inflight_send(&s[i], n);
	}
}

/* For a hash waiting on an argon2id slot: is another request queued on
 * the listening socket? Then this worker had better answer 503 and serve
 * it than keep waiting (security/password.h). */
static int worker_listen_fd = -1;
static int request_queued(void)
{
	struct pollfd p = {.fd = worker_listen_fd, .events = POLLIN};
	return worker_listen_fd >= 0 && poll(&p, 1, 0) > 0;
}

void worker_main(const struct config *cfg, int listen_fd, int auth)
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
	if (db && !auth)
		db_page_cache(db);
	char tpl[4200];
	snprintf(tpl, sizeof(tpl), "%s/templates", cfg->root);
	/* The master lexed the templates before it gave up root (a checkout
	 * in a private directory is then still readable); a worker started
	 * without it lexes them itself. */
	if (!db || (!view_loaded() && view_load(tpl) != 0)) {
		log_kv("error", "worker cannot start", LOG_END);
		_exit(3);
	}
	/* At most one argon2id per core, and only in the sign-in pool's
	 * workers (nginx sends them the routes that hash): a worker of that
	 * pool waits for a slot, since nobody else waits for it but other
	 * sign-ins; a page worker (reached directly) never waits while other
	 * requests are queued for it. */
	int slots = cfg->auth_workers < cfg->cores ? cfg->auth_workers : cfg->cores;
	worker_listen_fd = listen_fd;
	pw_slots_init(cfg->data, slots > 0 ? slots : 1, auth ? NULL : request_queued);
	request_ids_reseed();
	FCGX_Init();
#ifdef TANDEM_TESTING
	snprintf(test_execve_path, sizeof(test_execve_path), "%s/test-execve", cfg->data);
#endif
	/* From here on, only the system calls serving needs. */
	if (confine_worker() != 0) {
		log_kv("error", "worker cannot confine itself (seccomp); not serving", LOG_END);
		_exit(3);
	}
	static struct inflight group[GROUP_MAX];
	for (int i = 0; i < GROUP_MAX; i++)
		FCGX_InitRequest(&group[i].fr, -1, 0); /* -1: never accepts by itself */
	/* Group commit. A short POST is handled inside a write transaction
	 * that stays open while further short POSTs are already waiting on
	 * the socket; they join it, and one COMMIT (one fsync) makes them all
	 * durable. Their responses wait for it: nobody hears "saved" before
	 * it is. Anything else (a GET, a login's argon2id) first commits the
	 * group, so no page shows what is not yet durable. */
	int n = 0; /* requests in group[0..n) waiting for the commit */
	for (;;) {
		if (stopping && n == 0)
			break;
		int fd = stopping ? NONE_WAITING : next_connection(listen_fd, n == 0);
		if (fd == NONE_WAITING) { /* commit now */
			group_finish(group, n, db);
			n = 0;
			busy = 0;
			continue;
		}
		if (fd < 0) {
			group_finish(group, n, db);
			break;
		}
		busy = 1;
		struct inflight *s = &group[n];
		if (inflight_accept(s, fd) != 0) {
			busy = n > 0;
			continue;
		}
		enum parsed p = inflight_parse(s, cfg, db);
		if (p == PARSED_BAD || (p == PARSED_ALONE && n > 0)) {
			group_finish(group, n, db);
			n = 0;
		}
		if (p == PARSED_SHARES)
			db_group_arm(db);
		if (p != PARSED_BAD)
			inflight_run(s, db);
		if (p == PARSED_SHARES && db_group_pending(db)) {
			if (++n < GROUP_MAX)
				continue;
			group_finish(group, n, db);
		} else {
			/* Nothing of its own to commit: the group before it (if
			 * any) commits and is answered, then this one. */
			group_finish(group, n, db);
			inflight_send(s, 0);
		}
		n = 0;
		busy = 0;
	}
	for (int i = 0; i < GROUP_MAX; i++) {
		buf_free(&group[i].body);
		buf_free(&group[i].head);
		resp_free(&group[i].resp);
	}
	log_flush();
	quiet_flush();
	view_unload();
	db_close(db);
	_exit(0);
}
