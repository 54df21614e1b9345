#include "store/dirpage.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "store/directory.h"

/* The order is a sequence of segments; each row's group g says which one
 * it is in, and within a segment rows go by (g, name_key, user_id):
 *
 *   search (words typed):  four segments read through the FTS5 index,
 *                          g = 2 * (no room) + (a word only in title/bio);
 *                          within one, rows go by the card's search key
 *                          (see read_search), which the place's id holds
 *   ranked (my interests): MATCHES: mentors with room among the first
 *                          DIR_HEAD rows of each interest's postings (the
 *                          directory rows of that topic, in directory
 *                          order), g = G_ROOM - overlap; then ROOM: the
 *                          other mentors with room, g = G_ROOM; then
 *                          FULL: those without, g = G_FULL
 *   plain:                 ROOM (nothing excluded), then FULL
 *
 * The matches are bounded by the page, not by the program: at most
 * DIR_HEAD rows per interest are read, and they end at the bound (the
 * smallest last key among the postings cut short), so "in the matches" is
 * a rule about one row (room, an overlap, at or before the bound) that
 * every page applies alike; the links carry the bound. A row is in
 * exactly one segment, so a page boundary never shows one twice or skips
 * one. Every segment is read by key: a deep page costs what the first
 * does. */
enum { G_ROOM = 20, G_FULL = 21 };
#define DIR_HEAD 40	  /* postings read per interest for the matches */
#define DIR_HEAD_AGAIN 80 /* the same, up to a bound a link carries */
#define DIR_INTERESTS 12  /* TOPICS_MAX */
#define DIR_WORDS 8	  /* search words used; more are ignored */

enum seg { SEG_SEARCH0, SEG_SEARCH1, SEG_SEARCH2, SEG_SEARCH3, SEG_MATCHES, SEG_ROOM, SEG_FULL };

/* What one request needs beside the query. */
struct run {
	struct db *db;
	struct dir_query *q;
	char mine[DIR_INTERESTS * 21 + 2]; /* ",3,17," or "" */
	int64_t mine_ids[DIR_INTERESTS];
	char mine_items[DIR_INTERESTS][24], topic_item[24]; /* ",17," for strstr */
	int nmine;
	char fts_all[DIR_WORDS * 40 * 4], fts_strong[DIR_WORDS * 40 * 4 + 40],
		fts_weak[DIR_WORDS * 40 * 8 + 60];
	struct dir_pick *m; /* the matches, sorted */
	int nm;
};

static int pos_cmp(const struct dir_pos *a, const struct dir_pos *b)
{
	if (a->g != b->g)
		return a->g < b->g ? -1 : 1;
	int c = strcmp(a->key, b->key);
	if (c)
		return c < 0 ? -1 : 1;
	return a->id < b->id ? -1 : a->id > b->id;
}

static int pick_cmp(const void *a, const void *b)
{
	return pos_cmp(&((const struct dir_pick *)a)->pos, &((const struct dir_pick *)b)->pos);
}

/* The FTS5 queries for the typed words, never FTS5 syntax from the
 * input: the text is cut at every ASCII character that is not a letter or
 * digit (the tokenizer would split there too, so nothing is lost), and
 * each word becomes a quoted prefix phrase "word"*, all of which must
 * match (all). strong asks it of the name and topics; weak of the whole
 * card but not strong. Returns how many words were used (0: none, or too
 * long). */
