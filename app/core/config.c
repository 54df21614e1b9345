#include "core/config.h"

#include <ctype.h>
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
/* Issue 16: who may sign up (struct config). Domains are kept lower-case
 * without spaces or a leading "@", so a lookup compares bytes. */
static int signup_config(struct config *cfg)
{
	const char *d = getenv("TANDEM_SIGNUP_DOMAINS");
	size_t o = 0;
	for (const char *p = d ? d : ""; *p && o + 1 < sizeof(cfg->signup_domains); p++) {
		if (*p == ' ' || *p == '\t' || (*p == '@' && (o == 0 || cfg->signup_domains[o - 1] == ',')))
			continue;
		cfg->signup_domains[o++] = (char)tolower((unsigned char)*p);
	}
	cfg->signup_domains[o] = '\0';
	/* Cut short, the last domain would be another one ("corp.co"). */
	if (d && strlen(d) >= sizeof(cfg->signup_domains)) {
		fprintf(stderr, "tandem: TANDEM_SIGNUP_DOMAINS is longer than %zu characters\n",
			sizeof(cfg->signup_domains) - 1);
		return -1;
	}
	const char *m = getenv("TANDEM_SIGNUP");
	if (m && *m && strcmp(m, "open") != 0 && strcmp(m, "invite") != 0) {
		fprintf(stderr, "tandem: TANDEM_SIGNUP must be open or invite (got \"%s\")\n", m);
		return -1;
	}
	cfg->signup_invite = m && strcmp(m, "invite") == 0;
	cfg->signup_verify = env_int("TANDEM_SIGNUP_VERIFY", 1, 0, 1);
	return 0;
}

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

/* The host part of an http(s) URL: between "://" and the next ':' or
 * '/' (an IPv6 literal keeps its brackets). */
static void url_host(const char *url, char *out, size_t n)
{
	const char *h = strstr(url, "://");
	h = h ? h + 3 : url;
	size_t len = h[0] == '[' ? strcspn(h, "]") + 1 : strcspn(h, ":/");
	snprintf(out, n, "%.*s", (int)len, h);
}

/* One address, no display name: local@domain with nothing a header or
 * an SMTP command could be split on. */
static int plain_address(const char *a)
{
	const char *at = strchr(a, '@');
	if (!at || at == a || !at[1] || strchr(at + 1, '@'))
		return 0;
	for (const unsigned char *p = (const unsigned char *)a; *p; p++)
		if (*p <= ' ' || *p >= 0x7f || strchr("<>()[],;:\\\"", *p))
			return 0;
	return 1;
}

/* The TANDEM_SMTP_* and TANDEM_MAIL_FROM settings, checked with a clear
 * message each. 0 or -1 after printing why. */
static int mail_config(struct config *cfg)
{
	url_host(cfg->base_url, cfg->mail_host, sizeof(cfg->mail_host));
	const char *url = getenv("TANDEM_SMTP_URL");
	if (url && *url) {
		if (strncmp(url, "smtp://", 7) != 0 && strncmp(url, "smtps://", 8) != 0) {
			fprintf(stderr,
				"tandem: TANDEM_SMTP_URL must be smtp://host:port (STARTTLS) or "
				"smtps://host:port "
				"(got \"%s\")\n",
				url);
			return -1;
		}
		char host[256];
		url_host(url, host, sizeof(host));
		if (!*host || strlen(url) >= sizeof(cfg->smtp_url) || strpbrk(url, " \r\n")) {
			fprintf(stderr, "tandem: TANDEM_SMTP_URL has no host, or is too long\n");
			return -1;
		}
		snprintf(cfg->smtp_url, sizeof(cfg->smtp_url), "%s", url);
	}
	const char *user = getenv("TANDEM_SMTP_USER");
	if (user && *user)
		snprintf(cfg->smtp_user, sizeof(cfg->smtp_user), "%s", user);
	const char *pwf = getenv("TANDEM_SMTP_PASSWORD_FILE");
	if (pwf && *pwf) {
		if (!*cfg->smtp_user) {
			fprintf(stderr, "tandem: TANDEM_SMTP_PASSWORD_FILE needs TANDEM_SMTP_USER\n");
			return -1;
		}
		FILE *f = fopen(pwf, "r");
		if (!f) {
			fprintf(stderr, "tandem: cannot read TANDEM_SMTP_PASSWORD_FILE %s: %s\n", pwf,
				strerror(errno));
			return -1;
		}
		size_t n = fread(cfg->smtp_password, 1, sizeof(cfg->smtp_password) - 1, f);
		fclose(f);
		cfg->smtp_password[n] = '\0';
		cfg->smtp_password[strcspn(cfg->smtp_password, "\r\n")] = '\0';
		if (!*cfg->smtp_password) {
			fprintf(stderr, "tandem: TANDEM_SMTP_PASSWORD_FILE %s is empty\n", pwf);
			return -1;
		}
	}
	const char *from = getenv("TANDEM_MAIL_FROM");
	if (from && *from)
		snprintf(cfg->mail_from, sizeof(cfg->mail_from), "%s", from);
	else
		snprintf(cfg->mail_from, sizeof(cfg->mail_from), "tandem@%s", cfg->mail_host);
	if (!plain_address(cfg->mail_from)) {
		fprintf(stderr,
			"tandem: TANDEM_MAIL_FROM must be one plain address like tandem@example.com (got "
			"\"%s\")\n",
			cfg->mail_from);
		return -1;
	}
	return 0;
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
	cfg->max_mentors = env_int("TANDEM_MAX_MENTORS", 3, 1, 20);
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
	if (mail_config(cfg) != 0)
		return -1;
	/* issue 16: anything but "optional" keeps the second factor required. */
	const char *mfa = getenv("TANDEM_ADMIN_MFA");
	cfg->admin_mfa_required = !(mfa && strcmp(mfa, "optional") == 0);
	if (mfa && *mfa && strcmp(mfa, "optional") != 0 && strcmp(mfa, "required") != 0) {
		fprintf(stderr, "tandem: TANDEM_ADMIN_MFA must be required or optional (got \"%s\")\n", mfa);
		return -1;
	}
	const char *u = getenv("TANDEM_USER");
	snprintf(cfg->user, sizeof(cfg->user), "%s", u && *u ? u : "tandem");
	if (signup_config(cfg) != 0)
		return -1;
	clock_set_data_dir(cfg->data);
	return 0;
}
