/* Issue 17's kept weekly figures (activity_weeks) against a recount from
 * scratch after random pairings, office-hour visits and help sessions;
 * the week arithmetic; links; occurrences across a change of daylight
 * saving time; the seat that only one booking gets. */
#include "testutil.h"

#include "core/week.h"
#include "core/when.h"
#include "store/office_hours.h"
#include "store/pairings.h"
#include "store/rotations.h"
#include "store/users.h"
#include "testdb.h"
#include "testkey.h"

static char path[256];

static int setup(void **state)
{
	if (key_setup(state) != 0)
		return -1;
	struct db *db = test_db_open("activity", path);
	*state = db;
	return db ? 0 : -1;
}

static int teardown(void **state)
{
	if (!getenv("KEEP_DB"))
		test_db_remove(*state, path);
	else
		db_close(*state);
	return key_teardown(state);
}

static int64_t person(struct db *db, int i)
{
	char email[64];
	snprintf(email, sizeof(email), "p%d@example.com", i);
	int64_t id = 0;
	assert_int_equal(db_begin(db), DB_OK);
	assert_int_equal(user_create(db, email, "Someone", "$argon2id$x", "member", 1000, &id), DB_OK);
	assert_int_equal(db_commit(db), DB_OK);
	return id;
}

static void weeks_and_days(void **state)
{
	(void)state;
	int64_t d = 0;
	assert_int_equal(week_days("1970-01-01", &d), 0);
	assert_int_equal(d, 0);
	assert_int_equal(week_weekday(0), 4); /* a Thursday */
	assert_int_equal(week_days("2026-12-06", &d), 0);
	assert_int_equal(week_weekday(d), 7);
	char s[16];
	week_ymd(week_monday(d), s, sizeof(s));
	assert_string_equal(s, "2026-11-30");
	assert_int_equal(week_days("2024-02-29", &d), 0);
	assert_int_equal(week_days("2026-02-29", &d), -1);
	assert_int_equal(week_days("2026-13-01", &d), -1);
	for (int64_t x = -1000; x < 30000; x += 37) {
		week_ymd(x, s, sizeof(s));
		assert_int_equal(week_days(s, &d), 0);
		assert_int_equal(d, x);
	}
	/* Sunday 23:30 UTC is Monday in Paris: a new week there. */
	int64_t t = when_parse_local("2026-12-06T23:30", "UTC");
	assert_int_equal(week_weekday(week_today(t, "UTC")), 7);
	assert_int_equal(week_weekday(week_today(t, "Europe/Paris")), 1);
	char many[2][WEEK_WHEN_MAX], one[128];
	int64_t ts[2] = {t, t + 3600};
	week_format_many(ts, 2, "Asia/Tokyo", many);
	when_format(t + 3600, "Asia/Tokyo", one, sizeof(one));
	assert_string_equal(many[1], one);
}

static void links(void **state)
{
	(void)state;
	assert_true(pairing_link_ok("https://tracker.example.com/T-1?x=1#a"));
	assert_true(pairing_link_ok("http://example.com"));
	assert_false(pairing_link_ok("javascript:alert(1)"));
	assert_false(pairing_link_ok("ftp://example.com/"));
	assert_false(pairing_link_ok("https://"));
	assert_false(pairing_link_ok("https:///path"));
	assert_false(pairing_link_ok("https://user@evil.example/"));
	assert_false(pairing_link_ok("https://a.example/\"onmouseover=x"));
	assert_false(pairing_link_ok("https://a.example/ b"));
}

static void occurrences_keep_the_local_hour(void **state)
{
	(void)state;
	/* Published on 2026-03-20 for Mondays at 09:00 in Berlin: before the
	 * change (CET, 08:00 UTC) and after it (CEST, 07:00 UTC). */
	int64_t now = when_parse_local("2026-03-20T12:00", "UTC");
	char day[16];
	int64_t a = oh_occurrence_at(1, "09:00", "Europe/Berlin", now, 0, day, sizeof(day));
	assert_string_equal(day, "2026-03-23");
	assert_int_equal(a, when_parse_local("2026-03-23T08:00", "UTC"));
	int64_t b = oh_occurrence_at(1, "09:00", "Europe/Berlin", now, 1, day, sizeof(day));
	assert_string_equal(day, "2026-03-30");
	assert_int_equal(b, when_parse_local("2026-03-30T07:00", "UTC"));
	/* Today's hour already passed: next week's. */
	int64_t c = oh_occurrence_at(5, "10:00", "UTC", now, 0, day, sizeof(day));
	assert_string_equal(day, "2026-03-27");
	assert_true(c > now);
	assert_int_equal(oh_occurrence_at(1, "9:00", "UTC", now, 0, day, sizeof(day)), -1);
}

