#include "pages/program_build.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/log.h"
#include "pages/insight_view.h"
#include "pages/survey_compare_view.h"
#include "store/program_parts.h"
#include "store/survey_compare.h"
#include "store/survey_report.h"
#include "view/escape.h"

#define MAX_EVENTS 100
/* A survey with free text is built again this often: its comments are
 * scrubbed of members' names, which change without its version. */
#define TEXT_SECONDS 60
#define REST_SECONDS 30
#define MAX_KEPT 64

static void collect(void *arg, const struct insight_survey *s)
{
	struct program_published *p = arg;
	if (p->n >= PROGRAM_MAX_SURVEYS)
		return;
	str_copy(p->title[p->n], sizeof(p->title[0]), s->title);
	p->s[p->n] = *s;
	p->s[p->n].title = p->title[p->n];
	p->n++;
}

/* A pair of surveys both published: kept only when both are among the
 * surveys read (the newest PROGRAM_MAX_SURVEYS). */
static void collect_pair(void *arg, int64_t followup, int64_t baseline)
{
	struct program_published *p = arg;
	size_t f = p->n, b = p->n;
	for (size_t i = 0; i < p->n; i++) {
		if (p->s[i].id == followup)
			f = i;
		if (p->s[i].id == baseline)
			b = i;
	}
	if (f < p->n && b < p->n && p->npairs < PROGRAM_MAX_SURVEYS) {
		p->pair[p->npairs].follow = f;
		p->pair[p->npairs].base = b;
		p->npairs++;
	}
}

enum db_rc program_published(struct db *db, struct program_published *out)
{
	out->n = 0;
	out->npairs = 0;
	enum db_rc rc = insight_published(db, collect, out);
	/* issue 19: the baseline/follow-up pairs among them */
	return rc == DB_OK ? survey_published_pairs(db, PROGRAM_MAX_SURVEYS, collect_pair, out) : rc;
}

void program_charts_version(char *out, const char *today, int k, int64_t rev)
{
	snprintf(out, PROGRAM_VERSION_LEN, "%.10s|%d|%lld", today, k, (long long)rev);
}

void program_survey_version(char *out, int k, const struct insight_survey *s)
{
	snprintf(out, PROGRAM_VERSION_LEN, "%d|%lld|%lld", k, (long long)s->version, (long long)s->batch);
}

void program_survey_part(char *out, int64_t survey_id)
{
	snprintf(out, PROGRAM_PART_LEN, "survey:%lld", (long long)survey_id);
}

void program_compare_part(char *out, int64_t followup)
{
	snprintf(out, PROGRAM_PART_LEN, "compare:%lld", (long long)followup);
}

void program_compare_version(char *out, int k, const struct insight_survey *follow,
			     const struct insight_survey *base)
{
	snprintf(out, PROGRAM_VERSION_LEN, "%d|%lld|%lld|%lld|%lld|%lld", k, (long long)follow->version,
		 (long long)follow->batch, (long long)base->id, (long long)base->version,
		 (long long)base->batch);
}

enum db_rc program_compare_html(struct db *db, int k, const struct insight_survey *follow, struct buf *out)
{
	struct compare cmp;
	int built = survey_compare_build(db, follow->id, k, 1, &cmp);
	if (built < 0)
		return DB_ERR;
	if (built) {
		compare_program_html(out, &cmp, follow->id, follow->title);
		compare_free(&cmp);
	}
	return DB_OK;
}

void program_compare_pending(const struct insight_survey *follow, const struct insight_survey *base,
			     struct buf *out)
{
	buf_printf(out,
		   "<section class=\"card survey-compare\" aria-labelledby=\"cmp-%lld\"><h3 id=\"cmp-%lld\">"
		   "Before and after: ",
		   (long long)follow->id, (long long)follow->id);
	html_escape(out, base->title);
	buf_puts(out, " → ");
	html_escape(out, follow->title);
	buf_puts(out,
		 "</h3><p class=\"hint\">New answers are being counted: these results show here again in "
		 "a moment.</p></section>");
}

