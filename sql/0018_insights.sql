-- Issue 19: the program's measurement. Every figure /admin/insights,
-- /program and /me/record show is kept here, moved in the same
-- transaction as the activity that moves it, so a page reads a few
-- hundred rows whatever the size or age of the program (no scan of
-- requests, meetings or mentorships per request).
--
-- One way in: a row inserted into the view insight_feed. Its INSTEAD OF
-- trigger does all the counting; the triggers below on requests,
-- mentorships, meetings and survey_invitations feed it, and the C entry
-- points of app/store/insights.h (for features with tables of their own:
-- pairings, office hours, help sessions, rings) insert into it too.
-- A feed row: a person (user_id) who took part on `day` (YYYY-MM-DD, UTC)
-- in a mentoring role (role: 1 mentor, 2 mentee, 3 both, 0 none: counted
-- but not "taking part"), and what happened:
--   touch      nothing to count but the person
--   sent       a request sent (n)
--   answered   a request answered, after secs seconds
--   start      a mentorship started (giver: its mentor)
--   session    n sessions of kind `sub`, `minutes` long in all
--   done       a mentorship ended; sub: goal_met, partly, not_met, ended_early
--   invited    a survey invitation; responded: one answered
-- giver (or NULL): the person whose record (/me/record) this adds to.
-- Figures are history: a deleted session takes its count back (n = -1),
-- but the people who took part that week stay counted.

-- Per period and team. kind 'w': period is the ISO week's Monday
-- (YYYY-MM-DD); 'm': the month (YYYY-MM). team: the admins' list's
-- spelling of the person's profile team, or 'other' (as survey reports),
-- taken when the person is first counted in the period. members: active
-- accounts of the team when the row last moved (the page carries it
-- forward over a period without a row).
CREATE TABLE insight_periods (
  kind         TEXT NOT NULL CHECK (kind IN ('w', 'm')),
  period       TEXT NOT NULL,
  team         TEXT NOT NULL,
  members      INTEGER NOT NULL DEFAULT 0,
  people       INTEGER NOT NULL DEFAULT 0,
  mentors      INTEGER NOT NULL DEFAULT 0,
  mentees      INTEGER NOT NULL DEFAULT 0,
  req_sent     INTEGER NOT NULL DEFAULT 0,
  req_answered INTEGER NOT NULL DEFAULT 0,
  -- answer times: under 1 h, 4 h, 12 h, 1 d, 2 d, 4 d, 7 d, and later
  a0 INTEGER NOT NULL DEFAULT 0, a1 INTEGER NOT NULL DEFAULT 0,
  a2 INTEGER NOT NULL DEFAULT 0, a3 INTEGER NOT NULL DEFAULT 0,
  a4 INTEGER NOT NULL DEFAULT 0, a5 INTEGER NOT NULL DEFAULT 0,
  a6 INTEGER NOT NULL DEFAULT 0, a7 INTEGER NOT NULL DEFAULT 0,
  ms_started   INTEGER NOT NULL DEFAULT 0,
  s_one_on_one INTEGER NOT NULL DEFAULT 0,
  s_pairing    INTEGER NOT NULL DEFAULT 0,
  s_office_hours INTEGER NOT NULL DEFAULT 0,
  s_help_session INTEGER NOT NULL DEFAULT 0,
  s_ring       INTEGER NOT NULL DEFAULT 0,
  s_other      INTEGER NOT NULL DEFAULT 0,
  minutes      INTEGER NOT NULL DEFAULT 0,
  done_met     INTEGER NOT NULL DEFAULT 0,
  done_partly  INTEGER NOT NULL DEFAULT 0,
  done_not_met INTEGER NOT NULL DEFAULT 0,
  ended_early  INTEGER NOT NULL DEFAULT 0,
  sv_invited   INTEGER NOT NULL DEFAULT 0,
  sv_answered  INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (kind, period, team)
) STRICT, WITHOUT ROWID;

