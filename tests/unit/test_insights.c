/* Issue 19: the insight counters (sql/0018_insights.sql) equal a recount
 * from the source tables after a long random sequence of the changes that
 * move them (requests sent and answered, mentorships started and ended,
 * sessions logged, edited and deleted), and the entry points other
 * features call (insight_session, insight_touch) count in the same place. */
#include "testdb.h"
#include "testutil.h"

#include <string.h>

#include "store/insights.h"

TEST_DB_FIXTURE("insights")

static uint64_t seed = 0x2545f4914f6cdd1dull;
static int64_t pick(int64_t n)
{
	return test_pick(&seed, n);
}

static void exec(struct db *db, const char *sql)
{
	assert_int_equal(db_exec_script(db, sql), DB_OK);
}

static void run(struct db *db, sqlite3_stmt *st, int64_t a, int64_t b, int64_t c, const char *t)
{
	test_exec_named(db, st, a, b, c, t);
}

#define USERS 30
static const char *const days[] = {"2026-01-05", "2026-01-11", "2026-01-12", "2026-02-01", "2026-02-28",
				   "2026-03-01", "2026-03-31", "2026-04-06", "2026-06-30", "2026-07-01"};

static void one_change(struct db *db)
{
	int64_t u = 1 + pick(USERS), v = 1 + pick(USERS), day = 1767571200 + pick(180) * 86400 + pick(86400);
	switch (pick(9)) {
	case 0:
	case 1: /* a request, sometimes born answered (as imports and seeds write them) */
		run(db,
		    DB_STMT(db,
			    "INSERT INTO requests(mentee_id, mentor_id, topic_id, goal, format, cadence, "
			    "duration_min, weeks, status, created_at, answered_at) VALUES (:a, :b, 1, 'g', "
			    "'one_on_one', 'weekly', 30, 4, :t, :c, CASE WHEN :t = 'pending' THEN NULL ELSE "
			    ":c + 3600 * (1 + abs(random()) % 300) END)"),
		    u, v, day,
		    pick(3)   ? "pending"
		    : pick(2) ? "accepted"
			      : "declined");
		break;
	case 2: /* an answer, some time after */
		run(db,
		    DB_STMT(db, "UPDATE requests SET status = :t, answered_at = created_at + :c WHERE id = "
				"(SELECT id FROM requests WHERE status = 'pending' ORDER BY id LIMIT 1 "
				"OFFSET :a)"),
		    pick(5), 0, 60 + pick(10 * 86400), pick(3) ? "accepted" : "declined");
		break;
	case 3: /* a mentorship of an accepted request */
		run(db,
		    DB_STMT(db, "INSERT INTO mentorships(request_id, mentor_id, mentee_id, topic_id, goal, "
				"format, "
				"cadence, duration_min, weeks, started_on, planned_end, created_at) SELECT "
				"id, mentor_id, "
				"mentee_id, topic_id, goal, format, cadence, duration_min, weeks, "
				"date(answered_at, 'unixepoch'), date(answered_at, 'unixepoch', '+28 days'), "
				"answered_at "
				"FROM requests r WHERE status = 'accepted' AND NOT EXISTS (SELECT 1 FROM "
				"mentorships m "
				"WHERE m.request_id = r.id) ORDER BY id LIMIT 1"),
		    0, 0, 0, NULL);
		break;
	case 4: /* it ends */
		run(db,
		    DB_STMT(db,
			    "UPDATE mentorships SET status = :t, outcome = CASE WHEN :t = 'completed' THEN "
			    "'goal_met' END, ended_at = created_at + :c WHERE id = (SELECT id FROM "
			    "mentorships "
			    "WHERE status = 'active' ORDER BY id LIMIT 1 OFFSET :a)"),
		    pick(3), 0, 86400 * (1 + pick(60)), pick(2) ? "completed" : "ended_early");
		break;
	case 5:
	case 6: /* a session */
		run(db,
		    DB_STMT(db, "INSERT INTO meetings(mentorship_id, author_id, held_on, duration_min, kind, "
				"created_at) SELECT id, mentor_id, :t, :b, CASE :c WHEN 0 THEN 'one_on_one' "
				"WHEN 1 "
				"THEN 'pairing' WHEN 2 THEN 'office_hours' WHEN 3 THEN 'help_session' WHEN 4 "
				"THEN "
				"'ring' ELSE 'peer' END, 0 FROM mentorships ORDER BY id LIMIT 1 OFFSET :a"),
		    pick(8), 5 + pick(200), pick(6), days[pick(10)]);
		break;
	case 7: /* an edit */
		run(db,
		    DB_STMT(db,
			    "UPDATE meetings SET held_on = :t, duration_min = :b WHERE id = (SELECT id FROM "
			    "meetings ORDER BY id LIMIT 1 OFFSET :a)"),
		    pick(10), 5 + pick(200), 0, days[pick(10)]);
		break;
	default: /* a delete */
		run(db,
		    DB_STMT(db,
			    "DELETE FROM meetings WHERE id = (SELECT id FROM meetings ORDER BY id LIMIT 1 "
			    "OFFSET :a)"),
		    pick(10), 0, 0, NULL);
		break;
	}
}

