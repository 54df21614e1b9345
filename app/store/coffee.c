#include "store/coffee.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/log.h"
#include "core/pairing.h"
#include "store/pairings.h"

enum db_rc coffee_prefs_get(struct db *db, int64_t uid, struct coffee_prefs *p)
{
	*p = (struct coffee_prefs){.opt_in = 0, .across_teams = 1, .every = "2w"};
	sqlite3_stmt *st = DB_STMT(db, "SELECT opt_in, every, across_teams, skip_next, last_matched_at "
				       "FROM coffee_prefs WHERE user_id = :u");
	if (!st)
		return DB_ERR;
	db_bind_int(st, ":u", uid);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		p->opt_in = sqlite3_column_int(st, 0);
		db_column_copy(st, 1, p->every, sizeof(p->every));
		p->across_teams = sqlite3_column_int(st, 2);
		p->skip_next = sqlite3_column_int(st, 3);
		p->last_matched_at = sqlite3_column_int64(st, 4);
	}
	sqlite3_reset(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? DB_OK : db_rc_from(rc);
}

enum db_rc coffee_prefs_save(struct db *db, int64_t uid, const struct coffee_prefs *p)
{
	enum db_rc rc = db_begin(db);
	if (rc != DB_OK)
		return rc;
	sqlite3_stmt *st = DB_STMT(
		db,
		"INSERT INTO coffee_prefs(user_id, opt_in, every, across_teams, skip_next) "
		"VALUES (:u, :o, :e, :a, :s) ON CONFLICT(user_id) DO UPDATE SET opt_in = excluded.opt_in, "
		"every = excluded.every, across_teams = excluded.across_teams, skip_next = "
		"excluded.skip_next");
	if (!st)
		return db_end(db, DB_ERR);
	db_bind_int(st, ":u", uid);
	db_bind_int(st, ":o", p->opt_in);
	db_bind_text(st, ":e", p->every);
	db_bind_int(st, ":a", p->across_teams);
	db_bind_int(st, ":s", p->skip_next);
	return db_end(db, db_exec_step(db, st));
}

enum db_rc coffee_matches_each(struct db *db, int64_t uid, int max,
			       void (*fn)(void *arg, const struct coffee_match_row *r), void *arg)
{
	sqlite3_stmt *st =
		DB_STMT(db, "SELECT m.id, r.ran_at, coalesce(m.met_at, 0), m.topic, "
			    /* names and addresses in one order (by id), so they line up */
			    "(SELECT group_concat(x, ', ') FROM (SELECT u.display_name AS x FROM "
			    " coffee_match_people o JOIN users u ON u.id = o.user_id WHERE o.match_id = m.id "
			    " AND o.user_id <> :u ORDER BY u.id)), "
			    "(SELECT group_concat(x, ', ') FROM (SELECT u.email AS x FROM "
			    " coffee_match_people o JOIN users u ON u.id = o.user_id WHERE o.match_id = m.id "
			    " AND o.user_id <> :u ORDER BY u.id)) "
			    "FROM coffee_match_people p JOIN coffee_matches m ON m.id = p.match_id "
			    "JOIN coffee_rounds r ON r.id = m.round_id WHERE p.user_id = :u "
			    "ORDER BY p.match_id DESC LIMIT :n");
	if (!st)
		return DB_ERR;
	db_bind_int(st, ":u", uid);
	db_bind_int(st, ":n", max);
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *others = (const char *)sqlite3_column_text(st, 4);
		struct coffee_match_row r = {
			.id = sqlite3_column_int64(st, 0),
			.ran_at = sqlite3_column_int64(st, 1),
			.met_at = sqlite3_column_int64(st, 2),
			.topic = (const char *)sqlite3_column_text(st, 3),
			.others = others ? others : "",
			.contacts = (const char *)sqlite3_column_text(st, 5),
		};
		if (!r.contacts)
			r.contacts = "";
		fn(arg, &r);
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? DB_OK : db_rc_from(rc);
}

