#include "store/seed_rings.h"

#include <stdio.h>
#include <string.h>

#define SEED_RINGS 500
#define SEED_FULL_MEMBERS 20
#define SEED_FULL_SESSIONS 50

static const char *const ring_topics[] = {
	"Public speaking",     "Growing into staff engineer", "Managing up", "Career switchers",
	"Writing design docs", "First-time managers",	      "Negotiation", "Interviewing well"};
static const char *const cadences[] = {"weekly", "biweekly", "monthly"};

/* The full ring: 20 members, the 50 sessions, everyone attending. Their
 * agenda and notes stay empty: seed-demo runs without the key (serve
 * creates it, and make bench copies a seeded database without one), and
 * a sealed value no key opens would stop serve from starting. */
static enum db_rc full_ring(struct db *db, int64_t ring, int64_t mentor, int64_t now)
{
	sqlite3_stmt *st = DB_STMT(
		db,
		"INSERT INTO ring_members(ring_id, user_id, state, since) SELECT :r, u.id, 'member', :now "
		"FROM users u WHERE u.email LIKE 'person%@demo.tandem.example' AND u.id <> :m "
		"AND u.id NOT IN (SELECT user_id FROM ring_mentors WHERE ring_id = :r) "
		"ORDER BY u.id DESC LIMIT :n");
	if (!st)
		return DB_ERR;
	db_bind_int(st, ":r", ring);
	db_bind_int(st, ":m", mentor);
	db_bind_int(st, ":now", now - 90 * 86400);
	db_bind_int(st, ":n", SEED_FULL_MEMBERS);
	enum db_rc rc = db_exec_step(db, st);
	sqlite3_stmt *s = DB_STMT(db, "INSERT INTO ring_sessions(ring_id, author_id, held_on, duration_min, "
				      "created_at) VALUES (:r, :a, date(:t, 'unixepoch'), 90, :t)");
	sqlite3_stmt *a = DB_STMT(db, "INSERT INTO ring_attendees(session_id, user_id) SELECT :s, user_id "
				      "FROM ring_members WHERE ring_id = :r AND state = 'member'");
	if (!s || !a)
		return DB_ERR;
	for (int i = 0; rc == DB_OK && i < SEED_FULL_SESSIONS; i++) {
		int64_t t = now - (int64_t)(SEED_FULL_SESSIONS - i) * 7 * 86400;
		db_bind_int(s, ":r", ring);
		db_bind_int(s, ":a", mentor);
		db_bind_int(s, ":t", t);
		if ((rc = db_exec_step(db, s)) != DB_OK)
			break;
		int64_t id = sqlite3_last_insert_rowid(db_handle(db));
		db_bind_int(a, ":s", id);
		db_bind_int(a, ":r", ring);
		rc = db_exec_step(db, a);
	}
	return rc;
}

enum db_rc seed_rings(struct db *db, int64_t now)
{
	sqlite3_stmt *mentors =
		DB_STMT(db, "SELECT user_id FROM profiles WHERE is_mentor = 1 ORDER BY user_id");
	sqlite3_stmt *ins =
		DB_STMT(db, "INSERT INTO rings(owner_id, topic, description, seats, cadence, "
			    "duration_min, weeks, created_at) VALUES (:o, :t, :d, :s, :c, 90, 12, :at)");
	sqlite3_stmt *men =
		DB_STMT(db, "INSERT INTO ring_mentors(ring_id, user_id, state) VALUES (:r, :u, 'active')");
	if (!mentors || !ins || !men)
		return DB_ERR;
	int64_t owners[64];
	int n = 0;
	while (n < 64 && sqlite3_step(mentors) == SQLITE_ROW)
		owners[n++] = sqlite3_column_int64(mentors, 0);
	sqlite3_reset(mentors);
	if (n < 2)
		return DB_OK;
	enum db_rc rc = DB_OK;
	int64_t full = 0;
	for (int i = 0; rc == DB_OK && i < SEED_RINGS; i++) {
		const char *topic = ring_topics[i % (int)(sizeof(ring_topics) / sizeof(ring_topics[0]))];
		char d[200];
		snprintf(d, sizeof(d),
			 "A group of up to 14 who meet to work on %s together, with two mentors.", topic);
		db_bind_int(ins, ":o", owners[i % n]);
		db_bind_text(ins, ":t", topic);
		db_bind_text(ins, ":d", d);
		db_bind_int(ins, ":s", i == 0 ? SEED_FULL_MEMBERS : 14);
		db_bind_text(ins, ":c", cadences[i % 3]);
		db_bind_int(ins, ":at", now - 100 * 86400 + i * 600);
		if ((rc = db_exec_step(db, ins)) != DB_OK)
			break;
		int64_t ring = sqlite3_last_insert_rowid(db_handle(db));
		for (int k = 0; rc == DB_OK && k < 2; k++) {
			db_bind_int(men, ":r", ring);
			db_bind_int(men, ":u", owners[(i + k) % n]);
			rc = db_exec_step(db, men);
		}
		if (i == 0)
			full = ring;
	}
	if (rc == DB_OK && full)
		rc = full_ring(db, full, owners[0], now);
	/* A fifth of the people opted in to pairing rounds. */
	sqlite3_stmt *c =
		DB_STMT(db, "INSERT OR IGNORE INTO coffee_prefs(user_id, opt_in, every, across_teams) "
			    "SELECT id, 1, CASE id % 2 WHEN 0 THEN '2w' ELSE 'month' END, 1 FROM users "
			    "WHERE email LIKE 'person%@demo.tandem.example' AND id % 5 = 0");
	if (rc == DB_OK)
		rc = c ? db_exec_step(db, c) : DB_ERR;
	return rc;
}
