#include "view/svgchart.h"

#include <math.h>
#include <stdio.h>

#include "view/escape.h"

#define LEFT 48
#define RIGHT 12
#define TOP 16
#define BOTTOM 36

static const char *const colours[] = {"#1f5f8b", "#c05a1a", "#2e7d32", "#6a3d9a", "#8a6d00", "#b0245a"};

double svg_axis_top(double max)
{
	if (!(max > 1))
		return 1;
	double p = pow(10, floor(log10(max)));
	for (;;) {
		if (p >= max)
			return p;
		if (2 * p >= max)
			return 2 * p;
		if (5 * p >= max)
			return 5 * p;
		p *= 10;
	}
}

static double x_at(const struct svg_chart *c, size_t i)
{
	double w = SVG_W - LEFT - RIGHT;
	if (c->kind == SVG_BAR)
		return LEFT + w * ((double)i + 0.5) / (double)c->n;
	return c->n > 1 ? LEFT + w * (double)i / (double)(c->n - 1) : LEFT + w / 2;
}

static double y_at(double v, double top)
{
	double h = SVG_H - TOP - BOTTOM;
	return TOP + h - h * v / top;
}

static void axis_label(struct buf *out, double v, int percent)
{
	if (percent && v * 100 != floor(v * 100))
		buf_printf(out, "%.1f %%", v * 100);
	else if (percent)
		buf_printf(out, "%.0f %%", v * 100);
	else if (v == floor(v))
		buf_printf(out, "%.0f", v);
	else
		buf_printf(out, "%.1f", v);
}

void svg_chart(struct buf *out, const struct svg_chart *c)
{
	double max = 0;
	size_t ns = c->kind == SVG_BAR && c->nseries > 1 ? 1 : c->nseries;
	for (size_t s = 0; s < ns; s++)
		for (size_t i = 0; i < c->n; i++)
			if (!isnan(c->series[s].y[i]) && c->series[s].y[i] > max)
				max = c->series[s].y[i];
	/* A rate of a few percent gets an axis of a few percent (up to 100 %). */
	double top = c->percent ? svg_axis_top(max * 100) / 100 : svg_axis_top(max);
	if (c->percent && top > 1 && max <= 1)
		top = 1;
	buf_puts(out, "<svg class=\"chart\" role=\"img\" viewBox=\"0 0 ");
	buf_printf(out, "%d %d", SVG_W, SVG_H);
	buf_puts(out, "\" aria-labelledby=\"");
	html_escape(out, c->id);
	buf_puts(out, "-t ");
	html_escape(out, c->id);
	buf_puts(out, "-d\"><title id=\"");
	html_escape(out, c->id);
	buf_puts(out, "-t\">");
	html_escape(out, c->title);
	buf_puts(out, "</title><desc id=\"");
	html_escape(out, c->id);
	buf_puts(out, "-d\">");
	html_escape(out, c->desc);
	buf_puts(out, "</desc>");
	/* Grid and value axis: 0, half, top. */
	for (int g = 0; g <= 2; g++) {
		double v = top * g / 2, y = y_at(v, top);
		buf_printf(
			out,
			"<line class=\"grid\" x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"#ccc\"/>",
			LEFT, SVG_W - RIGHT, y, y);
		buf_printf(out,
			   "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\" font-size=\"11\" fill=\"#333\">",
			   LEFT - 4, y + 4);
		axis_label(out, v, c->percent);
		buf_puts(out, "</text>");
	}
	/* Period labels: the first, the middle and the last. */
	size_t at[3] = {0, c->n / 2, c->n ? c->n - 1 : 0};
	for (int i = 0; i < 3 && c->n; i++) {
		if ((i == 1 && (at[1] == 0 || at[1] == at[2])) || (i == 2 && at[2] == 0))
			continue;
		buf_printf(out,
			   "<text x=\"%.1f\" y=\"%d\" text-anchor=\"%s\" font-size=\"11\" fill=\"#333\">",
			   x_at(c, at[i]), SVG_H - BOTTOM + 16,
			   i == 0   ? "start"
			   : i == 1 ? "middle"
				    : "end");
		html_escape(out, c->x[at[i]]);
		buf_puts(out, "</text>");
	}
	if (c->kind == SVG_BAR && ns) {
		double bw = (SVG_W - LEFT - RIGHT) / (double)(c->n ? c->n : 1) * 0.8;
		for (size_t i = 0; i < c->n; i++) {
			double v = c->series[0].y[i];
			if (isnan(v))
				continue;
			double y = y_at(v, top);
			buf_printf(out,
				   "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\"/>",
				   x_at(c, i) - bw / 2, y, bw, y_at(0, top) - y, colours[0]);
		}
	} else {
		for (size_t s = 0; s < ns; s++) {
			int open = 0;
			for (size_t i = 0; i < c->n; i++) {
				double v = c->series[s].y[i];
				if (isnan(v)) {
					if (open)
						buf_puts(out, "\"/>");
					open = 0;
					continue;
				}
				if (!open)
					buf_printf(
						out,
						"<polyline class=\"series\" fill=\"none\" stroke-width=\"2\" "
						"stroke=\"%s\" points=\"",
						colours[s % 6]);
				buf_printf(out, "%s%.1f,%.1f", open ? " " : "", x_at(c, i), y_at(v, top));
				open = 1;
			}
			if (open)
				buf_puts(out, "\"/>");
		}
	}
	for (size_t m = 0; m < c->nmarks; m++) {
		if (c->marks[m].at >= c->n)
			continue;
		double x = x_at(c, c->marks[m].at);
		buf_printf(out,
			   "<g class=\"mark\"><line x1=\"%.1f\" x2=\"%.1f\" y1=\"%d\" y2=\"%d\" "
			   "stroke=\"#b00020\" "
			   "stroke-dasharray=\"4 3\"/><text x=\"%.1f\" y=\"%d\" font-size=\"11\" "
			   "fill=\"#8a0018\">",
			   x, x, TOP, SVG_H - BOTTOM, x + 3, TOP + 10);
		html_escape(out, c->marks[m].label);
		buf_puts(out, "</text></g>");
	}
	/* The legend, for more than one line. */
	for (size_t s = 0; ns > 1 && s < ns; s++) {
		double x = LEFT + 130.0 * (double)s;
		buf_printf(out, "<rect x=\"%.1f\" y=\"%d\" width=\"10\" height=\"10\" fill=\"%s\"/>", x,
			   SVG_H - 14, colours[s % 6]);
		buf_printf(out, "<text x=\"%.1f\" y=\"%d\" font-size=\"11\" fill=\"#333\">", x + 14,
			   SVG_H - 5);
		html_escape(out, c->series[s].name);
		buf_puts(out, "</text>");
	}
	buf_puts(out, "</svg>");
}
