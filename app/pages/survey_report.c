#include "pages/survey_report.h"

#include <ctype.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/surveys.h"

int report_suppress(const int *counts, int n, int k, int *hidden)
{
	int nh = 0;
	for (int i = 0; i < n; i++) {
		hidden[i] = counts[i] > 0 && counts[i] < k;
		nh += hidden[i];
	}
	if (nh != 1)
		return 0;
	int best = -1;
	for (int i = 0; i < n; i++)
		if (!hidden[i] && counts[i] > 0 && (best < 0 || counts[i] < counts[best]))
			best = i;
	if (best < 0)
		return 1;
	hidden[best] = 1;
	return 0;
}

static struct report_group *group_for(struct report *r, int *cap, const char *q, const char *dim,
				      const char *name, int is_rating, const struct question *qq)
{
	for (int i = 0; i < r->ngroups; i++) {
		struct report_group *g = &r->groups[i];
		if (strcmp(g->question, q) == 0 && strcmp(g->dimension, dim) == 0 &&
		    strcmp(g->group, name) == 0)
			return g;
	}
	if (r->ngroups == *cap) {
		int nc = *cap ? *cap * 2 : 64;
		struct report_group *more = realloc(r->groups, (size_t)nc * sizeof(*more));
		if (!more)
			return NULL;
		r->groups = more;
		*cap = nc;
	}
	struct report_group *g = &r->groups[r->ngroups++];
	memset(g, 0, sizeof(*g));
	snprintf(g->question, sizeof(g->question), "%s", q);
	snprintf(g->dimension, sizeof(g->dimension), "%s", dim);
	snprintf(g->group, sizeof(g->group), "%s", name);
	g->is_rating = is_rating;
	if (is_rating) {
		g->nbuckets = 5;
		for (int b = 0; b < 5; b++)
			snprintf(g->labels[b], sizeof(g->labels[b]), "%d", b + 1);
	} else {
		char tmp[600];
		snprintf(tmp, sizeof(tmp), "%s", qq->choices);
		for (char *p = strtok(tmp, "\n"); p && g->nbuckets < REPORT_BUCKETS; p = strtok(NULL, "\n"))
			snprintf(g->labels[g->nbuckets++], sizeof(g->labels[0]), "%s", p);
	}
	return g;
}

/* Replace e-mail addresses, phone-like digit runs and members' names. */
static char *scrub(struct db *db, const char *in)
{
	size_t n = strlen(in);
	char *out = malloc(n * 9 + 1); /* "[removed]" may replace a single char */
	if (!out)
		return NULL;
	size_t o = 0;
	for (size_t i = 0; i < n;) {
		/* a word with an @ in it */
		size_t j = i;
		while (j < n && !isspace((unsigned char)in[j]))
			j++;
		if (memchr(in + i, '@', j - i)) {
			memcpy(out + o, "[removed]", 9);
			o += 9;
			i = j;
			continue;
		}
		/* 7 or more digits, allowing spaces, dashes, dots, parentheses, + */
		size_t d = i, digits = 0;
		while (d < n && (isdigit((unsigned char)in[d]) || strchr(" -.()+", in[d]))) {
			digits += isdigit((unsigned char)in[d]) != 0;
			d++;
		}
		if (digits >= 7 && isdigit((unsigned char)in[i]) + (in[i] == '+') + (in[i] == '(')) {
			memcpy(out + o, "[removed]", 9);
			o += 9;
			i = d;
			continue;
		}
		out[o++] = in[i++];
	}
	out[o] = '\0';
	/* Members' names, whole words, case-insensitive. */
	sqlite3_stmt *st = DB_STMT(db, "SELECT display_name FROM users");
	while (st && sqlite3_step(st) == SQLITE_ROW) {
		const char *name = (const char *)sqlite3_column_text(st, 0);
		size_t ln = strlen(name);
		if (ln < 3)
			continue;
		for (char *p = out; (p = strcasestr(p, name));) {
			int left = p == out || !isalnum((unsigned char)p[-1]);
			int right = !isalnum((unsigned char)p[ln]);
			if (left && right && ln >= 9) {
				memcpy(p, "[removed]", 9);
				memmove(p + 9, p + ln, strlen(p + ln) + 1);
				p += 9;
			} else if (left && right) {
				memmove(p + 9, p + ln, strlen(p + ln) + 1);
				memcpy(p, "[removed]", 9);
				p += 9;
			} else {
				p += ln;
			}
		}
	}
	if (st)
		sqlite3_reset(st);
	return out;
}

