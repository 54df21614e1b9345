/* HTML escaping, the template environment, route matching and the route
 * table's declarations. */
#include "testutil.h"

#include "http/route.h"
#include "pages/routes.h"
#include "server/dispatch.h"
#include "view/escape.h"
#include "view/view.h"

static void escapes_every_dangerous_character(void **state)
{
	(void)state;
	struct buf b = {0};
	html_escape(&b, "<script>alert('x')</script> & \"q\"");
	assert_string_equal(buf_str(&b),
			    "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;");
	buf_free(&b);
}

static void url_values_are_percent_encoded(void **state)
{
	(void)state;
	struct buf b = {0};
	url_encode(&b, "x&format=zz#y a/b?c=\"<é>'~._-");
	assert_string_equal(buf_str(&b), "x%26format%3Dzz%23y%20a%2Fb%3Fc%3D%22%3C%C3%A9%3E%27~._-");
	buf_free(&b);
}

static void templates_receive_only_escaped_strings(void **state)
{
	(void)state;
	char dir[4200];
	snprintf(dir, sizeof(dir), "%s/templates", test_root());
	assert_int_equal(view_load(dir), 0);
	struct view *v = view_new();
	view_int(v, "signed_in", 1);
	view_str(v, "user_name", "<img src=x onerror=alert(1)>");
	view_int(v, "is_admin", 0);
	view_int(v, "unverified", 0);	   /* issue 16: the layout's banner */
	view_int(v, "surveys_waiting", 0); /* issue 21: the navigation's count */
	view_csrf(v, "tok\"en");
	view_str(v, "rid", "r");
	view_str(v, "flash", "");
	view_str(v, "title", "T");
	view_int(v, "status", 404);
	view_str(v, "message", "m");
	struct buf out = {0};
	assert_int_equal(view_render(v, "error", &out), 0);
	assert_null(strstr(buf_str(&out), "<img src=x"));
	assert_non_null(strstr(buf_str(&out), "&lt;img src=x onerror=alert(1)&gt;"));
	assert_non_null(strstr(buf_str(&out), "value=\"tok&quot;en\""));
	assert_non_null(strstr(buf_str(&out), "<input type=\"hidden\" name=\"csrf\" value=\"tok&quot;en\">"));
	buf_free(&out);
	view_free(v);
	view_unload();
}

/* Flat row partials (text and {name}s) are written without CTPL: the
 * same escaping, the last value set wins, a value missing fails as in
 * CTPL, and values already pushed (a page's view with many names) are
 * still found. */
static void row_partials_render_like_ctpl(void **state)
{
	(void)state;
	char dir[4200];
	snprintf(dir, sizeof(dir), "%s/templates", test_root());
	assert_int_equal(view_load(dir), 0);
	struct view *v = view_new();
	struct buf out = {0};
	view_str(v, "name", "Zoë <b>");
	view_str(v, "role", "first");
	view_str(v, "role", "mentor & co");
	assert_int_equal(view_render(v, "_ring_person", &out), 0);
	assert_string_equal(buf_str(&out),
			    "<li>Zoë &lt;b&gt; <span class=\"muted\">mentor &amp; co</span></li>");
	/* 80 other names fill the waiting table: the row's values still show. */
	char key[16];
	for (int i = 0; i < 80; i++) {
		snprintf(key, sizeof(key), "k%d", i);
		view_int(v, key, i);
	}
	view_int(v, "uid", 42);
	view_plain(v, "checked", " checked");
	buf_reset(&out);
	assert_int_equal(view_render(v, "_ring_attend", &out), 0);
	assert_non_null(strstr(buf_str(&out), "id=\"att-42\""));
	assert_non_null(strstr(buf_str(&out), "value=\"42\" checked>"));
	assert_non_null(strstr(buf_str(&out), "<label for=\"att-42\">Zoë &lt;b&gt;</label>"));
	view_free(v);
	/* A row whose value was never set fails, and leaves out as it was. */
	v = view_new();
	view_str(v, "name", "x");
	buf_reset(&out);
	buf_puts(&out, "kept");
	assert_int_not_equal(view_render(v, "_ring_person", &out), 0);
	assert_string_equal(buf_str(&out), "kept");
	buf_free(&out);
	view_free(v);
	view_unload();
}

static void route(const char *m, const char *p, int want, int64_t id0)
{
	const struct route *r = NULL;
	int64_t ids[ROUTE_MAX_IDS] = {0};
	char allow[64], token[ROUTE_TOKEN_MAX + 1];
	int st = route_match(routes, routes_count, m, p, &r, ids, token, allow, sizeof(allow));
	assert_int_equal(st, want);
	if (want == 200)
		assert_int_equal(ids[0], id0);
}

