/* The directory at size (issue 15): the topics page's kept counts equal a
 * full recount after random changes; pages read by key never show a
 * mentor twice nor skip one, even with ties in the sort key and mentors
 * added between pages; search folds accents, takes every word as a
 * prefix and never lets typed text act as FTS5 syntax. */
#include "testdb.h"
#include "testutil.h"

#include <sodium.h>

#include "store/directory.h"
#include "store/dirpage.h"
#include "store/profiles.h"
#include "store/users.h"

static char dbpath[256];

static int setup(void **state)
{
	struct db *db = test_db_open("directory", dbpath);
	if (db)
		directory_register(db); /* the workers do this at start */
	*state = db;
	return db ? 0 : -1;
}

static int teardown(void **state)
{
	test_db_remove(*state, dbpath);
	return 0;
}

static uint64_t seed = 0x9e3779b97f4a7c15ull;
static int rnd(int n)
{
	return (int)test_pick(&seed, n);
}

/* A member (a mentor when focus is set), saved as the profile page does. */
static int64_t person(struct db *db, const char *name, const char *interests, const char *focus,
		      const char *bio, int capacity)
{
	static int n;
	char email[64];
	snprintf(email, sizeof(email), "p%d@example.com", ++n);
	int64_t id = 0;
	assert_int_equal(db_begin(db), DB_OK);
	assert_int_equal(user_create(db, email, name, "x", "member", 1000, &id), DB_OK);
	struct profile p = {0};
	snprintf(p.timezone, sizeof(p.timezone), "UTC");
	snprintf(p.interests, sizeof(p.interests), "%s", interests);
	snprintf(p.bio, sizeof(p.bio), "%s", bio);
	if (*focus) {
		p.is_mentor = 1;
		p.capacity = capacity;
		p.formats = 1;
		snprintf(p.focus, sizeof(p.focus), "%s", focus);
	}
	assert_int_equal(profile_save(db, id, name, &p, 1000), DB_OK);
	assert_int_equal(db_commit(db), DB_OK);
	return id;
}

static const char *const topic_pool[] = {"Rust", "Go", "SQL", "Elm", "Zig", "Kubernetes", "Hiring", "Figma"};

/* A random comma-separated list of 0..3 topics from the pool. */
static void random_topics(char *out, size_t n)
{
	out[0] = '\0';
	int k = rnd(4);
	for (int i = 0; i < k; i++)
		snprintf(out + strlen(out), n - strlen(out), "%s%s", i ? ", " : "", topic_pool[rnd(8)]);
}

/* topic_counts against a count from scratch: 0 rows that differ. */
static int64_t counts_off(struct db *db)
{
	return db_scalar(
		db,
		"SELECT count(*) FROM topics t LEFT JOIN topic_counts c ON c.topic_id = t.id WHERE "
		"c.topic_id IS NULL OR c.wanted <> (SELECT count(*) FROM user_topics ut JOIN users u ON "
		"u.id = ut.user_id WHERE ut.topic_id = t.id AND ut.kind = 'interest' AND u.active = 1) "
		"OR c.offered <> (SELECT count(*) FROM user_topics ut JOIN users u ON u.id = ut.user_id "
		"WHERE ut.topic_id = t.id AND ut.kind = 'focus' AND u.active = 1)",
		-1);
}

