#include "core/stats.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#define Z975 1.959963984540054

static struct stats_diff finish(double before, double after, double half)
{
	struct stats_diff d = {before, after, after - before, 0, 0, 0, 1};
	d.lo = d.diff - half;
	d.hi = d.diff + half;
	d.significant = d.lo > 0 || d.hi < 0;
	return d;
}

struct stats_diff stats_two_prop(double x1, double n1, double x2, double n2)
{
	struct stats_diff none = {0};
	if (n1 <= 0 || n2 <= 0 || x1 < 0 || x2 < 0 || x1 > n1 || x2 > n2)
		return none;
	double p1 = x1 / n1, p2 = x2 / n2;
	double se = sqrt(p1 * (1 - p1) / n1 + p2 * (1 - p2) / n2);
	return finish(p1, p2, Z975 * se);
}

static void mean_var(const double *x, size_t n, double *mean, double *var)
{
	double s = 0;
	for (size_t i = 0; i < n; i++)
		s += x[i];
	*mean = s / (double)n;
	double q = 0;
	for (size_t i = 0; i < n; i++)
		q += (x[i] - *mean) * (x[i] - *mean);
	*var = q / (double)(n - 1);
}

struct stats_diff stats_welch(const double *a, size_t na, const double *b, size_t nb)
{
	struct stats_diff none = {0};
	if (na < 2 || nb < 2)
		return none;
	double ma, va, mb, vb;
	mean_var(a, na, &ma, &va);
	mean_var(b, nb, &mb, &vb);
	double ua = va / (double)na, ub = vb / (double)nb, se2 = ua + ub;
	if (se2 <= 0) { /* no variation: nothing to estimate the noise from */
		none.before = ma;
		none.after = mb;
		none.diff = mb - ma;
		return none;
	}
	double df = se2 * se2 / (ua * ua / (double)(na - 1) + ub * ub / (double)(nb - 1));
	return finish(ma, mb, stats_t975(df) * sqrt(se2));
}

double stats_t975(double df)
{
	static const double small[] = {12.706204736, 4.302652730, 3.182446305};
	if (df <= 1)
		return small[0];
	if (df < 3) { /* between table values: linear in 1/df */
		int i = (int)df;
		double a = 1.0 / i, b = 1.0 / (i + 1), x = 1.0 / df;
		return small[i - 1] + (small[i] - small[i - 1]) * (a - x) / (a - b);
	}
	double z = Z975, z2 = z * z, z3 = z2 * z, z5 = z3 * z2, z7 = z5 * z2, z9 = z7 * z2;
	double g1 = (z3 + z) / 4, g2 = (5 * z5 + 16 * z3 + 3 * z) / 96,
	       g3 = (3 * z7 + 19 * z5 + 17 * z3 - 15 * z) / 384,
	       g4 = (79 * z9 + 776 * z7 + 1482 * z5 - 1920 * z3 - 945 * z) / 92160;
	return z + g1 / df + g2 / (df * df) + g3 / (df * df * df) + g4 / (df * df * df * df);
}

static void figure(char *out, size_t n, double v, int percent)
{
	if (percent)
		snprintf(out, n, "%.0f %%", v * 100);
	else if (fabs(v) < 10)
		snprintf(out, n, "%.2f", v);
	else
		snprintf(out, n, "%.1f", v);
}

void stats_sentence(char *out, size_t n, const char *what, const struct stats_diff *d, int percent)
{
	char b[32], a[32];
	figure(b, sizeof(b), d->before, percent);
	figure(a, sizeof(a), d->after, percent);
	if (!d->valid) {
		snprintf(out, n, "%s: too little to compare (%s before, %s after)", what, b, a);
		return;
	}
	const char *verdict = d->significant ? "the change is larger than chance would explain"
					     : "the change is within what chance would explain";
	if (strcmp(a, b) == 0)
		snprintf(out, n, "%s stayed at %s; %s", what, a, verdict);
	else
		snprintf(out, n, "%s %s from %s to %s; %s", what, d->diff > 0 ? "rose" : "fell", b, a,
			 verdict);
}
