#include "core/sdc.h"

#include <string.h>

/* Hide the smallest shown figure among count[i * stride] (i < n) whose
 * flag is clear; 1 when one was hidden. */
static int hide_smallest(const int *count, unsigned char *hid, int n, int stride)
{
	int best = -1;
	for (int i = 0; i < n; i++)
		if (!hid[i * stride] && (best < 0 || count[i * stride] < count[best * stride]))
			best = i;
	if (best < 0)
		return 0;
	hid[best * stride] = 1;
	return 1;
}

/* A line's total less its shown figures: what its hidden figures add up
 * to. Only a known total makes the difference computable. */
static int hidden_sum(int total, const int *count, const unsigned char *hid, int n, int stride)
{
	int r = total;
	for (int i = 0; i < n; i++)
		if (!hid[i * stride])
			r -= count[i * stride];
	return r;
}

static int small(int r, int k)
{
	return r > 0 && r < k;
}

static int protect_dim(int k, int n, int nb, const int *all, const unsigned char *all_hid, struct sdc_dim *d)
{
	int changed = 0;
	/* Margin: group sizes add up to n. */
	if (small(hidden_sum(n, d->size, d->ghid, d->ngroups, 1), k))
		changed |= hide_smallest(d->size, d->ghid, d->ngroups, 1);
	for (int g = 0; g < d->ngroups; g++) {
		unsigned char *row = d->chid + g * nb;
		for (int b = 0; b < nb; b++) {
			/* A hidden group, or a hidden total of the column. */
			if (!row[b] && (d->ghid[g] || all_hid[b])) {
				row[b] = 1;
				changed = 1;
			}
		}
		if (!d->ghid[g] && small(hidden_sum(d->size[g], d->cell + g * nb, row, nb, 1), k))
			changed |= hide_smallest(d->cell + g * nb, row, nb, 1);
	}
	for (int b = 0; b < nb; b++)
		if (!all_hid[b] && small(hidden_sum(all[b], d->cell + b, d->chid + b, d->ngroups, nb), k))
			changed |= hide_smallest(d->cell + b, d->chid + b, d->ngroups, nb);
	return changed;
}

void sdc_protect(int k, int n, int nb, const int *all, unsigned char *all_hid, struct sdc_dim *dims,
		 int ndims)
{
	int none = n < k;
	for (int b = 0; b < nb; b++)
		all_hid[b] = none || all[b] < k;
	for (int d = 0; d < ndims; d++) {
		struct sdc_dim *x = &dims[d];
		for (int g = 0; g < x->ngroups; g++) {
			x->ghid[g] = none || x->size[g] < k;
			for (int b = 0; b < nb; b++)
				x->chid[g * nb + b] = x->ghid[g] || x->cell[g * nb + b] < k;
		}
	}
	if (none)
		return;
	for (int changed = 1; changed;) {
		changed = 0;
		if (small(hidden_sum(n, all, all_hid, nb, 1), k))
			changed |= hide_smallest(all, all_hid, nb, 1);
		for (int d = 0; d < ndims; d++)
			changed |= protect_dim(k, n, nb, all, all_hid, &dims[d]);
	}
}

int sdc_row_clear(const unsigned char *hid, int nb)
{
	for (int b = 0; b < nb; b++)
		if (hid[b])
			return 0;
	return 1;
}

int sdc_batch_floor(int n, int k)
{
	return k < 1 ? n : n / k * k;
}
