#include "http/fields.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/utf8.h"

void fields_fail(struct fields *f, size_t idx, const char *msg)
{
	if (!f->err[idx])
		f->nerr++;
	snprintf(f->msg[idx], sizeof(f->msg[idx]), "%s", msg);
	f->err[idx] = f->msg[idx];
}

static char *trim(char *s)
{
	while (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n')
		s++;
	size_t n = strlen(s);
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r' || s[n - 1] == '\n'))
		s[--n] = '\0';
	return s;
}

static int valid_date(const char *s)
{
	if (strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return 0;
	for (int i = 0; i < 10; i++)
		if (i != 4 && i != 7 && !isdigit((unsigned char)s[i]))
			return 0;
	int y = atoi(s), m = atoi(s + 5), d = atoi(s + 8);
	static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	if (y < 1970 || y > 2200 || m < 1 || m > 12 || d < 1)
		return 0;
	int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	return d <= mdays[m - 1] + (m == 2 && leap);
}

static int valid_email(const char *s)
{
	const char *at = strchr(s, '@');
	if (!at || at == s || strchr(at + 1, '@') || !strchr(at + 1, '.'))
		return 0;
	for (const char *p = s; *p; p++)
		if (*p == ' ' || *p == '<' || *p == '>' || *p == ',' || *p == ';' || *p == '"')
			return 0;
	size_t n = strlen(s);
	return s[n - 1] != '.' && at[1] != '.';
}

static int check_one(const struct field_spec *sp, struct field_val *v, char *raw, struct fields *out,
		     size_t idx)
{
	char m[160];
	const char *label = sp->label;
	if (sp->type == FT_PASSWORD) {
		size_t len = utf8_len(raw);
		v->s = raw;
		if (sp->required && len == 0) {
			snprintf(m, sizeof(m), "Enter your %s.", label);
			fields_fail(out, idx, m);
		} else if (len && sp->min && (long)len < sp->min) {
			snprintf(m, sizeof(m), "%s must be at least %ld characters (it has %zu).", label,
				 sp->min, len);
			fields_fail(out, idx, m);
		} else if (sp->max && (long)len > sp->max) {
			snprintf(m, sizeof(m), "%s must be at most %ld characters (it has %zu).", label,
				 sp->max, len);
			fields_fail(out, idx, m);
		}
		return 0;
	}
	char *s = trim(raw);
	v->s = s;
	if (sp->type == FT_TEXT)
		str_lf(s); /* one line break as typed and as maxlength counted it */
	size_t len = utf8_len(s);
	if (*s == '\0') {
		if (sp->required) {
			snprintf(m, sizeof(m), "%s is required.", label);
			fields_fail(out, idx, m);
		}
		return 0;
	}
	switch (sp->type) {
	case FT_LINE:
	case FT_EMAIL:
		if (strpbrk(s, "\r\n")) {
			snprintf(m, sizeof(m), "%s must be on one line.", label);
			fields_fail(out, idx, m);
			return 0;
		}
		if (sp->type == FT_EMAIL) {
			for (char *p = s; *p; p++)
				*p = (char)tolower((unsigned char)*p);
			if (!valid_email(s)) {
				snprintf(m, sizeof(m), "%s must look like name@example.com.", label);
				fields_fail(out, idx, m);
				return 0;
			}
		}
		/* fall through */
	case FT_TEXT:
		if (sp->min && (long)len < sp->min) {
			snprintf(m, sizeof(m), "%s must be at least %ld characters (it has %zu).", label,
				 sp->min, len);
			fields_fail(out, idx, m);
		} else if (sp->max && (long)len > sp->max) {
			snprintf(m, sizeof(m), "%s must be at most %ld characters (it has %zu).", label,
				 sp->max, len);
			fields_fail(out, idx, m);
		}
		return 0;
	case FT_INT: {
		char *end;
		errno = 0;
		long x = strtol(s, &end, 10);
		if (errno || *end || end == s || x < sp->min || x > sp->max) {
			snprintf(m, sizeof(m), "%s must be a whole number from %ld to %ld.", label, sp->min,
				 sp->max);
			fields_fail(out, idx, m);
			return 0;
		}
		v->i = x;
		return 0;
	}
	case FT_CHOICE:
		for (const char *const *c = sp->choices; *c; c++)
			if (strcmp(*c, s) == 0)
				return 0;
		return 400; /* our own forms only offer the listed choices */
	case FT_FLAG:
		if (strcmp(s, "1") != 0)
			return 400;
		v->i = 1;
		return 0;
	case FT_DATE:
		if (!valid_date(s)) {
			snprintf(m, sizeof(m), "%s must be a date written YYYY-MM-DD.", label);
			fields_fail(out, idx, m);
		}
		return 0;
	case FT_PASSWORD: break;
	}
	return 0;
}

int fields_read(const struct field_spec *spec, size_t n, struct form *in, struct fields *out)
{
	memset(out, 0, sizeof(*out));
	out->n = n;
	for (size_t i = 0; i < n; i++)
		out->v[i].s = "";
	for (size_t p = 0; p < in->n; p++) {
		const char *key = in->pairs[p].key;
		if (strcmp(key, "csrf") == 0)
			continue;
		size_t i = 0;
		while (i < n && strcmp(spec[i].name, key) != 0)
			i++;
		if (i == n)
			return 400;
		struct field_val *v = &out->v[i];
		if (v->present && !spec[i].repeat)
			return 400;
		if (spec[i].repeat && v->nrep == FIELDS_MAX_REPEAT) {
			/* A person can tick more boxes than a form takes: say so
			 * (422, the form kept) rather than refuse it as forged. */
			if (!out->err[i]) {
				char m[160];
				snprintf(m, sizeof(m), "Choose at most %d for %s.", FIELDS_MAX_REPEAT,
					 spec[i].label);
				fields_fail(out, i, m);
			}
			continue;
		}
		v->present = 1;
		int rc = check_one(&spec[i], v, in->pairs[p].val, out, i);
		if (rc)
			return rc;
		if (spec[i].repeat) {
			for (size_t k = 0; k < v->nrep; k++)
				if (strcmp(v->rep[k], v->s) == 0)
					return 400;
			v->rep[v->nrep++] = v->s;
		}
	}
	for (size_t i = 0; i < n; i++) {
		if (!out->v[i].present && spec[i].required) {
			char m[160];
			if (spec[i].type == FT_PASSWORD)
				snprintf(m, sizeof(m), "Enter your %s.", spec[i].label);
			else
				snprintf(m, sizeof(m), "%s is required.", spec[i].label);
			fields_fail(out, i, m);
		}
	}
	return out->nerr ? 422 : 0;
}

int fields_valid_email(const char *s)
{
	return valid_email(s);
}