/* Every kept figure equals its recount. */
static void recount(struct db *db)
{
	assert_int_equal(
		db_scalar(
			db,
			"SELECT count(*) FROM (SELECT user_id, kind, week, n FROM activity_weeks WHERE n <> "
			"0 "
			"EXCEPT SELECT u, k, w, count(*) FROM ("
			"SELECT author_id AS u, 'pairing' AS k, date(held_on, '-6 days', 'weekday 1') AS w "
			"FROM pairings WHERE status <> 'removed' UNION ALL "
			"SELECT partner_id, 'pairing', date(held_on, '-6 days', 'weekday 1') FROM pairings "
			"WHERE status <> 'removed' UNION ALL "
			"SELECT b.user_id, 'office_hours', date(o.held_on, '-6 days', 'weekday 1') FROM "
			"oh_bookings b JOIN oh_occurrences o ON o.id = b.occurrence_id WHERE b.attended = 1 "
			"UNION ALL SELECT o.host_id, 'office_hours', date(o.held_on, '-6 days', 'weekday 1') "
			"FROM oh_bookings b JOIN oh_occurrences o ON o.id = b.occurrence_id WHERE b.attended "
			"= 1 "
			"UNION ALL SELECT lead_id, 'help_led', date(held_on, '-6 days', 'weekday 1') FROM "
			"help_sessions WHERE logged_at IS NOT NULL UNION ALL SELECT a.user_id, "
			"'help_attended', "
			"date(h.held_on, '-6 days', 'weekday 1') FROM help_attendance a JOIN help_sessions h "
			"ON "
			"h.id = a.session_id) GROUP BY 1, 2, 3)",
			-1),
		0);
	/* And nothing counted is missing from the kept rows. */
	assert_int_equal(
		db_scalar(db,
			  "SELECT (SELECT 2 * count(*) FROM pairings WHERE status <> 'removed') + "
			  "(SELECT 2 * count(*) FROM oh_bookings WHERE attended = 1) + "
			  "(SELECT count(*) FROM help_sessions WHERE logged_at IS NOT NULL) + "
			  "(SELECT count(*) FROM help_attendance) - (SELECT sum(n) FROM activity_weeks)",
			  -1),
		0);
}

static unsigned rng = 12345;
static int rnd(int n)
{
	rng = rng * 1103515245u + 12345u;
	return (int)((rng >> 8) % (unsigned)n);
}

