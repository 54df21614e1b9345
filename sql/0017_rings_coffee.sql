-- Issue 18: mentor rings (two mentors, a group, a cadence) and random
-- pairing rounds ("coffee").

-- A ring. members counts the seated members (state 'member'), kept by the
-- triggers below in the transaction that seats or unseats someone, so the
-- list of open rings with seats left is one range of a partial index.
CREATE TABLE rings (
  id           INTEGER PRIMARY KEY,
  owner_id     INTEGER NOT NULL REFERENCES users(id),
  topic        TEXT NOT NULL,
  description  TEXT NOT NULL DEFAULT '',
  seats        INTEGER NOT NULL CHECK (seats BETWEEN 2 AND 20),
  cadence      TEXT NOT NULL CHECK (cadence IN ('weekly', 'biweekly', 'monthly')),
  duration_min INTEGER NOT NULL CHECK (duration_min BETWEEN 15 AND 240),
  weeks        INTEGER NOT NULL CHECK (weeks BETWEEN 1 AND 52),
  status       TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed', 'ended')),
  members      INTEGER NOT NULL DEFAULT 0,
  created_at   INTEGER NOT NULL
) STRICT;
-- GET /rings: open rings with a seat left, newest first, by key.
CREATE INDEX rings_open ON rings(created_at DESC, id DESC) WHERE status = 'open' AND members < seats;

