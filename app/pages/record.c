/* /me/record and /me/record.csv: what I have given as a mentor, per
 * quarter and in total, from the kept insight_given rows (mine alone:
 * the signed-in person's id is the only key these pages read). */
#include <stdio.h>
#include <string.h>

#include "pages/celebrate.h"
#include "pages/ctx.h"
#include "pages/routes.h"
#include "store/insights.h"
#include "view/escape.h"
#include "view/export.h"

/* The columns, in order: new mentees, sessions of each kind, hours, goals met. */
enum { R_MENTEES, R_ONE, R_PAIR, R_OFFICE, R_HELP, R_RING, R_OTHER, R_MINUTES, R_GOALS, R_PARTLY, NR };
static const char *const col_names[NR] = {"Mentorships started", "1:1 sessions",  "Pairing sessions",
					  "Office hours",	 "Help sessions", "Ring sessions",
					  "Other sessions",	 "Hours",	  "Goals met",
					  "Goals partly met"};
static const char *const csv_names[NR] = {"mentorships_started",
					  "sessions_one_on_one",
					  "sessions_pairing",
					  "sessions_office_hours",
					  "sessions_help_session",
					  "sessions_ring",
					  "sessions_other",
					  "hours",
					  "goals_met",
					  "goals_partly_met"};

#define MAX_QUARTERS 200
struct record {
	size_t nq;
	char quarter[MAX_QUARTERS][16];
	int64_t v[MAX_QUARTERS][NR];
	int64_t total[NR];
};

static int column(const char *kind)
{
	static const struct {
		const char *kind;
		int col;
	} map[] = {{"mentee", R_MENTEES},      {"one_on_one", R_ONE},	 {"pairing", R_PAIR},
		   {"office_hours", R_OFFICE}, {"help_session", R_HELP}, {"ring", R_RING},
		   {"done_goal_met", R_GOALS}, {"done_partly", R_PARTLY}};
	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (strcmp(map[i].kind, kind) == 0)
			return map[i].col;
	if (strncmp(kind, "done_", 5) == 0)
		return -1; /* endings other than goals met or partly: not a thing given */
	return R_OTHER;
}

static void add(void *arg, const char *quarter, const char *kind, int64_t n, int64_t minutes)
{
	struct record *r = arg;
	if (!r->nq || strcmp(r->quarter[r->nq - 1], quarter) != 0) {
		if (r->nq == MAX_QUARTERS)
			return;
		str_copy(r->quarter[r->nq++], sizeof(r->quarter[0]), quarter);
	}
	int col = column(kind);
	if (col < 0)
		return;
	r->v[r->nq - 1][col] += n;
	r->total[col] += n;
	if (col >= R_ONE && col <= R_OTHER) {
		r->v[r->nq - 1][R_MINUTES] += minutes;
		r->total[R_MINUTES] += minutes;
	}
}

/* Mine alone: the page takes no query (no id of anyone else's to try). */
static int load(struct ctx *c, struct record *r, int64_t *people)
{
	struct fields f;
	if (fields_read(NULL, 0, &c->req->query, &f) != 0) {
		ctx_error(c, 400, "Your record takes no query: it is always your own.");
		return -1;
	}
	memset(r, 0, sizeof(*r));
	enum db_rc rc = insight_given(c->db, c->user.id, add, r, people);
	if (rc != DB_OK) {
		ctx_store_error(c, rc);
		return -1;
	}
	return 0;
}

static void row(struct buf *out, const char *label, const int64_t *v)
{
	buf_puts(out, "<tr><th scope=\"row\">");
	html_escape(out, label);
	buf_puts(out, "</th>");
	for (int i = 0; i < NR; i++) {
		if (i == R_MINUTES)
			buf_printf(out, "<td>%.1f</td>", (double)v[i] / 60.0);
		else
			buf_printf(out, "<td>%lld</td>", (long long)v[i]);
	}
	buf_puts(out, "</tr>");
}

static struct record rec; /* large: one per process, used by one request at a time */

void page_record(struct ctx *c)
{
	int64_t people;
	if (load(c, &rec, &people) != 0)
		return;
	struct buf html = {0};
	buf_puts(&html,
		 "<div class=\"table-wrap\"><table class=\"record\"><caption>What I have given, per quarter"
		 "</caption><thead><tr><th scope=\"col\">Quarter</th>");
	for (int i = 0; i < NR; i++) {
		buf_puts(&html, "<th scope=\"col\">");
		html_escape(&html, col_names[i]);
		buf_puts(&html, "</th>");
	}
	buf_puts(&html, "</tr></thead><tbody>");
	for (size_t q = 0; q < rec.nq; q++)
		row(&html, rec.quarter[q], rec.v[q]);
	buf_puts(&html, "</tbody><tfoot>");
	row(&html, "In total", rec.total);
	buf_puts(&html, "</tfoot></table></div>");
	if (html.oom) {
		buf_free(&html);
		ctx_error(c, 500, "Tandem ran out of memory for this page. Try again.");
		return;
	}
	struct view *v = ctx_view(c);
	int64_t sessions = 0;
	for (int i = R_ONE; i <= R_OTHER; i++)
		sessions += rec.total[i];
	view_int(v, "people", people);
	view_int(v, "sessions", sessions);
	char hours[32];
	snprintf(hours, sizeof(hours), "%.1f", (double)rec.total[R_MINUTES] / 60.0);
	view_str(v, "hours", hours);
	view_int(v, "goals", rec.total[R_GOALS]);
	view_int(v, "quarters", (int64_t)rec.nq);
	if (celebrate_record(c, people) != 0) { /* issue 19: notes received, the card line */
		buf_free(&html);
		return;
	}
	ctx_render_slot(c, 200, "record", "My mentoring record", buf_str(&html));
	buf_free(&html);
}

static void csv_line(struct buf *out, const char *label, const int64_t *v)
{
	export_csv_cell(out, label, 0);
	for (int i = 0; i < NR; i++) {
		char b[32];
		if (i == R_MINUTES)
			snprintf(b, sizeof(b), "%.1f", (double)v[i] / 60.0);
		else
			snprintf(b, sizeof(b), "%lld", (long long)v[i]);
		export_csv_cell(out, b, i == NR - 1);
	}
}

void page_record_csv(struct ctx *c)
{
	int64_t people;
	if (load(c, &rec, &people) != 0)
		return;
	struct buf *out = &c->resp->body;
	buf_reset(out);
	export_csv_cell(out, "quarter", 0);
	for (int i = 0; i < NR; i++)
		export_csv_cell(out, csv_names[i], i == NR - 1);
	for (size_t q = 0; q < rec.nq; q++)
		csv_line(out, rec.quarter[q], rec.v[q]);
	csv_line(out, "total", rec.total);
	if (out->oom) {
		ctx_error(c, 500, "Tandem ran out of memory for this export. Try again.");
		return;
	}
	c->resp->status = 200;
	c->resp->content_type = "text/csv; charset=utf-8";
	resp_header(c->resp, "Content-Disposition", "attachment; filename=\"my-mentoring-record.csv\"");
}
