/* week: calendar days and weeks (Monday first) for the weekly figures of
 * issue 17. Pure date arithmetic on the proleptic Gregorian calendar; the
 * zone only decides which day "today" is (week_today). */
#ifndef TANDEM_WEEK_H
#define TANDEM_WEEK_H
#include <stddef.h>
#include <stdint.h>

/* "YYYY-MM-DD" to days since 1970-01-01 in *days: 0, or -1 when it is no
 * real date. */
int week_days(const char *ymd, int64_t *days);
/* Days since 1970-01-01 as "YYYY-MM-DD" into out (at least 11 bytes). */
void week_ymd(int64_t days, char *out, size_t n);
/* The weekday of a day number: 1 Monday … 7 Sunday. */
int week_weekday(int64_t days);
/* The Monday on or before a day number. */
int64_t week_monday(int64_t days);
/* Today's day number in zone tz at UTC time now. */
int64_t week_today(int64_t now, const char *tz);

#define WEEK_WHEN_MAX 128
/* when_format (core/when.h) for n times at once, into out[i]: the zone is
 * switched once for the whole list, not twice per time (each switch
 * reloads the zone's file). */
void week_format_many(const int64_t *t, int n, const char *tz, char (*out)[WEEK_WHEN_MAX]);

#endif
