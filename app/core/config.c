#include "core/config.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/clock.h"

static int env_int(const char *name, int def, int lo, int hi)
{
	const char *s = getenv(name);
	if (!s || !*s)
		return def;
	char *end;
	long v = strtol(s, &end, 10);
	if (*end || v < lo || v > hi) {
		fprintf(stderr, "tandem: ignoring %s=%s (expected %d..%d)\n", name, s, lo, hi);
		return def;
	}
	return (int)v;
}

/* The root is the folder above build/, found from our own executable, so
 * the binary works from any current directory. TANDEM_ROOT overrides. */
static int find_root(char *out, size_t n)
{
	const char *r = getenv("TANDEM_ROOT");
	if (r && *r) {
		if (!realpath(r, out))
			return -1;
		return 0;
	}
	char exe[PATH_MAX];
	ssize_t len = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (len <= 0)
		return -1;
	exe[len] = '\0';
	for (int up = 0; up < 4; up++) {
		char *slash = strrchr(exe, '/');
		if (!slash)
			return -1;
		*slash = '\0';
		char probe[PATH_MAX + 32];
		snprintf(probe, sizeof(probe), "%s/templates", exe);
		if (access(probe, R_OK) == 0) {
			snprintf(out, n, "%s", exe);
			return 0;
		}
	}
	return -1;
}

int config_load(struct config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	if (find_root(cfg->root, sizeof(cfg->root)) != 0) {
		fprintf(stderr, "tandem: cannot find the project root (templates/); set TANDEM_ROOT\n");
		return -1;
	}
	const char *d = getenv("TANDEM_DATA");
	char tmp[4200];
	if (!d || !*d) {
		snprintf(tmp, sizeof(tmp), "%s/var", cfg->root);
		d = tmp;
	}
	if (mkdir(d, 0750) != 0 && errno != EEXIST) {
		fprintf(stderr, "tandem: cannot create data directory %s: %s\n", d, strerror(errno));
		return -1;
	}
	if (!realpath(d, cfg->data)) {
		fprintf(stderr, "tandem: bad data directory %s: %s\n", d, strerror(errno));
		return -1;
	}
	snprintf(cfg->db_path, sizeof(cfg->db_path), "%s/tandem.db", cfg->data);
	/* The runner may put the socket where nginx's workers can reach it
	 * when the data directory sits in a private one (see deploy/run.sh). */
	const char *sock = getenv("TANDEM_SOCKET");
	if (sock && *sock)
		snprintf(cfg->sock_path, sizeof(cfg->sock_path), "%s", sock);
	else
		snprintf(cfg->sock_path, sizeof(cfg->sock_path), "%s/tandem.sock", cfg->data);
	/* The sign-in pool's socket sits beside the other: tandem.sock ->
	 * tandem-auth.sock (deploy/nginx.conf.in names it the same way). */
	size_t sl = strlen(cfg->sock_path);
	if (sl > 5 && strcmp(cfg->sock_path + sl - 5, ".sock") == 0)
		snprintf(cfg->auth_sock_path, sizeof(cfg->auth_sock_path), "%.*s-auth.sock", (int)(sl - 5),
			 cfg->sock_path);
	else
		snprintf(cfg->auth_sock_path, sizeof(cfg->auth_sock_path), "%s-auth", cfg->sock_path);
	snprintf(cfg->key_path, sizeof(cfg->key_path), "%s/secret.key", cfg->data);
	long cores = sysconf(_SC_NPROCESSORS_ONLN);
	cfg->cores = cores > 0 ? (int)cores : 1;
	cfg->workers = env_int("TANDEM_WORKERS", cfg->cores, 1, 256);
	cfg->auth_workers = env_int("TANDEM_AUTH_WORKERS", cfg->cores / 2 > 0 ? cfg->cores / 2 : 1, 1, 64);
	cfg->port = env_int("TANDEM_PORT", 8080, 1, 65535);
	cfg->idle_minutes = env_int("TANDEM_IDLE_MINUTES", 30, 1, 24 * 60);
	cfg->session_hours = env_int("TANDEM_SESSION_HOURS", 12, 1, 24 * 30);
	cfg->survey_k = env_int("TANDEM_SURVEY_K", 5, 3, 1000);
	const char *o = getenv("TANDEM_ORIGIN");
	if (o && *o)
		snprintf(cfg->origins, sizeof(cfg->origins), "%s", o);
	else
		snprintf(cfg->origins, sizeof(cfg->origins), "http://127.0.0.1:%d,http://localhost:%d",
			 cfg->port, cfg->port);
	const char *b = getenv("TANDEM_BASE_URL");
	if (b && *b) {
		snprintf(cfg->base_url, sizeof(cfg->base_url), "%s", b);
	} else {
		snprintf(cfg->base_url, sizeof(cfg->base_url), "%s", cfg->origins);
		cfg->base_url[strcspn(cfg->base_url, ", ")] = '\0';
	}
	size_t bl = strlen(cfg->base_url);
	while (bl > 0 && cfg->base_url[bl - 1] == '/')
		cfg->base_url[--bl] = '\0';
	if (strncmp(cfg->base_url, "https://", 8) != 0 && strncmp(cfg->base_url, "http://", 7) != 0) {
		fprintf(stderr, "tandem: TANDEM_BASE_URL must start with https:// or http:// (got \"%s\")\n",
			cfg->base_url);
		return -1;
	}
	const char *u = getenv("TANDEM_USER");
	snprintf(cfg->user, sizeof(cfg->user), "%s", u && *u ? u : "tandem");
	clock_set_data_dir(cfg->data);
	return 0;
}
