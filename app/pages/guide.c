/* GET /guide (the program guide), GET,POST /admin/guide (admins edit it
 * as plain text: "# " starts a section, "- " a list item, a blank line a
 * new paragraph; shown escaped, so no HTML from input ever reaches a page). */
#include <stdio.h>
#include <string.h>

#include "pages/ctx.h"
#include "pages/routes.h"
#include "store/guide.h"
#include "view/escape.h"

/* The default guide, written for this program. */
static const char default_guide[] =
	"# For mentees\n"
	"Start small: ask for a single conversation first. Thirty minutes is enough to see whether the "
	"two of you work well together; if you do, continue as a mentorship with a goal and a plan.\n"
	"\n"
	"- State the problem in a sentence or two: what you want to be able to do, and by when.\n"
	"- Share what you already tried, and where you got stuck.\n"
	"- You do the work; your mentor helps you see the way. Let them know when you did something "
	"based on their advice: it is the best thanks there is.\n"
	"- You may have more than one mentor, each for a different topic.\n"
	"\n"
	"# For mentors\n"
	"Before the first session, write down what you know well and what you do not: say so plainly, "
	"and point to someone else for the rest.\n"
	"\n"
	"- Set expectations together: how often you meet, how you reach each other between sessions, "
	"how long a question may wait for an answer.\n"
	"- Listen first. Ask what was tried before you suggest anything.\n"
	"- Keep to the hour you agreed; a tired mentor helps nobody.\n"
	"\n"
	"# What each can expect\n"
	"- The mentee comes prepared, keeps the commitments made in a session, and says when the pace "
	"is wrong.\n"
	"- The mentor turns up, keeps what is said between the two of you, and gives honest feedback "
	"with care.\n"
	"- Both may change the plan: a goal reached early deserves a new one, and a project that needs "
	"a few more weeks can have them.\n"
	"\n"
	"# Preparing a session\n"
	"Send an agenda at least 24 hours ahead, on the mentorship page: the problem, what you tried, "
	"your questions. After the session, write down what you learned and the next step, and follow "
	"up when it is done.\n"
	"\n"
	"# Burnout or a blocker\n"
	"If sessions keep slipping, or one of you dreads them, say it early and kindly. Skip a week, "
	"meet less often, or shorten the plan. A blocker outside the mentorship (a deadline, a move, "
	"ill health) is a reason to pause, not a failure.\n"
	"\n"
	"- A mentorship with no session for four weeks is marked stalled: restart it with one short "
	"session, or end it kindly.\n"
	"\n"
	"# Ending well\n"
	"End with a review: what worked, what did not, what comes next. Complete the mentorship in "
	"Tandem and say whether the goal was met. A follow-up note a few weeks later means a lot. And "
	"when you have learned something well, offer it: become a mentor for that topic.\n";

/* Render the guide text (as the admin form holds it) into HTML, escaped. */
static void guide_html(struct buf *out, const char *text, int *sections)
{
	int in_list = 0, in_p = 0, n = 0;
	const char *p = text;
	struct buf lb = {0}; /* a line of any length: a paragraph is one line */
	while (*p) {
		const char *eol = strchr(p, '\n');
		size_t len = eol ? (size_t)(eol - p) : strlen(p);
		if (len && p[len - 1] == '\r')
			len--;
		buf_reset(&lb);
		buf_append(&lb, p, len);
		const char *line = buf_str(&lb);
		p = eol ? eol + 1 : p + strlen(p);
		int heading = strncmp(line, "# ", 2) == 0, item = strncmp(line, "- ", 2) == 0;
		if (in_p && (heading || item || !len)) {
			buf_puts(out, "</p>\n");
			in_p = 0;
		}
		if (in_list && !item) {
			buf_puts(out, "</ul>\n");
			in_list = 0;
		}
		if (heading) {
			if (n++)
				buf_puts(out, "</section>\n");
			buf_printf(out, "<section class=\"card\" aria-labelledby=\"g%d\">\n<h2 id=\"g%d\">",
				   n, n);
			html_escape(out, line + 2);
			buf_puts(out, "</h2>\n");
		} else if (item) {
			if (!in_list)
				buf_puts(out, "<ul>\n");
			in_list = 1;
			buf_puts(out, "<li>");
			html_escape(out, line + 2);
			buf_puts(out, "</li>\n");
		} else if (len) {
			buf_puts(out, in_p ? " " : "<p>");
			in_p = 1;
			html_escape(out, line);
		}
	}
	if (in_p)
		buf_puts(out, "</p>\n");
	if (in_list)
		buf_puts(out, "</ul>\n");
	if (n)
		buf_puts(out, "</section>\n");
	if (lb.oom)
		out->oom = 1;
	buf_free(&lb);
	*sections = n;
}

