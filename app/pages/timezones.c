#include "pages/timezones.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TZ_MAX 600

static char *names[TZ_MAX];
static int count;

static int cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void load(void)
{
	if (count)
		return;
	names[count++] = strdup("UTC");
	FILE *f = fopen("/usr/share/zoneinfo/zone1970.tab", "r");
	char line[512];
	while (f && fgets(line, sizeof(line), f) && count < TZ_MAX) {
		if (line[0] == '#')
			continue;
		/* codes <TAB> coordinates <TAB> TZ [<TAB> comments] */
		char *a = strchr(line, '\t'), *b = a ? strchr(a + 1, '\t') : NULL;
		if (!b)
			continue;
		char *tz = b + 1;
		tz[strcspn(tz, "\t\n")] = '\0';
		if (*tz)
			names[count++] = strdup(tz);
	}
	if (f)
		fclose(f);
	qsort(names + 1, (size_t)count - 1, sizeof(names[0]), cmp);
}

const char *const *tz_names(int *n)
{
	load();
	*n = count;
	return (const char *const *)names;
}

int tz_valid(const char *name)
{
	load();
	for (int i = 0; i < count; i++)
		if (strcmp(names[i], name) == 0)
			return 1;
	return 0;
}
