/* Mail composition (view/mail.h, server/sender.h): no header value can
 * add a header, non-ASCII names and subjects are RFC 2047 encoded-words
 * that decode back, the MIME structure holds, and an outbox row rides in
 * its request's savepoint of a group commit. */
#include "testdb.h"

#include <sodium.h>

#include "server/sender.h"
#include "store/outbox.h"
#include "store/seed.h"
#include "view/mail.h"
#include "view/view.h"

/* Decode one "=?UTF-8?B?…?=" word at s into out; the word's length. */
static size_t decode_word(const char *s, char *out, size_t n, size_t *outlen)
{
	assert_memory_equal(s, "=?UTF-8?B?", 10);
	const char *end = strstr(s + 10, "?=");
	assert_non_null(end);
	assert_int_equal(sodium_base642bin((unsigned char *)out, n, s + 10, (size_t)(end - s - 10), NULL,
					   outlen, NULL, sodium_base64_VARIANT_ORIGINAL),
			 0);
	return (size_t)(end + 2 - s);
}

static void ascii_stays_and_controls_go(void **state)
{
	(void)state;
	struct buf b = {0};
	assert_int_equal(mail_encode_words(&b, "Plain subject"), 0);
	assert_string_equal(buf_str(&b), "Plain subject");
	buf_reset(&b);
	mail_encode_words(&b, "Hi\r\nBcc: evil@example.com");
	assert_string_equal(buf_str(&b), "HiBcc: evil@example.com");
	buf_free(&b);
	char out[64];
	mail_header_clean("a\rb\nc\td\x7f", out, sizeof(out));
	assert_string_equal(out, "abcd");
}

static void rfc2047_round_trip_without_splitting_characters(void **state)
{
	(void)state;
	struct buf b = {0};
	assert_int_equal(mail_encode_words(&b, "Zoë Ångström"), 0);
	char dec[256];
	size_t len = 0;
	assert_int_equal(decode_word(buf_str(&b), dec, sizeof(dec), &len), b.len);
	assert_int_equal(len, strlen("Zoë Ångström"));
	assert_memory_equal(dec, "Zoë Ångström", len);
	buf_free(&b);

	/* 60 two-byte and three-byte characters: several words, each at most
	 * 75 characters, each decoding to whole UTF-8 characters. */
	char longs[400] = "";
	for (int i = 0; i < 30; i++)
		strcat(longs, "é€");
	struct buf l = {0};
	mail_encode_words(&l, longs);
	struct buf joined = {0};
	const char *p = buf_str(&l);
	int words = 0;
	while (*p) {
		size_t n = decode_word(p, dec, sizeof(dec), &len);
		assert_true(n <= 75);
		/* No word ends inside a character. */
		assert_true(((unsigned char)dec[len - 1] & 0xC0) == 0x80 ||
			    (unsigned char)dec[len - 1] < 0x80);
		assert_true((unsigned char)dec[0] >= 0xC0);
		buf_append(&joined, dec, len);
		words++;
		p += n;
		if (*p) {
			assert_memory_equal(p, "\r\n ", 3); /* folded */
			p += 3;
		}
	}
	assert_true(words > 1);
	assert_string_equal(buf_str(&joined), longs);
	buf_free(&l);
	buf_free(&joined);
}

static void addresses_cannot_be_split(void **state)
{
	(void)state;
	struct buf b = {0};
	mail_address(&b, "Tom \"T\" Mentee", "tom@example.com");
	assert_string_equal(buf_str(&b), "\"Tom \\\"T\\\" Mentee\" <tom@example.com>");
	buf_reset(&b);
	mail_address(&b, "Eve\r\nBcc: x@y.z", "eve@example.com>, other@example.com");
	assert_null(strstr(buf_str(&b), "\r\n"));
	assert_null(strchr(strchr(buf_str(&b), '<') + 1, '<'));
	assert_null(strchr(buf_str(&b), ','));
	buf_free(&b);
}

