-- The write path of a logged session (issue 14's bench target: logging a
-- session within 5 % of its ratio before mail). Profiled on 100,000
-- members, the insight counting of one session was half of the store's
-- CPU: two rows through the generic view insight_feed, each an INSTEAD OF
-- trigger program of four statements (the period upsert computing all 24
-- counters of any event), each INSERT ... SELECT into a table with
-- triggers materialised into a temporary table first. The triggers below
-- count the same figures, in the same transaction, with statements that
-- each touch one row by its primary key. The insight figures stay exact
-- (tests/unit/test_insights.c recounts them from scratch).

-- A session counts, in the week (its Monday) of the day held:
--   the mentor (bit 1) and the mentee (bit 2) as taking part, in the team
--   of their profile now ('other' when it is not on the admins' list),
--   when first counted in the week (insight_people's triggers then move
--   the week's people/mentors/mentees as before);
--   in the mentor's team of that week: one session of its kind, its
--   minutes, and the team's members now;
--   in the mentor's record (insight_given): one session of its kind.
-- Single-row VALUES (the mentorship always exists: the meeting's foreign
-- key), so no statement needs a temporary table, and a person already
-- counted with the role is not rewritten at all.
DROP TRIGGER insight_meeting_insert;
CREATE TRIGGER insight_meeting_insert AFTER INSERT ON meetings BEGIN
  INSERT INTO insight_people(kind, period, user_id, team, roles) VALUES ('w',
      date(NEW.held_on, '-' || ((CAST(strftime('%w', NEW.held_on) AS INTEGER) + 6) % 7) || ' days'),
      (SELECT ms.mentor_id FROM mentorships ms WHERE ms.id = NEW.mentorship_id),
      coalesce((SELECT t.name FROM mentorships ms JOIN profiles pr ON pr.user_id = ms.mentor_id
                JOIN teams t ON t.name = pr.team WHERE ms.id = NEW.mentorship_id), 'other'), 1)
    ON CONFLICT(kind, period, user_id) DO UPDATE SET roles = roles | 1 WHERE (roles & 1) = 0;
  INSERT INTO insight_people(kind, period, user_id, team, roles) VALUES ('w',
      date(NEW.held_on, '-' || ((CAST(strftime('%w', NEW.held_on) AS INTEGER) + 6) % 7) || ' days'),
      (SELECT ms.mentee_id FROM mentorships ms WHERE ms.id = NEW.mentorship_id),
      coalesce((SELECT t.name FROM mentorships ms JOIN profiles pr ON pr.user_id = ms.mentee_id
                JOIN teams t ON t.name = pr.team WHERE ms.id = NEW.mentorship_id), 'other'), 2)
    ON CONFLICT(kind, period, user_id) DO UPDATE SET roles = roles | 2 WHERE (roles & 2) = 0;
  -- The mentor's row of the week exists now (above): its team is the
  -- team the session counts in, as insight_feed did.
  INSERT INTO insight_periods(kind, period, team, members, s_one_on_one, s_pairing, s_office_hours,
      s_help_session, s_ring, s_other, minutes)
    SELECT ip.kind, ip.period, ip.team,
      coalesce((SELECT m.n FROM insight_team_members m WHERE m.team = ip.team), 0),
      NEW.kind = 'one_on_one', NEW.kind = 'pairing', NEW.kind = 'office_hours',
      NEW.kind = 'help_session', NEW.kind = 'ring',
      NEW.kind NOT IN ('one_on_one', 'pairing', 'office_hours', 'help_session', 'ring'),
      NEW.duration_min
    FROM mentorships ms JOIN insight_people ip ON ip.kind = 'w'
      AND ip.period = date(NEW.held_on, '-' || ((CAST(strftime('%w', NEW.held_on) AS INTEGER) + 6) % 7) || ' days')
      AND ip.user_id = ms.mentor_id
    WHERE ms.id = NEW.mentorship_id
    ON CONFLICT(kind, period, team) DO UPDATE SET members = excluded.members,
      s_one_on_one = s_one_on_one + excluded.s_one_on_one, s_pairing = s_pairing + excluded.s_pairing,
      s_office_hours = s_office_hours + excluded.s_office_hours,
      s_help_session = s_help_session + excluded.s_help_session, s_ring = s_ring + excluded.s_ring,
      s_other = s_other + excluded.s_other, minutes = minutes + excluded.minutes;
  INSERT INTO insight_given(user_id, quarter, kind, n, minutes) VALUES (
      (SELECT ms.mentor_id FROM mentorships ms WHERE ms.id = NEW.mentorship_id),
      substr(NEW.held_on, 1, 4) || '-Q' || ((CAST(substr(NEW.held_on, 6, 2) AS INTEGER) + 2) / 3),
      NEW.kind, 1, NEW.duration_min)
    ON CONFLICT(user_id, quarter, kind) DO UPDATE SET n = n + 1, minutes = minutes + excluded.minutes;
END;

-- A new session can only move the pair's latest day forward: no
-- max() over its sessions, and no write (of the mentorship's row and its
-- mentorships_quiet entry) when it is not later than the latest. Edits
-- and deletes still recount (sql/0019).
DROP TRIGGER ms_last_session_insert;
CREATE TRIGGER ms_last_session_insert AFTER INSERT ON meetings BEGIN
  UPDATE mentorships SET last_session_on = NEW.held_on
    WHERE id = NEW.mentorship_id AND (last_session_on IS NULL OR last_session_on < NEW.held_on);
END;
