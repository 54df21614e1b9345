#include "store/survey_report.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "core/scrub.h"
#include "core/sdc.h"

const char *const report_dims[REPORT_DIMS] = {"role", "team", "quarter"};

/* The groups of one question and dimension while answers are counted. */
struct acc {
	int n, cap;
	char **names;
	int *size, *cell; /* cell: cap * SURVEY_MAX_CHOICES */
};

struct loading {
	struct question q;
	int all[SURVEY_MAX_CHOICES];
	struct acc dim[REPORT_DIMS];
};

static int acc_group(struct acc *a, const char *name)
{
	for (int i = 0; i < a->n; i++)
		if (strcmp(a->names[i], name) == 0)
			return i;
	if (a->n == a->cap) {
		int cap = a->cap ? a->cap * 2 : 8;
		char **names = realloc(a->names, (size_t)cap * sizeof(*names));
		if (names)
			a->names = names;
		int *size = names ? realloc(a->size, (size_t)cap * sizeof(*size)) : NULL;
		if (size)
			a->size = size;
		int *cell = size ? realloc(a->cell, (size_t)cap * SURVEY_MAX_CHOICES * sizeof(*cell)) : NULL;
		if (!cell)
			return -1;
		a->cell = cell;
		a->cap = cap;
	}
	char *copy = strdup(name);
	if (!copy)
		return -1;
	a->names[a->n] = copy;
	a->size[a->n] = 0;
	memset(a->cell + a->n * SURVEY_MAX_CHOICES, 0, SURVEY_MAX_CHOICES * sizeof(int));
	return a->n++;
}

static void acc_free(struct acc *a)
{
	for (int i = 0; i < a->n; i++)
		free(a->names[i]);
	free(a->names);
	free(a->size);
	free(a->cell);
}

static int bucket_of(const struct report_question *rq, const struct question *q, int rating,
		     const char *choice)
{
	if (strcmp(q->kind, "rating") == 0)
		return rating >= 1 && rating <= 5 ? rating - 1 : -1;
	for (int b = 0; b < rq->nb; b++)
		if (strcmp(rq->labels[b], choice) == 0)
			return b;
	return -1;
}

/* Count the released answers of survey, by question and group, in SQL:
 * one row per distinct combination, not one per answer. */
static int count_answers(struct db *db, int64_t survey, struct report *r, struct loading *ld)
{
	sqlite3_stmt *st =
		DB_STMT(db, "SELECT a.question_id, r.role, r.team, r.quarter, coalesce(a.rating, 0), "
			    "coalesce(a.choice, ''), count(*) FROM survey_answers a "
			    "JOIN survey_responses r ON r.id = a.response_id "
			    "WHERE r.survey_id = :s AND a.text IS NULL GROUP BY 1, 2, 3, 4, 5, 6");
	if (!st)
		return -1;
	db_bind_int(st, ":s", survey);
	int rc, bad = 0;
	while (!bad && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		int64_t qid = sqlite3_column_int64(st, 0);
		int qi = -1;
		for (int i = 0; i < r->nq && qi < 0; i++)
			if (r->q[i].id == qid)
				qi = i;
		if (qi < 0)
			continue;
		struct report_question *rq = &r->q[qi];
		int b = bucket_of(rq, &ld[qi].q, sqlite3_column_int(st, 4),
				  (const char *)sqlite3_column_text(st, 5));
		if (b < 0)
			continue;
		int cnt = sqlite3_column_int(st, 6);
		rq->n += cnt;
		ld[qi].all[b] += cnt;
		for (int d = 0; r->closed && d < REPORT_DIMS && !bad; d++) {
			if (!r->dims_ok[d])
				continue;
			const char *name = (const char *)sqlite3_column_text(st, 1 + d);
			int g = acc_group(&ld[qi].dim[d], name && *name ? name : "other");
			if (g < 0) {
				bad = 1;
				break;
			}
			ld[qi].dim[d].size[g] += cnt;
			ld[qi].dim[d].cell[g * SURVEY_MAX_CHOICES + b] += cnt;
		}
	}
	sqlite3_reset(st);
	return bad || rc != SQLITE_DONE ? -1 : 0;
}

