-- Post-program surveys. Who has answered (survey_invitations) and what was
-- answered (survey_responses, survey_answers) share no column, id, time or
-- order: responses carry a random 128-bit id, the respondent's role and
-- coarse reporting attributes (quarter, team) and nothing else; WITHOUT
-- ROWID tables keep them in random-id order, not insertion order.
CREATE TABLE surveys (
  id         INTEGER PRIMARY KEY,
  title      TEXT NOT NULL,
  audience   TEXT NOT NULL CHECK (audience IN ('mentee', 'mentor', 'both')),
  status     TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'open', 'closed')),
  show_text  INTEGER NOT NULL DEFAULT 0 CHECK (show_text IN (0, 1))
) STRICT;

CREATE TABLE survey_questions (
  id         INTEGER PRIMARY KEY,
  survey_id  INTEGER NOT NULL REFERENCES surveys(id) ON DELETE CASCADE,
  position   INTEGER NOT NULL,
  kind       TEXT NOT NULL CHECK (kind IN ('rating', 'choice', 'text')),
  prompt     TEXT NOT NULL,
  low_label  TEXT NOT NULL DEFAULT '',
  high_label TEXT NOT NULL DEFAULT '',
  choices    TEXT NOT NULL DEFAULT '', -- one per line, for 'choice'
  max_len    INTEGER NOT NULL DEFAULT 1000,
  required   INTEGER NOT NULL DEFAULT 1 CHECK (required IN (0, 1))
) STRICT;
CREATE INDEX survey_questions_order ON survey_questions(survey_id, position);

CREATE TABLE survey_invitations (
  id            INTEGER PRIMARY KEY,
  survey_id     INTEGER NOT NULL REFERENCES surveys(id),
  user_id       INTEGER NOT NULL REFERENCES users(id),
  mentorship_id INTEGER NOT NULL REFERENCES mentorships(id),
  role          TEXT NOT NULL CHECK (role IN ('mentee', 'mentor')),
  answered      INTEGER NOT NULL DEFAULT 0 CHECK (answered IN (0, 1)),
  UNIQUE (survey_id, user_id, mentorship_id)
) STRICT;
CREATE INDEX survey_invitations_user ON survey_invitations(user_id, answered);

CREATE TABLE survey_responses (
  id        BLOB PRIMARY KEY,   -- 16 random bytes
  survey_id INTEGER NOT NULL REFERENCES surveys(id),
  role      TEXT NOT NULL CHECK (role IN ('mentee', 'mentor')),
  quarter   TEXT NOT NULL,      -- "2026-Q4"
  team      TEXT NOT NULL
) STRICT, WITHOUT ROWID;

CREATE TABLE survey_answers (
  response_id BLOB NOT NULL REFERENCES survey_responses(id) ON DELETE CASCADE,
  question_id INTEGER NOT NULL REFERENCES survey_questions(id),
  rating      INTEGER CHECK (rating BETWEEN 1 AND 5),
  choice      TEXT,
  text        TEXT,
  PRIMARY KEY (response_id, question_id)
) STRICT, WITHOUT ROWID;

-- The two post-program surveys, open from the start.
INSERT INTO surveys(id, title, audience, status) VALUES
  (1, 'Post-program survey for mentees', 'mentee', 'open'),
  (2, 'Post-program survey for mentors', 'mentor', 'open');
INSERT INTO survey_questions(survey_id, position, kind, prompt, low_label, high_label, choices, max_len, required) VALUES
  (1, 1, 'rating', 'Did the program help you reach your goal?', 'Not at all', 'Completely', '', 0, 1),
  (1, 2, 'choice', 'Was the time commitment right?', '', '', 'Too little' || char(10) || 'About right' || char(10) || 'Too much', 0, 1),
  (1, 3, 'rating', 'How likely are you to recommend the program to a colleague?', 'Not likely', 'Very likely', '', 0, 1),
  (1, 4, 'rating', 'How likely are you to be mentored again?', 'Not likely', 'Very likely', '', 0, 1),
  (1, 5, 'text', 'What should change?', '', '', '', 1000, 0),
  (2, 1, 'rating', 'Did your mentee make progress towards their goal?', 'None', 'A lot', '', 0, 1),
  (2, 2, 'choice', 'Was the time commitment right?', '', '', 'Too little' || char(10) || 'About right' || char(10) || 'Too much', 0, 1),
  (2, 3, 'rating', 'How likely are you to recommend mentoring to a colleague?', 'Not likely', 'Very likely', '', 0, 1),
  (2, 4, 'rating', 'How likely are you to mentor again?', 'Not likely', 'Very likely', '', 0, 1),
  (2, 5, 'text', 'What should change?', '', '', '', 1000, 0);
