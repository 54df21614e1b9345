/* timezones: the IANA zone names offered on the profile form. */
#ifndef TANDEM_TIMEZONES_H
#define TANDEM_TIMEZONES_H

/* The sorted zone names (tzdata's zone1970.tab, plus UTC), loaded once
 * per process. Borrowed; *n gets the count. */
const char *const *tz_names(int *n);
/* 1 when name is one of them. */
int tz_valid(const char *name);

#endif
