#include "store/mydata.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "core/notifykind.h"
#include "store/acct_tokens.h"
#include "store/audit.h"
#include "store/celebrations.h"
#include "store/directory.h"
#include "store/office_hours.h"
#include "store/outbox.h"
#include "store/rings.h"
#include "store/rotations.h"
#include "store/sealcol.h"
#include "store/sealed.h"
#include "store/surveys.h"
#include "store/users.h"

/* How one exported column is read: 'i' a number, 't' text, 's' a sealed
 * value (sealed id `sid`, row key from columns key_a and key_b (-1: none),
 * its owner's ids from column `own` on (-1: none), legacy plain text in
 * column `plain`). Column k of the SELECT is field k. */
struct col {
	const char *name;
	char kind;
	enum sealed_id sid;
	int key_a, key_b, plain, own;
};
#define NUM(n)                                                                                               \
	{                                                                                                    \
		n, 'i', 0, 0, 0, 0, -1                                                                       \
	}
#define TXT(n)                                                                                               \
	{                                                                                                    \
		n, 't', 0, 0, 0, 0, -1                                                                       \
	}
#define SEALED(n, sid, a, b, plain, own)                                                                     \
	{                                                                                                    \
		n, 's', sid, a, b, plain, own                                                                \
	}

#define MAX_COLS 16

/* Bind :u, run st, and hand each row to fn as section. DB_OK or DB_ERR. */
static enum db_rc visit(sqlite3_stmt *st, int64_t uid, const char *section, const struct col *cols, int n,
			mydata_fn fn, void *arg)
{
	if (!st || n > MAX_COLS)
		return DB_ERR;
	db_bind_int(st, ":u", uid);
	struct mydata_field f[MAX_COLS];
	struct buf open[MAX_COLS];
	memset(open, 0, sizeof(open));
	enum db_rc rc = DB_OK;
	int r;
	while (rc == DB_OK && (r = sqlite3_step(st)) == SQLITE_ROW) {
		for (int i = 0; i < n && rc == DB_OK; i++) {
			f[i] = (struct mydata_field){.name = cols[i].name, .text = ""};
			if (cols[i].kind == 'i') {
				f[i].is_num = 1;
				f[i].num = sqlite3_column_int64(st, i);
			} else if (cols[i].kind == 't') {
				const char *t = (const char *)sqlite3_column_text(st, i);
				f[i].text = t ? t : "";
			} else {
				int64_t who[4];
				const int64_t *owner =
					cols[i].own < 0 ? NULL
							: sealed_owner_of(cols[i].sid, st, cols[i].own, who);
				if (sealed_open(st, i, cols[i].plain, cols[i].sid,
						sqlite3_column_int64(st, cols[i].key_a),
						cols[i].key_b >= 0 ? sqlite3_column_int64(st, cols[i].key_b)
								   : 0,
						owner, &open[i]) != 0)
					rc = DB_ERR;
				f[i].text = buf_str(&open[i]);
			}
		}
		if (rc == DB_OK && fn(arg, section, f, n) != 0)
			rc = DB_ERR;
	}
	if (rc == DB_OK && r != SQLITE_DONE)
		rc = db_rc_from(r);
	sqlite3_reset(st);
	for (int i = 0; i < n; i++) {
		if (open[i].data)
			sodium_memzero(open[i].data, open[i].len);
		buf_free(&open[i]);
	}
	return rc;
}

#define N(a) ((int)(sizeof(a) / sizeof((a)[0])))

/* One row per kind of mail (core/notifykind.h): whether it is sent, and
 * whether as a daily digest. No row stored means every kind on, at once. */
static enum db_rc prefs_rows(struct db *db, int64_t uid, mydata_fn fn, void *arg)
{
	sqlite3_stmt *st = DB_STMT(db, "SELECT off, digest FROM notify_prefs WHERE user_id = :u");
	if (!st)
		return DB_ERR;
	db_bind_int(st, ":u", uid);
	int r = sqlite3_step(st);
	int64_t off = r == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	int64_t digest = r == SQLITE_ROW ? sqlite3_column_int64(st, 1) : 0;
	sqlite3_reset(st);
	if (r != SQLITE_ROW && r != SQLITE_DONE)
		return db_rc_from(r);
	for (int k = 0; k < NOTIFY_KIND_COUNT; k++) {
		struct mydata_field f[3] = {
			{.name = "kind", .text = notify_kind_names[k]},
			{.name = "on", .num = !((off >> k) & 1), .is_num = 1},
			{.name = "daily_digest", .num = digest, .is_num = 1},
		};
		if (fn(arg, "notification_prefs", f, 3) != 0)
			return DB_ERR;
	}
	return DB_OK;
}

