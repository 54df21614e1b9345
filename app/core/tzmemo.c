#include "core/tzmemo.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A zone's answers: its offset (and whether it is summer time) from lo,
 * and each change after that, up to hi. */
#define TZM_ZONES 32
#define TZM_CHANGES 64
/* Each side of the first time asked: the pages show weeks and months
 * around today; a time further off is glibc's to answer. */
#define TZM_SPAN (4LL * 366 * 86400)
/* The probe's step. No zone has changed its offset twice within six
 * hours; a change is then found to the second by bisection. */
#define TZM_STEP (6LL * 3600)

struct zone {
	char name[64];
	int64_t lo, hi;
	unsigned long used;	   /* for replacing the least recently used */
	int64_t at[TZM_CHANGES];   /* first second of each change */
	long off[TZM_CHANGES + 1]; /* seconds east of UTC: off[i] before at[i] */
	int dst[TZM_CHANGES + 1];
	int n; /* changes */
};

static struct zone zones[TZM_ZONES];
static int nzones;
static unsigned long clock_tick;

void tzmemo_use(const char *tz)
{
	const char *zone = tz && *tz ? tz : "UTC";
	const char *cur = getenv("TZ");
	if (cur && strcmp(cur, zone) == 0)
		return;
	setenv("TZ", zone, 1);
	tzset();
}

/* glibc's answer for t in the current zone. */
static void ask(int64_t t, long *off, int *dst)
{
	time_t tt = (time_t)t;
	struct tm tm;
	if (!localtime_r(&tt, &tm)) {
		*off = 0;
		*dst = 0;
		return;
	}
	*off = tm.tm_gmtoff;
	*dst = tm.tm_isdst > 0;
}

static void build(struct zone *z, const char *name, int64_t t)
{
	tzmemo_use(name);
	snprintf(z->name, sizeof(z->name), "%s", name);
	z->lo = t - TZM_SPAN;
	z->hi = t + TZM_SPAN;
	z->n = 0;
	ask(z->lo, &z->off[0], &z->dst[0]);
	for (int64_t x = z->lo + TZM_STEP; x < z->hi; x += TZM_STEP) {
		long o;
		int d;
		ask(x, &o, &d);
		if (o == z->off[z->n] && d == z->dst[z->n])
			continue;
		if (z->n == TZM_CHANGES) {
			z->hi = x - TZM_STEP; /* a zone this restless: the rest is glibc's */
			break;
		}
		/* The first second in (x - step, x] that answers as x does. */
		int64_t a = x - TZM_STEP, b = x;
		while (b - a > 1) {
			int64_t m = a + (b - a) / 2;
			long mo;
			int md;
			ask(m, &mo, &md);
			if (mo == z->off[z->n] && md == z->dst[z->n])
				a = m;
			else
				b = m;
		}
		z->at[z->n] = b;
		z->n++;
		z->off[z->n] = o;
		z->dst[z->n] = d;
	}
}

static struct zone *find(const char *name, int64_t t)
{
	struct zone *oldest = NULL;
	for (int i = 0; i < nzones; i++) {
		if (strcmp(zones[i].name, name) == 0)
			return &zones[i];
		if (!oldest || zones[i].used < oldest->used)
			oldest = &zones[i];
	}
	struct zone *z = nzones < TZM_ZONES ? &zones[nzones++] : oldest;
	build(z, name, t);
	return z;
}

void tzmemo_local(int64_t t, const char *tz, struct tm *tm)
{
	const char *name = tz && *tz ? tz : "UTC";
	struct zone *z = strlen(name) < sizeof(zones[0].name) ? find(name, t) : NULL;
	if (!z || t < z->lo || t >= z->hi) {
		tzmemo_use(name);
		time_t tt = (time_t)t;
		if (!localtime_r(&tt, tm))
			memset(tm, 0, sizeof(*tm));
		tm->tm_zone = "";
		return;
	}
	z->used = ++clock_tick;
	int lo = 0, hi = z->n; /* the number of changes at or before t */
	while (lo < hi) {
		int m = lo + (hi - lo) / 2;
		if (z->at[m] <= t)
			lo = m + 1;
		else
			hi = m;
	}
	time_t local = (time_t)(t + z->off[lo]);
	gmtime_r(&local, tm);
	tm->tm_gmtoff = z->off[lo];
	tm->tm_isdst = z->dst[lo];
	tm->tm_zone = "";
}
