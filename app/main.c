/* tandem: one binary, several subcommands. */
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/clock.h"
#include "core/config.h"
#include "core/datalock.h"
#include "pages/setup.h"
#include "server/server.h"
#include "store/backup.h"
#include "store/check.h"
#include "store/db.h"
#include "security/seal.h"
#include "store/directory.h"
#include "store/rekey.h"
#include "store/migrate.h"
#include "store/seed.h"
#include "store/mfa.h"
#include "store/users.h"

#ifndef TANDEM_VERSION
#define TANDEM_VERSION "dev"
#endif

static int usage(void)
{
	fprintf(stderr,
		"usage: tandem serve | migrate | create-admin --email E --name N (password on stdin)\n"
		"              | backup FILE | restore FILE | check [FILE] | rotate-key | drop-retired-keys\n"
		"              | seed-demo [--members N] [--mentors M]\n"
		"              | seed-demo --bench-sessions N --tokens FILE (a demo, server stopped) | "
		"version\n"
		"              | mfa-off --email E (an account's second factor removed: issue 16)\n");
	return 2;
}

/* issue 16: an admin who lost both the authenticator app and the
 * recovery codes gets back in through whoever runs the server. */
static int cmd_mfa_off(const struct config *cfg, const char *email)
{
	struct db *db = db_open(cfg->db_path);
	if (!db)
		return 1;
	struct user u;
	enum db_rc rc = user_by_email(db, email, &u);
	if (rc == DB_OK)
		rc = mfa_remove(db, u.id, clock_now());
	db_close(db);
	if (rc == DB_NOTFOUND) {
		fprintf(stderr, "tandem: no account with a second factor has the address %s\n", email);
		return 1;
	}
	if (rc != DB_OK)
		return 1;
	printf("two-factor sign-in removed for %s; every session of the account ended\n", email);
	return 0;
}

static int cmd_migrate(const struct config *cfg)
{
	struct db *db = db_open(cfg->db_path);
	if (!db)
		return 1;
	char dir[4200];
	snprintf(dir, sizeof(dir), "%s/sql", cfg->root);
	int n = migrate_apply(db, dir);
	/* The directory is derived data: rebuilding it is cheap and makes a
	 * migration that changes what it holds take effect at once. */
	if (n > 0 && directory_rebuild(db, clock_now()) != DB_OK)
		n = -1;
	db_close(db);
	if (n < 0)
		return 1;
	printf("migrations applied: %d\n", n);
	return 0;
}

static int cmd_backup(const struct config *cfg, const char *dest)
{
	struct db *db = db_open(cfg->db_path);
	if (!db)
		return 1;
	char why[600];
	int ok = backup_copy(db, dest, why, sizeof(why)) == 0;
	if (!ok)
		fprintf(stderr, "tandem: %s\n", why);
	db_close(db);
	if (ok)
		printf("backup written to %s (the key file %s is NOT in it: back it up separately)\n", dest,
		       cfg->key_path);
	return ok ? 0 : 1;
}

/* Print what check_run found, one line per check. 1 when it passed. */
static int print_check(const struct check_result *r, const char *what)
{
	printf("%s\n", what);
	printf("  integrity:     %s\n", r->integrity);
	if (r->foreign_key_rows < 0)
		printf("  foreign keys:  not checked\n");
	else
		printf("  foreign keys:  %ld dangling reference(s)\n", r->foreign_key_rows);
	if (r->migrations_unknown < 0)
		printf("  schema:        not a Tandem database (no migrations recorded)\n");
	else
		printf("  schema:        %d migration(s) to apply, %d unknown to this build%s\n",
		       r->migrations_missing, r->migrations_unknown,
		       r->migrations_unknown > 0 ? " (written by a newer Tandem)" : "");
	if (r->sealed_values < 0)
		printf("  sealed values: not checked\n");
	else
		printf("  sealed values: %ld, of which %ld do not open with this key\n", r->sealed_values,
		       r->sealed_bad);
	int ok = check_passed(r);
	printf("%s\n", ok ? "passed" : "FAILED");
	return ok;
}

/* Open path read-only (it must exist: checking never creates a database,
 * nor anything beside it) and check it with the key loaded. immutable:
 * nobody else has it open (a backup, a private copy). 1 when it passed,
 * 0 when not, -1 when it could not be opened. */
