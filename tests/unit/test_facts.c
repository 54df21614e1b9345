/* Facts declared once, and the bugs found while making them so (issue 13). */
#define _XOPEN_SOURCE 700
#include "testdb.h"
#include "testutil.h"

#include <dirent.h>
#include <ftw.h>
#include <unistd.h>

#include "core/vocab.h"
#include "pages/routes.h"
#include "store/migrate.h"
#include "store/profiles.h"
#include "store/sealed.h"

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
 * and no template restates the hidden field or a field's length limit by
 * hand. */
static void templates_restate_no_csrf_field_or_limit(void **state)
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
		/* Limits come from the field tables: maxlength="{NAME_max}". */
		for (char *m = strstr(s, "maxlength=\""); m; m = strstr(m + 11, "maxlength=\""))
			if (m[11] >= '0' && m[11] <= '9')
				fail_msg("%s restates a limit (%.20s): use {NAME_max}", e->d_name, m);
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

/* BLOB columns that hold no sealed value: hashes, random ids, the csrf
 * secret, and FTS5's own storage of the mentor search index (sql/0011:
 * the public card text, plain in mentor_cards too). A new BLOB column
 * goes here or into store/sealed.h's list. mfa_recovery.code_hash (issue
 * 16): a recovery code's keyed hash. */
static const char *const unsealed_blobs[] = {
	"known_browsers.token_hash",  "sessions.csrf",
	"sessions.token_hash",	      "setup_tokens.token_hash",
	"survey_answers.response_id", "survey_pool.id",
	"survey_responses.id",	      "mentor_search_data.block",
	"mentor_search_docsize.sz",   "mfa_recovery.code_hash",
};
/* Issue 16: a link's salt and the hash it is found by; the token is derived
 * under the seal key's link subkey, so a rotation retires the links. */
static const char *const unsealed_blobs_16[] = {"account_tokens.salt", "account_tokens.token_hash"};

static int in_sealed_list(const char *table, const char *column)
{
	for (int i = 0; i < SEALED_COUNT; i++)
		if (strcmp(sealed_cols[i].table, table) == 0 && strcmp(sealed_cols[i].stored, column) == 0)
			return 1;
	return 0;
}

/* Every BLOB column of the real schema is either in the one list of sealed
 * columns (so rotate-key re-seals it) or declared unsealed above; every
 * listed column exists, and its statements run (a rekey of the empty
 * database re-seals nothing and fails on no statement). */
static void every_sealed_column_is_listed(void **state)
{
	(void)state;
	char path[256];
	struct db *db = test_db_open("facts", path);
	assert_non_null(db);
	sqlite3_stmt *st =
		DB_STMT(db, "SELECT m.name, p.name FROM sqlite_schema m, pragma_table_info(m.name) p "
			    "WHERE m.type = 'table' AND p.type = 'BLOB' ORDER BY 1, 2");
	assert_non_null(st);
	int blobs = 0, missing = 0;
	while (sqlite3_step(st) == SQLITE_ROW) {
		const char *t = (const char *)sqlite3_column_text(st, 0),
			   *c = (const char *)sqlite3_column_text(st, 1);
		char name[200];
		snprintf(name, sizeof(name), "%s.%s", t, c);
		int unsealed = 0;
		for (size_t i = 0; i < sizeof(unsealed_blobs) / sizeof(unsealed_blobs[0]); i++)
			unsealed |= strcmp(unsealed_blobs[i], name) == 0;
		for (size_t i = 0; i < sizeof(unsealed_blobs_16) / sizeof(unsealed_blobs_16[0]); i++)
			unsealed |= strcmp(unsealed_blobs_16[i], name) == 0;
		if (!unsealed && !in_sealed_list(t, c)) {
			fprintf(stderr, "%s is a BLOB column missing from store/sealed.c's list\n", name);
			missing++;
		}
		blobs++;
	}
	sqlite3_reset(st);
	assert_int_equal(missing, 0);
	assert_true(blobs >= SEALED_COUNT);
	sqlite3_stmt *q =
		DB_STMT(db, "SELECT count(*) FROM pragma_table_info(:t) WHERE name = :c AND type = 'BLOB'");
	assert_non_null(q);
	for (int i = 0; i < SEALED_COUNT; i++) {
		db_bind_text(q, ":t", sealed_cols[i].table);
		db_bind_text(q, ":c", sealed_cols[i].stored);
		assert_int_equal(sqlite3_step(q), SQLITE_ROW);
		if (sqlite3_column_int(q, 0) != 1)
			fail_msg("%s.%s is listed but is no BLOB column", sealed_cols[i].table,
				 sealed_cols[i].stored);
		sqlite3_reset(q);
	}
	assert_int_equal(sealed_rekey_all(db), 0);
	test_db_remove(db, path);
}

/* One vocabulary: every format is a session kind with the same label, in
 * the same order, and the directory filter offers exactly the formats. */
static void one_vocabulary_of_formats_and_kinds(void **state)
{
	(void)state;
	int k = 0;
	for (int i = 0; i < FORMAT_COUNT; i++) {
		while (k < KIND_COUNT && strcmp(kind_names[k], format_names[i]) != 0)
			k++;
		assert_true(k < KIND_COUNT);
		assert_string_equal(kind_labels[k], format_labels[i]);
		assert_string_equal(format_label(format_names[i]), kind_label(format_names[i]));
		assert_string_equal(format_filter_values[i + 1], format_names[i]);
		assert_int_equal(format_bit(format_names[i]), 1u << i);
	}
	assert_null(format_names[FORMAT_COUNT]);
	assert_null(kind_names[KIND_COUNT]);
	assert_string_equal(format_filter_values[0], "");
	assert_null(format_filter_values[FORMAT_COUNT + 1]);
	/* The bits stored in profiles.formats keep their meaning. */
	assert_int_equal(format_bit("one_on_one"), 1u);
	assert_int_equal(format_bit("pairing"), 2u);
	assert_int_equal(format_bit("peer"), 32u);
	assert_string_equal(kind_label("pairing"), "Pairing");
	assert_string_equal(kind_label("help_session"), "Help session");
	assert_int_equal(format_bit("help_session"), 0u);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(no_bind_in_a_loop_condition),
		cmocka_unit_test(templates_restate_no_csrf_field_or_limit),
		cmocka_unit_test(every_sealed_column_is_listed),
		cmocka_unit_test(one_vocabulary_of_formats_and_kinds),
	};
	return cmocka_run_group_tests_name("facts declared once", tests, NULL, NULL);
}
