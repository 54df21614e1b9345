/* /admin/insights (participation over time, by team, with program events
 * and their before/after comparisons), its CSV export, and
 * /admin/events. Every figure comes from the kept per-period counters
 * (store/insights.h) through one suppression rule (core/insight.h). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/stats.h"
#include "pages/ctx.h"
#include "pages/insight_cache.h"
#include "pages/insight_view.h"
#include "pages/routes.h"
#include "store/insights.h"
#include "view/escape.h"
#include "view/export.h"

#define MAX_EVENTS 100

static const char *const bys[] = {"week", "month", NULL};
enum { Q_TEAM, Q_FROM, Q_TO, Q_BY, Q_WINDOW, NQ };
static const struct field_spec query_fields[] = {
	[Q_TEAM] = {"team", "Team", FT_LINE, 0, 0, 60, NULL, 0},
	[Q_FROM] = {"from", "From", FT_DATE, 0, 0, 0, NULL, 0},
	[Q_TO] = {"to", "To", FT_DATE, 0, 0, 0, NULL, 0},
	[Q_BY] = {"by", "Per", FT_CHOICE, 0, 0, 0, bys, 0},
	[Q_WINDOW] = {"window", "Weeks each side", FT_INT, 0, 2, 26, NULL, 0},
};

enum { E_ON, E_TITLE, E_NOTE, NE };
static const struct field_spec event_fields[] = {
	[E_ON] = {"on", "Date", FT_DATE, 1, 0, 0, NULL, 0},
	[E_TITLE] = {"title", "Title", FT_LINE, 1, 1, 120, NULL, 0},
	[E_NOTE] = {"note", "Note", FT_TEXT, 0, 0, 1000, NULL, 0},
};

static void today(const struct ctx *c, char out[11])
{
	ins_ymd((long)(c->now / 86400), out);
}

/* The windows around week e of s (the program's figures): before is
 * [e - w, e), after [e, e + w), cut to the same length where the history
 * or the present ends, and skipping weeks too small to show. */
struct window {
	double *pb, *pa;       /* per week: sessions per active member */
	double *rb, *ra;       /* requests sent */
	double xb, nb, xa, na; /* people, members summed */
	size_t cb, ca;
};

static void measure(const struct insight_series *s, long e, long w, struct window *out)
{
	memset(out, 0, sizeof(*out));
	long avail_b = e < w ? e : w, avail_a = (long)s->np - e < w ? (long)s->np - e : w;
	long len = avail_b < avail_a ? avail_b : avail_a;
	size_t cap = len > 0 ? (size_t)len : 1;
	out->pb = calloc(cap, sizeof(double));
	out->pa = calloc(cap, sizeof(double));
	out->rb = calloc(cap, sizeof(double));
	out->ra = calloc(cap, sizeof(double));
	if (!out->pb || !out->pa || !out->rb || !out->ra)
		return;
	for (long i = 0; i < len; i++) {
		size_t b = (size_t)(e - len + i), a = (size_t)(e + i);
		const struct ins_cell *cb = &s->total[b], *ca = &s->total[a];
		if (!s->total_hid[b] && cb->v[IF_MEMBERS] > 0) {
			out->xb += (double)cb->v[IF_PEOPLE];
			out->nb += (double)cb->v[IF_MEMBERS];
			/* (a week whose counts were too small to show is no data) */
			if (!iv_hidden(s, b, -1, IG_SESSIONS) && !iv_hidden(s, b, -1, IG_REQUESTS)) {
				out->pb[out->cb] = (double)ins_sessions(cb) / (double)cb->v[IF_MEMBERS];
				out->rb[out->cb++] = (double)cb->v[IF_REQ_SENT];
			}
		}
		if (!s->total_hid[a] && ca->v[IF_MEMBERS] > 0) {
			out->xa += (double)ca->v[IF_PEOPLE];
			out->na += (double)ca->v[IF_MEMBERS];
			/* (a week whose counts were too small to show is no data) */
			if (!iv_hidden(s, a, -1, IG_SESSIONS) && !iv_hidden(s, a, -1, IG_REQUESTS)) {
				out->pa[out->ca] = (double)ins_sessions(ca) / (double)ca->v[IF_MEMBERS];
				out->ra[out->ca++] = (double)ca->v[IF_REQ_SENT];
			}
		}
	}
}

