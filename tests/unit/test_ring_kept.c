/* Issue 15/18: the mentors' names each ring keeps for the lists
 * (rings.mentor_names, sql/0031_ring_kept.sql) equal what the
 * subquery the lists used to run gives, and each ring session's kept
 * count of who came (ring_sessions.attended) equals a recount, after a
 * long random sequence of the changes that move them: mentors invited,
 * accepting, declining, leaving, moved between rings, people renamed,
 * attendance ticked, unticked and moved; and each office-hours
 * occurrence's kept host name (oh_occurrences.host_name) equals the
 * host's name through occurrences published and handed to another host. */
#include "testdb.h"
#include "testutil.h"

#include "store/db.h"

TEST_DB_FIXTURE("ringnames")

static uint64_t seed = 0x2545f4914f6cdd1dull;
static int64_t pick(int64_t n)
{
	return test_pick(&seed, n);
}

/* One statement with :a and :b bound where it names them. */
static void run(struct db *db, sqlite3_stmt *st, int64_t a, int64_t b)
{
	test_exec_named(db, st, a, b, 0, NULL);
}

#define PEOPLE 12
#define RINGS 6
#define SESSIONS 8

static void one_change(struct db *db)
{
	int64_t ring = 1 + pick(RINGS), user = 1 + pick(PEOPLE), session = 1 + pick(SESSIONS);
	switch (pick(12)) {
	case 0:
		run(db,
		    DB_STMT(db,
			    "INSERT INTO ring_mentors(ring_id, user_id, state) VALUES (:a, :b, 'invited')"),
		    ring, user);
		break;
	case 1:
		run(db,
		    DB_STMT(db,
			    "INSERT INTO ring_mentors(ring_id, user_id, state) VALUES (:a, :b, 'active')"),
		    ring, user);
		break;
	case 2:
		run(db,
		    DB_STMT(db,
			    "UPDATE ring_mentors SET state = 'active' WHERE ring_id = :a AND user_id = :b"),
		    ring, user);
		break;
	case 3:
		run(db, DB_STMT(db, "DELETE FROM ring_mentors WHERE ring_id = :a AND user_id = :b"), ring,
		    user);
		break;
	case 4:
		run(db, DB_STMT(db, "UPDATE ring_mentors SET ring_id = :a WHERE user_id = :b"), ring, user);
		break;
	case 5:
		run(db,
		    DB_STMT(db,
			    "UPDATE users SET display_name = 'Person ' || :a || '-' || abs(random() % 1000) "
			    "WHERE id = :b"),
		    ring, user);
		break;
	case 6: run(db, DB_STMT(db, "UPDATE users SET email = email WHERE id = :b"), ring, user); break;
	case 7:
		run(db, DB_STMT(db, "INSERT INTO ring_attendees(session_id, user_id) VALUES (:a, :b)"),
		    session, user);
		break;
	case 8:
		run(db, DB_STMT(db, "DELETE FROM ring_attendees WHERE session_id = :a AND user_id = :b"),
		    session, user);
		break;
	case 9:
		run(db, DB_STMT(db, "UPDATE ring_attendees SET session_id = :a WHERE user_id = :b"), session,
		    user);
		break;
	case 10:
		run(db,
		    DB_STMT(db, "INSERT INTO oh_occurrences(series_id, host_id, starts_at, held_on, "
				"duration_min, seats) VALUES (1, :b, :a, '2026-11-02', 30, 4)"),
		    session, user);
		break;
	default:
		run(db,
		    DB_STMT(db, "UPDATE oh_occurrences SET host_id = :b WHERE id = (SELECT max(id) FROM "
				"oh_occurrences WHERE id <= :a * 7)"),
		    session, user);
		break;
	}
}

/* Rings whose kept names differ from the subquery's, and sessions whose
 * kept count differs from a recount. */
static int64_t drift(struct db *db)
{
	sqlite3_stmt *st = DB_STMT(
		db, "SELECT (SELECT count(*) FROM rings g WHERE g.mentor_names IS NOT coalesce((SELECT "
		    "group_concat(u.display_name, ' and ') FROM ring_mentors x JOIN users u ON u.id = "
		    "x.user_id WHERE x.ring_id = g.id AND x.state = 'active'), '')) + (SELECT count(*) FROM "
		    "ring_sessions s WHERE s.attended <> (SELECT count(*) FROM ring_attendees a WHERE "
		    "a.session_id = s.id)) + (SELECT count(*) FROM oh_occurrences o WHERE o.host_name IS "
		    "NOT (SELECT u.display_name FROM users u WHERE u.id = o.host_id))");
	assert_non_null(st);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	int64_t n = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return n;
}

static void kept_values_follow_every_change(void **state)
{
	struct db *db = *state;
	for (int i = 1; i <= PEOPLE; i++)
		run(db,
		    DB_STMT(db, "INSERT INTO users(email, display_name, pw_hash, created_at) "
				"VALUES ('p' || :a || '@example.com', 'Person ' || :a, 'x', 0)"),
		    i, 0);
	for (int i = 1; i <= RINGS; i++)
		run(db,
		    DB_STMT(db, "INSERT INTO rings(owner_id, topic, seats, cadence, duration_min, weeks, "
				"created_at) VALUES (:a, 'Topic', 12, 'weekly', 90, 8, 0)"),
		    i, 0);
	for (int i = 1; i <= SESSIONS; i++)
		run(db,
		    DB_STMT(db, "INSERT INTO ring_sessions(ring_id, author_id, held_on, duration_min, "
				"created_at) VALUES (1 + :a % 6, 1, '2026-11-0' || :a, 90, 0)"),
		    i, 0);
	run(db,
	    DB_STMT(db, "INSERT INTO office_hours(host_id, weekday, start_time, timezone, duration_min, "
			"seats, topic, place, weeks, created_at) VALUES (1, 1, '10:00', 'UTC', 30, 4, "
			"'Topic', 'Room', 4, 0)"),
	    0, 0);
	int64_t named = 0, crowded = 0;
	for (int i = 0; i < 4000; i++) {
		one_change(db);
		if (i % 50 == 0)
			assert_int_equal(drift(db), 0);
		named += db_scalar(db, "SELECT count(*) FROM rings WHERE mentor_names LIKE '% and %'", 0) > 0;
		crowded += db_scalar(db, "SELECT count(*) FROM ring_sessions WHERE attended > 2", 0) > 0;
	}
	assert_int_equal(drift(db), 0);
	/* The sequence reached rings with two mentors or more, not only one,
	 * and sessions with several people ticked. */
	assert_true(named > 100);
	assert_true(crowded > 100);
	assert_true(db_scalar(db, "SELECT count(DISTINCT host_id) FROM oh_occurrences", 0) > 5);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(kept_values_follow_every_change, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
