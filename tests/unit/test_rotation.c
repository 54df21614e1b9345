/* The help-session rotation's planner (core/rotation.c): fair, spread,
 * covering, and saying what stays uncovered. */
#include "testutil.h"

#include <string.h>

#include "core/rotation.h"

/* No lead twice in a week; every planned slot has a valid lead. */
static void no_lead_twice_a_week(const struct rot_plan *p)
{
	for (int w = 0; w < p->weeks; w++) {
		int seen[ROT_MAX_LEADS] = {0};
		for (int d = 0; d < p->ndays; d++) {
			int l = p->lead[w][d];
			if (l < 0)
				continue;
			assert_true(l < p->nleads);
			assert_int_equal(seen[l], 0);
			seen[l] = 1;
		}
	}
}

static void seven_leads_five_days_eight_weeks(void **state)
{
	(void)state;
	struct rot_plan p;
	assert_int_equal(rotation_plan(7, 5, 8, NULL, &p), 0);
	no_lead_twice_a_week(&p);
	for (int w = 0; w < 8; w++)
		for (int d = 0; d < 5; d++)
			assert_true(p.lead[w][d] >= 0); /* every weekday covered */
	assert_int_equal(p.uncovered, 0);
	int min = 1000, max = 0, total = 0;
	for (int l = 0; l < 7; l++) {
		min = p.load[l] < min ? p.load[l] : min;
		max = p.load[l] > max ? p.load[l] : max;
		total += p.load[l];
	}
	assert_int_equal(total, 40);
	assert_true(max - min <= 1);
	/* Spread: nobody leads the same weekday in every one of their weeks. */
	for (int l = 0; l < 7; l++) {
		int days[5] = {0}, distinct = 0;
		for (int w = 0; w < 8; w++)
			for (int d = 0; d < 5; d++)
				days[d] += p.lead[w][d] == l;
		for (int d = 0; d < 5; d++)
			distinct += days[d] > 0;
		assert_true(distinct >= 3);
	}
}

static void loads_stay_within_one_for_many_shapes(void **state)
{
	(void)state;
	for (int leads = 1; leads <= 12; leads++)
		for (int days = 1; days <= 7; days++)
			for (int weeks = 1; weeks <= 26; weeks += 5) {
				struct rot_plan p;
				assert_int_equal(rotation_plan(leads, days, weeks, NULL, &p), 0);
				no_lead_twice_a_week(&p);
				int min = 1000, max = 0;
				for (int l = 0; l < leads; l++) {
					min = p.load[l] < min ? p.load[l] : min;
					max = p.load[l] > max ? p.load[l] : max;
				}
				assert_true(max - min <= 1);
				int expect = leads < days ? (days - leads) * weeks : 0;
				assert_int_equal(p.uncovered, expect);
			}
}

static void fewer_leads_than_days_says_which_stay_uncovered(void **state)
{
	(void)state;
	struct rot_plan p;
	assert_int_equal(rotation_plan(3, 5, 5, NULL, &p), 0);
	no_lead_twice_a_week(&p);
	assert_int_equal(p.uncovered, 10);
	int gaps[5] = {0};
	for (int w = 0; w < 5; w++) {
		int n = 0;
		for (int d = 0; d < 5; d++) {
			n += p.lead[w][d] >= 0;
			gaps[d] += p.lead[w][d] < 0;
		}
		assert_int_equal(n, 3); /* each of the three leads once */
	}
	/* The gap moves: over five weeks each weekday is left out twice. */
	for (int d = 0; d < 5; d++)
		assert_int_equal(gaps[d], 2);
}

static void a_lead_away_is_skipped_and_the_gap_filled(void **state)
{
	(void)state;
	unsigned char away[ROT_MAX_WEEKS][ROT_MAX_LEADS];
	memset(away, 0, sizeof(away));
	away[2][4] = 1; /* lead 4 away in week 2 */
	away[3][0] = away[3][1] = 1;
	struct rot_plan p;
	assert_int_equal(rotation_plan(7, 5, 8, (const unsigned char(*)[ROT_MAX_LEADS])away, &p), 0);
	no_lead_twice_a_week(&p);
	for (int d = 0; d < 5; d++) {
		assert_int_not_equal(p.lead[2][d], 4);
		assert_int_not_equal(p.lead[3][d], 0);
		assert_int_not_equal(p.lead[3][d], 1);
		assert_true(p.lead[2][d] >= 0 && p.lead[3][d] >= 0); /* filled by others */
	}
	assert_int_equal(p.uncovered, 0);
	/* Everyone away in a week: that week stays uncovered, plainly. */
	memset(away, 0, sizeof(away));
	for (int l = 0; l < 7; l++)
		away[1][l] = 1;
	assert_int_equal(rotation_plan(7, 5, 3, (const unsigned char(*)[ROT_MAX_LEADS])away, &p), 0);
	for (int d = 0; d < 5; d++)
		assert_int_equal(p.lead[1][d], -1);
	assert_int_equal(p.uncovered, 5);
}

static void fill_takes_the_least_loaded_free_lead(void **state)
{
	(void)state;
	int load[4] = {3, 1, 1, 2};
	unsigned char busy[4] = {0, 1, 0, 0};
	assert_int_equal(rotation_fill(4, load, busy), 2);
	unsigned char all[4] = {1, 1, 1, 1};
	assert_int_equal(rotation_fill(4, load, all), -1);
}

static void bad_shapes_are_refused(void **state)
{
	(void)state;
	struct rot_plan p;
	assert_int_equal(rotation_plan(0, 5, 8, NULL, &p), -1);
	assert_int_equal(rotation_plan(7, 8, 8, NULL, &p), -1);
	assert_int_equal(rotation_plan(7, 5, 27, NULL, &p), -1);
	assert_int_equal(rotation_plan(ROT_MAX_LEADS + 1, 5, 8, NULL, &p), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(seven_leads_five_days_eight_weeks),
		cmocka_unit_test(loads_stay_within_one_for_many_shapes),
		cmocka_unit_test(fewer_leads_than_days_says_which_stay_uncovered),
		cmocka_unit_test(a_lead_away_is_skipped_and_the_gap_filled),
		cmocka_unit_test(fill_takes_the_least_loaded_free_lead),
		cmocka_unit_test(bad_shapes_are_refused),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
