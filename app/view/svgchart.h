/* svgchart: line and bar charts as inline SVG, written on the server (no
 * JavaScript), each an image with a title and a description for screen
 * readers (role="img", aria-labelledby). The page puts the numbers in a
 * table below each chart. Every text is escaped here. Unit-tested
 * (tests/unit/test_svgchart.c). */
#ifndef TANDEM_SVGCHART_H
#define TANDEM_SVGCHART_H
#include <stddef.h>

#include "core/buf.h"

enum svg_kind { SVG_LINE, SVG_BAR };

/* One series: y[0..n) of the chart; a NAN is a figure not shown (hidden
 * or missing): a gap in the line, no bar. */
struct svg_series {
	const char *name;
	const double *y;
};

/* A program event: a vertical marker at x index `at`. */
struct svg_mark {
	size_t at;
	const char *label;
};

struct svg_chart {
	enum svg_kind kind;
	const char *id;	      /* unique on the page: [a-z0-9-] (ids of title and desc) */
	const char *title;    /* <title> */
	const char *desc;     /* <desc>: what it shows, in a sentence */
	size_t n;	      /* points */
	const char *const *x; /* n labels */
	size_t nseries;	      /* bars: the first series only */
	const struct svg_series *series;
	size_t nmarks;
	const struct svg_mark *marks;
	int percent; /* values are proportions: the axis reads in % (top 1, 2 or 5 × 10^n %, at most 100 %) */
};

/* The chart's width and height in SVG units (its viewBox). */
#define SVG_W 640
#define SVG_H 240

/* Append the chart to out as one <svg> element. Errors: out->oom. */
void svg_chart(struct buf *out, const struct svg_chart *c);

/* The top of the value axis for a largest value of max: 1, 2 or 5 times
 * a power of ten, at least max (and at least 1). */
double svg_axis_top(double max);

#endif
