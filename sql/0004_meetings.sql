-- Logged mentoring sessions ("sessions" on the pages; `sessions` is the
-- login table). Every BLOB here is ciphertext sealed by security/seal.c
-- with the row's identity as associated data: unreadable without the key
-- file, and unmovable between rows.
CREATE TABLE meetings (
  id            INTEGER PRIMARY KEY,
  mentorship_id INTEGER NOT NULL REFERENCES mentorships(id) ON DELETE CASCADE,
  author_id     INTEGER NOT NULL REFERENCES users(id),
  held_on       TEXT NOT NULL,
  duration_min  INTEGER NOT NULL CHECK (duration_min BETWEEN 5 AND 480),
  kind          TEXT NOT NULL CHECK (kind IN ('one_on_one', 'pairing', 'office_hours', 'help_session',
                                              'ring', 'reverse', 'peer')),
  labels        TEXT NOT NULL DEFAULT '',
  agenda        BLOB,
  shared_notes  BLOB,
  created_at    INTEGER NOT NULL
) STRICT;
CREATE INDEX meetings_mentorship ON meetings(mentorship_id, held_on);

-- Seen only by their author.
CREATE TABLE private_notes (
  meeting_id INTEGER NOT NULL REFERENCES meetings(id) ON DELETE CASCADE,
  author_id  INTEGER NOT NULL REFERENCES users(id),
  body       BLOB NOT NULL,
  updated_at INTEGER NOT NULL,
  PRIMARY KEY (meeting_id, author_id)
) STRICT, WITHOUT ROWID;

-- One form per participant per session.
CREATE TABLE feedback (
  meeting_id  INTEGER NOT NULL REFERENCES meetings(id) ON DELETE CASCADE,
  author_id   INTEGER NOT NULL REFERENCES users(id),
  rating      INTEGER NOT NULL CHECK (rating BETWEEN 1 AND 5),
  use_of_time TEXT NOT NULL CHECK (use_of_time IN ('too_fast', 'right', 'too_slow')),
  shared      INTEGER NOT NULL CHECK (shared IN (0, 1)),
  went_well   BLOB,
  to_improve  BLOB,
  next_steps  BLOB,
  created_at  INTEGER NOT NULL,
  PRIMARY KEY (meeting_id, author_id)
) STRICT, WITHOUT ROWID;
