#include "store/office_hours.h"

#include <stdio.h>
#include <string.h>

#include "core/week.h"
#include "core/when.h"
#include "store/outbox_pairing.h"
#include "store/insights.h"

int64_t oh_occurrence_at(int weekday, const char *start_time, const char *tz, int64_t now, int week,
			 char *day, size_t n)
{
	int h, m;
	char tail;
	if (sscanf(start_time, "%2d:%2d%c", &h, &m, &tail) != 2 || h < 0 || h > 23 || m < 0 || m > 59 ||
	    strlen(start_time) != 5)
		return -1;
	int64_t today = week_today(now, tz);
	int64_t d = today + ((weekday - week_weekday(today)) % 7 + 7) % 7;
	char ymd[16], local[32];
	week_ymd(d, ymd, sizeof(ymd));
	snprintf(local, sizeof(local), "%sT%02d:%02d", ymd, h, m);
	if (when_parse_local(local, tz) <= now)
		d += 7; /* today's hour has passed */
	d += 7 * week;
	week_ymd(d, ymd, sizeof(ymd));
	snprintf(local, sizeof(local), "%sT%02d:%02d", ymd, h, m);
	snprintf(day, n, "%s", ymd);
	return when_parse_local(local, tz);
}

static enum oh_rc store_fail(struct db *db, enum db_rc rc)
{
	db_rollback(db);
	return (enum oh_rc)db_failure(rc);
}

enum oh_rc oh_publish(struct db *db, int64_t host, const struct oh_new *n, int64_t now, int64_t *series_id)
{
	enum db_rc began = db_begin(db);
	if (began != DB_OK)
		return (enum oh_rc)db_failure(began);
	sqlite3_stmt *st = DB_STMT(db, "INSERT INTO office_hours(host_id, weekday, start_time, timezone, "
				       "duration_min, seats, topic, place, weeks, created_at) "
				       "VALUES (:h, :wd, :t, :tz, :d, :s, :topic, :p, :w, :now)");
	if (!st)
		return store_fail(db, DB_ERR);
	db_bind_int(st, ":h", host);
	db_bind_int(st, ":wd", n->weekday);
	db_bind_text(st, ":t", n->start_time);
	db_bind_text(st, ":tz", n->tz);
	db_bind_int(st, ":d", n->duration_min);
	db_bind_int(st, ":s", n->seats);
	db_bind_text(st, ":topic", n->topic);
	db_bind_text(st, ":p", n->where);
	db_bind_int(st, ":w", n->weeks);
	db_bind_int(st, ":now", now);
	enum db_rc rc = db_exec_step(db, st);
	if (rc != DB_OK)
		return store_fail(db, rc);
	int64_t sid = sqlite3_last_insert_rowid(db_handle(db));
	st = DB_STMT(
		db, "INSERT INTO oh_occurrences(series_id, host_id, starts_at, held_on, duration_min, seats) "
		    "VALUES (:s, :h, :at, :day, :d, :seats)");
	for (int w = 0; w < n->weeks; w++) {
		char day[16];
		int64_t at = oh_occurrence_at(n->weekday, n->start_time, n->tz, now, w, day, sizeof(day));
		if (!st || at < 0)
			return store_fail(db, DB_ERR);
		db_bind_int(st, ":s", sid);
		db_bind_int(st, ":h", host);
		db_bind_int(st, ":at", at);
		db_bind_text(st, ":day", day);
		db_bind_int(st, ":d", n->duration_min);
		db_bind_int(st, ":seats", n->seats);
		if ((rc = db_exec_step(db, st)) != DB_OK)
			return store_fail(db, rc);
	}
	if ((rc = db_commit(db)) != DB_OK)
		return (enum oh_rc)db_failure(rc);
	*series_id = sid;
	return OH_OK;
}

static void read_row(sqlite3_stmt *st, struct oh_row *r)
{
	r->id = sqlite3_column_int64(st, 0);
	r->host_id = sqlite3_column_int64(st, 1);
	r->starts_at = sqlite3_column_int64(st, 2);
	r->duration_min = sqlite3_column_int(st, 3);
	r->seats = sqlite3_column_int(st, 4);
	r->booked = sqlite3_column_int(st, 5);
	r->mine = sqlite3_column_int(st, 6);
	r->topic = (const char *)sqlite3_column_text(st, 7);
	r->place = (const char *)sqlite3_column_text(st, 8);
	r->host_name = (const char *)sqlite3_column_text(st, 9);
	r->status = (const char *)sqlite3_column_text(st, 10);
}

