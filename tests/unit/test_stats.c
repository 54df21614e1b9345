/* The before/after statistics (core/stats.c) on numbers from tables, and
 * the suppression and calendar of the insight figures (core/insight.c). */
#include "testutil.h"

#include <math.h>
#include <string.h>

#include "core/insight.h"
#include "core/stats.h"

#define NEAR(a, b, eps) assert_true(fabs((a) - (b)) < (eps))

static void t_quantiles(void **state)
{
	(void)state;
	/* Student's t, 97.5th percentile, from the printed tables. */
	NEAR(stats_t975(1), 12.706205, 1e-4);
	NEAR(stats_t975(2), 4.302653, 1e-4);
	NEAR(stats_t975(3), 3.182446, 0.01);
	NEAR(stats_t975(4), 2.776445, 0.005);
	NEAR(stats_t975(5), 2.570582, 0.003);
	NEAR(stats_t975(8), 2.306004, 0.002);
	NEAR(stats_t975(10), 2.228139, 0.001);
	NEAR(stats_t975(30), 2.042272, 0.001);
	NEAR(stats_t975(1e6), 1.959964, 0.001);
}

static void t_two_proportions(void **state)
{
	(void)state;
	/* 12 % of 1000 member-weeks before, 19 % of 1000 after. */
	struct stats_diff d = stats_two_prop(120, 1000, 190, 1000);
	assert_true(d.valid);
	NEAR(d.before, 0.12, 1e-9);
	NEAR(d.after, 0.19, 1e-9);
	NEAR(d.diff, 0.07, 1e-9);
	/* se = sqrt(.12*.88/1000 + .19*.81/1000) = 0.0161090 */
	NEAR(d.lo, 0.07 - 1.959964 * 0.0161090, 1e-5);
	NEAR(d.hi, 0.07 + 1.959964 * 0.0161090, 1e-5);
	assert_true(d.significant);
	char s[200];
	stats_sentence(s, sizeof(s), "participation", &d, 1);
	assert_string_equal(
		s, "participation rose from 12 % to 19 %; the change is larger than chance would explain");
	/* 12 of 100 and 14 of 100: well inside chance. */
	d = stats_two_prop(12, 100, 14, 100);
	assert_false(d.significant);
	assert_true(d.lo < 0 && d.hi > 0);
	stats_sentence(s, sizeof(s), "participation", &d, 1);
	assert_string_equal(
		s, "participation rose from 12 % to 14 %; the change is within what chance would explain");
	/* Nothing to compare. */
	d = stats_two_prop(0, 0, 3, 10);
	assert_false(d.valid);
}

static void t_welch(void **state)
{
	(void)state;
	/* Equal variances 2.5, n = 5 each: df = 8, se = 1. */
	const double a[] = {1, 2, 3, 4, 5}, b[] = {3, 4, 5, 6, 7};
	struct stats_diff d = stats_welch(a, 5, b, 5);
	assert_true(d.valid);
	NEAR(d.diff, 2, 1e-9);
	NEAR(d.lo, 2 - 2.306004, 0.002);
	NEAR(d.hi, 2 + 2.306004, 0.002);
	assert_false(d.significant);
	/* Requests per week 10,12,11,9,10,12,11,9 then 20,22,21,19,20,22,21,19. */
	const double r1[] = {10, 12, 11, 9, 10, 12, 11, 9}, r2[] = {20, 22, 21, 19, 20, 22, 21, 19};
	d = stats_welch(r1, 8, r2, 8);
	NEAR(d.before, 10.5, 1e-9);
	NEAR(d.after, 20.5, 1e-9);
	assert_true(d.significant);
	char s[200];
	stats_sentence(s, sizeof(s), "requests per week", &d, 0);
	assert_string_equal(
		s,
		"requests per week rose from 10.5 to 20.5; the change is larger than chance would explain");
	d = stats_welch(r2, 8, r1, 8);
	stats_sentence(s, sizeof(s), "requests per week", &d, 0);
	assert_string_equal(
		s,
		"requests per week fell from 20.5 to 10.5; the change is larger than chance would explain");
	/* One value is no sample. */
	d = stats_welch(a, 1, b, 5);
	assert_false(d.valid);
}

