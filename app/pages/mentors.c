/* GET /mentors (the directory), GET /mentors/{id} (a mentor and the
 * request form), GET /topics (where mentors are missing). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pages/ctx.h"
#include "pages/format.h"
#include "pages/mentors.h"
#include "pages/routes.h"
#include "store/profiles.h"
#include "store/requests.h"

#define PAGE_SIZE 20

/* Median answer time over the last 90 days, once there are 3 answers. */
static int64_t median_answer(struct db *db, int64_t mentor, int64_t now)
{
	sqlite3_stmt *st = DB_STMT(db, "SELECT answered_at - created_at FROM requests WHERE mentor_id = :m "
				       "AND status IN ('accepted', 'declined') AND answered_at > :since ORDER BY 1");
	if (!st)
		return -1;
	db_bind_int(st, ":m", mentor);
	db_bind_int(st, ":since", now - 90 * 86400);
	int64_t v[512];
	int n = 0;
	while (n < 512 && sqlite3_step(st) == SQLITE_ROW)
		v[n++] = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	if (n < 3)
		return -1;
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

void mentor_card_extras(struct ctx *c, struct vrow *r, int64_t id, int64_t capacity, int64_t active,
			unsigned formats)
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
	int64_t med = median_answer(c->db, id, c->now);
	if (med >= 0) {
		char d[40];
		fmt_duration(med, d, sizeof(d));
		snprintf(buf, sizeof(buf), "Usually answers within %s", d);
	} else {
		buf[0] = '\0';
	}
	view_row_str(r, buf);
}

static const char *const format_choices[] = {"", "one_on_one", "pairing", "office_hours", "ring", "reverse", "peer", NULL};
static const struct field_spec dir_fields[] = {
	{"q", "Search", FT_LINE, 0, 0, 100, NULL, 0},
	{"topic", "Topic", FT_LINE, 0, 0, 40, NULL, 0},
	{"format", "Format", FT_CHOICE, 0, 0, 0, format_choices, 0},
	{"page", "Page", FT_INT, 0, 1, 500, NULL, 0},
};

