/* The store functions that took over the pages' SQL and transactions
 * (issue 13, "dependencies point one way"): each write owns its
 * transaction and leaves none open; the rules the pages used to check
 * inside their own transaction still hold. */
#include "testdb.h"
#include "testutil.h"

#include <sodium.h>
#include <unistd.h>

#include "core/utf8.h"
#include "core/when.h"
#include "security/token.h"
#include "store/accounts.h"
#include "store/audit.h"
#include "store/migrate.h"
#include "store/profiles.h"
#include "store/setup_tokens.h"
#include "store/users.h"

TEST_DB_FIXTURE("layers")

/* A store function that owns its transaction returns with none open: a
 * BEGIN right after it succeeds. */
static void no_transaction_left(struct db *db)
{
	assert_int_equal(db_begin(db), DB_OK);
	db_rollback(db);
}

static int64_t member(struct db *db, const char *email, const char *role)
{
	int64_t id = 0;
	assert_int_equal(db_begin(db), DB_OK);
	assert_int_equal(account_insert(db, email, "Someone", "$argon2id$x", role, 1000, "127.0.0.1", &id),
			 DB_OK);
	assert_int_equal(db_commit(db), DB_OK);
	return id;
}

static enum db_rc then_ok(void *arg, int64_t user_id)
{
	*(int64_t *)arg = user_id;
	return DB_OK;
}

static enum db_rc then_fail(void *arg, int64_t user_id)
{
	(void)arg;
	(void)user_id;
	return DB_ERR;
}

static void user_change_keeps_one_admin(void **state)
{
	struct db *db = *state;
	int64_t admin = member(db, "admin@example.com", "admin");
	int64_t other = member(db, "other@example.com", "member");
	struct user u;
	/* The last active admin cannot step down or be deactivated. */
	assert_int_equal(user_change(db, admin, "member", admin, 2000, "127.0.0.1", &u), DB_CONFLICT);
	no_transaction_left(db);
	assert_int_equal(user_change(db, admin, NULL, admin, 2000, "127.0.0.1", &u), DB_CONFLICT);
	assert_int_equal(user_active_admins(db), 1);
	/* With a second admin, the first may. */
	assert_int_equal(user_change(db, other, "admin", admin, 2000, "127.0.0.1", &u), DB_OK);
	assert_string_equal(u.role, "member"); /* as it was */
	assert_int_equal(user_change(db, admin, "member", other, 2001, "127.0.0.1", &u), DB_OK);
	no_transaction_left(db);
	assert_int_equal(user_active_admins(db), 1);
	assert_int_equal(user_change(db, 999999, "admin", other, 2002, "127.0.0.1", &u), DB_NOTFOUND);
	assert_int_equal(db_scalar(db, "SELECT count(*) FROM audit WHERE event = 'role_changed'", 0), 2);
}

static void setup_token_is_single_use(void **state)
{
	struct db *db = *state;
	unsigned char raw[TOKEN_BYTES], hash[TOKEN_HASH_BYTES], old[TOKEN_HASH_BYTES];
	char b64[TOKEN_B64_LEN];
	token_new(raw, b64);
	token_hash(raw, old);
	assert_int_equal(setup_token_mint(db, old, 5000), DB_OK);
	token_new(raw, b64);
	token_hash(raw, hash);
	assert_int_equal(setup_token_mint(db, hash, 5000), DB_OK); /* replaces the unused one */
	assert_int_equal(setup_token_valid(db, old, 1000), 0);
	assert_int_equal(setup_token_valid(db, hash, 1000), 1);
	assert_int_equal(setup_token_valid(db, hash, 5000), 0); /* expired */
	int64_t id = 0, signed_in = 0;
	/* Work added by the caller that fails undoes everything. */
	assert_int_equal(setup_token_redeem(db, hash, "root@example.com", "Root", "$argon2id$x", 1000, "ip",
					    then_fail, NULL, &id),
			 DB_ERR);
	no_transaction_left(db);
	assert_int_equal(user_active_admins(db), 0);
	assert_int_equal(setup_token_valid(db, hash, 1000), 1);
	assert_int_equal(setup_token_redeem(db, hash, "root@example.com", "Root", "$argon2id$x", 1000, "ip",
					    then_ok, &signed_in, &id),
			 DB_OK);
	assert_int_equal(signed_in, id);
	assert_int_equal(user_active_admins(db), 1);
	assert_int_equal(setup_token_redeem(db, hash, "root2@example.com", "Root", "$argon2id$x", 1001, "ip",
					    then_ok, &signed_in, &id),
			 DB_NOTFOUND);
	no_transaction_left(db);
	assert_int_equal(db_scalar(db, "SELECT count(*) FROM audit WHERE event = 'setup_used'", 0), 1);
}