enum coffee_rc coffee_met(struct db *db, int64_t match, int64_t uid, int64_t now)
{
	enum db_rc rc = db_begin(db);
	if (rc != DB_OK)
		return (enum coffee_rc)db_failure(rc);
	sqlite3_stmt *st = DB_STMT(db, "SELECT m.met_at IS NOT NULL, m.round_id FROM coffee_match_people p "
				       "JOIN coffee_matches m ON m.id = p.match_id "
				       "WHERE p.match_id = :m AND p.user_id = :u");
	if (!st)
		return (enum coffee_rc)db_failure(db_end(db, DB_ERR));
	db_bind_int(st, ":m", match);
	db_bind_int(st, ":u", uid);
	int src = sqlite3_step(st);
	int met = src == SQLITE_ROW && sqlite3_column_int(st, 0);
	int64_t round = src == SQLITE_ROW ? sqlite3_column_int64(st, 1) : 0;
	sqlite3_reset(st);
	if (src != SQLITE_ROW) {
		db_rollback(db);
		if (src == SQLITE_DONE)
			return COFFEE_NOTFOUND;
		return (enum coffee_rc)db_failure(db_rc_from(src));
	}
	if (met) {
		db_rollback(db);
		return COFFEE_ALREADY;
	}
	st = DB_STMT(db, "UPDATE coffee_matches SET met_at = :now, met_by = :u WHERE id = :m");
	sqlite3_stmt *up = DB_STMT(db, "UPDATE coffee_rounds SET met = met + 1 WHERE id = :r");
	if (!st || !up)
		return (enum coffee_rc)db_failure(db_end(db, DB_ERR));
	db_bind_int(st, ":now", now);
	db_bind_int(st, ":u", uid);
	db_bind_int(st, ":m", match);
	rc = db_exec_step(db, st);
	if (rc == DB_OK) {
		db_bind_int(up, ":r", round);
		rc = db_exec_step(db, up);
	}
	/* "We met" counts as a pairing (store/pairings.h) between whoever
	 * says so and each other person of the match, toward everyone's
	 * pairing intention, in this transaction. */
	if (rc == DB_OK) {
		char day[11];
		time_t t = (time_t)now;
		struct tm tm;
		gmtime_r(&t, &tm);
		strftime(day, sizeof(day), "%Y-%m-%d", &tm);
		sqlite3_stmt *o = DB_STMT(db, "SELECT user_id FROM coffee_match_people "
					      "WHERE match_id = :m AND user_id <> :u");
		rc = o ? DB_OK : DB_ERR;
		int64_t others[3];
		int n = 0;
		if (o) {
			db_bind_int(o, ":m", match);
			db_bind_int(o, ":u", uid);
			while (n < 3 && sqlite3_step(o) == SQLITE_ROW)
				others[n++] = sqlite3_column_int64(o, 0);
			sqlite3_reset(o);
		}
		for (int i = 0; rc == DB_OK && i < n; i++)
			rc = pairing_record_met(db, uid, others[i], day, now, NULL);
	}
	if ((rc = db_end(db, rc)) != DB_OK)
		return (enum coffee_rc)db_failure(rc);
	return COFFEE_OK;
}

/* Teams as small numbers for the pairing: equal names, equal numbers. */
struct due_set {
	struct pairing_person *p;
	char (*team)[64];
	size_t n, cap;
};

/* The team names, for sorting the people's indices by them. */
static char (*sort_teams)[64];

static int by_team(const void *a, const void *b)
{
	return strcmp(sort_teams[*(const size_t *)a], sort_teams[*(const size_t *)b]);
}

/* Give each person a team number: sort their indices by team name, then
 * number the runs of equal names (one pass, whatever the teams' sizes). */
static int number_teams(struct due_set *d)
{
	size_t *order = malloc((d->n ? d->n : 1) * sizeof(*order));
	if (!order)
		return -1;
	for (size_t i = 0; i < d->n; i++)
		order[i] = i;
	sort_teams = d->team;
	qsort(order, d->n, sizeof(*order), by_team);
	int team = 0;
	for (size_t k = 0; k < d->n; k++) {
		size_t i = order[k];
		if (k > 0 && strcmp(d->team[i], d->team[order[k - 1]]) != 0)
			team++;
		/* An empty team is nobody's team: everyone unknown is apart. */
		d->p[i].team = d->team[i][0] ? team : -1 - (int)i;
	}
	free(order);
	return 0;
}

