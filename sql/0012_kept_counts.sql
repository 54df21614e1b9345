-- Issue 15: the admin overview reads figures kept, not counted. Each
-- figure is one row of kept_counts, moved by a trigger in the same
-- transaction as the change that moves it, so no write path needs to know
-- (and none written later can forget). A monthly figure is one row per
-- month ('month:YYYY-MM' of a session's held_on). tests/unit/
-- test_kept_counts.c checks every figure against a full recount after
-- random operations.
CREATE TABLE kept_counts (
  name TEXT PRIMARY KEY,
  n    INTEGER NOT NULL
) STRICT, WITHOUT ROWID;

INSERT INTO kept_counts(name, n) VALUES
  ('members', (SELECT count(*) FROM users WHERE active = 1)),
  ('admins', (SELECT count(*) FROM users WHERE active = 1 AND role = 'admin')),
  ('mentors', (SELECT count(*) FROM profiles p JOIN users u ON u.id = p.user_id
               WHERE p.is_mentor = 1 AND u.active = 1)),
  ('ms_active', (SELECT count(*) FROM mentorships WHERE status = 'active')),
  ('ms_done', (SELECT count(*) FROM mentorships WHERE status <> 'active')),
  ('invited', (SELECT count(*) FROM survey_invitations)),
  ('answered', (SELECT count(*) FROM survey_invitations WHERE answered = 1));
INSERT INTO kept_counts(name, n)
  SELECT 'month:' || substr(held_on, 1, 7), count(*) FROM meetings GROUP BY 1;

-- Accounts. A mentor counts while their account is active: a profile's
-- triggers read the account, the account's read the profile. An account
-- is deleted before its profile (ON DELETE CASCADE), so the mentor it
-- was is taken off BEFORE the delete, while the profile is still there.
CREATE TRIGGER kept_users_insert AFTER INSERT ON users BEGIN
  UPDATE kept_counts SET n = n + NEW.active WHERE name = 'members';
  UPDATE kept_counts SET n = n + (NEW.active AND NEW.role = 'admin') WHERE name = 'admins';
END;
CREATE TRIGGER kept_users_update AFTER UPDATE OF active, role ON users BEGIN
  UPDATE kept_counts SET n = n + NEW.active - OLD.active WHERE name = 'members';
  UPDATE kept_counts SET n = n + (NEW.active AND NEW.role = 'admin') - (OLD.active AND OLD.role = 'admin')
    WHERE name = 'admins';
  UPDATE kept_counts SET n = n + (NEW.active - OLD.active) *
      coalesce((SELECT is_mentor FROM profiles WHERE user_id = NEW.id), 0)
    WHERE name = 'mentors';
END;
CREATE TRIGGER kept_users_delete BEFORE DELETE ON users BEGIN
  UPDATE kept_counts SET n = n - OLD.active WHERE name = 'members';
  UPDATE kept_counts SET n = n - (OLD.active AND OLD.role = 'admin') WHERE name = 'admins';
  UPDATE kept_counts SET n = n - OLD.active *
      coalesce((SELECT is_mentor FROM profiles WHERE user_id = OLD.id), 0)
    WHERE name = 'mentors';
  -- The profile's own trigger then finds no account and takes nothing off.
END;
CREATE TRIGGER kept_profiles_insert AFTER INSERT ON profiles BEGIN
  UPDATE kept_counts SET n = n + NEW.is_mentor *
      coalesce((SELECT active FROM users WHERE id = NEW.user_id), 0)
    WHERE name = 'mentors';
END;
CREATE TRIGGER kept_profiles_update AFTER UPDATE OF is_mentor, user_id ON profiles BEGIN
  UPDATE kept_counts SET n = n
      + NEW.is_mentor * coalesce((SELECT active FROM users WHERE id = NEW.user_id), 0)
      - OLD.is_mentor * coalesce((SELECT active FROM users WHERE id = OLD.user_id), 0)
    WHERE name = 'mentors';
END;
CREATE TRIGGER kept_profiles_delete AFTER DELETE ON profiles BEGIN
  UPDATE kept_counts SET n = n - OLD.is_mentor *
      coalesce((SELECT active FROM users WHERE id = OLD.user_id), 0)
    WHERE name = 'mentors';
END;

-- Mentorships: active, and every other status (finished, ended early …).
CREATE TRIGGER kept_ms_insert AFTER INSERT ON mentorships BEGIN
  UPDATE kept_counts SET n = n + (NEW.status = 'active') WHERE name = 'ms_active';
  UPDATE kept_counts SET n = n + (NEW.status <> 'active') WHERE name = 'ms_done';
END;
CREATE TRIGGER kept_ms_update AFTER UPDATE OF status ON mentorships BEGIN
  UPDATE kept_counts SET n = n + (NEW.status = 'active') - (OLD.status = 'active') WHERE name = 'ms_active';
  UPDATE kept_counts SET n = n + (NEW.status <> 'active') - (OLD.status <> 'active') WHERE name = 'ms_done';
END;
CREATE TRIGGER kept_ms_delete AFTER DELETE ON mentorships BEGIN
  UPDATE kept_counts SET n = n - (OLD.status = 'active') WHERE name = 'ms_active';
  UPDATE kept_counts SET n = n - (OLD.status <> 'active') WHERE name = 'ms_done';
END;

-- Logged sessions per month of held_on (an edit may move one); the total
-- is their sum, so logging a session moves one counter, not two.
CREATE TRIGGER kept_meetings_insert AFTER INSERT ON meetings BEGIN
  INSERT INTO kept_counts(name, n) VALUES ('month:' || substr(NEW.held_on, 1, 7), 1)
    ON CONFLICT(name) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER kept_meetings_update AFTER UPDATE OF held_on ON meetings BEGIN
  UPDATE kept_counts SET n = n - 1 WHERE name = 'month:' || substr(OLD.held_on, 1, 7);
  INSERT INTO kept_counts(name, n) VALUES ('month:' || substr(NEW.held_on, 1, 7), 1)
    ON CONFLICT(name) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER kept_meetings_delete AFTER DELETE ON meetings BEGIN
  UPDATE kept_counts SET n = n - 1 WHERE name = 'month:' || substr(OLD.held_on, 1, 7);
END;

-- Survey invitations and how many were answered.
-- Per survey too ('inv:ID', 'ans:ID'): the admin's list of surveys shows
-- each one's response rate without counting its invitations.
INSERT INTO kept_counts(name, n)
  SELECT 'inv:' || survey_id, count(*) FROM survey_invitations GROUP BY survey_id;
INSERT INTO kept_counts(name, n)
  SELECT 'ans:' || survey_id, sum(answered) FROM survey_invitations GROUP BY survey_id;
CREATE TRIGGER kept_inv_insert AFTER INSERT ON survey_invitations BEGIN
  UPDATE kept_counts SET n = n + 1 WHERE name = 'invited';
  UPDATE kept_counts SET n = n + NEW.answered WHERE name = 'answered';
  INSERT INTO kept_counts(name, n) VALUES ('inv:' || NEW.survey_id, 1)
    ON CONFLICT(name) DO UPDATE SET n = n + 1;
  INSERT INTO kept_counts(name, n) VALUES ('ans:' || NEW.survey_id, NEW.answered)
    ON CONFLICT(name) DO UPDATE SET n = n + excluded.n;
END;
CREATE TRIGGER kept_inv_update AFTER UPDATE OF answered, survey_id ON survey_invitations BEGIN
  UPDATE kept_counts SET n = n + NEW.answered - OLD.answered WHERE name = 'answered';
  UPDATE kept_counts SET n = n - 1 WHERE name = 'inv:' || OLD.survey_id;
  UPDATE kept_counts SET n = n - OLD.answered WHERE name = 'ans:' || OLD.survey_id;
  INSERT INTO kept_counts(name, n) VALUES ('inv:' || NEW.survey_id, 1)
    ON CONFLICT(name) DO UPDATE SET n = n + 1;
  INSERT INTO kept_counts(name, n) VALUES ('ans:' || NEW.survey_id, NEW.answered)
    ON CONFLICT(name) DO UPDATE SET n = n + excluded.n;
END;
CREATE TRIGGER kept_inv_delete AFTER DELETE ON survey_invitations BEGIN
  UPDATE kept_counts SET n = n - 1 WHERE name = 'invited';
  UPDATE kept_counts SET n = n - OLD.answered WHERE name = 'answered';
  UPDATE kept_counts SET n = n - 1 WHERE name = 'inv:' || OLD.survey_id;
  UPDATE kept_counts SET n = n - OLD.answered WHERE name = 'ans:' || OLD.survey_id;
END;

-- Open requests (pending, younger than 14 days) in order of age: the
-- overview's count and median wait read this range only, never the
-- answered history.
CREATE INDEX requests_pending_age ON requests(created_at) WHERE status = 'pending';

-- The lists pages show, read by key (issue 15): a mentor's requests and
-- a person's mentorships newest first.
CREATE INDEX requests_mentor_time ON requests(mentor_id, created_at);
CREATE INDEX mentorships_mentor_time ON mentorships(mentor_id, created_at);
CREATE INDEX mentorships_mentee_time ON mentorships(mentee_id, created_at);

-- /admin/users: by name (ties by id), optionally one role, and a search
-- by name or address. user_keys holds, for each account, its name folded
-- (lower case, common Latin accents taken off: "Chloé" is "chloe") from
-- the start of each of its first four words (word 0-3), and its address
-- (word 9): a prefix range on it finds "dub" in "Chloé Dubois" and
-- "person12@". Kept by triggers (an FTS5 table cannot be: with
-- trusted_schema=OFF SQLite refuses a virtual table in a trigger, and
-- JSON functions too). The replaces run in stages of 20 (SQLite's parser
-- stack takes no deeper nesting in a trigger); each later word is cut
-- from the one before. This fold and user_fold() in app/store/users.c
-- must agree (tests/unit/test_kept_counts.c searches "chloe", "elodie").
CREATE INDEX users_by_name ON users(display_name COLLATE NOCASE);
CREATE INDEX users_by_role_name ON users(role, display_name COLLATE NOCASE);
CREATE TABLE user_keys (
  key     TEXT NOT NULL,
  user_id INTEGER NOT NULL,
  word    INTEGER NOT NULL,
  PRIMARY KEY (key, user_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX user_keys_user ON user_keys(user_id, word);
CREATE TRIGGER user_keys_insert AFTER INSERT ON users BEGIN
  INSERT OR IGNORE INTO user_keys(key, user_id, word) SELECT h2, NEW.id, 0 FROM (SELECT replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(h1, 'Ô', 'o'), 'Õ', 'o'), 'Ö', 'o'), 'Ø', 'o'), 'ù', 'u'), 'ú', 'u'), 'û', 'u'), 'ü', 'u'), 'Ù', 'u'), 'Ú', 'u'), 'Û', 'u'), 'Ü', 'u'), 'ý', 'y'), 'ÿ', 'y'), 'Ý', 'y'), 'ß', 'ss'), 'æ', 'ae'), 'Æ', 'ae'), 'œ', 'oe'), 'Œ', 'oe') AS h2 FROM (SELECT replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(h0, 'Ê', 'e'), 'Ë', 'e'), 'ì', 'i'), 'í', 'i'), 'î', 'i'), 'ï', 'i'), 'Ì', 'i'), 'Í', 'i'), 'Î', 'i'), 'Ï', 'i'), 'ñ', 'n'), 'Ñ', 'n'), 'ò', 'o'), 'ó', 'o'), 'ô', 'o'), 'õ', 'o'), 'ö', 'o'), 'ø', 'o'), 'Ò', 'o'), 'Ó', 'o') AS h1 FROM (SELECT replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(lower(NEW.display_name), 'à', 'a'), 'á', 'a'), 'â', 'a'), 'ã', 'a'), 'ä', 'a'), 'å', 'a'), 'À', 'a'), 'Á', 'a'), 'Â', 'a'), 'Ã', 'a'), 'Ä', 'a'), 'Å', 'a'), 'ç', 'c'), 'Ç', 'c'), 'è', 'e'), 'é', 'e'), 'ê', 'e'), 'ë', 'e'), 'È', 'e'), 'É', 'e') AS h0)));
  INSERT OR IGNORE INTO user_keys(key, user_id, word) SELECT substr(key, instr(key, ' ') + 1), user_id, word + 1
    FROM user_keys WHERE user_id = NEW.id AND word = 0 AND instr(key, ' ') > 0;
  INSERT OR IGNORE INTO user_keys(key, user_id, word) SELECT substr(key, instr(key, ' ') + 1), user_id, word + 1
    FROM user_keys WHERE user_id = NEW.id AND word = 1 AND instr(key, ' ') > 0;
  INSERT OR IGNORE INTO user_keys(key, user_id, word) SELECT substr(key, instr(key, ' ') + 1), user_id, word + 1
    FROM user_keys WHERE user_id = NEW.id AND word = 2 AND instr(key, ' ') > 0;
  INSERT OR IGNORE INTO user_keys(key, user_id, word) VALUES (lower(NEW.email), NEW.id, 9);
