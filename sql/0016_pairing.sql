-- Issue 17: everyday mentoring outside mentorships. Pairing sessions with
-- anyone, office hours, and the senior help-session rotation.
--
-- activity_weeks is the one place their figures are kept: one row per
-- person, kind and week (the Monday, YYYY-MM-DD, of the calendar day the
-- session was held on), moved by the triggers below in the same
-- transaction as the fact that moves it, so no page counts a history.
-- kind: 'pairing' (each of the pair, while not removed), 'office_hours'
-- (each visit marked attended: the host and the visitor), 'help_led' (the
-- lead of a logged help session), 'help_attended' (each attendee logged).
-- Admin figures per week and kind (issue 19) are
--   SELECT week, kind, sum(n) FROM activity_weeks
--   WHERE week BETWEEN :from AND :to GROUP BY week, kind
-- read from activity_weeks_week; one person's record from the primary key.
CREATE TABLE activity_weeks (
  user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  kind    TEXT NOT NULL CHECK (kind IN ('pairing', 'office_hours', 'help_led', 'help_attended')),
  week    TEXT NOT NULL,
  n       INTEGER NOT NULL,
  PRIMARY KEY (user_id, kind, week)
) STRICT, WITHOUT ROWID;
CREATE INDEX activity_weeks_week ON activity_weeks(week, kind);

-- The intention a person sets for themselves ("five a week" for seniors).
ALTER TABLE profiles ADD COLUMN pairing_goal INTEGER NOT NULL DEFAULT 0
  CHECK (pairing_goal BETWEEN 0 AND 10);

-- Pairing sessions: either person logs one; the other confirms it or
-- removes themselves (status 'removed': it counts for neither). origin
-- 'coffee' is a "we met" of a random pairing round (issue 18). notes is
-- sealed (store/sealed.h SEALED_PAIRING_NOTES, row: the id); only the two
-- ever read it.
CREATE TABLE pairings (
  id           INTEGER PRIMARY KEY,
  author_id    INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  partner_id   INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  held_on      TEXT NOT NULL,
  duration_min INTEGER NOT NULL CHECK (duration_min BETWEEN 5 AND 480),
  topic        TEXT NOT NULL,
  link         TEXT NOT NULL DEFAULT '',
  labels       TEXT NOT NULL DEFAULT '',
  notes        BLOB,
  status       TEXT NOT NULL DEFAULT 'logged' CHECK (status IN ('logged', 'confirmed', 'removed')),
  origin       TEXT NOT NULL DEFAULT 'logged' CHECK (origin IN ('logged', 'coffee')),
  created_at   INTEGER NOT NULL,
  answered_at  INTEGER,
  CHECK (author_id <> partner_id)
) STRICT;
-- A person's pairings by day, from either side: the list, the weeks
-- before the suggestions, and the bench's senior with 200.
CREATE INDEX pairings_author ON pairings(author_id, held_on, id);
CREATE INDEX pairings_partner ON pairings(partner_id, held_on, id);

CREATE TRIGGER pairings_count_insert AFTER INSERT ON pairings WHEN NEW.status <> 'removed' BEGIN
  INSERT INTO activity_weeks(user_id, kind, week, n)
    SELECT u, 'pairing', date(NEW.held_on, '-6 days', 'weekday 1'), 1
    FROM (SELECT NEW.author_id AS u UNION ALL SELECT NEW.partner_id) WHERE true
    ON CONFLICT(user_id, kind, week) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER pairings_count_update AFTER UPDATE OF status, held_on, author_id, partner_id ON pairings BEGIN
  UPDATE activity_weeks SET n = n - 1 WHERE OLD.status <> 'removed' AND kind = 'pairing'
    AND user_id IN (OLD.author_id, OLD.partner_id) AND week = date(OLD.held_on, '-6 days', 'weekday 1');
  INSERT INTO activity_weeks(user_id, kind, week, n)
    SELECT u, 'pairing', date(NEW.held_on, '-6 days', 'weekday 1'), 1
    FROM (SELECT NEW.author_id AS u UNION ALL SELECT NEW.partner_id) WHERE NEW.status <> 'removed'
    ON CONFLICT(user_id, kind, week) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER pairings_count_delete AFTER DELETE ON pairings WHEN OLD.status <> 'removed' BEGIN
  UPDATE activity_weeks SET n = n - 1 WHERE kind = 'pairing'
    AND user_id IN (OLD.author_id, OLD.partner_id) AND week = date(OLD.held_on, '-6 days', 'weekday 1');
END;