/* Rows of a query that should return none: the differences. */
static int64_t differences(struct db *db, const char *what, const char *sql)
{
	int64_t n = db_scalar(db, sql, -1);
	if (n != 0)
		fprintf(stderr, "%s: %lld differences\n", what, (long long)n);
	return n;
}

static void t_recount(void **state)
{
	struct db *db = *state;
	exec(db, "INSERT INTO teams(name) VALUES ('Alpha'), ('Beta');"
		 "INSERT INTO topics(id, name, key) VALUES (1, 't', 't');");
	for (int i = 1; i <= USERS; i++) {
		char sql[300];
		snprintf(sql, sizeof(sql),
			 "INSERT INTO users(id, email, display_name, pw_hash, created_at) VALUES (%d, "
			 "'u%d@x', 'U', 'x', 0);"
			 "INSERT INTO profiles(user_id, team) VALUES (%d, '%s');",
			 i, i, i,
			 i % 3 == 0   ? "alpha"
			 : i % 3 == 1 ? "Beta"
				      : "nowhere");
		exec(db, sql);
	}
	for (int i = 0; i < 3000; i++)
		one_change(db);
	assert_true(db_scalar(db, "SELECT count(*) FROM meetings", 0) > 50);
	assert_true(db_scalar(db, "SELECT count(*) FROM mentorships WHERE status <> 'active'", 0) > 5);
	/* Team of a person as the reports map it. */
	exec(db, "CREATE TEMP VIEW tm AS SELECT p.user_id AS u, coalesce((SELECT t.name FROM teams t "
		 "WHERE t.name = p.team), 'other') AS team FROM profiles p;");
	/* Sessions and minutes per week and team of the mentor. */
	assert_int_equal(
		differences(
			db, "sessions",
			"SELECT count(*) FROM (SELECT p, team, sum(n) AS n, sum(mins) AS mins FROM (SELECT "
			"date(m.held_on, '-' || ((CAST(strftime('%w', m.held_on) AS INTEGER) + 6) % 7) || ' "
			"days') "
			"AS p, tm.team, 1 AS n, m.duration_min AS mins FROM meetings m JOIN mentorships ms "
			"ON "
			"ms.id = m.mentorship_id JOIN tm ON tm.u = ms.mentor_id) GROUP BY p, team "
			"EXCEPT SELECT period, team, s_one_on_one + s_pairing + s_office_hours + "
			"s_help_session + "
			"s_ring + s_other, minutes FROM insight_periods WHERE kind = 'w')"),
		0);
	assert_int_equal(
		differences(
			db, "sessions (reverse)",
			"SELECT count(*) FROM (SELECT period, team, s_one_on_one + s_pairing + "
			"s_office_hours "
			"+ s_help_session + s_ring + s_other AS n, minutes FROM insight_periods WHERE kind = "
			"'w' AND (n <> 0 OR minutes <> 0) EXCEPT SELECT date(m.held_on, '-' || "
			"((CAST(strftime('%w', m.held_on) AS INTEGER) + 6) % 7) || ' days'), tm.team, "
			"count(*), sum(m.duration_min) FROM meetings m JOIN mentorships ms ON ms.id = "
			"m.mentorship_id JOIN tm ON tm.u = ms.mentor_id GROUP BY 1, 2)"),
		0);
	/* Requests sent per week and the mentee's team; answered per week of the answer. */
	assert_int_equal(
		differences(
			db, "requests",
			"SELECT count(*) FROM (SELECT date(date(created_at, 'unixepoch'), '-' || "
			"((CAST(strftime('%w', date(created_at, 'unixepoch')) AS INTEGER) + 6) % 7) || ' "
			"days'), tm.team, "
			"count(*) FROM requests r JOIN tm ON tm.u = r.mentee_id GROUP BY 1, 2 EXCEPT SELECT "
			"period, team, req_sent FROM insight_periods WHERE kind = 'w')"),
		0);
	assert_int_equal(
		differences(
			db, "answered",
			"SELECT count(*) FROM (SELECT date(date(answered_at, 'unixepoch'), '-' || "
			"((CAST(strftime('%w', date(answered_at, 'unixepoch')) AS INTEGER) + 6) % 7) || ' "
			"days'), tm.team, "
			"count(*), sum(answered_at - created_at < 3600), sum(answered_at - created_at >= "
			"604800) FROM requests r JOIN tm ON tm.u = r.mentor_id WHERE status IN ('accepted', "
			"'declined') GROUP BY 1, 2 EXCEPT SELECT period, team, req_answered, a0, a7 FROM "
			"insight_periods WHERE kind = 'w')"),
		0);
	/* Endings per week, in the mentee's team, by outcome. */
	assert_int_equal(
		differences(
			db, "endings",
			"SELECT count(*) FROM (SELECT date(date(ended_at, 'unixepoch'), '-' || "
			"((CAST(strftime('%w', date(ended_at, 'unixepoch')) AS INTEGER) + 6) % 7) || ' "
			"days'), tm.team, "
			"sum(status = 'completed'), sum(status = 'ended_early') FROM mentorships ms JOIN tm "
			"ON tm.u = ms.mentee_id WHERE status <> 'active' GROUP BY 1, 2 EXCEPT SELECT period, "
			"team, done_met, ended_early FROM insight_periods WHERE kind = 'w')"),
		0);
	/* People: the counters equal the people kept, and every person the
	 * source tables show taking part in a week is among them. */
	assert_int_equal(
		differences(db, "people kept",
			    "SELECT count(*) FROM (SELECT kind, period, team, count(*), sum(roles & 1), "
			    "sum((roles >> 1) & 1) FROM insight_people GROUP BY 1, 2, 3 EXCEPT SELECT kind, "
			    "period, "
			    "team, people, mentors, mentees FROM insight_periods)"),
		0);
	assert_int_equal(
		differences(
			db, "people missing",
			"SELECT count(*) FROM (SELECT ms.mentor_id AS u, m.held_on AS d FROM meetings m JOIN "
			"mentorships ms ON ms.id = m.mentorship_id UNION SELECT ms.mentee_id, m.held_on FROM "
			"meetings m JOIN mentorships ms ON ms.id = m.mentorship_id UNION SELECT mentee_id, "
			"date(created_at, 'unixepoch') FROM requests) x WHERE NOT EXISTS (SELECT 1 FROM "
			"insight_people ip WHERE ip.kind = 'w' AND ip.period = date(x.d, '-' || "
			"((CAST(strftime('%w', x.d) AS INTEGER) + 6) % 7) || ' days') AND "
			"ip.user_id = x.u)"),
		0);
	/* Weeks only (sql/0021): the pages read no monthly rows, so none is kept. */
	assert_int_equal(db_scalar(db,
				   "SELECT (SELECT count(*) FROM insight_periods WHERE kind <> 'w') + "
				   "(SELECT count(*) FROM insight_people WHERE kind <> 'w')",
				   -1),
			 0);
	/* The record: each mentor's sessions and minutes per quarter. */
	assert_int_equal(
		differences(
			db, "given",
			"SELECT count(*) FROM (SELECT ms.mentor_id, substr(m.held_on, 1, 4) || '-Q' || "
			"((CAST(substr(m.held_on, 6, 2) AS INTEGER) + 2) / 3), m.kind, count(*), "
			"sum(m.duration_min) FROM meetings m JOIN mentorships ms ON ms.id = m.mentorship_id "
			"GROUP BY 1, 2, 3 EXCEPT SELECT user_id, quarter, kind, n, minutes FROM "
			"insight_given)"),
		0);
	/* Members per team now. */
	assert_int_equal(
		differences(
			db, "members",
			"SELECT count(*) FROM (SELECT tm.team, count(*) FROM tm JOIN users u ON u.id = tm.u "
			"WHERE u.active = 1 GROUP BY 1 EXCEPT SELECT team, n FROM insight_team_members "
			"WHERE n > 0)"),
		0);
	exec(db,
	     "UPDATE users SET active = 0 WHERE id IN (1, 2, 3); UPDATE profiles SET team = 'ALPHA' WHERE "
	     "user_id = 4; INSERT INTO teams(name) VALUES ('Nowhere');");
	assert_int_equal(
		differences(
			db, "members after changes",
			"SELECT count(*) FROM (SELECT tm.team, count(*) FROM tm JOIN users u ON u.id = tm.u "
			"WHERE u.active = 1 GROUP BY 1 EXCEPT SELECT team, n FROM insight_team_members "
			"WHERE n > 0)"),
		0);
}

