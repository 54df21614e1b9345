#include "http/route.h"

#include <stdio.h>
#include <string.h>

static int token_char(char ch)
{
	return (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') ||
	       ch == '-' || ch == '_';
}

/* Match one pattern; {id} takes 1-15 digits with no leading zero, so the
 * value always fits in int64_t; {token} takes 1-ROUTE_TOKEN_MAX base64url
 * characters (a longer run does not match). */
static int pattern_match(const char *pat, const char *path, int64_t ids[ROUTE_MAX_IDS],
			 char token[ROUTE_TOKEN_MAX + 1])
{
	int nid = 0;
	while (*pat && *path) {
		/* Literal characters first: every route is tried for every
		 * request, so the two placeholder compares stay off them. */
		if (*pat != '{') {
			if (*pat != *path)
				return 0;
			pat++;
			path++;
			continue;
		}
		if (strncmp(pat, "{token}", 7) == 0) {
			size_t len = 0;
			while (token_char(path[len]))
				if (++len > ROUTE_TOKEN_MAX)
					return 0;
			if (len == 0)
				return 0;
			memcpy(token, path, len);
			token[len] = '\0';
			path += len;
			pat += 7;
			continue;
		}
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
		const struct route **out, int64_t ids[ROUTE_MAX_IDS], char token[ROUTE_TOKEN_MAX + 1],
		char *allow, size_t allowlen)
{
	int path_seen = 0;
	if (allowlen)
		allow[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		int64_t tmp[ROUTE_MAX_IDS] = {0};
		char tok[ROUTE_TOKEN_MAX + 1] = "";
		if (!pattern_match(table[i].pattern, path, tmp, tok))
			continue;
		if (strcmp(table[i].method, method) == 0) {
			*out = &table[i];
			memcpy(ids, tmp, sizeof(tmp));
			memcpy(token, tok, sizeof(tok));
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
