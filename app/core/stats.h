/* stats: the before/after comparisons of /admin/insights. Pure: no I/O,
 * unit-tested on known numbers (tests/unit/test_stats.c). */
#ifndef TANDEM_STATS_H
#define TANDEM_STATS_H
#include <stddef.h>

/* One comparison: the figure before and after, their difference
 * (after - before) and its 95 % confidence interval [lo, hi].
 * significant: the interval leaves out 0 (the change is larger than
 * chance would explain). valid: 0 when there was nothing to compare
 * (an empty window, no variation to estimate). */
struct stats_diff {
	double before, after, diff, lo, hi;
	int significant, valid;
};

/* Two proportions x1/n1 (before) and x2/n2 (after): the difference of
 * the rates with the unpooled normal (Wald) interval. */
struct stats_diff stats_two_prop(double x1, double n1, double x2, double n2);

/* Two means of samples a[0..na) and b[0..nb) (say, one value per week):
 * Welch's interval, with Welch-Satterthwaite degrees of freedom. Needs
 * two values in each sample. */
struct stats_diff stats_welch(const double *a, size_t na, const double *b, size_t nb);

/* The 97.5th percentile of Student's t with df degrees of freedom
 * (df > 0; real df allowed): exact table values below 3, the
 * Cornish-Fisher expansion above (error under 0.002). */
double stats_t975(double df);

/* Append to out (size n, always terminated) a plain sentence about d:
 * "<what> rose from <before> to <after>; the change is larger than chance
 * would explain" (or "fell", "stayed at", "within what chance would
 * explain"). percent: show the figures as whole percentages of a
 * proportion (0.12 → "12 %"), else with two decimals below 10 and
 * one above. */
void stats_sentence(char *out, size_t n, const char *what, const struct stats_diff *d, int percent);

#endif
