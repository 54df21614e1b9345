/* tandem: one binary, several subcommands. */
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/clock.h"
#include "core/config.h"
#include "core/datalock.h"
#include "pages/setup.h"
#include "server/server.h"
#include "store/backup.h"
#include "store/db.h"
#include "security/seal.h"
#include "store/directory.h"
#include "store/rekey.h"
#include "store/migrate.h"
#include "store/seed.h"

#ifndef TANDEM_VERSION
#define TANDEM_VERSION "dev"
#endif

static int usage(void)
{
	fprintf(stderr,
		"usage: tandem serve | migrate | create-admin --email E --name N (password on stdin)\n"
		"              | backup FILE | rotate-key | drop-retired-keys\n"
		"              | seed-demo [--members N] [--mentors M]\n"
		"              | seed-demo --bench-sessions N --tokens FILE (a demo, server stopped) | "
		"version\n");
	return 2;
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