static void figure(struct buf *out, int v, int hidden)
{
	if (hidden)
		buf_puts(out, "<td class=\"hidden\">hidden</td>");
	else
		buf_printf(out, "<td>%d</td>", v < 0 ? 0 : v);
}

static void survey_head(const struct insight_survey *s, struct buf *out)
{
	buf_printf(out,
		   "<section class=\"card survey-result\" aria-labelledby=\"sv-%lld\"><h3 id=\"sv-%lld\">",
		   (long long)s->id, (long long)s->id);
	html_escape(out, s->title);
	buf_puts(out, "</h3>");
}

void program_survey_pending(const struct insight_survey *s, struct buf *out)
{
	survey_head(s, out);
	buf_puts(out, "<p class=\"hint\">New answers are being counted: these results show here again in a "
		      "moment.</p></section>");
}

/* One published survey, from the same report the admin page renders. */
enum db_rc program_survey_html(struct db *db, int k, const struct insight_survey *s, struct buf *out)
{
	struct report r;
	if (report_build(db, s->id, k, s->show_text, &r) != 0)
		return DB_ERR;
	survey_head(s, out);
	for (int i = 0; i < r.nq; i++) {
		const struct report_question *q = &r.q[i];
		buf_puts(out, "<div class=\"table-wrap\"><table><caption>");
		html_escape(out, q->prompt);
		buf_puts(out,
			 "</caption><thead><tr><th scope=\"col\">Group</th><th scope=\"col\">Answered</th>");
		for (int b = 0; b < q->nb; b++) {
			buf_puts(out, "<th scope=\"col\">");
			html_escape(out, q->labels[b]);
			buf_puts(out, "</th>");
		}
		buf_puts(out, "</tr></thead><tbody>");
		for (int j = 0; j < q->nrows && (q->shown || j == 0); j++) {
			const struct report_row *row = &q->rows[j];
			int all = strcmp(row->dimension, "all") == 0;
			buf_puts(out, "<tr><th scope=\"row\">");
			if (all) {
				buf_puts(out, "Everyone");
			} else {
				html_escape(out, row->dimension);
				buf_puts(out, ": ");
				html_escape(out, row->group);
			}
			buf_puts(out, "</th>");
			figure(out, row->n, !q->shown);
			for (int b = 0; b < q->nb; b++)
				figure(out, row->count[b], !q->shown || row->hid[b]);
			buf_puts(out, "</tr>");
		}
		buf_puts(out, "</tbody></table></div>");
	}
	if (r.ncomments) {
		buf_puts(out, "<h4>Comments</h4><ul class=\"list\">");
		for (int i = 0; i < r.ncomments; i++) {
			buf_puts(out, "<li>");
			html_escape(out, r.comments[i]);
			buf_puts(out, "</li>");
		}
		buf_puts(out, "</ul>");
	}
	buf_puts(out, "</section>");
	report_free(&r);
	return DB_OK;
}

/* A closed month's headline: its teams shown, the people per week on
 * average (never the running month: core/insight.h). */
static void headline(struct buf *out, const struct insight_series *s, size_t p, const char *label, int k)
{
	int hid, left;
	const struct ins_cell *c = iv_cell(s, p, -1, &hid);
	int wk = iv_weeks(s, p, -1, &left);
	buf_puts(out, "<div class=\"stat\"><span class=\"num\">");
	if (hid)
		buf_puts(out, "hidden");
	else if (c->v[IF_MEMBERS] > 0)
		buf_printf(out, "%.0f %%", 100.0 * (double)c->v[IF_PEOPLE] / (double)c->v[IF_MEMBERS]);
	else
		buf_puts(out, "–");
	buf_puts(out, "</span><span class=\"lbl\">");
	html_escape(out, label);
	buf_puts(out, " (");
	html_escape(out, s->period[p]);
	buf_puts(out, ")");
	if (!hid) {
		buf_printf(out, ": %.0f of %.0f members took part in an average week",
			   (double)c->v[IF_PEOPLE] / wk, (double)c->v[IF_MEMBERS] / wk);
		if (!iv_hidden(s, p, -1, IG_SESSIONS))
			buf_printf(out, ", in %lld sessions (%.0f hours)", (long long)ins_sessions(c),
				   (double)c->v[IF_MINUTES] / 60.0);
		if (left)
			buf_printf(out,
				   "; teams shown only: %d team-weeks with fewer than %d people left out",
				   left, k);
	}
	buf_puts(out, "</span></div>");
}

