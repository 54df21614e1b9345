#include "view/export.h"

void export_csv_cell(struct buf *out, const char *s, int last)
{
	buf_puts(out, "\"");
	if (s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@' || s[0] == '\t' || s[0] == '\r')
		buf_puts(out, "'");
	const char *run = s;
	for (; *s; s++) {
		if (*s == '"') {
			buf_append(out, run, (size_t)(s - run + 1));
			run = s;
		}
	}
	buf_append(out, run, (size_t)(s - run));
	buf_puts(out, last ? "\"\r\n" : "\",");
}

void export_json_str(struct buf *out, const char *s)
{
	static const char hex[] = "0123456789abcdef";
	buf_puts(out, "\"");
	const char *run = s;
	for (; *s; s++) {
		unsigned char ch = (unsigned char)*s;
		if (ch != '"' && ch != '\\' && ch >= 0x20)
			continue;
		buf_append(out, run, (size_t)(s - run));
		run = s + 1;
		if (ch == '"' || ch == '\\') {
			char e[2] = {'\\', (char)ch};
			buf_append(out, e, 2);
		} else {
			char e[6] = {'\\', 'u', '0', '0', hex[ch >> 4], hex[ch & 15]};
			buf_append(out, e, 6);
		}
	}
	buf_append(out, run, (size_t)(s - run));
	buf_puts(out, "\"");
}