enum db_rc oh_upcoming(struct db *db, int64_t viewer, int64_t now, const struct keyset *after,
		       void (*fn)(void *arg, const struct oh_row *r), void *arg, int *more)
{
	/* o.host_name is kept by triggers (sql/0031): a seek into users per
	 * row was a fifth of this statement. */
	sqlite3_stmt *st = DB_STMT(
		db, "SELECT o.id, o.host_id, o.starts_at, o.duration_min, o.seats, o.booked, "
		    "EXISTS (SELECT 1 FROM oh_bookings b WHERE b.occurrence_id = o.id AND b.user_id = :me), "
		    "s.topic, s.place, o.host_name, o.status FROM oh_occurrences o "
		    "JOIN office_hours s ON s.id = o.series_id "
		    "WHERE o.status = 'open' AND (o.starts_at, o.id) > (:at, :id) "
		    "ORDER BY o.starts_at, o.id LIMIT :n");
	if (!st)
		return DB_ERR;
	/* One range of the index from the later of the key and now: past
	 * occurrences stay in oh_occurrences_open and are never read. */
	int from_now = !after || after->at < now;
	db_bind_int(st, ":me", viewer);
	db_bind_int(st, ":at", from_now ? now - 1 : after->at);
	db_bind_int(st, ":id", from_now ? INT64_MAX : after->id);
	db_bind_int(st, ":n", OH_PAGE + 1);
	int rc, n = 0;
	*more = 0;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (n == OH_PAGE) {
			*more = 1;
			break;
		}
		struct oh_row r;
		read_row(st, &r);
		fn(arg, &r);
		n++;
	}
	sqlite3_reset(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? DB_OK : DB_ERR;
}

enum db_rc oh_get(struct db *db, int64_t oid, int64_t viewer, void (*fn)(void *arg, const struct oh_row *r),
		  void *arg)
{
	sqlite3_stmt *st = DB_STMT(
		db, "SELECT o.id, o.host_id, o.starts_at, o.duration_min, o.seats, o.booked, "
		    "EXISTS (SELECT 1 FROM oh_bookings b WHERE b.occurrence_id = o.id AND b.user_id = :me), "
		    "s.topic, s.place, u.display_name, o.status FROM oh_occurrences o "
		    "JOIN office_hours s ON s.id = o.series_id JOIN users u ON u.id = o.host_id WHERE o.id = "
		    ":id");
	if (!st)
		return DB_ERR;
	db_bind_int(st, ":me", viewer);
	db_bind_int(st, ":id", oid);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		struct oh_row r;
		read_row(st, &r);
		fn(arg, &r);
	}
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? DB_OK : rc == SQLITE_DONE ? DB_NOTFOUND : db_rc_from(rc);
}

enum db_rc oh_guests(struct db *db, int64_t oid, int64_t host,
		     void (*fn)(void *arg, int64_t uid, const char *name, int attended), void *arg)
{
	sqlite3_stmt *st =
		DB_STMT(db, "SELECT b.user_id, u.display_name, b.attended FROM oh_occurrences o "
			    "JOIN oh_bookings b ON b.occurrence_id = o.id JOIN users u ON u.id = b.user_id "
			    "WHERE o.id = :id AND o.host_id = :h ORDER BY b.booked_at, b.user_id");
	if (!st)
		return DB_ERR;
	db_bind_int(st, ":id", oid);
	db_bind_int(st, ":h", host);
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		fn(arg, sqlite3_column_int64(st, 0), (const char *)sqlite3_column_text(st, 1),
		   sqlite3_column_int(st, 2));
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? DB_OK : db_rc_from(rc);
}

/* Inside the transaction: oid's host, start, status, seats and booked, and
 * whether uid holds a seat. 1 found, 0 not, -1 error. */
static int occ_state(struct db *db, int64_t oid, int64_t uid, int64_t *host, int64_t *at, int *open,
		     int *free, int *mine)
{
	sqlite3_stmt *st = DB_STMT(
		db,
		"SELECT host_id, starts_at, status = 'open', seats - booked, EXISTS (SELECT 1 FROM "
		"oh_bookings WHERE occurrence_id = :id AND user_id = :u) FROM oh_occurrences WHERE id = :id");
	if (!st)
		return -1;
	db_bind_int(st, ":id", oid);
	db_bind_int(st, ":u", uid);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*host = sqlite3_column_int64(st, 0);
		*at = sqlite3_column_int64(st, 1);
		*open = sqlite3_column_int(st, 2);
		*free = sqlite3_column_int(st, 3);
		*mine = sqlite3_column_int(st, 4);
	}
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

