/* Recognition (issue 19): a completed mentorship's celebration and the
 * mentee's thank-you note (POST /mentorships/{id}/celebrate, /thanks and
 * their part of the mentorship page), the celebrations on /program and
 * GET /program/celebrations, and the record page's notes received and
 * mentor-card line (POST /me/record/card). */
#include <stdio.h>
#include <string.h>

#include "core/insight.h"
#include "pages/celebrate.h"
#include "pages/mentorships.h"
#include "pages/routes.h"
#include "store/celebrations.h"
#include "store/record_line.h"

static const char not_yours[] = "There is no mentorship at this address, or it is not yours to see.";

static const struct field_spec celebrate_fields[] = {{"celebrate", "Celebrate", FT_FLAG, 0, 0, 0, NULL, 0}};
enum { CE_CELEBRATE };
static const struct field_spec thanks_fields[] = {
	{"thanks", "Thank-you note", FT_TEXT, 0, 0, THANKS_MAX, NULL, 0},
	{"thanks_public", "Show on the program page", FT_FLAG, 0, 0, 0, NULL, 0},
};
enum { TH_THANKS, TH_PUBLIC, TH_COUNT };
_Static_assert(TH_COUNT == FIELDS(thanks_fields), "one name per field of thanks_fields, in order");
enum { SH_SHOW, SH_REV };
static const struct field_spec show_fields[] = {
	[SH_SHOW] = {"show", "Show", FT_FLAG, 0, 0, 0, NULL, 0},
	[SH_REV] = {"rev", "Note revision", FT_INT, 0, 0, 9007199254740991L, NULL, 0},
};
static const struct field_spec card_fields[] = {{"show", "Show", FT_FLAG, 0, 0, 0, NULL, 0}};
enum { CA_SHOW };

/* "Ana and Ben finished six weeks on strace — goal met": the one sentence
 * of a celebration, on /program and as a preview on the mentorship page. */
static void sentence(struct buf *out, const char *mentor, const char *mentee, const char *topic,
		     const char *kind, int weeks, const char *outcome)
{
	static const char *const words[] = {
		"",	    "one",     "two",	  "three",     "four",	   "five",     "six",
		"seven",    "eight",   "nine",	  "ten",       "eleven",   "twelve",   "thirteen",
		"fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen", "twenty"};
	if (strcmp(kind, "single") == 0) {
		buf_printf(out, "%s and %s had a mentoring conversation on %s", mentor, mentee, topic);
		return;
	}
	if (weeks < 1) /* less than a week: no length to boast of */
		buf_printf(out, "%s and %s finished their mentorship on %s", mentor, mentee, topic);
	else if (weeks <= 20)
		buf_printf(out, "%s and %s finished %s week%s on %s", mentor, mentee, words[weeks],
			   weeks == 1 ? "" : "s", topic);
	else
		buf_printf(out, "%s and %s finished %d weeks on %s", mentor, mentee, weeks, topic);
	if (strcmp(outcome, "goal_met") == 0)
		buf_puts(out, " — goal met");
	else if (strcmp(outcome, "partly") == 0)
		buf_puts(out, " — goal partly met");
}

int celebrate_part(struct ctx *c, const struct mentorship *m)
{
	struct view *v = ctx_view(c);
	int completed = strcmp(m->status, "completed") == 0;
	int i_mentor = m->mentor_id == c->user.id;
	struct celebration cel;
	enum db_rc rc = completed ? celebration_get(c->db, m->id, c->user.id, &cel) : DB_OK;
	if (!completed)
		memset(&cel, 0, sizeof(cel));
	view_int(v, "completed", completed);
	view_int(v, "cel_mine", i_mentor ? cel.mentor_ok : cel.mentee_ok);
	view_int(v, "cel_other", i_mentor ? cel.mentee_ok : cel.mentor_ok);
	view_int(v, "cel_shown", cel.shown);
	view_int(v, "has_thanks", cel.thanks_at != 0);
	view_int(v, "thanks_on_program", cel.thanks_public && cel.thanks_mentor_ok && cel.shown);
	view_int(v, "thanks_mentee_public", cel.thanks_public);
	view_int(v, "thanks_mentor_ok", cel.thanks_mentor_ok);
	view_int(v, "thanks_rev", cel.thanks_rev);
	view_str(v, "thanks", rc == DB_OK ? buf_str(&cel.thanks) : "");
	view_str(v, "thanks_public", cel.thanks_public ? "1" : "");
	view_str(v, "thanks_err", "");
	view_int(v, "celebrate", 0); /* the complete form's box starts unticked */
	struct buf line = {0};
	sentence(&line, m->mentor_name, m->mentee_name, m->topic, m->kind, cel.weeks, m->outcome);
	view_str(v, "cel_line", buf_str(&line));
	buf_free(&line);
	ctx_field_limits(c, thanks_fields, FIELDS(thanks_fields));
	celebration_free(&cel);
	return rc == DB_OK ? 0 : -1;
}

