#include "store/seed.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "security/password.h"
#include "security/token.h"
#include "store/outbox.h"
#include "store/profiles.h"
#include "store/requests.h"
#include "store/seed_celebrations.h"
#include "store/seed_history.h"
#include "store/seed_pairing.h"
#include "store/seed_rings.h"
#include "store/seed_survey_pair.h"
#include "store/sessions.h"
#include "store/users.h"

static const char *const first[] = {
	"Ana",	 "Ben",	  "Chiara", "Dmitri",	 "Emeka", "Fatima", "Gustav",  "Hana",	  "Ivan",
	"Jun",	 "Kwame", "Lena",   "Mateo",	 "Nadia", "Olu",    "Priya",   "Quentin", "Rosa",
	"Sven",	 "Tomás", "Uma",    "Valentina", "Wei",	  "Ximena", "Yusuf",   "Zoë",	  "Aiko",
	"Björn", "Chloé", "Dara",   "Élodie",	 "Farid", "Greta",  "Hiroshi", "Ines",	  "Jonas"};
static const char *const last[] = {"Abara",  "Berg",   "Costa",	 "Dubois",   "Eriksen", "Fischer", "García",
				   "Haddad", "Ito",    "Jensen", "Kowalski", "Larsen",	"Moreau",  "Nakamura",
				   "Okafor", "Petrov", "Quinn",	 "Rossi",    "Schmidt", "Tanaka",  "Ursu",
				   "Varga",  "Wong",   "Yilmaz", "Zhang"};
static const char *const teams[] = {"Platform", "Data",	  "Mobile",   "Design",	   "Sales",    "Support",
				    "Finance",	"People", "Security", "Marketing", "Payments", "Search"};
static const char *const titles[] = {
	"Software engineer", "Senior engineer",	   "Staff engineer", "Engineering manager",
	"Product manager",   "Designer",	   "Data scientist", "Analyst",
	"Account executive", "Support specialist", "Recruiter",	     "Security engineer",
	"Tech lead"};
static const char *const topics[] = {"Rust",
				     "Go",
				     "Kubernetes",
				     "SQL",
				     "Public speaking",
				     "Career growth",
				     "System design",
				     "Code review",
				     "Leadership",
				     "Product thinking",
				     "Negotiation",
				     "Technical writing",
				     "Testing",
				     "Security",
				     "Accessibility",
				     "Data visualization",
				     "Machine learning",
				     "Figma",
				     "Hiring",
				     "Giving feedback",
				     "Observability",
				     "Frontend",
				     "TypeScript",
				     "Python",
				     "Incident response",
				     "Estimation",
				     "Stakeholder management",
				     "Mentoring others",
				     "Debugging",
				     "Performance"};
static const char *const goals[] = {
	"Design and ship a small service end to end, with tests and a rollout plan I can defend.",
	"Give a 10-minute talk at the engineering all-hands without reading from my notes.",
	"Lead my first incident review and write the follow-up actions clearly.",
	"Understand how our queries use indexes, and fix the three slowest reports on my team.",
	"Prepare for a promotion conversation with concrete examples of impact.",
	"Get comfortable reviewing code from senior colleagues and giving useful feedback.",
};
#define N(a) ((int)(sizeof(a) / sizeof(a[0])))

static uint64_t rng = 0x7a4d3e1b9c2f5a17ull;
static int rnd(int n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (int)(rng % (uint64_t)n);
}

static void ymd(int64_t t, char out[11])
{
	time_t tt = (time_t)t;
	struct tm tm;
	gmtime_r(&tt, &tm);
	strftime(out, 11, "%Y-%m-%d", &tm);
}