void page_mentors(struct ctx *c)
{
	struct fields f;
	int st = fields_read(dir_fields, 4, &c->req->query, &f);
	if (st == 400) {
		ctx_error(c, 400, "That search had parameters Tandem does not know.");
		return;
	}
	int page = f.v[3].present && !f.err[3] ? (int)f.v[3].i : 1;
	int64_t topic = 0;
	if (*f.v[1].s && topic_id(c->db, f.v[1].s, 0, &topic) != DB_OK)
		topic = -1; /* an unknown topic matches nobody */
	char words[3][110] = {"", "", ""};
	{
		char tmp[110];
		snprintf(tmp, sizeof(tmp), "%s", f.err[0] ? "" : f.v[0].s);
		int w = 0;
		for (char *tok = strtok(tmp, " \t"); tok && w < 3; tok = strtok(NULL, " \t"))
			snprintf(words[w++], sizeof(words[0]), "%%%s%%", tok);
	}
	/* Candidates come from the topic index when a topic is chosen, from
	 * the mentor index otherwise; each branch's constant test is checked
	 * once, not per row. LIKE patterns are bound values, not SQL. */
	sqlite3_stmt *q = DB_STMT(c->db,
		"WITH cand(uid) AS ("
		"  SELECT user_id FROM user_topics WHERE :topic <> 0 AND topic_id = :topic AND kind = 'focus'"
		"  UNION ALL SELECT user_id FROM profiles WHERE :topic = 0 AND is_mentor = 1),"
		" hit AS (SELECT u.id, u.display_name, p.job_title, p.team, p.capacity, p.formats,"
		"  (SELECT count(*) FROM mentorships m WHERE m.mentor_id = u.id AND m.status = 'active') AS active,"
		"  (SELECT count(*) FROM user_topics a JOIN user_topics b ON b.topic_id = a.topic_id"
		"     AND b.user_id = :me AND b.kind = 'interest' WHERE a.user_id = u.id AND a.kind = 'focus') AS overlap"
		"  FROM cand JOIN profiles p ON p.user_id = cand.uid JOIN users u ON u.id = cand.uid"
		"  WHERE p.is_mentor = 1 AND u.active = 1 AND (:fbit = 0 OR (p.formats & :fbit) <> 0)"
		"  AND (:w1 = '' OR u.display_name LIKE :w1 OR p.job_title LIKE :w1 OR p.bio LIKE :w1 OR EXISTS ("
		"    SELECT 1 FROM user_topics y JOIN topics t ON t.id = y.topic_id WHERE y.user_id = u.id AND t.name LIKE :w1))"
		"  AND (:w2 = '' OR u.display_name LIKE :w2 OR p.job_title LIKE :w2 OR p.bio LIKE :w2 OR EXISTS ("
		"    SELECT 1 FROM user_topics y JOIN topics t ON t.id = y.topic_id WHERE y.user_id = u.id AND t.name LIKE :w2))"
		"  AND (:w3 = '' OR u.display_name LIKE :w3 OR p.job_title LIKE :w3 OR p.bio LIKE :w3 OR EXISTS ("
		"    SELECT 1 FROM user_topics y JOIN topics t ON t.id = y.topic_id WHERE y.user_id = u.id AND t.name LIKE :w3)))"
		" SELECT id, display_name, job_title, team, capacity, formats, active,"
		"  (SELECT group_concat(t.name, ', ') FROM user_topics ut JOIN topics t ON t.id = ut.topic_id"
		"    WHERE ut.user_id = hit.id AND ut.kind = 'focus') FROM hit"
		" ORDER BY capacity > active DESC, overlap DESC, display_name COLLATE NOCASE, id LIMIT :lim OFFSET :off");
	if (!q) {
		ctx_store_error(c, DB_ERR);
		return;
	}
	db_bind_int(q, ":topic", topic);
	db_bind_int(q, ":me", c->user.id);
	db_bind_int(q, ":fbit", *f.v[2].s ? format_bit(f.v[2].s) : 0);
	db_bind_text(q, ":w1", words[0]);
	db_bind_text(q, ":w2", words[1]);
	db_bind_text(q, ":w3", words[2]);
	db_bind_int(q, ":lim", PAGE_SIZE + 1);
	db_bind_int(q, ":off", (int64_t)(page - 1) * PAGE_SIZE);
	struct {
		int64_t id, cap, active;
		unsigned formats;
	} rows[PAGE_SIZE];
	struct vrow *vr[PAGE_SIZE];
	int n = 0, more = 0;
	while (sqlite3_step(q) == SQLITE_ROW) {
		if (n == PAGE_SIZE) {
			more = 1;
			break;
		}
		struct vrow *r = view_row_new();
		rows[n].id = sqlite3_column_int64(q, 0);
		view_row_int(r, rows[n].id);
		view_row_str(r, (const char *)sqlite3_column_text(q, 1));
		view_row_str(r, (const char *)sqlite3_column_text(q, 2));
		view_row_str(r, (const char *)sqlite3_column_text(q, 3));
		view_row_str(r, (const char *)sqlite3_column_text(q, 7));
		rows[n].cap = sqlite3_column_int64(q, 4);
		rows[n].formats = (unsigned)sqlite3_column_int(q, 5);
		rows[n].active = sqlite3_column_int64(q, 6);
		vr[n++] = r;
	}
	sqlite3_reset(q);
	struct vlist *l = view_list_new();
	for (int i = 0; i < n; i++) {
		mentor_card_extras(c, vr[i], rows[i].id, rows[i].cap, rows[i].active, rows[i].formats);
		view_list_add(l, vr[i]);
	}
	struct view *v = ctx_view(c);
	view_list_set(v, "mentors", l);
	view_str(v, "q", f.v[0].s);
	view_str(v, "topic", f.v[1].s);
	view_str(v, "format", f.v[2].s);
	struct vlist *fl = view_list_new();
	for (int i = 0; i < FORMAT_COUNT; i++) {
		struct vrow *r = view_row_new();
		view_row_str(r, format_names[i]);
		view_row_str(r, format_labels[i]);
		view_row_int(r, strcmp(format_names[i], f.v[2].s) == 0);
		view_list_add(fl, r);
	}
	view_list_set(v, "formats", fl);
	view_int(v, "page", page);
	view_int(v, "count", n);
	/* Links to the neighbouring pages keep the search: built from escaped
	 * parts only, hence the trusted push. */
	struct buf qs = {0}, link = {0};
	const char *keys[3] = {"q", "topic", "format"};
	for (int i = 0; i < 3; i++) {
		if (!*f.v[i].s)
			continue;
		buf_printf(&qs, "%s=", keys[i]);
		for (const unsigned char *p = (const unsigned char *)f.v[i].s; *p; p++) {
			if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
			    *p == '-' || *p == '_' || *p == '.')
				buf_append(&qs, p, 1);
			else
				buf_printf(&qs, "%%%02X", *p);
		}
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
	ctx_render(c, 200, "mentors", "Find a mentor");
}

void page_topics(struct ctx *c)
{
	sqlite3_stmt *st = DB_STMT(c->db,
		"SELECT t.name, sum(ut.kind = 'interest') AS wanted, sum(ut.kind = 'focus') AS offered "
		"FROM topics t JOIN user_topics ut ON ut.topic_id = t.id JOIN users u ON u.id = ut.user_id "
		"WHERE u.active = 1 GROUP BY t.id ORDER BY wanted - offered DESC, wanted DESC, t.name LIMIT 60");
	if (!st) {
		ctx_store_error(c, DB_ERR);
		return;
	}
	struct vlist *l = view_list_new();
	while (sqlite3_step(st) == SQLITE_ROW) {
		struct vrow *r = view_row_new();
		view_row_str(r, (const char *)sqlite3_column_text(st, 0));
		int64_t w = sqlite3_column_int64(st, 1), o = sqlite3_column_int64(st, 2);
		view_row_int(r, w);
		view_row_int(r, o);
		view_row_int(r, w > o); /* more people want it than offer it */
		view_list_add(l, r);
	}
	sqlite3_reset(st);
	view_list_set(ctx_view(c), "topics", l);
	ctx_render(c, 200, "topics", "Topics");
}