static void kept_figures_match_a_recount(void **state)
{
	struct db *db = *state;
	int64_t ids[12];
	for (int i = 0; i < 12; i++)
		ids[i] = person(db, 100 + i);
	int64_t now = when_parse_local("2026-12-01T10:00", "UTC");
	int64_t pids[80];
	int np = 0;
	for (int k = 0; k < 80; k++) {
		int a = rnd(12), b = (a + 1 + rnd(11)) % 12;
		char day[16];
		week_ymd(now / 86400 - rnd(60), day, sizeof(day));
		struct pairing_new p = {.partner_id = ids[b],
					.held_on = day,
					.duration_min = 30,
					.topic = "T",
					.notes = rnd(2) ? "sealed words" : ""};
		int64_t id = 0;
		assert_int_equal(pairing_create(db, ids[a], &p, now, &id), PAIRING_OK);
		pids[np++] = id;
		if (rnd(3) == 0)
			pairing_answer(db, pids[rnd(np)], ids[rnd(12)], rnd(2), now);
	}
	assert_int_equal(db_begin(db), DB_OK);
	assert_int_equal(pairing_record_met(db, ids[0], ids[1], "2026-11-25", now, NULL), DB_OK);
	assert_int_equal(pairing_record_met(db, ids[0], ids[0], "2026-11-25", now, NULL), DB_CONFLICT);
	assert_int_equal(db_commit(db), DB_OK);
	/* A "we met" of a random pairing round is a confirmed pairing. */
	assert_int_equal(
		db_scalar(db,
			  "SELECT count(*) FROM pairings WHERE origin = 'coffee' AND status = 'confirmed'",
			  0),
		1);
	/* Office hours: two series, random bookings, attendance after. */
	struct oh_new n = {.weekday = 3,
			   .start_time = "15:00",
			   .tz = "Europe/Paris",
			   .duration_min = 60,
			   .seats = 4,
			   .weeks = 3,
			   .topic = "OH",
			   .where = "Room 1"};
	int64_t sid = 0;
	assert_int_equal(oh_publish(db, ids[0], &n, now, &sid), OH_OK);
	n.weekday = 5;
	assert_int_equal(oh_publish(db, ids[1], &n, now, &sid), OH_OK);
	int64_t first = db_scalar(db, "SELECT min(id) FROM oh_occurrences", 0);
	for (int k = 0; k < 40; k++)
		oh_book(db, first + rnd(6), ids[rnd(12)], now);
	assert_int_equal(
		db_scalar(db,
			  "SELECT count(*) FROM oh_occurrences WHERE booked <> (SELECT count(*) FROM "
			  "oh_bookings b WHERE b.occurrence_id = oh_occurrences.id)",
			  -1),
		0);
	assert_int_equal(db_scalar(db, "SELECT count(*) FROM oh_occurrences WHERE booked > seats", -1), 0);
	int64_t later = now + 40 * 86400;
	for (int64_t o = first; o < first + 6; o++) {
		sqlite3_stmt *st = DB_STMT(db, "SELECT host_id FROM oh_occurrences WHERE id = :o");
		db_bind_int(st, ":o", o);
		assert_int_equal(sqlite3_step(st), SQLITE_ROW);
		int64_t h = sqlite3_column_int64(st, 0);
		sqlite3_reset(st);
		int64_t who[24];
		int nw = 0;
		st = DB_STMT(db, "SELECT user_id FROM oh_bookings WHERE occurrence_id = :o");
		db_bind_int(st, ":o", o);
		while (sqlite3_step(st) == SQLITE_ROW)
			if (rnd(3))
				who[nw++] = sqlite3_column_int64(st, 0);
		sqlite3_reset(st);
		assert_int_equal(oh_attendance(db, o, h, who, nw, later), OH_OK);
		if (nw > 0 && rnd(2)) /* marked again with one fewer */
			assert_int_equal(oh_attendance(db, o, h, who, nw - 1, later), OH_OK);
	}
	/* A rotation, some sessions logged. */
	struct rotation_new r = {.name = "R",
				 .label = "senior-help-sessions",
				 .start_time = "16:00",
				 .tz = "UTC",
				 .weekdays = {1, 2, 3, 4, 5},
				 .ndays = 5,
				 .duration_min = 45,
				 .weeks = 3,
				 .leads = {ids[2], ids[3], ids[4], ids[5], ids[6], ids[7], ids[8]},
				 .nleads = 7};
	int64_t rid = 0, bad = 0;
	assert_int_equal(rotation_create(db, ids[0], &r, now, &rid, &bad), ROT_OK);
	sqlite3_stmt *st =
		DB_STMT(db, "SELECT id, lead_id FROM help_sessions WHERE rotation_id = :r ORDER BY id");
	db_bind_int(st, ":r", rid);
	int64_t hs[20][2];
	int nh = 0;
	while (sqlite3_step(st) == SQLITE_ROW && nh < 20) {
		hs[nh][0] = sqlite3_column_int64(st, 0);
		hs[nh][1] = sqlite3_column_int64(st, 1);
		nh++;
	}
	sqlite3_reset(st);
	assert_int_equal(nh, 15);
	for (int k = 0; k < nh; k += 2) {
		int64_t att[2] = {ids[9], ids[10 + rnd(2)]};
		/* only people who joined can be marked as having come */
		for (int j = 0; j < 2; j++)
			assert_int_equal(help_join(db, hs[k][0], att[j], 0), ROT_OK);
		assert_int_equal(help_log(db, hs[k][0], hs[k][1], att, 2, "x", later), ROT_OK);
	}
	recount(db);
	/* Removing a person removes their part everywhere, and the counts follow. */
	assert_int_equal(db_begin(db), DB_OK);
	sqlite3_stmt *del = DB_STMT(db, "DELETE FROM users WHERE id = :u");
	db_bind_int(del, ":u", ids[1]);
	assert_int_equal(db_exec_step(db, del), DB_OK);
	assert_int_equal(db_commit(db), DB_OK);
	recount(db);
}

static void one_last_seat(void **state)
{
	struct db *db = *state;
	int64_t host = person(db, 200), a = person(db, 201), b = person(db, 202);
	int64_t now = when_parse_local("2026-12-01T10:00", "UTC");
	struct oh_new n = {.weekday = 2,
			   .start_time = "15:00",
			   .tz = "UTC",
			   .duration_min = 30,
			   .seats = 1,
			   .weeks = 1,
			   .topic = "OH",
			   .where = "Room 2"};
	int64_t sid = 0;
	assert_int_equal(oh_publish(db, host, &n, now, &sid), OH_OK);
	int64_t o = db_scalar(db, "SELECT max(id) FROM oh_occurrences", 0);
	assert_int_equal(oh_book(db, o, a, now), OH_OK);
	assert_int_equal(oh_book(db, o, b, now), OH_FULL);
	assert_int_equal(oh_book(db, o, a, now), OH_BOOKED);
	assert_int_equal(oh_book(db, o, host, now), OH_OWN);
	assert_int_equal(oh_unbook(db, o, a, now), OH_OK);
	assert_int_equal(oh_book(db, o, b, now), OH_OK);
	assert_int_equal(oh_close(db, o, a, now), OH_NOTFOUND);
	assert_int_equal(oh_close(db, o, host, now), OH_OK);
	assert_int_equal(oh_book(db, o, a, now), OH_CLOSED);
	assert_int_equal(db_scalar(db, "SELECT count(*) FROM outbox WHERE event = 25", 0), 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(weeks_and_days),
		cmocka_unit_test(links),
		cmocka_unit_test(occurrences_keep_the_local_hour),
		cmocka_unit_test(kept_figures_match_a_recount),
		cmocka_unit_test(one_last_seat),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
