-- Issue 16, the account lifecycle: verified addresses, password reset,
-- invitations and the CSV import.

-- Whether the person has shown they read mail at their address. Existing
-- accounts (and those `setup`, `create-admin` and `seed-demo` make) count
-- as verified: the DEFAULT. A signup with TANDEM_SIGNUP_VERIFY=1 starts at
-- 0; an invited person, who has no password yet (pw_hash ''), too, until
-- they set one through their link. Unverified: not in the directory, no
-- requests (store/directory.c, pages/requests.c).
ALTER TABLE users ADD COLUMN verified INTEGER NOT NULL DEFAULT 1 CHECK (verified IN (0, 1));

-- One-time links for one account (store/acct_tokens.c): purpose 1 verify
-- the address, 2 reset the password, 3 accept an invitation. The link's
-- token is derived from salt under a key derived from the seal key
-- (security/acct_link.h); only its BLAKE2b hash is kept for the lookup,
-- so a backup without the key file holds no usable link. used_at is set
-- when it is taken, or when a newer link of the same purpose retires it.
CREATE TABLE account_tokens (
  id         INTEGER PRIMARY KEY,
  user_id    INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  purpose    INTEGER NOT NULL CHECK (purpose IN (1, 2, 3)),
  salt       BLOB NOT NULL,
  token_hash BLOB NOT NULL UNIQUE,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  used_at    INTEGER
) STRICT;
CREATE INDEX account_tokens_user ON account_tokens(user_id, purpose, created_at);

-- Requests for a link (forgot password, resend verification), counted per
-- client address ('ip') and per account ('verify'), so nobody can flood
-- someone's inbox. Purged hourly.
CREATE TABLE link_requests (
  scope TEXT NOT NULL CHECK (scope IN ('ip', 'verify')),
  key   TEXT NOT NULL,
  at    INTEGER NOT NULL
) STRICT;
CREATE INDEX link_requests_key ON link_requests(scope, key, at);
CREATE INDEX link_requests_at ON link_requests(at);

-- "Forgot my password" for an address, whether it has an account or not:
-- the page only queues it, so its answer takes the same time either way;
-- the mail sender's process looks the address up and issues the link
-- (store/acct_life.c: acct_forgot_work), then deletes the row.
CREATE TABLE forgot_queue (
  id    INTEGER PRIMARY KEY,
  email TEXT NOT NULL,
  at    INTEGER NOT NULL
) STRICT;

-- A CSV import between its preview and its application: one row per line
-- of the file (store/imports.c). The preview reads it; apply re-checks
-- every row against the accounts as they are then.
CREATE TABLE imports (
  id         INTEGER PRIMARY KEY,
  admin_id   INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  created_at INTEGER NOT NULL,
  applied_at INTEGER,
  n_add      INTEGER NOT NULL DEFAULT 0,
  n_update   INTEGER NOT NULL DEFAULT 0,
  n_same     INTEGER NOT NULL DEFAULT 0,
  n_invalid  INTEGER NOT NULL DEFAULT 0
) STRICT;
-- action: 1 add, 2 update team/title, 3 unchanged, 4 invalid (reason).
CREATE TABLE import_rows (
  import_id INTEGER NOT NULL REFERENCES imports(id) ON DELETE CASCADE,
  line      INTEGER NOT NULL,
  action    INTEGER NOT NULL CHECK (action BETWEEN 1 AND 4),
  email     TEXT NOT NULL,
  name      TEXT NOT NULL,
  team      TEXT NOT NULL,
  job_title TEXT NOT NULL,
  reason    TEXT NOT NULL DEFAULT '',
  -- The preview reads one action's lines in order, apply two actions'.
  PRIMARY KEY (import_id, action, line)
) STRICT, WITHOUT ROWID;
-- An address twice in one file: the second is refused (covering: the
-- table itself would be scanned per line otherwise).
CREATE INDEX import_rows_email ON import_rows(import_id, email, action);
