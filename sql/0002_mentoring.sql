-- Profiles, topics, mentor requests, mentorships and their weekly plans.
CREATE TABLE profiles (
  user_id    INTEGER PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
  team       TEXT NOT NULL DEFAULT '',
  job_title  TEXT NOT NULL DEFAULT '',
  timezone   TEXT NOT NULL DEFAULT 'UTC',
  bio        TEXT NOT NULL DEFAULT '',
  is_mentor  INTEGER NOT NULL DEFAULT 0 CHECK (is_mentor IN (0, 1)),
  capacity   INTEGER NOT NULL DEFAULT 0 CHECK (capacity BETWEEN 0 AND 20),
  formats    INTEGER NOT NULL DEFAULT 0, -- bit set: see app/store/profiles.h
  updated_at INTEGER NOT NULL DEFAULT 0
) STRICT;
CREATE INDEX profiles_mentors ON profiles(is_mentor, user_id);
INSERT INTO profiles(user_id) SELECT id FROM users;

-- Topics are shared tags, matched case-insensitively by `key`.
CREATE TABLE topics (
  id   INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  key  TEXT NOT NULL UNIQUE
) STRICT;

CREATE TABLE user_topics (
  user_id  INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  kind     TEXT NOT NULL CHECK (kind IN ('interest', 'focus')),
  topic_id INTEGER NOT NULL REFERENCES topics(id),
  PRIMARY KEY (user_id, kind, topic_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX user_topics_topic ON user_topics(topic_id, kind, user_id);

CREATE TABLE requests (
  id            INTEGER PRIMARY KEY,
  mentee_id     INTEGER NOT NULL REFERENCES users(id),
  mentor_id     INTEGER NOT NULL REFERENCES users(id),
  topic_id      INTEGER NOT NULL REFERENCES topics(id),
  goal          TEXT NOT NULL,
  format        TEXT NOT NULL,
  cadence       TEXT NOT NULL CHECK (cadence IN ('weekly', 'biweekly', 'monthly')),
  duration_min  INTEGER NOT NULL CHECK (duration_min IN (20, 30, 45, 60, 90)),
  weeks         INTEGER NOT NULL CHECK (weeks BETWEEN 1 AND 52),
  message       TEXT NOT NULL DEFAULT '',
  status        TEXT NOT NULL DEFAULT 'pending' CHECK (status IN
                  ('pending', 'accepted', 'declined', 'withdrawn', 'expired', 'matched_elsewhere')),
  reason        TEXT NOT NULL DEFAULT '',
  created_at    INTEGER NOT NULL,
  answered_at   INTEGER,
  mentorship_id INTEGER,
  CHECK (mentee_id <> mentor_id)
) STRICT;
-- Never two pending requests from one mentee to the same mentor.
CREATE UNIQUE INDEX requests_one_pending ON requests(mentee_id, mentor_id) WHERE status = 'pending';
CREATE INDEX requests_mentor ON requests(mentor_id, status, created_at);
CREATE INDEX requests_mentee ON requests(mentee_id, status, created_at);

CREATE TABLE mentorships (
  id           INTEGER PRIMARY KEY,
  request_id   INTEGER NOT NULL UNIQUE REFERENCES requests(id),
  mentor_id    INTEGER NOT NULL REFERENCES users(id),
  mentee_id    INTEGER NOT NULL REFERENCES users(id),
  topic_id     INTEGER NOT NULL REFERENCES topics(id),
  goal         TEXT NOT NULL,
  format       TEXT NOT NULL,
  cadence      TEXT NOT NULL,
  duration_min INTEGER NOT NULL,
  weeks        INTEGER NOT NULL,
  started_on   TEXT NOT NULL,  -- YYYY-MM-DD
  planned_end  TEXT NOT NULL,  -- started_on + weeks
  status       TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'completed', 'ended_early')),
  outcome      TEXT CHECK (outcome IN ('goal_met', 'partly', 'not_met')),
  end_reason   TEXT NOT NULL DEFAULT '',
  created_at   INTEGER NOT NULL,
  ended_at     INTEGER
) STRICT;
CREATE INDEX mentorships_mentor ON mentorships(mentor_id, status);
CREATE INDEX mentorships_mentee ON mentorships(mentee_id, status);

CREATE TABLE plan_weeks (
  mentorship_id INTEGER NOT NULL REFERENCES mentorships(id) ON DELETE CASCADE,
  week          INTEGER NOT NULL,
  title         TEXT NOT NULL,
  done          INTEGER NOT NULL DEFAULT 0 CHECK (done IN (0, 1)),
  note          TEXT NOT NULL DEFAULT '',
  PRIMARY KEY (mentorship_id, week)
) STRICT, WITHOUT ROWID;
