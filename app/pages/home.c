/* GET / (the member's dashboard) and GET /admin (the program overview). */
#include "pages/ctx.h"
#include "pages/routes.h"

void page_home(struct ctx *c)
{
	ctx_render(c, 200, "home", "Your dashboard");
}

void page_admin(struct ctx *c)
{
	struct view *v = ctx_view(c);
	view_int(v, "members", db_scalar(c->db, "SELECT count(*) FROM users WHERE active = 1", 0));
	view_int(v, "admins", db_scalar(c->db, "SELECT count(*) FROM users WHERE active = 1 AND role = 'admin'", 0));
	ctx_render(c, 200, "admin", "Program overview");
}
