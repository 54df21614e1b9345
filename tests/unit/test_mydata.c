/* issue 16: what leaving means in the store. Deactivation withdraws the
 * person's pending requests, ends their active mentorships ("account
 * closed", sealed) and queues the other's mail, and the other still reads
 * what the pair shared; reactivation restores the account only; the
 * export gives my private note and never the other's; erasure removes
 * what only I wrote, renames me "a former member", keeps the kept counts
 * true, and is refused for the last admin with nothing changed. */
#include "testdb.h"
#include "testkey.h"

#include <sodium.h>

#include "store/kept.h"
#include "store/meetings.h"
#include "store/mydata.h"
#include "store/sealcol.h"
#include "store/sealed.h"
#include "store/users.h"

#define NOW 1790000000 /* 2026-09-21 */

/* Mentor 1 and mentee 2 in active mentorship 1 with one logged session
 * (meeting 1: shared notes, a private note each, the mentee's feedback);
 * mentee 3's request waits on mentor 1; 4 is the only admin. */
static struct db *program(char path[256])
{
	struct db *db = test_db_open("mydata", path);
	assert_non_null(db);
	assert_int_equal(
		db_exec_script(
			db, "INSERT INTO users(id, email, display_name, pw_hash, role, created_at) VALUES "
			    "(1, 'mia@example.com', 'Mia Mentor', 'x', 'member', 1), "
			    "(2, 'eli@example.com', 'Eli Mentee', 'x', 'member', 1), "
			    "(3, 'otto@example.com', 'Otto Other', 'x', 'member', 1), "
			    "(4, 'ada@example.com', 'Ada Admin', 'x', 'admin', 1);"
			    "INSERT INTO profiles(user_id, is_mentor, capacity) VALUES (1, 1, 3), (2, 0, 0), "
			    "(3, 0, 0), "
			    "(4, 0, 0);"
			    "INSERT INTO topics(id, name, key) VALUES (1, 'Career', 'career');"
			    "INSERT INTO requests(id, mentee_id, mentor_id, topic_id, goal, format, cadence, "
			    "duration_min, weeks, status, created_at) VALUES "
			    "(1, 2, 1, 1, 'g', 'one_on_one', 'weekly', 30, 6, 'accepted', 1), "
			    "(2, 3, 1, 1, 'g', 'one_on_one', 'weekly', 30, 6, 'pending', 1789990000);"
			    "INSERT INTO mentorships(id, request_id, mentor_id, mentee_id, topic_id, goal, "
			    "format, "
			    "cadence, duration_min, weeks, started_on, planned_end, created_at) VALUES "
			    "(1, 1, 1, 2, 1, 'g', 'one_on_one', 'weekly', 30, 6, '2026-09-01', '2026-10-13', "
			    "1);"),
		DB_OK);
	int64_t meeting = 0;
	struct meeting_new n = {.mentorship_id = 1,
				.author_id = 2,
				.held_on = "2026-09-20",
				.kind = "one_on_one",
				.labels = "",
				.agenda = "the AGENDA",
				.shared_notes = "the SHARED notes",
				.private_notes = "ELI-PRIVATE canary",
				.duration_min = 30};
	assert_int_equal(meeting_create(db, &n, "2026-09-21", NOW, &meeting), MEET_OK);
	assert_int_equal(meeting, 1);
	assert_int_equal(private_note_set(db, 1, 1, "MIA-PRIVATE canary", NOW), MEET_OK);
	struct feedback_new f = {.rating = 4, .use_of_time = "right", .went_well = "ELI-FEEDBACK"};
	assert_int_equal(feedback_add(db, 1, 2, &f, NOW), MEET_OK);
	return db;
}

struct seen {
	struct buf all;
};

static int collect(void *arg, const char *section, const struct mydata_field *f, int n)
{
	struct seen *s = arg;
	buf_printf(&s->all, "[%s]", section);
	for (int i = 0; i < n; i++)
		buf_printf(&s->all, " %s=%s", f[i].name, f[i].is_num ? "#" : f[i].text);
	buf_puts(&s->all, "\n");
	return 0;
}

static void export_is_mine_only(void **state)
{
	(void)state;
	char path[256];
	struct db *db = program(path);
	struct seen s = {0};
	assert_int_equal(mydata_visit(db, 2, collect, &s), DB_OK);
	const char *t = buf_str(&s.all);
	assert_non_null(strstr(t, "my_private_note=ELI-PRIVATE canary"));
	assert_non_null(strstr(t, "shared_notes=the SHARED notes"));
	assert_non_null(strstr(t, "went_well=ELI-FEEDBACK"));
	assert_non_null(strstr(t, "[account] id=# email=eli@example.com"));
	assert_null(strstr(t, "MIA-PRIVATE"));
	buf_reset(&s.all);
	assert_int_equal(mydata_visit(db, 1, collect, &s), DB_OK);
	t = buf_str(&s.all);
	assert_non_null(strstr(t, "my_private_note=MIA-PRIVATE canary"));
	assert_null(strstr(t, "ELI-PRIVATE"));
	assert_null(strstr(t, "ELI-FEEDBACK")); /* feedback only its author exports */
	buf_free(&s.all);
	test_db_remove(db, path);
}

