/* Issue 16's upload parsers: the CSV reader (core/csv.c: RFC 4180, BOM,
 * line numbers, invalid UTF-8) and the multipart/form-data reader
 * (http/multipart.c: boundaries, parts, malformed bodies). */
#include "testutil.h"

#include "core/csv.h"
#include "http/multipart.h"

struct got {
	int n;
	long line[16];
	size_t nf[16];
	int too_many[16];
	char cell[16][4][64];
};

static int collect(void *arg, const struct csv_row *row)
{
	struct got *g = arg;
	if (g->n >= 16)
		return 1;
	g->line[g->n] = row->line;
	g->nf[g->n] = row->n;
	g->too_many[g->n] = row->too_many;
	for (size_t i = 0; i < row->n && i < 4; i++)
		snprintf(g->cell[g->n][i], 64, "%s", row->f[i]);
	g->n++;
	return 0;
}

static enum csv_err parse(const char *s, struct got *g, long *line)
{
	memset(g, 0, sizeof(*g));
	return csv_parse(s, strlen(s), collect, g, line);
}

static void csv_quotes_commas_and_breaks(void **state)
{
	(void)state;
	struct got g;
	long line;
	const char *in = "\xEF\xBB\xBF"
			 "email,name\r\n"
			 "a@x.org,\"Doe, Jane\"\r\n"
			 "b@x.org,\"Say \"\"hi\"\"\"\n"
			 "c@x.org,\"two\nlines\",t\n"
			 "\n"
			 "d@x.org,last";
	assert_int_equal(parse(in, &g, &line), CSV_OK);
	assert_int_equal(g.n, 5);
	assert_string_equal(g.cell[0][0], "email"); /* the BOM is not part of the first cell */
	assert_string_equal(g.cell[1][1], "Doe, Jane");
	assert_string_equal(g.cell[2][1], "Say \"hi\"");
	assert_string_equal(g.cell[3][1], "two\nlines");
	assert_int_equal(g.nf[3], 3);
	/* Line numbers: where each record starts, counting the break inside
	 * the quoted cell and skipping the blank line. */
	assert_int_equal(g.line[0], 1);
	assert_int_equal(g.line[1], 2);
	assert_int_equal(g.line[3], 4);
	assert_int_equal(g.line[4], 7);
	assert_string_equal(g.cell[4][1], "last");
}

static void csv_empty_cells_and_lone_cr(void **state)
{
	(void)state;
	struct got g;
	long line;
	assert_int_equal(parse("a,,c,\rb,\"\",x", &g, &line), CSV_OK);
	assert_int_equal(g.n, 2);
	assert_int_equal(g.nf[0], 4);
	assert_string_equal(g.cell[0][1], "");
	assert_string_equal(g.cell[0][3], "");
	assert_string_equal(g.cell[1][1], "");
	assert_int_equal(g.line[1], 2);
}

static void csv_counts_too_many_fields(void **state)
{
	(void)state;
	struct got g;
	long line;
	assert_int_equal(parse("1,2,3,4,5,6,7,8,9,10\nok", &g, &line), CSV_OK);
	assert_int_equal(g.nf[0], CSV_MAX_FIELDS);
	assert_int_equal(g.too_many[0], 1);
	assert_int_equal(g.too_many[1], 0);
}

static void csv_refuses_bad_quotes_utf8_and_long_records(void **state)
{
	(void)state;
	struct got g;
	long line = 0;
	assert_int_equal(parse("a,b\n\"open,c\nd", &g, &line), CSV_E_QUOTE);
	assert_int_equal(line, 2);
	assert_int_equal(parse("a\n\"x\"y,z", &g, &line), CSV_E_QUOTE);
	assert_int_equal(line, 2);
	/* Latin-1 é on line 3; an overlong slash; a surrogate; a NUL. */
	assert_int_equal(parse("a\nb\nJos\xe9", &g, &line), CSV_E_UTF8);
	assert_int_equal(line, 3);
	assert_int_equal(parse("\xc0\xaf", &g, &line), CSV_E_UTF8);
	assert_int_equal(parse("\xed\xa0\x80", &g, &line), CSV_E_UTF8);
	const char nul[] = {'a', 0, 'b'};
	memset(&g, 0, sizeof(g));
	assert_int_equal(csv_parse(nul, sizeof(nul), collect, &g, &line), CSV_E_UTF8);
	assert_int_equal(g.n, 0); /* nothing reached the callback */
	char *big = malloc(CSV_MAX_RECORD + 10);
	memset(big, 'x', CSV_MAX_RECORD + 9);
	big[CSV_MAX_RECORD + 9] = '\0';
	assert_int_equal(parse(big, &g, &line), CSV_E_RECORD);
	free(big);
	/* Valid UTF-8 beyond ASCII is kept as is. */
	assert_int_equal(parse("chloe@x.org,Chlo\xc3\xa9 \xe6\x9d\x8e", &g, &line), CSV_OK);
	assert_string_equal(g.cell[0][1], "Chlo\xc3\xa9 \xe6\x9d\x8e");
}

static int stop_after_one(void *arg, const struct csv_row *row)
{
	(void)row;
	return ++*(int *)arg >= 1;
}

static void csv_callback_can_stop(void **state)
{
	(void)state;
	int calls = 0;
	long line;
	assert_int_equal(csv_parse("a\nb\nc", 5, stop_after_one, &calls, &line), CSV_E_STOPPED);
	assert_int_equal(calls, 1);
}