/* Begin and read oid's state; OH_OK with the transaction open, else the
 * answer with it rolled back. */
static enum oh_rc begin_occ(struct db *db, int64_t oid, int64_t uid, int64_t *host, int64_t *at, int *open,
			    int *free, int *mine)
{
	enum db_rc began = db_begin(db);
	if (began != DB_OK)
		return (enum oh_rc)db_failure(began);
	int rc = occ_state(db, oid, uid, host, at, open, free, mine);
	if (rc < 0)
		return store_fail(db, DB_ERR);
	if (rc == 0) {
		db_rollback(db);
		return OH_NOTFOUND;
	}
	return OH_OK;
}

static enum oh_rc finish(struct db *db, enum db_rc rc)
{
	if ((rc = db_end(db, rc)) != DB_OK)
		return (enum oh_rc)db_failure(rc);
	return OH_OK;
}

enum oh_rc oh_book(struct db *db, int64_t oid, int64_t uid, int64_t now)
{
	int64_t host = 0, at = 0;
	int open = 0, free = 0, mine = 0;
	enum oh_rc r = begin_occ(db, oid, uid, &host, &at, &open, &free, &mine);
	if (r != OH_OK)
		return r;
	/* Read and written in one BEGIN IMMEDIATE: no other booking can come
	 * between the free seat seen here and the insert. */
	r = host == uid		 ? OH_OWN
	    : !open || at <= now ? OH_CLOSED
	    : mine		 ? OH_BOOKED
	    : free <= 0		 ? OH_FULL
				 : OH_OK;
	if (r != OH_OK) {
		db_rollback(db);
		return r;
	}
	sqlite3_stmt *st = DB_STMT(
		db, "INSERT INTO oh_bookings(occurrence_id, user_id, booked_at) VALUES (:o, :u, :now)");
	if (!st)
		return store_fail(db, DB_ERR);
	db_bind_int(st, ":o", oid);
	db_bind_int(st, ":u", uid);
	db_bind_int(st, ":now", now);
	return finish(db, db_exec_step(db, st));
}

enum oh_rc oh_unbook(struct db *db, int64_t oid, int64_t uid, int64_t now)
{
	int64_t host = 0, at = 0;
	int open = 0, free = 0, mine = 0;
	enum oh_rc r = begin_occ(db, oid, uid, &host, &at, &open, &free, &mine);
	if (r != OH_OK)
		return r;
	r = !mine ? OH_BOOKED : !open || at <= now ? OH_CLOSED : OH_OK;
	if (r != OH_OK) {
		db_rollback(db);
		return r;
	}
	sqlite3_stmt *st = DB_STMT(db, "DELETE FROM oh_bookings WHERE occurrence_id = :o AND user_id = :u");
	if (!st)
		return store_fail(db, DB_ERR);
	db_bind_int(st, ":o", oid);
	db_bind_int(st, ":u", uid);
	return finish(db, db_exec_step(db, st));
}

enum oh_rc oh_close(struct db *db, int64_t oid, int64_t host, int64_t now)
{
	int64_t h = 0, at = 0;
	int open = 0, free = 0, mine = 0;
	enum oh_rc r = begin_occ(db, oid, host, &h, &at, &open, &free, &mine);
	if (r != OH_OK)
		return r;
	if (h != host) {
		db_rollback(db);
		return OH_NOTFOUND;
	}
	if (!open || at <= now) {
		db_rollback(db);
		return OH_CLOSED;
	}
	sqlite3_stmt *st = DB_STMT(db, "UPDATE oh_occurrences SET status = 'cancelled' WHERE id = :o");
	if (!st)
		return store_fail(db, DB_ERR);
	db_bind_int(st, ":o", oid);
	enum db_rc rc = db_exec_step(db, st);
	if (rc == DB_OK)
		rc = outbox_oh_cancelled(db, oid, now);
	return finish(db, rc);
}

