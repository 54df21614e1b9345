#include "core/insight.h"

#include <stdio.h>
#include <string.h>

static const char *const fig_names[IF_N] = {
	"members",
	"people",
	"mentors",
	"mentees",
	"requests_sent",
	"requests_answered",
	"answered_1h",
	"answered_4h",
	"answered_12h",
	"answered_1d",
	"answered_2d",
	"answered_4d",
	"answered_7d",
	"answered_later",
	"mentorships_started",
	"sessions_one_on_one",
	"sessions_pairing",
	"sessions_office_hours",
	"sessions_help_session",
	"sessions_ring",
	"sessions_other",
	"minutes",
	"completed_goal_met",
	"completed_partly",
	"completed_not_met",
	"ended_early",
	"survey_invited",
	"survey_answered",
};

const char *ins_fig_name(enum ins_fig f)
{
	return f < IF_N ? fig_names[f] : "";
}

int64_t ins_sessions(const struct ins_cell *c)
{
	int64_t n = 0;
	for (int f = IF_S_ONE_ON_ONE; f <= IF_S_OTHER; f++)
		n += c->v[f];
	return n;
}

int64_t ins_ended(const struct ins_cell *c)
{
	return c->v[IF_DONE_MET] + c->v[IF_DONE_PARTLY] + c->v[IF_DONE_NOT_MET] + c->v[IF_ENDED_EARLY];
}

static const char *const bd_names[BD_N] = {
	"sessions_one_on_one", "sessions_pairing", "sessions_office_hours", "sessions_help_session",
	"sessions_ring",       "sessions_other",   "completed_goal_met",    "completed_partly",
	"completed_not_met",   "ended_early",	   "answered_1d",	    "answered_7d",
	"answered_later",      "survey_answered",  "survey_not_answered",
};

const char *ins_bd_name(enum ins_bd b)
{
	return b < BD_N ? bd_names[b] : "";
}

void ins_breakdown(const struct ins_cell *c, int64_t out[BD_N])
{
	for (int f = IF_S_ONE_ON_ONE; f <= IF_S_OTHER; f++)
		out[BD_ONE_ON_ONE + (f - IF_S_ONE_ON_ONE)] = c->v[f];
	out[BD_MET] = c->v[IF_DONE_MET];
	out[BD_PARTLY] = c->v[IF_DONE_PARTLY];
	out[BD_NOT_MET] = c->v[IF_DONE_NOT_MET];
	out[BD_EARLY] = c->v[IF_ENDED_EARLY];
	out[BD_A_1D] = c->v[IF_A0] + c->v[IF_A1] + c->v[IF_A2] + c->v[IF_A3];
	out[BD_A_7D] = c->v[IF_A4] + c->v[IF_A5] + c->v[IF_A6];
	out[BD_A_LATER] = c->v[IF_A7];
	out[BD_SV_ANSWERED] = c->v[IF_SV_ANSWERED];
	out[BD_SV_NOT] = c->v[IF_SV_INVITED] - c->v[IF_SV_ANSWERED];
	for (int b = 0; b < BD_N; b++)
		if (out[b] < 0) /* a count taken back after the fact */
			out[b] = 0;
}

void ins_small(int k, const int64_t *v, size_t n, unsigned char *hid)
{
	for (size_t i = 0; i < n; i++)
		hid[i] = v[i] > 0 && v[i] < k;
	for (;;) {
		int64_t sum = 0;
		size_t nh = 0;
		for (size_t i = 0; i < n; i++)
			if (hid[i]) {
				sum += v[i];
				nh++;
			}
		if (!((sum > 0 && sum < k) || nh == 1))
			return;
		size_t best = n;
		for (size_t i = 0; i < n; i++) {
			if (hid[i])
				continue;
			if (best == n || (v[i] > 0 && (v[best] <= 0 || v[i] < v[best])))
				best = i;
		}
		if (best == n) /* all hidden */
			return;
		hid[best] = 1;
	}
}

static int small(int k, int64_t v)
{
	return v > 0 && v < k;
}

/* The figures of group g: [lo, hi] of enum ins_fig. */
static const struct {
	enum ins_fig lo, hi;
} group_figs[IG_N] = {
	[IG_REQUESTS] = {IF_REQ_SENT, IF_A7},		[IG_STARTED] = {IF_MS_STARTED, IF_MS_STARTED},
	[IG_SESSIONS] = {IF_S_ONE_ON_ONE, IF_MINUTES},	[IG_ENDED] = {IF_DONE_MET, IF_ENDED_EARLY},
	[IG_INVITED] = {IF_SV_INVITED, IF_SV_ANSWERED},
};

void ins_group_clear(struct ins_cell *c, enum ins_group g)
{
	for (int f = (int)group_figs[g].lo; f <= (int)group_figs[g].hi; f++)
		c->v[f] = 0;
}

void ins_activity_protect(int k, struct ins_cell *c, unsigned char hid[IG_N])
{
	const int64_t *v = c->v;
	hid[IG_REQUESTS] = small(k, v[IF_REQ_SENT]) || small(k, v[IF_REQ_ANSWERED]) ||
			   small(k, v[IF_REQ_SENT] - v[IF_REQ_ANSWERED]);
	hid[IG_STARTED] = small(k, v[IF_MS_STARTED]);
	hid[IG_SESSIONS] = small(k, ins_sessions(c));
	hid[IG_ENDED] = small(k, ins_ended(c));
	hid[IG_INVITED] = small(k, v[IF_SV_INVITED]);
	for (int g = 0; g < IG_N; g++)
		if (hid[g])
			for (int f = (int)group_figs[g].lo; f <= (int)group_figs[g].hi; f++)
				c->v[f] = 0;
}

