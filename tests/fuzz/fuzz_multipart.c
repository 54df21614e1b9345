/* libFuzzer harness for the multipart/form-data reader (http/multipart.c,
 * issue 16's upload): the first line of the input is the Content-Type,
 * the rest the body. Every part handed on lies inside the body, is named,
 * and never overlaps the next. Run with `make fuzz`. */
#include <stdint.h>
#include <string.h>

#include "http/multipart.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *in = (const char *)data;
	const char *nl = memchr(in, '\n', size);
	if (!nl || nl - in > 200)
		return 0;
	char ct[201];
	memcpy(ct, in, (size_t)(nl - in));
	ct[nl - in] = '\0';
	char boundary[MP_MAX_BOUNDARY + 1];
	if (multipart_boundary(ct, boundary, sizeof(boundary)) != 0) {
		/* Fuzz the body against a fixed boundary too. */
		strcpy(boundary, "b");
	}
	if (strlen(boundary) == 0 || strlen(boundary) > MP_MAX_BOUNDARY)
		__builtin_trap();
	const char *body = nl + 1;
	size_t len = size - (size_t)(body - in);
	struct mp_part parts[MP_MAX_PARTS];
	size_t n = 99;
	enum mp_err e = multipart_parse(body, len, boundary, parts, MP_MAX_PARTS, &n);
	if (e != MP_OK) {
		if (n != 0)
			__builtin_trap();
		return 0;
	}
	const char *prev_end = body;
	for (size_t i = 0; i < n; i++) {
		const struct mp_part *p = &parts[i];
		if (!p->name[0] || strlen(p->name) >= sizeof(p->name) || p->data < prev_end ||
		    p->data + p->len > body + len)
			__builtin_trap();
		prev_end = p->data + p->len;
	}
	return 0;
}
