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
	CtplToken *body;	/* a page without the layout (see struct lnode) */
	uint64_t body_names[2]; /* by pend_hash: the names its tags mention */
	struct seg *flat;	/* NULL: rendered by CTPL */
	size_t nflat;
	char *flat_src;
};

/* One memory stream per process, rewound for each render: creating and
 * finalising two GObjects per page was a measurable share of a request. */
static GOutputStream *render_gs;
static CtplOutputStream *render_os;

static struct tpl templates[MAX_TEMPLATES];
static size_t ntemplates;

/* The layout around every page, run here instead of through CTPL: its
 * text, bare {name}s and {if}s of one name, alone or compared with an
 * integer or a "string" literal, with {else} and {end}. CTPL then renders
 * only the page's own body. A layout with anything else (or a value
 * missing or of another type at render time) is rendered through CTPL
 * whole, as before. Values are written as stored: escaped when set. */
enum lop { L_TEXT, L_VAR, L_IF, L_ELSE, L_END };
struct lnode {
	enum lop op;
	const char *text; /* L_TEXT: into the layout's copy */
	size_t len;
	char name[32]; /* L_VAR, L_IF */
	char cmp[3];   /* L_IF: "" (the value alone), "==", "!=", ">", "<", ">=", "<=" */
	int lit_str;   /* L_IF: the literal is a string (lit), else an integer (iv) */
	char lit[32];
	long iv;
	size_t jump; /* L_IF: its L_ELSE or L_END; L_ELSE: its L_END */
};
#define LAYOUT_NODES 96
struct lprog {
	struct lnode node[LAYOUT_NODES];
	size_t n;
};
static struct lprog lay_head, lay_tail;
static char *lay_src; /* the layout's text, which L_TEXT nodes point into */
static int lay_ok;    /* both halves compiled */

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

/* An {if} expression: NAME, or NAME OP LITERAL. 0, or -1 when it is
 * anything else (the layout then goes through CTPL). */
static int lay_expr(struct lnode *n, const char *e, size_t len)
{
	size_t i = 0, k = 0;
	while (i < len && ident_char(e[i], i == 0) && k + 1 < sizeof(n->name))
		n->name[k++] = e[i++];
	n->name[k] = '\0';
	if (k == 0)
		return -1;
	if (i == len)
		return 0;
	if (e[i++] != ' ')
		return -1;
	k = 0;
	while (i < len && strchr("=!<>", e[i]) && k < 2)
		n->cmp[k++] = e[i++];
	n->cmp[k] = '\0';
	static const char *const ops[] = {"==", "!=", ">", "<", ">=", "<="};
	int known = 0;
	for (size_t o = 0; o < sizeof(ops) / sizeof(ops[0]); o++)
		known |= strcmp(n->cmp, ops[o]) == 0;
	if (!known || i == len || e[i++] != ' ' || i == len)
		return -1;
	if (e[i] == '"') {
		/* Strings are compared for (in)equality only. */
		const char *close = memchr(e + i + 1, '"', len - i - 1);
		size_t l = close ? (size_t)(close - e - i - 1) : 0;
		if (!close || close != e + len - 1 || l >= sizeof(n->lit) || memchr(e + i + 1, '\\', l) ||
		    (strcmp(n->cmp, "==") != 0 && strcmp(n->cmp, "!=") != 0))
			return -1;
		memcpy(n->lit, e + i + 1, l);
		n->lit[l] = '\0';
		n->lit_str = 1;
		return 0;
	}
	char num[24];
	if (len - i >= sizeof(num))
		return -1;
	memcpy(num, e + i, len - i);
	num[len - i] = '\0';
	char *end;
	n->iv = strtol(num, &end, 10);
	return *end || end == num ? -1 : 0;
}

/* Compile text (NUL-terminated, kept alive by the caller) into prog. 0, or
 * -1 when it holds anything the program does not run. */
