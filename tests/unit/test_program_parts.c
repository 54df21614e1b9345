/* Issue 19: /program's kept parts (sql/0024_program_page.sql). The charts'
 * version counter program_rev moves when a week settles (sql/0027), on a
 * write to a week old enough to have settled (by the week the builder
 * recorded) and on program events, never on the running week or one still
 * settling (the busy path: sessions logged on time or a little late); a
 * part is kept and replaced whole, and forgotten. */
#include "testdb.h"
#include "testutil.h"

#include <string.h>

#include "store/insights.h"
#include "store/program_parts.h"

TEST_DB_FIXTURE("program_parts")

static int64_t rev(struct db *db)
{
	int64_t r = -1;
	assert_int_equal(program_rev(db, &r), DB_OK);
	return r;
}

/* A session of user 1 on day, in its own transaction. */
static void session_on(struct db *db, const char *day)
{
	assert_int_equal(db_begin(db), DB_OK);
	assert_int_equal(db_end(db, insight_session(db, 1, "one_on_one", 1, 45, day)), DB_OK);
}

static void t_rev(void **state)
{
	struct db *db = *state;
	assert_int_equal(db_exec_script(db, "INSERT INTO users(id, email, display_name, pw_hash, created_at) "
					    "VALUES (1, 'a@t.example', 'Ana', 'x', 0);"),
			 DB_OK);
	/* No builder has said which week runs: every write moves it. */
	int64_t r0 = rev(db);
	session_on(db, "2026-11-04");
	assert_true(rev(db) > r0);
	/* Wednesday 4 November 2026: the week of 2 November runs, and those
	 * of 19 and 26 October settle (they ended less than 14 days ago). */
	assert_int_equal(insight_unsettled_monday(ins_day("2026-11-04")), ins_day("2026-10-19"));
	assert_int_equal(program_week_set(db, 20261019), DB_OK);
	int64_t r1 = rev(db);
	session_on(db, "2026-11-05");
	session_on(db, "2026-11-08");
	session_on(db, "2026-10-20");
	session_on(db, "2026-11-01");
	assert_int_equal(rev(db), r1);
	/* A session of a week old enough to have settled moves it. */
	session_on(db, "2026-10-14");
	int64_t r2 = rev(db);
	assert_true(r2 > r1);
	/* So does the week settling (the first load that reads it). */
	struct insight_series s;
	assert_int_equal(insight_load(db, 1, "", "2026-11-04", "2026-11-04", 1, &s), DB_OK);
	insight_series_free(&s);
	int64_t r3 = rev(db);
	assert_true(r3 > r2);
	assert_int_equal(insight_event_add(db, "2026-10-01", "Mentoring counts", "", 1, 0, "127.0.0.1"),
			 DB_OK);
	assert_true(rev(db) > r3);
	/* The clock moved on (the builder records it): another week settles. */
	assert_int_equal(program_week_set(db, 20261026), DB_OK);
	int64_t r4 = rev(db);
	session_on(db, "2026-10-23");
	assert_true(rev(db) > r4);
}

struct seen {
	int n;
	char version[64];
	char html[64];
};

static void each(void *arg, const char *part, const char *version, int64_t built_at, const char *html,
		 size_t len)
{
	struct seen *s = arg;
	(void)built_at;
	if (strcmp(part, "survey:3") != 0)
		return;
	s->n++;
	snprintf(s->version, sizeof(s->version), "%s", version);
	if (html)
		snprintf(s->html, sizeof(s->html), "%.*s", (int)len, html);
	else
		snprintf(s->html, sizeof(s->html), "(none)");
}

static void t_parts(void **state)
{
	struct db *db = *state;
	assert_int_equal(program_part_put(db, "survey:3", "5|4|1", 100, "<p>one</p>", 10), DB_OK);
	assert_int_equal(program_part_put(db, "survey:3", "5|8|2", 200, "<p>two</p>", 10), DB_OK);
	struct seen s = {0};
	assert_int_equal(program_parts_each(db, 1, each, &s), DB_OK);
	assert_int_equal(s.n, 1);
	assert_string_equal(s.version, "5|8|2");
	assert_string_equal(s.html, "<p>two</p>");
	memset(&s, 0, sizeof(s));
	assert_int_equal(program_parts_each(db, 0, each, &s), DB_OK);
	assert_string_equal(s.html, "(none)");
	assert_int_equal(program_part_drop(db, "survey:3"), DB_OK);
	memset(&s, 0, sizeof(s));
	assert_int_equal(program_parts_each(db, 1, each, &s), DB_OK);
	assert_int_equal(s.n, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(t_rev, setup, teardown),
		cmocka_unit_test_setup_teardown(t_parts, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
