#include "store/profiles.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "core/utf8.h"
#include "store/directory.h"

unsigned format_bit(const char *name)
{
	for (int i = 0; i < FORMAT_COUNT; i++)
		if (strcmp(format_names[i], name) == 0)
			return 1u << i;
	return 0;
}

const char *format_label(const char *name)
{
	for (int i = 0; i < FORMAT_COUNT; i++)
		if (strcmp(format_names[i], name) == 0)
			return format_labels[i];
	return name;
}

void format_list(unsigned bits, struct buf *out)
{
	int first = 1;
	for (int i = 0; i < FORMAT_COUNT; i++) {
		if (!(bits & (1u << i)))
			continue;
		if (!first)
			buf_puts(out, ", ");
		buf_puts(out, format_labels[i]);
		first = 0;
	}
}

static enum db_rc topic_list(struct db *db, int64_t uid, const char *kind, char *out, size_t n)
{
	sqlite3_stmt *st =
		DB_STMT(db, "SELECT group_concat(t.name, ', ') FROM user_topics ut "
			    "JOIN topics t ON t.id = ut.topic_id WHERE ut.user_id = :u AND ut.kind = :k");
	if (!st)
		return DB_ERR;
	db_bind_int(st, ":u", uid);
	db_bind_text(st, ":k", kind);
	out[0] = '\0';
	if (sqlite3_step(st) == SQLITE_ROW)
		db_column_copy(st, 0, out, n);
	sqlite3_reset(st);
	return DB_OK;
}

enum db_rc profile_get(struct db *db, int64_t uid, struct profile *p)
{
	memset(p, 0, sizeof(*p));
	sqlite3_stmt *st = DB_STMT(
		db, "SELECT team, job_title, timezone, bio, is_mentor, capacity, formats, pairing_goal "
		    "FROM profiles WHERE user_id = :u");
	if (!st)
		return DB_ERR;
	db_bind_int(st, ":u", uid);
	if (sqlite3_step(st) != SQLITE_ROW) {
		sqlite3_reset(st);
		return DB_NOTFOUND;
	}
	db_column_copy(st, 0, p->team, sizeof(p->team));
	db_column_copy(st, 1, p->job_title, sizeof(p->job_title));
	db_column_copy(st, 2, p->timezone, sizeof(p->timezone));
	db_column_copy(st, 3, p->bio, sizeof(p->bio));
	p->is_mentor = sqlite3_column_int(st, 4);
	p->capacity = sqlite3_column_int(st, 5);
	p->formats = (unsigned)sqlite3_column_int(st, 6);
	p->pairing_goal = sqlite3_column_int(st, 7);
	sqlite3_reset(st);
	topic_list(db, uid, "interest", p->interests, sizeof(p->interests));
	return topic_list(db, uid, "focus", p->focus, sizeof(p->focus));
}

int topics_split(const char *list, char names[TOPICS_MAX][TOPIC_MAX_CHARS * 4 + 1], const char **why)
{
	int n = 0;
	const char *p = list;
	*why = NULL;
	while (*p) {
		const char *comma = strchr(p, ',');
		size_t len = comma ? (size_t)(comma - p) : strlen(p);
		char tmp[TOPIC_MAX_CHARS * 4 + 64];
		size_t o = 0;
		int space = 0;
		for (size_t i = 0; i < len; i++) {
			unsigned char c = (unsigned char)p[i];
			if (isspace(c)) {
				space = o > 0;
				continue;
			}
			if (o + 6 >= sizeof(tmp)) {
				*why = "Each topic can be at most 40 characters.";
				return -1;
			}
			if (space)
				tmp[o++] = ' ';
			space = 0;
			tmp[o++] = (char)c;
		}
		tmp[o] = '\0';
		p += len + (comma != NULL);
		if (o == 0)
			continue;
		if (utf8_len(tmp) > TOPIC_MAX_CHARS) {
			*why = "Each topic can be at most 40 characters.";
			return -1;
		}
		int dup = 0;
		for (int k = 0; k < n && !dup; k++)
			dup = strcasecmp(names[k], tmp) == 0;
		if (dup)
			continue;
		if (n == TOPICS_MAX) {
			*why = "List at most 12 topics.";
			return -1;
		}
		if (o > TOPIC_MAX_CHARS * 4) { /* cannot happen for 40 characters of UTF-8 */
			*why = "Each topic can be at most 40 characters.";
			return -1;
		}
		memcpy(names[n++], tmp, o + 1);
	}
	return n;
}

/* Case-insensitive for ASCII; other scripts compare as typed. */
static void topic_key(const char *name, char *key, size_t n)
{
	size_t i = 0;
	for (; name[i] && i + 1 < n; i++)
		key[i] = (char)tolower((unsigned char)name[i]);
	key[i] = '\0';
}

enum db_rc topic_id(struct db *db, const char *name, int create, int64_t *id)
{
	char key[256];
	topic_key(name, key, sizeof(key));
	if (create) {
		sqlite3_stmt *ins = DB_STMT(db, "INSERT INTO topics(name, key) VALUES (:n, :k) "
						"ON CONFLICT(key) DO NOTHING");
		if (!ins)
			return DB_ERR;
		db_bind_text(ins, ":n", name);
		db_bind_text(ins, ":k", key);
		enum db_rc rc = db_exec_step(db, ins);
		if (rc != DB_OK)
			return rc;
	}
	sqlite3_stmt *st = DB_STMT(db, "SELECT id FROM topics WHERE key = :k");
	if (!st)
		return DB_ERR;
	db_bind_text(st, ":k", key);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*id = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? DB_OK : rc == SQLITE_DONE ? DB_NOTFOUND : db_rc_from(rc);
}

