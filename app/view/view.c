#include "view/view.h"

#include <ctpl/ctpl.h>
#include <dirent.h>
#include <gio/gio.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/log.h"
#include "view/escape.h"

#define MAX_TEMPLATES 128

/* A flat partial: literal text and bare {name}s only (no {if}, {for},
 * expressions or escapes), the rows pages render once per item. Written
 * out directly from the environment instead of through ctpl_parser_parse,
 * which copies every value it prints: rows were a fifth of list pages. */
struct seg {
	const char *text; /* into flat_src */
	size_t len;
	const char *var; /* NUL-terminated copy, or NULL after the last text */
};

struct tpl {
	char name[64];
	CtplToken *tree;
	struct seg *flat; /* NULL: rendered by CTPL */
	size_t nflat;
	char *flat_src;
};

/* One memory stream per process, rewound for each render: creating and
 * finalising two GObjects per page was a measurable share of a request. */
static GOutputStream *render_gs;
static CtplOutputStream *render_os;

static struct tpl templates[MAX_TEMPLATES];
static size_t ntemplates;

/* A value set but not yet in the environment (see pend_set). */
struct pend {
	size_t name;	 /* offset of the name (NUL-terminated) in pool */
	size_t off, len; /* the text in pool (NUL-terminated), unless an int */
	int is_int;
	long iv;
};

#define PEND_MAX 64

struct view {
	CtplEnviron *env;
	struct buf scratch;
	/* Values wait here until CTPL renders (pend_flush): a flat partial
	 * reads them without the environment, whose every push copies and
	 * allocates (rows set a handful of values each, per row). A name set
	 * again replaces its value, as a push over it would hide it. */
	struct pend pend[PEND_MAX];
	size_t npend;
	unsigned char slot[2 * PEND_MAX]; /* by name hash: index + 1, 0 free */
	struct buf pool;
};

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	struct buf b = {0};
	char chunk[8192];
	size_t n;
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		buf_append(&b, chunk, n);
	fclose(f);
	if (b.oom) {
		buf_free(&b);
		return NULL;
	}
	return b.data ? b.data : strdup("");
}

/* Replace each "<!--#include _x.html-->" with the partial's text,
 * recursively (partials may include partials, four levels deep). */
static int expand_includes(const char *dir, const char *src, struct buf *out, int depth)
{
	if (depth > 4) {
		fprintf(stderr, "%s: includes nested too deeply\n", dir);
		return -1;
	}
	const char *p = src;
	for (;;) {
		const char *m = strstr(p, "<!--#include ");
		if (!m) {
			buf_puts(out, p);
			return 0;
		}
		buf_append(out, p, (size_t)(m - p));
		const char *nm = m + 13, *end = strstr(nm, "-->");
		if (!end)
			return -1;
		char name[128], path[4400];
		size_t len = (size_t)(end - nm);
		while (len && nm[len - 1] == ' ')
			len--;
		if (len == 0 || len >= sizeof(name) || nm[0] != '_')
			return -1;
		memcpy(name, nm, len);
		name[len] = '\0';
		snprintf(path, sizeof(path), "%s/%s", dir, name);
		char *part = slurp(path);
		if (!part) {
			fprintf(stderr, "%s: cannot read included %s\n", dir, name);
			return -1;
		}
		int rc = expand_includes(dir, part, out, depth + 1);
		free(part);
		if (rc != 0)
			return -1;
		p = end + 3;
	}
}

static CtplToken *lex(const char *text, const char *label)
{
	GError *err = NULL;
	CtplToken *t = ctpl_lexer_lex_string(text, &err);
	if (!t) {
		fprintf(stderr, "%s: %s\n", label, err ? err->message : "template error");
		g_clear_error(&err);
	}
	return t;
}

static int ident_char(char ch, int first)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || ch == '_' ||
	       (!first && ch >= '0' && ch <= '9');
}

/* Splits text into segments when it is flat (see struct seg); else leaves
 * t without them and CTPL renders it. */
