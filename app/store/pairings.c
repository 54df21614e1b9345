#include "store/pairings.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/week.h"
#include "store/sealcol.h"
#include "store/insights.h"
#include "store/sealed.h"

int pairing_link_ok(const char *s)
{
	size_t skip = strncmp(s, "https://", 8) == 0 ? 8 : strncmp(s, "http://", 7) == 0 ? 7 : 0;
	if (!skip || strlen(s) > PAIRING_LINK_MAX)
		return 0;
	/* A host: something before the path, and no userinfo trick. */
	if (!s[skip] || s[skip] == '/' || s[skip] == '.' || s[skip] == ':')
		return 0;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if (*p <= 0x20 || *p == 0x7f || *p == '"' || *p == '<' || *p == '>' || *p == '\\')
			return 0;
	const char *host_end = s + skip + strcspn(s + skip, "/?#");
	const char *at = memchr(s + skip, '@', (size_t)(host_end - (s + skip)));
	return at == NULL;
}

static int active_member(struct db *db, int64_t id, enum db_rc *err)
{
	sqlite3_stmt *st = DB_STMT(db, "SELECT 1 FROM users WHERE id = :id AND active = 1 AND verified = 1");
	if (!st) {
		*err = DB_ERR;
		return 0;
	}
	db_bind_int(st, ":id", id);
	int rc = sqlite3_step(st);
	sqlite3_reset(st);
	*err = rc == SQLITE_ROW || rc == SQLITE_DONE ? DB_OK : db_rc_from(rc);
	return rc == SQLITE_ROW;
}

/* Insert a pairing in the caller's transaction and seal its notes for its
 * new id and its two people. */
static enum db_rc insert(struct db *db, int64_t author, const struct pairing_new *p, const char *status,
			 const char *origin, int64_t now, int64_t *id)
{
	sqlite3_stmt *st = DB_STMT(db, "INSERT INTO pairings(author_id, partner_id, held_on, duration_min, "
				       "topic, link, labels, status, origin, created_at, answered_at) "
				       "VALUES (:a, :p, :d, :m, :t, :l, :lb, :s, :o, :now, "
				       "CASE WHEN :s = 'confirmed' THEN :now END)");
	if (!st)
		return DB_ERR;
	db_bind_int(st, ":a", author);
	db_bind_int(st, ":p", p->partner_id);
	db_bind_text(st, ":d", p->held_on);
	db_bind_int(st, ":m", p->duration_min);
	db_bind_text(st, ":t", p->topic);
	db_bind_text(st, ":l", p->link ? p->link : "");
	db_bind_text(st, ":lb", p->labels ? p->labels : "");
	db_bind_text(st, ":s", status);
	db_bind_text(st, ":o", origin);
	db_bind_int(st, ":now", now);
	enum db_rc rc = db_exec_step(db, st);
	if (rc != DB_OK)
		return rc;
	int64_t rid = sqlite3_last_insert_rowid(db_handle(db));
	if (id)
		*id = rid;
	/* issue 19: the program's figures move with it, in this transaction:
	 * one pairing session led by the author, the partner took part. */
	rc = insight_session(db, author, "pairing", 1, p->duration_min, p->held_on);
	if (rc == DB_OK)
		rc = insight_touch(db, p->partner_id, INSIGHT_MENTEE, p->held_on);
	if (rc != DB_OK)
		return rc;
	if (!p->notes || !*p->notes)
		return DB_OK;
	st = DB_STMT(db, "UPDATE pairings SET notes = :n WHERE id = :id");
	if (!st)
		return DB_ERR;
	const struct sealed_col *sc = &sealed_cols[SEALED_PAIRING_NOTES];
	char row[SEALED_ROW_MAX];
	const int64_t who[3] = {author, p->partner_id, 0};
	sealed_row(SEALED_PAIRING_NOTES, rid, 0, who, row, sizeof(row));
	if (sealcol_bind(st, ":n", sc->table, sc->column, row, p->notes) != 0) {
		sqlite3_reset(st);
		return DB_ERR;
	}
	db_bind_int(st, ":id", rid);
	return db_exec_step(db, st);
}