static void topic_counts_equal_a_recount(void **state)
{
	struct db *db = *state;
	int64_t ids[40];
	int n = 0;
	char a[200], b[200];
	for (int step = 0; step < 400; step++) {
		int op = n < 5 ? 0 : rnd(6);
		if (op == 0 && n < 40) { /* a new member, maybe a mentor */
			random_topics(a, sizeof(a));
			random_topics(b, sizeof(b));
			ids[n++] = person(db, "Someone", a, rnd(2) ? b : "", "", 2);
		} else if (op <= 2) { /* a profile saved with other topics */
			int64_t id = ids[rnd(n)];
			random_topics(a, sizeof(a));
			random_topics(b, sizeof(b));
			struct profile p = {0};
			snprintf(p.timezone, sizeof(p.timezone), "UTC");
			snprintf(p.interests, sizeof(p.interests), "%s", a);
			snprintf(p.focus, sizeof(p.focus), "%s", b);
			p.is_mentor = *b && rnd(2);
			p.capacity = 1;
			p.formats = 1;
			assert_int_equal(profile_update(db, id, "Someone", &p, 2000), DB_OK);
		} else if (op == 3) { /* deactivated */
			assert_int_equal(db_begin(db), DB_OK);
			assert_int_equal(user_deactivate(db, ids[rnd(n)]), DB_OK);
			assert_int_equal(db_commit(db), DB_OK);
		} else if (op == 4) { /* back (an admin's repair by hand) */
			char sql[120];
			snprintf(sql, sizeof(sql), "UPDATE users SET active = 1 WHERE id = %lld",
				 (long long)ids[rnd(n)]);
			assert_int_equal(db_exec_script(db, sql), DB_OK);
		} else if (n > 5) { /* deleted outright: the rows go by cascade */
			int k = rnd(n);
			char sql[200];
			snprintf(sql, sizeof(sql),
				 "DELETE FROM sessions WHERE user_id = %lld; DELETE FROM users WHERE id = "
				 "%lld",
				 (long long)ids[k], (long long)ids[k]);
			assert_int_equal(db_exec_script(db, sql), DB_OK);
			ids[k] = ids[--n];
		}
		assert_int_equal(counts_off(db), 0);
	}
	/* The test can fail: a count moved by hand is found. */
	assert_int_equal(db_exec_script(db, "UPDATE topic_counts SET wanted = wanted + 1 WHERE topic_id = "
					    "(SELECT min(topic_id) FROM topic_counts)"),
			 DB_OK);
	assert_int_equal(counts_off(db), 1);
}

/* Read every page forward from the first, calling between(i) after page
 * i; the ids in the order shown into out. Returns how many. */
static int walk(struct db *db, int64_t viewer, const struct dir_filter *f, int64_t *out, int max,
		void (*between)(struct db *db, int page))
{
	struct dir_pick picks[6];
	struct dir_pos after;
	struct dir_bound bound = {0};
	int n = 0, have = 0;
	for (int page = 0; page < 200; page++) {
		struct dir_query q = {f, viewer, have ? &after : NULL, NULL, 0, bound};
		int got = dirpage_read(db, &q, 5, picks);
		assert_true(got >= 0);
		for (int i = 0; i < got && n < max; i++)
			out[n++] = picks[i].id;
		if (got < 5)
			break;
		after = picks[got - 1].pos;
		have = 1;
		bound = q.bound;
		if (between)
			between(db, page);
	}
	return n;
}

static void add_tied(struct db *db, int page)
{
	/* The same name as the others (a tie in the sort key), and another
	 * that sorts first: neither may disturb what the walk shows. */
	person(db, "Tie Person", "", "Zig", "", 2);
	if (page % 2)
		person(db, "Aaron Early", "", "Zig, Elm", "", 2);
}

static void keyset_pages_with_ties(void **state)
{
	struct db *db = *state;
	int64_t before[30];
	for (int i = 0; i < 30; i++)
		before[i] = person(db, "Tie Person", "", i % 3 ? "Zig" : "Zig, Elm", "", i % 4 ? 2 : 0);
	int64_t viewer = person(db, "Vera", "Elm, Go", "", "", 0);
	int64_t plain = person(db, "Pat", "", "", "", 0);
	struct dir_filter zig = {0, 0, NULL};
	assert_int_equal(topic_id(db, "zig", 0, &zig.topic), DB_OK);
	const int64_t viewers[2] = {plain, viewer};
	for (int v = 0; v < 2; v++) {
		int64_t shown[200];
		int n = walk(db, viewers[v], &zig, shown, 200, add_tied);
		for (int i = 0; i < n; i++) /* never twice */
			for (int j = i + 1; j < n; j++)
				assert_false(shown[i] == shown[j]);
		for (int k = 0; k < 30; k++) { /* every one there all along */
			int found = 0;
			for (int i = 0; i < n; i++)
				found += shown[i] == before[k];
			assert_int_equal(found, 1);
		}
	}
	/* The ranked order: room first, matches (Elm) before the rest. */
	int64_t shown[200];
	int n = walk(db, viewer, &zig, shown, 200, NULL);
	struct dir_filter one = zig;
	struct dir_pick p[1];
	struct dir_query q = {&one, viewer, NULL, NULL, 0, {0}};
	assert_int_equal(dirpage_read(db, &q, 1, p), 1);
	assert_int_equal(q.ranked, 1);
	assert_true(p[0].pos.g < 20); /* a match comes first */
	assert_true(n >= 30);
	/* Backwards from the last row: the same rows, the other way. */
	struct dir_pick back[5];
	struct dir_pos end;
	struct dir_query all = {&zig, plain, NULL, NULL, 0, {0}};
	struct dir_pick everyone[200];
	int total = dirpage_read(db, &all, 200, everyone);
	end = everyone[total - 1].pos;
	struct dir_query bq = {&zig, plain, NULL, &end, 0, {0}};
	assert_int_equal(dirpage_read(db, &bq, 5, back), 5);
	for (int i = 0; i < 5; i++)
		assert_int_equal(back[i].id, everyone[total - 6 + i].id);
}

