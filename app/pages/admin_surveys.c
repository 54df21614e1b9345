/* /admin/surveys: results with small groups suppressed, and the same
 * results exported as CSV or JSON. Every view and export is audited. */
#include <stdio.h>
#include <string.h>

#include "pages/ctx.h"
#include "pages/routes.h"
#include "store/audit.h"
#include "store/survey_report.h"
#include "view/export.h"

static void survey_status(struct ctx *c, char *out, size_t n);

void page_admin_surveys(struct ctx *c)
{
	sqlite3_stmt *st = DB_STMT(
		c->db, "SELECT s.id, s.title, s.audience, s.status, "
		       "(SELECT count(*) FROM survey_invitations i WHERE i.survey_id = s.id), "
		       "(SELECT count(*) FROM survey_invitations i WHERE i.survey_id = s.id AND i.answered) "
		       "FROM surveys s ORDER BY s.id");
	struct vlist *l = view_list_new();
	while (st && sqlite3_step(st) == SQLITE_ROW) {
		struct vrow *r = view_row_new();
		int64_t inv = sqlite3_column_int64(st, 4), ans = sqlite3_column_int64(st, 5);
		char rate[32];
		snprintf(rate, sizeof(rate), inv ? "%lld%%" : "—", inv ? (long long)(100 * ans / inv) : 0LL);
		view_row_int(r, sqlite3_column_int64(st, 0));
		view_row_str(r, (const char *)sqlite3_column_text(st, 1));
		view_row_str(r, (const char *)sqlite3_column_text(st, 2));
		view_row_str(r, (const char *)sqlite3_column_text(st, 3));
		view_row_int(r, inv);
		view_row_int(r, ans);
		view_row_str(r, rate);
		view_list_add(l, r);
	}
	if (st)
		sqlite3_reset(st);
	view_list_set(ctx_view(c), "surveys", l);
	ctx_render(c, 200, "admin_surveys", "Surveys");
}

/* The survey's title and text switch; 404 when there is no such survey. */
static int load_survey(struct ctx *c, char *title, size_t n, int *show_text)
{
	sqlite3_stmt *st = DB_STMT(c->db, "SELECT title, show_text FROM surveys WHERE id = :id");
	if (!st) {
		ctx_store_error(c, DB_ERR);
		return -1;
	}
	db_bind_int(st, ":id", c->req->ids[0]);
	int found = sqlite3_step(st) == SQLITE_ROW;
	if (found) {
		str_copy(title, n, (const char *)sqlite3_column_text(st, 0));
		*show_text = sqlite3_column_int(st, 1);
	}
	sqlite3_reset(st);
	if (!found)
		ctx_error(c, 404, "There is no such survey.");
	return found ? 0 : -1;
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
			if (!q->hidden_in[d])
				continue;
			struct vrow *vr = view_row_new();
			char nb[24];
			view_row_str(vr, "");
			view_row_str(vr, report_dims[d]);
			view_row_str(vr, "groups too small to show, together");
			view_row_int(vr, 0);
			view_row_str(vr, figure(nb, q->hidden_in[d], 0));
			view_row_str(vr, "");
			view_row_str(vr, "");
			view_list_add(l, vr);
		}
	}
	return l;
}

