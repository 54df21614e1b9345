#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "core/clock.h"
#include "core/datalock.h"
#include "core/log.h"
#include "pages/setup.h"
#include "security/seal.h"
#include "store/migrate.h"
#include "store/acct_life.h"
#include "store/throttle.h"
#include "server/privdrop.h"
#include "server/sender.h"
#include "store/known.h"
#include "store/ratings.h"
#include "store/sealcol.h"
#include "store/sealed.h"
#include "server/server.h"
#include "store/db.h"
#include "store/directory.h"
#include "store/requests.h"
#include "store/sessions.h"
#include "store/surveys.h"
#include "store/coffee.h"
#include "view/view.h"

#define MAX_WORKERS 256

/* Each job under the failure latch (store/db.h): a read that failed,
 * checked by the job or not, makes it write nothing this round (a card
 * keeps its answer time instead of taking "none" from a count that was
 * not read); the next round tries again. */
#define HOUSEKEEPING_JOB(call)                                                                               \
	do {                                                                                                 \
		db_latch_arm();                                                                              \
		(void)(call);                                                                                \
		db_latch_take(NULL);                                                                         \
	} while (0)

void server_housekeeping(struct db *db, const struct config *cfg)
{
	int64_t now = clock_now();
	HOUSEKEEPING_JOB(
		sess_purge(db, now, (int64_t)cfg->idle_minutes * 60, (int64_t)cfg->session_hours * 3600));
	HOUSEKEEPING_JOB(throttle_purge(db, now));
	HOUSEKEEPING_JOB(acct_linkreq_purge(db, now)); /* issue 16 */
	HOUSEKEEPING_JOB(known_purge(db, now));
	HOUSEKEEPING_JOB(req_expire_all(db, now));
	/* A batch whose release failed after an answer is tried again: each
	 * survey as a job of its own, so one whose pool cannot be read holds
	 * no other back. */
	int64_t surveys[64];
	int closed[64], n = 0;
	HOUSEKEEPING_JOB(n = survey_release_pending(db, surveys, closed, 64));
	for (int i = 0; i < n; i++)
		HOUSEKEEPING_JOB(survey_release(db, surveys[i], cfg->survey_k, closed[i], NULL));
	HOUSEKEEPING_JOB(survey_wal_truncate(db));
	/* issue 18: a pairing round when one is due (every 14 days). */
	HOUSEKEEPING_JOB(coffee_tick(db, now));
	/* Hourly: answer-time medians cover a moving 90-day window. */
	static int64_t last_rebuild;
	if (now - last_rebuild >= 3600) {
		HOUSEKEEPING_JOB(directory_rebuild(db, now));
		last_rebuild = now;
	}
}

/* Copy path into the address; the callers checked it fits. */
static void set_path(struct sockaddr_un *a, const char *path)
{
	memcpy(a->sun_path, path, strlen(path) + 1);
}

int server_socket_live(const char *path)
{
	struct sockaddr_un a = {.sun_family = AF_UNIX};
	if (strlen(path) >= sizeof(a.sun_path))
		return 0;
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	set_path(&a, path);
	int live = connect(fd, (struct sockaddr *)&a, sizeof(a)) == 0;
	close(fd);
	return live;
}

/* Refuse to steal a socket a live instance is serving; a dead one's
 * leftover file is removed. 0 when the path is free, -1 otherwise. */
static int claim_path(const char *path)
{
	if (server_socket_live(path)) {
		fprintf(stderr, "tandem: %s is served by a running instance; stop it first\n", path);
		return -1;
	}
	if (unlink(path) != 0 && errno != ENOENT) {
		fprintf(stderr, "tandem: cannot remove stale %s: %s\n", path, strerror(errno));
		return -1;
	}
	return 0;
}

static int open_socket(const char *path)
{
	if (strlen(path) >= sizeof(((struct sockaddr_un *)0)->sun_path)) {
		fprintf(stderr, "tandem: socket path too long: %s\n", path);
		return -1;
	}
	if (claim_path(path) != 0)
		return -1;
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);
	struct sockaddr_un a = {.sun_family = AF_UNIX};
	set_path(&a, path);
	mode_t old = umask(0117); /* born 0660: never a moment world-writable */
	int rc = bind(fd, (struct sockaddr *)&a, sizeof(a));
	umask(old);
	if (rc != 0 || listen(fd, 1024) != 0) {
		fprintf(stderr, "tandem: cannot listen on %s: %s\n", path, strerror(errno));
		close(fd);
		return -1;
	}
	/* nginx's workers run as www-data: give them the socket's group. */
	struct group *g = getgrnam("www-data");
	if (g && chown(path, (uid_t)-1, g->gr_gid) != 0 && geteuid() == 0)
		log_kv("warn", "cannot chgrp socket", "err", strerror(errno), LOG_END);
	chmod(path, 0660);
	/* Workers ask whether another request is waiting (group commit,
	 * server/worker.c) and must not block when a sibling took it. */
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
	return fd;
}

/* In a child just forked from master: go when the master goes. A master
 * killed outright (kill -9, the OOM killer) must not leave workers or the
 * sender serving its socket and holding serve.lock: its supervisor could
 * start no new one. They get SIGTERM, finish what they hold, and exit. */
