#include "core/when.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/tzmemo.h"

/* s in zone tz; *exact: 0 when mktime moved the time (a day that does
 * not exist, or the hour the clocks skip). */
static int64_t parse(const char *s, const char *tz, int *exact)
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
	tzmemo_use(tz);
	time_t t = mktime(&tm);
	if (t == (time_t)-1 || tm.tm_mday != d || tm.tm_mon != mo - 1)
		return -1; /* 30 February is not 2 March */
	*exact = tm.tm_hour == h && tm.tm_min == mi;
	return (int64_t)t;
}

int64_t when_parse_local(const char *s, const char *tz)
{
	int exact;
	return parse(s, tz, &exact);
}

int64_t when_parse_typed(const char *s, const char *tz)
{
	int exact = 0;
	int64_t t = parse(s, tz, &exact);
	return exact ? t : -1;
}

int when_hhmm_ok(const char *s)
{
	for (int i = 0; i < 5; i++)
		if (i == 2 ? s[i] != ':' : (s[i] < '0' || s[i] > '9'))
			return 0;
	return !s[5] && (s[0] - '0') * 10 + (s[1] - '0') <= 23 && s[3] <= '5';
}

/* Literal formats only: -Wformat=2 checks every strftime. */
static void fmt(int64_t t, const char *tz, int for_input, char *out, size_t n)
{
	struct tm tm;
	tzmemo_local(t, tz, &tm);
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
