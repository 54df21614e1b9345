/* Migrations, sessions, throttling and the password policy, on a real
 * SQLite file without HTTP. */
#include "testdb.h"
#include "testutil.h"

#include <fcntl.h>
#include <sodium.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "core/clock.h"
#include "security/password.h"
#include "store/throttle.h"
#include "store/known.h"
#include "store/audit.h"
#include "store/directory.h"
#include "store/migrate.h"
#include "store/sessions.h"
#include "store/users.h"
#include "store/waits.h"

TEST_DB_FIXTURE("store")

static void migrations_apply_once(void **state)
{
	struct db *db = *state;
	char dir[4200];
	snprintf(dir, sizeof(dir), "%s/sql", test_root());
	int64_t before = db_scalar(db, "SELECT count(*) FROM schema_migrations", -1);
	assert_true(before >= 1);
	assert_int_equal(migrate_apply(db, dir), 0); /* second run: nothing */
	assert_int_equal(db_scalar(db, "SELECT count(*) FROM schema_migrations", -1), before);
	assert_int_equal(db_scalar(db, "PRAGMA foreign_keys", 0), 1);
	assert_int_equal(db_scalar(db, "PRAGMA synchronous", 0), 2); /* FULL */
	assert_int_equal(db_scalar(db, "PRAGMA busy_timeout", 0), 5000);
	assert_int_equal(db_scalar(db, "PRAGMA secure_delete", 0), 1);
}

static void audit_is_append_only(void **state)
{
	struct db *db = *state;
	assert_int_equal(audit_add(db, 100, "test_event", 0, 0, "127.0.0.1", NULL), DB_OK);
	assert_int_not_equal(db_exec_script(db, "UPDATE audit SET event = 'x'"), DB_OK);
	assert_int_not_equal(db_exec_script(db, "DELETE FROM audit"), DB_OK);
	assert_int_equal(db_scalar(db, "SELECT count(*) FROM audit WHERE event = 'test_event'", 0), 1);
}

static int64_t make_user(struct db *db, const char *email)
{
	int64_t id = 0;
	assert_int_equal(user_create(db, email, "Test", "$argon2id$x", "member", 1000, &id), DB_OK);
	return id;
}

static void duplicate_email_conflicts(void **state)
{
	struct db *db = *state;
	make_user(db, "dup@example.com");
	int64_t id;
	assert_int_equal(user_create(db, "dup@example.com", "T", "h", "member", 1, &id), DB_CONFLICT);
}

static void sessions_expire_idle_and_absolute(void **state)
{
	struct db *db = *state;
	int64_t uid = make_user(db, "sess@example.com");
	unsigned char h[TOKEN_HASH_BYTES];
	struct sess s;
	randombytes_buf(h, sizeof(h));
	assert_int_equal(sess_create(db, h, uid, 10000, &s), DB_OK);
	/* active use keeps it alive until the absolute limit */
	int64_t t = 10000;
	for (int i = 0; i < 20; i++) {
		t += 1700; /* under the 1800 s idle limit */
		assert_int_equal(sess_lookup(db, h, t, 1800, 43200, &s, NULL), DB_OK);
		sess_touch(db, &s, t);
	}
	t += 1700 * 6; /* now past 12 h since creation */
	assert_int_equal(sess_lookup(db, h, 10000 + 43201, 1800, 43200, &s, NULL), DB_NOTFOUND);
	/* idle */
	randombytes_buf(h, sizeof(h));
	assert_int_equal(sess_create(db, h, uid, 20000, &s), DB_OK);
	assert_int_equal(sess_lookup(db, h, 21800, 1800, 43200, &s, NULL), DB_OK);
	assert_int_equal(sess_lookup(db, h, 21800 + 1801, 1800, 43200, &s, NULL), DB_NOTFOUND);
	/* the expired row is gone, not just refused */
	assert_int_equal(sess_lookup(db, h, 21800, 1800, 43200, &s, NULL), DB_NOTFOUND);
}