static void signup_and_login_writes_commit_together(void **state)
{
	struct db *db = *state;
	int64_t id = 0, signed_in = 0, retry = 0;
	assert_int_equal(account_signup(db, "new@example.com", "New", "$argon2id$x", 1000, "10.0.0.1",
					then_ok, &signed_in, &id, &retry),
			 DB_OK);
	assert_int_equal(signed_in, id);
	assert_int_equal(account_signup(db, "new@example.com", "Again", "$argon2id$x", 1001, "10.0.0.1",
					then_ok, &signed_in, &id, &retry),
			 DB_CONFLICT);
	/* The address's budget is checked again inside the transaction:
	 * signups sent at once cannot all slip past the page's check. */
	int created = 1;
	for (int i = 0; i < 20; i++) {
		char email[64];
		snprintf(email, sizeof(email), "burst%d@example.com", i);
		enum db_rc rc = account_signup(db, email, "Burst", "$argon2id$x", 1002, "10.0.0.9", then_ok,
					       &signed_in, &id, &retry);
		assert_true(rc == DB_OK || (rc == DB_BUSY && retry > 0));
		created += rc == DB_OK;
	}
	assert_int_equal(created - 1, 5); /* SIGNUP_FREE, then wait */
	assert_int_equal(db_scalar(db, "SELECT count(*) FROM users WHERE email LIKE 'burst%'", 0),
			 created - 1);
	no_transaction_left(db);
	assert_int_equal(account_login_failed(db, "new@example.com", "10.0.0.1", 1002, NULL, signed_in),
			 DB_OK);
	assert_int_equal(db_scalar(db, "SELECT count(*) FROM audit WHERE event = 'login_failed'", 0), 1);
	char known[TOKEN_B64_LEN];
	/* A failing sign-in step keeps nothing: no known browser, no audit line. */
	assert_int_equal(account_login_ok(db, signed_in, "new@example.com", NULL, 0, 1003, "10.0.0.1", known,
					  then_fail, NULL),
			 DB_ERR);
	no_transaction_left(db);
	assert_int_equal(db_scalar(db, "SELECT count(*) FROM audit WHERE event = 'login_ok'", 0), 0);
	assert_int_equal(db_scalar(db, "SELECT count(*) FROM known_browsers", 0), 0);
	assert_int_equal(account_login_ok(db, signed_in, "new@example.com", NULL, 0, 1004, "10.0.0.1", known,
					  then_ok, &id),
			 DB_OK);
	assert_true(known[0] != '\0');
	assert_int_equal(db_scalar(db, "SELECT count(*) FROM known_browsers", 0), 1);
}

static void profile_timezone_defaults_to_utc(void **state)
{
	struct db *db = *state;
	int64_t id = member(db, "tz@example.com", "member");
	char tz[64];
	struct profile p;
	assert_int_equal(profile_get(db, id, &p), DB_OK);
	snprintf(p.timezone, sizeof(p.timezone), "Europe/Berlin");
	assert_int_equal(profile_update(db, id, "Tz", &p, 2000), DB_OK);
	no_transaction_left(db);
	profile_timezone(db, id, tz, sizeof(tz));
	assert_string_equal(tz, "Europe/Berlin");
	profile_timezone(db, 999999, tz, sizeof(tz));
	assert_string_equal(tz, "UTC");
	/* The pure date code in core: 2026-07-01 12:00 in Berlin is 10:00 UTC. */
	assert_int_equal(when_parse_local("2026-07-01T12:00", "Europe/Berlin"), 1782900000);
}

static void utf8_len_counts_characters(void **state)
{
	(void)state;
	assert_int_equal(utf8_len(""), 0);
	assert_int_equal(utf8_len("abc"), 3);
	assert_int_equal(utf8_len("d\xc3\xa9j\xc3\xa0"), 4); /* déjà */
	assert_int_equal(utf8_len("\xf0\x9f\x98\x80!"), 2);  /* an emoji and ! */
}

int main(void)
{
	if (sodium_init() < 0)
		return 1;
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(user_change_keeps_one_admin, setup, teardown),
		cmocka_unit_test_setup_teardown(setup_token_is_single_use, setup, teardown),
		cmocka_unit_test_setup_teardown(signup_and_login_writes_commit_together, setup, teardown),
		cmocka_unit_test_setup_teardown(profile_timezone_defaults_to_utc, setup, teardown),
		cmocka_unit_test(utf8_len_counts_characters),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
