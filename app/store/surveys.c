#include "store/surveys.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/buf.h"
#include "core/log.h"
#include "security/seal.h"
#include "store/sealed.h"

#define RID_BYTES 16

enum db_rc survey_invite_pair(struct db *db, int64_t mentorship_id)
{
	/* UNIQUE (survey_id, user_id): a pair that meets again is not asked
	 * again, so nobody can be made to answer the same survey twice. */
	sqlite3_stmt *st = DB_STMT(
		db, "INSERT OR IGNORE INTO survey_invitations(survey_id, user_id, mentorship_id, role) "
		    "SELECT s.id, p.uid, m.id, p.role FROM mentorships m "
		    "JOIN (SELECT mentor_id AS uid, 'mentor' AS role, id FROM mentorships "
		    "      UNION ALL SELECT mentee_id, 'mentee', id FROM mentorships) p ON p.id = m.id "
		    "JOIN surveys s ON s.status = 'open' AND s.audience IN (p.role, 'both') "
		    "WHERE m.id = :m");
	if (!st)
		return DB_ERR;
	db_bind_int(st, ":m", mentorship_id);
	return db_exec_step(db, st);
}

enum db_rc survey_invitation_for(struct db *db, int64_t id, int64_t uid, struct invitation *inv)
{
	sqlite3_stmt *st =
		DB_STMT(db, "SELECT i.id, i.survey_id, s.title, i.role, i.answered, s.status "
			    "FROM survey_invitations i "
			    "JOIN surveys s ON s.id = i.survey_id WHERE i.id = :id AND i.user_id = :u");
	if (!st)
		return DB_ERR;
	db_bind_int(st, ":id", id);
	db_bind_int(st, ":u", uid);
	int rc = sqlite3_step(st);
	if (rc != SQLITE_ROW) {
		sqlite3_reset(st);
		return rc == SQLITE_DONE ? DB_NOTFOUND : db_rc_from(rc);
	}
	inv->id = sqlite3_column_int64(st, 0);
	inv->survey_id = sqlite3_column_int64(st, 1);
	db_column_copy(st, 2, inv->title, sizeof(inv->title));
	db_column_copy(st, 3, inv->role, sizeof(inv->role));
	inv->answered = sqlite3_column_int(st, 4);
	db_column_copy(st, 5, inv->status, sizeof(inv->status));
	sqlite3_reset(st);
	return DB_OK;
}

int survey_questions(struct db *db, int64_t survey_id, struct question *q, int max)
{
	sqlite3_stmt *st =
		DB_STMT(db, "SELECT id, kind, prompt, low_label, high_label, choices, max_len, required "
			    "FROM survey_questions WHERE survey_id = :s ORDER BY position, id");
	if (!st)
		return -1;
	db_bind_int(st, ":s", survey_id);
	int n = 0;
	while (n < max && sqlite3_step(st) == SQLITE_ROW) {
		q[n].id = sqlite3_column_int64(st, 0);
		db_column_copy(st, 1, q[n].kind, sizeof(q[n].kind));
		db_column_copy(st, 2, q[n].prompt, sizeof(q[n].prompt));
		db_column_copy(st, 3, q[n].low, sizeof(q[n].low));
		db_column_copy(st, 4, q[n].high, sizeof(q[n].high));
		db_column_copy(st, 5, q[n].choices, sizeof(q[n].choices));
		q[n].max_len = sqlite3_column_int(st, 6);
		q[n].required = sqlite3_column_int(st, 7);
		n++;
	}
	sqlite3_reset(st);
	return n;
}

int survey_choices(const char *choices, char *buf, size_t n, const char *out[SURVEY_MAX_CHOICES])
{
	str_copy(buf, n, choices);
	int k = 0;
	char *save = NULL;
	for (char *p = strtok_r(buf, "\n", &save); p && k < SURVEY_MAX_CHOICES;
	     p = strtok_r(NULL, "\n", &save))
		out[k++] = p;
	return k;
}

/* The pool's plain text, before sealing: netstrings ("5:hello"), first
 * role, quarter and team, then per answer its question id, its kind (r,
 * c or t) and its value. Lengths make any text safe to carry. */
