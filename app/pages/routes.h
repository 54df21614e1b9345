/* routes: the one route table, and every handler it names. */
#ifndef TANDEM_ROUTES_H
#define TANDEM_ROUTES_H
#include <stddef.h>

#include "http/route.h"

extern const struct route routes[];
extern const size_t routes_count;

/* Handlers, one feature file each (pages/NAME.c). */
void page_healthz(struct ctx *c);
void page_home(struct ctx *c);
void page_signup_form(struct ctx *c);
void page_signup(struct ctx *c);
void page_login_form(struct ctx *c);
void page_login(struct ctx *c);
void page_logout(struct ctx *c);
void page_setup_form(struct ctx *c);
void page_setup(struct ctx *c);
void page_password_form(struct ctx *c);
void page_password(struct ctx *c);
void page_admin_overview(struct ctx *c);
void page_profile_form(struct ctx *c);
void page_profile(struct ctx *c);
void page_mentors(struct ctx *c);
void page_mentor(struct ctx *c);
void page_topics(struct ctx *c);
void page_request_create(struct ctx *c);
void page_requests(struct ctx *c);
void page_request(struct ctx *c);
void page_request_accept(struct ctx *c);
void page_request_decline(struct ctx *c);
void page_request_withdraw(struct ctx *c);
void page_mentorships(struct ctx *c);
void page_mentorship(struct ctx *c);
void page_mentorship_complete(struct ctx *c);
void page_mentorship_end(struct ctx *c);
void page_mentorship_plan(struct ctx *c);
void page_session_new(struct ctx *c);
void page_session_create(struct ctx *c);
void page_session(struct ctx *c);
void page_session_notes(struct ctx *c);
void page_session_feedback(struct ctx *c);
void page_session_edit(struct ctx *c);
void page_session_delete(struct ctx *c);
void page_session_action(struct ctx *c);
void page_mentorship_next(struct ctx *c);
void page_surveys(struct ctx *c);
void page_admin_surveys(struct ctx *c);
void page_admin_survey(struct ctx *c);
void page_admin_survey_csv(struct ctx *c);
void page_admin_survey_json(struct ctx *c);
void page_admin_survey_text(struct ctx *c);
void page_admin_survey_create(struct ctx *c);
void page_admin_survey_question(struct ctx *c);
void page_admin_survey_status(struct ctx *c);
void page_admin_survey_question_delete(struct ctx *c);
void page_survey(struct ctx *c);
void page_survey_submit(struct ctx *c);
void page_session_action_done(struct ctx *c);
/* The label of a session kind ("1:1"), shared with the mentorship page. */
const char *kind_label(const char *kind);
void page_admin_teams(struct ctx *c);
void page_admin_team_add(struct ctx *c);
void page_admin_team_remove(struct ctx *c);
void page_admin_users(struct ctx *c);
void page_admin_user_role(struct ctx *c);
void page_admin_user_deactivate(struct ctx *c);
void page_mentorship_agenda(struct ctx *c);
void page_notifications_form(struct ctx *c);
void page_notifications(struct ctx *c);
void page_notifications_calendar(struct ctx *c);
void page_unsubscribe_form(struct ctx *c);
void page_unsubscribe(struct ctx *c);
void page_calendar_feed(struct ctx *c);
/* issue 16 */
void page_mfa_form(struct ctx *c);
void page_mfa_enrol(struct ctx *c);
void page_mfa_disable(struct ctx *c);
void page_login_mfa_form(struct ctx *c);
void page_login_mfa(struct ctx *c);
void page_mydata(struct ctx *c);
void page_account_export(struct ctx *c);
void page_account_delete(struct ctx *c);
void page_admin_user_reactivate(struct ctx *c);

