/* seed_survey_pair (issue 19): see the header. */
#include "store/seed_survey_pair.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define NQ 3
#define TEAM_LEN 244

/* The questions both surveys ask (the comparison pairs them by prompt and
 * kind), and the share of answers per value before and after, in percent:
 * people find more time for mentoring once it counts. No share under 8 %,
 * so that a demo of 300 members (about 80 answers) shows every figure. */
static const struct {
	const char *kind, *prompt, *low, *high, *choices;
	int nv, before[5], after[5];
} qs[NQ] = {
	{"rating",
	 "I can make time for mentoring in my working week.",
	 "Never",
	 "Always",
	 "",
	 5,
	 {16, 30, 28, 17, 9},
	 {8, 14, 28, 30, 20}},
	{"rating",
	 "Mentoring is valued on my team.",
	 "Not at all",
	 "A great deal",
	 "",
	 5,
	 {10, 26, 34, 21, 9},
	 {8, 12, 28, 32, 20}},
	{"choice",
	 "The time I could give to mentoring was",
	 "",
	 "",
	 "Too little\nAbout right\nToo much",
	 3,
	 {56, 36, 8},
	 {31, 61, 8}},
};

static const struct {
	const char *title;
	int days_from_event; /* sent this many days after the event (or before) */
	int rate;	     /* percent of those invited who answer */
} pulse[2] = {
	{"Program pulse: before the incentive", -42, 26},
	{"Program pulse: half a year after", 182, 31},
};

/* A new survey as an admin leaves it after closing: its questions, 'both'
 * (a send to all members needs it). */
static enum db_rc add_survey(struct db *db, const char *title, int64_t *id, int64_t qid[NQ])
{
	sqlite3_stmt *st =
		DB_STMT(db, "INSERT INTO surveys(title, audience, status) VALUES (:t, 'both', 'open')");
	if (!st)
		return DB_ERR;
	db_bind_text(st, ":t", title);
	enum db_rc rc = db_exec_step(db, st);
	*id = sqlite3_last_insert_rowid(db_handle(db));
	for (int q = 0; q < NQ && rc == DB_OK; q++) {
		st = DB_STMT(db,
			     "INSERT INTO survey_questions(survey_id, position, kind, prompt, low_label, "
			     "high_label, choices, max_len, required) VALUES (:s, :p, :k, :pr, :lo, :hi, :c, "
			     "0, 1)");
		if (!st)
			return DB_ERR;
		db_bind_int(st, ":s", *id);
		db_bind_int(st, ":p", q + 1);
		db_bind_text(st, ":k", qs[q].kind);
		db_bind_text(st, ":pr", qs[q].prompt);
		db_bind_text(st, ":lo", qs[q].low);
		db_bind_text(st, ":hi", qs[q].high);
		db_bind_text(st, ":c", qs[q].choices);
		rc = db_exec_step(db, st);
		qid[q] = sqlite3_last_insert_rowid(db_handle(db));
	}
	return rc;
}

/* Every active member invited, as POST /admin/surveys/{id}/send with
 * audience=all writes it (no mail: these invitations are long past); who
 * answered is a fixed share picked by a hash of the person. */
static enum db_rc invite_all(struct db *db, int64_t survey, int rate)
{
	sqlite3_stmt *st =
		DB_STMT(db, "INSERT INTO survey_invitations(survey_id, user_id, role, answered) "
			    "SELECT :s, u.id, 'member', ((u.id + :s) * 2654435761) % 1000003 % 100 < :rate "
			    "FROM users u WHERE u.active = 1");
	if (!st)
		return DB_ERR;
	db_bind_int(st, ":s", survey);
	db_bind_int(st, ":rate", rate);
	return db_exec_step(db, st);
}

/* The team each answer carries: the admins' list's spelling of the
 * answering person's profile team, else "other" (store/surveys.c's
 * report_team), one per answer; *n how many. NULL on error. */
