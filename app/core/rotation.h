/* rotation: the fair schedule of a help-session rotation (issue 17). Pure:
 * no database, no clock; store/rotations.c turns a plan into sessions.
 *
 * Each week every weekday of the rotation gets one lead, each lead at most
 * once a week; while there are at least as many leads (not away) as
 * weekdays every weekday is covered, and with fewer the plan says which
 * days stay uncovered (-1), moving the gap around the weekdays from week
 * to week. The leads of a week are the ones with the fewest sessions so
 * far (then the longest since they last led, then list order), so without
 * absences the loads differ by at most one; a lead away for a week is
 * skipped and the next in that order fills the gap. Leads are placed on
 * the weekday they have led least, so each one's sessions spread over the
 * weekdays. */
#ifndef TANDEM_ROTATION_H
#define TANDEM_ROTATION_H

#define ROT_MAX_LEADS 24
#define ROT_MAX_WEEKS 26
#define ROT_MAX_DAYS 7

struct rot_plan {
	int weeks, ndays, nleads;
	int lead[ROT_MAX_WEEKS][ROT_MAX_DAYS]; /* lead index for (week, day slot), -1 uncovered */
	int load[ROT_MAX_LEADS];	       /* sessions planned per lead */
	int uncovered;			       /* day slots without a lead */
};

/* Plan weeks (1..ROT_MAX_WEEKS) of ndays day slots (1..7) for nleads leads
 * (1..ROT_MAX_LEADS). away[w][l] nonzero: lead l is away in week w (away
 * may be NULL). 0, or -1 when a count is out of range (out untouched). */
int rotation_plan(int nleads, int ndays, int weeks, const unsigned char (*away)[ROT_MAX_LEADS],
		  struct rot_plan *out);

/* Who fills a gap: among nleads leads, the one not busy[l] (leading that
 * week already or away) with the smallest load[l] (then lowest index);
 * -1 when nobody is free. */
int rotation_fill(int nleads, const int *load, const unsigned char *busy);

#endif
