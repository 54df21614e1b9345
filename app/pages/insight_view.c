#include "pages/insight_view.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "view/escape.h"
#include "view/svgchart.h"

void iv_span_start(const char *to, int weekly, char out[11])
{
	if (weekly) {
		ins_ymd(ins_monday(ins_day(to)) - 7L * (IV_SPAN_WEEKS - 1), out);
		return;
	}
	int y = 0, m = 0;
	if (sscanf(to, "%4d-%2d", &y, &m) != 2)
		y = 1970, m = 1;
	long mi = (long)y * 12 + (m - 1) - (IV_SPAN_MONTHS - 1);
	if (mi < 0)
		mi = 0;
	snprintf(out, 11, "%04ld-%02ld-01", mi / 12 % 10000, mi % 12 + 1);
}

void iv_clip(char *s, size_t n, size_t max)
{
	size_t chars = 0, i = 0;
	for (; s[i]; i++)
		if (((unsigned char)s[i] & 0xC0) != 0x80 && chars++ == max)
			break;
	if (!s[i])
		return;
	if (i + sizeof("\u2026") <= n)
		memcpy(s + i, "\u2026", sizeof("\u2026"));
	else
		s[i] = 0;
}

size_t iv_events_in(struct insight_event *ev, size_t nev, const char *from, const char *to, size_t *left)
{
	size_t n = 0;
	for (size_t i = 0; i < nev; i++)
		if (strcmp(ev[i].on, from) >= 0 && strcmp(ev[i].on, to) <= 0)
			ev[n++] = ev[i];
	*left = n > IV_EVENTS_SHOWN ? n - IV_EVENTS_SHOWN : 0;
	if (*left)
		memmove(ev, ev + *left, IV_EVENTS_SHOWN * sizeof(*ev));
	return n - *left;
}

const struct ins_cell *iv_cell(const struct insight_series *s, size_t p, int t, int *hidden)
{
	if (t < 0) {
		*hidden = s->total_hid[p];
		return &s->total[p];
	}
	*hidden = s->hid[p * s->nt + (size_t)t];
	return &s->cell[p * s->nt + (size_t)t];
}

/* One table cell: a count, a percentage, or "hidden". */
static void td_int(struct buf *out, int hid, int64_t v)
{
	if (hid)
		buf_puts(out, "<td class=\"hidden\">hidden</td>");
	else
		buf_printf(out, "<td>%lld</td>", (long long)v);
}

/* A count of people per week: v summed over `weeks` shown weeks. */
static void td_avg(struct buf *out, int hid, int64_t v, int weeks)
{
	if (hid)
		buf_puts(out, "<td class=\"hidden\">hidden</td>");
	else if (weeks <= 1 || v % weeks == 0)
		buf_printf(out, "<td>%lld</td>", (long long)(weeks > 1 ? v / weeks : v));
	else
		buf_printf(out, "<td>%.1f</td>", (double)v / (double)weeks);
}

static void td_pct(struct buf *out, int hid, int64_t x, int64_t n)
{
	if (hid)
		buf_puts(out, "<td class=\"hidden\">hidden</td>");
	else if (n <= 0)
		buf_puts(out, "<td>–</td>");
	else
		buf_printf(out, "<td>%.0f %%</td>", 100.0 * (double)x / (double)n);
}

int iv_weeks(const struct insight_series *s, size_t p, int t, int *left)
{
	if (t < 0) {
		*left = s->total_left[p];
		return s->total_weeks[p];
	}
	*left = s->left[p * s->nt + (size_t)t];
	return s->weeks[p * s->nt + (size_t)t];
}

int iv_hidden(const struct insight_series *s, size_t p, int t, enum ins_group g)
{
	int hid;
	iv_cell(s, p, t, &hid);
	if (hid)
		return 1;
	if (t < 0)
		return s->total_gweeks[p * IG_N + g] == 0;
	return s->gweeks[(p * s->nt + (size_t)t) * IG_N + g] == 0;
}

