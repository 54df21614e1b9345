-- Action items agreed in a session, carried to the next ones until done;
-- and the pair's next planned session.
CREATE TABLE action_items (
  id            INTEGER PRIMARY KEY,
  mentorship_id INTEGER NOT NULL REFERENCES mentorships(id) ON DELETE CASCADE,
  meeting_id    INTEGER NOT NULL REFERENCES meetings(id) ON DELETE CASCADE,
  owner         TEXT NOT NULL CHECK (owner IN ('mentor', 'mentee')),
  body          BLOB NOT NULL, -- sealed
  done          INTEGER NOT NULL DEFAULT 0 CHECK (done IN (0, 1)),
  created_at    INTEGER NOT NULL
) STRICT;
CREATE INDEX action_items_open ON action_items(mentorship_id, done, id);

ALTER TABLE mentorships ADD COLUMN next_session_at INTEGER; -- unix time, UTC
