-- Browsers that have signed in to an account before ("known browsers").
-- A correct password from one of them is never held back by the account's
-- failure limit, so failures from anyone else cannot lock its owner out;
-- a known browser that fails 5 times for its account stops being known.
-- Only the BLAKE2b hash of the cookie's token is stored.
CREATE TABLE known_browsers (
  token_hash BLOB PRIMARY KEY,
  user_id    INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  created_at INTEGER NOT NULL,
  failures   INTEGER NOT NULL DEFAULT 0
) STRICT, WITHOUT ROWID;
CREATE INDEX known_browsers_user ON known_browsers(user_id);

-- Ids that are never handed out twice. Sealed texts name their row
-- (`meetings:agenda:ID`, `action_items:body:ID`) as associated data, so an
-- id that came back after a delete would name two rows over time. `last`
-- is the highest id ever given; the store takes max(last, max(id)) + 1.
CREATE TABLE id_counters (
  name TEXT PRIMARY KEY,
  last INTEGER NOT NULL
) STRICT, WITHOUT ROWID;
INSERT INTO id_counters(name, last) SELECT 'meetings', coalesce(max(id), 0) FROM meetings;
INSERT INTO id_counters(name, last) SELECT 'action_items', coalesce(max(id), 0) FROM action_items;

-- Throttling also counts accounts created per address (scope 'signup'):
-- each one costs an argon2id. Rebuilt to widen the CHECK; nothing refers
-- to this table.
CREATE TABLE auth_failures_new (
  scope TEXT NOT NULL CHECK (scope IN ('acct', 'ip', 'signup')),
  key   TEXT NOT NULL,
  at    INTEGER NOT NULL
) STRICT;
INSERT INTO auth_failures_new(scope, key, at) SELECT scope, key, at FROM auth_failures;
DROP TABLE auth_failures;
ALTER TABLE auth_failures_new RENAME TO auth_failures;
CREATE INDEX auth_failures_key ON auth_failures(scope, key, at);

-- Short texts people write to each other, sealed like session notes
-- (store/sealcol.c): the old TEXT columns keep '' once a value is sealed;
-- `serve` seals what older versions left in them at start.
ALTER TABLE requests ADD COLUMN message_sealed BLOB;
ALTER TABLE requests ADD COLUMN reason_sealed BLOB;
ALTER TABLE mentorships ADD COLUMN end_reason_sealed BLOB;
ALTER TABLE plan_weeks ADD COLUMN note_sealed BLOB;