static void window_free(struct window *w)
{
	free(w->pb);
	free(w->pa);
	free(w->rb);
	free(w->ra);
}

static void fmt(char *out, size_t n, double v, int percent)
{
	if (percent)
		snprintf(out, n, "%.1f %%", v * 100);
	else
		snprintf(out, n, "%.2f", v);
}

static void comparison_row(struct buf *out, const char *what, const struct stats_diff *d, int percent)
{
	char b[32], a[32], df[32], lo[32], hi[32], sentence[300];
	fmt(b, sizeof(b), d->before, percent);
	fmt(a, sizeof(a), d->after, percent);
	fmt(df, sizeof(df), d->diff, percent);
	fmt(lo, sizeof(lo), d->lo, percent);
	fmt(hi, sizeof(hi), d->hi, percent);
	stats_sentence(sentence, sizeof(sentence), what, d, percent);
	buf_puts(out, "<tr><th scope=\"row\">");
	html_escape(out, what);
	buf_puts(out, "</th><td>");
	html_escape(out, b);
	buf_puts(out, "</td><td>");
	html_escape(out, a);
	buf_puts(out, "</td><td>");
	html_escape(out, df);
	buf_puts(out, "</td><td>");
	if (d->valid) {
		html_escape(out, lo);
		buf_puts(out, " to ");
		html_escape(out, hi);
	} else {
		buf_puts(out, "–");
	}
	buf_puts(out, "</td><td class=\"sentence\">");
	html_escape(out, sentence);
	buf_puts(out, "</td></tr>");
}

/* The before/after section of every event, on the program's weekly figures. */
static void comparisons(struct buf *out, const struct insight_series *wk, const struct insight_event *ev,
			size_t nev, long w)
{
	for (size_t i = 0; i < nev; i++) {
		long day = ins_day(ev[i].on);
		char monday[11];
		ins_ymd(ins_monday(day), monday);
		long e = -1;
		for (size_t p = 0; p < wk->np; p++)
			if (strcmp(wk->period[p], monday) == 0)
				e = (long)p;
		buf_puts(out, "<section class=\"card event\"><h3>");
		html_escape(out, ev[i].on);
		buf_puts(out, ": ");
		html_escape(out, ev[i].title);
		buf_puts(out, "</h3>");
		if (ev[i].note[0]) {
			buf_puts(out, "<p>");
			html_escape(out, ev[i].note);
			buf_puts(out, "</p>");
		}
		if (e < 1) {
			buf_puts(out, "<p class=\"hint\">No weeks of figures before or after this event "
				      "yet.</p></section>");
			continue;
		}
		struct window m;
		measure(wk, e, w, &m);
		if (!m.pb || !m.pa || !m.rb || !m.ra) {
			window_free(&m);
			out->oom = 1;
			return;
		}
		struct stats_diff rate = stats_two_prop(m.xb, m.nb, m.xa, m.na);
		struct stats_diff per = stats_welch(m.pb, m.cb, m.pa, m.ca);
		struct stats_diff req = stats_welch(m.rb, m.cb, m.ra, m.ca);
		buf_printf(out, "<p class=\"hint\">%zu weeks before and %zu weeks after, program-wide.</p>",
			   m.cb, m.ca);
		buf_puts(out,
			 "<div class=\"table-wrap\"><table class=\"compare\"><caption>Before and after ");
		html_escape(out, ev[i].title);
		buf_puts(
			out,
			"</caption><thead><tr><th scope=\"col\">Figure</th><th scope=\"col\">Before</th>"
			"<th scope=\"col\">After</th><th scope=\"col\">Difference</th><th scope=\"col\">95 % "
			"confidence interval</th><th scope=\"col\">In words</th></tr></thead><tbody>");
		comparison_row(out, "participation", &rate, 1);
		comparison_row(out, "sessions per active member per week", &per, 0);
		comparison_row(out, "requests per week", &req, 0);
		buf_puts(out, "</tbody></table></div></section>");
		window_free(&m);
	}
}