/* Every line of s ends in CRLF and holds at most max characters. */
static void lines_ok(const char *s, size_t max)
{
	for (const char *line = s; *line;) {
		const char *nl = strchr(line, '\n');
		assert_non_null(nl);
		assert_true(nl > line && nl[-1] == '\r');
		assert_true((size_t)(nl - 1 - line) <= max);
		line = nl + 1;
	}
}

static void mime_structure(void **state)
{
	(void)state;
	struct mail_msg m = {
		.from_name = "Tandem",
		.from_addr = "tandem@example.com",
		.to_name = "Zoë",
		.to_addr = "zoe@example.com",
		.subject = "Session planned\r\nX-Injected: yes",
		.message_id = "outbox-7@example.com",
		.date = 1796112858,
		.unsubscribe = "https://example.com/unsubscribe/abc\r\nX-Evil: 1",
		.text = "Hello Zoë,\n\na line with = and trailing space \nand a very long line that goes on "
			"and on and "
			"on well past the seventy-six characters quoted-printable allows\n.dot first\n",
		.html = "<p>Hello Zo&euml;</p>",
		.ics = "BEGIN:VCALENDAR\r\nMETHOD:CANCEL\r\nEND:VCALENDAR\r\n",
		.ics_method = "CANCEL",
	};
	struct buf b = {0};
	assert_int_equal(mail_build(&m, &b), 0);
	const char *s = buf_str(&b);
	lines_ok(s, 998);
	const char *body = strstr(s, "\r\n\r\n");
	assert_non_null(body);
	/* No header the values tried to add. */
	struct buf head = {0};
	buf_append(&head, s, (size_t)(body - s + 2));
	assert_null(strstr(buf_str(&head), "\r\nX-Injected"));
	assert_null(strstr(buf_str(&head), "\r\nX-Evil"));
	assert_non_null(strstr(buf_str(&head), "\r\nAuto-Submitted: auto-generated\r\n"));
	assert_non_null(strstr(buf_str(&head), "\r\nList-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n"));
	assert_non_null(strstr(buf_str(&head), "\r\nMessage-ID: <outbox-7@example.com>\r\n"));
	assert_non_null(strstr(buf_str(&head), "\r\nTo: =?UTF-8?B?"));
	assert_non_null(
		strstr(buf_str(&head),
		       "Content-Type: multipart/alternative; boundary=\"=_tandem_outbox-7.example.com\""));
	buf_free(&head);
	/* Three parts, in order, and the closing boundary. */
	const char *t =
		strstr(body, "--=_tandem_outbox-7.example.com\r\nContent-Type: text/plain; charset=UTF-8");
	const char *h =
		strstr(body, "--=_tandem_outbox-7.example.com\r\nContent-Type: text/html; charset=UTF-8");
	const char *c = strstr(body, "--=_tandem_outbox-7.example.com\r\nContent-Type: text/calendar; "
				     "charset=UTF-8; method=CANCEL");
	assert_true(t && h && c && t < h && h < c);
	assert_non_null(strstr(c, "\r\n--=_tandem_outbox-7.example.com--\r\n"));
	/* Quoted-printable: short lines, '=' escaped, the trailing space kept. */
	lines_ok(body + 4, 998);
	assert_non_null(strstr(t, "Hello Zo=C3=AB,"));
	assert_non_null(strstr(t, "with =3D and trailing space=20\r\n"));
	assert_non_null(strstr(t, "\r\n=2Edot first"));
	for (const char *line = strstr(t, "\r\n\r\n") + 4; line < h;) {
		const char *nl = strstr(line, "\r\n");
		assert_true(nl - line <= 76);
		line = nl + 2;
	}
	buf_free(&b);
}

