-- Issue 21: the relationship as the program describes it. A first
-- conversation before a series, goals and plans that move, pairs that go
-- quiet, where the two meet, follow-ups after the end, and the guide.

-- A request (and the mentorship it starts) is a series of sessions with a
-- plan, or one conversation with none. A single conversation is held when
-- a session is logged for it (store/relation.c ends it then, freeing the
-- mentor's place); "continue as a mentorship" turns it into a series.
ALTER TABLE requests ADD COLUMN kind TEXT NOT NULL DEFAULT 'series' CHECK (kind IN ('series', 'single'));
ALTER TABLE mentorships ADD COLUMN kind TEXT NOT NULL DEFAULT 'series' CHECK (kind IN ('series', 'single'));

-- Where the pair meets: a room, or an http(s) link the mentor sets. Shown
-- to the two only; plain text like the topic (it is a place, not words
-- about anyone).
ALTER TABLE mentorships ADD COLUMN meet_where TEXT NOT NULL DEFAULT '';

-- The day of the pair's latest logged session, kept by triggers where
-- sessions change, so "stalled" (4 weeks without one) is read from an
-- index instead of counted per page. NULL: none yet (the start counts).
ALTER TABLE mentorships ADD COLUMN last_session_on TEXT;
UPDATE mentorships SET last_session_on =
  (SELECT max(held_on) FROM meetings WHERE meetings.mentorship_id = mentorships.id);
CREATE TRIGGER ms_last_session_insert AFTER INSERT ON meetings BEGIN
  UPDATE mentorships SET last_session_on = (SELECT max(held_on) FROM meetings
    WHERE mentorship_id = NEW.mentorship_id) WHERE id = NEW.mentorship_id;
END;
CREATE TRIGGER ms_last_session_update AFTER UPDATE OF held_on ON meetings BEGIN
  UPDATE mentorships SET last_session_on = (SELECT max(held_on) FROM meetings
    WHERE mentorship_id = NEW.mentorship_id) WHERE id = NEW.mentorship_id;
END;
CREATE TRIGGER ms_last_session_delete AFTER DELETE ON meetings BEGIN
  UPDATE mentorships SET last_session_on = (SELECT max(held_on) FROM meetings
    WHERE mentorship_id = OLD.mentorship_id) WHERE id = OLD.mentorship_id;
END;
-- Active pairs by their last sign of life (the latest session, else the
-- start): the admin's stalled count is a range of it, and the admin's
-- list of pairs reads it by key, quietest first.
CREATE INDEX mentorships_quiet ON mentorships(coalesce(last_session_on, started_on), id)
  WHERE status = 'active';

-- Proposed changes to a mentorship: a new goal and/or a new number of
-- weeks (the mentee proposes, the mentor answers), or continuing a single
-- conversation as a series (either proposes, the other answers). At most
-- one pending per mentorship. The accepted ones with a goal are the
-- history of goals (the first goal is the request's).
CREATE TABLE ms_changes (
  id            INTEGER PRIMARY KEY,
  mentorship_id INTEGER NOT NULL REFERENCES mentorships(id) ON DELETE CASCADE,
  kind          TEXT NOT NULL CHECK (kind IN ('change', 'continue')),
  proposed_by   INTEGER NOT NULL REFERENCES users(id),
  goal          TEXT NOT NULL DEFAULT '', -- '' keeps the goal; plain like the mentorship's goal
  weeks         INTEGER NOT NULL DEFAULT 0, -- the plan's new length in weeks (0: unchanged)
  cadence       TEXT NOT NULL DEFAULT '',
  duration_min  INTEGER NOT NULL DEFAULT 0,
  reason_sealed BLOB, -- sealed for ms_changes:reason:ID
  status        TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'accepted', 'declined')),
  created_at    INTEGER NOT NULL,
  answered_at   INTEGER
) STRICT;
CREATE INDEX ms_changes_ms ON ms_changes(mentorship_id, id);
CREATE UNIQUE INDEX ms_changes_one_pending ON ms_changes(mentorship_id) WHERE status = 'pending';

-- Notes after the end, from one of the pair to the other; sealed like
-- session notes (follow_ups:body:ID). Ids never reused (id_counters).
CREATE TABLE follow_ups (
  id            INTEGER PRIMARY KEY,
  mentorship_id INTEGER NOT NULL REFERENCES mentorships(id) ON DELETE CASCADE,
  author_id     INTEGER NOT NULL REFERENCES users(id),
  body          BLOB NOT NULL,
  created_at    INTEGER NOT NULL
) STRICT;
CREATE INDEX follow_ups_ms ON follow_ups(mentorship_id, id);
INSERT INTO id_counters(name, last) VALUES ('follow_ups', 0);

-- The program guide as admins edited it: sections in order, plain text
-- (escaped when shown). No rows: the default text (app/pages/guide_text.c).
CREATE TABLE guide_sections (
  pos     INTEGER PRIMARY KEY,
  heading TEXT NOT NULL,
  body    TEXT NOT NULL
) STRICT;
