-- Issue 19 leftovers (review finding): the mentor agrees to show the note
-- they READ, not whatever it says when they click: the agree form carries
-- the note's revision, moved by every change of its text, and the consent
-- is refused (409, nothing changed) when the note changed in between.
ALTER TABLE celebrations ADD COLUMN thanks_rev INTEGER NOT NULL DEFAULT 0;
