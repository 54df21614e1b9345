/* GET /surveys, GET/POST /surveys/{invitation_id}: answering a
 * post-program survey. The form has one field per question, q{id}. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pages/ctx.h"
#include "pages/routes.h"
#include "store/survey_lists.h"
#include "store/surveys.h"

static void invitation_row(void *arg, const struct invitation_row *inv)
{
	struct vrow *r = view_row_new();
	view_row_int(r, inv->id);
	view_row_str(r, inv->title);
	view_row_int(r, inv->answered);
	view_row_int(r, inv->open);
	view_list_add(arg, r);
}

/* 50 a page, newest first, by key (issue 15). */
#define INVITATIONS_PAGE 50

struct invitation_lines {
	struct vlist *l;
	int64_t last_id;
};

static void invitation_line(void *arg, const struct invitation_row *inv)
{
	struct invitation_lines *lines = arg;
	invitation_row(lines->l, inv);
	lines->last_id = inv->id;
}

static const struct field_spec list_fields[] = {
	{"before", "Page", FT_INT, 0, 1, 9007199254740991L, NULL, 0},
};
enum { L_BEFORE };

void page_surveys(struct ctx *c)
{
	struct fields f;
	if (fields_read(list_fields, FIELDS(list_fields), &c->req->query, &f) != 0) {
		ctx_error(c, 400, "That page of surveys does not exist: follow the links on /surveys.");
		return;
	}
	struct invitation_lines lines = {view_list_new(), 0};
	int more = 0;
	struct view *v = ctx_view(c);
	enum db_rc rc = survey_invitation_page(c->db, c->user.id, f.v[L_BEFORE].present ? f.v[L_BEFORE].i : 0,
					       INVITATIONS_PAGE, invitation_line, &lines, &more);
	view_int(v, "ninvitations", view_list_len(lines.l)); /* issue 21: the empty list says what next */
	view_list_set(v, "invitations", lines.l);
	if (rc != DB_OK) {
		ctx_store_error(c, rc);
		return;
	}
	view_int(v, "more", more);
	view_int(v, "paged", f.v[L_BEFORE].present && f.v[L_BEFORE].i > 0);
	view_int(v, "next_before", lines.last_id);
	ctx_render(c, 200, "surveys", "Surveys");
}

/* The form's fields, built from the questions: names q{id}. */
struct survey_form {
	int n;
	struct question q[SURVEY_MAX_QUESTIONS];
	struct field_spec spec[SURVEY_MAX_QUESTIONS];
	char names[SURVEY_MAX_QUESTIONS][24];
	char choice_buf[SURVEY_MAX_QUESTIONS][sizeof(((struct question *)0)->choices)];
	const char *choices[SURVEY_MAX_QUESTIONS][SURVEY_MAX_CHOICES + 1];
};

static const char *const ratings[] = {"1", "2", "3", "4", "5", NULL};

static int build_form(struct ctx *c, int64_t survey, struct survey_form *sf)
{
	_Static_assert(SURVEY_MAX_QUESTIONS <= FIELDS_MAX, "a survey's form fits the field table");
	sf->n = survey_questions(c->db, survey, sf->q, SURVEY_MAX_QUESTIONS);
	for (int i = 0; i < sf->n; i++) {
		struct question *q = &sf->q[i];
		snprintf(sf->names[i], sizeof(sf->names[i]), "q%lld", (long long)q->id);
		struct field_spec *s = &sf->spec[i];
		memset(s, 0, sizeof(*s));
		s->name = sf->names[i];
		s->label = "This question";
		s->required = q->required;
		if (strcmp(q->kind, "rating") == 0) {
			s->type = FT_CHOICE;
			s->choices = ratings;
		} else if (strcmp(q->kind, "choice") == 0) {
			s->type = FT_CHOICE;
			int k = survey_choices(q->choices, sf->choice_buf[i], sizeof(sf->choice_buf[i]),
					       sf->choices[i]);
			sf->choices[i][k] = NULL;
			s->choices = sf->choices[i];
		} else {
			s->type = FT_TEXT;
			/* Never unlimited: the pool's padding bounds an answer by it. */
			s->max = q->max_len > 0 && q->max_len <= SURVEY_TEXT_MAX ? q->max_len
										 : SURVEY_TEXT_MAX;
		}
	}
	return sf->n;
}

