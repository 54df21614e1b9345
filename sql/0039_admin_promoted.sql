-- Review K: 0037 and 0038 leave out what an admin can know when the
-- form or the answer comes in; a member made admin later knew as much.
-- Promoted, a member's own forms and the forms shared with them leave
-- the admin overview's rating totals and the figure waits for a new step
-- of k people (as 0037 did for the admins of its day); and an answer of
-- theirs that may still wait in a survey's pool stops counting toward a
-- batch. Pool rows are anonymous: one counting row of each survey they
-- answered is set aside instead, which makes the batch wait for one
-- more answer whether or not theirs was still there (never less hidden).
CREATE TRIGGER admin_promoted AFTER UPDATE OF role ON users
WHEN NEW.role = 'admin' AND OLD.role <> 'admin' BEGIN
  UPDATE rating_totals SET
    forms = max(0, forms - (SELECT count(*) FROM feedback f JOIN meetings g ON g.id = f.meeting_id
      JOIN mentorships m ON m.id = g.mentorship_id
      JOIN users a ON a.id = f.author_id
      JOIN users o ON o.id = CASE WHEN m.mentor_id = f.author_id THEN m.mentee_id ELSE m.mentor_id END
      WHERE (f.author_id = NEW.id AND NOT (f.shared = 1 AND o.role = 'admin'))
         OR (o.id = NEW.id AND f.shared = 1 AND a.role <> 'admin'))),
    total = max(0, total - (SELECT coalesce(sum(f.rating), 0) FROM feedback f JOIN meetings g ON g.id = f.meeting_id
      JOIN mentorships m ON m.id = g.mentorship_id
      JOIN users a ON a.id = f.author_id
      JOIN users o ON o.id = CASE WHEN m.mentor_id = f.author_id THEN m.mentee_id ELSE m.mentor_id END
      WHERE (f.author_id = NEW.id AND NOT (f.shared = 1 AND o.role = 'admin'))
         OR (o.id = NEW.id AND f.shared = 1 AND a.role <> 'admin'))),
    shown_forms = 0, shown_total = 0;
  DELETE FROM rating_pending;
  UPDATE survey_pool SET counts = 0 WHERE id IN (
    SELECT (SELECT p.id FROM survey_pool p WHERE p.survey_id = i.survey_id AND p.counts = 1 LIMIT 1)
    FROM survey_invitations i WHERE i.user_id = NEW.id AND i.answered = 1);
END;
