/* Random pairing rounds (core/pairing.c): everyone due is matched each
 * round, one trio when the count is odd, no pair twice within 6 rounds,
 * across teams where asked, and the edge cases a small program meets;
 * then the store's rounds (store/coffee.c): on the master's schedule, due
 * people only, a mail each, skips honoured once. */
#include "testdb.h"

#include "core/clock.h"
#include "core/pairing.h"
#include "store/coffee.h"

#define PEOPLE 1001
#define TEAMS 40
#define ROUNDS 6

/* Check one round's groups: sizes 2 (and one 3 when odd), everyone in one.
 * Adds its pairs to hist (the pairs of every round so far) and checks none
 * was there. Returns how many pairs were across teams, *pairs_out all. */
static size_t check_round(const struct pairing_person *p, size_t n, const int *group, long ngroups,
			  struct pairing_pair *hist, size_t *nhist, size_t *pairs_out)
{
	int *size = calloc((size_t)ngroups, sizeof(int));
	size_t *first = calloc((size_t)ngroups * 3, sizeof(size_t));
	assert_non_null(size);
	assert_non_null(first);
	for (size_t i = 0; i < n; i++) {
		assert_true(group[i] >= 0 && group[i] < ngroups); /* everyone due is matched */
		assert_true(size[group[i]] < 3);
		first[(size_t)group[i] * 3 + (size_t)size[group[i]]++] = i;
	}
	int trios = 0;
	size_t across = 0, pairs = 0;
	for (long g = 0; g < ngroups; g++) {
		assert_true(size[g] == 2 || size[g] == 3);
		trios += size[g] == 3;
		for (int a = 0; a < size[g]; a++)
			for (int b = a + 1; b < size[g]; b++) {
				const struct pairing_person *x = &p[first[g * 3 + (size_t)a]],
							    *y = &p[first[g * 3 + (size_t)b]];
				int64_t lo = x->id < y->id ? x->id : y->id,
					hi = x->id < y->id ? y->id : x->id;
				for (size_t h = 0; h < *nhist; h++)
					assert_false(hist[h].a == lo && hist[h].b == hi); /* no repeat */
				hist[(*nhist)++] = (struct pairing_pair){lo, hi};
				pairs++;
				across += x->team != y->team;
			}
	}
	assert_int_equal(trios, n % 2);
	free(size);
	free(first);
	*pairs_out = pairs;
	return across;
}

static void thousand_and_one_people_six_rounds(void **state)
{
	(void)state;
	static struct pairing_person p[PEOPLE];
	for (size_t i = 0; i < PEOPLE; i++)
		p[i] = (struct pairing_person){(int64_t)(1000 + i * 7), (int)(i % TEAMS), 1};
	static struct pairing_pair hist[PEOPLE * ROUNDS * 2], recent[PEOPLE * ROUNDS * 2];
	size_t nhist = 0;
	static int group[PEOPLE];
	int64_t slowest = 0;
	for (int r = 0; r < ROUNDS; r++) {
		/* What the store hands over: the pairs of the rounds before. */
		memcpy(recent, hist, nhist * sizeof(*hist));
		int64_t t0 = clock_mono_us();
		long ng = pairing_match(p, PEOPLE, recent, nhist, 42 + (uint64_t)r, group);
		int64_t took = clock_mono_us() - t0;
		slowest = took > slowest ? took : slowest;
		assert_int_equal(ng, PEOPLE / 2);
		size_t pairs = 0;
		size_t across = check_round(p, PEOPLE, group, ng, hist, &nhist, &pairs);
		assert_true(across * 10 >= pairs * 9); /* >= 90 % across teams */
	}
	/* A figure, not a verdict (timing assertions flake on a shared box):
	 * the issue asks for under a second a round. */
	printf("pairing: %d people, %d teams: slowest of %d rounds %lld us\n", PEOPLE, TEAMS, ROUNDS,
	       (long long)slowest);
	assert_true(slowest < 5 * 1000000);
}

static void a_recent_pair_is_never_matched_again(void **state)
{
	(void)state;
	struct pairing_person p[2] = {{1, 0, 1}, {2, 1, 1}};
	struct pairing_pair recent[1] = {{2, 1}};
	int group[2];
	assert_int_equal(pairing_match(p, 2, recent, 1, 7, group), 0);
	assert_int_equal(group[0], -1);
	assert_int_equal(group[1], -1);
	/* Four people where one pair is barred: the other two pairings. */
	struct pairing_person q[4] = {{1, 0, 1}, {2, 0, 1}, {3, 1, 1}, {4, 1, 1}};
	struct pairing_pair r2[2] = {{1, 3}, {2, 4}};
	int g4[4];
	for (uint64_t seed = 1; seed < 50; seed++) {
		assert_int_equal(pairing_match(q, 4, r2, 2, seed, g4), 2);
		assert_int_equal(g4[0], g4[3]); /* 1 with 4 */
		assert_int_equal(g4[1], g4[2]); /* 2 with 3 */
	}
}

static void three_make_a_trio_and_one_is_alone(void **state)
{
	(void)state;
	struct pairing_person p[3] = {{1, 0, 1}, {2, 1, 1}, {3, 2, 0}};
	int group[3];
	assert_int_equal(pairing_match(p, 3, NULL, 0, 3, group), 1);
	assert_true(group[0] == 0 && group[1] == 0 && group[2] == 0);
	assert_int_equal(pairing_match(p, 1, NULL, 0, 3, group), 0);
	assert_int_equal(group[0], -1);
	assert_int_equal(pairing_match(p, 0, NULL, 0, 3, group), 0);
}

