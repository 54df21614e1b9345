/* confine: a worker, once it is ready to serve, allows itself only the
 * system calls serving needs (seccomp, through libseccomp). Any other
 * (execve, fork, a network socket, ptrace…) makes it answer the request
 * in hand with a plain 500, log the call, and die; the master starts a
 * new worker. */
#ifndef TANDEM_CONFINE_H
#define TANDEM_CONFINE_H

/* Install the filter and the SIGSYS handler; irreversible. 0, or -1
 * when the kernel or libseccomp refused (the caller exits: a worker that
 * cannot confine itself does not serve). */
int confine_worker(void);

/* The connection and FastCGI request id now in hand (fd -1: none), which
 * the handler answers before the worker dies. */
void confine_current(int fd, int request_id);

#endif
