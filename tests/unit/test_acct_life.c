/* Issue 16's store: one-time account links (store/acct_tokens.c) written
 * back by the sender from their salt, single use, retired by a newer link
 * and by a key rotation, expired; the forgot queue; a reset that ends
 * every session; an import applied twice. On a real migrated database. */
#include "testdb.h"
#include "testkey.h"

#include "security/acct_link.h"
#include "store/acct_life.h"
#include "store/imports.h"
#include "store/outbox.h"
#include "store/sessions.h"
#include "store/users.h"

#define T0 1800000000

static struct db *db;
static char path[256];

static int setup(void **state)
{
	if (key_setup(state) != 0)
		return -1;
	db = test_db_open("acct", path);
	return db ? 0 : -1;
}

static int teardown(void **state)
{
	test_db_remove(db, path);
	seal_drop_retired(keyfile);
	return key_teardown(state);
}

static int64_t new_user(const char *email, const char *pw_hash)
{
	int64_t id = 0;
	assert_int_equal(db_begin(db), DB_OK);
	assert_int_equal(user_create(db, email, "Test Person", pw_hash, "member", T0, &id), DB_OK);
	assert_int_equal(db_commit(db), DB_OK);
	return id;
}

/* The link of the newest outbox row for uid, as the sender writes it
 * (outbox_check): 1 with token set, 0 when it is not to be sent. */
static int sender_link(int64_t uid, int64_t now, char token[48])
{
	struct outbox_row r = {0};
	sqlite3_stmt *st = db_stmt_literal(
		db, "SELECT id, event, ref FROM outbox WHERE user_id = :u ORDER BY id DESC LIMIT 1");
	db_bind_int(st, ":u", uid);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	r.id = sqlite3_column_int64(st, 0);
	r.event = sqlite3_column_int(st, 1);
	r.ref = sqlite3_column_int64(st, 2);
	r.user_id = uid;
	sqlite3_reset(st);
	struct outbox_facts f;
	int c = outbox_check(db, &r, now, &f);
	assert_true(c >= 0);
	snprintf(token, 48, "%s", f.link_token);
	return c;
}

static void issue(int64_t uid, enum acct_purpose p, int64_t now)
{
	assert_int_equal(db_begin(db), DB_OK);
	assert_int_equal(acct_token_issue(db, uid, p, now), DB_OK);
	assert_int_equal(db_commit(db), DB_OK);
}

static void verify_link_single_use_retired_and_expired(void **state)
{
	(void)state;
	int64_t uid = new_user("v@example.com", "x");
	issue(uid, ACCT_VERIFY, T0);
	char tok[48], tok2[48];
	assert_int_equal(sender_link(uid, T0, tok), 1);
	assert_int_equal(strlen(tok), TOKEN_B64_LEN - 1);
	/* A newer link retires it: the old row is no longer sent or valid. */
	issue(uid, ACCT_VERIFY, T0 + 10);
	assert_int_equal(sender_link(uid, T0 + 10, tok2), 1);
	assert_string_not_equal(tok, tok2);
	unsigned char h[TOKEN_HASH_BYTES];
	struct acct_link_info info;
	assert_int_equal(acct_link_lookup(tok, h), 0);
	assert_int_equal(acct_token_peek(db, h, 1u << ACCT_VERIFY, T0 + 10, &info), DB_NOTFOUND);
	assert_int_equal(acct_link_lookup(tok2, h), 0);
	/* Of another purpose: no. Expired at 48 hours: no. */
	assert_int_equal(acct_token_peek(db, h, 1u << ACCT_RESET, T0 + 10, &info), DB_NOTFOUND);
	assert_int_equal(acct_token_peek(db, h, 1u << ACCT_VERIFY, T0 + 10 + ACCT_VERIFY_TTL, &info),
			 DB_NOTFOUND);
	assert_int_equal(acct_token_peek(db, h, 1u << ACCT_VERIFY, T0 + 20, &info), DB_OK);
	assert_int_equal(info.user_id, uid);
	int64_t who = 0;
	assert_int_equal(acct_verify(db, h, T0 + 20, "ip", &who), DB_OK);
	assert_int_equal(who, uid);
	assert_int_equal(acct_verify(db, h, T0 + 21, "ip", &who), DB_NOTFOUND);
	struct user u;
	assert_int_equal(user_by_id(db, uid, &u), DB_OK);
	assert_int_equal(u.verified, 1);
	/* A token nobody made, or a malformed one. */
	assert_int_equal(acct_link_lookup("short", h), -1);
	assert_int_equal(acct_link_lookup("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", h), 0);
	assert_int_equal(acct_token_peek(db, h, 0xff, T0, &info), DB_NOTFOUND);
}

