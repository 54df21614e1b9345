/* Facts declared once, and the bugs found while making them so (issue 13). */
#define _XOPEN_SOURCE 700
#include "testutil.h"

#include <dirent.h>
#include <ftw.h>

static int loop_binds;

/* A bind in a loop condition runs again after the first step, where
 * SQLite answers SQLITE_MISUSE: bind before the loop. */
static int scan_file(const char *path, const struct stat *sb, int type, struct FTW *ftw)
{
	(void)sb;
	(void)ftw;
	size_t n = strlen(path);
	if (type != FTW_F || n < 2 || strcmp(path + n - 2, ".c") != 0)
		return 0;
	FILE *f = fopen(path, "r");
	if (!f)
		return 0;
	char line[1024];
	int ln = 0;
	while (fgets(line, sizeof(line), f)) {
		ln++;
		const char *w = strstr(line, "while (");
		if (w && (strstr(w, "_bind_") || strstr(w, "sqlite3_bind"))) {
			fprintf(stderr, "%s:%d binds in a loop condition\n", path, ln);
			loop_binds++;
		}
	}
	fclose(f);
	return 0;
}

static void no_bind_in_a_loop_condition(void **state)
{
	(void)state;
	char dir[4200];
	snprintf(dir, sizeof(dir), "%s/app", test_root());
	loop_binds = 0;
	assert_int_equal(nftw(dir, scan_file, 16, FTW_PHYS), 0);
	assert_int_equal(loop_binds, 0);
}

/* The whole of a file, NUL-terminated; NULL if unreadable. Free it. */
static char *slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return NULL;
	char *s = malloc(1 << 20);
	size_t n = s ? fread(s, 1, (1 << 20) - 1, f) : 0;
	fclose(f);
	if (s)
		s[n] = '\0';
	return s;
}

/* Every POST form carries {csrf_field} (view_csrf states the field once),
 * and no template restates the hidden field by hand. */
static void every_post_form_uses_the_csrf_field(void **state)
{
	(void)state;
	char dir[4200];
	snprintf(dir, sizeof(dir), "%s/templates", test_root());
	DIR *d = opendir(dir);
	assert_non_null(d);
	int forms = 0;
	struct dirent *e;
	while ((e = readdir(d))) {
		if (!strstr(e->d_name, ".html"))
			continue;
		char p[4600];
		snprintf(p, sizeof(p), "%s/%s", dir, e->d_name);
		char *s = slurp(p);
		assert_non_null(s);
		if (strstr(s, "name=\"csrf\""))
			fail_msg("%s restates the csrf field: use {csrf_field}", e->d_name);
		for (char *f = strstr(s, "<form"); f; f = strstr(f + 5, "<form")) {
			char *gt = strchr(f, '>'), *end = strstr(f, "</form>");
			assert_non_null(gt);
			assert_non_null(end);
			*gt = '\0';
			int post = strstr(f, "method=\"post\"") != NULL;
			*gt = '>';
			if (!post)
				continue;
			forms++;
			char *field = strstr(f, "{csrf_field}");
			if (!field || field > end)
				fail_msg("%s: a POST form without {csrf_field}", e->d_name);
		}
		free(s);
	}
	closedir(d);
	assert_true(forms >= 30);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(no_bind_in_a_loop_condition),
		cmocka_unit_test(every_post_form_uses_the_csrf_field),
	};
	return cmocka_run_group_tests_name("facts declared once", tests, NULL, NULL);
}
