/* Issue 19: a survey sent to an audience (store/survey_send.h): who each
 * audience holds, nobody invited twice, and a send that fails half-way
 * leaves nothing behind (one transaction). */
#include "testdb.h"

#include "store/outbox.h"
#include "store/survey_send.h"

#define NOW 1790000000

/* Users 1-5 active, 6 deactivated. 1 mentored 2 (ended); 3 took part in
 * a pairing week (insight_people only); 4, 5 and 6 never took part.
 * Teams: Platform (1, 3, 4, 6: profile spelled "platform" for 4), Data
 * (2, 5). Survey 3 is open and for both; 4 is closed. */
static struct db *send_db(char path[256])
{
	struct db *db = test_db_open("send", path);
	assert_non_null(db);
	assert_int_equal(
		db_exec_script(
			db, "INSERT INTO users(id, email, display_name, pw_hash, created_at, active) VALUES "
			    "(1, 'a@x.org', 'A', 'x', 1, 1), (2, 'b@x.org', 'B', 'x', 1, 1), "
			    "(3, 'c@x.org', 'C', 'x', 1, 1), (4, 'd@x.org', 'D', 'x', 1, 1), "
			    "(5, 'e@x.org', 'E', 'x', 1, 1), (6, 'f@x.org', 'F', 'x', 1, 0);"
			    "INSERT INTO teams(name) VALUES ('Platform'), ('Data');"
			    "INSERT INTO profiles(user_id, team) VALUES (1, 'Platform'), (2, 'Data'), "
			    "(3, 'Platform'), (4, 'platform'), (5, 'Data'), (6, 'Platform');"
			    "INSERT INTO topics(id, name, key) VALUES (1, 'Career', 'career');"
			    "INSERT INTO requests(id, mentee_id, mentor_id, topic_id, goal, format, cadence, "
			    "duration_min, weeks, status, created_at) VALUES "
			    "(1, 2, 1, 1, 'g', 'one_on_one', 'weekly', 30, 6, 'accepted', 1);"
			    "INSERT INTO mentorships(id, request_id, mentor_id, mentee_id, topic_id, goal, "
			    "format, "
			    "cadence, duration_min, weeks, started_on, planned_end, created_at, status, "
			    "ended_at) "
			    "VALUES (1, 1, 1, 2, 1, 'g', 'one_on_one', 'weekly', 30, 6, '2026-08-01', "
			    "'2026-09-12', 1, 'completed', 1789000000);"
			    "INSERT INTO insight_people(kind, period, user_id, team, roles) VALUES "
			    "('w', '2026-09-14', 3, 'Platform', 2);"
			    "INSERT INTO surveys(id, title, audience, status) VALUES (3, 'Everyone', 'both', "
			    "'open'), (4, 'Over', 'both', 'closed');"),
		DB_OK);
	return db;
}

static enum send_rc send(struct db *db, int64_t survey, enum survey_audience a, const char *team,
			 struct send_result *res)
{
	struct survey_actor who = {1, NOW, "127.0.0.1"};
	return survey_send(db, survey, a, team, 2, &who, res);
}

/* Invitations to survey 3. */
static int64_t invited(struct db *db)
{
	return db_scalar(db, "SELECT count(*) FROM survey_invitations WHERE survey_id = 3", -1);
}

