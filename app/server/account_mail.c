#include "server/account_mail.h"

#include <stdio.h>
#include <string.h>

#include "view/mail.h"
#include "view/view.h"

/* One value for both parts, cleaned to one line (see sender.c's set2). */
static void set2(struct view *t, struct view *h, const char *name, const char *s)
{
	char line[1200];
	mail_header_clean(s, line, sizeof(line));
	view_plain(t, name, line);
	view_str(h, name, line);
}

int account_mail_compose(const struct config *cfg, const struct outbox_row *r, const struct outbox_facts *f,
			 const char *ev, int64_t now, struct buf *out)
{
	char link[1200] = "", mid[400], subject[600], hours[32];
	const char *path = r->event == OB_ACCT_VERIFY ? "/verify/" : "/password/reset/";
	if (r->event == OB_ACCT_PW_RESET)
		snprintf(link, sizeof(link), "%s/password/forgot", cfg->base_url);
	else
		snprintf(link, sizeof(link), "%s%s%s", cfg->base_url, path, f->link_token);
	int64_t left = f->link_expires > now ? f->link_expires - now : 0;
	if (left >= 2 * 86400)
		snprintf(hours, sizeof(hours), "%lld days", (long long)((left + 43200) / 86400));
	else if (left >= 7200)
		snprintf(hours, sizeof(hours), "%lld hours", (long long)((left + 1800) / 3600));
	else
		snprintf(hours, sizeof(hours), "%lld minutes", (long long)((left + 59) / 60));
	struct view *t = view_new(), *h = view_new();
	struct buf text = {0}, html = {0};
	int rc = -1;
	if (t && h) {
		set2(t, h, "ev", ev);
		set2(t, h, "name", f->name);
		set2(t, h, "link", link);
		set2(t, h, "valid", hours);
		set2(t, h, "home", cfg->base_url);
		rc = view_render(t, "mail/account.txt", &text);
		if (rc == 0)
			rc = view_render(h, "mail/account.html", &html);
	}
	if (rc == 0) {
		const char *s = buf_str(&text);
		size_t len = strcspn(s, "\n");
		snprintf(subject, sizeof(subject), "%.*s", (int)len, s);
		snprintf(mid, sizeof(mid), "outbox-%lld@%s", (long long)r->id, cfg->mail_host);
		struct mail_msg m = {
			.from_name = "Tandem",
			.from_addr = cfg->mail_from,
			.to_name = f->name,
			.to_addr = f->email,
			.subject = subject,
			.message_id = mid,
			.date = now,
			.text = s[len] ? s + len + 1 : s + len,
			.html = buf_str(&html),
		};
		rc = mail_build(&m, out);
	}
	view_free(t);
	view_free(h);
	buf_free(&text);
	buf_free(&html);
	return rc;
}
