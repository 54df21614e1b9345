/* /admin/surveys: results with small groups suppressed, and the same
 * results exported as CSV or JSON. Every view and export is audited. */
#include <stdio.h>
#include <string.h>

#include "pages/ctx.h"
#include "pages/routes.h"
#include "store/audit.h"
#include "pages/survey_compare_view.h"
#include "store/survey_builder.h"
#include "store/survey_compare.h"
#include "store/survey_lists.h"
#include "store/survey_report.h"
#include "store/survey_send.h"
#include "store/teams.h"
#include "view/export.h"

static void survey_row(void *arg, const struct survey_summary *s)
{
	struct vrow *r = view_row_new();
	char rate[32];
	snprintf(rate, sizeof(rate), s->invited ? "%lld%%" : "—",
		 s->invited ? (long long)(100 * s->answered / s->invited) : 0LL);
	view_row_int(r, s->id);
	view_row_str(r, s->title);
	view_row_str(r, s->audience);
	view_row_str(r, s->status);
	view_row_int(r, s->invited);
	view_row_int(r, s->answered);
	view_row_str(r, rate);
	view_list_add(arg, r);
}

/* Sets the NAME_max of this page's forms: their field tables come later
 * in this file, with their handlers. */
static void surveys_limits(struct ctx *c);

/* 50 a page, newest first, by key (issue 15). */
#define SURVEYS_PAGE 50

struct survey_lines {
	struct vlist *l;
	int64_t last_id;
};

static void survey_line(void *arg, const struct survey_summary *s)
{
	struct survey_lines *lines = arg;
	survey_row(lines->l, s);
	lines->last_id = s->id;
}

static const struct field_spec list_fields[] = {
	{"before", "Page", FT_INT, 0, 1, 9007199254740991L, NULL, 0},
};
enum { L_BEFORE };

/* The list of surveys with status; title / audience / why: a new survey's
 * form sent back (why NULL: none). */
static void surveys_show(struct ctx *c, int status, const char *title, const char *audience, const char *why)
{
	struct fields f;
	if (fields_read(list_fields, FIELDS(list_fields), &c->req->query, &f) != 0) {
		ctx_error(c, 400, "That page of surveys does not exist: follow the links on /admin/surveys.");
		return;
	}
	struct survey_lines lines = {view_list_new(), 0};
	int more = 0;
	struct view *v = ctx_view(c);
	enum db_rc rc = survey_page(c->db, f.v[L_BEFORE].present ? f.v[L_BEFORE].i : 0, SURVEYS_PAGE,
				    survey_line, &lines, &more);
	view_list_set(v, "surveys", lines.l);
	if (rc != DB_OK) {
		ctx_store_error(c, rc);
		return;
	}
	view_int(v, "more", more);
	view_int(v, "paged", f.v[L_BEFORE].present && f.v[L_BEFORE].i > 0);
	view_int(v, "next_before", lines.last_id);
	view_str(v, "new_title", why ? title : "");
	view_str(v, "new_title_err", why ? why : "");
	const char *aud = why && audience ? audience : "";
	view_str(v, "sel_mentor", strcmp(aud, "mentor") == 0 ? " selected" : "");
	view_str(v, "sel_both", strcmp(aud, "both") == 0 ? " selected" : "");
	surveys_limits(c);
	ctx_render(c, status, "admin_surveys", "Surveys");
}

void page_admin_surveys(struct ctx *c)
{
	surveys_show(c, 200, NULL, NULL, NULL);
}

/* The survey of the path; 404 (or a store error) answered when none. */
static int load_survey(struct ctx *c, struct survey_meta *m)
{
	enum db_rc rc = survey_meta(c->db, c->req->ids[0], m);
	if (rc == DB_NOTFOUND)
		ctx_error(c, 404, "There is no such survey.");
	else if (rc != DB_OK)
		ctx_store_error(c, rc);
	return rc == DB_OK ? 0 : -1;
}

static void audit_view(struct ctx *c, const char *format)
{
	audit_add(c->db, c->now, "survey_results_viewed", c->user.id, c->req->ids[0], c->req->ip, format);
}