int iv_breakdown(const struct insight_series *s, int t)
{
	return t < 0 && !s->weekly;
}

static double frac(int64_t x, int64_t n)
{
	return n > 0 ? (double)x / (double)n : NAN;
}

enum chart {
	CH_PEOPLE,
	CH_RATE,
	CH_REQUESTS,
	CH_SESSIONS,
	CH_HOURS,
	CH_DONE,
	CH_SURVEY,
	NCHARTS,
};

static const struct {
	const char *id, *title, *desc;
	enum svg_kind kind;
	int percent;
} charts[NCHARTS] = {
	{"people", "People taking part", "People in a mentoring role (taking part, mentors and mentees)",
	 SVG_LINE, 0},
	{"rate", "Participation rate", "People taking part as a share of active members", SVG_LINE, 1},
	{"requests", "Requests sent", "Mentoring requests sent", SVG_BAR, 0},
	{"sessions", "Sessions", "Mentoring sessions of every kind", SVG_BAR, 0},
	{"hours", "Mentoring hours", "Hours of mentoring sessions", SVG_BAR, 0},
	{"done", "Mentorships completed", "Mentorships that ended, whatever the outcome", SVG_BAR, 0},
	{"survey", "Survey response rate", "Share of survey invitations answered, by when they were sent",
	 SVG_LINE, 1},
};

static void chart(struct buf *out, const struct insight_series *s, int t, enum chart ch,
		  const struct insight_event *ev, size_t nev, const char *const *x)
{
	size_t n = s->np;
	double *y = calloc(3 * (n ? n : 1), sizeof(double));
	struct svg_mark *marks = calloc(nev ? nev : 1, sizeof(*marks));
	if (!y || !marks) {
		free(y);
		free(marks);
		out->oom = 1;
		return;
	}
	size_t nseries = 1;
	for (size_t p = 0; p < n; p++) {
		int hid, left;
		const struct ins_cell *c = iv_cell(s, p, t, &hid);
		double wk = (double)iv_weeks(s, p, t, &left);
		const unsigned char *bh = &s->bd_hid[p * BD_N];
		double a = NAN, b = NAN, d = NAN;
		if (!hid) {
			switch (ch) {
			case CH_PEOPLE:
				a = (double)c->v[IF_PEOPLE] / wk;
				b = (double)c->v[IF_MENTORS] / wk;
				d = (double)c->v[IF_MENTEES] / wk;
				nseries = 3;
				break;
			case CH_RATE: a = frac(c->v[IF_PEOPLE], c->v[IF_MEMBERS]); break;
			case CH_REQUESTS:
				if (!iv_hidden(s, p, t, IG_REQUESTS))
					a = (double)c->v[IF_REQ_SENT];
				break;
			case CH_SESSIONS:
				if (!iv_hidden(s, p, t, IG_SESSIONS))
					a = (double)ins_sessions(c);
				break;
			case CH_HOURS:
				if (!iv_hidden(s, p, t, IG_SESSIONS))
					a = (double)c->v[IF_MINUTES] / 60.0;
				break;
			case CH_DONE:
				if (!iv_hidden(s, p, t, IG_ENDED))
					a = (double)ins_ended(c);
				break;
			case CH_SURVEY:
				if (iv_breakdown(s, t) && !bh[BD_SV_ANSWERED] &&
				    !iv_hidden(s, p, t, IG_INVITED))
					a = frac(c->v[IF_SV_ANSWERED], c->v[IF_SV_INVITED]);
				break;
			default: break;
			}
		} else if (ch == CH_PEOPLE) {
			nseries = 3;
		}
		y[p] = a;
		y[n + p] = b;
		y[2 * n + p] = d;
	}
	size_t nm = 0;
	for (size_t e = 0; e < nev; e++) {
		char key[11];
		if (s->weekly) {
			long d = ins_day(ev[e].on);
			if (d < 0)
				continue;
			ins_ymd(ins_monday(d), key);
		} else {
			memcpy(key, ev[e].on, 7);
			key[7] = 0;
		}
		for (size_t p = 0; p < n; p++)
			if (strcmp(s->period[p], key) == 0)
				marks[nm++] = (struct svg_mark){p, ev[e].title};
	}
	const char *unit = s->weekly ? "week" : "month";
	char desc[200];
	snprintf(desc, sizeof(desc), "%s, per %s from %s to %s", charts[ch].desc, unit, n ? s->period[0] : "",
		 n ? s->period[n - 1] : "");
	struct svg_series series[3] = {{ch == CH_PEOPLE ? "Taking part" : charts[ch].title, y},
				       {"Mentors", y + n},
				       {"Mentees", y + 2 * n}};
	char id[32];
	snprintf(id, sizeof(id), "c-%s", charts[ch].id);
	struct svg_chart c = {charts[ch].kind,	 id, charts[ch].title, desc, n, x, nseries, series, nm, marks,
			      charts[ch].percent};
	buf_printf(out, "<section class=\"card insight\" aria-labelledby=\"h-%s\"><h2 id=\"h-%s\">",
		   charts[ch].id, charts[ch].id);
	html_escape(out, charts[ch].title);
	buf_puts(out, "</h2>");
	svg_chart(out, &c);
	free(y);
	free(marks);
}

