/* Issue 15: the admin overview's kept figures (sql/0012_kept_counts.sql)
 * equal a full recount after a long random sequence of the changes that
 * move them, and the admin's list of people pages by key without showing
 * a row twice or skipping one while accounts are added between pages. */
#include "testdb.h"
#include "testutil.h"

#include <string.h>

#include "store/kept.h"
#include "store/users.h"

static char dbpath[256];

static int setup(void **state)
{
	*state = test_db_open("kept", dbpath);
	kept_forget();
	return *state ? 0 : -1;
}

static int teardown(void **state)
{
	test_db_remove(*state, dbpath);
	return 0;
}

static uint64_t seed = 0x9e3779b97f4a7c15ull;
static int64_t pick(int64_t n)
{
	return test_pick(&seed, n);
}

static void run(struct db *db, sqlite3_stmt *st, int64_t a, int64_t b, const char *t)
{
	test_exec_named(db, st, a, b, pick(2), t);
}

static const char *const months[] = {"2026-10-03", "2026-11-20", "2026-12-01", "2026-12-31", "2027-01-15"};

static void one_change(struct db *db, int64_t *users)
{
	int64_t u = 1 + pick(*users), v = 1 + pick(*users);
	switch (pick(13)) {
	case 0:
	case 1: {
		static int made;
		char email[64];
		snprintf(email, sizeof(email), "made%d@example.com", ++made);
		int64_t id;
		assert_int_equal(
			user_create(db, email, "Pat Person", "x", pick(5) ? "member" : "admin", 1, &id),
			DB_OK);
		*users = id;
		break;
	}
	case 2:
		run(db, DB_STMT(db, "UPDATE profiles SET is_mentor = 1 - is_mentor WHERE user_id = :a"), u, 0,
		    NULL);
		/* The zone and goal kept on the person's row (sql/0040) follow the
		 * profile. */
		run(db, DB_STMT(db, "UPDATE profiles SET timezone = :t WHERE user_id = :a"), u, 0,
		    (const char *[]){"Europe/Berlin", "Asia/Kolkata", "UTC", "America/Los_Angeles"}[pick(4)]);
		run(db, DB_STMT(db, "UPDATE profiles SET pairing_goal = :b WHERE user_id = :a"), v, pick(11),
		    NULL);
		if (!pick(8))
			run(db, DB_STMT(db, "DELETE FROM profiles WHERE user_id = :a"), v, 0, NULL);
		if (!pick(8))
			run(db,
			    DB_STMT(db, "INSERT OR IGNORE INTO profiles(user_id, timezone) VALUES (:a, :t)"),
			    v, 0, "Pacific/Auckland");
		break;
	case 3: run(db, DB_STMT(db, "UPDATE users SET active = 1 - active WHERE id = :a"), u, 0, NULL); break;
	case 4:
		run(db,
		    DB_STMT(db,
			    "UPDATE users SET role = CASE role WHEN 'admin' THEN 'member' ELSE 'admin' END "
			    "WHERE id = :a"),
		    u, 0, NULL);
		break;
	case 5: /* refused while requests point at the account */
		run(db, DB_STMT(db, "DELETE FROM users WHERE id = :a"), u, 0, NULL);
		break;
	case 6:
		if (u == v)
			break;
		run(db,
		    DB_STMT(db,
			    "INSERT INTO requests(mentee_id, mentor_id, topic_id, goal, format, cadence, "
			    "duration_min, weeks, status, created_at) VALUES (:a, :b, 1, 'g', 'one_on_one', "
			    "'weekly', 30, 6, 'accepted', 1)"),
		    u, v, NULL);
		run(db,
		    DB_STMT(db,
			    "INSERT INTO mentorships(request_id, mentor_id, mentee_id, topic_id, goal, "
			    "format, cadence, duration_min, weeks, started_on, planned_end, status, "
			    "created_at) "
			    "SELECT id, mentor_id, mentee_id, 1, 'g', 'one_on_one', 'weekly', 30, 6, "
			    "'2026-01-01', '2026-02-12', :t, 1 FROM requests WHERE id = last_insert_rowid()"),
		    0, 0, pick(3) ? "active" : "completed");
		break;
	case 7:
		run(db,
		    DB_STMT(db,
			    "UPDATE mentorships SET status = :t WHERE id = (SELECT id FROM mentorships "
			    "ORDER BY id LIMIT 1 OFFSET :a % max(1, (SELECT count(*) FROM mentorships)))"),
		    pick(1000), 0, pick(2) ? "ended_early" : "active");
		/* A plan's weeks added, ticked, unticked, cut (sql/0041's count). */
		run(db,
		    DB_STMT(db,
			    "INSERT OR IGNORE INTO plan_weeks(mentorship_id, week, title, done) SELECT id, "
			    "1 + :b % 6, 'Week', :c FROM mentorships ORDER BY id LIMIT 1 OFFSET :a % "
			    "max(1, (SELECT count(*) FROM mentorships))"),
		    pick(1000), pick(6), NULL);
		run(db,
		    DB_STMT(db,
			    "UPDATE plan_weeks SET done = 1 - done WHERE (mentorship_id, week) = (SELECT "
			    "mentorship_id, week FROM plan_weeks ORDER BY 1, 2 LIMIT 1 OFFSET :a % max(1, "
			    "(SELECT count(*) FROM plan_weeks)))"),
		    pick(1000), 0, NULL);
		if (!pick(6))
			run(db,
			    DB_STMT(db,
				    "DELETE FROM plan_weeks WHERE mentorship_id = (SELECT mentorship_id FROM "
				    "plan_weeks ORDER BY 1 LIMIT 1 OFFSET :a % max(1, (SELECT count(*) FROM "
				    "plan_weeks))) AND week > :b"),
			    pick(1000), pick(4), NULL);
		break;
	case 8:
		run(db,
		    DB_STMT(db, "INSERT INTO meetings(mentorship_id, author_id, held_on, duration_min, kind, "
				"created_at) SELECT id, mentor_id, :t, 30, 'one_on_one', 1 FROM mentorships "
				"ORDER BY id LIMIT 1 OFFSET :a % max(1, (SELECT count(*) FROM mentorships))"),
		    pick(1000), 0, months[pick(5)]);
		break;
	case 9:
		run(db,
		    DB_STMT(db, "UPDATE meetings SET held_on = :t WHERE id = (SELECT id FROM meetings ORDER "
				"BY id "
				"LIMIT 1 OFFSET :a % max(1, (SELECT count(*) FROM meetings)))"),
		    pick(1000), 0, months[pick(5)]);
		if (pick(2))
			run(db,
			    DB_STMT(db,
				    "DELETE FROM meetings WHERE id = (SELECT id FROM meetings ORDER BY id "
				    "LIMIT 1 OFFSET :a % max(1, (SELECT count(*) FROM meetings)))"),
			    pick(1000), 0, NULL);
		break;
	case 10:
		run(db,
		    DB_STMT(db, "INSERT INTO survey_invitations(survey_id, user_id, mentorship_id, role, "
				"answered) "
				"SELECT 1 + :c, mentee_id, id, 'mentee', :b FROM mentorships ORDER BY id "
				"LIMIT 1 OFFSET :a % max(1, (SELECT count(*) FROM mentorships))"),
		    pick(1000), pick(2), NULL);
		break;
	case 11: /* a survey opened, closed, or back to a draft (sql/0034's counts) */
		run(db, DB_STMT(db, "UPDATE surveys SET status = :t WHERE id = 1 + :a"), pick(2), 0,
		    (const char *[]){"open", "closed", "draft"}[pick(3)]);
		break;
	default:
		run(db,
		    DB_STMT(db,
			    "UPDATE survey_invitations SET answered = 1 - answered WHERE id = (SELECT id "
			    "FROM survey_invitations ORDER BY id LIMIT 1 OFFSET :a % max(1, (SELECT count(*) "
			    "FROM survey_invitations)))"),
		    pick(1000), 0, NULL);
		if (!pick(4))
			run(db,
			    DB_STMT(db, "DELETE FROM survey_invitations WHERE id = (SELECT max(id) FROM "
					"survey_invitations)"),
			    0, 0, NULL);
		break;
	}
}