/* A shown figure, or "hidden" (never "fewer than k": a figure hidden to
 * protect another may hold more). */
static const char *figure(char out[24], int v, int hidden)
{
	return hidden ? "hidden" : str_u64(out, (unsigned long long)(v < 0 ? 0 : v));
}

static void mean_text(char *out, size_t n, const struct report_row *row)
{
	if (row->has_mean)
		snprintf(out, n, "%.2f", row->mean);
	else
		out[0] = '\0';
}

/* The page's table: per question its "all" row, then (closed surveys)
 * the shown groups and, per dimension, what the hidden groups hold
 * together (0 or at least k, never named). */
static struct vlist *result_rows(const struct report *r)
{
	struct vlist *l = view_list_new();
	for (int i = 0; i < r->nq; i++) {
		const struct report_question *q = &r->q[i];
		for (int j = 0; j < q->nrows && (q->shown || j == 0); j++) {
			const struct report_row *row = &q->rows[j];
			struct vrow *vr = view_row_new();
			char m[32], nb[24];
			view_row_str(vr, j == 0 ? q->prompt : "");
			view_row_str(vr, strcmp(row->dimension, "all") == 0 ? "All answers" : row->dimension);
			view_row_str(vr, strcmp(row->dimension, "all") == 0 ? "" : row->group);
			view_row_int(vr, !q->shown);
			view_row_str(vr, figure(nb, row->n, 0));
			mean_text(m, sizeof(m), row);
			view_row_str(vr, m);
			struct buf dist = {0};
			for (int b = 0; b < q->nb; b++) {
				char cb[24];
				buf_printf(&dist, "%s%s: %s", b ? ", " : "", q->labels[b],
					   figure(cb, row->count[b], row->hid[b]));
			}
			view_row_str(vr, buf_str(&dist));
			buf_free(&dist);
			view_list_add(l, vr);
		}
		for (int d = 0; r->closed && q->shown && d < REPORT_DIMS; d++) {
			if (!q->withheld[d] && !q->hidden_in[d])
				continue;
			struct vrow *vr = view_row_new();
			char nb[24];
			view_row_str(vr, "");
			view_row_str(vr, report_dims[d]);
			view_row_str(vr, q->withheld[d]
						 ? "not shown: its figures together could single people out"
						 : "groups too small to show, together");
			view_row_int(vr, 0);
			view_row_str(vr, q->withheld[d] ? "" : figure(nb, q->hidden_in[d], 0));
			view_row_str(vr, "");
			view_row_str(vr, "");
			view_list_add(l, vr);
		}
	}
	return l;
}

static void question_row(void *arg, const struct question_line *q)
{
	struct vrow *row = view_row_new();
	view_row_int(row, q->position);
	view_row_str(row, q->kind);
	view_row_str(row, q->prompt);
	view_row_int(row, q->required);
	view_row_int(row, q->id);
	view_list_add(arg, row);
}

enum { Q_KIND, Q_PROMPT, Q_LOW, Q_HIGH, Q_CHOICES, Q_MAX_LEN, Q_REQUIRED, NQ_FIELDS };
static const char *const kinds[] = {"rating", "choice", "text", NULL};
static const struct field_spec q_fields[] = {
	[Q_KIND] = {"kind", "Kind", FT_CHOICE, 1, 0, 0, kinds, 0},
	[Q_PROMPT] = {"prompt", "Question", FT_LINE, 1, 3, 300, NULL, 0},
	[Q_LOW] = {"low_label", "Low end", FT_LINE, 0, 0, 60, NULL, 0},
	[Q_HIGH] = {"high_label", "High end", FT_LINE, 0, 0, 60, NULL, 0},
	[Q_CHOICES] = {"choices", "Choices", FT_TEXT, 0, 0, 500, NULL, 0},
	[Q_MAX_LEN] = {"max_len", "Length limit", FT_INT, 0, 10, SURVEY_TEXT_MAX, NULL, 0},
	[Q_REQUIRED] = {"required", "Required", FT_FLAG, 0, 0, 0, NULL, 0},
};

