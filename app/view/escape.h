/* escape: HTML escaping, safe in element content and quoted attributes. */
#ifndef TANDEM_ESCAPE_H
#define TANDEM_ESCAPE_H
#include "core/buf.h"

/* Append s to out with & < > " ' replaced by entities. */
void html_escape(struct buf *out, const char *s);

#endif
