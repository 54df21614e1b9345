#include "store/outbox_pairing.h"

#include <stdio.h>
#include <string.h>

enum db_rc outbox_oh_cancelled(struct db *db, int64_t oid, int64_t now)
{
	sqlite3_stmt *st = DB_STMT(db, "INSERT INTO outbox(event, user_id, ref, at, due) "
				       "SELECT :e, b.user_id, b.occurrence_id, o.starts_at, :now "
				       "FROM oh_bookings b JOIN oh_occurrences o ON o.id = b.occurrence_id "
				       "WHERE b.occurrence_id = :o");
	if (!st)
		return DB_ERR;
	db_bind_int(st, ":e", OB_OH_CANCELLED);
	db_bind_int(st, ":now", now);
	db_bind_int(st, ":o", oid);
	return db_exec_step(db, st);
}

enum db_rc outbox_swap_offered(struct db *db, int64_t sid, int64_t to, int64_t now)
{
	sqlite3_stmt *st =
		DB_STMT(db, "INSERT INTO outbox(event, user_id, ref, at, due) "
			    "SELECT :e, :to, id, starts_at, :now FROM help_sessions WHERE id = :s");
	if (!st)
		return DB_ERR;
	db_bind_int(st, ":e", OB_SWAP_OFFERED);
	db_bind_int(st, ":to", to);
	db_bind_int(st, ":now", now);
	db_bind_int(st, ":s", sid);
	return db_exec_step(db, st);
}

/* The recipient's name, address and zone; 1 when active, 0 not, -1 error. */
static int recipient(struct db *db, int64_t uid, struct outbox_facts *f)
{
	sqlite3_stmt *st =
		DB_STMT(db, "SELECT u.display_name, u.email, coalesce(p.timezone, 'UTC') FROM users u "
			    "LEFT JOIN profiles p ON p.user_id = u.id WHERE u.id = :u AND u.active = 1");
	if (!st)
		return -1;
	db_bind_int(st, ":u", uid);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		db_column_copy(st, 0, f->name, sizeof(f->name));
		db_column_copy(st, 1, f->email, sizeof(f->email));
		db_column_copy(st, 2, f->tz, sizeof(f->tz));
	}
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

int outbox_pairing_check(struct db *db, const struct outbox_row *r, int64_t now, struct outbox_facts *f)
{
	(void)now;
	int rc = recipient(db, r->user_id, f);
	if (rc != 1)
		return rc;
	sqlite3_stmt *st;
	if (r->event == OB_OH_CANCELLED) {
		/* Still cancelled (the host cannot reopen, but say only what holds). */
		st = DB_STMT(db, "SELECT u.display_name, s.topic, o.starts_at FROM oh_occurrences o "
				 "JOIN office_hours s ON s.id = o.series_id JOIN users u ON u.id = o.host_id "
				 "WHERE o.id = :id AND o.status = 'cancelled'");
		snprintf(f->path, sizeof(f->path), "/office-hours");
	} else {
		/* Still offered to this person. */
		st = DB_STMT(db, "SELECT u.display_name, r.name, h.starts_at FROM help_sessions h "
				 "JOIN rotations r ON r.id = h.rotation_id JOIN users u ON u.id = h.lead_id "
				 "WHERE h.id = :id AND h.swap_to = :u AND h.logged_at IS NULL");
		snprintf(f->path, sizeof(f->path), "/help-sessions");
	}
	if (!st)
		return -1;
	db_bind_int(st, ":id", r->ref);
	if (r->event == OB_SWAP_OFFERED)
		db_bind_int(st, ":u", r->user_id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		db_column_copy(st, 0, f->other_name, sizeof(f->other_name));
		db_column_copy(st, 1, f->topic, sizeof(f->topic));
		f->at = sqlite3_column_int64(st, 2);
	}
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}