static int fts_query(const char *q, struct run *r)
{
	struct buf b = {0};
	int words = 0;
	const unsigned char *p = (const unsigned char *)(q ? q : "");
#define WORD_BYTE(c)                                                                                         \
	((c) >= 0x80 || ((c) >= '0' && (c) <= '9') || (((c) | 0x20) >= 'a' && ((c) | 0x20) <= 'z'))
	while (*p && words < DIR_WORDS) {
		while (*p && !WORD_BYTE(*p))
			p++;
		const unsigned char *s = p;
		while (*p && WORD_BYTE(*p))
			p++;
		if (p == s)
			break;
		buf_printf(&b, "%s\"%.*s\"*", words ? " " : "", (int)(p - s), (const char *)s);
		words++;
	}
#undef WORD_BYTE
	int a = snprintf(r->fts_all, sizeof(r->fts_all), "%s", buf_str(&b));
	int s = snprintf(r->fts_strong, sizeof(r->fts_strong), "{name focus_names} : (%s)", buf_str(&b));
	int w = snprintf(r->fts_weak, sizeof(r->fts_weak), "(%s) NOT ({name focus_names} : (%s))",
			 buf_str(&b), buf_str(&b));
	int bad = b.oom || a < 0 || (size_t)a >= sizeof(r->fts_all) || s < 0 ||
		  (size_t)s >= sizeof(r->fts_strong) || w < 0 || (size_t)w >= sizeof(r->fts_weak);
	buf_free(&b);
	return bad ? 0 : words;
}

/* Copy the row's columns (user_id, version, name_key) into a pick. */
static void pick_from(sqlite3_stmt *st, int64_t g, struct dir_pick *p)
{
	p->id = sqlite3_column_int64(st, 0);
	p->version = sqlite3_column_int64(st, 1);
	const unsigned char *k = sqlite3_column_text(st, 2);
	/* A copy, not snprintf: this runs for every row read. */
	size_t len = k ? (size_t)sqlite3_column_bytes(st, 2) : 0;
	if (len >= sizeof(p->pos.key))
		len = sizeof(p->pos.key) - 1;
	if (len)
		memcpy(p->pos.key, k, len);
	p->pos.key[len] = '\0';
	p->pos.id = p->id;
	p->pos.g = g;
}

/* The search segments, g = 0..3: (room, in name or topics), (room, only
 * in title or bio), then the same without room. The index's rowid is the
 * card's search key (directory_search_key: room, the name's first
 * letters, the id), so each segment is the words' matches in rowid order
 * within its half: the first lim after (before) from are the page, and
 * the index reads about as many rows as it returns (more only as far as
 * the topic and format filters skip). */
static int read_search(struct run *r, int64_t g, const struct dir_pos *from, int back, int lim,
		       struct dir_pick *out)
{
	const int64_t half = INT64_C(1) << 62;
	int64_t lo = g < 2 ? 0 : half, hi = g < 2 ? half : INT64_MAX;
	sqlite3_stmt *st;
#define SEARCH_ROWS                                                                                          \
	"SELECT d.user_id, d.version, '', mentor_search.rowid FROM mentor_search CROSS JOIN directory d "    \
	"WHERE mentor_search MATCH :q AND mentor_search.rowid >= :lo AND mentor_search.rowid < :hi "         \
	"AND d.topic_id = :topic AND d.user_id = (mentor_search.rowid & :mask) "                             \
	"AND (:fbit = 0 OR (d.formats & :fbit) <> 0) "
	if (!back)
		st = DB_STMT(r->db,
			     SEARCH_ROWS "AND mentor_search.rowid > :from ORDER BY mentor_search.rowid "
					 "LIMIT :lim");
	else
		st = DB_STMT(r->db,
			     SEARCH_ROWS "AND mentor_search.rowid < :from ORDER BY mentor_search.rowid "
					 "DESC LIMIT :lim");
#undef SEARCH_ROWS
	if (!st)
		return -1;
	db_bind_text(st, ":q", g % 2 ? r->fts_weak : r->fts_strong);
	db_bind_int(st, ":lo", lo);
	db_bind_int(st, ":hi", hi);
	db_bind_int(st, ":mask", DIRECTORY_SEARCH_ID_MASK);
	db_bind_int(st, ":topic", r->q->f->topic);
	db_bind_int(st, ":fbit", r->q->f->formats);
	db_bind_int(st, ":from", from ? from->id : back ? INT64_MAX : -1);
	db_bind_int(st, ":lim", lim);
	int n = 0;
	while (n < lim && sqlite3_step(st) == SQLITE_ROW) {
		pick_from(st, g, &out[n]);
		out[n].pos.id = sqlite3_column_int64(st, 3); /* the place is the search key */
		n++;
	}
	sqlite3_reset(st);
	return n;
}

