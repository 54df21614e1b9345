/* vocab: the one vocabulary of mentoring formats and session kinds, as
 * (value, label). A format is what a mentor offers and a request asks for
 * (stored as a value, and as a bit of profiles.formats in list order); a
 * session kind is any format or a help session. The profile form, the
 * directory filter, the request form and the session form all read these
 * lists, and pages show only these labels. */
#ifndef TANDEM_VOCAB_H
#define TANDEM_VOCAB_H

/* The list, in the order forms show it: X(FORMAT or KIND, value, label).
 * A FORMAT entry is also a session kind; the formats' order gives their
 * bits in profiles.formats, so never reorder or remove a FORMAT entry. */
#define VOCAB_TERMS(X)                                                                                       \
	X(FORMAT, "one_on_one", "1:1")                                                                       \
	X(FORMAT, "pairing", "Pairing")                                                                      \
	X(FORMAT, "office_hours", "Office hours")                                                            \
	X(KIND, "help_session", "Help session")                                                              \
	X(FORMAT, "ring", "Mentor ring")                                                                     \
	X(FORMAT, "reverse", "Reverse mentoring")                                                            \
	X(FORMAT, "peer", "Peer mentoring")

#define FORMAT_COUNT 6
#define KIND_COUNT 7

/* Formats: values (NULL-terminated, an FT_CHOICE list) and labels. */
extern const char *const format_names[FORMAT_COUNT + 1];
extern const char *const format_labels[FORMAT_COUNT];
/* The directory filter's choices: "" (any format), then the formats. */
extern const char *const format_filter_values[FORMAT_COUNT + 2];
/* Session kinds: values (NULL-terminated) and labels. */
extern const char *const kind_names[KIND_COUNT + 1];
extern const char *const kind_labels[KIND_COUNT];

/* The label of a format or session kind value ("1:1"), or the value
 * itself when it is none of them. Never NULL for a non-NULL value. */
const char *vocab_label(const char *value);

#endif