/* The list of celebrations shown, and where the next page starts. */
struct cel_lines {
	struct vlist *l;
	struct keyset last;
	int unopened;
};

static void cel_line(void *arg, const struct celebration_line *x)
{
	struct cel_lines *a = arg;
	a->last = (struct keyset){x->shown_at, x->ms};
	a->unopened |= x->unopened;
	struct buf s = {0};
	sentence(&s, x->mentor, x->mentee, x->topic, x->kind, x->weeks, x->outcome);
	struct vrow *r = view_row_new();
	view_row_str(r, buf_str(&s));
	view_row_str(r, x->thanks);
	view_row_str(r, x->mentee);
	view_list_add(a->l, r);
	buf_free(&s);
}

/* Read a page of celebrations into v (the names _celebration_list.html
 * and _celebration_block.html read). 0, or -1 after an error page. */
static int cel_list(struct ctx *c, struct view *v, const struct keyset *before, int max)
{
	struct cel_lines lines = {view_list_new(), {0, 0}, 0};
	int more = 0;
	enum db_rc rc = celebrations_page(c->db, before, max, cel_line, &lines, &more);
	view_int(v, "ncelebrations", view_list_len(lines.l)); /* before the list is handed over */
	view_list_set(v, "celebrations", lines.l);
	if (rc != DB_OK) {
		ctx_store_error(c, rc);
		return -1;
	}
	/* A public note that does not open is left out of its line (logged
	 * by the store); the celebration still shows. */
	view_int(v, "cel_more", more);
	view_int(v, "cel_at", lines.last.at);
	view_int(v, "cel_id", lines.last.id);
	view_int(v, "cel_paged", before->id != 0);
	return 0;
}

#define PROGRAM_CELEBRATIONS 10
#define PAGE_CELEBRATIONS 20

/* This worker's rendering of /program's celebrations, kept while the
 * store's version of the list holds (any consent, withdrawal, erasure or
 * shown note moves it, so a change shows on the next request) and for at
 * most a minute (a renamed member's new name). Reading and rendering ten
 * lines per request cost /program about half again its CPU. */
#define PROGRAM_CACHE_SECONDS 60
static struct {
	int valid;
	int64_t version, at;
	struct buf html;
} program_cache;

int celebrate_program(struct ctx *c)
{
	struct view *v = ctx_view(c);
	int64_t version = celebrations_version(c->db);
	if (version >= 0 && program_cache.valid && program_cache.version == version &&
	    c->now >= program_cache.at && c->now - program_cache.at <= PROGRAM_CACHE_SECONDS) {
		view_trusted_html(v, "celebrations_html", buf_str(&program_cache.html));
		return 0;
	}
	struct view *lv = view_new();
	if (!lv) {
		ctx_error(c, 500, "Tandem ran out of memory for this page. Try again.");
		return -1;
	}
	if (cel_list(c, lv, &(struct keyset){0, 0}, PROGRAM_CELEBRATIONS) != 0) {
		view_free(lv);
		return -1;
	}
	struct buf html = {0};
	int bad = view_render(lv, "_celebration_block", &html) != 0 || html.oom;
	view_free(lv);
	if (bad) {
		buf_free(&html);
		ctx_error(c, 500, "Part of this page could not be shown. The error was logged.");
		return -1;
	}
	/* Rendered from the partial with escaped values only. */
	view_trusted_html(v, "celebrations_html", buf_str(&html));
	if (version >= 0) {
		buf_free(&program_cache.html);
		program_cache.valid = 1;
		program_cache.version = version;
		program_cache.at = c->now;
		program_cache.html = html;
	} else {
		buf_free(&html);
	}
	return 0;
}

enum { P_AT, P_ID, NPAGE };
static const struct field_spec page_fields[] = {
	[P_AT] = {"at", "Page", FT_INT, 0, 1, 9007199254740991L, NULL, 0},
	[P_ID] = {"id", "Page", FT_INT, 0, 1, 9007199254740991L, NULL, 0},
};

void page_celebrations(struct ctx *c)
{
	struct fields f;
	if (fields_read(page_fields, FIELDS(page_fields), &c->req->query, &f) != 0 ||
	    f.v[P_AT].present != f.v[P_ID].present) {
		ctx_error(c, 400, "That page of celebrations does not exist: follow the links on /program.");
		return;
	}
	struct keyset before = {f.v[P_AT].present ? f.v[P_AT].i : 0, f.v[P_ID].present ? f.v[P_ID].i : 0};
	if (cel_list(c, ctx_view(c), &before, PAGE_CELEBRATIONS) != 0)
		return;
	ctx_render(c, 200, "celebrations", "Celebrations");
}

