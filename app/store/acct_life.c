#include "store/acct_life.h"

#include <stdio.h>
#include <string.h>

#include "store/audit.h"
#include "store/directory.h"
#include "store/known.h"
#include "store/outbox.h"
#include "store/sessions.h"
#include "store/throttle.h"
#include "store/users.h"

/* Requests of scope for key since `since`: how many, and the last one. */
static int64_t linkreq_count(struct db *db, const char *scope, const char *key, int64_t since, int64_t *last)
{
	sqlite3_stmt *st = DB_STMT(db, "SELECT count(*), coalesce(max(at), 0) FROM link_requests "
				       "WHERE scope = :s AND key = :k AND at > :since");
	if (!st)
		return 0;
	db_bind_text(st, ":s", scope);
	db_bind_text(st, ":k", key);
	db_bind_int(st, ":since", since);
	int64_t n = 0;
	if (sqlite3_step(st) == SQLITE_ROW) {
		n = sqlite3_column_int64(st, 0);
		if (last)
			*last = sqlite3_column_int64(st, 1);
	}
	sqlite3_reset(st);
	return n;
}

static enum db_rc linkreq_note(struct db *db, const char *scope, const char *key, int64_t now)
{
	sqlite3_stmt *st = DB_STMT(db, "INSERT INTO link_requests(scope, key, at) VALUES (:s, :k, :now)");
	if (!st)
		return DB_ERR;
	db_bind_text(st, ":s", scope);
	db_bind_text(st, ":k", key);
	db_bind_int(st, ":now", now);
	return db_exec_step(db, st);
}

void acct_linkreq_purge(struct db *db, int64_t now)
{
	sqlite3_stmt *st = DB_STMT(db, "DELETE FROM link_requests WHERE at <= :t");
	if (!st)
		return;
	db_bind_int(st, ":t", now - LINKREQ_WINDOW);
	db_exec_step(db, st);
}

static enum db_rc set_verified(struct db *db, int64_t uid, int v)
{
	sqlite3_stmt *st = DB_STMT(db, "UPDATE users SET verified = :v WHERE id = :u");
	if (!st)
		return DB_ERR;
	db_bind_int(st, ":v", v);
	db_bind_int(st, ":u", uid);
	return db_exec_step(db, st);
}

enum db_rc acct_start_unverified(struct db *db, int64_t user_id, int64_t now)
{
	enum db_rc rc = set_verified(db, user_id, 0);
	if (rc == DB_OK)
		rc = acct_token_issue(db, user_id, ACCT_VERIFY, now);
	return rc;
}

enum db_rc acct_verify(struct db *db, const unsigned char hash[TOKEN_HASH_BYTES], int64_t now, const char *ip,
		       int64_t *user_id)
{
	enum db_rc rc = db_begin(db);
	if (rc != DB_OK)
		return rc;
	struct acct_link_info info;
	rc = acct_token_take(db, hash, 1u << ACCT_VERIFY, now, &info);
	if (rc == DB_OK)
		rc = set_verified(db, info.user_id, 1);
	/* Now listed, when they mentor. */
	if (rc == DB_OK)
		rc = directory_refresh(db, info.user_id, now);
	if (rc == DB_OK)
		rc = audit_add(db, now, "email_verified", info.user_id, info.user_id, ip, NULL);
	if (rc == DB_OK)
		*user_id = info.user_id;
	return db_end(db, rc);
}

enum db_rc acct_verify_resend(struct db *db, int64_t user_id, int64_t now, int64_t *wait)
{
	*wait = 0;
	enum db_rc rc = db_begin(db);
	if (rc != DB_OK)
		return rc;
	struct user u;
	rc = user_by_id(db, user_id, &u);
	if (rc == DB_OK && u.verified)
		rc = DB_CONFLICT;
	char key[24];
	snprintf(key, sizeof(key), "%lld", (long long)user_id);
	int64_t last = 0, oldest_ok = now - LINKREQ_WINDOW;
	int64_t n = rc == DB_OK ? linkreq_count(db, "verify", key, oldest_ok, &last) : 0;
	if (rc == DB_OK && last && now - last < LINKREQ_VERIFY_GAP)
		*wait = last + LINKREQ_VERIFY_GAP - now;
	else if (rc == DB_OK && n >= LINKREQ_VERIFY_MAX)
		*wait = LINKREQ_WINDOW / 4;
	if (*wait > 0)
		rc = DB_BUSY;
	if (rc == DB_OK)
		rc = linkreq_note(db, "verify", key, now);
	if (rc == DB_OK)
		rc = acct_token_issue(db, user_id, ACCT_VERIFY, now);
	return db_end(db, rc);
}