static void table_head(struct buf *out, const char *caption, const char *const *cols, size_t n)
{
	/* Scrolls (a long history): a region the keyboard can reach. */
	buf_puts(out, "<div class=\"table-wrap\" tabindex=\"0\" role=\"region\" aria-label=\"");
	html_escape(out, caption);
	buf_puts(out, "\"><table class=\"figures\"><caption>");
	html_escape(out, caption);
	buf_puts(out, "</caption><thead><tr><th scope=\"col\">Period</th>");
	for (size_t i = 0; i < n; i++) {
		buf_puts(out, "<th scope=\"col\">");
		html_escape(out, cols[i]);
		buf_puts(out, "</th>");
	}
	buf_puts(out, "</tr></thead><tbody>");
}

/* Breakdown b of period p (the program's months only), or "hidden". */
static void td_bd(struct buf *out, const struct insight_series *s, size_t p, const int64_t *v, enum ins_bd b)
{
	td_int(out, s->bd_hid[p * BD_N + b], v[b]);
}

static void table_rows(struct buf *out, const struct insight_series *s, int t, enum chart ch)
{
	int bd = iv_breakdown(s, t);
	for (size_t p = 0; p < s->np; p++) {
		int hid, left;
		const struct ins_cell *c = iv_cell(s, p, t, &hid);
		int wk = iv_weeks(s, p, t, &left);
		int64_t v[BD_N];
		ins_breakdown(c, v);
		buf_puts(out, "<tr><th scope=\"row\">");
		html_escape(out, s->period[p]);
		buf_puts(out, "</th>");
		switch (ch) {
		case CH_PEOPLE:
			td_avg(out, hid, c->v[IF_PEOPLE], wk);
			td_avg(out, hid, c->v[IF_MENTORS], wk);
			td_avg(out, hid, c->v[IF_MENTEES], wk);
			break;
		case CH_RATE:
			td_avg(out, hid, c->v[IF_MEMBERS], wk);
			td_avg(out, hid, c->v[IF_PEOPLE], wk);
			td_pct(out, hid, c->v[IF_PEOPLE], c->v[IF_MEMBERS]);
			buf_printf(out, "<td>%d</td>", left);
			break;
		case CH_REQUESTS:
			td_int(out, iv_hidden(s, p, t, IG_REQUESTS), c->v[IF_REQ_SENT]);
			td_pct(out, iv_hidden(s, p, t, IG_REQUESTS), c->v[IF_REQ_ANSWERED],
			       c->v[IF_REQ_SENT]);
			for (int b = BD_A_1D; bd && b <= BD_A_LATER; b++)
				td_bd(out, s, p, v, (enum ins_bd)b);
			break;
		case CH_SESSIONS:
			td_int(out, iv_hidden(s, p, t, IG_SESSIONS), ins_sessions(c));
			for (int b = BD_ONE_ON_ONE; bd && b <= BD_OTHER; b++)
				td_bd(out, s, p, v, (enum ins_bd)b);
			break;
		case CH_HOURS:
			if (iv_hidden(s, p, t, IG_SESSIONS))
				buf_puts(out, "<td class=\"hidden\">hidden</td>");
			else
				buf_printf(out, "<td>%.1f</td>", (double)c->v[IF_MINUTES] / 60.0);
			break;
		case CH_DONE:
			td_int(out, iv_hidden(s, p, t, IG_ENDED), ins_ended(c));
			for (int b = BD_MET; bd && b <= BD_EARLY; b++)
				td_bd(out, s, p, v, (enum ins_bd)b);
			break;
		case CH_SURVEY:
			td_int(out, iv_hidden(s, p, t, IG_INVITED), c->v[IF_SV_INVITED]);
			td_bd(out, s, p, v, BD_SV_ANSWERED);
			td_pct(out, iv_hidden(s, p, t, IG_INVITED) || s->bd_hid[p * BD_N + BD_SV_ANSWERED],
			       c->v[IF_SV_ANSWERED], c->v[IF_SV_INVITED]);
			break;
		default: break;
		}
		buf_puts(out, "</tr>");
	}
	buf_puts(out, "</tbody></table></div></section>");
}

