#include "core/sdc.h"

#include <stdlib.h>
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

/* sum(x[m[0..nm)]) = the total: a constant (tvar < 0) or variable tvar. */
struct constraint {
	const int *m;
	int nm, tvar, tconst;
};

static int max_i(int a, int b)
{
	return a > b ? a : b;
}

static int min_i(int a, int b)
{
	return a < b ? a : b;
}

/* Narrow the bounds of a constraint's members and total; 1 if any moved. */
static int narrow(const struct constraint *c, int *lo, int *hi)
{
	long slo = 0, shi = 0;
	for (int i = 0; i < c->nm; i++) {
		slo += lo[c->m[i]];
		shi += hi[c->m[i]];
	}
	int tlo = c->tvar < 0 ? c->tconst : lo[c->tvar], thi = c->tvar < 0 ? c->tconst : hi[c->tvar];
	int moved = 0;
	if (c->tvar >= 0) {
		int nlo = max_i(tlo, (int)slo), nhi = min_i(thi, (int)shi);
		moved |= nlo != tlo || nhi != thi;
		lo[c->tvar] = tlo = nlo;
		hi[c->tvar] = thi = nhi;
	}
	for (int i = 0; i < c->nm; i++) {
		int x = c->m[i];
		int nlo = max_i(lo[x], tlo - (int)(shi - hi[x])),
		    nhi = min_i(hi[x], thi - (int)(slo - lo[x]));
		if (nlo != lo[x] || nhi != hi[x]) {
			slo += nlo - lo[x];
			shi += nhi - hi[x];
			lo[x] = nlo;
			hi[x] = nhi;
			moved = 1;
		}
	}
	return moved;
}

/* A hidden figure whose true value is 1..k-1 that the bounds pin inside
 * 1..k-1 (an admin learns "a few, but some"). */
static int exposed(int k, int v, int lo, int hi)
{
	return v > 0 && v < k && lo >= 1 && hi <= k - 1;
}

int sdc_audit(int k, int n, int nb, const int *all, const unsigned char *all_hid, const struct sdc_dim *d)
{
	int G = d->ngroups, nv = nb + G * nb, nc = 1 + G + nb;
	int *lo = calloc((size_t)nv, sizeof(int)), *hi = calloc((size_t)nv, sizeof(int));
	int *idx = calloc((size_t)nv * 2 + (size_t)nb, sizeof(int));
	struct constraint *cs = calloc((size_t)nc, sizeof(*cs));
	if (!lo || !hi || !idx || !cs) {
		free(lo);
		free(hi);
		free(idx);
		free(cs);
		return 0; /* cannot tell: withhold */
	}
	/* Variables: the "all" row a[b] = b, group cells c[g][b] = nb + g*nb + b. */
	for (int b = 0; b < nb; b++) {
		lo[b] = all_hid[b] ? 0 : all[b];
		hi[b] = all_hid[b] ? n : all[b];
	}
	for (int g = 0; g < G; g++)
		for (int b = 0; b < nb; b++) {
			int x = nb + g * nb + b, v = d->cell[g * nb + b];
			lo[x] = d->chid[g * nb + b] ? 0 : v;
			hi[x] = d->chid[g * nb + b] ? d->size[g] : v;
		}
	int *p = idx, c = 0;
	for (int b = 0; b < nb; b++)
		p[b] = b;
	cs[c++] = (struct constraint){p, nb, -1, n};
	p += nb;
	for (int g = 0; g < G; g++) {
		for (int b = 0; b < nb; b++)
			p[b] = nb + g * nb + b;
		cs[c++] = (struct constraint){p, nb, -1, d->size[g]};
		p += nb;
	}
	for (int b = 0; b < nb; b++) {
		for (int g = 0; g < G; g++)
			p[g] = nb + g * nb + b;
		cs[c++] = (struct constraint){p, G, b, 0};
		p += G;
	}
	for (int pass = 0, moved = 1; moved && pass < 1000; pass++) {
		moved = 0;
		for (int i = 0; i < c; i++)
			moved |= narrow(&cs[i], lo, hi);
	}
	int ok = 1;
	for (int b = 0; b < nb && ok; b++)
		ok = !(all_hid[b] && exposed(k, all[b], lo[b], hi[b]));
	for (int g = 0; g < G && ok; g++)
		for (int b = 0; b < nb && ok; b++)
			ok = !(d->chid[g * nb + b] &&
			       exposed(k, d->cell[g * nb + b], lo[nb + g * nb + b], hi[nb + g * nb + b]));
	free(lo);
	free(hi);
	free(idx);
	free(cs);
	return ok;
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