/* What other features call: a help session led by user 5 and attended by
 * user 6 counts once, in the leader's team, on the leader's record. */
static void t_entry_points(void **state)
{
	struct db *db = *state;
	exec(db, "INSERT INTO teams(name) VALUES ('Alpha');"
		 "INSERT INTO users(id, email, display_name, pw_hash, created_at) VALUES (5, 'a@x', 'A', "
		 "'x', 0), "
		 "(6, 'b@x', 'B', 'x', 0);"
		 "INSERT INTO profiles(user_id, team) VALUES (5, 'Alpha'), (6, 'other');");
	assert_int_equal(db_begin(db), DB_OK);
	assert_int_equal(insight_session(db, 5, "help_session", 1, 60, "2026-03-04"), DB_OK);
	assert_int_equal(insight_touch(db, 6, INSIGHT_MENTEE, "2026-03-04"), DB_OK);
	assert_int_equal(insight_touch(db, 6, INSIGHT_MENTEE, "2026-03-05"), DB_OK);
	assert_int_equal(insight_session(db, 5, "ring", 1, 30, "2026-03-05"), DB_OK);
	assert_int_equal(insight_session(db, 5, "ring", -1, -30, "2026-03-05"), DB_OK);
	assert_int_equal(insight_touch(db, 6, INSIGHT_MENTEE, "not a day"), DB_ERR);
	assert_int_equal(db_commit(db), DB_OK);
	assert_int_equal(
		db_scalar(db,
			  "SELECT s_help_session * 1000 + s_ring * 100 + minutes FROM insight_periods "
			  "WHERE kind = 'w' AND period = '2026-03-02' AND team = 'Alpha'",
			  -1),
		1060);
	assert_int_equal(db_scalar(db,
				   "SELECT people * 10 + mentees FROM insight_periods WHERE kind = 'w' AND "
				   "period = '2026-03-02' AND team = 'other'",
				   -1),
			 11);
	assert_int_equal(db_scalar(db,
				   "SELECT n * 100 + minutes FROM insight_given WHERE user_id = 5 AND "
				   "quarter = '2026-Q1' AND kind = 'help_session'",
				   -1),
			 160);
	/* The series the pages read: one team-week of 1 person is hidden, and
	 * adds to no figure (the program's week shows nothing). */
	struct insight_series s;
	assert_int_equal(insight_load(db, 1, "2026-03-01", "2026-03-10", "2026-03-30", 5, &s), DB_OK);
	/* From the first week with figures to the week of `to`, settled weeks
	 * only (ended INSIGHT_SETTLE_DAYS ago or more). */
	assert_int_equal(s.np, 2);
	assert_string_equal(s.period[0], "2026-03-02");
	assert_string_equal(s.period[1], "2026-03-09");
	int a = insight_team_index(&s, "Alpha");
	assert_true(a >= 0);
	assert_true(s.hid[(size_t)a]);
	assert_int_equal(s.cell[(size_t)a].v[IF_S_HELP_SESSION], 0);
	assert_true(s.total_hid[0]);
	assert_int_equal(s.total[0].v[IF_MINUTES], 0);
	assert_int_equal(s.left[(size_t)a], 1);
	insight_series_free(&s);
	/* Both weeks settled: their members, hides and figures are frozen, a
	 * week without a row carrying the team's members over. */
	assert_int_equal(db_scalar(db,
				   "SELECT members * 10 + hid FROM insight_frozen WHERE week = '2026-03-09' "
				   "AND team = 'Alpha'",
				   -1),
			 11);
	assert_int_equal(db_scalar(db, "SELECT count(*) FROM insight_frozen WHERE team = ''", -1), 2);
	assert_int_equal(db_scalar(db,
				   "SELECT s_help_session * 100 + minutes FROM insight_frozen WHERE week = "
				   "'2026-03-02' AND team = 'Alpha' AND settled = 1",
				   -1),
			 160);
	/* A session back-dated into a settled week counts in the live figures
	 * (and the leader's record), never in the settled ones. */
	assert_int_equal(db_begin(db), DB_OK);
	assert_int_equal(db_end(db, insight_session(db, 5, "help_session", 1, 60, "2026-03-03")), DB_OK);
	assert_int_equal(insight_load(db, 1, "2026-03-01", "2026-03-10", "2026-03-30", 5, &s), DB_OK);
	insight_series_free(&s);
	assert_int_equal(
		db_scalar(db,
			  "SELECT s_help_session * 100 + minutes FROM insight_periods WHERE kind = 'w' "
			  "AND period = '2026-03-02' AND team = 'Alpha'",
			  -1),
		320);
	assert_int_equal(db_scalar(db,
				   "SELECT s_help_session * 100 + minutes FROM insight_frozen WHERE week = "
				   "'2026-03-02' AND team = 'Alpha'",
				   -1),
			 160);
	/* A week still settling is never read: on Thursday 26 March, the week
	 * of 9 March ended 11 days ago; only the week before shows. */
	assert_int_equal(insight_load(db, 1, "", "2026-03-26", "2026-03-26", 5, &s), DB_OK);
	assert_int_equal(s.np, 1);
	assert_string_equal(s.period[0], "2026-03-02");
	insight_series_free(&s);
}

