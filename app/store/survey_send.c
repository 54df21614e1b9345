#include "store/survey_send.h"

#include <stdio.h>
#include <string.h>

#include "store/audit.h"

static const char *const audience_names[] = {"finishing", "all", "never", "team"};

int survey_audience_parse(const char *s)
{
	for (int i = 0; i < (int)(sizeof(audience_names) / sizeof(audience_names[0])); i++)
		if (strcmp(s, audience_names[i]) == 0)
			return i;
	return -1;
}

/* The members a send to all, never or team reaches (:a 1, 2, 3), as one
 * predicate on users u: every audience is one pass over the active
 * accounts with indexed lookups (no per-person statement in C). "Never":
 * not counted as taking part in any week (insight_people, by user), no
 * mentorship on either side, no ring seat. */
#define WIDE_WHERE                                                                                           \
	"u.active = 1 AND (:a = 1 "                                                                          \
	" OR (:a = 2 AND NOT EXISTS (SELECT 1 FROM insight_people ip WHERE ip.user_id = u.id) "              \
	"     AND NOT EXISTS (SELECT 1 FROM mentorships m WHERE m.mentor_id = u.id) "                        \
	"     AND NOT EXISTS (SELECT 1 FROM mentorships m WHERE m.mentee_id = u.id) "                        \
	"     AND NOT EXISTS (SELECT 1 FROM ring_mentors rm WHERE rm.user_id = u.id AND rm.state = "         \
	"'active') "                                                                                         \
	"     AND NOT EXISTS (SELECT 1 FROM ring_members rb WHERE rb.user_id = u.id AND rb.state = "         \
	"'member')) "                                                                                        \
	" OR (:a = 3 AND EXISTS (SELECT 1 FROM profiles p WHERE p.user_id = u.id AND p.team = :team "        \
	"COLLATE NOCASE)))"

/* Who finished a mentorship (completed or ended early), per person the
 * role and mentorship of their latest one, in the survey's role(s): the
 * invitation a mentorship's end writes, for those it did not reach. */
#define FINISHED_SQL                                                                                         \
	"SELECT x.uid AS uid, x.role AS role, max(x.mid) AS mid FROM ("                                      \
	" SELECT mentor_id AS uid, 'mentor' AS role, id AS mid FROM mentorships WHERE status <> 'active' "   \
	" UNION ALL SELECT mentee_id, 'mentee', id FROM mentorships WHERE status <> 'active') x "            \
	"JOIN users u ON u.id = x.uid AND u.active = 1 "                                                     \
	"JOIN surveys s ON s.id = :s AND s.audience IN (x.role, 'both') GROUP BY x.uid"

static enum send_rc fail(struct db *db, enum db_rc rc)
{
	db_rollback(db);
	return (enum send_rc)db_failure(rc);
}

/* The survey's status and audience, under the lock. */
static enum send_rc check_survey(struct db *db, int64_t survey, enum survey_audience a)
{
	sqlite3_stmt *st = DB_STMT(db, "SELECT status, audience FROM surveys WHERE id = :s");
	if (!st)
		return SEND_DB_ERR;
	db_bind_int(st, ":s", survey);
	int rc = sqlite3_step(st);
	char status[16] = "", audience[16] = "";
	if (rc == SQLITE_ROW) {
		db_column_copy(st, 0, status, sizeof(status));
		db_column_copy(st, 1, audience, sizeof(audience));
	}
	sqlite3_reset(st);
	if (rc != SQLITE_ROW) {
		return rc == SQLITE_DONE ? SEND_NO_SURVEY : (enum send_rc)db_failure(db_rc_from(rc));
	}
	if (strcmp(status, "open") != 0)
		return SEND_NOT_OPEN;
	if (a != AUD_FINISHING && strcmp(audience, "both") != 0)
		return SEND_NOT_WIDE;
	return SEND_OK;
}

/* The team's name as the list spells it and its active members. */
static enum send_rc check_team(struct db *db, const char *team, int k, char *name, size_t n,
			       struct send_result *out)
{
	sqlite3_stmt *st = DB_STMT(
		db, "SELECT t.name, (SELECT count(*) FROM profiles p JOIN users u ON u.id = p.user_id "
		    "WHERE p.team = t.name COLLATE NOCASE AND u.active = 1) FROM teams t WHERE t.name = :t");
	if (!st)
		return SEND_DB_ERR;
	db_bind_text(st, ":t", team);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		db_column_copy(st, 0, name, n);
		out->team_members = sqlite3_column_int64(st, 1);
	}
	sqlite3_reset(st);
	if (rc != SQLITE_ROW) {
		return rc == SQLITE_DONE ? SEND_NO_TEAM : (enum send_rc)db_failure(db_rc_from(rc));
	}
	return out->team_members < k ? SEND_TEAM_SMALL : SEND_OK;
}

/* How many the audience holds, and how many of them were invited before. */
static enum db_rc count_audience(struct db *db, int64_t survey, enum survey_audience a, const char *team,
				 struct send_result *out)
{
	sqlite3_stmt *st =
		a == AUD_FINISHING
			? DB_STMT(db,
				  "SELECT count(*), coalesce(sum(EXISTS (SELECT 1 FROM survey_invitations i "
				  "WHERE i.survey_id = :s AND i.user_id = f.uid)), 0) FROM (" FINISHED_SQL
				  ") f")
			: DB_STMT(db,
				  "SELECT count(*), coalesce(sum(EXISTS (SELECT 1 FROM survey_invitations i "
				  "WHERE i.survey_id = :s AND i.user_id = u.id)), 0) FROM users u "
				  "WHERE " WIDE_WHERE);
	if (!st)
		return DB_ERR;
	db_bind_int(st, ":s", survey);
	if (a != AUD_FINISHING) {
		db_bind_int(st, ":a", a);
		db_bind_text(st, ":team", team);
	}
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		out->audience = sqlite3_column_int64(st, 0);
		out->already = sqlite3_column_int64(st, 1);
	}
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? DB_OK : db_rc_from(rc);
}

