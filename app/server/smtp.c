#include "server/smtp.h"

#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/log.h"

struct smtp {
	const struct config *cfg;
	CURL *curl; /* NULL: .eml files */
	char errbuf[CURL_ERROR_SIZE];
	char from[330];
	/* The message being uploaded. */
	const char *data;
	size_t len, off;
	char dir[4300];
};

static size_t read_cb(char *out, size_t size, size_t nmemb, void *arg)
{
	struct smtp *s = arg;
	size_t room = size * nmemb, left = s->len - s->off;
	size_t k = left < room ? left : room;
	memcpy(out, s->data + s->off, k);
	s->off += k;
	return k;
}

/* STARTTLS may be skipped only on this machine: anywhere else a password
 * and the messages would cross the network in clear. */
static int loopback(const char *url)
{
	const char *h = strstr(url, "://") + 3;
	static const char *const names[] = {"localhost", "127.", "[::1]"};
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strncmp(h, names[i], strlen(names[i])) == 0) {
			char c = h[strlen(names[i])];
			return names[i][strlen(names[i]) - 1] == '.' || c == ':' || c == '/' || c == '\0';
		}
	return 0;
}

struct smtp *smtp_open(const struct config *cfg)
{
	struct smtp *s = calloc(1, sizeof(*s));
	if (!s)
		return NULL;
	s->cfg = cfg;
	snprintf(s->from, sizeof(s->from), "<%s>", cfg->mail_from);
	snprintf(s->dir, sizeof(s->dir), "%s/mail", cfg->data);
	if (!*cfg->smtp_url) {
		if (mkdir(s->dir, 0700) != 0 && errno != EEXIST) {
			log_kv("error", "cannot create the mail folder", "path", s->dir, "err",
			       strerror(errno), LOG_END);
			free(s);
			return NULL;
		}
		return s;
	}
	curl_global_init(CURL_GLOBAL_DEFAULT);
	s->curl = curl_easy_init();
	if (!s->curl) {
		free(s);
		return NULL;
	}
	CURL *c = s->curl;
	curl_easy_setopt(c, CURLOPT_URL, cfg->smtp_url);
	curl_easy_setopt(c, CURLOPT_MAIL_FROM, s->from);
	curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
	curl_easy_setopt(c, CURLOPT_READFUNCTION, read_cb);
	curl_easy_setopt(c, CURLOPT_READDATA, s);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, s->errbuf);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 10L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, 60L);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
	if (strncmp(cfg->smtp_url, "smtp://", 7) == 0 && !loopback(cfg->smtp_url))
		curl_easy_setopt(c, CURLOPT_USE_SSL, (long)CURLUSESSL_ALL);
	if (*cfg->smtp_user) {
		curl_easy_setopt(c, CURLOPT_USERNAME, cfg->smtp_user);
		curl_easy_setopt(c, CURLOPT_PASSWORD, cfg->smtp_password);
	}
	return s;
}

void smtp_close(struct smtp *s)
{
	if (!s)
		return;
	if (s->curl)
		curl_easy_cleanup(s->curl);
	free(s);
}

/* Write the message as ID.eml: a temporary file, fsync'd, then renamed,
 * so a reader never sees half a message. 0600: it names people. */
static enum smtp_rc write_eml(struct smtp *s, int64_t id, const struct buf *msg, char *err, size_t n)
{
	char tmp[4400], path[4400];
	snprintf(tmp, sizeof(tmp), "%s/.%lld.eml.tmp", s->dir, (long long)id);
	snprintf(path, sizeof(path), "%s/%lld.eml", s->dir, (long long)id);
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);
	int ok = fd >= 0;
	size_t off = 0;
	while (ok && off < msg->len) {
		ssize_t w = write(fd, msg->data + off, msg->len - off);
		if (w <= 0)
			ok = 0;
		else
			off += (size_t)w;
	}
	if (ok && fsync(fd) != 0)
		ok = 0;
	if (fd >= 0)
		close(fd);
	if (!ok || rename(tmp, path) != 0) {
		snprintf(err, n, "cannot write %s: %s", path, strerror(errno));
		unlink(tmp);
		return SMTP_DOWN;
	}
	log_kv("info", "mail written", "path", path, LOG_END);
	return SMTP_OK;
}

enum smtp_rc smtp_send(struct smtp *s, int64_t id, const char *rcpt, const struct buf *msg, char *err,
		       size_t n)
{
	if (!s->curl)
		return write_eml(s, id, msg, err, n);
	char to[340];
	snprintf(to, sizeof(to), "<%s>", rcpt);
	struct curl_slist *list = curl_slist_append(NULL, to);
	s->data = msg->data;
	s->len = msg->len;
	s->off = 0;
	s->errbuf[0] = '\0';
	curl_easy_setopt(s->curl, CURLOPT_MAIL_RCPT, list);
	curl_easy_setopt(s->curl, CURLOPT_INFILESIZE_LARGE, (curl_off_t)msg->len);
	CURLcode rc = curl_easy_perform(s->curl);
	curl_easy_setopt(s->curl, CURLOPT_MAIL_RCPT, NULL);
	curl_slist_free_all(list);
	if (rc == CURLE_OK)
		return SMTP_OK;
	long code = 0;
	curl_easy_getinfo(s->curl, CURLINFO_RESPONSE_CODE, &code);
	snprintf(err, n, "%s (reply %ld)", s->errbuf[0] ? s->errbuf : curl_easy_strerror(rc), code);
	/* A reply from the server is about this message; anything else
	 * (refused connection, TLS, timeout) is about the server. */
	return code >= 400 ? SMTP_REFUSED : SMTP_DOWN;
}
