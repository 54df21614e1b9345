/* Local times from the zone memo (core/tzmemo.c) against glibc's own
 * answers: a person must read the same time on a page whichever zone the
 * worker served before them. */
#include "testutil.h"

#include <time.h>

#include "core/tzmemo.h"
#include "core/when.h"

/* 2026-12-01T13:30Z: the memo's window is built around the first time a
 * zone is asked; the tests start there. */
#define T0 1796131800LL
#define YEAR (365LL * 86400)

/* Zones whose rules are not whole hours twice a year: half-hour summer
 * time (Lord Howe), 45 minutes (Kathmandu, Chatham), summer time in
 * winter (Dublin), a month off each Ramadan (Casablanca), two hours
 * (Troll), none since 2019 (Sao Paulo). */
static const char *const tricky[] = {
	"Europe/Berlin",
	"America/New_York",
	"Australia/Lord_Howe",
	"Asia/Kathmandu",
	"Europe/Dublin",
	"Africa/Casablanca",
	"America/Sao_Paulo",
	"Pacific/Chatham",
	"America/St_Johns",
	"Antarctica/Troll",
	"Asia/Tehran",
	"Pacific/Kiritimati",
	"UTC",
	"",
};
#define NTRICKY (sizeof(tricky) / sizeof(tricky[0]))

static void glibc_local(int64_t t, const char *tz, struct tm *tm)
{
	setenv("TZ", tz && *tz ? tz : "UTC", 1);
	tzset();
	time_t tt = (time_t)t;
	localtime_r(&tt, tm);
}

static void assert_same(int64_t t, const char *tz)
{
	struct tm a, b;
	tzmemo_local(t, tz, &a);
	glibc_local(t, tz, &b);
	if (a.tm_year != b.tm_year || a.tm_mon != b.tm_mon || a.tm_mday != b.tm_mday ||
	    a.tm_hour != b.tm_hour || a.tm_min != b.tm_min || a.tm_sec != b.tm_sec ||
	    a.tm_wday != b.tm_wday || a.tm_yday != b.tm_yday || a.tm_gmtoff != b.tm_gmtoff ||
	    (a.tm_isdst > 0) != (b.tm_isdst > 0))
		fail_msg("%s at %lld: memo %04d-%02d-%02d %02d:%02d:%02d %+ld, glibc "
			 "%04d-%02d-%02d %02d:%02d:%02d %+ld",
			 tz, (long long)t, a.tm_year + 1900, a.tm_mon + 1, a.tm_mday, a.tm_hour, a.tm_min,
			 a.tm_sec, a.tm_gmtoff, b.tm_year + 1900, b.tm_mon + 1, b.tm_mday, b.tm_hour,
			 b.tm_min, b.tm_sec, b.tm_gmtoff);
}

/* People of many zones in turn, as a worker serves them: random times
 * within and beyond the memo's years. */
static void agrees_with_glibc_across_zones_in_turn(void **state)
{
	(void)state;
	for (size_t z = 0; z < NTRICKY; z++)
		assert_same(T0, tricky[z]);
	uint64_t x = 88172645463325252ULL;
	for (int i = 0; i < 60000; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		int64_t t = T0 - 6 * YEAR + (int64_t)(x % (uint64_t)(12 * YEAR));
		assert_same(t, tricky[(size_t)i % NTRICKY]);
	}
}

/* Around every change of offset in the memo's years, each second on
 * either side: the clocks going forward, back, and the hour that repeats. */
static void agrees_at_every_change_to_the_second(void **state)
{
	(void)state;
	for (size_t z = 0; z < NTRICKY; z++) {
		assert_same(T0, tricky[z]);
		int changes = 0;
		struct tm prev;
		glibc_local(T0 - 4 * YEAR, tricky[z], &prev);
		for (int64_t t = T0 - 4 * YEAR; t < T0 + 4 * YEAR; t += 1800) {
			struct tm now;
			glibc_local(t, tricky[z], &now);
			if (now.tm_gmtoff != prev.tm_gmtoff) {
				changes++;
				/* glibc's first second of the change, by bisection */
				int64_t a = t - 1800, b = t;
				while (b - a > 1) {
					int64_t m = a + (b - a) / 2;
					struct tm mt;
					glibc_local(m, tricky[z], &mt);
					if (mt.tm_gmtoff == prev.tm_gmtoff)
						a = m;
					else
						b = m;
				}
				for (int64_t s = b - 3; s <= b + 3; s++)
					assert_same(s, tricky[z]);
			}
			prev = now;
		}
		if (strcmp(tricky[z], "Europe/Berlin") == 0)
			assert_int_equal(changes, 16); /* two a year for eight years */
	}
}