const char *const mydata_sections[] = {
	"account",
	"profile",
	"topics",
	"requests",
	"mentorships",
	"sessions",
	"feedback",
	"action_items",
	"celebrations",
	"pairings",
	"rings",
	"ring_sessions",
	"ring_feedback",
	"office_hour_seats",
	"office_hours_hosted",
	"help_sessions",
	"pairing_rounds",
	"pairing_round_matches",
	"mentorship_changes",
	"follow_ups",
	"notification_prefs",
};
const size_t mydata_nsections = sizeof(mydata_sections) / sizeof(mydata_sections[0]);

/* What the everyday formats hold about uid (issues 17, 18, 21), each
 * read through uid's own side: pairings they are one of (the notes the two
 * share), ring places and the sessions of rings they are in now (a former
 * member reads no ring notes, here as on the page), the ring feedback
 * they gave, office-hour seats and hosting, help sessions joined and led,
 * pairing-round preferences and matches, and the changes and follow-ups
 * of their mentorships. Sealed texts of new tables have no plain column:
 * '' stands in for it. */
static enum db_rc formats_visit(struct db *db, int64_t uid, mydata_fn fn, void *arg)
{
	static const struct col pairings[] = {
		NUM("id"),	     TXT("with"),   TXT("held_on"),
		NUM("duration_min"), TXT("topic"),  TXT("link"),
		TXT("labels"),	     TXT("status"), SEALED("notes", SEALED_PAIRING_NOTES, 0, -1, 9, 10)};
	static const struct col rings[] = {NUM("ring_id"), TXT("topic"), TXT("my_place"), TXT("ring_status")};
	static const struct col ring_sessions[] = {NUM("id"),
						   NUM("ring_id"),
						   TXT("held_on"),
						   NUM("duration_min"),
						   SEALED("agenda", SEALED_RING_AGENDA, 1, 0, 6, -1),
						   SEALED("shared_notes", SEALED_RING_NOTES, 1, 0, 6, -1)};
	static const struct col ring_feedback[] = {NUM("session_id"), NUM("rating"), TXT("use_of_time")};
	static const struct col seats[] = {NUM("occurrence_id"), TXT("topic"),	  TXT("host"),
					   NUM("starts_at"),	 NUM("attended"), TXT("status")};
	static const struct col hosted[] = {NUM("occurrence_id"), TXT("topic"),	 NUM("starts_at"),
					    NUM("seats"),	  NUM("booked"), TXT("status")};
	static const struct col help[] = {NUM("session_id"), TXT("rotation"), TXT("held_on"), TXT("my_part")};
	static const struct col coffee[] = {NUM("opt_in"), TXT("every"), NUM("across_teams"),
					    NUM("skip_next")};
	static const struct col matches[] = {NUM("match_id"), NUM("round_at"), TXT("with"), NUM("met_at")};
	static const struct col changes[] = {
		NUM("id"),	  NUM("mentorship_id"),
		TXT("kind"),	  TXT("proposed_by"),
		TXT("goal"),	  NUM("weeks"),
		TXT("status"),	  SEALED("reason", SEALED_CHANGE_REASON, 0, -1, 9, 10),
		NUM("created_at")};
	static const struct col follow_ups[] = {NUM("id"), NUM("mentorship_id"), TXT("author"),
						SEALED("body", SEALED_FOLLOW_UP, 0, -1, 5, 6),
						NUM("created_at")};
	enum db_rc rc = visit(
		DB_STMT(db,
			"SELECT p.id, o.display_name, p.held_on, p.duration_min, p.topic, p.link, p.labels, "
			"p.status, p.notes, '', p.author_id, p.partner_id FROM pairings p JOIN users o ON "
			"o.id = CASE WHEN p.author_id "
			"= :u "
			"THEN p.partner_id ELSE p.author_id END WHERE p.author_id = :u OR p.partner_id = :u "
			"ORDER BY p.id"),
		uid, "pairings", pairings, N(pairings), fn, arg);
	if (rc == DB_OK)
		rc = visit(
			DB_STMT(db,
				"SELECT g.id, g.topic, m.state, g.status FROM ring_members m JOIN rings g ON "
				"g.id = m.ring_id WHERE m.user_id = :u UNION ALL SELECT g.id, g.topic, "
				"'mentor ' || x.state, g.status FROM ring_mentors x JOIN rings g ON g.id = "
				"x.ring_id WHERE x.user_id = :u ORDER BY 1"),
			uid, "rings", rings, N(rings), fn, arg);
	if (rc == DB_OK)
		rc = visit(DB_STMT(db, "SELECT s.id, s.ring_id, s.held_on, s.duration_min, s.agenda, "
				       "s.shared_notes, "
				       "'' FROM ring_sessions s WHERE s.ring_id IN (SELECT ring_id FROM "
				       "ring_members "
				       "WHERE user_id = :u AND state = 'member' UNION SELECT ring_id FROM "
				       "ring_mentors "
				       "WHERE user_id = :u AND state = 'active') ORDER BY s.id"),
			   uid, "ring_sessions", ring_sessions, N(ring_sessions), fn, arg);
	if (rc == DB_OK)
		rc = visit(
			DB_STMT(db,
				"SELECT session_id, rating, use_of_time FROM ring_feedback WHERE author_id = "
				":u ORDER BY session_id"),
			uid, "ring_feedback", ring_feedback, N(ring_feedback), fn, arg);
	if (rc == DB_OK)
		rc = visit(DB_STMT(db,
				   "SELECT o.id, h.topic, u.display_name, o.starts_at, b.attended, o.status "
				   "FROM "
				   "oh_bookings b JOIN oh_occurrences o ON o.id = b.occurrence_id JOIN "
				   "office_hours h ON h.id = o.series_id JOIN users u ON u.id = o.host_id "
				   "WHERE b.user_id = :u ORDER BY o.starts_at"),
			   uid, "office_hour_seats", seats, N(seats), fn, arg);
	if (rc == DB_OK)
		rc = visit(DB_STMT(db, "SELECT o.id, h.topic, o.starts_at, o.seats, o.booked, o.status FROM "
				       "oh_occurrences o JOIN office_hours h ON h.id = o.series_id WHERE "
				       "o.host_id = :u "
				       "ORDER BY o.starts_at"),
			   uid, "office_hours_hosted", hosted, N(hosted), fn, arg);
	if (rc == DB_OK)
		rc = visit(
			DB_STMT(db,
				"SELECT h.id, r.name, h.held_on, 'led' FROM help_sessions h JOIN rotations "
				"r ON r.id = h.rotation_id WHERE h.lead_id = :u UNION ALL SELECT h.id, "
				"r.name, "
				"h.held_on, CASE WHEN EXISTS (SELECT 1 FROM help_attendance a WHERE "
				"a.session_id = h.id AND a.user_id = :u) THEN 'attended' ELSE 'joined' END "
				"FROM help_rsvps j JOIN help_sessions h ON h.id = j.session_id JOIN "
				"rotations r "
				"ON r.id = h.rotation_id WHERE j.user_id = :u ORDER BY 3"),
			uid, "help_sessions", help, N(help), fn, arg);
	if (rc == DB_OK)
		rc = visit(DB_STMT(db,
				   "SELECT opt_in, every, across_teams, skip_next FROM coffee_prefs WHERE "
				   "user_id = :u"),
			   uid, "pairing_rounds", coffee, N(coffee), fn, arg);
	if (rc == DB_OK)
		rc = visit(
			DB_STMT(db,
				"SELECT m.id, r.ran_at, (SELECT group_concat(u.display_name, ', ') FROM "
				"coffee_match_people o JOIN users u ON u.id = o.user_id WHERE o.match_id = "
				"m.id AND o.user_id <> :u), coalesce(m.met_at, 0) FROM coffee_match_people "
				"mp "
				"JOIN coffee_matches m ON m.id = mp.match_id JOIN coffee_rounds r ON r.id = "
				"m.round_id WHERE mp.user_id = :u ORDER BY m.id"),
			uid, "pairing_round_matches", matches, N(matches), fn, arg);
	if (rc == DB_OK)
		rc = visit(
			DB_STMT(db,
				"SELECT c.id, c.mentorship_id, c.kind, u.display_name, c.goal, c.weeks, "
				"c.status, c.reason_sealed, c.created_at, '', m.id, m.mentor_id, m.mentee_id "
				"FROM mentorships m JOIN "
				"ms_changes c ON c.mentorship_id = m.id JOIN users u ON u.id = c.proposed_by "
				"WHERE m.mentee_id = :u OR m.mentor_id = :u ORDER BY c.id"),
			uid, "mentorship_changes", changes, N(changes), fn, arg);
	if (rc == DB_OK)
		rc = visit(
			DB_STMT(db,
				"SELECT f.id, f.mentorship_id, u.display_name, f.body, f.created_at, '', "
				"m.id, "
				"m.mentor_id, m.mentee_id FROM "
				"mentorships m JOIN follow_ups f ON f.mentorship_id = m.id JOIN users u ON "
				"u.id = f.author_id WHERE m.mentee_id = :u OR m.mentor_id = :u ORDER BY "
				"f.id"),
			uid, "follow_ups", follow_ups, N(follow_ups), fn, arg);
	return rc;
}