static int check_file(const struct config *cfg, const char *path, int immutable, const char *what)
{
	struct stat sb;
	if (stat(path, &sb) != 0 || !S_ISREG(sb.st_mode)) {
		fprintf(stderr, "tandem: %s is not a file\n", path);
		return -1;
	}
	struct db *db = db_open_readonly(path, immutable);
	if (!db)
		return -1;
	char dir[4200];
	snprintf(dir, sizeof(dir), "%s/sql", cfg->root);
	struct check_result r;
	check_run(db, dir, &r);
	db_close(db);
	return print_check(&r, what);
}

static int cmd_check(const struct config *cfg, const char *file)
{
	if (seal_init(cfg->key_path, 0) != 0) {
		fprintf(stderr, "tandem: the key file %s does not load: sealed values cannot be checked\n",
			cfg->key_path);
		return 1;
	}
	if (file)
		return check_file(cfg, file, 1, "tandem check (a backup):") == 1 ? 0 : 1;
	/* The live database may be in use: read through its WAL, with locks.
	 * Without a WAL beside it, no server has it open and the file is all. */
	char wal[4300];
	snprintf(wal, sizeof(wal), "%s-wal", cfg->db_path);
	int in_use = access(wal, F_OK) == 0;
	return check_file(cfg, cfg->db_path, !in_use, "tandem check (live data, read-only):") == 1 ? 0 : 1;
}

/* Copy src into a new file dst (0600, fsync'd). 0 or -1 (errno kept). */
static int copy_file(const char *src, const char *dst)
{
	int in = open(src, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (in < 0)
		return -1;
	int out = open(dst, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (out < 0) {
		close(in);
		return -1;
	}
	char b[65536];
	ssize_t n;
	int rc = 0;
	while (rc == 0 && (n = read(in, b, sizeof(b))) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 || write(out, b, (size_t)n) != n)
			rc = -1;
	}
	if (rc == 0 && fsync(out) != 0)
		rc = -1;
	close(in);
	if (close(out) != 0)
		rc = -1;
	return rc;
}

static int fsync_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int rc = fd >= 0 && fsync(fd) == 0 ? 0 : -1;
	if (fd >= 0)
		close(fd);
	return rc;
}

/* Rename path's "-wal" and "-shm" companions away with path (suffix). */
static void move_companions(const char *path, const char *suffix)
{
	const char *ext[] = {"-wal", "-shm"};
	for (int i = 0; i < 2; i++) {
		char from[4300], to[4400];
		snprintf(from, sizeof(from), "%s%s", path, ext[i]);
		snprintf(to, sizeof(to), "%s%s%s", path, suffix, ext[i]);
		if (access(from, F_OK) == 0 && rename(from, to) != 0)
			unlink(from);
	}
}

/* Remove a scratch database and every file SQLite and the writers' queue
 * keep beside it. */
static void remove_scratch(const char *path)
{
	const char *ext[] = {"", "-wal", "-shm", "-writer"};
	for (int i = 0; i < 4; i++) {
		char p[4400];
		snprintf(p, sizeof(p), "%s%s", path, ext[i]);
		unlink(p);
	}
}

