/* Recognition's store rules (issue 19): a celebration is listed while
 * both of the pair agree and from the moment the second one does; a
 * withdrawal by either, or an account closing, takes it off at once; the
 * note is the mentee's, sealed for its mentorship, listed publicly only
 * when public and celebrated; erasure removes every row of the person;
 * the program's list reads by key, newest first, each once. */
#include "testdb.h"
#include "testkey.h"

#include "store/celebrations.h"
#include "store/sealed.h"

#define NOW 1790000000

/* Mentor 1, mentee 2, stranger 3, mentee 4; mentorships 1 (1→2) and 3
 * (1→4) completed, 2 (1→2) still active. */
static struct db *pair_db(char path[256])
{
	struct db *db = test_db_open("celebrations", path);
	assert_non_null(db);
	assert_int_equal(
		db_exec_script(
			db,
			"INSERT INTO users(id, email, display_name, pw_hash, created_at) VALUES "
			"(1, 'm@example.com', 'Ana', 'x', 1), (2, 'e@example.com', 'Ben', 'x', 1), "
			"(3, 's@example.com', 'Sam', 'x', 1), (4, 'o@example.com', 'Otto', 'x', 1);"
			"INSERT INTO topics(id, name, key) VALUES (1, 'strace', 'strace');"
			"INSERT INTO requests(id, mentee_id, mentor_id, topic_id, goal, format, cadence, "
			"duration_min, weeks, status, created_at) VALUES "
			"(1, 2, 1, 1, 'g', 'one_on_one', 'weekly', 45, 6, 'accepted', 1), "
			"(2, 2, 1, 1, 'g', 'one_on_one', 'weekly', 30, 6, 'accepted', 1), "
			"(3, 4, 1, 1, 'g', 'one_on_one', 'weekly', 30, 6, 'accepted', 1);"
			"INSERT INTO mentorships(id, request_id, mentor_id, mentee_id, topic_id, goal, "
			"format, cadence, duration_min, weeks, started_on, planned_end, created_at) VALUES "
			"(1, 1, 1, 2, 1, 'g', 'one_on_one', 'weekly', 45, 6, '2026-08-01', '2026-09-12', 1), "
			"(2, 2, 1, 2, 1, 'g', 'one_on_one', 'weekly', 30, 6, '2026-09-01', '2026-10-13', 1), "
			"(3, 3, 1, 4, 1, 'g', 'one_on_one', 'weekly', 30, 6, '2026-08-01', '2026-09-12', 1);"
			"UPDATE mentorships SET status = 'completed', outcome = 'goal_met' WHERE id IN (1, "
			"3);"),
		DB_OK);
	return db;
}

static enum req_rc agree(struct db *db, int64_t ms, int64_t uid, int on, int64_t now)
{
	enum req_rc r = celebration_consent(db, ms, uid, on, now);
	assert_false(db_failed(r));
	return r;
}

static enum req_rc thank(struct db *db, int64_t ms, int64_t uid, const char *text, int pub)
{
	enum req_rc r = celebration_thanks(db, ms, uid, text, pub, NOW);
	assert_false(db_failed(r));
	return r;
}

/* The program's list as "ms:thanks;" in order. */
struct listed {
	char s[512];
	int n;
};

static void add_line(void *arg, const struct celebration_line *l)
{
	struct listed *x = arg;
	size_t len = strlen(x->s);
	snprintf(x->s + len, sizeof(x->s) - len, "%lld:%s;", (long long)l->ms, l->thanks);
	x->n++;
}

static struct listed program(struct db *db)
{
	struct listed x = {"", 0};
	int more = 0;
	assert_int_equal(celebrations_page(db, &(struct keyset){0, 0}, 10, add_line, &x, &more), DB_OK);
	assert_int_equal(more, 0);
	return x;
}

/* The revision of mentorship ms's note as its mentor (user 1) reads it. */
static int64_t rev_of(struct db *db, int64_t ms)
{
	struct celebration c;
	assert_int_equal(celebration_get(db, ms, 1, &c), DB_OK);
	int64_t r = c.thanks_rev;
	celebration_free(&c);
	return r;
}