static void deactivation_closes_reactivation_restores(void **state)
{
	(void)state;
	char path[256];
	struct db *db = program(path);
	struct user u;
	/* a reset link mailed before: it must not come back with the account */
	assert_int_equal(
		db_exec_script(db, "INSERT INTO account_tokens(user_id, purpose, salt, token_hash, "
				   "created_at, expires_at) VALUES (1, 2, zeroblob(32), zeroblob(32), 1, "
				   "9999999999)"),
		DB_OK);
	assert_int_equal(user_change(db, 1, NULL, 4, NOW, "ip", &u), DB_OK);
	assert_int_equal(
		db_scalar(db, "SELECT count(*) FROM account_tokens WHERE user_id = 1 AND used_at IS NULL",
			  -1),
		0);
	/* the request waiting on the closed account is declined, and its
	 * mentee (3) hears (OB_REQUEST_DECLINED) */
	assert_int_equal(db_scalar(db, "SELECT status = 'declined' FROM requests WHERE id = 2", -1), 1);
	assert_int_equal(
		db_scalar(db, "SELECT count(*) FROM outbox WHERE event = 3 AND user_id = 3 AND ref = 2", -1),
		1);
	assert_int_equal(db_scalar(db, "SELECT status = 'ended_early' FROM mentorships WHERE id = 1", -1), 1);
	assert_int_equal(
		db_scalar(db, "SELECT count(*) FROM outbox WHERE event = 20 AND user_id = 2 AND ref = 1", -1),
		1);
	assert_int_equal(db_scalar(db, "SELECT count(*) FROM outbox WHERE event = 20 AND user_id = 1", -1),
			 0);
	/* the reason, sealed for its row and pair like any end reason */
	sqlite3_stmt *st = DB_STMT(db, "SELECT end_reason_sealed, end_reason, mentor_id, mentee_id "
				       "FROM mentorships WHERE id = 1");
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	struct buf reason = {0};
	const int64_t who[3] = {1, sqlite3_column_int64(st, 2), sqlite3_column_int64(st, 3)};
	assert_int_equal(sealed_open(st, 0, 1, SEALED_MENTORSHIP_END_REASON, 1, 0, who, &reason), 0);
	sqlite3_reset(st);
	assert_string_equal(buf_str(&reason), "account closed");
	buf_free(&reason);
	/* the mentee still reads the session the pair shared */
	struct meeting m;
	assert_int_equal(meeting_get_for(db, 1, 2, &m), MEET_OK);
	assert_string_equal(buf_str(&m.shared_notes), "the SHARED notes");
	assert_string_equal(buf_str(&m.my_private), "ELI-PRIVATE canary");
	meeting_free(&m);

	assert_int_equal(account_reactivate(db, 1, 4, NOW, "ip"), DB_OK);
	assert_int_equal(db_scalar(db, "SELECT active FROM users WHERE id = 1", -1), 1);
	assert_int_equal(db_scalar(db, "SELECT status = 'ended_early' FROM mentorships WHERE id = 1", -1), 1);
	assert_int_equal(account_reactivate(db, 1, 4, NOW, "ip"), DB_NOTFOUND);
	test_db_remove(db, path);
}

static void erasure(void **state)
{
	(void)state;
	char path[256];
	struct db *db = program(path);
	/* the last admin: refused, nothing changed */
	assert_int_equal(account_erase(db, 4, NOW, "ip"), DB_CONFLICT);
	assert_int_equal(db_scalar(db, "SELECT active = 1 AND role = 'admin' FROM users WHERE id = 4", -1),
			 1);

	assert_int_equal(account_erase(db, 2, NOW, "ip"), DB_OK);
	assert_int_equal(db_scalar(db, "SELECT count(*) FROM private_notes WHERE author_id = 2", -1), 0);
	assert_int_equal(db_scalar(db, "SELECT count(*) FROM private_notes WHERE author_id = 1", -1), 1);
	assert_int_equal(db_scalar(db, "SELECT count(*) FROM feedback WHERE author_id = 2", -1), 0);
	assert_int_equal(
		db_scalar(db,
			  "SELECT count(*) FROM users WHERE id = 2 AND display_name = 'a former member' "
			  "AND email = 'erased-2@invalid' AND active = 0 AND pw_hash = '!' "
			  "AND erased_at IS NOT NULL",
			  -1),
		1);
	assert_int_equal(db_scalar(db, "SELECT status = 'ended_early' FROM mentorships WHERE id = 1", -1), 1);
	assert_int_equal(db_scalar(db, "SELECT count(*) FROM audit WHERE event = 'account_erased'", -1), 1);
	/* an erased account does not come back */
	assert_int_equal(account_reactivate(db, 2, 4, NOW, "ip"), DB_NOTFOUND);
	/* the figures the admin overview keeps still equal a recount */
	struct kept_overview o;
	kept_forget();
	assert_int_equal(kept_overview(db, NOW, &o), DB_OK);
	assert_int_equal(o.members, db_scalar(db, "SELECT count(*) FROM users WHERE active = 1", -1));
	assert_int_equal(o.active_ms,
			 db_scalar(db, "SELECT count(*) FROM mentorships WHERE status = 'active'", -1));
	assert_int_equal(o.admins, 1);
	test_db_remove(db, path);
}

int main(void)
{
	if (sodium_init() < 0)
		return 1;
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(export_is_mine_only, key_setup, key_teardown),
		cmocka_unit_test_setup_teardown(deactivation_closes_reactivation_restores, key_setup,
						key_teardown),
		cmocka_unit_test_setup_teardown(erasure, key_setup, key_teardown),
	};
	return cmocka_run_group_tests_name("my data", tests, NULL, NULL);
}
