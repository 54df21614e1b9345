#include "server/confine.h"

#include <errno.h>
#include <seccomp.h>
#include <signal.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "core/log.h"
#include "server/fcgiout.h"

/* The system calls a worker makes once it serves (strace of the test
 * suites, sign-ins and group commits included): reading and writing its
 * connections and files, SQLite's locks and fsyncs, memory, time,
 * signals. Nothing that starts a program or a process, opens a network
 * socket, changes who it is or what it may do. */
static const int allowed[] = {
	SCMP_SYS(read),
	SCMP_SYS(write),
	SCMP_SYS(readv),
	SCMP_SYS(writev),
	SCMP_SYS(pread64),
	SCMP_SYS(pwrite64),
	SCMP_SYS(lseek),
	SCMP_SYS(close),
	SCMP_SYS(fstat),
	SCMP_SYS(newfstatat),
	SCMP_SYS(statx),
	SCMP_SYS(stat),
	SCMP_SYS(lstat),
	SCMP_SYS(openat),
	SCMP_SYS(access),
	SCMP_SYS(faccessat),
	SCMP_SYS(faccessat2),
	SCMP_SYS(fcntl),
	SCMP_SYS(flock),
	SCMP_SYS(fsync),
	SCMP_SYS(fdatasync),
	SCMP_SYS(ftruncate),
	SCMP_SYS(fallocate),
	SCMP_SYS(unlink),
	SCMP_SYS(unlinkat),
	SCMP_SYS(getcwd),
	SCMP_SYS(readlink),
	SCMP_SYS(readlinkat),
	SCMP_SYS(mmap),
	SCMP_SYS(munmap),
	SCMP_SYS(mremap),
	SCMP_SYS(mprotect),
	SCMP_SYS(madvise),
	SCMP_SYS(brk),
	SCMP_SYS(mlock),
	SCMP_SYS(munlock),
	SCMP_SYS(futex),
	SCMP_SYS(poll),
	SCMP_SYS(ppoll),
	SCMP_SYS(accept4),
	SCMP_SYS(setsockopt),
	SCMP_SYS(getsockopt),
	SCMP_SYS(recvfrom),
	SCMP_SYS(recvmsg),
	SCMP_SYS(sendto),
	SCMP_SYS(sendmsg),
	SCMP_SYS(shutdown),
	SCMP_SYS(getpeername),
	SCMP_SYS(getsockname),
	SCMP_SYS(getrandom),
	SCMP_SYS(getpid),
	SCMP_SYS(gettid),
	SCMP_SYS(getppid),
	SCMP_SYS(getuid),
	SCMP_SYS(geteuid),
	SCMP_SYS(getgid),
	SCMP_SYS(getegid),
	SCMP_SYS(clock_gettime),
	SCMP_SYS(clock_getres),
	SCMP_SYS(gettimeofday),
	SCMP_SYS(time),
	SCMP_SYS(nanosleep),
	SCMP_SYS(clock_nanosleep),
	SCMP_SYS(setitimer),
	SCMP_SYS(getitimer),
	SCMP_SYS(rt_sigaction),
	SCMP_SYS(rt_sigprocmask),
	SCMP_SYS(rt_sigreturn),
	SCMP_SYS(sigaltstack),
	SCMP_SYS(restart_syscall),
	SCMP_SYS(exit),
	SCMP_SYS(exit_group),
	SCMP_SYS(sched_yield),
	SCMP_SYS(sched_getaffinity),
	SCMP_SYS(sysinfo),
	SCMP_SYS(uname),
	SCMP_SYS(getrlimit),
	SCMP_SYS(rseq),
	SCMP_SYS(set_robust_list),
	SCMP_SYS(getdents64),
	SCMP_SYS(dup),
};

/* The request in hand, for the answer the SIGSYS handler gives it. */
static volatile int cur_fd = -1;
static volatile int cur_id;

void confine_current(int fd, int request_id)
{
	cur_fd = fd;
	cur_id = request_id;
}

/* Append one FastCGI record of type with n bytes of content. */
static size_t record(unsigned char *out, int type, int id, const void *content, size_t n)
{
	fcgiout_header(out, type, id, n);
	memcpy(out + 8, content, n);
	return 8 + n;
}