/* The {token} segment the route gives for method+path, or NULL (no match). */
static const char *token_of(const char *m, const char *p, char token[ROUTE_TOKEN_MAX + 1])
{
	const struct route *r = NULL;
	int64_t ids[ROUTE_MAX_IDS] = {0};
	char allow[64];
	strcpy(token, "unset");
	if (route_match(routes, routes_count, m, p, &r, ids, token, allow, sizeof(allow)) != 200)
		return NULL;
	return token;
}

/* Links in mail and feeds carry a base64url token (security/linktoken.h):
 * the matcher takes it whole, ending at the first other character. */
static void matches_token_segments(void **state)
{
	(void)state;
	char t[ROUTE_TOKEN_MAX + 1];
	assert_string_equal(token_of("GET", "/unsubscribe/dGhpcy1pcw_a-Z09", t), "dGhpcy1pcw_a-Z09");
	assert_string_equal(token_of("POST", "/unsubscribe/abc", t), "abc");
	assert_string_equal(token_of("GET", "/calendar/Abc-_9.ics", t), "Abc-_9");
	assert_null(token_of("GET", "/calendar/Abc.ics.ics", t));
	assert_null(token_of("GET", "/calendar/.ics", t));     /* empty */
	assert_null(token_of("GET", "/calendar/abc", t));      /* no .ics */
	assert_null(token_of("GET", "/unsubscribe/", t));      /* empty */
	assert_null(token_of("GET", "/unsubscribe/a%2Fb", t)); /* not base64url */
	assert_null(token_of("GET", "/unsubscribe/a/b", t));
	assert_null(token_of("GET", "/unsubscribe/a=b", t));
	char longest[ROUTE_TOKEN_MAX + 2 + 13] = "/unsubscribe/";
	memset(longest + 13, 'A', ROUTE_TOKEN_MAX);
	longest[13 + ROUTE_TOKEN_MAX] = '\0';
	assert_non_null(token_of("GET", longest, t));
	assert_int_equal(strlen(t), ROUTE_TOKEN_MAX);
	longest[13 + ROUTE_TOKEN_MAX] = 'A';
	longest[14 + ROUTE_TOKEN_MAX] = '\0';
	assert_null(token_of("GET", longest, t)); /* one too long */
	/* A route without a token gives "". */
	assert_string_equal(token_of("GET", "/mentorships/3", t), "");
}

/* A path under a token route is logged without its token, whether it
 * matched (a link), or not (a link with junk after it, a wrong method). */
static void token_paths_are_logged_without_the_token(void **state)
{
	(void)state;
	struct request r = {0};
	char out[64];
	snprintf(r.path, sizeof(r.path), "/unsubscribe/SECRETabc");
	assert_string_equal(dispatch_log_path(&r, out, sizeof(out)), "/unsubscribe/{token}");
	snprintf(r.path, sizeof(r.path), "/unsubscribe/SECRETabc/extra");
	assert_string_equal(dispatch_log_path(&r, out, sizeof(out)), "/unsubscribe/{token}");
	snprintf(r.path, sizeof(r.path), "/calendar/SECRET.ics");
	assert_string_equal(dispatch_log_path(&r, out, sizeof(out)), "/calendar/{token}");
	snprintf(r.path, sizeof(r.path), "/mentorships/12");
	assert_string_equal(dispatch_log_path(&r, out, sizeof(out)), "/mentorships/12");
}

/* The routes that skip the session and CSRF checks on POST: exactly the
 * unsubscribe link (RFC 8058 one click from a mail client), public, and
 * with its token kept out of the log. Adding one must change this test. */
static void token_auth_routes_are_pinned(void **state)
{
	(void)state;
	int n = 0;
	for (size_t i = 0; i < routes_count; i++) {
		const struct route *r = &routes[i];
		if (strstr(r->pattern, "{token}"))
			assert_true(r->access == ACCESS_PUBLIC && (r->flags & ROUTE_QUIET_LOG));
		if (!(r->flags & ROUTE_TOKEN_AUTH))
			continue;
		n++;
		assert_string_equal(r->pattern, "/unsubscribe/{token}");
		assert_string_equal(r->method, "POST");
		assert_int_equal(r->access, ACCESS_PUBLIC);
	}
	assert_int_equal(n, 1);
}