/* The invitations: one INSERT … SELECT for the whole audience. */
static enum db_rc invite(struct db *db, int64_t survey, enum survey_audience a, const char *team)
{
	sqlite3_stmt *st =
		a == AUD_FINISHING
			? DB_STMT(db,
				  "INSERT INTO survey_invitations(survey_id, user_id, mentorship_id, role) "
				  "SELECT :s, f.uid, f.mid, f.role FROM (" FINISHED_SQL ") f "
				  "WHERE NOT EXISTS (SELECT 1 FROM survey_invitations i WHERE i.survey_id = "
				  ":s "
				  "AND i.user_id = f.uid)")
			: DB_STMT(db, "INSERT INTO survey_invitations(survey_id, user_id, role) "
				      "SELECT :s, u.id, 'member' FROM users u WHERE " WIDE_WHERE
				      " AND NOT EXISTS (SELECT 1 FROM survey_invitations i WHERE i.survey_id "
				      "= :s "
				      "AND i.user_id = u.id)");
	if (!st)
		return DB_ERR;
	db_bind_int(st, ":s", survey);
	if (a != AUD_FINISHING) {
		db_bind_int(st, ":a", a);
		db_bind_text(st, ":team", team);
	}
	return db_exec_step(db, st);
}

/* Their mail, as an ending sends it: now, and a reminder a week later if
 * still unanswered. The new invitations are the ids above lo (rowids
 * only grow while this transaction holds the writers' lock). */
static enum db_rc queue_mail(struct db *db, int64_t survey, int64_t lo, int64_t now)
{
	sqlite3_stmt *st = DB_STMT(
		db, "INSERT INTO outbox(event, user_id, ref, due) "
		    "SELECT k.e, i.user_id, i.id, CASE k.e WHEN :inv THEN :now ELSE :now + :later END "
		    "FROM survey_invitations i, (SELECT :inv AS e UNION ALL SELECT :rem) k "
		    "WHERE i.id > :lo AND i.survey_id = :s");
	if (!st)
		return DB_ERR;
	db_bind_int(st, ":inv", OB_SURVEY_INVITE);
	db_bind_int(st, ":rem", OB_SURVEY_REMINDER);
	db_bind_int(st, ":later", OUTBOX_SURVEY_REMIND_AFTER);
	db_bind_int(st, ":now", now);
	db_bind_int(st, ":lo", lo);
	db_bind_int(st, ":s", survey);
	return db_exec_step(db, st);
}

enum send_rc survey_send(struct db *db, int64_t survey, enum survey_audience a, const char *team, int k,
			 const struct survey_actor *who, struct send_result *out)
{
	memset(out, 0, sizeof(*out));
	enum db_rc began = db_begin(db);
	if (began != DB_OK)
		return (enum send_rc)db_failure(began);
	enum send_rc sr = check_survey(db, survey, a);
	char name[244] = "";
	if (sr == SEND_OK && a == AUD_TEAM)
		sr = check_team(db, team ? team : "", k, name, sizeof(name), out);
	if (sr != SEND_OK) {
		db_rollback(db);
		return sr;
	}
	enum db_rc rc = count_audience(db, survey, a, name, out);
	int64_t lo =
		rc == DB_OK ? db_scalar(db, "SELECT coalesce(max(id), 0) FROM survey_invitations", -1) : -1;
	if (rc == DB_OK && lo < 0)
		rc = DB_ERR;
	if (rc == DB_OK)
		rc = invite(db, survey, a, name);
	if (rc == DB_OK) {
		out->invited = sqlite3_changes64(db_handle(db));
		rc = queue_mail(db, survey, lo, who->now);
	}
	char detail[96];
	snprintf(detail, sizeof(detail), "audience=%s invited=%lld already=%lld", audience_names[a],
		 (long long)out->invited, (long long)out->already);
	if (rc == DB_OK)
		rc = audit_add(db, who->now, "survey_sent", who->admin, survey, who->ip, detail);
	if (rc != DB_OK)
		return fail(db, rc);
	if ((rc = db_commit(db)) != DB_OK)
		return (enum send_rc)db_failure(rc);
	return SEND_OK;
}

int survey_member_facts(struct db *db, int64_t uid, struct outbox_facts *f)
{
	sqlite3_stmt *st =
		DB_STMT(db, "SELECT u.display_name, u.email, coalesce(p.timezone, 'UTC'), u.active "
			    "FROM users u LEFT JOIN profiles p ON p.user_id = u.id WHERE u.id = :u");
	if (!st)
		return -1;
	db_bind_int(st, ":u", uid);
	int rc = sqlite3_step(st), active = 0;
	if (rc == SQLITE_ROW) {
		db_column_copy(st, 0, f->name, sizeof(f->name));
		db_column_copy(st, 1, f->email, sizeof(f->email));
		db_column_copy(st, 2, f->tz, sizeof(f->tz));
		active = sqlite3_column_int(st, 3);
	}
	sqlite3_reset(st);
	if (rc != SQLITE_ROW)
		return rc == SQLITE_DONE ? 0 : -1;
	return active;
}
