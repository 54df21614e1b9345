/* sql/0026 (the write path of a logged session): the triggers a new
 * session fires count exactly what the generic insight feed counted
 * before them, and keep the pair's latest day as max(held_on) did. Two
 * databases take the same long random sequence of sessions logged,
 * edited and deleted, people moving between teams and accounts
 * deactivated; one keeps the triggers as sql/0018 and sql/0019 wrote them
 * (the reference), the other runs the migrations as shipped. Every kept
 * figure must be equal, row for row. Then meeting_create itself: a
 * single conversation ends when its session is logged, a series does
 * not. */
#include "testdb.h"
#include "testutil.h"

#include <string.h>

#include "store/meetings.h"

static char path_new[256], path_ref[256];

/* What the session's triggers were before sql/0026 (sql/0018's insight
 * trigger, fed through insight_feed as sql/0021 left it, and sql/0019's
 * latest day). */
static const char *const before_0026 =
	"DROP TRIGGER insight_meeting_insert;"
	"CREATE TRIGGER insight_meeting_insert AFTER INSERT ON meetings BEGIN"
	"  INSERT INTO insight_feed(user_id, role, what, sub, n, minutes, secs, day, giver)"
	"    SELECT ms.mentor_id, 1, 'session', NEW.kind, 1, NEW.duration_min, 0, NEW.held_on, ms.mentor_id"
	"    FROM mentorships ms WHERE ms.id = NEW.mentorship_id;"
	"  INSERT INTO insight_feed(user_id, role, what, sub, n, minutes, secs, day, giver)"
	"    SELECT ms.mentee_id, 2, 'touch', '', 0, 0, 0, NEW.held_on, NULL"
	"    FROM mentorships ms WHERE ms.id = NEW.mentorship_id;"
	"END;"
	"DROP TRIGGER ms_last_session_insert;"
	"CREATE TRIGGER ms_last_session_insert AFTER INSERT ON meetings BEGIN"
	"  UPDATE mentorships SET last_session_on = (SELECT max(held_on) FROM meetings"
	"    WHERE mentorship_id = NEW.mentorship_id) WHERE id = NEW.mentorship_id;"
	"END;";

static uint64_t seed = 0x9e3779b97f4a7c15ull;
static int64_t pick(int64_t n)
{
	return test_pick(&seed, n);
}

#define USERS 24
#define PAIRS 30

static void setup_people(struct db *db)
{
	assert_int_equal(db_exec_script(db, "INSERT INTO teams(name) VALUES ('Alpha'), ('Beta');"
					    "INSERT INTO topics(id, name, key) VALUES (1, 't', 't');"),
			 DB_OK);
	for (int i = 1; i <= USERS; i++) {
		char sql[400];
		snprintf(sql, sizeof(sql),
			 "INSERT INTO users(id, email, display_name, pw_hash, created_at) VALUES (%d, "
			 "'u%d@x', 'U', 'x', 0); INSERT INTO profiles(user_id, team) VALUES (%d, '%s');",
			 i, i, i,
			 i % 3 == 0   ? "alpha"
			 : i % 3 == 1 ? "Beta"
				      : "nowhere");
		assert_int_equal(db_exec_script(db, sql), DB_OK);
	}
	/* Pairs of distinct people, a few of them single conversations. */
	for (int i = 1; i <= PAIRS; i++) {
		int mentor = 1 + (i * 7) % USERS, mentee = 1 + (i * 7 + 1 + i % 5) % USERS;
		char sql[900];
		snprintf(
			sql, sizeof(sql),
			"INSERT INTO requests(id, mentee_id, mentor_id, topic_id, goal, format, cadence, "
			"duration_min, weeks, status, created_at, answered_at) VALUES (%d, %d, %d, 1, 'g', "
			"'one_on_one', 'weekly', 30, 4, 'accepted', 1767571200, 1767574800);"
			"INSERT INTO mentorships(id, request_id, mentor_id, mentee_id, topic_id, goal, "
			"format, "
			"cadence, duration_min, weeks, started_on, planned_end, created_at, kind) VALUES "
			"(%d, %d, %d, %d, 1, 'g', 'one_on_one', 'weekly', 30, 4, '2026-01-05', '2026-02-02', "
			"1767574800, '%s');",
			i, mentee, mentor, i, i, mentor, mentee, i % 7 == 0 ? "single" : "series");
		assert_int_equal(db_exec_script(db, sql), DB_OK);
	}
}

