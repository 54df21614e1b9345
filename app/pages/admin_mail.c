/* The /admin overview's mail figure, set here so the overview's own
 * handler (pages/home.c) stays as it is: the route calls this, which adds
 * the figure to the page's view and hands over to page_admin. */
#include "pages/ctx.h"
#include "pages/routes.h"
#include "store/outbox.h"
#include "view/view.h"

void page_admin_overview(struct ctx *c)
{
	/* Given up after every retry; the SMTP replies are in the log. */
	view_int(ctx_view(c), "mail_failed", outbox_failed_count(c->db));
	page_admin(c);
}