/* ROOM or FULL: the rows of one has_room value in index order, from the
 * start (or the end) of the segment or after (before) from; in ROOM, the
 * matches are left out (at most the matches' count of rows skipped). Four
 * statements so that each is one index range, never a scan from the
 * start. */
static int read_plain(struct run *r, int room, const struct dir_pos *from, int back, int lim,
		      struct dir_pick *out)
{
#define PLAIN_ROWS                                                                                           \
	"SELECT d.user_id, d.version, d.name_key FROM directory d WHERE d.topic_id = :topic AND "            \
	"d.has_room = :room AND (:fbit = 0 OR (d.formats & :fbit) <> 0) AND NOT (:room = 1 AND "             \
	"topic_overlap(d.focus_ids, :mine) > 0 AND (:kend = 1 OR (d.name_key, d.user_id) <= (:kk, :ku))) "
	sqlite3_stmt *st;
	if (!from && !back)
		st = DB_STMT(r->db, PLAIN_ROWS "ORDER BY d.name_key, d.user_id LIMIT :lim");
	else if (!from)
		st = DB_STMT(r->db, PLAIN_ROWS "ORDER BY d.name_key DESC, d.user_id DESC LIMIT :lim");
	else if (!back)
		st = DB_STMT(r->db, PLAIN_ROWS "AND (d.name_key, d.user_id) > (:k, :u) "
					       "ORDER BY d.name_key, d.user_id LIMIT :lim");
	else
		st = DB_STMT(r->db, PLAIN_ROWS "AND (d.name_key, d.user_id) < (:k, :u) "
					       "ORDER BY d.name_key DESC, d.user_id DESC LIMIT :lim");
#undef PLAIN_ROWS
	if (!st)
		return -1;
	const struct dir_bound *b = &r->q->bound;
	db_bind_int(st, ":topic", r->q->f->topic);
	db_bind_int(st, ":room", room);
	db_bind_int(st, ":fbit", r->q->f->formats);
	db_bind_text(st, ":mine", r->q->ranked ? r->mine : "");
	db_bind_int(st, ":kend", b->end);
	db_bind_text(st, ":kk", b->at.key);
	db_bind_int(st, ":ku", b->at.id);
	if (from) {
		db_bind_text(st, ":k", from->key);
		db_bind_int(st, ":u", from->id);
	}
	db_bind_int(st, ":lim", lim);
	int n = 0;
	while (n < lim && sqlite3_step(st) == SQLITE_ROW) {
		pick_from(st, room ? G_ROOM : G_FULL, &out[n]);
		n++;
	}
	sqlite3_reset(st);
	return n;
}

/* The matches, into r->m sorted (see the top of this file). Reads at most
 * DIR_HEAD (or, up to a bound from a link, DIR_HEAD_AGAIN) rows of each
 * interest's postings: rows added at or before a bound beyond that many
 * are the one thing a later page can miss. 0, or -1 on a store error. */
