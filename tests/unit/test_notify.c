/* What mail and feeds share: signed links that work without signing in
 * (and refuse anything altered, for another purpose or under a retired
 * key), iCalendar text that calendar clients accept, and each person's
 * notification preferences. */
#include "testdb.h"
#include "testkey.h"

#include <sodium.h>
#include <unistd.h>

#include "security/linktoken.h"
#include "security/seal.h"
#include "store/notify.h"
#include "view/ics.h"

static void link_round_trip_and_refusals(void **state)
{
	(void)state;
	char t[LINK_TOKEN_LEN];
	int64_t uid = 0, arg = 0;
	assert_int_equal(link_token_make(LINK_UNSUBSCRIBE, 42, NOTIFY_SURVEY, t), 0);
	assert_int_equal(strlen(t), LINK_TOKEN_LEN - 1);
	assert_int_equal(link_token_check(t, LINK_UNSUBSCRIBE, &uid, &arg), 0);
	assert_int_equal(uid, 42);
	assert_int_equal(arg, NOTIFY_SURVEY);
	/* The same numbers for another purpose: an unsubscribe link is no
	 * calendar link. */
	assert_int_equal(link_token_check(t, LINK_CALENDAR, &uid, &arg), -1);
	/* Every single character changed is refused. */
	for (size_t i = 0; i < LINK_TOKEN_LEN - 1; i++) {
		char bad[LINK_TOKEN_LEN];
		memcpy(bad, t, sizeof(bad));
		bad[i] = bad[i] == 'A' ? 'B' : 'A';
		assert_int_equal(link_token_check(bad, LINK_UNSUBSCRIBE, &uid, &arg), -1);
	}
	assert_int_equal(link_token_check("", LINK_UNSUBSCRIBE, &uid, &arg), -1);
	assert_int_equal(link_token_check("not a token", LINK_UNSUBSCRIBE, &uid, &arg), -1);
	char longer[LINK_TOKEN_LEN + 1];
	snprintf(longer, sizeof(longer), "%sA", t);
	assert_int_equal(link_token_check(longer, LINK_UNSUBSCRIBE, &uid, &arg), -1);
	/* Under another key (another installation, or a retired key). */
	seal_done();
	char other[300];
	snprintf(other, sizeof(other), "%s-other", keyfile);
	unlink(other);
	assert_int_equal(seal_init(other, 1), 0);
	assert_int_equal(link_token_check(t, LINK_UNSUBSCRIBE, &uid, &arg), -1);
	seal_done();
	unlink(other);
	assert_int_equal(seal_init(keyfile, 0), 0);
	assert_int_equal(link_token_check(t, LINK_UNSUBSCRIBE, &uid, &arg), 0);
}

static void ics_escapes_and_folds(void **state)
{
	(void)state;
	struct buf b = {0};
	struct ics_event e = {
		.uid = "mentorship-7-2@tandem.example",
		.sequence = 3,
		.stamp = 1790000000,
		.start = 1790006400,
		.duration_min = 45,
		.summary = "Session: Zoë, Łukasz; \\ and a very long title that goes on and on past "
			   "seventy-five octets ✓✓✓✓✓✓✓✓",
		.description = "line one\nline two\r\x01",
		.url = "https://tandem.example/mentorships/7",
		.organizer = "tandem@example.com",
		.attendee = "zoe@example.com",
		.attendee_name = "Zoë \"Z\" Ā",
	};
	assert_int_equal(ics_begin(&b, "REQUEST", NULL), 0);
	assert_int_equal(ics_event(&b, &e), 0);
	assert_int_equal(ics_end(&b), 0);
	const char *s = buf_str(&b);
	assert_non_null(strstr(s, "METHOD:REQUEST\r\n"));
	assert_non_null(strstr(s, "UID:mentorship-7-2@tandem.example\r\n"));
	assert_non_null(strstr(s, "SEQUENCE:3\r\n"));
	assert_non_null(strstr(s, "DTSTART:20260921T160000Z\r\n"));
	assert_non_null(strstr(s, "DURATION:PT45M\r\n"));
	assert_non_null(strstr(s, "Zoë\\, Łukasz\\; \\\\ and"));
	assert_non_null(strstr(s, "DESCRIPTION:line one\\nline two\r\n"));
	/* Unfolded (RFC 5545 3.1), the attendee's name is one quoted value. */
	struct buf u = {0};
	for (const char *p = s; *p; p++) {
		if (p[0] == '\r' && p[1] == '\n' && p[2] == ' ') {
			p += 2;
			continue;
		}
		buf_append(&u, p, 1);
	}
	assert_non_null(strstr(buf_str(&u),
			       "ATTENDEE;ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION;CN=\"Zoë Z Ā\""
			       ":mailto:zoe@example.com\r\n"));
	buf_free(&u);
	/* Every line is at most 75 octets, ends in CRLF, and no fold splits
	 * a UTF-8 character (a continuation line never starts with one). */
	for (const char *l = s; *l;) {
		const char *end = strstr(l, "\r\n");
		assert_non_null(end);
		assert_true(end - l <= 75);
		if (*l == ' ')
			assert_true(((unsigned char)l[1] & 0xC0) != 0x80);
		for (const char *p = l; p < end; p++)
			assert_true(*p != '\n' && *p != '\r');
		l = end + 2;
	}
	buf_free(&b);
}