static void flat_compile(struct tpl *t, const char *text)
{
	for (const char *p = text; *p; p++) {
		if (*p == '\\' || *p == '}')
			return;
		if (*p == '{') {
			const char *q = p + 1;
			if (!ident_char(*q, 1))
				return;
			while (ident_char(*q, 0))
				q++;
			if (*q != '}')
				return;
			p = q;
		}
	}
	size_t n = 1;
	for (const char *p = text; *p; p++)
		n += *p == '{';
	char *src = strdup(text);
	struct seg *seg = calloc(n, sizeof(*seg));
	if (!src || !seg) {
		free(src);
		free(seg);
		return;
	}
	size_t k = 0;
	char *p = src;
	for (;;) {
		char *open = strchr(p, '{');
		seg[k].text = p;
		seg[k].len = open ? (size_t)(open - p) : strlen(p);
		if (!open) {
			k++;
			break;
		}
		char *close = strchr(open, '}');
		*close = '\0';
		seg[k++].var = open + 1;
		p = close + 1;
	}
	t->flat = seg;
	t->nflat = k;
	t->flat_src = src;
}

int view_load(const char *dir)
{
	char path[4400];
	snprintf(path, sizeof(path), "%s/_layout.html", dir);
	char *layout = slurp(path);
	if (!layout) {
		fprintf(stderr, "%s: cannot read\n", path);
		return -1;
	}
	const char *mark = strstr(layout, "<!--CONTENT-->");
	if (!mark) {
		fprintf(stderr, "%s: no <!--CONTENT--> marker\n", path);
		free(layout);
		return -1;
	}
	DIR *d = opendir(dir);
	if (!d) {
		free(layout);
		return -1;
	}
	int rc = 0;
	struct dirent *e;
	while (rc == 0 && (e = readdir(d))) {
		size_t len = strlen(e->d_name);
		if (e->d_name[0] == '.' || len < 6 || strcmp(e->d_name + len - 5, ".html") != 0 ||
		    strcmp(e->d_name, "_layout.html") == 0)
			continue;
		/* Partials (_name.html) are also templates of their own, without
		 * the layout: pages render repeated fragments with them. */
		int partial = e->d_name[0] == '_';
		if (ntemplates == MAX_TEMPLATES || len - 5 >= sizeof(templates[0].name)) {
			fprintf(stderr, "%s/%s: too many templates or name too long\n", dir, e->d_name);
			rc = -1;
			break;
		}
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		char *page = slurp(path);
		struct buf body = {0}, full = {0};
		if (!page || expand_includes(dir, page, &body, 0) != 0) {
			fprintf(stderr, "%s: cannot read or expand includes\n", path);
			rc = -1;
		} else {
			/* Lex the page alone first so an error names the page's own
			 * line, not a line of the page wrapped in the layout. */
			CtplToken *alone = lex(buf_str(&body), path);
			if (!alone) {
				rc = -1;
			} else {
				ctpl_token_free(alone);
				if (!partial)
					buf_append(&full, layout, (size_t)(mark - layout));
				buf_puts(&full, buf_str(&body));
				if (!partial)
					buf_puts(&full, mark + 14);
				char label[4500];
				snprintf(label, sizeof(label), "%s (inside _layout.html)", path);
				CtplToken *t = lex(buf_str(&full), label);
				if (!t) {
					rc = -1;
				} else {
					memcpy(templates[ntemplates].name, e->d_name, len - 5);
					templates[ntemplates].name[len - 5] = '\0';
					templates[ntemplates].tree = t;
					if (partial)
						flat_compile(&templates[ntemplates], buf_str(&full));
					ntemplates++;
				}
			}
		}
		free(page);
		buf_free(&body);
		buf_free(&full);
	}
	closedir(d);
	free(layout);
	return rc;
}