/* issue 19: the send and baseline forms as they came back (422): what
 * was chosen and why it was refused. */
struct send_form {
	const char *audience, *team, *err;
	const char *baseline, *baseline_err;
};

static void team_option(void *arg, int64_t id, const char *name)
{
	(void)id;
	struct vrow *r = view_row_new();
	view_row_str(r, name);
	view_list_add(arg, r);
}

static void baseline_option(void *arg, int64_t id, const char *title)
{
	struct vrow *r = view_row_new();
	char nb[24];
	view_row_str(r, str_u64(nb, (unsigned long long)id)); /* compared with the chosen one */
	view_row_str(r, title ? title : "");
	view_list_add(arg, r);
}

/* The send form (audiences, the teams list), the baseline form and, for
 * a follow-up, its comparison with the baseline. 0, or -1 with the store
 * error answered. */
static int send_and_compare(struct ctx *c, const char *title, const struct send_form *sf)
{
	struct view *v = ctx_view(c);
	struct vlist *teams = view_list_new(), *surveys = view_list_new();
	enum db_rc rc = teams_each(c->db, 1000, team_option, teams);
	view_list_set(v, "teams", teams);
	if (rc == DB_OK)
		rc = survey_baseline_choices(c->db, c->req->ids[0], 200, baseline_option, surveys);
	view_list_set(v, "baseline_choices", surveys);
	if (rc != DB_OK) {
		ctx_store_error(c, rc);
		return -1;
	}
	int64_t base = survey_baseline_of(c->db, c->req->ids[0]);
	char nb[24];
	view_str(v, "send_audience", sf && sf->audience ? sf->audience : "all");
	view_str(v, "send_team", sf && sf->team ? sf->team : "");
	view_str(v, "send_err", sf && sf->err ? sf->err : "");
	view_str(v, "baseline",
		 sf && sf->baseline ? sf->baseline
		 : base		    ? str_u64(nb, (unsigned long long)base)
				    : "");
	view_str(v, "baseline_err", sf && sf->baseline_err ? sf->baseline_err : "");
	struct compare cmp;
	int built = survey_compare_build(c->db, c->req->ids[0], c->cfg->survey_k, 0, &cmp);
	if (built < 0) {
		ctx_store_error(c, DB_ERR);
		return -1;
	}
	struct buf html = {0};
	/* The baseline's figures are shown too: a view of its results. */
	if (built) {
		compare_html(&html, &cmp, title);
		audit_add(c->db, c->now, "survey_results_viewed", c->user.id, cmp.baseline, c->req->ip,
			  "compare");
	}
	view_trusted_html(v, "compare_html", buf_str(&html));
	buf_free(&html);
	if (built)
		compare_free(&cmp);
	return 0;
}

/* The results page, with the add-question form holding f's values and
 * messages when it came back (422), and the send and baseline forms
 * holding sf's (issue 19). */
static void show_survey(struct ctx *c, int status, const struct fields *f, const struct send_form *sf)
{
	struct survey_meta m;
	if (load_survey(c, &m) != 0)
		return;
	struct report r;
	if (report_build(c->db, c->req->ids[0], c->cfg->survey_k, m.show_text, &r) != 0) {
		ctx_store_error(c, DB_ERR);
		return;
	}
	struct view *v = ctx_view(c);
	view_list_set(v, "groups", result_rows(&r));
	view_strlist_set(v, "comments", (const char *const *)r.comments, r.ncomments);
	view_int(v, "id", c->req->ids[0]);
	view_int(v, "k", r.k);
	view_int(v, "pending", r.pending);
	view_int(v, "show_text", m.show_text);
	view_str(v, "survey_title", m.title);
	view_str(v, "status", m.status);
	report_free(&r);
	ctx_form_values(c, q_fields, NQ_FIELDS, f);
	/* A new form: a required rating question, 1,000 characters for text. */
	view_str(v, "kind", f ? f->v[Q_KIND].s : "rating");
	view_str(v, "max_len", f ? f->v[Q_MAX_LEN].s : "1000");
	view_int(v, "required_on", f ? f->v[Q_REQUIRED].i : 1);
	struct vlist *ql = view_list_new();
	enum db_rc rc = survey_each_question(c->db, c->req->ids[0], question_row, ql);
	view_list_set(v, "questions", ql);
	if (rc != DB_OK) {
		ctx_store_error(c, rc);
		return;
	}
	if (send_and_compare(c, m.title, sf) != 0)
		return;
	audit_view(c, "page");
	ctx_render(c, status, "admin_survey", m.title);
}

