#include "store/dirpage.h"

/* Filters shared by every statement below (the search words must all
 * occur in the card's search text; instr(), not LIKE: a LIKE on a bound
 * value makes SQLite re-prepare the statement at every new value). */
#define DIR_FILTERS                                                                                          \
	"AND (:fbit = 0 OR (d.formats & :fbit) <> 0) "                                                       \
	"AND (:nwords = 0 OR EXISTS (SELECT 1 FROM mentor_cards s WHERE s.user_id = d.user_id "              \
	"AND instr(s.search_text, :w1) AND instr(s.search_text, :w2) AND instr(s.search_text, :w3))) "

static void bind_filter(sqlite3_stmt *st, const struct dir_filter *f)
{
	db_bind_int(st, ":topic", f->topic);
	db_bind_int(st, ":fbit", f->formats);
	db_bind_int(st, ":nwords", f->nwords);
	db_bind_text(st, ":w1", f->word[0]);
	db_bind_text(st, ":w2", f->word[1]);
	db_bind_text(st, ":w3", f->word[2]);
}

int dirpage_read(struct db *db, int64_t viewer, const struct dir_filter *f, int off, int lim,
		 struct dir_pick *out)
{
	int64_t interests = 0;
	sqlite3_stmt *st =
		DB_STMT(db, "SELECT count(*) FROM user_topics WHERE user_id = :me AND kind = 'interest'");
	if (!st)
		return -1;
	db_bind_int(st, ":me", viewer);
	if (sqlite3_step(st) == SQLITE_ROW)
		interests = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	if (interests) {
		/* Every candidate is ranked by how many of my interests it mentors in. */
		st = DB_STMT(
			db,
			"SELECT d.user_id, d.version, topic_overlap(d.focus_ids, (SELECT ',' || "
			"group_concat(topic_id, ',') || ',' FROM user_topics WHERE user_id = :me AND "
			"kind = 'interest')) AS ov FROM directory d WHERE d.topic_id = :topic " DIR_FILTERS
			"ORDER BY d.has_room DESC, ov DESC, d.name_key, d.user_id LIMIT :lim OFFSET :off");
		if (st)
			db_bind_int(st, ":me", viewer);
	} else {
		/* No interests, no overlap to rank by: the index order is the
		 * display order and the statement reads only the rows shown. */
		st = DB_STMT(
			db,
			"SELECT d.user_id, d.version FROM directory d WHERE d.topic_id = :topic " DIR_FILTERS
			"ORDER BY d.has_room DESC, d.name_key, d.user_id LIMIT :lim OFFSET :off");
	}
	if (!st)
		return -1;
	bind_filter(st, f);
	db_bind_int(st, ":lim", lim);
	db_bind_int(st, ":off", off);
	int n = 0;
	while (n < lim && sqlite3_step(st) == SQLITE_ROW) {
		out[n].id = sqlite3_column_int64(st, 0);
		out[n].version = sqlite3_column_int64(st, 1);
		n++;
	}
	sqlite3_reset(st);
	return n;
}
