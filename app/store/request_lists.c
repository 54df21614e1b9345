#include "store/request_lists.h"

#include <limits.h>
#include <stdint.h>
#include <stdio.h>

#include "core/buf.h"
#include "store/requests.h"
#include "store/sealcol.h"
#include "store/sealed.h"

/* Rows selected as id, other name, topic, status, created_at. At most max
 * rows reach fn; *more (when not NULL) says whether the statement had
 * another. Resets the statement. A decline's reason is not read: no list
 * shows it, and a reason opened for nothing would sit in memory (and
 * cost a decryption per row) for nothing; the request's page opens it. */
static enum db_rc each_row_max(sqlite3_stmt *st, int max, req_row_fn fn, void *arg, int *more)
{
	if (!st)
		return DB_ERR;
	int rc, n = 0;
	if (more)
		*more = 0;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (n++ == max) {
			if (more)
				*more = 1;
			break;
		}
		struct req_row r = {
			.id = sqlite3_column_int64(st, 0),
			.other = (const char *)sqlite3_column_text(st, 1),
			.topic = (const char *)sqlite3_column_text(st, 2),
			.status = (const char *)sqlite3_column_text(st, 3),
			.created_at = sqlite3_column_int64(st, 4),
		};
		fn(arg, &r);
	}
	sqlite3_reset(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? DB_OK : db_rc_from(rc);
}

static enum db_rc each_row(sqlite3_stmt *st, req_row_fn fn, void *arg)
{
	return each_row_max(st, INT_MAX, fn, arg, NULL);
}

enum db_rc req_list(struct db *db, int64_t uid, int incoming, int64_t now, const struct keyset *after,
		    int max, req_row_fn fn, void *arg, int *more)
{
	/* Two statements, not one with OR: each is one index range read
	 * backwards ((mentor_id, created_at) or (mentee_id, created_at), the
	 * id last in every index), from the cursor down, max + 1 rows. */
	sqlite3_stmt *st =
		incoming ? DB_STMT(db,
				   "SELECT r.id, e.display_name, t.name, " REQ_STATUS_SQL
				   ", r.created_at FROM requests r "
				   "JOIN users e ON e.id = r.mentee_id JOIN topics t ON t.id = r.topic_id "
				   "WHERE r.mentor_id = :u AND r.created_at <= :at AND (r.created_at < :at "
				   "OR r.id < :id) ORDER BY r.created_at DESC, r.id DESC LIMIT :n")
			 : DB_STMT(db,
				   "SELECT r.id, m.display_name, t.name, " REQ_STATUS_SQL
				   ", r.created_at FROM requests r "
				   "JOIN users m ON m.id = r.mentor_id JOIN topics t ON t.id = r.topic_id "
				   "WHERE r.mentee_id = :u AND r.created_at <= :at AND (r.created_at < :at "
				   "OR r.id < :id) ORDER BY r.created_at DESC, r.id DESC LIMIT :n");
	*more = 0;
	if (!st || max < 1 || max > 200)
		return DB_ERR;
	db_bind_int(st, ":u", uid);
	db_bind_int(st, ":now", now);
	keyset_bind(st, after, max);
	return each_row_max(st, max, fn, arg, more);
}

/* Two statements rather than one with OR: each is a plain index range,
 * and each index holds every column read (sql/0043): no request row. */
enum db_rc req_waiting_on(struct db *db, int64_t uid, int64_t now, req_row_fn fn, void *arg)
{
	sqlite3_stmt *st = DB_STMT(
		db, "SELECT r.id, e.display_name, t.name, " REQ_STATUS_SQL ", r.created_at FROM requests r "
		    "INDEXED BY requests_mentor_dash "
		    "JOIN users e ON e.id = r.mentee_id JOIN topics t ON t.id = r.topic_id "
		    "WHERE r.mentor_id = :u AND r.status = 'pending' AND r.created_at > :now - "
		    "1209600 "
		    "ORDER BY r.created_at LIMIT 50");
	if (st) {
		db_bind_int(st, ":u", uid);
		db_bind_int(st, ":now", now);
	}
	return each_row(st, fn, arg);
}

