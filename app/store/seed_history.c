#include "store/seed_history.h"

#include <stdio.h>
#include <string.h>

#include "core/insight.h"

#define WEEKS 104 /* two years */

static uint64_t rng = 0x3c6ef372fe94f82bull;
static int rnd(int n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (int)(rng % (uint64_t)n);
}

static const char *const team_names[] = {"Platform", "Data",	"Mobile",   "Design",
					 "Sales",    "Support", "Security", "Finance"};

static enum db_rc add_teams(struct db *db)
{
	for (size_t i = 0; i < sizeof(team_names) / sizeof(team_names[0]); i++) {
		sqlite3_stmt *st = DB_STMT(db, "INSERT OR IGNORE INTO teams(name) VALUES (:n)");
		if (!st)
			return DB_ERR;
		db_bind_text(st, ":n", team_names[i]);
		enum db_rc rc = db_exec_step(db, st);
		if (rc != DB_OK)
			return rc;
	}
	return DB_OK;
}

static enum db_rc add_event(struct db *db, const char *day, int64_t now)
{
	sqlite3_stmt *st =
		DB_STMT(db, "INSERT INTO program_events(on_day, title, note, created_at) VALUES (:d, "
			    "'Mentoring time counts in performance reviews', 'Announced at the all-hands; "
			    "managers were asked to make room for an hour a week.', :c)");
	if (!st)
		return DB_ERR;
	db_bind_text(st, ":d", day);
	db_bind_int(st, ":c", now);
	return db_exec_step(db, st);
}

static enum db_rc add_request(struct db *db, int64_t mentee, int64_t mentor, int64_t topic,
			      const char *status, int64_t created, int64_t answered, int64_t *id)
{
	sqlite3_stmt *st =
		DB_STMT(db, "INSERT INTO requests(mentee_id, mentor_id, topic_id, goal, format, cadence, "
			    "duration_min, weeks, message, status, reason, created_at, answered_at) VALUES "
			    "(:e, :m, :t, 'Get better at this with someone who has done it.', 'one_on_one', "
			    "'weekly', 45, 6, '', :s, '', :c, :a)");
	if (!st)
		return DB_ERR;
	db_bind_int(st, ":e", mentee);
	db_bind_int(st, ":m", mentor);
	db_bind_int(st, ":t", topic);
	db_bind_text(st, ":s", status);
	db_bind_int(st, ":c", created);
	db_bind_int(st, ":a", answered);
	enum db_rc rc = db_exec_step(db, st);
	*id = sqlite3_last_insert_rowid(db_handle(db));
	return rc;
}

static enum db_rc add_mentorship(struct db *db, int64_t req, const char *start, const char *end, int weeks,
				 const char *status, const char *outcome, int64_t created, int64_t ended,
				 int64_t *id)
{
	sqlite3_stmt *st = DB_STMT(
		db,
		"INSERT INTO mentorships(request_id, mentor_id, mentee_id, topic_id, goal, format, cadence, "
		"duration_min, weeks, started_on, planned_end, status, outcome, end_reason, created_at, "
		"ended_at) "
		"SELECT id, mentor_id, mentee_id, topic_id, goal, format, cadence, duration_min, :w, :s, :e, "
		":st, "
		":o, '', :c, :end FROM requests WHERE id = :r");
	if (!st)
		return DB_ERR;
	db_bind_int(st, ":w", weeks);
	db_bind_text(st, ":s", start);
	db_bind_text(st, ":e", end);
	db_bind_text(st, ":st", status);
	if (outcome)
		db_bind_text(st, ":o", outcome);
	else
		db_bind_null(st, ":o");
	db_bind_int(st, ":c", created);
	db_bind_int(st, ":end", ended);
	db_bind_int(st, ":r", req);
	enum db_rc rc = db_exec_step(db, st);
	*id = sqlite3_last_insert_rowid(db_handle(db));
	if (rc != DB_OK)
		return rc;
	st = DB_STMT(db, "UPDATE requests SET mentorship_id = :m WHERE id = :r");
	if (!st)
		return DB_ERR;
	db_bind_int(st, ":m", *id);
	db_bind_int(st, ":r", req);
	return db_exec_step(db, st);
}

