#include "pages/ctx.h"
#include "pages/routes.h"
#include "store/migrate.h"

void page_healthz(struct ctx *c)
{
	/* A real query: the answer means the database file opens and reads. */
	if (migrate_count(c->db) < 0) {
		resp_text(c->resp, 503, "database unavailable\n");
		return;
	}
	resp_text(c->resp, 200, "ok");
}