static int cmd_restore(const struct config *cfg, const char *file)
{
	/* Workers hold the database open: restore only while no server does,
	 * and keep it so until done (the lock is released at exit). */
	if (datalock_take(cfg->data, "restore") < 0)
		return 1;
	if (seal_init(cfg->key_path, 0) != 0) {
		fprintf(stderr,
			"tandem: the key file %s does not load; restore needs the key the backup's "
			"values were sealed with\n",
			cfg->key_path);
		return 1;
	}
	/* The checks run on a private copy: opening a database may write to it
	 * (its WAL), and the backup itself stays as it was. */
	char tmp[4300];
	snprintf(tmp, sizeof(tmp), "%s.restoring", cfg->db_path);
	remove_scratch(tmp);
	if (copy_file(file, tmp) != 0) {
		fprintf(stderr, "tandem: cannot copy %s: %s; nothing was replaced\n", file, strerror(errno));
		remove_scratch(tmp);
		return 1;
	}
	int ok = check_file(cfg, tmp, 1, "checking the backup:");
	if (ok != 1) {
		remove_scratch(tmp);
		fprintf(stderr, "tandem: %s did not pass the checks; nothing was replaced\n", file);
		return 1;
	}
	char aside[4400] = "";
	struct stat sb;
	if (lstat(cfg->db_path, &sb) == 0) {
		/* Fold the WAL into the file first, so the copy kept aside is
		 * whole on its own. */
		struct db *cur = db_open(cfg->db_path);
		if (cur) {
			db_exec_script(cur, "PRAGMA wal_checkpoint(TRUNCATE)");
			db_close(cur);
		}
		char stamp[32];
		time_t now = time(NULL);
		struct tm tm;
		gmtime_r(&now, &tm);
		strftime(stamp, sizeof(stamp), ".replaced-%Y%m%dT%H%M%SZ", &tm);
		snprintf(aside, sizeof(aside), "%s%s", cfg->db_path, stamp);
		/* A second name for the old file, not a move: at every instant
		 * there is a database at db_path (the old one, then the new),
		 * so a crash in between never lets a server start on nothing. */
		if (link(cfg->db_path, aside) != 0) {
			fprintf(stderr, "tandem: cannot keep %s aside: %s; nothing was replaced\n",
				cfg->db_path, strerror(errno));
			remove_scratch(tmp);
			return 1;
		}
		/* Its WAL goes with it: left beside db_path, it would be replayed
		 * into the restored file. */
		move_companions(cfg->db_path, stamp);
		/* The restored file belongs to whoever owned the one it replaces
		 * (the service's user, when root runs the restore). */
		if (chown(tmp, sb.st_uid, sb.st_gid) != 0 && geteuid() == 0) {
			fprintf(stderr,
				"tandem: cannot give the restored file to its owner: %s; nothing was "
				"replaced\n",
				strerror(errno));
			unlink(aside);
			remove_scratch(tmp);
			return 1;
		}
	}
	if (rename(tmp, cfg->db_path) != 0 || fsync_dir(cfg->data) != 0) {
		fprintf(stderr, "tandem: cannot put the restored database in place: %s%s%s\n",
			strerror(errno), *aside ? "; the previous one is also at " : "", aside);
		return 1;
	}
	remove_scratch(tmp); /* what is left of the scratch copy's companions */
	printf("restored %s into %s", file, cfg->db_path);
	if (*aside)
		printf("; the database it replaced is kept at %s", aside);
	printf("\nstart the server (it applies any migration the backup lacks)\n");
	return 0;
}

static int cmd_rotate_key(const struct config *cfg)
{
	/* Running workers hold the old key in memory and would go on sealing
	 * with it: rotate only while no server holds the data directory, and
	 * keep it held so none starts meanwhile. The lock is released at exit. */
	if (datalock_take(cfg->data, "rotate-key") < 0)
		return 1;
	struct db *db = db_open(cfg->db_path);
	if (!db || seal_init(cfg->key_path, 0) != 0 || seal_rotate_begin() != 0) {
		fprintf(stderr, "tandem: could not start the key rotation; nothing changed\n");
		db_close(db);
		return 1;
	}
	long n = rekey_all(db);
	db_close(db);
	if (n < 0) {
		fprintf(stderr,
			"tandem: a value did not open; nothing was re-encrypted (%s.new holds both "
			"keys)\n",
			cfg->key_path);
		return 1;
	}
	if (seal_rotate_finish() != 0) {
		fprintf(stderr,
			"tandem: values re-encrypted, but %s could not be replaced; %s.new has the "
			"keys and is used until rotate-key runs again\n",
			cfg->key_path, cfg->key_path);
		return 1;
	}
	printf("re-encrypted %ld values under key %u; back up %s again. The old key stays in "
	       "%s.retired-* (backups taken before now need it) until `tandem drop-retired-keys`\n",
	       n, seal_key_id(), cfg->key_path, cfg->key_path);
	return 0;
}

/* seed-demo --bench-sessions: N signed-in sessions of a demo program
 * written to FILE (a new file, 0600), for make bench. The file signs in
 * as those people, admins among them, so this runs only when asked by
 * name, never while a server holds the data directory (the lock is held
 * until exit), and only on a database with demo people (seed.h). */
