/* view: templates lexed once per process, and a per-render environment in
 * which every string is HTML-escaped on the way in. */
#ifndef TANDEM_VIEW_H
#define TANDEM_VIEW_H
#include <stdint.h>

#include "core/buf.h"

struct view;  /* one render's environment */
struct vlist; /* a list of rows for {for r in name} */
struct vrow;  /* one row: values by position, r[0], r[1], ... */

/* Lex every templates/NAME.html wrapped in templates/_layout.html at its
 * <!--CONTENT--> line, and every partial _NAME.html on its own (named
 * "_NAME": for fragments a page renders per row). On a template error
 * prints "file:line: message" to stderr and returns -1. */
int view_load(const char *tpl_dir);
/* Lex every NAME.txt and NAME.html of dir (templates/mail/) on its own,
 * as "mail/NAME.txt" and "mail/NAME.html": mail's plain-text part and
 * HTML alternative. Partials (_x.html) are included, not loaded. 0, or
 * -1 after printing "file: message" to stderr. */
int view_load_mail(const char *dir);
/* 1 once view_load has succeeded in this process (or the one that forked it). */
int view_loaded(void);
/* Free the lexed trees. */
void view_unload(void);
/* 1 when a template of that name was loaded. */
int view_exists(const char *name);

/* A new, empty environment. Free with view_free. NULL on OOM. */
struct view *view_new(void);
void view_free(struct view *v);

/* Set name to the HTML-escaped text of s (NULL counts as ""). */
void view_str(struct view *v, const char *name, const char *s);
/* Set name to s percent-encoded for a URL (a query value or a path
 * segment), then HTML-escaped: the one way a value goes into an href. */
void view_url(struct view *v, const char *name, const char *s);
/* Set name to an integer. */
void view_int(struct view *v, const char *name, int64_t n);
/* Set name to s unescaped: for plain-text templates only (mail's text
 * part, templates/mail/NAME.txt), never for one that makes HTML. */
void view_plain(struct view *v, const char *name, const char *s);
/* Set name to HTML that the caller vouches for (built only from escaped
 * parts). The name says so on purpose: grep for it in review. */
void view_trusted_html(struct view *v, const char *name, const char *html);

/* Set "csrf" to the escaped token and "csrf_field" to the one hidden
 * field every form carries, <input type="hidden" name="csrf" value="...">:
 * templates write {csrf_field}, so the field's name (the contract with
 * dispatch's check) is stated here once. Built only from the escaped
 * token, hence trusted HTML. */
void view_csrf(struct view *v, const char *token);

/* Lists of rows. view_list_set takes ownership of the list. */
struct vlist *view_list_new(void);
struct vrow *view_row_new(void);
void view_row_str(struct vrow *r, const char *s); /* escaped */
void view_row_url(struct vrow *r, const char *s); /* percent-encoded, then escaped */
void view_row_int(struct vrow *r, int64_t n);
void view_row_plain(struct vrow *r, const char *s);  /* unescaped: plain-text templates only */
void view_list_add(struct vlist *l, struct vrow *r); /* takes r */
int64_t view_list_len(const struct vlist *l);
void view_list_set(struct view *v, const char *name, struct vlist *l);
/* A list of escaped strings, for {for t in name}{t}{end}. */
void view_strlist_set(struct view *v, const char *name, const char *const *items, int n);

/* Like view_render, then put trusted_html (built only from escaped
 * parts, like view_trusted_html) where the template has <!--SLOT-->.
 * For large pre-rendered fragments: CTPL would copy them several times. */
int view_render_slot(struct view *v, const char *name, const char *trusted_html, struct buf *out);

/* Render template `name` with v into out (appended). 0 on success; -1 on
 * a render error (logged with the template name; out may hold a partial
 * page, which the caller must discard). */
int view_render(struct view *v, const char *name, struct buf *out);

#endif