static enum db_rc add_session(struct db *db, int64_t ms, int64_t author, const char *day, int minutes,
			      const char *kind, int64_t created)
{
	sqlite3_stmt *st =
		DB_STMT(db, "INSERT INTO meetings(mentorship_id, author_id, held_on, duration_min, kind, "
			    "labels, created_at) VALUES (:m, :a, :h, :d, :k, 'demo', :c)");
	if (!st)
		return DB_ERR;
	db_bind_int(st, ":m", ms);
	db_bind_int(st, ":a", author);
	db_bind_text(st, ":h", day);
	db_bind_int(st, ":d", minutes);
	db_bind_text(st, ":k", kind);
	db_bind_int(st, ":c", created);
	return db_exec_step(db, st);
}

/* Batches of released answers per survey, as the pool would release them. */
static int released[3];

/* An invitation for survey (1 mentees, 2 mentors) and, when answered, a
 * released response whose ratings lean higher after the incentive. */
static enum db_rc survey(struct db *db, int survey, int64_t user, int64_t ms, int answered,
			 const char *quarter, int after)
{
	sqlite3_stmt *st =
		DB_STMT(db, "INSERT OR IGNORE INTO survey_invitations(survey_id, user_id, mentorship_id, "
			    "role, answered) VALUES (:s, :u, :m, :r, :a)");
	if (!st)
		return DB_ERR;
	db_bind_int(st, ":s", survey);
	db_bind_int(st, ":u", user);
	db_bind_int(st, ":m", ms);
	db_bind_text(st, ":r", survey == 1 ? "mentee" : "mentor");
	db_bind_int(st, ":a", answered);
	enum db_rc rc = db_exec_step(db, st);
	if (rc != DB_OK || !answered || sqlite3_changes(db_handle(db)) == 0)
		return rc;
	unsigned char id[16];
	for (int i = 0; i < 16; i++)
		id[i] = (unsigned char)rnd(256);
	st = DB_STMT(
		db,
		"INSERT INTO survey_responses(id, survey_id, role, quarter, team, batch) SELECT :id, :s, :r, "
		":q, coalesce((SELECT t.name FROM teams t WHERE t.name = p.team), 'other'), :b "
		"FROM profiles p WHERE p.user_id = :u");
	if (!st)
		return DB_ERR;
	db_bind_blob(st, ":id", id, sizeof(id));
	db_bind_int(st, ":s", survey);
	db_bind_text(st, ":r", survey == 1 ? "mentee" : "mentor");
	db_bind_text(st, ":q", quarter);
	db_bind_int(st, ":b", 1 + released[survey]++ / 5);
	db_bind_int(st, ":u", user);
	if ((rc = db_exec_step(db, st)) != DB_OK)
		return rc;
	static const char *const choices[] = {"Too little", "About right", "About right", "About right",
					      "Too much"};
	for (int pos = 1; pos <= 4 && rc == DB_OK; pos++) {
		st = DB_STMT(db, "INSERT INTO survey_answers(response_id, question_id, rating, choice) "
				 "SELECT :id, q.id, "
				 ":rating, :choice FROM survey_questions q WHERE q.survey_id = :s AND "
				 "q.position = :p");
		if (!st)
			return DB_ERR;
		db_bind_blob(st, ":id", id, sizeof(id));
		db_bind_int(st, ":s", survey);
		db_bind_int(st, ":p", pos);
		if (pos == 2) {
			db_bind_null(st, ":rating");
			db_bind_text(st, ":choice", choices[rnd(5)]);
		} else {
			int r = 2 + rnd(3) + (after && rnd(2)); /* 2..5 */
			db_bind_int(st, ":rating", r > 5 ? 5 : r);
			db_bind_null(st, ":choice");
		}
		rc = db_exec_step(db, st);
	}
	return rc;
}

