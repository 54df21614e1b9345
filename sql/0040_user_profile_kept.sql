-- Page speed (issues 15 and 17): a page that shows a time (the dashboard,
-- a mentorship, office hours, sessions) read the person's profile row for
-- their zone, and the dashboard read it again for the pairing goal: with
-- 100,000 members a row seldom in the cache, a page read of its own on
-- most requests. Both are kept on the person's row instead, which the
-- session lookup reads anyway, by triggers in the transactions that write
-- the profile (tests/unit/test_kept_counts.c compares them with the
-- profile after random changes). NULL: no profile (the pages then use
-- UTC and no goal, as before).
ALTER TABLE users ADD COLUMN timezone TEXT;
ALTER TABLE users ADD COLUMN pairing_goal INTEGER;
UPDATE users SET (timezone, pairing_goal) =
  (SELECT timezone, pairing_goal FROM profiles WHERE user_id = users.id);
CREATE TRIGGER user_kept_insert AFTER INSERT ON profiles BEGIN
  UPDATE users SET timezone = NEW.timezone, pairing_goal = NEW.pairing_goal WHERE id = NEW.user_id;
END;
CREATE TRIGGER user_kept_update AFTER UPDATE OF timezone, pairing_goal, user_id ON profiles BEGIN
  UPDATE users SET timezone = NULL, pairing_goal = NULL WHERE id = OLD.user_id AND OLD.user_id <> NEW.user_id;
  UPDATE users SET timezone = NEW.timezone, pairing_goal = NEW.pairing_goal WHERE id = NEW.user_id;
END;
CREATE TRIGGER user_kept_delete AFTER DELETE ON profiles BEGIN
  UPDATE users SET timezone = NULL, pairing_goal = NULL WHERE id = OLD.user_id;
END;
