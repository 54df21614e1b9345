-- The outbox (issue 14): one row per message to one person, written in the
-- same transaction as the change it tells about, so "committed" and "will
-- be sent" are one fact. A separate sender process (server/sender.c)
-- delivers due rows and marks them. Rows hold ids and numbers only, never
-- text people wrote: the sender reads names, topic and dates when it
-- composes, and re-checks that what the row announces still holds.
--
-- The Message-ID is made from the id (a re-send after a crash carries the
-- same one). Rows are kept once sent, so an id names one message; only a
-- person's removal deletes rows (theirs), and an id reused then names a
-- message to someone else. No AUTOINCREMENT: its counter would be one
-- more page written by every commit that logs a session.
CREATE TABLE outbox (
  id       INTEGER PRIMARY KEY,
  event    INTEGER NOT NULL,              -- enum outbox_event (store/outbox.h)
  user_id  INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  ref      INTEGER NOT NULL,              -- the request, mentorship, session or invitation
  plan_no  INTEGER NOT NULL DEFAULT 0,    -- plan mails: which planned session ...
  plan_seq INTEGER NOT NULL DEFAULT 0,    -- ... and which version of it
  at       INTEGER NOT NULL DEFAULT 0,    -- plan mails: the session's time (UTC)
  due      INTEGER NOT NULL,              -- not before (UTC); moved on by retries and digests
  state    INTEGER NOT NULL DEFAULT 0 CHECK (state BETWEEN 0 AND 3),
                                          -- 0 waiting, 1 sent, 2 failed (given up), 3 not needed
  tries    INTEGER NOT NULL DEFAULT 0,
  digest   INTEGER NOT NULL DEFAULT 0 CHECK (digest IN (0, 1)) -- held for the daily digest
) STRICT;
-- The sender reads waiting rows by due time; sent rows leave the index.
CREATE INDEX outbox_due ON outbox(due) WHERE state = 0;
-- "Mail that could not be delivered" on /admin.
CREATE INDEX outbox_failed ON outbox(id) WHERE state = 2;
