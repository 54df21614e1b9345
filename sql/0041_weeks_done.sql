-- Page speed (issues 15 and 17): the dashboard and /mentorships showed
-- "3 of 6 weeks done" by counting the plan's weeks of each mentorship
-- listed: with 100,000 members their plan rows (wide: each week's sealed
-- note) are seldom in the cache, most of a page read a request. The count
-- is kept on the mentorship's row, which those pages read anyway, by
-- triggers in the transactions that write the plan
-- (tests/unit/test_kept_counts.c compares it with a recount after random
-- changes).
ALTER TABLE mentorships ADD COLUMN weeks_done INTEGER NOT NULL DEFAULT 0;
UPDATE mentorships SET weeks_done =
  (SELECT count(*) FROM plan_weeks w WHERE w.mentorship_id = mentorships.id AND w.done)
  WHERE id IN (SELECT mentorship_id FROM plan_weeks WHERE done);
CREATE TRIGGER weeks_done_insert AFTER INSERT ON plan_weeks WHEN NEW.done BEGIN
  UPDATE mentorships SET weeks_done = weeks_done + 1 WHERE id = NEW.mentorship_id;
END;
CREATE TRIGGER weeks_done_update AFTER UPDATE OF done, mentorship_id ON plan_weeks
WHEN OLD.done <> NEW.done OR OLD.mentorship_id <> NEW.mentorship_id BEGIN
  UPDATE mentorships SET weeks_done = weeks_done - OLD.done WHERE id = OLD.mentorship_id;
  UPDATE mentorships SET weeks_done = weeks_done + NEW.done WHERE id = NEW.mentorship_id;
END;
CREATE TRIGGER weeks_done_delete AFTER DELETE ON plan_weeks WHEN OLD.done BEGIN
  UPDATE mentorships SET weeks_done = weeks_done - 1 WHERE id = OLD.mentorship_id;
END;