static enum db_rc replace_topics(struct db *db, int64_t uid, const char *kind, const char *list)
{
	sqlite3_stmt *del = DB_STMT(db, "DELETE FROM user_topics WHERE user_id = :u AND kind = :k");
	if (!del)
		return DB_ERR;
	db_bind_int(del, ":u", uid);
	db_bind_text(del, ":k", kind);
	enum db_rc rc = db_exec_step(db, del);
	char names[TOPICS_MAX][TOPIC_MAX_CHARS * 4 + 1];
	const char *why;
	int n = topics_split(list, names, &why);
	for (int i = 0; rc == DB_OK && i < n; i++) {
		int64_t tid = 0;
		rc = topic_id(db, names[i], 1, &tid);
		if (rc != DB_OK)
			break;
		sqlite3_stmt *ins = DB_STMT(db, "INSERT OR IGNORE INTO user_topics(user_id, kind, topic_id) "
						"VALUES (:u, :k, :t)");
		if (!ins)
			return DB_ERR;
		db_bind_int(ins, ":u", uid);
		db_bind_text(ins, ":k", kind);
		db_bind_int(ins, ":t", tid);
		rc = db_exec_step(db, ins);
	}
	return rc;
}

enum db_rc profile_save(struct db *db, int64_t uid, const char *display_name, const struct profile *p,
			int64_t now)
{
	sqlite3_stmt *st =
		DB_STMT(db, "UPDATE profiles SET team = :team, job_title = :title, timezone = :tz, "
			    "bio = :bio, is_mentor = :m, capacity = :cap, formats = :f, pairing_goal = :pg, "
			    "updated_at = :now "
			    "WHERE user_id = :u");
	if (!st)
		return DB_ERR;
	db_bind_text(st, ":team", p->team);
	db_bind_text(st, ":title", p->job_title);
	db_bind_text(st, ":tz", p->timezone);
	db_bind_text(st, ":bio", p->bio);
	db_bind_int(st, ":m", p->is_mentor);
	db_bind_int(st, ":cap", p->capacity);
	db_bind_int(st, ":f", p->formats);
	db_bind_int(st, ":pg", p->pairing_goal);
	db_bind_int(st, ":now", now);
	db_bind_int(st, ":u", uid);
	enum db_rc rc = db_exec_step(db, st);
	if (rc == DB_OK) {
		sqlite3_stmt *u = DB_STMT(db, "UPDATE users SET display_name = :n WHERE id = :u");
		if (!u)
			return DB_ERR;
		db_bind_text(u, ":n", display_name);
		db_bind_int(u, ":u", uid);
		rc = db_exec_step(db, u);
	}
	if (rc == DB_OK)
		rc = replace_topics(db, uid, "interest", p->interests);
	if (rc == DB_OK)
		rc = replace_topics(db, uid, "focus", p->is_mentor ? p->focus : "");
	if (rc == DB_OK)
		rc = directory_refresh(db, uid, now);
	return rc;
}

void profile_timezone(struct db *db, int64_t uid, char *out, size_t n)
{
	snprintf(out, n, "UTC");
	sqlite3_stmt *st = DB_STMT(db, "SELECT timezone FROM profiles WHERE user_id = :u");
	if (!st)
		return;
	db_bind_int(st, ":u", uid);
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
		snprintf(out, n, "%s", (const char *)sqlite3_column_text(st, 0));
	sqlite3_reset(st);
}

enum db_rc profile_update(struct db *db, int64_t user_id, const char *display_name, const struct profile *p,
			  int64_t now)
{
	enum db_rc rc = db_begin(db);
	if (rc != DB_OK)
		return rc;
	return db_end(db, profile_save(db, user_id, display_name, p, now));
}

void topics_popular(struct db *db, int max, void (*fn)(void *arg, const char *name), void *arg)
{
	sqlite3_stmt *st =
		DB_STMT(db, "SELECT t.name FROM topics t LEFT JOIN user_topics ut ON ut.topic_id = t.id "
			    "GROUP BY t.id ORDER BY count(ut.user_id) DESC, t.name LIMIT :max");
	if (!st)
		return;
	db_bind_int(st, ":max", max);
	while (sqlite3_step(st) == SQLITE_ROW)
		fn(arg, (const char *)sqlite3_column_text(st, 0));
	sqlite3_reset(st);
}

enum db_rc profile_mentor_public(struct db *db, int64_t id,
				 void (*fn)(void *arg, const struct mentor_public *m), void *arg)
{
	sqlite3_stmt *st = DB_STMT(
		db,
		"SELECT u.display_name, p.job_title, p.team, p.timezone, p.bio, "
		"p.capacity, p.formats FROM users u JOIN profiles p ON p.user_id = u.id "
		"WHERE u.id = :id AND u.active = 1 AND u.verified = 1 AND p.is_mentor = 1"); /* issue 16 */
	if (!st)
		return DB_ERR;
	db_bind_int(st, ":id", id);
	if (sqlite3_step(st) != SQLITE_ROW) {
		sqlite3_reset(st);
		return DB_NOTFOUND;
	}
	struct mentor_public m = {
		.id = id,
		.name = (const char *)sqlite3_column_text(st, 0),
		.job_title = (const char *)sqlite3_column_text(st, 1),
		.team = (const char *)sqlite3_column_text(st, 2),
		.timezone = (const char *)sqlite3_column_text(st, 3),
		.bio = (const char *)sqlite3_column_text(st, 4),
		.capacity = sqlite3_column_int64(st, 5),
		.formats = (unsigned)sqlite3_column_int(st, 6),
	};
	fn(arg, &m);
	sqlite3_reset(st);
	return DB_OK;
}
