#include "core/week.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/tzmemo.h"
#include "core/when.h"

/* Howard Hinnant's days_from_civil / civil_from_days. */
static int64_t from_civil(int64_t y, int m, int d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	int64_t yoe = y - era * 400;
	int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

int week_days(const char *ymd, int64_t *days)
{
	int y, m, d;
	char tail;
	if (!ymd || sscanf(ymd, "%4d-%2d-%2d%c", &y, &m, &d, &tail) != 3 || m < 1 || m > 12 || d < 1 ||
	    y < 1900 || y > 2200)
		return -1;
	static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	if (d > mdays[m - 1] + (m == 2 && leap))
		return -1;
	*days = from_civil(y, m, d);
	return 0;
}

void week_ymd(int64_t z, char *out, size_t n)
{
	z += 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	int64_t doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t y = yoe + era * 400;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;
	int d = (int)(doy - (153 * mp + 2) / 5 + 1);
	int m = (int)(mp < 10 ? mp + 3 : mp - 9);
	snprintf(out, n, "%04lld-%02d-%02d", (long long)(y + (m <= 2)), m, d);
}

int week_weekday(int64_t days)
{
	/* 1970-01-01 was a Thursday (4). */
	int64_t w = (days + 3) % 7;
	if (w < 0)
		w += 7;
	return (int)w + 1;
}

int64_t week_monday(int64_t days)
{
	return days - (week_weekday(days) - 1);
}

int64_t week_today(int64_t now, const char *tz)
{
	char local[32];
	when_input(now, tz, local, sizeof(local));
	local[10] = '\0';
	int64_t d = 0;
	if (week_days(local, &d) != 0)
		d = now / 86400;
	return d;
}

void week_format_many(const int64_t *t, int n, const char *tz, char (*out)[WEEK_WHEN_MAX])
{
	const char *zone = tz && *tz ? tz : "UTC";
	/* The same text as when_format. */
	for (int i = 0; i < n; i++) {
		struct tm tm;
		char base[64];
		tzmemo_local(t[i], zone, &tm);
		strftime(base, sizeof(base), "%a %d %b %Y, %H:%M", &tm);
		snprintf(out[i], WEEK_WHEN_MAX, "%s (%s)", base, zone);
	}
}
