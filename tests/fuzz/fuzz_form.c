/* libFuzzer harness for the request parsers: urlencoded (query and body),
 * Cookie headers, and the flash cookie's value (decoding must undo
 * encoding). Run with `make fuzz` (FUZZ_SECONDS, default 60). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "http/form.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct form f;
	if (form_parse_urlencoded((const char *)data, size, &f) == FORM_OK) {
		/* Every value handed on must be NUL-free, valid UTF-8 and within limits. */
		for (size_t i = 0; i < f.n; i++) {
			if (strlen(f.pairs[i].val) != f.pairs[i].vlen || f.pairs[i].vlen > FORM_MAX_VALUE ||
			    !form_utf8_valid(f.pairs[i].val, f.pairs[i].vlen) ||
			    strlen(f.pairs[i].key) > FORM_MAX_KEY)
				__builtin_trap();
		}
		form_free(&f);
	}
	/* A body as typed: the same, and no control character but tab, CR
	 * and LF left in any value. */
	if (form_parse_typed((const char *)data, size, &f) == FORM_OK) {
		for (size_t i = 0; i < f.n; i++) {
			if (strlen(f.pairs[i].val) != f.pairs[i].vlen || f.pairs[i].vlen > FORM_MAX_VALUE ||
			    !form_utf8_valid(f.pairs[i].val, f.pairs[i].vlen))
				__builtin_trap();
			for (const char *p = f.pairs[i].val; *p; p++)
				if (((unsigned char)*p < 0x20 && !strchr("\t\r\n", *p)) || *p == 0x7F)
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
	char *s = malloc(size + 1), out[512];
	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	long n = form_decode_value(s, out, sizeof(out));
	if (n >= 0 && ((size_t)n != strlen(out) || !form_utf8_valid(out, (size_t)n)))
		__builtin_trap();
	/* A valid text survives a round trip through the encoder. */
	if (strlen(s) < 150 && form_utf8_valid(s, strlen(s))) {
		struct buf e = {0};
		form_encode(&e, s, NULL);
		int plain = 1;
		for (const char *p = s; *p; p++)
			if (((unsigned char)*p < 0x20 && *p != '\t' && *p != '\n' && *p != '\r') ||
			    *p == 0x7F)
				plain = 0;
		if (!e.oom && plain &&
		    (form_decode_value(buf_str(&e), out, sizeof(out)) < 0 || strcmp(out, s) != 0))
			__builtin_trap();
		buf_free(&e);
	}
	free(s);
	return 0;
}