static void set_row(struct report_row *row, const char *dim, const char *group, int n, int nb,
		    const int *count, const unsigned char *hid, int rating)
{
	row->dimension = dim;
	row->group = strdup(group);
	row->n = n;
	memcpy(row->count, count, (size_t)nb * sizeof(int));
	memcpy(row->hid, hid, (size_t)nb);
	row->has_mean = rating && sdc_row_clear(hid, nb) && n > 0;
	if (row->has_mean) {
		long sum = 0;
		for (int b = 0; b < nb; b++)
			sum += (long)count[b] * (b + 1);
		row->mean = (double)sum / n;
	}
}

static int by_name(const void *a, const void *b, void *names)
{
	char **nm = names;
	return strcmp(nm[*(const int *)a], nm[*(const int *)b]);
}

/* Protect one question's tables and turn what may be shown into rows. */
static int make_rows(struct report *r, struct report_question *rq, struct loading *ld)
{
	int ndims = r->closed ? REPORT_DIMS : 0, total = 1;
	for (int d = 0; d < ndims; d++)
		total += ld->dim[d].n;
	unsigned char all_hid[SURVEY_MAX_CHOICES];
	struct sdc_dim dims[REPORT_DIMS];
	unsigned char *flags = calloc((size_t)total * (SURVEY_MAX_CHOICES + 1), 1);
	int *order = calloc((size_t)total, sizeof(int));
	rq->rows = calloc((size_t)total, sizeof(*rq->rows));
	if (!flags || !order || !rq->rows) {
		free(flags);
		free(order);
		return -1;
	}
	unsigned char *f = flags;
	for (int d = 0; d < ndims; d++) {
		dims[d] = (struct sdc_dim){ld->dim[d].n, ld->dim[d].size, NULL, f, NULL};
		f += ld->dim[d].n;
	}
	/* sdc_dim's cells are ngroups * nb, packed: copy out of the
	 * SURVEY_MAX_CHOICES stride. */
	int *cells = calloc((size_t)total * SURVEY_MAX_CHOICES, sizeof(int));
	if (!cells) {
		free(flags);
		free(order);
		return -1;
	}
	int *c = cells;
	for (int d = 0; d < ndims; d++) {
		for (int g = 0; g < ld->dim[d].n; g++)
			memcpy(c + g * rq->nb, ld->dim[d].cell + g * SURVEY_MAX_CHOICES,
			       (size_t)rq->nb * sizeof(int));
		dims[d].cell = c;
		dims[d].chid = f;
		c += ld->dim[d].n * rq->nb;
		f += ld->dim[d].n * rq->nb;
	}
	sdc_protect(r->k, rq->n, rq->nb, ld->all, all_hid, dims, ndims);
	rq->shown = rq->n >= r->k;
	for (int d = 0; d < REPORT_DIMS; d++)
		rq->withheld[d] = !r->closed || !r->dims_ok[d] ||
				  (d < ndims && !sdc_audit(r->k, rq->n, rq->nb, ld->all, all_hid, &dims[d]));
	int rating = strcmp(rq->kind, "rating") == 0;
	set_row(&rq->rows[rq->nrows++], "all", "All answers", rq->n, rq->nb, ld->all, all_hid,
		rating && rq->shown);
	for (int d = 0; d < ndims && rq->shown; d++) {
		if (rq->withheld[d])
			continue;
		int m = 0;
		for (int g = 0; g < dims[d].ngroups; g++)
			if (!dims[d].ghid[g])
				order[m++] = g;
		qsort_r(order, (size_t)m, sizeof(int), by_name, ld->dim[d].names);
		rq->hidden_in[d] = rq->n;
		for (int i = 0; i < m; i++) {
			int g = order[i];
			rq->hidden_in[d] -= dims[d].size[g];
			set_row(&rq->rows[rq->nrows++], report_dims[d], ld->dim[d].names[g], dims[d].size[g],
				rq->nb, dims[d].cell + g * rq->nb, dims[d].chid + g * rq->nb, rating);
		}
	}
	free(cells);
	free(flags);
	free(order);
	for (int i = 0; i < rq->nrows; i++)
		if (!rq->rows[i].group)
			return -1;
	return 0;
}