/* issue 19: insights, program events, the program page, my record */
void page_admin_insights(struct ctx *c);
void page_admin_insights_csv(struct ctx *c);
void page_admin_events(struct ctx *c);
void page_admin_event_add(struct ctx *c);
void page_admin_survey_publish(struct ctx *c);
void page_program(struct ctx *c);
void page_record(struct ctx *c);
void page_record_csv(struct ctx *c);
/* issue 16: account lifecycle (pages/account_links.c, pages/admin_import.c) */
void page_verify_form(struct ctx *c);
void page_verify(struct ctx *c);
void page_verify_resend(struct ctx *c);
void page_forgot_form(struct ctx *c);
void page_forgot(struct ctx *c);
void page_reset_form(struct ctx *c);
void page_reset(struct ctx *c);
void page_admin_invite(struct ctx *c);
void page_admin_import_form(struct ctx *c);
void page_admin_import(struct ctx *c);
void page_admin_import_preview(struct ctx *c);
void page_admin_import_apply(struct ctx *c);
/* issue 18: mentor rings (pages/rings.c) and pairing rounds (pages/coffee.c) */
void page_rings(struct ctx *c);
void page_ring_create(struct ctx *c);
void page_ring(struct ctx *c);
void page_ring_mentor_invite(struct ctx *c);
void page_ring_mentor_accept(struct ctx *c);
void page_ring_mentor_decline(struct ctx *c);
void page_ring_join(struct ctx *c);
void page_ring_leave(struct ctx *c);
void page_ring_close(struct ctx *c);
void page_ring_session_create(struct ctx *c);
void page_ring_feedback(struct ctx *c);
void page_coffee(struct ctx *c);
void page_coffee_save(struct ctx *c);
void page_coffee_met(struct ctx *c);
void page_admin_coffee(struct ctx *c);
void page_admin_coffee_run(struct ctx *c);
/* issue 17: pairing sessions, office hours, the help-session rotation */
void page_pairings(struct ctx *c);
void page_pairing_create(struct ctx *c);
void page_pairing(struct ctx *c);
void page_pairing_confirm(struct ctx *c);
void page_pairing_remove(struct ctx *c);
void page_office_hours(struct ctx *c);
void page_office_hours_publish(struct ctx *c);
void page_office_hour(struct ctx *c);
void page_office_hour_book(struct ctx *c);
void page_office_hour_cancel(struct ctx *c);
void page_office_hour_close(struct ctx *c);
void page_office_hour_attendance(struct ctx *c);
void page_admin_rotations(struct ctx *c);
void page_admin_rotation_create(struct ctx *c);
void page_admin_rotation(struct ctx *c);
void page_admin_rotation_away(struct ctx *c);
void page_help_sessions(struct ctx *c);
void page_help_join(struct ctx *c);
void page_help_swap(struct ctx *c);
void page_help_swap_accept(struct ctx *c);
void page_help_swap_decline(struct ctx *c);
void page_help_log(struct ctx *c);
/* issue 21: a relationship that moves, guidance */
void page_ms_change(struct ctx *c);
void page_ms_change_accept(struct ctx *c);
void page_ms_change_decline(struct ctx *c);
void page_ms_continue(struct ctx *c);
void page_ms_continue_accept(struct ctx *c);
void page_ms_where(struct ctx *c);
void page_ms_follow_up(struct ctx *c);
void page_admin_pairs(struct ctx *c);
void page_guide(struct ctx *c);
void page_admin_guide(struct ctx *c);
void page_admin_guide_save(struct ctx *c);
/* issue 19: recognition (celebrations, thank-you notes, the card line) */
void page_ms_celebrate(struct ctx *c);
void page_ms_thanks(struct ctx *c);
void page_celebrations(struct ctx *c);
void page_record_card(struct ctx *c);
/* issue 19: survey audiences, baseline and follow-up */
void page_admin_survey_send(struct ctx *c);
void page_admin_survey_compare(struct ctx *c);

/* issue 19 leftovers: the mentor agrees to show the thank-you note */
void page_ms_thanks_show(struct ctx *c);

#endif