enum pairing_rc pairing_create(struct db *db, int64_t uid, const struct pairing_new *p, int64_t now,
			       int64_t *id)
{
	enum db_rc began = db_begin(db);
	if (began != DB_OK)
		return (enum pairing_rc)db_failure(began);
	enum db_rc rc = DB_OK;
	if (p->partner_id == uid || !active_member(db, p->partner_id, &rc)) {
		db_rollback(db);
		if (rc != DB_OK)
			return (enum pairing_rc)db_failure(rc);
		return PAIRING_NO_PARTNER;
	}
	rc = insert(db, uid, p, "logged", "logged", now, id);
	if ((rc = db_end(db, rc)) != DB_OK)
		return (enum pairing_rc)db_failure(rc);
	return PAIRING_OK;
}

enum db_rc pairing_record_met(struct db *db, int64_t a, int64_t b, const char *held_on, int64_t now,
			      int64_t *id)
{
	if (a == b)
		return DB_CONFLICT;
	struct pairing_new p = {
		.partner_id = b, .held_on = held_on, .duration_min = 30, .topic = "Coffee pairing"};
	return insert(db, a, &p, "confirmed", "coffee", now, id);
}

enum pairing_rc pairing_answer(struct db *db, int64_t id, int64_t uid, int confirm, int64_t now)
{
	enum db_rc began = db_begin(db);
	if (began != DB_OK)
		return (enum pairing_rc)db_failure(began);
	sqlite3_stmt *st = DB_STMT(db, "SELECT author_id = :u, status, author_id, duration_min, held_on "
				       "FROM pairings WHERE id = :id AND :u IN (author_id, partner_id)");
	if (!st) {
		db_rollback(db);
		return PAIRING_DB_ERR;
	}
	db_bind_int(st, ":id", id);
	db_bind_int(st, ":u", uid);
	int rc = sqlite3_step(st);
	int author = rc == SQLITE_ROW && sqlite3_column_int(st, 0);
	char status[16] = "", held_on[11] = "";
	int64_t author_id = 0;
	int minutes = 0;
	if (rc == SQLITE_ROW) {
		db_column_copy(st, 1, status, sizeof(status));
		author_id = sqlite3_column_int64(st, 2);
		minutes = sqlite3_column_int(st, 3);
		db_column_copy(st, 4, held_on, sizeof(held_on));
	}
	sqlite3_reset(st);
	if (rc != SQLITE_ROW) {
		db_rollback(db);
		if (rc == SQLITE_DONE)
			return PAIRING_NOTFOUND;
		return (enum pairing_rc)db_failure(db_rc_from(rc));
	}
	int allowed = confirm ? !author && strcmp(status, "logged") == 0 : strcmp(status, "removed") != 0;
	if (!allowed) {
		db_rollback(db);
		return PAIRING_STATE;
	}
	st = DB_STMT(db, "UPDATE pairings SET status = :s, answered_at = :now WHERE id = :id");
	if (!st) {
		db_rollback(db);
		return PAIRING_DB_ERR;
	}
	db_bind_text(st, ":s", confirm ? "confirmed" : "removed");
	db_bind_int(st, ":now", now);
	db_bind_int(st, ":id", id);
	enum db_rc w = db_exec_step(db, st);
	/* issue 19: "this did not happen" takes the session back out of the
	 * program's figures (the partner's week of taking part stays: it
	 * is a count of people, kept once). */
	if (w == DB_OK && !confirm)
		w = insight_session(db, author_id, "pairing", -1, -minutes, held_on);
	w = db_end(db, w);
	if (w != DB_OK)
		return (enum pairing_rc)db_failure(w);
	return PAIRING_OK;
}

static void read_row(sqlite3_stmt *st, int64_t uid, struct pairing_row *r)
{
	int64_t author = sqlite3_column_int64(st, 1), partner = sqlite3_column_int64(st, 2);
	r->id = sqlite3_column_int64(st, 0);
	r->i_author = author == uid;
	r->other_id = r->i_author ? partner : author;
	r->held_on = (const char *)sqlite3_column_text(st, 3);
	r->duration_min = sqlite3_column_int(st, 4);
	r->topic = (const char *)sqlite3_column_text(st, 5);
	r->link = (const char *)sqlite3_column_text(st, 6);
	r->labels = (const char *)sqlite3_column_text(st, 7);
	r->status = (const char *)sqlite3_column_text(st, 8);
	r->other_name = (const char *)sqlite3_column_text(st, 9);
}

