-- Review K: 0037 and 0038 leave out what an admin can know when the
-- form or the answer comes in; a member made admin later knew as much.
-- Promoted, a member's own forms and the forms shared with them leave
-- the admin overview's rating totals and the figure waits for a new step
-- of k people (as 0037 did for the admins of its day); and an answer of
-- theirs that may still wait in a survey's pool stops counting toward a
-- batch. Pool rows are anonymous: one counting row of each survey they
-- answered is set aside instead, which makes the batch wait for one
-- more answer whether or not theirs was still there (never less hidden).
-- The forms counted in the rating that a member knows: their own (unless
-- shared with an admin, never counted), and those shared with them by
-- someone who is not an admin. A view over a person's own mentorships
-- (both indexes), so a promotion reads their pairs' forms, not all.
CREATE VIEW admin_promoted_known AS
  SELECT x.uid, f.rating FROM
    (SELECT id, mentor_id AS uid, mentee_id AS other FROM mentorships
     UNION ALL SELECT id, mentee_id, mentor_id FROM mentorships) x
  JOIN meetings g ON g.mentorship_id = x.id
  JOIN feedback f ON f.meeting_id = g.id
  JOIN users o ON o.id = x.other
  WHERE (f.author_id = x.uid AND NOT (f.shared = 1 AND o.role = 'admin'))
     OR (f.author_id = x.other AND f.shared = 1 AND o.role <> 'admin');
CREATE TRIGGER admin_promoted AFTER UPDATE OF role ON users
WHEN NEW.role = 'admin' AND OLD.role <> 'admin' BEGIN
  -- (only their own mentorships: both kinds of form need them in the pair)
  UPDATE rating_totals SET
    forms = max(0, forms - (SELECT count(*) FROM admin_promoted_known WHERE uid = NEW.id)),
    total = max(0, total - (SELECT coalesce(sum(rating), 0) FROM admin_promoted_known WHERE uid = NEW.id)),
    shown_forms = 0, shown_total = 0;
  DELETE FROM rating_pending;
  UPDATE survey_pool SET counts = 0 WHERE id IN (
    SELECT (SELECT p.id FROM survey_pool p WHERE p.survey_id = i.survey_id AND p.counts = 1 LIMIT 1)
    FROM survey_invitations i WHERE i.user_id = NEW.id AND i.answered = 1);
END;
