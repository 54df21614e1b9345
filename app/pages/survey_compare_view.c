#include "pages/survey_compare_view.h"

#include <stdio.h>
#include <string.h>

#include "view/escape.h"

static void cell(struct buf *out, int v, int hidden)
{
	if (hidden)
		buf_puts(out, "<td class=\"hidden\">hidden</td>");
	else
		buf_printf(out, "<td>%d</td>", v < 0 ? 0 : v);
}

/* One survey's side of a line: answered, then each answer's count, or
 * hidden where that survey's report hides it. */
static void side(struct buf *out, const struct report_question *q, const struct report_row *row)
{
	cell(out, row->n, !q->shown);
	buf_puts(out, "<td>");
	for (int b = 0; b < q->nb; b++) {
		buf_puts(out, b ? ", " : "");
		html_escape(out, q->labels[b]);
		buf_puts(out, ": ");
		if (!q->shown || row->hid[b])
			buf_puts(out, "hidden");
		else
			buf_printf(out, "%d", row->count[b] < 0 ? 0 : row->count[b]);
	}
	buf_puts(out, "</td>");
	if (q->shown && row->has_mean)
		buf_printf(out, "<td>%.2f</td>", row->mean);
	else
		buf_puts(out, "<td></td>");
}

static void line(struct buf *out, const struct compare_question *cq, const struct compare_row *r)
{
	buf_puts(out, "<tr><th scope=\"row\">");
	if (strcmp(r->dimension, "all") == 0) {
		buf_puts(out, "Everyone");
	} else {
		html_escape(out, r->dimension);
		buf_puts(out, ": ");
		if (r->withheld)
			buf_puts(out, "not compared (not shown by one survey or both)");
		else if (r->rest)
			buf_puts(out, "groups not shown in both, together");
		else
			html_escape(out, r->group);
	}
	buf_puts(out, "</th>");
	if (r->withheld) {
		buf_puts(out, "<td colspan=\"6\"></td></tr>");
		return;
	}
	if (r->rest) {
		buf_printf(out, "<td>%d</td><td></td><td></td><td>%d</td><td></td><td></td></tr>",
			   r->rest_base, r->rest_follow);
		return;
	}
	side(out, cq->base, r->base);
	side(out, cq->follow, r->follow);
	buf_puts(out, "</tr>");
}

/* The section; its heading at level h (2 or 3) with the id hid. */
static void section(struct buf *out, const struct compare *cmp, const char *followup_title, int h,
		    const char *hid)
{
	buf_printf(out, "<section class=\"card survey-compare\" aria-labelledby=\"%s\"><h%d id=\"%s\">", hid,
		   h, hid);
	buf_puts(out, "Before and after: ");
	html_escape(out, cmp->baseline_title);
	buf_puts(out, " → ");
	html_escape(out, followup_title);
	buf_printf(out, "</h%d>", h);
	if (cmp->nq == 0)
		buf_puts(out,
			 "<p class=\"hint\">The two surveys share no question (the same text and kind).</p>");
	for (int i = 0; i < cmp->nq; i++) {
		const struct compare_question *cq = &cmp->q[i];
		buf_puts(out, "<div class=\"table-wrap\"><table><caption>");
		html_escape(out, cq->follow->prompt);
		buf_puts(out, "</caption><thead><tr><th scope=\"col\" rowspan=\"2\">Group</th>"
			      "<th scope=\"colgroup\" colspan=\"3\">Baseline</th>"
			      "<th scope=\"colgroup\" colspan=\"3\">Follow-up</th></tr><tr>"
			      "<th scope=\"col\">Answers</th><th scope=\"col\">Distribution</th><th "
			      "scope=\"col\">Mean</th>"
			      "<th scope=\"col\">Answers</th><th scope=\"col\">Distribution</th><th "
			      "scope=\"col\">Mean</th>"
			      "</tr></thead><tbody>");
		for (int j = 0; j < cq->nrows; j++)
			line(out, cq, &cq->rows[j]);
		buf_puts(out, "</tbody></table></div>");
	}
	buf_puts(out, "</section>");
}

void compare_html(struct buf *out, const struct compare *cmp, const char *followup_title)
{
	section(out, cmp, followup_title, 2, "compare-h");
}

void compare_program_html(struct buf *out, const struct compare *cmp, int64_t followup,
			  const char *followup_title)
{
	char hid[40];
	snprintf(hid, sizeof(hid), "cmp-%lld", (long long)followup);
	section(out, cmp, followup_title, 3, hid);
}