enum db_rc seed_history(struct db *db, const int64_t *ids, int members, int mentors, int64_t now)
{
	if (mentors < 5 || members - mentors < 5)
		return DB_OK;
	enum db_rc rc = add_teams(db);
	int64_t topic = db_scalar(db, "SELECT min(id) FROM topics", 0);
	if (rc != DB_OK)
		return rc;
	if (topic <= 0) {
		sqlite3_stmt *st = DB_STMT(
			db, "INSERT INTO topics(name, key) VALUES ('Career growth', 'career growth')");
		if (!st || (rc = db_exec_step(db, st)) != DB_OK)
			return st ? rc : DB_ERR;
		topic = sqlite3_last_insert_rowid(db_handle(db));
	}
	long today = (long)(now / 86400), this_monday = ins_monday(today);
	long first = this_monday - 7L * WEEKS, event = first + 7L * (WEEKS / 2);
	char day[11];
	ins_ymd(event, day);
	if ((rc = add_event(db, day, now)) != DB_OK)
		return rc;
	int mentees = members - mentors;
	for (int w = 0; w < WEEKS && rc == DB_OK; w++) {
		long monday = first + 7L * w;
		int after = monday >= event;
		/* People taking part each week: about 3.5 % of members before the
		 * incentive, 6 % after, with some season; a mentorship runs up to
		 * six weeks, so a sixth of the pairs start each week. */
		double rate = (after ? 0.06 : 0.035) * (0.85 + rnd(31) / 100.0);
		int starts = (int)(members * rate / 2 / 6);
		if (starts < 1)
			starts = 1;
		int left = (int)((this_monday - monday) / 7);
		int len = left < 6 ? left : 6;
		for (int s = 0; s < starts && rc == DB_OK; s++) {
			int64_t mentor = ids[rnd(mentors)], mentee = ids[mentors + rnd(mentees)];
			int64_t created = (int64_t)(monday - 1 - rnd(2)) * 86400 + 8 * 3600 + rnd(9 * 3600);
			int64_t wait = after ? 1800 + rnd(30 * 3600) : 3600 + rnd(70 * 3600), rid, ms;
			int declined = rnd(100) < (after ? 12 : 20);
			if ((rc = add_request(db, mentee, mentor, topic, declined ? "declined" : "accepted",
					      created, created + wait, &rid)) != DB_OK ||
			    declined)
				continue;
			char start[11], end[11];
			ins_ymd(monday + 1, start);
			ins_ymd(monday + 1 + 7L * len, end);
			int early = rnd(100) < (after ? 10 : 16);
			int met = rnd(100) < (after ? 62 : 48);
			const char *outcome = early ? NULL : met ? "goal_met" : rnd(3) ? "partly" : "not_met";
			int held = early ? 1 + rnd(len) : len;
			int64_t ended = (int64_t)(monday + 7L * held) * 86400 + 15 * 3600;
			if (ended > now - 3600)
				ended = now - 3600;
			if ((rc = add_mentorship(db, rid, start, end, len,
						 early ? "ended_early" : "completed", outcome, created + wait,
						 ended, &ms)) != DB_OK)
				break;
			for (int k = 0; k < held && rc == DB_OK; k++) {
				if (rnd(100) < 12) /* a week skipped */
					continue;
				long d = monday + 7L * k + 1 + rnd(4);
				if (d >= today)
					continue;
				ins_ymd(d, day);
				static const int mins[] = {30, 45, 45, 60, 60, 90};
				rc = add_session(db, ms, mentor, day, mins[rnd(6)],
						 rnd(5) ? "one_on_one" : "pairing",
						 (int64_t)d * 86400 + 17 * 3600);
			}
			char quarter[16];
			ins_ymd((long)(ended / 86400), day);
			int month = (day[5] - '0') * 10 + (day[6] - '0');
			snprintf(quarter, sizeof(quarter), "%.4s-Q%d", day, (month + 2) / 3);
			if (rc == DB_OK)
				rc = survey(db, 1, mentee, ms, rnd(100) < (after ? 64 : 52), quarter, after);
			if (rc == DB_OK)
				rc = survey(db, 2, mentor, ms, rnd(100) < (after ? 70 : 58), quarter, after);
		}
	}
	if (rc == DB_OK) {
		sqlite3_stmt *st = DB_STMT(db, "UPDATE surveys SET published = 1 WHERE id = 1");
		rc = st ? db_exec_step(db, st) : DB_ERR;
	}
	return rc;
}
