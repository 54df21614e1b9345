#include "core/log.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/buf.h"

char *log_escape(const char *s, char *out, unsigned long outlen)
{
	unsigned long o = 0;
	if (outlen == 0)
		return out;
	for (; *s && o + 5 < outlen; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\') {
			out[o++] = '\\';
			out[o++] = (char)c;
		} else if (c < 0x20 || c == 0x7F) {
			o += (unsigned long)snprintf(out + o, outlen - o, "\\x%02x", c);
		} else {
			out[o++] = (char)c;
		}
	}
	out[o] = '\0';
	return out;
}

void log_kv(const char *level, const char *msg, ...)
{
	struct buf b = {0};
	char tbuf[40], esc[1024];
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	struct tm tm;
	gmtime_r(&ts.tv_sec, &tm);
	strftime(tbuf, sizeof(tbuf), "%Y-%m-%dT%H:%M:%S", &tm);
	buf_printf(&b, "time=%s.%03ldZ level=%s msg=\"%s\"", tbuf, ts.tv_nsec / 1000000, level,
		   log_escape(msg, esc, sizeof(esc)));
	va_list ap;
	va_start(ap, msg);
	for (;;) {
		const char *k = va_arg(ap, const char *);
		if (!k)
			break;
		const char *v = va_arg(ap, const char *);
		buf_puts(&b, " ");
		buf_puts(&b, k);
		buf_puts(&b, "=\"");
		buf_puts(&b, log_escape(v ? v : "", esc, sizeof(esc)));
		buf_puts(&b, "\"");
	}
	va_end(ap);
	buf_puts(&b, "\n");
	/* One write per line so lines from several workers never interleave. */
	if (!b.oom && write(STDERR_FILENO, b.data, b.len) < 0) {
	}
	buf_free(&b);
}
