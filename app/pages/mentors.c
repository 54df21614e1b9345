/* GET /mentors (the directory), GET /mentors/{id} (a mentor and the
 * request form), GET /topics (where mentors are missing). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/utf8.h"
#include "pages/ctx.h"
#include "pages/format.h"
#include "pages/mentors.h"
#include "pages/routes.h"
#include "store/directory.h"
#include "store/dirpage.h"
#include "store/profiles.h"
#include "store/requests.h"
#include "view/escape.h"

#define PAGE_SIZE 20

void mentor_card_extras(struct vrow *r, int64_t capacity, int64_t active, unsigned formats, int64_t median)
{
	char buf[120];
	int64_t room = capacity - active;
	if (room < 0)
		room = 0;
	view_row_int(r, room);
	snprintf(buf, sizeof(buf), "%lld of %lld place%s free", (long long)room, (long long)capacity,
		 capacity == 1 ? "" : "s");
	view_row_str(r, buf);
	struct buf fl = {0};
	format_list(formats, &fl);
	view_row_str(r, buf_str(&fl));
	buf_free(&fl);
	if (median >= 0) {
		char d[40];
		fmt_duration(median, d, sizeof(d));
		snprintf(buf, sizeof(buf), "Usually answers within %s", d);
	} else {
		buf[0] = '\0';
	}
	view_row_str(r, buf);
}

/* Rendered cards, per worker process, keyed by the version that
 * directory_refresh() gives a card each time anything on it changes, so
 * a page does not render 20 cards through CTPL each time (figures in the
 * README's performance section). */
#define CARD_SLOTS 8192
static struct {
	int64_t id, version;
	char *html;
} card_cache[CARD_SLOTS];

/* Fills a fresh view from the card row (the rendering waits until the
 * store is done with its statement). */
struct card_arg {
	struct view *v;
	int64_t version;
};

static void card_fill(void *arg, const struct directory_card *card)
{
	struct card_arg *a = arg;
	struct view *v = view_new();
	if (!v)
		return;
	int64_t cap = card->capacity, active = card->active, med = card->median_answer;
	a->version = card->version;
	int64_t room = cap > active ? cap - active : 0;
	char places[80], answers[120] = "";
	snprintf(places, sizeof(places), "%lld of %lld place%s free", (long long)room, (long long)cap,
		 cap == 1 ? "" : "s");
	if (med >= 0) {
		char d[40];
		fmt_duration(med, d, sizeof(d));
		snprintf(answers, sizeof(answers), "Usually answers within %s", d);
	}
	struct buf fl = {0};
	format_list(card->formats, &fl);
	view_int(v, "id", card->id);
	view_str(v, "name", card->name);
	view_str(v, "job_title", card->job_title);
	view_str(v, "team", card->team);
	view_str(v, "focus", card->focus);
	view_int(v, "room", room);
	view_str(v, "places", places);
	view_str(v, "formats", buf_str(&fl));
	view_str(v, "answers", answers);
	view_str(v, "record_line", card->record_line ? card->record_line : ""); /* issue 19 */
	buf_free(&fl);
	a->v = v;
}

/* The card of mentor id at version (from the directory row). Borrowed from
 * the cache; NULL if it could not be read or rendered. */
static const char *card_html(struct db *db, int64_t id, int64_t version)
{
	size_t h = (size_t)id % CARD_SLOTS;
	if (card_cache[h].html && card_cache[h].id == id && card_cache[h].version == version)
		return card_cache[h].html;
	struct card_arg a = {NULL, version};
	if (directory_card(db, id, card_fill, &a) != DB_OK || !a.v)
		return NULL;
	struct buf out = {0};
	int rc = view_render(a.v, "_mentor_card", &out);
	view_free(a.v);
	if (rc != 0 || out.oom || db_latched() != DB_OK) { /* a read of it may have failed */
		buf_free(&out);
		return NULL;
	}
	free(card_cache[h].html);
	card_cache[h].id = id;
	card_cache[h].version = a.version;
	card_cache[h].html = out.data; /* the cache owns it now */
	return card_cache[h].html;
}

