#include "core/when.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Workers are single-threaded: switching TZ around a conversion is safe.
 * Nothing else reads the process's zone (every other time is gmtime_r), so
 * the zone is left as the last conversion set it: restoring UTC after each
 * one made glibc read two zone files per conversion, a measurable share of
 * every page that shows a time. tzset only when the zone changes. */
static void use_tz(const char *tz)
{
	const char *zone = tz && *tz ? tz : "UTC";
	const char *cur = getenv("TZ");
	if (cur && strcmp(cur, zone) == 0)
		return;
	setenv("TZ", zone, 1);
	tzset();
}

int64_t when_parse_local(const char *s, const char *tz)
{
	int y, mo, d, h, mi;
	char tail;
	if (sscanf(s, "%4d-%2d-%2dT%2d:%2d%c", &y, &mo, &d, &h, &mi, &tail) != 5 || mo < 1 || mo > 12 ||
	    d < 1 || d > 31 || h < 0 || h > 23 || mi < 0 || mi > 59 || y < 1970 || y > 2200)
		return -1;
	struct tm tm = {.tm_year = y - 1900,
			.tm_mon = mo - 1,
			.tm_mday = d,
			.tm_hour = h,
			.tm_min = mi,
			.tm_isdst = -1};
	use_tz(tz);
	time_t t = mktime(&tm);
	return t == (time_t)-1 ? -1 : (int64_t)t;
}

/* Literal formats only: -Wformat=2 checks every strftime. */
static void fmt(int64_t t, const char *tz, int for_input, char *out, size_t n)
{
	time_t tt = (time_t)t;
	struct tm tm;
	use_tz(tz);
	localtime_r(&tt, &tm);
	if (for_input)
		strftime(out, n, "%Y-%m-%dT%H:%M", &tm);
	else
		strftime(out, n, "%a %d %b %Y, %H:%M", &tm);
}

void when_format(int64_t t, const char *tz, char *out, size_t n)
{
	char base[64];
	fmt(t, tz, 0, base, sizeof(base));
	snprintf(out, n, "%s (%s)", base, tz && *tz ? tz : "UTC");
}

void when_input(int64_t t, const char *tz, char *out, size_t n)
{
	fmt(t, tz, 1, out, n);
}