-- Mentors of a ring: the owner ('active' from the start) and co-mentors,
-- 'invited' until they accept (a decline deletes the row).
CREATE TABLE ring_mentors (
  ring_id INTEGER NOT NULL REFERENCES rings(id),
  user_id INTEGER NOT NULL REFERENCES users(id),
  state   TEXT NOT NULL CHECK (state IN ('invited', 'active')),
  PRIMARY KEY (ring_id, user_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX ring_mentors_user ON ring_mentors(user_id, ring_id);

-- Current members and the waiting list. Leaving deletes the row: a former
-- member has no row, so every check "is a current member" is one lookup.
CREATE TABLE ring_members (
  ring_id INTEGER NOT NULL REFERENCES rings(id),
  user_id INTEGER NOT NULL REFERENCES users(id),
  state   TEXT NOT NULL CHECK (state IN ('member', 'waiting')),
  since   INTEGER NOT NULL,
  PRIMARY KEY (ring_id, user_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX ring_members_user ON ring_members(user_id, ring_id);
CREATE INDEX ring_members_queue ON ring_members(ring_id, state, since, user_id);

CREATE TRIGGER ring_members_in AFTER INSERT ON ring_members WHEN NEW.state = 'member' BEGIN
  UPDATE rings SET members = members + 1 WHERE id = NEW.ring_id;
END;
CREATE TRIGGER ring_members_out AFTER DELETE ON ring_members WHEN OLD.state = 'member' BEGIN
  UPDATE rings SET members = members - 1 WHERE id = OLD.ring_id;
END;
CREATE TRIGGER ring_members_moved AFTER UPDATE OF state ON ring_members WHEN OLD.state <> NEW.state BEGIN
  UPDATE rings SET members = members + CASE NEW.state WHEN 'member' THEN 1 ELSE -1 END
    WHERE id = NEW.ring_id;
END;

-- A ring session. agenda and shared_notes are sealed for
-- ring_sessions:COLUMN:RING_ID:ID (store/sealed.h). Ids are never reused
-- (AUTOINCREMENT): the associated data names the row. fb_* are the running
-- feedback totals; shown_* the snapshot taken each time the count reaches
-- a multiple of k, the only figures the mentors see.
CREATE TABLE ring_sessions (
  id           INTEGER PRIMARY KEY AUTOINCREMENT,
  ring_id      INTEGER NOT NULL REFERENCES rings(id),
  author_id    INTEGER NOT NULL REFERENCES users(id),
  held_on      TEXT NOT NULL,
  duration_min INTEGER NOT NULL,
  agenda       BLOB,
  shared_notes BLOB,
  created_at   INTEGER NOT NULL,
  fb_n         INTEGER NOT NULL DEFAULT 0,
  fb_sum       INTEGER NOT NULL DEFAULT 0,
  shown_n      INTEGER NOT NULL DEFAULT 0,
  shown_sum    INTEGER NOT NULL DEFAULT 0
) STRICT;
CREATE INDEX ring_sessions_ring ON ring_sessions(ring_id, held_on DESC, id DESC);

CREATE TABLE ring_attendees (
  session_id INTEGER NOT NULL REFERENCES ring_sessions(id),
  user_id    INTEGER NOT NULL REFERENCES users(id),
  PRIMARY KEY (session_id, user_id)
) STRICT, WITHOUT ROWID;

-- One form per attendee and session; its author alone reads it back.
CREATE TABLE ring_feedback (
  session_id  INTEGER NOT NULL REFERENCES ring_sessions(id),
  author_id   INTEGER NOT NULL REFERENCES users(id),
  rating      INTEGER NOT NULL CHECK (rating BETWEEN 1 AND 5),
  use_of_time TEXT NOT NULL CHECK (use_of_time IN ('too_fast', 'right', 'too_slow')),
  PRIMARY KEY (session_id, author_id)
) STRICT, WITHOUT ROWID;

-- Ending a ring invites its people to the post-program survey of their
-- role: an invitation now comes from a mentorship or from a ring (the
-- table is rebuilt: SQLite cannot drop a NOT NULL). DROP TABLE fires no
-- trigger, and the copy keeps every row, so kept_counts stay right; the
-- counting triggers of 0012 are created again on the new table.
CREATE TABLE survey_invitations_new (
  id            INTEGER PRIMARY KEY,
  survey_id     INTEGER NOT NULL REFERENCES surveys(id),
  user_id       INTEGER NOT NULL REFERENCES users(id),
  mentorship_id INTEGER REFERENCES mentorships(id),
  role          TEXT NOT NULL CHECK (role IN ('mentee', 'mentor')),
  answered      INTEGER NOT NULL DEFAULT 0 CHECK (answered IN (0, 1)),
  ring_id       INTEGER REFERENCES rings(id),
  CHECK ((mentorship_id IS NULL) <> (ring_id IS NULL)),
  UNIQUE (survey_id, user_id)
) STRICT;
INSERT INTO survey_invitations_new(id, survey_id, user_id, mentorship_id, role, answered)
  SELECT id, survey_id, user_id, mentorship_id, role, answered FROM survey_invitations;
DROP TABLE survey_invitations;
ALTER TABLE survey_invitations_new RENAME TO survey_invitations;
CREATE INDEX survey_invitations_user ON survey_invitations(user_id, answered);
CREATE TRIGGER kept_inv_insert AFTER INSERT ON survey_invitations BEGIN
  UPDATE kept_counts SET n = n + 1 WHERE name = 'invited';
  UPDATE kept_counts SET n = n + NEW.answered WHERE name = 'answered';
  INSERT INTO kept_counts(name, n) VALUES ('inv:' || NEW.survey_id, 1)
    ON CONFLICT(name) DO UPDATE SET n = n + 1;
  INSERT INTO kept_counts(name, n) VALUES ('ans:' || NEW.survey_id, NEW.answered)
    ON CONFLICT(name) DO UPDATE SET n = n + excluded.n;
END;
CREATE TRIGGER kept_inv_update AFTER UPDATE OF answered, survey_id ON survey_invitations BEGIN
  UPDATE kept_counts SET n = n + NEW.answered - OLD.answered WHERE name = 'answered';
  UPDATE kept_counts SET n = n - 1 WHERE name = 'inv:' || OLD.survey_id;
  UPDATE kept_counts SET n = n - OLD.answered WHERE name = 'ans:' || OLD.survey_id;
  INSERT INTO kept_counts(name, n) VALUES ('inv:' || NEW.survey_id, 1)
    ON CONFLICT(name) DO UPDATE SET n = n + 1;
  INSERT INTO kept_counts(name, n) VALUES ('ans:' || NEW.survey_id, NEW.answered)
    ON CONFLICT(name) DO UPDATE SET n = n + excluded.n;
END;
CREATE TRIGGER kept_inv_delete AFTER DELETE ON survey_invitations BEGIN
  UPDATE kept_counts SET n = n - 1 WHERE name = 'invited';
  UPDATE kept_counts SET n = n - OLD.answered WHERE name = 'answered';
  UPDATE kept_counts SET n = n - 1 WHERE name = 'inv:' || OLD.survey_id;
  UPDATE kept_counts SET n = n - OLD.answered WHERE name = 'ans:' || OLD.survey_id;
END;

-- Random pairing rounds. A person's choice; last_matched_at says when they
-- are next due (every two weeks or every month).
CREATE TABLE coffee_prefs (
  user_id         INTEGER PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
  opt_in          INTEGER NOT NULL CHECK (opt_in IN (0, 1)),
  every           TEXT NOT NULL CHECK (every IN ('2w', 'month')),
  across_teams    INTEGER NOT NULL CHECK (across_teams IN (0, 1)),
  skip_next       INTEGER NOT NULL DEFAULT 0 CHECK (skip_next IN (0, 1)),
  last_matched_at INTEGER NOT NULL DEFAULT 0
) STRICT;
CREATE INDEX coffee_opted ON coffee_prefs(user_id) WHERE opt_in = 1;

-- A round: how many were matched; met is kept as matches are marked met.
CREATE TABLE coffee_rounds (
  id        INTEGER PRIMARY KEY,
  ran_at    INTEGER NOT NULL,
  on_demand INTEGER NOT NULL CHECK (on_demand IN (0, 1)),
  people    INTEGER NOT NULL,
  matches   INTEGER NOT NULL,
  met       INTEGER NOT NULL DEFAULT 0
) STRICT;

-- topic: a shared interest's name, suggested as a first topic ('' if none).
CREATE TABLE coffee_matches (
  id       INTEGER PRIMARY KEY,
  round_id INTEGER NOT NULL REFERENCES coffee_rounds(id),
  topic    TEXT NOT NULL,
  met_at   INTEGER,
  met_by   INTEGER REFERENCES users(id)
) STRICT;
CREATE INDEX coffee_matches_round ON coffee_matches(round_id);

CREATE TABLE coffee_match_people (
  match_id INTEGER NOT NULL REFERENCES coffee_matches(id),
  user_id  INTEGER NOT NULL REFERENCES users(id),
  PRIMARY KEY (match_id, user_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX coffee_match_people_user ON coffee_match_people(user_id, match_id);
