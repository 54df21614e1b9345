/* Milliseconds per argon2id hash with the limits Tandem uses (libsodium's
 * INTERACTIVE), the median of 7 runs: the bound for logins per core. */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

int main(void)
{
	if (sodium_init() < 0)
		return 1;
	double ms[7];
	char out[crypto_pwhash_STRBYTES];
	for (int i = 0; i < 7; i++) {
		struct timespec a, b;
		clock_gettime(CLOCK_MONOTONIC, &a);
		if (crypto_pwhash_str(out, "benchmark password", 18, crypto_pwhash_OPSLIMIT_INTERACTIVE,
				      crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
			return 1;
		clock_gettime(CLOCK_MONOTONIC, &b);
		ms[i] = (double)(b.tv_sec - a.tv_sec) * 1e3 + (double)(b.tv_nsec - a.tv_nsec) / 1e6;
	}
	qsort(ms, 7, sizeof(ms[0]), cmp);
	printf("%.1f\n", ms[3]);
	return 0;
}
