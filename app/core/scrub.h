/* scrub: free-text answers with what could name a person taken out
 * (e-mail addresses, phone numbers, members' names), for survey comments
 * that admins may read. Pure: no I/O, so it is unit-tested and fuzzed. */
#ifndef TANDEM_SCRUB_H
#define TANDEM_SCRUB_H
#include <stddef.h>

#include "core/buf.h"

/* The longest scrubbed text, in bytes: longer output is cut (at a UTF-8
 * boundary) and ends with "…". */
#define SCRUB_MAX_OUT 8192

struct scrub_names;

/* An empty set of name words. NULL on OOM. Free with scrub_names_free. */
struct scrub_names *scrub_names_new(void);
void scrub_names_free(struct scrub_names *s);
/* Add every word of a display name (runs of letters and digits, 3 bytes
 * or longer; ASCII compared without case). 0, or -1 on OOM. */
int scrub_names_add(struct scrub_names *s, const char *display_name);

/* Append to out the text in[0..len) with each word containing '@', each
 * run of 7 or more digits (spaces, dashes, dots, parentheses and + may
 * separate them) and each word in names (NULL: none) replaced by
 * "[removed]", in one pass over in. 0, or -1 on OOM (out->oom set). */
int scrub_text(const char *in, size_t len, const struct scrub_names *names, struct buf *out);

#endif