static struct ins_cell cell(int members, int people, int mentors, int mentees)
{
	struct ins_cell c = {0};
	c.v[IF_MEMBERS] = members;
	c.v[IF_PEOPLE] = people;
	c.v[IF_MENTORS] = mentors;
	c.v[IF_MENTEES] = mentees;
	c.v[IF_S_ONE_ON_ONE] = people;
	return c;
}

static struct ins_cell sum(const struct ins_cell *c, size_t n)
{
	struct ins_cell t = {0};
	for (size_t i = 0; i < n; i++)
		for (int f = 0; f < IF_N; f++)
			t.v[f] += c[i].v[f];
	return t;
}

static void t_protect(void **state)
{
	(void)state;
	/* Team 1 has 4 mentees this week: hidden; and so that the program's
	 * figure minus the shown teams does not give 4, the smallest other
	 * team is hidden too. */
	struct ins_cell c[3] = {cell(40, 12, 6, 6), cell(30, 8, 5, 5), cell(50, 20, 10, 10)};
	c[1].v[IF_MENTEES] = 4;
	c[1].v[IF_PEOPLE] = 9; /* 5 mentors and 4 mentees, none in both roles */
	struct ins_cell t = sum(c, 3);
	unsigned char hid[3] = {0}, th = 0;
	ins_protect(5, 3, c, &t, hid, &th);
	assert_false(th);
	assert_true(hid[1]);
	assert_true(hid[0]);
	assert_false(hid[2]);
	/* What the hidden teams hold together is at least k in every figure. */
	struct ins_cell h = sum(c, 2);
	assert_true(h.v[IF_MENTEES] >= 5 && h.v[IF_PEOPLE] >= 5 && h.v[IF_MENTORS] >= 5);
	/* A team with no one taking part is hidden (a shown 0 says what each
	 * did), and needs no partner: the hidden sum of people is 0. */
	struct ins_cell z[2] = {cell(40, 0, 0, 0), cell(50, 20, 10, 10)};
	t = sum(z, 2);
	memset(hid, 0, sizeof(hid));
	th = 0;
	ins_protect(5, 2, z, &t, hid, &th);
	assert_true(hid[0]);
	assert_false(hid[1]);
	/* A program-wide figure of 1..k-1: everything hidden. */
	struct ins_cell one[1] = {cell(50, 3, 1, 2)};
	t = sum(one, 1);
	memset(hid, 0, sizeof(hid));
	th = 0;
	ins_protect(5, 1, one, &t, hid, &th);
	assert_true(th);
	assert_true(hid[0]);
	/* 7 members of whom 7 take part: the 0 who do not is fine for the
	 * program, but a team of 3 members is hidden whole. */
	struct ins_cell small[2] = {cell(3, 0, 0, 0), cell(60, 30, 15, 15)};
	t = sum(small, 2);
	memset(hid, 0, sizeof(hid));
	th = 0;
	ins_protect(5, 2, small, &t, hid, &th);
	assert_false(th);
	assert_true(hid[0]);
	assert_true(hid[1]); /* the 3 members would be the program's minus team 1's */
	/* Hides that came in (a closed week's, frozen) stay, whatever the figures. */
	struct ins_cell big[2] = {cell(60, 30, 15, 15), cell(60, 30, 15, 15)};
	t = sum(big, 2);
	hid[0] = 1;
	hid[1] = 0;
	th = 0;
	ins_protect(5, 2, big, &t, hid, &th);
	assert_true(hid[0]);
	assert_false(th);
	/* 2 people in both roles: hidden (mentors + mentees - people). */
	struct ins_cell both[2] = {cell(60, 30, 17, 15), cell(60, 30, 15, 15)};
	t = sum(both, 2);
	memset(hid, 0, sizeof(hid));
	th = 0;
	ins_protect(5, 2, both, &t, hid, &th);
	assert_true(hid[0]);
}

