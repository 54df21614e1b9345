#include "store/rings.h"

#include "store/outbox.h"

#include <stdio.h>
#include <string.h>

enum db_rc ring_create(struct db *db, const struct ring_new *n, int64_t now, int64_t *id)
{
	enum db_rc rc = db_begin(db);
	if (rc != DB_OK)
		return rc;
	sqlite3_stmt *st =
		DB_STMT(db, "INSERT INTO rings(owner_id, topic, description, seats, cadence, "
			    "duration_min, weeks, created_at) VALUES (:o, :t, :d, :s, :c, :m, :w, :now)");
	if (!st)
		return db_end(db, DB_ERR);
	db_bind_int(st, ":o", n->owner_id);
	db_bind_text(st, ":t", n->topic);
	db_bind_text(st, ":d", n->description);
	db_bind_int(st, ":s", n->seats);
	db_bind_text(st, ":c", n->cadence);
	db_bind_int(st, ":m", n->duration_min);
	db_bind_int(st, ":w", n->weeks);
	db_bind_int(st, ":now", now);
	if ((rc = db_exec_step(db, st)) != DB_OK)
		return db_end(db, rc);
	*id = sqlite3_last_insert_rowid(db_handle(db));
	st = DB_STMT(db, "INSERT INTO ring_mentors(ring_id, user_id, state) VALUES (:r, :u, 'active')");
	if (!st)
		return db_end(db, DB_ERR);
	db_bind_int(st, ":r", *id);
	db_bind_int(st, ":u", n->owner_id);
	return db_end(db, db_exec_step(db, st));
}

/* uid's role in ring (and their place in line; seat: 1 when they hold a
 * member's seat, also while invited to co-mentor): one lookup in each of
 * the two tables' primary keys. */
static enum db_rc role_seat(struct db *db, int64_t ring, int64_t uid, enum ring_role *role, int *place,
			    int *seat)
{
	*role = RING_NONE;
	if (place)
		*place = 0;
	if (seat)
		*seat = 0;
	sqlite3_stmt *st = DB_STMT(db, "SELECT state FROM ring_mentors WHERE ring_id = :r AND user_id = :u");
	if (!st)
		return DB_ERR;
	db_bind_int(st, ":r", ring);
	db_bind_int(st, ":u", uid);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		const char *s = (const char *)sqlite3_column_text(st, 0);
		*role = s && strcmp(s, "active") == 0 ? RING_MENTOR : RING_INVITED;
	}
	sqlite3_reset(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return db_rc_from(rc);
	if (*role == RING_MENTOR)
		return DB_OK;
	/* An invited co-mentor may still hold a seat until they accept. */
	enum ring_role invited = *role;
	st = DB_STMT(db, "SELECT m.state, (SELECT count(*) FROM ring_members w WHERE w.ring_id = m.ring_id "
			 "AND w.state = 'waiting' AND (w.since, w.user_id) <= (m.since, m.user_id)) "
			 "FROM ring_members m WHERE m.ring_id = :r AND m.user_id = :u");
	if (!st)
		return DB_ERR;
	db_bind_int(st, ":r", ring);
	db_bind_int(st, ":u", uid);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		const char *s = (const char *)sqlite3_column_text(st, 0);
		int member = s && strcmp(s, "member") == 0;
		if (seat)
			*seat = member;
		if (invited == RING_NONE)
			*role = member ? RING_MEMBER : RING_WAITING;
		/* In line (asked to co-mentor or not): the place is kept. */
		if (place && !member)
			*place = sqlite3_column_int(st, 1);
	}
	sqlite3_reset(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? DB_OK : db_rc_from(rc);
}

static enum db_rc role_of(struct db *db, int64_t ring, int64_t uid, enum ring_role *role, int *place)
{
	return role_seat(db, ring, uid, role, place, NULL);
}

