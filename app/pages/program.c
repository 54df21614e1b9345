/* /program: the program's headline figures and charts for every member
 * (the whole program only: no team breakdown), and the results of the
 * surveys an admin published, suppressed exactly as admins see them;
 * POST /admin/surveys/{id}/publish. The charts and each survey's results
 * are built off the request path (pages/program_build.h) and read here
 * with their versions: a request shows a kept part only at its live
 * version, and never rebuilds a big one. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pages/celebrate.h"
#include "pages/ctx.h"
#include "pages/insight_cache.h"
#include "pages/program_build.h"
#include "pages/routes.h"
#include "store/insights.h"
#include "store/program_parts.h"

/* What this request found kept (program_parts), for the live versions. */
struct found {
	const struct program_published *pub;
	char charts_want[PROGRAM_VERSION_LEN];
	char part[PROGRAM_MAX_SURVEYS][PROGRAM_PART_LEN];
	char want[PROGRAM_MAX_SURVEYS][PROGRAM_VERSION_LEN];
	struct buf charts;
	struct buf survey[PROGRAM_MAX_SURVEYS];
	unsigned char charts_ok, survey_ok[PROGRAM_MAX_SURVEYS];
	/* issue 19: the baseline/follow-up pairs (pub->pair) */
	char cpart[PROGRAM_MAX_SURVEYS][PROGRAM_PART_LEN];
	char cwant[PROGRAM_MAX_SURVEYS][PROGRAM_VERSION_LEN];
	struct buf compare[PROGRAM_MAX_SURVEYS];
	unsigned char compare_ok[PROGRAM_MAX_SURVEYS];
};

static void found_row(void *arg, const char *part, const char *version, int64_t built_at, const char *html,
		      size_t len)
{
	(void)built_at;
	struct found *f = arg;
	if (strcmp(part, "charts") == 0) {
		if (strcmp(version, f->charts_want) == 0 && !f->charts_ok)
			f->charts_ok = buf_append(&f->charts, html, len) == 0;
		return;
	}
	for (size_t i = 0; i < f->pub->n; i++)
		if (strcmp(part, f->part[i]) == 0 && strcmp(version, f->want[i]) == 0 && !f->survey_ok[i])
			f->survey_ok[i] = buf_append(&f->survey[i], html, len) == 0;
	for (size_t i = 0; i < f->pub->npairs; i++)
		if (strcmp(part, f->cpart[i]) == 0 && strcmp(version, f->cwant[i]) == 0 && !f->compare_ok[i])
			f->compare_ok[i] = buf_append(&f->compare[i], html, len) == 0;
}

static void found_free(struct found *f)
{
	buf_free(&f->charts);
	for (size_t i = 0; i < PROGRAM_MAX_SURVEYS; i++) {
		buf_free(&f->survey[i]);
		buf_free(&f->compare[i]);
	}
	free(f);
}

/* What a part not kept at its live version is drawn from: the charts
 * (today), a survey (s) or a pair (s the follow-up, base its baseline). */
enum part_kind { PART_CHARTS, PART_SURVEY, PART_COMPARE };
struct part_src {
	enum part_kind kind;
	const char *today;
	const struct insight_survey *s, *base;
};

/* A part not kept at its live version yet (the builder is a moment
 * behind, or stopped): this worker's own copy of it (key: the part and
 * its live version), else built here when that is cheap. The charts are
 * (a few ms over three years); a survey or a pair is up to
 * PROGRAM_INLINE_ANSWERS answers, else it says it is being counted:
 * never a copy that may be out of date. */
static enum db_rc part_inline(struct ctx *c, const struct part_src *p, const char *key, struct buf *out)
{
	int64_t at;
	const struct buf *hit = icache_get(key, c->now, &at);
	if (hit) {
		buf_append(out, hit->data, hit->len);
		return DB_OK;
	}
	int64_t answered = p->kind == PART_CHARTS ? 0 : p->s->answered + (p->base ? p->base->answered : 0);
	if (answered > PROGRAM_INLINE_ANSWERS) {
		if (p->kind == PART_SURVEY)
			program_survey_pending(p->s, out);
		else
			program_compare_pending(p->s, p->base, out);
		return DB_OK;
	}
	struct buf html = {0};
	int k = c->cfg->survey_k;
	enum db_rc rc = p->kind == PART_CHARTS	 ? program_charts_html(c->db, k, p->today, 1, &html)
			: p->kind == PART_SURVEY ? program_survey_html(c->db, k, p->s, &html)
						 : program_compare_html(c->db, k, p->s, &html);
	if (rc == DB_OK) {
		icache_put(key, c->now, &html);
		buf_append(out, html.data, html.len);
	}
	buf_free(&html);
	return rc;
}

