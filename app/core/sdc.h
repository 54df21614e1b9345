/* sdc: statistical disclosure control for survey results. One question's
 * answers form linked tables that share their totals: the "all" row (a
 * count per answer, and the number who answered, N) and, per breakdown
 * dimension (role, team, quarter), a table of groups × answers whose
 * column sums are the "all" row and whose group sizes add up to N.
 * sdc_protect decides which figures may be shown so that no hidden figure
 * of 1..k-1 people can be worked out from the shown ones by adding or
 * subtracting. Pure: no I/O (unit tests call it directly). */
#ifndef TANDEM_SDC_H
#define TANDEM_SDC_H

/* One breakdown: ngroups rows of nb counts (cell[g * nb + b]). The caller
 * fills size and cell; sdc_protect fills the hidden flags. */
struct sdc_dim {
	int ngroups;
	const int *size;     /* people in each group who answered */
	const int *cell;     /* ngroups * nb */
	unsigned char *ghid; /* out: the group is hidden (and every cell of it) */
	unsigned char *chid; /* out: ngroups * nb */
};

/* The rules, applied until nothing changes:
 * - primary: a count below k is hidden, zeros included (a shown zero
 *   tells what the others did); a group of fewer than k is hidden whole;
 * - secondary: in every row, every column and every margin, the hidden
 *   figures together are 0 or at least k, so a difference of shown
 *   figures never isolates fewer than k people: the smallest shown figure
 *   of an offending line is hidden too (every shown figure is >= k, so
 *   one is always enough for that line);
 * - a hidden "all" count hides its column in every breakdown.
 * When n < k everything is hidden. all_hid has nb flags (out). */
void sdc_protect(int k, int n, int nb, const int *all, unsigned char *all_hid, struct sdc_dim *dims,
		 int ndims);

/* After sdc_protect: 1 when an admin who knows every group's size (who
 * answered, and their teams, are no secret) still cannot bound any
 * hidden figure of d's table, or of the "all" row, to within 1..k-1 by
 * combining the shown figures: bounds are propagated through every row,
 * column and total until they stop moving. 0 when one could: the caller
 * then withholds d's breakdown (sdc_protect's rules, each line alone,
 * cannot see every combination). */
int sdc_audit(int k, int n, int nb, const int *all, const unsigned char *all_hid, const struct sdc_dim *d);

/* 1 when a row of nb flags has no hidden figure (a mean may be shown). */
int sdc_row_clear(const unsigned char *hid, int nb);

/* The figure shown for a batch-released count: n rounded down to a
 * multiple of k (k >= 1). */
int sdc_batch_floor(int n, int k);

#endif
