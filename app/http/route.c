#include "http/route.h"

#include <stdio.h>
#include <string.h>

/* Match one pattern; {id} takes 1-15 digits with no leading zero, so the
 * value always fits in int64_t. */
static int pattern_match(const char *pat, const char *path, int64_t ids[ROUTE_MAX_IDS])
{
	int nid = 0;
	while (*pat && *path) {
		if (strncmp(pat, "{id}", 4) == 0) {
			if (nid == ROUTE_MAX_IDS || *path < '1' || *path > '9')
				return 0;
			int64_t v = 0;
			int digits = 0;
			while (*path >= '0' && *path <= '9') {
				if (++digits > 15)
					return 0;
				v = v * 10 + (*path - '0');
				path++;
			}
			ids[nid++] = v;
			pat += 4;
			continue;
		}
		if (*pat != *path)
			return 0;
		pat++;
		path++;
	}
	return *pat == '\0' && *path == '\0';
}

int route_match(const struct route *table, size_t n, const char *method, const char *path,
		const struct route **out, int64_t ids[ROUTE_MAX_IDS], char *allow, size_t allowlen)
{
	int path_seen = 0;
	if (allowlen)
		allow[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		int64_t tmp[ROUTE_MAX_IDS] = {0};
		if (!pattern_match(table[i].pattern, path, tmp))
			continue;
		if (strcmp(table[i].method, method) == 0) {
			*out = &table[i];
			memcpy(ids, tmp, sizeof(tmp));
			return 200;
		}
		if (allowlen && !strstr(allow, table[i].method)) {
			size_t len = strlen(allow);
			snprintf(allow + len, allowlen - len, "%s%s", path_seen ? ", " : "", table[i].method);
		}
		path_seen = 1;
	}
	return path_seen ? 405 : 404;
}
