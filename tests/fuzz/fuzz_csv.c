/* libFuzzer harness for the CSV reader (core/csv.c, issue 16's import):
 * any input ends in CSV_OK or an error, and every record handed on has
 * NUL-terminated cells of the length it says, valid UTF-8, within the
 * limits, with lines that never go back. Run with `make fuzz`. */
#include <stdint.h>
#include <string.h>

#include "core/csv.h"

struct seen {
	long last_line;
};

static int utf8_ok(const unsigned char *s, size_t n)
{
	for (size_t i = 0; i < n;) {
		unsigned c = s[i];
		size_t k = c < 0x80		? 1
			   : (c & 0xE0) == 0xC0 ? 2
			   : (c & 0xF0) == 0xE0 ? 3
			   : (c & 0xF8) == 0xF0 ? 4
						: 0;
		if (!k || i + k > n || c == 0)
			return 0;
		for (size_t j = 1; j < k; j++)
			if ((s[i + j] & 0xC0) != 0x80)
				return 0;
		i += k;
	}
	return 1;
}

static int check(void *arg, const struct csv_row *row)
{
	struct seen *s = arg;
	if (row->n == 0 || row->n > CSV_MAX_FIELDS || row->line < 1 || row->line <= s->last_line)
		__builtin_trap();
	s->last_line = row->line;
	size_t total = 0;
	for (size_t i = 0; i < row->n; i++) {
		if (strlen(row->f[i]) != row->len[i] ||
		    !utf8_ok((const unsigned char *)row->f[i], row->len[i]))
			__builtin_trap();
		total += row->len[i] + 1;
	}
	if (total > CSV_MAX_RECORD)
		__builtin_trap();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct seen s = {0};
	long line = 0;
	enum csv_err e = csv_parse((const char *)data, size, check, &s, &line);
	if (e != CSV_OK && e != CSV_E_UTF8 && e != CSV_E_QUOTE && e != CSV_E_RECORD && e != CSV_E_NOMEM)
		__builtin_trap();
	if (e != CSV_OK && line < 1)
		__builtin_trap();
	return 0;
}
