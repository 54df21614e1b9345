/* datalock: one lock per data directory ($TANDEM_DATA/serve.lock).
 * `serve` holds it for its whole life (its workers share it); commands
 * that must not run under a live server (rotate-key, restore) take it too
 * and refuse when they cannot. It sits beside the database, not beside the
 * socket, because the runner may move the socket elsewhere. */
#ifndef TANDEM_DATALOCK_H
#define TANDEM_DATALOCK_H

/* Take the lock of data_dir exclusively without waiting. Returns the
 * lock's file descriptor (close-on-exec; the lock lasts while this fd or a
 * forked copy of it is open), or -1 after printing why to stderr: a
 * running server holds it (then the message says so and names who: the
 * command that asked), or the lock file cannot be opened. */
int datalock_take(const char *data_dir, const char *who);

#endif
