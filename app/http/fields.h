/* fields: forms are declared as tables of fields, then read and validated
 * here in one place. Handlers see only values that passed. */
#ifndef TANDEM_FIELDS_H
#define TANDEM_FIELDS_H
#include <stddef.h>

#include "http/form.h"

/* A survey's form has a field per question: SURVEY_MAX_QUESTIONS fits. */
#define FIELDS_MAX 48
#define FIELDS_MAX_REPEAT 24 /* an office hour's 20 seats marked attended */

enum field_type {
	FT_LINE,     /* one line of text: trimmed, no CR/LF; min/max in characters */
	FT_TEXT,     /* multi-line text: min/max in characters */
	FT_INT,	     /* decimal integer within [min, max] */
	FT_CHOICE,   /* one of choices[] */
	FT_FLAG,     /* "1" or absent */
	FT_EMAIL,    /* an address, lower-cased; max in characters */
	FT_PASSWORD, /* kept as typed (no trim); min/max in characters */
	FT_DATE,     /* YYYY-MM-DD, a real calendar date */
};

struct field_spec {
	const char *name;
	const char *label; /* used in messages: "Email" */
	enum field_type type;
	int required;
	long min, max;
	const char *const *choices; /* NULL-terminated, for FT_CHOICE */
	int repeat;		    /* may appear up to FIELDS_MAX_REPEAT times (more: 422) */
};

/* The number of fields in a spec array (never counted by hand). */
#define FIELDS(spec) (sizeof(spec) / sizeof((spec)[0]))

struct field_val {
	int present;
	const char *s; /* trimmed text ("" when absent) */
	long i;	       /* FT_INT value, FT_FLAG 0/1 */
	size_t nrep;   /* repeatable fields: the values in order */
	const char *rep[FIELDS_MAX_REPEAT];
};

struct fields {
	size_t n;
	struct field_val v[FIELDS_MAX];
	const char *err[FIELDS_MAX]; /* NULL or a message, per spec index */
	char msg[FIELDS_MAX][160];
	int nerr;
};

/* Read form `in` against spec[0..n). The field named "csrf" is always
 * allowed (the front controller checks it). Returns 0 when every value is
 * valid, 400 for an unknown or repeated non-repeatable field or a value
 * that is no valid choice (no form of ours sends those), 422 when values
 * fail their rules (then out->err says why, per field). Values borrow from
 * `in`, which must outlive out. */
int fields_read(const struct field_spec *spec, size_t n, struct form *in, struct fields *out);

/* 1 when s (lower-cased already) looks like an address FT_EMAIL accepts. */
int fields_valid_email(const char *s);

/* Set a field's message by hand (for rules that need the database, such as
 * "already registered"). `idx` indexes the spec. */
void fields_fail(struct fields *f, size_t idx, const char *msg);

#endif
