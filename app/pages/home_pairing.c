#include "pages/home_pairing.h"

#include <stdio.h>

#include "core/week.h"
#include "store/activity.h"
#include "store/profiles.h"

void home_pairing_svg(const int *counts, int n, int goal, struct buf *out)
{
	int top = goal > 0 ? goal : 1;
	for (int i = 0; i < n; i++)
		if (counts[i] > top)
			top = counts[i];
	const int bw = 18, gap = 6, h = 60, w = n * (bw + gap);
	buf_printf(out,
		   "<svg class=\"chart\" role=\"img\" aria-labelledby=\"pairing-chart-title\" "
		   "viewBox=\"0 0 %d %d\" width=\"%d\" height=\"%d\"><title id=\"pairing-chart-title\">"
		   "Pairings in each of the last %d weeks, this week last",
		   w, h + 2, w, h + 2, n);
	if (goal > 0)
		buf_printf(out, "; the line is the intention of %d a week", goal);
	buf_puts(out, "</title>");
	for (int i = 0; i < n; i++) {
		int bh = counts[i] * h / top;
		if (counts[i] > 0 && bh < 2)
			bh = 2;
		buf_printf(out, "<rect class=\"bar%s\" x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\"></rect>",
			   goal > 0 && counts[i] >= goal ? " met" : "", i * (bw + gap), h - bh, bw, bh);
	}
	buf_printf(out, "<line class=\"base\" x1=\"0\" x2=\"%d\" y1=\"%d\" y2=\"%d\"></line>", w, h, h);
	if (goal > 0) {
		int y = h - goal * h / top;
		buf_printf(out, "<line class=\"goal\" x1=\"0\" x2=\"%d\" y1=\"%d\" y2=\"%d\"></line>", w, y,
			   y);
	}
	buf_puts(out, "</svg>");
}

void home_pairing(struct ctx *c, struct view *v)
{
	char tz[64];
	ctx_timezone(c, tz, sizeof(tz));
	int64_t monday = week_monday(week_today(c->now, tz));
	int64_t first = monday - 7 * (HOME_PAIRING_WEEKS - 1);
	int counts[HOME_PAIRING_WEEKS];
	activity_weeks_read(c->db, c->user.id, "pairing", first, HOME_PAIRING_WEEKS, counts);
	/* From the session lookup (sql/0040), else from the profile. */
	int goal =
		c->user.pairing_goal >= 0 ? c->user.pairing_goal : activity_pairing_goal(c->db, c->user.id);
	int week = counts[HOME_PAIRING_WEEKS - 1];
	char text[64];
	if (goal > 0)
		snprintf(text, sizeof(text), "%d of %d %s", week, goal, goal == 1 ? "pairing" : "pairings");
	else
		snprintf(text, sizeof(text), "%d %s", week, week == 1 ? "pairing" : "pairings");
	view_str(v, "pair_text", text);
	/* The text equivalent, newest week first, each row from a flat
	 * partial (no {for}: README "Rows rendered flat"); escaped values. */
	/* Written here like the chart above: a date made of digits and a
	 * count, no text from anyone; twelve renders of a template were a
	 * twentieth of the dashboard. */
	struct buf rows = {0};
	for (int i = HOME_PAIRING_WEEKS - 1; i >= 0; i--) {
		char day[16];
		week_ymd(first + 7 * i, day, sizeof(day));
		buf_printf(&rows, "<tr><td>%s</td><td>%d</td></tr>", day, counts[i]);
	}
	view_trusted_html(v, "pair_week_rows", buf_str(&rows));
	buf_free(&rows);
	struct buf svg = {0};
	home_pairing_svg(counts, HOME_PAIRING_WEEKS, goal, &svg);
	view_trusted_html(v, "pair_chart", buf_str(&svg));
	buf_free(&svg);
}
