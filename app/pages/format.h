/* format: small helpers that turn stored values into words for pages. */
#ifndef TANDEM_FORMAT_H
#define TANDEM_FORMAT_H
#include <stddef.h>
#include <stdint.h>

/* "3 days", "5 hours", "12 minutes" for a duration in seconds. */
void fmt_duration(int64_t seconds, char *out, size_t n);
/* "weekly" -> "Every week", etc. */
const char *fmt_cadence(const char *cadence);
/* Human words for a request status. */
const char *fmt_request_status(const char *status);
/* Human words for a mentorship outcome. */
const char *fmt_outcome(const char *outcome);

#endif