static int load_questions(struct db *db, int64_t survey, struct report *r, struct loading **out)
{
	struct loading *ld = calloc(SURVEY_MAX_QUESTIONS, sizeof(*ld));
	struct question *qs = calloc(SURVEY_MAX_QUESTIONS, sizeof(*qs));
	r->q = calloc(SURVEY_MAX_QUESTIONS, sizeof(*r->q));
	int n = ld && qs && r->q ? survey_questions(db, survey, qs, SURVEY_MAX_QUESTIONS) : -1;
	for (int i = 0; i < n; i++) {
		if (strcmp(qs[i].kind, "text") == 0)
			continue;
		struct report_question *rq = &r->q[r->nq];
		ld[r->nq].q = qs[i];
		rq->id = qs[i].id;
		str_copy(rq->kind, sizeof(rq->kind), qs[i].kind);
		rq->prompt = strdup(qs[i].prompt);
		r->nq++;
		if (!rq->prompt) {
			n = -1;
			break;
		}
		if (strcmp(qs[i].kind, "rating") == 0) {
			static const char *const five[] = {"1", "2", "3", "4", "5"};
			rq->nb = 5;
			for (int b = 0; b < 5; b++)
				rq->labels[b] = strdup(five[b]);
		} else {
			char tmp[sizeof(qs[i].choices)];
			const char *ch[SURVEY_MAX_CHOICES];
			rq->nb = survey_choices(qs[i].choices, tmp, sizeof(tmp), ch);
			for (int b = 0; b < rq->nb; b++)
				rq->labels[b] = strdup(ch[b]);
		}
		for (int b = 0; b < rq->nb; b++)
			if (!rq->labels[b])
				n = -1;
	}
	free(qs);
	*out = ld;
	return n < 0 ? -1 : 0;
}

/* Every member's name words, for scrubbing comments. */
static struct scrub_names *member_names(struct db *db)
{
	struct scrub_names *names = scrub_names_new();
	sqlite3_stmt *st = DB_STMT(db, "SELECT display_name FROM users");
	int rc = SQLITE_ERROR;
	while (names && st && (rc = sqlite3_step(st)) == SQLITE_ROW)
		if (scrub_names_add(names, (const char *)sqlite3_column_text(st, 0)) != 0)
			break;
	if (st)
		sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		scrub_names_free(names);
		return NULL;
	}
	return names;
}

/* Free text: only for questions with 10 or more answers, scrubbed and
 * shuffled. */
static int load_comments(struct db *db, int64_t survey, struct report *r)
{
	sqlite3_stmt *st = DB_STMT(
		db, "SELECT a.text FROM survey_answers a JOIN survey_responses r ON r.id = a.response_id "
		    "WHERE r.survey_id = :s AND a.text IS NOT NULL AND a.question_id IN ("
		    " SELECT b.question_id FROM survey_answers b JOIN survey_responses rb ON rb.id = "
		    "b.response_id "
		    " WHERE rb.survey_id = :s AND b.text IS NOT NULL GROUP BY b.question_id HAVING count(*) "
		    ">= 10)");
	if (!st)
		return -1;
	struct scrub_names *names = NULL;
	int cap = 0, rc, bad = 0;
	db_bind_int(st, ":s", survey);
	while (!bad && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (!names && !(names = member_names(db))) {
			bad = 1;
			break;
		}
		if (r->ncomments == cap) {
			int nc = cap ? cap * 2 : 32;
			char **more = realloc(r->comments, (size_t)nc * sizeof(*more));
			if (!more) {
				bad = 1;
				break;
			}
			r->comments = more;
			cap = nc;
		}
		struct buf out = {0};
		if (scrub_text((const char *)sqlite3_column_text(st, 0), (size_t)sqlite3_column_bytes(st, 0),
			       names, &out) != 0) {
			buf_free(&out);
			bad = 1;
			break;
		}
		r->comments[r->ncomments++] = out.data ? out.data : strdup("");
	}
	sqlite3_reset(st);
	scrub_names_free(names);
	for (int i = r->ncomments - 1; i > 0; i--) {
		int j = (int)randombytes_uniform((uint32_t)i + 1);
		char *t = r->comments[i];
		r->comments[i] = r->comments[j];
		r->comments[j] = t;
	}
	return bad || rc != SQLITE_DONE ? -1 : 0;
}