static void kept_figures_equal_a_recount(void **state)
{
	struct db *db = *state;
	assert_int_equal(db_exec_script(db, "INSERT INTO topics(id, name, key) VALUES (1, 'Rust', 'rust'); "
					    "INSERT OR IGNORE INTO surveys(id, title, audience) VALUES "
					    "(1, 'After', 'both'), (2, 'Pulse', 'both')"),
			 DB_OK);
	int64_t users = 0, now = 1796083200; /* 2026-12-01 */
	for (int i = 0; i < 4; i++) {
		char email[64];
		snprintf(email, sizeof(email), "p%d@example.com", i + 1);
		assert_int_equal(user_create(db, email, "Pat", "x", "member", 1, &users), DB_OK);
	}
	int closed_seen = 0, open_seen = 0;   /* the surveys' state moved both ways */
	int waiting_seen = 0, weeks_seen = 0; /* someone had a survey waiting */
	for (int step = 0; step < 3000; step++) {
		assert_int_equal(db_begin(db), DB_OK);
		one_change(db, &users);
		assert_int_equal(db_commit(db), DB_OK);
		closed_seen |= db_scalar(db, "SELECT count(*) FROM surveys WHERE status <> 'open'", 0) > 0;
		open_seen |= db_scalar(db, "SELECT count(*) FROM surveys WHERE status = 'open'", 0) > 0;
		waiting_seen |= db_scalar(db, "SELECT max(surveys_waiting) FROM users", 0) > 0;
		if (step % 500 != 499)
			continue;
		struct kept_overview o;
		assert_int_equal(kept_overview(db, now, &o), DB_OK);
		assert_int_equal(o.members, db_scalar(db, "SELECT count(*) FROM users WHERE active = 1", -1));
		assert_int_equal(
			o.admins,
			db_scalar(db, "SELECT count(*) FROM users WHERE active = 1 AND role = 'admin'", -1));
		assert_int_equal(o.mentors,
				 db_scalar(db,
					   "SELECT count(*) FROM profiles p JOIN users u ON u.id = "
					   "p.user_id WHERE p.is_mentor = 1 AND u.active = 1",
					   -1));
		assert_int_equal(
			o.active_ms,
			db_scalar(db, "SELECT count(*) FROM mentorships WHERE status = 'active'", -1));
		assert_int_equal(
			o.done_ms,
			db_scalar(db, "SELECT count(*) FROM mentorships WHERE status <> 'active'", -1));
		assert_int_equal(o.sessions, db_scalar(db, "SELECT count(*) FROM meetings", -1));
		assert_int_equal(
			o.sessions_month,
			db_scalar(db, "SELECT count(*) FROM meetings WHERE held_on >= '2026-12-01'", -1));
		assert_int_equal(o.survey_invited,
				 db_scalar(db, "SELECT count(*) FROM survey_invitations", -1));
		assert_int_equal(
			o.survey_answered,
			db_scalar(db, "SELECT count(*) FROM survey_invitations WHERE answered = 1", -1));
		/* Each person's open invitations not answered: the layout's count,
		 * read with the session (sql/0034). */
		assert_int_equal(
			db_scalar(db,
				  "SELECT count(*) FROM users u WHERE u.surveys_waiting <> (SELECT "
				  "count(*) FROM survey_invitations i JOIN surveys s ON s.id = "
				  "i.survey_id WHERE i.user_id = u.id AND i.answered = 0 AND s.status = "
				  "'open')",
				  -1),
			0);
		/* Each person's zone and goal as the session lookup reads them
		 * (sql/0040). */
		assert_int_equal(
			db_scalar(
				db,
				"SELECT count(*) FROM users u LEFT JOIN profiles p ON p.user_id = u.id "
				"WHERE u.timezone IS NOT p.timezone OR u.pairing_goal IS NOT p.pairing_goal",
				-1),
			0);
		/* Each mentorship's weeks done, as its lists read them (sql/0041). */
		assert_int_equal(
			db_scalar(db,
				  "SELECT count(*) FROM mentorships m WHERE m.weeks_done <> (SELECT "
				  "count(*) FROM plan_weeks w WHERE w.mentorship_id = m.id AND w.done)",
				  -1),
			0);
		weeks_seen |= db_scalar(db, "SELECT max(weeks_done) FROM mentorships", 0) >= 2;
		/* Per survey, as the admin's list of surveys reads them. */
		assert_int_equal(
			db_scalar(db, "SELECT n FROM kept_counts WHERE name = 'inv:1'", 0),
			db_scalar(db, "SELECT count(*) FROM survey_invitations WHERE survey_id = 1", -1));
		assert_int_equal(
			db_scalar(db, "SELECT n FROM kept_counts WHERE name = 'ans:1'", 0),
			db_scalar(db,
				  "SELECT count(*) FROM survey_invitations WHERE survey_id = 1 AND answered",
				  -1));
	}
	/* The sequence really moved every figure, in both directions. */
	assert_true(db_scalar(db, "SELECT count(*) FROM users WHERE active = 0", 0) > 0);
	assert_true(db_scalar(db, "SELECT count(*) FROM meetings", 0) > 0);
	assert_true(db_scalar(db, "SELECT count(*) FROM mentorships WHERE status <> 'active'", 0) > 0);
	assert_true(db_scalar(db, "SELECT count(*) FROM survey_invitations WHERE answered = 1", 0) > 0);
	assert_true(waiting_seen && weeks_seen);
	assert_true(db_scalar(db, "SELECT count(*) FROM plan_weeks WHERE done = 0", 0) > 0);
	assert_true(db_scalar(db, "SELECT count(DISTINCT timezone) FROM users", 0) >= 4);
	assert_true(db_scalar(db, "SELECT count(*) FROM users WHERE timezone IS NULL", 0) > 0);
	assert_true(db_scalar(db, "SELECT count(DISTINCT pairing_goal) FROM users", 0) >= 5);
	assert_true(closed_seen && open_seen);
	assert_true(users > 400);
}