static void deactivation_ends_sessions(void **state)
{
	struct db *db = *state;
	int64_t uid = make_user(db, "gone@example.com");
	unsigned char h[TOKEN_HASH_BYTES];
	struct sess s;
	randombytes_buf(h, sizeof(h));
	assert_int_equal(sess_create(db, h, uid, 5000, &s), DB_OK);
	assert_int_equal(user_deactivate(db, uid), DB_OK);
	assert_int_equal(sess_lookup(db, h, 5001, 1800, 43200, &s, NULL), DB_NOTFOUND);
}

static void throttle_grows_then_caps_then_forgets(void **state)
{
	struct db *db = *state;
	int64_t t = 50000;
	for (int i = 0; i < 5; i++) {
		assert_int_equal(throttle_wait(db, "victim@example.com", "10.0.0.1", t, 0), 0);
		throttle_fail(db, "victim@example.com", "10.0.0.1", t);
	}
	/* after the free attempts, a delay that grows */
	int64_t w1 = throttle_wait(db, "victim@example.com", "10.0.0.1", t, 0);
	assert_true(w1 > 0);
	throttle_fail(db, "victim@example.com", "10.0.0.1", t);
	int64_t w2 = throttle_wait(db, "victim@example.com", "10.0.0.1", t, 0);
	assert_true(w2 > w1);
	/* fill up to the hourly cap, waiting out each delay */
	int fails = 6;
	while (fails < THROTTLE_ACCT_MAX) {
		t += 20;
		assert_int_equal(throttle_wait(db, "victim@example.com", "10.0.0.2", t, 0), 0);
		throttle_fail(db, "victim@example.com", "10.0.0.2", t);
		fails++;
	}
	t += 20;
	int64_t capped = throttle_wait(db, "victim@example.com", "10.0.0.3", t, 0);
	assert_true(capped > 60); /* minutes, not seconds */
	/* other accounts are unaffected */
	assert_int_equal(throttle_wait(db, "other@example.com", "10.0.0.3", t, 0), 0);
	/* a browser known for the account is not held back by the account */
	assert_int_equal(throttle_wait(db, "victim@example.com", "10.0.0.9", t, 1), 0);
	/* an hour later it is over */
	assert_int_equal(throttle_wait(db, "victim@example.com", "10.0.0.3", t + 3600, 0), 0);
}

static void known_browser_until_it_fails(void **state)
{
	struct db *db = *state;
	int64_t uid = 0, other = 0;
	assert_int_equal(user_create(db, "kb@example.com", "Kb", "x", "member", 1000, &uid), DB_OK);
	assert_int_equal(user_create(db, "kc@example.com", "Kc", "x", "member", 1000, &other), DB_OK);
	char b64[TOKEN_B64_LEN];
	assert_int_equal(known_issue(db, uid, 1000, b64), DB_OK);
	assert_true(known_check(db, b64, uid, 1001));
	assert_false(known_check(db, b64, other, 1001)); /* for its own account only */
	assert_false(known_check(db, NULL, uid, 1001));
	assert_false(known_check(db, "not a token", uid, 1001));
	assert_false(known_check(db, b64, uid, 1000 + KNOWN_SECONDS)); /* expires */
	for (int i = 0; i < KNOWN_MAX_FAILURES; i++)
		assert_int_equal(known_fail(db, b64, uid), DB_OK);
	assert_false(known_check(db, b64, uid, 1001)); /* guessing from it ends it */
	/* a client dropping the cookie cannot grow the table without bound */
	for (int i = 0; i < KNOWN_PER_ACCOUNT + 5; i++)
		assert_int_equal(known_issue(db, other, 2000 + i, b64), DB_OK);
	assert_true(known_check(db, b64, other, 2100)); /* the newest is kept */
	assert_true(db_scalar(db,
			      "SELECT max(n) FROM (SELECT count(*) AS n FROM known_browsers "
			      "GROUP BY user_id)",
			      -1) <= KNOWN_PER_ACCOUNT);
}

