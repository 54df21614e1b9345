#include "server/sender.h"

#include <signal.h>
#include <sys/prctl.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/clock.h"
#include "core/log.h"
#include "core/when.h"
#include "pages/program_build.h"
#include "security/linktoken.h"
#include "server/account_mail.h"
#include "server/smtp.h"
#include "store/acct_life.h"
#include "store/db.h"
#include "store/insights.h"
#include "store/notify.h"
#include "store/profiles.h"
#include "view/ics.h"
#include "view/mail.h"
#include "view/view.h"

#define BATCH 100
#define DIGEST_MAX 200

/* The template's name for each event (templates/mail/event.txt). */
static const char *const event_names[OB_EVENT_MAX + 1] = {
	[OB_REQUEST_NEW] = "request_new",
	[OB_REQUEST_ACCEPTED] = "request_accepted",
	[OB_REQUEST_DECLINED] = "request_declined",
	[OB_REQUEST_EXPIRED] = "request_expired",
	[OB_REQUEST_OVERDUE] = "request_overdue",
	[OB_MS_STARTED] = "ms_started",
	[OB_MS_ENDING] = "ms_ending",
	[OB_PLAN_SET] = "plan_set",
	[OB_PLAN_CANCELLED] = "plan_cancelled",
	[OB_SESSION_SOON] = "session_soon",
	[OB_FEEDBACK_OWED] = "feedback_owed",
	[OB_SURVEY_INVITE] = "survey_invite",
	[OB_SURVEY_REMINDER] = "survey_reminder",
	/* issue 16: composed by server/account_mail.c */
	[OB_ACCT_VERIFY] = "acct_verify",
	[OB_ACCT_RESET] = "acct_reset",
	[OB_ACCT_INVITE] = "acct_invite",
	[OB_ACCT_PW_RESET] = "acct_pw_reset",
	[OB_ACCOUNT_CLOSED] = "ms_closed", /* issue 16 */
	/* issue 18 */
	[OB_COFFEE_MATCHED] = "coffee_match",
	[OB_RING_MENTOR_INVITED] = "ring_mentor",
	[OB_RING_SEATED] = "ring_seated",
	/* issue 17 */
	[OB_OH_CANCELLED] = "oh_cancelled",
	[OB_SWAP_OFFERED] = "swap_offered",
	[OB_MS_PAST_END] = "ms_past_end",	  /* issue 21 */
	[OB_THANKS_RECEIVED] = "thanks_received", /* issue 19: never the note's text */
};

/* Retries after the first attempt fails: about 1 min, 5 min, 30 min, 2 h,
 * 12 h; the next failure gives the message up. */
static const int64_t retry_delay[] = {60, 300, 1800, 7200, 43200};

static volatile sig_atomic_t stopping;

static void on_term(int sig)
{
	(void)sig;
	stopping = 1;
}

/* The page the message sends the person to. */
/* issue 19: close the insights' week that ended (store/insights.h), from
 * here so it happens when the week ends, not when someone reads it. A
 * failure is logged once a minute at most and tried again. */
static void insight_close_tick(struct db *db, int k, int64_t now)
{
	static time_t quiet_until;
	char today[11];
	ins_ymd((long)(now / 86400), today);
	enum db_rc rc = insight_close(db, k, today);
	time_t real = time(NULL);
	if (rc != DB_OK && real >= quiet_until) {
		log_kv("warn", "insights: closing the week that ended failed", "rc",
		       rc == DB_BUSY ? "busy" : "error", LOG_END);
		quiet_until = real + 60;
	}
}

