/* store/walvfs: a commit's WAL writes, gathered into runs, reach the file
 * whole (a commit larger than one run included, read back by another
 * connection and after a checkpoint), and a write that fails when a run
 * is written fails the commit that made it: nothing of it is stored, and
 * the next commit works again. */
#include "testdb.h"
#include "testutil.h"

#include <stdlib.h>
#include <sys/stat.h>

static char dir[64], path[256], faults[128];

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/tandem-unit-walvfs-%d", (int)getpid());
	mkdir(dir, 0700);
	snprintf(faults, sizeof(faults), "%s/test-faults", dir);
	/* The fault VFS reads $TANDEM_DATA/test-faults (store/faultvfs.h). */
	setenv("TANDEM_DATA", dir, 1);
	return 0;
}

static void fault(const char *what)
{
	if (!what) {
		unlink(faults);
		return;
	}
	FILE *f = fopen(faults, "w");
	assert_non_null(f);
	fputs(what, f);
	fclose(f);
}

static void t_runs(void **state)
{
	(void)state;
	struct db *db = test_db_open("walvfs", path);
	assert_non_null(db);
	assert_int_equal(db_exec_script(db, "CREATE TABLE w(id INTEGER PRIMARY KEY, v BLOB NOT NULL)"),
			 DB_OK);
	/* About 2 MiB of pages in one commit: many runs. */
	assert_int_equal(db_begin(db), DB_OK);
	assert_int_equal(db_exec_script(db, "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n "
					    "WHERE i < 4000) INSERT INTO w(id, v) SELECT i, zeroblob(400) || "
					    "randomblob(100) FROM n"),
			 DB_OK);
	assert_int_equal(db_commit(db), DB_OK);
	/* Small commits, one run each. */
	for (int i = 0; i < 50; i++) {
		assert_int_equal(db_begin(db), DB_OK);
		sqlite3_stmt *st = DB_STMT(db, "UPDATE w SET v = randomblob(500) WHERE id % 50 = :i");
		db_bind_int(st, ":i", i);
		assert_int_equal(db_exec_step(db, st), DB_OK);
		assert_int_equal(db_commit(db), DB_OK);
	}
	/* Another connection sees it all, before and after a checkpoint. */
	struct db *other = db_open(path);
	assert_non_null(other);
	assert_int_equal(db_scalar(other, "SELECT count(*) FROM w WHERE length(v) = 500", -1), 4000);
	assert_int_equal(db_exec_script(db, "PRAGMA wal_checkpoint(TRUNCATE)"), DB_OK);
	assert_int_equal(db_scalar(other, "SELECT count(*) FROM w WHERE length(v) = 500", -1), 4000);
	db_close(other);

	/* A write that fails: the commit fails and stores nothing. */
	fault("write");
	assert_int_equal(db_begin(db), DB_OK);
	assert_int_equal(db_exec_script(db, "INSERT INTO w(id, v) VALUES (5000, x'01')"), DB_OK);
	assert_true(db_commit(db) != DB_OK);
	fault(NULL);
	assert_int_equal(db_scalar(db, "SELECT count(*) FROM w WHERE id = 5000", -1), 0);
	assert_int_equal(db_begin(db), DB_OK);
	assert_int_equal(db_exec_script(db, "INSERT INTO w(id, v) VALUES (5001, x'01')"), DB_OK);
	assert_int_equal(db_commit(db), DB_OK);
	sqlite3_stmt *st = DB_STMT(db, "PRAGMA integrity_check");
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_string_equal((const char *)sqlite3_column_text(st, 0), "ok");
	sqlite3_reset(st);
	assert_int_equal(db_scalar(db, "SELECT count(*) FROM w", -1), 4001);
	test_db_remove(db, path);
	rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(t_runs, setup, NULL),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
