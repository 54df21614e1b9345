/* Declared form validation. */
#include "testutil.h"

#include "http/fields.h"

static const char *const cadences[] = {"weekly", "biweekly", "monthly", NULL};
static const struct field_spec spec[] = {
	{"email", "Email", FT_EMAIL, 1, 0, 254, NULL, 0},
	{"name", "Display name", FT_LINE, 1, 1, 5, NULL, 0},
	{"weeks", "Weeks", FT_INT, 0, 1, 52, NULL, 0},
	{"cadence", "Cadence", FT_CHOICE, 0, 0, 0, cadences, 0},
	{"formats", "Formats", FT_LINE, 0, 0, 20, NULL, 1},
	{"held_on", "Date", FT_DATE, 0, 0, 0, NULL, 0},
	{"is_mentor", "Mentor", FT_FLAG, 0, 0, 0, NULL, 0},
};
#define N (sizeof(spec) / sizeof(spec[0]))

static int read(const char *body, struct form *in, struct fields *f)
{
	assert_int_equal(form_parse_urlencoded(body, strlen(body), in), FORM_OK);
	return fields_read(spec, N, in, f);
}

static void accepts_valid_and_normalises(void **state)
{
	(void)state;
	struct form in;
	struct fields f;
	assert_int_equal(read("email=+Ana%40Example.COM+&name=Ana&weeks=6&cadence=weekly&formats=a&formats=b"
			      "&held_on=2024-02-29&is_mentor=1&csrf=zzz",
			      &in, &f),
			 0);
	assert_string_equal(f.v[0].s, "ana@example.com");
	assert_int_equal(f.v[2].i, 6);
	assert_int_equal(f.v[4].nrep, 2);
	assert_string_equal(f.v[4].rep[1], "b");
	assert_int_equal(f.v[6].i, 1);
	form_free(&in);
}

static void counts_characters_not_bytes(void **state)
{
	(void)state;
	struct form in;
	struct fields f;
	/* five Japanese characters are 15 bytes but within max 5 */
	assert_int_equal(read("email=a%40b.co&name=%E7%94%B0%E4%B8%AD%E5%A4%AA%E9%83%8E%E3%81%95", &in, &f),
			 0);
	form_free(&in);
	assert_int_equal(read("email=a%40b.co&name=abcdef", &in, &f), 422);
	assert_non_null(f.err[1]);
	assert_non_null(strstr(f.err[1], "at most 5"));
	form_free(&in);
}

static void reports_each_problem(void **state)
{
	(void)state;
	struct form in;
	struct fields f;
	assert_int_equal(read("email=nope&name=&weeks=99&held_on=2023-02-29", &in, &f), 422);
	assert_int_equal(f.nerr, 4);
	assert_non_null(strstr(f.err[0], "name@example.com"));
	assert_non_null(strstr(f.err[1], "required"));
	assert_non_null(strstr(f.err[2], "1 to 52"));
	assert_non_null(strstr(f.err[5], "YYYY-MM-DD"));
	/* the typed values are kept for the form to show again */
	assert_string_equal(f.v[0].s, "nope");
	form_free(&in);
}

static void rejects_unknown_repeated_and_forged(void **state)
{
	(void)state;
	struct form in;
	struct fields f;
	assert_int_equal(read("email=a%40b.co&name=x&role=admin", &in, &f), 400);
	form_free(&in);
	assert_int_equal(read("email=a%40b.co&name=x&name=y", &in, &f), 400);
	form_free(&in);
	assert_int_equal(read("email=a%40b.co&name=x&cadence=daily", &in, &f), 400);
	form_free(&in);
	assert_int_equal(read("email=a%40b.co&name=x&is_mentor=yes", &in, &f), 400);
	form_free(&in);
	assert_int_equal(read("email=a%40b.co&name=x&formats=a&formats=a", &in, &f), 400);
	form_free(&in);
}

/* More ticked boxes than a form takes: the person is told (422), the
 * first FIELDS_MAX_REPEAT kept for the form to show again. */
static void too_many_repeats_is_a_message(void **state)
{
	(void)state;
	char body[2048] = "email=a%40b.co&name=x";
	for (int i = 0; i < FIELDS_MAX_REPEAT + 3; i++)
		snprintf(body + strlen(body), sizeof(body) - strlen(body), "&formats=f%d", i);
	struct form in;
	struct fields f;
	assert_int_equal(read(body, &in, &f), 422);
	assert_int_equal(f.nerr, 1);
	assert_non_null(strstr(f.err[4], "at most"));
	assert_int_equal(f.v[4].nrep, FIELDS_MAX_REPEAT);
	form_free(&in);
}

static void single_line_fields_refuse_newlines(void **state)
{
	(void)state;
	struct form in;
	struct fields f;
	assert_int_equal(read("email=a%40b.co&name=a%0Ab", &in, &f), 422);
	assert_non_null(strstr(f.err[1], "one line"));
	form_free(&in);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(accepts_valid_and_normalises),
		cmocka_unit_test(counts_characters_not_bytes),
		cmocka_unit_test(reports_each_problem),
		cmocka_unit_test(rejects_unknown_repeated_and_forged),
		cmocka_unit_test(too_many_repeats_is_a_message),
		cmocka_unit_test(single_line_fields_refuse_newlines),
	};
	return cmocka_run_group_tests_name("declared fields", tests, NULL, NULL);
}
