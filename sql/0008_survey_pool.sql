-- Survey answers that no admin arithmetic and no file reader can trace.

-- The teams reports break answers down by: a list admins keep. A
-- profile's free-text team maps onto it (without case) or to "other", so
-- a made-up team of one can never become a group of its own.
CREATE TABLE teams (
  id   INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE COLLATE NOCASE CHECK (length(name) BETWEEN 1 AND 60)
) STRICT;

-- The pool: an answer waits here, sealed with the key (a copy of the
-- database alone cannot read it), from the transaction that marks the
-- invitation answered until a shuffled batch of at least k joins the
-- readable answers in a later transaction; then its row is deleted
-- (secure_delete overwrites it). The random id orders the rows, not
-- time; the sealed blob holds role, quarter, team and the answers.
CREATE TABLE survey_pool (
  id        BLOB PRIMARY KEY,   -- 16 random bytes, also the sealing's row
  survey_id INTEGER NOT NULL REFERENCES surveys(id),
  sealed    BLOB NOT NULL
) STRICT, WITHOUT ROWID;
CREATE INDEX survey_pool_survey ON survey_pool(survey_id);

-- Which batch a response was released in (0: before batches existed).
-- Admins can tell batches apart anyway (each moved the results once); the
-- reports need it to make sure no breakdown group, cut by batch, holds
-- fewer than k people (store/survey_report.c).
ALTER TABLE survey_responses ADD COLUMN batch INTEGER NOT NULL DEFAULT 0;

-- Reports read one survey's answers without scanning the others'.
CREATE INDEX survey_responses_survey ON survey_responses(survey_id);

-- Present while a released batch's WAL frames may still hold the commit
-- that marked someone's invitation answered: the periodic task truncates
-- the WAL until it succeeds, then removes the row.
CREATE TABLE survey_wal_owed (id INTEGER PRIMARY KEY CHECK (id = 1)) STRICT;

-- One invitation per person per survey, however often two people are
-- paired again (the table is rebuilt: SQLite cannot change a UNIQUE).
CREATE TABLE survey_invitations_new (
  id            INTEGER PRIMARY KEY,
  survey_id     INTEGER NOT NULL REFERENCES surveys(id),
  user_id       INTEGER NOT NULL REFERENCES users(id),
  mentorship_id INTEGER NOT NULL REFERENCES mentorships(id),
  role          TEXT NOT NULL CHECK (role IN ('mentee', 'mentor')),
  answered      INTEGER NOT NULL DEFAULT 0 CHECK (answered IN (0, 1)),
  UNIQUE (survey_id, user_id)
) STRICT;
INSERT INTO survey_invitations_new(id, survey_id, user_id, mentorship_id, role, answered)
  SELECT min(id), survey_id, user_id, min(mentorship_id), min(role), max(answered)
  FROM survey_invitations GROUP BY survey_id, user_id;
DROP TABLE survey_invitations;
ALTER TABLE survey_invitations_new RENAME TO survey_invitations;
CREATE INDEX survey_invitations_user ON survey_invitations(user_id, answered);

-- The admin overview's average session rating moves in steps of k forms:
-- totals kept by a trigger in the writing transaction, and a snapshot of
-- them taken whenever the count reaches a multiple of k (set by `serve`
-- from TANDEM_SURVEY_K). One new form never moves what admins see. The
-- totals count every form ever given and never go down: a deleted
-- session must not let a later snapshot be differenced against an
-- earlier one to single out the form it took away.
CREATE TABLE rating_totals (
  id          INTEGER PRIMARY KEY CHECK (id = 1),
  k           INTEGER NOT NULL DEFAULT 5 CHECK (k >= 1),
  forms       INTEGER NOT NULL,
  total       INTEGER NOT NULL,
  shown_forms INTEGER NOT NULL,
  shown_total INTEGER NOT NULL
) STRICT;
INSERT INTO rating_totals(id, forms, total, shown_forms, shown_total)
  SELECT 1, count(*), coalesce(sum(rating), 0),
         CASE WHEN count(*) >= 5 THEN count(*) ELSE 0 END,
         CASE WHEN count(*) >= 5 THEN coalesce(sum(rating), 0) ELSE 0 END
  FROM feedback;
CREATE TRIGGER feedback_counted AFTER INSERT ON feedback BEGIN
  UPDATE rating_totals SET forms = forms + 1, total = total + NEW.rating;
  UPDATE rating_totals SET shown_forms = forms, shown_total = total WHERE forms % k = 0;
END;
