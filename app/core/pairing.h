/* pairing: who meets whom in a random pairing round (issue 18), as a pure
 * function of plain values, so tests/unit/test_coffee.c checks the rules
 * without a database: everyone given is matched (a trio when the count is
 * odd), across teams where anyone of the pair asked for it and it is
 * possible, and never a pair that met in the recent rounds given. */
#ifndef TANDEM_PAIRING_H
#define TANDEM_PAIRING_H
#include <stddef.h>
#include <stdint.h>

struct pairing_person {
	int64_t id;
	int team;   /* any number naming the team; equal numbers, one team */
	int across; /* 1: prefers people outside their team */
};

/* A pair that must not meet again (a < b or not: order does not matter). */
struct pairing_pair {
	int64_t a, b;
};

/* Match p[0..n) into groups of two, and one group of three when n is odd
 * (n == 1: nobody is matched). group[i] gets the group number of p[i]
 * (0 .. return value - 1), or -1 when nobody allowed was left for them
 * (they stay due for the next round). recent[0..nrecent) is sorted in
 * place (the caller's array). seed makes the shuffle repeatable. A recent
 * pair is never matched, not even inside a trio; among the pairs allowed,
 * different teams come first for anyone who asked for them.
 * Returns the number of groups, or -1 when memory runs out. O(n^2) at
 * worst, a few ms for thousands of people. */
long pairing_match(const struct pairing_person *p, size_t n, struct pairing_pair *recent, size_t nrecent,
		   uint64_t seed, int *group);

#endif