static void audiences_hold_whom_they_say(void **state)
{
	(void)state;
	char path[256];
	struct db *db = send_db(path);
	struct send_result r;
	/* never: not 1 and 2 (a mentorship), not 3 (took part), not 6 (inactive). */
	assert_int_equal(send(db, 3, AUD_NEVER, "", &r), SEND_OK);
	assert_int_equal(r.invited, 2);
	assert_int_equal(r.already, 0);
	assert_int_equal(db_scalar(db, "SELECT sum(user_id) FROM survey_invitations WHERE survey_id = 3", -1),
			 4 + 5);
	/* team, without case; 4 was invited by the send before. */
	assert_int_equal(send(db, 3, AUD_TEAM, "PLATFORM", &r), SEND_OK);
	assert_int_equal(r.audience, 3);
	assert_int_equal(r.invited, 2);
	assert_int_equal(r.already, 1);
	/* all: only 2 is new; a second time, nobody. */
	assert_int_equal(send(db, 3, AUD_ALL, "", &r), SEND_OK);
	assert_int_equal(r.invited, 1);
	assert_int_equal(r.already, 4);
	assert_int_equal(send(db, 3, AUD_ALL, "", &r), SEND_OK);
	assert_int_equal(r.invited, 0);
	assert_int_equal(invited(db), 5);
	assert_int_equal(db_scalar(db,
				   "SELECT count(*) FROM survey_invitations WHERE survey_id = 3 AND "
				   "(role <> 'member' OR mentorship_id IS NOT NULL OR user_id = 6)",
				   -1),
			 0);
	/* Two mails per invitation, counted in kept_counts like any other. */
	assert_int_equal(db_scalar(db, "SELECT count(*) FROM outbox WHERE event IN (12, 13)", -1), 10);
	assert_int_equal(db_scalar(db, "SELECT n FROM kept_counts WHERE name = 'inv:3'", -1), 5);
	/* finishing: the ended mentorship's pair, in their roles. */
	assert_int_equal(db_exec_script(db, "INSERT INTO surveys(id, title, audience, status) VALUES "
					    "(5, 'Looking back', 'mentee', 'open')"),
			 DB_OK);
	assert_int_equal(send(db, 5, AUD_FINISHING, "", &r), SEND_OK);
	assert_int_equal(r.invited, 1);
	assert_int_equal(db_scalar(db,
				   "SELECT user_id * 10 + mentorship_id FROM survey_invitations WHERE "
				   "survey_id = 5 AND role = 'mentee'",
				   -1),
			 21);
	test_db_remove(db, path);
}

static void refusals_and_failures_leave_nothing(void **state)
{
	(void)state;
	char path[256];
	struct db *db = send_db(path);
	struct send_result r;
	assert_int_equal(send(db, 4, AUD_ALL, "", &r), SEND_NOT_OPEN);
	assert_int_equal(send(db, 99, AUD_ALL, "", &r), SEND_NO_SURVEY);
	assert_int_equal(send(db, 3, AUD_TEAM, "Nowhere", &r), SEND_NO_TEAM);
	assert_int_equal(db_exec_script(db, "UPDATE users SET active = 0 WHERE id IN (2, 5)"), DB_OK);
	assert_int_equal(send(db, 3, AUD_TEAM, "Data", &r), SEND_TEAM_SMALL);
	assert_int_equal(r.team_members, 0);
	assert_int_equal(db_exec_script(db, "UPDATE surveys SET audience = 'mentor' WHERE id = 3"), DB_OK);
	assert_int_equal(send(db, 3, AUD_ALL, "", &r), SEND_NOT_WIDE);
	assert_int_equal(db_exec_script(db, "UPDATE surveys SET audience = 'both' WHERE id = 3"), DB_OK);
	/* The mail cannot be queued: the invitations go too. */
	assert_int_equal(db_exec_script(db, "CREATE TRIGGER boom BEFORE INSERT ON outbox BEGIN "
					    "SELECT RAISE(ABORT, 'no mail'); END;"),
			 DB_OK);
	assert_int_equal(send(db, 3, AUD_ALL, "", &r), SEND_DB_ERR);
	assert_int_equal(invited(db), 0);
	assert_int_equal(
		db_scalar(db, "SELECT coalesce((SELECT n FROM kept_counts WHERE name = 'inv:3'), 0)", -1), 0);
	assert_int_equal(db_scalar(db, "SELECT count(*) FROM audit WHERE event = 'survey_sent'", -1), 0);
	assert_int_equal(db_exec_script(db, "DROP TRIGGER boom"), DB_OK);
	assert_int_equal(send(db, 3, AUD_ALL, "", &r), SEND_OK);
	assert_int_equal(r.invited, 3);
	test_db_remove(db, path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(audiences_hold_whom_they_say),
		cmocka_unit_test(refusals_and_failures_leave_nothing),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
