/* The first admin: /setup?token=T and `tandem create-admin`. */
#include "pages/setup.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "core/clock.h"
#include "pages/account_form.h"
#include "pages/ctx.h"
#include "pages/routes.h"
#include "security/token.h"
#include "store/accounts.h"
#include "store/setup_tokens.h"
#include "store/users.h"

#define SETUP_TTL 86400

void setup_announce(struct db *db, const struct config *cfg)
{
	if (user_active_admins(db) > 0)
		return;
	unsigned char raw[TOKEN_BYTES], hash[TOKEN_HASH_BYTES];
	char b64[TOKEN_B64_LEN];
	token_new(raw, b64);
	token_hash(raw, hash);
	int64_t now = clock_now();
	if (setup_token_mint(db, hash, now + SETUP_TTL) != DB_OK)
		return;
	printf("\nNo admin yet. Create the first admin account (link valid 24 hours, single use):\n"
	       "  %s/setup?token=%s\n\n",
	       cfg->base_url, b64);
	fflush(stdout);
}

static const struct field_spec setup_fields[] = {
	ACCOUNT_FORM_FIELDS,
	{"token", "token", FT_LINE, 1, 0, 64, NULL, 0},
};
#define NSETUP FIELDS(setup_fields)
enum { S_TOKEN = AF_COUNT };
_Static_assert(S_TOKEN + 1 == NSETUP, "the token follows the account fields");

/* 1 when the token is unused, unexpired, and no admin exists yet. */
static int token_valid(struct ctx *c, const char *b64, unsigned char hash[TOKEN_HASH_BYTES])
{
	unsigned char raw[TOKEN_BYTES];
	if (!b64 || token_decode(b64, raw) != 0 || user_active_admins(c->db) > 0)
		return 0;
	token_hash(raw, hash);
	return setup_token_valid(c->db, hash, c->now);
}

static const char bad_link[] = "This setup link is not valid: it was already used, it expired, or "
			       "an admin exists. Restart `make run` for a fresh link if no admin exists.";

void page_setup_form(struct ctx *c)
{
	unsigned char hash[TOKEN_HASH_BYTES];
	const char *tok = form_get(&c->req->query, "token");
	if (!token_valid(c, tok, hash)) {
		ctx_error(c, 404, bad_link);
		return;
	}
	/* The pre-session (a write and an fsync) only for a valid link: a
	 * stream of wrong tokens costs a read each, never a commit. */
	enum db_rc rc = ctx_ensure_presession(c);
	if (rc != DB_OK) {
		ctx_store_error(c, rc);
		return;
	}
	ctx_form_values(c, setup_fields, NSETUP, NULL);
	view_str(ctx_view(c), "token", tok);
	ctx_render(c, 200, "setup", "Set up Tandem");
}

/* The sign-in, run inside the store's transaction (account_then_fn). */
static enum db_rc sign_in(void *arg, int64_t user_id)
{
	return ctx_sign_in(arg, user_id);
}

void page_setup(struct ctx *c)
{
	struct fields f;
	int st = fields_read(setup_fields, NSETUP, &c->req->body, &f);
	unsigned char hash[TOKEN_HASH_BYTES];
	if (st == 400 || !token_valid(c, f.v[S_TOKEN].s, hash)) {
		ctx_error(c, st == 400 ? 400 : 404, st == 400 ? "The form had unknown fields." : bad_link);
		return;
	}
	account_form_check(&f, 0);
	struct user taken;
	if (!f.nerr && user_by_email(c->db, f.v[AF_EMAIL].s, &taken) == DB_OK)
		fields_fail(&f, 0, "An account with this email already exists.");
	if (!f.nerr) {
		char pwhash[PW_HASH_LEN];
		int64_t id = 0;
		enum db_rc rc = account_hash(c->db, f.v[AF_PASSWORD].s, pwhash);
		if (rc == DB_OK)
			rc = setup_token_redeem(c->db, hash, f.v[AF_EMAIL].s, f.v[AF_NAME].s, pwhash, c->now,
						c->req->ip, sign_in, c, &id);
		sodium_memzero(pwhash, sizeof(pwhash));
		if (rc == DB_CONFLICT) {
			fields_fail(&f, 0, "An account with this email already exists.");
		} else if (rc == DB_NOTFOUND) {
			resp_reset(c->resp);
			ctx_error(c, 404, bad_link);
			return;
		} else if (rc != DB_OK) {
			resp_reset(c->resp); /* drop a cookie for a session that was rolled back */
			ctx_store_error(c, rc);
			return;
		} else {
			ctx_flash(c, "You are the first admin. Invite your colleagues to sign up.");
			resp_redirect(c->resp, "/");
			return;
		}
	}
	ctx_form_values(c, setup_fields, NSETUP, &f);
	ctx_render(c, 422, "setup", "Set up Tandem");
}

int setup_create_admin_cli(const struct config *cfg, const char *email, const char *name)
{
	char pw[1100];
	if (!fgets(pw, sizeof(pw), stdin)) {
		fprintf(stderr, "tandem: give the password on standard input\n");
		return 2;
	}
	pw[strcspn(pw, "\r\n")] = '\0';
	struct form in = {0};
	static const struct field_spec spec[] = {ACCOUNT_FORM_FIELDS};
	char e[300], n[400];
	snprintf(e, sizeof(e), "%s", email);
	snprintf(n, sizeof(n), "%s", name);
	char *vals[4] = {e, n, pw, pw};
	for (int i = 0; i < 4; i++) {
		in.pairs[i].key = (char *)spec[i].name;
		in.pairs[i].val = vals[i];
		in.pairs[i].vlen = strlen(vals[i]);
	}
	in.n = 4;
	struct fields f;
	fields_read(spec, 4, &in, &f);
	account_form_check(&f, 0);
	int bad = 0;
	for (int i = 0; i < 4; i++)
		if (f.err[i]) {
			fprintf(stderr, "tandem: %s\n", f.err[i]);
			bad = 1;
		}
	if (bad) {
		sodium_memzero(pw, sizeof(pw));
		return 1;
	}
	struct db *db = db_open(cfg->db_path);
	if (!db)
		return 1;
	int64_t id = 0;
	enum db_rc rc =
		account_create(db, f.v[AF_EMAIL].s, f.v[AF_NAME].s, pw, "admin", clock_now(), "cli", &id);
	sodium_memzero(pw, sizeof(pw));
	db_close(db);
	if (rc == DB_CONFLICT) {
		fprintf(stderr, "tandem: an account with email %s already exists\n", f.v[AF_EMAIL].s);
		return 1;
	}
	if (rc != DB_OK) {
		fprintf(stderr, "tandem: could not create the admin (database error)\n");
		return 1;
	}
	printf("admin %s created (id %lld)\n", f.v[AF_EMAIL].s, (long long)id);
	return 0;
}
