-- Issue 19, /program at 100,000 members: the page's parts are built once
-- per change, off the request path (the mail sender's loop,
-- app/pages/program_build.c), and kept here; a worker reads them with one
-- statement and shows a part only when its version is the live one.
--   part 'charts'      the headline figures and charts; version
--                      "YYYY-MM-DD|k|rev" (the day they were built for,
--                      the threshold, kept_counts 'program_rev' below)
--   part 'survey:ID'   one published survey's results; version
--                      "k|insight_published's version|last batch"
-- A part whose version is not the live one is never shown (the page
-- builds it inline when that is cheap, else says it is being updated).
CREATE TABLE program_parts (
  part     TEXT PRIMARY KEY,
  version  TEXT NOT NULL,
  built_at INTEGER NOT NULL,
  html     TEXT NOT NULL
) STRICT;

-- 'program_rev' moves whenever something the charts show may have changed
-- without the day changing: a write to a week that has closed (a session
-- logged late, a request answered late: its counts change, and the
-- complementary rule may hide more of it), a week frozen, a program
-- event. Which weeks have closed is the clock's (the test clock's too),
-- which SQL cannot read: the builder writes the running week's Monday as
-- 'program_week' (YYYYMMDD) before it reads anything, so writes to the
-- running week (the busy path: the charts never show that week) do not
-- move it. Before a builder ever ran, every write moves it.
INSERT INTO kept_counts(name, n) VALUES ('program_rev', 0) ON CONFLICT(name) DO NOTHING;
CREATE TRIGGER program_rev_periods_insert AFTER INSERT ON insight_periods
WHEN CAST(replace(NEW.period, '-', '') AS INTEGER) <
     coalesce((SELECT n FROM kept_counts WHERE name = 'program_week'), 99999999)
BEGIN
  UPDATE kept_counts SET n = n + 1 WHERE name = 'program_rev';
END;
CREATE TRIGGER program_rev_periods_update AFTER UPDATE ON insight_periods
WHEN min(CAST(replace(NEW.period, '-', '') AS INTEGER), CAST(replace(OLD.period, '-', '') AS INTEGER)) <
     coalesce((SELECT n FROM kept_counts WHERE name = 'program_week'), 99999999)
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

-- The published surveys, read on every /program: an index of them only,
-- and each one's last released batch (part of its version: the periodic
-- task releases batches no answer counted) by one seek.
CREATE INDEX surveys_published ON surveys(id) WHERE published = 1;
CREATE INDEX survey_responses_batch ON survey_responses(survey_id, batch);