struct seen {
	int64_t ids[8000];
	int n, pages;
	int64_t last_id;
	char last_name[400];
};

static void collect(void *arg, const struct user_row *r)
{
	struct seen *s = arg;
	if (s->n < 8000)
		s->ids[s->n++] = r->id;
	s->last_id = r->id;
	snprintf(s->last_name, sizeof(s->last_name), "%s", r->key);
}

static int64_t add_user(struct db *db, const char *name, int i, const char *role)
{
	char email[64];
	snprintf(email, sizeof(email), "u%d@example.com", i);
	int64_t id;
	assert_int_equal(db_begin(db), DB_OK);
	assert_int_equal(user_create(db, email, name, "x", role, 1, &id), DB_OK);
	assert_int_equal(db_commit(db), DB_OK);
	return id;
}

/* Every account present before the first page is shown exactly once; the
 * ones added meanwhile at most once. */
static void check_pages(struct db *db, const char *search, const char *role, int before, int *next)
{
	struct seen s = {0};
	int more = 1;
	while (more) {
		struct user_query q = {search, role, s.last_name, s.last_id};
		assert_int_equal(user_page(db, &q, 50, collect, &s, &more), DB_OK);
		s.pages++;
		/* Between pages, new people with the very names being paged
		 * (ties in the sort key), before and after the cursor. */
		add_user(db, "Ana Abara", (*next)++, "member");
		add_user(db, "Zoë Zhang", (*next)++, "admin");
		add_user(db, s.last_name, (*next)++, "member");
	}
	assert_true(s.pages > 2);
	for (int i = 0; i < s.n; i++)
		for (int j = i + 1; j < s.n; j++)
			assert_true(s.ids[i] != s.ids[j]);
	for (int id = 1; id <= before; id++) {
		int found = 0;
		for (int i = 0; i < s.n; i++)
			found += s.ids[i] == id;
		struct user u;
		assert_int_equal(user_by_id(db, id, &u), DB_OK);
		int wanted = (!*role || !strcmp(u.role, role)) && (!*search || strstr(u.name, "Zo"));
		assert_int_equal(found, wanted);
	}
}