static void team_option(struct vlist *l, const char *name, const char *chosen)
{
	struct vrow *r = view_row_new();
	view_row_str(r, name);
	view_row_int(r, strcmp(name, chosen) == 0);
	view_list_add(l, r);
}

static int read_query(struct ctx *c, struct fields *f)
{
	int st = fields_read(query_fields, NQ, &c->req->query, f);
	if (st == 400) {
		ctx_error(c, 400,
			  "This page takes a team, dates from and to (YYYY-MM-DD), per week or month and the "
			  "weeks each side of an event (2 to 26); something else was sent.");
		return -1;
	}
	return st;
}

/* The page's fragment (events compared, charts and tables) and the teams
 * with figures, for a valid query; kept per worker (insight_cache.h). */
static int build(struct ctx *c, int weekly, const char *team, const char *from, const char *to, long w,
		 struct insight_event *ev, size_t nev, struct buf *html, struct buf *teams)
{
	size_t left = 0, all = nev;
	nev = iv_events_in(ev, nev, from, to, &left);
	struct insight_series s, wk;
	char today_s[11];
	today(c, today_s);
	enum db_rc rc = insight_load(c->db, weekly, from, to, today_s, c->cfg->survey_k, &s);
	if (rc == DB_OK) {
		rc = insight_load(c->db, 1, "", today_s, today_s, c->cfg->survey_k, &wk);
		if (rc != DB_OK)
			insight_series_free(&s);
	}
	if (rc != DB_OK) {
		ctx_store_error(c, rc);
		return -1;
	}
	for (size_t i = 0; i < s.nt; i++) {
		buf_puts(teams, s.team[i]);
		buf_puts(teams, "\n");
	}
	int t = team[0] ? insight_team_index(&s, team) : -1;
	buf_puts(html, "<section aria-labelledby=\"h-events\"><h2 id=\"h-events\">Program events: before and "
		       "after</h2>");
	if (!all)
		buf_puts(html, "<p class=\"hint\">No program events yet. <a href=\"/admin/events\">Record "
			       "one</a> to "
			       "compare the weeks before and after it.</p>");
	else if (!nev)
		buf_puts(html, "<p class=\"hint\">No program event falls in these dates. <a "
			       "href=\"/admin/events\">Every event</a> is listed with its date.</p>");
	else if (left)
		buf_printf(html,
			   "<p class=\"hint\">The latest %d events in these dates are compared and marked; "
			   "%zu earlier ones are left out. Choose earlier dates to see them, or see <a "
			   "href=\"/admin/events\">every event</a>.</p>",
			   IV_EVENTS_SHOWN, left);
	for (size_t i = 0; i < nev; i++)
		iv_clip(ev[i].note, sizeof(ev[i].note), IV_NOTE_SHOWN);
	comparisons(html, &wk, ev, nev, w);
	buf_puts(html, "</section>");
	for (size_t i = 0; i < nev; i++)
		iv_clip(ev[i].title, sizeof(ev[i].title), IV_MARK_SHOWN);
	iv_sections(html, &s, t, ev, nev, IV_ALL);
	insight_series_free(&s);
	insight_series_free(&wk);
	return 0;
}

