/* The request log: one line per call, quoted values, nothing a client
 * sends can split a line or forge a key; long values are cut, never an
 * escape in half. */
#include "testutil.h"

#include <unistd.h>

#include "core/log.h"

static size_t line(char *out, size_t cap, const char *msg, ...)
{
	va_list ap;
	va_start(ap, msg);
	size_t n = log_format(out, cap, "info", msg, ap);
	va_end(ap);
	return n;
}

static void lines_are_logfmt_with_quoted_values(void **state)
{
	(void)state;
	char out[4096];
	size_t n = line(out, sizeof(out), "request", "path", "/mentors/7", "status", "200", LOG_END);
	assert_int_equal(n, strlen(out));
	assert_true(strncmp(out, "time=20", 7) == 0);
	/* time=YYYY-MM-DDTHH:MM:SS.mmmZ */
	assert_int_equal(out[28], 'Z');
	assert_int_equal(out[24], '.');
	assert_non_null(strstr(out, " level=info msg=\"request\" path=\"/mentors/7\" status=\"200\"\n"));
	assert_int_equal(out[n - 1], '\n');
}

static void control_characters_and_quotes_are_escaped(void **state)
{
	(void)state;
	char out[4096];
	line(out, sizeof(out), "m", "path", "/x\" uid=\"1\nlevel=error\x7f\\", LOG_END);
	assert_non_null(strstr(out, "path=\"/x\\\" uid=\\\"1\\x0alevel=error\\x7f\\\\\"\n"));
	assert_ptr_equal(strchr(out, '\n'), out + strlen(out) - 1);
	/* Whatever the room left, a line never ends inside an escape. */
	for (size_t cap = 40; cap < 90; cap++) {
		size_t n = line(out, cap, "ab\x01\x01\"\x01", LOG_END);
		assert_true(n < cap);
		assert_int_equal(out[n - 1], '\n');
		for (size_t i = 0; i + 1 < n; i++) {
			if (out[i] != '\\')
				continue;
			if (out[i + 1] == 'x') {
				assert_true(i + 3 < n - 1);
				assert_true(out[i + 2] == '0' && out[i + 3] == '1');
				i += 3;
			} else {
				assert_true(out[i + 1] == '"' || out[i + 1] == '\\');
				i += 1;
			}
		}
	}
}

static void long_values_and_lines_are_cut(void **state)
{
	(void)state;
	static char big[10000], out[4096];
	memset(big, 'a', sizeof(big) - 1);
	size_t n = line(out, sizeof(out), "m", "v", big, LOG_END);
	const char *v = strstr(out, "v=\"");
	assert_non_null(v);
	assert_int_equal(strspn(v + 3, "a"), 1024);
	assert_int_equal(out[n - 1], '\n');
	/* Many values: the line stops at its cap and still ends the line. */
	n = line(out, 300, "m", "a", big, "b", big, LOG_END);
	assert_true(n >= 290 && n <= 299);
	assert_int_equal(out[n - 1], '\n');
	assert_int_equal(out[n], '\0');
	memset(big, '\n', 100);
	n = line(out, sizeof(out), "m", "v", big, LOG_END);
	assert_ptr_equal(strchr(out, '\n'), out + n - 1);
}

/* Queued request lines (a busy worker's): nothing is written until the
 * flush, then every line, whole and in order; a line logged at once
 * comes after the queued ones, in the same order it was said. */
static void queued_lines_keep_their_order(void **state)
{
	(void)state;
	char path[] = "/tmp/tandem-unit-log-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	int saved = dup(STDERR_FILENO);
	assert_true(dup2(fd, STDERR_FILENO) >= 0);
	log_kv_queued("info", "request", "n", "1", LOG_END);
	log_kv_queued("info", "request", "n", "2", LOG_END);
	off_t before_flush = lseek(fd, 0, SEEK_END);
	log_kv("warn", "database busy", LOG_END);
	for (int i = 3; i < 200; i++) {
		char n[16];
		snprintf(n, sizeof(n), "%d", i);
		log_kv_queued("info", "request", "n", n, LOG_END);
	}
	log_flush();
	dup2(saved, STDERR_FILENO);
	close(saved);
	assert_int_equal(before_flush, 0);
	char text[65536];
	ssize_t len = pread(fd, text, sizeof(text) - 1, 0);
	close(fd);
	unlink(path);
	assert_true(len > 0);
	text[len] = '\0';
	const char *p = text;
	assert_non_null(p = strstr(p, "n=\"1\"\n"));
	assert_non_null(p = strstr(p, "n=\"2\"\n"));
	assert_non_null(p = strstr(p, "msg=\"database busy\"\n"));
	for (int i = 3; i < 200; i++) {
		char want[24];
		snprintf(want, sizeof(want), "n=\"%d\"\n", i);
		assert_non_null(p = strstr(p, want));
	}
	int lines = 0;
	for (const char *q = text; *q; q++)
		lines += *q == '\n';
	assert_int_equal(lines, 200);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(lines_are_logfmt_with_quoted_values),
		cmocka_unit_test(control_characters_and_quotes_are_escaped),
		cmocka_unit_test(long_values_and_lines_are_cut),
		cmocka_unit_test(queued_lines_keep_their_order),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
