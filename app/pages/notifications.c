/* What a person hears about, and links that work without signing in:
 * GET,POST /account/notifications, POST /account/notifications/calendar,
 * GET,POST /unsubscribe/{token}, GET /calendar/{token}.ics. The token
 * routes trust only the signed token (security/linktoken.h) and are
 * logged without their path (ROUTE_QUIET_LOG). */
#include <stdio.h>
#include <string.h>

#include "core/notifykind.h"
#include "pages/ctx.h"
#include "pages/routes.h"
#include "security/linktoken.h"
#include "store/agenda.h"
#include "store/notify.h"
#include "view/ics.h"

/* One checkbox per kind (its value is the field's name), then digest. */
#define KIND_FIELD(e, v, l) [e] = {v, l, FT_FLAG, 0, 0, 0, NULL, 0},
static const struct field_spec pref_fields[] = {
	NOTIFY_KINDS(KIND_FIELD)[NOTIFY_KIND_COUNT] = {"digest", "Daily digest", FT_FLAG, 0, 0, 0, NULL, 0},
};
#undef KIND_FIELD
#define F_DIGEST NOTIFY_KIND_COUNT

static const char gone[] =
	"This link does not work (any more). It may have been replaced by a newer one, "
	"or copied incompletely. Sign in to Tandem to choose your mail and to get your calendar link.";

/* Answer a token link's lookup that failed: 404 for DB_NOTFOUND (the
 * same page for a forged link and for someone who is gone), else the
 * store error. Returns 1 when rc was not DB_OK (answered), 0 otherwise. */
static int link_failed(struct ctx *c, enum db_rc rc)
{
	if (rc == DB_OK)
		return 0;
	if (rc == DB_NOTFOUND)
		ctx_error(c, 404, gone);
	else
		ctx_store_error(c, rc);
	return 1;
}

/* The preferences page: the kinds (value, label, on), digest and the
 * calendar link. */
static void prefs_page(struct ctx *c, int status)
{
	struct notify_prefs p;
	enum db_rc rc = notify_prefs_get(c->db, c->user.id, &p);
	if (rc != DB_OK) {
		ctx_store_error(c, rc);
		return;
	}
	struct view *v = ctx_view(c);
	struct vlist *kinds = view_list_new();
	for (int k = 0; k < NOTIFY_KIND_COUNT; k++) {
		struct vrow *r = view_row_new();
		view_row_str(r, notify_kind_names[k]);
		view_row_str(r, notify_kind_labels[k]);
		view_row_int(r, !(p.off >> k & 1));
		view_list_add(kinds, r);
	}
	view_list_set(v, "kinds", kinds);
	view_int(v, "digest", p.digest);
	char tok[LINK_TOKEN_LEN], url[sizeof(c->cfg->base_url) + 80] = "";
	if (link_token_make(LINK_CALENDAR, c->user.id, p.calendar_gen, tok) == 0)
		snprintf(url, sizeof(url), "%s/calendar/%s.ics", c->cfg->base_url, tok);
	view_str(v, "calendar_url", url);
	ctx_render(c, status, "notifications", "Notifications");
}

void page_notifications_form(struct ctx *c)
{
	prefs_page(c, 200);
}

void page_notifications(struct ctx *c)
{
	struct fields f;
	if (fields_read(pref_fields, FIELDS(pref_fields), &c->req->body, &f) != 0) {
		ctx_error(c, 400, "The form had fields Tandem does not know. Nothing was changed.");
		return;
	}
	uint64_t off = 0;
	for (int k = 0; k < NOTIFY_KIND_COUNT; k++)
		if (!f.v[k].i)
			off |= UINT64_C(1) << k;
	enum db_rc rc = notify_prefs_save(c->db, c->user.id, off, (int)f.v[F_DIGEST].i);
	if (rc != DB_OK) {
		ctx_store_error(c, rc);
		return;
	}
	ctx_flash(c, off == ((UINT64_C(1) << NOTIFY_KIND_COUNT) - 1)
			     ? "Saved: Tandem sends you no mail now (the dashboard still lists what waits)."
		     : f.v[F_DIGEST].i
			     ? "Saved: what you chose comes in one mail a day, at 08:00 in your time zone."
			     : "Saved: what you chose comes by mail at once.");
	resp_redirect(c->resp, "/account/notifications");
}

void page_notifications_calendar(struct ctx *c)
{
	int64_t gen = 0;
	enum db_rc rc = notify_calendar_replace(c->db, c->user.id, &gen);
	if (rc != DB_OK) {
		ctx_store_error(c, rc);
		return;
	}
	ctx_flash(c, "New calendar link made. The old one stopped working: paste the new one into your "
		     "calendar app.");
	resp_redirect(c->resp, "/account/notifications");
}

/* The person and kind of the unsubscribe link in the path, when it is
 * genuine and the person an active member; otherwise the 404 is answered
 * (the same for a forged link and for someone who is gone) and -1
 * returned. */