static void row_link(const struct config *cfg, const struct outbox_row *r, const struct outbox_facts *f,
		     char *out, size_t n)
{
	if (f->coffee_match_id) /* issue 18 */
		snprintf(out, n, "%s/coffee", cfg->base_url);
	else if (f->ring_id && !f->invitation_id)
		snprintf(out, n, "%s/rings/%lld", cfg->base_url, (long long)f->ring_id);
	else if (f->path[0]) /* issue 17 */
		snprintf(out, n, "%s%s", cfg->base_url, f->path);
	else if (f->invitation_id)
		snprintf(out, n, "%s/surveys/%lld", cfg->base_url, (long long)f->invitation_id);
	else if (f->session_id)
		snprintf(out, n, "%s/sessions/%lld", cfg->base_url, (long long)f->session_id);
	else if (f->request_id && r->event != OB_REQUEST_ACCEPTED)
		snprintf(out, n, "%s/requests/%lld", cfg->base_url, (long long)f->request_id);
	else
		snprintf(out, n, "%s/mentorships/%lld", cfg->base_url, (long long)f->mentorship_id);
}

/* One value for both parts: escaped for the HTML, as is for the text.
 * Every value is one line (names, topic, titles, dates, links): a line
 * break in a name must not move the text's first line (the subject). */
static void set2(struct view *t, struct view *h, const char *name, const char *s)
{
	char line[1200];
	mail_header_clean(s, line, sizeof(line));
	view_plain(t, name, line);
	view_str(h, name, line);
}

/* Render row r's text (its first line is the subject) and, when html is
 * not NULL, its HTML alternative. 0 or -1. */
static int render(const struct config *cfg, const struct outbox_row *r, const struct outbox_facts *f,
		  struct buf *text, struct buf *html)
{
	struct view *t = view_new(), *h = view_new();
	if (!t || !h) {
		view_free(t);
		view_free(h);
		return -1;
	}
	char when[128] = "", link[1200], unsub[1200], prefs[1100], tok[LINK_TOKEN_LEN] = "";
	if (f->at)
		when_format(f->at, f->tz, when, sizeof(when));
	row_link(cfg, r, f, link, sizeof(link));
	link_token_make(LINK_UNSUBSCRIBE, r->user_id, outbox_event_kind((enum outbox_event)r->event), tok);
	snprintf(unsub, sizeof(unsub), "%s/unsubscribe/%s", cfg->base_url, tok);
	snprintf(prefs, sizeof(prefs), "%s/account/notifications", cfg->base_url);
	set2(t, h, "ev", event_names[r->event]);
	set2(t, h, "name", f->name);
	set2(t, h, "other", f->other_name);
	set2(t, h, "topic", f->topic);
	set2(t, h, "when", when);
	set2(t, h, "survey", f->survey_title);
	set2(t, h, "end_on", f->planned_end);
	set2(t, h, "role", f->is_mentor ? "mentor" : "mentee");
	set2(t, h, "link", link);
	set2(t, h, "unsub", unsub);
	set2(t, h, "prefs", prefs);
	set2(t, h, "link_label", "Open in Tandem");
	set2(t, h, "ring", f->ring_id ? "1" : "0"); /* issue 18: a ring's survey mail */
	view_int(t, "moved", r->plan_seq > 0);
	view_int(h, "moved", r->plan_seq > 0);
	int rc = view_render(t, "mail/event.txt", text);
	if (rc == 0 && html)
		rc = view_render(h, "mail/event.html", html);
	view_free(t);
	view_free(h);
	return rc;
}

/* Split a rendered text at its first line: the subject. */
static const char *split_subject(struct buf *text, char *subject, size_t n)
{
	const char *s = buf_str(text);
	size_t len = strcspn(s, "\n");
	snprintf(subject, n, "%.*s", (int)len, s);
	return s[len] ? s + len + 1 : s + len;
}