static enum db_rc add_request(struct db *db, int64_t mentee, int64_t mentor, int64_t tid, const char *status,
			      int64_t created, int64_t answered, const char *reason, int64_t *id)
{
	sqlite3_stmt *st =
		DB_STMT(db, "INSERT INTO requests(mentee_id, mentor_id, topic_id, goal, format, cadence, "
			    "duration_min, weeks, message, status, reason, created_at, answered_at) VALUES "
			    "(:e, :m, :t, :g, 'one_on_one', 'weekly', 45, 6, '', :s, :r, :c, :a)");
	if (!st)
		return DB_ERR;
	db_bind_int(st, ":e", mentee);
	db_bind_int(st, ":m", mentor);
	db_bind_int(st, ":t", tid);
	db_bind_text(st, ":g", goals[rnd(N(goals))]);
	db_bind_text(st, ":s", status);
	db_bind_text(st, ":r", reason);
	db_bind_int(st, ":c", created);
	if (answered)
		db_bind_int(st, ":a", answered);
	else
		db_bind_null(st, ":a");
	enum db_rc rc = db_exec_step(db, st);
	*id = sqlite3_last_insert_rowid(db_handle(db));
	return rc;
}

static enum db_rc add_mentorship(struct db *db, int64_t req, int64_t mentee, int64_t mentor, int64_t tid,
				 int64_t start, const char *status, const char *outcome, int64_t now)
{
	char s[11], e[11];
	ymd(start, s);
	ymd(start + 6 * 7 * 86400, e);
	sqlite3_stmt *st = DB_STMT(
		db, "INSERT INTO mentorships(request_id, mentor_id, mentee_id, topic_id, goal, "
		    "format, cadence, duration_min, weeks, started_on, planned_end, status, outcome, "
		    "end_reason, created_at, ended_at) SELECT id, mentor_id, mentee_id, topic_id, goal, "
		    "format, cadence, duration_min, 6, :s, :e, :st, :o, :why, :start, :end FROM requests "
		    "WHERE id = :r");
	if (!st)
		return DB_ERR;
	db_bind_text(st, ":s", s);
	db_bind_text(st, ":e", e);
	db_bind_text(st, ":st", status);
	if (outcome)
		db_bind_text(st, ":o", outcome);
	else
		db_bind_null(st, ":o");
	db_bind_text(st, ":why",
		     strcmp(status, "ended_early") == 0 ? "We both changed teams; we will pick it up later."
							: "");
	db_bind_int(st, ":start", start);
	if (strcmp(status, "active") == 0)
		db_bind_null(st, ":end");
	else
		db_bind_int(st, ":end", start + 6 * 7 * 86400);
	db_bind_int(st, ":r", req);
	enum db_rc rc = db_exec_step(db, st);
	int64_t ms = sqlite3_last_insert_rowid(db_handle(db));
	(void)mentee;
	(void)tid;
	for (int w = 1; rc == DB_OK && w <= 6; w++) {
		st = DB_STMT(
			db,
			"INSERT INTO plan_weeks(mentorship_id, week, title, done) VALUES (:m, :w, :t, :d)");
		if (!st)
			return DB_ERR;
		db_bind_int(st, ":m", ms);
		db_bind_int(st, ":w", w);
		db_bind_text(st, ":t", plan_title(w, 6));
		db_bind_int(st, ":d", strcmp(status, "active") != 0 || w <= 2);
		rc = db_exec_step(db, st);
	}
	/* Three sessions logged, a week apart, for its page and the bench's
	 * feedback forms (no notes: those are sealed, and seeding has no key);
	 * closer together for a mentorship younger than four weeks, never
	 * after now (UX review: a demo showed sessions three weeks ahead). */
	static const char *const kinds[] = {"one_on_one", "pairing", "one_on_one"};
	int64_t step = 7 * 86400;
	if (now - start < 4 * step)
		step = now > start ? (now - start) / 4 : 0;
	for (int k = 0; rc == DB_OK && k < 3; k++) {
		char held[11];
		int64_t at = start + (int64_t)(k + 1) * step;
		ymd(at, held);
		st = DB_STMT(db,
			     "INSERT INTO meetings(mentorship_id, author_id, held_on, duration_min, kind, "
			     "labels, created_at) VALUES (:m, :a, :h, 45, :k, 'demo', :c)");
		if (!st)
			return DB_ERR;
		db_bind_int(st, ":m", ms);
		db_bind_int(st, ":a", mentor);
		db_bind_text(st, ":h", held);
		db_bind_text(st, ":k", kinds[k]);
		db_bind_int(st, ":c", at);
		rc = db_exec_step(db, st);
	}
	if (rc == DB_OK) {
		st = DB_STMT(db, "UPDATE requests SET mentorship_id = :m WHERE id = :r");
		if (!st)
			return DB_ERR;
		db_bind_int(st, ":m", ms);
		db_bind_int(st, ":r", req);
		rc = db_exec_step(db, st);
	}
	return rc;
}

