#include "store/survey_compare.h"

#include <stdlib.h>
#include <string.h>

#include "store/audit.h"

int64_t survey_baseline_of(struct db *db, int64_t followup)
{
	sqlite3_stmt *st = DB_STMT(db, "SELECT coalesce(baseline_id, 0) FROM surveys WHERE id = :s");
	if (!st)
		return 0;
	db_bind_int(st, ":s", followup);
	int64_t id = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	sqlite3_reset(st);
	return id;
}

/* The baseline's id and title, and whether both are published. */
static int load_pair(struct db *db, int64_t followup, struct compare *out, int *published)
{
	sqlite3_stmt *st = DB_STMT(db, "SELECT b.id, b.title, f.published AND b.published FROM surveys f "
				       "JOIN surveys b ON b.id = f.baseline_id WHERE f.id = :s");
	if (!st)
		return -1;
	db_bind_int(st, ":s", followup);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		out->baseline = sqlite3_column_int64(st, 0);
		db_column_copy(st, 1, out->baseline_title, sizeof(out->baseline_title));
		*published = sqlite3_column_int(st, 2);
	}
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

static const struct report_row *find_group(const struct report_question *q, const char *dim,
					   const char *group)
{
	for (int j = 1; j < q->nrows; j++)
		if (strcmp(q->rows[j].dimension, dim) == 0 && strcmp(q->rows[j].group, group) == 0)
			return &q->rows[j];
	return NULL;
}

/* The lines of one shared question: everyone, then per breakdown the
 * groups both reports show and what the rest hold together in each. */
static int pair_rows(const struct report *rb, const struct report *rf, struct compare_question *cq)
{
	const struct report_question *b = cq->base, *f = cq->follow;
	cq->rows = calloc((size_t)b->nrows + 2 * REPORT_DIMS + 1, sizeof(*cq->rows));
	if (!cq->rows)
		return -1;
	cq->rows[cq->nrows++] =
		(struct compare_row){"all", "All answers", &b->rows[0], &f->rows[0], 0, 0, 0, 0};
	/* Breakdowns exist only once both surveys are closed and both show
	 * their answers at all; else neither column has one to pair. */
	if (!rb->closed || !rf->closed || !b->shown || !f->shown)
		return 0;
	for (int d = 0; d < REPORT_DIMS; d++) {
		if (b->withheld[d] || f->withheld[d]) {
			cq->rows[cq->nrows++] =
				(struct compare_row){report_dims[d], "", NULL, NULL, 0, 0, 0, 1};
			continue;
		}
		int rest_b = b->n, rest_f = f->n;
		for (int j = 1; j < b->nrows; j++) {
			const struct report_row *row = &b->rows[j];
			if (strcmp(row->dimension, report_dims[d]) != 0)
				continue;
			const struct report_row *other = find_group(f, report_dims[d], row->group);
			if (!other)
				continue;
			rest_b -= row->n;
			rest_f -= other->n;
			cq->rows[cq->nrows++] =
				(struct compare_row){report_dims[d], row->group, row, other, 0, 0, 0, 0};
		}
		/* Each is that survey's hidden groups plus its shown groups the
		 * other does not show: a sum of 0-or-at-least-k figures. */
		if (rest_b || rest_f)
			cq->rows[cq->nrows++] =
				(struct compare_row){report_dims[d], "", NULL, NULL, 1, rest_b, rest_f, 0};
	}
	return 0;
}

int survey_compare_build(struct db *db, int64_t followup, int k, int published_only, struct compare *out)
{
	memset(out, 0, sizeof(*out));
	int published = 0;
	int rc = load_pair(db, followup, out, &published);
	if (rc <= 0 || (published_only && !published)) {
		memset(out, 0, sizeof(*out));
		return rc < 0 ? -1 : 0;
	}
	if (report_build(db, out->baseline, k, 0, &out->base) != 0)
		return -1;
	if (report_build(db, followup, k, 0, &out->follow) != 0) {
		report_free(&out->base);
		return -1;
	}
	out->q = calloc(out->follow.nq ? (size_t)out->follow.nq : 1, sizeof(*out->q));
	if (!out->q) {
		compare_free(out);
		return -1;
	}
	/* Shared: the same prompt and the same kind (text questions are in
	 * no report). In the follow-up's order. */
	for (int i = 0; i < out->follow.nq; i++) {
		const struct report_question *f = &out->follow.q[i];
		for (int j = 0; j < out->base.nq; j++) {
			const struct report_question *b = &out->base.q[j];
			if (strcmp(b->prompt, f->prompt) != 0 || strcmp(b->kind, f->kind) != 0)
				continue;
			struct compare_question *cq = &out->q[out->nq++];
			cq->base = b;
			cq->follow = f;
			if (pair_rows(&out->base, &out->follow, cq) != 0) {
				compare_free(out);
				return -1;
			}
			break;
		}
	}
	return 1;
}