/* The invitation (or its cancellation) of a plan mail. */
static int invitation(const struct config *cfg, const struct outbox_row *r, const struct outbox_facts *f,
		      const char *link, int64_t now, struct buf *ics)
{
	char uid[400], summary[900];
	ics_plan_uid(cfg->mail_host, r->ref, r->plan_no, uid, sizeof(uid));
	snprintf(summary, sizeof(summary), "Mentoring: %s with %s", f->topic, f->other_name);
	struct ics_event e = {
		.uid = uid,
		.sequence = r->plan_seq,
		.stamp = now,
		.start = r->at,
		.duration_min = f->duration_min > 0 ? f->duration_min : 60,
		.summary = summary,
		.description = "Planned in Tandem. The agenda and notes are in Tandem only.",
		.url = link,
		.organizer = cfg->mail_from,
		.attendee = f->email,
		.attendee_name = f->name,
		.cancelled = r->event == OB_PLAN_CANCELLED,
	};
	const char *method = r->event == OB_PLAN_CANCELLED ? "CANCEL" : "REQUEST";
	if (ics_begin(ics, method, NULL) != 0 || ics_event(ics, &e) != 0 || ics_end(ics) != 0)
		return -1;
	return 0;
}

static void message_id(const struct config *cfg, int64_t id, const char *what, char *out, size_t n)
{
	snprintf(out, n, "outbox-%lld%s@%s", (long long)id, what, cfg->mail_host);
}

int sender_compose(const struct config *cfg, const struct outbox_row *r, const struct outbox_facts *f,
		   int64_t now, struct buf *out)
{
	if (r->event < 1 || r->event > OB_EVENT_MAX)
		return -1;
	/* issue 16: account mail has its own template and no unsubscribe link */
	if (!outbox_event_switchable((enum outbox_event)r->event))
		return account_mail_compose(cfg, r, f, event_names[r->event], now, out);
	struct buf text = {0}, html = {0}, ics = {0};
	char subject[1000], mid[400], link[1200], unsub[1200], tok[LINK_TOKEN_LEN] = "";
	int rc = render(cfg, r, f, &text, &html);
	row_link(cfg, r, f, link, sizeof(link));
	int plan = r->event == OB_PLAN_SET || r->event == OB_PLAN_CANCELLED;
	if (rc == 0 && plan)
		rc = invitation(cfg, r, f, link, now, &ics);
	if (rc == 0) {
		link_token_make(LINK_UNSUBSCRIBE, r->user_id, outbox_event_kind((enum outbox_event)r->event),
				tok);
		snprintf(unsub, sizeof(unsub), "%s/unsubscribe/%s", cfg->base_url, tok);
		message_id(cfg, r->id, "", mid, sizeof(mid));
		struct mail_msg m = {
			.from_name = "Tandem",
			.from_addr = cfg->mail_from,
			.to_name = f->name,
			.to_addr = f->email,
			.message_id = mid,
			.date = now,
			.unsubscribe = unsub,
			.html = buf_str(&html),
			.ics = plan ? buf_str(&ics) : NULL,
			.ics_method = r->event == OB_PLAN_CANCELLED ? "CANCEL" : "REQUEST",
		};
		m.text = split_subject(&text, subject, sizeof(subject));
		m.subject = subject;
		rc = mail_build(&m, out);
	}
	buf_free(&text);
	buf_free(&html);
	buf_free(&ics);
	return rc;
}

int64_t sender_next_digest(int64_t now, const char *tz)
{
	for (int day = 0; day < 3; day++) {
		char local[32];
		when_input(now + day * 86400, tz, local, sizeof(local));
		memcpy(local + 11, "08:00", 6);
		int64_t t = when_parse_local(local, tz);
		if (t > now)
			return t;
	}
	return now + 86400;
}

struct run {
	const struct config *cfg;
	struct db *db;
	struct smtp *smtp;
	struct buf msg;
	struct outbox_row sent[BATCH + DIGEST_MAX]; /* as read: the mark checks it is still that row */
	struct outbox_row skipped[BATCH + DIGEST_MAX];
	int nsent, nskipped;
	int down;     /* the transport failed: stop this batch, try later */
	int unmarked; /* sent[0..nsent) went out but their mark failed */
};

