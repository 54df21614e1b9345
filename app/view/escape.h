/* escape: HTML escaping, safe in element content and quoted attributes,
 * and percent-encoding for values placed in a URL. */
#ifndef TANDEM_ESCAPE_H
#define TANDEM_ESCAPE_H
#include "core/buf.h"

/* Append s to out with & < > " ' replaced by entities. */
void html_escape(struct buf *out, const char *s);

/* Append s to out percent-encoded as one URL query value or path segment:
 * every byte but A-Z a-z 0-9 - _ . ~ becomes %XX (so &, =, #, ?, / and
 * spaces cannot change the URL's structure). The result needs no further
 * HTML escaping. */
void url_encode(struct buf *out, const char *s);

#endif
