/* libFuzzer harness for the comment scrubber (core/scrub.c): the input's
 * first line is a list of members' names (comma-separated), the rest the
 * comment. The output must stay within its cap, hold no '@' word, and
 * keep no listed name word but the "removed" of its own "[removed]". */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/buf.h"
#include "core/scrub.h"

static int word_byte(unsigned char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c >= 0x80;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *in = (const char *)data;
	const char *nl = memchr(in, '\n', size);
	size_t head = nl ? (size_t)(nl - in) : 0;
	struct scrub_names *names = scrub_names_new();
	if (!names)
		return 0;
	char *list = strndup(in, head);
	for (char *save = NULL, *p = strtok_r(list, ",", &save); p; p = strtok_r(NULL, ",", &save))
		scrub_names_add(names, p);
	const char *text = nl ? nl + 1 : in;
	size_t len = size - (size_t)(text - in);
	struct buf out = {0};
	if (scrub_text(text, len, names, &out) == 0) {
		if (out.len > SCRUB_MAX_OUT || (out.data && strlen(out.data) > out.len))
			__builtin_trap();
		/* What is left names nobody: no word with an '@' (unless the cap
		 * cut the text), and every word left that is a member's name is
		 * the "removed" of a "[removed]". */
		const char *o = buf_str(&out);
		if (out.len < SCRUB_MAX_OUT - 16 && !memchr(text, '\0', len))
			for (const char *w = o; *w;) {
				size_t n = strcspn(w, " \t\n\r\f\v");
				if (memchr(w, '@', n))
					__builtin_trap();
				w += n;
				w += strspn(w, " \t\n\r\f\v");
			}
		for (size_t i = 0; i < out.len;) {
			size_t j = i;
			while (j < out.len && word_byte((unsigned char)o[i]) &&
			       word_byte((unsigned char)o[j]))
				j++;
			if (j == i) {
				i++;
				continue;
			}
			struct buf one = {0};
			scrub_text(o + i, j - i, names, &one);
			int digits = strspn(o + i, "0123456789") >= j - i;
			int is_name = !digits && strcmp(buf_str(&one), "[removed]") == 0;
			int ours = i > 0 && o[i - 1] == '[' && j - i == 7 &&
				   strncasecmp(o + i, "removed", 7) == 0;
			buf_free(&one);
			if (is_name && !ours && j < SCRUB_MAX_OUT - 16)
				__builtin_trap();
			i = j;
		}
	}
	buf_free(&out);
	free(list);
	scrub_names_free(names);
	return 0;
}