enum db_rc mydata_visit(struct db *db, int64_t uid, mydata_fn fn, void *arg)
{
	static const struct col account[] = {NUM("id"),	  TXT("email"),	     TXT("display_name"),
					     TXT("role"), NUM("created_at"), NUM("last_login_at")};
	static const struct col profile[] = {TXT("team"), TXT("job_title"), TXT("timezone"),
					     TXT("bio"),  NUM("is_mentor"), NUM("capacity")};
	static const struct col topics[] = {TXT("kind"), TXT("topic")};
	static const struct col requests[] = {
		NUM("id"),	   TXT("my_role"),
		TXT("other"),	   TXT("topic"),
		TXT("goal"),	   TXT("format"),
		TXT("cadence"),	   NUM("duration_min"),
		NUM("weeks"),	   SEALED("message", SEALED_REQUEST_MESSAGE, 0, -1, 14, 16),
		TXT("status"),	   SEALED("reason", SEALED_REQUEST_REASON, 0, -1, 15, 16),
		NUM("created_at"), NUM("answered_at")};
	static const struct col mentorships[] = {
		NUM("id"),	    TXT("my_role"),
		TXT("other"),	    TXT("topic"),
		TXT("goal"),	    TXT("format"),
		TXT("cadence"),	    NUM("duration_min"),
		NUM("weeks"),	    TXT("started_on"),
		TXT("planned_end"), TXT("status"),
		TXT("outcome"),	    SEALED("end_reason", SEALED_MENTORSHIP_END_REASON, 0, -1, 15, 16),
		NUM("ended_at")};
	static const struct col sessions[] = {
		NUM("id"),
		NUM("mentorship_id"),
		TXT("held_on"),
		NUM("duration_min"),
		TXT("kind"),
		TXT("labels"),
		SEALED("agenda", SEALED_MEETING_AGENDA, 0, -1, 6, 10),
		SEALED("shared_notes", SEALED_MEETING_SHARED_NOTES, 0, -1, 7, 10),
		SEALED("my_private_note", SEALED_PRIVATE_NOTE, 0, 9, 8, 10)};
	static const struct col feedback[] = {NUM("session_id"),
					      NUM("rating"),
					      TXT("use_of_time"),
					      NUM("shared"),
					      SEALED("went_well", SEALED_FEEDBACK_WENT_WELL, 0, 8, 4, 9),
					      SEALED("to_improve", SEALED_FEEDBACK_TO_IMPROVE, 0, 8, 5, 9),
					      SEALED("next_steps", SEALED_FEEDBACK_NEXT_STEPS, 0, 8, 6, 9),
					      NUM("created_at")};
	static const struct col actions[] = {NUM("id"),	   NUM("session_id"),
					     TXT("owner"), SEALED("body", SEALED_ACTION_ITEM, 0, -1, 3, 6),
					     NUM("done"),  NUM("created_at")};

