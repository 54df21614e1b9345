-- Issue 14, mail in the write path, second step: a logged session's commit
-- writes nothing for its feedback mail. A session's id is taken from a
-- counter that only grows, under the write lock (sql/0009), so the
-- sessions read in id order are the log of what was committed, and a
-- session rolled back never had an id anyone saw. The sender keeps a mark
-- (id_counters 'feedback_asked': every session up to it has been seen to);
-- when the sessions after it are an hour old, it writes an outbox row for
-- each of their pair and moves the mark, in one transaction
-- (store/outbox.h: outbox_feedback_expand). The row of outbox_feedback
-- (sql/0035) this replaces cost every logged session's commit a b-tree.
--
-- What outbox_feedback still holds becomes those outbox rows now (event 11,
-- OB_FEEDBACK_OWED, due when the row was; a session deleted meanwhile asks
-- nobody), and every session there is has been seen to. The sessions'
-- counter is first raised past every id: seed-demo's sessions took ids
-- SQLite chose, and a deleted one's id must not name a new session, which
-- the mark would skip.
INSERT INTO outbox(event, user_id, ref, due)
  SELECT 11, CASE w.mentee WHEN 0 THEN m.mentor_id ELSE m.mentee_id END, f.session_id, f.due
  FROM outbox_feedback f JOIN meetings s ON s.id = f.session_id
  JOIN mentorships m ON m.id = s.mentorship_id, (SELECT 0 AS mentee UNION ALL SELECT 1) w
  ORDER BY f.due, f.session_id, w.mentee;
DROP TABLE outbox_feedback;
UPDATE id_counters SET last = max(last, (SELECT coalesce(max(id), 0) FROM meetings)) WHERE name = 'meetings';
INSERT INTO id_counters(name, last) SELECT 'feedback_asked', last FROM id_counters WHERE name = 'meetings';