void page_admin_survey(struct ctx *c)
{
	show_survey(c, 200, NULL, NULL);
}

static void json_row(struct buf *out, const struct report_question *q, const struct report_row *row)
{
	char nb[24], m[32];
	buf_puts(out, "{\"dimension\":");
	export_json_str(out, row->dimension);
	buf_puts(out, ",\"group\":");
	export_json_str(out, row->group);
	buf_puts(out, ",\"answers\":");
	buf_puts(out, figure(nb, row->n, 0));
	buf_puts(out, ",\"mean\":");
	mean_text(m, sizeof(m), row);
	buf_puts(out, m[0] ? m : "null");
	buf_puts(out, ",\"counts\":{");
	for (int b = 0; b < q->nb; b++) {
		if (b)
			buf_puts(out, ",");
		export_json_str(out, q->labels[b]);
		buf_puts(out, ":");
		if (row->hid[b])
			buf_puts(out, "\"hidden\"");
		else
			buf_puts(out, figure(nb, row->count[b], 0));
	}
	buf_puts(out, "}}");
}

static void json_report(struct buf *out, const char *title, const struct report *r)
{
	char nb[24];
	buf_puts(out, "{\"survey\":");
	export_json_str(out, title);
	buf_printf(out, ",\"k\":%d,\"status\":\"%s\",\"pending\":%ld,\"questions\":[", r->k,
		   r->closed ? "closed" : "open", r->pending);
	for (int i = 0; i < r->nq; i++) {
		const struct report_question *q = &r->q[i];
		buf_printf(out, "%s{\"id\":%lld,\"question\":", i ? "," : "", (long long)q->id);
		export_json_str(out, q->prompt);
		buf_puts(out, ",\"kind\":");
		export_json_str(out, q->kind);
		buf_puts(out, ",\"answers\":");
		if (q->shown)
			buf_puts(out, figure(nb, q->n, 0));
		else
			buf_puts(out, "\"hidden\"");
		buf_puts(out, ",\"rows\":[");
		for (int j = 0; q->shown && j < q->nrows; j++) {
			if (j)
				buf_puts(out, ",");
			json_row(out, q, &q->rows[j]);
		}
		buf_puts(out, "],\"hidden_groups\":{");
		int first = 1;
		for (int d = 0; r->closed && q->shown && d < REPORT_DIMS; d++) {
			if (q->withheld[d])
				continue;
			buf_puts(out, first ? "" : ",");
			first = 0;
			export_json_str(out, report_dims[d]);
			buf_printf(out, ":%d", q->hidden_in[d]);
		}
		buf_puts(out, "},\"withheld\":[");
		first = 1;
		for (int d = 0; r->closed && q->shown && d < REPORT_DIMS; d++) {
			if (!q->withheld[d])
				continue;
			buf_puts(out, first ? "" : ",");
			first = 0;
			export_json_str(out, report_dims[d]);
		}
		buf_puts(out, "]}");
	}
	buf_puts(out, "],\"comments\":[");
	for (int i = 0; i < r->ncomments; i++) {
		if (i)
			buf_puts(out, ",");
		export_json_str(out, r->comments[i]);
	}
	buf_puts(out, "]}");
}

static void csv_line(struct buf *out, const struct report_question *q, const char *dim, const char *group,
		     const char *answers, const char *mean, const char *label, const char *count)
{
	char id[24];
	export_csv_cell(out, str_u64(id, (unsigned long long)q->id), 0);
	export_csv_cell(out, q->prompt, 0);
	export_csv_cell(out, dim, 0);
	export_csv_cell(out, group, 0);
	export_csv_cell(out, answers, 0);
	export_csv_cell(out, mean, 0);
	export_csv_cell(out, label, 0);
	export_csv_cell(out, count, 1);
}

