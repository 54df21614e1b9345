/* The agenda written ahead for a mentorship's planned next session: POST
 * /mentorships/{id}/agenda, its part of the mentorship page, and the
 * "log a session" form that starts from it. */
#include <stdio.h>

#include "pages/agenda.h"
#include "pages/mentorships.h"
#include "pages/routes.h"
#include "store/agenda.h"
#include "store/mentorships.h"

static const struct field_spec agenda_fields[] = {{"agenda", "Agenda", FT_TEXT, 0, 0, AGENDA_MAX, NULL, 0}};
enum { AG_AGENDA };

static const char not_yours[] = "There is no mentorship at this address, or it is not yours to see.";

int agenda_part(struct ctx *c, int64_t id)
{
	struct planned p = {0};
	enum db_rc rc = planned_get(c->db, id, c->user.id, &p);
	struct view *v = ctx_view(c);
	view_int(v, "agenda_open", rc == DB_OK && p.active && p.at > c->now);
	view_str(v, "agenda", rc == DB_OK ? buf_str(&p.agenda) : "");
	view_str(v, "agenda_err", "");
	ctx_field_limits(c, agenda_fields, FIELDS(agenda_fields));
	planned_free(&p);
	return rc == DB_OK ? 0 : -1;
}

const char *agenda_prefill(struct ctx *c, int64_t id, struct buf *out)
{
	struct planned p = {0};
	const char *text = NULL;
	if (planned_get(c->db, id, c->user.id, &p) == DB_OK && *buf_str(&p.agenda)) {
		buf_reset(out);
		buf_puts(out, buf_str(&p.agenda));
		text = buf_str(out);
	}
	planned_free(&p);
	return text;
}

/* The agenda form again with status, the typed text and why it was not
 * saved. */
static void agenda_form(struct ctx *c, const struct mentorship *m, int status, const struct fields *f)
{
	struct view *v = ctx_view(c);
	ctx_form_values(c, agenda_fields, FIELDS(agenda_fields), f);
	int i_mentor = m->mentor_id == c->user.id;
	view_int(v, "mid", m->id);
	view_str(v, "topic", m->topic);
	view_str(v, "other_name", i_mentor ? m->mentee_name : m->mentor_name);
	ctx_render(c, status, "agenda", "Agenda for the next session");
}

void page_mentorship_agenda(struct ctx *c)
{
	struct fields f;
	int st = fields_read(agenda_fields, FIELDS(agenda_fields), &c->req->body, &f);
	struct mentorship m;
	/* The pair first: a stranger learns nothing from a 400 or 422. */
	if (ms_of_asker(c, &m) != 0)
		return;
	if (st == 400) {
		ctx_error(c, 400, "The form had fields Tandem does not know. Nothing was changed.");
		return;
	}
	if (st == 422) {
		agenda_form(c, &m, 422, &f);
		return;
	}
	enum agenda_rc r = agenda_save(c->db, m.id, c->user.id, f.v[AG_AGENDA].s, c->now);
	switch (r) {
	case AGENDA_OK: break;
	case AGENDA_DB_BUSY:
	case AGENDA_DB_ERR:
	case AGENDA_DB_FULL: ctx_store_error(c, r); return;
	case AGENDA_NOTFOUND: ctx_error(c, 404, not_yours); return;
	case AGENDA_ENDED:
		ctx_error(c, 409,
			  "This mentorship has already ended, so it has no next session. Nothing "
			  "was changed.");
		return;
	case AGENDA_NOT_PLANNED:
		fields_fail(&f, 0,
			    "No session is planned yet (or the planned one has passed): plan the next "
			    "session on the mentorship page first. Your text was not saved; it is below.");
		agenda_form(c, &m, 422, &f);
		return;
	}
	ctx_flash(c, *f.v[AG_AGENDA].s
			     ? "Agenda saved. You both see it on this page, and it is carried into the "
			       "session when it is logged."
			     : "Agenda removed.");
	char loc[64];
	snprintf(loc, sizeof(loc), "/mentorships/%lld", (long long)m.id);
	resp_redirect(c->resp, loc);
}
