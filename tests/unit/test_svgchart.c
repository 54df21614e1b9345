/* The SVG chart writer (view/svgchart.c): what a screen reader and a
 * browser get. */
#include "testutil.h"

#include <math.h>

#include "core/buf.h"
#include "view/svgchart.h"

static int count(const char *s, const char *needle)
{
	int n = 0;
	for (const char *p = s; (p = strstr(p, needle)); p++)
		n++;
	return n;
}

static void t_line(void **state)
{
	(void)state;
	const char *x[] = {"2026-01", "2026-02", "2026-03", "2026-04"};
	double a[] = {1, 2, NAN, 4}, b[] = {3, 3, 3, 3};
	struct svg_series s[] = {{"Mentors", a}, {"Mentees <&>", b}};
	struct svg_mark m[] = {{2, "Incentive \"A\""}};
	struct svg_chart c = {
		SVG_LINE, "people", "People taking part", "Mentors & mentees per month", 4, x, 2, s, 1, m, 0};
	struct buf out = {0};
	svg_chart(&out, &c);
	const char *h = buf_str(&out);
	assert_non_null(strstr(h, "role=\"img\""));
	assert_non_null(strstr(h, "aria-labelledby=\"people-t people-d\""));
	assert_non_null(strstr(h, "<title id=\"people-t\">People taking part</title>"));
	assert_non_null(strstr(h, "<desc id=\"people-d\">Mentors &amp; mentees per month</desc>"));
	/* The hidden third point breaks the first line in two; the second is whole. */
	assert_int_equal(count(h, "<polyline"), 3);
	/* The event marker, its label escaped. */
	assert_int_equal(count(h, "class=\"mark\""), 1);
	assert_non_null(strstr(h, "Incentive &quot;A&quot;"));
	assert_non_null(strstr(h, "Mentees &lt;&amp;&gt;"));
	assert_null(strstr(h, "<&>"));
	assert_int_equal(count(h, "<svg"), 1);
	assert_int_equal(count(h, "</svg>"), 1);
	buf_free(&out);
}

static void t_bar(void **state)
{
	(void)state;
	const char *x[] = {"w1", "w2", "w3"};
	double a[] = {10, NAN, 7};
	struct svg_series s[] = {{"Sessions", a}};
	struct svg_chart c = {SVG_BAR, "s", "Sessions", "Sessions per week", 3, x, 1, s, 0, NULL, 0};
	struct buf out = {0};
	svg_chart(&out, &c);
	/* One bar per shown figure; none for the hidden one. */
	assert_int_equal(count(buf_str(&out), "<rect"), 2);
	/* The axis tops at 10: the tallest bar reaches the top gridline. */
	assert_non_null(strstr(buf_str(&out), ">10</text>"));
	buf_free(&out);
}

static void t_percent(void **state)
{
	(void)state;
	const char *x[] = {"2026-01", "2026-02"};
	double a[] = {0.03, 0.045};
	struct svg_series s[] = {{"Rate", a}};
	struct svg_chart c = {SVG_LINE, "r", "Rate", "Participation rate", 2, x, 1, s, 0, NULL, 1};
	struct buf out = {0};
	svg_chart(&out, &c);
	/* 4.5 % at most: the axis tops at 5 %, its middle reads 2.5 %. */
	assert_non_null(strstr(buf_str(&out), ">5 %</text>"));
	assert_non_null(strstr(buf_str(&out), ">2.5 %</text>"));
	assert_null(strstr(buf_str(&out), ">100 %</text>"));
	buf_free(&out);
}

static void t_axis(void **state)
{
	(void)state;
	assert_true(svg_axis_top(0) == 1);
	assert_true(svg_axis_top(7) == 10);
	assert_true(svg_axis_top(10) == 10);
	assert_true(svg_axis_top(11) == 20);
	assert_true(svg_axis_top(230) == 500);
	assert_true(svg_axis_top(1999) == 2000);
}

int main(void)
{
	const struct CMUnitTest tests[] = {cmocka_unit_test(t_line), cmocka_unit_test(t_bar),
					   cmocka_unit_test(t_percent), cmocka_unit_test(t_axis)};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
