/* setup: creating the first admin, by a single-use link or the CLI. */
#ifndef TANDEM_SETUP_H
#define TANDEM_SETUP_H
#include "core/config.h"
#include "store/db.h"

/* When no active admin exists, mint a setup token valid 24 hours
 * (replacing unused ones) and print its URL on stdout. */
void setup_announce(struct db *db, const struct config *cfg);

/* `tandem create-admin`: password read from stdin; returns an exit code
 * and prints what was wrong to stderr. */
int setup_create_admin_cli(const struct config *cfg, const char *email, const char *name);

#endif
