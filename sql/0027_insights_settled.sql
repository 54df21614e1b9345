-- Issue 19 (the last open route around the suppression): a figure shown at
-- k or more moved with late, back-dated writes, so two snapshots of an old
-- week told how many late writes came between them. A week is now shown
-- only once it has SETTLED (INSIGHT_SETTLE_DAYS after it ended, so ordinary
-- late logging still counts), and at that moment every figure of every
-- team's cell is fixed here beside its members and hides: every later read
-- takes the week from these rows, never from insight_periods, so nothing
-- shown ever moves again. Late writes to a settled week still reach the
-- person's own record (insight_given), not the program's figures.
-- settled = 0: a row frozen before this migration (at the week's close);
-- the first load that may write fills its figures from insight_periods as
-- they are then (such weeks were shown with moving figures before).
ALTER TABLE insight_frozen ADD COLUMN settled INTEGER NOT NULL DEFAULT 0 CHECK (settled IN (0, 1));
ALTER TABLE insight_frozen ADD COLUMN people INTEGER NOT NULL DEFAULT 0;
ALTER TABLE insight_frozen ADD COLUMN mentors INTEGER NOT NULL DEFAULT 0;
ALTER TABLE insight_frozen ADD COLUMN mentees INTEGER NOT NULL DEFAULT 0;
ALTER TABLE insight_frozen ADD COLUMN req_sent INTEGER NOT NULL DEFAULT 0;
ALTER TABLE insight_frozen ADD COLUMN req_answered INTEGER NOT NULL DEFAULT 0;
ALTER TABLE insight_frozen ADD COLUMN a0 INTEGER NOT NULL DEFAULT 0;
ALTER TABLE insight_frozen ADD COLUMN a1 INTEGER NOT NULL DEFAULT 0;
ALTER TABLE insight_frozen ADD COLUMN a2 INTEGER NOT NULL DEFAULT 0;
ALTER TABLE insight_frozen ADD COLUMN a3 INTEGER NOT NULL DEFAULT 0;
ALTER TABLE insight_frozen ADD COLUMN a4 INTEGER NOT NULL DEFAULT 0;
ALTER TABLE insight_frozen ADD COLUMN a5 INTEGER NOT NULL DEFAULT 0;
ALTER TABLE insight_frozen ADD COLUMN a6 INTEGER NOT NULL DEFAULT 0;
ALTER TABLE insight_frozen ADD COLUMN a7 INTEGER NOT NULL DEFAULT 0;
ALTER TABLE insight_frozen ADD COLUMN ms_started INTEGER NOT NULL DEFAULT 0;
ALTER TABLE insight_frozen ADD COLUMN s_one_on_one INTEGER NOT NULL DEFAULT 0;
ALTER TABLE insight_frozen ADD COLUMN s_pairing INTEGER NOT NULL DEFAULT 0;
ALTER TABLE insight_frozen ADD COLUMN s_office_hours INTEGER NOT NULL DEFAULT 0;
ALTER TABLE insight_frozen ADD COLUMN s_help_session INTEGER NOT NULL DEFAULT 0;
ALTER TABLE insight_frozen ADD COLUMN s_ring INTEGER NOT NULL DEFAULT 0;
ALTER TABLE insight_frozen ADD COLUMN s_other INTEGER NOT NULL DEFAULT 0;
ALTER TABLE insight_frozen ADD COLUMN minutes INTEGER NOT NULL DEFAULT 0;
ALTER TABLE insight_frozen ADD COLUMN done_met INTEGER NOT NULL DEFAULT 0;
ALTER TABLE insight_frozen ADD COLUMN done_partly INTEGER NOT NULL DEFAULT 0;
ALTER TABLE insight_frozen ADD COLUMN done_not_met INTEGER NOT NULL DEFAULT 0;
ALTER TABLE insight_frozen ADD COLUMN ended_early INTEGER NOT NULL DEFAULT 0;
ALTER TABLE insight_frozen ADD COLUMN sv_invited INTEGER NOT NULL DEFAULT 0;
ALTER TABLE insight_frozen ADD COLUMN sv_answered INTEGER NOT NULL DEFAULT 0;

-- /program is rebuilt when a week settles (the rows above are filled by
-- an UPDATE when they were frozen before this migration).
CREATE TRIGGER program_rev_settled AFTER UPDATE OF settled ON insight_frozen BEGIN
  UPDATE kept_counts SET n = n + 1 WHERE name = 'program_rev';
END;


-- sql/0024's triggers on insight_periods stay: the builder now records as
-- 'program_week' the first week not settled (not the running one), so a
-- session logged late in the ordinary way (a week still settling) moves
-- nothing, and a write to an older week does: into a settled week it
-- rebuilds the same charts (rare), into a week that was never read (a
-- backfill) it lets the builder see that a week waits to be settled.