/* A week frozen at its close before weeks settled (sql/0027: settled 0)
 * keeps its members and hides and gains its figures on the next load. */
static void t_frozen_before_settling(void **state)
{
	struct db *db = *state;
	exec(db, "INSERT INTO teams(name) VALUES ('Alpha');"
		 "INSERT INTO users(id, email, display_name, pw_hash, created_at) VALUES (5, 'a@x', 'A', "
		 "'x', 0);"
		 "INSERT INTO profiles(user_id, team) VALUES (5, 'Alpha');");
	assert_int_equal(db_begin(db), DB_OK);
	assert_int_equal(db_end(db, insight_session(db, 5, "help_session", 1, 60, "2026-03-04")), DB_OK);
	exec(db, "INSERT INTO insight_frozen(week, team, members, hid, ghid) VALUES ('2026-03-02', "
		 "'Alpha', 7, 1, -1), ('2026-03-02', '', 0, 0, -1);");
	struct insight_series s;
	assert_int_equal(insight_load(db, 1, "", "2026-03-30", "2026-03-30", 5, &s), DB_OK);
	insight_series_free(&s);
	assert_int_equal(
		db_scalar(db,
			  "SELECT settled * 10000 + members * 1000 + hid * 100 + s_help_session * 10 + "
			  "(ghid >= 0) FROM insight_frozen WHERE week = '2026-03-02' AND team = 'Alpha'",
			  -1),
		17111);
	assert_int_equal(db_scalar(db, "SELECT count(*) FROM insight_frozen WHERE settled = 0", -1), 0);
}

