#include "store/activity.h"

#include <string.h>

#include "core/week.h"

enum db_rc activity_weeks_read(struct db *db, int64_t uid, const char *kind, int64_t first_monday, int nweeks,
			       int *out)
{
	memset(out, 0, sizeof(*out) * (size_t)nweeks);
	sqlite3_stmt *st = DB_STMT(db, "SELECT week, n FROM activity_weeks WHERE user_id = :u AND kind = :k "
				       "AND week BETWEEN :from AND :to");
	if (!st)
		return DB_ERR;
	char from[16], to[16];
	week_ymd(first_monday, from, sizeof(from));
	week_ymd(first_monday + 7 * (nweeks - 1), to, sizeof(to));
	db_bind_int(st, ":u", uid);
	db_bind_text(st, ":k", kind);
	db_bind_text(st, ":from", from);
	db_bind_text(st, ":to", to);
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		int64_t d;
		if (week_days((const char *)sqlite3_column_text(st, 0), &d) != 0)
			continue;
		int64_t i = (d - first_monday) / 7;
		if (i >= 0 && i < nweeks)
			out[i] = sqlite3_column_int(st, 1);
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		memset(out, 0, sizeof(*out) * (size_t)nweeks);
		return DB_ERR;
	}
	return DB_OK;
}

int activity_pairing_goal(struct db *db, int64_t uid)
{
	sqlite3_stmt *st = DB_STMT(db, "SELECT pairing_goal FROM profiles WHERE user_id = :u");
	if (!st)
		return 0;
	db_bind_int(st, ":u", uid);
	int g = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int(st, 0) : 0;
	sqlite3_reset(st);
	return g;
}
