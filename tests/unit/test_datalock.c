/* The data directory's lock: one holder at a time, shared with forked
 * children, gone when the holder closes it, and never inherited by exec. */
#include "testutil.h"

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/datalock.h"

static void one_holder_shared_with_children(void **state)
{
	(void)state;
	char dir[] = "/tmp/tandem-unit-lock-XXXXXX";
	assert_non_null(mkdtemp(dir));
	int fd = datalock_take(dir, "test");
	assert_true(fd >= 0);
	assert_true(fcntl(fd, F_GETFD) & FD_CLOEXEC);
	/* Another open of the lock file, even in this process, is refused. */
	assert_int_equal(datalock_take(dir, "test"), -1);
	/* A forked worker shares it: with the parent's copy closed, the
	 * lock holds until the worker's goes too. */
	int go[2];
	assert_int_equal(pipe(go), 0);
	pid_t pid = fork();
	if (pid == 0) {
		char c;
		close(go[1]);
		_exit(read(go[0], &c, 1) == 1 ? 0 : 1);
	}
	close(go[0]);
	close(fd);
	assert_int_equal(datalock_take(dir, "test"), -1);
	assert_int_equal(write(go[1], "x", 1), 1);
	close(go[1]);
	int status = 0;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	fd = datalock_take(dir, "test");
	assert_true(fd >= 0);
	close(fd);
	char path[300];
	snprintf(path, sizeof(path), "%s/serve.lock", dir);
	unlink(path);
	rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(one_holder_shared_with_children),
	};
	return cmocka_run_group_tests_name("data directory lock", tests, NULL, NULL);
}
