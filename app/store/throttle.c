#include "store/throttle.h"

/* The first few failures are free (typos happen); after that each failure
 * adds a delay that doubles up to a ceiling, and the hourly cap stops
 * guessing outright until the oldest failure leaves the window. Nothing is
 * permanent: an attacker cannot lock a person out for more than an hour. */
#define ACCT_FREE 5
#define IP_FREE 20
#define DELAY_CAP 20
#define SIGNUP_FREE 5

static int64_t wait_for(struct db *db, const char *scope, const char *key, int64_t now, int64_t free_n,
			int64_t max)
{
	sqlite3_stmt *st = DB_STMT(db, "SELECT count(*), min(at), max(at) FROM auth_failures "
				       "WHERE scope = :s AND key = :k AND at > :since");
	if (!st)
		return 0;
	db_bind_text(st, ":s", scope);
	db_bind_text(st, ":k", key);
	db_bind_int(st, ":since", now - THROTTLE_WINDOW);
	int64_t n = 0, first = 0, last = 0;
	if (sqlite3_step(st) == SQLITE_ROW) {
		n = sqlite3_column_int64(st, 0);
		first = sqlite3_column_int64(st, 1);
		last = sqlite3_column_int64(st, 2);
	}
	sqlite3_reset(st);
	if (n >= max)
		return first + THROTTLE_WINDOW - now + 1;
	if (n < free_n)
		return 0;
	int64_t shift = n - free_n;
	int64_t delay = shift >= 5 ? DELAY_CAP : (int64_t)1 << shift;
	if (delay > DELAY_CAP)
		delay = DELAY_CAP;
	int64_t w = last + delay - now;
	return w > 0 ? w : 0;
}

int64_t throttle_wait(struct db *db, const char *acct, const char *ip, int64_t now, int known)
{
	/* A known browser's own failures are capped where it is known
	 * (store/known.h: 5, then it is forgotten); others' failures, from
	 * its address (a shared NAT) or anywhere, never hold it back. */
	int64_t a = known ? 0 : wait_for(db, "acct", acct, now, ACCT_FREE, THROTTLE_ACCT_MAX);
	int64_t b = known ? 0 : wait_for(db, "ip", ip, now, IP_FREE, THROTTLE_IP_MAX);
	return a > b ? a : b;
}

enum db_rc throttle_fail(struct db *db, const char *acct, const char *ip, int64_t now)
{
	sqlite3_stmt *st = DB_STMT(db, "INSERT INTO auth_failures(scope, key, at) VALUES "
				       "('acct', :a, :now), ('ip', :ip, :now)");
	if (!st)
		return DB_ERR;
	db_bind_text(st, ":a", acct);
	db_bind_text(st, ":ip", ip);
	db_bind_int(st, ":now", now);
	return db_exec_step(db, st);
}

enum db_rc throttle_clear(struct db *db, const char *acct)
{
	sqlite3_stmt *st = DB_STMT(db, "DELETE FROM auth_failures WHERE scope = 'acct' AND key = :a");
	if (!st)
		return DB_ERR;
	db_bind_text(st, ":a", acct);
	return db_exec_step(db, st);
}

int64_t throttle_count(struct db *db, const char *acct, int64_t since)
{
	sqlite3_stmt *st = DB_STMT(db, "SELECT count(*) FROM auth_failures "
				       "WHERE scope = 'acct' AND key = :k AND at > :since");
	if (!st)
		return -1;
	db_bind_text(st, ":k", acct);
	db_bind_int(st, ":since", since);
	int64_t n = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : -1;
	sqlite3_reset(st);
	return n;
}

void throttle_purge(struct db *db, int64_t now)
{
	sqlite3_stmt *st = DB_STMT(db, "DELETE FROM auth_failures WHERE at <= :t "
				       "AND (at <= :day OR NOT (scope = 'acct' AND key LIKE 'mfa:%'))");
	if (!st)
		return;
	db_bind_int(st, ":t", now - THROTTLE_WINDOW);
	db_bind_int(st, ":day", now - 86400);
	db_exec_step(db, st);
}

int64_t throttle_signup_wait(struct db *db, const char *ip, int64_t now)
{
	return wait_for(db, "signup", ip, now, SIGNUP_FREE, THROTTLE_SIGNUP_MAX);
}

enum db_rc throttle_signup_note(struct db *db, const char *ip, int64_t now)
{
	sqlite3_stmt *st =
		DB_STMT(db, "INSERT INTO auth_failures(scope, key, at) VALUES ('signup', :ip, :now)");
	if (!st)
		return DB_ERR;
	db_bind_text(st, ":ip", ip);
	db_bind_int(st, ":now", now);
	return db_exec_step(db, st);
}