enum db_rc program_charts_html(struct db *db, int k, const char *today, int may_freeze, struct buf *out)
{
	struct insight_event *ev = calloc(MAX_EVENTS, sizeof(*ev));
	size_t nev = 0;
	enum db_rc rc = ev ? insight_events(db, ev, MAX_EVENTS, &nev) : DB_ERR;
	/* The last IV_SPAN_MONTHS months and their latest events: the page
	 * does not grow with the program's age. */
	char from[11];
	iv_span_start(today, 0, from);
	size_t left = 0;
	if (rc == DB_OK) {
		nev = iv_events_in(ev, nev, from, today, &left);
		for (size_t i = 0; i < nev; i++)
			iv_clip(ev[i].title, sizeof(ev[i].title), IV_MARK_SHOWN);
	}
	struct insight_series s;
	if (rc == DB_OK)
		rc = may_freeze ? insight_load(db, 0, from, today, today, k, &s)
				: insight_load_frozen(db, 0, from, today, today, k, &s);
	if (rc != DB_OK) {
		free(ev);
		return rc;
	}
	buf_puts(out, "<div class=\"stats\">");
	if (s.np)
		headline(out, &s, s.np - 1, "The latest whole month", k);
	if (s.np > 1)
		headline(out, &s, s.np - 2, "The month before", k);
	buf_puts(out, "</div>");
	iv_sections(out, &s, -1, ev, nev, IV_HEADLINE);
	insight_series_free(&s);
	free(ev);
	return out->oom ? DB_ERR : DB_OK;
}

/* The builder's view of what is kept: versions only. */
struct kept {
	size_t n;
	struct {
		char part[PROGRAM_PART_LEN];
		char version[PROGRAM_VERSION_LEN];
		int64_t built_at;
		int live; /* still published (or the charts) */
	} p[MAX_KEPT];
};

static void kept_row(void *arg, const char *part, const char *version, int64_t built_at, const char *html,
		     size_t len)
{
	(void)html;
	(void)len;
	struct kept *k = arg;
	if (k->n >= MAX_KEPT)
		return;
	str_copy(k->p[k->n].part, PROGRAM_PART_LEN, part);
	str_copy(k->p[k->n].version, PROGRAM_VERSION_LEN, version);
	k->p[k->n].built_at = built_at;
	k->p[k->n].live = 0;
	k->n++;
}

/* The kept entry for part, or -1. */
static int find(struct kept *k, const char *part)
{
	for (size_t i = 0; i < k->n; i++)
		if (strcmp(k->p[i].part, part) == 0)
			return (int)i;
	return -1;
}

/* Build (with build()) and keep part when its kept version is not want. */
static enum db_rc keep(struct db *db, struct kept *k, const char *part, const char *want, int64_t now,
		       int refresh_every, enum db_rc (*build)(struct db *, const void *, struct buf *),
		       const void *arg)
{
	int i = find(k, part);
	if (i >= 0) {
		k->p[i].live = 1;
		int fresh = refresh_every == 0 ||
			    (now >= k->p[i].built_at && now - k->p[i].built_at < refresh_every);
		if (strcmp(k->p[i].version, want) == 0 && fresh)
			return DB_OK;
	}
	struct buf html = {0};
	db_read_begin(db); /* one snapshot, read after the versions (a put ended the last) */
	enum db_rc rc = build(db, arg, &html);
	if (rc == DB_OK && html.oom)
		rc = DB_ERR;
	if (rc == DB_OK)
		rc = program_part_put(db, part, want, now, buf_str(&html), html.len);
	else if (rc == DB_NOTFOUND) /* not to be built now (a week waits for its freeze) */
		rc = DB_OK;
	buf_free(&html);
	return rc;
}