static void put_ns(struct buf *b, const char *s)
{
	buf_put_u64(b, strlen(s));
	buf_puts(b, ":");
	buf_puts(b, s);
}

/* Read one netstring of p[*at..len) into out (NUL-terminated); -1 when
 * malformed. */
static int get_ns(const char *p, size_t len, size_t *at, struct buf *out)
{
	size_t n = 0, i = *at;
	while (i < len && p[i] >= '0' && p[i] <= '9' && n < 1000000)
		n = n * 10 + (size_t)(p[i++] - '0');
	if (i == *at || i >= len || p[i] != ':' || len - i - 1 < n)
		return -1;
	buf_reset(out);
	if (buf_append(out, p + i + 1, n) != 0 && n)
		return -1;
	*at = i + 1 + n;
	return 0;
}

/* Review J: a sealed value's length is its plain text's plus a constant,
 * and a pool answer's plain text (role, quarter, team, each answer) is
 * what its released response shows: someone with two backups around one
 * answer, and one after its batch, matched the lengths and so the person
 * to their response, comment included. Every answer to a survey is
 * sealed at one length: 'P', the netstrings, 0x80, then zeros up to
 * POOL_PAD_TO(the longest answer its questions allow). */
#define POOL_PAD_UNIT 256
#define NS_MAX(n) ((size_t)(n) + 8) /* a netstring of at most n bytes: its length's digits, ':' */

/* The longest plain text an answer to survey s can have; 0 on error. */
static size_t pool_bound(struct db *db, int64_t survey)
{
	sqlite3_stmt *st =
		DB_STMT(db, "SELECT kind, max_len, choices FROM survey_questions WHERE survey_id = :s");
	if (!st)
		return 0;
	db_bind_int(st, ":s", survey);
	/* role, quarter and team (a team name is at most 243 bytes here) */
	size_t n = 1 + NS_MAX(8) + NS_MAX(8) + NS_MAX(243);
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *kind = (const char *)sqlite3_column_text(st, 0);
		size_t value = 2; /* a rating */
		if (kind && strcmp(kind, "text") == 0) {
			int max = sqlite3_column_int(st, 1);
			if (max <= 0 ||
			    max > SURVEY_TEXT_MAX) /* none written by the builder; bound it anyway */
				max = SURVEY_TEXT_MAX;
			value = 4 * (size_t)max; /* characters, 4 bytes at most each */
		} else if (kind && strcmp(kind, "choice") == 0) {
			const char *c = (const char *)sqlite3_column_text(st, 2);
			value = 0;
			for (size_t run = 0; c; c++) {
				if (*c == '\n' || !*c) {
					value = run > value ? run : value;
					run = 0;
					if (!*c)
						break;
				} else {
					run++;
				}
			}
		}
		n += NS_MAX(20) + NS_MAX(1) + NS_MAX(value);
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? n + 1 : 0;
}

/* Pad plain (as above) into out; -1 when out of memory. */
static int pool_pad(const struct buf *plain, size_t bound, struct buf *out)
{
	size_t want = plain->len + 2 > bound ? plain->len + 2 : bound;
	want = (want + POOL_PAD_UNIT - 1) / POOL_PAD_UNIT * POOL_PAD_UNIT;
	buf_puts(out, "P");
	buf_append(out, plain->data ? plain->data : "", plain->len);
	buf_append(out, "\x80", 1);
	while (!out->oom && out->len < want)
		buf_append(out, "\0", 1);
	return out->oom ? -1 : 0;
}

/* The plain text inside an opened pool value: *len shortened past the
 * padding and the returned start past the 'P'; a value sealed before
 * padding (no 'P') is whole. NULL when the padding is malformed. */
static const char *pool_unpad(const char *p, size_t *len)
{
	if (*len == 0 || p[0] != 'P')
		return p;
	size_t n = *len;
	while (n > 1 && p[n - 1] == '\0')
		n--;
	if (n < 2 || (unsigned char)p[n - 1] != 0x80)
		return NULL;
	*len = n - 2;
	return p + 1;
}