void iv_sections(struct buf *out, const struct insight_series *s, int t, const struct insight_event *events,
		 size_t nev, enum iv_set set)
{
	const char **x = calloc(s->np ? s->np : 1, sizeof(*x));
	if (!x) {
		out->oom = 1;
		return;
	}
	for (size_t p = 0; p < s->np; p++)
		x[p] = s->period[p];
	int bd = iv_breakdown(s, t);
	static const char *const c_people[] = {"Taking part", "Mentors", "Mentees"};
	static const char *const c_rate[] = {"Active members", "Taking part", "Rate", "Left out"};
	static const char *const c_req[] = {"Sent", "Answered (in the period, of those sent)",
					    "Answered within a day", "Within 1 to 7 days",
					    "After 7 days or more"};
	static const char *const c_sess[] = {"All",	      "1:1",   "Pairing", "Office hours",
					     "Help sessions", "Rings", "Other"};
	static const char *const c_hours[] = {"Hours"};
	static const char *const c_done[] = {"Ended", "Goal met", "Partly met", "Not met", "Ended early"};
	static const char *const c_sv[] = {"Invited", "Answered", "Response rate"};
	/* Columns: the first n everywhere, all of them with the breakdowns. */
	static const struct {
		const char *const *cols;
		size_t n, all;
	} heads[NCHARTS] = {{c_people, 3, 3}, {c_rate, 4, 4}, {c_req, 2, 5}, {c_sess, 1, 7},
			    {c_hours, 1, 1},  {c_done, 1, 5}, {c_sv, 0, 3}};
	for (int ch = 0; ch < NCHARTS; ch++) {
		if (set == IV_HEADLINE && ch != CH_RATE && ch != CH_PEOPLE && ch != CH_SESSIONS &&
		    ch != CH_HOURS)
			continue;
		size_t ncols = bd ? heads[ch].all : heads[ch].n;
		if (!ncols) /* survey answers: the program's months only */
			continue;
		chart(out, s, t, (enum chart)ch, events, nev, x);
		char caption[200];
		snprintf(caption, sizeof(caption), "%s per %s (the figures of the chart%s)", charts[ch].title,
			 s->weekly ? "week" : "month",
			 !s->weekly && (ch == CH_PEOPLE || ch == CH_RATE)
				 ? "; people: the average week of the weeks shown"
				 : "");
		table_head(out, caption, heads[ch].cols, ncols);
		table_rows(out, s, t, (enum chart)ch);
	}
	free(x);
}