/* 1 when cutting survey's respondents by batch and by the breakdowns in
 * use[] leaves no group of 1..k-1 people; -1 on a store error. */
static int partition_ok(struct db *db, int64_t survey, int k, const int use[REPORT_DIMS])
{
	sqlite3_stmt *st = DB_STMT(db, "SELECT 1 FROM survey_responses WHERE survey_id = :s GROUP BY batch, "
				       "CASE WHEN :role THEN role END, CASE WHEN :team THEN team END, "
				       "CASE WHEN :quarter THEN quarter END HAVING count(*) < :k LIMIT 1");
	if (!st)
		return -1;
	db_bind_int(st, ":s", survey);
	db_bind_int(st, ":role", use[0]);
	db_bind_int(st, ":team", use[1]);
	db_bind_int(st, ":quarter", use[2]);
	db_bind_int(st, ":k", k);
	int rc = sqlite3_step(st);
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? 1 : rc == SQLITE_ROW ? 0 : -1;
}

/* Team first (what admins ask for most), then role, then quarter: each
 * joins the breakdowns shown only if the cut stays at k or more. */
static int allowed_dims(struct db *db, int64_t survey, struct report *r)
{
	static const int order[REPORT_DIMS] = {1, 0, 2};
	for (int i = 0; i < REPORT_DIMS; i++) {
		int d = order[i];
		r->dims_ok[d] = 1;
		int ok = partition_ok(db, survey, r->k, r->dims_ok);
		if (ok < 0)
			return -1;
		r->dims_ok[d] = ok;
	}
	return 0;
}

/* Closed or not, and how many answers wait for their batch. */
static int load_state(struct db *db, int64_t survey, struct report *r)
{
	sqlite3_stmt *st = DB_STMT(db, "SELECT status = 'closed', (SELECT count(*) FROM survey_pool "
				       "WHERE survey_id = :s) FROM surveys WHERE id = :s");
	if (!st)
		return -1;
	db_bind_int(st, ":s", survey);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		r->closed = sqlite3_column_int(st, 0);
		r->pending = sqlite3_column_int64(st, 1);
	}
	sqlite3_reset(st);
	if (rc != SQLITE_ROW)
		return -1;
	return r->closed ? allowed_dims(db, survey, r) : 0;
}

int report_build(struct db *db, int64_t survey, int k, int show_text, struct report *r)
{
	memset(r, 0, sizeof(*r));
	r->k = k < 3 ? 3 : k;
	struct loading *ld = NULL;
	int rc = load_state(db, survey, r);
	if (rc == 0)
		rc = load_questions(db, survey, r, &ld);
	if (rc == 0)
		rc = count_answers(db, survey, r, ld);
	for (int i = 0; rc == 0 && i < r->nq; i++)
		rc = make_rows(r, &r->q[i], &ld[i]);
	for (int i = 0; ld && i < r->nq; i++)
		for (int d = 0; d < REPORT_DIMS; d++)
			acc_free(&ld[i].dim[d]);
	free(ld);
	if (rc == 0 && show_text)
		rc = load_comments(db, survey, r);
	if (rc != 0) {
		report_free(r);
		return -1;
	}
	return 0;
}

void report_free(struct report *r)
{
	for (int i = 0; r->q && i < r->nq; i++) {
		struct report_question *q = &r->q[i];
		free(q->prompt);
		for (int b = 0; b < SURVEY_MAX_CHOICES; b++)
			free(q->labels[b]);
		for (int j = 0; q->rows && j < q->nrows; j++)
			free(q->rows[j].group);
		free(q->rows);
	}
	free(r->q);
	for (int i = 0; i < r->ncomments; i++)
		free(r->comments[i]);
	free(r->comments);
	memset(r, 0, sizeof(*r));
}