static void signups_per_address_slow_down(void **state)
{
	struct db *db = *state;
	int64_t t = 70000;
	for (int i = 0; i < 5; i++) {
		assert_int_equal(throttle_signup_wait(db, "10.1.0.1", t), 0);
		assert_int_equal(throttle_signup_note(db, "10.1.0.1", t), DB_OK);
	}
	assert_true(throttle_signup_wait(db, "10.1.0.1", t) > 0);
	assert_int_equal(throttle_signup_wait(db, "10.1.0.2", t), 0);
	assert_int_equal(throttle_signup_wait(db, "10.1.0.1", t + 3601), 0);
}

static void password_policy(void **state)
{
	(void)state;
	assert_non_null(pw_policy("short", "a@b.c"));
	assert_non_null(pw_policy("password1234", "a@b.c"));
	assert_non_null(pw_policy("P@ssw0rd2024!", "a@b.c"));
	assert_non_null(pw_policy("Sunshine123456", "a@b.c"));
	assert_non_null(pw_policy("xx-margarete-xx-2", "margarete@example.com"));
	char longpw[200];
	memset(longpw, 'q', 129);
	longpw[129] = '\0';
	assert_non_null(pw_policy(longpw, "a@b.c"));
	assert_null(pw_policy("amber otter quietly sings", "a@b.c"));
	assert_null(pw_policy("ゆっくり歩く緑の象さんと青い空", "a@b.c")); /* any script */
}

static void hashes_are_argon2id_and_verify(void **state)
{
	(void)state;
	char h[PW_HASH_LEN];
	assert_int_equal(pw_hash("amber otter quietly sings", h), PW_OK);
	assert_memory_equal(h, "$argon2id$", 10);
	int rehash = 1;
	assert_int_equal(pw_verify(h, "amber otter quietly sings", &rehash), PW_OK);
	assert_int_equal(rehash, 0);
	assert_int_equal(pw_verify(h, "amber otter quietly sing", &rehash), PW_MISMATCH);
	assert_int_equal(pw_verify(NULL, "anything at all here", &rehash), PW_MISMATCH);
}

/* Another process (a worker) holds the argon2 lock bytes at[0..n) of
 * dir's slot file for hold_ms; returns once it holds them. */
static pid_t hold_locks(const char *dir, const int *at, int n, int hold_ms)
{
	int ready[2];
	assert_int_equal(pipe(ready), 0);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		close(ready[0]);
		char path[200];
		snprintf(path, sizeof(path), "%s/argon2.slots", dir);
		int fd = open(path, O_RDWR);
		for (int i = 0; i < n; i++) {
			struct flock fl = {
				.l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = at[i], .l_len = 1};
			if (fd < 0 || fcntl(fd, F_SETLK, &fl) != 0)
				_exit(1);
		}
		if (write(ready[1], "x", 1) != 1)
			_exit(1);
		struct timespec ts = {hold_ms / 1000, (hold_ms % 1000) * 1000000L};
		nanosleep(&ts, NULL);
		_exit(0);
	}
	close(ready[1]);
	char x;
	assert_int_equal(read(ready[0], &x, 1), 1);
	close(ready[0]);
	return pid;
}

static int nobody_queued(void)
{
	return 0;
}

static int someone_queued(void)
{
	return 1;
}

static void reap(pid_t pid)
{
	int status = 0;
	waitpid(pid, &status, 0);
	assert_int_equal(WEXITSTATUS(status), 0);
}

/* A hash that finds the only argon2id slot taken (by another process)
 * waits for it instead of failing at once; a slot held for longer than
 * the wait still gives PW_BUSY. */
static void hash_waits_briefly_for_a_slot(void **state)
{
	(void)state;
	char dir[] = "/tmp/tandem-slots-XXXXXX";
	char h[PW_HASH_LEN];
	assert_non_null(mkdtemp(dir));
	assert_int_equal(pw_slots_init(dir, 1, nobody_queued), 0);
	const int slot[] = {0};
	for (int hold_ms = 300; hold_ms <= 3000; hold_ms += 2700) {
		pid_t pid = hold_locks(dir, slot, 1, hold_ms);
		assert_int_equal(pw_hash("amber otter quietly sings", h), hold_ms < 1000 ? PW_OK : PW_BUSY);
		reap(pid);
	}
	/* Another request queued for this worker: no waiting, or a flood
	 * would hold the last free worker. The slot frees after 300 ms,
	 * which a waiting hash would get. */
	assert_int_equal(pw_slots_init(dir, 1, someone_queued), 0);
	pid_t pid = hold_locks(dir, slot, 1, 300);
	assert_int_equal(pw_hash("amber otter quietly sings", h), PW_BUSY);
	reap(pid);
	char path[200];
	snprintf(path, sizeof(path), "%s/argon2.slots", dir);
	unlink(path);
	rmdir(dir);
	pw_slots_init(dir, 1, NULL); /* gone: later tests hash without slots */
}