int view_load_mail(const char *dir)
{
	DIR *d = opendir(dir);
	if (!d) {
		fprintf(stderr, "%s: cannot open\n", dir);
		return -1;
	}
	int rc = 0;
	struct dirent *e;
	while (rc == 0 && (e = readdir(d))) {
		size_t len = strlen(e->d_name);
		int txt = len > 4 && strcmp(e->d_name + len - 4, ".txt") == 0;
		int html = len > 5 && strcmp(e->d_name + len - 5, ".html") == 0;
		if (e->d_name[0] == '.' || e->d_name[0] == '_' || !(txt || html))
			continue;
		if (ntemplates == MAX_TEMPLATES || len + 5 >= sizeof(templates[0].name)) {
			fprintf(stderr, "%s/%s: too many templates or name too long\n", dir, e->d_name);
			rc = -1;
			break;
		}
		char path[4400];
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		char *page = slurp(path);
		struct buf body = {0};
		CtplToken *t = NULL;
		if (page && expand_includes(dir, page, &body, 0) == 0)
			t = lex(buf_str(&body), path);
		if (!t) {
			rc = -1;
		} else {
			memcpy(templates[ntemplates].name, "mail/", 5);
			memcpy(templates[ntemplates].name + 5, e->d_name, len + 1);
			templates[ntemplates++].tree = t;
		}
		free(page);
		buf_free(&body);
	}
	closedir(d);
	return rc;
}

int view_loaded(void)
{
	return ntemplates > 0;
}

void view_unload(void)
{
	if (render_os) {
		ctpl_output_stream_unref(render_os);
		g_object_unref(render_gs);
		render_os = NULL;
		render_gs = NULL;
	}
	for (size_t i = 0; i < ntemplates; i++) {
		ctpl_token_free(templates[i].tree);
		free(templates[i].flat);
		free(templates[i].flat_src);
		templates[i] = (struct tpl){0};
	}
	ntemplates = 0;
}

static struct tpl *find_tpl(const char *name)
{
	/* Rows look their partial up once per row, by a literal: remember
	 * where each name pointer led (checked with one strcmp) instead of
	 * comparing with every template's name. */
	static struct {
		const char *p;
		struct tpl *t;
	} hot[32];
	size_t h = ((uintptr_t)name >> 3) % 32;
	if (hot[h].p == name && hot[h].t && strcmp(hot[h].t->name, name) == 0)
		return hot[h].t;
	for (size_t i = 0; i < ntemplates; i++)
		if (strcmp(templates[i].name, name) == 0) {
			hot[h].p = name;
			hot[h].t = &templates[i];
			return &templates[i];
		}
	return NULL;
}

static CtplToken *find(const char *name)
{
	struct tpl *t = find_tpl(name);
	return t ? t->tree : NULL;
}

static const struct pend *pend_find(const struct view *v, const char *name);

/* A flat partial written from v's values; -1 (out as it was) when a
 * value is missing or neither text nor a number: CTPL then renders it and
 * reports what it reports. */
static int render_flat(const struct view *v, const struct tpl *t, struct buf *out)
{
	size_t start = out->len;
	for (size_t i = 0; i < t->nflat; i++) {
		buf_append(out, t->flat[i].text, t->flat[i].len);
		if (!t->flat[i].var)
			continue;
		const struct pend *e = pend_find(v, t->flat[i].var);
		if (e) {
			if (e->is_int)
				buf_printf(out, "%ld", e->iv);
			else
				buf_append(out, v->pool.data + e->off, e->len);
			continue;
		}
		const CtplValue *val = ctpl_environ_lookup(v->env, t->flat[i].var);
		if (val && CTPL_VALUE_HOLDS_STRING(val)) {
			buf_puts(out, ctpl_value_get_string(val));
		} else if (val && CTPL_VALUE_HOLDS_INT(val)) {
			buf_printf(out, "%ld", ctpl_value_get_int(val));
		} else {
			out->len = start;
			if (out->data)
				out->data[start] = '\0';
			return -1;
		}
	}
	return out->oom ? -1 : 0;
}

int view_exists(const char *name)
{
	return find(name) != NULL;
}

struct view *view_new(void)
{
	struct view *v = calloc(1, sizeof(*v));
	if (v)
		v->env = ctpl_environ_new();
	return v;
}

void view_free(struct view *v)
{
	if (!v)
		return;
	ctpl_environ_unref(v->env);
	buf_free(&v->scratch);
	buf_free(&v->pool);
	free(v);
}

static const char *escaped(struct buf *scratch, const char *s)
{
	buf_reset(scratch);
	html_escape(scratch, s ? s : "");
	return buf_str(scratch);
}

/* Push every waiting value into the environment (the order between
 * names does not matter: each name is its own stack). */