void celebrate_finish_form(struct ctx *c, const struct mentorship *m, int status,
			   const struct finish_form *ff)
{
	struct view *v = ctx_view(c);
	ctx_field_limits(c, thanks_fields, FIELDS(thanks_fields));
	int i_mentor = m->mentor_id == c->user.id;
	view_int(v, "errors", ff->errors);
	view_int(v, "mid", m->id);
	view_int(v, "completing", ff->completing);
	view_int(v, "i_mentor", i_mentor);
	view_str(v, "topic", m->topic);
	view_str(v, "mentor_name", m->mentor_name);
	view_str(v, "other_name", i_mentor ? m->mentee_name : m->mentor_name);
	view_str(v, "thanks", ff->thanks);
	view_str(v, "thanks_err", ff->thanks_err ? ff->thanks_err : "");
	view_str(v, "thanks_public", ff->thanks_public ? "1" : "");
	view_str(v, "outcome", ff->outcome ? ff->outcome : "");
	view_str(v, "outcome_err", ff->outcome_err ? ff->outcome_err : "");
	view_int(v, "celebrate", ff->celebrate);
	ctx_render(c, status, "finish", ff->completing ? "Finish the mentorship" : "Thank-you note");
}

/* The note form again, as typed, with why it was not saved. */
static void thanks_again(struct ctx *c, const struct mentorship *m, int status, const struct fields *f)
{
	struct finish_form ff = {.thanks = f->v[TH_THANKS].s,
				 .thanks_err = f->err[TH_THANKS],
				 .thanks_public = (int)f->v[TH_PUBLIC].i,
				 .errors = f->nerr};
	celebrate_finish_form(c, m, status, &ff);
}

/* The mentorship the path names, if the asker is one of the pair; else
 * the error page is sent and -1. */
static int the_mentorship(struct ctx *c, struct mentorship *m)
{
	return ms_of_asker(c, m);
}

static void back_to(struct ctx *c, int64_t id, const char *flash)
{
	ctx_flash(c, flash);
	char loc[80];
	snprintf(loc, sizeof(loc), "/mentorships/%lld#celebrate", (long long)id);
	resp_redirect(c->resp, loc);
}

void page_ms_celebrate(struct ctx *c)
{
	struct fields f;
	int st = fields_read(celebrate_fields, FIELDS(celebrate_fields), &c->req->body, &f);
	struct mentorship m;
	if (the_mentorship(c, &m) != 0) /* the pair first: a stranger learns nothing from a 400 */
		return;
	if (st) {
		ctx_error(c, 400, "The form had fields Tandem does not know. Nothing was changed.");
		return;
	}
	int on = (int)f.v[CE_CELEBRATE].i;
	enum req_rc r = celebration_consent(c->db, m.id, c->user.id, on, c->now);
	switch (r) {
	case REQ_OK: break;
	case REQ_DB_BUSY:
	case REQ_DB_ERR:
	case REQ_DB_FULL: ctx_store_error(c, r); return;
	case REQ_NOTFOUND: ctx_error(c, 404, not_yours); return;
	default:
		ctx_error(c, 409,
			  "Only a completed mentorship can be celebrated (this one is still active or "
			  "ended early). Nothing was changed.");
		return;
	}
	back_to(c, m.id,
		on ? "You celebrate this mentorship. It shows on the program page while you both do."
		   : "Taken back: the celebration is not on the program page any more.");
}

void page_ms_thanks(struct ctx *c)
{
	struct fields f;
	int st = fields_read(thanks_fields, FIELDS(thanks_fields), &c->req->body, &f);
	struct mentorship m;
	if (the_mentorship(c, &m) != 0)
		return;
	if (st == 400) {
		ctx_error(c, 400, "The form had fields Tandem does not know. Nothing was changed.");
		return;
	}
	if (m.mentor_id == c->user.id) {
		ctx_error(c, 403, "The thank-you note is the mentee's to write. Nothing was changed.");
		return;
	}
	if (st == 422) {
		thanks_again(c, &m, 422, &f);
		return;
	}
	const char *text = f.v[TH_THANKS].s;
	enum req_rc r = celebration_thanks(c->db, m.id, c->user.id, text, (int)f.v[TH_PUBLIC].i, c->now);
	switch (r) {
	case REQ_OK: break;
	case REQ_DB_BUSY:
	case REQ_DB_ERR:
	case REQ_DB_FULL: ctx_store_error(c, r); return;
	case REQ_NOTFOUND: ctx_error(c, 404, not_yours); return;
	case REQ_NOT_YOURS: ctx_error(c, 403, "The thank-you note is the mentee's to write."); return;
	default:
		fields_fail(&f, TH_THANKS,
			    "A thank-you note is written once the mentorship is completed. Your text was not "
			    "saved; it is below.");
		thanks_again(c, &m, 409, &f);
		return;
	}
	back_to(c, m.id,
		*text ? "Thank-you note saved. Your mentor sees it on this page and on their record."
		      : "Thank-you note removed.");
}