static void consent_both_ways(void **state)
{
	(void)state;
	char path[256];
	struct db *db = pair_db(path);
	assert_int_equal(agree(db, 1, 3, 1, NOW), REQ_NOTFOUND);
	assert_int_equal(agree(db, 2, 2, 1, NOW), REQ_INVALID); /* still active */
	assert_int_equal(agree(db, 1, 2, 1, NOW), REQ_OK);
	assert_string_equal(program(db).s, "");
	assert_int_equal(agree(db, 1, 1, 1, NOW + 5), REQ_OK);
	assert_string_equal(program(db).s, "1:;");
	assert_int_equal(db_scalar(db, "SELECT shown_at FROM celebrations WHERE mentorship_id = 1", 0),
			 NOW + 5);
	/* Agreeing again keeps the time it first showed. */
	assert_int_equal(agree(db, 1, 2, 1, NOW + 9), REQ_OK);
	assert_int_equal(db_scalar(db, "SELECT shown_at FROM celebrations WHERE mentorship_id = 1", 0),
			 NOW + 5);
	assert_int_equal(agree(db, 1, 1, 0, NOW + 10), REQ_OK);
	assert_string_equal(program(db).s, "");
	assert_int_equal(agree(db, 1, 1, 1, NOW + 11), REQ_OK);
	assert_int_equal(agree(db, 1, 2, 0, NOW + 12), REQ_OK);
	assert_string_equal(program(db).s, "");
	struct celebration c;
	assert_int_equal(celebration_get(db, 1, 1, &c), DB_OK);
	assert_int_equal(c.mentor_ok, 1);
	assert_int_equal(c.mentee_ok, 0);
	assert_int_equal(c.shown, 0);
	celebration_free(&c);
	assert_int_equal(celebration_get(db, 1, 3, &c), DB_NOTFOUND);
	celebration_free(&c);
	test_db_remove(db, path);
}

static void the_note(void **state)
{
	(void)state;
	char path[256];
	struct db *db = pair_db(path);
	assert_int_equal(thank(db, 1, 1, "from the mentor", 1), REQ_NOT_YOURS);
	assert_int_equal(thank(db, 1, 3, "stranger", 1), REQ_NOTFOUND);
	assert_int_equal(thank(db, 2, 2, "too early", 1), REQ_INVALID);
	assert_int_equal(thank(db, 1, 2, "Thank you, Ana", 1), REQ_OK);
	/* Sealed for its mentorship: the bytes are no text, and open only there. */
	assert_int_equal(db_scalar(db, "SELECT instr(thanks, 'Thank you') FROM celebrations", -1), 0);
	struct celebration c;
	assert_int_equal(celebration_get(db, 1, 1, &c), DB_OK);
	assert_string_equal(buf_str(&c.thanks), "Thank you, Ana");
	celebration_free(&c);
	/* The mentor is told once, for the first note only. */
	assert_int_equal(thank(db, 1, 2, "Thank you, Ana!", 1), REQ_OK);
	assert_int_equal(db_scalar(db, "SELECT count(*) FROM outbox WHERE event = 53 AND user_id = 1", -1),
			 1);
	/* Public but not celebrated by both: not listed. */
	assert_int_equal(agree(db, 1, 2, 1, NOW), REQ_OK);
	assert_string_equal(program(db).s, "");
	assert_int_equal(agree(db, 1, 1, 1, NOW), REQ_OK);
	/* Celebrated by both and public for the mentee: the note still waits
	 * for the mentor's own agreement to show it. */
	assert_string_equal(program(db).s, "1:;");
	assert_int_equal(celebration_note_consent(db, 1, 2, 1, rev_of(db, 1)), DB_CONFLICT); /* the mentee */
	assert_int_equal(celebration_note_consent(db, 1, 3, 1, rev_of(db, 1)), DB_CONFLICT); /* a stranger */
	assert_int_equal(celebration_note_consent(db, 1, 1, 1, rev_of(db, 1)), DB_OK);
	assert_string_equal(program(db).s, "1:Thank you, Ana!;");
	/* The mentor takes it back, and agrees again. */
	assert_int_equal(celebration_note_consent(db, 1, 1, 0, 0), DB_OK);
	assert_string_equal(program(db).s, "1:;");
	assert_int_equal(celebration_note_consent(db, 1, 1, 1, rev_of(db, 1)), DB_OK);
	/* Saved again as it was: the mentor's agreement holds. A changed
	 * text needs it again. */
	assert_int_equal(thank(db, 1, 2, "Thank you, Ana!", 1), REQ_OK);
	assert_string_equal(program(db).s, "1:Thank you, Ana!;");
	int64_t read = rev_of(db, 1);
	assert_int_equal(thank(db, 1, 2, "Thank you, Ana! Also: ha.", 1), REQ_OK);
	assert_string_equal(program(db).s, "1:;");
	/* Agreeing to the text as it read before the change changes nothing. */
	assert_int_equal(celebration_note_consent(db, 1, 1, 1, read), DB_CONFLICT);
	assert_string_equal(program(db).s, "1:;");
	assert_int_equal(celebration_note_consent(db, 1, 1, 1, rev_of(db, 1)), DB_OK);
	assert_string_equal(program(db).s, "1:Thank you, Ana! Also: ha.;");
	/* Private: the celebration stays, the note is not listed. */
	assert_int_equal(thank(db, 1, 2, "Thank you, Ana! Also: ha.", 0), REQ_OK);
	assert_string_equal(program(db).s, "1:;");
	/* Removed: no note, and no public switch left on. */
	assert_int_equal(thank(db, 1, 2, "", 1), REQ_OK);
	assert_int_equal(db_scalar(db, "SELECT thanks IS NULL AND thanks_public = 0 FROM celebrations", -1),
			 1);
	/* A note moved onto another mentorship's row does not open there. */
	assert_int_equal(thank(db, 1, 2, "for one", 0), REQ_OK);
	assert_int_equal(thank(db, 3, 4, "for three", 0), REQ_OK);
	assert_int_equal(db_exec_script(db,
					"UPDATE celebrations SET thanks = (SELECT thanks FROM celebrations "
					"WHERE mentorship_id = 1) WHERE mentorship_id = 3"),
			 DB_OK);
	assert_int_equal(celebration_get(db, 3, 1, &c), DB_ERR);
	celebration_free(&c);
	test_db_remove(db, path);
}

