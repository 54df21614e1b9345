#include "store/migrate.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/log.h"

static int is_migration(const char *n)
{
	size_t len = strlen(n);
	return len > 9 && n[0] >= '0' && n[0] <= '9' && n[1] >= '0' && n[1] <= '9' && n[2] >= '0' &&
	       n[2] <= '9' && n[3] >= '0' && n[3] <= '9' && n[4] == '_' && strcmp(n + len - 4, ".sql") == 0;
}

static int cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	long n = ftell(f);
	fseek(f, 0, SEEK_SET);
	char *s = n >= 0 ? malloc((size_t)n + 1) : NULL;
	if (s && fread(s, 1, (size_t)n, f) != (size_t)n) {
		free(s);
		s = NULL;
	}
	if (s)
		s[n] = '\0';
	fclose(f);
	return s;
}

/* The migration files of sql_dir, sorted, into names (n at most max; the
 * caller frees each). -1 when the folder does not open. */
static int list_files(const char *sql_dir, char **names, size_t max, size_t *n)
{
	DIR *d = opendir(sql_dir);
	if (!d) {
		log_kv("error", "cannot open migrations folder", "path", sql_dir, LOG_END);
		return -1;
	}
	*n = 0;
	struct dirent *e;
	while ((e = readdir(d)) && *n < max)
		if (is_migration(e->d_name))
			names[(*n)++] = strdup(e->d_name);
	closedir(d);
	qsort(names, *n, sizeof(names[0]), cmp);
	return 0;
}

int migrate_db_exists(const char *path)
{
	struct stat sb;
	return lstat(path, &sb) == 0 && S_ISREG(sb.st_mode) && sb.st_size > 0;
}

int migrate_compare(struct db *db, const char *sql_dir, int *missing, int *unknown)
{
	char *names[512] = {0};
	size_t n = 0;
	if (!migrate_has_schema(db) || list_files(sql_dir, names, 512, &n) != 0)
		return -1;
	*missing = *unknown = 0;
	sqlite3_stmt *st = DB_STMT(db, "SELECT 1 FROM schema_migrations WHERE name = :n");
	int rc = st ? 0 : -1;
	for (size_t i = 0; i < n && rc == 0; i++) {
		db_bind_text(st, ":n", names[i]);
		int r = sqlite3_step(st);
		sqlite3_reset(st);
		if (r == SQLITE_DONE)
			++*missing;
		else if (r != SQLITE_ROW)
			rc = -1;
	}
	int64_t recorded = migrate_count(db);
	if (recorded < 0)
		rc = -1;
	else
		*unknown = (int)(recorded - ((int64_t)n - *missing));
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	return rc;
}

int migrate_apply(struct db *db, const char *sql_dir)
{
	if (db_exec_script(db, "CREATE TABLE IF NOT EXISTS schema_migrations("
			       "name TEXT PRIMARY KEY, applied_at INTEGER NOT NULL) STRICT") != DB_OK)
		return -1;
	char *names[512] = {0};
	size_t n = 0;
	if (list_files(sql_dir, names, 512, &n) != 0)
		return -1;
	int applied = 0;
	for (size_t i = 0; i < n && applied >= 0; i++) {
		if (db_begin(db) != DB_OK) {
			applied = -1;
			break;
		}
		sqlite3_stmt *st = DB_STMT(db, "SELECT 1 FROM schema_migrations WHERE name = :n");
		db_bind_text(st, ":n", names[i]);
		int done = sqlite3_step(st) == SQLITE_ROW;
		sqlite3_reset(st);
		if (done) {
			db_rollback(db);
			continue;
		}
		char path[8192];
		snprintf(path, sizeof(path), "%s/%s", sql_dir, names[i]);
		char *sql = slurp(path);
		if (!sql || db_exec_script(db, sql) != DB_OK) {
			log_kv("error", "migration failed", "file", names[i], LOG_END);
			db_rollback(db);
			applied = -1;
		} else {
			st = DB_STMT(db, "INSERT INTO schema_migrations(name, applied_at) "
					 "VALUES (:n, unixepoch())");
			db_bind_text(st, ":n", names[i]);
			if (db_exec_step(db, st) != DB_OK || db_commit(db) != DB_OK) {
				db_rollback(db);
				applied = -1;
			} else {
				log_kv("info", "migration applied", "file", names[i], LOG_END);
				applied++;
			}
		}
		free(sql);
	}
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	return applied;
}

int64_t migrate_count(struct db *db)
{
	return db_scalar(db, "SELECT count(*) FROM schema_migrations", -1);
}

int migrate_has_schema(struct db *db)
{
	return db_scalar(db, "SELECT count(*) FROM sqlite_schema WHERE name = 'schema_migrations'", 0) != 0;
}