/* The guide as admins saved it, back into its text form. */
static void section_text(void *arg, const char *heading, const char *body)
{
	struct buf *b = arg;
	buf_printf(b, "# %s\n%s\n\n", heading, body);
}

/* The current text: the saved sections, or the default. -1 on a store error. */
static int guide_text(struct ctx *c, struct buf *out)
{
	int n = guide_each(c->db, section_text, out);
	if (n < 0)
		return -1;
	if (n == 0)
		buf_puts(out, default_guide);
	return 0;
}

void page_guide(struct ctx *c)
{
	struct buf text = {0}, html = {0};
	int sections = 0;
	if (guide_text(c, &text) != 0) {
		buf_free(&text);
		ctx_store_error(c, DB_ERR);
		return;
	}
	guide_html(&html, buf_str(&text), &sections);
	/* Built from escaped text only: trusted HTML. */
	ctx_render_slot(c, 200, "guide", "Guide", buf_str(&html));
	buf_free(&text);
	buf_free(&html);
}

enum { GF_TEXT };
static const struct field_spec guide_fields[] = {{"text", "Guide", FT_TEXT, 0, 0, 30000, NULL, 0}};

static void guide_form(struct ctx *c, int status, const struct fields *f)
{
	ctx_form_values(c, guide_fields, FIELDS(guide_fields), f);
	if (!f) {
		struct buf text = {0};
		if (guide_text(c, &text) != 0) {
			buf_free(&text);
			ctx_store_error(c, DB_ERR);
			return;
		}
		view_str(ctx_view(c), "text", buf_str(&text));
		buf_free(&text);
	}
	ctx_render(c, status, "admin_guide", "Edit the guide");
}

void page_admin_guide(struct ctx *c)
{
	guide_form(c, 200, NULL);
}

/* Split the text into sections at "# " lines; NULL or why not. The
 * strings point into text, which is cut in place. */
static const char *split(char *text, const char **heads, const char **bodies, int *n)
{
	*n = 0;
	char *p = text;
	while (*p) {
		char *eol = strchr(p, '\n');
		if (strncmp(p, "# ", 2) == 0) {
			if (*n == GUIDE_MAX_SECTIONS)
				return "At most 40 sections.";
			/* Two headings in a row: the first has no body (not this line). */
			if (*n > 0 && bodies[*n - 1] == p)
				bodies[*n - 1] = "";
			if (eol)
				*eol = '\0';
			char *h = p + 2;
			size_t hl = strlen(h);
			if (hl && h[hl - 1] == '\r')
				h[hl - 1] = '\0';
			heads[*n] = h;
			bodies[*n] = eol ? eol + 1 : "";
			(*n)++;
			if (*n > 1) /* the previous body ends before this heading */
				p[-1] = '\0';
			p = eol ? eol + 1 : p + strlen(p);
			continue;
		}
		if (*n == 0 && *p != '\n' && *p != '\r')
			return "Start the guide with a heading line: \"# \" and the section's name.";
		p = eol ? eol + 1 : p + strlen(p);
	}
	return NULL;
}

void page_admin_guide_save(struct ctx *c)
{
	struct fields f;
	int st = fields_read(guide_fields, FIELDS(guide_fields), &c->req->body, &f);
	if (st == 400) {
		ctx_error(c, 400, "The form had fields Tandem does not know. Nothing was changed.");
		return;
	}
	static char text[30000 * 4 + 1];
	snprintf(text, sizeof(text), "%s", f.v[GF_TEXT].s);
	const char *heads[GUIDE_MAX_SECTIONS], *bodies[GUIDE_MAX_SECTIONS];
	int n = 0;
	const char *why = st ? NULL : split(text, heads, bodies, &n);
	if (why)
		fields_fail(&f, 0, why);
	if (f.nerr) {
		guide_form(c, 422, &f);
		return;
	}
	/* Trailing blank lines of each body are the separators, not text. */
	for (int i = 0; i < n; i++) {
		char *b = (char *)bodies[i];
		size_t l = strlen(b);
		while (l && (b[l - 1] == '\n' || b[l - 1] == '\r'))
			b[--l] = '\0';
	}
	enum db_rc rc = guide_save(c->db, heads, bodies, n);
	if (rc != DB_OK) {
		ctx_store_error(c, rc);
		return;
	}
	ctx_flash(c, n ? "Guide saved." : "Guide emptied: members see the default text again.");
	resp_redirect(c->resp, "/guide");
}