/* A worker that makes a system call outside the list has a bug, or has
 * been taken over: it answers the request in hand with a plain 500, says
 * which call in the log, and dies by the signal so the master starts a
 * fresh one. Only async-signal-safe calls here. */
static void on_sigsys(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	static const char page[] = "Status: 500 Internal Server Error\r\n"
				   "Content-Type: text/html; charset=utf-8\r\n\r\n"
				   "<!doctype html><html lang=\"en\"><title>Something went wrong</title>"
				   "<h1>Something went wrong</h1><p>Nothing was saved. Please try again.</p>"
				   "</html>";
	if (cur_fd >= 0) {
		unsigned char out[sizeof(page) + 64];
		static const unsigned char end[8] = {0};
		size_t n = record(out, FCGIOUT_STDOUT, cur_id, page, sizeof(page) - 1);
		n += record(out + n, FCGIOUT_STDOUT, cur_id, "", 0);
		n += record(out + n, FCGIOUT_END_REQUEST, cur_id, end, sizeof(end));
		ssize_t w = write(cur_fd, out, n);
		(void)w;
	}
	log_flush(); /* the lines of the requests before this one (core/log.h) */
	char msg[120] = "level=error msg=\"worker made a system call it may not; killed\" syscall=";
	size_t len = strlen(msg);
	int nr = si ? si->si_syscall : -1;
	char digits[12];
	int d = 0;
	unsigned v = nr < 0 ? 0u : (unsigned)nr;
	do
		digits[d++] = (char)('0' + v % 10);
	while ((v /= 10) && d < 11);
	while (d > 0 && len < sizeof(msg) - 2)
		msg[len++] = digits[--d];
	msg[len++] = '\n';
	ssize_t w = write(2, msg, len);
	(void)w;
	signal(sig, SIG_DFL);
	raise(sig);
	_exit(128 + sig);
}

int confine_worker(void)
{
	struct sigaction sa = {0};
	sa.sa_sigaction = on_sigsys;
	sa.sa_flags = SA_SIGINFO | SA_NODEFER | SA_RESETHAND; /* raise() then kills */
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGSYS, &sa, NULL) != 0)
		return -1;
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_TRAP);
	if (!ctx)
		return -1;
	/* Every system call runs the filter: a binary tree of the list, not
	 * a walk down it, with the calls a request makes most tried first. */
	int rc = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_OPTIMIZE, 2);
	static const int hot[] = {
		SCMP_SYS(read), SCMP_SYS(write),   SCMP_SYS(lseek), SCMP_SYS(pread64), SCMP_SYS(pwrite64),
		SCMP_SYS(poll), SCMP_SYS(accept4), SCMP_SYS(fcntl), SCMP_SYS(close),   SCMP_SYS(setsockopt)};
	for (size_t i = 0; i < sizeof(hot) / sizeof(hot[0]) && rc == 0; i++)
		rc = seccomp_syscall_priority(ctx, hot[i], (uint8_t)(255 - i));
	for (size_t i = 0; i < sizeof(allowed) / sizeof(allowed[0]) && rc == 0; i++)
		rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, allowed[i], 0);
	/* Signals to itself only (raise, abort): never to the master or a
	 * sibling, which run as the same user. */
	scmp_datum_t self = (scmp_datum_t)getpid();
	if (rc == 0)
		rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(kill), 1, SCMP_A0(SCMP_CMP_EQ, self));
	if (rc == 0)
		rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(tgkill), 1, SCMP_A0(SCMP_CMP_EQ, self));
	/* Reading its own limits only (pid 0, no new limit). */
	if (rc == 0)
		rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(prlimit64), 2, SCMP_A0(SCMP_CMP_EQ, 0),
				      SCMP_A2(SCMP_CMP_EQ, 0));
	/* isatty() only: no other terminal request (TIOCSTI would type into
	 * the shell of whoever started `make run`). */
	if (rc == 0)
		rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(ioctl), 1, SCMP_A1(SCMP_CMP_EQ, TCGETS));
	if (rc == 0)
		rc = seccomp_load(ctx);
	seccomp_release(ctx);
	return rc == 0 ? 0 : -1;
}
