/* tzmemo: local time in a person's IANA zone without a zone file read per
 * request. glibc keeps one zone loaded and reads the file again whenever
 * TZ names another one; a worker serves people of many zones in turn, so
 * most pages paid a file read (six system calls) for each time they show.
 * This module asks glibc once per zone and remembers its answers. */
#ifndef TANDEM_TZMEMO_H
#define TANDEM_TZMEMO_H
#include <stdint.h>
#include <time.h>

/* Make tz ("" or NULL: UTC) the process's zone for mktime and
 * localtime_r; tzset only when it changes. Workers are single-threaded,
 * and every other time in Tandem is gmtime_r. */
void tzmemo_use(const char *tz);

/* *tm = t in zone tz, as localtime_r answers it with TZ=tz (tm_zone is
 * "": Tandem prints the zone's name, not its abbreviation). Within four
 * years of the first time asked of a zone the answer comes from the memo
 * (the zone's offsets and their changes, read from glibc once per zone
 * per process); outside, or past 512 zones, from glibc itself. Never fails: an unknown zone
 * is UTC, as glibc makes it. */
void tzmemo_local(int64_t t, const char *tz, struct tm *tm);

#endif