static void show(struct ctx *c, const struct invitation *inv, struct survey_form *sf, const struct fields *f,
		 int status)
{
	struct view *v = ctx_view(c);
	struct vlist *l = view_list_new();
	for (int i = 0; i < sf->n; i++) {
		struct question *q = &sf->q[i];
		const char *val = f ? f->v[i].s : "";
		struct vrow *r = view_row_new();
		view_row_str(r, sf->names[i]);
		view_row_str(r, q->kind);
		view_row_str(r, q->prompt);
		view_row_str(r, q->low);
		view_row_str(r, q->high);
		view_row_int(r, q->required);
		view_row_str(r, val);
		view_row_str(r, f && f->err[i]
					? (strcmp(q->kind, "text") == 0 ? f->err[i] : "Choose one answer.")
					: "");
		/* choices for a 'choice' question: up to 6, empty past the end */
		for (int k = 0; k < 6; k++) {
			const char *ch = strcmp(q->kind, "choice") == 0 ? sf->choices[i][k] : NULL;
			int end = !ch;
			for (int j = 0; j < k && !end; j++)
				end = !sf->choices[i][j];
			view_row_str(r, end ? "" : ch);
		}
		view_row_int(r, q->max_len);
		view_list_add(l, r);
	}
	view_list_set(v, "questions", l);
	view_int(v, "id", inv->id);
	view_str(v, "survey_title", inv->title);
	view_int(v, "errors", f ? f->nerr : 0);
	ctx_render(c, status, "survey", inv->title);
}

static int load(struct ctx *c, struct invitation *inv)
{
	if (survey_invitation_for(c->db, c->req->ids[0], c->user.id, inv) != DB_OK) {
		ctx_error(c, 404, "There is no survey invitation at this address, or it is not yours.");
		return -1;
	}
	if (inv->answered) {
		ctx_error(c, 409,
			  "You have answered this survey already. Thank you! Answers are anonymous: "
			  "nobody can see them again, not even you.");
		return -1;
	}
	if (strcmp(inv->status, "open") != 0) {
		ctx_error(c, 409, "This survey is closed: it takes no more answers. Thank you all the same.");
		return -1;
	}
	return 0;
}

void page_survey(struct ctx *c)
{
	struct invitation inv;
	struct survey_form *sf = calloc(1, sizeof(*sf));
	if (sf && load(c, &inv) == 0) {
		build_form(c, inv.survey_id, sf);
		show(c, &inv, sf, NULL, 200);
	} else if (!sf) {
		ctx_error(c, 500, "Something went wrong.");
	}
	free(sf);
}

void page_survey_submit(struct ctx *c)
{
	struct invitation inv;
	struct survey_form *sf = calloc(1, sizeof(*sf));
	if (!sf) {
		ctx_error(c, 500, "Something went wrong.");
		return;
	}
	if (load(c, &inv) != 0) {
		free(sf);
		return;
	}
	build_form(c, inv.survey_id, sf);
	struct fields f;
	int st = fields_read(sf->spec, (size_t)sf->n, &c->req->body, &f);
	if (st == 400) {
		free(sf);
		ctx_error(c, 400, "The form had fields or choices Tandem does not know.");
		return;
	}
	if (st == 422) {
		show(c, &inv, sf, &f, 422);
		free(sf);
		return;
	}
	struct answer a[SURVEY_MAX_QUESTIONS];
	for (int i = 0; i < sf->n; i++) {
		memset(&a[i], 0, sizeof(a[i]));
		a[i].question_id = sf->q[i].id;
		const char *v = f.v[i].s;
		if (!*v)
			continue;
		if (strcmp(sf->q[i].kind, "rating") == 0)
			a[i].rating = atoi(v);
		else if (strcmp(sf->q[i].kind, "choice") == 0)
			a[i].choice = v;
		else
			a[i].text = v;
	}
	enum survey_rc r = survey_submit(c->db, inv.id, c->user.id, a, sf->n, c->now);
	free(sf);
	if (r == SURVEY_ANSWERED) {
		ctx_error(c, 409, "You have answered this survey already. Thank you!");
		return;
	}
	if (r == SURVEY_CLOSED) {
		ctx_error(c, 409, "This survey closed before your answers arrived: they were not stored.");
		return;
	}
	if (r == SURVEY_NOTFOUND) {
		ctx_error(c, 404, "There is no survey invitation at this address, or it is not yours.");
		return;
	}
	if (r != SURVEY_OK) {
		ctx_store_error(c, r);
		return;
	}
	/* Its own transaction, after the one that marked the invitation
	 * answered: once k answers wait, they join the results together. A
	 * failure here loses nothing (the pool keeps them; the master's
	 * periodic task tries again). */
	survey_release(c->db, inv.survey_id, c->cfg->survey_k, 0, NULL);
	ctx_flash(c, "Thank you! Your answers were stored without your name. They join the results together "
		     "with others', never on their own.");
	resp_redirect(c->resp, "/surveys");
}
