/* sql/0033: the admin overview's average session rating steps only when
 * the forms since the last step come from k different people. Upgrading
 * a database whose figure may hold a step of one person's forms (the old
 * rule stepped at every k forms) shows nothing until such a step comes
 * (found by review; the test was seen failing on the first 0033). */
#include "testutil.h"
#include "core/buf.h"
#include "store/ratings.h"
#include "testdb.h"

#include <dirent.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

/* sql/0033 upgrades a database whose admin overview shows the average of
 * steps of k forms: it hides what is shown only when fewer than k people
 * ever gave a form. A database where five people rated once (step at 5,
 * average 5.0) and then one mentee rated five sessions 1 (step at 10,
 * average 3.0) keeps showing 3.0 after the upgrade: a step that is one
 * person's five ratings (10 x 3.0 - 5 x 5.0 = 5: five 1s), the very case
 * the migration says it fixes. */
static void upgrade_hides_a_step_made_of_one_persons_forms(void **state)
{
	(void)state;
	char dir[256], path[256], file[600], target[5000];
	snprintf(dir, sizeof(dir), "/tmp/tandem-unit-rc-sql-%d", (int)getpid());
	mkdir(dir, 0700);
	char sql[4200];
	snprintf(sql, sizeof(sql), "%s/sql", test_root());
	DIR *d = opendir(sql);
	assert_non_null(d);
	struct dirent *e;
	while ((e = readdir(d)) != NULL) {
		if (strlen(e->d_name) < 5 || strncmp(e->d_name, "0033", 4) >= 0 || e->d_name[0] == '.')
			continue;
		snprintf(file, sizeof(file), "%s/%s", dir, e->d_name);
		snprintf(target, sizeof(target), "%s/%s", sql, e->d_name);
		unlink(file);
		assert_int_equal(symlink(target, file), 0);
	}
	closedir(d);
	snprintf(path, sizeof(path), "/tmp/tandem-unit-rc-%d.db", (int)getpid());
	unlink(path);
	struct db *db = db_open(path);
	assert_non_null(db);
	assert_true(migrate_apply(db, dir) > 0); /* the database as it was before 0033 */
	sqlite3 *h = db_handle(db);
	assert_int_equal(sqlite3_exec(h, "PRAGMA foreign_keys = OFF", NULL, NULL, NULL), SQLITE_OK);
	/* Five people rate once (5), then person 1 rates five more sessions (1). */
	for (int m = 1; m <= 10; m++) {
		char q[256];
		snprintf(q, sizeof(q),
			 "INSERT INTO feedback(meeting_id, author_id, rating, use_of_time, shared, "
			 "created_at) "
			 "VALUES (%d, %d, %d, 'right', 0, 1)",
			 m, m <= 5 ? m : 1, m <= 5 ? 5 : 1);
		assert_int_equal(sqlite3_exec(h, q, NULL, NULL, NULL), SQLITE_OK);
	}
	struct rating_figures before;
	assert_int_equal(ratings_shown(db, &before), DB_OK);
	assert_int_equal(before.shown_forms, 10); /* the old rule: a step at every 5 forms */
	assert_true(migrate_apply(db, sql) > 0);
	struct rating_figures after;
	assert_int_equal(ratings_shown(db, &after), DB_OK);
	assert_true(after.shown_forms != 10); /* still one person's five forms shown */
	test_db_remove(db, path);
	d = opendir(dir);
	while (d && (e = readdir(d)) != NULL) {
		snprintf(file, sizeof(file), "%s/%s", dir, e->d_name);
		if (e->d_name[0] != '.')
			unlink(file);
	}
	if (d)
		closedir(d);
	rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(upgrade_hides_a_step_made_of_one_persons_forms),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
