/* The form/query/cookie parser: decoding, limits, malformed input. */
#include "testutil.h"

#include "http/form.h"

static enum form_err parse(const char *s, struct form *f)
{
	return form_parse_urlencoded(s, strlen(s), f);
}

static void decodes_plus_and_percent(void **state)
{
	(void)state;
	struct form f;
	assert_int_equal(parse("name=Ana+Mar%C3%ADa&goal=learn%20C%21", &f), FORM_OK);
	assert_int_equal(f.n, 2);
	assert_string_equal(form_get(&f, "name"), "Ana María");
	assert_string_equal(form_get(&f, "goal"), "learn C!");
	form_free(&f);
}

static void keeps_repeated_keys_in_order(void **state)
{
	(void)state;
	struct form f;
	assert_int_equal(parse("formats=pairing&x=1&formats=ring&formats=peer", &f), FORM_OK);
	assert_int_equal(form_count(&f, "formats"), 3);
	assert_string_equal(f.pairs[0].val, "pairing");
	assert_string_equal(f.pairs[2].val, "ring");
	assert_string_equal(f.pairs[3].val, "peer");
	form_free(&f);
}

static void empty_segments_and_bare_keys(void **state)
{
	(void)state;
	struct form f;
	assert_int_equal(parse("&&a=&b&&", &f), FORM_OK);
	assert_int_equal(f.n, 2);
	assert_string_equal(form_get(&f, "a"), "");
	assert_string_equal(form_get(&f, "b"), "");
	form_free(&f);
	assert_int_equal(parse("", &f), FORM_OK);
	assert_int_equal(f.n, 0);
	form_free(&f);
}

static void rejects_bad_escapes(void **state)
{
	(void)state;
	struct form f;
	assert_int_equal(parse("a=%", &f), FORM_E_ESCAPE);
	assert_int_equal(parse("a=%4", &f), FORM_E_ESCAPE);
	assert_int_equal(parse("a=%zz", &f), FORM_E_ESCAPE);
	assert_int_equal(parse("a%=1", &f), FORM_E_ESCAPE);
	assert_null(f.arena); /* nothing left to free after an error */
}

static void rejects_nul_and_controls(void **state)
{
	(void)state;
	struct form f;
	assert_int_equal(parse("a=x%00y", &f), FORM_E_CONTROL);
	assert_int_equal(parse("a=%07", &f), FORM_E_CONTROL);
	assert_int_equal(parse("a=%7F", &f), FORM_E_CONTROL);
	/* newlines and tabs are normal in a textarea */
	assert_int_equal(parse("notes=line1%0D%0Aline2%09end", &f), FORM_OK);
	assert_string_equal(form_get(&f, "notes"), "line1\r\nline2\tend");
	form_free(&f);
}

/* A body as a person typed or pasted it: a word processor's line and
 * page breaks (vertical tab, form feed) are line breaks, other control
 * characters are dropped, and the form is kept, not refused. */
static void typed_body_keeps_pasted_text(void **state)
{
	(void)state;
	struct form f;
	const char *in = "notes=a%0Bb%0Cc%07d%7Fe%00f%0D%0Ag%09h&x=1";
	assert_int_equal(form_parse_typed(in, strlen(in), &f), FORM_OK);
	assert_string_equal(form_get(&f, "notes"), "a\nb\ncdef\r\ng\th");
	assert_int_equal(f.pairs[0].vlen, strlen("a\nb\ncdef\r\ng\th"));
	assert_string_equal(form_get(&f, "x"), "1");
	form_free(&f);
	/* Still refused: what no typing makes (bad escapes, bad UTF-8). */
	assert_int_equal(form_parse_typed("a=%zz", 5, &f), FORM_E_ESCAPE);
	assert_int_equal(form_parse_typed("a=%FF", 5, &f), FORM_E_UTF8);
}

