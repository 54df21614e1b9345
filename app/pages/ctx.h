/* ctx: everything a handler gets for one request. */
#ifndef TANDEM_CTX_H
#define TANDEM_CTX_H
#include <stdint.h>

#include "core/config.h"
#include "http/fields.h"
#include "http/request.h"
#include "http/response.h"
#include "store/db.h"
#include "store/sessions.h"
#include "store/users.h"
#include "view/view.h"

struct ctx {
	struct request *req;
	struct response *resp;
	struct db *db;
	const struct config *cfg;
	int64_t now;
	int has_session; /* sess is valid (signed in or pre-session) */
	struct sess sess;
	int signed_in; /* user is valid */
	struct user user;
	char csrf[64];	   /* the form token for this session, base64url */
	struct view *view; /* created on first use by ctx_view */
};

/* The view for this request, with the layout's names already set. */
struct view *ctx_view(struct ctx *c);
/* Render template `name` as the response body with `status` and page
 * title; on a render error the response becomes the generic 500 page. */
void ctx_render(struct ctx *c, int status, const char *name, const char *title);
/* ctx_render with pre-rendered, escaped HTML at the template's
 * <!--SLOT--> (see view_render_slot). */
void ctx_render_slot(struct ctx *c, int status, const char *name, const char *title,
		     const char *trusted_html);
/* The generic error page for status with a human message. */
void ctx_error(struct ctx *c, int status, const char *message);
/* Show msg once on the next page this browser loads (needs a session). */
void ctx_flash(struct ctx *c, const char *msg);
/* The one place a store failure becomes a page: rc is a db_rc or a value
 * of any store result type (store/db.h); 503 with Retry-After when busy or
 * the disk is full, else 500 (a refusal that reaches here is a bug: 500). */
void ctx_store_error(struct ctx *c, int rc);
/* Start a signed-in session for user_id: the old session (pre-session or
 * another account's) is deleted and a fresh token set in the cookie. */
enum db_rc ctx_sign_in(struct ctx *c, int64_t user_id);
/* Make sure an anonymous visitor has a pre-session (for a form's CSRF). */
enum db_rc ctx_ensure_presession(struct ctx *c);
/* Put a form's fields and their messages into the view: for each spec
 * field NAME sets "NAME" (the typed value, escaped; passwords never) and
 * "NAME_err" (message or ""), plus "errors" (count), and the limits as
 * ctx_field_limits does. */
void ctx_form_values(struct ctx *c, const struct field_spec *spec, size_t n, const struct fields *f);
/* Today (YYYY-MM-DD) where the signed-in person lives: their profile's
 * time zone (ctx_timezone), UTC without one. */
void ctx_today(struct ctx *c, char out[11]);
/* The signed-in person's IANA zone ("UTC" when they chose none), read
 * from their profile once a request; into out (n bytes). */
void ctx_timezone(struct ctx *c, char *out, size_t n);
/* For each text field NAME of spec[0..n) with a maximum, set "NAME_max" to
 * it, so a template's maxlength="{NAME_max}" states the limit the server
 * checks instead of restating it. */
void ctx_field_limits(struct ctx *c, const struct field_spec *spec, size_t n);

#endif