struct charts_arg {
	int k;
	const char *today;
};

static enum db_rc build_charts(struct db *db, const void *arg, struct buf *out)
{
	const struct charts_arg *a = arg;
	return program_charts_html(db, a->k, a->today, 0, out);
}

struct survey_arg {
	int k;
	const struct insight_survey *s;
};

static enum db_rc build_survey(struct db *db, const void *arg, struct buf *out)
{
	const struct survey_arg *a = arg;
	return program_survey_html(db, a->k, a->s, out);
}

static enum db_rc build_compare(struct db *db, const void *arg, struct buf *out)
{
	const struct survey_arg *a = arg;
	return program_compare_html(db, a->k, a->s, out);
}

void program_build_tick(struct db *db, int k, int64_t now)
{
	/* Rests by the real clock: the test clock may jump either way. */
	static time_t rest_until;
	time_t real = time(NULL);
	if (real < rest_until)
		return;
	char today[11], monday[11];
	long day = (long)(now / 86400);
	ins_ymd(day, today);
	ins_ymd(insight_unsettled_monday(day), monday);
	static int64_t week_set;
	int64_t week = atoll(monday) * 10000 + atoll(monday + 5) * 100 + atoll(monday + 8);
	enum db_rc rc = week == week_set ? DB_OK : program_week_set(db, week);
	if (rc == DB_OK)
		week_set = week;
	/* The versions are read before what they describe (or in the same
	 * snapshot): a change after the read makes the kept copy look old
	 * (built again), never new. */
	int64_t rev = 0;
	struct program_published *pub = malloc(sizeof(*pub));
	struct kept *kept = malloc(sizeof(*kept));
	if (rc == DB_OK && (!pub || !kept))
		rc = DB_ERR;
	if (rc == DB_OK) {
		db_read_begin(db);
		rc = program_rev(db, &rev);
	}
	if (rc == DB_OK)
		rc = program_published(db, pub);
	if (rc == DB_OK) {
		kept->n = 0;
		rc = program_parts_each(db, 0, kept_row, kept);
	}
	if (rc == DB_OK) {
		char want[PROGRAM_VERSION_LEN];
		program_charts_version(want, today, k, rev);
		struct charts_arg ca = {k, today};
		rc = keep(db, kept, "charts", want, now, 0, build_charts, &ca);
	}
	for (size_t i = 0; rc == DB_OK && pub && i < pub->n; i++) {
		char part[PROGRAM_PART_LEN], want[PROGRAM_VERSION_LEN];
		program_survey_part(part, pub->s[i].id);
		program_survey_version(want, k, &pub->s[i]);
		struct survey_arg sa = {k, &pub->s[i]};
		rc = keep(db, kept, part, want, now, pub->s[i].show_text ? TEXT_SECONDS : 0, build_survey,
			  &sa);
	}
	for (size_t i = 0; rc == DB_OK && pub && i < pub->npairs; i++) { /* issue 19 */
		const struct insight_survey *f = &pub->s[pub->pair[i].follow],
					    *b = &pub->s[pub->pair[i].base];
		char part[PROGRAM_PART_LEN], want[PROGRAM_VERSION_LEN];
		program_compare_part(part, f->id);
		program_compare_version(want, k, f, b);
		struct survey_arg sa = {k, f};
		rc = keep(db, kept, part, want, now, 0, build_compare, &sa);
	}
	for (size_t i = 0; rc == DB_OK && i < kept->n; i++)
		if (!kept->p[i].live && strcmp(kept->p[i].part, "charts") != 0)
			rc = program_part_drop(db, kept->p[i].part);
	db_read_end(db);
	if (rc != DB_OK) {
		log_kv("warn", "program page: a part could not be built; trying again soon", LOG_END);
		rest_until = real + (rc == DB_BUSY ? 2 : REST_SECONDS);
	}
	free(pub);
	free(kept);
}