enum db_rc ring_get(struct db *db, int64_t id, int64_t uid, struct ring *r)
{
	memset(r, 0, sizeof(*r));
	sqlite3_stmt *st = DB_STMT(
		db, "SELECT g.id, g.owner_id, g.created_at, g.topic, g.description, g.cadence, g.status, "
		    "u.display_name, g.seats, g.members, g.duration_min, g.weeks, "
		    "(SELECT count(*) FROM ring_members w WHERE w.ring_id = g.id AND w.state = 'waiting') "
		    "FROM rings g JOIN users u ON u.id = g.owner_id WHERE g.id = :id");
	if (!st)
		return DB_ERR;
	db_bind_int(st, ":id", id);
	int rc = sqlite3_step(st);
	if (rc != SQLITE_ROW) {
		sqlite3_reset(st);
		return rc == SQLITE_DONE ? DB_NOTFOUND : db_rc_from(rc);
	}
	r->id = sqlite3_column_int64(st, 0);
	r->owner_id = sqlite3_column_int64(st, 1);
	r->created_at = sqlite3_column_int64(st, 2);
	db_column_copy(st, 3, r->topic, sizeof(r->topic));
	db_column_copy(st, 4, r->description, sizeof(r->description));
	db_column_copy(st, 5, r->cadence, sizeof(r->cadence));
	db_column_copy(st, 6, r->status, sizeof(r->status));
	db_column_copy(st, 7, r->owner_name, sizeof(r->owner_name));
	r->seats = sqlite3_column_int(st, 8);
	r->members = sqlite3_column_int(st, 9);
	r->duration_min = sqlite3_column_int(st, 10);
	r->weeks = sqlite3_column_int(st, 11);
	r->waiting = sqlite3_column_int(st, 12);
	sqlite3_reset(st);
	return role_seat(db, id, uid, &r->my_role, &r->my_place, &r->my_seat);
}

/* Mentors' names of a ring, for lists: the active ones, kept on the ring
 * by triggers (sql/0031_ring_kept.sql); a subquery per row (a
 * seek into ring_mentors and users per mentor) was half of the list's SQL. */
#define RING_MENTOR_NAMES "g.mentor_names"

enum db_rc ring_open_page(struct db *db, const struct keyset *after, int max,
			  void (*fn)(void *arg, const struct ring_row *r), void *arg, int *more)
{
	/* The WHERE repeats the partial index's terms, so the planner reads
	 * rings_open from the key on: page 50 costs what page 1 costs. */
	sqlite3_stmt *st =
		DB_STMT(db, "SELECT g.id, g.created_at, g.topic, g.cadence, g.status, " RING_MENTOR_NAMES
			    ", g.seats, g.members, g.duration_min FROM rings g "
			    "WHERE g.status = 'open' AND g.members < g.seats "
			    "AND (g.created_at, g.id) < (:at, :id) "
			    "ORDER BY g.created_at DESC, g.id DESC LIMIT :n");
	if (!st)
		return DB_ERR;
	keyset_bind(st, after, max);
	int rc, n = 0;
	*more = 0;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (n++ == max) {
			*more = 1;
			break;
		}
		struct ring_row r = {
			.id = sqlite3_column_int64(st, 0),
			.created_at = sqlite3_column_int64(st, 1),
			.topic = (const char *)sqlite3_column_text(st, 2),
			.cadence = (const char *)sqlite3_column_text(st, 3),
			.status = (const char *)sqlite3_column_text(st, 4),
			.mentors = (const char *)sqlite3_column_text(st, 5),
			.seats = sqlite3_column_int(st, 6),
			.members = sqlite3_column_int(st, 7),
			.duration_min = sqlite3_column_int(st, 8),
		};
		if (!r.mentors)
			r.mentors = "";
		fn(arg, &r);
	}
	sqlite3_reset(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? DB_OK : db_rc_from(rc);
}

enum db_rc ring_mine_each(struct db *db, int64_t uid, void (*fn)(void *arg, const struct ring_row *r),
			  void *arg)
{
	/* Once per ring: someone asked to co-mentor who also holds a seat or
	 * a place in line is listed as asked (their ring page says both). */
	sqlite3_stmt *st = DB_STMT(
		db, "SELECT g.id, g.created_at, g.topic, g.cadence, g.status, " RING_MENTOR_NAMES
		    ", g.seats, g.members, g.duration_min, x.role FROM "
		    "(SELECT ring_id, CASE state WHEN 'active' THEN 3 ELSE 4 END AS role FROM ring_mentors "
		    " WHERE user_id = :u UNION ALL SELECT m.ring_id, CASE m.state WHEN 'member' THEN 1 ELSE "
		    "2 END "
		    " FROM ring_members m WHERE m.user_id = :u AND NOT EXISTS (SELECT 1 FROM ring_mentors o "
		    " WHERE o.ring_id = m.ring_id AND o.user_id = :u)) x JOIN rings g ON g.id = x.ring_id "
		    "ORDER BY g.id DESC LIMIT 50");
	if (!st)
		return DB_ERR;
	db_bind_int(st, ":u", uid);
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct ring_row r = {
			.id = sqlite3_column_int64(st, 0),
			.created_at = sqlite3_column_int64(st, 1),
			.topic = (const char *)sqlite3_column_text(st, 2),
			.cadence = (const char *)sqlite3_column_text(st, 3),
			.status = (const char *)sqlite3_column_text(st, 4),
			.mentors = (const char *)sqlite3_column_text(st, 5),
			.seats = sqlite3_column_int(st, 6),
			.members = sqlite3_column_int(st, 7),
			.duration_min = sqlite3_column_int(st, 8),
			.role = (enum ring_role)sqlite3_column_int(st, 9),
		};
		if (!r.mentors)
			r.mentors = "";
		fn(arg, &r);
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? DB_OK : db_rc_from(rc);
}

