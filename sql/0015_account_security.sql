-- Issue 16 (security and data half): admins' second factor (TOTP), the
-- session's record of it, and erased accounts.

-- One TOTP secret per account (base32), sealed for (mfa, secret, user_id)
-- like notes (store/sealed.h): the key file, not the database, opens it.
-- enrolled_at is NULL while enrolment waits for its first correct code.
-- last_step is the last RFC 6238 time step accepted: a code for it or an
-- earlier step is a replay.
CREATE TABLE mfa (
  user_id     INTEGER PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
  secret      BLOB NOT NULL,
  created_at  INTEGER NOT NULL,
  enrolled_at INTEGER,
  last_step   INTEGER NOT NULL DEFAULT 0
) STRICT;

-- Single-use recovery codes: only a keyed BLAKE2b hash of each.
CREATE TABLE mfa_recovery (
  user_id   INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  code_hash BLOB NOT NULL,
  used_at   INTEGER,
  PRIMARY KEY (user_id, code_hash)
) STRICT, WITHOUT ROWID;

-- The second factor of this session (store/sessions.h, enum sess_mfa):
-- 0 none asked, 1 the code is owed (only /login/mfa and /logout answer),
-- 2 passed.
ALTER TABLE sessions ADD COLUMN mfa INTEGER NOT NULL DEFAULT 0 CHECK (mfa IN (0, 1, 2));

-- An erased account (POST /account/delete) keeps its row, renamed "a
-- former member" with a placeholder address, so the other party's history
-- still has someone in it; nothing else of the person stays.
ALTER TABLE users ADD COLUMN erased_at INTEGER;

-- Erasing an account removes the mail owed to it, and the sender's rows
-- name the person: reached by this index, not a scan of every message.
CREATE INDEX outbox_user ON outbox(user_id);