static void row_name(const unsigned char *id, char hex[RID_BYTES * 2 + 1])
{
	sealed_row_hex(id, RID_BYTES, hex, RID_BYTES * 2 + 1);
}

/* The team reports use: the admins' list's spelling of the profile's
 * team, or "other". Read before the transaction (it seals nothing). */
static enum db_rc report_team(struct db *db, int64_t uid, char *out, size_t n)
{
	sqlite3_stmt *st = DB_STMT(db, "SELECT coalesce((SELECT t.name FROM teams t WHERE t.name = "
				       "(SELECT p.team FROM profiles p WHERE p.user_id = :u)), 'other')");
	if (!st)
		return DB_ERR;
	db_bind_int(st, ":u", uid);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		db_column_copy(st, 0, out, n);
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? DB_OK : db_rc_from(rc);
}

static enum survey_rc submit_fail(struct db *db, enum db_rc rc)
{
	db_rollback(db);
	return (enum survey_rc)db_failure(rc);
}

static enum survey_rc check_invitation(const struct invitation *inv)
{
	if (inv->answered)
		return SURVEY_ANSWERED;
	if (strcmp(inv->status, "open") != 0)
		return SURVEY_CLOSED;
	return SURVEY_OK;
}

enum survey_rc survey_submit(struct db *db, int64_t invitation, int64_t uid, const struct answer *a, int n,
			     int64_t now)
{
	struct invitation inv;
	enum db_rc rc = survey_invitation_for(db, invitation, uid, &inv);
	if (rc == DB_NOTFOUND)
		return SURVEY_NOTFOUND;
	char team[244];
	if (rc == DB_OK)
		rc = report_team(db, uid, team, sizeof(team));
	if (rc != DB_OK)
		return (enum survey_rc)db_failure(rc);
	enum survey_rc sr = check_invitation(&inv);
	if (sr != SURVEY_OK)
		return sr;
	/* Coarse on purpose: the quarter, never the day or the time. */
	time_t t = (time_t)now;
	struct tm tm;
	gmtime_r(&t, &tm);
	char quarter[32];
	snprintf(quarter, sizeof(quarter), "%04d-Q%d", tm.tm_year + 1900, tm.tm_mon / 3 + 1);
	struct buf plain = {0}, sealed = {0};
	put_ns(&plain, inv.role);
	put_ns(&plain, quarter);
	put_ns(&plain, team);
	for (int i = 0; i < n; i++) {
		char num[24];
		if (!a[i].rating && !a[i].choice && !a[i].text)
			continue;
		put_ns(&plain, str_u64(num, (unsigned long long)a[i].question_id));
		put_ns(&plain, a[i].rating ? "r" : a[i].choice ? "c" : "t");
		put_ns(&plain, a[i].rating   ? str_u64(num, (unsigned long long)a[i].rating)
			       : a[i].choice ? a[i].choice
					     : a[i].text);
	}
	unsigned char id[RID_BYTES];
	char hex[RID_BYTES * 2 + 1];
	randombytes_buf(id, sizeof(id));
	row_name(id, hex);
	/* Sealed before the transaction: the writers' lock is held for the
	 * two writes alone. */
	size_t bound = pool_bound(db, inv.survey_id);
	struct buf padded = {0};
	int sealed_ok =
		bound && !plain.oom && pool_pad(&plain, bound, &padded) == 0 &&
		seal_encrypt(sealed_cols[SEALED_SURVEY_POOL].table, sealed_cols[SEALED_SURVEY_POOL].column,
			     hex, padded.data, padded.len, &sealed) == 0;
	sodium_memzero(plain.data ? plain.data : (char *)"", plain.data ? plain.cap : 0);
	sodium_memzero(padded.data ? padded.data : (char *)"", padded.data ? padded.cap : 0);
	buf_free(&plain);
	buf_free(&padded);
	if (!sealed_ok) {
		buf_free(&sealed);
		return SURVEY_DB_ERR;
	}
	enum db_rc began = db_begin(db);
	if (began != DB_OK) {
		buf_free(&sealed);
		return (enum survey_rc)db_failure(began);
	}
	/* Again under the lock: a second submission or the survey closing
	 * may have come first. */
	rc = survey_invitation_for(db, invitation, uid, &inv);
	sr = rc == DB_OK ? check_invitation(&inv) : SURVEY_DB_ERR;
	if (sr != SURVEY_OK) {
		buf_free(&sealed);
		if (db_failed(sr))
			return submit_fail(db, rc);
		db_rollback(db);
		return sr;
	}
	sqlite3_stmt *st = DB_STMT(db, "UPDATE survey_invitations SET answered = 1 WHERE id = :id");
	if (st) {
		db_bind_int(st, ":id", invitation);
		rc = db_exec_step(db, st);
	}
	sqlite3_stmt *ins = DB_STMT(
		db, "INSERT INTO survey_pool(id, survey_id, sealed, counts) VALUES (:id, :s, :sealed, "
		    "coalesce((SELECT role <> 'admin' FROM users WHERE id = :u), 1))");
	if (st && ins && rc == DB_OK) {
		db_bind_blob(ins, ":id", id, sizeof(id));
		db_bind_int(ins, ":u", uid);
		db_bind_int(ins, ":s", inv.survey_id);
		db_bind_blob(ins, ":sealed", sealed.data, (int)sealed.len);
		rc = db_exec_step(db, ins);
	}
	buf_free(&sealed);
	if (!st || !ins)
		rc = DB_ERR;
	if (rc != DB_OK)
		return submit_fail(db, rc);
	if ((rc = db_commit(db)) != DB_OK)
		return (enum survey_rc)db_failure(rc);
	return SURVEY_OK;
}

