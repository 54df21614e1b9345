/* insight_cache: this worker's copy of a rendered insights fragment (the
 * charts and tables of /admin/insights or /program for one query), kept
 * for INSIGHT_CACHE_SECONDS. Reading the kept counters and drawing seven
 * charts over three years costs ~1.5 ms; a page asked for thousands of
 * times a second shows figures at most that old instead (it says "as of").
 * The key must name everything the fragment depends on (the query, the
 * events' version, k); one process, one request at a time. */
#ifndef TANDEM_INSIGHT_CACHE_H
#define TANDEM_INSIGHT_CACHE_H
#include <stdint.h>

#include "core/buf.h"

#define INSIGHT_CACHE_SECONDS 30

/* The fragment kept for key, fresh at now, or NULL; *at: when it was made.
 * The buffer belongs to the cache (valid until the next icache_put). */
const struct buf *icache_get(const char *key, int64_t now, int64_t *at);

/* Keep a copy of html for key (replacing the oldest entry). */
void icache_put(const char *key, int64_t now, const struct buf *html);

#endif