static void t_small(void **state)
{
	(void)state;
	/* Not met 1 among 12 endings: hidden, and the next smallest with it so
	 * that the total minus the shown ones gives no single count. */
	int64_t v[4] = {7, 4, 1, 0};
	unsigned char h[4];
	ins_small(5, v, 4, h);
	assert_true(h[2]);
	assert_true(h[1]);
	assert_false(h[0]);
	assert_false(h[3]);
	/* 1 office hour among 30 sessions of which the rest are 1:1: the 1:1
	 * count goes too (what is hidden adds up to 30, not 1). */
	int64_t k[6] = {29, 0, 1, 0, 0, 0};
	unsigned char hk[6];
	ins_small(5, k, 6, hk);
	assert_true(hk[0] && hk[2]);
	/* Nothing small: everything shown. */
	int64_t ok[3] = {8, 0, 5};
	unsigned char ho[3];
	ins_small(5, ok, 3, ho);
	assert_false(ho[0] || ho[1] || ho[2]);
	/* Breakdowns of a month: survey answers 3 of 10 invitations. */
	struct ins_cell c = {0};
	c.v[IF_SV_INVITED] = 10;
	c.v[IF_SV_ANSWERED] = 3;
	int64_t b[BD_N];
	unsigned char hb[BD_N];
	ins_breakdown(&c, b);
	assert_int_equal(b[BD_SV_NOT], 7);
	ins_breakdown_protect(5, b, hb);
	assert_true(hb[BD_SV_ANSWERED] && hb[BD_SV_NOT]);
}

static void t_activity(void **state)
{
	(void)state;
	/* A shown team-week: 2 requests (none answered), 12 sessions of 45
	 * minutes, 1 ending, 6 invitations. */
	struct ins_cell c = {0};
	c.v[IF_REQ_SENT] = 2;
	c.v[IF_A3] = 0;
	c.v[IF_S_ONE_ON_ONE] = 11;
	c.v[IF_S_OFFICE_HOURS] = 1;
	c.v[IF_MINUTES] = 540;
	c.v[IF_DONE_NOT_MET] = 1;
	c.v[IF_SV_INVITED] = 6;
	unsigned char h[IG_N];
	ins_activity_protect(5, &c, h);
	assert_true(h[IG_REQUESTS] && h[IG_ENDED]);
	assert_false(h[IG_SESSIONS] || h[IG_INVITED] || h[IG_STARTED]);
	/* what is hidden adds to nothing: zeroed */
	assert_int_equal(c.v[IF_REQ_SENT], 0);
	assert_int_equal(c.v[IF_DONE_NOT_MET], 0);
	assert_int_equal(c.v[IF_MINUTES], 540);
	/* 9 requests of which 6 answered: the 3 not answered are as telling */
	struct ins_cell r = {0};
	r.v[IF_REQ_SENT] = 9;
	r.v[IF_REQ_ANSWERED] = 6;
	r.v[IF_A0] = 6;
	ins_activity_protect(5, &r, h);
	assert_true(h[IG_REQUESTS]);
	assert_int_equal(r.v[IF_REQ_ANSWERED] + r.v[IF_A0], 0);
	/* 3 sessions: their minutes go with them */
	struct ins_cell m = {0};
	m.v[IF_S_PAIRING] = 3;
	m.v[IF_MINUTES] = 90;
	m.v[IF_REQ_SENT] = 10;
	m.v[IF_REQ_ANSWERED] = 10;
	ins_activity_protect(5, &m, h);
	assert_true(h[IG_SESSIONS]);
	assert_false(h[IG_REQUESTS]);
	assert_int_equal(m.v[IF_MINUTES], 0);
}

static void t_calendar(void **state)
{
	(void)state;
	char s[11];
	assert_int_equal(ins_day("1970-01-01"), 0);
	assert_int_equal(ins_day("2026-02-30"), -1);
	assert_int_equal(ins_day("2025-02-29"), -1);
	assert_true(ins_day("2024-02-29") > 0);
	ins_ymd(ins_monday(ins_day("2026-12-06")), s); /* a Sunday */
	assert_string_equal(s, "2026-11-30");
	ins_ymd(ins_monday(ins_day("2026-11-30")), s);
	assert_string_equal(s, "2026-11-30");
	char out[10][11];
	size_t n = ins_periods(1, "2026-11-04", "2026-11-30", out, 10);
	assert_int_equal(n, 5);
	assert_string_equal(out[0], "2026-11-02");
	assert_string_equal(out[4], "2026-11-30");
	n = ins_periods(0, "2025-11", "2026-02", out, 10);
	assert_int_equal(n, 4);
	assert_string_equal(out[1], "2025-12");
	assert_string_equal(out[2], "2026-01");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(t_quantiles), cmocka_unit_test(t_two_proportions),
		cmocka_unit_test(t_welch),     cmocka_unit_test(t_protect),
		cmocka_unit_test(t_small),     cmocka_unit_test(t_activity),
		cmocka_unit_test(t_calendar),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
