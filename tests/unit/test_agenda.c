/* The planned session seen from the pair: the agenda written ahead (only
 * the pair, only while a session is planned in an active mentorship,
 * sealed for that one plan, removed once the session is logged), each
 * person's calendar feed rows and its UID, and what waits on a member on
 * the dashboard. */
#include "testdb.h"
#include "testkey.h"

#include <unistd.h>

#include "security/seal.h"
#include "store/agenda.h"
#include "view/ics.h"
#include "store/dashboard.h"

#define NOW 1790000000 /* 2026-09-21 14:13:20 UTC */

/* Mentor 1, mentee 2, stranger 3; mentorship 1 active with a session in
 * an hour (plan 4, moved twice), mentorship 2 ended, mentorship 3 active
 * with nothing planned. */
static struct db *pair_db(char path[256])
{
	struct db *db = test_db_open("agenda", path);
	assert_non_null(db);
	assert_int_equal(
		db_exec_script(
			db,
			"INSERT INTO users(id, email, display_name, pw_hash, created_at) VALUES "
			"(1, 'm@example.com', 'Mia Mentor', 'x', 1), (2, 'e@example.com', 'Eli Mentee', 'x', "
			"1), "
			"(3, 's@example.com', 'Sam Stranger', 'x', 1), (4, 'o@example.com', 'Otto Other', "
			"'x', 1);"
			"INSERT INTO topics(id, name, key) VALUES (1, 'Career', 'career');"
			"INSERT INTO requests(id, mentee_id, mentor_id, topic_id, goal, format, cadence, "
			"duration_min, "
			"weeks, status, created_at) VALUES "
			"(1, 2, 1, 1, 'g', 'one_on_one', 'weekly', 45, 6, 'accepted', 1), "
			"(2, 2, 1, 1, 'g', 'one_on_one', 'weekly', 30, 6, 'accepted', 1), "
			"(3, 4, 1, 1, 'g', 'one_on_one', 'weekly', 30, 6, 'accepted', 1);"
			"INSERT INTO mentorships(id, request_id, mentor_id, mentee_id, topic_id, goal, "
			"format, cadence, "
			"duration_min, weeks, started_on, planned_end, created_at) VALUES "
			"(1, 1, 1, 2, 1, 'g', 'one_on_one', 'weekly', 45, 6, '2026-09-01', '2026-10-13', 1), "
			"(2, 2, 1, 2, 1, 'g', 'one_on_one', 'weekly', 30, 6, '2026-08-01', '2026-09-12', 1), "
			"(3, 3, 1, 4, 1, 'g', 'one_on_one', 'weekly', 30, 6, '2026-09-01', '2026-10-13', 1);"
			"UPDATE mentorships SET next_session_at = 1790003600, plan_no = 4, plan_seq = 2 "
			"WHERE id = 1;"
			"UPDATE mentorships SET status = 'ended_early', next_session_at = 1790007200 WHERE "
			"id = 2;"),
		DB_OK);
	return db;
}

static enum agenda_rc save(struct db *db, int64_t id, int64_t uid, const char *text)
{
	enum agenda_rc r = agenda_save(db, id, uid, text, NOW);
	assert_false(db_failed(r));
	return r;
}