static void plan_mail_from_templates(void **state)
{
	(void)state;
	char dir[4300];
	snprintf(dir, sizeof(dir), "%s/templates/mail", test_root());
	assert_int_equal(view_load_mail(dir), 0);
	struct config cfg = {0};
	snprintf(cfg.base_url, sizeof(cfg.base_url), "https://mentoring.example.com");
	snprintf(cfg.mail_from, sizeof(cfg.mail_from), "tandem@example.com");
	snprintf(cfg.mail_host, sizeof(cfg.mail_host), "mentoring.example.com");
	struct outbox_row r = {.id = 12,
			       .event = OB_PLAN_SET,
			       .user_id = 3,
			       .ref = 7,
			       .plan_no = 2,
			       .plan_seq = 3,
			       .at = 1796112000};
	struct outbox_facts f = {.mentorship_id = 7, .duration_min = 45, .is_mentor = 0};
	snprintf(f.email, sizeof(f.email), "tom@example.com");
	snprintf(f.name, sizeof(f.name), "Tom <b>");
	snprintf(f.other_name, sizeof(f.other_name), "Mira\r\nBcc: x@example.com");
	snprintf(f.topic, sizeof(f.topic), "Career");
	snprintf(f.tz, sizeof(f.tz), "Europe/Berlin");
	struct buf b = {0};
	assert_int_equal(sender_compose(&cfg, &r, &f, 1796000000, &b), 0);
	const char *s = buf_str(&b);
	assert_non_null(strstr(s, "\r\nSubject: Session moved with MiraBcc: x@example.com: "));
	assert_null(strstr(s, "\r\nBcc:"));
	assert_non_null(strstr(s, "Message-ID: <outbox-12@mentoring.example.com>"));
	assert_non_null(strstr(s, "method=REQUEST"));
	assert_non_null(strstr(s, "UID:mentorship-7-2@mentoring.example.com"));
	assert_non_null(strstr(s, "SEQUENCE:3"));
	assert_non_null(strstr(s, "Tom &lt;b&gt;")); /* escaped in the HTML part */
	assert_non_null(strstr(s, "https://mentoring.example.com/mentorships/7"));
	buf_free(&b);
	view_unload();
}

static void outbox_rows_ride_in_the_savepoint(void **state)
{
	(void)state;
	char path[256];
	struct db *db = test_db_open("mail", path);
	assert_non_null(db);
	assert_int_equal(
		db_exec_script(
			db,
			"INSERT INTO users(id, email, display_name, pw_hash, created_at) VALUES "
			"(1, 'a@x', 'A', 'h', 0), (2, 'b@x', 'B', 'h', 0);"
			"INSERT INTO topics(id, name, key) VALUES (1, 'T', 't');"
			"INSERT INTO requests(id, mentee_id, mentor_id, topic_id, goal, format, cadence, "
			"duration_min, weeks, created_at) VALUES (1, 1, 2, 1, 'g', 'one_on_one', 'weekly', "
			"30, 6, 0);"),
		DB_OK);
	db_group_arm(db);
	/* A refused request: its savepoint rolls back, its mail with it. */
	assert_int_equal(db_begin(db), DB_OK);
	assert_int_equal(outbox_request_created(db, 1, 100), DB_OK);
	db_rollback(db);
	/* A later one of the same group commits with it. */
	assert_int_equal(db_begin(db), DB_OK);
	assert_int_equal(outbox_request_answered(db, 1, OB_REQUEST_DECLINED, 100), DB_OK);
	assert_int_equal(db_commit(db), DB_OK);
	assert_int_equal(db_group_commit(db), DB_OK);
	assert_int_equal(db_scalar(db, "SELECT count(*) FROM outbox", -1), 1);
	assert_int_equal(db_scalar(db, "SELECT user_id * 100 + event FROM outbox", -1),
			 100 + OB_REQUEST_DECLINED);
	/* The sender's view: due now, not needed once the request is pending
	 * again (a decline that is not one). */
	struct outbox_row rows[4];
	assert_int_equal(outbox_due(db, 100, rows, 4), 1);
	struct outbox_facts f;
	assert_int_equal(outbox_check(db, &rows[0], 100, &f), 0);
	assert_int_equal(db_exec_script(db, "UPDATE requests SET status = 'declined';"), DB_OK);
	assert_int_equal(outbox_check(db, &rows[0], 100, &f), 1);
	assert_string_equal(f.email, "a@x");
	assert_string_equal(f.other_name, "B");
	/* Five failed attempts retry; the sixth gives up and is counted. */
	for (int i = 0; i < 5; i++)
		assert_int_equal(outbox_retry(db, rows[0].id, 200 + i), DB_OK);
	assert_int_equal(outbox_failed_count(db), 0);
	assert_int_equal(outbox_retry(db, rows[0].id, 0), DB_OK);
	assert_int_equal(outbox_failed_count(db), 1);
	assert_int_equal(outbox_due(db, 1000000, rows, 4), 0);
	test_db_remove(db, path);
}