-- Office hours: a published series and its occurrences (one per week).
-- start_time is in the host's zone (timezone, copied at publishing);
-- starts_at is the occurrence's UTC time, held_on its day in that zone.
CREATE TABLE office_hours (
  id           INTEGER PRIMARY KEY,
  host_id      INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  weekday      INTEGER NOT NULL CHECK (weekday BETWEEN 1 AND 7),
  start_time   TEXT NOT NULL,
  timezone     TEXT NOT NULL,
  duration_min INTEGER NOT NULL CHECK (duration_min BETWEEN 5 AND 480),
  seats        INTEGER NOT NULL CHECK (seats BETWEEN 1 AND 20),
  topic        TEXT NOT NULL,
  place        TEXT NOT NULL,
  weeks        INTEGER NOT NULL CHECK (weeks BETWEEN 1 AND 26),
  created_at   INTEGER NOT NULL
) STRICT;
CREATE INDEX office_hours_host ON office_hours(host_id);

-- booked is kept by the triggers of oh_bookings; seats are enforced in
-- the booking's BEGIN IMMEDIATE transaction (store/office_hours.c), and
-- the CHECK stops anything that would pass that by.
CREATE TABLE oh_occurrences (
  id           INTEGER PRIMARY KEY,
  series_id    INTEGER NOT NULL REFERENCES office_hours(id) ON DELETE CASCADE,
  host_id      INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  starts_at    INTEGER NOT NULL,
  held_on      TEXT NOT NULL,
  duration_min INTEGER NOT NULL,
  seats        INTEGER NOT NULL,
  booked       INTEGER NOT NULL DEFAULT 0,
  status       TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'cancelled')),
  marked_at    INTEGER,
  CHECK (booked BETWEEN 0 AND seats)
) STRICT;
-- GET /office-hours: the coming open ones, by time (keyset).
CREATE INDEX oh_occurrences_open ON oh_occurrences(starts_at, id) WHERE status = 'open';
CREATE INDEX oh_occurrences_host ON oh_occurrences(host_id, starts_at);
CREATE INDEX oh_occurrences_series ON oh_occurrences(series_id, starts_at);