/* insight_close fixes a week's members and hides when it ends; what is
 * written for it while it settles reaches its figures only. */
static void t_close(void **state)
{
	struct db *db = *state;
	exec(db, "INSERT INTO teams(name) VALUES ('Alpha');"
		 "INSERT INTO users(id, email, display_name, pw_hash, created_at) VALUES (5, 'a@x', 'A', "
		 "'x', 0);"
		 "INSERT INTO profiles(user_id, team) VALUES (5, 'Alpha');");
	/* Nothing to close on an empty program. */
	assert_int_equal(insight_close(db, 5, "2026-03-10"), DB_OK);
	assert_int_equal(db_scalar(db, "SELECT count(*) FROM insight_frozen", -1), 0);
	assert_int_equal(db_begin(db), DB_OK);
	assert_int_equal(db_end(db, insight_session(db, 5, "help_session", 1, 60, "2026-03-04")), DB_OK);
	/* Tuesday 10 March: the week of 2 March has ended and closes. */
	assert_int_equal(insight_close(db, 5, "2026-03-10"), DB_OK);
	assert_int_equal(
		db_scalar(db,
			  "SELECT members * 100 + hid * 10 + settled FROM insight_frozen WHERE week = "
			  "'2026-03-02' AND team = 'Alpha'",
			  -1),
		110);
	/* Two join Alpha, and a session is logged late for the week. */
	exec(db, "INSERT INTO users(id, email, display_name, pw_hash, created_at) VALUES (6, 'b@x', 'B', "
		 "'x', 0), (7, 'c@x', 'C', 'x', 0);"
		 "INSERT INTO profiles(user_id, team) VALUES (6, 'Alpha'), (7, 'Alpha');");
	assert_int_equal(db_begin(db), DB_OK);
	assert_int_equal(db_end(db, insight_session(db, 5, "help_session", 1, 30, "2026-03-05")), DB_OK);
	assert_int_equal(insight_close(db, 5, "2026-03-11"), DB_OK);
	/* Settled on 30 March: the members of its end, the figures of now. */
	struct insight_series s;
	assert_int_equal(insight_load(db, 1, "", "2026-03-30", "2026-03-30", 5, &s), DB_OK);
	insight_series_free(&s);
	assert_int_equal(
		db_scalar(db,
			  "SELECT members * 1000 + s_help_session * 100 + settled FROM insight_frozen "
			  "WHERE week = '2026-03-02' AND team = 'Alpha'",
			  -1),
		1201);
	/* The next week, closed on 30 March by the load (nobody closed it
	 * when it ended), takes the members carried. */
	assert_int_equal(
		db_scalar(db, "SELECT count(*) FROM insight_frozen WHERE week = '2026-03-09' AND settled = 1",
			  -1),
		3);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(t_recount, setup, teardown),
		cmocka_unit_test_setup_teardown(t_entry_points, setup, teardown),
		cmocka_unit_test_setup_teardown(t_frozen_before_settling, setup, teardown),
		cmocka_unit_test_setup_teardown(t_close, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