	enum db_rc rc = visit(DB_STMT(db, "SELECT id, email, display_name, role, created_at, "
					  "coalesce(last_login_at, 0) FROM users WHERE id = :u"),
			      uid, "account", account, N(account), fn, arg);
	if (rc == DB_OK)
		rc = visit(DB_STMT(db,
				   "SELECT team, job_title, timezone, bio, is_mentor, capacity FROM profiles "
				   "WHERE user_id = :u"),
			   uid, "profile", profile, N(profile), fn, arg);
	if (rc == DB_OK)
		rc = visit(DB_STMT(db, "SELECT ut.kind, t.name FROM user_topics ut JOIN topics t ON t.id = "
				       "ut.topic_id WHERE ut.user_id = :u ORDER BY ut.kind, t.name"),
			   uid, "topics", topics, N(topics), fn, arg);
	if (rc == DB_OK)
		rc = visit(
			DB_STMT(db,
				"SELECT r.id, CASE WHEN r.mentee_id = :u THEN 'mentee' ELSE 'mentor' END, "
				"o.display_name, t.name, r.goal, r.format, r.cadence, r.duration_min, "
				"r.weeks, r.message_sealed, r.status, r.reason_sealed, r.created_at, "
				"coalesce(r.answered_at, 0), r.message, r.reason, r.mentor_id, r.mentee_id "
				"FROM requests r "
				"JOIN users o ON o.id = CASE WHEN r.mentee_id = :u THEN r.mentor_id "
				"ELSE r.mentee_id END JOIN topics t ON t.id = r.topic_id "
				"WHERE r.mentee_id = :u OR r.mentor_id = :u ORDER BY r.id"),
			uid, "requests", requests, N(requests), fn, arg);
	if (rc == DB_OK)
		rc = visit(DB_STMT(db,
				   "SELECT m.id, CASE WHEN m.mentee_id = :u THEN 'mentee' ELSE 'mentor' END, "
				   "o.display_name, t.name, m.goal, m.format, m.cadence, m.duration_min, "
				   "m.weeks, m.started_on, m.planned_end, m.status, coalesce(m.outcome, ''), "
				   "m.end_reason_sealed, coalesce(m.ended_at, 0), m.end_reason, m.id, "
				   "m.mentor_id, "
				   "m.mentee_id "
				   "FROM mentorships m JOIN users o ON o.id = CASE WHEN m.mentee_id = :u "
				   "THEN m.mentor_id ELSE m.mentee_id END JOIN topics t ON t.id = m.topic_id "
				   "WHERE m.mentee_id = :u OR m.mentor_id = :u ORDER BY m.id"),
			   uid, "mentorships", mentorships, N(mentorships), fn, arg);
	/* Only uid's own private note joins a session: the other's is never read. */
	if (rc == DB_OK)
		rc = visit(
			DB_STMT(db,
				"SELECT s.id, s.mentorship_id, s.held_on, s.duration_min, s.kind, s.labels, "
				"s.agenda, s.shared_notes, pn.body, :u, m.id, m.mentor_id, m.mentee_id "
				"FROM mentorships m "
				"JOIN meetings s ON s.mentorship_id = m.id "
				"LEFT JOIN private_notes pn ON pn.meeting_id = s.id AND pn.author_id = :u "
				"WHERE m.mentee_id = :u OR m.mentor_id = :u ORDER BY s.id"),
			uid, "sessions", sessions, N(sessions), fn, arg);
	if (rc == DB_OK)
		rc = visit(
			DB_STMT(db,
				"SELECT f.meeting_id, f.rating, f.use_of_time, f.shared, f.went_well, "
				"f.to_improve, f.next_steps, f.created_at, f.author_id, m.id, m.mentor_id, "
				"m.mentee_id, f.shared FROM mentorships m "
				"JOIN meetings s ON s.mentorship_id = m.id JOIN feedback f ON "
				"f.meeting_id = s.id AND f.author_id = :u "
				"WHERE m.mentee_id = :u OR m.mentor_id = :u ORDER BY s.id"),
			uid, "feedback", feedback, N(feedback), fn, arg);
	if (rc == DB_OK)
		rc = visit(DB_STMT(db,
				   "SELECT a.id, a.meeting_id, a.owner, a.body, a.done, a.created_at, m.id, "
				   "m.mentor_id, m.mentee_id FROM mentorships m JOIN action_items a ON "
				   "a.mentorship_id = m.id "
				   "WHERE m.mentee_id = :u OR m.mentor_id = :u ORDER BY a.id"),
			   uid, "action_items", actions, N(actions), fn, arg);
	/* issue 19: the pair's celebrations and the mentee's thank-you note,
	 * which both of them may read. */
	static const struct col celebrations[] = {
		NUM("mentorship_id"),	 TXT("my_role"),    NUM("i_celebrate"),
		NUM("other_celebrates"), NUM("on_program"), SEALED("thanks", SEALED_THANKS, 0, -1, 9, 10),
		NUM("thanks_public"),	 NUM("thanks_at"),  NUM("thanks_mentor_ok")};
	if (rc == DB_OK)
		rc = visit(
			DB_STMT(db,
				"SELECT mentorship_id, 'mentor', mentor_ok, mentee_ok, "
				"shown_at IS NOT NULL, thanks, thanks_public, coalesce(thanks_at, 0), "
				"thanks_mentor_ok, '', mentorship_id, mentor_id, mentee_id, thanks_public "
				"FROM celebrations "
				"WHERE mentor_id = :u UNION ALL "
				"SELECT mentorship_id, 'mentee', mentee_ok, mentor_ok, shown_at IS NOT NULL, "
				"thanks, thanks_public, coalesce(thanks_at, 0), thanks_mentor_ok, '', "
				"mentorship_id, mentor_id, mentee_id, thanks_public FROM "
				"celebrations "
				"WHERE mentee_id = :u ORDER BY 1"),
			uid, "celebrations", celebrations, N(celebrations), fn, arg);
	if (rc == DB_OK)
		rc = formats_visit(db, uid, fn, arg);
	if (rc == DB_OK)
		rc = prefs_rows(db, uid, fn, arg);
	return rc;
}