-- Who took part in a period, once each (distinct people per period), and
-- in which roles (bit 1 mentor, bit 2 mentee). Its triggers move the
-- period's people, mentors and mentees when a person is first counted or
-- takes a new role.
CREATE TABLE insight_people (
  kind    TEXT NOT NULL,
  period  TEXT NOT NULL,
  user_id INTEGER NOT NULL,
  team    TEXT NOT NULL,
  roles   INTEGER NOT NULL,
  PRIMARY KEY (kind, period, user_id)
) STRICT, WITHOUT ROWID;

-- Active accounts per team now (the denominator of the participation rate).
CREATE TABLE insight_team_members (
  team TEXT PRIMARY KEY,
  n    INTEGER NOT NULL
) STRICT, WITHOUT ROWID;

-- What each person has given, per quarter ('YYYY-Qn') and kind: a session
-- kind (n sessions, minutes), 'mentee' (mentorships started as mentor),
-- 'done_goal_met' and the other endings.
CREATE TABLE insight_given (
  user_id INTEGER NOT NULL,
  quarter TEXT NOT NULL,
  kind    TEXT NOT NULL,
  n       INTEGER NOT NULL DEFAULT 0,
  minutes INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (user_id, quarter, kind)
) STRICT, WITHOUT ROWID;

-- Dated program events (an incentive introduced, a campaign): a marker on
-- every chart and a before/after comparison each.
CREATE TABLE program_events (
  id         INTEGER PRIMARY KEY,
  on_day     TEXT NOT NULL,
  title      TEXT NOT NULL,
  note       TEXT NOT NULL DEFAULT '',
  created_by INTEGER,
  created_at INTEGER NOT NULL
) STRICT;
CREATE INDEX program_events_day ON program_events(on_day, id);

-- A survey whose results every member sees on /program.
ALTER TABLE surveys ADD COLUMN published INTEGER NOT NULL DEFAULT 0 CHECK (published IN (0, 1));

CREATE VIEW insight_feed AS SELECT
  NULL AS user_id, NULL AS role, NULL AS what, NULL AS sub, NULL AS n,
  NULL AS minutes, NULL AS secs, NULL AS day, NULL AS giver;

