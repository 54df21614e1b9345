/* issue 16: the second factor. TOTP against RFC 6238's SHA-1 test
 * vectors; the check's window of one step either way; a code works once
 * (replays and earlier steps refused) through the store, with the clock
 * passed in; recovery codes used once; the QR code's SVG escapes its text. */
#include "testdb.h"
#include "testkey.h"
#include "testutil.h"

#include <oath.h>
#include <sodium.h>

#include "core/buf.h"
#include "security/totp.h"
#include "store/mfa.h"
#include "store/sessions.h"
#include "store/users.h"
#include "view/qrsvg.h"

/* RFC 6238, appendix B: the SHA-1 rows (key "12345678901234567890"). */
static void rfc6238_vectors(void **state)
{
	(void)state;
	static const struct {
		int64_t t;
		const char *otp;
	} v[] = {
		{59, "94287082"},	  {1111111109, "07081804"}, {1111111111, "14050471"},
		{1234567890, "89005924"}, {2000000000, "69279037"}, {20000000000LL, "65353130"},
	};
	const char *key = "12345678901234567890";
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		char out[9];
		assert_int_equal(totp_code_raw(key, 20, v[i].t, 8, out), 0);
		assert_string_equal(out, v[i].otp);
		/* the 6-digit code is the same number's last six digits */
		assert_int_equal(totp_code_raw(key, 20, v[i].t, 6, out), 0);
		assert_string_equal(out, v[i].otp + 2);
	}
}

/* The code of the base32 secret b32 at time t, 6 digits. */
static void code_at(const char *b32, int64_t t, char out[7])
{
	char *key = NULL;
	size_t n = 0;
	assert_int_equal(oath_base32_decode(b32, strlen(b32), &key, &n), OATH_OK);
	assert_int_equal(totp_code_raw(key, n, t, 6, out), 0);
	free(key);
}

static void window_is_one_step(void **state)
{
	(void)state;
	char b32[TOTP_B32_LEN], c[7];
	assert_int_equal(totp_new_secret(b32), 0);
	assert_int_equal(strlen(b32), 32);
	int64_t now = 1800000015; /* mid-step */
	int64_t step = now / 30;
	code_at(b32, now, c);
	assert_int_equal(totp_check(b32, now, c), step);
	code_at(b32, now - 30, c);
	assert_int_equal(totp_check(b32, now, c), step - 1);
	code_at(b32, now + 30, c);
	assert_int_equal(totp_check(b32, now, c), step + 1);
	code_at(b32, now - 60, c);
	assert_int_equal(totp_check(b32, now, c), -1);
	code_at(b32, now + 60, c);
	assert_int_equal(totp_check(b32, now, c), -1);
	assert_int_equal(totp_check(b32, now, "12345"), -1);
	assert_int_equal(totp_check(b32, now, "1234567"), -1);
	assert_int_equal(totp_check(b32, now, "12a456"), -1);
}

/* The secret the store keeps for user 1, opened the way a person's app
 * would get it: from mfa_begin (the page shows it). */
