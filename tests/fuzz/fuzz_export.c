/* libFuzzer harness for the export writers (view/export.c): a CSV field
 * and a JSON string must each decode back to exactly the value (less the
 * ' a formula gets), whatever bytes it holds. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "view/export.h"

static void check_csv(const char *s)
{
	struct buf out = {0};
	export_csv_cell(&out, s, 1);
	const char *p = out.data;
	if (!p || p[0] != '"' || out.len < 4 || memcmp(p + out.len - 3, "\"\r\n", 3) != 0)
		__builtin_trap();
	struct buf back = {0};
	for (size_t i = 1; i < out.len - 3; i++) {
		if (p[i] == '"') {
			if (p[i + 1] != '"')
				__builtin_trap(); /* a lone quote inside a field */
			i++;
		}
		buf_append(&back, p + i, 1);
	}
	const char *b = buf_str(&back);
	if (strchr("=+-@\t\r", s[0]) && s[0]) {
		if (b[0] != '\'')
			__builtin_trap();
		b++;
	}
	if (strcmp(b, s) != 0)
		__builtin_trap();
	buf_free(&back);
	buf_free(&out);
}

static void check_json(const char *s)
{
	struct buf out = {0}, back = {0};
	export_json_str(&out, s);
	const char *p = out.data;
	size_t n = out.len;
	if (!p || n < 2 || p[0] != '"' || p[n - 1] != '"')
		__builtin_trap();
	for (size_t i = 1; i < n - 1; i++) {
		unsigned char c = (unsigned char)p[i];
		if (c < 0x20 || c == '"')
			__builtin_trap(); /* raw control character or quote */
		if (c != '\\') {
			buf_append(&back, p + i, 1);
			continue;
		}
		char e = p[++i];
		if (e == '"' || e == '\\') {
			buf_append(&back, &e, 1);
		} else if (e == 'u' && i + 4 < n - 1) {
			char hex[5] = {p[i + 1], p[i + 2], p[i + 3], p[i + 4], 0};
			char ch = (char)strtol(hex, NULL, 16);
			buf_append(&back, &ch, 1);
			i += 4;
		} else {
			__builtin_trap();
		}
	}
	if (strcmp(buf_str(&back), s) != 0)
		__builtin_trap();
	buf_free(&back);
	buf_free(&out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = strndup((const char *)data, size);
	if (!s)
		return 0;
	check_csv(s);
	check_json(s);
	free(s);
	return 0;
}
