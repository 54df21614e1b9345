-- Issue 14, mail in the write path: a logged session asks each of its
-- pair for feedback an hour later. As outbox rows (one per person) that
-- cost every logged session's commit three more pages (the table and its
-- indexes outbox_due and outbox_user) and a foreign-key lookup: a tenth
-- of a logged session's worker CPU, measured. The commit now writes one
-- row here instead: one b-tree, appended at its right edge (due only
-- grows), nothing to look up. When the row is due, the sender turns it
-- into an outbox row for each of the pair and deletes it, in one
-- transaction (store/outbox.h: outbox_feedback_expand). Ids and times
-- only, as in the outbox.
CREATE TABLE outbox_feedback (
  due        INTEGER NOT NULL,  -- an hour after the session was logged (UTC)
  session_id INTEGER NOT NULL,  -- meetings.id; gone by then: nobody is asked
  PRIMARY KEY (due, session_id)
) STRICT, WITHOUT ROWID;
