#include "core/datalock.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

int datalock_take(const char *data_dir, const char *who)
{
	char path[4300];
	if (snprintf(path, sizeof(path), "%s/serve.lock", data_dir) >= (int)sizeof(path)) {
		fprintf(stderr, "tandem: %s: data directory path too long\n", who);
		return -1;
	}
	/* O_NOFOLLOW: the data directory is writable by the unprivileged user
	 * a root server drops to; root must not open a link planted there. */
	int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0) {
		fprintf(stderr, "tandem: %s: cannot open %s: %s\n", who, path, strerror(errno));
		return -1;
	}
	/* flock, not fcntl locks: a flock belongs to the open file, so the
	 * forked workers share it and it outlives the master only as long as
	 * a worker (still holding the key) lives. */
	if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
		int err = errno;
		close(fd);
		if (err == EWOULDBLOCK)
			fprintf(stderr,
				"tandem: %s: %s is served by a running instance (it holds %s); stop the "
				"server first\n",
				who, data_dir, path);
		else
			fprintf(stderr, "tandem: %s: cannot lock %s: %s\n", who, path, strerror(err));
		return -1;
	}
	return fd;
}