static int cmd_bench_sessions(const struct config *cfg, int n, const char *path)
{
	if (n < 1 || n > 100000)
		return usage();
	if (datalock_take(cfg->data, "seed-demo --bench-sessions") < 0)
		return 1;
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	FILE *out = fd >= 0 ? fdopen(fd, "w") : NULL;
	if (!out) {
		perror(path);
		if (fd >= 0)
			close(fd);
		return 1;
	}
	struct db *db = db_open(cfg->db_path);
	int made = db ? seed_bench_sessions(db, n, clock_now(), out) : -1;
	db_close(db);
	if (fclose(out) != 0 || made < 0) {
		unlink(path);
		return 1;
	}
	printf("%d bench sessions written to %s\n", made, path);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc < 2)
		return usage();
	if (strcmp(argv[1], "version") == 0) {
		printf("tandem %s (sqlite %s, libsodium %s)\n", TANDEM_VERSION, sqlite3_libversion(),
		       sodium_version_string());
		return 0;
	}
	/* The database, its WAL and the key file are nobody else's business. */
	umask(077);
	if (sodium_init() < 0) {
		fprintf(stderr, "tandem: libsodium failed to initialise\n");
		return 1;
	}
	struct config cfg;
	if (config_load(&cfg) != 0)
		return 1;
	if (strcmp(argv[1], "serve") == 0 && argc == 2)
		return server_run(&cfg);
	if (strcmp(argv[1], "migrate") == 0 && argc == 2)
		return cmd_migrate(&cfg);
	if (strcmp(argv[1], "rotate-key") == 0 && argc == 2)
		return cmd_rotate_key(&cfg);
	if (strcmp(argv[1], "drop-retired-keys") == 0 && argc == 2) {
		int n = seal_drop_retired(cfg.key_path);
		if (n < 0)
			return 1;
		printf("%d retired key file(s) removed; backups taken before the last rotation can no "
		       "longer be read\n",
		       n);
		return 0;
	}
	if (strcmp(argv[1], "check") == 0 && argc <= 3)
		return cmd_check(&cfg, argc == 3 ? argv[2] : NULL);
	if (strcmp(argv[1], "restore") == 0 && argc == 3)
		return cmd_restore(&cfg, argv[2]);
	if (strcmp(argv[1], "backup") == 0 && argc == 3)
		return cmd_backup(&cfg, argv[2]);
	if (strcmp(argv[1], "seed-demo") == 0 && argc == 6 && strcmp(argv[2], "--bench-sessions") == 0 &&
	    strcmp(argv[4], "--tokens") == 0)
		return cmd_bench_sessions(&cfg, atoi(argv[3]), argv[5]);
	if (strcmp(argv[1], "seed-demo") == 0) {
		int members = 300, mentors = 60;
		for (int i = 2; i + 1 < argc; i += 2) {
			if (strcmp(argv[i], "--members") == 0)
				members = atoi(argv[i + 1]);
			else if (strcmp(argv[i], "--mentors") == 0)
				mentors = atoi(argv[i + 1]);
			else
				return usage();
		}
		if (argc % 2 || members < 1 || members > 1000000 || mentors < 0 || mentors > members)
			return usage();
		struct db *db = db_open(cfg.db_path);
		if (!db)
			return 1;
		db_bulk_cache(db);
		int rc = seed_demo(db, members, mentors, clock_now());
		if (rc == 0 && directory_rebuild(db, clock_now()) != DB_OK)
			rc = -1;
		db_close(db);
		if (rc != 0)
			return 1;
		printf("seeded %d people (%d mentors); every demo account's password is \"%s\", "
		       "e.g. person%d@demo.tandem.example (a mentee) or person1@demo.tandem.example (a "
		       "mentor)\n",
		       members, mentors, SEED_PASSWORD, mentors + 1);
		return 0;
	}
	if (strcmp(argv[1], "mfa-off") == 0 && argc == 4 && strcmp(argv[2], "--email") == 0)
		return cmd_mfa_off(&cfg, argv[3]);
	if (strcmp(argv[1], "create-admin") == 0) {
		const char *email = NULL, *name = NULL;
		for (int i = 2; i + 1 < argc; i += 2) {
			if (strcmp(argv[i], "--email") == 0)
				email = argv[i + 1];
			else if (strcmp(argv[i], "--name") == 0)
				name = argv[i + 1];
			else
				return usage();
		}
		if (!email || !name || argc != 6)
			return usage();
		return setup_create_admin_cli(&cfg, email, name);
	}
	return usage();
}