/* The seeded sessions are history: nobody is asked for feedback on them.
 * Sessions logged before the seed that still wait for their hour go to
 * the outbox now, due when they would be; then the sender's mark
 * (sql/0044) moves past everything. The sessions' counter (sql/0009) is
 * raised past the seeded ids, which SQLite chose: a deleted seeded
 * session's id must not name a new one, which the mark would skip. */
static enum db_rc feedback_asked(struct db *db, int64_t last_session)
{
	int64_t mark = outbox_feedback_mark(db);
	if (mark < 0)
		return DB_ERR;
	enum db_rc rc = mark < last_session ? outbox_feedback_take(db, mark, last_session) : DB_OK;
	sqlite3_stmt *st = DB_STMT(db, "UPDATE id_counters SET last = max(last, (SELECT coalesce(max(id), 0) "
				       "FROM meetings)) WHERE name IN ('feedback_asked', 'meetings')");
	return rc != DB_OK ? rc : st ? db_exec_step(db, st) : DB_ERR;
}

int seed_demo(struct db *db, int members, int mentors, int64_t now)
{
	if (db_scalar(db, "SELECT count(*) FROM users WHERE email LIKE '%@demo.tandem.example'", 0) > 0) {
		fprintf(stderr, "tandem: demo people exist already; nothing added\n");
		return -1;
	}
	char hash[PW_HASH_LEN];
	if (pw_hash(SEED_PASSWORD, hash) != PW_OK) {
		fprintf(stderr, "tandem: could not hash the demo password\n");
		return -1;
	}
	int64_t *ids = calloc((size_t)members, sizeof(int64_t));
	int *cap = calloc((size_t)members, sizeof(int)), *load = calloc((size_t)members, sizeof(int));
	int(*focus)[4] = calloc((size_t)members, sizeof(*focus));
	if (!ids || !cap || !load || !focus || db_begin(db) != DB_OK) {
		free(ids);
		free(cap);
		free(load);
		free(focus);
		return -1;
	}
	int64_t last_session = db_scalar(db, "SELECT coalesce(max(id), 0) FROM meetings", 0);
	enum db_rc rc = DB_OK;
	for (int i = 0; rc == DB_OK && i < members; i++) {
		char email[128], name[128];
		const char *f = first[i % N(first)], *l = last[(i / N(first) + i) % N(last)];
		snprintf(name, sizeof(name), "%s %s", f, l);
		snprintf(email, sizeof(email), "person%d@demo.tandem.example", i + 1);
		rc = user_create(db, email, name, hash, "member", now - 200 * 86400, &ids[i]);
		if (rc != DB_OK)
			break;
		struct profile p = {0};
		snprintf(p.team, sizeof(p.team), "%s", teams[rnd(N(teams))]);
		snprintf(p.job_title, sizeof(p.job_title), "%s", titles[rnd(N(titles))]);
		snprintf(p.timezone, sizeof(p.timezone), "%s", i % 3 ? "Europe/Berlin" : "America/New_York");
		snprintf(p.interests, sizeof(p.interests), "%s, %s", topics[rnd(N(topics))],
			 topics[rnd(N(topics))]);
		if (i < mentors) {
			p.is_mentor = 1;
			cap[i] = p.capacity = 1 + rnd(4);
			p.formats = 1u | (unsigned)rnd(64);
			for (int k = 0; k < 3; k++)
				focus[i][k] = rnd(N(topics));
			snprintf(p.focus, sizeof(p.focus), "%s, %s, %s", topics[focus[i][0]],
				 topics[focus[i][1]], topics[focus[i][2]]);
			snprintf(p.bio, sizeof(p.bio), "%s on the %s team. Happy to help with %s and %s.",
				 p.job_title, p.team, topics[focus[i][0]], topics[focus[i][1]]);
		}
		rc = profile_save(db, ids[i], name, &p, now - 150 * 86400);
	}
	if (rc == DB_OK) /* issue 19: two years of history, an incentive halfway */
		rc = seed_history(db, ids, members, mentors, now);
	/* Requests: a third of the members ask mentors something. */
	static const char *const states[] = {"accepted",  "accepted", "accepted",
					     "pending",	  "pending",  "declined",
					     "withdrawn", "expired",  "matched_elsewhere"};
	for (int i = mentors; rc == DB_OK && i < members && mentors > 0; i += 3) {
		int m = rnd(mentors);
		if (m == i)
			continue;
		const char *status = states[rnd(N(states))];
		int64_t tid;
		rc = topic_id(db, topics[focus[m][0]], 1, &tid);
		if (rc != DB_OK)
			break;
		int64_t age = 1 + rnd(120);
		if (!strcmp(status, "pending"))
			age = rnd(13); /* some of them overdue */
		int64_t created = now - age * 86400 - rnd(86400), answered = 0, rid;
		const char *reason = "";
		if (!strcmp(status, "accepted") && load[m] >= cap[m])
			status = "declined";
		if (strcmp(status, "pending") && strcmp(status, "withdrawn"))
			answered = created + 3600 + rnd(5 * 86400);
		if (!strcmp(status, "declined"))
			reason = "I'm at capacity this quarter. Try again in a few weeks!";
		if (!strcmp(status, "expired"))
			answered = created + 14 * 86400;
		if (!strcmp(status, "matched_elsewhere"))
			reason = "The mentee found a mentor for this topic elsewhere.";
		if (answered > now - 3600) /* never answered in the future */
			answered = now - 3600 - rnd(3600);
		if (!strcmp(status, "expired") && age < 15)
			status = "declined", reason = "Sorry, not this time.";
		rc = add_request(db, ids[i], ids[m], tid, status, created, answered, reason, &rid);
		if (rc == DB_OK && !strcmp(status, "accepted")) {
			const char *ms = age > 50 ? (rnd(5) ? "completed" : "ended_early") : "active";
			static const char *const oc[] = {"goal_met", "goal_met", "partly", "not_met"};
			rc = add_mentorship(db, rid, ids[i], ids[m], tid, answered, ms,
					    !strcmp(ms, "completed") ? oc[rnd(4)] : NULL, now);
			if (!strcmp(ms, "active"))
				load[m]++;
		}
	}
	if (rc == DB_OK) /* issue 18: rings and pairing rounds */
		rc = seed_rings(db, now);
	free(ids);
	free(cap);
	free(load);
	free(focus);
	if (rc == DB_OK)
		rc = seed_pairing(db, now); /* issue 17 */
	if (rc == DB_OK)
		rc = seed_celebrations(db); /* issue 19: recognition */
	if (rc == DB_OK)
		rc = seed_survey_pair(db, now); /* issue 19: a baseline and its follow-up */
	if (rc == DB_OK)
		rc = feedback_asked(db, last_session);
	if (rc != DB_OK || db_commit(db) != DB_OK) {
		db_rollback(db);
		fprintf(stderr, "tandem: seeding failed; nothing was added\n");
		return -1;
	}
	return 0;
}