enum db_rc ring_people_each(struct db *db, int64_t ring, int64_t uid,
			    void (*fn)(void *arg, int64_t user_id, const char *name, enum ring_role role),
			    void *arg)
{
	enum ring_role me;
	int seat = 0;
	enum db_rc rc = role_seat(db, ring, uid, &me, NULL, &seat);
	if (rc != DB_OK)
		return rc;
	/* A member asked to co-mentor keeps their seat, and what a seat
	 * shows, until they accept (then they are a mentor) or decline. */
	if (me != RING_MENTOR && me != RING_MEMBER && !(me == RING_INVITED && seat))
		return DB_NOTFOUND;
	sqlite3_stmt *st = DB_STMT(
		db,
		"SELECT x.user_id, u.display_name, x.role FROM (SELECT user_id, "
		"CASE state WHEN 'active' THEN 3 ELSE 4 END AS role, 0 AS since FROM ring_mentors "
		"WHERE ring_id = :r UNION ALL SELECT user_id, CASE state WHEN 'member' THEN 1 ELSE 2 END, "
		"since FROM ring_members WHERE ring_id = :r) x JOIN users u ON u.id = x.user_id "
		"ORDER BY CASE x.role WHEN 3 THEN 0 WHEN 4 THEN 1 WHEN 1 THEN 2 ELSE 3 END, "
		"CASE x.role WHEN 2 THEN x.since ELSE 0 END, u.display_name, x.user_id");
	if (!st)
		return DB_ERR;
	db_bind_int(st, ":r", ring);
	int src;
	while ((src = sqlite3_step(st)) == SQLITE_ROW)
		fn(arg, sqlite3_column_int64(st, 0), (const char *)sqlite3_column_text(st, 1),
		   (enum ring_role)sqlite3_column_int(st, 2));
	sqlite3_reset(st);
	return src == SQLITE_DONE ? DB_OK : db_rc_from(src);
}

static enum ring_rc fail(struct db *db, enum db_rc rc)
{
	db_rollback(db);
	return (enum ring_rc)db_failure(rc);
}

static enum ring_rc refuse(struct db *db, enum ring_rc r)
{
	db_rollback(db);
	return r;
}

/* The ring's status and free seats, read under the write lock. 1 found,
 * 0 none, -1 error. */
static int ring_state(struct db *db, int64_t ring, char status[8], int *free_seats)
{
	sqlite3_stmt *st = DB_STMT(db, "SELECT status, seats - members FROM rings WHERE id = :r");
	if (!st)
		return -1;
	db_bind_int(st, ":r", ring);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		db_column_copy(st, 0, status, 8);
		*free_seats = sqlite3_column_int(st, 1);
	}
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