CREATE TABLE oh_bookings (
  occurrence_id INTEGER NOT NULL REFERENCES oh_occurrences(id) ON DELETE CASCADE,
  user_id       INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  booked_at     INTEGER NOT NULL,
  attended      INTEGER NOT NULL DEFAULT 0 CHECK (attended IN (0, 1)),
  PRIMARY KEY (occurrence_id, user_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX oh_bookings_user ON oh_bookings(user_id, occurrence_id);

CREATE TRIGGER oh_bookings_insert AFTER INSERT ON oh_bookings BEGIN
  UPDATE oh_occurrences SET booked = booked + 1 WHERE id = NEW.occurrence_id;
END;
CREATE TRIGGER oh_bookings_delete AFTER DELETE ON oh_bookings BEGIN
  UPDATE oh_occurrences SET booked = booked - 1 WHERE id = OLD.occurrence_id;
  UPDATE activity_weeks SET n = n - 1 WHERE OLD.attended = 1 AND kind = 'office_hours'
    AND week = (SELECT date(held_on, '-6 days', 'weekday 1') FROM oh_occurrences WHERE id = OLD.occurrence_id)
    AND user_id IN (OLD.user_id, (SELECT host_id FROM oh_occurrences WHERE id = OLD.occurrence_id));
END;
-- An occurrence removed (its host's account deleted) takes its visits
-- with it: counted off here, while the occurrence is still there to say
-- its week and host; its bookings' own trigger then finds no occurrence
-- and counts nothing twice.
CREATE TRIGGER oh_occurrences_delete BEFORE DELETE ON oh_occurrences BEGIN
  UPDATE activity_weeks SET n = n - (SELECT count(*) FROM oh_bookings b WHERE b.occurrence_id = OLD.id
      AND b.attended = 1 AND (b.user_id = activity_weeks.user_id OR OLD.host_id = activity_weeks.user_id))
    WHERE kind = 'office_hours' AND week = date(OLD.held_on, '-6 days', 'weekday 1')
    AND user_id IN (SELECT user_id FROM oh_bookings WHERE occurrence_id = OLD.id AND attended = 1
                    UNION SELECT OLD.host_id);
END;
-- A visit marked (or unmarked) counts once for the visitor and once for
-- the host.
CREATE TRIGGER oh_bookings_attended AFTER UPDATE OF attended ON oh_bookings
  WHEN NEW.attended <> OLD.attended BEGIN
  INSERT INTO activity_weeks(user_id, kind, week, n)
    SELECT u, 'office_hours', date(o.held_on, '-6 days', 'weekday 1'), NEW.attended - OLD.attended
    FROM oh_occurrences o, (SELECT NEW.user_id AS u UNION ALL
                            SELECT host_id FROM oh_occurrences WHERE id = NEW.occurrence_id)
    WHERE o.id = NEW.occurrence_id
    ON CONFLICT(user_id, kind, week) DO UPDATE SET n = n + excluded.n;
END;

-- The help-session rotation. weekdays: '1,3,5' (Monday 1); the plan
-- starts on first_week (a Monday). Leads away for a week are skipped.
CREATE TABLE rotations (
  id           INTEGER PRIMARY KEY,
  name         TEXT NOT NULL,
  label        TEXT NOT NULL,
  weekdays     TEXT NOT NULL,
  start_time   TEXT NOT NULL,
  timezone     TEXT NOT NULL,
  duration_min INTEGER NOT NULL CHECK (duration_min BETWEEN 5 AND 480),
  weeks        INTEGER NOT NULL CHECK (weeks BETWEEN 1 AND 26),
  first_week   TEXT NOT NULL,
  uncovered    TEXT NOT NULL DEFAULT '', -- the plan's days without a lead, 'YYYY-MM-DD, ...'
  created_by   INTEGER REFERENCES users(id) ON DELETE SET NULL,
  created_at   INTEGER NOT NULL
) STRICT;
CREATE TABLE rotation_leads (
  rotation_id INTEGER NOT NULL REFERENCES rotations(id) ON DELETE CASCADE,
  user_id     INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  pos         INTEGER NOT NULL,
  PRIMARY KEY (rotation_id, user_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX rotation_leads_user ON rotation_leads(user_id);
CREATE TABLE rotation_away (
  rotation_id INTEGER NOT NULL REFERENCES rotations(id) ON DELETE CASCADE,
  user_id     INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  week        TEXT NOT NULL,
  PRIMARY KEY (rotation_id, user_id, week)
) STRICT, WITHOUT ROWID;

CREATE TABLE help_sessions (
  id           INTEGER PRIMARY KEY,
  rotation_id  INTEGER NOT NULL REFERENCES rotations(id) ON DELETE CASCADE,
  lead_id      INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  held_on      TEXT NOT NULL,
  starts_at    INTEGER NOT NULL,
  duration_min INTEGER NOT NULL,
  swap_to      INTEGER REFERENCES users(id) ON DELETE SET NULL, -- offered to, until answered
  logged_at    INTEGER,
  labels       TEXT NOT NULL DEFAULT ''
) STRICT;
CREATE INDEX help_sessions_time ON help_sessions(starts_at, id);
CREATE INDEX help_sessions_rotation ON help_sessions(rotation_id, held_on);
CREATE INDEX help_sessions_lead ON help_sessions(lead_id, held_on);

CREATE TABLE help_rsvps (
  session_id INTEGER NOT NULL REFERENCES help_sessions(id) ON DELETE CASCADE,
  user_id    INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  PRIMARY KEY (session_id, user_id)
) STRICT, WITHOUT ROWID;
CREATE TABLE help_attendance (
  session_id INTEGER NOT NULL REFERENCES help_sessions(id) ON DELETE CASCADE,
  user_id    INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  PRIMARY KEY (session_id, user_id)
) STRICT, WITHOUT ROWID;

CREATE TRIGGER help_sessions_logged AFTER UPDATE OF logged_at ON help_sessions
  WHEN OLD.logged_at IS NULL AND NEW.logged_at IS NOT NULL BEGIN
  INSERT INTO activity_weeks(user_id, kind, week, n)
    VALUES (NEW.lead_id, 'help_led', date(NEW.held_on, '-6 days', 'weekday 1'), 1)
    ON CONFLICT(user_id, kind, week) DO UPDATE SET n = n + 1;
END;
-- A help session removed takes its figures with it (as for occurrences).
CREATE TRIGGER help_sessions_delete BEFORE DELETE ON help_sessions BEGIN
  UPDATE activity_weeks SET n = n - 1 WHERE OLD.logged_at IS NOT NULL AND kind = 'help_led'
    AND user_id = OLD.lead_id AND week = date(OLD.held_on, '-6 days', 'weekday 1');
  UPDATE activity_weeks SET n = n - 1 WHERE kind = 'help_attended'
    AND week = date(OLD.held_on, '-6 days', 'weekday 1')
    AND user_id IN (SELECT user_id FROM help_attendance WHERE session_id = OLD.id);
END;
CREATE TRIGGER help_attendance_delete AFTER DELETE ON help_attendance BEGIN
  UPDATE activity_weeks SET n = n - 1 WHERE kind = 'help_attended' AND user_id = OLD.user_id
    AND week = (SELECT date(held_on, '-6 days', 'weekday 1') FROM help_sessions WHERE id = OLD.session_id);
END;
CREATE TRIGGER help_attendance_insert AFTER INSERT ON help_attendance BEGIN
  INSERT INTO activity_weeks(user_id, kind, week, n)
    SELECT NEW.user_id, 'help_attended', date(held_on, '-6 days', 'weekday 1'), 1
    FROM help_sessions WHERE id = NEW.session_id
    ON CONFLICT(user_id, kind, week) DO UPDATE SET n = n + 1;
END;