static void csv_report(struct buf *out, const struct report *r)
{
	buf_puts(out, "\"question_id\",\"question\",\"dimension\",\"group\",\"answers\",\"mean\",\"answer\","
		      "\"count\"\r\n");
	for (int i = 0; i < r->nq; i++) {
		const struct report_question *q = &r->q[i];
		if (!q->shown) {
			csv_line(out, q, "all", "All answers", "hidden", "", "", "");
			continue;
		}
		for (int j = 0; j < q->nrows; j++) {
			const struct report_row *row = &q->rows[j];
			char nb[24], cb[24], m[32];
			mean_text(m, sizeof(m), row);
			for (int b = 0; b < q->nb; b++)
				csv_line(out, q, row->dimension, row->group, figure(nb, row->n, 0), m,
					 q->labels[b], figure(cb, row->count[b], row->hid[b]));
		}
		for (int d = 0; r->closed && d < REPORT_DIMS; d++) {
			char nb[24];
			if (q->withheld[d])
				csv_line(out, q, report_dims[d], "not shown", "withheld", "", "", "");
			else if (q->hidden_in[d])
				csv_line(out, q, report_dims[d], "groups too small to show, together",
					 figure(nb, q->hidden_in[d], 0), "", "", "");
		}
	}
	for (int i = 0; i < r->ncomments; i++) {
		export_csv_cell(out, "", 0);
		export_csv_cell(out, "comment", 0);
		export_csv_cell(out, "all", 0);
		export_csv_cell(out, "", 0);
		export_csv_cell(out, "", 0);
		export_csv_cell(out, "", 0);
		export_csv_cell(out, r->comments[i], 0);
		export_csv_cell(out, "", 1);
	}
}

static void export(struct ctx *c, int json)
{
	struct survey_meta m;
	if (load_survey(c, &m) != 0)
		return;
	struct report r;
	if (report_build(c->db, c->req->ids[0], c->cfg->survey_k, m.show_text, &r) != 0) {
		ctx_store_error(c, DB_ERR);
		return;
	}
	struct buf *out = &c->resp->body;
	buf_reset(out);
	if (json)
		json_report(out, m.title, &r);
	else
		csv_report(out, &r);
	report_free(&r);
	audit_view(c, json ? "json" : "csv");
	c->resp->status = 200;
	c->resp->content_type = json ? "application/json; charset=utf-8" : "text/csv; charset=utf-8";
	char disp[80];
	snprintf(disp, sizeof(disp), "attachment; filename=\"survey-%lld.%s\"", (long long)c->req->ids[0],
		 json ? "json" : "csv");
	resp_header(c->resp, "Content-Disposition", disp);
}

void page_admin_survey_csv(struct ctx *c)
{
	export(c, 0);
}

void page_admin_survey_json(struct ctx *c)
{
	export(c, 1);
}

static const struct field_spec text_fields[] = {{"show_text", "Show comments", FT_FLAG, 0, 0, 0, NULL, 0}};
enum { T_SHOW_TEXT };

static void back(struct ctx *c, int64_t id, const char *flash)
{
	ctx_flash(c, flash);
	char loc[64];
	snprintf(loc, sizeof(loc), "/admin/surveys/%lld", (long long)id);
	resp_redirect(c->resp, loc);
}

static struct survey_actor actor(const struct ctx *c)
{
	return (struct survey_actor){c->user.id, c->now, c->req->ip};
}

void page_admin_survey_text(struct ctx *c)
{
	struct fields f;
	if (fields_read(text_fields, FIELDS(text_fields), &c->req->body, &f) != 0) {
		ctx_error(c, 400, "The form had fields Tandem does not know.");
		return;
	}
	struct survey_actor who = actor(c);
	enum db_rc rc = survey_set_show_text(c->db, c->req->ids[0], (int)f.v[T_SHOW_TEXT].i, &who);
	if (rc == DB_NOTFOUND) {
		ctx_error(c, 404, "There is no such survey.");
		return;
	}
	if (rc != DB_OK) {
		ctx_store_error(c, rc);
		return;
	}
	back(c, c->req->ids[0],
	     f.v[T_SHOW_TEXT].i ? "Comments are shown for questions with 10 or more answers, anonymised."
				: "Comments are hidden.");
}