static char (*answer_teams(struct db *db, int64_t survey, long *n))[TEAM_LEN]
{
	sqlite3_stmt *c = DB_STMT(db, "SELECT count(*) FROM survey_invitations WHERE survey_id = :s AND "
				      "answered = 1");
	*n = -1;
	if (!c)
		return NULL;
	db_bind_int(c, ":s", survey);
	if (sqlite3_step(c) == SQLITE_ROW)
		*n = sqlite3_column_int64(c, 0);
	sqlite3_reset(c);
	if (*n <= 0)
		return NULL;
	char(*t)[TEAM_LEN] = calloc((size_t)*n, TEAM_LEN);
	sqlite3_stmt *st =
		DB_STMT(db, "SELECT coalesce((SELECT t.name FROM teams t WHERE t.name = p.team), "
			    "'other') FROM survey_invitations i LEFT JOIN profiles p ON p.user_id = "
			    "i.user_id WHERE i.survey_id = :s AND i.answered = 1");
	if (!t || !st) {
		free(t);
		*n = -1;
		return NULL;
	}
	db_bind_int(st, ":s", survey);
	long i = 0;
	while (i < *n && sqlite3_step(st) == SQLITE_ROW)
		db_column_copy(st, 0, t[i++], TEAM_LEN);
	sqlite3_reset(st);
	*n = i;
	return t;
}

/* n answer values 1..nv in the shares w (percent), in a random order. */
static unsigned char *values(long n, int nv, const int w[5])
{
	unsigned char *v = malloc(n ? (size_t)n : 1);
	if (!v)
		return NULL;
	long at = 0, cum = 0;
	for (int x = 0; x < nv; x++) {
		cum += w[x];
		long to = x == nv - 1 ? n : n * cum / 100;
		while (at < to)
			v[at++] = (unsigned char)(x + 1);
	}
	for (long i = n - 1; i > 0; i--) {
		long j = (long)randombytes_uniform((uint32_t)i + 1);
		unsigned char s = v[i];
		v[i] = v[j];
		v[j] = s;
	}
	return v;
}

static const char *choice_label(int q, int v, char *buf, size_t n)
{
	const char *p = qs[q].choices;
	for (int i = 1; i < v; i++)
		p = strchr(p, '\n') + 1;
	size_t len = strcspn(p, "\n");
	snprintf(buf, n, "%.*s", (int)len, p);
	return buf;
}

/* One released response: a fresh random id (as survey_release_in writes
 * it), role 'member', the quarter and team, its batch, and its answers. */
static enum db_rc write_response(struct db *db, int64_t survey, const int64_t qid[NQ], const char *quarter,
				 const char *team, long batch, const unsigned char val[NQ])
{
	unsigned char rid[16];
	randombytes_buf(rid, sizeof(rid));
	sqlite3_stmt *st =
		DB_STMT(db, "INSERT INTO survey_responses(id, survey_id, role, quarter, team, batch) "
			    "VALUES (:r, :s, 'member', :q, :t, :b)");
	if (!st)
		return DB_ERR;
	db_bind_blob(st, ":r", rid, sizeof(rid));
	db_bind_int(st, ":s", survey);
	db_bind_text(st, ":q", quarter);
	db_bind_text(st, ":t", team);
	db_bind_int(st, ":b", batch);
	enum db_rc rc = db_exec_step(db, st);
	for (int q = 0; q < NQ && rc == DB_OK; q++) {
		st = DB_STMT(db,
			     "INSERT INTO survey_answers(response_id, question_id, rating, choice) VALUES "
			     "(:r, :q, :rating, :choice)");
		if (!st)
			return DB_ERR;
		db_bind_blob(st, ":r", rid, sizeof(rid));
		db_bind_int(st, ":q", qid[q]);
		char label[64];
		if (strcmp(qs[q].kind, "rating") == 0) {
			db_bind_int(st, ":rating", val[q]);
			db_bind_null(st, ":choice");
		} else {
			db_bind_null(st, ":rating");
			db_bind_text(st, ":choice", choice_label(q, val[q], label, sizeof(label)));
		}
		rc = db_exec_step(db, st);
	}
	return rc;
}