END;
CREATE TRIGGER user_keys_update AFTER UPDATE OF display_name, email ON users BEGIN
  DELETE FROM user_keys WHERE user_id = NEW.id;
  INSERT OR IGNORE INTO user_keys(key, user_id, word) SELECT h2, NEW.id, 0 FROM (SELECT replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(h1, 'Ô', 'o'), 'Õ', 'o'), 'Ö', 'o'), 'Ø', 'o'), 'ù', 'u'), 'ú', 'u'), 'û', 'u'), 'ü', 'u'), 'Ù', 'u'), 'Ú', 'u'), 'Û', 'u'), 'Ü', 'u'), 'ý', 'y'), 'ÿ', 'y'), 'Ý', 'y'), 'ß', 'ss'), 'æ', 'ae'), 'Æ', 'ae'), 'œ', 'oe'), 'Œ', 'oe') AS h2 FROM (SELECT replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(h0, 'Ê', 'e'), 'Ë', 'e'), 'ì', 'i'), 'í', 'i'), 'î', 'i'), 'ï', 'i'), 'Ì', 'i'), 'Í', 'i'), 'Î', 'i'), 'Ï', 'i'), 'ñ', 'n'), 'Ñ', 'n'), 'ò', 'o'), 'ó', 'o'), 'ô', 'o'), 'õ', 'o'), 'ö', 'o'), 'ø', 'o'), 'Ò', 'o'), 'Ó', 'o') AS h1 FROM (SELECT replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(lower(NEW.display_name), 'à', 'a'), 'á', 'a'), 'â', 'a'), 'ã', 'a'), 'ä', 'a'), 'å', 'a'), 'À', 'a'), 'Á', 'a'), 'Â', 'a'), 'Ã', 'a'), 'Ä', 'a'), 'Å', 'a'), 'ç', 'c'), 'Ç', 'c'), 'è', 'e'), 'é', 'e'), 'ê', 'e'), 'ë', 'e'), 'È', 'e'), 'É', 'e') AS h0)));
  INSERT OR IGNORE INTO user_keys(key, user_id, word) SELECT substr(key, instr(key, ' ') + 1), user_id, word + 1
    FROM user_keys WHERE user_id = NEW.id AND word = 0 AND instr(key, ' ') > 0;
  INSERT OR IGNORE INTO user_keys(key, user_id, word) SELECT substr(key, instr(key, ' ') + 1), user_id, word + 1
    FROM user_keys WHERE user_id = NEW.id AND word = 1 AND instr(key, ' ') > 0;
  INSERT OR IGNORE INTO user_keys(key, user_id, word) SELECT substr(key, instr(key, ' ') + 1), user_id, word + 1
    FROM user_keys WHERE user_id = NEW.id AND word = 2 AND instr(key, ' ') > 0;
  INSERT OR IGNORE INTO user_keys(key, user_id, word) VALUES (lower(NEW.email), NEW.id, 9);
END;
CREATE TRIGGER user_keys_delete AFTER DELETE ON users BEGIN
  DELETE FROM user_keys WHERE user_id = OLD.id;
END;
-- Accounts that exist already: the update trigger writes their keys.
UPDATE users SET display_name = display_name;