/* A writer that finds another process writing waits its turn (store/
 * wlock.h) instead of failing, and starts after the other's commit: it
 * sees the other's row. */
static void writers_wait_their_turn(void **state)
{
	struct db *db = *state;
	int ready[2];
	assert_int_equal(pipe(ready), 0);
	pid_t kid = fork();
	if (kid == 0) {
		struct db *k = db_open(dbpath);
		if (!k || db_begin(k) != DB_OK)
			_exit(1);
		if (db_exec_script(k, "INSERT INTO topics(name, key) VALUES ('Queued', 'queued')") != DB_OK)
			_exit(2);
		if (write(ready[1], "x", 1) != 1)
			_exit(3);
		struct timespec hold = {0, 200 * 1000 * 1000};
		nanosleep(&hold, NULL);
		_exit(db_commit(k) == DB_OK ? 0 : 4);
	}
	char x;
	assert_int_equal(read(ready[0], &x, 1), 1);
	int64_t t0 = clock_mono_us();
	assert_int_equal(db_begin(db), DB_OK);
	int64_t waited = clock_mono_us() - t0;
	assert_int_equal(db_scalar(db, "SELECT count(*) FROM topics WHERE key = 'queued'", 0), 1);
	db_rollback(db);
	int status;
	assert_int_equal(waitpid(kid, &status, 0), kid);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	assert_true(waited >= 100000); /* it did wait for the other's commit */
	close(ready[0]);
	close(ready[1]);
}

static int64_t grouped_rows(struct db *db)
{
	return db_scalar(db, "SELECT count(*) FROM topics WHERE key LIKE 'g-%'", -1);
}

/* Group commit (store/db.h): members' writes become durable, and visible
 * to other connections, only at the group's commit; a member that rolls
 * back takes only its own writes; later members see earlier ones; once
 * committed, the next write stands alone again. */
static void group_commits_members_together(void **state)
{
	struct db *db = *state, *other = db_open(dbpath);
	assert_non_null(other);
	db_group_arm(db);
	assert_false(db_group_pending(db));
	assert_int_equal(db_tx_state(db), DB_TX_IDLE);

	db_read_begin(db);
	assert_int_equal(db_tx_state(db), DB_TX_READ);
	assert_int_equal(db_begin(db), DB_OK);
	assert_int_equal(db_tx_state(db), DB_TX_MEMBER);
	assert_int_equal(db_exec_script(db, "INSERT INTO topics(name, key) VALUES ('One', 'g-one')"), DB_OK);
	assert_int_equal(db_commit(db), DB_OK);
	assert_int_equal(db_tx_state(db), DB_TX_GROUP);
	db_request_end(db);
	assert_true(db_group_pending(db));
	assert_int_equal(db_tx_state(db), DB_TX_GROUP);
	assert_int_equal(grouped_rows(other), 0);

	db_read_begin(db); /* the group's transaction is the snapshot */
	assert_int_equal(db_tx_state(db), DB_TX_GROUP);
	assert_int_equal(db_begin(db), DB_OK);
	assert_int_equal(db_exec_script(db, "INSERT INTO topics(name, key) VALUES ('Two', 'g-two')"), DB_OK);
	db_rollback(db);
	assert_int_equal(db_tx_state(db), DB_TX_GROUP);
	db_request_end(db);

	assert_int_equal(db_begin(db), DB_OK);
	assert_int_equal(grouped_rows(db), 1);
	assert_int_equal(db_exec_script(db, "INSERT INTO topics(name, key) VALUES ('Three', 'g-three')"),
			 DB_OK);
	assert_int_equal(db_end(db, DB_OK), DB_OK);
	db_request_end(db);
	assert_int_equal(grouped_rows(other), 0);

	assert_int_equal(db_group_commit(db), DB_OK);
	assert_false(db_group_pending(db));
	assert_int_equal(db_tx_state(db), DB_TX_IDLE);
	assert_int_equal(grouped_rows(other), 2);
	assert_int_equal(db_scalar(other, "SELECT count(*) FROM topics WHERE key = 'g-two'", -1), 0);

	assert_int_equal(db_begin(db), DB_OK);
	assert_int_equal(db_tx_state(db), DB_TX_WRITE); /* disarmed: a write of its own */
	assert_int_equal(db_exec_script(db, "INSERT INTO topics(name, key) VALUES ('Four', 'g-four')"),
			 DB_OK);
	assert_int_equal(db_commit(db), DB_OK);
	assert_int_equal(db_tx_state(db), DB_TX_IDLE);
	assert_int_equal(grouped_rows(other), 3);
	db_close(other);
}