/* A note saved before the form stored a line break as one LF holds CR LF
 * (as browsers send it); saved again unchanged, as the form now sends it,
 * it is the same text: the mentor's agreement holds (review C). */
static void a_note_with_old_line_breaks_saved_again_is_the_same(void **state)
{
	(void)state;
	char path[256];
	struct db *db = pair_db(path);
	assert_int_equal(thank(db, 1, 2, "Thank you, Ana.\r\nFor everything.", 1), REQ_OK);
	assert_int_equal(agree(db, 1, 2, 1, NOW), REQ_OK);
	assert_int_equal(agree(db, 1, 1, 1, NOW), REQ_OK);
	assert_int_equal(celebration_note_consent(db, 1, 1, 1, rev_of(db, 1)), DB_OK);
	assert_string_equal(program(db).s, "1:Thank you, Ana.\r\nFor everything.;");
	assert_int_equal(thank(db, 1, 2, "Thank you, Ana.\nFor everything.", 1), REQ_OK);
	assert_string_equal(program(db).s, "1:Thank you, Ana.\nFor everything.;");
	/* A real change still needs the mentor again. */
	assert_int_equal(thank(db, 1, 2, "Thank you, Ana.\nFor nearly everything.", 1), REQ_OK);
	assert_string_equal(program(db).s, "1:;");
	test_db_remove(db, path);
}