CREATE TRIGGER insight_feed_insert INSTEAD OF INSERT ON insight_feed BEGIN
  INSERT INTO insight_people(kind, period, user_id, team, roles)
    SELECT x.k, x.p, NEW.user_id,
      coalesce((SELECT t.name FROM teams t WHERE t.name = (SELECT pr.team FROM profiles pr
                WHERE pr.user_id = NEW.user_id)), 'other'), NEW.role
    FROM (SELECT 'w' AS k, date(NEW.day, '-' || ((CAST(strftime('%w', NEW.day) AS INTEGER) + 6) % 7) || ' days') AS p
          UNION ALL SELECT 'm', substr(NEW.day, 1, 7)) x
    WHERE NEW.role > 0
    ON CONFLICT(kind, period, user_id) DO UPDATE SET roles = roles | excluded.roles;
  INSERT INTO insight_periods(kind, period, team, members, req_sent, req_answered,
      a0, a1, a2, a3, a4, a5, a6, a7, ms_started, s_one_on_one, s_pairing, s_office_hours,
      s_help_session, s_ring, s_other, minutes, done_met, done_partly, done_not_met, ended_early,
      sv_invited, sv_answered)
    SELECT y.k, y.p, y.tm, coalesce((SELECT m.n FROM insight_team_members m WHERE m.team = y.tm), 0),
      (NEW.what = 'sent') * NEW.n, (NEW.what = 'answered') * NEW.n,
      (NEW.what = 'answered' AND NEW.secs < 3600) * NEW.n,
      (NEW.what = 'answered' AND NEW.secs >= 3600 AND NEW.secs < 14400) * NEW.n,
      (NEW.what = 'answered' AND NEW.secs >= 14400 AND NEW.secs < 43200) * NEW.n,
      (NEW.what = 'answered' AND NEW.secs >= 43200 AND NEW.secs < 86400) * NEW.n,
      (NEW.what = 'answered' AND NEW.secs >= 86400 AND NEW.secs < 172800) * NEW.n,
      (NEW.what = 'answered' AND NEW.secs >= 172800 AND NEW.secs < 345600) * NEW.n,
      (NEW.what = 'answered' AND NEW.secs >= 345600 AND NEW.secs < 604800) * NEW.n,
      (NEW.what = 'answered' AND NEW.secs >= 604800) * NEW.n,
      (NEW.what = 'start') * NEW.n,
      (NEW.what = 'session' AND NEW.sub = 'one_on_one') * NEW.n,
      (NEW.what = 'session' AND NEW.sub = 'pairing') * NEW.n,
      (NEW.what = 'session' AND NEW.sub = 'office_hours') * NEW.n,
      (NEW.what = 'session' AND NEW.sub = 'help_session') * NEW.n,
      (NEW.what = 'session' AND NEW.sub = 'ring') * NEW.n,
      (NEW.what = 'session' AND NEW.sub NOT IN ('one_on_one', 'pairing', 'office_hours', 'help_session', 'ring')) * NEW.n,
      (NEW.what = 'session') * NEW.minutes,
      (NEW.what = 'done' AND NEW.sub = 'goal_met') * NEW.n,
      (NEW.what = 'done' AND NEW.sub = 'partly') * NEW.n,
      (NEW.what = 'done' AND NEW.sub = 'not_met') * NEW.n,
      (NEW.what = 'done' AND NEW.sub = 'ended_early') * NEW.n,
      (NEW.what = 'invited') * NEW.n, (NEW.what = 'responded') * NEW.n
    FROM (SELECT x.k, x.p, coalesce((SELECT ip.team FROM insight_people ip WHERE ip.kind = x.k
                 AND ip.period = x.p AND ip.user_id = NEW.user_id),
               (SELECT t.name FROM teams t WHERE t.name = (SELECT pr.team FROM profiles pr
                 WHERE pr.user_id = NEW.user_id)), 'other') AS tm
          FROM (SELECT 'w' AS k, date(NEW.day, '-' || ((CAST(strftime('%w', NEW.day) AS INTEGER) + 6) % 7) || ' days') AS p
                UNION ALL SELECT 'm', substr(NEW.day, 1, 7)) x) y
    WHERE NEW.what <> 'touch'
    ON CONFLICT(kind, period, team) DO UPDATE SET members = excluded.members,
      req_sent = req_sent + excluded.req_sent, req_answered = req_answered + excluded.req_answered,
      a0 = a0 + excluded.a0, a1 = a1 + excluded.a1, a2 = a2 + excluded.a2, a3 = a3 + excluded.a3,
      a4 = a4 + excluded.a4, a5 = a5 + excluded.a5, a6 = a6 + excluded.a6, a7 = a7 + excluded.a7,
      ms_started = ms_started + excluded.ms_started,
      s_one_on_one = s_one_on_one + excluded.s_one_on_one, s_pairing = s_pairing + excluded.s_pairing,
      s_office_hours = s_office_hours + excluded.s_office_hours,
      s_help_session = s_help_session + excluded.s_help_session, s_ring = s_ring + excluded.s_ring,
      s_other = s_other + excluded.s_other, minutes = minutes + excluded.minutes,
      done_met = done_met + excluded.done_met, done_partly = done_partly + excluded.done_partly,
      done_not_met = done_not_met + excluded.done_not_met, ended_early = ended_early + excluded.ended_early,
      sv_invited = sv_invited + excluded.sv_invited, sv_answered = sv_answered + excluded.sv_answered;
  INSERT INTO insight_given(user_id, quarter, kind, n, minutes)
    SELECT NEW.giver, substr(NEW.day, 1, 4) || '-Q' || ((CAST(substr(NEW.day, 6, 2) AS INTEGER) + 2) / 3),
      CASE NEW.what WHEN 'session' THEN NEW.sub WHEN 'start' THEN 'mentee' ELSE 'done_' || NEW.sub END,
      NEW.n, CASE WHEN NEW.what = 'session' THEN NEW.minutes ELSE 0 END
    WHERE NEW.giver IS NOT NULL AND NEW.what IN ('session', 'start', 'done')
    ON CONFLICT(user_id, quarter, kind) DO UPDATE SET n = n + excluded.n, minutes = minutes + excluded.minutes;