static int load_matches(struct run *r)
{
	static struct dir_pick buf[DIR_INTERESTS * DIR_HEAD_AGAIN];
	struct dir_bound *b = &r->q->bound;
	int given = b->set, n = 0;
	snprintf(r->topic_item, sizeof(r->topic_item), ",%lld,", (long long)r->q->f->topic);
	struct dir_pos cut = {0};
	int have_cut = 0;
	for (int i = 0; i < r->nmine; i++) {
		sqlite3_stmt *st;
		if (given && !b->end)
			st = DB_STMT(
				r->db,
				"SELECT user_id, version, name_key, focus_ids, formats FROM directory "
				"WHERE topic_id = :t AND has_room = 1 AND (name_key, user_id) <= (:kk, :ku) "
				"ORDER BY name_key, user_id LIMIT :lim");
		else
			st = DB_STMT(
				r->db,
				"SELECT user_id, version, name_key, focus_ids, formats FROM directory "
				"WHERE topic_id = :t AND has_room = 1 ORDER BY name_key, user_id LIMIT :lim");
		if (!st)
			return -1;
		if (given && !b->end) {
			db_bind_text(st, ":kk", b->at.key);
			db_bind_int(st, ":ku", b->at.id);
		}
		int lim = given ? DIR_HEAD_AGAIN : DIR_HEAD, got = 0;
		db_bind_int(st, ":t", r->mine_ids[i]);
		db_bind_int(st, ":lim", lim);
		struct dir_pos last = {0};
		while (sqlite3_step(st) == SQLITE_ROW) {
			struct dir_pick *c = &buf[n];
			pick_from(st, 0, c);
			last = c->pos;
			got++;
			const char *focus = (const char *)sqlite3_column_text(st, 3);
			unsigned formats = (unsigned)sqlite3_column_int(st, 4);
			int ov = 0;
			for (int j = 0; focus && j < r->nmine; j++)
				ov += strstr(focus, r->mine_items[j]) != NULL;
			int keep = ov > 0 && (!r->q->f->formats || (formats & r->q->f->formats));
			if (r->q->f->topic)
				keep = keep && focus && strstr(focus, r->topic_item) != NULL;
			c->pos.g = G_ROOM - ov;
			n += keep;
		}
		sqlite3_reset(st);
		/* Cut short: rows after its last one were not read, so the
		 * matches end there (or earlier, at another interest's cut). */
		last.g = 0;
		if (!given && got == lim && (!have_cut || pos_cmp(&last, &cut) < 0)) {
			cut = last;
			have_cut = 1;
		}
	}
	if (!given) {
		b->set = 1;
		b->end = !have_cut;
		b->at = cut;
	}
	/* Only what lies within the bound, once each. */
	int k = 0;
	for (int i = 0; i < n; i++) {
		struct dir_pos p = buf[i].pos;
		p.g = 0;
		if (b->end || pos_cmp(&p, &b->at) <= 0)
			buf[k++] = buf[i];
	}
	qsort(buf, (size_t)k, sizeof(buf[0]), pick_cmp);
	r->nm = 0;
	for (int i = 0; i < k; i++)
		if (!r->nm || buf[r->nm - 1].id != buf[i].id)
			buf[r->nm++] = buf[i];
	r->m = buf;
	return 0;
}

/* The matches segment after (before) from, from the sorted array. */
static int read_matches(struct run *r, const struct dir_pos *from, int back, int lim, struct dir_pick *out)
{
	int n = 0;
	if (!back) {
		for (int i = 0; i < r->nm && n < lim; i++)
			if (!from || pos_cmp(&r->m[i].pos, from) > 0)
				out[n++] = r->m[i];
	} else {
		for (int i = r->nm - 1; i >= 0 && n < lim; i--)
			if (!from || pos_cmp(&r->m[i].pos, from) < 0)
				out[n++] = r->m[i];
	}
	return n;
}

static int read_seg(struct run *r, enum seg s, const struct dir_pos *from, int back, int lim,
		    struct dir_pick *out)
{
	switch (s) {
	case SEG_SEARCH0:
	case SEG_SEARCH1:
	case SEG_SEARCH2:
	case SEG_SEARCH3: return read_search(r, (int64_t)s - SEG_SEARCH0, from, back, lim, out);
	case SEG_MATCHES: return read_matches(r, from, back, lim, out);
	case SEG_ROOM: return read_plain(r, 1, from, back, lim, out);
	case SEG_FULL: return read_plain(r, 0, from, back, lim, out);
	}
	return -1;
}

/* The viewer's interests (at most DIR_INTERESTS), into r. */
static int load_mine(struct run *r)
{
	sqlite3_stmt *st =
		DB_STMT(r->db, "SELECT topic_id FROM user_topics WHERE user_id = :me AND kind = 'interest'");
	if (!st)
		return -1;
	db_bind_int(st, ":me", r->q->viewer);
	struct buf b = {0};
	while (r->nmine < DIR_INTERESTS && sqlite3_step(st) == SQLITE_ROW) {
		r->mine_ids[r->nmine] = sqlite3_column_int64(st, 0);
		snprintf(r->mine_items[r->nmine], sizeof(r->mine_items[0]), ",%lld,",
			 (long long)r->mine_ids[r->nmine]);
		buf_printf(&b, "%s%lld,", r->nmine ? "" : ",", (long long)r->mine_ids[r->nmine]);
		r->nmine++;
	}
	sqlite3_reset(st);
	snprintf(r->mine, sizeof(r->mine), "%s", buf_str(&b));
	buf_free(&b);
	return 0;
}

