#include "pages/routes.h"

/* Every route states who may use it; tests/unit/test_routes.c fails the
 * build's tests if one is left at ACCESS_UNSET. */
const struct route routes[] = {
	{"GET", "/healthz", page_healthz, ACCESS_PUBLIC, 0},
	{"GET", "/", page_home, ACCESS_MEMBER, 0},
	{"GET", "/signup", page_signup_form, ACCESS_PUBLIC, ROUTE_PRESESSION},
	{"POST", "/signup", page_signup, ACCESS_PUBLIC, 0},
	{"GET", "/login", page_login_form, ACCESS_PUBLIC, ROUTE_PRESESSION},
	{"POST", "/login", page_login, ACCESS_PUBLIC, 0},
	{"POST", "/logout", page_logout, ACCESS_MEMBER, 0},
	{"GET", "/setup", page_setup_form, ACCESS_PUBLIC, ROUTE_PRESESSION},
	{"POST", "/setup", page_setup, ACCESS_PUBLIC, 0},
	{"GET", "/account/password", page_password_form, ACCESS_MEMBER, 0},
	{"POST", "/account/password", page_password, ACCESS_MEMBER, 0},
	{"GET", "/profile", page_profile_form, ACCESS_MEMBER, 0},
	{"POST", "/profile", page_profile, ACCESS_MEMBER, 0},
	{"GET", "/mentors", page_mentors, ACCESS_MEMBER, 0},
	{"GET", "/mentors/{id}", page_mentor, ACCESS_MEMBER, 0},
	{"GET", "/topics", page_topics, ACCESS_MEMBER, 0},
	{"POST", "/requests", page_request_create, ACCESS_MEMBER, 0},
	{"GET", "/requests", page_requests, ACCESS_MEMBER, 0},
	{"GET", "/requests/{id}", page_request, ACCESS_MEMBER, 0},
	{"POST", "/requests/{id}/accept", page_request_accept, ACCESS_MEMBER, 0},
	{"POST", "/requests/{id}/decline", page_request_decline, ACCESS_MEMBER, 0},
	{"POST", "/requests/{id}/withdraw", page_request_withdraw, ACCESS_MEMBER, 0},
	{"GET", "/mentorships", page_mentorships, ACCESS_MEMBER, 0},
	{"GET", "/mentorships/{id}", page_mentorship, ACCESS_MEMBER, 0},
	{"POST", "/mentorships/{id}/complete", page_mentorship_complete, ACCESS_MEMBER, 0},
	{"POST", "/mentorships/{id}/end", page_mentorship_end, ACCESS_MEMBER, 0},
	{"POST", "/mentorships/{id}/plan/{id}", page_mentorship_plan, ACCESS_MEMBER, 0},
	{"GET", "/mentorships/{id}/sessions/new", page_session_new, ACCESS_MEMBER, 0},
	{"POST", "/mentorships/{id}/sessions", page_session_create, ACCESS_MEMBER, 0},
	{"GET", "/sessions/{id}", page_session, ACCESS_MEMBER, 0},
	{"POST", "/sessions/{id}/notes", page_session_notes, ACCESS_MEMBER, 0},
	{"POST", "/sessions/{id}/feedback", page_session_feedback, ACCESS_MEMBER, 0},
	{"GET", "/admin", page_admin, ACCESS_ADMIN, 0},
	{"GET", "/admin/users", page_admin_users, ACCESS_ADMIN, 0},
	{"POST", "/admin/users/{id}/role", page_admin_user_role, ACCESS_ADMIN, 0},
	{"POST", "/admin/users/{id}/deactivate", page_admin_user_deactivate, ACCESS_ADMIN, 0},
};

const size_t routes_count = sizeof(routes) / sizeof(routes[0]);