static const char *const days[] = {"2026-01-05", "2026-01-11", "2026-01-12", "2026-02-01", "2026-02-28",
				   "2026-03-01", "2026-03-31", "2026-04-06", "2026-06-30", "2026-07-01"};
static const char *const kinds[] = {"one_on_one", "pairing", "office_hours", "help_session",
				    "ring",	  "reverse", "peer"};
static const char *const teams[] = {"Alpha", "beta", "nowhere", "BETA"};

/* One change, the same on both databases. */
static void one_change(struct db *a, struct db *b)
{
	char sql[600];
	int64_t x = pick(100);
	if (x < 55) /* a session */
		snprintf(sql, sizeof(sql),
			 "INSERT INTO meetings(mentorship_id, author_id, held_on, duration_min, kind, "
			 "created_at) SELECT id, mentor_id, '%s', %d, '%s', 0 FROM mentorships WHERE id = %d",
			 days[pick(10)], 5 + (int)pick(200), kinds[pick(7)], 1 + (int)pick(PAIRS));
	else if (x < 70) /* an edit */
		snprintf(sql, sizeof(sql),
			 "UPDATE meetings SET held_on = '%s', duration_min = %d, kind = '%s' WHERE id = "
			 "(SELECT id FROM meetings ORDER BY id LIMIT 1 OFFSET %d)",
			 days[pick(10)], 5 + (int)pick(200), kinds[pick(7)], (int)pick(20));
	else if (x < 82) /* a delete */
		snprintf(sql, sizeof(sql),
			 "DELETE FROM meetings WHERE id = (SELECT id FROM meetings ORDER BY id LIMIT 1 "
			 "OFFSET %d)",
			 (int)pick(20));
	else if (x < 94) /* someone moves to another team */
		snprintf(sql, sizeof(sql), "UPDATE profiles SET team = '%s' WHERE user_id = %d",
			 teams[pick(4)], 1 + (int)pick(USERS));
	else /* an account leaves or comes back */
		snprintf(sql, sizeof(sql), "UPDATE users SET active = 1 - active WHERE id = %d",
			 1 + (int)pick(USERS));
	enum db_rc ra = db_exec_script(a, sql), rb = db_exec_script(b, sql);
	assert_int_equal(ra, rb);
}

/* Rows of `table` (columns cols) in one database and not in the other. */
static int64_t differ(struct db *db, const char *what, const char *sql)
{
	int64_t n = db_scalar(db, sql, -1);
	if (n != 0)
		fprintf(stderr, "%s: %lld rows differ\n", what, (long long)n);
	return n;
}