static void matches_patterns_and_ids(void **state)
{
	(void)state;
	route("GET", "/healthz", 200, 0);
	route("POST", "/admin/users/42/role", 200, 42);
	route("POST", "/admin/users/042/role", 404, 0); /* no leading zeros */
	route("POST", "/admin/users/0/role", 404, 0);
	route("POST", "/admin/users/1x/role", 404, 0);
	route("POST", "/admin/users/999999999999999/role", 200, 999999999999999LL); /* 15 digits */
	route("POST", "/admin/users/9999999999999999/role", 404, 0);		    /* 16: too long */
	route("GET", "/nope", 404, 0);
	route("GET", "/healthz/", 404, 0);
}

static void wrong_method_lists_allowed(void **state)
{
	(void)state;
	const struct route *r = NULL;
	int64_t ids[ROUTE_MAX_IDS];
	char allow[64], token[ROUTE_TOKEN_MAX + 1];
	assert_int_equal(
		route_match(routes, routes_count, "PUT", "/login", &r, ids, token, allow, sizeof(allow)),
		405);
	assert_string_equal(allow, "GET, POST");
	assert_int_equal(
		route_match(routes, routes_count, "GET", "/logout", &r, ids, token, allow, sizeof(allow)),
		405);
	assert_string_equal(allow, "POST");
}

static void every_route_declares_access(void **state)
{
	(void)state;
	for (size_t i = 0; i < routes_count; i++) {
		assert_true(routes[i].access != ACCESS_UNSET);
		assert_non_null(routes[i].fn);
		assert_true(strcmp(routes[i].method, "GET") == 0 || strcmp(routes[i].method, "POST") == 0);
		/* admin pages are under /admin, and everything under /admin is admin-only */
		assert_int_equal(strncmp(routes[i].pattern, "/admin", 6) == 0,
				 routes[i].access == ACCESS_ADMIN);
	}
}

static int groups(const char *method, const char *path)
{
	struct request r = {0};
	snprintf(r.method, sizeof(r.method), "%s", method);
	snprintf(r.path, sizeof(r.path), "%s", path);
	return dispatch_route(&r);
}

/* Group commit (server/worker.c) takes only short POSTs: the four that run
 * argon2id would hold every other request's commit for a hash, and a GET
 * must never see writes that are not yet durable. */
static void only_short_posts_share_a_commit(void **state)
{
	(void)state;
	assert_int_equal(groups("POST", "/mentorships/3/sessions"), 1);
	assert_int_equal(groups("POST", "/sessions/7/feedback"), 1);
	/* An answer commits alone: a released batch follows in its own
	 * transaction, after the one that marked the invitation answered. */
	assert_int_equal(groups("POST", "/surveys/2"), 0);
	assert_int_equal(groups("POST", "/login"), 0);
	assert_int_equal(groups("POST", "/signup"), 0);
	assert_int_equal(groups("POST", "/setup"), 0);
	assert_int_equal(groups("POST", "/account/password"), 0);
	assert_int_equal(groups("GET", "/mentorships/3"), 0);
	assert_int_equal(groups("POST", "/nope"), 0);
	assert_int_equal(groups("GET", "/login"), 0);
	/* The route is found once, for dispatch too. */
	struct request r = {0};
	snprintf(r.method, sizeof(r.method), "POST");
	snprintf(r.path, sizeof(r.path), "/sessions/7/feedback");
	dispatch_route(&r);
	assert_non_null(r.route);
	assert_string_equal(r.route->pattern, "/sessions/{id}/feedback");
	assert_int_equal(r.ids[0], 7);
	snprintf(r.path, sizeof(r.path), "/nope");
	r.route = NULL;
	dispatch_route(&r);
	assert_null(r.route);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(escapes_every_dangerous_character),
		cmocka_unit_test(url_values_are_percent_encoded),
		cmocka_unit_test(templates_receive_only_escaped_strings),
		cmocka_unit_test(row_partials_render_like_ctpl),
		cmocka_unit_test(matches_patterns_and_ids),
		cmocka_unit_test(wrong_method_lists_allowed),
		cmocka_unit_test(matches_token_segments),
		cmocka_unit_test(token_auth_routes_are_pinned),
		cmocka_unit_test(token_paths_are_logged_without_the_token),
		cmocka_unit_test(every_route_declares_access),
		cmocka_unit_test(only_short_posts_share_a_commit),
	};
	return cmocka_run_group_tests_name("escaping and routes", tests, NULL, NULL);
}