static void one_team_still_pairs_when_nobody_asked_for_across(void **state)
{
	(void)state;
	struct pairing_person p[6];
	for (int i = 0; i < 6; i++)
		p[i] = (struct pairing_person){i + 1, 5, 0};
	int group[6];
	assert_int_equal(pairing_match(p, 6, NULL, 0, 9, group), 3);
	for (int i = 0; i < 6; i++)
		assert_true(group[i] >= 0);
}

#define T0 1790000000 /* 2026-09-21 */
#define DAY 86400

static int64_t count(struct db *db, const char *sql)
{
	return db_scalar(db, sql, -1);
}

/* 41 people in 4 teams opted in every two weeks (one monthly, one away),
 * one more opted out. */
static struct db *coffee_db(char path[256])
{
	struct db *db = test_db_open("coffee", path);
	assert_non_null(db);
	assert_int_equal(
		db_exec_script(
			db, "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 42) "
			    "INSERT INTO users(id, email, display_name, pw_hash, created_at) "
			    "SELECT i, 'p' || i || '@example.com', 'Person ' || i, 'x', 1 FROM n;"
			    "INSERT OR REPLACE INTO profiles(user_id, team) SELECT id, 'Team ' || (id % 4) "
			    "FROM users;"
			    "INSERT INTO coffee_prefs(user_id, opt_in, every, across_teams) "
			    "SELECT id, id <> 42, CASE id WHEN 41 THEN 'month' ELSE '2w' END, 1 FROM users;"
			    "UPDATE coffee_prefs SET skip_next = 1 WHERE user_id = 40;"),
		DB_OK);
	return db;
}

static void rounds_run_on_schedule_for_those_due(void **state)
{
	(void)state;
	char path[256];
	struct db *db = coffee_db(path);
	/* The master's minute task: a round when none ran yet ... */
	coffee_tick(db, T0);
	assert_int_equal(count(db, "SELECT count(*) FROM coffee_rounds"), 1);
	/* 40 due (41 opted in, one away): 20 pairs, every one across teams. */
	assert_int_equal(count(db, "SELECT people FROM coffee_rounds"), 40);
	assert_int_equal(count(db, "SELECT matches FROM coffee_rounds"), 20);
	assert_int_equal(count(db, "SELECT count(*) FROM coffee_match_people p JOIN coffee_match_people q "
				   "ON q.match_id = p.match_id AND q.user_id > p.user_id "
				   "WHERE p.user_id % 4 = q.user_id % 4"),
			 0);
	assert_int_equal(count(db, "SELECT count(*) FROM coffee_match_people WHERE user_id IN (40, 42)"), 0);
	/* One mail each, in the round's transaction. */
	assert_int_equal(count(db, "SELECT count(*) FROM outbox WHERE event = 35"), 40);
	/* The one away is back for the next round. */
	assert_int_equal(count(db, "SELECT skip_next FROM coffee_prefs WHERE user_id = 40"), 0);
	/* ... and not again for 14 days. */
	coffee_tick(db, T0 + 60);
	coffee_tick(db, T0 + 13 * DAY);
	assert_int_equal(count(db, "SELECT count(*) FROM coffee_rounds"), 1);
	coffee_tick(db, T0 + 14 * DAY);
	assert_int_equal(count(db, "SELECT count(*) FROM coffee_rounds"), 2);
	/* Due two weeks on: everyone every two weeks (40 and the 39 others),
	 * not the monthly one. */
	assert_int_equal(count(db, "SELECT people FROM coffee_rounds WHERE id = 2"), 40);
	assert_int_equal(count(db, "SELECT count(*) FROM coffee_match_people p JOIN coffee_matches m "
				   "ON m.id = p.match_id WHERE m.round_id = 2 AND p.user_id = 41"),
			 0);
	/* Six scheduled rounds: no pair twice. */
	for (int r = 2; r < 6; r++)
		coffee_tick(db, T0 + (int64_t)(r + 1) * 14 * DAY);
	assert_int_equal(count(db, "SELECT count(*) FROM coffee_rounds"), 6);
	assert_int_equal(
		count(db, "SELECT count(*) FROM (SELECT p.user_id, q.user_id FROM coffee_match_people p "
			  "JOIN coffee_match_people q ON q.match_id = p.match_id AND q.user_id > p.user_id "
			  "GROUP BY 1, 2 HAVING count(*) > 1)"),
		0);
	/* Nobody opted in: no round. */
	assert_int_equal(db_exec_script(db, "UPDATE coffee_prefs SET opt_in = 0"), DB_OK);
	coffee_tick(db, T0 + 200 * DAY);
	assert_int_equal(count(db, "SELECT count(*) FROM coffee_rounds"), 6);
	test_db_remove(db, path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(thousand_and_one_people_six_rounds),
		cmocka_unit_test(a_recent_pair_is_never_matched_again),
		cmocka_unit_test(three_make_a_trio_and_one_is_alone),
		cmocka_unit_test(one_team_still_pairs_when_nobody_asked_for_across),
		cmocka_unit_test(rounds_run_on_schedule_for_those_due),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