END;

CREATE TRIGGER insight_people_insert AFTER INSERT ON insight_people BEGIN
  INSERT INTO insight_periods(kind, period, team, members, people, mentors, mentees)
    VALUES (NEW.kind, NEW.period, NEW.team,
            coalesce((SELECT m.n FROM insight_team_members m WHERE m.team = NEW.team), 0),
            1, NEW.roles & 1, (NEW.roles >> 1) & 1)
    ON CONFLICT(kind, period, team) DO UPDATE SET members = excluded.members, people = people + 1,
      mentors = mentors + excluded.mentors, mentees = mentees + excluded.mentees;
END;
CREATE TRIGGER insight_people_roles AFTER UPDATE OF roles ON insight_people
WHEN NEW.roles <> OLD.roles BEGIN
  UPDATE insight_periods SET mentors = mentors + (NEW.roles & 1) - (OLD.roles & 1),
      mentees = mentees + ((NEW.roles >> 1) & 1) - ((OLD.roles >> 1) & 1)
    WHERE kind = NEW.kind AND period = NEW.period AND team = NEW.team;
END;

-- Active accounts per team: moved where an account's activity or a
-- profile's team changes (as kept_counts' mentors in 0012: an account is
-- deleted before its profile, so it is taken off BEFORE the delete).
CREATE TRIGGER insight_members_profile_insert AFTER INSERT ON profiles BEGIN
  INSERT INTO insight_team_members(team, n)
    SELECT coalesce((SELECT t.name FROM teams t WHERE t.name = NEW.team), 'other'), u.active
    FROM users u WHERE u.id = NEW.user_id
    ON CONFLICT(team) DO UPDATE SET n = n + excluded.n;
END;
CREATE TRIGGER insight_members_profile_team AFTER UPDATE OF team ON profiles BEGIN
  UPDATE insight_team_members SET n = n - coalesce((SELECT active FROM users WHERE id = OLD.user_id), 0)
    WHERE team = coalesce((SELECT t.name FROM teams t WHERE t.name = OLD.team), 'other');
  INSERT INTO insight_team_members(team, n)
    SELECT coalesce((SELECT t.name FROM teams t WHERE t.name = NEW.team), 'other'), u.active
    FROM users u WHERE u.id = NEW.user_id
    ON CONFLICT(team) DO UPDATE SET n = n + excluded.n;
END;
CREATE TRIGGER insight_members_profile_delete AFTER DELETE ON profiles BEGIN
  UPDATE insight_team_members SET n = n - coalesce((SELECT active FROM users WHERE id = OLD.user_id), 0)
    WHERE team = coalesce((SELECT t.name FROM teams t WHERE t.name = OLD.team), 'other');
END;
CREATE TRIGGER insight_members_active AFTER UPDATE OF active ON users BEGIN
  UPDATE insight_team_members SET n = n + NEW.active - OLD.active
    WHERE team = coalesce((SELECT t.name FROM teams t WHERE t.name =
                  (SELECT p.team FROM profiles p WHERE p.user_id = NEW.id)), 'other')
      AND EXISTS (SELECT 1 FROM profiles p WHERE p.user_id = NEW.id);
END;
CREATE TRIGGER insight_members_user_delete BEFORE DELETE ON users BEGIN
  UPDATE insight_team_members SET n = n - OLD.active
    WHERE team = coalesce((SELECT t.name FROM teams t WHERE t.name =
                  (SELECT p.team FROM profiles p WHERE p.user_id = OLD.id)), 'other')
      AND EXISTS (SELECT 1 FROM profiles p WHERE p.user_id = OLD.id);