enum db_rc pairing_list(struct db *db, int64_t uid, const struct pairing_key *after,
			void (*fn)(void *arg, const struct pairing_row *r), void *arg,
			struct pairing_key *next)
{
	/* Each half reads one side's index from the key down, at most a page. */
	sqlite3_stmt *st = DB_STMT(
		db,
		"SELECT x.id, x.author_id, x.partner_id, x.held_on, x.duration_min, x.topic, x.link, "
		"x.labels, x.status, u.display_name FROM ("
		"SELECT * FROM (SELECT id, author_id, partner_id, held_on, duration_min, topic, link, "
		"labels, "
		"status, partner_id AS other FROM pairings WHERE author_id = :u AND "
		"(held_on, id) < (:d, :id) ORDER BY held_on DESC, id DESC LIMIT :n) "
		"UNION ALL SELECT * FROM (SELECT id, author_id, partner_id, held_on, duration_min, topic, "
		"link, labels, status, author_id FROM pairings WHERE partner_id = :u AND "
		"(held_on, id) < (:d, :id) ORDER BY held_on DESC, id DESC LIMIT :n)) x "
		"JOIN users u ON u.id = x.other ORDER BY x.held_on DESC, x.id DESC LIMIT :n");
	if (!st)
		return DB_ERR;
	int top = !after || !after->held_on[0];
	db_bind_int(st, ":u", uid);
	/* The top is a key above every row: one range read either way. */
	db_bind_text(st, ":d", top ? "9999-12-31" : after->held_on);
	db_bind_int(st, ":id", top ? INT64_MAX : after->id);
	db_bind_int(st, ":n", PAIRING_LIST_MAX + 1);
	memset(next, 0, sizeof(*next));
	int rc, n = 0;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (n == PAIRING_LIST_MAX)
			break;
		struct pairing_row r;
		read_row(st, uid, &r);
		fn(arg, &r);
		snprintf(next->held_on, sizeof(next->held_on), "%s", r.held_on ? r.held_on : "");
		next->id = r.id;
		n++;
	}
	int more = rc == SQLITE_ROW;
	sqlite3_reset(st);
	if (!more)
		memset(next, 0, sizeof(*next));
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? DB_OK : DB_ERR;
}

enum db_rc pairing_get(struct db *db, int64_t id, int64_t uid,
		       void (*fn)(void *arg, const struct pairing_row *r), void *arg, struct buf *notes)
{
	sqlite3_stmt *st = DB_STMT(
		db, "SELECT p.id, p.author_id, p.partner_id, p.held_on, p.duration_min, p.topic, p.link, "
		    "p.labels, p.status, u.display_name, p.notes, '' FROM pairings p JOIN users u ON u.id = "
		    "CASE WHEN p.author_id = :u THEN p.partner_id ELSE p.author_id END "
		    "WHERE p.id = :id AND :u IN (p.author_id, p.partner_id)");
	if (!st)
		return DB_ERR;
	db_bind_int(st, ":id", id);
	db_bind_int(st, ":u", uid);
	int rc = sqlite3_step(st);
	if (rc != SQLITE_ROW) {
		sqlite3_reset(st);
		return rc == SQLITE_DONE ? DB_NOTFOUND : db_rc_from(rc);
	}
	const int64_t who[3] = {sqlite3_column_int64(st, 1), sqlite3_column_int64(st, 2), 0};
	int opened = sealed_open(st, 10, 11, SEALED_PAIRING_NOTES, id, 0, who, notes);
	struct pairing_row r;
	read_row(st, uid, &r);
	fn(arg, &r);
	sqlite3_reset(st);
	return opened == 0 ? DB_OK : DB_ERR;
}

enum db_rc pairing_member_name(struct db *db, int64_t id, char *name, size_t n)
{
	name[0] = '\0';
	sqlite3_stmt *st =
		DB_STMT(db, "SELECT display_name FROM users WHERE id = :id AND active = 1 AND verified = 1");
	if (!st)
		return DB_ERR;
	db_bind_int(st, ":id", id);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		db_column_copy(st, 0, name, n);
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? DB_OK : rc == SQLITE_DONE ? DB_NOTFOUND : db_rc_from(rc);
}

#define SUGGEST_TOPICS 12
#define SUGGEST_POSTINGS 200
#define SUGGEST_RECENT 200

static int cmp_id(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return (x > y) - (x < y);
}

struct cand {
	int64_t id;
	int overlap;
};