enum db_rc req_mine_recent(struct db *db, int64_t uid, int64_t now, req_row_fn fn, void *arg)
{
	sqlite3_stmt *st = DB_STMT(
		db, "SELECT r.id, m.display_name, t.name, " REQ_STATUS_SQL ", r.created_at FROM requests r "
		    "INDEXED BY requests_mentee_dash "
		    "JOIN users m ON m.id = r.mentor_id JOIN topics t ON t.id = r.topic_id "
		    "WHERE r.mentee_id = :u AND (r.status = 'pending' OR "
		    "  coalesce(r.answered_at, r.created_at + 1209600) > :now - 30 * 86400) "
		    "ORDER BY r.created_at LIMIT 50");
	if (st) {
		db_bind_int(st, ":u", uid);
		db_bind_int(st, ":now", now);
	}
	return each_row(st, fn, arg);
}

enum db_rc req_get_for(struct db *db, int64_t id, int64_t uid, int64_t now,
		       void (*fn)(void *arg, const struct req_detail *d), void *arg)
{
	sqlite3_stmt *st = DB_STMT(
		db,
		"SELECT r.mentee_id, r.mentor_id, e.display_name, m.display_name, t.name, r.goal, r.format, "
		"r.cadence, r.duration_min, r.weeks, r.message, " REQ_STATUS_SQL ", r.reason, r.created_at, "
		"coalesce(r.mentorship_id, 0), r.message_sealed, r.reason_sealed, r.kind = 'single' FROM "
		"requests r "
		"JOIN users e ON e.id = r.mentee_id "
		"JOIN users m ON m.id = r.mentor_id JOIN topics t ON t.id = r.topic_id "
		"WHERE r.id = :id AND (r.mentee_id = :u OR r.mentor_id = :u)");
	if (!st)
		return DB_ERR;
	db_bind_int(st, ":id", id);
	db_bind_int(st, ":u", uid);
	db_bind_int(st, ":now", now);
	if (sqlite3_step(st) != SQLITE_ROW) {
		sqlite3_reset(st);
		return DB_NOTFOUND;
	}
	struct buf msg = {0}, reason = {0};
	const int64_t pair[3] = {sqlite3_column_int64(st, 1), sqlite3_column_int64(st, 0), 0};
	int unreadable = sealed_open(st, 15, 10, SEALED_REQUEST_MESSAGE, id, 0, pair, &msg) != 0 ||
			 sealed_open(st, 16, 12, SEALED_REQUEST_REASON, id, 0, pair, &reason) != 0;
	struct req_detail d = {
		.id = id,
		.mentee_id = sqlite3_column_int64(st, 0),
		.mentor_id = sqlite3_column_int64(st, 1),
		.mentee_name = (const char *)sqlite3_column_text(st, 2),
		.mentor_name = (const char *)sqlite3_column_text(st, 3),
		.topic = (const char *)sqlite3_column_text(st, 4),
		.goal = (const char *)sqlite3_column_text(st, 5),
		.format = (const char *)sqlite3_column_text(st, 6),
		.cadence = (const char *)sqlite3_column_text(st, 7),
		.duration_min = sqlite3_column_int(st, 8),
		.weeks = sqlite3_column_int(st, 9),
		.status = (const char *)sqlite3_column_text(st, 11),
		.created_at = sqlite3_column_int64(st, 13),
		.mentorship_id = sqlite3_column_int64(st, 14),
		.message = unreadable ? "" : buf_str(&msg),
		.reason = unreadable ? "" : buf_str(&reason),
		.unreadable = unreadable,
		.single = sqlite3_column_int(st, 17),
	};
	fn(arg, &d);
	sqlite3_reset(st);
	buf_free(&msg);
	buf_free(&reason);
	return DB_OK;
}

enum db_rc req_pending_of(struct db *db, int64_t uid, int64_t mentor_id, int64_t now, int64_t *pending,
			  int64_t *existing)
{
	*pending = *existing = 0;
	sqlite3_stmt *st =
		DB_STMT(db, "SELECT count(*), max(CASE WHEN mentor_id = :m THEN id END) FROM requests "
			    "WHERE mentee_id = :e AND status = 'pending' AND created_at > :now - 1209600");
	if (!st)
		return DB_ERR;
	db_bind_int(st, ":m", mentor_id);
	db_bind_int(st, ":e", uid);
	db_bind_int(st, ":now", now);
	if (sqlite3_step(st) == SQLITE_ROW) {
		*pending = sqlite3_column_int64(st, 0);
		*existing = sqlite3_column_int64(st, 1);
	}
	sqlite3_reset(st);
	return DB_OK;
}
