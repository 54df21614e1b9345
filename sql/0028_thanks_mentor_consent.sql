-- Issue 19 leftovers (review finding): a thank-you note shows on /program
-- only when both of the pair agreed to publish it. The mentee ticks
-- thanks_public; the mentor now says so too, explicitly and for the note
-- as written (a changed text needs it again), and may take it back at
-- any time. Notes shown before this migration had only the mentee's say:
-- they leave /program until their mentor agrees.
ALTER TABLE celebrations ADD COLUMN thanks_mentor_ok INTEGER NOT NULL DEFAULT 0
  CHECK (thanks_mentor_ok IN (0, 1));

-- /program's kept list moves with the new consent too (sql/0023).
DROP TRIGGER celebrations_version_update;
CREATE TRIGGER celebrations_version_update AFTER UPDATE ON celebrations
WHEN OLD.shown_at IS NOT NEW.shown_at OR (NEW.shown_at IS NOT NULL AND
  (OLD.thanks IS NOT NEW.thanks OR OLD.thanks_public <> NEW.thanks_public OR
   OLD.thanks_mentor_ok <> NEW.thanks_mentor_ok)) BEGIN
  UPDATE kept_counts SET n = n + 1 WHERE name = 'celebrations_version';
END;
