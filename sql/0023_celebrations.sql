-- Issue 19, recognition: celebrations of completed mentorships, the
-- mentee's thank-you note, and the mentor card's one-line record.

-- One row per completed mentorship that either of the pair said something
-- about (opted in, or a note). A celebration shows on /program while both
-- opted in: shown_at is when the second one did (NULL otherwise), kept by
-- the store in the statement that moves a consent, so /program reads the
-- newest N of one partial index and never scans.
CREATE TABLE celebrations (
  mentorship_id INTEGER PRIMARY KEY REFERENCES mentorships(id) ON DELETE CASCADE,
  mentor_id     INTEGER NOT NULL REFERENCES users(id),
  mentee_id     INTEGER NOT NULL REFERENCES users(id),
  mentor_ok     INTEGER NOT NULL DEFAULT 0 CHECK (mentor_ok IN (0, 1)),
  mentee_ok     INTEGER NOT NULL DEFAULT 0 CHECK (mentee_ok IN (0, 1)),
  shown_at      INTEGER,
  -- The mentee's thank-you note to the mentor, sealed for
  -- celebrations:thanks:MENTORSHIP_ID (NULL: none). thanks_public: the
  -- mentee lets it show on /program with the celebration.
  thanks        BLOB,
  thanks_public INTEGER NOT NULL DEFAULT 0 CHECK (thanks_public IN (0, 1)),
  thanks_at     INTEGER,
  CHECK (shown_at IS NULL OR (mentor_ok = 1 AND mentee_ok = 1))
) STRICT;
CREATE INDEX celebrations_shown ON celebrations(shown_at, mentorship_id) WHERE shown_at IS NOT NULL;
-- "Thank-you notes received" on the mentor's record, newest first.
CREATE INDEX celebrations_thanks_to ON celebrations(mentor_id, thanks_at) WHERE thanks IS NOT NULL;
-- Closing or erasing an account finds its rows on either side.
CREATE INDEX celebrations_mentor ON celebrations(mentor_id);
CREATE INDEX celebrations_mentee ON celebrations(mentee_id);

-- The mentor card's summary line ("mentored 12 people since 2025"): off
-- by default; the line is written into the card by store/directory.c in
-- the transactions that change it (an accept adds a person), so the
-- directory reads it with the card's row.
ALTER TABLE profiles ADD COLUMN show_record INTEGER NOT NULL DEFAULT 0 CHECK (show_record IN (0, 1));
ALTER TABLE mentor_cards ADD COLUMN record_line TEXT NOT NULL DEFAULT '';

-- What /program lists changes only through these rows: a version moved by
-- every change a reader could see (a celebration shown or hidden, a shown
-- one's note changed), so a worker keeps the rendered list while it holds
-- (app/pages/celebrate.c) instead of reading and rendering it per request.
INSERT INTO kept_counts(name, n) VALUES ('celebrations_version', 0);
CREATE TRIGGER celebrations_version_insert AFTER INSERT ON celebrations
WHEN NEW.shown_at IS NOT NULL BEGIN
  UPDATE kept_counts SET n = n + 1 WHERE name = 'celebrations_version';
END;
CREATE TRIGGER celebrations_version_update AFTER UPDATE ON celebrations
WHEN OLD.shown_at IS NOT NEW.shown_at OR (NEW.shown_at IS NOT NULL AND
  (OLD.thanks IS NOT NEW.thanks OR OLD.thanks_public <> NEW.thanks_public)) BEGIN
  UPDATE kept_counts SET n = n + 1 WHERE name = 'celebrations_version';
END;
CREATE TRIGGER celebrations_version_delete AFTER DELETE ON celebrations
WHEN OLD.shown_at IS NOT NULL BEGIN
  UPDATE kept_counts SET n = n + 1 WHERE name = 'celebrations_version';
END;
