/* Shared by the unit tests that seal or sign: a fresh key file for the
 * test program (its name in keyfile), made by the group's setup and
 * removed by its teardown. */
#ifndef TANDEM_TESTKEY_H
#define TANDEM_TESTKEY_H
#include <stdio.h>
#include <unistd.h>

#include "security/seal.h"
#include "testutil.h"

static char keyfile[256];

static inline int key_setup(void **state)
{
	(void)state;
	snprintf(keyfile, sizeof(keyfile), "/tmp/tandem-unit-key-%d", (int)getpid());
	unlink(keyfile);
	return seal_init(keyfile, 1);
}

static inline int key_teardown(void **state)
{
	(void)state;
	seal_done();
	unlink(keyfile);
	return 0;
}

#endif
