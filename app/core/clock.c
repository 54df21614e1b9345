#include "core/clock.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#ifdef TANDEM_TESTING
static char clock_file[4096];
#endif

void clock_set_data_dir(const char *dir)
{
#ifdef TANDEM_TESTING
	snprintf(clock_file, sizeof(clock_file), "%s/test-clock", dir);
#else
	(void)dir;
#endif
}

int64_t clock_now(void)
{
	int64_t t = (int64_t)time(NULL);
#ifdef TANDEM_TESTING
	if (clock_file[0]) {
		FILE *f = fopen(clock_file, "r");
		if (f) {
			long long off = 0;
			if (fscanf(f, "%lld", &off) == 1)
				t += off;
			fclose(f);
		}
	}
#endif
	return t;
}

int64_t clock_mono_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}