/* Write one opened pool value as a readable response under a new random
 * id: nothing of the pool row (its id, its place) carries over. */
static enum db_rc write_response(struct db *db, int64_t survey, int64_t batch, const char *p, size_t len)
{
	struct buf role = {0}, quarter = {0}, team = {0}, qid = {0}, kind = {0}, val = {0};
	size_t at = 0;
	enum db_rc rc = DB_ERR;
	if (!(p = pool_unpad(p, &len)))
		return DB_ERR;
	unsigned char rid[RID_BYTES];
	randombytes_buf(rid, sizeof(rid));
	sqlite3_stmt *st =
		DB_STMT(db, "INSERT INTO survey_responses(id, survey_id, role, quarter, team, batch) "
			    "VALUES (:r, :s, :role, :q, :team, :b)");
	if (!st || get_ns(p, len, &at, &role) || get_ns(p, len, &at, &quarter) || get_ns(p, len, &at, &team))
		goto out;
	db_bind_blob(st, ":r", rid, sizeof(rid));
	db_bind_int(st, ":s", survey);
	db_bind_text(st, ":role", buf_str(&role));
	db_bind_text(st, ":q", buf_str(&quarter));
	db_bind_text(st, ":team", buf_str(&team));
	db_bind_int(st, ":b", batch);
	if ((rc = db_exec_step(db, st)) != DB_OK)
		goto out;
	while (at < len) {
		rc = DB_ERR;
		if (get_ns(p, len, &at, &qid) || get_ns(p, len, &at, &kind) || get_ns(p, len, &at, &val))
			goto out;
		st = DB_STMT(db, "INSERT INTO survey_answers(response_id, question_id, rating, choice, text) "
				 "VALUES (:r, :q, :rating, :choice, :text)");
		if (!st)
			goto out;
		const char *k = buf_str(&kind), *v = buf_str(&val);
		db_bind_blob(st, ":r", rid, sizeof(rid));
		db_bind_int(st, ":q", strtoll(buf_str(&qid), NULL, 10));
		if (k[0] == 'r')
			db_bind_int(st, ":rating", atoi(v));
		else
			db_bind_null(st, ":rating");
		if (k[0] == 'c')
			db_bind_text(st, ":choice", v);
		else
			db_bind_null(st, ":choice");
		if (k[0] == 't')
			db_bind_text(st, ":text", v);
		else
			db_bind_null(st, ":text");
		if ((rc = db_exec_step(db, st)) != DB_OK)
			goto out;
	}
	rc = DB_OK;
out:
	buf_free(&role);
	buf_free(&quarter);
	buf_free(&team);
	buf_free(&qid);
	buf_free(&kind);
	sodium_memzero(val.data ? val.data : (char *)"", val.data ? val.cap : 0);
	buf_free(&val);
	return rc;
}