static enum db_rc load_due(struct db *db, int64_t now, struct due_set *d)
{
	sqlite3_stmt *st = DB_STMT(
		db, "SELECT c.user_id, coalesce(lower(trim(p.team)), ''), c.across_teams FROM coffee_prefs c "
		    "JOIN users u ON u.id = c.user_id AND u.active = 1 "
		    "LEFT JOIN profiles p ON p.user_id = c.user_id "
		    "WHERE c.opt_in = 1 AND c.skip_next = 0 AND c.last_matched_at <= :now - "
		    "CASE c.every WHEN '2w' THEN :two ELSE :month END");
	if (!st)
		return DB_ERR;
	db_bind_int(st, ":now", now);
	/* A day's slack: a round a little early still finds them due. */
	db_bind_int(st, ":two", 13 * 86400);
	db_bind_int(st, ":month", 27 * 86400);
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (d->n == d->cap) {
			size_t cap = d->cap ? d->cap * 2 : 256;
			void *np = realloc(d->p, cap * sizeof(*d->p));
			if (!np)
				break;
			d->p = np;
			void *nt = realloc(d->team, cap * sizeof(*d->team));
			if (!nt)
				break;
			d->team = nt;
			d->cap = cap;
		}
		d->p[d->n] =
			(struct pairing_person){sqlite3_column_int64(st, 0), 0, sqlite3_column_int(st, 2)};
		db_column_copy(st, 1, d->team[d->n], sizeof(d->team[0]));
		d->n++;
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return rc == SQLITE_ROW ? DB_ERR : db_rc_from(rc);
	return number_teams(d) == 0 ? DB_OK : DB_ERR;
}

/* The pairs of the last COFFEE_RECENT_ROUNDS rounds (round ids rise by
 * one per round). *out is malloc'd; the caller frees. */
static enum db_rc load_recent(struct db *db, struct pairing_pair **out, size_t *n)
{
	*out = NULL;
	*n = 0;
	sqlite3_stmt *st =
		DB_STMT(db, "SELECT a.user_id, b.user_id FROM coffee_matches m "
			    "JOIN coffee_match_people a ON a.match_id = m.id "
			    "JOIN coffee_match_people b ON b.match_id = m.id AND b.user_id > a.user_id "
			    "WHERE m.round_id > (SELECT coalesce(max(id), 0) FROM coffee_rounds) - :k");
	if (!st)
		return DB_ERR;
	db_bind_int(st, ":k", COFFEE_RECENT_ROUNDS);
	size_t cap = 0;
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (*n == cap) {
			cap = cap ? cap * 2 : 256;
			void *np = realloc(*out, cap * sizeof(**out));
			if (!np)
				break;
			*out = np;
		}
		(*out)[(*n)++] =
			(struct pairing_pair){sqlite3_column_int64(st, 0), sqlite3_column_int64(st, 1)};
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? DB_OK : rc == SQLITE_ROW ? DB_ERR : db_rc_from(rc);
}

/* The first interest two people share, by name: a first topic. */
static void shared_topic(struct db *db, int64_t a, int64_t b, char *out, size_t n)
{
	out[0] = '\0';
	/* y's kind is named so that y is read by its key (user, kind, topic):
	 * without it SQLite read every holder of the topic, thousands per
	 * pair at 100,000 members (a round held the write lock 25 s). */
	sqlite3_stmt *st = DB_STMT(db, "SELECT t.name FROM user_topics x JOIN user_topics y "
				       "ON y.user_id = :b AND y.kind IN ('interest', 'focus') "
				       "AND y.topic_id = x.topic_id "
				       "JOIN topics t ON t.id = x.topic_id WHERE x.user_id = :a "
				       "ORDER BY t.name LIMIT 1");
	if (!st)
		return;
	db_bind_int(st, ":a", a);
	db_bind_int(st, ":b", b);
	if (sqlite3_step(st) == SQLITE_ROW)
		db_column_copy(st, 0, out, n);
	sqlite3_reset(st);
}