/* issue 19 leftovers: the mentor's own agreement to show the note on
 * /program (a public note needs both of the pair), given or taken back. */
void page_ms_thanks_show(struct ctx *c)
{
	struct fields f;
	int st = fields_read(show_fields, FIELDS(show_fields), &c->req->body, &f);
	struct mentorship m;
	if (the_mentorship(c, &m) != 0)
		return;
	if (st) {
		ctx_error(c, 400, "The form had fields Tandem does not know. Nothing was changed.");
		return;
	}
	if (m.mentor_id != c->user.id) {
		ctx_error(c, 403,
			  "This is the mentor's say on showing your note; yours is the box under the note. "
			  "Nothing was changed.");
		return;
	}
	int on = (int)f.v[SH_SHOW].i;
	enum db_rc rc = celebration_note_consent(c->db, m.id, c->user.id, on, f.v[SH_REV].i);
	struct celebration now;
	if (rc == DB_CONFLICT && on && celebration_get(c->db, m.id, c->user.id, &now) == DB_OK) {
		int changed = now.thanks_at && now.thanks_rev != f.v[SH_REV].i;
		celebration_free(&now);
		if (changed) {
			ctx_error(c, 409,
				  "The note was changed after you opened the page, so nothing was changed: "
				  "read it again on the mentorship's page and agree if you still do.");
			return;
		}
	}
	if (rc == DB_CONFLICT) {
		ctx_error(c, 409,
			  "There is no thank-you note to show here yet, or the mentorship is not completed. "
			  "Nothing was changed.");
		return;
	}
	if (rc != DB_OK) {
		ctx_store_error(c, rc);
		return;
	}
	back_to(c, m.id,
		on ? "You agreed: the note shows on the program page while your mentee wants it "
		     "there and you both celebrate."
		   : "Taken back: the note is not on the program page any more.");
}

/* Notes received, for the record page. */
struct thanks_arg {
	struct vlist *l;
	int unopened;
};

static void thanks_line(void *arg, const struct thanks_line *t)
{
	struct thanks_arg *a = arg;
	a->unopened |= t->unopened;
	char day[11];
	ins_ymd((long)(t->at / 86400), day);
	struct vrow *r = view_row_new();
	view_row_str(r, t->text);
	view_row_str(r, t->mentee);
	view_row_str(r, t->topic);
	view_row_int(r, t->ms);
	view_row_str(r, day);
	view_row_int(r, t->on_program);
	view_list_add(a->l, r);
}

#define RECORD_THANKS 50

int celebrate_record(struct ctx *c, int64_t people)
{
	(void)people;
	struct view *v = ctx_view(c);
	struct thanks_arg a = {view_list_new(), 0};
	int64_t total = 0;
	enum db_rc rc = thanks_received(c->db, c->user.id, RECORD_THANKS, thanks_line, &a, &total);
	view_list_set(v, "thanks_notes", a.l);
	view_int(v, "thanks_total", total);
	char line[120] = "";
	int on = record_line_shown(c->db, c->user.id);
	if (rc == DB_OK && (on < 0 || record_line_for(c->db, c->user.id, line, sizeof(line)) != DB_OK))
		rc = DB_ERR;
	if (rc != DB_OK) {
		ctx_store_error(c, rc);
		return -1;
	}
	if (a.unopened) {
		ctx_error(c, 500, "Part of your record could not be read. The error was logged.");
		return -1;
	}
	view_str(v, "card_preview", line);
	view_int(v, "card_on", on);
	return 0;
}

void page_record_card(struct ctx *c)
{
	struct fields f;
	if (fields_read(card_fields, FIELDS(card_fields), &c->req->body, &f) != 0) {
		ctx_error(c, 400, "The form had fields Tandem does not know. Nothing was changed.");
		return;
	}
	int on = (int)f.v[CA_SHOW].i;
	enum db_rc rc = record_line_set(c->db, c->user.id, on, c->now);
	if (rc != DB_OK) {
		ctx_store_error(c, rc);
		return;
	}
	ctx_flash(c, on ? "Your mentor card shows your record's line (when you are listed as a mentor)."
			: "Your mentor card no longer shows your record's line.");
	resp_redirect(c->resp, "/me/record#card-line");
}