/* A failed attempt: due again after the next delay, or given up. */
static void failed(struct run *x, const struct outbox_row *r, int64_t now, const char *why)
{
	int64_t next = r->tries < (int)(sizeof(retry_delay) / sizeof(retry_delay[0]))
			       ? now + retry_delay[r->tries]
			       : 0;
	char id[24], tries[16];
	snprintf(id, sizeof(id), "%lld", (long long)r->id);
	snprintf(tries, sizeof(tries), "%d", r->tries + 1);
	log_kv(next ? "warn" : "error", next ? "mail not delivered; will retry" : "mail given up", "outbox",
	       id, "tries", tries, "reply", why, LOG_END);
	outbox_retry(x->db, r->id, next);
}

/* Send x->msg to rcpt for rows[0..n) (one row, or a digest's rows; the
 * first names the .eml file): all sent, or each retried later. */
static void deliver(struct run *x, const struct outbox_row *const *rows, int n, const char *rcpt, int64_t now)
{
	char err[512];
	enum smtp_rc rc = smtp_send(x->smtp, rows[0]->id, rcpt, &x->msg, err, sizeof(err));
	for (int i = 0; i < n; i++) {
		if (rc == SMTP_OK)
			x->sent[x->nsent++] = *rows[i];
		else
			failed(x, rows[i], now, err);
	}
	if (rc == SMTP_DOWN)
		x->down = 1;
}

/* Every waiting digest row of uid, re-checked, in one message. */
static void digest(struct run *x, const struct outbox_row *first, int64_t now)
{
	static struct outbox_row rows[DIGEST_MAX];
	/* As one() does: a failed read leaves every row of the digest waiting. */
	int skipped = x->nskipped;
	db_latch_arm();
	int n = outbox_digest_rows(x->db, first->user_id, now, rows, DIGEST_MAX);
	if (n <= 0) {
		db_latch_take(NULL);
		return;
	}
	struct view *t = view_new(), *h = view_new();
	struct vlist *lt = view_list_new(), *lh = view_list_new();
	struct outbox_facts f, me = {0};
	int items = 0;
	const struct outbox_row *in[DIGEST_MAX];
	for (int i = 0; i < n; i++) {
		int digest_on = 0;
		int wants = notify_wants(x->db, rows[i].user_id,
					 outbox_event_kind((enum outbox_event)rows[i].event), &digest_on);
		int c = wants == 1 ? outbox_check(x->db, &rows[i], now, &f) : wants;
		if (c < 0)
			break;
		if (c == 0) {
			x->skipped[x->nskipped++] = rows[i];
			continue;
		}
		struct buf text = {0};
		char subject[1000], link[1200];
		if (render(x->cfg, &rows[i], &f, &text, NULL) != 0) {
			buf_free(&text);
			continue;
		}
		split_subject(&text, subject, sizeof(subject));
		buf_free(&text);
		row_link(x->cfg, &rows[i], &f, link, sizeof(link));
		struct vrow *rt = view_row_new(), *rh = view_row_new();
		view_row_plain(rt, subject);
		view_row_plain(rt, link);
		view_row_str(rh, subject);
		view_row_str(rh, link);
		view_list_add(lt, rt);
		view_list_add(lh, rh);
		in[items++] = &rows[i];
		me = f;
	}
	view_list_set(t, "items", lt);
	view_list_set(h, "items", lh);
	if (db_latch_take(NULL) != DB_OK) {
		x->nskipped = skipped;
		items = 0;
	}
	if (items > 0) {
		char prefs[1100], mid[400], subject[600];
		snprintf(prefs, sizeof(prefs), "%s/account/notifications", x->cfg->base_url);
		set2(t, h, "name", me.name);
		set2(t, h, "prefs", prefs);
		view_int(t, "count", items);
		view_int(h, "count", items);
		struct buf text = {0}, html = {0};
		buf_reset(&x->msg);
		if (view_render(t, "mail/digest.txt", &text) == 0 &&
		    view_render(h, "mail/digest.html", &html) == 0) {
			message_id(x->cfg, in[0]->id, ".digest", mid, sizeof(mid));
			struct mail_msg m = {.from_name = "Tandem",
					     .from_addr = x->cfg->mail_from,
					     .to_name = me.name,
					     .to_addr = me.email,
					     .message_id = mid,
					     .date = now,
					     .html = buf_str(&html)};
			m.text = split_subject(&text, subject, sizeof(subject));
			m.subject = subject;
			/* The whole digest goes or is retried: every row in it. */
			if (mail_build(&m, &x->msg) == 0)
				deliver(x, in, items, me.email, now);
		}
		buf_free(&text);
		buf_free(&html);
	}
	view_free(t);
	view_free(h);
}

