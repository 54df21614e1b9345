#include "core/vocab.h"

#include <stddef.h>
#include <string.h>

/* Each array below is one projection of VOCAB_TERMS: FORMAT entries only,
 * or every entry; nothing is written twice. */
#define ONLY_FORMAT(...) __VA_ARGS__
#define ONLY_KIND(...)
#define FORMAT_VALUE(k, v, l) ONLY_##k(v, )
#define FORMAT_LABEL(k, v, l) ONLY_##k(l, )
#define ANY_VALUE(k, v, l) v,
#define ANY_LABEL(k, v, l) l,

const char *const format_names[FORMAT_COUNT + 1] = {VOCAB_TERMS(FORMAT_VALUE) NULL};
const char *const format_labels[FORMAT_COUNT] = {VOCAB_TERMS(FORMAT_LABEL)};
const char *const format_filter_values[FORMAT_COUNT + 2] = {"", VOCAB_TERMS(FORMAT_VALUE) NULL};
const char *const kind_names[KIND_COUNT + 1] = {VOCAB_TERMS(ANY_VALUE) NULL};
const char *const kind_labels[KIND_COUNT] = {VOCAB_TERMS(ANY_LABEL)};

/* The counts are stated for array sizes; a term added without them fails
 * to build rather than leaving a slot NULL. */
#define ONE(k, v, l) +1
#define ONE_FORMAT(k, v, l) ONLY_##k(+1)
_Static_assert(0 VOCAB_TERMS(ONE) == KIND_COUNT, "KIND_COUNT must count VOCAB_TERMS");
_Static_assert(0 VOCAB_TERMS(ONE_FORMAT) == FORMAT_COUNT, "FORMAT_COUNT must count the FORMAT terms");

const char *vocab_label(const char *value)
{
	for (int i = 0; i < KIND_COUNT; i++)
		if (strcmp(kind_names[i], value) == 0)
			return kind_labels[i];
	return value;
}