static void agenda_ahead_rules(void **state)
{
	(void)state;
	char path[256];
	struct db *db = pair_db(path);
	assert_int_equal(save(db, 1, 3, "mine now"), AGENDA_NOTFOUND);
	assert_int_equal(save(db, 99, 1, "x"), AGENDA_NOTFOUND);
	assert_int_equal(save(db, 2, 2, "too late"), AGENDA_ENDED);
	assert_int_equal(save(db, 3, 4, "nothing planned"), AGENDA_NOT_PLANNED);
	/* A planned time that has passed is not a planned session. */
	assert_int_equal(
		db_exec_script(db, "UPDATE mentorships SET next_session_at = 1789990000 WHERE id = 3"),
		DB_OK);
	assert_int_equal(save(db, 3, 4, "passed"), AGENDA_NOT_PLANNED);
	assert_int_equal(db_scalar(db, "SELECT count(*) FROM mentorships WHERE next_agenda IS NOT NULL", -1),
			 0);

	assert_int_equal(save(db, 1, 2, "Asks: the SECRET-agenda"), AGENDA_OK);
	struct planned p = {0};
	assert_int_equal(planned_get(db, 1, 1, &p), DB_OK);
	assert_string_equal(buf_str(&p.agenda), "Asks: the SECRET-agenda");
	assert_int_equal(p.at, 1790003600);
	assert_int_equal(p.plan_no, 4);
	assert_int_equal(p.active, 1);
	assert_int_equal(planned_get(db, 1, 3, &p), DB_NOTFOUND);
	assert_int_equal(
		db_scalar(db,
			  "SELECT instr(next_agenda, CAST('SECRET' AS BLOB)) FROM mentorships WHERE id = 1",
			  -1),
		0);
	/* Sealed for this plan: under another plan number it does not open. */
	assert_int_equal(db_exec_script(db, "UPDATE mentorships SET plan_no = 5 WHERE id = 1"), DB_OK);
	assert_int_equal(planned_get(db, 1, 2, &p), DB_ERR);
	assert_string_equal(buf_str(&p.agenda), "");
	assert_int_equal(db_exec_script(db, "UPDATE mentorships SET plan_no = 4 WHERE id = 1"), DB_OK);
	assert_int_equal(planned_get(db, 1, 2, &p), DB_OK);
	/* Logged: the agenda is the session's now. */
	assert_int_equal(db_begin(db), DB_OK);
	assert_int_equal(agenda_carried(db, 1), DB_OK);
	assert_int_equal(db_commit(db), DB_OK);
	assert_int_equal(planned_get(db, 1, 2, &p), DB_OK);
	assert_string_equal(buf_str(&p.agenda), "");
	/* "" removes it. */
	assert_int_equal(save(db, 1, 1, "again"), AGENDA_OK);
	assert_int_equal(save(db, 1, 1, ""), AGENDA_OK);
	assert_int_equal(db_scalar(db, "SELECT next_agenda IS NULL FROM mentorships WHERE id = 1", -1), 1);
	planned_free(&p);
	test_db_remove(db, path);
}

struct seen {
	int n;
	int64_t ids[8];
	char other[8][64];
	int64_t seq[8];
};

static void seen_row(void *arg, const struct planned_row *r)
{
	struct seen *s = arg;
	if (s->n == 8)
		return;
	s->ids[s->n] = r->mentorship_id;
	s->seq[s->n] = r->plan_seq;
	snprintf(s->other[s->n++], 64, "%s", r->other);
}

static void calendar_rows_and_uid(void **state)
{
	(void)state;
	char path[256];
	struct db *db = pair_db(path);
	struct seen s = {0};
	/* The mentee: the planned session of the active mentorship; not the
	 * ended one's future plan. */
	assert_int_equal(planned_each(db, 2, NOW, seen_row, &s), DB_OK);
	assert_int_equal(s.n, 1);
	assert_int_equal(s.ids[0], 1);
	assert_int_equal(s.seq[0], 2);
	assert_string_equal(s.other[0], "Mia Mentor");
	/* The mentor sees it named after the mentee; a session 10 days past
	 * stays, one 40 days past is gone. */
	assert_int_equal(
		db_exec_script(db,
			       "UPDATE mentorships SET next_session_at = 1790000000 - 864000 WHERE id = 3"),
		DB_OK);
	s = (struct seen){0};
	assert_int_equal(planned_each(db, 1, NOW, seen_row, &s), DB_OK);
	assert_int_equal(s.n, 2);
	assert_int_equal(s.ids[0], 3); /* soonest first */
	assert_string_equal(s.other[1], "Eli Mentee");
	assert_int_equal(
		db_exec_script(db,
			       "UPDATE mentorships SET next_session_at = 1790000000 - 3456000 WHERE id = 3"),
		DB_OK);
	s = (struct seen){0};
	assert_int_equal(planned_each(db, 1, NOW, seen_row, &s), DB_OK);
	assert_int_equal(s.n, 1);
	s = (struct seen){0};
	assert_int_equal(planned_each(db, 3, NOW, seen_row, &s), DB_OK);
	assert_int_equal(s.n, 0);

	char uid[128];
	ics_plan_uid("tandem.example.com", 7, 2, uid, sizeof(uid));
	assert_string_equal(uid, "mentorship-7-2@tandem.example.com");
	test_db_remove(db, path);
}

struct waits {
	int n[3];
	int64_t id[3];
	char line[3][128];
};

