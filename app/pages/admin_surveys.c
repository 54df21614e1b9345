/* /admin/surveys: results with small groups suppressed, and the same
 * results exported as CSV or JSON. Every view and export is audited. */
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "pages/ctx.h"
#include "pages/routes.h"
#include "pages/survey_report.h"
#include "store/audit.h"

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
	if (!st)
		return -1;
	db_bind_int(st, ":id", c->req->ids[0]);
	int found = sqlite3_step(st) == SQLITE_ROW;
	if (found) {
		snprintf(title, n, "%s", (const char *)sqlite3_column_text(st, 0));
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

static void cell(char *out, size_t n, const struct report_group *g, int b)
{
	if (g->hidden || g->bhidden[b])
		snprintf(out, n, "suppressed");
	else
		snprintf(out, n, "%d", g->buckets[b]);
}

static void mean(char *out, size_t n, const struct report_group *g)
{
	if (g->hidden || !g->is_rating || g->n == 0)
		snprintf(out, n, "%s", g->hidden ? "suppressed" : "");
	else
		snprintf(out, n, "%.2f", (double)g->sum / g->n);
}

void page_admin_survey(struct ctx *c)
{
	char title[300];
	int show_text = 0;
	if (load_survey(c, title, sizeof(title), &show_text) != 0)
		return;
	struct report r;
	if (report_build(c->db, c->req->ids[0], c->cfg->survey_k, show_text, &r) != 0) {
		ctx_store_error(c, DB_ERR);
		return;
	}
	struct vlist *l = view_list_new();
	for (int i = 0; i < r.ngroups; i++) {
		struct report_group *g = &r.groups[i];
		struct vrow *row = view_row_new();
		char m[32], buf[64];
		view_row_str(row, g->question);
		view_row_str(row, g->dimension);
		view_row_str(row, g->group);
		view_row_int(row, g->hidden);
		view_row_int(row, g->n);
		mean(m, sizeof(m), g);
		view_row_str(row, m);
		struct buf dist = {0};
		for (int b = 0; b < g->nbuckets; b++) {
			cell(buf, sizeof(buf), g, b);
			if (strcmp(buf, "suppressed") == 0)
				snprintf(buf, sizeof(buf), "fewer than %d", r.k);
			buf_printf(&dist, "%s%s: %s", b ? ", " : "", g->labels[b], buf);
		}
		view_row_str(row, buf_str(&dist));
		buf_free(&dist);
		view_list_add(l, row);
	}
	struct view *v = ctx_view(c);
	view_list_set(v, "groups", l);
	view_strlist_set(v, "comments", (const char *const *)r.comments, r.ncomments);
	view_int(v, "id", c->req->ids[0]);
	view_int(v, "k", r.k);
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

/* RFC 4180 quoting, and a leading ' on anything a spreadsheet would run. */
static void csv_cell(struct buf *out, const char *s, int last)
{
	buf_puts(out, "\"");
	if (s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@' || s[0] == '\t' || s[0] == '\r')
		buf_puts(out, "'");
	for (; *s; s++) {
		if (*s == '"')
			buf_puts(out, "\"\"");
		else
			buf_append(out, s, 1);
	}
	buf_puts(out, last ? "\"\r\n" : "\",");
}

static void json_str(struct buf *out, const char *s)
{
	buf_puts(out, "\"");
	for (; *s; s++) {
		unsigned char ch = (unsigned char)*s;
		if (ch == '"' || ch == '\\')
			buf_printf(out, "\\%c", ch);
		else if (ch < 0x20)
			buf_printf(out, "\\u%04x", ch);
		else
			buf_append(out, s, 1);
	}
	buf_puts(out, "\"");
}

static void export(struct ctx *c, int json)
{
	char title[300];
	int show_text = 0;
	if (load_survey(c, title, sizeof(title), &show_text) != 0)
		return;
	struct report r;
	if (report_build(c->db, c->req->ids[0], c->cfg->survey_k, show_text, &r) != 0) {
		ctx_store_error(c, DB_ERR);
		return;
	}
	/* Rows in random order: nothing about the order says anything. */
	for (int i = r.ngroups - 1; i > 0; i--) {
		int j = (int)randombytes_uniform((uint32_t)i + 1);
		struct report_group t = r.groups[i];
		r.groups[i] = r.groups[j];
		r.groups[j] = t;
	}
	struct buf *out = &c->resp->body;
	buf_reset(out);
	char m[32], nbuf[32], b[64];
	if (json) {
		buf_puts(out, "{\"survey\":");
		json_str(out, title);
		buf_printf(out, ",\"k\":%d,\"groups\":[", r.k);
	} else {
		buf_puts(
			out,
			"\"question\",\"dimension\",\"group\",\"answers\",\"mean\",\"answer\",\"count\"\r\n");
	}
	for (int i = 0; i < r.ngroups; i++) {
		struct report_group *g = &r.groups[i];
		snprintf(nbuf, sizeof(nbuf), "%d", g->n);
		mean(m, sizeof(m), g);
		if (json) {
			buf_puts(out, i ? ",{\"question\":" : "{\"question\":");
			json_str(out, g->question);
			buf_puts(out, ",\"dimension\":");
			json_str(out, g->dimension);
			buf_puts(out, ",\"group\":");
			json_str(out, g->group);
			buf_puts(out, ",\"answers\":");
			if (g->hidden)
				buf_puts(out, "\"suppressed\"");
			else
				buf_puts(out, nbuf);
			buf_puts(out, ",\"mean\":");
			json_str(out, m);
			buf_puts(out, ",\"counts\":{");
			for (int k = 0; k < g->nbuckets; k++) {
				cell(b, sizeof(b), g, k);
				if (k)
					buf_puts(out, ",");
				json_str(out, g->labels[k]);
				buf_puts(out, ":");
				json_str(out, b);
			}
			buf_puts(out, "}}");
		} else {
			for (int k = 0; k < g->nbuckets; k++) {
				cell(b, sizeof(b), g, k);
				csv_cell(out, g->question, 0);
				csv_cell(out, g->dimension, 0);
				csv_cell(out, g->group, 0);
				csv_cell(out, g->hidden ? "suppressed" : nbuf, 0);
				csv_cell(out, m, 0);
				csv_cell(out, g->labels[k], 0);
				csv_cell(out, b, 1);
			}
		}
	}
	if (json) {
		buf_puts(out, "],\"comments\":[");
		for (int i = 0; i < r.ncomments; i++) {
			if (i)
				buf_puts(out, ",");
			json_str(out, r.comments[i]);
		}
		buf_puts(out, "]}");
	} else {
		for (int i = 0; i < r.ncomments; i++) {
			csv_cell(out, "comment", 0);
			csv_cell(out, "all", 0);
			csv_cell(out, "", 0);
			csv_cell(out, "", 0);
			csv_cell(out, "", 0);
			csv_cell(out, r.comments[i], 0);
			csv_cell(out, "", 1);
		}
	}
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
	back(c, to_open ? "Survey opened: its questions are now frozen, and people are invited when a "
			  "mentorship ends."
			: "Survey closed.");
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
