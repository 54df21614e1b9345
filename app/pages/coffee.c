/* Random pairing rounds (issue 18): GET,POST /coffee (my choice and my
 * matches), POST /coffee/matches/{id}/met, GET,POST /admin/coffee (counts
 * only; POST runs a round now), and the dashboard's line about my match. */
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/sdc.h"
#include "pages/coffee.h"
#include "pages/ctx.h"
#include "pages/routes.h"
#include "store/coffee.h"

static const char *const every_names[] = {"2w", "month", NULL};

enum { CF_OPT_IN, CF_EVERY, CF_ACROSS, CF_SKIP };
static const struct field_spec coffee_fields[] = {
	[CF_OPT_IN] = {"opt_in", "Take part", FT_FLAG, 0, 0, 0, NULL, 0},
	[CF_EVERY] = {"every", "How often", FT_CHOICE, 1, 0, 0, every_names, 0},
	[CF_ACROSS] = {"across_teams", "Outside my team", FT_FLAG, 0, 0, 0, NULL, 0},
	[CF_SKIP] = {"skip_next", "Skip the next round", FT_FLAG, 0, 0, 0, NULL, 0},
};

#define COFFEE_SHOWN 10

static void day_of(int64_t t, char out[11])
{
	time_t tt = (time_t)t;
	struct tm tm;
	gmtime_r(&tt, &tm);
	strftime(out, 11, "%Y-%m-%d", &tm);
}

static void match_add(void *arg, const struct coffee_match_row *m)
{
	struct vrow *r = view_row_new();
	char d[11];
	day_of(m->ran_at, d);
	view_row_int(r, m->id);
	view_row_str(r, m->others);
	view_row_str(r, m->topic);
	view_row_str(r, d);
	view_row_int(r, m->met_at != 0);
	view_row_str(r, m->contacts);
	view_list_add(arg, r);
}

void page_coffee(struct ctx *c)
{
	struct coffee_prefs p;
	enum db_rc rc = coffee_prefs_get(c->db, c->user.id, &p);
	struct vlist *l = view_list_new();
	if (rc == DB_OK)
		rc = coffee_matches_each(c->db, c->user.id, COFFEE_SHOWN, match_add, l);
	struct view *v = ctx_view(c);
	view_int(v, "nmatches", view_list_len(l));
	view_list_set(v, "matches", l);
	if (rc != DB_OK) {
		ctx_store_error(c, rc);
		return;
	}
	view_int(v, "opt_in", p.opt_in);
	view_str(v, "every", p.every);
	view_int(v, "across_teams", p.across_teams);
	view_int(v, "skip_next", p.skip_next);
	ctx_render(c, 200, "coffee", "Random pairing rounds");
}

void page_coffee_save(struct ctx *c)
{
	struct fields f;
	if (fields_read(coffee_fields, FIELDS(coffee_fields), &c->req->body, &f) != 0) {
		/* Every field is a checkbox or one of two choices: only a
		 * forged form fails here. */
		ctx_error(c, 400, "The form had fields or values Tandem does not know. Nothing was changed.");
		return;
	}
	struct coffee_prefs p = {
		.opt_in = (int)f.v[CF_OPT_IN].i,
		.across_teams = (int)f.v[CF_ACROSS].i,
		.skip_next = (int)f.v[CF_SKIP].i,
	};
	snprintf(p.every, sizeof(p.every), "%s", f.v[CF_EVERY].s);
	enum db_rc rc = coffee_prefs_save(c->db, c->user.id, &p);
	if (rc != DB_OK) {
		ctx_store_error(c, rc);
		return;
	}
	ctx_flash(c, p.opt_in ? (p.skip_next ? "Saved. You sit out the next round, then you are back in."
					     : "Saved. You are in the next round you are due for.")
			      : "Saved. You are not in the pairing rounds.");
	resp_redirect(c->resp, "/coffee");
}

void page_coffee_met(struct ctx *c)
{
	struct fields f;
	if (fields_read(NULL, 0, &c->req->body, &f) != 0) {
		ctx_error(c, 400, "The form had fields Tandem does not know. Nothing was changed.");
		return;
	}
	enum coffee_rc r = coffee_met(c->db, c->req->ids[0], c->user.id, c->now);
	switch (r) {
	case COFFEE_OK: break;
	case COFFEE_DB_BUSY:
	case COFFEE_DB_ERR:
	case COFFEE_DB_FULL: ctx_store_error(c, r); return;
	case COFFEE_NOTFOUND:
		ctx_error(c, 404, "There is no match at this address, or it is not yours.");
		return;
	case COFFEE_ALREADY:
		ctx_error(c, 409, "You have already told Tandem that you met. Nothing changed.");
		return;
	}
	ctx_flash(c, "Glad you met! It counts as a pairing for both of you.");
	resp_redirect(c->resp, "/coffee");
}

void coffee_dashboard(struct ctx *c)
{
	struct vlist *l = view_list_new();
	coffee_matches_each(c->db, c->user.id, 1, match_add, l);
	view_list_set(ctx_view(c), "coffee", l);
}

/* /admin/coffee: counts only. The share that met is a figure about people:
 * the matches that met are counted in whole groups of k (6 met reads as
 * 5), so that it shows nothing below k and never moves with one pair's
 * "we met"; counts of rounds and of people opted in name nobody. */
static void admin_page(struct ctx *c, int status)
{
	struct coffee_admin a;
	enum db_rc rc = coffee_admin_counts(c->db, &a);
	if (rc != DB_OK) {
		ctx_store_error(c, rc);
		return;
	}
	struct view *v = ctx_view(c);
	int k = c->cfg->survey_k;
	view_int(v, "opted_in", a.opted_in);
	view_int(v, "rounds", a.rounds);
	view_int(v, "matches", a.matches);
	view_int(v, "k", k);
	char share[48] = "";
	long long met = sdc_batch_floor((int)a.met, k);
	if (met >= k && met > 0 && a.matches > 0)
		snprintf(share, sizeof(share), "at least %lld %%", met * 100 / (long long)a.matches);
	view_str(v, "met_share", share);
	ctx_render(c, status, "admin_coffee", "Pairing rounds");
}

void page_admin_coffee(struct ctx *c)
{
	admin_page(c, 200);
}

void page_admin_coffee_run(struct ctx *c)
{
	struct fields f;
	if (fields_read(NULL, 0, &c->req->body, &f) != 0) {
		ctx_error(c, 400, "The form had fields Tandem does not know. Nothing was changed.");
		return;
	}
	uint64_t seed;
	randombytes_buf(&seed, sizeof(seed));
	struct coffee_round_result r;
	enum db_rc rc = coffee_run_round(c->db, c->now, seed, 1, &r);
	if (rc != DB_OK) {
		ctx_store_error(c, rc);
		return;
	}
	char msg[160];
	snprintf(msg, sizeof(msg), "Round run: %ld people due, %ld matches.%s", r.people, r.matches,
		 r.unmatched
			 ? " Some could not be matched this time (everyone allowed was taken); they stay due."
			 : "");
	ctx_flash(c, msg);
	resp_redirect(c->resp, "/admin/coffee");
}