void page_admin_insights(struct ctx *c)
{
	struct fields f;
	int st = read_query(c, &f);
	if (st < 0)
		return;
	const char *team = f.v[Q_TEAM].s, *from = f.v[Q_FROM].s;
	char to[11];
	today(c, to);
	if (st == 0 && f.v[Q_TO].present && f.v[Q_TO].s[0])
		str_copy(to, sizeof(to), f.v[Q_TO].s);
	if (st == 0 && from[0] && strcmp(from, to) > 0) {
		fields_fail(&f, Q_FROM, "The first day must come before the last.");
		st = 422;
	}
	if (st != 0) /* the whole program, as it would show without a filter */
		from = "", team = "", today(c, to);
	int weekly = st == 0 && strcmp(f.v[Q_BY].s, "week") == 0;
	long w = st == 0 && f.v[Q_WINDOW].present ? f.v[Q_WINDOW].i : 8;
	const char *asked = from; /* the CSV export keeps it */
	char first[11], note[200] = "";
	iv_span_start(to, weekly, first);
	if (!from[0] || strcmp(from, first) < 0) {
		if (from[0])
			snprintf(note, sizeof(note),
				 "You asked from %s. A page shows at most %d %s, so it starts on %s; "
				 "\u201cDownload every series\u201d has every %s from %s.",
				 from, weekly ? IV_SPAN_WEEKS : IV_SPAN_MONTHS, weekly ? "weeks" : "months",
				 first, weekly ? "week" : "month", from);
		from = first;
	}
	struct insight_event *ev = calloc(MAX_EVENTS, sizeof(*ev));
	size_t nev = 0;
	enum db_rc rc = ev ? insight_events(c->db, ev, MAX_EVENTS, &nev) : DB_ERR;
	if (rc != DB_OK) {
		free(ev);
		ctx_store_error(c, rc);
		return;
	}
	/* Everything the fragment depends on. */
	char key[256];
	snprintf(key, sizeof(key), "a|%d|%s|%s|%s|%ld|%zu|%lld|%d", weekly, team, from, to, w, nev,
		 nev ? (long long)ev[nev - 1].id : 0LL, c->cfg->survey_k);
	char tkey[300];
	snprintf(tkey, sizeof(tkey), "t|%s", key);
	int64_t at = c->now, tat;
	const struct buf *hit = icache_get(key, c->now, &at), *thit = icache_get(tkey, c->now, &tat);
	struct buf html = {0}, teams = {0};
	if (hit && thit) {
		buf_append(&html, hit->data, hit->len);
		buf_append(&teams, thit->data, thit->len);
	} else {
		if (build(c, weekly, team, from, to, w, ev, nev, &html, &teams) != 0) {
			free(ev);
			buf_free(&html);
			buf_free(&teams);
			return;
		}
		icache_put(key, c->now, &html);
		icache_put(tkey, c->now, &teams);
	}
	free(ev);
	struct view *v = ctx_view(c);
	struct vlist *tl = view_list_new();
	int shown = 0;
	for (char *line = teams.data, *nl; line && *line; line = nl + 1) {
		nl = strchr(line, '\n');
		if (!nl)
			break;
		*nl = 0;
		team_option(tl, line, team);
		shown |= strcmp(line, team) == 0;
	}
	view_list_set(v, "teams", tl);
	if (team[0] && !shown && st == 0) {
		fields_fail(&f, Q_TEAM, "There are no figures for that team.");
		st = 422;
	}
	if (st == 0)
		f.v[Q_FROM].s = from; /* the first day shown */
	ctx_form_values(c, query_fields, NQ, &f);
	view_str(v, "by", weekly ? "week" : "month");
	view_int(v, "window", w);
	view_int(v, "k", c->cfg->survey_k);
	view_int(v, "settle_days", INSIGHT_SETTLE_DAYS);
	view_str(v, "team_name", st == 0 && shown ? team : "");
	char asof[32];
	time_t tt = (time_t)at;
	struct tm tm;
	gmtime_r(&tt, &tm);
	strftime(asof, sizeof(asof), "%H:%M:%S UTC", &tm);
	view_str(v, "as_of", asof);
	view_str(v, "span_note", note);
	struct buf q = {0};
	buf_puts(&q, "?by=");
	buf_puts(&q, weekly ? "week" : "month");
	if (st == 0 && team[0]) {
		buf_puts(&q, "&team=");
		url_encode(&q, team);
	}
	if (asked[0]) {
		buf_puts(&q, "&from=");
		url_encode(&q, asked);
	}
	buf_puts(&q, "&to=");
	url_encode(&q, to);
	view_str(v, "csv_query", buf_str(&q));
	buf_free(&q);
	buf_free(&teams);
	if (html.oom) {
		buf_free(&html);
		ctx_error(c, 500, "Tandem ran out of memory for this page. Try again.");
		return;
	}
	ctx_render_slot(c, st == 0 ? 200 : 422, "admin_insights", "Insights", buf_str(&html));
	buf_free(&html);
}

