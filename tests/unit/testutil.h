/* Shared by the unit tests: cmocka and small helpers. */
#ifndef TANDEM_TESTUTIL_H
#define TANDEM_TESTUTIL_H
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The project root, so tests find sql/ and templates/. */
static inline const char *test_root(void)
{
	const char *r = getenv("TANDEM_ROOT");
	return r ? r : ".";
}

#endif
