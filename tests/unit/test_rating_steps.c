/* sql/0033: the admin overview's average session rating steps only when
 * the forms since the last step come from k different people. Upgrading
 * a database whose figure may hold a step of one person's forms (the old
 * rule stepped at every k forms) shows nothing until such a step comes
 * (found by review; the test was seen failing on the first 0033). */
#include "testutil.h"
#include "core/buf.h"
#include "store/ratings.h"
#include "testdb.h"

#include <sqlite3.h>
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
	char dir[256], path[256];
	struct db *db = test_db_before("0033", dir, sizeof(dir), path, sizeof(path));
	sqlite3 *h = db_handle(db);
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
	test_db_migrate_rest(db);
	struct rating_figures after;
	assert_int_equal(ratings_shown(db, &after), DB_OK);
	assert_true(after.shown_forms != 10); /* still one person's five forms shown */
	test_db_after(db, dir, path);
}

/* sql/0037 (review H): forms an admin could know (their own, and those
 * shared with a pair where the other person is an admin) come out of the
 * totals on upgrade, the figure is hidden until the next step, and no
 * such form counts from then on. Person 1 is the admin and mentors 2..5;
 * 6..10 are another five pairs' mentees. */
static void upgrade_leaves_out_forms_an_admin_could_know(void **state)
{
	(void)state;
	char dir[256], path[256];
	struct db *db = test_db_before("0037", dir, sizeof(dir), path, sizeof(path));
	sqlite3 *h = db_handle(db);
	assert_int_equal(sqlite3_exec(h,
				      "UPDATE rating_totals SET forms = 0, total = 0, shown_forms = 0, "
				      "shown_total = 0",
				      NULL, NULL, NULL),
			 SQLITE_OK);
	for (int u = 1; u <= 15; u++) {
		char q[600];
		snprintf(q, sizeof(q),
			 "INSERT INTO users(id, email, display_name, pw_hash, role, created_at) VALUES "
			 "(%d, 'p%d@t.example', 'P %d', 'x', '%s', 0)",
			 u, u, u, u == 1 ? "admin" : "member");
		assert_int_equal(sqlite3_exec(h, q, NULL, NULL, NULL), SQLITE_OK);
	}
	/* Mentorship m: the admin and person m (m = 2..5); 11..15 mentor 6..10. */
	for (int m = 2; m <= 10; m++) {
		char q[900];
		snprintf(q, sizeof(q),
			 "INSERT INTO mentorships(id, request_id, mentor_id, mentee_id, topic_id, goal, "
			 "format, cadence, duration_min, weeks, started_on, planned_end, created_at) VALUES "
			 "(%d, %d, %d, %d, 1, 'g', 'one_on_one', 'weekly', 30, 6, '2026-01-05', "
			 "'2026-02-16', 0);"
			 "INSERT INTO meetings(id, mentorship_id, author_id, held_on, duration_min, kind, "
			 "created_at) VALUES (%d, %d, %d, '2026-01-06', 45, 'one_on_one', 0);",
			 m, m, m <= 5 ? 1 : m + 5, m, m, m, m);
		assert_int_equal(sqlite3_exec(h, q, NULL, NULL, NULL), SQLITE_OK);
	}
	/* 2..5 share a 5 with the admin, 6 rates 1 privately (the step: 5
	 * forms of 5 people), then the admin rates meeting 2 a 4. */
	const char *forms =
		"INSERT INTO feedback(meeting_id, author_id, rating, use_of_time, shared, created_at) "
		"VALUES (2, 2, 5, 'right', 1, 1), (3, 3, 5, 'right', 1, 1), (4, 4, 5, 'right', 1, 1), "
		"(5, 5, 5, 'right', 1, 1), (6, 6, 1, 'right', 0, 1), (2, 1, 4, 'right', 0, 1);";
	assert_int_equal(sqlite3_exec(h, forms, NULL, NULL, NULL), SQLITE_OK);
	struct rating_figures before;
	assert_int_equal(ratings_shown(db, &before), DB_OK);
	assert_int_equal(before.forms, 6);
	assert_int_equal(before.shown_forms, 5); /* 5 x 4.2 - 20 known = 1: person 6's */
	test_db_migrate_rest(db);
	struct rating_figures after;
	assert_int_equal(ratings_shown(db, &after), DB_OK);
	assert_int_equal(after.forms, 1);	/* person 6's only */
	assert_int_equal(after.shown_forms, 0); /* hidden until the next step */
	/* From now on: a form the admin shares, and one shared with the
	 * admin, do not count; private forms of five people make the step
	 * (those counted before the upgrade wait for k new people, as 0033). */
	assert_int_equal(
		sqlite3_exec(h,
			     "INSERT INTO meetings(id, mentorship_id, author_id, held_on, duration_min, "
			     "kind, created_at) VALUES (20, 2, 1, '2026-01-13', 45, 'one_on_one', 0), "
			     "(21, 3, 1, '2026-01-13', 45, 'one_on_one', 0), "
			     "(22, 6, 11, '2026-01-13', 45, 'one_on_one', 0);"
			     "INSERT INTO feedback(meeting_id, author_id, rating, use_of_time, shared, "
			     "created_at) VALUES (20, 1, 2, 'right', 1, 2), (21, 3, 2, 'right', 1, 2), "
			     "(7, 7, 3, 'right', 0, 2), (8, 8, 3, 'right', 0, 2), (9, 9, 3, 'right', 0, 2), "
			     "(10, 10, 3, 'right', 0, 2), (22, 6, 3, 'right', 0, 2);",
			     NULL, NULL, NULL),
		SQLITE_OK);
	assert_int_equal(ratings_shown(db, &after), DB_OK);
	assert_int_equal(after.forms, 6);
	assert_int_equal(after.shown_forms, 6);
	assert_true(after.average > 2.66 && after.average < 2.67); /* (1 + 5 x 3) / 6 */
	test_db_after(db, dir, path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(upgrade_hides_a_step_made_of_one_persons_forms),
		cmocka_unit_test(upgrade_leaves_out_forms_an_admin_could_know),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