/* When the group's COMMIT fails (here a deferred foreign key, checked only
 * then), every member is rolled back, the error reaches the caller, and
 * the writers' queue is free for the next write. */
static void group_fails_as_a_whole(void **state)
{
	struct db *db = *state, *other = db_open(dbpath);
	assert_non_null(other);
	assert_int_equal(db_exec_script(db, "CREATE TABLE parent(id INTEGER PRIMARY KEY);"
					    "CREATE TABLE child(p INTEGER REFERENCES parent(id) "
					    "DEFERRABLE INITIALLY DEFERRED);"),
			 DB_OK);
	db_group_arm(db);
	assert_int_equal(db_begin(db), DB_OK);
	assert_int_equal(db_exec_script(db, "INSERT INTO topics(name, key) VALUES ('Kept?', 'g-kept')"),
			 DB_OK);
	assert_int_equal(db_commit(db), DB_OK);
	assert_int_equal(db_begin(db), DB_OK);
	assert_int_equal(db_exec_script(db, "INSERT INTO child VALUES (42)"), DB_OK);
	assert_int_equal(db_commit(db), DB_OK);

	assert_int_equal(db_group_commit(db), DB_CONFLICT);
	assert_false(db_group_pending(db));
	assert_int_equal(db_tx_state(db), DB_TX_IDLE);
	assert_int_equal(grouped_rows(db), 0);
	assert_int_equal(grouped_rows(other), 0);
	assert_int_equal(db_scalar(other, "SELECT count(*) FROM child", -1), 0);

	assert_int_equal(db_begin(other), DB_OK);
	assert_int_equal(db_commit(other), DB_OK);
	db_close(other);
}

/* When SQLite rolls the whole transaction back under a member (an I/O
 * error or a full disk does; a ROLLBACK stands in for it here), the group
 * is lost: that member fails, no later request joins it, and the group's
 * commit reports the failure to every member instead of "saved". */
static void group_lost_fails_every_member(void **state)
{
	struct db *db = *state;
	db_group_arm(db);
	assert_int_equal(db_begin(db), DB_OK);
	assert_int_equal(db_exec_script(db, "INSERT INTO topics(name, key) VALUES ('First', 'g-first')"),
			 DB_OK);
	assert_int_equal(db_commit(db), DB_OK);
	assert_int_equal(db_begin(db), DB_OK);
	assert_int_equal(db_exec_script(db, "ROLLBACK"), DB_OK);
	assert_int_equal(db_commit(db), DB_ERR);
	assert_int_equal(db_tx_state(db), DB_TX_LOST);
	assert_true(db_group_pending(db));
	db_request_end(db);
	assert_int_equal(db_tx_state(db), DB_TX_LOST);
	assert_int_equal(db_begin(db), DB_ERR);
	assert_int_equal(db_group_commit(db), DB_ERR);
	assert_int_equal(db_tx_state(db), DB_TX_IDLE);
	assert_int_equal(grouped_rows(db), 0);
	/* The writers' queue is free again. */
	assert_int_equal(db_begin(db), DB_OK);
	assert_int_equal(db_commit(db), DB_OK);
}