/* Forty zones taken in turn, three rounds: each answer right whichever
 * zone the worker served before. */
static void many_zones_in_turn(void **state)
{
	(void)state;
	static const char *const many[] = {
		"Europe/London",       "Europe/Paris",	      "Europe/Madrid",
		"Europe/Rome",	       "Europe/Helsinki",     "Europe/Athens",
		"Europe/Istanbul",     "Europe/Moscow",	      "Asia/Dubai",
		"Asia/Karachi",	       "Asia/Kolkata",	      "Asia/Dhaka",
		"Asia/Bangkok",	       "Asia/Shanghai",	      "Asia/Tokyo",
		"Asia/Seoul",	       "Australia/Perth",     "Australia/Adelaide",
		"Australia/Sydney",    "Pacific/Auckland",    "Pacific/Honolulu",
		"America/Anchorage",   "America/Los_Angeles", "America/Denver",
		"America/Chicago",     "America/Mexico_City", "America/Bogota",
		"America/Santiago",    "America/Halifax",     "America/Argentina/Buenos_Aires",
		"Atlantic/Azores",     "Africa/Lagos",	      "Africa/Cairo",
		"Africa/Johannesburg", "Africa/Nairobi",      "Asia/Jerusalem",
		"Asia/Singapore",      "Europe/Lisbon",	      "America/Havana",
		"Asia/Gaza",
	};
	size_t n = sizeof(many) / sizeof(many[0]);
	for (int round = 0; round < 3; round++)
		for (size_t z = 0; z < n; z++)
			for (int64_t t = T0 - 2 * YEAR; t < T0 + 2 * YEAR; t += 7 * 86400 + 3607)
				assert_same(t, many[(z * 7 + (size_t)round) % n]);
}

/* Past the memo's 512 zones (only names no profile can hold get there:
 * glibc makes each of these UTC), glibc answers; the zones kept before
 * still answer right. */
static void more_names_than_the_memo_holds(void **state)
{
	(void)state;
	char name[32];
	for (int i = 0; i < 600; i++) {
		snprintf(name, sizeof(name), "Nowhere/Place_%d", i);
		assert_same(T0 + i * 3600, name);
	}
	assert_same(T0 + 86400 * 200, "Europe/Berlin");
	assert_same(T0 - 86400 * 150, "Australia/Lord_Howe");
	assert_same(T0 + 7, "Nowhere/Place_599");
}

/* A zone glibc does not know is UTC there; so it is here. */
static void an_unknown_zone_is_utc(void **state)
{
	(void)state;
	struct tm tm;
	tzmemo_local(T0, "Mars/Olympus_Mons", &tm);
	assert_int_equal(tm.tm_hour, 13);
	assert_int_equal(tm.tm_gmtoff, 0);
	assert_same(T0 + 12345, "Mars/Olympus_Mons");
}

/* What a person reads: the time in their zone, whoever came before. */
static void pages_read_each_persons_time(void **state)
{
	(void)state;
	char out[120];
	when_format(T0, "Europe/Berlin", out, sizeof(out));
	assert_string_equal(out, "Tue 01 Dec 2026, 14:30 (Europe/Berlin)");
	when_format(T0, "America/New_York", out, sizeof(out));
	assert_string_equal(out, "Tue 01 Dec 2026, 08:30 (America/New_York)");
	when_format(T0, "Europe/Berlin", out, sizeof(out));
	assert_string_equal(out, "Tue 01 Dec 2026, 14:30 (Europe/Berlin)");
	/* New York's repeated hour on 1 November 2026: 01:00 twice. */
	when_format(1793509200, "America/New_York", out, sizeof(out));
	assert_string_equal(out, "Sun 01 Nov 2026, 01:00 (America/New_York)");
	when_format(1793509200 + 3600, "America/New_York", out, sizeof(out));
	assert_string_equal(out, "Sun 01 Nov 2026, 01:00 (America/New_York)");
	when_format(1793509200 + 7200, "America/New_York", out, sizeof(out));
	assert_string_equal(out, "Sun 01 Nov 2026, 02:00 (America/New_York)");
	/* A typed time still reads the zone it was typed in. */
	assert_int_equal(when_parse_local("2026-12-01T14:30", "Europe/Berlin"), T0);
	when_input(T0, "Asia/Kathmandu", out, sizeof(out));
	assert_string_equal(out, "2026-12-01T19:15");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(agrees_with_glibc_across_zones_in_turn),
		cmocka_unit_test(agrees_at_every_change_to_the_second),
		cmocka_unit_test(many_zones_in_turn),
		cmocka_unit_test(more_names_than_the_memo_holds),
		cmocka_unit_test(an_unknown_zone_is_utc),
		cmocka_unit_test(pages_read_each_persons_time),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
