-- Accounts, sessions, throttling and the security audit trail.
CREATE TABLE users (
  id            INTEGER PRIMARY KEY,
  email         TEXT NOT NULL UNIQUE,
  display_name  TEXT NOT NULL,
  pw_hash       TEXT NOT NULL,
  role          TEXT NOT NULL DEFAULT 'member' CHECK (role IN ('member', 'admin')),
  active        INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
  created_at    INTEGER NOT NULL,
  last_login_at INTEGER
) STRICT;

-- Only the BLAKE2b hash of a session token is stored; a stolen database
-- file holds no usable cookie. user_id is NULL for an anonymous
-- pre-session, which exists only to carry a CSRF token to the login form.
CREATE TABLE sessions (
  token_hash BLOB PRIMARY KEY,
  user_id    INTEGER REFERENCES users(id) ON DELETE CASCADE,
  csrf       BLOB NOT NULL,
  created_at INTEGER NOT NULL,
  last_seen  INTEGER NOT NULL,
  flash      TEXT
) STRICT, WITHOUT ROWID;
CREATE INDEX sessions_user ON sessions(user_id);
CREATE INDEX sessions_seen ON sessions(last_seen);

-- One row per failed password verification; scope 'acct' keys by the
-- normalised email (known or not, so throttling says nothing about which
-- accounts exist), scope 'ip' by client address.
CREATE TABLE auth_failures (
  scope TEXT NOT NULL CHECK (scope IN ('acct', 'ip')),
  key   TEXT NOT NULL,
  at    INTEGER NOT NULL
) STRICT;
CREATE INDEX auth_failures_key ON auth_failures(scope, key, at);

CREATE TABLE setup_tokens (
  token_hash BLOB PRIMARY KEY,
  expires_at INTEGER NOT NULL,
  used_at    INTEGER
) STRICT, WITHOUT ROWID;

-- Append-only: the triggers refuse to rewrite history.
CREATE TABLE audit (
  id         INTEGER PRIMARY KEY,
  at         INTEGER NOT NULL,
  event      TEXT NOT NULL,
  actor_id   INTEGER,
  subject_id INTEGER,
  ip         TEXT,
  detail     TEXT
) STRICT;
CREATE INDEX audit_event ON audit(event, at);
CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
BEGIN SELECT RAISE(ABORT, 'audit is append-only'); END;
CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
BEGIN SELECT RAISE(ABORT, 'audit is append-only'); END;