enum db_rc mydata_exported(struct db *db, int64_t uid, int64_t now, const char *ip)
{
	enum db_rc rc = db_begin(db);
	if (rc != DB_OK)
		return rc;
	return db_end(db, audit_add(db, now, "data_exported", uid, uid, ip, NULL));
}

/* One statement on :u (and :now when it has one). */
static enum db_rc run(struct db *db, sqlite3_stmt *st, int64_t uid, int64_t now)
{
	if (!st)
		return DB_ERR;
	db_bind_int(st, ":u", uid);
	if (sqlite3_bind_parameter_index(st, ":now"))
		db_bind_int(st, ":now", now);
	return db_exec_step(db, st);
}

/* A statement without parameters, inside the caller's transaction. */
static enum db_rc exec_fixed(struct db *db, sqlite3_stmt *st)
{
	return st ? db_exec_step(db, st) : DB_ERR;
}

enum db_rc account_close(struct db *db, int64_t uid, int64_t now)
{
	/* Links mailed before (confirm, reset, invitation) die now, so a
	 * reactivation does not bring them back. */
	enum db_rc trc = acct_token_retire(
		db, uid, (1u << ACCT_VERIFY) | (1u << ACCT_RESET) | (1u << ACCT_INVITE), now);
	if (trc != DB_OK)
		return trc;
	/* Sent or received: nobody waits on a person who has left. The
	 * index of each side takes only its pending rows. */
	enum db_rc rc = run(db,
			    DB_STMT(db, "UPDATE requests SET status = 'withdrawn', answered_at = :now "
					"WHERE mentee_id = :u AND status = 'pending'"),
			    uid, now);
	/* Requests to them are declined, not "withdrawn" as if the mentee
	 * had changed their mind: the mentee hears, and asks someone else. */
	if (rc == DB_OK)
		rc = outbox_requests_declined_to(db, uid, now);
	if (rc == DB_OK)
		rc = run(db,
			 DB_STMT(db, "UPDATE requests SET status = 'declined', answered_at = :now "
				     "WHERE mentor_id = :u AND status = 'pending'"),
			 uid, now);
	/* One active mentorship at a time: each end reason is sealed for its
	 * own row, and the loop ends when none is left active. */
	sqlite3_stmt *next =
		DB_STMT(db, "SELECT id, mentor_id, mentee_id FROM mentorships WHERE status = 'active' AND "
			    "(mentor_id = :u OR mentee_id = :u) LIMIT 1");
	sqlite3_stmt *end = DB_STMT(db, "UPDATE mentorships SET status = 'ended_early', end_reason = '', "
					"end_reason_sealed = :r, ended_at = :now, next_session_at = NULL "
					"WHERE id = :m");
	if (!next || !end)
		return DB_ERR;
	while (rc == DB_OK) {
		db_bind_int(next, ":u", uid);
		int r = sqlite3_step(next);
		int64_t mid = r == SQLITE_ROW ? sqlite3_column_int64(next, 0) : 0;
		int64_t mentor = r == SQLITE_ROW ? sqlite3_column_int64(next, 1) : 0;
		int64_t mentee = r == SQLITE_ROW ? sqlite3_column_int64(next, 2) : 0;
		sqlite3_reset(next);
		if (r != SQLITE_ROW) {
			rc = r == SQLITE_DONE ? DB_OK : db_rc_from(r);
			break;
		}
		char row[SEALED_ROW_MAX];
		const int64_t who[3] = {mid, mentor, mentee};
		sealed_row(SEALED_MENTORSHIP_END_REASON, mid, 0, who, row, sizeof(row));
		if (sealcol_bind(end, ":r", "mentorships", "end_reason", row, "account closed") != 0)
			return DB_ERR;
		db_bind_int(end, ":now", now);
		db_bind_int(end, ":m", mid);
		rc = db_exec_step(db, end);
		if (rc == DB_OK)
			rc = outbox_account_closed(db, mid, uid, now);
		/* The other mentor has a place free again. */
		if (rc == DB_OK && mentor != uid)
			rc = directory_refresh(db, mentor, now);
	}
	/* Everyday formats: nobody keeps a seat, a ring place, office hours
	 * or help sessions for someone who has left (issues 17, 18). */
	if (rc == DB_OK)
		rc = ring_person_leaves(db, uid);
	if (rc == DB_OK)
		rc = oh_person_leaves(db, uid, now);
	if (rc == DB_OK)
		rc = rotation_lead_leaves(db, uid, now);
	/* issue 19: off /program at once (their consent is withdrawn). */
	if (rc == DB_OK)
		rc = celebrations_withdraw(db, uid);
	return rc == DB_OK ? directory_refresh(db, uid, now) : rc;
}