static void add_matching(struct db *db, int page)
{
	/* A best match that sorts before everything, and one within. */
	person(db, page % 2 ? "Aaa Match" : "Elm Fan", "", "Elm", "", 2);
}

/* More mentors of my interest than the head read per interest: the
 * matches end at a bound the links carry, and pages still show each
 * mentor once, the matches first. */
static void ranked_pages_with_a_bound(void **state)
{
	struct db *db = *state;
	int64_t before[100];
	for (int i = 0; i < 100; i++) {
		char name[40];
		snprintf(name, sizeof(name), "Name %02d", i / 3); /* ties by threes */
		before[i] = person(db, name, "", i % 2 ? "Elm" : "Zig", "", 2);
	}
	int64_t viewer = person(db, "Vera", "Elm", "", "", 0);
	struct dir_filter all = {0, 0, NULL};
	struct dir_query q = {&all, viewer, NULL, NULL, 0, {0}};
	struct dir_pick first[20];
	assert_int_equal(dirpage_read(db, &q, 20, first), 20);
	assert_true(q.ranked && q.bound.set);
	assert_false(q.bound.end); /* 50 Elm mentors: more than the head reads */
	for (int i = 0; i < 20; i++)
		assert_true(first[i].pos.g < 20); /* the page is all matches */
	int64_t shown[300];
	int n = walk(db, viewer, &all, shown, 300, add_matching);
	for (int i = 0; i < n; i++)
		for (int j = i + 1; j < n; j++)
			assert_false(shown[i] == shown[j]);
	for (int k = 0; k < 100; k++) {
		int found = 0;
		for (int i = 0; i < n; i++)
			found += shown[i] == before[k];
		assert_int_equal(found, 1);
	}
}

static void add_gardener(struct db *db, int page)
{
	person(db, page % 2 ? "Tie Person" : "Aaa Gardener", "", page % 3 ? "Gardening" : "Zig", "I garden.",
	       2);
}

/* A search's pages: four groups (room, name or topic first), ties in
 * the name, gardeners added between pages: each shown once. */
static void search_pages_with_ties(void **state)
{
	struct db *db = *state;
	int64_t before[40];
	for (int i = 0; i < 40; i++)
		before[i] = person(db, "Tie Person", "", i % 2 ? "Gardening" : "Zig", "I love gardens.",
				   i % 5 ? 2 : 0);
	person(db, "Not Found", "", "Zig", "", 2);
	int64_t me = person(db, "Me", "", "", "", 0);
	struct dir_filter f = {0, 0, "GARDEN"};
	int64_t shown[300];
	int n = walk(db, me, &f, shown, 300, add_gardener);
	for (int i = 0; i < n; i++)
		for (int j = i + 1; j < n; j++)
			assert_false(shown[i] == shown[j]);
	for (int k = 0; k < 40; k++) {
		int found = 0;
		for (int i = 0; i < n; i++)
			found += shown[i] == before[k];
		assert_int_equal(found, 1);
	}
	/* In one read: the groups in order, room first. */
	struct dir_query q = {&f, me, NULL, NULL, 0, {0}};
	struct dir_pick p[200];
	int all = dirpage_read(db, &q, 200, p);
	assert_true(all >= n); /* and those added behind the walk */
	for (int i = 1; i < all; i++)
		assert_true(p[i - 1].pos.g <= p[i].pos.g);
	assert_int_equal(p[0].pos.g, 0);
	assert_int_equal(p[all - 1].pos.g, 3);
}

