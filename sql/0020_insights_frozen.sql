-- Issue 19 (the suppression fix): what a closed week's suppression rests
-- on, fixed when the week closes. Once written, a (week, team) row never
-- changes: its members stay as they were that week (accounts leaving later
-- do not move them) and a hidden cell stays hidden; late writes to the
-- week may change its activity counts and may hide more, never less, so
-- two views of an old week taken at different times never subtract to a
-- hidden cell. team '' holds the program's flag for the week (its row
-- also says the week is frozen). Written by insight_load
-- (app/store/insights.c) on the first read after the week ends.
CREATE TABLE insight_frozen (
  week    TEXT NOT NULL,
  team    TEXT NOT NULL,
  members INTEGER NOT NULL,
  hid     INTEGER NOT NULL CHECK (hid IN (0, 1)),
  PRIMARY KEY (week, team)
) STRICT, WITHOUT ROWID;