enum db_rc account_reactivate(struct db *db, int64_t id, int64_t admin_id, int64_t now, const char *ip)
{
	enum db_rc rc = db_begin(db);
	if (rc != DB_OK)
		return rc;
	sqlite3_stmt *st =
		DB_STMT(db, "UPDATE users SET active = 1 WHERE id = :u AND active = 0 AND erased_at IS NULL");
	rc = run(db, st, id, now);
	if (rc == DB_OK && sqlite3_changes(db_handle(db)) != 1)
		rc = DB_NOTFOUND;
	if (rc == DB_OK)
		rc = directory_refresh(db, id, now);
	if (rc == DB_OK)
		rc = audit_add(db, now, "user_reactivated", admin_id, id, ip, NULL);
	return db_end(db, rc);
}

/* Every connection runs with secure_delete on (store/db.c): erasing
 * relies on it, so refuse rather than leave the bytes in free pages if
 * that ever changed. 1 when on. */
static int secure_delete_on(struct db *db)
{
	return db_scalar(db, "PRAGMA secure_delete", 0) == 1;
}

enum db_rc account_erase(struct db *db, int64_t uid, int64_t now, const char *ip)
{
	struct user u;
	if (!secure_delete_on(db))
		return DB_ERR;
	enum db_rc rc = db_begin(db);
	if (rc != DB_OK)
		return rc;
	rc = user_by_id(db, uid, &u);
	if (rc == DB_OK && strcmp(u.role, "admin") == 0 && u.active && user_active_admins(db) <= 1)
		rc = DB_CONFLICT;
	if (rc == DB_OK)
		rc = account_close(db, uid, now);
	/* issue 19: celebrations and thank-you notes they wrote or received. */
	if (rc == DB_OK)
		rc = celebrations_erase(db, uid);
	/* What only uid wrote and only uid could read. Reached through their
	 * mentorships, so each delete runs on indexes. */
	if (rc == DB_OK)
		rc = run(db,
			 DB_STMT(db, "DELETE FROM private_notes WHERE author_id = :u AND meeting_id IN "
				     "(SELECT s.id "
				     "FROM mentorships m JOIN meetings s ON s.mentorship_id = m.id "
				     "WHERE m.mentee_id = :u OR m.mentor_id = :u)"),
			 uid, now);
	if (rc == DB_OK)
		rc = run(db,
			 DB_STMT(db,
				 "DELETE FROM feedback WHERE author_id = :u AND meeting_id IN (SELECT s.id "
				 "FROM mentorships m JOIN meetings s ON s.mentorship_id = m.id "
				 "WHERE m.mentee_id = :u OR m.mentor_id = :u)"),
			 uid, now);
	if (rc == DB_OK)
		rc = run(db, DB_STMT(db, "DELETE FROM user_topics WHERE user_id = :u"), uid, now);
	if (rc == DB_OK)
		rc = run(db,
			 DB_STMT(db,
				 "UPDATE profiles SET team = '', job_title = '', bio = '', timezone = 'UTC', "
				 "is_mentor = 0, capacity = 0, formats = 0, updated_at = :now WHERE user_id "
				 "= :u"),
			 uid, now);
	static const char *const gone[] = {
		"DELETE FROM sessions WHERE user_id = :u",
		"DELETE FROM known_browsers WHERE user_id = :u",
		"DELETE FROM mfa WHERE user_id = :u",
		"DELETE FROM mfa_recovery WHERE user_id = :u",
		"DELETE FROM notify_prefs WHERE user_id = :u",
		"DELETE FROM outbox WHERE user_id = :u",
		"DELETE FROM survey_invitations WHERE user_id = :u AND answered = 0",
		/* issue 18: out of rings and pairing rounds; feedback given in a
		 * ring is theirs alone, like a 1:1's */
		"DELETE FROM ring_members WHERE user_id = :u",
		"DELETE FROM ring_feedback WHERE author_id = :u",
		"DELETE FROM coffee_prefs WHERE user_id = :u",
	};
	for (size_t i = 0; rc == DB_OK && i < sizeof(gone) / sizeof(gone[0]); i++)
		rc = run(db, db_stmt_literal(db, gone[i]), uid, now);
	/* Lines of a pending import and a queued "forgot my password" hold
	 * the address as typed (sql/0014): they go too. Rare and small
	 * tables (imports are purged after a day), so no index of their own. */
	static const char *const typed[] = {
		"DELETE FROM import_rows WHERE email = :e COLLATE NOCASE",
		"DELETE FROM forgot_queue WHERE email = :e COLLATE NOCASE",
	};
	for (size_t i = 0; rc == DB_OK && i < sizeof(typed) / sizeof(typed[0]); i++) {
		sqlite3_stmt *st = db_stmt_literal(db, typed[i]);
		rc = st ? DB_OK : DB_ERR;
		if (st) {
			db_bind_text(st, ":e", u.email);
			rc = db_exec_step(db, st);
		}
	}
	/* The throttle keys by address: the person's address leaves it too. */
	if (rc == DB_OK) {
		sqlite3_stmt *st =
			DB_STMT(db, "DELETE FROM auth_failures WHERE scope = 'acct' AND key IN (:e, :m)");
		char mkey[40];
		snprintf(mkey, sizeof(mkey), "mfa:%lld", (long long)uid);
		rc = st ? DB_OK : DB_ERR;
		if (st) {
			db_bind_text(st, ":e", u.email);
			db_bind_text(st, ":m", mkey);
			rc = db_exec_step(db, st);
		}
	}
	if (rc == DB_OK) {
		sqlite3_stmt *st =
			DB_STMT(db, "UPDATE users SET email = 'erased-' || id || '@invalid', "
				    "display_name = 'a former member', pw_hash = '!', role = 'member', "
				    "active = 0, last_login_at = NULL, erased_at = :now WHERE id = :u");
		rc = run(db, st, uid, now);
	}
	if (rc == DB_OK)
		rc = directory_refresh(db, uid, now);
	/* FTS5 only marks the card's terms deleted; its segments keep them
	 * until they merge. Merging now takes a mentor's name, title and bio
	 * out of the file (the old pages are zeroed by secure_delete). */
	if (rc == DB_OK)
		rc = exec_fixed(db,
				DB_STMT(db, "INSERT INTO mentor_search(mentor_search) VALUES ('optimize')"));
	/* The old versions of the rows stay in WAL frames until a truncating
	 * checkpoint: owe one, as a survey batch does (surveys.c). */
	if (rc == DB_OK)
		rc = exec_fixed(db, DB_STMT(db, "INSERT OR IGNORE INTO survey_wal_owed(id) VALUES (1)"));
	if (rc == DB_OK)
		rc = audit_add(db, now, "account_erased", uid, uid, ip, NULL);
	rc = db_end(db, rc);
	sodium_memzero(&u, sizeof(u));
	if (rc == DB_OK)
		survey_wal_truncate(db);
	return rc;
}