/* Mia (1) mentors Eli (2) in mentorship 1. */
#define PAIR_SQL                                                                                             \
	"INSERT INTO users(id, email, display_name, pw_hash, created_at) VALUES "                            \
	"(1, 'm@x', 'Mia', 'h', 0), (2, 'e@x', 'Eli', 'h', 0);"                                              \
	"INSERT INTO topics(id, name, key) VALUES (1, 'T', 't');"                                            \
	"INSERT INTO requests(id, mentee_id, mentor_id, topic_id, goal, format, cadence, "                   \
	"duration_min, weeks, status, created_at) VALUES (1, 2, 1, 1, 'g', 'one_on_one', "                   \
	"'weekly', 30, 6, 'accepted', 0);"                                                                   \
	"INSERT INTO mentorships(id, request_id, mentor_id, mentee_id, topic_id, goal, "                     \
	"format, "                                                                                           \
	"cadence, duration_min, weeks, started_on, planned_end, created_at) VALUES "                         \
	"(1, 1, 1, 2, 1, 'g', 'one_on_one', 'weekly', 30, 6, '2026-09-01', '2026-10-13', 0);"

/* A logged session writes no mail row (sql/0044): an hour later the
 * sender makes it an outbox row for each of the pair and moves its mark
 * past it; a session deleted meanwhile asks nobody, one not yet due holds
 * the mark before it. */