static void forgot_queue_reset_ends_sessions_and_caps_links(void **state)
{
	(void)state;
	int64_t uid = new_user("r@example.com", "$argon2id$old");
	unsigned char s1[TOKEN_HASH_BYTES] = {1}, s2[TOKEN_HASH_BYTES] = {2};
	struct sess s;
	assert_int_equal(sess_create(db, s1, uid, T0, &s), DB_OK);
	assert_int_equal(sess_create(db, s2, uid, T0, &s), DB_OK);
	/* Queued for anyone; only an account gets a link, at most 3 an hour. */
	for (int i = 0; i < 4; i++)
		assert_int_equal(acct_forgot(db, "r@example.com", "10.0.0.1", T0 + i), DB_OK);
	assert_int_equal(acct_forgot(db, "nobody@example.com", "10.0.0.1", T0), DB_OK);
	assert_int_equal(acct_forgot_work(db, T0 + 5, 64), 5);
	assert_int_equal(acct_forgot_work(db, T0 + 5, 64), 0);
	assert_int_equal(db_scalar(db, "SELECT count(*) FROM account_tokens WHERE purpose = 2", -1), 3);
	assert_int_equal(
		db_scalar(db, "SELECT count(*) FROM account_tokens WHERE purpose = 2 AND used_at IS NULL",
			  -1),
		1);
	char tok[48];
	assert_int_equal(sender_link(uid, T0 + 6, tok), 1);
	unsigned char h[TOKEN_HASH_BYTES];
	assert_int_equal(acct_link_lookup(tok, h), 0);
	struct acct_link_info info;
	/* 30 minutes: gone after. */
	assert_int_equal(acct_token_peek(db, h, 1u << ACCT_RESET, T0 + 5 + ACCT_RESET_TTL, &info),
			 DB_NOTFOUND);
	assert_int_equal(acct_reset(db, h, "$argon2id$new", T0 + 60, "ip", NULL, NULL, &info), DB_OK);
	assert_int_equal(db_scalar(db, "SELECT count(*) FROM sessions", -1), 0);
	struct user u;
	assert_int_equal(user_by_id(db, uid, &u), DB_OK);
	assert_string_equal(u.pw_hash, "$argon2id$new");
	assert_int_equal(acct_reset(db, h, "$argon2id$again", T0 + 61, "ip", NULL, NULL, &info), DB_NOTFOUND);
	assert_int_equal(db_scalar(db, "SELECT count(*) FROM audit WHERE event = 'password_reset'", -1), 1);
	assert_int_equal(db_scalar(db, "SELECT count(*) FROM outbox WHERE event = 17", -1), 1);
	/* The IP's requests are counted for its limit. */
	assert_int_equal(acct_forgot_wait(db, "10.0.0.1", T0 + 60), 0);
}

static void a_key_rotation_retires_outstanding_links(void **state)
{
	(void)state;
	int64_t uid = new_user("k@example.com", "x");
	issue(uid, ACCT_RESET, T0);
	char tok[48];
	assert_int_equal(sender_link(uid, T0, tok), 1);
	assert_int_equal(seal_rotate_begin(), 0);
	assert_int_equal(sender_link(uid, T0, tok), 0); /* the sender cannot write it any more */
	assert_int_equal(seal_rotate_finish(), 0);
}

static void stage(struct import_stage *s, int64_t admin, int64_t now, const char *team5)
{
	assert_int_equal(imports_stage_begin(db, admin, now, s), DB_OK);
	char email[64];
	for (int i = 1; i <= 20; i++) {
		snprintf(email, sizeof(email), "emp%d@example.com", i);
		const char *team = i == 5 ? team5 : "Ops";
		assert_int_equal(
			imports_stage_row(s, i + 1, email, "Emp", team, "Clerk", i == 7 ? "bad" : NULL),
			DB_OK);
	}
	assert_int_equal(imports_stage_row(s, 30, "emp1@example.com", "Again", "Ops", "Clerk", NULL), DB_OK);
	assert_int_equal(imports_stage_end(s, 1), DB_OK);
}

static void an_import_applies_once_and_again_changes_nothing(void **state)
{
	(void)state;
	int64_t admin = new_user("admin@example.com", "x");
	int64_t other = new_user("other-admin@example.com", "x");
	struct import_stage s;
	stage(&s, admin, T0, "Ops");
	assert_int_equal(s.c.n_add, 19);
	assert_int_equal(s.c.n_invalid, 2); /* line 8, and line 30 repeats line 2 */
	struct import_counts c;
	assert_int_equal(imports_get(db, s.c.id, other, &c), DB_NOTFOUND);
	int64_t added = 0, updated = 0;
	assert_int_equal(imports_apply(db, s.c.id, other, T0, "ip", &added, &updated), DB_NOTFOUND);
	assert_int_equal(imports_apply(db, s.c.id, admin, T0, "ip", &added, &updated), DB_OK);
	assert_int_equal(added, 19);
	assert_int_equal(imports_apply(db, s.c.id, admin, T0, "ip", &added, &updated), DB_CONFLICT);
	int64_t users = db_scalar(db, "SELECT count(*) FROM users", -1);
	int64_t mails = db_scalar(db, "SELECT count(*) FROM outbox", -1);
	assert_int_equal(db_scalar(db, "SELECT count(*) FROM users WHERE pw_hash = '' AND verified = 0", -1),
			 19);
	stage(&s, admin, T0 + 1, "Ops");
	assert_int_equal(s.c.n_add, 0);
	assert_int_equal(s.c.n_same, 19);
	assert_int_equal(imports_apply(db, s.c.id, admin, T0 + 1, "ip", &added, &updated), DB_OK);
	assert_int_equal(added + updated, 0);
	assert_int_equal(db_scalar(db, "SELECT count(*) FROM users", -1), users);
	assert_int_equal(db_scalar(db, "SELECT count(*) FROM outbox", -1), mails);
	stage(&s, admin, T0 + 2, "Security");
	assert_int_equal(s.c.n_update, 1);
	assert_int_equal(imports_apply(db, s.c.id, admin, T0 + 2, "ip", &added, &updated), DB_OK);
	assert_int_equal(updated, 1);
	assert_int_equal(db_scalar(db, "SELECT count(*) FROM profiles WHERE team = 'Security'", -1), 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(verify_link_single_use_retired_and_expired),
		cmocka_unit_test(forgot_queue_reset_ends_sessions_and_caps_links),
		cmocka_unit_test(a_key_rotation_retires_outstanding_links),
		cmocka_unit_test(an_import_applies_once_and_again_changes_nothing),
	};
	return cmocka_run_group_tests_name("account lifecycle store", tests, setup, teardown);
}