static void pend_flush(struct view *v)
{
	for (size_t i = 0; i < v->npend; i++) {
		struct pend *e = &v->pend[i];
		if (e->is_int)
			ctpl_environ_push_int(v->env, v->pool.data + e->name, e->iv);
		else
			ctpl_environ_push_string(v->env, v->pool.data + e->name, v->pool.data + e->off);
	}
	v->npend = 0;
	memset(v->slot, 0, sizeof(v->slot));
	buf_reset(&v->pool);
}

static size_t pend_hash(const char *name)
{
	size_t h = 5381;
	for (const unsigned char *p = (const unsigned char *)name; *p; p++)
		h = h * 33 + *p;
	return h % (2 * PEND_MAX);
}

/* The slot of name: its entry's index + 1, or 0 with *at the free slot. */
static size_t pend_slot(const struct view *v, const char *name, size_t *at)
{
	size_t h = pend_hash(name);
	while (v->slot[h]) {
		if (strcmp(v->pool.data + v->pend[v->slot[h] - 1].name, name) == 0)
			break;
		h = (h + 1) % (2 * PEND_MAX);
	}
	*at = h;
	return v->slot[h];
}

static const struct pend *pend_find(const struct view *v, const char *name)
{
	size_t at, k = v->npend ? pend_slot(v, name, &at) : 0;
	return k ? &v->pend[k - 1] : NULL;
}

/* Set name to an int (text NULL) or to text: a name set again has its
 * entry replaced (a row view sets the same names for every row), which
 * is what pushing it over the last one would show. 0, or -1 when memory
 * ran out: then what waited is pushed and the caller pushes directly. */
static int pend_set(struct view *v, const char *name, const char *text, long iv)
{
	size_t at, k = v->npend ? pend_slot(v, name, &at) : 0;
	if (!k && v->npend == PEND_MAX)
		pend_flush(v);
	if (!v->npend)
		k = pend_slot(v, name, &at);
	size_t name_off = k ? v->pend[k - 1].name : v->pool.len;
	if (!k)
		buf_append(&v->pool, name, strlen(name) + 1);
	size_t off = v->pool.len;
	if (text)
		buf_append(&v->pool, text, strlen(text) + 1);
	if (v->pool.oom) {
		pend_flush(v);
		return -1;
	}
	if (!k) {
		k = ++v->npend;
		v->slot[at] = (unsigned char)k;
	}
	v->pend[k - 1] = (struct pend){.name = name_off,
				       .off = off,
				       .len = text ? v->pool.len - 1 - off : 0,
				       .is_int = !text,
				       .iv = iv};
	return 0;
}

void view_str(struct view *v, const char *name, const char *s)
{
	const char *text = escaped(&v->scratch, s);
	if (pend_set(v, name, text, 0) != 0)
		ctpl_environ_push_string(v->env, name, text);
}

static void pend_plain(struct view *v, const char *name, const char *s)
{
	if (pend_set(v, name, s, 0) != 0)
		ctpl_environ_push_string(v->env, name, s);
}

/* Percent-encoding, then HTML escaping: the first already leaves nothing
 * HTML gives meaning to, the second keeps that true whatever the first
 * ever lets through. */
static void url_then_html(struct buf *out, const char *s)
{
	struct buf u = {0};
	url_encode(&u, s ? s : "");
	html_escape(out, buf_str(&u));
	buf_free(&u);
}

void view_url(struct view *v, const char *name, const char *s)
{
	struct buf b = {0};
	url_then_html(&b, s);
	pend_plain(v, name, buf_str(&b));
	buf_free(&b);
}

void view_int(struct view *v, const char *name, int64_t n)
{
	if (pend_set(v, name, NULL, (long)n) != 0)
		ctpl_environ_push_int(v->env, name, (glong)n);
}

void view_plain(struct view *v, const char *name, const char *s)
{
	pend_plain(v, name, s ? s : "");
}

void view_trusted_html(struct view *v, const char *name, const char *html)
{
	pend_plain(v, name, html ? html : "");
}

void view_csrf(struct view *v, const char *token)
{
	view_str(v, "csrf", token);
	struct buf field = {0};
	buf_puts(&field, "<input type=\"hidden\" name=\"csrf\" value=\"");
	html_escape(&field, token ? token : "");
	buf_puts(&field, "\">");
	pend_plain(v, "csrf_field", field.oom ? "" : buf_str(&field));
	buf_free(&field);
}