static void rejects_invalid_utf8(void **state)
{
	(void)state;
	struct form f;
	assert_int_equal(parse("a=%C3", &f), FORM_E_UTF8);	    /* truncated */
	assert_int_equal(parse("a=%C0%AF", &f), FORM_E_UTF8);	    /* overlong '/' */
	assert_int_equal(parse("a=%ED%A0%80", &f), FORM_E_UTF8);    /* surrogate */
	assert_int_equal(parse("a=%F4%90%80%80", &f), FORM_E_UTF8); /* > U+10FFFF */
	assert_int_equal(parse("a=%FF", &f), FORM_E_UTF8);
	assert_int_equal(parse("a=%F0%9F%98%80", &f), FORM_OK); /* emoji is fine */
	form_free(&f);
}

static void enforces_limits(void **state)
{
	(void)state;
	struct form f;
	char *big = malloc(FORM_MAX_VALUE + 10);
	memcpy(big, "a=", 2);
	memset(big + 2, 'x', FORM_MAX_VALUE + 1);
	big[FORM_MAX_VALUE + 3] = '\0';
	assert_int_equal(parse(big, &f), FORM_E_VALUE);
	big[FORM_MAX_VALUE + 2] = '\0'; /* exactly the limit */
	assert_int_equal(parse(big, &f), FORM_OK);
	form_free(&f);
	free(big);

	char many[FORM_MAX_FIELDS * 4 + 16] = "";
	for (int i = 0; i <= FORM_MAX_FIELDS; i++)
		strcat(many, "a=1&");
	assert_int_equal(parse(many, &f), FORM_E_TOO_MANY);

	char key[FORM_MAX_KEY + 8];
	memset(key, 'k', FORM_MAX_KEY + 1);
	strcpy(key + FORM_MAX_KEY + 1, "=1");
	assert_int_equal(parse(key, &f), FORM_E_KEY);
	assert_int_equal(parse("=1", &f), FORM_E_KEY);
	assert_int_equal(parse("a.b=1", &f), FORM_E_KEY);
	assert_int_equal(parse("-a=1", &f), FORM_E_KEY);
	/* RFC 8058's one-click unsubscribe field. */
	assert_int_equal(parse("List-Unsubscribe=One-Click", &f), FORM_OK);
	assert_string_equal(form_get(&f, "List-Unsubscribe"), "One-Click");
	form_free(&f);
}

static void length_is_respected_not_nul(void **state)
{
	(void)state;
	struct form f;
	/* Only the first len bytes count: the parser never reads past them. */
	const char in[] = "a=1&b=2";
	assert_int_equal(form_parse_urlencoded(in, 3, &f), FORM_OK);
	assert_int_equal(f.n, 1);
	assert_string_equal(form_get(&f, "a"), "1");
	form_free(&f);
}

static void parses_cookies(void **state)
{
	(void)state;
	struct form f;
	const char *c = "theme=dark; __Host-sid=abc_DEF-123;  other=x=y; crumb";
	assert_int_equal(form_parse_cookies(c, strlen(c), &f), FORM_OK);
	assert_string_equal(form_get(&f, "__Host-sid"), "abc_DEF-123");
	assert_string_equal(form_get(&f, "other"), "x=y");
	assert_null(form_get(&f, "crumb"));
	form_free(&f);
	const char bad[] = "a=b\x01";
	assert_int_equal(form_parse_cookies(bad, strlen(bad), &f), FORM_E_CONTROL);
	const char hi[] = "a=\xc3\xa9";
	assert_int_equal(form_parse_cookies(hi, strlen(hi), &f), FORM_E_CONTROL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(decodes_plus_and_percent),
		cmocka_unit_test(keeps_repeated_keys_in_order),
		cmocka_unit_test(empty_segments_and_bare_keys),
		cmocka_unit_test(rejects_bad_escapes),
		cmocka_unit_test(rejects_nul_and_controls),
		cmocka_unit_test(typed_body_keeps_pasted_text),
		cmocka_unit_test(rejects_invalid_utf8),
		cmocka_unit_test(enforces_limits),
		cmocka_unit_test(length_is_respected_not_nul),
		cmocka_unit_test(parses_cookies),
	};
	return cmocka_run_group_tests_name("form parser", tests, NULL, NULL);
}