int64_t acct_forgot_wait(struct db *db, const char *ip, int64_t now)
{
	int64_t last = 0;
	int64_t n = linkreq_count(db, "ip", ip, now - LINKREQ_WINDOW, &last);
	return n >= LINKREQ_IP_MAX ? LINKREQ_WINDOW / 4 : 0;
}

enum db_rc acct_forgot(struct db *db, const char *email, const char *ip, int64_t now)
{
	enum db_rc rc = db_begin(db);
	if (rc != DB_OK)
		return rc;
	rc = linkreq_note(db, "ip", ip, now);
	sqlite3_stmt *st = DB_STMT(db, "INSERT INTO forgot_queue(email, at) VALUES (:e, :now)");
	if (rc == DB_OK && !st)
		rc = DB_ERR;
	if (rc == DB_OK) {
		db_bind_text(st, ":e", email);
		db_bind_int(st, ":now", now);
		rc = db_exec_step(db, st);
	}
	return db_end(db, rc);
}

/* Inside the transaction: one queued request for email. */
static enum db_rc forgot_one(struct db *db, const char *email, int64_t now)
{
	struct user u;
	enum db_rc rc = user_by_email(db, email, &u);
	if (rc == DB_NOTFOUND || (rc == DB_OK && !u.active))
		return DB_OK;
	if (rc != DB_OK)
		return rc;
	sqlite3_stmt *st =
		DB_STMT(db, "SELECT count(*) FROM account_tokens WHERE user_id = :u AND purpose IN "
			    "(2, 3) AND created_at > :since");
	if (!st)
		return DB_ERR;
	db_bind_int(st, ":u", u.id);
	db_bind_int(st, ":since", now - LINKREQ_WINDOW);
	int64_t n = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : LINKREQ_EMAIL_MAX;
	sqlite3_reset(st);
	if (n >= LINKREQ_EMAIL_MAX)
		return DB_OK; /* enough links this hour: the answer was the same */
	return acct_token_issue(db, u.id, u.pw_hash[0] ? ACCT_RESET : ACCT_INVITE, now);
}

int acct_forgot_work(struct db *db, int64_t now, int max)
{
	if (db_scalar(db, "SELECT EXISTS (SELECT 1 FROM forgot_queue)", 0) == 0)
		return 0;
	enum db_rc rc = db_begin(db);
	if (rc != DB_OK)
		return -1;
	sqlite3_stmt *st = DB_STMT(db, "SELECT id, email FROM forgot_queue ORDER BY id LIMIT :max");
	sqlite3_stmt *del = DB_STMT(db, "DELETE FROM forgot_queue WHERE id = :id");
	int n = 0;
	if (!st || !del)
		rc = DB_ERR;
	if (rc == DB_OK) {
		db_bind_int(st, ":max", max);
		int64_t ids[64];
		char emails[64][256];
		int s;
		while (n < max && n < 64 && (s = sqlite3_step(st)) == SQLITE_ROW) {
			ids[n] = sqlite3_column_int64(st, 0);
			db_column_copy(st, 1, emails[n], sizeof(emails[n]));
			n++;
		}
		sqlite3_reset(st);
		for (int i = 0; rc == DB_OK && i < n; i++) {
			rc = forgot_one(db, emails[i], now);
			if (rc == DB_OK) {
				db_bind_int(del, ":id", ids[i]);
				rc = db_exec_step(db, del);
			}
		}
	}
	rc = db_end(db, rc);
	return rc == DB_OK ? n : -1;
}