/* CTPL refuses to *create* an array of arrays from varargs, but an empty
 * array of any type accepts array values appended later. */
static CtplValue *empty_array(void)
{
	return ctpl_value_new_array(CTPL_VTYPE_STRING, 0, NULL);
}

struct vlist *view_list_new(void)
{
	return (struct vlist *)empty_array();
}

struct vrow *view_row_new(void)
{
	return (struct vrow *)empty_array();
}

void view_row_str(struct vrow *r, const char *s)
{
	struct buf b = {0};
	html_escape(&b, s ? s : "");
	ctpl_value_array_append_string((CtplValue *)r, buf_str(&b));
	buf_free(&b);
}

void view_row_url(struct vrow *r, const char *s)
{
	struct buf b = {0};
	url_then_html(&b, s);
	ctpl_value_array_append_string((CtplValue *)r, buf_str(&b));
	buf_free(&b);
}

void view_row_plain(struct vrow *r, const char *s)
{
	ctpl_value_array_append_string((CtplValue *)r, s ? s : "");
}

void view_row_int(struct vrow *r, int64_t n)
{
	ctpl_value_array_append_int((CtplValue *)r, (glong)n);
}

void view_list_add(struct vlist *l, struct vrow *r)
{
	ctpl_value_array_append((CtplValue *)l, (CtplValue *)r);
	ctpl_value_free((CtplValue *)r);
}

int64_t view_list_len(const struct vlist *l)
{
	return (int64_t)ctpl_value_array_length((const CtplValue *)l);
}

void view_list_set(struct view *v, const char *name, struct vlist *l)
{
	pend_flush(v); /* what was set before stays under what is pushed now */
	ctpl_environ_push(v->env, name, (CtplValue *)l);
	ctpl_value_free((CtplValue *)l);
}

void view_strlist_set(struct view *v, const char *name, const char *const *items, int n)
{
	CtplValue *a = empty_array();
	for (int i = 0; i < n; i++)
		ctpl_value_array_append_string(a, escaped(&v->scratch, items[i]));
	pend_flush(v);
	ctpl_environ_push(v->env, name, a);
	ctpl_value_free(a);
}

int view_render_slot(struct view *v, const char *name, const char *trusted_html, struct buf *out)
{
	size_t start = out->len;
	if (view_render(v, name, out) != 0)
		return -1;
	char *mark = strstr(out->data + start, "<!--SLOT-->");
	if (!mark)
		return 0;
	struct buf tail = {0};
	buf_puts(&tail, mark + 11);
	out->len = (size_t)(mark - out->data);
	buf_puts(out, trusted_html);
	buf_append(out, buf_str(&tail), tail.len);
	int oom = tail.oom || out->oom;
	buf_free(&tail);
	return oom ? -1 : 0;
}

int view_render(struct view *v, const char *name, struct buf *out)
{
	struct tpl *tp = find_tpl(name);
	if (tp && tp->flat && !out->oom && render_flat(v, tp, out) == 0)
		return 0;
	CtplToken *t = tp ? tp->tree : NULL;
	pend_flush(v);
	if (!t) {
		log_kv("error", "no such template", "template", name, LOG_END);
		return -1;
	}
	if (!render_gs) {
		render_gs = g_memory_output_stream_new_resizable();
		render_os = ctpl_output_stream_new(render_gs);
	}
	/* Rewind without truncating: truncation gives the memory back and the
	 * next page grows it again. The page's length is where writing ends. */
	g_seekable_seek(G_SEEKABLE(render_gs), 0, G_SEEK_SET, NULL, NULL);
	GError *err = NULL;
	int rc = 0;
	if (!ctpl_parser_parse(t, v->env, render_os, &err)) {
		log_kv("error", "template render failed", "template", name, "err", err ? err->message : "",
		       LOG_END);
		g_clear_error(&err);
		rc = -1;
	} else {
		GMemoryOutputStream *ms = G_MEMORY_OUTPUT_STREAM(render_gs);
		buf_append(out, g_memory_output_stream_get_data(ms),
			   (size_t)g_seekable_tell(G_SEEKABLE(render_gs)));
		if (out->oom)
			rc = -1;
	}
	return rc;
}
