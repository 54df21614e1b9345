-- The mentor directory, kept up to date by store/directory.c inside the
-- same transactions that change what it shows (profile saves, accepts,
-- endings, deactivations), so a search touches only the rows it shows.
CREATE TABLE directory (
  topic_id  INTEGER NOT NULL,  -- one row per focus topic, and one with 0 for "any topic"
  user_id   INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  has_room  INTEGER NOT NULL,
  name_key  TEXT NOT NULL,     -- lower-cased name, for ordering
  formats   INTEGER NOT NULL,
  focus_ids TEXT NOT NULL,     -- ",3,17,27," for the overlap with a viewer's interests
  PRIMARY KEY (topic_id, user_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX directory_order ON directory(topic_id, has_room DESC, name_key, user_id, formats, focus_ids);
CREATE INDEX directory_user ON directory(user_id);

CREATE TABLE mentor_cards (
  user_id       INTEGER PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
  name          TEXT NOT NULL,
  job_title     TEXT NOT NULL,
  team          TEXT NOT NULL,
  focus_names   TEXT NOT NULL,
  capacity      INTEGER NOT NULL,
  active        INTEGER NOT NULL,
  formats       INTEGER NOT NULL,
  median_answer INTEGER,       -- seconds, over the last 90 days, NULL below 3 answers
  search_text   TEXT NOT NULL, -- name, title, bio and topics, lower-cased
  version       INTEGER NOT NULL -- new at every refresh: keys the workers' rendered-card caches
) STRICT;