enum db_rc oh_person_leaves(struct db *db, int64_t uid, int64_t now)
{
	sqlite3_stmt *st = DB_STMT(db, "DELETE FROM oh_bookings WHERE user_id = :u AND occurrence_id IN "
				       "(SELECT o.id FROM oh_bookings b JOIN oh_occurrences o ON o.id = "
				       "b.occurrence_id WHERE b.user_id = :u AND o.starts_at > :now)");
	if (!st)
		return DB_ERR;
	db_bind_int(st, ":u", uid);
	db_bind_int(st, ":now", now);
	enum db_rc rc = db_exec_step(db, st);
	/* One occurrence at a time, each with its own mail rows. */
	while (rc == DB_OK) {
		st = DB_STMT(db, "SELECT id FROM oh_occurrences WHERE host_id = :u AND starts_at > :now AND "
				 "status = 'open' ORDER BY starts_at LIMIT 1");
		if (!st)
			return DB_ERR;
		db_bind_int(st, ":u", uid);
		db_bind_int(st, ":now", now);
		int r = sqlite3_step(st);
		int64_t oid = r == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
		sqlite3_reset(st);
		if (r != SQLITE_ROW)
			return r == SQLITE_DONE ? DB_OK : db_rc_from(r);
		st = DB_STMT(db, "UPDATE oh_occurrences SET status = 'cancelled' WHERE id = :o");
		if (!st)
			return DB_ERR;
		db_bind_int(st, ":o", oid);
		rc = db_exec_step(db, st);
		if (rc == DB_OK)
			rc = outbox_oh_cancelled(db, oid, now);
	}
	return rc;
}

enum oh_rc oh_attendance(struct db *db, int64_t oid, int64_t host, const int64_t *ids, int n, int64_t now)
{
	int64_t h = 0, at = 0;
	int open = 0, free = 0, mine = 0;
	enum oh_rc r = begin_occ(db, oid, host, &h, &at, &open, &free, &mine);
	if (r != OH_OK)
		return r;
	if (h != host) {
		db_rollback(db);
		return OH_NOTFOUND;
	}
	if (!open || at > now) {
		db_rollback(db);
		return open ? OH_NOT_YET : OH_CLOSED;
	}
	/* Whether it counted as held: someone was marked as having come. */
	sqlite3_stmt *st = DB_STMT(db, "SELECT EXISTS (SELECT 1 FROM oh_bookings WHERE occurrence_id = :o "
				       "AND attended = 1)");
	if (!st)
		return store_fail(db, DB_ERR);
	db_bind_int(st, ":o", oid);
	int held_before = sqlite3_step(st) == SQLITE_ROW && sqlite3_column_int(st, 0);
	sqlite3_reset(st);
	st = DB_STMT(db, "UPDATE oh_bookings SET attended = 0 WHERE occurrence_id = :o");
	if (!st)
		return store_fail(db, DB_ERR);
	db_bind_int(st, ":o", oid);
	enum db_rc rc = db_exec_step(db, st);
	for (int i = 0; rc == DB_OK && i < n; i++) {
		st = DB_STMT(db,
			     "UPDATE oh_bookings SET attended = 1 WHERE occurrence_id = :o AND user_id = :u");
		if (!st)
			return store_fail(db, DB_ERR);
		db_bind_int(st, ":o", oid);
		db_bind_int(st, ":u", ids[i]);
		rc = db_exec_step(db, st);
		if (rc == DB_OK && sqlite3_changes(db_handle(db)) == 0) {
			db_rollback(db);
			return OH_NOT_GUEST;
		}
	}
	/* issue 19: an occurrence counts as one office-hours session held in
	 * the program's figures while someone is marked as having come: the
	 * marking that first names someone adds it (whether or not "nobody"
	 * was sent before), one that names nobody any more takes it back,
	 * and correcting who came counts each of them as taking part. */
	if (rc == DB_OK && (n > 0 || held_before)) {
		st = DB_STMT(db, "SELECT held_on, duration_min FROM oh_occurrences WHERE id = :o");
		if (!st)
			return store_fail(db, DB_ERR);
		db_bind_int(st, ":o", oid);
		char day[11] = "";
		int minutes = 0;
		if (sqlite3_step(st) == SQLITE_ROW) {
			db_column_copy(st, 0, day, sizeof(day));
			minutes = sqlite3_column_int(st, 1);
		}
		sqlite3_reset(st);
		if (n > 0 && !held_before)
			rc = insight_session(db, host, "office_hours", 1, minutes, day);
		else if (n == 0)
			rc = insight_session(db, host, "office_hours", -1, -minutes, day);
		for (int i = 0; rc == DB_OK && i < n; i++)
			rc = insight_touch(db, ids[i], INSIGHT_MENTEE, day);
	}
	if (rc == DB_OK) {
		st = DB_STMT(db, "UPDATE oh_occurrences SET marked_at = :now WHERE id = :o");
		if (!st)
			return store_fail(db, DB_ERR);
		db_bind_int(st, ":now", now);
		db_bind_int(st, ":o", oid);
		rc = db_exec_step(db, st);
	}
	return finish(db, rc);
}
