#include "store/wlock.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/time.h>
#include <unistd.h>

/* SIGALRM only interrupts flock(): no SA_RESTART, nothing else to do. */
static void on_alarm(int sig)
{
	(void)sig;
}

int wlock_open(const char *db_path)
{
	char path[4200];
	if (snprintf(path, sizeof(path), "%s-writer", db_path) >= (int)sizeof(path))
		return -1;
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_alarm;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGALRM, &sa, NULL);
	/* O_NOFOLLOW: see db_open; the data directory may be writable by
	 * the user a root server dropped to. */
	return open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
}

int wlock_acquire(int fd, int timeout_ms)
{
	if (flock(fd, LOCK_EX | LOCK_NB) == 0)
		return 0;
	if (errno != EWOULDBLOCK)
		return -1;
	struct itimerval t = {{0, 0}, {timeout_ms / 1000, (timeout_ms % 1000) * 1000}},
			 off = {{0, 0}, {0, 0}};
	setitimer(ITIMER_REAL, &t, NULL);
	int rc;
	do
		rc = flock(fd, LOCK_EX);
	while (rc != 0 && errno == EINTR && getitimer(ITIMER_REAL, &t) == 0 &&
	       (t.it_value.tv_sec || t.it_value.tv_usec));
	setitimer(ITIMER_REAL, &off, NULL);
	return rc == 0 ? 0 : -1;
}

void wlock_release(int fd)
{
	flock(fd, LOCK_UN);
}