enum ring_rc ring_join(struct db *db, int64_t ring, int64_t uid, int64_t now, int *waiting)
{
	*waiting = 0;
	enum db_rc began = db_begin(db);
	if (began != DB_OK)
		return (enum ring_rc)db_failure(began);
	/* Everything below is read under the write lock (BEGIN IMMEDIATE):
	 * two joins for the last seat are one after the other here, and the
	 * second sees no seat left. */
	char status[8] = "";
	int free_seats = 0;
	int found = ring_state(db, ring, status, &free_seats);
	if (found < 0)
		return fail(db, DB_ERR);
	if (found == 0)
		return refuse(db, RING_NOTFOUND);
	enum ring_role role;
	enum db_rc rc = role_of(db, ring, uid, &role, NULL);
	if (rc != DB_OK)
		return fail(db, rc);
	if (role != RING_NONE)
		return refuse(db, RING_ALREADY);
	if (strcmp(status, "open") != 0)
		return refuse(db, RING_CLOSED);
	*waiting = free_seats <= 0;
	sqlite3_stmt *st = DB_STMT(db, "INSERT INTO ring_members(ring_id, user_id, state, since) "
				       "VALUES (:r, :u, :s, :now)");
	if (!st)
		return fail(db, DB_ERR);
	db_bind_int(st, ":r", ring);
	db_bind_int(st, ":u", uid);
	db_bind_text(st, ":s", *waiting ? "waiting" : "member");
	db_bind_int(st, ":now", now);
	if ((rc = db_exec_step(db, st)) != DB_OK)
		return fail(db, rc);
	if ((rc = db_commit(db)) != DB_OK)
		return (enum ring_rc)db_failure(rc);
	return RING_OK;
}

/* Seat the first in line while the ring is open and has a seat, and tell
 * them by mail in the same transaction. */
static enum db_rc promote(struct db *db, int64_t ring)
{
	sqlite3_stmt *st =
		DB_STMT(db, "SELECT w.user_id FROM ring_members w JOIN rings g ON g.id = w.ring_id "
			    "WHERE w.ring_id = :r AND w.state = 'waiting' AND g.status = 'open' "
			    "AND g.members < g.seats ORDER BY w.since, w.user_id LIMIT 1");
	if (!st)
		return DB_ERR;
	db_bind_int(st, ":r", ring);
	int rc = sqlite3_step(st);
	int64_t first = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	sqlite3_reset(st);
	if (rc != SQLITE_ROW)
		return rc == SQLITE_DONE ? DB_OK : db_rc_from(rc);
	st = DB_STMT(db, "UPDATE ring_members SET state = 'member' WHERE ring_id = :r AND user_id = :u");
	if (!st)
		return DB_ERR;
	db_bind_int(st, ":r", ring);
	db_bind_int(st, ":u", first);
	enum db_rc w = db_exec_step(db, st);
	if (w != DB_OK)
		return w;
	st = DB_STMT(db, "INSERT INTO outbox(event, user_id, ref, due) VALUES (:e, :u, :r, 0)");
	if (!st)
		return DB_ERR;
	db_bind_int(st, ":e", OB_RING_SEATED);
	db_bind_int(st, ":u", first);
	db_bind_int(st, ":r", ring);
	return db_exec_step(db, st);
}

/* The first ring of uid that st (a read of ring_members or ring_mentors
 * by the person's index) finds, 0 when none, -1 on error. */
