/* Values sealed before their owner was part of their associated data
 * (store/sealed.h): serve seals each again for the owner it is found
 * under, once, in one transaction; a value sealed with its owner already
 * is left as it is; one that opens neither way stops the conversion and
 * leaves the database as it was, to be looked at. */
#include "testdb.h"
#include "testkey.h"

#include <string.h>

#include "store/meetings.h"
#include "store/rekey.h"
#include "store/sealed.h"

#define NOW 1790000000

/* Mentor 1, mentee 2, stranger 3; mentorship 1 (1→2) from request 1. */
static struct db *pair_db(char path[256])
{
	struct db *db = test_db_open("sealowner", path);
	assert_non_null(db);
	assert_int_equal(
		db_exec_script(
			db,
			"INSERT INTO users(id, email, display_name, pw_hash, created_at) VALUES "
			"(1, 'm@example.com', 'Ana', 'x', 1), (2, 'e@example.com', 'Ben', 'x', 1), "
			"(3, 's@example.com', 'Sam', 'x', 1);"
			"INSERT INTO topics(id, name, key) VALUES (1, 'strace', 'strace');"
			"INSERT INTO requests(id, mentee_id, mentor_id, topic_id, goal, format, cadence, "
			"duration_min, weeks, status, created_at) VALUES "
			"(1, 2, 1, 1, 'g', 'one_on_one', 'weekly', 45, 6, 'accepted', 1);"
			"INSERT INTO mentorships(id, request_id, mentor_id, mentee_id, topic_id, goal, "
			"format, cadence, duration_min, weeks, started_on, planned_end, created_at) VALUES "
			"(1, 1, 1, 2, 1, 'g', 'one_on_one', 'weekly', 45, 6, '2026-08-01', '2026-09-12', 1);"
			"INSERT INTO meetings(id, mentorship_id, author_id, held_on, duration_min, kind, "
			"created_at) VALUES (1, 1, 2, '2026-08-03', 30, 'one_on_one', 1);"),
		DB_OK);
	return db;
}

/* Store text in `column` of `table` row `id` sealed the way older versions
 * sealed it: for (table, ad_column, row) alone. */
static void seal_bare(struct db *db, const char *sql, const char *table, const char *ad_column,
		      const char *row, const char *text)
{
	struct buf c = {0};
	assert_int_equal(seal_encrypt(table, ad_column, row, text, strlen(text), &c), 0);
	sqlite3_stmt *st = db_stmt_literal(db, sql);
	assert_non_null(st);
	db_bind_blob(st, ":s", c.data, (int)c.len);
	assert_int_equal(db_exec_step(db, st), DB_OK);
	buf_free(&c);
}

static int64_t count(struct db *db, const char *sql)
{
	return db_scalar(db, sql, -1);
}

/* Meeting 1's agenda as stored (hex) into out. */
static void agenda_hex(struct db *db, char out[400])
{
	sqlite3_stmt *st = DB_STMT(db, "SELECT hex(agenda) FROM meetings WHERE id = 1");
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	db_column_copy(st, 0, out, 400);
	sqlite3_reset(st);
}

/* Request 1's message opened for its pair (mentor 1, mentee 2): 0 or -1. */
static int message_opens(struct db *db, struct buf *out)
{
	sqlite3_stmt *st = DB_STMT(db, "SELECT message_sealed, message FROM requests WHERE id = 1");
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	const int64_t pair[3] = {1, 2, 0};
	int rc = sealed_open(st, 0, 1, SEALED_REQUEST_MESSAGE, 1, 0, pair, out);
	sqlite3_reset(st);
	return rc;
}