static void logged_session_becomes_a_row_for_each_of_the_pair(void **state)
{
	(void)state;
	char path[256];
	struct db *db = test_db_open("mail-pair", path);
	assert_non_null(db);
	assert_int_equal(
		db_exec_script(
			db, PAIR_SQL
			"INSERT INTO meetings(id, mentorship_id, author_id, held_on, duration_min, kind, "
			"created_at) VALUES (10, 1, 2, '2026-09-20', 30, 'one_on_one', 1000), "
			"(11, 1, 1, '2026-09-21', 30, 'one_on_one', 2000);"),
		DB_OK);
	/* Logging wrote no mail row: the sessions themselves wait past the mark. */
	assert_int_equal(db_scalar(db, "SELECT last FROM id_counters WHERE name = 'feedback_asked'", -1), 0);
	assert_int_equal(db_scalar(db, "SELECT count(*) FROM outbox", -1), 0);
	/* Not due yet: nothing moves, and the sender takes no lock. */
	struct outbox_row rows[8];
	assert_int_equal(outbox_feedback_expand(db, 1000 + OUTBOX_FEEDBACK_AFTER - 1, 8), 0);
	assert_int_equal(outbox_due(db, 1000000, rows, 8), 0);
	assert_int_equal(db_scalar(db, "SELECT last FROM id_counters WHERE name = 'feedback_asked'", -1), 0);
	/* Session 11 is deleted before its hour is up; session 12 is logged
	 * later and is not due when the other two are. */
	assert_int_equal(db_exec_script(db, "DELETE FROM meetings WHERE id = 11;"
					    "INSERT INTO meetings(id, mentorship_id, author_id, held_on, "
					    "duration_min, kind, created_at) VALUES "
					    "(12, 1, 2, '2026-09-22', 30, 'one_on_one', 999000);"),
			 DB_OK);
	assert_int_equal(outbox_feedback_expand(db, 1000000, 8), 1);
	assert_int_equal(outbox_due(db, 1000000, rows, 8), 2);
	for (int i = 0; i < 2; i++) {
		assert_int_equal(rows[i].event, OB_FEEDBACK_OWED);
		assert_int_equal(rows[i].ref, 10);
		assert_int_equal(rows[i].due, 1000 + OUTBOX_FEEDBACK_AFTER);
	}
	assert_int_equal(rows[0].user_id + rows[1].user_id, 3); /* the mentor and the mentee */
	/* Taken once: the mark is past 10 (and 11), a second pass adds nothing. */
	assert_int_equal(db_scalar(db, "SELECT last FROM id_counters WHERE name = 'feedback_asked'", -1), 10);
	assert_int_equal(outbox_feedback_expand(db, 1000000, 8), 0);
	assert_int_equal(db_scalar(db, "SELECT count(*) FROM outbox", -1), 2);
	/* Session 12's hour: its pair is asked, the mark moves past it. */
	assert_int_equal(outbox_feedback_expand(db, 999000 + OUTBOX_FEEDBACK_AFTER, 8), 1);
	assert_int_equal(db_scalar(db, "SELECT count(*) FROM outbox WHERE ref = 12", -1), 2);
	assert_int_equal(db_scalar(db, "SELECT last FROM id_counters WHERE name = 'feedback_asked'", -1), 12);
	/* Session 13 was stamped by a clock since stepped back: it does not
	 * hold 14 behind it; its own rows wait for its hour. */
	assert_int_equal(db_exec_script(db, "INSERT INTO meetings(id, mentorship_id, author_id, held_on, "
					    "duration_min, kind, created_at) VALUES "
					    "(13, 1, 2, '2026-09-23', 30, 'one_on_one', 5000000), "
					    "(14, 1, 2, '2026-09-24', 30, 'one_on_one', 1000000);"),
			 DB_OK);
	assert_int_equal(outbox_feedback_expand(db, 1000000 + OUTBOX_FEEDBACK_AFTER, 8), 2);
	assert_int_equal(db_scalar(db, "SELECT count(*) FROM outbox WHERE ref IN (13, 14)", -1), 4);
	assert_int_equal(db_scalar(db, "SELECT min(due) FROM outbox WHERE ref = 13", -1),
			 5000000 + OUTBOX_FEEDBACK_AFTER);
	struct outbox_facts f;
	assert_int_equal(outbox_check(db, &rows[0], 1000000, &f), 1);
	assert_int_equal(f.session_id, 10);
	test_db_remove(db, path);
}

/* sql/0044 on a database that still holds rows of outbox_feedback: each
 * becomes an outbox row for each of the pair, due when it was (a session
 * deleted meanwhile asks nobody), and the sessions' counter and the mark
 * are past every session, so the sender asks nobody twice and skips no
 * new one. */