static int unsubscribe_link(struct ctx *c, struct user *u, enum notify_kind *kind)
{
	int64_t uid = 0, arg = -1;
	enum db_rc rc = DB_NOTFOUND;
	if (link_token_check(c->req->token, LINK_UNSUBSCRIBE, &uid, &arg) == 0 && arg >= 0 &&
	    arg < NOTIFY_KIND_COUNT) {
		rc = user_by_id(c->db, uid, u);
		if (rc == DB_OK && !u->active)
			rc = DB_NOTFOUND;
	}
	if (link_failed(c, rc))
		return -1;
	*kind = (enum notify_kind)arg;
	return 0;
}

static void unsubscribe_page(struct ctx *c, const struct user *u, enum notify_kind kind, int done)
{
	struct view *v = ctx_view(c);
	view_str(v, "kind_label", notify_kind_labels[kind]);
	view_str(v, "person", u->name);
	view_str(v, "token", c->req->token);
	view_int(v, "done", done);
	ctx_render(c, 200, "unsubscribe", done ? "Unsubscribed" : "Stop these mails?");
}

/* GET changes nothing: mail scanners fetch links before anyone clicks. */
void page_unsubscribe_form(struct ctx *c)
{
	struct user u;
	enum notify_kind kind;
	if (unsubscribe_link(c, &u, &kind) == 0)
		unsubscribe_page(c, &u, kind, 0);
}

/* RFC 8058: a mail client POSTs "List-Unsubscribe=One-Click" with no
 * cookie or CSRF token (ROUTE_TOKEN_AUTH); the page's button sends the
 * same field. */
static const char *const one_click[] = {"One-Click", NULL};
static const struct field_spec unsub_fields[] = {
	{"List-Unsubscribe", "One click", FT_CHOICE, 0, 0, 0, one_click, 0},
};

void page_unsubscribe(struct ctx *c)
{
	struct user u;
	enum notify_kind kind;
	if (unsubscribe_link(c, &u, &kind) != 0)
		return;
	struct fields f;
	if (fields_read(unsub_fields, FIELDS(unsub_fields), &c->req->body, &f) != 0) {
		ctx_error(c, 400, "This request had fields Tandem does not know. Nothing was changed.");
		return;
	}
	if (!link_failed(c, notify_turn_off(c->db, u.id, kind)))
		unsubscribe_page(c, &u, kind, 1);
}

struct feed {
	struct ctx *c;
	int failed;
};

static void feed_event(void *arg, const struct planned_row *r)
{
	struct feed *fd = arg;
	struct ctx *c = fd->c;
	char uid[300], summary[500], desc[300], url[sizeof(c->cfg->base_url) + 40];
	ics_plan_uid(c->cfg->mail_host, r->mentorship_id, r->plan_no, uid, sizeof(uid));
	snprintf(summary, sizeof(summary), "Mentoring: %s", r->other ? r->other : "");
	snprintf(desc, sizeof(desc), "Tandem mentorship: %s", r->topic ? r->topic : "");
	snprintf(url, sizeof(url), "%s/mentorships/%lld", c->cfg->base_url, (long long)r->mentorship_id);
	/* Names, topic, time and the link only: never an agenda or notes. */
	struct ics_event e = {.uid = uid,
			      .sequence = r->plan_seq,
			      .stamp = c->now,
			      .start = r->at,
			      .duration_min = r->duration_min > 0 ? r->duration_min : 30,
			      .summary = summary,
			      .description = desc,
			      .url = url};
	if (ics_event(&c->resp->body, &e) != 0)
		fd->failed = 1;
}

void page_calendar_feed(struct ctx *c)
{
	int64_t uid = 0, gen = -1;
	struct notify_prefs p;
	struct user u;
	enum db_rc rc = DB_NOTFOUND;
	if (link_token_check(c->req->token, LINK_CALENDAR, &uid, &gen) == 0 &&
	    (rc = notify_prefs_get(c->db, uid, &p)) == DB_OK && (rc = user_by_id(c->db, uid, &u)) == DB_OK &&
	    (!u.active || p.calendar_gen != gen))
		rc = DB_NOTFOUND;
	if (link_failed(c, rc))
		return;
	struct feed fd = {c, 0};
	buf_reset(&c->resp->body);
	fd.failed = ics_begin(&c->resp->body, NULL, "Tandem mentoring") != 0;
	if (!fd.failed && planned_each(c->db, uid, c->now, feed_event, &fd) != DB_OK)
		fd.failed = 1;
	if (fd.failed || ics_end(&c->resp->body) != 0) {
		buf_reset(&c->resp->body);
		ctx_error(c, 500, "The calendar could not be made. The error was logged.");
		return;
	}
	c->resp->status = 200;
	c->resp->content_type = "text/calendar; charset=utf-8";
	resp_header(c->resp, "Cache-Control", "private, no-cache");
}