static void older_values_are_sealed_for_their_owner_once(void **state)
{
	(void)state;
	char path[256];
	struct db *db = pair_db(path);
	seal_bare(db, "UPDATE meetings SET agenda = :s WHERE id = 1", "meetings", "agenda", "1",
		  "older agenda");
	seal_bare(db, "UPDATE requests SET message_sealed = :s WHERE id = 1", "requests", "message", "1",
		  "older message");
	struct meeting m;
	/* Before the conversion the older value does not open with its owner. */
	assert_int_equal(meeting_get_for(db, 1, 2, &m), MEET_SEAL);
	meeting_free(&m);

	assert_int_equal(sealed_owner_convert(db), 2);
	assert_int_equal(count(db, "SELECT count(*) FROM seal_owner_pending"), 0);
	assert_int_equal(meeting_get_for(db, 1, 2, &m), MEET_OK);
	assert_string_equal(buf_str(&m.agenda), "older agenda");
	meeting_free(&m);
	struct buf msg = {0};
	assert_int_equal(message_opens(db, &msg), 0);
	assert_string_equal(buf_str(&msg), "older message");
	buf_free(&msg);
	/* Written by this version, sealed with its owner: a conversion armed
	 * again finds nothing to do, and leaves it as it is. */
	struct meeting_new n = {.mentorship_id = 1,
				.author_id = 1,
				.held_on = "2026-08-10",
				.kind = "one_on_one",
				.labels = "",
				.agenda = "new agenda",
				.shared_notes = "",
				.private_notes = "",
				.duration_min = 30};
	int64_t id = 0;
	assert_int_equal(meeting_create(db, &n, "2026-12-01", NOW, &id), MEET_OK);
	assert_int_equal(db_exec_script(db, "INSERT INTO seal_owner_pending VALUES (1)"), DB_OK);
	assert_int_equal(sealed_owner_convert(db), 0);
	assert_int_equal(count(db, "SELECT count(*) FROM seal_owner_pending"), 0);
	assert_int_equal(meeting_get_for(db, id, 2, &m), MEET_OK);
	assert_string_equal(buf_str(&m.agenda), "new agenda");
	meeting_free(&m);
	/* Once: with the table emptied, nothing is read again. */
	seal_bare(db, "UPDATE meetings SET shared_notes = :s WHERE id = 1", "meetings", "shared_notes", "1",
		  "sealed the old way after the conversion");
	assert_int_equal(sealed_owner_convert(db), 0);
	assert_int_equal(meeting_get_for(db, 1, 2, &m), MEET_SEAL);
	meeting_free(&m);
	test_db_remove(db, path);
}

/* The agenda's column is converted before the request's: the request's
 * value, sealed for another row, fails and the agenda must be as before. */
static void a_value_that_opens_neither_way_changes_nothing(void **state)
{
	(void)state;
	char path[256];
	struct db *db = pair_db(path);
	seal_bare(db, "UPDATE meetings SET agenda = :s WHERE id = 1", "meetings", "agenda", "1",
		  "older agenda");
	seal_bare(db, "UPDATE requests SET message_sealed = :s WHERE id = 1", "requests", "message", "2",
		  "sealed for another row");
	char before[400], after[400];
	agenda_hex(db, before);

	assert_int_equal(sealed_owner_convert(db), -1);
	assert_int_equal(count(db, "SELECT count(*) FROM seal_owner_pending"), 1);
	agenda_hex(db, after);
	assert_string_equal(after, before);
	struct meeting m;
	assert_int_equal(meeting_get_for(db, 1, 2, &m), MEET_SEAL);
	meeting_free(&m);
	test_db_remove(db, path);
}

/* The attack the one-row table could invite: a database converted once,
 * the table armed again and a value from before the conversion put back
 * (moved): values sealed with their owner are there too, so nothing is
 * converted (review F). */
static void armed_again_over_a_converted_database_converts_nothing(void **state)
{
	(void)state;
	char path[256];
	struct db *db = pair_db(path);
	seal_bare(db, "UPDATE meetings SET agenda = :s WHERE id = 1", "meetings", "agenda", "1",
		  "older agenda");
	assert_int_equal(sealed_owner_convert(db), 1);
	seal_bare(db, "UPDATE requests SET message_sealed = :s WHERE id = 1", "requests", "message", "1",
		  "put back after the conversion");
	assert_int_equal(db_exec_script(db, "INSERT INTO seal_owner_pending VALUES (1)"), DB_OK);
	assert_int_equal(sealed_owner_convert(db), -1);
	assert_int_equal(count(db, "SELECT count(*) FROM seal_owner_pending"), 1);
	struct buf msg = {0};
	assert_int_equal(message_opens(db, &msg), -1);
	buf_free(&msg);
	test_db_remove(db, path);
}

/* A database from before sql/0036 (a backup taken before the upgrade):
 * check opens its values under their row alone, and the conversion (as
 * rotate-key runs it, before migrate) seals them for their owners (review
 * F: check and restore refused such a backup, rotate-key failed). */