void compare_free(struct compare *c)
{
	for (int i = 0; c->q && i < c->nq; i++)
		free(c->q[i].rows);
	free(c->q);
	report_free(&c->base);
	report_free(&c->follow);
	memset(c, 0, sizeof(*c));
}

enum db_rc survey_set_baseline(struct db *db, int64_t followup, int64_t baseline,
			       const struct survey_actor *who)
{
	if (baseline == followup)
		return DB_CONFLICT;
	enum db_rc rc = db_begin(db);
	if (rc != DB_OK)
		return rc;
	sqlite3_stmt *chk = DB_STMT(db, "SELECT (SELECT count(*) FROM surveys WHERE id = :f), "
					"(SELECT count(*) FROM surveys WHERE id = :b), "
					"(SELECT count(*) FROM surveys WHERE id = :b AND baseline_id = :f)");
	if (!chk)
		return db_end(db, DB_ERR);
	db_bind_int(chk, ":f", followup);
	db_bind_int(chk, ":b", baseline);
	int src = sqlite3_step(chk);
	int has_f = 0, has_b = 0, loop = 0;
	if (src == SQLITE_ROW) {
		has_f = sqlite3_column_int(chk, 0);
		has_b = sqlite3_column_int(chk, 1);
		loop = sqlite3_column_int(chk, 2);
	}
	sqlite3_reset(chk);
	if (src != SQLITE_ROW)
		return db_end(db, db_rc_from(src));
	if (!has_f || (baseline && !has_b))
		return db_end(db, DB_NOTFOUND);
	if (loop)
		return db_end(db, DB_CONFLICT);
	sqlite3_stmt *st = DB_STMT(db, "UPDATE surveys SET baseline_id = nullif(:b, 0) WHERE id = :f");
	if (!st)
		return db_end(db, DB_ERR);
	db_bind_int(st, ":b", baseline);
	db_bind_int(st, ":f", followup);
	rc = db_exec_step(db, st);
	if (rc == DB_OK)
		rc = audit_add(db, who->now, baseline ? "survey_baseline_set" : "survey_baseline_cleared",
			       who->admin, followup, who->ip, "");
	return db_end(db, rc);
}

enum db_rc survey_baseline_choices(struct db *db, int64_t except, int max,
				   void (*fn)(void *arg, int64_t id, const char *title), void *arg)
{
	sqlite3_stmt *st =
		DB_STMT(db, "SELECT id, title FROM surveys WHERE id <> :x ORDER BY id DESC LIMIT :max");
	if (!st)
		return DB_ERR;
	db_bind_int(st, ":x", except);
	db_bind_int(st, ":max", max);
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		fn(arg, sqlite3_column_int64(st, 0), (const char *)sqlite3_column_text(st, 1));
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? DB_OK : db_rc_from(rc);
}

enum db_rc survey_published_pairs(struct db *db, int max,
				  void (*fn)(void *arg, int64_t followup, int64_t baseline), void *arg)
{
	sqlite3_stmt *st =
		DB_STMT(db, "SELECT f.id, b.id FROM surveys f JOIN surveys b ON b.id = f.baseline_id "
			    "WHERE f.published = 1 AND b.published = 1 ORDER BY f.id DESC LIMIT :max");
	if (!st)
		return DB_ERR;
	db_bind_int(st, ":max", max);
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		fn(arg, sqlite3_column_int64(st, 0), sqlite3_column_int64(st, 1));
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? DB_OK : db_rc_from(rc);
}