/* Write the groups of one round: a match per group, its people, their
 * mail, and last_matched_at. */
static enum db_rc write_round(struct db *db, int64_t round, int64_t now, const struct due_set *d,
			      const int *group, long ngroups)
{
	/* members[g*3 ..]: the people of group g (3 at most). */
	size_t *members = malloc((size_t)(ngroups ? ngroups : 1) * 3 * sizeof(*members));
	int *count = calloc((size_t)(ngroups ? ngroups : 1), sizeof(*count));
	if (!members || !count) {
		free(members);
		free(count);
		return DB_ERR;
	}
	for (size_t i = 0; i < d->n; i++)
		if (group[i] >= 0 && count[group[i]] < 3)
			members[(size_t)group[i] * 3 + (size_t)count[group[i]]++] = i;
	sqlite3_stmt *m = DB_STMT(db, "INSERT INTO coffee_matches(round_id, topic) VALUES (:r, :t)");
	sqlite3_stmt *p = DB_STMT(db, "INSERT INTO coffee_match_people(match_id, user_id) VALUES (:m, :u)");
	sqlite3_stmt *u = DB_STMT(db, "UPDATE coffee_prefs SET last_matched_at = :now WHERE user_id = :u");
	sqlite3_stmt *o =
		DB_STMT(db, "INSERT INTO outbox(event, user_id, ref, due) VALUES (:e, :u, :m, :now)");
	enum db_rc rc = m && p && u && o ? DB_OK : DB_ERR;
	for (long g = 0; rc == DB_OK && g < ngroups; g++) {
		char topic[200];
		const size_t *who = &members[g * 3];
		shared_topic(db, d->p[who[0]].id, d->p[who[1]].id, topic, sizeof(topic));
		db_bind_int(m, ":r", round);
		db_bind_text(m, ":t", topic);
		if ((rc = db_exec_step(db, m)) != DB_OK)
			break;
		int64_t mid = sqlite3_last_insert_rowid(db_handle(db));
		for (int k = 0; rc == DB_OK && k < count[g]; k++) {
			int64_t uid = d->p[who[k]].id;
			db_bind_int(p, ":m", mid);
			db_bind_int(p, ":u", uid);
			if ((rc = db_exec_step(db, p)) != DB_OK)
				break;
			db_bind_int(u, ":now", now);
			db_bind_int(u, ":u", uid);
			if ((rc = db_exec_step(db, u)) != DB_OK)
				break;
			db_bind_int(o, ":e", OB_COFFEE_MATCHED);
			db_bind_int(o, ":u", uid);
			db_bind_int(o, ":m", mid);
			db_bind_int(o, ":now", now);
			rc = db_exec_step(db, o);
		}
	}
	free(members);
	free(count);
	return rc;
}

