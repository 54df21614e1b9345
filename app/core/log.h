/* log: logfmt lines on stderr. Values are quoted and control characters
 * escaped, so nothing a client sends can forge or split a line. */
#ifndef TANDEM_LOG_H
#define TANDEM_LOG_H
#include <stdarg.h>
#include <stddef.h>
#include <time.h>

/* Ends log_kv's list: a typed null pointer (a bare NULL may be an int 0,
 * which a variadic function reading char * must not receive). */
#define LOG_END ((const char *)0)

/* One line: "time=... level=LEVEL msg=MSG" then key/value pairs given as
 * alternating const char * arguments, terminated by LOG_END. A value is
 * cut at 1 KiB and the line at 4 KiB. */
void log_kv(const char *level, const char *msg, ...);

/* log_kv's line, queued in the process instead of written at once: a
 * busy worker writes the lines of several requests in one system call.
 * Queued lines are written, in order, before any other line of the
 * process (log_kv), when the queue is full or its first line a second
 * old, and by log_flush, which the caller runs before it waits for work
 * and before it exits. Not for lines that must survive a crash right
 * after (errors). */
void log_kv_queued(const char *level, const char *msg, ...);
void log_flush(void);

/* The line log_kv writes, formatted into out (cap >= 2 bytes): ends with
 * a newline and a NUL; returns its length without the NUL. */
size_t log_format(char *out, size_t cap, const char *level, const char *msg, va_list ap);

/* log_format's line stamped with the hour of t ("…T10:00:00Z") instead of
 * the time: for lines that must not tell when within it (survey answers). */
size_t log_format_hour(char *out, size_t cap, time_t t, const char *level, const char *msg, ...);

#endif