int report_build(struct db *db, int64_t survey, int k, int show_text, struct report *r)
{
	memset(r, 0, sizeof(*r));
	r->k = k < 3 ? 3 : k;
	struct question *qs = calloc(SURVEY_MAX_QUESTIONS, sizeof(*qs));
	if (!qs)
		return -1;
	int nq = survey_questions(db, survey, qs, SURVEY_MAX_QUESTIONS);
	int cap = 0;
	sqlite3_stmt *st =
		DB_STMT(db, "SELECT r.role, r.team, r.quarter, a.question_id, a.rating, a.choice "
			    "FROM survey_answers a JOIN survey_responses r ON r.id = a.response_id "
			    "WHERE r.survey_id = :s AND a.text IS NULL");
	if (!st) {
		free(qs);
		return -1;
	}
	db_bind_int(st, ":s", survey);
	while (sqlite3_step(st) == SQLITE_ROW) {
		int64_t qid = sqlite3_column_int64(st, 3);
		struct question *q = NULL;
		for (int i = 0; i < nq && !q; i++)
			if (qs[i].id == qid)
				q = &qs[i];
		if (!q)
			continue;
		int is_rating = strcmp(q->kind, "rating") == 0;
		const char *dims[4] = {"all", "role", "team", "quarter"};
		const char *names[4] = {"All answers", (const char *)sqlite3_column_text(st, 0),
					(const char *)sqlite3_column_text(st, 1),
					(const char *)sqlite3_column_text(st, 2)};
		if (!names[2][0])
			names[2] = "(no team)";
		for (int d = 0; d < 4; d++) {
			struct report_group *g =
				group_for(r, &cap, q->prompt, dims[d], names[d], is_rating, q);
			if (!g)
				break;
			g->n++;
			if (is_rating) {
				int v = sqlite3_column_int(st, 4);
				g->sum += v;
				if (v >= 1 && v <= 5)
					g->buckets[v - 1]++;
			} else {
				const char *c = (const char *)sqlite3_column_text(st, 5);
				for (int b = 0; c && b < g->nbuckets; b++)
					if (strcmp(g->labels[b], c) == 0)
						g->buckets[b]++;
			}
		}
	}
	sqlite3_reset(st);
	/* Groups: siblings are the groups of one question and dimension. */
	for (int i = 0; i < r->ngroups; i++) {
		struct report_group *g = &r->groups[i];
		int counts[256], hidden[256], idx[256], n = 0;
		if (g->hidden == 2 || strcmp(g->dimension, "all") == 0)
			continue;
		for (int j = 0; j < r->ngroups && n < 256; j++) {
			struct report_group *h = &r->groups[j];
			if (strcmp(h->question, g->question) == 0 &&
			    strcmp(h->dimension, g->dimension) == 0) {
				idx[n] = j;
				counts[n++] = h->n;
			}
		}
		int lone = report_suppress(counts, n, r->k, hidden);
		for (int j = 0; j < n; j++) {
			r->groups[idx[j]].hidden = lone || hidden[j] ? 1 : 0;
			if (!r->groups[idx[j]].hidden)
				r->groups[idx[j]].hidden = 2; /* done, visible */
		}
	}
	for (int i = 0; i < r->ngroups; i++) {
		struct report_group *g = &r->groups[i];
		if (g->hidden == 2)
			g->hidden = 0;
		if (strcmp(g->dimension, "all") == 0 && g->n < r->k)
			g->hidden = 1;
		if (g->hidden)
			continue;
		if (report_suppress(g->buckets, g->nbuckets, r->k, g->bhidden))
			for (int b = 0; b < g->nbuckets; b++)
				g->bhidden[b] = 1;
	}
	/* Free text: off unless the admin turned it on; then only for
	 * questions with 10 or more answers, shuffled and scrubbed. */
	if (show_text) {
		st = DB_STMT(db, "SELECT a.question_id, a.text, (SELECT count(*) FROM survey_answers b JOIN "
				 "survey_responses rb "
				 "ON rb.id = b.response_id WHERE rb.survey_id = :s AND b.question_id = "
				 "a.question_id AND b.text IS NOT NULL) "
				 "FROM survey_answers a JOIN survey_responses r ON r.id = a.response_id "
				 "WHERE r.survey_id = :s AND a.text IS NOT NULL");
		int ccap = 0;
		while (st && (db_bind_int(st, ":s", survey), 1) && sqlite3_step(st) == SQLITE_ROW) {
			if (sqlite3_column_int(st, 2) < 10)
				continue;
			if (r->ncomments == ccap) {
				int nc = ccap ? ccap * 2 : 32;
				char **more = realloc(r->comments, (size_t)nc * sizeof(*more));
				if (!more)
					break;
				r->comments = more;
				ccap = nc;
			}
			char *s = scrub(db, (const char *)sqlite3_column_text(st, 1));
			if (s)
				r->comments[r->ncomments++] = s;
		}
		if (st)
			sqlite3_reset(st);
		for (int i = r->ncomments - 1; i > 0; i--) {
			int j = (int)randombytes_uniform((uint32_t)i + 1);
			char *t = r->comments[i];
			r->comments[i] = r->comments[j];
			r->comments[j] = t;
		}
	}
	free(qs);
	return 0;
}

void report_free(struct report *r)
{
	free(r->groups);
	for (int i = 0; i < r->ncomments; i++)
		free(r->comments[i]);
	free(r->comments);
	memset(r, 0, sizeof(*r));
}