/* What one due row needs: 1 to send it now (facts in *f), 0 when it is
 * not needed (queued as skipped), held for the digest, or -1. */
static int one_check(struct run *x, const struct outbox_row *r, int64_t now, struct outbox_facts *f)
{
	int digest_on = 0;
	/* issue 16: account mail cannot be turned off or held for a digest */
	int wants = !outbox_event_switchable((enum outbox_event)r->event)
			    ? 1
			    : notify_wants(x->db, r->user_id, outbox_event_kind((enum outbox_event)r->event),
					   &digest_on);
	if (wants < 0)
		return -1;
	if (wants == 0) { /* turned off: never sent */
		x->skipped[x->nskipped++] = *r;
		return 0;
	}
	if (digest_on) {
		char tz[64];
		profile_timezone(x->db, r->user_id, tz, sizeof(tz));
		outbox_hold(x->db, r->id, sender_next_digest(now, tz));
		return 0;
	}
	int c = outbox_check(x->db, r, now, f);
	if (c == 0)
		x->skipped[x->nskipped++] = *r;
	return c;
}

/* One due row that is not (yet) in a digest. Its reads run under the
 * failure latch (store/db.h): a statement that failed, seen by its
 * caller or not, leaves the row neither sent from facts that were not
 * read nor marked not needed; it is tried again on the delivery retries'
 * schedule (1 min, 5 min, ...; then given up and counted on /admin), not
 * at every batch, so a row that cannot be read does not fill the log
 * twice a second. */
static void one(struct run *x, const struct outbox_row *r, int64_t now)
{
	int skipped = x->nskipped;
	struct outbox_facts f;
	db_latch_arm();
	int c = one_check(x, r, now, &f);
	if (db_latch_take(NULL) != DB_OK || c < 0) {
		x->nskipped = skipped;
		failed(x, r, now, "what it announces could not be read");
		return;
	}
	if (c == 0)
		return;
	buf_reset(&x->msg);
	if (sender_compose(x->cfg, r, &f, now, &x->msg) != 0) {
		failed(x, r, now, "the message could not be composed");
		return;
	}
	deliver(x, &r, 1, f.email, now);
}

/* Mark what was sent and what is not needed: once per batch, after
 * sending, so a crash before this sends those again with the same
 * Message-ID (at least once). When the "sent" mark cannot be written (a
 * full disk, an I/O error), the ids are kept and nothing more is sent
 * until it can: every batch would otherwise read those rows as due and
 * send them again, twice a second. 0, or -1 when marks are still owed. */
static int flush(struct run *x)
{
	if (x->nsent && outbox_mark_sent(x->db, x->sent, x->nsent) != DB_OK) {
		if (!x->unmarked)
			log_kv("error", "mail sent but not marked as sent: sending waits until it is",
			       LOG_END);
		x->unmarked = 1;
		x->nskipped = 0; /* looked at again, and skipped again, later */
		return -1;
	}
	if (x->unmarked)
		log_kv("info", "mail marked as sent again: sending goes on", LOG_END);
	x->unmarked = 0;
	outbox_mark_skipped(x->db, x->skipped, x->nskipped);
	x->nsent = x->nskipped = 0;
	return 0;
}