static void follow_master(pid_t master)
{
	prctl(PR_SET_PDEATHSIG, SIGTERM);
	if (getppid() != master)
		_exit(0); /* it died before the line above */
}

static pid_t spawn(const struct config *cfg, int fd, int auth)
{
	pid_t master = getpid();
	pid_t pid = fork();
	if (pid == 0) {
		follow_master(master);
		worker_main(cfg, fd, auth);
	}
	return pid;
}

static pid_t spawn_sender(const struct config *cfg)
{
	pid_t master = getpid();
	pid_t pid = fork();
	if (pid == 0) {
		follow_master(master);
		sender_main(cfg);
	}
	return pid;
}

/* Started as root: hand the socket and the data directory's files to
 * the unprivileged user and become it. 0, or -1 after printing why. */
static int give_up_root(const struct config *cfg)
{
	struct priv_user u;
	if (priv_lookup(cfg->user, &u) != 0)
		return -1;
	/* The owner of the socket may remove it at stop; its group stays
	 * www-data for nginx. */
	if (lchown(cfg->sock_path, u.uid, (gid_t)-1) != 0 ||
	    lchown(cfg->auth_sock_path, u.uid, (gid_t)-1) != 0 || priv_hand_over(cfg->data, &u) != 0 ||
	    priv_drop(&u) != 0)
		return -1;
	if (access(cfg->data, W_OK | X_OK) != 0) {
		fprintf(stderr,
			"tandem: user %s cannot reach %s; choose a TANDEM_DATA outside a private home, e.g. "
			"TANDEM_DATA=/var/lib/tandem\n",
			u.name, cfg->data);
		return -1;
	}
	return 0;
}

/* Load the key file, or create it on a first start: only over a database
 * with nothing sealed in it. A key made up over existing ciphertext would
 * leave every note unreadable and seal new ones under a key that opens
 * none of the old: the person who lost the key file must put it back. */
static int load_key(const struct config *cfg)
{
	if (access(cfg->key_path, F_OK) == 0 || errno != ENOENT)
		return seal_init(cfg->key_path, 0);
	struct db *db = migrate_db_exists(cfg->db_path) ? db_open(cfg->db_path) : NULL;
	int sealed = db && migrate_has_schema(db) ? sealed_any(db) : 0;
	if (migrate_db_exists(cfg->db_path) && !db)
		sealed = -1;
	db_close(db);
	if (sealed != 0) {
		fprintf(stderr,
			"tandem: the key file %s is missing, and the database %s: put the key file back "
			"(from where you keep its copy); a new key would open none of them. Nothing was "
			"changed.\n",
			cfg->key_path,
			sealed > 0 ? "holds sealed notes"
				   : "could not be read to tell whether it holds sealed notes");
		return -1;
	}
	return seal_init(cfg->key_path, 1);
}

/* What older versions left is sealed now, once, with the key this process
 * just loaded: values sealed before their owner was part of what they
 * are sealed for (store/sealed.h), then texts kept in plain text
 * (store/sealcol.h). 0, or -1 with the reason on stderr. */
static int convert_sealed(struct db *db)
{
	/* Owners first: then a database never converted holds no value sealed
	 * with its owner (store/sealed.h says why that matters). */
	long owned = sealed_owner_convert(db);
	long plain = owned < 0 ? -1 : sealcol_convert(db);
	if (plain < 0 || owned < 0) {
		fprintf(stderr, "tandem: could not seal what an older version left %s; see the log\n",
			owned < 0 ? "sealed without its owner" : "in plain text");
		return -1;
	}
	char count[24];
	if (plain > 0) {
		snprintf(count, sizeof(count), "%ld", plain);
		log_kv("info", "sealed texts older versions kept in plain text", "count", count, LOG_END);
	}
	if (owned > 0) {
		snprintf(count, sizeof(count), "%ld", owned);
		log_kv("info", "sealed older texts again for their owners", "count", count, LOG_END);
	}
	return 0;
}

