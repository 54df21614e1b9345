#include "store/outbox.h"

#include <string.h>
#include <time.h>

#include "security/acct_link.h"
#include "store/outbox_pairing.h"
#include "store/requests.h"
#include "store/coffee.h"
#include "store/rings.h"
#include "store/survey_send.h"

enum notify_kind outbox_event_kind(enum outbox_event e)
{
	switch (e) {
	case OB_REQUEST_NEW: return NOTIFY_REQUEST_NEW;
	case OB_REQUEST_ACCEPTED:
	case OB_REQUEST_DECLINED:
	case OB_REQUEST_EXPIRED: return NOTIFY_REQUEST_ANSWER;
	case OB_REQUEST_OVERDUE: return NOTIFY_REQUEST_OVERDUE;
	case OB_MS_STARTED:
	case OB_MS_ENDING: return NOTIFY_MENTORSHIP;
	case OB_PLAN_SET:
	case OB_PLAN_CANCELLED: return NOTIFY_SESSION_PLAN;
	case OB_SESSION_SOON: return NOTIFY_SESSION_SOON;
	case OB_FEEDBACK_OWED: return NOTIFY_FEEDBACK;
	case OB_SURVEY_INVITE:
	case OB_SURVEY_REMINDER: return NOTIFY_SURVEY;
	/* issue 16: never looked up (outbox_event_switchable) */
	case OB_ACCT_VERIFY:
	case OB_ACCT_RESET:
	case OB_ACCT_INVITE:
	case OB_ACCT_PW_RESET: return NOTIFY_MENTORSHIP;
	case OB_ACCOUNT_CLOSED:
		return NOTIFY_MENTORSHIP; /* issue 16 */
	/* issue 18 */
	case OB_COFFEE_MATCHED:
	case OB_RING_MENTOR_INVITED:
	case OB_RING_SEATED: return NOTIFY_MENTORSHIP;
	/* issue 17 */
	case OB_OH_CANCELLED:
	case OB_SWAP_OFFERED: return NOTIFY_SESSION_PLAN;
	case OB_MS_PAST_END: return NOTIFY_MENTORSHIP;	   /* issue 21 */
	case OB_THANKS_RECEIVED: return NOTIFY_MENTORSHIP; /* issue 19 */
	}
	return NOTIFY_MENTORSHIP;
}

int outbox_event_switchable(enum outbox_event e)
{
	return !(e >= OB_ACCT_VERIFY && e <= OB_ACCT_PW_RESET);
}

enum db_rc outbox_account(struct db *db, enum outbox_event e, int64_t user_id, int64_t ref, int64_t now)
{
	sqlite3_stmt *st =
		DB_STMT(db, "INSERT INTO outbox(event, user_id, ref, due) VALUES (:e, :u, :r, :now)");
	if (!st)
		return DB_ERR;
	db_bind_int(st, ":e", e);
	db_bind_int(st, ":u", user_id);
	db_bind_int(st, ":r", ref);
	db_bind_int(st, ":now", now);
	return db_exec_step(db, st);
}

/* Issue 16: an account mail is needed while its link is unused and
 * unexpired and the account active; the link's token is written again
 * from the row (security/acct_link.h). The notice of a reset needs only
 * the person. */