static void csv_int(struct buf *out, int hid, int64_t v, int last)
{
	char b[24];
	export_csv_cell(out, hid ? "hidden" : str_u64(b, (unsigned long long)(v < 0 ? 0 : v)), last);
}

/* A count of people: per week, or a month's average week of its weeks shown. */
static void csv_avg(struct buf *out, int hid, int64_t v, int weeks)
{
	char b[32];
	if (hid)
		str_copy(b, sizeof(b), "hidden");
	else if (weeks <= 1 || v % weeks == 0)
		snprintf(b, sizeof(b), "%lld", (long long)(weeks > 1 ? v / weeks : v));
	else
		snprintf(b, sizeof(b), "%.1f", (double)v / (double)weeks);
	export_csv_cell(out, b, 0);
}

static const enum ins_fig csv_people[] = {IF_MEMBERS, IF_PEOPLE, IF_MENTORS, IF_MENTEES};
static const enum ins_fig csv_counts[] = {IF_REQ_SENT, IF_REQ_ANSWERED, IF_MS_STARTED, IF_MINUTES,
					  IF_SV_INVITED};
static const enum ins_group csv_groups[] = {IG_REQUESTS, IG_REQUESTS, IG_STARTED, IG_SESSIONS, IG_INVITED};

static void csv_head(struct buf *out)
{
	export_csv_cell(out, "per", 0);
	export_csv_cell(out, "period", 0);
	export_csv_cell(out, "team", 0);
	for (size_t i = 0; i < sizeof(csv_people) / sizeof(csv_people[0]); i++)
		export_csv_cell(out, ins_fig_name(csv_people[i]), 0);
	export_csv_cell(out, "weeks_shown", 0);
	export_csv_cell(out, "left_out", 0);
	for (size_t i = 0; i < sizeof(csv_counts) / sizeof(csv_counts[0]); i++)
		export_csv_cell(out, ins_fig_name(csv_counts[i]), 0);
	export_csv_cell(out, "sessions", 0);
	export_csv_cell(out, "ended", 0);
	for (int b = 0; b < BD_N; b++)
		export_csv_cell(out, ins_bd_name((enum ins_bd)b), 0);
	export_csv_cell(out, "participation_rate", 1);
}

static void csv_row(struct buf *out, const struct insight_series *s, size_t p, int t)
{
	int hid, left;
	const struct ins_cell *c = iv_cell(s, p, t, &hid);
	int wk = iv_weeks(s, p, t, &left);
	char b[24];
	export_csv_cell(out, s->weekly ? "week" : "month", 0);
	export_csv_cell(out, s->period[p], 0);
	export_csv_cell(out, t < 0 ? "all" : s->team[t], 0);
	for (size_t i = 0; i < sizeof(csv_people) / sizeof(csv_people[0]); i++)
		csv_avg(out, hid, c->v[csv_people[i]], wk);
	export_csv_cell(out, str_u64(b, (unsigned long long)wk), 0);
	export_csv_cell(out, str_u64(b, (unsigned long long)left), 0);
	for (size_t i = 0; i < sizeof(csv_counts) / sizeof(csv_counts[0]); i++)
		csv_int(out, iv_hidden(s, p, t, csv_groups[i]), c->v[csv_counts[i]], 0);
	csv_int(out, iv_hidden(s, p, t, IG_SESSIONS), ins_sessions(c), 0);
	csv_int(out, iv_hidden(s, p, t, IG_ENDED), ins_ended(c), 0);
	/* The breakdowns: the program's months only, under the small-count rule. */
	int64_t v[BD_N];
	ins_breakdown(c, v);
	for (int i = 0; i < BD_N; i++) {
		if (!iv_breakdown(s, t))
			export_csv_cell(out, "", 0);
		else
			csv_int(out, hid || s->bd_hid[p * BD_N + (size_t)i], v[i], 0);
	}
	char rate[32] = "";
	if (hid)
		str_copy(rate, sizeof(rate), "hidden");
	else if (c->v[IF_MEMBERS] > 0)
		snprintf(rate, sizeof(rate), "%.4f", (double)c->v[IF_PEOPLE] / (double)c->v[IF_MEMBERS]);
	export_csv_cell(out, rate, 1);
}

