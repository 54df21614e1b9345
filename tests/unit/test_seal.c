/* Field encryption: round trips, and refusals for a value moved to
 * another row or column, altered, or sealed with another key; and the
 * key file's permissions. */
#include "testkey.h"
#include "testutil.h"

#include <glob.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include "security/seal.h"

static void round_trip(void **state)
{
	(void)state;
	struct buf c = {0}, p = {0};
	const char *text = "Struggling with my manager — confidential ✓";
	assert_int_equal(seal_encrypt("meetings", "agenda", "7", text, strlen(text), &c), 0);
	assert_null(memmem(c.data, c.len, "manager", 7));
	assert_int_equal(seal_decrypt("meetings", "agenda", "7", c.data, c.len, &p), 0);
	assert_string_equal(buf_str(&p), text);
	/* a fresh nonce each time: the same text never seals the same way */
	struct buf c2 = {0};
	assert_int_equal(seal_encrypt("meetings", "agenda", "7", text, strlen(text), &c2), 0);
	assert_int_not_equal(memcmp(c.data, c2.data, c.len), 0);
	buf_free(&c);
	buf_free(&c2);
	buf_free(&p);
}

static void refuses_moved_or_altered(void **state)
{
	(void)state;
	struct buf c = {0}, p = {0};
	assert_int_equal(seal_encrypt("meetings", "shared_notes", "3", "secret", 6, &c), 0);
	assert_int_equal(seal_decrypt("meetings", "shared_notes", "4", c.data, c.len, &p), -1);
	assert_int_equal(seal_decrypt("meetings", "agenda", "3", c.data, c.len, &p), -1);
	assert_int_equal(seal_decrypt("private_notes", "shared_notes", "3", c.data, c.len, &p), -1);
	c.data[c.len - 1] ^= 1;
	assert_int_equal(seal_decrypt("meetings", "shared_notes", "3", c.data, c.len, &p), -1);
	assert_int_equal(p.len, 0);
	assert_int_equal(seal_decrypt("meetings", "shared_notes", "3", c.data, 10, &p), -1);
	buf_free(&c);
	buf_free(&p);
}

static void refuses_another_key_and_loose_permissions(void **state)
{
	(void)state;
	struct buf c = {0}, p = {0};
	assert_int_equal(seal_encrypt("t", "c", "1", "hello", 5, &c), 0);
	char other[300];
	snprintf(other, sizeof(other), "%s-other", keyfile);
	unlink(other);
	assert_int_equal(seal_init(other, 1), 0);
	assert_int_equal(seal_decrypt("t", "c", "1", c.data, c.len, &p), -1);
	chmod(other, 0640);
	assert_int_equal(seal_init(other, 0), -1);
	unlink(other);
	assert_int_equal(seal_init(keyfile, 0), 0);
	assert_int_equal(seal_decrypt("t", "c", "1", c.data, c.len, &p), 0);
	struct stat st;
	assert_int_equal(stat(keyfile, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	buf_free(&c);
	buf_free(&p);
}

/* A key file that is a link, or another user's, is refused: root must not
 * load a key the user it drops to planted in the data directory. */
static void refuses_a_link_or_another_users_key(void **state)
{
	(void)state;
	char sym[300];
	snprintf(sym, sizeof(sym), "%s-link", keyfile);
	unlink(sym);
	assert_int_equal(symlink(keyfile, sym), 0);
	assert_int_equal(seal_init(sym, 0), -1);
	unlink(sym);
	/* A second name (a hard link, where the system allows one to
	 * another's file) is refused too. */
	char second[300];
	snprintf(second, sizeof(second), "%s-second", keyfile);
	unlink(second);
	assert_int_equal(link(keyfile, second), 0);
	assert_int_equal(seal_init(keyfile, 0), -1);
	unlink(second);
	if (geteuid() == 0) {
		assert_int_equal(chown(keyfile, 1, 1), 0);
		assert_int_equal(seal_init(keyfile, 0), -1);
		assert_int_equal(chown(keyfile, 0, 0), 0);
	}
	assert_int_equal(seal_init(keyfile, 0), 0);
}

/* How many KEYFILE.retired-* exist; the first one's name in first. */
static size_t retired_files(char *first, size_t cap)
{
	char pattern[300];
	snprintf(pattern, sizeof(pattern), "%s.retired-*", keyfile);
	glob_t g;
	if (glob(pattern, 0, NULL, &g) != 0)
		return 0;
	size_t n = g.gl_pathc;
	snprintf(first, cap, "%s", g.gl_pathv[0]);
	globfree(&g);
	return n;
}

/* A rotation leaves the new key alone in the key file and the old one,
 * private, in a retired file that still opens old values (a backup's)
 * until seal_drop_retired removes it. */
static void rotation_keeps_the_retired_key(void **state)
{
	(void)state;
	struct buf c = {0}, p = {0};
	char retired[400];
	assert_int_equal(seal_encrypt("t", "c", "1", "before", 6, &c), 0);
	uint32_t old = seal_key_id();
	assert_int_equal(seal_rotate_begin(), 0);
	assert_int_equal(seal_rotate_finish(), 0);
	assert_int_not_equal(seal_key_id(), old);
	assert_int_equal(seal_init(keyfile, 0), 0);
	assert_int_equal(seal_decrypt("t", "c", "1", c.data, c.len, &p), -1);
	assert_int_equal(retired_files(retired, sizeof(retired)), 1);
	struct stat st;
	assert_int_equal(stat(retired, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_int_equal(seal_init(retired, 0), 0);
	assert_int_equal(seal_decrypt("t", "c", "1", c.data, c.len, &p), 0);
	assert_string_equal(buf_str(&p), "before");
	assert_int_equal(seal_drop_retired(keyfile), 1);
	assert_int_equal(retired_files(retired, sizeof(retired)), 0);
	assert_int_equal(seal_drop_retired(keyfile), 0);
	assert_int_equal(seal_init(keyfile, 0), 0);
	buf_free(&c);
	buf_free(&p);
}

int main(void)
{
	if (sodium_init() < 0)
		return 1;
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(round_trip, key_setup, key_teardown),
		cmocka_unit_test_setup_teardown(refuses_moved_or_altered, key_setup, key_teardown),
		cmocka_unit_test_setup_teardown(refuses_another_key_and_loose_permissions, key_setup,
						key_teardown),
		cmocka_unit_test_setup_teardown(rotation_keeps_the_retired_key, key_setup, key_teardown),
		cmocka_unit_test_setup_teardown(refuses_a_link_or_another_users_key, key_setup, key_teardown),
	};
	return cmocka_run_group_tests_name("field encryption", tests, NULL, NULL);
}
