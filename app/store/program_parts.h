/* program_parts: the parts of /program built off the request path
 * (sql/0024_program_page.sql), each kept with the version of what it was
 * built from, and the version counter of the charts' inputs. The builder
 * (pages/program_build.c, run by the mail sender) writes them; a worker
 * reads them all with one statement and shows a part only when its
 * version is the live one. */
#ifndef TANDEM_PROGRAM_PARTS_H
#define TANDEM_PROGRAM_PARTS_H
#include <stddef.h>
#include <stdint.h>

#include "store/db.h"

/* kept_counts 'program_rev': moved by triggers whenever a week settles,
 * something is written to a week that settled or should have (a backfill
 * into weeks nobody read yet: they wait to be settled), or the program
 * events change. Own read (or
 * the caller's snapshot). DB_OK or a store error (*rev is then 0). */
enum db_rc program_rev(struct db *db, int64_t *rev);

/* Own transaction: record the Monday (YYYYMMDD) of the first week not
 * settled as the clock says it is (insight_unsettled_monday), so the
 * triggers of sql/0024 tell a write to a week old enough to be settled
 * (moves program_rev) from one to a week still settling or running. Writes only
 * when it changed. DB_OK or a store error. */
enum db_rc program_week_set(struct db *db, int64_t yyyymmdd);

/* Every kept part: fn(arg, part, version, built_at, html, len) per row;
 * the strings are valid only during the call; html is NULL when with_html
 * is 0 (the builder compares versions only). Own read (or the caller's
 * snapshot). DB_OK or a store error. */
enum db_rc program_parts_each(struct db *db, int with_html,
			      void (*fn)(void *arg, const char *part, const char *version, int64_t built_at,
					 const char *html, size_t len),
			      void *arg);

/* Own transaction: keep html as part, built from version at built_at
 * (replacing what was kept). DB_OK or a store error (nothing changed). */
enum db_rc program_part_put(struct db *db, const char *part, const char *version, int64_t built_at,
			    const char *html, size_t len);

/* Own transaction: forget part (a survey no longer published). DB_OK or a
 * store error. */
enum db_rc program_part_drop(struct db *db, const char *part);

#endif