/* The <option>s of the format filter with `chosen` selected, rendered
 * once per worker and choice from _format_options.html (escaped values,
 * hence safe to push as trusted HTML): CTPL copies a whole row at every
 * {f[i]}, so this loop cost more than all twenty cached cards. Borrowed
 * from the cache; NULL if it could not be rendered. */
static const char *format_options(const char *chosen)
{
	static char *cache[FORMAT_COUNT + 1];
	int k = 0;
	for (int i = 0; i < FORMAT_COUNT; i++)
		if (strcmp(format_names[i], chosen) == 0)
			k = i + 1;
	if (cache[k])
		return cache[k];
	struct view *v = view_new();
	if (!v)
		return NULL;
	struct vlist *fl = view_list_new();
	for (int i = 0; i < FORMAT_COUNT; i++) {
		struct vrow *r = view_row_new();
		view_row_str(r, format_names[i]);
		view_row_str(r, format_labels[i]);
		view_row_int(r, i + 1 == k);
		view_list_add(fl, r);
	}
	view_list_set(v, "formats", fl);
	struct buf out = {0};
	int rc = view_render(v, "_format_options", &out);
	view_free(v);
	if (rc != 0 || out.oom) {
		buf_free(&out);
		return NULL;
	}
	cache[k] = out.data; /* the cache owns it now */
	return cache[k];
}

enum { F_Q, F_TOPIC, F_FORMAT, F_PAGE, F_AFTER, F_BEFORE, F_MK, NFIELDS };
/* issue 21: a longer search is cut to its first Q_SEARCHED characters
 * (and the page says so) instead of being refused; the input's maxlength. */
#define Q_SEARCHED 100
static const struct field_spec dir_fields[] = {
	[F_Q] = {"q", "Search", FT_LINE, 0, 0, 4000, NULL, 0},
	[F_TOPIC] = {"topic", "Topic", FT_LINE, 0, 0, 40, NULL, 0},
	[F_FORMAT] = {"format", "Format", FT_CHOICE, 0, 0, 0, format_filter_values, 0},
	/* Links of the numbered pages before keyset paging: still accepted,
	 * and they show the first page (see the README). */
	[F_PAGE] = {"page", "Page", FT_INT, 0, 1, 500, NULL, 0},
	/* Where a page starts: after (or before) the place of a row,
	 * "G.ID.KEY"; mk: where the best matches end (dirpage.h). */
	[F_AFTER] = {"after", "Next page", FT_LINE, 0, 0, 200, NULL, 0},
	[F_BEFORE] = {"before", "Previous page", FT_LINE, 0, 0, 200, NULL, 0},
	[F_MK] = {"mk", "Next page", FT_LINE, 0, 0, 200, NULL, 0},
};

/* A pager link: the search, then key=place and the matches' bound; built
 * from percent-encoded parts and escaped, hence pushed as trusted HTML. */
static void page_link(struct view *v, const char *name, const struct buf *qs, const char *key,
		      const struct dir_pos *at, const struct dir_query *dq)
{
	struct buf link = {0}, raw = {0};
	buf_puts(&link, "/mentors?");
	buf_puts(&link, buf_str(qs));
	if (at) {
		buf_printf(&raw, "%lld.%lld.%s", (long long)at->g, (long long)at->id, at->key);
		buf_printf(&link, "%s=", key); /* qs ends in "&amp;" or is empty */
		form_encode(&link, buf_str(&raw), NULL);
		if (dq->ranked && dq->bound.set) {
			buf_reset(&raw);
			if (dq->bound.end)
				buf_puts(&raw, "end");
			else
				buf_printf(&raw, "%lld.%s", (long long)dq->bound.at.id, dq->bound.at.key);
			buf_puts(&link, "&amp;mk=");
			form_encode(&link, buf_str(&raw), NULL);
		}
	} else if (link.data[link.len - 1] != '?') {
		link.len -= 5; /* the trailing "&amp;" */
		link.data[link.len] = '\0';
	} else {
		link.len -= 1;
		link.data[link.len] = '\0';
	}
	view_trusted_html(v, name, buf_str(&link));
	buf_free(&link);
	buf_free(&raw);
}

