-- Issue 19: surveys sent to more than finishing pairs (all active members,
-- those who never took part, one team), and a follow-up survey compared
-- with its baseline.
--
-- An invitation sent to members is tied to no mentorship and no ring and
-- carries the role 'member'; so does the answer it gives, so the role
-- breakdown of a report (suppressed under k like every group) is also
-- the breakdown by how people were asked. Nothing else is added to the
-- invitation: who was asked and whether they answered, as before.
--
-- SQLite cannot change a CHECK: the three tables are rebuilt. Foreign
-- keys are on while migrations run, so the answers are copied into their
-- new table before the old responses go (dropping a parent with children
-- would cascade), and the renames carry the references over.

CREATE TABLE survey_responses_new (
  id        BLOB PRIMARY KEY,   -- 16 random bytes
  survey_id INTEGER NOT NULL REFERENCES surveys(id),
  role      TEXT NOT NULL CHECK (role IN ('mentee', 'mentor', 'member')),
  quarter   TEXT NOT NULL,      -- "2026-Q4"
  team      TEXT NOT NULL,
  batch     INTEGER NOT NULL DEFAULT 0
) STRICT, WITHOUT ROWID;
INSERT INTO survey_responses_new(id, survey_id, role, quarter, team, batch)
  SELECT id, survey_id, role, quarter, team, batch FROM survey_responses;
CREATE TABLE survey_answers_new (
  response_id BLOB NOT NULL REFERENCES survey_responses_new(id) ON DELETE CASCADE,
  question_id INTEGER NOT NULL REFERENCES survey_questions(id),
  rating      INTEGER CHECK (rating BETWEEN 1 AND 5),
  choice      TEXT,
  text        TEXT,
  PRIMARY KEY (response_id, question_id)
) STRICT, WITHOUT ROWID;
INSERT INTO survey_answers_new(response_id, question_id, rating, choice, text)
  SELECT response_id, question_id, rating, choice, text FROM survey_answers;
DROP TABLE survey_answers;
DROP TABLE survey_responses;
ALTER TABLE survey_responses_new RENAME TO survey_responses;
ALTER TABLE survey_answers_new RENAME TO survey_answers;
CREATE INDEX survey_responses_survey ON survey_responses(survey_id);

CREATE TABLE survey_invitations_new (
  id            INTEGER PRIMARY KEY,
  survey_id     INTEGER NOT NULL REFERENCES surveys(id),
  user_id       INTEGER NOT NULL REFERENCES users(id),
  mentorship_id INTEGER REFERENCES mentorships(id),
  role          TEXT NOT NULL CHECK (role IN ('mentee', 'mentor', 'member')),
  answered      INTEGER NOT NULL DEFAULT 0 CHECK (answered IN (0, 1)),
  ring_id       INTEGER REFERENCES rings(id),
  CHECK (mentorship_id IS NULL OR ring_id IS NULL),
  CHECK ((role = 'member') = (mentorship_id IS NULL AND ring_id IS NULL)),
  UNIQUE (survey_id, user_id)
) STRICT;
INSERT INTO survey_invitations_new(id, survey_id, user_id, mentorship_id, role, answered, ring_id)
  SELECT id, survey_id, user_id, mentorship_id, role, answered, ring_id FROM survey_invitations;
DROP TABLE survey_invitations;
ALTER TABLE survey_invitations_new RENAME TO survey_invitations;
CREATE INDEX survey_invitations_user ON survey_invitations(user_id, answered);

-- The triggers of the old table went with it: the same again (0017's
-- kept counts, 0018's insight feed, which counts only invitations of a
-- mentorship: the program's response rate stays the finishing pairs').
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
CREATE TRIGGER insight_invitation_insert AFTER INSERT ON survey_invitations
WHEN NEW.mentorship_id IS NOT NULL BEGIN
  INSERT INTO insight_feed(user_id, role, what, sub, n, minutes, secs, day, giver)
    SELECT NEW.user_id, 0, 'invited', '', 1, 0, 0,
           date(coalesce(ms.ended_at, ms.created_at), 'unixepoch'), NULL
    FROM mentorships ms WHERE ms.id = NEW.mentorship_id;
  INSERT INTO insight_feed(user_id, role, what, sub, n, minutes, secs, day, giver)
    SELECT NEW.user_id, 0, 'responded', '', 1, 0, 0,
           date(coalesce(ms.ended_at, ms.created_at), 'unixepoch'), NULL
    FROM mentorships ms WHERE ms.id = NEW.mentorship_id AND NEW.answered = 1;
END;
CREATE TRIGGER insight_invitation_answer AFTER UPDATE OF answered ON survey_invitations
WHEN NEW.answered <> OLD.answered AND NEW.mentorship_id IS NOT NULL BEGIN
  INSERT INTO insight_feed(user_id, role, what, sub, n, minutes, secs, day, giver)
    SELECT NEW.user_id, 0, 'responded', '', NEW.answered - OLD.answered, 0, 0,
           date(coalesce(ms.ended_at, ms.created_at), 'unixepoch'), NULL
    FROM mentorships ms WHERE ms.id = NEW.mentorship_id;
END;

-- "Never took part" (the wider team): nobody counted as taking part in
-- any week (insight_people: mentorships, requests, sessions of every
-- kind) and no seat in a ring; one lookup per member, not a scan.
CREATE INDEX insight_people_user ON insight_people(user_id);

-- A follow-up survey names its baseline: its page shows the two side by
-- side per shared question (store/survey_compare.c).
ALTER TABLE surveys ADD COLUMN baseline_id INTEGER REFERENCES surveys(id);