static void free_opened(struct buf *v, long n)
{
	for (long i = 0; i < n; i++) {
		sodium_memzero(v[i].data ? v[i].data : (char *)"", v[i].data ? v[i].cap : 0);
		buf_free(&v[i]);
	}
	free(v);
}

/* Open every pool value of survey (n of them) into a new array. */
static struct buf *open_pool(struct db *db, int64_t survey, long n)
{
	struct buf *v = calloc((size_t)n, sizeof(*v));
	sqlite3_stmt *st = DB_STMT(db, "SELECT id, sealed FROM survey_pool WHERE survey_id = :s");
	if (!v || !st) {
		free(v);
		return NULL;
	}
	db_bind_int(st, ":s", survey);
	long i = 0;
	int bad = 0;
	while (!bad && i < n && sqlite3_step(st) == SQLITE_ROW) {
		char hex[RID_BYTES * 2 + 1];
		if (sqlite3_column_bytes(st, 0) != RID_BYTES)
			bad = 1;
		else
			row_name(sqlite3_column_blob(st, 0), hex);
		if (!bad &&
		    seal_decrypt(sealed_cols[SEALED_SURVEY_POOL].table,
				 sealed_cols[SEALED_SURVEY_POOL].column, hex, sqlite3_column_blob(st, 1),
				 (size_t)sqlite3_column_bytes(st, 1), &v[i]) != 0) {
			log_kv("error", "a survey pool value did not open", "row", hex, LOG_END);
			bad = 1;
		}
		i++;
	}
	sqlite3_reset(st);
	if (bad || i != n) {
		free_opened(v, n);
		return NULL;
	}
	return v;
}

void survey_wal_truncate(struct db *db)
{
	if (db_scalar(db, "SELECT count(*) FROM survey_wal_owed", 0) == 0)
		return;
	int log = 0, done = 0;
	/* A truncating checkpoint holds the writers out while it waits for
	 * readers: wait briefly, and leave the rest to the periodic task. */
	sqlite3_busy_timeout(db_handle(db), 200);
	int rc = sqlite3_wal_checkpoint_v2(db_handle(db), NULL, SQLITE_CHECKPOINT_TRUNCATE, &log, &done);
	sqlite3_busy_timeout(db_handle(db), 5000);
	if (rc != SQLITE_OK) {
		/* A reader outlasted the wait: the periodic task tries again. */
		log_kv("warn", "survey batch: the WAL could not be truncated yet", "error",
		       sqlite3_errstr(rc), LOG_END);
		return;
	}
	if (db_begin(db) != DB_OK)
		return;
	sqlite3_stmt *st = DB_STMT(db, "DELETE FROM survey_wal_owed");
	db_end(db, st ? db_exec_step(db, st) : DB_ERR);
}