/* The answers of survey, released in batches of SEED_PAIR_BATCH in a
 * shuffled order (the last batch takes the rest: never fewer than the
 * batch), nothing in them but what a real release writes. */
static enum db_rc answer(struct db *db, int64_t survey, const int64_t qid[NQ], const char *quarter, int after)
{
	long n;
	char(*team)[TEAM_LEN] = answer_teams(db, survey, &n);
	if (!team)
		return n < 0 ? DB_ERR : DB_OK;
	if (n < SEED_PAIR_BATCH) { /* too few to release: withheld, as closing does */
		free(team);
		return DB_OK;
	}
	for (long i = n - 1; i > 0; i--) { /* the order of answering, unknown */
		long j = (long)randombytes_uniform((uint32_t)i + 1);
		char s[TEAM_LEN];
		memcpy(s, team[i], TEAM_LEN);
		memcpy(team[i], team[j], TEAM_LEN);
		memcpy(team[j], s, TEAM_LEN);
	}
	unsigned char *v[NQ] = {0};
	enum db_rc rc = DB_OK;
	for (int q = 0; q < NQ; q++)
		if (!(v[q] = values(n, qs[q].nv, after ? qs[q].after : qs[q].before)))
			rc = DB_ERR;
	long batches = n / SEED_PAIR_BATCH;
	for (long i = 0; i < n && rc == DB_OK; i++) {
		long b = i / SEED_PAIR_BATCH;
		unsigned char val[NQ];
		for (int q = 0; q < NQ; q++)
			val[q] = v[q][i];
		rc = write_response(db, survey, qid, quarter, team[i], 1 + (b < batches ? b : batches - 1),
				    val);
	}
	for (int q = 0; q < NQ; q++)
		free(v[q]);
	free(team);
	return rc;
}

enum db_rc seed_survey_pair(struct db *db, int64_t now)
{
	/* The incentive event seed_history wrote (julian day number). */
	int64_t event = db_scalar(db,
				  "SELECT CAST(julianday(min(on_day)) - 2440587.5 AS INTEGER) FROM "
				  "program_events",
				  -1);
	if (event <= 0)
		return DB_OK;
	int64_t id[2];
	enum db_rc rc = DB_OK;
	for (int s = 0; s < 2 && rc == DB_OK; s++) {
		int64_t qid[NQ];
		long day = (long)event + pulse[s].days_from_event + 7; /* answered within a week or so */
		if (day >= now / 86400)
			day = (long)(now / 86400) - 1;
		char quarter[32];
		time_t t = (time_t)day * 86400;
		struct tm tm;
		gmtime_r(&t, &tm);
		snprintf(quarter, sizeof(quarter), "%04d-Q%d", tm.tm_year + 1900, tm.tm_mon / 3 + 1);
		if ((rc = add_survey(db, pulse[s].title, &id[s], qid)) == DB_OK &&
		    (rc = invite_all(db, id[s], pulse[s].rate)) == DB_OK)
			rc = answer(db, id[s], qid, quarter, s);
	}
	/* Closed (nothing waits in a pool), the follow-up names its baseline,
	 * and both are on /program. */
	sqlite3_stmt *st = DB_STMT(db, "UPDATE surveys SET status = 'closed', published = 1, baseline_id = "
				       "CASE id WHEN :f THEN :b END WHERE id IN (:b, :f)");
	if (rc == DB_OK && !st)
		rc = DB_ERR;
	if (rc == DB_OK) {
		db_bind_int(st, ":b", id[0]);
		db_bind_int(st, ":f", id[1]);
		rc = db_exec_step(db, st);
	}
	return rc;
}
