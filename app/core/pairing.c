#include "core/pairing.h"

#include <stdlib.h>

/* Costs of putting two people together. */
enum { FIT = 0, SAME_TEAM = 1, BARRED = 100 };

struct state {
	const struct pairing_person *p;
	const struct pairing_pair *recent;
	size_t nrecent;
};

static int pair_cmp(const void *x, const void *y)
{
	const struct pairing_pair *a = x, *b = y;
	if (a->a != b->a)
		return (a->a > b->a) - (a->a < b->a);
	return (a->b > b->b) - (a->b < b->b);
}

static int cost(const struct state *s, size_t i, size_t j)
{
	struct pairing_pair k = {s->p[i].id, s->p[j].id};
	if (k.a > k.b) {
		int64_t t = k.a;
		k.a = k.b;
		k.b = t;
	}
	if (s->nrecent && bsearch(&k, s->recent, s->nrecent, sizeof(k), pair_cmp))
		return BARRED;
	if (s->p[i].team == s->p[j].team && (s->p[i].across || s->p[j].across))
		return SAME_TEAM;
	return FIT;
}

/* xorshift64*: a repeatable shuffle; not for secrets. */
static uint64_t rnd(uint64_t *x)
{
	*x ^= *x >> 12;
	*x ^= *x << 25;
	*x ^= *x >> 27;
	return *x * 2685821657736338717ULL;
}

long pairing_match(const struct pairing_person *p, size_t n, struct pairing_pair *recent, size_t nrecent,
		   uint64_t seed, int *group)
{
	for (size_t i = 0; i < n; i++)
		group[i] = -1;
	if (n < 2)
		return 0;
	for (size_t i = 0; i < nrecent; i++)
		if (recent[i].a > recent[i].b) {
			int64_t t = recent[i].a;
			recent[i].a = recent[i].b;
			recent[i].b = t;
		}
	if (nrecent)
		qsort(recent, nrecent, sizeof(*recent), pair_cmp);
	struct state s = {p, recent, nrecent};
	size_t *order = malloc(n * sizeof(*order));
	size_t(*pairs)[2] = malloc((n / 2 + 1) * sizeof(*pairs));
	size_t *left = malloc(n * sizeof(*left));
	if (!order || !pairs || !left) {
		free(order);
		free(pairs);
		free(left);
		return -1;
	}
	uint64_t x = seed ? seed : 0x9e3779b97f4a7c15ULL;
	for (size_t i = 0; i < n; i++)
		order[i] = i;
	for (size_t i = n - 1; i > 0; i--) {
		size_t j = (size_t)(rnd(&x) % (i + 1));
		size_t t = order[i];
		order[i] = order[j];
		order[j] = t;
	}
	/* Greedy over the shuffled order: each takes the first unmatched one
	 * after them who fits, else the best allowed. */
	size_t np = 0, nl = 0;
	for (size_t a = 0; a < n; a++) {
		size_t i = order[a];
		if (group[i] != -1)
			continue;
		size_t best = n;
		int bc = BARRED;
		for (size_t b = a + 1; b < n && bc != FIT; b++) {
			size_t j = order[b];
			if (group[j] != -1)
				continue;
			int c = cost(&s, i, j);
			if (c < bc) {
				bc = c;
				best = j;
			}
		}
		if (best == n) {
			group[i] = -2; /* set aside */
			left[nl++] = i;
			continue;
		}
		group[i] = group[best] = (int)np;
		pairs[np][0] = i;
		pairs[np][1] = best;
		np++;
	}
	/* Repair: a same-team pair swaps partners with another pair when both
	 * new pairs cost less together. */
	for (size_t g = 0; g < np; g++) {
		size_t i = pairs[g][0], j = pairs[g][1];
		if (cost(&s, i, j) == FIT)
			continue;
		for (size_t h = 0; h < np; h++) {
			if (h == g)
				continue;
			size_t k = pairs[h][0], l = pairs[h][1];
			int before = cost(&s, i, j) + cost(&s, k, l);
			if (cost(&s, i, k) + cost(&s, j, l) < before) {
				pairs[g][1] = k;
				pairs[h][0] = j;
			} else if (cost(&s, i, l) + cost(&s, j, k) < before) {
				pairs[g][1] = l;
				pairs[h][1] = j;
			} else {
				continue;
			}
			group[pairs[g][1]] = (int)g;
			group[pairs[h][0]] = group[pairs[h][1]] = (int)h;
			break;
		}
	}
	/* Those set aside: two of them take the places of one pair's two
	 * (u with a, v with b) when all of it is allowed. */
	for (size_t a = 0; a < nl; a++) {
		size_t u = left[a];
		if (group[u] != -2)
			continue;
		for (size_t b = a + 1; b < nl && group[u] == -2; b++) {
			size_t v = left[b];
			if (group[v] != -2)
				continue;
			if (cost(&s, u, v) < BARRED) {
				group[u] = group[v] = (int)np;
				pairs[np][0] = u;
				pairs[np][1] = v;
				np++;
				break;
			}
			for (size_t g = 0; g < np; g++) {
				size_t k = pairs[g][0], l = pairs[g][1];
				if (cost(&s, u, k) < BARRED && cost(&s, v, l) < BARRED) {
					pairs[g][1] = u;
					pairs[np][0] = v;
					pairs[np][1] = l;
				} else if (cost(&s, u, l) < BARRED && cost(&s, v, k) < BARRED) {
					pairs[g][0] = u;
					pairs[np][0] = v;
					pairs[np][1] = k;
				} else {
					continue;
				}
				group[pairs[g][0]] = group[pairs[g][1]] = (int)g;
				group[pairs[np][0]] = group[pairs[np][1]] = (int)np;
				np++;
				break;
			}
		}
	}
	/* One left over: a trio with the pair it fits best, never with
	 * someone it met lately. A second one left over stays unmatched (and
	 * due) rather than make a group of four. */
	int trio = 0;
	for (size_t a = 0; a < nl; a++) {
		size_t u = left[a];
		if (group[u] != -2)
			continue;
		group[u] = -1;
		if (trio)
			continue;
		size_t best = np;
		int bc = BARRED;
		for (size_t g = 0; g < np && bc > FIT; g++) {
			int c1 = cost(&s, u, pairs[g][0]), c2 = cost(&s, u, pairs[g][1]);
			if (c1 < BARRED && c2 < BARRED && c1 + c2 < bc) {
				bc = c1 + c2;
				best = g;
			}
		}
		if (best < np) {
			group[u] = (int)best;
			trio = 1;
		}
	}
	free(order);
	free(pairs);
	free(left);
	return (long)np;
}