/* The ids a search finds, as a count; -1 on a store error. */
static int found(struct db *db, int64_t viewer, const char *words, int64_t *first)
{
	struct dir_filter f = {0, 0, words};
	struct dir_query q = {&f, viewer, NULL, NULL, 0, {0}};
	struct dir_pick p[20];
	int n = dirpage_read(db, &q, 20, p);
	if (first && n > 0)
		*first = p[0].id;
	return n;
}

static void search_folds_accents_and_takes_prefixes(void **state)
{
	struct db *db = *state;
	int64_t chloe = person(db, "Chloé Dubois", "", "Kubernetes, Go", "I like gardens.", 2);
	int64_t other = person(db, "Zoë Ito", "", "Rust", "Runs Kubernetes clusters at home.", 2);
	person(db, "Bob Plain", "", "SQL", "", 2);
	int64_t me = person(db, "Me", "Rust", "", "", 0);
	int64_t first = 0;
	assert_int_equal(found(db, me, "chloe", &first), 1);
	assert_int_equal(first, chloe);
	assert_int_equal(found(db, me, "CHLO", NULL), 1);
	assert_int_equal(found(db, me, "zoe ito", &first), 1);
	assert_int_equal(first, other);
	/* kube: both; the one with it among their topics first. */
	assert_int_equal(found(db, me, "kube", &first), 2);
	assert_int_equal(first, chloe);
	assert_int_equal(found(db, me, "kube garden", &first), 1);
	assert_int_equal(found(db, me, "nothing-like-it", NULL), 0);
	/* A profile change is searchable at once; the old words are gone. */
	struct profile p = {0};
	snprintf(p.timezone, sizeof(p.timezone), "UTC");
	snprintf(p.focus, sizeof(p.focus), "Elm");
	p.is_mentor = 1;
	p.capacity = 1;
	p.formats = 1;
	assert_int_equal(profile_update(db, chloe, "Chloé Martin", &p, 3000), DB_OK);
	assert_int_equal(found(db, me, "dubois", NULL), 0);
	assert_int_equal(found(db, me, "martin elm", NULL), 1);
	/* A deactivated mentor is found no more. */
	assert_int_equal(db_begin(db), DB_OK);
	assert_int_equal(user_deactivate(db, other), DB_OK);
	assert_int_equal(db_commit(db), DB_OK);
	assert_int_equal(found(db, me, "zoe", NULL), 0);
	/* What the index was told to forget was exactly what it held. */
	assert_int_equal(
		db_exec_script(db, "INSERT INTO mentor_search(mentor_search) VALUES ('integrity-check')"),
		DB_OK);
	/* Typed FTS5 syntax is words, never an operator or an error. */
	const char *hostile[] = {
		"a\" OR b*", "NEAR(",	"\"",  "*", "chloe OR bob", "{name} : bob",  "bob NOT sql",
		"^bob",	     "bob AND", "(((", "-", "\xe2\x80\x94", "chloe + martin"};
	for (size_t i = 0; i < sizeof(hostile) / sizeof(hostile[0]); i++)
		assert_true(found(db, me, hostile[i], NULL) >= 0);
	assert_int_equal(found(db, me, "chloe OR bob", NULL), 0); /* OR is a word, not "either" */
	assert_int_equal(found(db, me, "{name} : bob", NULL), 0);
	assert_int_equal(found(db, me, "bob NOT sql", NULL), 0);
	assert_int_equal(found(db, me, "^bob", NULL), 1);
	assert_int_equal(found(db, me, "chloe + martin", NULL), 1);
}

int main(void)
{
	if (sodium_init() < 0)
		return 1;
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(topic_counts_equal_a_recount, setup, teardown),
		cmocka_unit_test_setup_teardown(keyset_pages_with_ties, setup, teardown),
		cmocka_unit_test_setup_teardown(ranked_pages_with_a_bound, setup, teardown),
		cmocka_unit_test_setup_teardown(search_pages_with_ties, setup, teardown),
		cmocka_unit_test_setup_teardown(search_folds_accents_and_takes_prefixes, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