static int lay_compile(struct lprog *prog, const char *text)
{
	size_t open[8], depth = 0;
	prog->n = 0;
	for (const char *p = text; *p;) {
		if (prog->n == LAYOUT_NODES)
			return -1;
		struct lnode *n = &prog->node[prog->n];
		*n = (struct lnode){0};
		if (*p == '\\' || *p == '}')
			return -1;
		if (*p != '{') {
			size_t len = strcspn(p, "{}\\");
			*n = (struct lnode){.op = L_TEXT, .text = p, .len = len};
			prog->n++;
			p += len;
			continue;
		}
		const char *close = strchr(p, '}');
		if (!close)
			return -1;
		const char *tag = p + 1;
		size_t len = (size_t)(close - tag);
		if (len > 3 && strncmp(tag, "if ", 3) == 0) {
			n->op = L_IF;
			if (depth == sizeof(open) / sizeof(open[0]) || lay_expr(n, tag + 3, len - 3) != 0)
				return -1;
			open[depth++] = prog->n;
		} else if (len == 4 && strncmp(tag, "else", 4) == 0) {
			if (depth == 0 || prog->node[open[depth - 1]].op != L_IF ||
			    prog->node[open[depth - 1]].jump)
				return -1;
			n->op = L_ELSE;
			prog->node[open[depth - 1]].jump = prog->n;
			open[depth - 1] = prog->n;
		} else if (len == 3 && strncmp(tag, "end", 3) == 0) {
			if (depth == 0)
				return -1;
			n->op = L_END;
			prog->node[open[--depth]].jump = prog->n;
		} else {
			n->op = L_VAR;
			if (len == 0 || len >= sizeof(n->name))
				return -1;
			for (size_t i = 0; i < len; i++)
				if (!ident_char(tag[i], i == 0))
					return -1;
			memcpy(n->name, tag, len);
			n->name[len] = '\0';
		}
		prog->n++;
		p = close + 1;
	}
	return depth == 0 ? 0 : -1;
}

/* Split the layout at its marker into the two programs; lay_ok says
 * whether pages render through them. */
static void lay_load(const char *layout, const char *mark)
{
	lay_ok = 0;
	free(lay_src);
	lay_src = strdup(layout);
	if (!lay_src)
		return;
	lay_src[mark - layout] = '\0';
	lay_ok = lay_compile(&lay_head, lay_src) == 0 &&
		 lay_compile(&lay_tail, lay_src + (mark - layout) + 14) == 0;
}

static size_t pend_hash(const char *name);

/* Every identifier inside the braces of text, by pend_hash, into mask:
 * a superset of the names CTPL looks up to render it. */
static void names_mask(const char *text, uint64_t mask[2])
{
	mask[0] = mask[1] = 0;
	int in_tag = 0;
	for (const char *p = text; *p; p++) {
		if (*p == '{' || *p == '}') {
			in_tag = *p == '{';
			continue;
		}
		if (!in_tag || !ident_char(*p, 1) || (p > text && ident_char(p[-1], 0)))
			continue;
		char name[64];
		size_t n = 0;
		while (ident_char(p[n], 0) && n + 1 < sizeof(name)) {
			name[n] = p[n];
			n++;
		}
		name[n] = '\0';
		size_t h = pend_hash(name);
		mask[h / 64] |= (uint64_t)1 << (h % 64);
		p += n - 1;
	}
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
				if (!partial)
					buf_append(&full, layout, (size_t)(mark - layout));
				buf_puts(&full, buf_str(&body));
				if (!partial)
					buf_puts(&full, mark + 14);
				char label[4500];
				snprintf(label, sizeof(label), "%s (inside _layout.html)", path);
				CtplToken *t = lex(buf_str(&full), label);
				if (!t) {
					ctpl_token_free(alone);
					rc = -1;
				} else {
					memcpy(templates[ntemplates].name, e->d_name, len - 5);
					templates[ntemplates].name[len - 5] = '\0';
					templates[ntemplates].tree = t;
					if (partial) {
						flat_compile(&templates[ntemplates], buf_str(&full));
						ctpl_token_free(alone);
					} else {
						templates[ntemplates].body = alone;
						names_mask(buf_str(&body), templates[ntemplates].body_names);
					}
					ntemplates++;
				}
			}
		}
		free(page);
		buf_free(&body);
		buf_free(&full);
	}
	closedir(d);
	if (rc == 0)
		lay_load(layout, mark);
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
		if (templates[i].body)
			ctpl_token_free(templates[i].body);
		free(templates[i].flat);
		free(templates[i].flat_src);
		templates[i] = (struct tpl){0};
	}
	ntemplates = 0;
	free(lay_src);
	lay_src = NULL;
	lay_ok = 0;
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

/* Push the waiting values whose names mask may hold (a body's names,
 * names_mask) and keep them all waiting: the layout around the body reads
 * the rest from here, and nothing else pays for pushing them. */