/* Every connection waits for the WAL's fsync at each COMMIT (FULL): the
 * power-cut test (tests/faults) freezes the processes rather than the
 * disk, so this is what makes "answered 303" mean "on the disk". */
static void commits_are_durable(void **state)
{
	struct db *db = *state;
	assert_int_equal(db_scalar(db, "PRAGMA synchronous", -1), 2);
	sqlite3_stmt *st = DB_STMT(db, "PRAGMA journal_mode");
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_string_equal((const char *)sqlite3_column_text(st, 0), "wal");
	sqlite3_reset(st);
}

/* The same for a request's own write transaction: once SQLite has rolled
 * it back under it, a later write of that request is refused instead of
 * committing on its own, the request is told it failed, and the
 * connection is usable again afterwards. */
static void write_lost_refuses_later_writes(void **state)
{
	struct db *db = *state;
	assert_int_equal(db_begin(db), DB_OK);
	assert_int_equal(db_tx_state(db), DB_TX_WRITE);
	assert_int_equal(db_exec_script(db, "ROLLBACK"), DB_OK);
	sqlite3_stmt *st = DB_STMT(db, "INSERT INTO topics(name, key) VALUES ('Alone', 'g-alone')");
	assert_int_not_equal(db_exec_step(db, st), DB_OK); /* sees it is lost */
	assert_int_equal(db_tx_state(db), DB_TX_LOST);
	st = DB_STMT(db, "INSERT INTO topics(name, key) VALUES ('Alone2', 'g-alone2')");
	assert_int_not_equal(db_exec_step(db, st), DB_OK);
	assert_int_not_equal(db_commit(db), DB_OK);
	assert_int_equal(db_tx_state(db), DB_TX_IDLE);
	assert_int_equal(grouped_rows(db), 0);
	assert_int_equal(db_begin(db), DB_OK);
	assert_int_equal(db_commit(db), DB_OK);
}

/* The request's failure latch (store/db.h): a statement that fails while
 * a request runs, whether or not its caller looked, rolls the request's
 * write back and refuses any further one; a constraint is a refusal, not
 * a failure; outside a request (the sender, the commands) nothing is
 * kept. */
static void failed_statement_fails_the_request(void **state)
{
	struct db *db = *state;
	const char *count = "SELECT count(*) FROM topics WHERE key LIKE 'g-latch%'";
	/* Not armed: the failure is its caller's alone. */
	assert_null(DB_STMT(db, "SELECT nothing FROM no_such_table_a"));
	assert_int_equal(db_begin(db), DB_OK);
	assert_int_equal(db_commit(db), DB_OK);

	db_latch_arm();
	assert_int_equal(db_begin(db), DB_OK);
	sqlite3_stmt *st = DB_STMT(db, "INSERT INTO topics(name, key) VALUES ('Latched', 'g-latch1')");
	assert_int_equal(db_exec_step(db, st), DB_OK);
	assert_null(DB_STMT(db, "SELECT nothing FROM no_such_table_b")); /* ignored by its caller */
	assert_int_equal(db_commit(db), DB_ERR);
	assert_int_equal(db_tx_state(db), DB_TX_IDLE);
	assert_int_equal(db_scalar(db, count, -1), 0);
	assert_int_equal(db_begin(db), DB_ERR);
	st = DB_STMT(db, "INSERT INTO topics(name, key) VALUES ('Lone', 'g-latch2')");
	assert_int_equal(db_exec_step(db, st), DB_ERR); /* a lone write neither */
	assert_int_equal(db_scalar(db, count, -1), 0);
	int saved = 1;
	assert_int_equal(db_latch_take(&saved), DB_ERR);
	assert_int_equal(saved, 0);

	/* Taken: the next request writes again. A UNIQUE refusal is read by
	 * the store, not kept. */
	db_latch_arm();
	assert_int_equal(db_begin(db), DB_OK);
	st = DB_STMT(db, "INSERT INTO topics(name, key) VALUES ('Kept', 'g-latch3')");
	assert_int_equal(db_exec_step(db, st), DB_OK);
	st = DB_STMT(db, "INSERT INTO topics(name, key) VALUES ('Again', 'g-latch3')");
	assert_int_equal(db_exec_step(db, st), DB_CONFLICT);
	assert_int_equal(db_commit(db), DB_OK);
	/* A failure after the commit: the request fails, saying it had saved. */
	assert_null(DB_STMT(db, "SELECT nothing FROM no_such_table_c"));
	assert_int_equal(db_latch_take(&saved), DB_ERR);
	assert_int_equal(saved, 1);
	assert_int_equal(db_scalar(db, count, -1), 1);
	/* Disarmed again. */
	assert_null(DB_STMT(db, "SELECT nothing FROM no_such_table_d"));
	assert_int_equal(db_begin(db), DB_OK);
	assert_int_equal(db_commit(db), DB_OK);
}

