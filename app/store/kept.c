#include "store/kept.h"

#include <stddef.h>
#include <string.h>
#include <time.h>

#include "store/waits.h"

/* This process's open-request figures (one worker, one copy). */
static struct {
	int64_t at, open, median;
	int valid;
} open_copy;

void kept_forget(void)
{
	memset(&open_copy, 0, sizeof(open_copy));
}

enum db_rc kept_overview(struct db *db, int64_t now, struct kept_overview *o)
{
	memset(o, 0, sizeof(*o));
	/* One statement for every kept figure; "month:YYYY-MM" rows from
	 * this month on, and all of them for the total ('month;' sorts right
	 * after every 'month:…'): a dozen rows a year. */
	time_t t = (time_t)now;
	struct tm tm;
	gmtime_r(&t, &tm);
	char month[32];
	strftime(month, sizeof(month), "month:%Y-%m", &tm);
	sqlite3_stmt *st = DB_STMT(db, "SELECT name, n FROM kept_counts WHERE name IN ('members', 'admins', "
				       "'mentors', 'ms_active', 'ms_done', 'invited', 'answered') "
				       "UNION ALL SELECT 'month', total(n) FROM kept_counts "
				       "WHERE name >= :month AND name < 'month;' "
				       "UNION ALL SELECT 'meetings', total(n) FROM kept_counts "
				       "WHERE name >= 'month:' AND name < 'month;'");
	if (!st)
		return DB_ERR;
	db_bind_text(st, ":month", month);
	static const struct {
		const char *name;
		size_t at;
	} figures[] = {
		{"members", offsetof(struct kept_overview, members)},
		{"admins", offsetof(struct kept_overview, admins)},
		{"mentors", offsetof(struct kept_overview, mentors)},
		{"ms_active", offsetof(struct kept_overview, active_ms)},
		{"ms_done", offsetof(struct kept_overview, done_ms)},
		{"meetings", offsetof(struct kept_overview, sessions)},
		{"month", offsetof(struct kept_overview, sessions_month)},
		{"invited", offsetof(struct kept_overview, survey_invited)},
		{"answered", offsetof(struct kept_overview, survey_answered)},
	};
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *name = (const char *)sqlite3_column_text(st, 0);
		for (size_t i = 0; name && i < sizeof(figures) / sizeof(figures[0]); i++)
			if (strcmp(name, figures[i].name) == 0)
				*(int64_t *)((char *)o + figures[i].at) = sqlite3_column_int64(st, 1);
	}
	sqlite3_reset(st);
	enum db_rc out = rc == SQLITE_DONE ? DB_OK : db_rc_from(rc);
	if (!open_copy.valid || now - open_copy.at >= KEPT_OPEN_EVERY || now < open_copy.at) {
		int64_t n, median;
		enum db_rc wrc = waits_open_requests(db, now, &n, &median);
		if (wrc == DB_OK) {
			open_copy.at = now;
			open_copy.open = n;
			open_copy.median = median;
			open_copy.valid = 1;
		} else if (out == DB_OK) {
			out = wrc;
		}
	}
	if (open_copy.valid) {
		o->open_requests = open_copy.open;
		o->median_wait = open_copy.open ? open_copy.median : -1;
		o->open_as_of = open_copy.at;
	} else {
		o->median_wait = -1;
	}
	return out;
}