int server_run(const struct config *cfg)
{
	/* Held for the master's whole life and shared by its workers: key
	 * rotation (and restore) refuse while it is held, wherever the socket
	 * is, and a second server on this data directory refuses too. Never
	 * closed: it goes when the last process of this server exits. */
	if (datalock_take(cfg->data, "serve") < 0)
		return 1;
	/* No core dumps and no ptrace by the same user: a dump of this
	 * process or of any it forks would hold the field key and notes. */
	prctl(PR_SET_DUMPABLE, 0);
	/* The field key: loaded here, before root is given up, so the key
	 * file can stay root's own and every forked worker has it. */
	if (load_key(cfg) != 0)
		return 1;
	int fd = open_socket(cfg->sock_path);
	if (fd < 0)
		return 1;
	/* The sign-in pool: nginx sends the routes that run argon2id here, so
	 * a login flood queues for these workers and never for the ones that
	 * serve every other page, and a sign-in may wait for a hash slot. */
	int afd = open_socket(cfg->auth_sock_path);
	if (afd < 0) {
		close(fd);
		unlink(cfg->sock_path);
		return 1;
	}
	struct db *db = NULL;
	/* Templates are lexed once, here, and shared by every worker through
	 * fork: read while the master may still be root, so the checkout may
	 * sit in a directory the user it drops to cannot enter. */
	char tpl[4200], mailtpl[4300];
	snprintf(tpl, sizeof(tpl), "%s/templates", cfg->root);
	snprintf(mailtpl, sizeof(mailtpl), "%s/mail", tpl);
	if (view_load(tpl) != 0 || view_load_mail(mailtpl) != 0 ||
	    (geteuid() == 0 && give_up_root(cfg) != 0) || !(db = db_open(cfg->db_path))) {
		close(fd);
		unlink(cfg->sock_path);
		unlink(cfg->auth_sock_path);
		return 1;
	}
	if (!migrate_has_schema(db)) {
		fprintf(stderr, "tandem: the database has no schema; run `tandem migrate` first\n");
		db_close(db);
		close(fd);
		unlink(cfg->sock_path);
		unlink(cfg->auth_sock_path);
		return 1;
	}
	if (convert_sealed(db) != 0) {
		close(fd);
		unlink(cfg->sock_path);
		unlink(cfg->auth_sock_path);
		db_close(db);
		return 1;
	}
	if (ratings_configure(db, cfg->survey_k) != DB_OK) {
		fprintf(stderr, "tandem: could not store the rating step\n");
		close(fd);
		unlink(cfg->sock_path);
		unlink(cfg->auth_sock_path);
		db_close(db);
		return 1;
	}
	setup_announce(db, cfg);
	char pidfile[4300];
	snprintf(pidfile, sizeof(pidfile), "%s/tandem.pid", cfg->data);
	FILE *pf = fopen(pidfile, "w");
	if (pf) {
		fprintf(pf, "%d\n", (int)getpid());
		fclose(pf);
	}

	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGCHLD);
	sigaddset(&set, SIGHUP);
	sigprocmask(SIG_BLOCK, &set, NULL);

	pid_t pids[MAX_WORKERS] = {0};
	int pages = cfg->workers < MAX_WORKERS / 2 ? cfg->workers : MAX_WORKERS / 2;
	int n = pages + (cfg->auth_workers < MAX_WORKERS / 2 ? cfg->auth_workers : MAX_WORKERS / 2);
	/* pids[0..pages) serve pages, the rest the sign-in pool. */
	for (int i = 0; i < n; i++)
		pids[i] = spawn(cfg, i < pages ? fd : afd, i >= pages);
	/* The mail sender: forked like a worker (after root was given up),
	 * restarted like one when it dies. */
	pid_t mailer = spawn_sender(cfg);
	char nbuf[16];
	snprintf(nbuf, sizeof(nbuf), "%d", n);
	log_kv("info", "serving", "socket", cfg->sock_path, "workers", nbuf, LOG_END);

	time_t last_house = 0;
	for (;;) {
		struct timespec tick = {5, 0};
		int sig = sigtimedwait(&set, NULL, &tick);
		if (sig == SIGTERM || sig == SIGINT)
			break;
		/* Reap and replace; a worker that keeps dying at start would
		 * spin, so a restart waits a little. */
		int status;
		pid_t dead;
		while ((dead = waitpid(-1, &status, WNOHANG)) > 0) {
			if (dead == mailer) {
				log_kv("warn", "mail sender died; restarting", LOG_END);
				if (WIFEXITED(status) && WEXITSTATUS(status) == 3)
					sleep(1);
				mailer = spawn_sender(cfg);
				continue;
			}
			for (int i = 0; i < n; i++) {
				if (pids[i] != dead)
					continue;
				char ps[16], how[32];
				snprintf(ps, sizeof(ps), "%d", (int)dead);
				if (WIFSIGNALED(status))
					snprintf(how, sizeof(how), "signal %d", WTERMSIG(status));
				else
					snprintf(how, sizeof(how), "exit %d", WEXITSTATUS(status));
				log_kv("warn", "worker died; restarting", "pid", ps, "how", how, LOG_END);
				if (WIFEXITED(status) && WEXITSTATUS(status) == 3)
					sleep(1);
				pids[i] = spawn(cfg, i < pages ? fd : afd, i >= pages);
			}
		}
		time_t now = time(NULL);
		if (now - last_house >= 60) {
			server_housekeeping(db, cfg);
			last_house = now;
		}
	}
	log_kv("info", "stopping: draining workers", LOG_END);
	for (int i = 0; i < n; i++)
		if (pids[i] > 0)
			kill(pids[i], SIGTERM);
	if (mailer > 0)
		kill(mailer, SIGTERM);
	for (int i = 0; i < n; i++)
		if (pids[i] > 0)
			waitpid(pids[i], NULL, 0);
	if (mailer > 0)
		waitpid(mailer, NULL, 0);
	close(fd);
	close(afd);
	unlink(cfg->sock_path);
	unlink(cfg->auth_sock_path);
	unlink(pidfile);
	db_close(db);
	log_kv("info", "stopped", LOG_END);
	return 0;
}