static int64_t first_ring(sqlite3_stmt *st, int64_t uid)
{
	if (!st)
		return -1;
	db_bind_int(st, ":u", uid);
	int rc = sqlite3_step(st);
	int64_t r = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	sqlite3_reset(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? r : -1;
}

/* A ring mentor leaving: out of ring_mentors; a ring with no active
 * mentor left takes nobody new. */
static enum db_rc mentor_leaves(struct db *db, int64_t uid)
{
	for (;;) {
		int64_t r = first_ring(
			DB_STMT(db, "SELECT ring_id FROM ring_mentors WHERE user_id = :u LIMIT 1"), uid);
		if (r <= 0)
			return r < 0 ? DB_ERR : DB_OK;
		sqlite3_stmt *st =
			DB_STMT(db, "DELETE FROM ring_mentors WHERE ring_id = :r AND user_id = :u");
		if (!st)
			return DB_ERR;
		db_bind_int(st, ":r", r);
		db_bind_int(st, ":u", uid);
		enum db_rc rc = db_exec_step(db, st);
		if (rc != DB_OK)
			return rc;
		st = DB_STMT(
			db,
			"UPDATE rings SET status = 'closed' WHERE id = :r AND status = 'open' AND NOT EXISTS "
			"(SELECT 1 FROM ring_mentors m JOIN users u ON u.id = m.user_id AND u.active = 1 "
			"WHERE m.ring_id = :r AND m.state = 'active')");
		if (!st)
			return DB_ERR;
		db_bind_int(st, ":r", r);
		if ((rc = db_exec_step(db, st)) != DB_OK)
			return rc;
	}
}

/* Inside the caller's transaction: uid's seat or waiting place in ring
 * goes (*gone: whether there was one), and a freed seat to the first in
 * line (promote). */
static enum db_rc drop_place(struct db *db, int64_t ring, int64_t uid, int *gone)
{
	sqlite3_stmt *st = DB_STMT(db, "DELETE FROM ring_members WHERE ring_id = :r AND user_id = :u");
	if (!st)
		return DB_ERR;
	db_bind_int(st, ":r", ring);
	db_bind_int(st, ":u", uid);
	enum db_rc rc = db_exec_step(db, st);
	*gone = rc == DB_OK && sqlite3_changes(db_handle(db)) > 0;
	return rc == DB_OK && *gone ? promote(db, ring) : rc;
}

enum db_rc ring_person_leaves(struct db *db, int64_t uid)
{
	/* One ring at a time: each delete changes what the next read finds. */
	for (;;) {
		int64_t r = first_ring(
			DB_STMT(db, "SELECT ring_id FROM ring_members WHERE user_id = :u LIMIT 1"), uid);
		if (r < 0)
			return DB_ERR;
		if (r == 0)
			return mentor_leaves(db, uid);
		int gone = 0;
		enum db_rc rc = drop_place(db, r, uid, &gone);
		if (rc != DB_OK)
			return rc;
	}
}

enum ring_rc ring_leave(struct db *db, int64_t ring, int64_t uid)
{
	enum db_rc began = db_begin(db);
	if (began != DB_OK)
		return (enum ring_rc)db_failure(began);
	int gone = 0;
	enum db_rc rc = drop_place(db, ring, uid, &gone);
	if (rc != DB_OK)
		return fail(db, rc);
	if (!gone)
		return refuse(db, RING_NOTFOUND);
	if ((rc = db_commit(db)) != DB_OK)
		return (enum ring_rc)db_failure(rc);
	return RING_OK;
}

enum ring_rc ring_invite_mentor(struct db *db, int64_t ring, int64_t uid, int64_t user)
{
	enum db_rc began = db_begin(db);
	if (began != DB_OK)
		return (enum ring_rc)db_failure(began);
	enum ring_role me, them;
	enum db_rc rc = role_of(db, ring, uid, &me, NULL);
	if (rc != DB_OK)
		return fail(db, rc);
	if (me != RING_MENTOR)
		return refuse(db, RING_NOTFOUND);
	char status[8] = "";
	int free_seats;
	if (ring_state(db, ring, status, &free_seats) != 1)
		return fail(db, DB_ERR);
	if (strcmp(status, "ended") == 0)
		return refuse(db, RING_CLOSED);
	sqlite3_stmt *st = DB_STMT(db, "SELECT 1 FROM users WHERE id = :u AND active = 1 AND verified = 1");
	if (!st)
		return fail(db, DB_ERR);
	db_bind_int(st, ":u", user);
	int src = sqlite3_step(st);
	sqlite3_reset(st);
	if (src != SQLITE_ROW) {
		if (src != SQLITE_DONE)
			return fail(db, db_rc_from(src));
		return refuse(db, RING_NO_USER);
	}
	if ((rc = role_of(db, ring, user, &them, NULL)) != DB_OK)
		return fail(db, rc);
	if (them == RING_MENTOR || them == RING_INVITED)
		return refuse(db, RING_ALREADY);
	st = DB_STMT(db, "INSERT INTO ring_mentors(ring_id, user_id, state) VALUES (:r, :u, 'invited')");
	if (!st)
		return fail(db, DB_ERR);
	db_bind_int(st, ":r", ring);
	db_bind_int(st, ":u", user);
	if ((rc = db_exec_step(db, st)) != DB_OK)
		return fail(db, rc);
	st = DB_STMT(db, "INSERT INTO outbox(event, user_id, ref, due) VALUES (:e, :u, :r, 0)");
	if (!st)
		return fail(db, DB_ERR);
	db_bind_int(st, ":e", OB_RING_MENTOR_INVITED);
	db_bind_int(st, ":u", user);
	db_bind_int(st, ":r", ring);
	if ((rc = db_exec_step(db, st)) != DB_OK)
		return fail(db, rc);
	if ((rc = db_commit(db)) != DB_OK)
		return (enum ring_rc)db_failure(rc);
	return RING_OK;
}

enum ring_rc ring_mentor_answer(struct db *db, int64_t ring, int64_t uid, int accept)
{
	enum db_rc began = db_begin(db);
	if (began != DB_OK)
		return (enum ring_rc)db_failure(began);
	enum ring_role me;
	enum db_rc rc = role_of(db, ring, uid, &me, NULL);
	if (rc != DB_OK)
		return fail(db, rc);
	if (me == RING_MENTOR)
		return refuse(db, RING_ALREADY);
	if (me != RING_INVITED)
		return refuse(db, RING_NOTFOUND);
	/* Nobody new becomes one of an ended ring's people (its notes open
	 * for them): ending it drops invitations, and an accept is refused. */
	char status[8] = "";
	int free_seats;
	if (ring_state(db, ring, status, &free_seats) != 1)
		return fail(db, DB_ERR);
	if (accept && strcmp(status, "ended") == 0)
		return refuse(db, RING_CLOSED);
	sqlite3_stmt *st =
		accept ? DB_STMT(db, "UPDATE ring_mentors SET state = 'active' WHERE ring_id = :r AND "
				     "user_id = :u")
		       : DB_STMT(db, "DELETE FROM ring_mentors WHERE ring_id = :r AND user_id = :u");
	if (!st)
		return fail(db, DB_ERR);
	db_bind_int(st, ":r", ring);
	db_bind_int(st, ":u", uid);
	if ((rc = db_exec_step(db, st)) != DB_OK)
		return fail(db, rc);
	if (accept) {
		/* A mentor does not also hold a seat: it goes to the line. */
		st = DB_STMT(db, "DELETE FROM ring_members WHERE ring_id = :r AND user_id = :u");
		if (!st)
			return fail(db, DB_ERR);
		db_bind_int(st, ":r", ring);
		db_bind_int(st, ":u", uid);
		if ((rc = db_exec_step(db, st)) != DB_OK || (rc = promote(db, ring)) != DB_OK)
			return fail(db, rc);
	}
	if ((rc = db_commit(db)) != DB_OK)
		return (enum ring_rc)db_failure(rc);
	return RING_OK;
}

enum ring_rc ring_close(struct db *db, int64_t ring, int64_t uid, int end, int64_t now)
{
	enum db_rc began = db_begin(db);
	if (began != DB_OK)
		return (enum ring_rc)db_failure(began);
	enum ring_role me;
	enum db_rc rc = role_of(db, ring, uid, &me, NULL);
	if (rc != DB_OK)
		return fail(db, rc);
	if (me != RING_MENTOR)
		return refuse(db, RING_NOTFOUND);
	char status[8] = "";
	int free_seats;
	if (ring_state(db, ring, status, &free_seats) != 1)
		return fail(db, DB_ERR);
	if (strcmp(status, "ended") == 0 || (!end && strcmp(status, "closed") == 0))
		return refuse(db, RING_ALREADY);
	sqlite3_stmt *st = DB_STMT(db, "UPDATE rings SET status = :s WHERE id = :r");
	if (!st)
		return fail(db, DB_ERR);
	db_bind_text(st, ":s", end ? "ended" : "closed");
	db_bind_int(st, ":r", ring);
	if ((rc = db_exec_step(db, st)) != DB_OK)
		return fail(db, rc);
	if (end) {
		/* An invitation not yet accepted dies with the ring: accepted
		 * later, it would open the ended ring's notes to a newcomer. */
		st = DB_STMT(db, "DELETE FROM ring_mentors WHERE ring_id = :r AND state = 'invited'");
		if (!st)
			return fail(db, DB_ERR);
		db_bind_int(st, ":r", ring);
		if ((rc = db_exec_step(db, st)) != DB_OK)
			return fail(db, rc);
		/* Members answer the mentees' survey, mentors the mentors'; once
		 * per person per survey (UNIQUE), like a mentorship's end. The
		 * waiting list never took part, so it is not asked. */
		st = DB_STMT(db,
			     "INSERT OR IGNORE INTO survey_invitations(survey_id, user_id, ring_id, role) "
			     "SELECT s.id, p.uid, :r, p.role FROM "
			     "(SELECT user_id AS uid, 'mentor' AS role FROM ring_mentors WHERE ring_id = :r "
			     " AND state = 'active' UNION ALL SELECT user_id, 'mentee' FROM ring_members "
			     " WHERE ring_id = :r AND state = 'member') p "
			     "JOIN surveys s ON s.status = 'open' AND s.audience IN (p.role, 'both')");
		if (!st)
			return fail(db, DB_ERR);
		db_bind_int(st, ":r", ring);
		if ((rc = db_exec_step(db, st)) != DB_OK)
			return fail(db, rc);
		/* Their mail, as a mentorship's end sends it: now, and a
		 * reminder a week later if still unanswered. */
		st = DB_STMT(
			db,
			"INSERT INTO outbox(event, user_id, ref, due) "
			"SELECT k.e, i.user_id, i.id, CASE k.e WHEN :inv THEN :now ELSE :now + :later END "
			"FROM survey_invitations i, (SELECT :inv AS e UNION ALL SELECT :rem) k "
			"WHERE i.ring_id = :r AND i.answered = 0");
		if (!st)
			return fail(db, DB_ERR);
		db_bind_int(st, ":inv", OB_SURVEY_INVITE);
		db_bind_int(st, ":rem", OB_SURVEY_REMINDER);
		db_bind_int(st, ":later", OUTBOX_SURVEY_REMIND_AFTER);
		db_bind_int(st, ":now", now);
		db_bind_int(st, ":r", ring);
		if ((rc = db_exec_step(db, st)) != DB_OK)
			return fail(db, rc);
	}
	if ((rc = db_commit(db)) != DB_OK)
		return (enum ring_rc)db_failure(rc);
	return RING_OK;
}

int ring_outbox_facts(struct db *db, const struct outbox_row *r, struct outbox_facts *f)
{
	sqlite3_stmt *st =
		r->event == OB_RING_SEATED
			? DB_STMT(db, "SELECT u.display_name, u.email, coalesce(p.timezone, 'UTC'), g.topic, "
				      "o.display_name FROM ring_members x JOIN rings g ON g.id = x.ring_id "
				      "JOIN users u ON u.id = x.user_id AND u.active = 1 JOIN users o ON "
				      "o.id = g.owner_id "
				      "LEFT JOIN profiles p ON p.user_id = u.id WHERE x.ring_id = :r AND "
				      "x.user_id = :u "
				      "AND x.state = 'member' AND g.status <> 'ended'")
			: DB_STMT(db, "SELECT u.display_name, u.email, coalesce(p.timezone, 'UTC'), g.topic, "
				      "o.display_name "
				      "FROM ring_mentors x JOIN rings g ON g.id = x.ring_id JOIN users u ON "
				      "u.id = x.user_id "
				      "AND u.active = 1 JOIN users o ON o.id = g.owner_id LEFT JOIN profiles "
				      "p ON p.user_id = u.id "
				      "WHERE x.ring_id = :r AND x.user_id = :u AND x.state = 'invited' AND "
				      "g.status <> 'ended'");
	if (!st)
		return -1;
	db_bind_int(st, ":r", r->ref);
	db_bind_int(st, ":u", r->user_id);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		db_column_copy(st, 0, f->name, sizeof(f->name));
		db_column_copy(st, 1, f->email, sizeof(f->email));
		db_column_copy(st, 2, f->tz, sizeof(f->tz));
		db_column_copy(st, 3, f->topic, sizeof(f->topic));
		db_column_copy(st, 4, f->other_name, sizeof(f->other_name));
		f->ring_id = r->ref;
		f->is_mentor = 1;
	}
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

int ring_survey_facts(struct db *db, int64_t ring, int64_t uid, struct outbox_facts *f)
{
	sqlite3_stmt *st =
		DB_STMT(db, "SELECT u.display_name, u.email, coalesce(p.timezone, 'UTC'), g.topic, "
			    "u.active FROM rings g JOIN users u ON u.id = :u "
			    "LEFT JOIN profiles p ON p.user_id = u.id WHERE g.id = :r");
	if (!st)
		return -1;
	db_bind_int(st, ":r", ring);
	db_bind_int(st, ":u", uid);
	int rc = sqlite3_step(st), active = 0;
	if (rc == SQLITE_ROW) {
		db_column_copy(st, 0, f->name, sizeof(f->name));
		db_column_copy(st, 1, f->email, sizeof(f->email));
		db_column_copy(st, 2, f->tz, sizeof(f->tz));
		db_column_copy(st, 3, f->topic, sizeof(f->topic));
		active = sqlite3_column_int(st, 4);
		f->ring_id = ring;
	}
	sqlite3_reset(st);
	if (rc != SQLITE_ROW)
		return rc == SQLITE_DONE ? 0 : -1;
	return active;
}
