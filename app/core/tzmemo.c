#include "core/tzmemo.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A zone's answers: its offset (and whether it is summer time) from lo,
 * and each change after that, up to hi. Room for every zone a profile
 * can name (zone1970.tab lists about 310), so none is ever built twice:
 * a build asks glibc some 12,000 times (a millisecond or two), which a
 * memo that evicted would pay again and again with more zones than room. */
#define TZM_ZONES 512
#define TZM_SLOTS 1024 /* hash slots: index + 1, 0 free */
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
	int64_t at[TZM_CHANGES];   /* first second of each change */
	long off[TZM_CHANGES + 1]; /* seconds east of UTC: off[i] before at[i] */
	int dst[TZM_CHANGES + 1];
	int n; /* changes */
};

static struct zone zones[TZM_ZONES];
static int nzones;
static unsigned short slot[TZM_SLOTS];

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

/* The zone named name, built around t on first use; NULL when the memo
 * is full (only names no profile can hold get that far). */
static struct zone *find(const char *name, int64_t t)
{
	uint32_t h = 2166136261u; /* FNV-1a */
	for (const unsigned char *p = (const unsigned char *)name; *p; p++)
		h = (h ^ *p) * 16777619u;
	for (uint32_t i = h % TZM_SLOTS;; i = (i + 1) % TZM_SLOTS) {
		if (slot[i] && strcmp(zones[slot[i] - 1].name, name) == 0)
			return &zones[slot[i] - 1];
		if (!slot[i]) {
			if (nzones == TZM_ZONES)
				return NULL;
			struct zone *z = &zones[nzones++];
			slot[i] = (unsigned short)nzones;
			build(z, name, t);
			return z;
		}
	}
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
