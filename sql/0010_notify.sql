-- What each person wants to hear about, and the planned session's identity
-- for calendar invitations. The outbox itself is the mail issue's own
-- migration; these are what the sender, the preferences page, the
-- unsubscribe link and the calendar feed share.

-- No row: every kind on, sent at once. `off` has bit i set when kind i of
-- NOTIFY_KINDS (core/vocab.h, in list order) is off. `calendar_gen` is in
-- the signed calendar link (security/linktoken.h): bumping it replaces the
-- link and the old one dies at once.
CREATE TABLE notify_prefs (
  user_id      INTEGER PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
  off          INTEGER NOT NULL DEFAULT 0 CHECK (off >= 0),
  digest       INTEGER NOT NULL DEFAULT 0 CHECK (digest IN (0, 1)),
  calendar_gen INTEGER NOT NULL DEFAULT 0 CHECK (calendar_gen >= 0)
) STRICT;

-- The pair's next planned session (mentorships.next_session_at) as a
-- calendar event: UID "mentorship-<id>-<plan_no>@<host>", SEQUENCE
-- plan_seq. plan_no rises when a session is planned where none was;
-- plan_seq rises each time that one is moved or cancelled.
-- next_agenda: the agenda written ahead for it (sealed like every note,
-- carried into the session when it is logged).
ALTER TABLE mentorships ADD COLUMN plan_no INTEGER NOT NULL DEFAULT 0;
ALTER TABLE mentorships ADD COLUMN plan_seq INTEGER NOT NULL DEFAULT 0;
ALTER TABLE mentorships ADD COLUMN next_agenda BLOB;
