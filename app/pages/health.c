#include "pages/ctx.h"
#include "pages/routes.h"

void page_healthz(struct ctx *c)
{
	/* A real query: the answer means the database file opens and reads. */
	if (db_scalar(c->db, "SELECT count(*) FROM schema_migrations", -1) < 0) {
		resp_text(c->resp, 503, "database unavailable\n");
		return;
	}
	resp_text(c->resp, 200, "ok");
}
