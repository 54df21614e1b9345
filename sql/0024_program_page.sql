-- Issue 19, /program at 100,000 members: the page's parts are built once
-- per change, off the request path (the mail sender's loop,
-- app/pages/program_build.c), and kept here; a worker reads them with one
-- statement and shows a part only when its version is the live one.
--   part 'charts'      the headline figures and charts; version
--                      "YYYY-MM-DD|k|rev" (the day they were built for,
--                      the threshold, kept_counts 'program_rev' below)
--   part 'survey:ID'   one published survey's results; version
--                      "k|insight_published's version"
-- A part whose version is not the live one is never shown (the page
-- builds it inline when that is cheap, else says it is being updated).
CREATE TABLE program_parts (
  part     TEXT PRIMARY KEY,
  version  TEXT NOT NULL,
  built_at INTEGER NOT NULL,
  html     TEXT NOT NULL
) STRICT;

-- 'program_rev' moves whenever something the charts show may have changed
-- without the day changing: a write to a week already frozen (a late
-- session, a request answered late: its activity counts change, and the
-- complementary rule may hide more of it), a week frozen, a program event.
-- Writes to the running week (period after the last frozen one) do not
-- move it: the charts never show that week. While no week is frozen yet
-- every write moves it (a new program: a history written straight into
-- past weeks must show).
INSERT INTO kept_counts(name, n) VALUES ('program_rev', 0) ON CONFLICT(name) DO NOTHING;
CREATE TRIGGER program_rev_periods_insert AFTER INSERT ON insight_periods
WHEN (SELECT max(week) FROM insight_frozen) IS NULL OR NEW.period <= (SELECT max(week) FROM insight_frozen)
BEGIN
  UPDATE kept_counts SET n = n + 1 WHERE name = 'program_rev';
END;
CREATE TRIGGER program_rev_periods_update AFTER UPDATE ON insight_periods
WHEN (SELECT max(week) FROM insight_frozen) IS NULL OR NEW.period <= (SELECT max(week) FROM insight_frozen)
  OR OLD.period <= (SELECT max(week) FROM insight_frozen)
BEGIN
  UPDATE kept_counts SET n = n + 1 WHERE name = 'program_rev';
END;
CREATE TRIGGER program_rev_periods_delete AFTER DELETE ON insight_periods BEGIN
  UPDATE kept_counts SET n = n + 1 WHERE name = 'program_rev';
END;
CREATE TRIGGER program_rev_frozen AFTER INSERT ON insight_frozen BEGIN
  UPDATE kept_counts SET n = n + 1 WHERE name = 'program_rev';
END;
CREATE TRIGGER program_rev_events_insert AFTER INSERT ON program_events BEGIN
  UPDATE kept_counts SET n = n + 1 WHERE name = 'program_rev';
END;
CREATE TRIGGER program_rev_events_update AFTER UPDATE ON program_events BEGIN
  UPDATE kept_counts SET n = n + 1 WHERE name = 'program_rev';
END;
CREATE TRIGGER program_rev_events_delete AFTER DELETE ON program_events BEGIN
  UPDATE kept_counts SET n = n + 1 WHERE name = 'program_rev';
END;

-- The published surveys, read on every /program: an index of them only.
CREATE INDEX surveys_published ON surveys(id) WHERE published = 1;