long survey_release_in(struct db *db, int64_t survey, int k, int closing, long *withheld)
{
	if (withheld)
		*withheld = 0;
	sqlite3_stmt *st =
		DB_STMT(db, "SELECT count(*), (SELECT coalesce(max(batch), 0) + 1 FROM survey_responses "
			    "WHERE survey_id = :s), total(counts) FROM survey_pool WHERE survey_id = :s");
	long n = -1, counting = 0;
	int64_t batch = 0;
	if (st) {
		db_bind_int(st, ":s", survey);
		if (sqlite3_step(st) == SQLITE_ROW) {
			n = sqlite3_column_int64(st, 0);
			batch = sqlite3_column_int64(st, 1);
			counting = (long)sqlite3_column_double(st, 2);
		}
		sqlite3_reset(st);
	}
	/* A batch is k answers of people who are not admins (sql/0038). */
	if (n <= 0 || (counting < k && !closing))
		return n < 0 ? -1 : 0;
	enum db_rc rc = DB_OK;
	long released = 0;
	if (counting >= k) {
		struct buf *v = open_pool(db, survey, n);
		if (!v)
			return -1;
		/* Shuffled, so neither the order of the rows written nor their
		 * place in the b-tree's pages says who came first. */
		for (long i = n - 1; i > 0; i--) {
			long j = (long)randombytes_uniform((uint32_t)i + 1);
			struct buf t = v[i];
			v[i] = v[j];
			v[j] = t;
		}
		for (long i = 0; i < n && rc == DB_OK; i++)
			rc = write_response(db, survey, batch, v[i].data ? v[i].data : "", v[i].len);
		free_opened(v, n);
		released = n;
	} else if (withheld) {
		*withheld = n;
	}
	st = DB_STMT(db, "DELETE FROM survey_pool WHERE survey_id = :s");
	if (rc == DB_OK && st) {
		db_bind_int(st, ":s", survey);
		rc = db_exec_step(db, st);
	} else if (!st) {
		rc = DB_ERR;
	}
	sqlite3_stmt *owe = DB_STMT(db, "INSERT OR IGNORE INTO survey_wal_owed(id) VALUES (1)");
	if (rc == DB_OK)
		rc = owe ? db_exec_step(db, owe) : DB_ERR;
	return rc == DB_OK ? released : -1;
}

long survey_release(struct db *db, int64_t survey, int k, int closing, long *withheld)
{
	long dropped = 0;
	if (withheld)
		*withheld = 0;
	/* Most answers find the batch not yet full: a read says so without
	 * taking the writers' lock (a batch a stale read missed is released
	 * by the next answer or the periodic task). */
	sqlite3_stmt *st = DB_STMT(db, "SELECT total(counts) >= :k FROM survey_pool WHERE survey_id = :s");
	if (st && !closing) {
		db_bind_int(st, ":k", k);
		db_bind_int(st, ":s", survey);
		int full = sqlite3_step(st) == SQLITE_ROW && sqlite3_column_int(st, 0);
		sqlite3_reset(st);
		if (!full)
			return 0;
	}
	if (db_begin(db) != DB_OK)
		return -1;
	long n = survey_release_in(db, survey, k, closing, &dropped);
	/* Nothing released or dropped: roll back rather than commit nothing. */
	if (n < 0 || (n == 0 && dropped == 0)) {
		db_rollback(db);
		return n;
	}
	if (withheld)
		*withheld = dropped;
	if (db_end(db, DB_OK) != DB_OK)
		return -1;
	survey_wal_truncate(db);
	return n;
}

int survey_release_pending(struct db *db, int64_t *ids, int *closed, int max)
{
	/* Open surveys whose batch may be full, and closed ones whose pool a
	 * failed close left behind (released or withheld now). */
	sqlite3_stmt *st = DB_STMT(db, "SELECT DISTINCT p.survey_id, s.status = 'closed' FROM survey_pool p "
				       "JOIN surveys s ON s.id = p.survey_id");
	if (!st)
		return -1;
	int n = 0;
	while (n < max && sqlite3_step(st) == SQLITE_ROW) {
		ids[n] = sqlite3_column_int64(st, 0);
		closed[n++] = sqlite3_column_int(st, 1);
	}
	sqlite3_reset(st);
	return n;
}

void survey_open_each(struct db *db, int64_t uid, int max,
		      void (*fn)(void *arg, const struct invitation_row *row), void *arg)
{
	sqlite3_stmt *st = DB_STMT(
		db, "SELECT i.id, s.title FROM survey_invitations i JOIN surveys s ON s.id = i.survey_id "
		    "WHERE i.user_id = :u AND i.answered = 0 AND s.status = 'open' ORDER BY i.id LIMIT :max");
	if (!st)
		return;
	db_bind_int(st, ":u", uid);
	db_bind_int(st, ":max", max);
	while (sqlite3_step(st) == SQLITE_ROW) {
		struct invitation_row r = {
			.id = sqlite3_column_int64(st, 0),
			.title = (const char *)sqlite3_column_text(st, 1),
			.open = 1,
		};
		fn(arg, &r);
	}
	sqlite3_reset(st);
}
