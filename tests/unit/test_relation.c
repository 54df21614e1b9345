/* Issue 21: the admin's list of pairs read by key (quietest first, none
 * twice, none skipped, ties on the day broken by id) and the stalled
 * count as a range of the last-session day kept by triggers. */
#include "testdb.h"

#include <string.h>

#include "store/relation.h"

/* Eight active pairs (mentorships 1-8) and one completed (9): the last
 * session days set by logging sessions, so the triggers keep them. */
static struct db *pairs_db(char path[256])
{
	struct db *db = test_db_open("relation", path);
	assert_non_null(db);
	assert_int_equal(
		db_exec_script(
			db, "INSERT INTO users(id, email, display_name, pw_hash, created_at) VALUES "
			    "(1, 'm@example.com', 'Mia Mentor', 'x', 1), (2, 'e@example.com', 'Eli Mentee', "
			    "'x', 1);"
			    "INSERT INTO topics(id, name, key) VALUES (1, 'Career', 'career');"
			    "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 9) "
			    "INSERT INTO requests(id, mentee_id, mentor_id, topic_id, goal, format, cadence, "
			    "duration_min, weeks, status, created_at) "
			    "SELECT i, 2, 1, 1, 'g', 'one_on_one', 'weekly', 45, 6, 'accepted', 1 FROM n;"
			    "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 9) "
			    "INSERT INTO mentorships(id, request_id, mentor_id, mentee_id, topic_id, goal, "
			    "format, "
			    "cadence, duration_min, weeks, started_on, planned_end, created_at, status) "
			    "SELECT i, i, 1, 2, 1, 'g', 'one_on_one', 'weekly', 45, 6, "
			    "CASE WHEN i <= 4 THEN '2026-01-01' ELSE '2026-02-01' END, '2026-03-15', 1, "
			    "CASE WHEN i = 9 THEN 'completed' ELSE 'active' END FROM n;"
			    "INSERT INTO meetings(id, mentorship_id, author_id, held_on, duration_min, kind, "
			    "labels, "
			    "created_at) VALUES (1, 2, 2, '2026-02-20', 30, 'one_on_one', '', 1), "
			    "(2, 6, 2, '2026-01-15', 30, 'one_on_one', '', 1), "
			    "(3, 6, 2, '2026-02-25', 30, 'one_on_one', '', 1), "
			    "(4, 9, 2, '2025-01-01', 30, 'one_on_one', '', 1);"),
		DB_OK);
	return db;
}

struct got {
	int64_t ids[20];
	int n;
	char last_day[11];
	int64_t last_id;
};

static void add(void *arg, const struct rel_pair *p)
{
	struct got *g = arg;
	g->ids[g->n++] = p->id;
	snprintf(g->last_day, sizeof(g->last_day), "%s", p->quiet_since);
	g->last_id = p->id;
}

static void pairs_by_key(void **state)
{
	(void)state;
	char path[256];
	struct db *db = pairs_db(path);
	/* Quiet since: 1,3,4 2026-01-01; 5,7,8 2026-02-01; 2 2026-02-20; 6 2026-02-25. */
	const int64_t want[] = {1, 3, 4, 5, 7, 8, 2, 6};
	struct got all = {0};
	char day[11] = "";
	int64_t id = 0, more = 1;
	for (int page = 0; more && page < 10; page++) {
		struct got g = {0};
		int m = 0;
		assert_int_equal(rel_pairs_page(db, day, id, 3, add, &g, &m), DB_OK);
		assert_true(g.n <= 3);
		memcpy(all.ids + all.n, g.ids, sizeof(g.ids[0]) * (size_t)g.n);
		all.n += g.n;
		snprintf(day, sizeof(day), "%s", g.last_day);
		id = g.last_id;
		more = m;
	}
	assert_int_equal(all.n, 8);
	for (int i = 0; i < 8; i++)
		assert_int_equal(all.ids[i], want[i]);
	/* Stalled as of a cutoff day: a range of the same index. */
	assert_int_equal(rel_stalled_count(db, "2026-01-01"), 3);
	assert_int_equal(rel_stalled_count(db, "2026-02-20"), 7);
	/* Deleting the latest session moves the day back (the trigger). */
	assert_int_equal(db_exec_script(db, "DELETE FROM meetings WHERE id = 3"), DB_OK);
	assert_int_equal(rel_stalled_count(db, "2026-01-15"), 4);
	test_db_remove(db, path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {cmocka_unit_test(pairs_by_key)};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