void page_admin_insights_csv(struct ctx *c)
{
	struct fields f;
	int st = read_query(c, &f);
	if (st < 0)
		return;
	if (st != 0) {
		ctx_error(c, 422,
			  "The dates must be real days (YYYY-MM-DD) and the weeks each side 2 to 26.");
		return;
	}
	char to[11];
	today(c, to);
	if (f.v[Q_TO].s[0])
		str_copy(to, sizeof(to), f.v[Q_TO].s);
	if (f.v[Q_FROM].s[0] && strcmp(f.v[Q_FROM].s, to) > 0) {
		ctx_error(c, 422, "The first day must come before the last.");
		return;
	}
	char now[11];
	today(c, now);
	struct insight_series s;
	enum db_rc rc = insight_load(c->db, strcmp(f.v[Q_BY].s, "week") == 0, f.v[Q_FROM].s, to, now,
				     c->cfg->survey_k, &s);
	if (rc != DB_OK) {
		ctx_store_error(c, rc);
		return;
	}
	int only = -2; /* every team */
	if (f.v[Q_TEAM].s[0]) {
		only = insight_team_index(&s, f.v[Q_TEAM].s);
		if (only < 0) {
			insight_series_free(&s);
			ctx_error(c, 404, "There are no figures for that team.");
			return;
		}
	}
	struct buf *out = &c->resp->body;
	buf_reset(out);
	csv_head(out);
	for (size_t p = 0; p < s.np; p++) {
		csv_row(out, &s, p, -1);
		for (size_t t = 0; t < s.nt; t++)
			if (only == -2 || only == (int)t)
				csv_row(out, &s, p, (int)t);
	}
	insight_series_free(&s);
	if (out->oom) {
		ctx_error(c, 500, "Tandem ran out of memory for this export. Try again.");
		return;
	}
	c->resp->status = 200;
	c->resp->content_type = "text/csv; charset=utf-8";
	resp_header(c->resp, "Content-Disposition", "attachment; filename=\"insights.csv\"");
}

static void show_events(struct ctx *c, int status, const struct fields *f)
{
	struct insight_event *ev = calloc(MAX_EVENTS, sizeof(*ev));
	size_t n = 0;
	enum db_rc rc = ev ? insight_events(c->db, ev, MAX_EVENTS, &n) : DB_ERR;
	struct view *v = ctx_view(c);
	struct vlist *l = view_list_new();
	for (size_t i = 0; rc == DB_OK && i < n; i++) {
		struct vrow *r = view_row_new();
		view_row_str(r, ev[i].on);
		view_row_str(r, ev[i].title);
		view_row_str(r, ev[i].note);
		view_list_add(l, r);
	}
	view_list_set(v, "events", l);
	view_int(v, "nevents", (int64_t)n);
	free(ev);
	if (rc != DB_OK) {
		ctx_store_error(c, rc);
		return;
	}
	ctx_form_values(c, event_fields, NE, f);
	/* "title" is the layout's page title: the typed one goes by another name. */
	view_str(v, "event_title", f ? f->v[E_TITLE].s : "");
	ctx_render(c, status, "admin_events", "Program events");
}

void page_admin_events(struct ctx *c)
{
	show_events(c, 200, NULL);
}

void page_admin_event_add(struct ctx *c)
{
	struct fields f;
	int st = fields_read(event_fields, NE, &c->req->body, &f);
	if (st == 400) {
		ctx_error(c, 400, "The form had fields Tandem does not know.");
		return;
	}
	if (st == 422) {
		show_events(c, 422, &f);
		return;
	}
	enum db_rc rc = insight_event_add(c->db, f.v[E_ON].s, f.v[E_TITLE].s, f.v[E_NOTE].s, c->user.id,
					  c->now, c->req->ip);
	if (rc != DB_OK) {
		ctx_store_error(c, rc);
		return;
	}
	ctx_flash(c,
		  "Event recorded. It is marked on every chart, with the weeks before and after compared.");
	resp_redirect(c->resp, "/admin/events");
}