void page_admin_survey(struct ctx *c)
{
	char title[804];
	int show_text = 0;
	if (load_survey(c, title, sizeof(title), &show_text) != 0)
		return;
	struct report r;
	if (report_build(c->db, c->req->ids[0], c->cfg->survey_k, show_text, &r) != 0) {
		ctx_store_error(c, DB_ERR);
		return;
	}
	struct view *v = ctx_view(c);
	view_list_set(v, "groups", result_rows(&r));
	view_strlist_set(v, "comments", (const char *const *)r.comments, r.ncomments);
	view_int(v, "id", c->req->ids[0]);
	view_int(v, "k", r.k);
	view_int(v, "pending", r.pending);
	view_int(v, "show_text", show_text);
	view_str(v, "survey_title", title);
	char status[16];
	survey_status(c, status, sizeof(status));
	view_str(v, "status", status);
	struct vlist *ql = view_list_new();
	sqlite3_stmt *qs = DB_STMT(c->db, "SELECT position, kind, prompt, required, id FROM survey_questions "
					  "WHERE survey_id = :s ORDER BY position");
	if (qs) {
		db_bind_int(qs, ":s", c->req->ids[0]);
		while (sqlite3_step(qs) == SQLITE_ROW) {
			struct vrow *row = view_row_new();
			view_row_int(row, sqlite3_column_int(qs, 0));
			view_row_str(row, (const char *)sqlite3_column_text(qs, 1));
			view_row_str(row, (const char *)sqlite3_column_text(qs, 2));
			view_row_int(row, sqlite3_column_int(qs, 3));
			view_row_int(row, sqlite3_column_int64(qs, 4));
			view_list_add(ql, row);
		}
		sqlite3_reset(qs);
	}
	view_list_set(v, "questions", ql);
	report_free(&r);
	audit_view(c, "page");
	ctx_render(c, 200, "admin_survey", title);
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
		for (int d = 0; r->closed && q->shown && d < REPORT_DIMS; d++) {
			if (d)
				buf_puts(out, ",");
			export_json_str(out, report_dims[d]);
			buf_printf(out, ":%d", q->hidden_in[d]);
		}
		buf_puts(out, "}}");
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
			if (q->hidden_in[d])
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
	char title[804];
	int show_text = 0;
	if (load_survey(c, title, sizeof(title), &show_text) != 0)
		return;
	struct report r;
	if (report_build(c->db, c->req->ids[0], c->cfg->survey_k, show_text, &r) != 0) {
		ctx_store_error(c, DB_ERR);
		return;
	}
	struct buf *out = &c->resp->body;
	buf_reset(out);
	if (json)
		json_report(out, title, &r);
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

void page_admin_survey_text(struct ctx *c)
{
	struct fields f;
	if (fields_read(text_fields, 1, &c->req->body, &f) != 0) {
		ctx_error(c, 400, "The form had fields Tandem does not know.");
		return;
	}
	enum db_rc rc = db_begin(c->db);
	sqlite3_stmt *st = DB_STMT(c->db, "UPDATE surveys SET show_text = :v WHERE id = :id");
	if (rc == DB_OK && st) {
		db_bind_int(st, ":v", f.v[0].i);
		db_bind_int(st, ":id", c->req->ids[0]);
		rc = db_exec_step(st);
		if (rc == DB_OK && sqlite3_changes(db_handle(c->db)) == 0)
			rc = DB_NOTFOUND;
		if (rc == DB_OK)
			rc = audit_add(c->db, c->now, "survey_comments_toggled", c->user.id, c->req->ids[0],
				       c->req->ip, f.v[0].i ? "on" : "off");
		rc = db_end(c->db, rc);
	}
	if (rc == DB_NOTFOUND) {
		ctx_error(c, 404, "There is no such survey.");
		return;
	}
	if (rc != DB_OK) {
		ctx_store_error(c, rc);
		return;
	}
	ctx_flash(c, f.v[0].i ? "Comments are shown for questions with 10 or more answers, anonymised."
			      : "Comments are hidden.");
	char loc[64];
	snprintf(loc, sizeof(loc), "/admin/surveys/%lld", (long long)c->req->ids[0]);
	resp_redirect(c->resp, loc);
}

static const char *const audiences[] = {"mentee", "mentor", "both", NULL};
static const struct field_spec new_fields[] = {
	{"title", "Title", FT_LINE, 1, 3, 200, NULL, 0},
	{"audience", "Audience", FT_CHOICE, 1, 0, 0, audiences, 0},
};

void page_admin_survey_create(struct ctx *c)
{
	struct fields f;
	int st = fields_read(new_fields, 2, &c->req->body, &f);
	if (st) {
		ctx_error(c, st,
			  st == 400 ? "The form had fields or choices Tandem does not know."
				    : "Give the survey a title of 3 to 200 characters. Nothing was created.");
		return;
	}
	enum db_rc rc = db_begin(c->db);
	sqlite3_stmt *ins = DB_STMT(c->db, "INSERT INTO surveys(title, audience) VALUES (:t, :a)");
	int64_t id = 0;
	if (rc == DB_OK && ins) {
		db_bind_text(ins, ":t", f.v[0].s);
		db_bind_text(ins, ":a", f.v[1].s);
		rc = db_exec_step(ins);
		id = sqlite3_last_insert_rowid(db_handle(c->db));
		if (rc == DB_OK)
			rc = audit_add(c->db, c->now, "survey_created", c->user.id, id, c->req->ip, NULL);
		rc = db_end(c->db, rc);
	}
	if (rc != DB_OK) {
		ctx_store_error(c, rc);
		return;
	}
	ctx_flash(c, "Draft created. Add its questions, then open it.");
	char loc[64];
	snprintf(loc, sizeof(loc), "/admin/surveys/%lld", (long long)id);
	resp_redirect(c->resp, loc);
}

/* Inside a transaction: the survey's status, or "" when there is none. */
static void survey_status(struct ctx *c, char *out, size_t n)
{
	out[0] = '\0';
	sqlite3_stmt *st = DB_STMT(c->db, "SELECT status FROM surveys WHERE id = :id");
	if (!st)
		return;
	db_bind_int(st, ":id", c->req->ids[0]);
	if (sqlite3_step(st) == SQLITE_ROW)
		snprintf(out, n, "%s", (const char *)sqlite3_column_text(st, 0));
	sqlite3_reset(st);
}

static void back(struct ctx *c, const char *flash)
{
	ctx_flash(c, flash);
	char loc[64];
	snprintf(loc, sizeof(loc), "/admin/surveys/%lld", (long long)c->req->ids[0]);
	resp_redirect(c->resp, loc);
}

/* Start a write transaction on a survey that is still a draft; otherwise
 * answer 404 (no survey) or 409 (questions frozen) and return -1. */
static int begin_draft(struct ctx *c)
{
	char status[16];
	enum db_rc rc = db_begin(c->db);
	if (rc != DB_OK) {
		ctx_store_error(c, rc);
		return -1;
	}
	survey_status(c, status, sizeof(status));
	if (strcmp(status, "draft") == 0)
		return 0;
	db_rollback(c->db);
	if (!status[0])
		ctx_error(c, 404, "There is no such survey.");
	else
		ctx_error(c, 409, "This survey is open or closed: its questions are frozen.");
	return -1;
}

static const char *const kinds[] = {"rating", "choice", "text", NULL};
static const struct field_spec q_fields[] = {
	{"kind", "Kind", FT_CHOICE, 1, 0, 0, kinds, 0},
	{"prompt", "Question", FT_LINE, 1, 3, 300, NULL, 0},
	{"low_label", "Low end", FT_LINE, 0, 0, 60, NULL, 0},
	{"high_label", "High end", FT_LINE, 0, 0, 60, NULL, 0},
	{"choices", "Choices", FT_TEXT, 0, 0, 500, NULL, 0},
	{"max_len", "Length limit", FT_INT, 0, 10, 5000, NULL, 0},
	{"required", "Required", FT_FLAG, 0, 0, 0, NULL, 0},
};

void page_admin_survey_question(struct ctx *c)
{
	struct fields f;
	int st = fields_read(q_fields, 7, &c->req->body, &f);
	int nchoices = 0;
	for (const char *p = f.v[4].s; *p; p++)
		nchoices += *p == '\n';
	nchoices += *f.v[4].s != '\0';
	if (!st && strcmp(f.v[0].s, "choice") == 0 && (nchoices < 2 || nchoices > 6))
		st = 422;
	if (st) {
		ctx_error(c, st,
			  st == 400 ? "The form had fields or choices Tandem does not know."
				    : "A question needs a prompt of 3 to 300 characters; a single-choice "
				      "question "
				      "needs 2 to 6 choices, one per line. Nothing was added.");
		return;
	}
	if (begin_draft(c) != 0)
		return;
	enum db_rc rc = DB_OK;
	sqlite3_stmt *ins = DB_STMT(
		c->db, "INSERT INTO survey_questions(survey_id, position, kind, prompt, low_label, "
		       "high_label, choices, max_len, required) SELECT :s, coalesce(max(position), 0) + 1, "
		       ":k, :p, :lo, :hi, :ch, :max, :req FROM survey_questions WHERE survey_id = :s");
	if (!ins) {
		db_rollback(c->db);
		ctx_store_error(c, DB_ERR);
		return;
	}
	/* Choices one per line, without the CRs a browser sends. */
	char choices[600];
	size_t o = 0;
	for (const char *p = f.v[4].s; *p && o + 1 < sizeof(choices); p++)
		if (*p != '\r')
			choices[o++] = *p;
	choices[o] = '\0';
	db_bind_int(ins, ":s", c->req->ids[0]);
	db_bind_text(ins, ":k", f.v[0].s);
	db_bind_text(ins, ":p", f.v[1].s);
	db_bind_text(ins, ":lo", f.v[2].s);
	db_bind_text(ins, ":hi", f.v[3].s);
	db_bind_text(ins, ":ch", strcmp(f.v[0].s, "choice") == 0 ? choices : "");
	db_bind_int(ins, ":max", f.v[5].present && *f.v[5].s ? f.v[5].i : 1000);
	db_bind_int(ins, ":req", f.v[6].i);
	rc = db_exec_step(ins);
	rc = db_end(c->db, rc);
	if (rc != DB_OK) {
		ctx_store_error(c, rc);
		return;
	}
	back(c, "Question added.");
}

static const char *const statuses[] = {"open", "closed", NULL};
static const struct field_spec status_fields[] = {{"status", "Status", FT_CHOICE, 1, 0, 0, statuses, 0}};

void page_admin_survey_status(struct ctx *c)
{
	struct fields f;
	if (fields_read(status_fields, 1, &c->req->body, &f) != 0) {
		ctx_error(c, 400, "Choose open or closed.");
		return;
	}
	char status[16];
	enum db_rc rc = db_begin(c->db);
	if (rc != DB_OK) {
		ctx_store_error(c, rc);
		return;
	}
	survey_status(c, status, sizeof(status));
	int to_open = strcmp(f.v[0].s, "open") == 0;
	int questions = 0;
	sqlite3_stmt *qc = DB_STMT(c->db, "SELECT count(*) FROM survey_questions WHERE survey_id = :s");
	if (qc) {
		db_bind_int(qc, ":s", c->req->ids[0]);
		if (sqlite3_step(qc) == SQLITE_ROW)
			questions = sqlite3_column_int(qc, 0);
		sqlite3_reset(qc);
	}
	const char *why = !status[0]				    ? "none"
			  : to_open && strcmp(status, "draft") != 0 ? "Only a draft can be opened."
			  : to_open && questions == 0		    ? "Add at least one question first."
			  : !to_open && strcmp(status, "open") != 0 ? "Only an open survey can be closed."
								    : NULL;
	if (why) {
		db_rollback(c->db);
		if (!status[0])
			ctx_error(c, 404, "There is no such survey.");
		else
			ctx_error(c, 409, why);
		return;
	}
	sqlite3_stmt *up = DB_STMT(c->db, "UPDATE surveys SET status = :st WHERE id = :id");
	if (up) {
		db_bind_text(up, ":st", f.v[0].s);
		db_bind_int(up, ":id", c->req->ids[0]);
		rc = db_exec_step(up);
	} else {
		rc = DB_ERR;
	}
	if (rc == DB_OK)
		rc = audit_add(c->db, c->now, to_open ? "survey_opened" : "survey_closed", c->user.id,
			       c->req->ids[0], c->req->ip, NULL);
	rc = db_end(c->db, rc);
	if (rc != DB_OK) {
		ctx_store_error(c, rc);
		return;
	}
	if (to_open) {
		back(c, "Survey opened: its questions are now frozen, and people are invited when a "
			"mentorship ends.");
		return;
	}
	/* Closed: no answer arrives any more, so what waits is released now
	 * (one last batch) or, fewer than k, never. */
	long withheld = 0;
	if (survey_release(c->db, c->req->ids[0], c->cfg->survey_k, 1, &withheld) < 0) {
		ctx_store_error(c, DB_ERR);
		return;
	}
	char msg[200];
	if (withheld)
		snprintf(msg, sizeof(msg),
			 "Survey closed. %ld answer%s waited for a batch of %d and will never be shown: too "
			 "few "
			 "to show safely.",
			 withheld, withheld == 1 ? "" : "s", c->cfg->survey_k);
	else
		snprintf(msg, sizeof(msg), "Survey closed. Results by role, team and quarter are shown now.");
	back(c, msg);
}

void page_admin_survey_question_delete(struct ctx *c)
{
	struct fields f;
	if (fields_read(status_fields, 0, &c->req->body, &f) != 0) {
		ctx_error(c, 400, "This form takes no fields.");
		return;
	}
	if (begin_draft(c) != 0)
		return;
	enum db_rc rc = DB_OK;
	sqlite3_stmt *del = DB_STMT(c->db, "DELETE FROM survey_questions WHERE id = :q AND survey_id = :s");
	if (del) {
		db_bind_int(del, ":q", c->req->ids[1]);
		db_bind_int(del, ":s", c->req->ids[0]);
		rc = db_exec_step(del);
		if (rc == DB_OK && sqlite3_changes(db_handle(c->db)) == 0)
			rc = DB_NOTFOUND;
	} else {
		rc = DB_ERR;
	}
	rc = db_end(c->db, rc);
	if (rc == DB_NOTFOUND) {
		ctx_error(c, 404, "There is no such question in this survey.");
		return;
	}
	if (rc != DB_OK) {
		ctx_store_error(c, rc);
		return;
	}
	back(c, "Question removed.");
}
