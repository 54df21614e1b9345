#include "store/mfa.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "security/seal.h"
#include "store/audit.h"
#include "store/sealcol.h"
#include "store/sealed.h"
#include "store/sessions.h"
#include "store/throttle.h"

void mfa_throttle_key(int64_t user_id, char *key, size_t n)
{
	snprintf(key, n, "mfa:%lld", (long long)user_id);
}

int mfa_enrolled(struct db *db, int64_t user_id)
{
	sqlite3_stmt *st = DB_STMT(db, "SELECT 1 FROM mfa WHERE user_id = :u AND enrolled_at IS NOT NULL");
	if (!st)
		return -1;
	db_bind_int(st, ":u", user_id);
	int rc = sqlite3_step(st);
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

/* Read user_id's secret (opened) with its state. DB_OK, DB_NOTFOUND, or
 * DB_ERR (also when the sealed value does not open: logged, never shown). */
static enum db_rc load(struct db *db, int64_t user_id, char b32[TOTP_B32_LEN], int *enrolled, int64_t *last)
{
	sqlite3_stmt *st = DB_STMT(db, "SELECT secret, enrolled_at IS NOT NULL, last_step FROM mfa "
				       "WHERE user_id = :u");
	if (!st)
		return DB_ERR;
	db_bind_int(st, ":u", user_id);
	int r = sqlite3_step(st);
	if (r != SQLITE_ROW) {
		sqlite3_reset(st);
		return r == SQLITE_DONE ? DB_NOTFOUND : db_rc_from(r);
	}
	const struct sealed_col *c = &sealed_cols[SEALED_MFA_SECRET];
	char row[SEALED_ROW_MAX];
	sealed_row(SEALED_MFA_SECRET, user_id, 0, NULL, row, sizeof(row));
	struct buf plain = {0};
	int ok = seal_decrypt(c->table, c->column, row, sqlite3_column_blob(st, 0),
			      (size_t)sqlite3_column_bytes(st, 0), &plain) == 0 &&
		 plain.len == TOTP_B32_LEN - 1;
	if (ok)
		memcpy(b32, plain.data, TOTP_B32_LEN);
	*enrolled = sqlite3_column_int(st, 1);
	*last = sqlite3_column_int64(st, 2);
	sqlite3_reset(st);
	if (plain.data)
		sodium_memzero(plain.data, plain.len);
	buf_free(&plain);
	return ok ? DB_OK : DB_ERR;
}

/* Inside the caller's transaction: an enrolment not finished within
 * MFA_PENDING_TTL is dropped, so a secret shown on a screen, or to a
 * stolen session, does not wait indefinitely to be confirmed. */
static enum db_rc drop_stale(struct db *db, int64_t user_id, int64_t now)
{
	sqlite3_stmt *st = DB_STMT(db, "DELETE FROM mfa WHERE user_id = :u AND enrolled_at IS NULL "
				       "AND created_at <= :old");
	if (!st)
		return DB_ERR;
	db_bind_int(st, ":u", user_id);
	db_bind_int(st, ":old", now - MFA_PENDING_TTL);
	return db_exec_step(db, st);
}

enum db_rc mfa_begin(struct db *db, int64_t user_id, int64_t now, char b32[TOTP_B32_LEN])
{
	enum db_rc rc = db_begin(db);
	if (rc != DB_OK)
		return rc;
	rc = drop_stale(db, user_id, now);
	if (rc != DB_OK)
		return db_end(db, rc);
	int enrolled = 0;
	int64_t last = 0;
	rc = load(db, user_id, b32, &enrolled, &last);
	if (rc == DB_OK && enrolled)
		rc = DB_CONFLICT;
	if (rc == DB_NOTFOUND) {
		sqlite3_stmt *st =
			DB_STMT(db, "INSERT INTO mfa(user_id, secret, created_at) VALUES (:u, :s, :now)");
		char row[SEALED_ROW_MAX];
		sealed_row(SEALED_MFA_SECRET, user_id, 0, NULL, row, sizeof(row));
		rc = DB_ERR;
		if (st && totp_new_secret(b32) == 0 &&
		    sealcol_bind(st, ":s", "mfa", "secret", row, b32) == 0) {
			db_bind_int(st, ":u", user_id);
			db_bind_int(st, ":now", now);
			rc = db_exec_step(db, st);
		}
	}
	return db_end(db, rc);
}

/* A store failure as an mfa_result. */
static enum mfa_result failed(enum db_rc rc)
{
	return (enum mfa_result)db_failure(rc);
}

/* Inside the caller's transaction: does code (or, when code is empty,
 * recovery) prove user_id's factor, in the state `confirmed` asks for?
 * On MFA_OK the step is remembered or the recovery code used up (*used
 * set); on MFA_WRONG one failure is counted. */
static enum mfa_result prove(struct db *db, int64_t user_id, int confirmed, const char *code,
			     const char *recovery, int64_t now, const char *ip, int *used)
{
	enum db_rc rc;
	char b32[TOTP_B32_LEN];
	int enrolled = 0;
	int64_t last = 0;
	*used = 0;
	rc = load(db, user_id, b32, &enrolled, &last);
	if (rc == DB_NOTFOUND || (rc == DB_OK && enrolled != confirmed)) {
		return MFA_NONE;
	}
	if (rc != DB_OK)
		return failed(rc);
	if (code && *code) {
		char key[40];
		mfa_throttle_key(user_id, key, sizeof(key));
		int64_t fails = throttle_count(db, key, now - MFA_DAY);
		if (fails < 0) {
			sodium_memzero(b32, sizeof(b32));
			return MFA_DB_ERR;
		}
		if (fails >= MFA_DAY_MAX) {
			sodium_memzero(b32, sizeof(b32));
			return MFA_LOCKED;
		}
		int64_t step = totp_check(b32, now, code);
		sodium_memzero(b32, sizeof(b32));
		/* A step at most once: a code seen over a shoulder or replayed
		 * from a log is refused, as is any step before the last. */
		if (step > last) {
			sqlite3_stmt *st = DB_STMT(db, "UPDATE mfa SET last_step = :s WHERE user_id = :u");
			if (!st)
				return MFA_DB_ERR;
			db_bind_int(st, ":s", step);
			db_bind_int(st, ":u", user_id);
			rc = db_exec_step(db, st);
			return rc == DB_OK ? MFA_OK : failed(rc);
		}
	} else if (recovery && *recovery && confirmed) {
		sodium_memzero(b32, sizeof(b32));
		unsigned char h[RECOVERY_HASH_BYTES];
		if (recovery_hash(user_id, recovery, h) == 0) {
			sqlite3_stmt *st =
				DB_STMT(db, "UPDATE mfa_recovery SET used_at = :now "
					    "WHERE user_id = :u AND code_hash = :h AND used_at IS NULL");
			if (!st)
				return MFA_DB_ERR;
			db_bind_int(st, ":now", now);
			db_bind_int(st, ":u", user_id);
			db_bind_blob(st, ":h", h, sizeof(h));
			rc = db_exec_step(db, st);
			if (rc != DB_OK)
				return failed(rc);
			if (sqlite3_changes(db_handle(db)) == 1) {
				*used = 1;
				rc = audit_add(db, now, "mfa_recovery_used", user_id, user_id, ip, NULL);
				return rc == DB_OK ? MFA_OK : failed(rc);
			}
		}
	}
	sodium_memzero(b32, sizeof(b32));
	char key[40];
	mfa_throttle_key(user_id, key, sizeof(key));
	rc = throttle_fail(db, key, ip, now);
	if (rc == DB_OK)
		rc = audit_add(db, now, "mfa_failed", user_id, user_id, ip, NULL);
	return rc == DB_OK ? MFA_WRONG : failed(rc);
}

/* End the transaction after prove() and the writes that follow it: a
 * wrong code still commits its counted failure. */
static enum mfa_result finish(struct db *db, enum mfa_result r)
{
	if (db_failed(r)) {
		db_rollback(db);
		return r;
	}
	enum db_rc rc = db_end(db, DB_OK);
	return rc == DB_OK ? r : failed(rc);
}

enum mfa_result mfa_enrol(struct db *db, int64_t user_id, const unsigned char sess[TOKEN_HASH_BYTES],
			  const char *code, int64_t now, const char *ip,
			  char codes[RECOVERY_COUNT][RECOVERY_LEN])
{
	enum db_rc rc = db_begin(db);
	if (rc != DB_OK)
		return failed(rc);
	int used = 0;
	rc = drop_stale(db, user_id, now);
	if (rc != DB_OK) {
		db_end(db, rc);
		return failed(rc);
	}
	enum mfa_result r = prove(db, user_id, 0, code, NULL, now, ip, &used);
	if (r == MFA_OK) {
		sqlite3_stmt *st = DB_STMT(db, "UPDATE mfa SET enrolled_at = :now WHERE user_id = :u");
		sqlite3_stmt *del = DB_STMT(db, "DELETE FROM mfa_recovery WHERE user_id = :u");
		rc = st && del ? DB_OK : DB_ERR;
		if (rc == DB_OK) {
			db_bind_int(st, ":now", now);
			db_bind_int(st, ":u", user_id);
			rc = db_exec_step(db, st);
		}
		if (rc == DB_OK) {
			db_bind_int(del, ":u", user_id);
			rc = db_exec_step(db, del);
		}
		for (int i = 0; rc == DB_OK && i < RECOVERY_COUNT; i++) {
			unsigned char h[RECOVERY_HASH_BYTES];
			recovery_new(codes[i]);
			sqlite3_stmt *ins =
				DB_STMT(db, "INSERT INTO mfa_recovery(user_id, code_hash) VALUES (:u, :h)");
			if (!ins || recovery_hash(user_id, codes[i], h) != 0) {
				rc = DB_ERR;
				break;
			}
			db_bind_int(ins, ":u", user_id);
			db_bind_blob(ins, ":h", h, sizeof(h));
			rc = db_exec_step(db, ins);
		}
		if (rc == DB_OK)
			rc = sess_set_mfa(db, sess, SESS_MFA_PASSED);
		/* Any other session began before the factor existed (perhaps a
		 * stolen one that read the secret): it signs in again. */
		if (rc == DB_OK)
			rc = sess_delete_user(db, user_id, sess);
		if (rc == DB_OK)
			rc = audit_add(db, now, "mfa_enrolled", user_id, user_id, ip, NULL);
		if (rc != DB_OK)
			r = failed(rc);
	}
	return finish(db, r);
}

enum mfa_result mfa_pass(struct db *db, int64_t user_id, const unsigned char sess[TOKEN_HASH_BYTES],
			 const char *code, const char *recovery, int64_t now, const char *ip, int *left)
{
	enum db_rc rc = db_begin(db);
	if (rc != DB_OK)
		return failed(rc);
	int used = 0;
	enum mfa_result r = prove(db, user_id, 1, code, recovery, now, ip, &used);
	if (r == MFA_OK) {
		char key[40];
		mfa_throttle_key(user_id, key, sizeof(key));
		rc = sess_set_mfa(db, sess, SESS_MFA_PASSED);
		if (rc == DB_OK)
			rc = throttle_clear(db, key);
		if (rc != DB_OK)
			r = failed(rc);
	} else if (r == MFA_WRONG) {
		/* The session that owes its code is the password's proof: after
		 * a few wrong codes it goes, and guessing on costs a sign-in. */
		char key[40];
		mfa_throttle_key(user_id, key, sizeof(key));
		int64_t fails = throttle_count(db, key, now - MFA_DAY);
		if (fails < 0)
			rc = DB_ERR;
		else if (fails % MFA_SESSION_TRIES == 0) {
			rc = sess_delete(db, sess);
			r = MFA_SIGNED_OUT;
		}
		if (rc != DB_OK)
			r = failed(rc);
	}
	r = finish(db, r);
	if (r == MFA_OK && left)
		*left = used ? mfa_recovery_left(db, user_id) : -1;
	return r;
}

enum mfa_result mfa_disable(struct db *db, int64_t user_id, const unsigned char sess[TOKEN_HASH_BYTES],
			    const char *code, const char *recovery, int64_t now, const char *ip)
{
	enum db_rc rc = db_begin(db);
	if (rc != DB_OK)
		return failed(rc);
	int used = 0;
	enum mfa_result r = prove(db, user_id, 1, code, recovery, now, ip, &used);
	if (r == MFA_OK) {
		sqlite3_stmt *a = DB_STMT(db, "DELETE FROM mfa WHERE user_id = :u");
		sqlite3_stmt *b = DB_STMT(db, "DELETE FROM mfa_recovery WHERE user_id = :u");
		rc = a && b ? DB_OK : DB_ERR;
		if (rc == DB_OK) {
			db_bind_int(a, ":u", user_id);
			rc = db_exec_step(db, a);
		}
		if (rc == DB_OK) {
			db_bind_int(b, ":u", user_id);
			rc = db_exec_step(db, b);
		}
		/* Sessions that passed the factor passed one that is gone. */
		if (rc == DB_OK)
			rc = sess_delete_user(db, user_id, sess);
		if (rc == DB_OK)
			rc = sess_set_mfa(db, sess, SESS_MFA_NONE);
		if (rc == DB_OK)
			rc = audit_add(db, now, "mfa_disabled", user_id, user_id, ip, NULL);
		if (rc != DB_OK)
			r = failed(rc);
	}
	return finish(db, r);
}

int mfa_recovery_left(struct db *db, int64_t user_id)
{
	sqlite3_stmt *st =
		DB_STMT(db, "SELECT count(*) FROM mfa_recovery WHERE user_id = :u AND used_at IS NULL");
	if (!st)
		return -1;
	db_bind_int(st, ":u", user_id);
	int n = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int(st, 0) : -1;
	sqlite3_reset(st);
	return n;
}

enum db_rc mfa_remove(struct db *db, int64_t user_id, int64_t now)
{
	enum db_rc rc = db_begin(db);
	if (rc != DB_OK)
		return rc;
	sqlite3_stmt *a = DB_STMT(db, "DELETE FROM mfa WHERE user_id = :u");
	sqlite3_stmt *b = DB_STMT(db, "DELETE FROM mfa_recovery WHERE user_id = :u");
	rc = a && b ? DB_OK : DB_ERR;
	if (rc == DB_OK) {
		db_bind_int(a, ":u", user_id);
		rc = db_exec_step(db, a);
	}
	if (rc == DB_OK && sqlite3_changes(db_handle(db)) == 0)
		rc = DB_NOTFOUND;
	if (rc == DB_OK) {
		db_bind_int(b, ":u", user_id);
		rc = db_exec_step(db, b);
	}
	if (rc == DB_OK)
		rc = sess_delete_user(db, user_id, NULL);
	if (rc == DB_OK)
		rc = audit_add(db, now, "mfa_disabled", 0, user_id, NULL, "by the operator");
	return db_end(db, rc);
}
