/* GET /mentors (the directory), GET /mentors/{id} (a mentor and the
 * request form), GET /topics (where mentors are missing). */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pages/ctx.h"
#include "pages/format.h"
#include "pages/mentors.h"
#include "pages/routes.h"
#include "store/directory.h"
#include "store/dirpage.h"
#include "store/profiles.h"
#include "store/requests.h"

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
	if (rc != 0 || out.oom) {
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

static const struct field_spec dir_fields[] = {
	{"q", "Search", FT_LINE, 0, 0, 100, NULL, 0},
	{"topic", "Topic", FT_LINE, 0, 0, 40, NULL, 0},
	{"format", "Format", FT_CHOICE, 0, 0, 0, format_filter_values, 0},
	{"page", "Page", FT_INT, 0, 1, 500, NULL, 0},
};

void page_mentors(struct ctx *c)
{
	struct fields f;
	int st = fields_read(dir_fields, FIELDS(dir_fields), &c->req->query, &f);
	if (st == 400) {
		ctx_error(c, 400, "That search had parameters Tandem does not know.");
		return;
	}
	int page = f.v[3].present && !f.err[3] ? (int)f.v[3].i : 1;
	int64_t topic = 0;
	if (*f.v[1].s && topic_id(c->db, f.v[1].s, 0, &topic) != DB_OK)
		topic = -1; /* an unknown topic matches nobody */
	/* Up to three words, each must occur in name, title, bio or topics. */
	char words[3][110] = {"", "", ""}; /* instr(x, '') is 1: an unused word matches */
	int nwords = 0;
	{
		char tmp[110];
		snprintf(tmp, sizeof(tmp), "%s", f.err[0] ? "" : f.v[0].s);
		for (char *tok = strtok(tmp, " \t"); tok && nwords < 3; tok = strtok(NULL, " \t")) {
			snprintf(words[nwords], sizeof(words[0]), "%s", tok);
			for (char *p = words[nwords]; *p; p++)
				*p = (char)tolower((unsigned char)*p);
			nwords++;
		}
	}
	struct dir_filter df = {
		topic, *f.v[2].s ? format_bit(f.v[2].s) : 0, nwords, {words[0], words[1], words[2]}};
	struct dir_pick picks[PAGE_SIZE + 1];
	int got = dirpage_read(c->db, c->user.id, &df, (page - 1) * PAGE_SIZE, PAGE_SIZE + 1, picks);
	if (got < 0) {
		ctx_store_error(c, DB_ERR);
		return;
	}
	/* The cards come from this worker's cache, keyed by the version the
	 * directory row carries: mentor_cards is read only for a card that
	 * changed since. One buffer per worker holds them: it reaches its size
	 * on the first page and is reused, not regrown, after that. */
	static struct buf cards;
	buf_reset(&cards);
	int n = got > PAGE_SIZE ? PAGE_SIZE : got, more = got > PAGE_SIZE;
	for (int i = 0; i < n; i++) {
		const char *html = card_html(c->db, picks[i].id, picks[i].version);
		if (!html) {
			ctx_error(c, 500, "Something went wrong and we could not show the directory.");
			return;
		}
		buf_puts(&cards, html);
	}
	struct view *v = ctx_view(c);
	/* Each card was rendered from _mentor_card.html with escaped values;
	 * they go in at the template's <!--SLOT--> after rendering. */
	view_str(v, "q", f.v[0].s);
	view_str(v, "topic", f.v[1].s);
	const char *options = format_options(f.v[2].s);
	if (!options) {
		ctx_error(c, 500, "Something went wrong and we could not show the directory.");
		return;
	}
	view_trusted_html(v, "format_options", options);
	view_int(v, "page", page);
	view_int(v, "count", n);
	/* Links to the neighbouring pages keep the search: built from escaped
	 * parts only, hence the trusted push. */
	struct buf qs = {0}, link = {0};
	const char *keys[3] = {"q", "topic", "format"};
	for (int i = 0; i < 3; i++) {
		if (!*f.v[i].s)
			continue;
		buf_puts(&qs, keys[i]);
		buf_puts(&qs, "=");
		form_encode(&qs, f.v[i].s, NULL);
		buf_puts(&qs, "&amp;");
	}
	if (page > 1) {
		buf_printf(&link, "/mentors?%spage=%d", buf_str(&qs), page - 1);
		view_trusted_html(v, "prev_href", buf_str(&link));
	} else {
		view_trusted_html(v, "prev_href", "");
	}
	buf_reset(&link);
	if (more) {
		buf_printf(&link, "/mentors?%spage=%d", buf_str(&qs), page + 1);
		view_trusted_html(v, "next_href", buf_str(&link));
	} else {
		view_trusted_html(v, "next_href", "");
	}
	buf_free(&qs);
	buf_free(&link);
	ctx_render_slot(c, 200, "mentors", "Find a mentor", buf_str(&cards));
}

static void topic_line(void *arg, const struct directory_topic *t)
{
	struct vrow *r = view_row_new();
	view_row_str(r, t->name);
	view_row_int(r, t->wanted);
	view_row_int(r, t->offered);
	view_row_int(r, t->wanted > t->offered); /* more people want it than offer it */
	view_row_url(r, t->name);		 /* for ?topic= */
	view_list_add(arg, r);
}

void page_topics(struct ctx *c)
{
	struct vlist *l = view_list_new();
	enum db_rc rc = directory_topics(c->db, topic_line, l);
	view_list_set(ctx_view(c), "topics", l); /* the view owns it, rendered or not */
	if (rc != DB_OK) {
		ctx_store_error(c, rc);
		return;
	}
	ctx_render(c, 200, "topics", "Topics");
}