static void pend_flush_some(struct view *v, const uint64_t mask[2])
{
	for (size_t i = 0; i < v->npend; i++) {
		struct pend *e = &v->pend[i];
		const char *name = v->pool.data + e->name;
		size_t h = pend_hash(name);
		if (!(mask[h / 64] & ((uint64_t)1 << (h % 64))))
			continue;
		if (e->is_int)
			ctpl_environ_push_int(v->env, name, e->iv);
		else
			ctpl_environ_push_string(v->env, name, v->pool.data + e->off);
	}
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

/* Render tree t with v into out (appended) through CTPL; mask: only the
 * waiting values it may name are pushed (pend_flush_some), NULL: all. */
static int ctpl_render(struct view *v, CtplToken *t, const uint64_t *mask, const char *name, struct buf *out)
{
	if (mask)
		pend_flush_some(v, mask);
	else
		pend_flush(v);
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

/* A value of v by name, as render_flat reads it: 1 text (*s, *len), 2 an
 * integer (*iv), 0 missing or of another type. */
static int lay_value(const struct view *v, const char *name, const char **s, size_t *len, long *iv)
{
	const struct pend *e = pend_find(v, name);
	if (e) {
		*s = v->pool.data + e->off;
		*len = e->len;
		*iv = e->iv;
		return e->is_int ? 2 : 1;
	}
	const CtplValue *val = ctpl_environ_lookup(v->env, name);
	if (val && CTPL_VALUE_HOLDS_STRING(val)) {
		*s = ctpl_value_get_string(val);
		*len = strlen(*s);
		return 1;
	}
	if (val && CTPL_VALUE_HOLDS_INT(val)) {
		*iv = ctpl_value_get_int(val);
		return 2;
	}
	return 0;
}

/* An {if}: 1 true, 0 false, -1 when CTPL must decide (a value missing, or
 * not of the type the expression compares). */
static int lay_cond(const struct view *v, const struct lnode *n)
{
	const char *s = NULL;
	size_t len = 0;
	long iv = 0;
	int type = lay_value(v, n->name, &s, &len, &iv);
	if (!n->cmp[0])
		return type == 2 ? iv != 0 : -1;
	if (n->lit_str) {
		if (type != 1)
			return -1;
		int eq = strlen(n->lit) == len && memcmp(n->lit, s, len) == 0;
		return n->cmp[0] == '=' ? eq : !eq;
	}
	if (type != 2)
		return -1;
	if (strcmp(n->cmp, "==") == 0)
		return iv == n->iv;
	if (strcmp(n->cmp, "!=") == 0)
		return iv != n->iv;
	if (strcmp(n->cmp, ">") == 0)
		return iv > n->iv;
	if (strcmp(n->cmp, "<") == 0)
		return iv < n->iv;
	if (strcmp(n->cmp, ">=") == 0)
		return iv >= n->iv;
	return iv <= n->iv;
}

/* Run prog with v into out. 0, or -1 when CTPL must render instead. */
static int lay_run(const struct view *v, const struct lprog *prog, struct buf *out)
{
	for (size_t i = 0; i < prog->n;) {
		const struct lnode *n = &prog->node[i];
		switch (n->op) {
		case L_TEXT:
			buf_append(out, n->text, n->len);
			i++;
			break;
		case L_VAR: {
			const char *s = NULL;
			size_t len = 0;
			long iv = 0;
			int type = lay_value(v, n->name, &s, &len, &iv);
			if (type == 1)
				buf_append(out, s, len);
			else if (type == 2)
				buf_printf(out, "%ld", iv);
			else
				return -1;
			i++;
			break;
		}
		case L_IF: {
			int t = lay_cond(v, n);
			if (t < 0)
				return -1;
			i = t ? i + 1 : n->jump + 1;
			break;
		}
		case L_ELSE: i = n->jump + 1; break;
		case L_END: i++; break;
		}
	}
	return out->oom ? -1 : 0;
}

/* A page: the layout's head, the body through CTPL, the tail. 0; 1 when
 * the layout needs CTPL (out as it was); -1 when the body failed. */
static int render_page(struct view *v, const struct tpl *tp, const char *name, struct buf *out)
{
	size_t start = out->len;
	int rc = lay_run(v, &lay_head, out);
	if (rc == 0) {
		if (ctpl_render(v, tp->body, tp->body_names, name, out) != 0)
			return -1;
		rc = lay_run(v, &lay_tail, out);
	}
	if (rc != 0) {
		out->len = start;
		if (out->data)
			out->data[start] = '\0';
		return 1;
	}
#ifdef TANDEM_TESTING
	/* Test builds render every page both ways: the two must agree byte
	 * for byte, so every HTTP and browser test checks this path. */
	struct buf whole = {0};
	if (ctpl_render(v, tp->tree, NULL, name, &whole) != 0 || whole.len != out->len - start ||
	    memcmp(whole.data, out->data + start, whole.len) != 0) {
		log_kv("error", "layout rendered without CTPL differs", "template", name, LOG_END);
		abort();
	}
	buf_free(&whole);
#endif
	return 0;
}

int view_render(struct view *v, const char *name, struct buf *out)
{
	struct tpl *tp = find_tpl(name);
	if (tp && tp->flat && !out->oom && render_flat(v, tp, out) == 0)
		return 0;
	if (tp && tp->body && lay_ok && !out->oom) {
		int rc = render_page(v, tp, name, out);
		if (rc <= 0)
			return rc;
	}
	CtplToken *t = tp ? tp->tree : NULL;
	if (!t) {
		pend_flush(v);
		log_kv("error", "no such template", "template", name, LOG_END);
		return -1;
	}
	return ctpl_render(v, t, NULL, name, out);
}
