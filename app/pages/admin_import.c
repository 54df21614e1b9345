/* issue 16: /admin/invitations (one person) and /admin/import (a CSV of
 * employees: upload, preview, apply). The file is read by core/csv.c from
 * the multipart body (http/multipart.c); each line is checked here, then
 * staged and classified by store/imports.c. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/csv.h"
#include "core/utf8.h"
#include "pages/ctx.h"
#include "pages/routes.h"
#include "store/acct_life.h"
#include "store/imports.h"

#define IMPORT_MAX_ROWS 100000
#define IMPORT_MAX_BYTES (10 * 1024 * 1024)
#define PREVIEW_INVALID 1000 /* invalid lines listed (all of them, up to this) */
#define PREVIEW_SAMPLE 50    /* lines to add / to update listed */

static const struct field_spec invite_fields[] = {
	{"email", "Email", FT_EMAIL, 1, 0, 254, NULL, 0},
	{"display_name", "Name", FT_LINE, 1, 1, 80, NULL, 0},
	{"team", "Team", FT_LINE, 0, 0, 80, NULL, 0},
	{"job_title", "Job title", FT_LINE, 0, 0, 100, NULL, 0},
};
#define NINVITE FIELDS(invite_fields)
enum { IV_EMAIL, IV_NAME, IV_TEAM, IV_TITLE, IV_COUNT };
_Static_assert(IV_COUNT == NINVITE, "one name per field of invite_fields, in order");

static void import_page(struct ctx *c, int status, const struct fields *f, const char *file_err)
{
	ctx_form_values(c, invite_fields, NINVITE, f);
	view_str(ctx_view(c), "file_err", file_err ? file_err : "");
	ctx_render(c, status, "admin_import", "Invite and import people");
}

void page_admin_import_form(struct ctx *c)
{
	import_page(c, 200, NULL, NULL);
}

void page_admin_invite(struct ctx *c)
{
	struct fields f;
	int st = fields_read(invite_fields, NINVITE, &c->req->body, &f);
	if (st == 400) {
		ctx_error(c, 400, "The form had fields Tandem does not know.");
		return;
	}
	if (f.nerr) {
		import_page(c, 422, &f, NULL);
		return;
	}
	int created = 0;
	enum db_rc rc = acct_invite(c->db, f.v[IV_EMAIL].s, f.v[IV_NAME].s, f.v[IV_TEAM].s, f.v[IV_TITLE].s,
				    c->user.id, c->now, c->req->ip, &created);
	if (rc == DB_CONFLICT) {
		fields_fail(&f, IV_EMAIL, "This address has an account already; nobody needs to invite it.");
		import_page(c, 422, &f, NULL);
		return;
	}
	if (rc != DB_OK) {
		ctx_store_error(c, rc);
		return;
	}
	char msg[400];
	snprintf(msg, sizeof(msg),
		 created ? "Invitation sent to %s."
			 : "%s was invited before; a new invitation link was sent.",
		 f.v[IV_EMAIL].s);
	ctx_flash(c, msg);
	resp_redirect(c->resp, "/admin/import");
}

/* A cell a spreadsheet would run as a formula when the data is opened
 * again (CSV injection): refused, with the line. */
static int formula(const char *s)
{
	return *s == '=' || *s == '+' || *s == '-' || *s == '@' || *s == '\t' || *s == '\r';
}

static int has_control(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return 1;
	return 0;
}

/* The cell trimmed of blanks, into out (n bytes). */
static void trimmed(const char *s, char *out, size_t n)
{
	while (*s == ' ')
		s++;
	size_t len = strlen(s);
	while (len > 0 && s[len - 1] == ' ')
		len--;
	if (len >= n)
		len = n - 1;
	memcpy(out, s, len);
	out[len] = '\0';
}

struct reading {
	struct import_stage stage;
	enum db_rc rc;
	long rows;
	int first;
	int too_many_rows;
};

/* Why cells (email, name, team, title; email lower-cased in place) are
 * not a person, or NULL. why: room for the message. */
