#include "core/rotation.h"

#include <string.h>

int rotation_fill(int nleads, const int *load, const unsigned char *busy)
{
	int best = -1;
	for (int l = 0; l < nleads; l++)
		if (!busy[l] && (best < 0 || load[l] < load[best]))
			best = l;
	return best;
}

int rotation_plan(int nleads, int ndays, int weeks, const unsigned char (*away)[ROT_MAX_LEADS],
		  struct rot_plan *out)
{
	if (nleads < 1 || nleads > ROT_MAX_LEADS || ndays < 1 || ndays > ROT_MAX_DAYS || weeks < 1 ||
	    weeks > ROT_MAX_WEEKS)
		return -1;
	memset(out, 0, sizeof(*out));
	out->weeks = weeks;
	out->ndays = ndays;
	out->nleads = nleads;
	int last[ROT_MAX_LEADS]; /* the week each last led, -1 never */
	int daycount[ROT_MAX_LEADS][ROT_MAX_DAYS] = {{0}};
	int covered[ROT_MAX_DAYS] = {0}; /* weeks each day slot had a lead */
	for (int l = 0; l < nleads; l++)
		last[l] = -1;
	for (int w = 0; w < weeks; w++) {
		/* The week's leads: available ones by (load, last led, index). */
		int order[ROT_MAX_LEADS], n = 0;
		for (int l = 0; l < nleads; l++)
			if (!away || !away[w][l])
				order[n++] = l;
		for (int i = 1; i < n; i++) {
			int x = order[i], j = i - 1;
			while (j >= 0) {
				int y = order[j];
				int before = out->load[x] < out->load[y] ||
					     (out->load[x] == out->load[y] && last[x] < last[y]);
				if (!before)
					break;
				order[j + 1] = y;
				j--;
			}
			order[j + 1] = x;
		}
		int k = n < ndays ? n : ndays;
		/* Which day slots get a lead: all, or the k covered least so
		 * far (ties from a point that moves each week). */
		int use[ROT_MAX_DAYS] = {0};
		for (int c = 0; c < k; c++) {
			int best = -1;
			for (int i = 0; i < ndays; i++) {
				int d = (i + w) % ndays;
				if (!use[d] && (best < 0 || covered[d] < covered[best]))
					best = d;
			}
			if (best < 0)
				break;
			use[best] = 1;
		}
		int taken[ROT_MAX_LEADS] = {0};
		for (int d = 0; d < ndays; d++) {
			out->lead[w][d] = -1;
			if (!use[d])
				continue;
			/* The chosen lead who has led this weekday least. */
			int best = -1;
			for (int i = 0; i < k; i++) {
				int l = order[i];
				if (!taken[l] && (best < 0 || daycount[l][d] < daycount[best][d]))
					best = l;
			}
			if (best < 0) /* cannot happen: k leads for k days */
				continue;
			taken[best] = 1;
			out->lead[w][d] = best;
			out->load[best]++;
			daycount[best][d]++;
			last[best] = w;
			covered[d]++;
		}
		out->uncovered += ndays - k;
	}
	return 0;
}