static void user_pages_never_repeat_or_skip(void **state)
{
	struct db *db = *state;
	static const char *const names[] = {"Ana Abara", "ana abara", "Chloé Dubois", "Zoë Zhang",
					    "Ben Berg"};
	int next = 1;
	for (int i = 0; i < 600; i++)
		add_user(db, names[i % 5], next++, i % 7 ? "member" : "admin");
	check_pages(db, "", "", 600, &next);
	check_pages(db, "", "member", 600, &next);
	check_pages(db, "zo", "", 600, &next);
}

static void user_search_by_name_and_address(void **state)
{
	struct db *db = *state;
	add_user(db, "Chloé Dubois", 1, "member");
	add_user(db, "Kwame Okafor", 2, "admin");
	add_user(db, "Chlodwig Berg", 3, "member");
	add_user(db, "Élodie Moreau", 4, "member");
	add_user(db, "Ana Abara", 5, "member");
	struct {
		const char *search, *role;
		int n;
		int64_t first;
	} cases[] = {
		{"chloe", "", 1, 1},  /* no accent typed: found */
		{"CHLO", "", 2, 3},   /* a prefix, any case; by the name matched */
		{"a", "", 1, 5},      /* "Ana Abara" matches twice, is shown once */
		{"dub", "", 1, 1},    /* the start of another word */
		{"u2@exa", "", 1, 2}, /* the address */
		{"u2@example.com", "", 1, 2},
		{"chlo", "admin", 0, 0}, /* with the role filter */
		{"okafor", "admin", 1, 2},
		{"zzz", "", 0, 0},
		{"chlo%", "", 0, 0},	 /* typed characters are only characters */
		{"ÉLO", "", 1, 4},	 /* accents and case folded on both sides */
		{"chloe dub", "", 1, 1}, /* across words */
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct seen s = {0};
		int more;
		struct user_query q = {cases[i].search, cases[i].role, "", 0};
		assert_int_equal(user_page(db, &q, 50, collect, &s, &more), DB_OK);
		assert_int_equal(s.n, cases[i].n);
		if (s.n)
			assert_int_equal(s.ids[0], cases[i].first);
		assert_int_equal(more, 0);
	}
	/* A rename is found by its new name only. */
	assert_int_equal(db_exec_script(db, "UPDATE users SET display_name = 'Kofi Mensah' WHERE id = 2"),
			 DB_OK);
	struct seen s = {0};
	int more;
	struct user_query q = {"kwame", "", "", 0};
	assert_int_equal(user_page(db, &q, 50, collect, &s, &more), DB_OK);
	assert_int_equal(s.n, 0);
	q.search = "mens";
	assert_int_equal(user_page(db, &q, 50, collect, &s, &more), DB_OK);
	assert_int_equal(s.n, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(kept_figures_equal_a_recount, setup, teardown),
		cmocka_unit_test_setup_teardown(user_pages_never_repeat_or_skip, setup, teardown),
		cmocka_unit_test_setup_teardown(user_search_by_name_and_address, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
