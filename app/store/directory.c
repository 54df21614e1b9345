#include "store/directory.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "store/record_line.h"
#include <sodium.h>

/* Both arguments are ",a,b,c," lists of small integers. */
static void overlap_fn(sqlite3_context *cx, int argc, sqlite3_value **argv)
{
	(void)argc;
	const char *focus = (const char *)sqlite3_value_text(argv[0]);
	const char *mine = (const char *)sqlite3_value_text(argv[1]);
	int n = 0;
	if (focus && mine && mine[0] == ',' && mine[1]) {
		const char *p = mine;
		while (p[0] == ',' && p[1]) {
			const char *end = strchr(p + 1, ',');
			if (!end)
				break;
			char item[32];
			size_t len = (size_t)(end - p) + 1;
			if (len < sizeof(item)) {
				memcpy(item, p, len);
				item[len] = '\0';
				n += strstr(focus, item) != NULL;
			}
			p = end;
		}
	}
	sqlite3_result_int(cx, n);
}

int directory_register(struct db *db)
{
	return sqlite3_create_function(db_handle(db), "topic_overlap", 2,
				       SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_DIRECTONLY, NULL,
				       overlap_fn, NULL, NULL);
}

static int64_t median_answer(struct db *db, int64_t mentor, int64_t now)
{
	sqlite3_stmt *st =
		DB_STMT(db, "SELECT answered_at - created_at FROM requests WHERE mentor_id = :m "
			    "AND status IN ('accepted', 'declined') AND answered_at > :since ORDER BY 1");
	if (!st)
		return -1;
	db_bind_int(st, ":m", mentor);
	db_bind_int(st, ":since", now - 90 * 86400);
	int64_t v[1024];
	int n = 0;
	while (n < 1024 && sqlite3_step(st) == SQLITE_ROW)
		v[n++] = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	if (n < 3)
		return -1;
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* A letter's place in the search order: a-z 1..26, the Latin-1 letters
 * (U+00C0..U+00FF, "é" is C3 A9) as their base letter, anything else 0.
 * *len gets how many bytes it took. */
static int search_letter(const unsigned char *p, int *len)
{
	static const char latin1[] = "aaaaaaaceeeeiiiidnooooo ouuuuytsaaaaaaaceeeeiiiidnooooo ouuuuyty";
	*len = 1;
	if ((*p | 0x20) >= 'a' && (*p | 0x20) <= 'z')
		return (*p | 0x20) - 'a' + 1;
	if (*p == 0xc3 && p[1] >= 0x80 && p[1] <= 0xbf) {
		*len = 2;
		char c = latin1[p[1] - 0x80];
		return c >= 'a' && c <= 'z' ? c - 'a' + 1 : 0;
	}
	while (*p >= 0x80 && (p[*len] & 0xc0) == 0x80)
		(*len)++;
	return 0;
}

int64_t directory_search_key(const char *name, int room, int64_t uid)
{
	uint64_t k = 0;
	const unsigned char *p = (const unsigned char *)name;
	for (int i = 0; i < 8; i++) {
		int len = 0, c = *p ? search_letter(p, &len) : 0;
		k = k * 27 + (uint64_t)c;
		p += *p ? len : 0;
	}
	/* 27^8 < 2^39: bits 23..61 hold the letters, 0..22 the id. */
	return (int64_t)(((uint64_t)!room << 62) | (k << 23) | ((uint64_t)uid & DIRECTORY_SEARCH_ID_MASK));
}

/* What a mentor's card row holds (but its version). */
struct card {
	int64_t uid;
	const char *name, *title, *team, *focus_names;
	int64_t cap, active;
	int formats;
	int64_t median; /* < 0: not enough answers yet */
	const char *search_text;
	int64_t search_key;
	const char *record_line; /* issue 19: "" unless the mentor shows it */
};

/* Bind a card's columns to the same-named parameters of st. */
static void bind_card(sqlite3_stmt *st, const struct card *c)
{
	db_bind_int(st, ":u", c->uid);
	db_bind_text(st, ":n", c->name);
	db_bind_text(st, ":t", c->title);
	db_bind_text(st, ":team", c->team);
	db_bind_text(st, ":f", c->focus_names);
	db_bind_int(st, ":c", c->cap);
	db_bind_int(st, ":a", c->active);
	db_bind_int(st, ":fm", c->formats);
	if (c->median >= 0)
		db_bind_int(st, ":med", c->median);
	else
		db_bind_null(st, ":med");
	db_bind_text(st, ":s", c->search_text);
	db_bind_int(st, ":sk", c->search_key);
	db_bind_text(st, ":rl", c->record_line);
}

/* Remove a mentor's card, its words from the search index and its
 * directory rows. */
static enum db_rc directory_drop(struct db *db, int64_t uid)
{
	sqlite3_stmt *st = DB_STMT(db, "DELETE FROM directory WHERE user_id = :u");
	if (!st)
		return DB_ERR;
	db_bind_int(st, ":u", uid);
	enum db_rc rc = db_exec_step(db, st);
	/* An external-content index forgets a row only when told its old
	 * text (sql/0011 says why this is not a trigger). */
	st = DB_STMT(db, "INSERT INTO mentor_search(mentor_search, rowid, name, focus_names, search_text) "
			 "SELECT 'delete', search_key, name, focus_names, search_text FROM mentor_cards "
			 "WHERE user_id = :u AND search_key IS NOT NULL");
	if (rc != DB_OK || !st)
		return rc != DB_OK ? rc : DB_ERR;
	db_bind_int(st, ":u", uid);
	rc = db_exec_step(db, st);
	st = DB_STMT(db, "DELETE FROM mentor_cards WHERE user_id = :u");
	if (rc != DB_OK || !st)
		return rc != DB_OK ? rc : DB_ERR;
	db_bind_int(st, ":u", uid);
	return db_exec_step(db, st);
}

enum db_rc directory_refresh(struct db *db, int64_t uid, int64_t now)
{
	sqlite3_stmt *st;
	enum db_rc rc;
	st = DB_STMT(
		db,
		"SELECT u.display_name, p.job_title, p.team, p.bio, p.capacity, p.formats, "
		"(SELECT count(*) FROM mentorships m WHERE m.mentor_id = u.id AND m.status = 'active'), "
		"(SELECT group_concat(t.name, ', ') FROM user_topics ut JOIN topics t ON t.id = ut.topic_id "
		"  WHERE ut.user_id = u.id AND ut.kind = 'focus'), "
		"(SELECT ',' || group_concat(ut.topic_id, ',') || ',' FROM user_topics ut "
		"  WHERE ut.user_id = u.id AND ut.kind = 'focus'), p.show_record "
		"FROM users u JOIN profiles p ON p.user_id = u.id WHERE u.id = :u AND u.active = 1 AND "
		"u.verified = 1 AND p.is_mentor = 1"); /* issue 16: unverified: not listed */
	if (!st)
		return DB_ERR;
	db_bind_int(st, ":u", uid);
	if (sqlite3_step(st) != SQLITE_ROW) {
		sqlite3_reset(st);
		return directory_drop(db, uid); /* not a mentor (any more): no rows */
	}
	char *name = strdup((const char *)sqlite3_column_text(st, 0));
	char *title = strdup((const char *)sqlite3_column_text(st, 1));
	char *team = strdup((const char *)sqlite3_column_text(st, 2));
	char *bio = strdup((const char *)sqlite3_column_text(st, 3));
	int64_t cap = sqlite3_column_int64(st, 4), active = sqlite3_column_int64(st, 6);
	int formats = sqlite3_column_int(st, 5);
	const unsigned char *fn = sqlite3_column_text(st, 7), *fi = sqlite3_column_text(st, 8);
	char *focus_names = strdup(fn ? (const char *)fn : "");
	char *focus_ids = strdup(fi ? (const char *)fi : ",");
	int show_record = sqlite3_column_int(st, 9);
	sqlite3_reset(st);
	/* issue 19: the record line, counted only for a mentor who shows it. */
	char record_line[120] = "";
	if (show_record && record_line_for(db, uid, record_line, sizeof(record_line)) != DB_OK) {
		free(name);
		free(title);
		free(team);
		free(bio);
		free(focus_names);
		free(focus_ids);
		return DB_ERR;
	}
	struct buf key = {0}, text = {0};
	for (const char *p = name; *p; p++)
		buf_append(&key, (char[]){(char)tolower((unsigned char)*p)}, 1);
	buf_printf(&text, "%s %s %s %s", name, title, bio, focus_names);
	for (size_t i = 0; i < text.len; i++)
		text.data[i] = (char)tolower((unsigned char)text.data[i]);
	int64_t med = median_answer(db, uid, now);
	int ntopics = 0;
	for (const char *p = focus_ids; *p; p++)
		ntopics += *p == ',' && p[1] != '\0';
	const struct card card = {uid,
				  name,
				  title,
				  team,
				  focus_names,
				  cap,
				  active,
				  formats,
				  med,
				  buf_str(&text),
				  directory_search_key(name, active < cap, uid),
				  record_line};
	/* Unchanged (the hourly rebuild, mostly): no write, and the card keeps
	 * its version, so no worker renders it again. */
	st = DB_STMT(
		db,
		"SELECT 1 FROM mentor_cards c WHERE c.user_id = :u AND c.name = :n "
		"AND c.job_title = :t AND c.team = :team AND c.focus_names = :f AND c.capacity = :c "
		"AND c.active = :a AND c.formats = :fm AND c.median_answer IS :med AND c.search_text = :s "
		"AND c.search_key IS :sk AND c.record_line = :rl "
		"AND (SELECT count(*) FROM directory d WHERE d.user_id = :u) = :rows "
		"AND NOT EXISTS (SELECT 1 FROM directory d WHERE d.user_id = :u AND (d.has_room <> :room "
		"OR d.name_key <> :k OR d.formats <> :fm OR d.focus_ids <> :ids OR d.version <> c.version))");
	int same = 0;
	if (st) {
		bind_card(st, &card);
		db_bind_int(st, ":rows", 1 + ntopics);
		db_bind_int(st, ":room", active < cap);
		db_bind_text(st, ":k", buf_str(&key));
		db_bind_text(st, ":ids", focus_ids);
		same = sqlite3_step(st) == SQLITE_ROW;
		sqlite3_reset(st);
	}
	rc = same ? DB_OK : directory_drop(db, uid);
	if (!same && rc == DB_OK) {
		int64_t version;
		randombytes_buf(&version, sizeof(version));
		version &= INT64_MAX;
		st = DB_STMT(
			db,
			"INSERT INTO mentor_cards(user_id, name, job_title, team, focus_names, "
			"capacity, active, formats, median_answer, search_text, search_key, version, "
			"record_line) VALUES (:u, :n, :t, :team, :f, :c, :a, :fm, :med, :s, :sk, :v, :rl)");
		if (st) {
			db_bind_int(st, ":v", version);
			bind_card(st, &card);
			rc = db_exec_step(db, st);
		} else {
			rc = DB_ERR;
		}
		st = DB_STMT(db, "INSERT INTO mentor_search(rowid, name, focus_names, search_text) "
				 "SELECT search_key, name, focus_names, search_text FROM mentor_cards WHERE "
				 "user_id = :u");
		if (rc == DB_OK && st) {
			db_bind_int(st, ":u", uid);
			rc = db_exec_step(db, st);
		} else if (rc == DB_OK) {
			rc = DB_ERR;
		}
		/* Topic 0 and each focus topic. */
		st = DB_STMT(db, "INSERT INTO directory(topic_id, user_id, has_room, name_key, formats, "
				 "focus_ids, version) SELECT 0, :u, :room, :k, :fm, :ids, :v UNION ALL "
				 "SELECT topic_id, :u, :room, :k, :fm, :ids, :v FROM user_topics "
				 "WHERE user_id = :u AND kind = 'focus'");
		if (rc == DB_OK && st) {
			db_bind_int(st, ":u", uid);
			db_bind_int(st, ":room", active < cap);
			db_bind_text(st, ":k", buf_str(&key));
			db_bind_int(st, ":fm", formats);
			db_bind_text(st, ":ids", focus_ids);
			db_bind_int(st, ":v", version);
			rc = db_exec_step(db, st);
		} else if (rc == DB_OK) {
			rc = DB_ERR;
		}
	}
	buf_free(&key);
	buf_free(&text);
	free(name);
	free(title);
	free(team);
	free(bio);
	free(focus_names);
	free(focus_ids);
	return rc;
}

/* Cards refreshed per write transaction by directory_rebuild: one
 * transaction for all 20,000 mentors of a 100,000-member program held the
 * write lock 1.2 s every hour, and every write waited for it. */
#define REBUILD_CHUNK 250

enum db_rc directory_rebuild(struct db *db, int64_t now)
{
	db_read_begin(db);
	sqlite3_stmt *st = DB_STMT(db, "SELECT user_id FROM profiles WHERE is_mentor = 1 "
				       "UNION SELECT user_id FROM mentor_cards");
	size_t n = 0, cap = 256;
	int64_t *ids = st ? malloc(cap * sizeof(*ids)) : NULL;
	if (!ids) {
		if (st)
			sqlite3_reset(st);
		db_read_end(db);
		return DB_ERR;
	}
	while (sqlite3_step(st) == SQLITE_ROW) {
		if (n == cap) {
			int64_t *more = realloc(ids, 2 * cap * sizeof(*ids));
			if (!more)
				break;
			ids = more;
			cap *= 2;
		}
		ids[n++] = sqlite3_column_int64(st, 0);
	}
	sqlite3_reset(st);
	db_read_end(db);
	/* Each card is refreshed from what its transaction reads, so a card
	 * changed between chunks is still written right. */
	enum db_rc rc = DB_OK;
	for (size_t i = 0; rc == DB_OK && i < n; i += REBUILD_CHUNK) {
		if ((rc = db_begin(db)) != DB_OK)
			break;
		for (size_t k = i; rc == DB_OK && k < n && k < i + REBUILD_CHUNK; k++)
			rc = directory_refresh(db, ids[k], now);
		rc = db_end(db, rc);
	}
	free(ids);
	if (rc != DB_OK)
		return rc;
	/* One segment again: every transaction that writes cards adds one to
	 * the full-text index, and a search reads each (23 after seeding
	 * 100,000 members: a found search cost three times as much). Only
	 * when there are several (%_idx has a row per leaf page of each
	 * segment): a rebuild that changed nothing writes nothing. */
	st = DB_STMT(db, "SELECT count(DISTINCT segid) > 1 FROM mentor_search_idx");
	int several = st && sqlite3_step(st) == SQLITE_ROW && sqlite3_column_int(st, 0);
	if (st)
		sqlite3_reset(st);
	if (!several)
		return DB_OK;
	if ((rc = db_begin(db)) != DB_OK)
		return rc;
	st = DB_STMT(db, "INSERT INTO mentor_search(mentor_search) VALUES ('optimize')");
	return db_end(db, st ? db_exec_step(db, st) : DB_ERR);
}

int64_t directory_median_answer(struct db *db, int64_t id)
{
	sqlite3_stmt *st =
		DB_STMT(db, "SELECT coalesce(median_answer, -1) FROM mentor_cards WHERE user_id = :u");
	int64_t v = -1;
	if (!st)
		return v;
	db_bind_int(st, ":u", id);
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return v;
}

enum db_rc directory_card(struct db *db, int64_t id, void (*fn)(void *arg, const struct directory_card *card),
			  void *arg)
{
	sqlite3_stmt *q = DB_STMT(
		db, "SELECT name, job_title, team, focus_names, capacity, active, formats, "
		    "coalesce(median_answer, -1), version, record_line FROM mentor_cards WHERE user_id = :u");
	if (!q)
		return DB_ERR;
	db_bind_int(q, ":u", id);
	if (sqlite3_step(q) != SQLITE_ROW) {
		sqlite3_reset(q);
		return DB_NOTFOUND;
	}
	struct directory_card c = {
		.id = id,
		.name = (const char *)sqlite3_column_text(q, 0),
		.job_title = (const char *)sqlite3_column_text(q, 1),
		.team = (const char *)sqlite3_column_text(q, 2),
		.focus = (const char *)sqlite3_column_text(q, 3),
		.capacity = sqlite3_column_int64(q, 4),
		.active = sqlite3_column_int64(q, 5),
		.formats = (unsigned)sqlite3_column_int(q, 6),
		.median_answer = sqlite3_column_int64(q, 7),
		.version = sqlite3_column_int64(q, 8),
		.record_line = (const char *)sqlite3_column_text(q, 9),
	};
	fn(arg, &c);
	sqlite3_reset(q);
	return DB_OK;
}

enum db_rc directory_topics(struct db *db, void (*fn)(void *arg, const struct directory_topic *t), void *arg)
{
	sqlite3_stmt *st =
		DB_STMT(db, "SELECT name, wanted, offered FROM topic_counts WHERE wanted + offered > 0 "
			    "ORDER BY wanted - offered DESC, wanted DESC, name LIMIT 60");
	if (!st)
		return DB_ERR;
	while (sqlite3_step(st) == SQLITE_ROW) {
		struct directory_topic t = {
			.name = (const char *)sqlite3_column_text(st, 0),
			.wanted = sqlite3_column_int64(st, 1),
			.offered = sqlite3_column_int64(st, 2),
		};
		fn(arg, &t);
	}
	sqlite3_reset(st);
	return DB_OK;
}
