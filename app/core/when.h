/* when: wall-clock times in a person's IANA time zone. Pure date and
 * time code (the zone comes from the caller: store/profiles.h
 * profile_timezone), so it sits in core. */
#ifndef TANDEM_WHEN_H
#define TANDEM_WHEN_H
#include <stddef.h>
#include <stdint.h>

/* "YYYY-MM-DDTHH:MM" (an <input type=datetime-local>) in zone tz to UTC
 * seconds; -1 when malformed or the day does not exist (30 February). A
 * time in the hour the clocks skip is moved on by that hour (02:30 is
 * 03:30), as a weekly series crossing the change must be. */
int64_t when_parse_local(const char *s, const char *tz);
/* The same for a time a person typed for one occasion: -1 also in the
 * hour the clocks skip, which is not the time they meant. */
int64_t when_parse_typed(const char *s, const char *tz);
/* 1 when s is a time of day written HH:MM (two digits each, 00:00 to
 * 23:59, nothing else: no sign, no space), else 0. */
int when_hhmm_ok(const char *s);
/* UTC seconds as "Tue 24 Nov, 14:30 (Europe/Berlin)" in zone tz. */
void when_format(int64_t t, const char *tz, char *out, size_t n);
/* UTC seconds as "YYYY-MM-DDTHH:MM" in zone tz (to refill the input). */
void when_input(int64_t t, const char *tz, char *out, size_t n);

#endif