int dirpage_read(struct db *db, struct dir_query *q, int lim, struct dir_pick *out)
{
	static struct run r;
	memset(&r, 0, sizeof(r));
	r.db = db;
	r.q = q;
	q->ranked = 0;
	enum seg segs[4];
	int nseg;
	if (q->f->q && fts_query(q->f->q, &r) > 0) {
		/* No lookup first for words nobody has: a word missing from the
		 * index costs each segment one term lookup, but "is there any
		 * card with them" cost a found search (the common case) a
		 * second full read of the words' postings, two thirds of the
		 * page at 100,000 members. */
		for (nseg = 0; nseg < 4; nseg++)
			segs[nseg] = (enum seg)(SEG_SEARCH0 + nseg);
	} else {
		if (load_mine(&r) != 0)
			return -1;
		q->ranked = r.nmine > 0 && q->f->topic >= 0;
		nseg = 0;
		if (q->ranked) {
			if (load_matches(&r) != 0)
				return -1;
			segs[nseg++] = SEG_MATCHES;
		}
		segs[nseg++] = SEG_ROOM;
		segs[nseg++] = SEG_FULL;
	}
	if (!q->ranked)
		q->bound = (struct dir_bound){0};
	if (q->f->topic < 0)
		return 0; /* an unknown topic: nobody */
	const struct dir_pos *from = q->before ? q->before : q->after;
	int back = q->before != NULL;
	/* The segment the cursor is in. A place from another order (a link
	 * from before the viewer's interests changed, from another search,
	 * or among matches there are no longer) starts the order again. */
	int s = back ? nseg - 1 : 0;
	if (from) {
		int64_t at = segs[0] == SEG_SEARCH0
				     ? (from->g >= 0 && from->g < 4 ? SEG_SEARCH0 + from->g : -1)
			     : from->g < G_ROOM	 ? SEG_MATCHES
			     : from->g == G_ROOM ? SEG_ROOM
						 : SEG_FULL;
		s = -1;
		for (int i = 0; i < nseg; i++)
			if ((int64_t)segs[i] == at)
				s = i;
		if (s < 0) {
			if (back)
				return 0; /* the page shows the first page instead */
			s = 0;
			from = NULL;
		}
	}
	int n = 0;
	for (; s >= 0 && s < nseg && n < lim; s += back ? -1 : 1) {
		int got = read_seg(&r, segs[s], from, back, lim - n, out + n);
		if (got < 0)
			return -1;
		n += got;
		from = NULL;
	}
	if (back)
		for (int i = 0; i < n / 2; i++) {
			struct dir_pick t = out[i];
			out[i] = out[n - 1 - i];
			out[n - 1 - i] = t;
		}
	return n;
}

int dirpage_pos_parse(const char *s, struct dir_pos *p)
{
	char *end;
	long long g = strtoll(s, &end, 10);
	if (end == s || *end != '.' || g < -100 || g > 100)
		return -1;
	s = end + 1;
	long long id = strtoll(s, &end, 10);
	if (end == s || *end != '.' || id < 0)
		return -1;
	s = end + 1;
	if (strlen(s) >= sizeof(p->key))
		return -1;
	p->g = g;
	p->id = id;
	snprintf(p->key, sizeof(p->key), "%s", s);
	return 0;
}

int dirpage_bound_parse(const char *s, struct dir_bound *b)
{
	*b = (struct dir_bound){0};
	if (strcmp(s, "end") == 0) {
		b->set = b->end = 1;
		return 0;
	}
	char tmp[DIRPAGE_KEY + 40];
	if (snprintf(tmp, sizeof(tmp), "0.%s", s) >= (int)sizeof(tmp) || dirpage_pos_parse(tmp, &b->at) != 0)
		return -1;
	b->set = 1;
	return 0;
}