END;
-- A change to the list of teams moves people between teams: counted
-- again (an admin's rare action; one pass over the profiles).
CREATE TRIGGER insight_members_team_add AFTER INSERT ON teams BEGIN
  DELETE FROM insight_team_members;
  INSERT INTO insight_team_members(team, n)
    SELECT coalesce((SELECT t.name FROM teams t WHERE t.name = p.team), 'other'), sum(u.active)
    FROM profiles p JOIN users u ON u.id = p.user_id GROUP BY 1;
END;
CREATE TRIGGER insight_members_team_remove AFTER DELETE ON teams BEGIN
  DELETE FROM insight_team_members;
  INSERT INTO insight_team_members(team, n)
    SELECT coalesce((SELECT t.name FROM teams t WHERE t.name = p.team), 'other'), sum(u.active)
    FROM profiles p JOIN users u ON u.id = p.user_id GROUP BY 1;
END;

-- Requests: sent (the mentee takes part), answered (the mentor, and how long it took).
CREATE TRIGGER insight_request_insert AFTER INSERT ON requests BEGIN
  INSERT INTO insight_feed(user_id, role, what, sub, n, minutes, secs, day, giver)
    VALUES (NEW.mentee_id, 2, 'sent', '', 1, 0, 0, date(NEW.created_at, 'unixepoch'), NULL);
  INSERT INTO insight_feed(user_id, role, what, sub, n, minutes, secs, day, giver)
    SELECT NEW.mentor_id, 1, 'answered', '', 1, 0, NEW.answered_at - NEW.created_at,
           date(NEW.answered_at, 'unixepoch'), NULL
    WHERE NEW.status IN ('accepted', 'declined') AND NEW.answered_at IS NOT NULL;
END;
CREATE TRIGGER insight_request_answer AFTER UPDATE OF status ON requests
WHEN OLD.status = 'pending' AND NEW.status IN ('accepted', 'declined') AND NEW.answered_at IS NOT NULL BEGIN
  INSERT INTO insight_feed(user_id, role, what, sub, n, minutes, secs, day, giver)
    VALUES (NEW.mentor_id, 1, 'answered', '', 1, 0, NEW.answered_at - NEW.created_at,
            date(NEW.answered_at, 'unixepoch'), NULL);
END;

-- Mentorships: started (both take part; the mentor's record gains a
-- mentee) and ended (counted in the mentee's team, with its outcome).
CREATE TRIGGER insight_ms_insert AFTER INSERT ON mentorships BEGIN
  INSERT INTO insight_feed(user_id, role, what, sub, n, minutes, secs, day, giver)
    VALUES (NEW.mentor_id, 1, 'touch', '', 0, 0, 0, NEW.started_on, NULL),
           (NEW.mentee_id, 2, 'start', '', 1, 0, 0, NEW.started_on, NEW.mentor_id);
  INSERT INTO insight_feed(user_id, role, what, sub, n, minutes, secs, day, giver)
    SELECT NEW.mentee_id, 2, 'done', CASE WHEN NEW.status = 'completed' THEN coalesce(NEW.outcome, 'partly')
                                         ELSE 'ended_early' END,
           1, 0, 0, date(NEW.ended_at, 'unixepoch'), NEW.mentor_id
    WHERE NEW.status <> 'active' AND NEW.ended_at IS NOT NULL;
  INSERT INTO insight_feed(user_id, role, what, sub, n, minutes, secs, day, giver)
    SELECT NEW.mentor_id, 1, 'touch', '', 0, 0, 0, date(NEW.ended_at, 'unixepoch'), NULL
    WHERE NEW.status <> 'active' AND NEW.ended_at IS NOT NULL;
END;
CREATE TRIGGER insight_ms_end AFTER UPDATE OF status ON mentorships
WHEN OLD.status = 'active' AND NEW.status <> 'active' BEGIN
  INSERT INTO insight_feed(user_id, role, what, sub, n, minutes, secs, day, giver)
    VALUES (NEW.mentee_id, 2, 'done', CASE WHEN NEW.status = 'completed' THEN coalesce(NEW.outcome, 'partly')
                                          ELSE 'ended_early' END,
            1, 0, 0, date(coalesce(NEW.ended_at, NEW.created_at), 'unixepoch'), NEW.mentor_id),
           (NEW.mentor_id, 1, 'touch', '', 0, 0, 0, date(coalesce(NEW.ended_at, NEW.created_at), 'unixepoch'), NULL);
END;

-- Sessions: counted in the mentor's team, on the day held; the mentee
-- takes part too. An edit moves the count; a delete takes it back.
CREATE TRIGGER insight_meeting_insert AFTER INSERT ON meetings BEGIN
  INSERT INTO insight_feed(user_id, role, what, sub, n, minutes, secs, day, giver)
    SELECT ms.mentor_id, 1, 'session', NEW.kind, 1, NEW.duration_min, 0, NEW.held_on, ms.mentor_id
    FROM mentorships ms WHERE ms.id = NEW.mentorship_id;
  INSERT INTO insight_feed(user_id, role, what, sub, n, minutes, secs, day, giver)
    SELECT ms.mentee_id, 2, 'touch', '', 0, 0, 0, NEW.held_on, NULL
    FROM mentorships ms WHERE ms.id = NEW.mentorship_id;
END;
CREATE TRIGGER insight_meeting_update AFTER UPDATE OF held_on, duration_min, kind ON meetings BEGIN
  INSERT INTO insight_feed(user_id, role, what, sub, n, minutes, secs, day, giver)
    SELECT ms.mentor_id, 0, 'session', OLD.kind, -1, -OLD.duration_min, 0, OLD.held_on, ms.mentor_id
    FROM mentorships ms WHERE ms.id = OLD.mentorship_id;
  INSERT INTO insight_feed(user_id, role, what, sub, n, minutes, secs, day, giver)
    SELECT ms.mentor_id, 1, 'session', NEW.kind, 1, NEW.duration_min, 0, NEW.held_on, ms.mentor_id
    FROM mentorships ms WHERE ms.id = NEW.mentorship_id;
  INSERT INTO insight_feed(user_id, role, what, sub, n, minutes, secs, day, giver)
    SELECT ms.mentee_id, 2, 'touch', '', 0, 0, 0, NEW.held_on, NULL
    FROM mentorships ms WHERE ms.id = NEW.mentorship_id;
END;
CREATE TRIGGER insight_meeting_delete AFTER DELETE ON meetings BEGIN
  INSERT INTO insight_feed(user_id, role, what, sub, n, minutes, secs, day, giver)
    SELECT ms.mentor_id, 0, 'session', OLD.kind, -1, -OLD.duration_min, 0, OLD.held_on, ms.mentor_id
    FROM mentorships ms WHERE ms.id = OLD.mentorship_id;
END;

-- Survey invitations: counted in the period the mentorship ended (when
-- they are sent), answered ones in the same period.
CREATE TRIGGER insight_invitation_insert AFTER INSERT ON survey_invitations BEGIN
  INSERT INTO insight_feed(user_id, role, what, sub, n, minutes, secs, day, giver)
    SELECT NEW.user_id, 0, 'invited', '', 1, 0, 0,
           date(coalesce(ms.ended_at, ms.created_at), 'unixepoch'), NULL
    FROM mentorships ms WHERE ms.id = NEW.mentorship_id;
  INSERT INTO insight_feed(user_id, role, what, sub, n, minutes, secs, day, giver)
    SELECT NEW.user_id, 0, 'responded', '', 1, 0, 0,
           date(coalesce(ms.ended_at, ms.created_at), 'unixepoch'), NULL
    FROM mentorships ms WHERE ms.id = NEW.mentorship_id AND NEW.answered = 1;
END;
CREATE TRIGGER insight_invitation_answer AFTER UPDATE OF answered ON survey_invitations
WHEN NEW.answered <> OLD.answered BEGIN
  INSERT INTO insight_feed(user_id, role, what, sub, n, minutes, secs, day, giver)
    SELECT NEW.user_id, 0, 'responded', '', NEW.answered - OLD.answered, 0, 0,
           date(coalesce(ms.ended_at, ms.created_at), 'unixepoch'), NULL
    FROM mentorships ms WHERE ms.id = NEW.mentorship_id;
END;

-- Once: what exists already, fed through the same trigger.
INSERT INTO insight_team_members(team, n)
  SELECT coalesce((SELECT t.name FROM teams t WHERE t.name = p.team), 'other'), sum(u.active)
  FROM profiles p JOIN users u ON u.id = p.user_id GROUP BY 1;
INSERT INTO insight_feed(user_id, role, what, sub, n, minutes, secs, day, giver)
  SELECT mentor_id, 1, 'touch', '', 0, 0, 0, started_on, NULL FROM mentorships;
INSERT INTO insight_feed(user_id, role, what, sub, n, minutes, secs, day, giver)
  SELECT mentee_id, 2, 'start', '', 1, 0, 0, started_on, mentor_id FROM mentorships;
INSERT INTO insight_feed(user_id, role, what, sub, n, minutes, secs, day, giver)
  SELECT ms.mentor_id, 1, 'session', m.kind, 1, m.duration_min, 0, m.held_on, ms.mentor_id
  FROM meetings m JOIN mentorships ms ON ms.id = m.mentorship_id;
INSERT INTO insight_feed(user_id, role, what, sub, n, minutes, secs, day, giver)
  SELECT ms.mentee_id, 2, 'touch', '', 0, 0, 0, m.held_on, NULL
  FROM meetings m JOIN mentorships ms ON ms.id = m.mentorship_id;
INSERT INTO insight_feed(user_id, role, what, sub, n, minutes, secs, day, giver)
  SELECT mentee_id, 2, 'sent', '', 1, 0, 0, date(created_at, 'unixepoch'), NULL FROM requests;
INSERT INTO insight_feed(user_id, role, what, sub, n, minutes, secs, day, giver)
  SELECT mentor_id, 1, 'answered', '', 1, 0, answered_at - created_at, date(answered_at, 'unixepoch'), NULL
  FROM requests WHERE status IN ('accepted', 'declined') AND answered_at IS NOT NULL;
INSERT INTO insight_feed(user_id, role, what, sub, n, minutes, secs, day, giver)
  SELECT mentee_id, 2, 'done', CASE WHEN status = 'completed' THEN coalesce(outcome, 'partly') ELSE 'ended_early' END,
         1, 0, 0, date(coalesce(ended_at, created_at), 'unixepoch'), mentor_id
  FROM mentorships WHERE status <> 'active';
INSERT INTO insight_feed(user_id, role, what, sub, n, minutes, secs, day, giver)
  SELECT mentor_id, 1, 'touch', '', 0, 0, 0, date(coalesce(ended_at, created_at), 'unixepoch'), NULL
  FROM mentorships WHERE status <> 'active';
INSERT INTO insight_feed(user_id, role, what, sub, n, minutes, secs, day, giver)
  SELECT i.user_id, 0, 'invited', '', 1, 0, 0, date(coalesce(ms.ended_at, ms.created_at), 'unixepoch'), NULL
  FROM survey_invitations i JOIN mentorships ms ON ms.id = i.mentorship_id;
INSERT INTO insight_feed(user_id, role, what, sub, n, minutes, secs, day, giver)
  SELECT i.user_id, 0, 'responded', '', 1, 0, 0, date(coalesce(ms.ended_at, ms.created_at), 'unixepoch'), NULL
  FROM survey_invitations i JOIN mentorships ms ON ms.id = i.mentorship_id WHERE i.answered = 1;
