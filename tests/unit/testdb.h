/* Shared by the unit tests that need a database: a temporary file
 * migrated with the real sql/ files, and its removal. */
#ifndef TANDEM_TESTDB_H
#define TANDEM_TESTDB_H
#include <dirent.h>
#include <sqlite3.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "store/db.h"
#include "store/migrate.h"
#include "testutil.h"

/* Open /tmp/tandem-unit-TAG-PID.db afresh (its name in path) and apply
 * every migration. NULL on failure. */
static inline struct db *test_db_open(const char *tag, char path[256])
{
	snprintf(path, 256, "/tmp/tandem-unit-%s-%d.db", tag, (int)getpid());
	unlink(path);
	struct db *db = db_open(path);
	char dir[4200];
	snprintf(dir, sizeof(dir), "%s/sql", test_root());
	if (db && migrate_apply(db, dir) < 1) {
		db_close(db);
		return NULL;
	}
	return db;
}

/* Close db and remove its file and every file SQLite and the writers'
 * queue keep beside it. */
static inline void test_db_remove(struct db *db, const char *path)
{
	db_close(db);
	const char *ext[] = {"", "-wal", "-shm", "-writer"};
	for (size_t i = 0; i < sizeof(ext) / sizeof(ext[0]); i++) {
		char p[300];
		snprintf(p, sizeof(p), "%s%s", path, ext[i]);
		unlink(p);
	}
}

/* For the tests of an upgrade (a migration run on what an older database
 * holds): */
/* A directory of symlinks to the migrations before `upto` (4 digits), a
 * database migrated to just before it at path, and the database. */
static inline struct db *test_db_before(const char *upto, char *dir, size_t dn, char *path, size_t pn)
{
	char file[600], target[5000], sql[4200];
	snprintf(dir, dn, "/tmp/tandem-unit-rc-sql-%s-%d", upto, (int)getpid());
	mkdir(dir, 0700);
	snprintf(sql, sizeof(sql), "%s/sql", test_root());
	DIR *d = opendir(sql);
	assert_non_null(d);
	struct dirent *e;
	while ((e = readdir(d)) != NULL) {
		if (strlen(e->d_name) < 5 || strncmp(e->d_name, upto, 4) >= 0 || e->d_name[0] == '.')
			continue;
		snprintf(file, sizeof(file), "%s/%s", dir, e->d_name);
		snprintf(target, sizeof(target), "%s/%s", sql, e->d_name);
		unlink(file);
		assert_int_equal(symlink(target, file), 0);
	}
	closedir(d);
	snprintf(path, pn, "/tmp/tandem-unit-rc-%s-%d.db", upto, (int)getpid());
	unlink(path);
	struct db *db = db_open(path);
	assert_non_null(db);
	assert_true(migrate_apply(db, dir) > 0);
	assert_int_equal(sqlite3_exec(db_handle(db), "PRAGMA foreign_keys = OFF", NULL, NULL, NULL),
			 SQLITE_OK);
	return db;
}

/* Every migration from there on. */
static inline void test_db_migrate_rest(struct db *db)
{
	char sql[4200];
	snprintf(sql, sizeof(sql), "%s/sql", test_root());
	assert_true(migrate_apply(db, sql) > 0);
}

/* Then the database and the directory go. */
static inline void test_db_after(struct db *db, const char *dir, const char *path)
{
	char file[600];
	test_db_remove(db, path);
	DIR *d = opendir(dir);
	struct dirent *e;
	while (d && (e = readdir(d)) != NULL) {
		snprintf(file, sizeof(file), "%s/%s", dir, e->d_name);
		if (e->d_name[0] != '.')
			unlink(file);
	}
	if (d)
		closedir(d);
	rmdir(dir);
}

/* The fixture of the tests that need nothing but a fresh migrated
 * database: defines dbpath, setup (*state: the db) and teardown. */
#define TEST_DB_FIXTURE(tag)                                                                                 \
	static char dbpath[256];                                                                             \
	static int setup(void **state)                                                                       \
	{                                                                                                    \
		*state = test_db_open(tag, dbpath);                                                          \
		return *state ? 0 : -1;                                                                      \
	}                                                                                                    \
	static int teardown(void **state)                                                                    \
	{                                                                                                    \
		test_db_remove(*state, dbpath);                                                              \
		return 0;                                                                                    \
	}

/* Run st with the integers :a :b :c and the text :t bound where it names
 * them, for the tests that make random changes: a refusal (a CHECK, a
 * UNIQUE, a foreign key) is part of the game and changes nothing. */
static inline void test_exec_named(struct db *db, sqlite3_stmt *st, int64_t a, int64_t b, int64_t c,
				   const char *t)
{
	assert_non_null(st);
	if (sqlite3_bind_parameter_index(st, ":a"))
		db_bind_int(st, ":a", a);
	if (sqlite3_bind_parameter_index(st, ":b"))
		db_bind_int(st, ":b", b);
	if (sqlite3_bind_parameter_index(st, ":c"))
		db_bind_int(st, ":c", c);
	if (sqlite3_bind_parameter_index(st, ":t"))
		db_bind_text(st, ":t", t);
	(void)db_exec_step(db, st);
}

/* xorshift64 on *seed: the same pseudo-random choices on every run, in
 * 0..n-1 (0 when n <= 0), for the tests that recount after random
 * changes. */
static inline int64_t test_pick(uint64_t *seed, int64_t n)
{
	*seed ^= *seed << 13;
	*seed ^= *seed >> 7;
	*seed ^= *seed << 17;
	return n > 0 ? (int64_t)(*seed % (uint64_t)n) : 0;
}

#endif