static const char *const audiences[] = {"mentee", "mentor", "both", NULL};
static const struct field_spec new_fields[] = {
	{"title", "Title", FT_LINE, 1, 3, 200, NULL, 0},
	{"audience", "Audience", FT_CHOICE, 1, 0, 0, audiences, 0},
};
enum { NS_TITLE, NS_AUDIENCE, NS_COUNT };
_Static_assert(NS_COUNT == FIELDS(new_fields), "one name per field of new_fields, in order");

void page_admin_survey_create(struct ctx *c)
{
	struct fields f;
	int st = fields_read(new_fields, FIELDS(new_fields), &c->req->body, &f);
	if (st == 400) {
		ctx_error(c, 400, "The form had fields or choices Tandem does not know.");
		return;
	}
	if (st) {
		surveys_show(c, 422, f.v[NS_TITLE].s, f.v[NS_AUDIENCE].s,
			     f.err[NS_TITLE] ? "Give the survey a title of 3 to 200 characters. Nothing was "
					       "created."
					     : "Choose who the survey is for. Nothing was created.");
		return;
	}
	struct survey_actor who = actor(c);
	int64_t id = 0;
	enum db_rc rc = survey_create(c->db, f.v[NS_TITLE].s, f.v[NS_AUDIENCE].s, &who, &id);
	if (rc != DB_OK) {
		ctx_store_error(c, rc);
		return;
	}
	back(c, id, "Draft created. Add its questions, then open it.");
}

/* 404, 409 or a store error for a refused edit; 0 when it went through. */
static int refused(struct ctx *c, enum survey_edit e)
{
	switch (e) {
	case EDIT_OK: return 0;
	case EDIT_NO_SURVEY: ctx_error(c, 404, "There is no such survey."); break;
	case EDIT_NO_QUESTION: ctx_error(c, 404, "There is no such question in this survey."); break;
	case EDIT_FROZEN:
		ctx_error(c, 409, "This survey is open or closed: its questions are frozen.");
		break;
	case EDIT_FULL: ctx_error(c, 409, "A survey has at most 40 questions. Nothing was added."); break;
	case EDIT_EMPTY: ctx_error(c, 409, "Add at least one question first."); break;
	case EDIT_STATE:
		ctx_error(c, 409, "Only a draft can be opened, and only an open survey closed.");
		break;
	case EDIT_DB_BUSY:
	case EDIT_DB_ERR:
	case EDIT_DB_FULL: ctx_store_error(c, e); break;
	}
	return -1;
}

void page_admin_survey_question(struct ctx *c)
{
	struct fields f;
	int st = fields_read(q_fields, NQ_FIELDS, &c->req->body, &f);
	if (st == 400) {
		ctx_error(c, 400, "The form had fields or choices Tandem does not know.");
		return;
	}
	/* Each choice trimmed, blank lines dropped: an answer is compared
	 * trimmed (http/fields.c), so a choice kept as "Yes " could never be
	 * chosen. */
	struct buf choices = {0};
	int nchoices = 0;
	for (const char *p = f.v[Q_CHOICES].s; *p;) {
		const char *eol = strchr(p, '\n');
		const char *end = eol ? eol : p + strlen(p);
		const char *a = p, *b = end;
		while (a < b && strchr(" \t\r", *a))
			a++;
		while (b > a && strchr(" \t\r", b[-1]))
			b--;
		if (b > a) {
			if (nchoices++)
				buf_puts(&choices, "\n");
			buf_append(&choices, a, (size_t)(b - a));
		}
		p = eol ? eol + 1 : end;
	}
	if (choices.oom) {
		buf_free(&choices);
		ctx_store_error(c, DB_ERR);
		return;
	}
	if (!st && strcmp(f.v[Q_KIND].s, "choice") == 0 && (nchoices < 2 || nchoices > SURVEY_MAX_CHOICES)) {
		fields_fail(&f, Q_CHOICES, "A single-choice question needs 2 to 6 choices, one per line.");
		st = 422;
	}
	if (st == 422) {
		buf_free(&choices);
		show_survey(c, 422, &f, NULL);
		return;
	}
	struct question_draft q = {
		.kind = f.v[Q_KIND].s,
		.prompt = f.v[Q_PROMPT].s,
		.low = f.v[Q_LOW].s,
		.high = f.v[Q_HIGH].s,
		.choices = buf_str(&choices),
		.max_len = f.v[Q_MAX_LEN].present && *f.v[Q_MAX_LEN].s ? (int)f.v[Q_MAX_LEN].i : 1000,
		.required = (int)f.v[Q_REQUIRED].i,
	};
	enum survey_edit e = survey_add_question(c->db, c->req->ids[0], &q);
	buf_free(&choices);
	if (refused(c, e))
		return;
	back(c, c->req->ids[0], "Question added.");
}

