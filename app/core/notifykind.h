/* notifykind: the kinds of mail Tandem sends, each of which a person can
 * turn off or take as a daily digest (/account/notifications), and which
 * one unsubscribe link turns off. The preferences page, the unsubscribe
 * link, the outbox and the sender all read this one list. */
#ifndef TANDEM_NOTIFYKIND_H
#define TANDEM_NOTIFYKIND_H

/* X(enum, value, label). The value is the form field's name and the
 * outbox's `kind`; the order gives the bit in notify_prefs.off, so never
 * reorder or remove an entry (append new ones). */
#define NOTIFY_KINDS(X)                                                                                      \
	X(NOTIFY_REQUEST_NEW, "request_new", "Someone asks me to mentor them")                               \
	X(NOTIFY_REQUEST_ANSWER, "request_answer", "My request was accepted, declined or expired")           \
	X(NOTIFY_REQUEST_OVERDUE, "request_overdue", "A request to me has waited a week for my answer")      \
	X(NOTIFY_MENTORSHIP, "mentorship", "A mentorship starts, or ends in a week")                         \
	X(NOTIFY_SESSION_PLAN, "session_plan",                                                               \
	  "A session is planned, moved or cancelled (with an invitation)")                                   \
	X(NOTIFY_SESSION_SOON, "session_soon", "A session is 24 hours away: write or read its agenda")       \
	X(NOTIFY_FEEDBACK, "feedback", "Feedback I still owe after a session")                               \
	X(NOTIFY_SURVEY, "survey", "A survey to answer, and one reminder")

#define NOTIFY_ENUM(e, v, l) e,
enum notify_kind { NOTIFY_KINDS(NOTIFY_ENUM) NOTIFY_KIND_COUNT };
#undef NOTIFY_ENUM

/* Values (NULL-terminated) and labels, in list order. */
extern const char *const notify_kind_names[NOTIFY_KIND_COUNT + 1];
extern const char *const notify_kind_labels[NOTIFY_KIND_COUNT];

#endif
