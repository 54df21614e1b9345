-- Issue 19, after its review: the insight pages read only weeks (every
-- figure is a sum over shown team-weeks of closed weeks, 0020), so the
-- monthly rows the feed also kept were written by every session, request
-- and ending and read by nothing. The feed keeps weeks only; the monthly
-- rows go. (The record's quarters are insight_given, untouched.)
DROP TRIGGER insight_feed_insert;
DELETE FROM insight_people WHERE kind = 'm';
DELETE FROM insight_periods WHERE kind = 'm';
CREATE TRIGGER insight_feed_insert INSTEAD OF INSERT ON insight_feed BEGIN
  INSERT INTO insight_people(kind, period, user_id, team, roles)
    SELECT x.k, x.p, NEW.user_id,
      coalesce((SELECT t.name FROM teams t WHERE t.name = (SELECT pr.team FROM profiles pr
                WHERE pr.user_id = NEW.user_id)), 'other'), NEW.role
    FROM (SELECT 'w' AS k, date(NEW.day, '-' || ((CAST(strftime('%w', NEW.day) AS INTEGER) + 6) % 7) || ' days') AS p) x
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
          FROM (SELECT 'w' AS k, date(NEW.day, '-' || ((CAST(strftime('%w', NEW.day) AS INTEGER) + 6) % 7) || ' days') AS p) x) y
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