static void a_database_older_than_the_table_is_due(void **state)
{
	(void)state;
	char path[256];
	struct db *db = pair_db(path);
	seal_bare(db, "UPDATE meetings SET agenda = :s WHERE id = 1", "meetings", "agenda", "1",
		  "older agenda");
	assert_int_equal(db_exec_script(db, "DROP TABLE seal_owner_pending"), DB_OK);
	long bad = -1;
	assert_int_equal(sealed_check_all(db, &bad), 1);
	assert_int_equal(bad, 0);
	assert_int_equal(db_begin(db), DB_OK);
	assert_int_equal(sealed_owner_convert_in(db), 1);
	assert_int_equal(db_commit(db), DB_OK);
	struct meeting m;
	assert_int_equal(meeting_get_for(db, 1, 2, &m), MEET_OK);
	assert_string_equal(buf_str(&m.agenda), "older agenda");
	meeting_free(&m);
	test_db_remove(db, path);
}

/* rotate-key converts in its own transaction: when a value then does not
 * open for the rotation (a damaged TOTP secret), the conversion is undone
 * with it, and "nothing was re-encrypted" stays true (review F). */
static void a_rotation_that_fails_converts_nothing(void **state)
{
	(void)state;
	char path[256];
	struct db *db = pair_db(path);
	seal_bare(db, "UPDATE meetings SET agenda = :s WHERE id = 1", "meetings", "agenda", "1",
		  "older agenda");
	assert_int_equal(
		db_exec_script(db, "INSERT INTO mfa(user_id, secret, created_at) VALUES (3, x'00', 1)"),
		DB_OK);
	char before[400], after[400];
	agenda_hex(db, before);
	assert_int_equal(rekey_all(db), -1);
	agenda_hex(db, after);
	assert_string_equal(after, before);
	assert_int_equal(count(db, "SELECT count(*) FROM seal_owner_pending"), 1);
	test_db_remove(db, path);
}

/* An ordinary database from before the upgrade: twenty sessions, each
 * with its mentee's private note sealed the old way. The conversion once
 * wrote each row while its scan stepped over the same table, and SQLite
 * showed it rows it had just written (counted as sealed with their owner:
 * a "mixed" database, refused); it now reads a column whole, then writes
 * (review G). Every note converts, counted once. */
static void twenty_old_private_notes_convert(void **state)
{
	(void)state;
	char path[256];
	struct db *db = pair_db(path);
	for (int i = 2; i <= 21; i++) {
		char sql[300], row[32];
		snprintf(sql, sizeof(sql),
			 "INSERT INTO meetings(id, mentorship_id, author_id, held_on, duration_min, kind, "
			 "created_at) VALUES (%d, 1, 2, '2026-08-%02d', 30, 'one_on_one', 1);"
			 "INSERT INTO private_notes(meeting_id, author_id, body, updated_at) "
			 "VALUES (%d, 2, x'00', 1)",
			 i, i, i);
		assert_int_equal(db_exec_script(db, sql), DB_OK);
		snprintf(row, sizeof(row), "%d:2", i);
		seal_bare(db,
			  "UPDATE private_notes SET body = :s WHERE meeting_id = "
			  "(SELECT max(meeting_id) FROM private_notes)",
			  "private_notes", "body", row, "my own note, from before the upgrade");
	}
	assert_int_equal(sealed_owner_convert(db), 20);
	assert_int_equal(count(db, "SELECT count(*) FROM seal_owner_pending"), 0);
	for (int i = 2; i <= 21; i++) {
		struct meeting m;
		assert_int_equal(meeting_get_for(db, i, 2, &m), MEET_OK);
		assert_string_equal(buf_str(&m.my_private), "my own note, from before the upgrade");
		meeting_free(&m);
	}
	/* A rotation counts each value once too. */
	assert_int_equal(rekey_all(db), 20);
	test_db_remove(db, path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(older_values_are_sealed_for_their_owner_once),
		cmocka_unit_test(a_value_that_opens_neither_way_changes_nothing),
		cmocka_unit_test(armed_again_over_a_converted_database_converts_nothing),
		cmocka_unit_test(a_database_older_than_the_table_is_due),
		cmocka_unit_test(a_rotation_that_fails_converts_nothing),
		cmocka_unit_test(twenty_old_private_notes_convert),
	};
	return cmocka_run_group_tests_name("sealed values and their owners", tests, key_setup, key_teardown);
}