static void multipart_finds_the_boundary(void **state)
{
	(void)state;
	char b[80];
	assert_int_equal(multipart_boundary("multipart/form-data; boundary=----abc123", b, sizeof(b)), 0);
	assert_string_equal(b, "----abc123");
	assert_int_equal(
		multipart_boundary("multipart/form-data;charset=utf-8; BOUNDARY=\"a b\"", b, sizeof(b)), 0);
	assert_string_equal(b, "a b");
	assert_int_equal(multipart_boundary("multipart/form-data", b, sizeof(b)), -1);
	assert_int_equal(multipart_boundary("multipart/form-data; boundary=", b, sizeof(b)), -1);
	char longb[120] = "multipart/form-data; boundary=";
	memset(longb + strlen(longb), 'x', 71);
	assert_int_equal(multipart_boundary(longb, b, sizeof(b)), -1);
}

static void multipart_splits_fields_and_a_file(void **state)
{
	(void)state;
	const char body[] = "preamble\r\n--XyZ\r\n"
			    "Content-Disposition: form-data; name=\"csrf\"\r\n\r\n"
			    "tok123\r\n--XyZ\r\n"
			    "Content-Disposition: form-data; name=\"file\"; filename=\"people.csv\"\r\n"
			    "Content-Type: text/csv\r\n\r\n"
			    "a,b\r\n--X not the boundary\r\nc,d\r\n--XyZ--\r\nepilogue";
	struct mp_part p[4];
	size_t n = 0;
	assert_int_equal(multipart_parse(body, sizeof(body) - 1, "XyZ", p, 4, &n), MP_OK);
	assert_int_equal(n, 2);
	assert_string_equal(p[0].name, "csrf");
	assert_int_equal(p[0].is_file, 0);
	assert_int_equal(p[0].len, 6);
	assert_memory_equal(p[0].data, "tok123", 6);
	assert_string_equal(p[1].name, "file");
	assert_string_equal(p[1].filename, "people.csv");
	assert_int_equal(p[1].is_file, 1);
	const char want[] = "a,b\r\n--X not the boundary\r\nc,d";
	assert_int_equal(p[1].len, sizeof(want) - 1);
	assert_memory_equal(p[1].data, want, sizeof(want) - 1);
	/* The body may open with the boundary itself; an empty file is a part. */
	const char b2[] = "--q\r\nContent-Disposition: form-data; name=\"f\"; filename=\"\"\r\n\r\n\r\n--q--";
	assert_int_equal(multipart_parse(b2, sizeof(b2) - 1, "q", p, 4, &n), MP_OK);
	assert_int_equal(n, 1);
	assert_int_equal(p[0].len, 0);
	assert_int_equal(p[0].is_file, 1);
}

static void multipart_refuses_malformed_bodies(void **state)
{
	(void)state;
	struct mp_part p[2];
	size_t n = 9;
	const char never_closed[] = "--q\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nvalue";
	assert_int_equal(multipart_parse(never_closed, sizeof(never_closed) - 1, "q", p, 2, &n), MP_E_SYNTAX);
	assert_int_equal(n, 0);
	const char no_blank[] = "--q\r\nContent-Disposition: form-data; name=\"a\"\r\n--q--";
	assert_int_equal(multipart_parse(no_blank, sizeof(no_blank) - 1, "q", p, 2, &n), MP_E_SYNTAX);
	const char no_name[] = "--q\r\nContent-Type: text/plain\r\n\r\nx\r\n--q--";
	assert_int_equal(multipart_parse(no_name, sizeof(no_name) - 1, "q", p, 2, &n), MP_E_NAME);
	const char not_form[] = "--q\r\nContent-Disposition: attachment; name=\"a\"\r\n\r\nx\r\n--q--";
	assert_int_equal(multipart_parse(not_form, sizeof(not_form) - 1, "q", p, 2, &n), MP_E_SYNTAX);
	const char open_quote[] = "--q\r\nContent-Disposition: form-data; name=\"a\r\n\r\nx\r\n--q--";
	assert_int_equal(multipart_parse(open_quote, sizeof(open_quote) - 1, "q", p, 2, &n), MP_E_SYNTAX);
	const char three[] = "--q\r\nContent-Disposition: form-data; name=a\r\n\r\n1\r\n--q\r\n"
			     "Content-Disposition: form-data; name=b\r\n\r\n2\r\n--q\r\n"
			     "Content-Disposition: form-data; name=c\r\n\r\n3\r\n--q--";
	assert_int_equal(multipart_parse(three, sizeof(three) - 1, "q", p, 2, &n), MP_E_TOO_MANY);
	assert_int_equal(multipart_parse("no boundary here", 16, "q", p, 2, &n), MP_E_BOUNDARY);
	assert_int_equal(multipart_parse("--q--", 5, "", p, 2, &n), MP_E_BOUNDARY);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(csv_quotes_commas_and_breaks),
		cmocka_unit_test(csv_empty_cells_and_lone_cr),
		cmocka_unit_test(csv_counts_too_many_fields),
		cmocka_unit_test(csv_refuses_bad_quotes_utf8_and_long_records),
		cmocka_unit_test(csv_callback_can_stop),
		cmocka_unit_test(multipart_finds_the_boundary),
		cmocka_unit_test(multipart_splits_fields_and_a_file),
		cmocka_unit_test(multipart_refuses_malformed_bodies),
	};
	return cmocka_run_group_tests_name("upload parsers (csv, multipart)", tests, NULL, NULL);
}