enum db_rc acct_reset(struct db *db, const unsigned char hash[TOKEN_HASH_BYTES], const char *pw_hash,
		      int64_t now, const char *ip, account_then_fn then, void *arg,
		      struct acct_link_info *info)
{
	enum db_rc rc = db_begin(db);
	if (rc != DB_OK)
		return rc;
	rc = acct_token_take(db, hash, 1u << ACCT_RESET | 1u << ACCT_INVITE, now, info);
	int64_t uid = info->user_id;
	if (rc == DB_OK)
		rc = user_set_password(db, uid, pw_hash);
	/* They read mail at the address: it is confirmed. */
	if (rc == DB_OK)
		rc = set_verified(db, uid, 1);
	if (rc == DB_OK)
		rc = acct_token_retire(db, uid, 1u << ACCT_RESET | 1u << ACCT_INVITE | 1u << ACCT_VERIFY,
				       now);
	if (rc == DB_OK)
		rc = sess_delete_user(db, uid, NULL);
	if (rc == DB_OK)
		rc = known_forget_user(db, uid, NULL);
	if (rc == DB_OK)
		rc = throttle_clear(db, info->email);
	if (rc == DB_OK)
		rc = directory_refresh(db, uid, now);
	int invited = info->purpose == ACCT_INVITE;
	if (rc == DB_OK)
		rc = audit_add(db, now, invited ? "invitation_accepted" : "password_reset", uid, uid, ip,
			       invited ? NULL : "every session ended");
	if (rc == DB_OK && !invited)
		rc = outbox_account(db, OB_ACCT_PW_RESET, uid, uid, now);
	if (rc == DB_OK && then)
		rc = then(arg, uid);
	return db_end(db, rc);
}

enum db_rc acct_set_team_title(struct db *db, int64_t uid, const char *team, const char *title, int64_t now)
{
	sqlite3_stmt *st = DB_STMT(db, "UPDATE profiles SET team = :t, job_title = :j, updated_at = :now "
				       "WHERE user_id = :u");
	if (!st)
		return DB_ERR;
	db_bind_text(st, ":t", team);
	db_bind_text(st, ":j", title);
	db_bind_int(st, ":now", now);
	db_bind_int(st, ":u", uid);
	return db_exec_step(db, st);
}

enum db_rc acct_invite_in(struct db *db, const char *email, const char *name, const char *team,
			  const char *job_title, int64_t admin_id, int64_t now, const char *ip,
			  const char *audit_event, int *created)
{
	*created = 0;
	struct user u;
	enum db_rc rc = user_by_email(db, email, &u);
	if (rc == DB_OK)
		return u.pw_hash[0] || !u.active ? DB_CONFLICT : acct_token_issue(db, u.id, ACCT_INVITE, now);
	if (rc != DB_NOTFOUND)
		return rc;
	int64_t id = 0;
	rc = user_create(db, email, name, "", "member", now, &id);
	if (rc == DB_OK)
		rc = set_verified(db, id, 0);
	if (rc == DB_OK && (*team || *job_title))
		rc = acct_set_team_title(db, id, team, job_title, now);
	if (rc == DB_OK)
		rc = acct_token_issue(db, id, ACCT_INVITE, now);
	if (rc == DB_OK && audit_event)
		rc = audit_add(db, now, audit_event, admin_id, id, ip, NULL);
	if (rc == DB_OK)
		*created = 1;
	return rc;
}

enum db_rc acct_invite(struct db *db, const char *email, const char *name, const char *team,
		       const char *job_title, int64_t admin_id, int64_t now, const char *ip, int *created)
{
	enum db_rc rc = db_begin(db);
	if (rc != DB_OK)
		return rc;
	rc = acct_invite_in(db, email, name, team, job_title, admin_id, now, ip, "invited", created);
	if (rc == DB_OK && !*created)
		rc = audit_add(db, now, "invitation_sent_again", admin_id, 0, ip, NULL);
	return db_end(db, rc);
}
