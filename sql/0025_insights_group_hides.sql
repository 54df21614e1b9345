-- Issue 19 (a review of the small-count rule): a count of 1..k-1 inside a
-- shown team-week (requests, mentorships started, sessions, endings,
-- invitations: core/insight.h's groups) is hidden like a hidden cell. The
-- hide must be frozen with the week, as the cell's is: otherwise late,
-- back-dated writes lift the count to k, it shows, and subtracting what
-- was added gives the hidden count. ghid holds the groups hidden when the
-- week's suppression was fixed (bit g = 1 << ins_group), OR-ed into every
-- later load; -1 on rows frozen before this migration, filled in (from the
-- counts as they are then) by the next load that may write.
ALTER TABLE insight_frozen ADD COLUMN ghid INTEGER NOT NULL DEFAULT -1;