static void t_same_as_before(void **state)
{
	(void)state;
	struct db *nw = test_db_open("writepath-new", path_new),
		  *ref = test_db_open("writepath-ref", path_ref);
	assert_non_null(nw);
	assert_non_null(ref);
	assert_int_equal(db_exec_script(ref, before_0026), DB_OK);
	setup_people(nw);
	setup_people(ref);
	for (int i = 0; i < 4000; i++)
		one_change(nw, ref);
	assert_true(db_scalar(nw, "SELECT count(*) FROM meetings", 0) > 200);
	assert_true(db_scalar(nw, "SELECT count(DISTINCT kind) FROM meetings", 0) == 7);
	char attach[300];
	snprintf(attach, sizeof(attach), "ATTACH '%s' AS ref", path_ref);
	assert_int_equal(db_exec_script(nw, attach), DB_OK);
	static const char *const tables[][2] = {
		{"insight_periods",
		 "SELECT count(*) FROM (SELECT * FROM main.insight_periods EXCEPT SELECT * "
		 "FROM ref.insight_periods)"},
		{"insight_periods (ref)", "SELECT count(*) FROM (SELECT * FROM ref.insight_periods EXCEPT "
					  "SELECT * FROM main.insight_periods)"},
		{"insight_people", "SELECT count(*) FROM (SELECT * FROM main.insight_people EXCEPT SELECT * "
				   "FROM ref.insight_people)"},
		{"insight_people (ref)", "SELECT count(*) FROM (SELECT * FROM ref.insight_people EXCEPT "
					 "SELECT * FROM main.insight_people)"},
		{"insight_given", "SELECT count(*) FROM (SELECT * FROM main.insight_given EXCEPT SELECT * "
				  "FROM ref.insight_given)"},
		{"insight_given (ref)", "SELECT count(*) FROM (SELECT * FROM ref.insight_given EXCEPT SELECT "
					"* FROM main.insight_given)"},
		{"kept_counts", "SELECT count(*) FROM (SELECT * FROM main.kept_counts EXCEPT SELECT * FROM "
				"ref.kept_counts)"},
		{"latest day", "SELECT count(*) FROM main.mentorships a JOIN ref.mentorships b USING (id) "
			       "WHERE a.last_session_on IS NOT b.last_session_on"},
		{"latest day (recount)",
		 "SELECT count(*) FROM main.mentorships ms WHERE ms.last_session_on IS NOT "
		 "(SELECT max(held_on) FROM main.meetings m WHERE m.mentorship_id = ms.id)"},
	};
	for (size_t i = 0; i < sizeof(tables) / sizeof(tables[0]); i++)
		assert_int_equal(differ(nw, tables[i][0], tables[i][1]), 0);
	/* Not all equal by being empty: every kind of session is counted. */
	assert_int_equal(
		db_scalar(nw,
			  "SELECT (sum(s_one_on_one) > 0) + (sum(s_pairing) > 0) + (sum(s_office_hours) > "
			  "0) + (sum(s_help_session) > 0) + (sum(s_ring) > 0) + (sum(s_other) > 0) FROM "
			  "insight_periods",
			  -1),
		6);
	assert_int_equal(db_exec_script(nw, "DETACH ref"), DB_OK);
	test_db_remove(ref, path_ref);
	test_db_remove(nw, path_new);
}

/* meeting_create: the single conversation (pair 7) is held and ends with
 * its session; a series (pair 1) stays active. */
static void t_single_ends(void **state)
{
	(void)state;
	struct db *db = test_db_open("writepath-single", path_new);
	assert_non_null(db);
	setup_people(db);
	struct meeting_new n = {.author_id = 0,
				.held_on = "2026-01-06",
				.kind = "one_on_one",
				.labels = "",
				.agenda = "",
				.shared_notes = "",
				.private_notes = "",
				.duration_min = 30};
	int64_t id = 0;
	for (int ms = 1; ms <= 7; ms += 6) {
		n.mentorship_id = ms;
		n.author_id = db_scalar(db,
					ms == 1 ? "SELECT mentee_id FROM mentorships WHERE id = 1"
						: "SELECT mentee_id FROM mentorships WHERE id = 7",
					0);
		assert_int_equal(meeting_create(db, &n, "2026-01-07", 1767700000, &id), MEET_OK);
	}
	assert_string_equal(db_scalar(db, "SELECT status = 'completed' FROM mentorships WHERE id = 7", 0)
				    ? "held"
				    : "active",
			    "held");
	assert_int_equal(db_scalar(db, "SELECT status = 'active' FROM mentorships WHERE id = 1", 0), 1);
	assert_int_equal(db_scalar(db, "SELECT count(*) FROM meetings", 0), 2);
	/* The ids come from the counter, one after the other. */
	assert_int_equal(db_scalar(db, "SELECT max(id) - min(id) FROM meetings", -1), 1);
	test_db_remove(db, path_new);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(t_same_as_before),
		cmocka_unit_test(t_single_ends),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