static void prefs(void **state)
{
	(void)state;
	char path[256];
	struct db *db = test_db_open("notify", path);
	assert_non_null(db);
	assert_int_equal(db_exec_script(db, "INSERT INTO users(id, email, display_name, pw_hash, created_at) "
					    "VALUES (1, 'a@example.com', 'A', 'x', 1), "
					    "(2, 'b@example.com', 'B', 'x', 1);"
					    "UPDATE users SET active = 0 WHERE id = 2;"),
			 0);
	struct notify_prefs p;
	int digest = -1;
	/* Nothing saved: every kind on, at once. */
	assert_int_equal(notify_prefs_get(db, 1, &p), DB_OK);
	assert_int_equal(p.off, 0);
	assert_int_equal(p.digest, 0);
	assert_int_equal(notify_wants(db, 1, NOTIFY_REQUEST_NEW, &digest), 1);
	assert_int_equal(digest, 0);

	assert_int_equal(notify_prefs_save(db, 1, UINT64_C(1) << NOTIFY_FEEDBACK | UINT64_C(1) << 60, 1),
			 DB_OK);
	assert_int_equal(notify_wants(db, 1, NOTIFY_FEEDBACK, &digest), 0);
	assert_int_equal(notify_wants(db, 1, NOTIFY_SURVEY, &digest), 1);
	assert_int_equal(digest, 1);
	assert_int_equal(notify_prefs_get(db, 1, &p), DB_OK);
	assert_int_equal(p.off, UINT64_C(1) << NOTIFY_FEEDBACK); /* no bit of a kind that does not exist */

	assert_int_equal(notify_turn_off(db, 1, NOTIFY_SURVEY), DB_OK);
	assert_int_equal(notify_wants(db, 1, NOTIFY_SURVEY, &digest), 0);
	assert_int_equal(notify_wants(db, 1, NOTIFY_FEEDBACK, &digest), 0);
	assert_int_equal(notify_wants(db, 1, NOTIFY_MENTORSHIP, &digest), 1);

	int64_t gen = 0;
	assert_int_equal(notify_calendar_replace(db, 1, &gen), DB_OK);
	assert_int_equal(gen, 1);
	assert_int_equal(notify_calendar_replace(db, 1, &gen), DB_OK);
	assert_int_equal(gen, 2);
	/* Saving kinds keeps the calendar link. */
	assert_int_equal(notify_prefs_save(db, 1, 0, 0), DB_OK);
	assert_int_equal(notify_prefs_get(db, 1, &p), DB_OK);
	assert_int_equal(p.calendar_gen, 2);

	/* A deactivated or unknown person: no row is made. */
	assert_int_equal(notify_turn_off(db, 2, NOTIFY_SURVEY), DB_NOTFOUND);
	assert_int_equal(notify_turn_off(db, 99, NOTIFY_SURVEY), DB_NOTFOUND);
	assert_int_equal(db_scalar(db, "SELECT count(*) FROM notify_prefs WHERE user_id <> 1", -1), 0);
	test_db_remove(db, path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(link_round_trip_and_refusals),
		cmocka_unit_test(ics_escapes_and_folds),
		cmocka_unit_test(prefs),
	};
	return cmocka_run_group_tests(tests, key_setup, key_teardown);
}
