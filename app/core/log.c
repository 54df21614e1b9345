#include "core/log.h"

#include <stdarg.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* Every request writes a line, so this file avoids printf and malloc: the
 * formatted version was a tenth of a worker's time on a small page. */

#define LINE_MAX_BYTES 4096
#define VALUE_MAX_BYTES 1024

static const char hex[] = "0123456789abcdef";

/* Both appenders keep two bytes of cap free (newline and NUL) and never
 * write an escape in part. */

/* Append at most max bytes of s, escaped. */
static size_t put_escaped(char *out, size_t o, size_t cap, const char *s, size_t max)
{
	size_t start = o;
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		size_t need = (c == '"' || c == '\\') ? 2 : (c < 0x20 || c == 0x7F) ? 4 : 1;
		if (o + need + 2 > cap || o - start + need > max)
			break;
		if (need == 2) {
			out[o++] = '\\';
			out[o++] = (char)c;
		} else if (need == 4) {
			out[o++] = '\\';
			out[o++] = 'x';
			out[o++] = hex[c >> 4];
			out[o++] = hex[c & 15];
		} else {
			out[o++] = (char)c;
		}
	}
	return o;
}

static size_t put_raw(char *out, size_t o, size_t cap, const char *s)
{
	size_t n = strlen(s);
	if (o + n + 2 > cap)
		n = o + 2 < cap ? cap - o - 2 : 0;
	memcpy(out + o, s, n);
	return o + n;
}

/* "YYYY-MM-DDTHH:MM:SS" of t, recomputed only when the second changes. */
static const char *stamp(time_t t)
{
	static time_t last = -1;
	static char text[32];
	if (t != last) {
		struct tm tm;
		gmtime_r(&t, &tm);
		strftime(text, sizeof(text), "%Y-%m-%dT%H:%M:%S", &tm);
		last = t;
	}
	return text;
}

/* The line, stamped with second t and "." + ms + "Z" (or frac). */
static size_t format_at(char *out, size_t cap, time_t t, const char *frac, const char *level, const char *msg,
			va_list ap)
{
	size_t o = put_raw(out, 0, cap, "time=");
	o = put_raw(out, o, cap, stamp(t));
	o = put_raw(out, o, cap, frac);
	o = put_raw(out, o, cap, " level=");
	o = put_raw(out, o, cap, level);
	o = put_raw(out, o, cap, " msg=\"");
	o = put_escaped(out, o, cap, msg, VALUE_MAX_BYTES);
	o = put_raw(out, o, cap, "\"");
	for (;;) {
		const char *k = va_arg(ap, const char *);
		if (!k)
			break;
		const char *v = va_arg(ap, const char *);
		o = put_raw(out, o, cap, " ");
		o = put_raw(out, o, cap, k);
		o = put_raw(out, o, cap, "=\"");
		o = put_escaped(out, o, cap, v ? v : "", VALUE_MAX_BYTES);
		o = put_raw(out, o, cap, "\"");
	}
	out[o++] = '\n';
	out[o] = '\0';
	return o;
}

size_t log_format(char *out, size_t cap, const char *level, const char *msg, va_list ap)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	long ms = ts.tv_nsec / 1000000;
	char frac[] = {'.', (char)('0' + ms / 100), (char)('0' + ms / 10 % 10), (char)('0' + ms % 10), 'Z',
		       0};
	return format_at(out, cap, ts.tv_sec, frac, level, msg, ap);
}

size_t log_format_hour(char *out, size_t cap, time_t hour, const char *level, const char *msg, ...)
{
	va_list ap;
	va_start(ap, msg);
	size_t n = format_at(out, cap, hour - hour % 3600, "Z", level, msg, ap);
	va_end(ap);
	return n;
}

/* Lines queued by log_kv_queued, in order, not yet written. Whole lines
 * only: one write of the queue never splits a line, so lines from several
 * workers never interleave. */
static char queue[4 * LINE_MAX_BYTES];
static size_t queued;
static time_t queued_since;

static void put(const char *p, size_t n)
{
	if (n && write(STDERR_FILENO, p, n) < 0) {
	}
}

void log_flush(void)
{
	put(queue, queued);
	queued = 0;
}

void log_kv(const char *level, const char *msg, ...)
{
	char line[LINE_MAX_BYTES];
	va_list ap;
	va_start(ap, msg);
	size_t n = log_format(line, sizeof(line), level, msg, ap);
	va_end(ap);
	/* After the lines queued before it, in the same write when they fit. */
	if (queued && queued + n <= sizeof(queue)) {
		memcpy(queue + queued, line, n);
		queued += n;
		log_flush();
		return;
	}
	log_flush();
	put(line, n);
}

void log_kv_queued(const char *level, const char *msg, ...)
{
	char line[LINE_MAX_BYTES];
	va_list ap;
	va_start(ap, msg);
	size_t n = log_format(line, sizeof(line), level, msg, ap);
	va_end(ap);
	time_t now = time(NULL);
	if (queued + n > sizeof(queue) || (queued && now - queued_since >= 1))
		log_flush();
	if (!queued)
		queued_since = now;
	memcpy(queue + queued, line, n);
	queued += n;
}
