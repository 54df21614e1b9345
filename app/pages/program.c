/* /program: the program's headline figures and charts for every member
 * (the whole program only: no team breakdown), and the results of the
 * surveys an admin published, suppressed exactly as admins see them;
 * POST /admin/surveys/{id}/publish. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pages/celebrate.h"
#include "pages/ctx.h"
#include "pages/insight_cache.h"
#include "pages/insight_view.h"
#include "pages/routes.h"
#include "store/insights.h"
#include "store/survey_report.h"
#include "view/escape.h"

#define MAX_EVENTS 100

struct published {
	struct ctx *c;
	struct buf *out;
	enum db_rc rc;
};

static void figure(struct buf *out, int v, int hidden)
{
	if (hidden)
		buf_puts(out, "<td class=\"hidden\">hidden</td>");
	else
		buf_printf(out, "<td>%d</td>", v < 0 ? 0 : v);
}

/* This worker's rendering of each published survey, kept while its
 * version holds and for at most a minute (the comments' scrubbing reads
 * members' names): a report over every released answer costs a scan of
 * them, which /program must not pay per request. */
#define CACHE_SLOTS 20
#define CACHE_SECONDS 60
static struct {
	int64_t id, version, at;
	struct buf html;
} cache[CACHE_SLOTS];

static void render_survey(struct published *p, int64_t id, const char *title, int show_text, struct buf *out);

static void survey_section(void *arg, const struct insight_survey *s)
{
	struct published *p = arg;
	if (p->rc != DB_OK)
		return;
	size_t slot = CACHE_SLOTS, free_slot = CACHE_SLOTS;
	for (size_t i = 0; i < CACHE_SLOTS; i++) {
		if (cache[i].id == s->id)
			slot = i;
		if (free_slot == CACHE_SLOTS && (cache[i].id == 0 || p->c->now - cache[i].at > CACHE_SECONDS))
			free_slot = i;
	}
	if (slot < CACHE_SLOTS && cache[slot].version == s->version && p->c->now >= cache[slot].at &&
	    p->c->now - cache[slot].at <= CACHE_SECONDS) {
		buf_append(p->out, cache[slot].html.data, cache[slot].html.len);
		return;
	}
	if (slot == CACHE_SLOTS)
		slot = free_slot;
	struct buf html = {0};
	render_survey(p, s->id, s->title, s->show_text, &html);
	if (p->rc == DB_OK && !html.oom)
		buf_append(p->out, html.data, html.len);
	if (slot < CACHE_SLOTS && p->rc == DB_OK && !html.oom) {
		buf_free(&cache[slot].html);
		cache[slot].id = s->id;
		cache[slot].version = s->version;
		cache[slot].at = p->c->now;
		cache[slot].html = html;
	} else {
		buf_free(&html);
	}
}

/* One published survey, from the same report the admin page renders. */
static void render_survey(struct published *p, int64_t id, const char *title, int show_text, struct buf *out)
{
	struct report r;
	if (report_build(p->c->db, id, p->c->cfg->survey_k, show_text, &r) != 0) {
		p->rc = DB_ERR;
		return;
	}
	buf_printf(out,
		   "<section class=\"card survey-result\" aria-labelledby=\"sv-%lld\"><h3 id=\"sv-%lld\">",
		   (long long)id, (long long)id);
	html_escape(out, title);
	buf_puts(out, "</h3>");
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

/* The headline figures and charts (the program's totals only, closed
 * months only). */
static int charts(struct ctx *c, const char *today, const struct insight_event *ev, size_t nev,
		  struct buf *html)
{
	struct insight_series s;
	enum db_rc rc = insight_load(c->db, 0, "", today, today, c->cfg->survey_k, &s);
	if (rc != DB_OK) {
		ctx_store_error(c, rc);
		return -1;
	}
	buf_puts(html, "<div class=\"stats\">");
	if (s.np)
		headline(html, &s, s.np - 1, "Last month", c->cfg->survey_k);
	if (s.np > 1)
		headline(html, &s, s.np - 2, "The month before", c->cfg->survey_k);
	buf_puts(html, "</div>");
	iv_sections(html, &s, -1, ev, nev, IV_HEADLINE);
	insight_series_free(&s);
	return 0;
}

void page_program(struct ctx *c)
{
	struct fields f;
	if (fields_read(NULL, 0, &c->req->query, &f) != 0) {
		ctx_error(c, 400, "This page takes no query.");
		return;
	}
	char today[11];
	ins_ymd((long)(c->now / 86400), today);
	struct insight_event *ev = calloc(MAX_EVENTS, sizeof(*ev));
	size_t nev = 0;
	enum db_rc rc = ev ? insight_events(c->db, ev, MAX_EVENTS, &nev) : DB_ERR;
	if (rc != DB_OK) {
		free(ev);
		ctx_store_error(c, rc);
		return;
	}
	char key[128];
	snprintf(key, sizeof(key), "p|%s|%zu|%lld|%d", today, nev, nev ? (long long)ev[nev - 1].id : 0LL,
		 c->cfg->survey_k);
	int64_t at;
	const struct buf *hit = icache_get(key, c->now, &at);
	struct buf html = {0};
	if (hit) {
		buf_append(&html, hit->data, hit->len);
	} else {
		int bad = charts(c, today, ev, nev, &html);
		if (bad) {
			free(ev);
			buf_free(&html);
			return;
		}
		icache_put(key, c->now, &html);
	}
	free(ev);
	buf_puts(&html, "<h2>Survey results</h2>");
	struct buf surveys = {0};
	struct published p = {c, &surveys, DB_OK};
	rc = insight_published(c->db, survey_section, &p);
	if (rc == DB_OK)
		rc = p.rc;
	if (surveys.len == 0)
		buf_puts(&html, "<p class=\"hint\">No survey results have been published yet.</p>");
	else
		buf_append(&html, surveys.data, surveys.len);
	buf_free(&surveys);
	if (rc != DB_OK || html.oom) {
		buf_free(&html);
		if (rc != DB_OK)
			ctx_store_error(c, rc);
		else
			ctx_error(c, 500, "Tandem ran out of memory for this page. Try again.");
		return;
	}
	view_int(ctx_view(c), "k", c->cfg->survey_k);
	if (celebrate_program(c) != 0) { /* issue 19: templates/_program_celebrations.html */
		buf_free(&html);
		return;
	}
	ctx_render_slot(c, 200, "program", "The program", buf_str(&html));
	buf_free(&html);
}

static const struct field_spec publish_fields[] = {{"withdraw", "Withdraw", FT_FLAG, 0, 0, 0, NULL, 0}};

void page_admin_survey_publish(struct ctx *c)
{
	struct fields f;
	if (fields_read(publish_fields, FIELDS(publish_fields), &c->req->body, &f) != 0) {
		ctx_error(c, 400, "The form had fields Tandem does not know.");
		return;
	}
	int on = !f.v[0].i;
	enum db_rc rc = insight_publish(c->db, c->req->ids[0], on, c->user.id, c->now, c->req->ip);
	if (rc == DB_NOTFOUND) {
		ctx_error(c, 404, "There is no such survey, or it is still a draft.");
		return;
	}
	if (rc != DB_OK) {
		ctx_store_error(c, rc);
		return;
	}
	ctx_flash(c, on ? "Published: every member sees these results on the program page, "
			  "suppressed as here."
			: "Withdrawn from the program page.");
	char loc[64];
	snprintf(loc, sizeof(loc), "/admin/surveys/%lld", (long long)c->req->ids[0]);
	resp_redirect(c->resp, loc);
}