/* One batch of due rows; the number read (0: nothing due), or -1. */
static int batch(struct run *x)
{
	static struct outbox_row rows[BATCH];
	int64_t now = clock_now();
	if (x->unmarked && flush(x) != 0)
		return 0; /* what went out is still to be marked: send nothing more */
	/* issue 16: reset links asked for since (their mail joins this
	 * batch), under the failure latch: a read that failed leaves the
	 * request queued instead of taking it for "enough links this hour". */
	db_latch_arm();
	acct_forgot_work(x->db, now, 64);
	db_latch_take(NULL);
	/* Sessions logged an hour ago become a row for each of the pair
	 * (store/outbox.h); a failure leaves them for the next batch. */
	int pairs = outbox_feedback_expand(x->db, now, BATCH);
	int n = outbox_due(x->db, now, rows, BATCH);
	x->nsent = x->nskipped = 0;
	x->down = 0;
	int64_t digested[BATCH];
	int nd = 0;
	for (int i = 0; i < n && !x->down && !stopping; i++) {
		/* Room for what one row adds (a digest: up to DIGEST_MAX). */
		if ((x->nsent > BATCH || x->nskipped > BATCH) && flush(x) != 0)
			return 0;
		if (rows[i].digest) {
			int seen = 0;
			for (int k = 0; k < nd; k++)
				seen |= digested[k] == rows[i].user_id;
			if (!seen) {
				digested[nd++] = rows[i].user_id;
				digest(x, &rows[i], now);
			}
		} else {
			one(x, &rows[i], now);
		}
	}
	if (flush(x) != 0)
		return 0;
	/* A full expansion: more pairs wait, as a full batch says. */
	return x->down ? 0 : pairs == BATCH ? BATCH : n;
}

void sender_main(const struct config *cfg)
{
	/* Its own name in ps and pgrep: "tandem" is the master and the
	 * workers that serve pages. */
	prctl(PR_SET_NAME, "tandem-mail", 0, 0, 0);
	/* Delivery can wait a moment; a page cannot: on a busy machine the
	 * workers get the CPU first (deploy/bench_mail.sh measures it). */
	if (nice(10) == -1)
		log_kv("warn", "mail sender could not lower its priority", LOG_END);
	struct sigaction sa = {0};
	sa.sa_handler = on_term;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	sigset_t none;
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	static struct run x;
	x.cfg = cfg;
	x.db = db_open(cfg->db_path);
	x.smtp = x.db ? smtp_open(cfg) : NULL;
	if (!x.smtp) {
		log_kv("error", "mail sender cannot start", LOG_END);
		_exit(3);
	}
	char pid[16];
	snprintf(pid, sizeof(pid), "%d", (int)getpid());
	log_kv("info", "mail sender started", "pid", pid, "transport", *cfg->smtp_url ? "smtp" : "eml files",
	       LOG_END);
	while (!stopping) {
		int n = batch(&x);
		/* issue 19: /program's parts, built here so no request waits for
		 * them (pages/program_build.h); cheap when nothing changed. */
		/* Each under the failure latch (store/db.h): a read that failed
		 * makes its job write nothing (a week left open, a part not
		 * kept), and the next round tries again. */
		db_latch_arm();
		insight_close_tick(x.db, cfg->survey_k, clock_now());
		db_latch_take(NULL);
		db_latch_arm();
		program_build_tick(x.db, cfg->survey_k, clock_now());
		db_latch_take(NULL);
		/* A full batch: more are waiting. Otherwise look again soon (the
		 * test clock may have moved; a new row waits at most this). */
		if (n < BATCH) {
			struct timespec ts = {0, 500 * 1000 * 1000};
			nanosleep(&ts, NULL);
		}
	}
	smtp_close(x.smtp);
	db_close(x.db);
	buf_free(&x.msg);
	_exit(0);
}