static void completing_and_leaving(void **state)
{
	(void)state;
	char path[256];
	struct db *db = pair_db(path);
	assert_int_equal(db_begin(db), DB_OK);
	/* Nothing said: no row. A mentor's note is ignored. */
	assert_int_equal(celebration_on_complete(db, 3, 1, 0, "mentor words", 1, NOW), DB_OK);
	assert_int_equal(db_scalar(db, "SELECT count(*) FROM celebrations", -1), 0);
	assert_int_equal(celebration_on_complete(db, 3, 4, 1, "Thanks!", 1, NOW), DB_OK);
	assert_int_equal(celebration_on_complete(db, 1, 1, 1, NULL, 0, NOW + 1), DB_OK);
	assert_int_equal(db_commit(db), DB_OK);
	assert_int_equal(agree(db, 3, 1, 1, NOW + 2), REQ_OK);
	assert_int_equal(agree(db, 1, 2, 1, NOW + 3), REQ_OK);
	assert_string_equal(program(db).s, "1:;3:;");
	assert_int_equal(celebration_note_consent(db, 3, 1, 1, rev_of(db, 3)), DB_OK);
	assert_string_equal(program(db).s, "1:;3:Thanks!;");
	/* The mentor's account closes: both of theirs leave the list, and
	 * their agreement to show the note goes with it. */
	assert_int_equal(db_begin(db), DB_OK);
	assert_int_equal(celebrations_withdraw(db, 1), DB_OK);
	assert_int_equal(db_commit(db), DB_OK);
	assert_string_equal(program(db).s, "");
	assert_int_equal(
		db_scalar(db, "SELECT thanks_mentor_ok FROM celebrations WHERE mentorship_id = 3", -1), 0);
	/* Mentee 4 is erased: their rows go, the others stay. */
	assert_int_equal(db_begin(db), DB_OK);
	assert_int_equal(celebrations_erase(db, 4), DB_OK);
	assert_int_equal(db_commit(db), DB_OK);
	assert_int_equal(db_scalar(db, "SELECT group_concat(mentorship_id) FROM celebrations", -1), 1);
	test_db_remove(db, path);
}

static void list_by_key(void **state)
{
	(void)state;
	char path[256];
	struct db *db = pair_db(path);
	/* 25 completed mentorships, shown in pairs of equal times. */
	struct buf sql = {0};
	for (int i = 10; i < 35; i++)
		buf_printf(
			&sql,
			"INSERT INTO requests(id, mentee_id, mentor_id, topic_id, goal, format, cadence, "
			"duration_min, weeks, status, created_at) VALUES (%d, 2, 1, 1, 'g', 'one_on_one', "
			"'weekly', 30, 6, 'accepted', 1);"
			"INSERT INTO mentorships(id, request_id, mentor_id, mentee_id, topic_id, goal, "
			"format, "
			"cadence, duration_min, weeks, started_on, planned_end, created_at, status) VALUES "
			"(%d, %d, 1, 2, 1, 'g', 'one_on_one', 'weekly', 30, 6, '2026-01-01', '2026-02-12', "
			"1, "
			"'completed');"
			"INSERT INTO celebrations(mentorship_id, mentor_id, mentee_id, mentor_ok, mentee_ok, "
			"shown_at) VALUES (%d, 1, 2, 1, 1, %d);",
			i, i, i, i, NOW + i / 2);
	assert_int_equal(db_exec_script(db, buf_str(&sql)), DB_OK);
	buf_free(&sql);
	struct keyset at = {0, 0};
	int seen[40] = {0}, pages = 0, more = 1, total = 0;
	while (more) {
		struct listed x = {"", 0};
		assert_int_equal(celebrations_page(db, &at, 10, add_line, &x, &more), DB_OK);
		pages++;
		total += x.n;
		/* Where the page ended: its last line's key. */
		long long last = 0;
		for (char *p = x.s; *p;) {
			last = strtoll(p, &p, 10);
			assert_true(last >= 10 && last < 35);
			seen[last]++;
			p = strchr(p, ';') + 1;
		}
		at.id = last;
		sqlite3_stmt *st = DB_STMT(db, "SELECT shown_at FROM celebrations WHERE mentorship_id = :m");
		db_bind_int(st, ":m", last);
		assert_int_equal(sqlite3_step(st), SQLITE_ROW);
		at.at = sqlite3_column_int64(st, 0);
		sqlite3_reset(st);
	}
	assert_int_equal(pages, 3);
	assert_int_equal(total, 25);
	for (int i = 10; i < 35; i++)
		assert_int_equal(seen[i], 1);
	test_db_remove(db, path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(consent_both_ways),
		cmocka_unit_test(the_note),
		cmocka_unit_test(a_note_with_old_line_breaks_saved_again_is_the_same),
		cmocka_unit_test(completing_and_leaving),
		cmocka_unit_test(list_by_key),
	};
	return cmocka_run_group_tests_name("celebrations and thank-you notes", tests, key_setup,
					   key_teardown);
}
