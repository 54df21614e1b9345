/* libFuzzer harness for the request parsers: urlencoded (query and body)
 * and Cookie headers. Run with `make fuzz` (FUZZ_SECONDS, default 60). */
#include <stdint.h>
#include <string.h>

#include "http/form.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct form f;
	if (form_parse_urlencoded((const char *)data, size, &f) == FORM_OK) {
		/* Every value handed on must be NUL-free, valid UTF-8 and within limits. */
		for (size_t i = 0; i < f.n; i++) {
			if (strlen(f.pairs[i].val) != f.pairs[i].vlen || f.pairs[i].vlen > FORM_MAX_VALUE ||
			    !form_utf8_valid(f.pairs[i].val, f.pairs[i].vlen) || strlen(f.pairs[i].key) > FORM_MAX_KEY)
				__builtin_trap();
		}
		form_free(&f);
	}
	if (form_parse_cookies((const char *)data, size, &f) == FORM_OK) {
		for (size_t i = 0; i < f.n; i++)
			for (const char *p = f.pairs[i].val; *p; p++)
				if ((unsigned char)*p < 0x20 || (unsigned char)*p >= 0x7F)
					__builtin_trap();
		form_free(&f);
	}
	return 0;
}