static void wait_row(void *arg, const struct dash_wait *w)
{
	struct waits *a = arg;
	a->n[w->kind]++;
	a->id[w->kind] = w->id;
	snprintf(a->line[w->kind], sizeof(a->line[0]), "%s|%s|%s|%d|%d", w->other, w->day, w->topic,
		 w->i_mentor, w->has_agenda);
}

static void waits_on_me(void **state)
{
	(void)state;
	char path[256];
	struct db *db = pair_db(path);
	struct waits w = {0};
	/* The mentee: the session in an hour, without an agenda yet. */
	assert_int_equal(dash_waits(db, 2, NOW, wait_row, &w), DB_OK);
	assert_int_equal(w.n[WAIT_SOON], 1);
	assert_string_equal(w.line[WAIT_SOON], "Mia Mentor|||0|0");
	assert_int_equal(w.n[WAIT_FEEDBACK] + w.n[WAIT_OVERDUE], 0);
	/* Not 25 hours ahead. */
	w = (struct waits){0};
	assert_int_equal(dash_waits(db, 2, NOW - 86400, wait_row, &w), DB_OK);
	assert_int_equal(w.n[WAIT_SOON], 0);
	/* Sessions logged: one recent (both owe feedback until they give it),
	 * one 40 days old (not listed). */
	assert_int_equal(save(db, 1, 2, "agenda"), AGENDA_OK);
	assert_int_equal(
		db_exec_script(db,
			       "INSERT INTO meetings(id, mentorship_id, author_id, held_on, duration_min, "
			       "kind, created_at) VALUES (10, 1, 1, '2026-09-20', 30, 'one_on_one', 1), "
			       "(11, 1, 1, '2026-08-10', 30, 'one_on_one', 1);"
			       "INSERT INTO feedback(meeting_id, author_id, rating, use_of_time, shared, "
			       "created_at) VALUES (10, 2, 5, 'right', 1, 1);"),
		DB_OK);
	w = (struct waits){0};
	assert_int_equal(dash_waits(db, 1, NOW, wait_row, &w), DB_OK);
	assert_int_equal(w.n[WAIT_FEEDBACK], 1);
	assert_int_equal(w.id[WAIT_FEEDBACK], 10);
	assert_string_equal(w.line[WAIT_FEEDBACK], "Eli Mentee|2026-09-20||0|0");
	assert_string_equal(w.line[WAIT_SOON], "Eli Mentee|||1|1");
	w = (struct waits){0};
	assert_int_equal(dash_waits(db, 2, NOW, wait_row, &w), DB_OK);
	assert_int_equal(w.n[WAIT_FEEDBACK], 0);
	/* Requests to mentor 1: 8 days old is overdue, 2 days is not, 15 days
	 * has expired, an answered one is not waiting. */
	assert_int_equal(
		db_exec_script(
			db, "INSERT INTO requests(id, mentee_id, mentor_id, topic_id, goal, format, "
			    "cadence, duration_min, weeks, created_at, status) VALUES "
			    "(20, 3, 1, 1, 'g', 'one_on_one', 'weekly', 30, 6, 1790000000 - 691200, "
			    "'pending'), (21, 4, 1, 1, 'g', 'one_on_one', 'weekly', 30, 6, "
			    "1790000000 - 172800, 'pending'), (22, 4, 1, 1, 'g', 'one_on_one', 'weekly', 30, "
			    "6, 1790000000 - 1296000, 'accepted'), (23, 2, 3, 1, 'g', 'one_on_one', "
			    "'weekly', 30, 6, 1790000000 - 1296000, 'pending')"),
		DB_OK);
	w = (struct waits){0};
	assert_int_equal(dash_waits(db, 1, NOW, wait_row, &w), DB_OK);
	assert_int_equal(w.n[WAIT_OVERDUE], 1);
	assert_int_equal(w.id[WAIT_OVERDUE], 20);
	assert_string_equal(w.line[WAIT_OVERDUE], "Sam Stranger||Career|0|0");
	w = (struct waits){0};
	assert_int_equal(dash_waits(db, 3, NOW, wait_row, &w), DB_OK);
	assert_int_equal(w.n[WAIT_OVERDUE] + w.n[WAIT_SOON] + w.n[WAIT_FEEDBACK], 0);
	test_db_remove(db, path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(agenda_ahead_rules),
		cmocka_unit_test(calendar_rows_and_uid),
		cmocka_unit_test(waits_on_me),
	};
	return cmocka_run_group_tests_name("planned sessions and what waits", tests, key_setup, key_teardown);
}
