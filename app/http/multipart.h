/* multipart: a pure reader of multipart/form-data bodies (RFC 7578), for
 * issue 16's file upload. Parts point into the body (nothing is copied);
 * only Content-Disposition is read from a part's headers. No I/O, no
 * globals: the unit tests and the fuzz harness call it directly. */
#ifndef TANDEM_MULTIPART_H
#define TANDEM_MULTIPART_H
#include <stddef.h>

#define MP_MAX_PARTS 16
#define MP_MAX_BOUNDARY 70 /* RFC 2046 */

struct mp_part {
	char name[64];	    /* the form field's name */
	char filename[256]; /* the file's name as sent ("" when none) */
	int is_file;	    /* a filename parameter was present */
	const char *data;   /* the part's bytes, borrowed from the body */
	size_t len;
};

enum mp_err {
	MP_OK = 0,
	MP_E_BOUNDARY, /* no usable boundary, or the body never opens with it */
	MP_E_SYNTAX,   /* a part's headers are malformed or it never ends */
	MP_E_TOO_MANY, /* more than the parts asked for */
	MP_E_NAME,     /* a part without form-data name, or with one too long */
};

/* The boundary parameter of a Content-Type value into out (n bytes, NUL
 * terminated, quotes removed). 0, or -1 when absent or not 1 to 70
 * characters. */
int multipart_boundary(const char *content_type, char *out, size_t n);

/* Split body[0..len) into at most max parts: *n gets how many. MP_OK or
 * the error (then *n is 0). */
enum mp_err multipart_parse(const char *body, size_t len, const char *boundary, struct mp_part *parts,
			    size_t max, size_t *n);

#endif
