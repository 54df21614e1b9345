-- Page speed (issues 15, 17, 18): the navigation's "Surveys (N)" on every
-- signed-in page was a count of the person's open invitations per request
-- (an index read of a page no other request had in cache: 10 to 25 µs of
-- pages that need to cost 140). It is kept on the person's row instead,
-- which the session lookup reads anyway, by triggers in the transactions
-- that invite, answer, open and close (tests/unit/test_kept_counts.c
-- checks it against a recount after random changes).
ALTER TABLE users ADD COLUMN surveys_waiting INTEGER NOT NULL DEFAULT 0;
UPDATE users SET surveys_waiting = (
    SELECT count(*) FROM survey_invitations i JOIN surveys s ON s.id = i.survey_id
    WHERE i.user_id = users.id AND i.answered = 0 AND s.status = 'open')
  WHERE id IN (SELECT i.user_id FROM survey_invitations i JOIN surveys s ON s.id = i.survey_id
               WHERE i.answered = 0 AND s.status = 'open');
CREATE TRIGGER waiting_inv_insert AFTER INSERT ON survey_invitations
WHEN NEW.answered = 0 AND (SELECT status FROM surveys WHERE id = NEW.survey_id) = 'open' BEGIN
  UPDATE users SET surveys_waiting = surveys_waiting + 1 WHERE id = NEW.user_id;
END;
CREATE TRIGGER waiting_inv_update AFTER UPDATE OF answered, survey_id, user_id ON survey_invitations BEGIN
  UPDATE users SET surveys_waiting = surveys_waiting - 1 WHERE id = OLD.user_id AND OLD.answered = 0
    AND (SELECT status FROM surveys WHERE id = OLD.survey_id) = 'open';
  UPDATE users SET surveys_waiting = surveys_waiting + 1 WHERE id = NEW.user_id AND NEW.answered = 0
    AND (SELECT status FROM surveys WHERE id = NEW.survey_id) = 'open';
END;
CREATE TRIGGER waiting_inv_delete AFTER DELETE ON survey_invitations
WHEN OLD.answered = 0 AND (SELECT status FROM surveys WHERE id = OLD.survey_id) = 'open' BEGIN
  UPDATE users SET surveys_waiting = surveys_waiting - 1 WHERE id = OLD.user_id;
END;
CREATE TRIGGER waiting_survey_status AFTER UPDATE OF status ON surveys
WHEN (OLD.status = 'open') <> (NEW.status = 'open') BEGIN
  UPDATE users SET surveys_waiting = surveys_waiting + CASE WHEN NEW.status = 'open' THEN 1 ELSE -1 END
    WHERE id IN (SELECT user_id FROM survey_invitations WHERE survey_id = NEW.id AND answered = 0);
END;
CREATE TRIGGER waiting_survey_delete BEFORE DELETE ON surveys WHEN OLD.status = 'open' BEGIN
  UPDATE users SET surveys_waiting = surveys_waiting - 1
    WHERE id IN (SELECT user_id FROM survey_invitations WHERE survey_id = OLD.id AND answered = 0);
END;