static int account_facts(struct db *db, const struct outbox_row *r, int64_t now, struct outbox_facts *f)
{
	if (r->event == OB_ACCT_PW_RESET) {
		sqlite3_stmt *st =
			DB_STMT(db, "SELECT email, display_name FROM users WHERE id = :u AND active = 1");
		if (!st)
			return -1;
		db_bind_int(st, ":u", r->user_id);
		int rc = sqlite3_step(st);
		if (rc == SQLITE_ROW) {
			db_column_copy(st, 0, f->email, sizeof(f->email));
			db_column_copy(st, 1, f->name, sizeof(f->name));
		}
		sqlite3_reset(st);
		return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
	}
	sqlite3_stmt *st = DB_STMT(db, "SELECT u.email, u.display_name, t.salt, t.token_hash, t.expires_at "
				       "FROM account_tokens t JOIN users u ON u.id = t.user_id "
				       "WHERE t.id = :id AND t.user_id = :u AND t.used_at IS NULL "
				       "AND t.expires_at > :now AND u.active = 1");
	if (!st)
		return -1;
	db_bind_int(st, ":id", r->ref);
	db_bind_int(st, ":u", r->user_id);
	db_bind_int(st, ":now", now);
	int rc = sqlite3_step(st), ok = 0;
	if (rc == SQLITE_ROW && sqlite3_column_bytes(st, 2) == ACCT_LINK_SALT_BYTES &&
	    sqlite3_column_bytes(st, 3) == TOKEN_HASH_BYTES) {
		db_column_copy(st, 0, f->email, sizeof(f->email));
		db_column_copy(st, 1, f->name, sizeof(f->name));
		f->link_expires = sqlite3_column_int64(st, 4);
		ok = acct_link_token(sqlite3_column_blob(st, 2), sqlite3_column_blob(st, 3), f->link_token) ==
		     0;
	}
	sqlite3_reset(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? ok : -1;
}

/* The write paths: one INSERT … SELECT each, so an event costs one
 * statement in the change's own transaction (and its savepoint in a group
 * commit), and the rows name the people from the change's own rows. */

enum db_rc outbox_request_created(struct db *db, int64_t request_id, int64_t now)
{
	sqlite3_stmt *st = DB_STMT(
		db,
		"INSERT INTO outbox(event, user_id, ref, due) "
		"SELECT k.e, CASE WHEN k.e = :expired THEN r.mentee_id ELSE r.mentor_id END, r.id, "
		"CASE k.e WHEN :new THEN :now WHEN :overdue THEN r.created_at + :week "
		"ELSE r.created_at + 1209600 END "
		"FROM requests r, (SELECT :new AS e UNION ALL SELECT :overdue UNION ALL SELECT :expired) k "
		"WHERE r.id = :r");
	if (!st)
		return DB_ERR;
	db_bind_int(st, ":new", OB_REQUEST_NEW);
	db_bind_int(st, ":overdue", OB_REQUEST_OVERDUE);
	db_bind_int(st, ":expired", OB_REQUEST_EXPIRED);
	db_bind_int(st, ":week", OUTBOX_OVERDUE_AFTER);
	db_bind_int(st, ":now", now);
	db_bind_int(st, ":r", request_id);
	return db_exec_step(db, st);
}

enum db_rc outbox_request_answered(struct db *db, int64_t request_id, enum outbox_event e, int64_t now)
{
	sqlite3_stmt *st = DB_STMT(db, "INSERT INTO outbox(event, user_id, ref, due) "
				       "SELECT :e, mentee_id, id, :now FROM requests WHERE id = :r");
	if (!st)
		return DB_ERR;
	db_bind_int(st, ":e", e);
	db_bind_int(st, ":now", now);
	db_bind_int(st, ":r", request_id);
	return db_exec_step(db, st);
}

enum db_rc outbox_requests_declined_to(struct db *db, int64_t mentor_id, int64_t now)
{
	sqlite3_stmt *st = DB_STMT(db, "INSERT INTO outbox(event, user_id, ref, due) "
				       "SELECT :e, mentee_id, id, :now FROM requests "
				       "WHERE mentor_id = :u AND status = 'pending'");
	if (!st)
		return DB_ERR;
	db_bind_int(st, ":e", OB_REQUEST_DECLINED);
	db_bind_int(st, ":now", now);
	db_bind_int(st, ":u", mentor_id);
	return db_exec_step(db, st);
}

enum db_rc outbox_mentorship_started(struct db *db, int64_t mentorship_id, int64_t now)
{
	/* The reminder a week before the planned end only when that is still
	 * ahead (a one-week mentorship gets none). */
	sqlite3_stmt *st = DB_STMT(
		db, "INSERT INTO outbox(event, user_id, ref, due) "
		    "SELECT k.e, CASE p.who WHEN 0 THEN m.mentor_id ELSE m.mentee_id END, m.id, "
		    "CASE k.e WHEN :start THEN :now ELSE CAST(strftime('%s', m.planned_end) AS INTEGER) - "
		    ":before END "
		    "FROM mentorships m, (SELECT 0 AS who UNION ALL SELECT 1) p, "
		    "(SELECT :start AS e UNION ALL SELECT :ending) k WHERE m.id = :m AND (k.e = :start OR "
		    "CAST(strftime('%s', m.planned_end) AS INTEGER) - :before > :now)");
	if (!st)
		return DB_ERR;
	db_bind_int(st, ":start", OB_MS_STARTED);
	db_bind_int(st, ":ending", OB_MS_ENDING);
	db_bind_int(st, ":before", OUTBOX_ENDING_BEFORE);
	db_bind_int(st, ":now", now);
	db_bind_int(st, ":m", mentorship_id);
	return db_exec_step(db, st);
}

/* issue 16 */
enum db_rc outbox_account_closed(struct db *db, int64_t mentorship_id, int64_t uid, int64_t now)
{
	sqlite3_stmt *st =
		DB_STMT(db, "INSERT INTO outbox(event, user_id, ref, due) "
			    "SELECT :e, CASE WHEN mentor_id = :u THEN mentee_id ELSE mentor_id END, id, :now "
			    "FROM mentorships WHERE id = :m AND :u IN (mentor_id, mentee_id)");
	if (!st)
		return DB_ERR;
	db_bind_int(st, ":e", OB_ACCOUNT_CLOSED);
	db_bind_int(st, ":u", uid);
	db_bind_int(st, ":now", now);
	db_bind_int(st, ":m", mentorship_id);
	return db_exec_step(db, st);
}

/* issue 19: to the mentor, now; the row holds the mentorship's id only. */
enum db_rc outbox_thanks(struct db *db, int64_t mentorship_id, int64_t now)
{
	sqlite3_stmt *st = DB_STMT(db, "INSERT INTO outbox(event, user_id, ref, due) "
				       "SELECT :e, mentor_id, id, :now FROM mentorships WHERE id = :m");
	if (!st)
		return DB_ERR;
	db_bind_int(st, ":e", OB_THANKS_RECEIVED);
	db_bind_int(st, ":now", now);
	db_bind_int(st, ":m", mentorship_id);
	return db_exec_step(db, st);
}

/* issue 21 */
enum db_rc outbox_past_end(struct db *db, int64_t mentorship_id, int64_t now)
{
	sqlite3_stmt *st =
		DB_STMT(db, "INSERT INTO outbox(event, user_id, ref, due) "
			    "SELECT :e, CASE p.who WHEN 0 THEN m.mentor_id ELSE m.mentee_id END, m.id, "
			    "max(:now, CAST(strftime('%s', m.planned_end) AS INTEGER) + 86400) "
			    "FROM mentorships m, (SELECT 0 AS who UNION ALL SELECT 1) p WHERE m.id = :m");
	if (!st)
		return DB_ERR;
	db_bind_int(st, ":e", OB_MS_PAST_END);
	db_bind_int(st, ":now", now);
	db_bind_int(st, ":m", mentorship_id);
	return db_exec_step(db, st);
}

enum db_rc outbox_plan_changed(struct db *db, int64_t mentorship_id, enum outbox_event e, int64_t plan_no,
			       int64_t plan_seq, int64_t at, int64_t now)
{
	sqlite3_stmt *st = DB_STMT(
		db,
		"INSERT INTO outbox(event, user_id, ref, plan_no, plan_seq, at, due) "
		"SELECT k.e, CASE p.who WHEN 0 THEN m.mentor_id ELSE m.mentee_id END, m.id, :no, :seq, :at, "
		"CASE k.e WHEN :soon THEN max(:now, :at - :before) ELSE :now END "
		"FROM mentorships m, (SELECT 0 AS who UNION ALL SELECT 1) p, "
		"(SELECT :e AS e UNION ALL SELECT :soon WHERE :e = :set) k WHERE m.id = :m");
	if (!st)
		return DB_ERR;
	db_bind_int(st, ":e", e);
	db_bind_int(st, ":set", OB_PLAN_SET);
	db_bind_int(st, ":soon", OB_SESSION_SOON);
	db_bind_int(st, ":before", OUTBOX_SOON_BEFORE);
	db_bind_int(st, ":no", plan_no);
	db_bind_int(st, ":seq", plan_seq);
	db_bind_int(st, ":at", at);
	db_bind_int(st, ":now", now);
	db_bind_int(st, ":m", mentorship_id);
	return db_exec_step(db, st);
}

int64_t outbox_feedback_mark(struct db *db)
{
	return db_scalar(db, "SELECT last FROM id_counters WHERE name = 'feedback_asked'", -1);
}

enum db_rc outbox_feedback_take(struct db *db, int64_t lo, int64_t hi)
{
	/* A session deleted meanwhile asks nobody. */
	sqlite3_stmt *add = DB_STMT(
		db, "INSERT INTO outbox(event, user_id, ref, due) "
		    "SELECT :owed, CASE w.mentee WHEN 0 THEN m.mentor_id ELSE m.mentee_id END, s.id, "
		    "s.created_at + :after FROM meetings s JOIN mentorships m ON m.id = s.mentorship_id, "
		    "(SELECT 0 AS mentee UNION ALL SELECT 1) w WHERE s.id > :lo AND s.id <= :hi "
		    "ORDER BY s.id, w.mentee");
	/* Only from where it was read: never a range twice. */
	sqlite3_stmt *mark = DB_STMT(db, "UPDATE id_counters SET last = :hi WHERE name = 'feedback_asked' "
					 "AND last = :lo");
	if (!add || !mark)
		return DB_ERR;
	db_bind_int(add, ":owed", OB_FEEDBACK_OWED);
	db_bind_int(add, ":after", OUTBOX_FEEDBACK_AFTER);
	db_bind_int(add, ":lo", lo);
	db_bind_int(add, ":hi", hi);
	enum db_rc rc = db_exec_step(db, add);
	if (rc != DB_OK)
		return rc;
	db_bind_int(mark, ":hi", hi);
	db_bind_int(mark, ":lo", lo);
	rc = db_exec_step(db, mark);
	return rc == DB_OK && sqlite3_changes(db_handle(db)) != 1 ? DB_ERR : rc;
}

int outbox_feedback_expand(struct db *db, int64_t now, int max)
{
	/* The sender asks twice a second: a read first, so that it takes
	 * the write lock only when something is due. Ids only grow in commit
	 * order, so the sessions after the mark are read in id order and
	 * taken up to the first one not an hour old. One stamped later than
	 * now (the clock stepped back since) is taken at once, its rows due
	 * when they would be: it must not hold every session after it. */
	int64_t lo = outbox_feedback_mark(db);
	sqlite3_stmt *rd =
		DB_STMT(db, "SELECT id, created_at FROM meetings WHERE id > :lo ORDER BY id LIMIT :max");
	if (lo < 0 || !rd)
		return -1;
	db_bind_int(rd, ":lo", lo);
	db_bind_int(rd, ":max", max);
	int64_t hi = lo;
	int n = 0, rc;
	while ((rc = sqlite3_step(rd)) == SQLITE_ROW) {
		int64_t at = sqlite3_column_int64(rd, 1);
		if (at + OUTBOX_FEEDBACK_AFTER > now && at <= now)
			break;
		hi = sqlite3_column_int64(rd, 0);
		n++;
	}
	sqlite3_reset(rd);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return -1;
	if (!n)
		return 0;
	if (db_begin(db) != DB_OK)
		return -1;
	return db_end(db, outbox_feedback_take(db, lo, hi)) == DB_OK ? n : -1;
}

enum db_rc outbox_survey_invited(struct db *db, int64_t mentorship_id, int64_t now)
{
	sqlite3_stmt *st = DB_STMT(
		db, "INSERT INTO outbox(event, user_id, ref, due) "
		    "SELECT k.e, i.user_id, i.id, CASE k.e WHEN :inv THEN :now ELSE :now + :later END "
		    "FROM mentorships m JOIN survey_invitations i ON i.user_id IN (m.mentor_id, m.mentee_id) "
		    "AND i.answered = 0 AND i.mentorship_id = m.id, "
		    "(SELECT :inv AS e UNION ALL SELECT :rem) k WHERE m.id = :m");
	if (!st)
		return DB_ERR;
	db_bind_int(st, ":inv", OB_SURVEY_INVITE);
	db_bind_int(st, ":rem", OB_SURVEY_REMINDER);
	db_bind_int(st, ":later", OUTBOX_SURVEY_REMIND_AFTER);
	db_bind_int(st, ":now", now);
	db_bind_int(st, ":m", mentorship_id);
	return db_exec_step(db, st);
}

static void read_row(sqlite3_stmt *st, struct outbox_row *r)
{
	r->id = sqlite3_column_int64(st, 0);
	r->event = sqlite3_column_int(st, 1);
	r->user_id = sqlite3_column_int64(st, 2);
	r->ref = sqlite3_column_int64(st, 3);
	r->plan_no = sqlite3_column_int64(st, 4);
	r->plan_seq = sqlite3_column_int64(st, 5);
	r->at = sqlite3_column_int64(st, 6);
	r->due = sqlite3_column_int64(st, 7);
	r->tries = sqlite3_column_int(st, 8);
	r->digest = sqlite3_column_int(st, 9);
}

static int read_rows(sqlite3_stmt *st, struct outbox_row *rows, int max)
{
	int n = 0, rc;
	while (n < max && (rc = sqlite3_step(st)) == SQLITE_ROW)
		read_row(st, &rows[n++]);
	sqlite3_reset(st);
	return n;
}

int outbox_due(struct db *db, int64_t now, struct outbox_row *rows, int max)
{
	sqlite3_stmt *st =
		DB_STMT(db, "SELECT id, event, user_id, ref, plan_no, plan_seq, at, due, tries, digest "
			    "FROM outbox WHERE state = 0 AND due <= :now ORDER BY due, id LIMIT :max");
	if (!st)
		return -1;
	db_bind_int(st, ":now", now);
	db_bind_int(st, ":max", max);
	return read_rows(st, rows, max);
}

int outbox_digest_rows(struct db *db, int64_t uid, int64_t now, struct outbox_row *rows, int max)
{
	sqlite3_stmt *st =
		DB_STMT(db, "SELECT id, event, user_id, ref, plan_no, plan_seq, at, due, tries, digest "
			    "FROM outbox WHERE state = 0 AND due <= :now AND user_id = :u AND digest = 1 "
			    "ORDER BY id LIMIT :max");
	if (!st)
		return -1;
	db_bind_int(st, ":now", now);
	db_bind_int(st, ":u", uid);
	db_bind_int(st, ":max", max);
	return read_rows(st, rows, max);
}

/* Step st, whose first columns are (recipient is the mentor, mentor's
 * name, mentor's email, mentee's name, mentee's email, topic), and fill
 * f's people and topic from its row. 1 with the row current, 0 when there
 * is none, -1 on error (st reset unless 1). */
static int pair_row(sqlite3_stmt *st, struct outbox_facts *f)
{
	int rc = sqlite3_step(st);
	if (rc != SQLITE_ROW) {
		sqlite3_reset(st);
		return rc == SQLITE_DONE ? 0 : -1;
	}
	f->is_mentor = sqlite3_column_int(st, 0);
	int me = f->is_mentor ? 1 : 3, other = f->is_mentor ? 3 : 1;
	db_column_copy(st, me, f->name, sizeof(f->name));
	db_column_copy(st, me + 1, f->email, sizeof(f->email));
	db_column_copy(st, other, f->other_name, sizeof(f->other_name));
	db_column_copy(st, other + 1, f->other_email, sizeof(f->other_email));
	db_column_copy(st, 5, f->topic, sizeof(f->topic));
	return 1;
}

/* The pair of mentorship mid as seen by uid, with its plan. 1 found (and
 * uid an active member of the pair), 0 not, -1 error. */
static int ms_facts(struct db *db, int64_t mid, int64_t uid, struct outbox_facts *f, int64_t plan[3],
		    int *active)
{
	sqlite3_stmt *st = DB_STMT(
		db,
		"SELECT m.mentor_id = :u, a.display_name, a.email, b.display_name, b.email, t.name, "
		"m.status = 'active', m.planned_end, m.duration_min, m.plan_no, m.plan_seq, "
		"coalesce(m.next_session_at, 0), coalesce(p.timezone, 'UTC'), "
		"CASE WHEN m.mentor_id = :u THEN a.active ELSE b.active END "
		"FROM mentorships m JOIN users a ON a.id = m.mentor_id JOIN users b ON b.id = m.mentee_id "
		"JOIN topics t ON t.id = m.topic_id LEFT JOIN profiles p ON p.user_id = :u "
		"WHERE m.id = :m AND :u IN (m.mentor_id, m.mentee_id)");
	if (!st)
		return -1;
	db_bind_int(st, ":m", mid);
	db_bind_int(st, ":u", uid);
	int rc = pair_row(st, f);
	if (rc != 1)
		return rc;
	*active = sqlite3_column_int(st, 6);
	db_column_copy(st, 7, f->planned_end, sizeof(f->planned_end));
	f->duration_min = sqlite3_column_int(st, 8);
	plan[0] = sqlite3_column_int64(st, 9);
	plan[1] = sqlite3_column_int64(st, 10);
	plan[2] = sqlite3_column_int64(st, 11);
	db_column_copy(st, 12, f->tz, sizeof(f->tz));
	int user_active = sqlite3_column_int(st, 13);
	sqlite3_reset(st);
	f->mentorship_id = mid;
	return user_active ? 1 : 0;
}

/* Request rid's parties as seen by uid, and its status as of now. */
static int req_facts(struct db *db, int64_t rid, int64_t uid, int64_t now, struct outbox_facts *f,
		     char status[24])
{
	sqlite3_stmt *st = DB_STMT(
		db, "SELECT r.mentor_id = :u, a.display_name, a.email, b.display_name, b.email, "
		    "t.name, " REQ_STATUS_SQL ", coalesce(r.mentorship_id, 0), coalesce(p.timezone, 'UTC'), "
		    "CASE WHEN r.mentor_id = :u THEN a.active ELSE b.active END "
		    "FROM requests r JOIN users a ON a.id = r.mentor_id JOIN users b ON b.id = r.mentee_id "
		    "JOIN topics t ON t.id = r.topic_id LEFT JOIN profiles p ON p.user_id = :u "
		    "WHERE r.id = :r AND :u IN (r.mentor_id, r.mentee_id)");
	if (!st)
		return -1;
	db_bind_int(st, ":r", rid);
	db_bind_int(st, ":u", uid);
	db_bind_int(st, ":now", now);
	int rc = pair_row(st, f);
	if (rc != 1)
		return rc;
	db_column_copy(st, 6, status, 24);
	f->mentorship_id = sqlite3_column_int64(st, 7);
	db_column_copy(st, 8, f->tz, sizeof(f->tz));
	int user_active = sqlite3_column_int(st, 9);
	sqlite3_reset(st);
	f->request_id = rid;
	return user_active ? 1 : 0;
}

/* One integer from a query on one id and one person: *out, 1 when a row
 * came back, 0 when none, -1 on error. */
static int id_lookup(sqlite3_stmt *st, int64_t id, int64_t uid, int64_t *out)
{
	if (!st)
		return -1;
	db_bind_int(st, ":id", id);
	db_bind_int(st, ":u", uid);
	int rc = sqlite3_step(st);
	int found = rc == SQLITE_ROW;
	if (found)
		*out = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return found ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

int outbox_check(struct db *db, const struct outbox_row *r, int64_t now, struct outbox_facts *f)
{
	memset(f, 0, sizeof(*f));
	int64_t plan[3] = {0};
	int active = 0, rc;
	char status[24] = "";
	switch ((enum outbox_event)r->event) {
	case OB_REQUEST_NEW:
	case OB_REQUEST_OVERDUE:
	case OB_REQUEST_ACCEPTED:
	case OB_REQUEST_DECLINED:
	case OB_REQUEST_EXPIRED: {
		if ((rc = req_facts(db, r->ref, r->user_id, now, f, status)) != 1)
			return rc;
		const char *want = r->event == OB_REQUEST_ACCEPTED   ? "accepted"
				   : r->event == OB_REQUEST_DECLINED ? "declined"
				   : r->event == OB_REQUEST_EXPIRED  ? "expired"
								     : "pending";
		return strcmp(status, want) == 0;
	}
	case OB_MS_STARTED:
	case OB_MS_ENDING:
		if ((rc = ms_facts(db, r->ref, r->user_id, f, plan, &active)) != 1)
			return rc;
		return active || r->event == OB_MS_STARTED;
	case OB_PLAN_SET:
	case OB_SESSION_SOON:
		if ((rc = ms_facts(db, r->ref, r->user_id, f, plan, &active)) != 1)
			return rc;
		f->at = r->at;
		/* Moved or cancelled since: a later row tells the new plan. */
		if (!active || plan[0] != r->plan_no || plan[1] != r->plan_seq || plan[2] != r->at)
			return 0;
		return r->event == OB_PLAN_SET || r->at > now;
	case OB_PLAN_CANCELLED:
		if ((rc = ms_facts(db, r->ref, r->user_id, f, plan, &active)) != 1)
			return rc;
		f->at = r->at;
		return 1;
	case OB_ACCOUNT_CLOSED: /* issue 16: told even though it ended */
		return ms_facts(db, r->ref, r->user_id, f, plan, &active);
	case OB_FEEDBACK_OWED: {
		int64_t mid = 0, given = 0;
		rc = id_lookup(DB_STMT(db, "SELECT s.mentorship_id FROM meetings s JOIN mentorships m ON "
					   "m.id = s.mentorship_id WHERE s.id = :id AND :u IN (m.mentor_id, "
					   "m.mentee_id)"),
			       r->ref, r->user_id, &mid);
		if (rc != 1)
			return rc;
		rc = id_lookup(
			DB_STMT(db, "SELECT 1 FROM feedback WHERE meeting_id = :id AND author_id = :u"),
			r->ref, r->user_id, &given);
		if (rc != 0)
			return rc < 0 ? -1 : 0; /* given already */
		if ((rc = ms_facts(db, mid, r->user_id, f, plan, &active)) != 1)
			return rc;
		f->session_id = r->ref;
		return 1;
	}
	case OB_SURVEY_INVITE:
	case OB_SURVEY_REMINDER: {
		sqlite3_stmt *st = DB_STMT(db, "SELECT i.mentorship_id, s.title, coalesce(i.ring_id, 0) "
					       "FROM survey_invitations i "
					       "JOIN surveys s ON s.id = i.survey_id WHERE i.id = :id AND "
					       "i.user_id = :u AND i.answered = 0 AND s.status = 'open'");
		if (!st)
			return -1;
		db_bind_int(st, ":id", r->ref);
		db_bind_int(st, ":u", r->user_id);
		int64_t mid = 0, ring = 0;
		rc = sqlite3_step(st);
		if (rc == SQLITE_ROW) {
			mid = sqlite3_column_int64(st, 0);
			db_column_copy(st, 1, f->survey_title, sizeof(f->survey_title));
			ring = sqlite3_column_int64(st, 2); /* issue 18: from a ring */
		}
		sqlite3_reset(st);
		if (rc != SQLITE_ROW)
			return rc == SQLITE_DONE ? 0 : -1;
		char title[400];
		memcpy(title, f->survey_title, sizeof(title));
		/* issue 19: a send to members (store/survey_send.h) ties the
		 * invitation to no mentorship and no ring: the person alone. */
		if ((rc = ring	? ring_survey_facts(db, ring, r->user_id, f)
			  : mid ? ms_facts(db, mid, r->user_id, f, plan, &active)
				: survey_member_facts(db, r->user_id, f)) != 1)
			return rc;
		memcpy(f->survey_title, title, sizeof(title));
		f->invitation_id = r->ref;
		return 1;
	}
	case OB_ACCT_VERIFY:
	case OB_ACCT_RESET:
	case OB_ACCT_INVITE:
	case OB_ACCT_PW_RESET: return account_facts(db, r, now, f);
	/* issue 18: pairing rounds and rings (store/coffee.c, store/rings.c) */
	case OB_COFFEE_MATCHED: return coffee_outbox_facts(db, r, f);
	case OB_RING_MENTOR_INVITED:
	case OB_RING_SEATED: return ring_outbox_facts(db, r, f);
	/* issue 17 */
	case OB_OH_CANCELLED:
	case OB_SWAP_OFFERED: return outbox_pairing_check(db, r, now, f);
	case OB_MS_PAST_END: { /* issue 21: still active, and its end (as it is now) passed */
		if ((rc = ms_facts(db, r->ref, r->user_id, f, plan, &active)) != 1)
			return rc;
		char today[11];
		time_t t = (time_t)now;
		struct tm tm;
		gmtime_r(&t, &tm);
		strftime(today, sizeof(today), "%Y-%m-%d", &tm);
		return active && strcmp(f->planned_end, today) < 0;
	}
	case OB_THANKS_RECEIVED: { /* issue 19: while the note is still there */
		int64_t has = 0;
		rc = id_lookup(DB_STMT(db, "SELECT 1 FROM celebrations WHERE mentorship_id = :id AND "
					   "mentor_id = :u AND thanks IS NOT NULL"),
			       r->ref, r->user_id, &has);
		if (rc != 1)
			return rc;
		return ms_facts(db, r->ref, r->user_id, f, plan, &active);
	}
	}
	return 0;
}

/* Own transaction: rows[0..n) take state, each only while it is still
 * the row that was read (outbox.h: an id kept meanwhile may name another). */
static enum db_rc mark(struct db *db, const struct outbox_row *rows, int n, int state)
{
	if (n == 0)
		return DB_OK;
	enum db_rc rc = db_begin(db);
	if (rc != DB_OK)
		return rc;
	sqlite3_stmt *st =
		DB_STMT(db, "UPDATE outbox SET state = :s WHERE id = :id AND user_id = :u AND event = :e "
			    "AND ref = :r AND plan_no = :pn AND plan_seq = :ps AND state = 0");
	for (int i = 0; rc == DB_OK && i < n; i++) {
		if (!st) {
			rc = DB_ERR;
			break;
		}
		db_bind_int(st, ":s", state);
		db_bind_int(st, ":id", rows[i].id);
		db_bind_int(st, ":u", rows[i].user_id);
		db_bind_int(st, ":e", rows[i].event);
		db_bind_int(st, ":r", rows[i].ref);
		db_bind_int(st, ":pn", rows[i].plan_no);
		db_bind_int(st, ":ps", rows[i].plan_seq);
		rc = db_exec_step(db, st);
	}
	return db_end(db, rc);
}

enum db_rc outbox_mark_sent(struct db *db, const struct outbox_row *rows, int n)
{
	return mark(db, rows, n, 1);
}

enum db_rc outbox_mark_skipped(struct db *db, const struct outbox_row *rows, int n)
{
	return mark(db, rows, n, 3);
}

enum db_rc outbox_retry(struct db *db, int64_t id, int64_t next)
{
	enum db_rc rc = db_begin(db);
	if (rc != DB_OK)
		return rc;
	sqlite3_stmt *st =
		DB_STMT(db, "UPDATE outbox SET tries = tries + 1, due = coalesce(nullif(:next, 0), due), "
			    "state = CASE WHEN :next = 0 THEN 2 ELSE 0 END WHERE id = :id");
	if (!st)
		return db_end(db, DB_ERR);
	db_bind_int(st, ":next", next);
	db_bind_int(st, ":id", id);
	return db_end(db, db_exec_step(db, st));
}

enum db_rc outbox_hold(struct db *db, int64_t id, int64_t next)
{
	enum db_rc rc = db_begin(db);
	if (rc != DB_OK)
		return rc;
	sqlite3_stmt *st = DB_STMT(db, "UPDATE outbox SET digest = 1, due = :next WHERE id = :id");
	if (!st)
		return db_end(db, DB_ERR);
	db_bind_int(st, ":next", next);
	db_bind_int(st, ":id", id);
	return db_end(db, db_exec_step(db, st));
}

int64_t outbox_failed_count(struct db *db)
{
	return db_scalar(db, "SELECT count(*) FROM outbox WHERE state = 2", -1);
}
