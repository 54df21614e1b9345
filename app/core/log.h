/* log: logfmt lines on stderr. Values are quoted and control characters
 * escaped, so nothing a client sends can forge or split a line. */
#ifndef TANDEM_LOG_H
#define TANDEM_LOG_H

/* One line: "time=... level=LEVEL msg=MSG" then key/value pairs given as
 * alternating const char * arguments, terminated by NULL. */
void log_kv(const char *level, const char *msg, ...);

/* Escape s for a logfmt value into out (always NUL-terminated, truncated
 * to outlen). Returns out. */
char *log_escape(const char *s, char *out, unsigned long outlen);

#endif