/* The hourly rebuild rewrites a mentor's card only when something on it
 * changed: an unchanged card keeps its version (the key of every worker's
 * rendered copy) and costs no write; a changed one gets a new version. */
static void directory_rebuild_keeps_unchanged_cards(void **state)
{
	struct db *db = *state;
	assert_int_equal(db_exec_script(db, "INSERT INTO users(id, email, display_name, pw_hash, created_at) "
					    "VALUES (900, 'm@example.com', 'Mia Mentor', 'x', 1);"
					    "INSERT OR IGNORE INTO profiles(user_id) VALUES (900);"
					    "UPDATE profiles SET is_mentor = 1, capacity = 2, formats = 1, "
					    "job_title = 'Engineer' WHERE user_id = 900;"
					    "INSERT INTO topics(id, name, key) VALUES (901, 'Rust', 'rust');"
					    "INSERT INTO user_topics VALUES (900, 'focus', 901);"),
			 DB_OK);
	assert_int_equal(directory_rebuild(db, 1000), DB_OK);
	int64_t v1 = db_scalar(db, "SELECT version FROM mentor_cards WHERE user_id = 900", -1);
	assert_true(v1 >= 0);
	assert_int_equal(db_scalar(db,
				   "SELECT count(*) FROM directory WHERE user_id = 900 AND version = "
				   "(SELECT version FROM mentor_cards WHERE user_id = 900)",
				   0),
			 2);
	int64_t changes = sqlite3_total_changes(db_handle(db));
	assert_int_equal(directory_rebuild(db, 1000), DB_OK);
	assert_int_equal(db_scalar(db, "SELECT version FROM mentor_cards WHERE user_id = 900", -1), v1);
	assert_int_equal(sqlite3_total_changes(db_handle(db)), changes);
	assert_int_equal(
		db_exec_script(db, "UPDATE profiles SET job_title = 'Staff engineer' WHERE user_id = 900"),
		DB_OK);
	assert_int_equal(directory_rebuild(db, 1000), DB_OK);
	int64_t v2 = db_scalar(db, "SELECT version FROM mentor_cards WHERE user_id = 900", -1);
	assert_true(v2 >= 0 && v2 != v1);
	assert_int_equal(db_scalar(db,
				   "SELECT count(*) FROM mentor_cards WHERE user_id = 900 AND "
				   "job_title = 'Staff engineer'",
				   0),
			 1);
	assert_int_equal(db_scalar(db,
				   "SELECT count(*) FROM directory d JOIN mentor_cards c USING (user_id) "
				   "WHERE d.user_id = 900 AND d.version = c.version",
				   0),
			 2);
	/* No longer a mentor: card and rows go. */
	assert_int_equal(db_exec_script(db, "UPDATE profiles SET is_mentor = 0 WHERE user_id = 900"), DB_OK);
	assert_int_equal(directory_rebuild(db, 1000), DB_OK);
	assert_int_equal(db_scalar(db, "SELECT count(*) FROM directory WHERE user_id = 900", -1), 0);
	assert_int_equal(db_scalar(db, "SELECT count(*) FROM mentor_cards WHERE user_id = 900", -1), 0);
}

/* The overview's open-request figures count every open request: the old
 * page stopped at 2,048 without saying so. */