static const char *const statuses[] = {"open", "closed", NULL};
static const struct field_spec status_fields[] = {{"status", "Status", FT_CHOICE, 1, 0, 0, statuses, 0}};
enum { ST_STATUS };

void page_admin_survey_status(struct ctx *c)
{
	struct fields f;
	if (fields_read(status_fields, FIELDS(status_fields), &c->req->body, &f) != 0) {
		ctx_error(c, 400, "Choose open or closed.");
		return;
	}
	int to_open = strcmp(f.v[ST_STATUS].s, "open") == 0;
	struct survey_actor who = actor(c);
	long withheld = 0;
	if (refused(c, survey_set_status(c->db, c->req->ids[0], to_open, c->cfg->survey_k, &who, &withheld)))
		return;
	char msg[200];
	if (to_open)
		snprintf(msg, sizeof(msg),
			 "Survey opened: its questions are now frozen, and people are invited when a "
			 "mentorship "
			 "ends.");
	else if (withheld)
		snprintf(msg, sizeof(msg),
			 "Survey closed. %ld answer%s waited for a batch of %d and will never be shown: too "
			 "few to "
			 "show safely.",
			 withheld, withheld == 1 ? "" : "s", c->cfg->survey_k);
	else
		snprintf(msg, sizeof(msg),
			 "Survey closed. Results by role, team and quarter are shown where they "
			 "are safe to show.");
	back(c, c->req->ids[0], msg);
}

void page_admin_survey_question_delete(struct ctx *c)
{
	struct fields f;
	if (fields_read(status_fields, 0, &c->req->body, &f) != 0) {
		ctx_error(c, 400, "This form takes no fields.");
		return;
	}
	if (refused(c, survey_remove_question(c->db, c->req->ids[0], c->req->ids[1])))
		return;
	back(c, c->req->ids[0], "Question removed.");
}

static void surveys_limits(struct ctx *c)
{
	ctx_field_limits(c, new_fields, FIELDS(new_fields));
}

/* issue 19: POST /admin/surveys/{id}/send (audience, team) and
 * POST /admin/surveys/{id}/compare (baseline). */
enum { SD_AUDIENCE, SD_TEAM, NSD_FIELDS };
static const struct field_spec send_fields[] = {
	[SD_AUDIENCE] = {"audience", "Audience", FT_LINE, 0, 0, 20, NULL, 0},
	[SD_TEAM] = {"team", "Team", FT_LINE, 0, 0, 60, NULL, 0},
};

/* The survey page again, the send form holding what was chosen. */
static void send_refused(struct ctx *c, int status, const struct fields *f, const char *msg)
{
	struct send_form sf = {f->v[SD_AUDIENCE].s, f->v[SD_TEAM].s, msg, NULL, NULL};
	show_survey(c, status, NULL, &sf);
}