static void replay_refused_through_the_store(void **state)
{
	(void)state;
	char path[256];
	struct db *db = test_db_open("totp", path);
	assert_non_null(db);
	int64_t uid = 0, now = 1800000015;
	assert_int_equal(user_create(db, "ada@example.com", "Ada", "x", "admin", now, &uid), DB_OK);
	unsigned char sess[TOKEN_HASH_BYTES];
	randombytes_buf(sess, sizeof(sess));
	struct sess s;
	assert_int_equal(sess_create(db, sess, uid, now, &s), DB_OK);

	char b32[TOTP_B32_LEN], again[TOTP_B32_LEN], c[7];
	assert_int_equal(mfa_begin(db, uid, now, b32), DB_OK);
	assert_int_equal(mfa_begin(db, uid, now, again), DB_OK);
	assert_string_equal(b32, again); /* a reload shows the same secret */
	/* the secret is sealed at rest: its text is nowhere in the row */
	sqlite3_stmt *st = DB_STMT(db, "SELECT secret FROM mfa WHERE user_id = :u");
	db_bind_int(st, ":u", uid);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_null(memmem(sqlite3_column_blob(st, 0), (size_t)sqlite3_column_bytes(st, 0), b32, 32));
	sqlite3_reset(st);
	assert_int_equal(mfa_enrolled(db, uid), 0);

	char codes[RECOVERY_COUNT][RECOVERY_LEN];
	code_at(b32, now + 60, c); /* two steps ahead: refused */
	assert_int_equal(mfa_enrol(db, uid, sess, c, now, "ip", codes), MFA_WRONG);
	code_at(b32, now - 30, c); /* one step behind: accepted */
	assert_int_equal(mfa_enrol(db, uid, sess, c, now, "ip", codes), MFA_OK);
	assert_int_equal(mfa_enrolled(db, uid), 1);
	assert_int_equal(mfa_recovery_left(db, uid), RECOVERY_COUNT);

	int left = 0;
	/* the same code again: a replay */
	assert_int_equal(mfa_pass(db, uid, sess, c, "", now, "ip", &left), MFA_WRONG);
	/* this step's code works once */
	code_at(b32, now, c);
	assert_int_equal(mfa_pass(db, uid, sess, c, "", now, "ip", &left), MFA_OK);
	assert_int_equal(mfa_pass(db, uid, sess, c, "", now + 10, "ip", &left), MFA_WRONG);
	/* one step ahead works, and then the current step is an earlier one */
	code_at(b32, now + 30, c);
	assert_int_equal(mfa_pass(db, uid, sess, c, "", now, "ip", &left), MFA_OK);
	code_at(b32, now, c);
	assert_int_equal(mfa_pass(db, uid, sess, c, "", now + 20, "ip", &left), MFA_WRONG);
	/* two steps behind is refused even when never used */
	code_at(b32, now + 90, c);
	assert_int_equal(mfa_pass(db, uid, sess, c, "", now + 150, "ip", &left), MFA_WRONG);

	/* a recovery code: once, however it is typed */
	char shout[RECOVERY_LEN];
	for (size_t i = 0; i < RECOVERY_LEN; i++)
		shout[i] =
			(char)((codes[3][i] >= 'a' && codes[3][i] <= 'z') ? codes[3][i] - 32 : codes[3][i]);
	assert_int_equal(mfa_pass(db, uid, sess, "", shout, now, "ip", &left), MFA_OK);
	assert_int_equal(left, RECOVERY_COUNT - 1);
	assert_int_equal(mfa_pass(db, uid, sess, "", codes[3], now, "ip", &left), MFA_WRONG);
	assert_int_equal(mfa_pass(db, uid, sess, "", "aaaa-bbbb-cccc-dddd", now, "ip", &left), MFA_WRONG);
	assert_int_equal(db_scalar(db, "SELECT count(*) FROM audit WHERE event = 'mfa_recovery_used'", -1),
			 1);
	/* wrong codes are counted like wrong passwords */
	assert_true(db_scalar(db, "SELECT count(*) FROM auth_failures WHERE key LIKE 'mfa:%'", -1) > 0);

	/* off, with a code; the secret and the codes are gone */
	code_at(b32, now + 300, c);
	assert_int_equal(mfa_disable(db, uid, sess, c, "", now + 300, "ip"), MFA_OK);
	assert_int_equal(mfa_enrolled(db, uid), 0);
	assert_int_equal(db_scalar(db, "SELECT count(*) FROM mfa_recovery", -1), 0);
	assert_int_equal(db_scalar(db, "SELECT count(*) FROM audit WHERE event = 'mfa_disabled'", -1), 1);
	test_db_remove(db, path);
}

static void qr_svg_escapes_its_text(void **state)
{
	(void)state;
	struct buf b = {0};
	assert_int_equal(qrsvg_append(&b, "otpauth://totp/Tandem:a%40b?secret=ABC", "QR <b>&\"x\""), 0);
	const char *s = buf_str(&b);
	assert_non_null(strstr(s, "<svg "));
	assert_non_null(strstr(s, "role=\"img\""));
	assert_non_null(strstr(s, "<title id=\"qr-title\">QR &lt;b&gt;&amp;&quot;x&quot;</title>"));
	assert_null(strstr(s, "<b>"));
	assert_non_null(strstr(s, "</svg>"));
	buf_free(&b);
}

int main(void)
{
	if (sodium_init() < 0)
		return 1;
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(rfc6238_vectors),
		cmocka_unit_test(window_is_one_step),
		cmocka_unit_test_setup_teardown(replay_refused_through_the_store, key_setup, key_teardown),
		cmocka_unit_test(qr_svg_escapes_its_text),
	};
	return cmocka_run_group_tests_name("second factor", tests, NULL, NULL);
}