enum db_rc coffee_run_round(struct db *db, int64_t now, uint64_t seed, int on_demand,
			    struct coffee_round_result *out)
{
	memset(out, 0, sizeof(*out));
	enum db_rc rc = db_begin(db);
	if (rc != DB_OK)
		return rc;
	struct due_set d = {0};
	struct pairing_pair *recent = NULL;
	size_t nrecent = 0;
	int *group = NULL;
	long ngroups = 0;
	if ((rc = load_due(db, now, &d)) == DB_OK)
		rc = load_recent(db, &recent, &nrecent);
	if (rc == DB_OK) {
		group = malloc((d.n ? d.n : 1) * sizeof(*group));
		ngroups = group ? pairing_match(d.p, d.n, recent, nrecent, seed, group) : -1;
		if (ngroups < 0)
			rc = DB_ERR;
	}
	long matched = 0;
	for (size_t i = 0; rc == DB_OK && i < d.n; i++)
		matched += group[i] >= 0;
	sqlite3_stmt *st = rc == DB_OK ? DB_STMT(db, "INSERT INTO coffee_rounds(ran_at, on_demand, people, "
						     "matches) VALUES (:now, :d, :p, :m)")
				       : NULL;
	if (rc == DB_OK && !st)
		rc = DB_ERR;
	if (rc == DB_OK) {
		db_bind_int(st, ":now", now);
		db_bind_int(st, ":d", on_demand);
		db_bind_int(st, ":p", matched);
		db_bind_int(st, ":m", ngroups);
		rc = db_exec_step(db, st);
	}
	if (rc == DB_OK) {
		out->round_id = sqlite3_last_insert_rowid(db_handle(db));
		rc = write_round(db, out->round_id, now, &d, group, ngroups);
	}
	if (rc == DB_OK) {
		/* Those away skipped this round; the next one finds them. */
		st = DB_STMT(db, "UPDATE coffee_prefs SET skip_next = 0 WHERE skip_next = 1 AND opt_in = 1");
		rc = st ? db_exec_step(db, st) : DB_ERR;
	}
	out->people = (long)d.n;
	out->matches = ngroups;
	out->unmatched = (long)d.n - matched;
	free(d.p);
	free(d.team);
	free(recent);
	free(group);
	return db_end(db, rc);
}

void coffee_tick(struct db *db, int64_t now)
{
	int64_t last =
		db_scalar(db, "SELECT coalesce(max(ran_at), 0) FROM coffee_rounds WHERE on_demand = 0", -1);
	if (last < 0 || now - last < COFFEE_ROUND_EVERY)
		return;
	if (db_scalar(db, "SELECT count(*) FROM coffee_prefs WHERE opt_in = 1", 0) < 2)
		return;
	struct coffee_round_result r;
	uint64_t seed = (uint64_t)now * 6364136223846793005ULL + 1442695040888963407ULL;
	if (coffee_run_round(db, now, seed, 0, &r) != DB_OK)
		log_kv("error", "pairing round failed", LOG_END);
}

enum db_rc coffee_admin_counts(struct db *db, struct coffee_admin *a)
{
	memset(a, 0, sizeof(*a));
	/* The opted-in count reads the partial index; the rest a row per round. */
	sqlite3_stmt *st =
		DB_STMT(db, "SELECT (SELECT count(*) FROM coffee_prefs WHERE opt_in = 1), "
			    "count(*), coalesce(sum(matches), 0), coalesce(sum(met), 0) FROM coffee_rounds");
	if (!st)
		return DB_ERR;
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		a->opted_in = sqlite3_column_int64(st, 0);
		a->rounds = sqlite3_column_int64(st, 1);
		a->matches = sqlite3_column_int64(st, 2);
		a->met = sqlite3_column_int64(st, 3);
	}
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? DB_OK : db_rc_from(rc);
}

int coffee_outbox_facts(struct db *db, const struct outbox_row *r, struct outbox_facts *f)
{
	sqlite3_stmt *st =
		DB_STMT(db, "SELECT u.display_name, u.email, coalesce(pr.timezone, 'UTC'), m.topic, "
			    "(SELECT group_concat(o.display_name, ', ') FROM coffee_match_people x "
			    " JOIN users o ON o.id = x.user_id WHERE x.match_id = m.id AND x.user_id <> :u) "
			    "FROM coffee_match_people p JOIN coffee_matches m ON m.id = p.match_id "
			    "JOIN users u ON u.id = p.user_id AND u.active = 1 LEFT JOIN profiles pr ON "
			    "pr.user_id = u.id "
			    "WHERE p.match_id = :m AND p.user_id = :u");
	if (!st)
		return -1;
	db_bind_int(st, ":m", r->ref);
	db_bind_int(st, ":u", r->user_id);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		db_column_copy(st, 0, f->name, sizeof(f->name));
		db_column_copy(st, 1, f->email, sizeof(f->email));
		db_column_copy(st, 2, f->tz, sizeof(f->tz));
		db_column_copy(st, 3, f->topic, sizeof(f->topic));
		db_column_copy(st, 4, f->other_name, sizeof(f->other_name));
		f->coffee_match_id = r->ref;
	}
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}
