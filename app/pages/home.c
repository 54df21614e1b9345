/* GET / (the member's dashboard) and GET /admin (the program overview). */
#include <stdio.h>
#include <string.h>

#include "pages/ctx.h"
#include "pages/format.h"
#include "pages/mentorships.h"
#include "pages/requests.h"
#include "pages/routes.h"
#include "store/requests.h"

/* Requests for the dashboard: waiting on me, or mine that closed lately.
 * Two statements rather than one with OR: each is a plain index range. */
static struct vlist *dash_requests(struct ctx *c, int waiting_on_me)
{
	sqlite3_stmt *st =
		waiting_on_me
			? DB_STMT(c->db,
				  "SELECT r.id, e.display_name, t.name, " REQ_STATUS_SQL
				  ", r.created_at, r.reason FROM requests r "
				  "JOIN users e ON e.id = r.mentee_id JOIN topics t ON t.id = r.topic_id "
				  "WHERE r.mentor_id = :u AND r.status = 'pending' AND r.created_at > :now - "
				  "1209600 "
				  "ORDER BY r.created_at LIMIT 50")
			: DB_STMT(c->db,
				  "SELECT r.id, m.display_name, t.name, " REQ_STATUS_SQL
				  ", r.created_at, r.reason FROM requests r "
				  "JOIN users m ON m.id = r.mentor_id JOIN topics t ON t.id = r.topic_id "
				  "WHERE r.mentee_id = :u AND (r.status = 'pending' OR "
				  "  coalesce(r.answered_at, r.created_at + 1209600) > :now - 30 * 86400) "
				  "ORDER BY r.created_at LIMIT 50");
	if (st) {
		db_bind_int(st, ":u", c->user.id);
		db_bind_int(st, ":now", c->now);
	}
	return request_rows_from(c, st);
}

void page_home(struct ctx *c)
{
	struct view *v = ctx_view(c);
	view_list_set(v, "mentorships", mentorship_rows(c, 1));
	view_list_set(v, "waiting", dash_requests(c, 1));
	view_list_set(v, "mine", dash_requests(c, 0));
	ctx_render(c, 200, "home", "Your dashboard");
}

void page_admin(struct ctx *c)
{
	struct view *v = ctx_view(c);
	view_int(v, "members", db_scalar(c->db, "SELECT count(*) FROM users WHERE active = 1", 0));
	view_int(v, "admins",
		 db_scalar(c->db, "SELECT count(*) FROM users WHERE active = 1 AND role = 'admin'", 0));
	view_int(v, "mentors",
		 db_scalar(c->db,
			   "SELECT count(*) FROM profiles p JOIN users u ON u.id = p.user_id "
			   "WHERE p.is_mentor = 1 AND u.active = 1",
			   0));
	view_int(v, "active_ms",
		 db_scalar(c->db, "SELECT count(*) FROM mentorships WHERE status = 'active'", 0));
	view_int(v, "done_ms",
		 db_scalar(c->db, "SELECT count(*) FROM mentorships WHERE status <> 'active'", 0));
	ctx_render(c, 200, "admin", "Program overview");
}
