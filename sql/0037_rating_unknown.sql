-- Review H: the admin overview's average session rating stepped once
-- forms from k people had come in, but an admin can know some of those
-- forms: their own, and the ones a mentee or mentor of theirs shared with
-- them. An admin who mentors k-1 people who share their forms read the
-- one private form of a step exactly (k x average - what they were shown).
-- Forms an admin could know are now left out of the figure: written by an
-- admin, or shared with a pair where the other person is an admin.
DROP TRIGGER feedback_counted;
CREATE TRIGGER feedback_counted AFTER INSERT ON feedback
WHEN NOT EXISTS (SELECT 1 FROM users WHERE id = NEW.author_id AND role = 'admin')
 AND NOT (NEW.shared = 1 AND EXISTS (
   SELECT 1 FROM meetings g JOIN mentorships m ON m.id = g.mentorship_id
   JOIN users u ON u.id = CASE WHEN m.mentor_id = NEW.author_id THEN m.mentee_id ELSE m.mentor_id END
   WHERE g.id = NEW.meeting_id AND u.role = 'admin'))
BEGIN
  UPDATE rating_totals SET forms = forms + 1, total = total + NEW.rating;
  INSERT OR IGNORE INTO rating_pending(author_id) VALUES (NEW.author_id);
  UPDATE rating_totals SET shown_forms = forms, shown_total = total
    WHERE forms - shown_forms >= k AND (SELECT count(*) FROM rating_pending) >= k;
  DELETE FROM rating_pending WHERE (SELECT shown_forms = forms FROM rating_totals);
END;
-- The forms an admin could know (by today's admins) come out of the
-- totals; nothing else does (the totals never go down otherwise, 0008).
-- Nothing is shown until forms from k people have come since: a step
-- shown before may have held such forms.
CREATE TEMP VIEW rating_known AS
  SELECT f.rating FROM feedback f JOIN meetings g ON g.id = f.meeting_id
  JOIN mentorships m ON m.id = g.mentorship_id
  JOIN users a ON a.id = f.author_id
  JOIN users o ON o.id = CASE WHEN m.mentor_id = f.author_id THEN m.mentee_id ELSE m.mentor_id END
  WHERE a.role = 'admin' OR (f.shared = 1 AND o.role = 'admin');
UPDATE rating_totals SET
  forms = max(0, forms - (SELECT count(*) FROM rating_known)),
  total = max(0, total - (SELECT coalesce(sum(rating), 0) FROM rating_known)),
  shown_forms = 0, shown_total = 0;
DROP VIEW rating_known;
DELETE FROM rating_pending;