/* One <option> of the topic field's suggestions: a topic someone mentors. */
static void suggest_line(void *arg, const struct directory_topic *t)
{
	struct buf *out = arg;
	if (t->offered <= 0)
		return;
	buf_puts(out, "<option value=\"");
	html_escape(out, t->name);
	buf_puts(out, "\"></option>");
}

/* The datalist "topic-suggest": the topics mentors offer, from the kept
 * topic_counts (the /topics page's bounded index read), built from
 * escaped names: trusted HTML. 0 or -1. */
static int topic_suggest(struct ctx *c, struct view *v)
{
	static struct buf opts; /* per worker, reused */
	buf_reset(&opts);
	if (directory_topics(c->db, suggest_line, &opts) != DB_OK || opts.oom)
		return -1;
	view_trusted_html(v, "topic_suggest", buf_str(&opts));
	return 0;
}

void page_mentors(struct ctx *c)
{
	struct fields f;
	int st = fields_read(dir_fields, FIELDS(dir_fields), &c->req->query, &f);
	if (st == 400) {
		ctx_error(c, 400, "That search had parameters Tandem does not know.");
		return;
	}
	struct dir_pos after, before;
	struct dir_bound bound = {0};
	int has_after = *f.v[F_AFTER].s != '\0', has_before = *f.v[F_BEFORE].s != '\0';
	if (f.err[F_AFTER] || f.err[F_BEFORE] || f.err[F_MK] || (has_after && has_before) ||
	    (has_after && dirpage_pos_parse(f.v[F_AFTER].s, &after) != 0) ||
	    (has_before && dirpage_pos_parse(f.v[F_BEFORE].s, &before) != 0) ||
	    (*f.v[F_MK].s && dirpage_bound_parse(f.v[F_MK].s, &bound) != 0)) {
		ctx_error(c, 400,
			  "That page link is damaged. Start again from the first page of the directory.");
		return;
	}
	struct view *v = ctx_view(c);
	/* A search longer than Q_SEARCHED characters: its first ones. */
	static char q_cut[Q_SEARCHED * 4 + 1];
	int cut = 0;
	if (!f.err[F_Q] && utf8_len(f.v[F_Q].s) > Q_SEARCHED) {
		size_t i = 0, chars = 0;
		const char *s = f.v[F_Q].s;
		while (s[i] && chars < Q_SEARCHED) {
			i++;
			while (((unsigned char)s[i] & 0xC0) == 0x80)
				i++;
			chars++;
		}
		memcpy(q_cut, s, i);
		q_cut[i] = '\0';
		f.v[F_Q].s = q_cut;
		cut = 1;
	}
	view_int(v, "q_cut", cut);
	/* The typed values back in the form (escaped), with their messages. */
	ctx_form_values(c, dir_fields, FIELDS(dir_fields), &f);
	view_int(v, "q_max", Q_SEARCHED);
	/* issue 21: how many mentors I have, of how many at once. */
	int64_t mine = req_active_mentors(c->db, c->user.id);
	if (mine < 0) {
		ctx_store_error(c, DB_ERR);
		return;
	}
	view_int(v, "my_mentors", mine);
	view_int(v, "max_mentors", c->cfg->max_mentors);
	if (topic_suggest(c, v) != 0) {
		ctx_error(c, 500, "Something went wrong and we could not show the directory.");
		return;
	}
	const char *options = format_options(f.v[F_FORMAT].s);
	if (!options) {
		ctx_error(c, 500, "Something went wrong and we could not show the directory.");
		return;
	}
	view_trusted_html(v, "format_options", options);
	if (f.err[F_Q] || f.err[F_TOPIC]) { /* too long: say so, search nothing */
		view_int(v, "count", 0);
		view_int(v, "ranked", 0);
		view_int(v, "searched", 0);
		view_trusted_html(v, "first_href", "");
		view_trusted_html(v, "prev_href", "");
		view_trusted_html(v, "next_href", "");
		ctx_render_slot(c, 422, "mentors", "Find a mentor", "");
		return;
	}
	int64_t topic = 0;
	if (*f.v[F_TOPIC].s && topic_id(c->db, f.v[F_TOPIC].s, 0, &topic) != DB_OK)
		topic = -1; /* an unknown topic matches nobody */
	const char *q = f.v[F_Q].s;
	struct dir_filter df = {topic, *f.v[F_FORMAT].s ? format_bit(f.v[F_FORMAT].s) : 0, q};
	struct dir_query dq = {&df, c->user.id, has_after ? &after : NULL, has_before ? &before : NULL,
			       0,   bound};
	static struct dir_pick picks[PAGE_SIZE + 1];
	int got = dirpage_read(c->db, &dq, PAGE_SIZE + 1, picks);
	if (got == 0 && has_before) { /* nothing before it: the first page */
		dq.before = NULL;
		has_before = 0;
		got = dirpage_read(c->db, &dq, PAGE_SIZE + 1, picks);
	}
	if (got < 0) {
		ctx_store_error(c, DB_ERR);
		return;
	}
	int more = got > PAGE_SIZE, n = more ? PAGE_SIZE : got;
	struct dir_pick *rows = has_before && more ? picks + 1 : picks;
	int has_prev = has_before ? more : has_after, has_next = has_before ? n > 0 : more;
	/* The cards come from this worker's cache, keyed by the version the
	 * directory row carries: mentor_cards is read only for a card that
	 * changed since. One buffer per worker holds them: it reaches its size
	 * on the first page and is reused, not regrown, after that. */
	static struct buf cards;
	buf_reset(&cards);
	for (int i = 0; i < n; i++) {
		const char *html = card_html(c->db, rows[i].id, rows[i].version);
		if (!html) {
			ctx_error(c, 500, "Something went wrong and we could not show the directory.");
			return;
		}
		buf_puts(&cards, html);
	}
	/* Each card was rendered from _mentor_card.html with escaped values;
	 * they go in at the template's <!--SLOT--> after rendering. */
	view_int(v, "count", n);
	view_int(v, "ranked", dq.ranked);
	view_int(v, "searched", *q != '\0');
	/* Links to the neighbouring pages keep the search. */
	struct buf qs = {0};
	const int keep[3] = {F_Q, F_TOPIC, F_FORMAT};
	for (int i = 0; i < 3; i++) {
		if (!*f.v[keep[i]].s)
			continue;
		buf_puts(&qs, dir_fields[keep[i]].name);
		buf_puts(&qs, "=");
		form_encode(&qs, f.v[keep[i]].s, NULL);
		buf_puts(&qs, "&amp;");
	}
	if (has_prev) {
		page_link(v, "first_href", &qs, NULL, NULL, &dq);
		page_link(v, "prev_href", &qs, "before", &rows[0].pos, &dq);
	} else {
		view_trusted_html(v, "first_href", "");
		view_trusted_html(v, "prev_href", "");
	}
	if (has_next)
		page_link(v, "next_href", &qs, "after", &rows[n - 1].pos, &dq);
	else
		view_trusted_html(v, "next_href", "");
	buf_free(&qs);
	ctx_render_slot(c, 200, "mentors", "Find a mentor", buf_str(&cards));
}

/* One row of the topics table, escaped here (html_escape, url_encode)
 * rather than through CTPL, which copies a whole row at every {t[i]}: 60
 * rows of that cost more than reading the kept counts. */
static void topic_line(void *arg, const struct directory_topic *t)
{
	struct buf *out = arg;
	buf_puts(out, "<tr><td><a href=\"/mentors?topic=");
	url_encode(out, t->name);
	buf_puts(out, "\">");
	html_escape(out, t->name);
	buf_printf(out, "</a></td><td>%lld</td><td>%lld</td><td>%s</td></tr>\n", (long long)t->wanted,
		   (long long)t->offered,
		   t->wanted > t->offered ? "<span class=\"badge warn\">Mentors needed</span>" : "");
}

void page_topics(struct ctx *c)
{
	static struct buf rows; /* per worker, reused */
	buf_reset(&rows);
	enum db_rc rc = directory_topics(c->db, topic_line, &rows);
	if (rc != DB_OK || rows.oom) {
		ctx_store_error(c, rc != DB_OK ? rc : DB_ERR);
		return;
	}
	/* The rows are built from escaped values only: trusted HTML. */
	ctx_render_slot(c, 200, "topics", "Topics", buf_str(&rows));
}