static const char *check_line(char cells[4][1024], const struct csv_row *row, char *why, size_t n)
{
	static const char *const names[] = {"email", "name", "team", "job title"};
	if (row->too_many || row->n > 4)
		return "More than four cells: expected email,name,team,job_title.";
	if (row->n < 2)
		return "Fewer than two cells: expected email,name,team,job_title.";
	for (size_t i = 0; i < 4; i++) {
		if (i < row->n && row->len[i] >= 1024) {
			snprintf(why, n, "The %s cell is too long.", names[i]);
			return why;
		}
		if (formula(cells[i])) {
			snprintf(why, n, "The %s cell starts with \"%s\": spreadsheet formulas are refused.",
				 names[i],
				 cells[i][0] == '\t'   ? "tab"
				 : cells[i][0] == '\r' ? "CR"
						       : (char[]){cells[i][0], 0});
			return why;
		}
	}
	for (size_t i = 0; i < 4; i++) {
		if (has_control(cells[i])) {
			snprintf(why, n, "The %s cell holds a control character or a line break.", names[i]);
			return why;
		}
	}
	for (char *p = cells[0]; *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	if (!cells[0][0])
		return "The email cell is empty.";
	if (strlen(cells[0]) > 254 || !fields_valid_email(cells[0]))
		return "The email does not look like name@example.com.";
	size_t nl = utf8_len(cells[1]);
	if (nl < 1)
		return "The name cell is empty.";
	if (nl > 80)
		return "The name is longer than 80 characters.";
	if (utf8_len(cells[2]) > 80)
		return "The team is longer than 80 characters.";
	if (utf8_len(cells[3]) > 100)
		return "The job title is longer than 100 characters.";
	return NULL;
}

static int on_row(void *arg, const struct csv_row *row)
{
	struct reading *x = arg;
	char cells[4][1024] = {{0}};
	for (size_t i = 0; i < 4 && i < row->n; i++)
		trimmed(row->len[i] < 1024 ? row->f[i] : "", cells[i], sizeof(cells[i]));
	if (x->first) {
		x->first = 0;
		/* An optional header line. */
		if (strcasecmp(cells[0], "email") == 0 && strcasecmp(cells[1], "name") == 0)
			return 0;
	}
	if (++x->rows > IMPORT_MAX_ROWS) {
		x->too_many_rows = 1;
		return 1;
	}
	char why[200];
	const char *reason = check_line(cells, row, why, sizeof(why));
	x->rc = imports_stage_row(&x->stage, row->line, cells[0], cells[1], cells[2], cells[3], reason);
	return x->rc != DB_OK;
}

void page_admin_import(struct ctx *c)
{
	const char *csrf = form_get(&c->req->body, "csrf");
	if (form_count(&c->req->body, "csrf") != 1 || c->req->body.n != 1 || !csrf ||
	    strcmp(c->req->file_field, "file") != 0) {
		import_page(c, c->req->file ? 400 : 422, NULL,
			    c->req->file ? "The form had fields Tandem does not know."
					 : "Choose a CSV file to upload.");
		return;
	}
	if (c->req->file_len == 0) {
		import_page(c, 422, NULL, "The file is empty. Choose a CSV file with one person per line.");
		return;
	}
	if (c->req->file_len > IMPORT_MAX_BYTES) {
		import_page(c, 413, NULL, "The file is larger than 10 MB. Split it and import the parts.");
		return;
	}
	struct reading x = {.first = 1};
	enum db_rc rc = imports_stage_begin(c->db, c->user.id, c->now, &x.stage);
	if (rc != DB_OK) {
		ctx_store_error(c, rc);
		return;
	}
	long line = 0;
	enum csv_err e = csv_parse(c->req->file, c->req->file_len, on_row, &x, &line);
	if (e != CSV_OK || x.rc != DB_OK) {
		imports_stage_end(&x.stage, 0);
		if (x.rc != DB_OK) {
			ctx_store_error(c, x.rc);
			return;
		}
		char msg[300];
		if (x.too_many_rows)
			snprintf(msg, sizeof(msg),
				 "The file has more than %d people. Split it and import the parts.",
				 IMPORT_MAX_ROWS);
		else if (e == CSV_E_UTF8)
			snprintf(msg, sizeof(msg),
				 "The file is not UTF-8 text (line %ld). Save it as \"CSV UTF-8\" and upload "
				 "it again.",
				 line);
		else
			snprintf(msg, sizeof(msg), "The file cannot be read as CSV: %s (line %ld).",
				 csv_strerror(e), line);
		import_page(c, 422, NULL, msg);
		return;
	}
	if (x.rows == 0) {
		imports_stage_end(&x.stage, 0);
		import_page(c, 422, NULL,
			    "The file has no people in it: one line per person, email,name,team,job_title.");
		return;
	}
	rc = imports_stage_end(&x.stage, 1);
	if (rc != DB_OK) {
		ctx_store_error(c, rc);
		return;
	}
	char to[64];
	snprintf(to, sizeof(to), "/admin/import/%lld", (long long)x.stage.c.id);
	resp_redirect(c->resp, to);
}

static void line_row(void *arg, const struct import_line *l)
{
	struct vrow *r = view_row_new();
	view_row_int(r, l->line);
	view_row_str(r, l->email);
	view_row_str(r, l->name);
	view_row_str(r, l->team);
	view_row_str(r, l->title);
	view_row_str(r, l->reason);
	view_list_add(arg, r);
}

static int lines(struct ctx *c, const char *name, int64_t id, enum import_action a, int max)
{
	struct vlist *l = view_list_new();
	enum db_rc rc = imports_lines(c->db, id, a, max, line_row, l);
	view_list_set(ctx_view(c), name, l);
	return rc == DB_OK ? 0 : -1;
}

void page_admin_import_preview(struct ctx *c)
{
	struct import_counts ic;
	enum db_rc rc = imports_get(c->db, c->req->ids[0], c->user.id, &ic);
	if (rc == DB_NOTFOUND) {
		ctx_error(c, 404, "There is no import at this address, or it is not yours to see.");
		return;
	}
	if (rc != DB_OK || lines(c, "invalid", ic.id, IMPORT_INVALID, PREVIEW_INVALID) != 0 ||
	    lines(c, "adds", ic.id, IMPORT_ADD, PREVIEW_SAMPLE) != 0 ||
	    lines(c, "updates", ic.id, IMPORT_UPDATE, PREVIEW_SAMPLE) != 0) {
		ctx_store_error(c, rc != DB_OK ? rc : DB_ERR);
		return;
	}
	struct view *v = ctx_view(c);
	view_int(v, "import_id", ic.id);
	view_int(v, "n_add", ic.n_add);
	view_int(v, "n_update", ic.n_update);
	view_int(v, "n_same", ic.n_same);
	view_int(v, "n_invalid", ic.n_invalid);
	view_int(v, "applied", ic.applied_at != 0);
	view_int(v, "more_invalid", ic.n_invalid > PREVIEW_INVALID ? ic.n_invalid - PREVIEW_INVALID : 0);
	view_int(v, "more_adds", ic.n_add > PREVIEW_SAMPLE ? ic.n_add - PREVIEW_SAMPLE : 0);
	view_int(v, "more_updates", ic.n_update > PREVIEW_SAMPLE ? ic.n_update - PREVIEW_SAMPLE : 0);
	ctx_render(c, 200, "admin_import_preview", "Import preview");
}

void page_admin_import_apply(struct ctx *c)
{
	int64_t added = 0, updated = 0;
	enum db_rc rc =
		imports_apply(c->db, c->req->ids[0], c->user.id, c->now, c->req->ip, &added, &updated);
	if (rc == DB_NOTFOUND) {
		ctx_error(c, 404, "There is no import at this address, or it is not yours to see.");
		return;
	}
	if (rc == DB_CONFLICT) {
		ctx_error(c, 409, "This import was applied already; nothing was changed again.");
		return;
	}
	if (rc != DB_OK) {
		ctx_store_error(c, rc);
		return;
	}
	char msg[200];
	snprintf(msg, sizeof(msg), "Import applied: %lld people invited, %lld updated.", (long long)added,
		 (long long)updated);
	ctx_flash(c, msg);
	resp_redirect(c->resp, "/admin/users");
}