void page_admin_survey_send(struct ctx *c)
{
	struct fields f;
	int st = fields_read(send_fields, NSD_FIELDS, &c->req->body, &f);
	if (st == 400) {
		ctx_error(c, 400, "The form had fields Tandem does not know.");
		return;
	}
	int a = st ? -1 : survey_audience_parse(f.v[SD_AUDIENCE].s);
	if (a < 0) {
		send_refused(c, 422, &f,
			     "Choose who receives the survey: pairs who finished a mentorship, all active "
			     "members, members who never took part, or one team. Nobody was invited.");
		return;
	}
	if (a == AUD_TEAM && !*f.v[SD_TEAM].s) {
		send_refused(c, 422, &f, "Choose the team to send the survey to. Nobody was invited.");
		return;
	}
	struct survey_actor who = actor(c);
	struct send_result res;
	char msg[400];
	enum send_rc r = survey_send(c->db, c->req->ids[0], (enum survey_audience)a, f.v[SD_TEAM].s,
				     c->cfg->survey_k, &who, &res);
	switch (r) {
	case SEND_OK: break;
	case SEND_NO_SURVEY: ctx_error(c, 404, "There is no such survey."); return;
	case SEND_NOT_OPEN:
		send_refused(c, 409, &f,
			     "Only an open survey can be sent: open it first. Nobody was invited.");
		return;
	case SEND_NOT_WIDE:
		send_refused(
			c, 422, &f,
			"This survey is for one role (mentees or mentors): it goes to pairs who finished a "
			"mentorship only. To ask all members, the wider team or a team, create a survey for "
			"both. Nobody was invited.");
		return;
	case SEND_NO_TEAM:
		send_refused(
			c, 422, &f,
			"That team is not on the list of teams (/admin/teams): choose one from the list. "
			"Nobody was invited.");
		return;
	case SEND_TEAM_SMALL:
		snprintf(msg, sizeof(msg),
			 "This team has %lld active member%s, fewer than %d: answers from so few could never "
			 "be "
			 "shown safely. Nobody was invited.",
			 (long long)res.team_members, res.team_members == 1 ? "" : "s", c->cfg->survey_k);
		send_refused(c, 422, &f, msg);
		return;
	case SEND_DB_BUSY:
	case SEND_DB_ERR:
	case SEND_DB_FULL: ctx_store_error(c, r); return;
	}
	snprintf(msg, sizeof(msg), "Invited %lld %s; %lld of this audience %s invited already.",
		 (long long)res.invited, res.invited == 1 ? "person" : "people", (long long)res.already,
		 res.already == 1 ? "was" : "were");
	back(c, c->req->ids[0], msg);
}

enum { CMP_BASELINE, NCMP_FIELDS };
static const struct field_spec compare_fields[] = {
	[CMP_BASELINE] = {"baseline", "Baseline", FT_INT, 0, 0, 9007199254740991L, NULL, 0},
};

void page_admin_survey_compare(struct ctx *c)
{
	struct fields f;
	int st = fields_read(compare_fields, NCMP_FIELDS, &c->req->body, &f);
	if (st == 400) {
		ctx_error(c, 400, "The form had fields Tandem does not know.");
		return;
	}
	struct survey_meta m;
	if (load_survey(c, &m) != 0)
		return;
	struct send_form sf = {NULL, NULL, NULL, f.v[CMP_BASELINE].s, NULL};
	if (st == 422) {
		sf.baseline_err = "Choose a survey from the list.";
		show_survey(c, 422, NULL, &sf);
		return;
	}
	int64_t base = f.v[CMP_BASELINE].present && *f.v[CMP_BASELINE].s ? f.v[CMP_BASELINE].i : 0;
	struct survey_actor who = actor(c);
	enum db_rc rc = survey_set_baseline(c->db, c->req->ids[0], base, &who);
	if (rc == DB_NOTFOUND || rc == DB_CONFLICT) {
		sf.baseline_err = rc == DB_NOTFOUND
					  ? "There is no such survey: choose one from the list."
					  : "A survey cannot be its own baseline, nor the baseline of its "
					    "own baseline.";
		show_survey(c, 422, NULL, &sf);
		return;
	}
	if (rc != DB_OK) {
		ctx_store_error(c, rc);
		return;
	}
	back(c, c->req->ids[0],
	     base ? "Baseline set: the questions both surveys share are shown side by side below."
		  : "This survey has no baseline now.");
}