static enum db_rc charts_inline(struct ctx *c, const char *today, const char *want, struct buf *out)
{
	char key[PROGRAM_VERSION_LEN + 4];
	snprintf(key, sizeof(key), "p|%s", want);
	return part_inline(c, &(struct part_src){PART_CHARTS, today, NULL, NULL}, key, out);
}

static enum db_rc survey_inline(struct ctx *c, const struct insight_survey *s, const char *part,
				const char *want, struct buf *out)
{
	char key[PROGRAM_PART_LEN + PROGRAM_VERSION_LEN + 4];
	snprintf(key, sizeof(key), "s|%s|%s", part, want);
	return part_inline(c, &(struct part_src){PART_SURVEY, NULL, s, NULL}, key, out);
}

/* issue 19: a baseline/follow-up pair, as a survey (both surveys' answers
 * count towards what is cheap). */
static enum db_rc compare_inline(struct ctx *c, const struct insight_survey *follow,
				 const struct insight_survey *base, const char *part, const char *want,
				 struct buf *out)
{
	char key[PROGRAM_PART_LEN + PROGRAM_VERSION_LEN + 4];
	snprintf(key, sizeof(key), "c|%s|%s", part, want);
	return part_inline(c, &(struct part_src){PART_COMPARE, NULL, follow, base}, key, out);
}

void page_program(struct ctx *c)
{
	struct fields q;
	if (fields_read(NULL, 0, &c->req->query, &q) != 0) {
		ctx_error(c, 400, "This page takes no query.");
		return;
	}
	char today[11];
	ins_ymd((long)(c->now / 86400), today);
	int k = c->cfg->survey_k;
	/* The live versions first, then the kept parts (one statement). */
	int64_t rev;
	struct program_published *pub = malloc(sizeof(*pub));
	struct found *f = calloc(1, sizeof(*f));
	enum db_rc rc = pub && f ? program_rev(c->db, &rev) : DB_ERR;
	if (rc == DB_OK)
		rc = program_published(c->db, pub);
	if (rc == DB_OK) {
		f->pub = pub;
		program_charts_version(f->charts_want, today, k, rev);
		for (size_t i = 0; i < pub->n; i++) {
			program_survey_part(f->part[i], pub->s[i].id);
			program_survey_version(f->want[i], k, &pub->s[i]);
		}
		for (size_t i = 0; i < pub->npairs; i++) {
			program_compare_part(f->cpart[i], pub->s[pub->pair[i].follow].id);
			program_compare_version(f->cwant[i], k, &pub->s[pub->pair[i].follow],
						&pub->s[pub->pair[i].base]);
		}
		rc = program_parts_each(c->db, 1, found_row, f);
	}
	struct buf html = {0};
	if (rc == DB_OK) {
		if (f->charts_ok)
			buf_append(&html, f->charts.data, f->charts.len);
		else
			rc = charts_inline(c, today, f->charts_want, &html);
	}
	/* Parts that change with people's choices (issue 19's celebrations)
	 * are rendered live on every request and never kept in program_parts:
	 * celebrate_program below fills templates/_program_celebrations.html,
	 * which program.html includes outside the slot. */
	if (rc == DB_OK) {
		buf_puts(&html, "<h2>Survey results</h2>");
		if (pub->n == 0)
			buf_puts(&html, "<p class=\"hint\">No survey results have been published yet.</p>");
	}
	/* issue 19: each baseline/follow-up pair side by side, first */
	for (size_t i = 0; rc == DB_OK && i < pub->npairs; i++) {
		if (f->compare_ok[i])
			buf_append(&html, f->compare[i].data, f->compare[i].len);
		else
			rc = compare_inline(c, &pub->s[pub->pair[i].follow], &pub->s[pub->pair[i].base],
					    f->cpart[i], f->cwant[i], &html);
	}
	for (size_t i = 0; rc == DB_OK && i < pub->n; i++) {
		if (f->survey_ok[i])
			buf_append(&html, f->survey[i].data, f->survey[i].len);
		else
			rc = survey_inline(c, &pub->s[i], f->part[i], f->want[i], &html);
	}
	free(pub);
	if (f)
		found_free(f);
	if (rc != DB_OK || html.oom) {
		buf_free(&html);
		if (rc != DB_OK)
			ctx_store_error(c, rc);
		else
			ctx_error(c, 500, "Tandem ran out of memory for this page. Try again.");
		return;
	}
	view_int(ctx_view(c), "k", k);
	view_int(ctx_view(c), "settle_days", INSIGHT_SETTLE_DAYS);
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