void ins_breakdown_protect(int k, const int64_t v[BD_N], unsigned char hid[BD_N])
{
	ins_small(k, v + BD_ONE_ON_ONE, 6, hid + BD_ONE_ON_ONE);
	ins_small(k, v + BD_MET, 4, hid + BD_MET);
	ins_small(k, v + BD_A_1D, 3, hid + BD_A_1D);
	ins_small(k, v + BD_SV_ANSWERED, 2, hid + BD_SV_ANSWERED);
}

/* The six figures that count people. */
#define NPEOPLE 6
static void people_figs(const struct ins_cell *c, int64_t out[NPEOPLE])
{
	out[0] = c->v[IF_MEMBERS];
	out[1] = c->v[IF_PEOPLE];
	out[2] = c->v[IF_MENTORS];
	out[3] = c->v[IF_MENTEES];
	out[4] = c->v[IF_MEMBERS] - c->v[IF_PEOPLE];
	if (out[4] < 0) /* people counted in a team they have since left */
		out[4] = 0;
	out[5] = c->v[IF_MENTORS] + c->v[IF_MENTEES] - c->v[IF_PEOPLE];
}

void ins_protect(int k, size_t nteams, const struct ins_cell *cells, const struct ins_cell *total,
		 unsigned char *hid, unsigned char *total_hid)
{
	int64_t t[NPEOPLE];
	people_figs(total, t);
	for (int i = 0; i < NPEOPLE; i++)
		if (t[i] > 0 && t[i] < k)
			*total_hid = 1;
	for (size_t g = 0; g < nteams; g++) {
		int64_t f[NPEOPLE];
		people_figs(&cells[g], f);
		hid[g] |= *total_hid;
		for (int i = 0; i < NPEOPLE; i++) {
			int zero_ok = i == NPEOPLE - 1; /* nobody in both roles tells nothing */
			if (f[i] < k && !(zero_ok && f[i] <= 0))
				hid[g] = 1;
		}
	}
	if (*total_hid)
		return;
	for (;;) {
		int64_t sum[NPEOPLE] = {0};
		for (size_t g = 0; g < nteams; g++) {
			if (!hid[g])
				continue;
			int64_t f[NPEOPLE];
			people_figs(&cells[g], f);
			for (int i = 0; i < NPEOPLE; i++)
				sum[i] += f[i];
		}
		int small = 0;
		for (int i = 0; i < NPEOPLE; i++)
			small |= sum[i] > 0 && sum[i] < k;
		if (!small)
			return;
		size_t best = nteams;
		for (size_t g = 0; g < nteams; g++)
			if (!hid[g] && (best == nteams || cells[g].v[IF_PEOPLE] < cells[best].v[IF_PEOPLE] ||
					(cells[g].v[IF_PEOPLE] == cells[best].v[IF_PEOPLE] &&
					 cells[g].v[IF_MEMBERS] < cells[best].v[IF_MEMBERS])))
				best = g;
		if (best == nteams) /* every team hidden: their sum is the program's, 0 or >= k */
			return;
		hid[best] = 1;
	}
}

/* Days from civil (Howard Hinnant's algorithm). */
static long days_from_civil(long y, unsigned m, unsigned d)
{
	y -= m <= 2;
	long era = (y >= 0 ? y : y - 399) / 400;
	unsigned yoe = (unsigned)(y - era * 400);
	unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (long)doe - 719468;
}

long ins_day(const char *s)
{
	if (!s || strlen(s) < 10 || s[4] != '-' || s[7] != '-')
		return -1;
	for (int i = 0; i < 10; i++)
		if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
			return -1;
	long y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
	unsigned m = (unsigned)((s[5] - '0') * 10 + (s[6] - '0')),
		 d = (unsigned)((s[8] - '0') * 10 + (s[9] - '0'));
	static const unsigned mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	if (m < 1 || m > 12 || d < 1 || d > mdays[m - 1])
		return -1;
	if (m == 2 && d == 29 && !((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return -1;
	return days_from_civil(y, m, d);
}

void ins_ymd(long z, char out[11])
{
	z += 719468;
	long era = (z >= 0 ? z : z - 146096) / 146097;
	unsigned doe = (unsigned)(z - era * 146097);
	unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	long y = (long)yoe + era * 400;
	unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	unsigned mp = (5 * doy + 2) / 153;
	unsigned d = doy - (153 * mp + 2) / 5 + 1;
	unsigned m = mp < 10 ? mp + 3 : mp - 9;
	y += m <= 2;
	if (y < 0)
		y = 0;
	snprintf(out, 11, "%04u-%02u-%02u", (unsigned)(y % 10000), m % 100, d % 100);
}

long ins_monday(long d)
{
	/* 1970-01-01 was a Thursday: day 0 is weekday 3 counted from Monday. */
	long wd = ((d % 7) + 7 + 3) % 7;
	return d - wd;
}

size_t ins_periods(int weekly, const char *from, const char *to, char (*out)[11], size_t max)
{
	size_t n = 0;
	if (weekly) {
		long a = ins_day(from), b = ins_day(to);
		if (a < 0 || b < 0)
			return 0;
		for (long d = ins_monday(a); d <= b && n < max; d += 7)
			ins_ymd(d, out[n++]);
		return n;
	}
	if (!from || !to || strlen(from) < 7 || strlen(to) < 7)
		return 0;
	int y = 0, m = 0, ye = 0, me = 0;
	if (sscanf(from, "%4d-%2d", &y, &m) != 2 || sscanf(to, "%4d-%2d", &ye, &me) != 2)
		return 0;
	while ((y < ye || (y == ye && m <= me)) && n < max) {
		snprintf(out[n++], 11, "%04d-%02d", y % 10000, m % 100);
		if (++m > 12) {
			m = 1;
			y++;
		}
	}
	return n;
}