int seed_bench_sessions(struct db *db, int n, int64_t now, FILE *out)
{
	if (db_scalar(db, "SELECT count(*) FROM users WHERE email LIKE '%@demo.tandem.example'", 0) == 0) {
		fprintf(stderr, "tandem: no demo people here: bench sessions are for a seeded demo only\n");
		return -1;
	}
	if (db_begin(db) != DB_OK)
		return -1;
	/* Mentees with an active mentorship first (they log sessions and give
	 * feedback), then other members spread over the whole id range (a
	 * multiplicative hash), so no one person's data is always hot. */
	sqlite3_stmt *st = DB_STMT(
		db,
		"SELECT id, coalesce(ms, 0), (SELECT count(*) FROM requests r WHERE r.mentee_id = x.id AND "
		"r.status = 'pending'), role FROM (SELECT u.id, u.role, (SELECT max(m.id) FROM mentorships m "
		"WHERE m.mentee_id = u.id AND m.status = 'active') AS ms FROM users u WHERE u.active = 1 AND "
		"(u.role = 'admin' OR u.email LIKE '%@demo.tandem.example')) x "
		"ORDER BY role = 'admin' DESC, ms IS NULL, (id * 2654435761) % 1000003 LIMIT :n");
	sqlite3_stmt *meet = DB_STMT(db, "SELECT group_concat(id) FROM (SELECT id FROM meetings WHERE "
					 "mentorship_id = :m ORDER BY id LIMIT 3)");
	/* Mentors with room left, with one of their focus areas (a request
	 * names one; spaces as '+' for the form body). */
	sqlite3_stmt *ask = DB_STMT(
		db,
		"SELECT group_concat(x, ',') FROM (SELECT p.user_id || ':' || replace((SELECT t.name FROM "
		"user_topics ut JOIN topics t ON t.id = ut.topic_id WHERE ut.user_id = p.user_id AND "
		"ut.kind = 'focus' LIMIT 1), ' ', '+') AS x FROM profiles p WHERE p.is_mentor = 1 AND "
		"p.user_id <> :u AND p.user_id > :from AND p.capacity > (SELECT count(*) FROM mentorships "
		"m WHERE m.mentor_id = p.user_id AND m.status = 'active') AND NOT EXISTS (SELECT 1 FROM "
		"requests r WHERE r.mentee_id = :u AND r.mentor_id = p.user_id) ORDER BY p.user_id LIMIT 2) "
		"WHERE x IS NOT NULL");
	if (!st || !meet || !ask) {
		db_rollback(db);
		return -1;
	}
	db_bind_int(st, ":n", n);
	enum db_rc rc = DB_OK;
	int made = 0;
	while (rc == DB_OK && sqlite3_step(st) == SQLITE_ROW) {
		int64_t uid = sqlite3_column_int64(st, 0), ms = sqlite3_column_int64(st, 1);
		int64_t pending = sqlite3_column_int64(st, 2);
		const char *role = (const char *)sqlite3_column_text(st, 3);
		unsigned char raw[TOKEN_BYTES], hash[TOKEN_HASH_BYTES];
		char tok[TOKEN_B64_LEN], csrf[TOKEN_B64_LEN];
		token_new(raw, tok);
		token_hash(raw, hash);
		struct sess s;
		rc = sess_create(db, hash, uid, now, &s);
		/* issue 16: the bench measures the admin pages, not the code
		 * step: its sessions count as having passed the second factor
		 * (the demo's admins have none; a real sign-in still asks). */
		if (rc == DB_OK)
			rc = sess_set_mfa(db, hash, SESS_MFA_PASSED);
		token_encode(s.csrf, TOKEN_BYTES, csrf, sizeof(csrf));
		char meetings[256] = "-", mentors[256] = "-";
		if (ms) {
			db_bind_int(meet, ":m", ms);
			if (sqlite3_step(meet) == SQLITE_ROW && sqlite3_column_text(meet, 0))
				snprintf(meetings, sizeof(meetings), "%s", sqlite3_column_text(meet, 0));
			sqlite3_reset(meet);
		}
		if (pending == 0) { /* room under the pending-request limit */
			db_bind_int(ask, ":u", uid);
			db_bind_int(ask, ":from", 1 + rnd(1000));
			if (sqlite3_step(ask) == SQLITE_ROW && sqlite3_column_text(ask, 0))
				snprintf(mentors, sizeof(mentors), "%s", sqlite3_column_text(ask, 0));
			sqlite3_reset(ask);
		}
		/* One line a person: role, cookie, CSRF field, id, an active
		 * mentorship (0: none), sessions to rate, mentors to ask. */
		if (rc == DB_OK && fprintf(out, "%s %s %s %lld %lld %s %s\n", role, tok, csrf, (long long)uid,
					   (long long)ms, meetings, mentors) < 0)
			rc = DB_ERR;
		made++;
	}
	sqlite3_reset(st);
	if (rc != DB_OK || db_commit(db) != DB_OK) {
		db_rollback(db);
		fprintf(stderr, "tandem: bench sessions failed; none was added\n");
		return -1;
	}
	return made;
}
