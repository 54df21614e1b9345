#include "store/seed_pairing.h"

#include <stdio.h>

#include "core/week.h"
#include "store/office_hours.h"

static uint64_t rng = 0x2545f4914f6cdd1dull;
static int rnd(int n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (int)(rng % (uint64_t)n);
}

static enum db_rc office_hours(struct db *db, int64_t now)
{
	sqlite3_stmt *hosts = DB_STMT(db, "SELECT u.id FROM profiles p JOIN users u ON u.id = p.user_id "
					  "WHERE p.is_mentor = 1 AND u.email LIKE '%@demo.tandem.example' "
					  "ORDER BY u.id LIMIT :n");
	if (!hosts)
		return DB_ERR;
	db_bind_int(hosts, ":n", SEED_OH_SERIES);
	static const char *const topics[] = {"Profiling Go services", "Code review clinic",
					     "SQL query tuning",      "Career questions",
					     "Incident reviews",      "Frontend performance"};
	enum db_rc rc = DB_OK;
	int k = 0;
	while (rc == DB_OK && sqlite3_step(hosts) == SQLITE_ROW) {
		int64_t host = sqlite3_column_int64(hosts, 0);
		int weekday = 1 + rnd(5);
		char start[8];
		snprintf(start, sizeof(start), "%02d:%s", 9 + rnd(8), rnd(2) ? "00" : "30");
		sqlite3_stmt *st =
			DB_STMT(db, "INSERT INTO office_hours(host_id, weekday, start_time, timezone, "
				    "duration_min, seats, topic, place, weeks, created_at) "
				    "VALUES (:h, :wd, :t, 'UTC', 60, :s, :topic, :p, :w, :now)");
		if (!st) {
			rc = DB_ERR;
			break;
		}
		db_bind_int(st, ":h", host);
		db_bind_int(st, ":wd", weekday);
		db_bind_text(st, ":t", start);
		db_bind_int(st, ":s", 2 + rnd(6));
		db_bind_text(st, ":topic", topics[k++ % 6]);
		db_bind_text(st, ":p", rnd(2) ? "https://meet.example.com/office-hours" : "Room 4.12");
		db_bind_int(st, ":w", SEED_OH_WEEKS);
		db_bind_int(st, ":now", now);
		if ((rc = db_exec_step(db, st)) != DB_OK)
			break;
		int64_t sid = sqlite3_last_insert_rowid(db_handle(db));
		for (int w = 0; rc == DB_OK && w < SEED_OH_WEEKS; w++) {
			char day[16];
			int64_t at = oh_occurrence_at(weekday, start, "UTC", now, w, day, sizeof(day));
			st = DB_STMT(db, "INSERT INTO oh_occurrences(series_id, host_id, starts_at, held_on, "
					 "duration_min, seats) SELECT id, host_id, :at, :day, 60, seats "
					 "FROM office_hours WHERE id = :s");
			if (!st || at < 0) {
				rc = DB_ERR;
				break;
			}
			db_bind_int(st, ":at", at);
			db_bind_text(st, ":day", day);
			db_bind_int(st, ":s", sid);
			rc = db_exec_step(db, st);
		}
	}
	sqlite3_reset(hosts);
	return rc;
}

static enum db_rc pairings(struct db *db, int64_t now)
{
	/* The order seed_bench_sessions signs people in (store/seed.c). */
	sqlite3_stmt *who = DB_STMT(
		db, "SELECT u.id FROM users u WHERE u.active = 1 AND u.role = 'member' AND "
		    "u.email LIKE '%@demo.tandem.example' AND EXISTS (SELECT 1 FROM mentorships m WHERE "
		    "m.mentee_id = u.id AND m.status = 'active') ORDER BY (u.id * 2654435761) % 1000003 "
		    "LIMIT :n");
	int64_t max = db_scalar(db, "SELECT max(id) FROM users", 0);
	if (!who || max < 2)
		return who ? DB_OK : DB_ERR;
	db_bind_int(who, ":n", SEED_PAIRING_SENIORS);
	int64_t seniors[SEED_PAIRING_SENIORS];
	int n = 0;
	while (n < SEED_PAIRING_SENIORS && sqlite3_step(who) == SQLITE_ROW)
		seniors[n++] = sqlite3_column_int64(who, 0);
	sqlite3_reset(who);
	int64_t today = now / 86400;
	enum db_rc rc = DB_OK;
	for (int i = 0; rc == DB_OK && i < n; i++) {
		sqlite3_stmt *g = DB_STMT(db, "UPDATE profiles SET pairing_goal = 5 WHERE user_id = :u");
		if (!g)
			return DB_ERR;
		db_bind_int(g, ":u", seniors[i]);
		rc = db_exec_step(db, g);
		for (int k = 0; rc == DB_OK && k < SEED_PAIRING_EACH; k++) {
			int64_t partner = 1 + rnd((int)max);
			if (partner == seniors[i])
				partner = partner == max ? 1 : partner + 1;
			char day[16];
			week_ymd(today - rnd(280), day, sizeof(day));
			sqlite3_stmt *st = DB_STMT(
				db,
				"INSERT INTO pairings(author_id, partner_id, held_on, duration_min, topic, "
				"status, created_at) SELECT :a, id, :d, 60, 'Pairing on a ticket', "
				"'confirmed', "
				":now FROM users WHERE id = :p AND active = 1");
			if (!st)
				return DB_ERR;
			db_bind_int(st, ":a", k % 2 ? seniors[i] : partner);
			db_bind_int(st, ":p", k % 2 ? partner : seniors[i]);
			db_bind_text(st, ":d", day);
			db_bind_int(st, ":now", now);
			rc = db_exec_step(db, st);
		}
	}
	return rc;
}

enum db_rc seed_pairing(struct db *db, int64_t now)
{
	enum db_rc rc = office_hours(db, now);
	return rc == DB_OK ? pairings(db, now) : rc;
}
