/* Facts declared once, and the bugs found while making them so (issue 13). */
#define _XOPEN_SOURCE 700
#include "testutil.h"

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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(no_bind_in_a_loop_condition),
	};
	return cmocka_run_group_tests_name("facts declared once", tests, NULL, NULL);
}