static void open_request_waits_have_no_cap(void **state)
{
	struct db *db = *state;
	int64_t n = -1, med = -1;
	assert_int_equal(waits_open_requests(db, 1000000, &n, &med), DB_OK);
	assert_int_equal(n, 0);
	assert_int_equal(med, 0);
	/* 3,001 pending requests waiting 1..3001 s, one expired and one
	 * answered; the users and topic they name do not matter here. */
	assert_int_equal(db_exec_script(db, "PRAGMA foreign_keys = OFF"), DB_OK);
	assert_int_equal(db_exec_script(db,
					"WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s "
					"WHERE i < 3001) INSERT INTO requests (mentee_id, mentor_id, "
					"topic_id, goal, format, cadence, duration_min, weeks, created_at) "
					"SELECT i, 100000 + i, 1, 'g', 'pairing', 'weekly', 30, 6, "
					"1000000 - i FROM s"),
			 DB_OK);
	assert_int_equal(db_exec_script(db,
					"INSERT INTO requests (mentee_id, mentor_id, topic_id, goal, "
					"format, cadence, duration_min, weeks, created_at) VALUES "
					"(1, 2, 1, 'g', 'pairing', 'weekly', 30, 6, 1000000 - 1209600); "
					"INSERT INTO requests (mentee_id, mentor_id, topic_id, goal, format, "
					"cadence, duration_min, weeks, status, created_at) VALUES "
					"(1, 3, 1, 'g', 'pairing', 'weekly', 30, 6, 'declined', 999999)"),
			 DB_OK);
	assert_int_equal(waits_open_requests(db, 1000000, &n, &med), DB_OK);
	assert_int_equal(n, 3001);
	assert_int_equal(med, 1501);
	/* An even count: the mean of the two middle waits, rounded down. */
	assert_int_equal(db_exec_script(db, "DELETE FROM requests WHERE created_at = 1000000 - 3001"), DB_OK);
	assert_int_equal(waits_open_requests(db, 1000000, &n, &med), DB_OK);
	assert_int_equal(n, 3000);
	assert_int_equal(med, 1500);
}

int main(void)
{
	if (sodium_init() < 0)
		return 1;
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(migrations_apply_once, setup, teardown),
		cmocka_unit_test_setup_teardown(writers_wait_their_turn, setup, teardown),
		cmocka_unit_test_setup_teardown(group_commits_members_together, setup, teardown),
		cmocka_unit_test_setup_teardown(group_fails_as_a_whole, setup, teardown),
		cmocka_unit_test_setup_teardown(group_lost_fails_every_member, setup, teardown),
		cmocka_unit_test_setup_teardown(write_lost_refuses_later_writes, setup, teardown),
		cmocka_unit_test_setup_teardown(failed_statement_fails_the_request, setup, teardown),
		cmocka_unit_test_setup_teardown(commits_are_durable, setup, teardown),
		cmocka_unit_test_setup_teardown(directory_rebuild_keeps_unchanged_cards, setup, teardown),
		cmocka_unit_test_setup_teardown(audit_is_append_only, setup, teardown),
		cmocka_unit_test_setup_teardown(duplicate_email_conflicts, setup, teardown),
		cmocka_unit_test_setup_teardown(sessions_expire_idle_and_absolute, setup, teardown),
		cmocka_unit_test_setup_teardown(deactivation_ends_sessions, setup, teardown),
		cmocka_unit_test_setup_teardown(throttle_grows_then_caps_then_forgets, setup, teardown),
		cmocka_unit_test_setup_teardown(known_browser_until_it_fails, setup, teardown),
		cmocka_unit_test_setup_teardown(signups_per_address_slow_down, setup, teardown),
		cmocka_unit_test_setup_teardown(open_request_waits_have_no_cap, setup, teardown),
		cmocka_unit_test(password_policy),
		cmocka_unit_test(hashes_are_argon2id_and_verify),
		cmocka_unit_test(hash_waits_briefly_for_a_slot),
	};
	return cmocka_run_group_tests_name("store and security", tests, NULL, NULL);
}
