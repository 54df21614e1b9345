#include "pages/insight_cache.h"

#include <string.h>

#include "store/db.h"

#define SLOTS 16

static struct {
	char key[256];
	int64_t at;
	struct buf html;
} slots[SLOTS];

const struct buf *icache_get(const char *key, int64_t now, int64_t *at)
{
	for (int i = 0; i < SLOTS; i++)
		if (slots[i].key[0] && strcmp(slots[i].key, key) == 0) {
			if (now < slots[i].at || now - slots[i].at >= INSIGHT_CACHE_SECONDS)
				return NULL;
			*at = slots[i].at;
			return &slots[i].html;
		}
	return NULL;
}

void icache_put(const char *key, int64_t now, const struct buf *html)
{
	/* Built while a statement of the request failed: the request is
	 * answered 500 (store/db.h), and the next one builds it again. */
	if (strlen(key) >= sizeof(slots[0].key) || html->oom || db_latched() != DB_OK)
		return;
	int pick = 0;
	for (int i = 0; i < SLOTS; i++) {
		if (strcmp(slots[i].key, key) == 0) {
			pick = i;
			break;
		}
		if (slots[i].at < slots[pick].at)
			pick = i;
	}
	struct buf copy = {0};
	buf_append(&copy, html->data, html->len);
	if (copy.oom) {
		buf_free(&copy);
		return;
	}
	buf_free(&slots[pick].html);
	slots[pick].html = copy;
	slots[pick].at = now;
	str_copy(slots[pick].key, sizeof(slots[pick].key), key);
}
