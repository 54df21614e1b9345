/* celebrate pages (issue 19, recognition): the celebration and thank-you
 * note of a completed mentorship (POST /mentorships/{id}/celebrate,
 * /thanks, and their part of the mentorship page), the celebrations on
 * /program, and the record page's notes received and card line (POST
 * /me/record/card). */
#ifndef TANDEM_PAGES_CELEBRATE_H
#define TANDEM_PAGES_CELEBRATE_H
#include "pages/ctx.h"
#include "store/mentorships.h"

/* Set the names the mentorship page's celebration part reads
 * (templates/_ms_celebrate.html) for m, the asker's. 0, or -1 when the
 * note cannot be read (logged). */
int celebrate_part(struct ctx *c, const struct mentorship *m);

/* Set the names /program's celebrations partial reads
 * (templates/_program_celebrations.html): the newest celebrations shown.
 * 0, or -1 after answering with an error page. */
int celebrate_program(struct ctx *c);

/* Set the names the record page's recognition part reads
 * (templates/_record_thanks.html): the notes received and the card line's
 * switch. 0, or -1 after answering with an error page. */
int celebrate_record(struct ctx *c, int64_t people);

/* What the finish form (templates/finish.html) shows again after a
 * refusal: completing (outcome, note, celebration) or the note alone. */
struct finish_form {
	int completing;
	const char *thanks, *thanks_err; /* as typed; the message or NULL */
	const char *outcome, *outcome_err;
	int thanks_public, celebrate, errors;
};

/* Render the finish form for m (the asker's) with status. */
void celebrate_finish_form(struct ctx *c, const struct mentorship *m, int status,
			   const struct finish_form *ff);

#endif