static void upgrade_turns_waiting_rows_into_mail(void **state)
{
	(void)state;
	char dir[256], path[256];
	struct db *db = test_db_before("0044", dir, sizeof(dir), path, sizeof(path));
	assert_int_equal(
		db_exec_script(db, PAIR_SQL
			       "INSERT INTO meetings(id, mentorship_id, author_id, held_on, duration_min, "
			       "kind, created_at) VALUES (10, 1, 2, '2026-09-20', 30, 'one_on_one', 900), "
			       "(12, 1, 2, '2026-09-22', 30, 'one_on_one', 1000);"
			       "UPDATE id_counters SET last = 11 WHERE name = 'meetings';"
			       "INSERT INTO outbox_feedback(due, session_id) VALUES (4500, 10), (4600, 11);"),
		DB_OK);
	test_db_migrate_rest(db);
	struct outbox_row rows[8];
	assert_int_equal(outbox_due(db, 1000000, rows, 8), 2);
	for (int i = 0; i < 2; i++) {
		assert_int_equal(rows[i].event, OB_FEEDBACK_OWED);
		assert_int_equal(rows[i].ref, 10);
		assert_int_equal(rows[i].due, 4500);
	}
	assert_int_equal(rows[0].user_id + rows[1].user_id, 3);
	/* The counter was behind a session seed-demo wrote (12): raised, and the
	 * mark with it. */
	assert_int_equal(db_scalar(db, "SELECT last FROM id_counters WHERE name = 'meetings'", -1), 12);
	assert_int_equal(db_scalar(db, "SELECT last FROM id_counters WHERE name = 'feedback_asked'", -1), 12);
	assert_int_equal(outbox_feedback_expand(db, 1000000, 8), 0);
	assert_int_equal(db_scalar(db, "SELECT count(*) FROM outbox", -1), 2);
	test_db_after(db, dir, path);
}

/* seed-demo's history asks nobody for feedback, but a session logged
 * before the seed still gets its mail, an hour after it was logged; the
 * sessions' counter ends past every seeded id (a deleted one's id must
 * not name a new session behind the mark). */
static void seed_history_asks_nobody(void **state)
{
	(void)state;
	char path[256];
	struct db *db = test_db_open("mail-seed", path);
	assert_non_null(db);
	assert_int_equal(db_exec_script(db, PAIR_SQL
					"INSERT INTO meetings(id, mentorship_id, author_id, held_on, "
					"duration_min, kind, created_at) VALUES "
					"(10, 1, 2, '2026-09-20', 30, 'one_on_one', 1799999000);"
					"UPDATE id_counters SET last = 10 WHERE name = 'meetings';"),
			 DB_OK);
	assert_int_equal(seed_demo(db, 40, 10, 1800000000), 0);
	int64_t top = db_scalar(db, "SELECT max(id) FROM meetings", -1);
	assert_true(top > 10);
	assert_int_equal(db_scalar(db, "SELECT last FROM id_counters WHERE name = 'feedback_asked'", -1),
			 top);
	assert_int_equal(db_scalar(db, "SELECT last FROM id_counters WHERE name = 'meetings'", -1), top);
	assert_int_equal(db_scalar(db,
				   "SELECT count(*) FROM outbox WHERE event = 11 AND ref = 10 "
				   "AND due = 1799999000 + 3600",
				   -1),
			 2);
	assert_int_equal(db_scalar(db, "SELECT count(*) FROM outbox WHERE event = 11 AND ref <> 10", -1), 0);
	assert_int_equal(outbox_feedback_expand(db, 1900000000, 64), 0);
	test_db_remove(db, path);
}

static void digest_at_eight_local(void **state)
{
	(void)state;
	/* 2026-12-01 06:00 UTC is 15:00 in Tokyo: the next 08:00 there is
	 * 2026-12-01 23:00 UTC. */
	int64_t now = 1796104800;
	assert_int_equal(sender_next_digest(now, "Asia/Tokyo"), 1796166000);
	/* 07:59 UTC: 08:00 UTC the same day. */
	assert_int_equal(sender_next_digest(1796111940, "UTC"), 1796112000);
	assert_int_equal(sender_next_digest(1796112000, "UTC"), 1796112000 + 86400);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(ascii_stays_and_controls_go),
		cmocka_unit_test(rfc2047_round_trip_without_splitting_characters),
		cmocka_unit_test(addresses_cannot_be_split),
		cmocka_unit_test(mime_structure),
		cmocka_unit_test(plan_mail_from_templates),
		cmocka_unit_test(outbox_rows_ride_in_the_savepoint),
		cmocka_unit_test(logged_session_becomes_a_row_for_each_of_the_pair),
		cmocka_unit_test(upgrade_turns_waiting_rows_into_mail),
		cmocka_unit_test(seed_history_asks_nobody),
		cmocka_unit_test(digest_at_eight_local),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