static int by_overlap(const void *a, const void *b)
{
	const struct cand *x = a, *y = b;
	if (x->overlap != y->overlap)
		return y->overlap - x->overlap;
	return (x->id > y->id) - (x->id < y->id);
}

/* Read up to max ids of one integer column from st (bound by the caller). */
static int read_ids(sqlite3_stmt *st, int64_t *out, int max, int *n)
{
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW && *n < max)
		out[(*n)++] = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : -1;
}

enum db_rc pairing_suggest(struct db *db, int64_t uid, int64_t today, int max,
			   void (*fn)(void *arg, const struct pairing_suggestion *s), void *arg)
{
	int64_t topics[SUGGEST_TOPICS];
	int nt = 0;
	/* My focus areas match others' interests; with none, my interests
	 * match others' focus areas (who could teach me). */
	sqlite3_stmt *st = DB_STMT(db, "SELECT topic_id FROM user_topics WHERE user_id = :u AND kind = :k");
	if (!st)
		return DB_ERR;
	const char *mine = "focus", *theirs = "interest";
	db_bind_int(st, ":u", uid);
	db_bind_text(st, ":k", mine);
	if (read_ids(st, topics, SUGGEST_TOPICS, &nt) != 0)
		return DB_ERR;
	if (nt == 0) {
		mine = "interest";
		theirs = "focus";
		db_bind_int(st, ":u", uid);
		db_bind_text(st, ":k", mine);
		if (read_ids(st, topics, SUGGEST_TOPICS, &nt) != 0)
			return DB_ERR;
	}
	if (nt == 0)
		return DB_OK;
	/* Whom I paired with in the last 4 weeks (both sides' indexes by day). */
	static int64_t recent[SUGGEST_RECENT];
	int nr = 0;
	char since[16];
	week_ymd(today - 28, since, sizeof(since));
	st = DB_STMT(db,
		     "SELECT partner_id FROM pairings WHERE author_id = :u AND held_on >= :d "
		     "AND status <> 'removed' UNION ALL SELECT author_id FROM pairings WHERE partner_id = :u "
		     "AND held_on >= :d AND status <> 'removed' LIMIT :n");
	if (!st)
		return DB_ERR;
	db_bind_int(st, ":u", uid);
	db_bind_text(st, ":d", since);
	db_bind_int(st, ":n", SUGGEST_RECENT);
	if (read_ids(st, recent, SUGGEST_RECENT, &nr) != 0)
		return DB_ERR;
	qsort(recent, (size_t)nr, sizeof(recent[0]), cmp_id);
	static int64_t post[SUGGEST_TOPICS * SUGGEST_POSTINGS];
	int np = 0;
	st = DB_STMT(db,
		     "SELECT user_id FROM user_topics WHERE topic_id = :t AND kind = :k AND user_id <> :u "
		     "LIMIT :n");
	if (!st)
		return DB_ERR;
	for (int i = 0; i < nt; i++) {
		int before = np;
		db_bind_int(st, ":t", topics[i]);
		db_bind_text(st, ":k", theirs);
		db_bind_int(st, ":u", uid);
		db_bind_int(st, ":n", SUGGEST_POSTINGS);
		int got = 0;
		if (read_ids(st, post + before, SUGGEST_POSTINGS, &got) != 0)
			return DB_ERR;
		np = before + got;
	}
	qsort(post, (size_t)np, sizeof(post[0]), cmp_id);
	static struct cand cands[SUGGEST_TOPICS * SUGGEST_POSTINGS];
	int nc = 0;
	for (int i = 0; i < np;) {
		int j = i;
		while (j < np && post[j] == post[i])
			j++;
		if (!bsearch(&post[i], recent, (size_t)nr, sizeof(recent[0]), cmp_id))
			cands[nc++] = (struct cand){post[i], j - i};
		i = j;
	}
	qsort(cands, (size_t)nc, sizeof(cands[0]), by_overlap);
	int shown = 0;
	for (int i = 0; i < nc && shown < max; i++) {
		char name[400];
		enum db_rc r = pairing_member_name(db, cands[i].id, name, sizeof(name));
		if (r == DB_NOTFOUND)
			continue;
		if (r != DB_OK)
			return r;
		struct pairing_suggestion s = {cands[i].id, cands[i].overlap, name};
		fn(arg, &s);
		shown++;
	}
	return DB_OK;
}
