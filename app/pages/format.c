#include "pages/format.h"

#include <stdio.h>
#include <string.h>

void fmt_duration(int64_t s, char *out, size_t n)
{
	if (s < 0)
		s = 0;
	if (s >= 2 * 86400)
		snprintf(out, n, "%lld days", (long long)(s / 86400));
	else if (s >= 2 * 3600)
		snprintf(out, n, "%lld hours", (long long)(s / 3600));
	else if (s >= 3600)
		snprintf(out, n, "1 hour");
	else if (s >= 120)
		snprintf(out, n, "%lld minutes", (long long)(s / 60));
	else
		snprintf(out, n, "a minute");
}

const char *fmt_cadence(const char *c)
{
	if (strcmp(c, "weekly") == 0)
		return "Every week";
	if (strcmp(c, "biweekly") == 0)
		return "Every two weeks";
	if (strcmp(c, "monthly") == 0)
		return "Every month";
	return c;
}

const char *fmt_request_status(const char *s)
{
	if (strcmp(s, "pending") == 0)
		return "Waiting for an answer";
	if (strcmp(s, "accepted") == 0)
		return "Accepted";
	if (strcmp(s, "declined") == 0)
		return "Declined";
	if (strcmp(s, "withdrawn") == 0)
		return "Withdrawn";
	if (strcmp(s, "expired") == 0)
		return "Expired after 14 days without an answer";
	if (strcmp(s, "matched_elsewhere") == 0)
		return "Closed: matched elsewhere";
	return s;
}

const char *fmt_outcome(const char *o)
{
	if (strcmp(o, "goal_met") == 0)
		return "Goal met";
	if (strcmp(o, "partly") == 0)
		return "Goal partly met";
	if (strcmp(o, "not_met") == 0)
		return "Goal not met";
	return o;
}
